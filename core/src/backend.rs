//! The seam between the core and code generators.
//!
//! A [`Backend`] turns one validated function into something it can run
//! and enters it with the instance's [`VmContext`]. The interpreter is the
//! first backend ([`Interpreter`]); the JIT crates implement the same trait
//! and the `wasmbed` facade picks one per `Engine`.
//!
//! Contract for compiled code (see `ARCHITECTURE.md`):
//! - the first argument is `*mut VmContext`, the second a pointer to the
//!   argument/result slots (`u64` each, params in, results out);
//! - a trap is reported by returning its [`TrapCode`]; a hardware fault
//!   inside generated code is turned into the same by the platform's trap
//!   handler (documented place: `platform-*::traps`, not yet written);
//! - memory is read through `VmContext::memory`, globals through
//!   `VmContext::globals`, and so on, at the offsets in
//!   [`crate::vm::context::offsets`].
use crate::error::Error;
use crate::vm::context::VmContext;
use crate::vm::trap::TrapCode;
use alloc::boxed::Box;
use core::any::Any;

/// What a backend needs to compile one function.
pub struct FunctionInput<'a> {
    /// Index of the function in its module.
    pub func_index: u32,
    /// The body, exactly as it appears in the code section (locals
    /// included); it has passed validation.
    pub body: &'a [u8],
    /// Module byte offset of `body[0]`, for trap and debug locations.
    pub body_offset: usize,
}

/// A compiled function, opaque to the core.
pub trait CompiledCode: Any + Send + Sync {
    /// Size of the generated code in bytes (for reporting).
    fn code_size(&self) -> usize;
}

/// A code generator the core can run functions through.
pub trait Backend: Send + Sync {
    /// Short name for diagnostics ("interpreter", "jit-x64", ...).
    fn name(&self) -> &'static str;

    /// Compiles one validated function.
    fn compile(&self, input: &FunctionInput<'_>) -> Result<Box<dyn CompiledCode>, Error>;

    /// Runs `code` with `vmctx`, params in `slots` and results written back.
    ///
    /// # Safety
    /// `vmctx` must be the live context of the instance the code was
    /// compiled for, and `slots` must hold `max(params, results)` values of
    /// the function's types.
    unsafe fn invoke(
        &self,
        code: &dyn CompiledCode,
        vmctx: *mut VmContext,
        slots: &mut [u64],
    ) -> Result<(), TrapCode>;
}

/// The built-in interpreter as a [`Backend`] name and marker. The core
/// always runs through it; JIT backends register next to it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

impl Interpreter {
    /// Its name.
    pub const NAME: &'static str = "interpreter";
}
