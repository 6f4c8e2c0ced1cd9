//! The one error type of wasmbed. `Error` is a pointer to a chain: an
//! [`ErrorKind`] at the root (what went wrong, matchable) under any number of
//! context layers added by [`Error::context`]. It plays the part `anyhow`
//! plays for wasmtime: any [`core::error::Error`] converts into it with `?`,
//! and it converts into `Box<dyn core::error::Error + Send + Sync>`. Like
//! `anyhow::Error` it does not itself implement `core::error::Error`: that
//! impl and the blanket `From` cannot coexist. Everything here is
//! `no_std` + `alloc`.
use crate::vm::trap::{Trap, TrapCode};
use alloc::boxed::Box;
use alloc::string::String;
use core::any::Any;
use core::error::Error as StdError;
use core::fmt;

/// `Result` with [`Error`] as its default error type, as `anyhow::Result`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Anything that can go wrong in wasmbed: bad bytes, a failed link, a trap,
/// or an error raised by a host function, with the context added on the way
/// out. One pointer wide, so `Result<T, Error>` stays small on the hot call
/// path.
pub struct Error {
    repr: Box<Repr>,
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
    /// Host code failed: a host function returned an error, or an error
    /// from outside wasmbed was converted (`?` on an `io::Error`, ...).
    /// [`Error::downcast_ref`] gets the original value back.
    Host(HostError),
}

/// An error value from host code, kept with its type so that
/// [`Error::downcast_ref`] finds it again.
pub struct HostError(Box<dyn Payload>);

/// What every host payload can do; implemented by the wrappers below, so
/// that plain `Display` values, `core::error::Error` values and boxed
/// errors share one representation.
trait Payload: Send + Sync + 'static {
    fn display(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    fn as_any(&self) -> &dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
    /// The next error of the chain, if the payload is an error with a source.
    fn source(&self) -> Option<&(dyn StdError + 'static)>;
}

/// The three `Payload` methods every wrapper forwards to its field.
macro_rules! payload_by_field_0 {
    () => {
        fn display(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(&self.0, f)
        }
        fn as_any(&self) -> &dyn Any {
            &self.0
        }
        fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
            Box::new(self.0)
        }
    };
}

/// A value that is only `Display + Debug` (`Error::msg`, `Error::host`).
struct Plain<M>(M);

impl<M: fmt::Display + fmt::Debug + Send + Sync + 'static> Payload for Plain<M> {
    payload_by_field_0!();
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        None
    }
}

/// A `core::error::Error` value: keeps its source chain.
struct Std<E>(E);

impl<E: StdError + Send + Sync + 'static> Payload for Std<E> {
    payload_by_field_0!();
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// A boxed error of unknown type (`Error::from_boxed`): downcasting sees
/// the box itself.
struct Boxed(Box<dyn StdError + Send + Sync>);

impl Payload for Boxed {
    payload_by_field_0!();
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display(f)
    }
}

/// Shows the value's `Display`, as `Error`'s `Debug` does: the payload
/// table has no `Debug` entry, which would link the `Debug` code of every
/// payload type (string escaping and Unicode tables, some KiB of flash on
/// small devices) for a format nothing in wasmbed prints.
impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostError(")?;
        self.0.display(f)?;
        f.write_str(")")
    }
}

impl HostError {
    /// The host value, if it is an `E`.
    pub fn downcast_ref<E: Any>(&self) -> Option<&E> {
        self.0.as_any().downcast_ref()
    }
}

/// One link of the chain. `Repr` is also what an [`Error`] becomes inside
/// `Box<dyn core::error::Error>`, so converting back finds it by type.
enum Repr {
    Root(ErrorKind),
    Context {
        context: Box<dyn Payload>,
        inner: Box<Repr>,
    },
}

impl Repr {
    fn kind(&self) -> &ErrorKind {
        let mut at = self;
        loop {
            match at {
                Repr::Root(kind) => return kind,
                Repr::Context { inner, .. } => at = inner,
            }
        }
    }
}

impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repr::Context { context, .. } => context.display(f),
            Repr::Root(kind) => fmt::Display::fmt(kind, f),
        }
    }
}

