//! `wasmbed-core`: the `no_std` heart of wasmbed.
//!
//! This crate owns decoding and validation (through `wasmparser`), the
//! embedding API (`Engine`, `Module`, `Store`, `Linker`, `Instance`, `Func`,
//! ...), the interpreter, the VM ABI that compiled code targets, the
//! [`Backend`](backend::Backend) seam for JITs, and the [`platform`] traits a
//! host implements. It never touches an operating system: everything
//! host-specific arrives through [`platform`] implementations plugged into
//! [`Config`].
//!
//! | feature | what it adds |
//! | --- | --- |
//! | (none) | everything; the crate is `no_std` + `alloc` on every target |
//!
//! The std facade is the `wasmbed` crate, which adds `.wat` parsing, host
//! platforms and the CLI.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

extern crate alloc;

pub mod backend;
mod engine;
mod error;
mod extern_;
mod func;
mod instance;
#[macro_use]
mod ir;
mod interp;
mod linker;
mod module;
pub mod platform;
mod sorted;
mod store;
mod types;
mod value;
pub mod vm;

pub use engine::{Config, Engine, Strategy};
pub use error::{Chain, Context, Error, ErrorKind, HostError, Result};
pub use extern_::{Extern, Global, Memory, Table};
pub use func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use instance::Instance;
pub use linker::{InstancePre, Linker};
pub use module::{ExportType, ImportType, Module};
pub use store::{
    AsContext, AsContextMut, InterruptHandle, ResourceLimiter, Store, StoreContext, StoreContextMut,
};
pub use types::{
    ExternType, FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType,
};
pub use value::{ExternRef, Val, V128};

/// The name of every interpreter op, in the order of the op list (for
/// tests that check each op is produced and run; pair with
/// [`Module::__op_names_of`]). Not a stable interface.
#[doc(hidden)]
pub fn __ir_op_names() -> &'static [&'static str] {
    ir::OP_NAMES
}
/// Executed interpreter ops and fall-through op pairs since the last call,
/// most frequent first (feature `op-stats`; see `interp::stats`). Not a
/// stable interface.
#[cfg(feature = "op-stats")]
#[doc(hidden)]
#[allow(clippy::type_complexity)]
pub fn __op_stats() -> (
    alloc::vec::Vec<(&'static str, u64)>,
    alloc::vec::Vec<(&'static str, &'static str, u64)>,
) {
    interp::stats::take()
}
pub use vm::trap::{FrameInfo, Trap, TrapCode};

/// What the exported macros expand to; not a stable interface.
#[doc(hidden)]
pub mod __private {
    pub use alloc::format;
}

/// Size of a WebAssembly page in bytes.
pub const WASM_PAGE_SIZE: u64 = 65536;
