//! The VM ABI: the `#[repr(C)]` structures compiled code and the interpreter
//! address ([`context`]), and the trap vocabulary shared by all backends
//! ([`trap`]). Layouts here are a contract with JIT backends: change one
//! and the offset tests in `context` must change with it.
pub(crate) mod builtins;
pub mod code;
pub mod context;
pub mod trap;
