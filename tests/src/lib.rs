//! Shared helpers for the integration tests live in the test targets; the
//! fuzzing checks live here, in [`fuzzing`], because both the cargo-fuzz
//! targets in `fuzz/` and the stable smoke test (`tests/fuzz_smoke.rs`) run
//! them.
pub mod fuzzing;
