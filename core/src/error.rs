//! The one error type of the core. `Error` is a boxed [`ErrorKind`] so that
//! `Result<T, Error>` stays one pointer wide on the hot call path. Display
//! only: the core has no `std::error::Error` (the facade adds it).
use crate::vm::trap::{Trap, TrapCode};
use alloc::boxed::Box;
use alloc::string::String;
use core::any::Any;
use core::fmt;

/// Anything that can go wrong in wasmbed: bad bytes, a failed link, a trap,
/// or an error raised by a host function.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong. Non-exhaustive: new cases come with new features.
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a well-formed or valid WebAssembly module.
    InvalidModule {
        /// The decoder's or validator's explanation.
        message: String,
        /// Byte offset in the module where the problem was found.
        offset: usize,
    },
    /// The module is valid but uses something this engine cannot run.
    Unsupported(String),
    /// An import could not be satisfied.
    Link(String),
    /// Instantiation failed before the start function ran (not a trap).
    Instantiation(String),
    /// WebAssembly code trapped.
    Trap(Trap),
    /// An argument passed through the embedding API was wrong (a type
    /// mismatch, a value from another store, ...).
    Usage(String),
    /// A host function returned an error; it can be downcast.
    Host(Box<dyn HostError>),
}

/// An error value a host function can return through [`Error::host`].
pub trait HostError: fmt::Display + fmt::Debug + Any + Send + Sync {
    /// Upcast for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<E: fmt::Display + fmt::Debug + Any + Send + Sync> HostError for E {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error {
            kind: Box::new(kind),
        }
    }

    /// Wraps an error raised by host code; [`Error::downcast_ref`] gets it back.
    pub fn host(err: impl HostError) -> Error {
        Error::new(ErrorKind::Host(Box::new(err)))
    }

    /// A host error with just a message.
    pub fn msg(message: impl Into<String>) -> Error {
        Error::host(Message(message.into()))
    }

    pub(crate) fn invalid(message: impl Into<String>, offset: usize) -> Error {
        Error::new(ErrorKind::InvalidModule {
            message: message.into(),
            offset,
        })
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unsupported(message.into()))
    }

    pub(crate) fn link(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Link(message.into()))
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage(message.into()))
    }

    pub(crate) fn instantiation(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Instantiation(message.into()))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(|t| t.code())
    }

    /// Carries a host panic's payload out of the executor (see
    /// [`Error::take_panic`]).
    #[cfg(feature = "std")]
    pub(crate) fn from_panic(payload: Box<dyn Any + Send>) -> Error {
        Error::host(HostPanic(spin::Mutex::new(Some(payload))))
    }

    /// The payload of a host panic this error carries, taken out once: the
    /// call entry point resumes unwinding with it.
    #[cfg(feature = "std")]
    pub(crate) fn take_panic(&self) -> Option<Box<dyn Any + Send>> {
        self.downcast_ref::<HostPanic>()?.0.lock().take()
    }

    /// The host error of type `E`, if this error carries one.
    pub fn downcast_ref<E: Any>(&self) -> Option<&E> {
        match &*self.kind {
            ErrorKind::Host(h) => (**h).as_any().downcast_ref(),
            _ => None,
        }
    }
}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Error {
        Error::invalid(e.message(), e.offset() as usize)
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::new(ErrorKind::Trap(t))
    }
}

impl From<TrapCode> for Error {
    fn from(c: TrapCode) -> Error {
        Error::from(Trap::new(c))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::InvalidModule { message, offset } => {
                write!(f, "invalid module: {message} (at offset {offset:#x})")
            }
            ErrorKind::Unsupported(m) => write!(f, "unsupported: {m}"),
            ErrorKind::Link(m) => write!(f, "link error: {m}"),
            ErrorKind::Instantiation(m) => write!(f, "instantiation failed: {m}"),
            ErrorKind::Trap(t) => fmt::Display::fmt(t, f),
            ErrorKind::Usage(m) => write!(f, "{m}"),
            ErrorKind::Host(h) => fmt::Display::fmt(h, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A panic of a host function or resource limiter, caught where the
/// executor called it and carried out as an error, so that no panic unwinds
/// through interpreter frames; the entry point that the embedder called
/// resumes it. The mutex only makes the payload (`Send`, not `Sync`)
/// shareable as a `HostError`; it is taken once.
#[cfg(feature = "std")]
struct HostPanic(spin::Mutex<Option<Box<dyn Any + Send>>>);

#[cfg(feature = "std")]
impl fmt::Debug for HostPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostPanic")
    }
}

#[cfg(feature = "std")]
impl fmt::Display for HostPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a host function panicked")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
