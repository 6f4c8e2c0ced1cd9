//! wasm-smith modules run on wasmbed and on wasmi: results, trap codes,
//! memories, tables and globals must agree (see
//! `wasmbed_tests::fuzzing::check_differential`). The wasmbed side runs on
//! the backend named by `WASMBED_FUZZ_BACKEND` (`interp` by default;
//! `trampoline`, `trampoline-odd` and `refuse-all` cross the VM ABI or its
//! fallback path).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let _ = wasmbed_tests::fuzzing::check_differential(&mut u);
});
