//! Porting from wasmtime: `wasmtime_port/embedding.rs` is a small plugin
//! host written as a wasmtime 48 user writes one (host functions taking a
//! `Caller`, guest memory read and written through it, `?`/`bail!`/
//! `ensure!`/`.context(..)` errors, typed calls, two modules linked by
//! name, a command run through `Linker::get_default`), and this file
//! compiles it against wasmbed with nothing changed but the `use` lines.
//! `wasmtime_port/checks.rs` holds the assertions on its results.
//!
//! The same body and checks are compiled against wasmtime itself by
//! `benches/tests/wasmtime_port.rs` (benches is a workspace of its own):
//! `cargo test --manifest-path benches/Cargo.toml --release --test wasmtime_port`.
use wasmbed::{
    bail, ensure, format_err, AsContext, Caller, Context, Engine, Error, Extern, Func, Instance,
    Linker, Memory, Module, Result, Store, Trap, Val,
};

include!("wasmtime_port/embedding.rs");
include!("wasmtime_port/checks.rs");
