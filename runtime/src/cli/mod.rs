//! The `wasmbed` command's subcommands as library functions, so tests and
//! other tools can drive them without spawning a process.
pub mod limits;
pub mod run;
pub mod wast;
