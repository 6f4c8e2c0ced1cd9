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
use crate::types::{FuncType, GlobalType, MemoryType, TableType};
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
    /// Memory types, imported first.
    pub(crate) memories: &'a [MemoryType],
    /// Table types, imported first.
    pub(crate) tables: &'a [TableType],
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    pub(crate) guaranteed_reservation: u64,
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

    /// Number of functions, imported and defined.
    pub fn func_count(&self) -> usize {
        self.func_types.len()
    }

    /// Number of imported functions (their indices come first).
    pub fn num_imported_funcs(&self) -> u32 {
        self.num_imported_funcs
    }

    /// The types of all globals (imported first).
    pub fn globals(&self) -> &[GlobalType] {
        self.globals
    }

    /// The types of all memories (imported first).
    pub fn memories(&self) -> &[MemoryType] {
        self.memories
    }

    /// The types of all tables (imported first).
    pub fn tables(&self) -> &[TableType] {
        self.tables
    }

    /// Bytes past a linear memory's base that are accessible or fault into
    /// a trap (0 when faults are not turned into traps, or the memories
    /// promise nothing): an access whose end, at any 32-bit index, stays
    /// below this needs no bounds check, for memories of 64 KiB pages.
    pub fn guaranteed_reservation(&self) -> u64 {
        self.guaranteed_reservation
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

/// What the backend did with a module's functions
/// ([`Module::backend_report`](crate::Module::backend_report)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendReport {
    /// The backend's name, or `"interpreter"` when none was used.
    pub backend: &'static str,
    /// Defined functions the backend compiled.
    pub compiled: u32,
    /// Defined functions the interpreter runs.
    pub interpreted: u32,
    /// Each function the backend refused (by function index), and why.
    pub fallbacks: Vec<(u32, Refusal)>,
    /// Under `Strategy::Auto`, the installed backend that could not run
    /// on this host (its name), and why: the interpreter ran everything.
    pub unavailable: Option<(&'static str, Refusal)>,
}

impl BackendReport {
    /// The report of a module run entirely by the interpreter.
    pub(crate) fn interpreter(functions: u32) -> BackendReport {
        BackendReport {
            backend: "interpreter",
            compiled: 0,
            interpreted: functions,
            fallbacks: Vec::new(),
            unavailable: None,
        }
    }
}

impl fmt::Display for BackendReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} compiled, {} interpreted",
            self.backend, self.compiled, self.interpreted
        )?;
        if let Some((name, why)) = &self.unavailable {
            write!(f, " (backend `{name}` unavailable: {why})")?;
        }
        for (func, r) in &self.fallbacks {
            write!(f, "\n  function {func}: {r}")?;
        }
        Ok(())
    }
}

/// Backends for testing the seam itself: they produce no machine code, so
/// every test runs them on every host.
#[doc(hidden)]
pub mod testing {
    use super::*;
    use crate::ir::CompiledFunc;

    /// Refuses every function: the whole module runs on the interpreter
    /// through the fallback path (and in strict mode, every module with a
    /// function fails to compile).
    #[derive(Debug, Default, Clone, Copy)]
    pub struct RefuseAll;

    /// `RefuseAll`'s linked code: nothing.
    struct NoCode;

    impl ModuleCode for NoCode {
        fn entry(&self, _: u32) -> Option<FuncEntry> {
            None
        }
        fn text(&self) -> Range<usize> {
            0..0
        }
        fn trap_code(&self, _: u32) -> Option<TrapCode> {
            None
        }
        fn frame_at(&self, _: u32) -> Option<(u32, u32)> {
            None
        }
        fn fault_stub(&self) -> usize {
            0
        }
    }