impl fmt::Debug for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for Repr {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Repr::Context { inner, .. } => Some(&**inner),
            Repr::Root(ErrorKind::Host(h)) => h.0.source(),
            Repr::Root(_) => None,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
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

impl fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ErrorKind::InvalidModule { .. } => "InvalidModule",
            ErrorKind::Unsupported(_) => "Unsupported",
            ErrorKind::Link(_) => "Link",
            ErrorKind::Instantiation(_) => "Instantiation",
            ErrorKind::Trap(_) => "Trap",
            ErrorKind::Usage(_) => "Usage",
            ErrorKind::Host(_) => "Host",
        };
        write!(f, "{name}({self})")
    }
}

impl Error {
    pub(crate) fn from_kind(kind: ErrorKind) -> Error {
        Error {
            repr: Box::new(Repr::Root(kind)),
        }
    }

    /// Wraps any error, keeping its source chain; the same as `?` or
    /// `Error::from`. A [`Trap`] or [`TrapCode`] becomes [`ErrorKind::Trap`].
    pub fn new<E: StdError + Send + Sync + 'static>(error: E) -> Error {
        Error::from(error)
    }

    /// Wraps a value raised by host code that is not a
    /// `core::error::Error`; [`Error::downcast_ref`] gets it back.
    pub fn host<E: fmt::Display + fmt::Debug + Send + Sync + 'static>(error: E) -> Error {
        Error::from_kind(ErrorKind::Host(HostError(Box::new(Plain(error)))))
    }

    /// An error with just a message (what `anyhow!`/`format_err!` make).
    pub fn msg<M: fmt::Display + fmt::Debug + Send + Sync + 'static>(message: M) -> Error {
        Error::host(message)
    }

    /// Takes a boxed error back: an `Error` that was boxed comes back as it
    /// was; any other error is kept as [`ErrorKind::Host`].
    pub fn from_boxed(error: Box<dyn StdError + Send + Sync + 'static>) -> Error {
        match error.downcast::<Repr>() {
            Ok(repr) => Error { repr },
            Err(other) => Error::from_kind(ErrorKind::Host(HostError(Box::new(Boxed(other))))),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>, offset: usize) -> Error {
        Error::from_kind(ErrorKind::InvalidModule {
            message: message.into(),
            offset,
        })
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Error {
        Error::from_kind(ErrorKind::Unsupported(message.into()))
    }

    pub(crate) fn link(message: impl Into<String>) -> Error {
        Error::from_kind(ErrorKind::Link(message.into()))
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::from_kind(ErrorKind::Usage(message.into()))
    }

    pub(crate) fn instantiation(message: impl Into<String>) -> Error {
        Error::from_kind(ErrorKind::Instantiation(message.into()))
    }

    /// Wraps this error in a layer of context: `{}` shows the context,
    /// `{:#}` the whole chain, and [`kind`](Self::kind) and
    /// [`downcast_ref`](Self::downcast_ref) still see what is underneath.
    pub fn context<C: fmt::Display + fmt::Debug + Send + Sync + 'static>(
        self,
        context: C,
    ) -> Error {
        Error {
            repr: Box::new(Repr::Context {
                context: Box::new(Plain(context)),
                inner: self.repr,
            }),
        }
    }

    /// What went wrong, under any context layers.
    pub fn kind(&self) -> &ErrorKind {
        self.repr.kind()
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self.kind() {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// The trap, if this error is one with no context on it: what an
    /// outer activation extends with its own frames as the trap unwinds.
    pub(crate) fn bare_trap_mut(&mut self) -> Option<&mut Trap> {
        match &mut *self.repr {
            Repr::Root(ErrorKind::Trap(t)) => Some(t),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(|t| t.code())
    }

    /// The next error of the chain: the one under the outermost context,
    /// or the root's own source.
    pub fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.repr.source()
    }

    /// This error and its sources, outermost first.
    pub fn chain(&self) -> Chain<'_> {
        Chain {
            next: Some(&*self.repr),
        }
    }

    /// The innermost error of the chain.
    pub fn root_cause(&self) -> &(dyn StdError + 'static) {
        let mut last: &(dyn StdError + 'static) = &*self.repr;
        for e in self.chain() {
            last = e;
        }
        last
    }

    /// The value of type `E` this error carries: a context, a host value
    /// or converted error, or the [`Trap`]/[`TrapCode`] of a trap.
    pub fn downcast_ref<E: Any>(&self) -> Option<&E> {
        let mut at = &*self.repr;
        loop {
            match at {
                Repr::Context { context, inner } => {
                    if let Some(e) = context.as_any().downcast_ref() {
                        return Some(e);
                    }
                    at = inner;
                }
                Repr::Root(ErrorKind::Host(h)) => return h.downcast_ref(),
                Repr::Root(ErrorKind::Trap(t)) => {
                    let any: &dyn Any = t;
                    return any
                        .downcast_ref()
                        .or_else(|| (t.code_ref() as &dyn Any).downcast_ref());
                }
                Repr::Root(_) => return None,
            }
        }
    }

    /// Whether this error carries a value of type `E` (see
    /// [`downcast_ref`](Self::downcast_ref)).
    pub fn is<E: Any>(&self) -> bool {
        self.downcast_ref::<E>().is_some()
    }

    /// Takes the root host value (or [`Trap`]) of type `E` out of the
    /// error, dropping any context; gives the error back otherwise.
    pub fn downcast<E: Any>(self) -> core::result::Result<E, Error> {
        let ok = match self.repr.kind() {
            ErrorKind::Host(h) => h.0.as_any().is::<E>(),
            ErrorKind::Trap(t) => (t as &dyn Any).is::<E>(),
            _ => false,
        };
        if !ok {
            return Err(self);
        }
        let mut repr = self.repr;
        loop {
            match *repr {
                Repr::Context { inner, .. } => repr = inner,
                Repr::Root(ErrorKind::Host(h)) => {
                    return h.0.into_any().downcast::<E>().map(|b| *b).map_err(|_| {
                        Error::usage("wasmbed: downcast type changed while unwrapping")
                    });
                }
                Repr::Root(ErrorKind::Trap(t)) => {
                    let b: Box<dyn Any> = Box::new(t);
                    return b
                        .downcast::<E>()
                        .map(|b| *b)
                        .map_err(|_| Error::usage("wasmbed: downcast type changed"));
                }
                Repr::Root(kind) => return Err(Error::from_kind(kind)),
            }
        }
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
}

/// The errors of a chain, outermost first (see [`Error::chain`]).
pub struct Chain<'a> {
    next: Option<&'a (dyn StdError + 'static)>,
}

impl<'a> Iterator for Chain<'a> {
    type Item = &'a (dyn StdError + 'static);
    fn next(&mut self) -> Option<Self::Item> {
        let at = self.next?;
        self.next = at.source();
        Some(at)
    }
}

