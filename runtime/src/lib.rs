//! `wasmbed`: the crate an embedder adds. It re-exports the embedding API of
//! [`wasmbed_core`] and adds what needs `std`: modules from the text format
//! or from files, and (with the `cli` feature) the `wasmbed` command's
//! subcommands as library functions.
//!
//! ```
//! use wasmbed::{Engine, Linker, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let add = instance.get_typed_func::<(i32, i32), i32, _>(&store, "add").unwrap();
//! assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
//! ```
use std::path::Path;

pub use wasmbed_core::{
    backend, platform, vm, AsContext, AsContextMut, Caller, Config, Engine, Error, ErrorKind,
    ExportType, Extern, ExternRef, ExternType, FrameInfo, Func, FuncType, Global, GlobalType,
    ImportType, Instance, InterruptHandle, IntoFunc, Linker, Memory, MemoryType, Mutability,
    RefType, ResourceLimiter, Store, Table, TableType, Trap, TrapCode, TypedFunc, Val, ValType,
    WasmParams, WasmResults, WasmRet, WasmTy, WASM_PAGE_SIZE,
};

#[cfg(feature = "cli")]
pub mod cli;

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
