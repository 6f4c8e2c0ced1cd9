//! wasm-smith modules instantiated with dummy imports, every export called
//! under fuel: only results or traps (see
//! `wasmbed_tests::fuzzing::check_instantiate_run`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let _ = wasmbed_tests::fuzzing::check_instantiate_run(&mut u);
});
