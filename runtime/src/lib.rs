//! `wasmbed`: the crate an embedder adds. It re-exports the embedding API of
//! [`wasmbed_core`] and adds what needs `std`: modules from the text format
//! or from files, and the host platform. The `wasmbed` command lives in
//! the `wasmbed-cli` package, so depending on this crate builds no
//! command-line parser, spec-script parser or WASI.
//!
//! ```
//! use wasmbed::{Engine, Linker, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add").unwrap();
//! assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
//! ```
//!
//! # Platforms
//!
//! `Engine::default()` and `Config::new()` are the core's: linear memories
//! on the global allocator, no clock, no code memory, the same on every
//! target. [`host_config`] (or [`host_engine`]) adds the platform of the
//! host, chosen by `cfg`:
//!
//! | target | platform | memories |
//! | --- | --- | --- |
//! | Unix (Linux, macOS, FreeBSD) | `wasmbed-platform-unix` | 4 GiB reservation + 2 GiB guard each (small reservations on 32-bit hosts) |
//! | Windows | `wasmbed-platform-windows` | the same, with `VirtualAlloc` |
//! | anything else | the core's alloc-only defaults | on the global allocator |
//!
//! The chosen crate is re-exported as `host_platform` (absent on other
//! targets) for finer choices, such as small reservations on a 64-bit host
//! that runs many instances. An embedder with its own platform (an RTOS, a
//! kernel, a sandbox) plugs its implementations of the [`platform`] traits
//! into a [`Config`] instead; `ARCHITECTURE.md` shows how.
//!
//! ```
//! # #[cfg(any(unix, windows))] {
//! use std::sync::Arc;
//! use wasmbed::host_platform::{GuardedMemoryCreator, MemoryConfig};
//! use wasmbed::{Engine, Linker, Module, Store};
//!
//! let mut config = wasmbed::host_config();
//! config.memory_creator(Arc::new(GuardedMemoryCreator::new(MemoryConfig::small())));
//! let engine = Engine::new(&config);
//! assert!(engine.config().get_clock().is_some());
//! let module = Module::new(&engine, r#"(module (memory (export "mem") 1 2))"#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let memory = instance.get_memory(&store, "mem").unwrap();
//! assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
//! assert!(memory.grow(&mut store, 1).is_err());
//! # }
//! ```
use std::path::Path;

pub use wasmbed_core::{
    backend, bail, ensure, format_err, platform, vm, AsContext, AsContextMut, Caller, Chain,
    Config, Context, Engine, Error, ErrorKind, ExportType, Extern, ExternRef, ExternType,
    FrameInfo, Func, FuncType, Global, GlobalType, HostError, ImportType, Instance, InstancePre,
    InterruptHandle, IntoFunc, Linker, Memory, MemoryType, Mutability, RefType, ResourceLimiter,
    Result, Store, StoreContext, StoreContextMut, Strategy, Table, TableType, Trap, TrapCode,
    TypedFunc, Val, ValType, WasmParams, WasmResults, WasmRet, WasmTy, V128, WASM_PAGE_SIZE,
};

#[doc(hidden)]
pub use wasmbed_core::__ir_op_names;
#[cfg(feature = "op-stats")]
#[doc(hidden)]
pub use wasmbed_core::__op_stats;

mod threads;
pub use threads::StdThreads;

/// The x86-64 JIT backend (`jit_x64::JitX64`).
#[cfg(target_arch = "x86_64")]
pub use wasmbed_jit_x64 as jit_x64;

#[cfg(unix)]
pub use wasmbed_platform_unix as host_platform;
#[cfg(windows)]
pub use wasmbed_platform_windows as host_platform;

/// Installs the host platform (see [Platforms](crate#platforms)) in
/// `config`: guarded linear memories, code memory and the clock. Limits
/// and features already set stay as they are. On a target with no
/// platform crate, `config` is left as it is.
pub fn use_host_platform(config: &mut Config) -> &mut Config {
    #[cfg(unix)]
    return wasmbed_platform_unix::configure(config);
    #[cfg(windows)]
    return wasmbed_platform_windows::configure(config);
    #[cfg(not(any(unix, windows)))]
    return config;
}

/// [`Config::new`] with the host platform installed, and the host's JIT
/// backend where one is built ([`use_host_jit`]): under the default
/// `Strategy::Auto` it compiles what it can and the interpreter runs the
/// rest (`Module::backend_report` tells which).
///
/// Compiled frames live on the calling thread's stack, bounded by
/// `Config::max_native_stack` (512 KiB by default, wasmtime's figure: some
/// thousands of frames), where interpreted ones live on the heap up to
/// `Config::max_wasm_stack`. Deeply recursive guests want a thread with a
/// larger stack and a larger native limit, as `wasmbed run` gives them.
pub fn host_config() -> Config {
    let mut config = Config::new();
    use_host_platform(&mut config);
    use_host_jit(&mut config);
    config
}

/// Installs the JIT backend built for this host, if any, leaving the
/// strategy as it is: jit-x64 on every x86-64 host (Linux, macOS, FreeBSD
/// with the System V convention, Windows with the Windows x64 one, which
/// the Windows CI leg runs under wine), compiling a module's functions on
/// every core ([`StdThreads`]).
pub fn use_host_jit(config: &mut Config) -> &mut Config {
    #[cfg(target_arch = "x86_64")]
    config
        .backend(std::sync::Arc::new(wasmbed_jit_x64::JitX64::new()))
        .parallelism(std::sync::Arc::new(StdThreads::new()));
    config
}

/// An engine on the host platform: `Engine::new(&host_config())`.
pub fn host_engine() -> Engine {
    Engine::new(&host_config())
}

/// The example of `ARCHITECTURE.md`'s "Writing a platform for a new host",
/// extracted by `build.rs`, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/new_host.md"))]
pub struct NewHostExample;

/// A compiled module. Derefs to [`wasmbed_core::Module`], so it goes
/// wherever the core API takes one; unlike the core's, its constructors
/// also accept the text format.
#[derive(Clone, Debug)]
pub struct Module(wasmbed_core::Module);

impl Module {
    /// Compiles a binary module, or a `.wat` text module.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        let bytes = bytes.as_ref();
        #[cfg(feature = "wat")]
        {
            let binary = wat::parse_bytes(bytes)
                .map_err(|e| Error::msg(format!("cannot parse text module: {e}")))?;
            Module::from_binary(engine, &binary)
        }
        #[cfg(not(feature = "wat"))]
        Module::from_binary(engine, bytes)
    }

    /// Compiles a binary module.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        wasmbed_core::Module::from_binary(engine, bytes).map(Module)
    }

    /// Reads and compiles a `.wasm` or `.wat` file.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::msg(format!("cannot read {}: {e}", path.display())))?;
        // A `.wasm` file is binary: report a bad header as such rather than
        // as a text-format syntax error.
        if path.extension().is_some_and(|e| e == "wasm") {
            Module::from_binary(engine, &bytes)
        } else {
            Module::new(engine, bytes)
        }
    }

    /// The core module.
    pub fn into_inner(self) -> wasmbed_core::Module {
        self.0
    }
}

impl std::ops::Deref for Module {
    type Target = wasmbed_core::Module;
    fn deref(&self) -> &wasmbed_core::Module {
        &self.0
    }
}

impl From<wasmbed_core::Module> for Module {
    fn from(m: wasmbed_core::Module) -> Module {
        Module(m)
    }
}