    impl Backend for RefuseAll {
        fn name(&self) -> &'static str {
            "refuse-all"
        }
        fn available(&self, _: &Config) -> Result<(), Refusal> {
            Ok(())
        }
        fn compile_function(
            &self,
            _: &ModuleEnv<'_>,
            _: &FunctionInput<'_>,
        ) -> Result<Box<dyn CompiledFunction>, CompileError> {
            Err(Refusal::new(RefusalReason::Test, "this backend refuses every function").into())
        }
        fn link(
            &self,
            _: &ModuleEnv<'_>,
            _: Vec<(u32, Box<dyn CompiledFunction>)>,
            _: Option<&dyn Executable>,
        ) -> Result<Arc<dyn ModuleCode>, Error> {
            Ok(Arc::new(NoCode))
        }
    }

    /// A test backend that "compiles" the functions its mask selects into
    /// `FuncKind::Native` functions whose array call runs interpreter code in a
    /// new activation (V8's `--wasm-tier-mask-for-testing` plays the same
    /// role). Every call of such a function crosses the VM ABI, as a call of
    /// machine code would: foreign calls from the interpreter, the shared value
    /// stack, the native stack limit, fuel handed over at the boundary, traps
    /// unwinding by return code and backtraces joined across activations, all
    /// exercised before any machine code exists. Functions the mask leaves out
    /// are refused and run on the interpreter, so mixed tiers are covered too.
    ///
    /// Recursion through native functions takes host stack, as it will under a
    /// JIT: deep-recursion tests end in `StackOverflow` earlier, and sit in
    /// this backend's skip tables.
    #[derive(Debug, Clone, Copy)]
    pub struct Trampoline {
        mask: TrampolineMask,
    }

    /// Which functions [`Trampoline`] compiles.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TrampolineMask {
        /// Every function.
        All,
        /// Functions with an odd index; the others are refused.
        Odd,
    }

    impl Trampoline {
        /// A trampoline backend compiling what `mask` selects.
        pub fn new(mask: TrampolineMask) -> Trampoline {
            Trampoline { mask }
        }
    }

    /// A function the trampoline backend translated for itself.
    struct TrampolineFunc(crate::ir::CompiledFunc);

    impl CompiledFunction for TrampolineFunc {
        fn code_size(&self) -> usize {
            CompiledCode::code_size(&self.0)
        }
        fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
            self
        }
    }

    /// The trampoline backend's "linked" code: the translated functions by
    /// defined index, kept alive (and unmoved, boxed) as long as the module.
    struct TrampolineCode {
        funcs: Vec<Option<Box<crate::ir::CompiledFunc>>>,
    }

    impl ModuleCode for TrampolineCode {
        fn entry(&self, def: u32) -> Option<FuncEntry> {
            let f = self.funcs.get(def as usize)?.as_ref()?;
            Some(FuncEntry {
                array_call: crate::interp::exec::trampoline_array_call,
                wasm_call: (&**f as *const crate::ir::CompiledFunc).cast(),
            })
        }
        fn text(&self) -> Range<usize> {
            0..0
        }
        fn trap_code(&self, _: u32) -> Option<TrapCode> {
            None
        }
        fn frame_at(&self, _: u32) -> Option<(u32, u32)> {
            None
        }
        fn fault_stub(&self) -> usize {
            0
        }
    }

    impl Backend for Trampoline {
        fn name(&self) -> &'static str {
            match self.mask {
                TrampolineMask::All => "trampoline",
                TrampolineMask::Odd => "trampoline-odd",
            }
        }
        fn available(&self, _: &Config) -> Result<(), Refusal> {
            Ok(())
        }
        fn compile_function(
            &self,
            env: &ModuleEnv<'_>,
            input: &FunctionInput<'_>,
        ) -> Result<Box<dyn CompiledFunction>, CompileError> {
            if self.mask == TrampolineMask::Odd && input.func_index % 2 == 0 {
                return Err(Refusal::new(
                    RefusalReason::Test,
                    "an even index: the mask leaves it to the interpreter",
                )
                .into());
            }
            // A body the interpreter cannot translate is refused, so the
            // interpreter reports it (lazily) as it would without a backend.
            let code = Interpreter
                .compile(env, input)
                .map_err(|e| Refusal::new(RefusalReason::Unsupported, alloc::format!("{e}")))?;
            match code.into_any().downcast::<CompiledFunc>() {
                Ok(f) => Ok(Box::new(TrampolineFunc(*f))),
                Err(_) => Err(CompileError::Failed(Error::msg(
                    "trampoline: the translator returned foreign code",
                ))),
            }
        }
        fn link(
            &self,
            env: &ModuleEnv<'_>,
            funcs: Vec<(u32, Box<dyn CompiledFunction>)>,
            _: Option<&dyn Executable>,
        ) -> Result<Arc<dyn ModuleCode>, Error> {
            let defined = env.func_types.len() - env.num_imported_funcs as usize;
            let mut slots: Vec<Option<Box<CompiledFunc>>> = (0..defined).map(|_| None).collect();
            for (def, f) in funcs {
                let f = f
                    .into_any()
                    .downcast::<TrampolineFunc>()
                    .map_err(|_| Error::msg("trampoline: asked to link another backend's code"))?;
                slots[def as usize] = Some(Box::new(f.0));
            }
            Ok(Arc::new(TrampolineCode { funcs: slots }))
        }
    }
}
