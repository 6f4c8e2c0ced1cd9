//! Trap codes shared by every backend, and the [`Trap`] value that carries
//! one together with the wasm backtrace. Backends produce a `TrapCode`; only
//! this module turns it into something a user reads.
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why WebAssembly execution stopped abnormally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable = 1,
    /// A load or store outside linear memory, or a bulk memory operation
    /// out of bounds.
    MemoryOutOfBounds,
    /// A table access outside the table, or a bulk table operation out of
    /// bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index beyond the table.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of the wrong type.
    BadSignature,
    /// Signed division overflow (`INT_MIN / -1`) or a float-to-int
    /// conversion whose result does not fit.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-int conversion of NaN.
    BadConversionToInteger,
    /// The call stack or value stack limit was reached.
    StackOverflow,
    /// Fuel ran out.
    OutOfFuel,
    /// The store was interrupted or its deadline passed.
    Interrupt,
    /// A null reference was dereferenced.
    NullReference,
}

impl TrapCode {
    /// The reference interpreter's wording, which spec scripts quote.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupt => "interrupted",
            TrapCode::NullReference => "null reference",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One wasm frame of a trap's backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module.
    pub func_index: u32,
    /// The function's name from the `name` section, if any.
    pub func_name: Option<String>,
    /// Byte offset of the instruction in the module binary.
    pub offset: u32,
}

/// A trap: its code and the wasm frames active when it happened, innermost
/// first.
#[derive(Debug, Clone)]
pub struct Trap {
    code: TrapCode,
    backtrace: Vec<FrameInfo>,
}

impl core::error::Error for TrapCode {}

impl core::error::Error for Trap {}

impl Trap {
    /// The code by reference, for `Error::downcast_ref::<TrapCode>`.
    pub(crate) fn code_ref(&self) -> &TrapCode {
        &self.code
    }

    /// A trap with no backtrace.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            backtrace: Vec::new(),
        }
    }

    /// The reason.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The wasm frames, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }

    pub(crate) fn set_backtrace(&mut self, frames: Vec<FrameInfo>) {
        self.backtrace = frames;
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        if !self.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            for (i, fr) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i:>2}: {:#08x} - ", fr.offset)?;
                match &fr.func_name {
                    Some(n) => write!(f, "{n}")?,
                    None => write!(f, "<wasm function {}>", fr.func_index)?,
                }
            }
        }
        Ok(())
    }
}
