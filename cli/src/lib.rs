//! `wasmbed-cli`: the `wasmbed` command (`src/main.rs`) and its subcommands
//! as library functions, so tests and other tools can drive them without
//! spawning a process. It lives apart from the `wasmbed` facade so that an
//! embedder who depends on `wasmbed` does not build clap, the `wast` parser
//! or WASI; this crate owns the command line, the spec-script runner and
//! the execution-limit flags, and nothing here is part of the embedding API.
pub mod backend;
pub mod limits;
pub mod run;
pub mod wast;
