//! `wasmbed-wasi`: WASI preview 1 (`wasi_snapshot_preview1`) for wasmbed,
//! over a pluggable, capability-based filesystem.
//!
//! A guest sees only what the host mounts. Each mount is a
//! [`FileSystem`](fs::FileSystem): a host directory ([`fs::host::HostFs`],
//! through cap-std), an in-memory tree ([`fs::memory::MemoryFs`], usable
//! without `std`), or either of those wrapped read-only
//! ([`fs::readonly::ReadOnlyFs`]) or audited ([`fs::audit::AuditFs`]: every
//! operation recorded before the guest sees its result, an allow/deny
//! policy enforced; a sink that fails stops the mount with `EIO`). Paths are resolved
//! in one place ([`path`]), so no backend can be talked out of its mount.
//!
//! ```no_run
//! # #[cfg(feature = "std")] fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use wasmbed_core::{Engine, Linker, Module, Store};
//! use wasmbed_wasi::{fs::memory::MemoryFs, stdio::OutputBuffer, WasiCtx};
//!
//! let engine = Engine::default();
//! let module = Module::from_binary(&engine, &std::fs::read("app.wasm")?)?;
//! let files = MemoryFs::new();
//! files.add_file("input.txt", "hello")?;
//! let stdout = OutputBuffer::new();
//! let wasi = WasiCtx::builder()
//!     .arg("app")
//!     .stdout(stdout.clone())
//!     .preopen(files, "/")?
//!     .build();
//! let mut linker = Linker::new(&engine);
//! wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
//! let mut store = Store::new(&engine, wasi);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
//! match start.call(&mut store, ()) {
//!     Ok(()) => {}
//!     Err(e) if wasmbed_wasi::exit_code(&e) == Some(0) => {}
//!     Err(e) => return Err(e.into()),
//! }
//! println!("{}", String::from_utf8_lossy(&stdout.contents()));
//! # Ok(()) }
//! # #[cfg(not(feature = "std"))] fn main() {}
//! ```
//!
//! | feature | what it adds |
//! | --- | --- |
//! | (none) | the whole API, `no_std` + `alloc`: in-memory, read-only and audited filesystems, in-memory stdio, embedder-supplied clock, sleep and randomness |
//! | `std` (default) | host directories through cap-std, the host's stdio and any `Read`/`Write`, std clocks, getrandom, JSON-lines audit files |
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

extern crate alloc;

pub mod abi;
pub mod clock;
mod ctx;
pub mod errno;
mod fd_table;
pub mod fs;
pub mod mem;
pub mod path;
mod preview1;
pub mod random;
pub mod stdio;

pub use ctx::{exit_code, I32Exit, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use preview1::{add_to_linker, FUNCTIONS, MODULE};
