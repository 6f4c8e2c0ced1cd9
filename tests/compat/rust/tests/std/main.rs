//! The standard library on wasm32-wasip1, one module per area. Run by
//! tests/compat/run.py under `wasmbed run` with a scratch directory
//! preopened at `/tmp` and libtest's `--test-threads=1` (wasip1 has no
//! threads).

mod collections;
mod env;
mod fmt;
mod fs;
mod io;