/// Everything that is a `core::error::Error` converts with `?`. A `Trap`,
/// a `TrapCode` or a decoder error keeps its own [`ErrorKind`].
impl<E: StdError + Send + Sync + 'static> From<E> for Error {
    fn from(error: E) -> Error {
        // `Any` picks out the types with a kind of their own; no
        // specialisation is needed, and the checks fold away per `E`.
        let mut slot = Some(error);
        let any: &mut dyn Any = &mut slot;
        if let Some(t) = any.downcast_mut::<Option<Trap>>().and_then(Option::take) {
            return Error::from_kind(ErrorKind::Trap(t));
        }
        if let Some(c) = any
            .downcast_mut::<Option<TrapCode>>()
            .and_then(Option::take)
        {
            return Error::from_kind(ErrorKind::Trap(Trap::new(c)));
        }
        if let Some(e) = any
            .downcast_mut::<Option<wasmparser::BinaryReaderError>>()
            .and_then(Option::take)
        {
            return Error::invalid(
                e.message(),
                usize::try_from(e.offset()).unwrap_or(usize::MAX),
            );
        }
        match slot {
            Some(e) => Error::from_kind(ErrorKind::Host(HostError(Box::new(Std(e))))),
            None => Error::usage("wasmbed: error converted twice"),
        }
    }
}

/// So that `fn main() -> Result<(), Box<dyn Error + Send + Sync>>` takes a
/// wasmbed `Error` with `?`; [`Error::from_boxed`] gets it back.
impl From<Error> for Box<dyn StdError + Send + Sync + 'static> {
    fn from(error: Error) -> Self {
        error.repr
    }
}

