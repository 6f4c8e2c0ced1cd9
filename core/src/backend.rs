//! The seam between the core and code generators.
//!
//! A [`Backend`] compiles the validated functions of a module, one
//! [`FunctionInput`] at a time, into [`CompiledCode`]. `Module::new` runs
//! every function through the engine's backend. The interpreter is the first
//! backend ([`Interpreter`]): its "code" is the register-machine op array the
//! executor in `interp::exec` runs. JIT backends (`jit-x64`, `jit-arm64`)
//! implement the same trait and return machine code instead.
//!
//! The contract compiled machine code follows (see `ARCHITECTURE.md`):
//! - it is entered with `*mut VmContext` and a pointer to the argument and
//!   result slots (`u64` each: params in, results out), and returns 0 or a
//!   [`TrapCode`](crate::TrapCode) as `u8`;
//! - memory, globals, tables and functions are reached through the
//!   `VmContext` at the offsets in [`crate::vm::context::offsets`], values
//!   use the slot encoding of `crate::vm` (references: store index + 1,
//!   0 = null);
//! - a hardware fault inside generated code is turned into the same trap
//!   codes by the platform crates' trap handlers (their `traps` module).
use crate::error::Error;
use crate::types::{FuncType, GlobalType};
use alloc::boxed::Box;
use core::any::Any;

/// What a backend may know about the module a function belongs to.
pub struct ModuleEnv<'a> {
    pub(crate) types: &'a [FuncType],
    pub(crate) func_types: &'a [u32],
    /// Types of all globals, imported first.
    pub(crate) globals: &'a [GlobalType],
    pub(crate) num_imported_funcs: u32,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
}

impl ModuleEnv<'_> {
    /// The module's function types, by type index.
    pub fn types(&self) -> &[FuncType] {
        self.types
    }

    /// The signature of function `func_index` (imported functions first).
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    /// Number of imported functions (their indices come first).
    pub fn num_imported_funcs(&self) -> u32 {
        self.num_imported_funcs
    }

    /// Whether compiled code must charge fuel per basic block.
    pub fn consume_fuel(&self) -> bool {
        self.consume_fuel
    }

    /// Whether compiled code must check for interruption at function entry
    /// and loop headers.
    pub fn interruptible(&self) -> bool {
        self.interruptible
    }
}

/// One validated function to compile.
pub struct FunctionInput<'a> {
    /// Index of the function in its module (imported functions first).
    pub func_index: u32,
    /// The body exactly as in the code section (locals, then operators);
    /// it has passed validation.
    pub body: &'a [u8],
    /// Module byte offset of `body[0]`, for trap and debug locations.
    pub offset: usize,
}

impl<'a> FunctionInput<'a> {
    /// A `wasmparser` view of the body.
    pub fn reader(&self) -> wasmparser::FunctionBody<'a> {
        wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(self.body, self.offset as u64))
    }
}

/// The result of compiling one function. Opaque to the core except through
/// `Any`: the executor recognises the interpreter's own code type.
pub trait CompiledCode: Any + Send + Sync {
    /// Size of the compiled form in bytes (for reporting).
    fn code_size(&self) -> usize;
    /// For downcasting to the backend's concrete type.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync>;
}

/// A code generator.
pub trait Backend: Send + Sync {
    /// Short name for diagnostics ("interpreter", "jit-x64", ...).
    fn name(&self) -> &'static str;

    /// Compiles one validated function.
    fn compile(
        &self,
        env: &ModuleEnv<'_>,
        input: &FunctionInput<'_>,
    ) -> Result<Box<dyn CompiledCode>, Error>;
}

/// The built-in interpreter as a backend: compiling translates a body into
/// the register-machine ops of `crate::ir`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

impl Backend for Interpreter {
    fn name(&self) -> &'static str {
        "interpreter"
    }

    fn compile(
        &self,
        env: &ModuleEnv<'_>,
        input: &FunctionInput<'_>,
    ) -> Result<Box<dyn CompiledCode>, Error> {
        let mut scratch = crate::interp::translate::Scratch::default();
        let f = crate::interp::translate::translate_function(
            env,
            input.func_index,
            &input.reader(),
            &mut scratch,
        )?;
        Ok(Box::new(f))
    }
}

impl CompiledCode for crate::ir::CompiledFunc {
    fn code_size(&self) -> usize {
        core::mem::size_of_val(&*self.ops) + core::mem::size_of_val(&*self.consts)
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
        self
    }
}
