//! The wasmtime side of `tests/tests/wasmtime_port.rs`: the same plugin
//! host body and the same checks, compiled against wasmtime 48 with only
//! the `use` lines changed, to show the port needs nothing else. wasmtime
//! 48 has its own `Error`, `Result`, `Context` and macros (host functions
//! must return `wasmtime::Result`), so they come from wasmtime rather than
//! `anyhow`. Run with
//! `cargo test --manifest-path benches/Cargo.toml --release --test wasmtime_port`.
use wasmtime::error::Context;
use wasmtime::{
    bail, ensure, format_err, AsContext, Caller, Engine, Error, Extern, Func, Instance, Linker,
    Memory, Module, Result, Store, Trap, Val,
};

include!("../../tests/tests/wasmtime_port/embedding.rs");
include!("../../tests/tests/wasmtime_port/checks.rs");
