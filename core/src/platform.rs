//! The traits a host implements so the core can run on it: [`Memory`]
//! (linear-memory backing), [`Executable`] (code memory for JITs) and
//! [`Clock`]. The core ships [`AllocMemory`], an alloc-only backing, so it
//! runs with no platform at all; `Executable` and `Clock` are optional and
//! the features needing them report an error when absent.
//!
//! Nothing OS-specific belongs here: implementations live in the
//! `platform-*` crates or in the embedder's code.
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// Why a memory could not be created or grown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoryError {
    /// The host could not provide the bytes.
    OutOfMemory {
        /// The size asked for, in bytes.
        requested: usize,
    },
    /// The request exceeds what this backing reserved up front.
    ExceedsReservation {
        /// The size asked for, in bytes.
        requested: usize,
        /// The largest size it can reach.
        reserved: usize,
    },
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryError::OutOfMemory { requested } => {
                write!(
                    f,
                    "the host could not provide {requested} bytes of linear memory"
                )
            }
            MemoryError::ExceedsReservation {
                requested,
                reserved,
            } => write!(
                f,
                "{requested} bytes of linear memory exceed the {reserved} reserved"
            ),
        }
    }
}

/// The bytes behind one linear memory.
///
/// # Contract
/// `base()` points to `len()` readable and writable bytes that stay valid
/// until the next call to `grow` (which may move them) or until the value is
/// dropped. New bytes are zero.
pub trait Memory: Send {
    /// The first byte.
    fn base(&self) -> *mut u8;
    /// Accessible bytes.
    fn len(&self) -> usize;
    /// True when no bytes are accessible.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Makes `new_len` bytes accessible (`new_len >= len()`), zeroing the
    /// new ones.
    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError>;
    /// Bytes past `len()` guaranteed to fault on access (0 when the backing
    /// has no guard pages, so compiled code must bounds-check).
    fn guard_bytes(&self) -> usize {
        0
    }
}

/// Makes [`Memory`] backings; one lives in each `Config`.
pub trait MemoryCreator: Send + Sync {
    /// A backing of `initial` bytes that can grow to `maximum` bytes.
    fn new_memory(&self, initial: usize, maximum: usize) -> Result<Box<dyn Memory>, MemoryError>;
}

/// A [`Memory`] on the global allocator: no guard pages, moves on growth.
#[derive(Debug, Default)]
pub struct AllocMemory {
    bytes: Vec<u8>,
}

impl Memory for AllocMemory {
    fn base(&self) -> *mut u8 {
        self.bytes.as_ptr() as *mut u8
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError> {
        let extra = new_len.saturating_sub(self.bytes.len());
        self.bytes
            .try_reserve_exact(extra)
            .map_err(|_| MemoryError::OutOfMemory { requested: new_len })?;
        self.bytes.resize(new_len, 0);
        Ok(())
    }
}

/// Creates [`AllocMemory`] backings.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllocMemoryCreator;

impl MemoryCreator for AllocMemoryCreator {
    fn new_memory(&self, initial: usize, _maximum: usize) -> Result<Box<dyn Memory>, MemoryError> {
        let mut m = AllocMemory::default();
        m.grow_to(initial)?;
        Ok(Box::new(m))
    }
}

/// A region of code memory. It is writable or executable, never both.
pub trait CodeMemory: Send + Sync {
    /// The first byte.
    fn base(&self) -> *mut u8;
    /// Size in bytes.
    fn len(&self) -> usize;
    /// True for an empty region.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Switches to read+write (not executable).
    fn make_writable(&mut self) -> Result<(), MemoryError>;
    /// Switches to read+execute (not writable), flushing the instruction
    /// cache where the architecture needs it.
    fn make_executable(&mut self) -> Result<(), MemoryError>;
}

/// Allocates code memory for JIT backends.
pub trait Executable: Send + Sync {
    /// A writable region of at least `len` bytes.
    fn allocate(&self, len: usize) -> Result<Box<dyn CodeMemory>, MemoryError>;
}

/// Time sources for deadlines and WASI clocks.
pub trait Clock: Send + Sync {
    /// Nanoseconds from an arbitrary fixed point; never decreases.
    fn monotonic_nanos(&self) -> u64;
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    fn wall_nanos(&self) -> u64;
    /// The monotonic clock's resolution in nanoseconds.
    fn resolution_nanos(&self) -> u64 {
        1
    }
    /// The wall clock's resolution in nanoseconds; by default the same as
    /// [`resolution_nanos`](Self::resolution_nanos).
    fn wall_resolution_nanos(&self) -> u64 {
        self.resolution_nanos()
    }
}