/// As above, for `Box<dyn Error + Send>`.
impl From<Error> for Box<dyn StdError + Send + 'static> {
    fn from(error: Error) -> Self {
        error.repr
    }
}

/// As above, for `Box<dyn Error>`.
impl From<Error> for Box<dyn StdError + 'static> {
    fn from(error: Error) -> Self {
        error.repr
    }
}

impl AsRef<dyn StdError + Send + Sync> for Error {
    fn as_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.repr
    }
}

/// `{}` is the outermost message; `{:#}` the chain joined by `: `.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.repr, f)?;
        if f.alternate() {
            for e in self.chain().skip(1) {
                write!(f, ": {e}")?;
            }
        }
        Ok(())
    }
}

/// The message, then the causes one per line (what `unwrap` and a
/// `main` returning `Result` print).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.repr, f)?;
        let causes = self.chain().skip(1).count();
        if causes > 0 {
            f.write_str("\n\nCaused by:")?;
        }
        // Numbered only when there are several, as `anyhow` prints them.
        for (i, e) in self.chain().skip(1).enumerate() {
            if causes == 1 {
                write!(f, "\n    {e}")?;
            } else {
                write!(f, "\n    {i}: {e}")?;
            }
        }
        Ok(())
    }
}

/// `.context(..)` and `.with_context(|| ..)` on results and options, as
/// `anyhow::Context` offers them (with the same two type parameters: `E` is
/// the error being wrapped, `Infallible` for `Option`).
pub trait Context<T, E>: context_sealed::Sealed {
    /// Wraps the error (or `None`) in `context`.
    fn context<C>(self, context: C) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static;

    /// Wraps the error (or `None`) in the context `f` makes, only on failure.
    fn with_context<C, F>(self, f: F) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static,
        F: FnOnce() -> C;
}

mod context_sealed {
    pub trait Sealed {}
    impl<T, E> Sealed for core::result::Result<T, E> {}
    impl<T> Sealed for Option<T> {}
}

impl<T, E: Into<Error>> Context<T, E> for core::result::Result<T, E> {
    fn context<C>(self, context: C) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static,
    {
        self.map_err(|e| e.into().context(context))
    }

    fn with_context<C, F>(self, f: F) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static,
        F: FnOnce() -> C,
    {
        self.map_err(|e| e.into().context(f()))
    }
}

impl<T> Context<T, core::convert::Infallible> for Option<T> {
    fn context<C>(self, context: C) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static,
    {
        self.ok_or_else(|| Error::msg(context))
    }

    fn with_context<C, F>(self, f: F) -> Result<T, Error>
    where
        C: fmt::Display + fmt::Debug + Send + Sync + 'static,
        F: FnOnce() -> C,
    {
        self.ok_or_else(|| Error::msg(f()))
    }
}

/// An [`Error`] from a message: `format_err!("bad {x}")`, or from one
/// value that is `Display + Debug`. The same as `anyhow!`.
#[macro_export]
macro_rules! format_err {
    ($msg:literal $(,)?) => {
        $crate::Error::msg($crate::__private::format!($msg))
    };
    ($err:expr $(,)?) => {
        $crate::Error::msg($err)
    };
    ($fmt:expr, $($arg:tt)*) => {
        $crate::Error::msg($crate::__private::format!($fmt, $($arg)*))
    };
}

/// Returns early with an error: `bail!("bad {x}")`.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return ::core::result::Result::Err($crate::format_err!($($arg)*).into())
    };
}

/// Returns early with an error unless a condition holds:
/// `ensure!(n < 10, "too many: {n}")`.
#[macro_export]
macro_rules! ensure {
    ($cond:expr $(,)?) => {
        $crate::ensure!($cond, ::core::concat!("condition failed: `", ::core::stringify!($cond), "`"))
    };
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::bail!($($arg)*);
        }
    };
}

/// A panic of a host function or resource limiter, caught where the
/// executor called it and carried out as an error, so that no panic unwinds
/// through interpreter frames; the entry point that the embedder called
/// resumes it. The mutex only makes the payload (`Send`, not `Sync`)
/// shareable as a host value; it is taken once.
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
