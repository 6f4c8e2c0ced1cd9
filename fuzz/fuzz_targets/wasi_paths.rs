//! Sequences of WASI path operations against a preopen: nothing outside
//! it may change (see `wasmbed_tests::fuzzing::check_wasi_paths`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let _ = wasmbed_tests::fuzzing::check_wasi_paths(&mut u);
});
