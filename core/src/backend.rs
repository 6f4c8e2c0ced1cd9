//! The seam between the core and code generators.
//!
//! A [`Backend`] compiles the validated functions of a module one
//! [`FunctionInput`] at a time, or refuses one with a [`Refusal`]; `link`
//! then places them in code memory as a [`ModuleCode`]. Every function a
//! backend refuses, and every function of an engine without a backend, runs
//! on the interpreter, whose translation step ([`Interpreter`]) is always
//! present.
//!
//! The contract compiled machine code follows (see `ARCHITECTURE.md`):
//! - every function is callable through its `VmFuncRef`'s array call
//!   ([`VmArrayCall`]): slots in and out, a status code back;
//! - memory, globals, tables, functions and the store's state are reached
//!   through the `VmContext` at the offsets in
//!   [`crate::vm::context::offsets`], values use the slot encoding of
//!   `crate::vm` (references: store index + 1, 0 = null);
//! - a hardware fault inside generated code is turned into the trap that
//!   [`ModuleCode::trap_code`] names by the platform crates' trap handlers
//!   (their `traps` module), found through `crate::vm::code`.
use crate::engine::Config;
use crate::error::Error;
use crate::platform::Executable;
use crate::types::{FuncType, GlobalType};
use crate::vm::context::VmArrayCall;
use crate::vm::trap::TrapCode;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;
use core::ops::Range;

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

/// The built-in interpreter's translation step: turns a body into the
/// register-machine ops of `crate::ir`. Not a [`Backend`]: the interpreter
/// is always present, the fallback for every function a backend refuses.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

impl Interpreter {
    /// Short name for diagnostics.
    pub fn name(&self) -> &'static str {
        "interpreter"
    }

    /// Translates one validated function.
    pub fn compile(
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

/// Why a backend did not compile a function (V8's Liftoff calls this a
/// bailout). The function then runs on the interpreter, unless the engine
/// is strict (`Config::strict_backend`), where it is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The kind of reason, for reports and histograms.
    pub reason: RefusalReason,
    /// What exactly (an operator name, a missing CPU feature, ...).
    pub detail: Cow<'static, str>,
}

impl Refusal {
    /// A refusal of kind `reason`, saying `detail`.
    pub fn new(reason: RefusalReason, detail: impl Into<Cow<'static, str>>) -> Refusal {
        Refusal {
            reason,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason, self.detail)
    }
}

/// The kinds of [`Refusal`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// An operator or construct the backend does not compile (yet).
    Unsupported,
    /// A SIMD operator the backend does not compile on this host.
    Simd,
    /// The host CPU lacks a feature the backend needs.
    MissingCpuFeature,
    /// The function exceeds a backend limit (size, locals, frame).
    TooLarge,
    /// A test backend refused on purpose.
    Test,
    /// Anything else.
    Other,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefusalReason::Unsupported => "unsupported",
            RefusalReason::Simd => "simd",
            RefusalReason::MissingCpuFeature => "missing CPU feature",
            RefusalReason::TooLarge => "too large",
            RefusalReason::Test => "refused for testing",
            RefusalReason::Other => "other",
        })
    }
}

/// How compiling one function through a [`Backend`] can fail.
#[derive(Debug)]
pub enum CompileError {
    /// The backend declines the function; the interpreter runs it.
    Refused(Refusal),
    /// The backend failed (a bug or a resource limit): the module fails.
    Failed(Error),
}

impl From<Refusal> for CompileError {
    fn from(r: Refusal) -> CompileError {
        CompileError::Refused(r)
    }
}

/// A function a backend compiled, before linking.
pub trait CompiledFunction: Any + Send + Sync {
    /// Size of the compiled form in bytes (for reporting).
    fn code_size(&self) -> usize;
    /// For downcasting to the backend's concrete type in `link`.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync>;
}

/// Where a compiled function is entered: what instantiation writes into
/// its `VmFuncRef`.
#[derive(Debug, Clone, Copy)]
pub struct FuncEntry {
    /// The array-call entry (always present).
    pub array_call: VmArrayCall,
    /// The native-convention entry, or null.
    pub wasm_call: *const u8,
}

// SAFETY: `wasm_call` is an address in immutable, shared code memory.
unsafe impl Send for FuncEntry {}
// SAFETY: as above.
unsafe impl Sync for FuncEntry {}

/// A module's linked machine code and the metadata the runtime needs to
/// run it: entries per function, and for code addresses the trap code
/// (faults and trap stubs) and the wasm location (backtraces).
pub trait ModuleCode: Send + Sync {
    /// The entry of defined function `def`, or `None` if the backend
    /// refused it (the interpreter runs it).
    fn entry(&self, def: u32) -> Option<FuncEntry>;
    /// The address range of the code, empty when there is no machine code
    /// to register (test backends).
    fn text(&self) -> Range<usize>;
    /// The trap raised by the instruction at `text_off`, if it may trap.
    fn trap_code(&self, text_off: u32) -> Option<TrapCode>;
    /// The defined function and the module byte offset of the wasm
    /// instruction that the code at `text_off` belongs to.
    fn frame_at(&self, text_off: u32) -> Option<(u32, u32)>;
    /// Where a fault handler resumes a faulting instruction of this code
    /// (a stub that raises the trap), or 0 if faults are never expected.
    fn fault_stub(&self) -> usize;
}

/// A code generator for machine code, plugged into an engine with
/// `Config::backend`. The interpreter is not one: it is always present and
/// runs every function a backend refuses.
pub trait Backend: Send + Sync {
    /// Short name for diagnostics ("jit-x64", ...).
    fn name(&self) -> &'static str;

    /// Whether the backend can run on this host with this configuration
    /// (ISA, CPU features, an `Executable` for code memory).
    fn available(&self, config: &Config) -> Result<(), Refusal>;

    /// Compiles one validated function, or refuses it. Called from any
    /// thread (lazy or parallel compilation).
    fn compile_function(
        &self,
        env: &ModuleEnv<'_>,
        input: &FunctionInput<'_>,
    ) -> Result<Box<dyn CompiledFunction>, CompileError>;

    /// Places the compiled functions (by defined-function index) in code
    /// memory from `exec` and resolves calls between them.
    fn link(
        &self,
        env: &ModuleEnv<'_>,
        funcs: Vec<(u32, Box<dyn CompiledFunction>)>,
        exec: Option<&dyn Executable>,
    ) -> Result<Arc<dyn ModuleCode>, Error>;
}
