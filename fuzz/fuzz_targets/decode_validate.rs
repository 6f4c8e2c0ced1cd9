//! Arbitrary bytes through `Module::from_binary`: `Ok` or an `Error`, never
//! a panic (see `wasmbed_tests::fuzzing::check_decode`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wasmbed_tests::fuzzing::check_decode(data);
});
