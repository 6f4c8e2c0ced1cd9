//! The fuzzing checks, one function per cargo-fuzz target in `fuzz/`:
//!
//! | check | what must hold |
//! | --- | --- |
//! | [`check_decode`] | arbitrary bytes: `Module::from_binary` returns `Ok` or an `Error` (valid modules are also translated eagerly) |
//! | [`check_instantiate_run`] | a `wasm-smith` module instantiates with dummy imports and every export is called under fuel: only `Ok` or a trap comes out |
//! | [`check_differential`] | the same kind of module run on wasmbed and on wasmi: results, trap codes, final memories, tables and globals agree |
//! | [`check_wasi_paths`] | a sequence of WASI path operations against a preopen changes nothing outside it |
//!
//! A panic (or a hang, caught by libFuzzer's timeout) is a finding. The
//! checks take `arbitrary::Unstructured` so the same code runs under
//! libFuzzer (nightly, `fuzz/`) and from fixed seeds on stable Rust
//! ([`seeded_bytes`], used by `tests/fuzz_smoke.rs`).
mod decode;
mod differential;
mod run;
mod smith;
mod wasi_paths;

pub use decode::check_decode;
pub use differential::{
    check_differential, check_differential_module, check_differential_module_on,
    check_differential_on, configure_backend, fuzz_backend, DiffOutcome,
};
pub use run::{check_instantiate_run, check_instantiate_run_module, RunOutcome};
pub use smith::{generate, simd_supported, smith_config, SmithPurpose};
pub use wasi_paths::{check_wasi_paths, WasiOutcome};

/// `len` deterministic pseudo-random bytes for case `case` (SplitMix64), to
/// feed `arbitrary::Unstructured` in the stable smoke test.
pub fn seeded_bytes(case: u64, len: usize) -> Vec<u8> {
    let mut state = case.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xd1b5_4a32_d192_ed03;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}
