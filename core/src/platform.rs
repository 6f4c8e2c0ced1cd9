//! The traits a host implements so the core can run on it: [`Memory`]
//! (linear-memory backing), [`Executable`] (code memory for JITs) and
//! [`Clock`]. The core ships [`AllocMemory`], an alloc-only backing, so it
//! runs with no platform at all; `Executable` and `Clock` are optional and
//! the features needing them report an error when absent.
//!
//! `Memory`, `MemoryCreator`, `Executable` and `CodeMemory` are `unsafe`
//! traits: the executor trusts what they report about raw memory, so each
//! states in a `# Safety` section what an implementation must guarantee.
//!
//! Nothing OS-specific belongs here: implementations live in the
//! `platform-*` crates or in the embedder's code.
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::ptr::NonNull;

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
/// # Safety
/// The interpreter and compiled code read and write the bytes this trait
/// describes through raw pointers, with no check beyond `len()`, so a wrong
/// answer is undefined behaviour, not a wrong result. An implementation
/// guarantees:
/// - `base()` points to `len()` bytes that are readable, writable and
///   initialised, and that nothing else accesses (no Rust reference into
///   them is held by the implementation while the runtime may use them);
///   they stay valid until the next `grow_to` (which may move them) or until
///   the value is dropped. With `len() == 0`, `base()` may dangle but is
///   non-null and aligned.
/// - `base()` and `len()` change only inside `grow_to`; after `Ok` from
///   `grow_to(n)`, `len()` is `n` (or unchanged when `n` was not larger);
///   after `Err`, both are unchanged.
/// - New bytes (from creation or growth) are zero.
/// - The `guard_bytes()` bytes after `base() + len()` are reserved address
///   space that faults on any access (compiled code leaves out bounds
///   checks it covers), or `guard_bytes()` is 0.
///
/// A safe `impl` does not compile, so a backing cannot claim bytes it does
/// not own without saying so:
///
/// ```compile_fail
/// use wasmbed_core::platform::{Memory, MemoryError};
/// struct Claims;
/// impl Memory for Claims {
///     fn base(&self) -> *mut u8 { 0x1000 as *mut u8 }
///     fn len(&self) -> usize { 65536 }
///     fn grow_to(&mut self, _: usize) -> Result<(), MemoryError> { Ok(()) }
/// }
/// ```
pub unsafe trait Memory: Send {
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
///
/// # Safety
/// Every backing returned holds exactly `initial` zeroed bytes (the runtime
/// sizes data segments and bounds checks from the memory's type as well as
/// from `len()`), and satisfies [`Memory`]'s contract.
pub unsafe trait MemoryCreator: Send + Sync {
    /// A backing of `initial` bytes that can grow to `maximum` bytes.
    fn new_memory(&self, initial: usize, maximum: usize) -> Result<Box<dyn Memory>, MemoryError>;

    /// Bytes of address space from the base of every memory this creator
    /// makes, for as long as it lives and however it grows, that are
    /// accessible or fault on access, whenever the memory's length is a
    /// multiple of 64 KiB. With 4 GiB plus the largest offset covered, a
    /// JIT leaves out bounds checks and lets the platform's fault handler
    /// turn the fault into a trap (`Config::fault_traps`). 0, the default:
    /// no guarantee, every access is checked.
    fn guaranteed_reservation(&self) -> u64 {
        0
    }
}

/// A [`Memory`] on the global allocator: no guard pages, moves on growth.
#[derive(Debug)]
pub struct AllocMemory {
    bytes: Vec<u8>,
    /// `bytes.as_mut_ptr()`, taken whenever `bytes` may have moved. The
    /// runtime writes through this pointer, so it must come from a mutable
    /// access (a pointer from `as_ptr()` only permits reads).
    base: NonNull<u8>,
}

impl Default for AllocMemory {
    fn default() -> AllocMemory {
        let mut bytes = Vec::new();
        let base = NonNull::new(bytes.as_mut_ptr()).unwrap_or(NonNull::dangling());
        AllocMemory { bytes, base }
    }
}

// SAFETY: `base` points into `bytes`, which the value owns; moving the
// value to another thread moves the allocation's only user with it.
unsafe impl Send for AllocMemory {}

// SAFETY: `base` is taken from `as_mut_ptr()` after every change of
// `bytes`, which only `grow_to` makes; new bytes are zeroed (by the
// allocator or `Vec::resize`) and `len()` is the vector's length;
// `AllocMemory` never creates a reference into the bytes (only `Vec`
// methods that do not touch the elements), and has no guard pages.
unsafe impl Memory for AllocMemory {
    fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError> {
        // Never shrink: the runtime may hold the current length.
        if new_len <= self.bytes.len() {
            return Ok(());
        }
        let oom = || MemoryError::OutOfMemory { requested: new_len };
        if self.bytes.capacity() == 0 {
            // The first allocation comes zeroed from the allocator (for
            // large sizes, fresh pages from the OS that nothing touches
            // until the guest does): writing the zeros ourselves cost
            // most of instantiating a module with a big initial memory.
            let layout = core::alloc::Layout::array::<u8>(new_len).map_err(|_| oom())?;
            // SAFETY: `layout` has a non-zero size (`new_len` exceeds the
            // current length, so it is at least 1).
            let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
            if ptr.is_null() {
                return Err(oom());
            }
            // SAFETY: `ptr` was allocated by the global allocator with the
            // layout of `new_len` bytes, all initialised (zeroed), which is
            // what a `Vec<u8>` of that length and capacity owns.
            self.bytes = unsafe { Vec::from_raw_parts(ptr, new_len, new_len) };
        } else {
            let extra = new_len - self.bytes.len();
            self.bytes.try_reserve_exact(extra).map_err(|_| oom())?;
            self.bytes.resize(new_len, 0);
        }
        self.base = NonNull::new(self.bytes.as_mut_ptr()).unwrap_or(NonNull::dangling());
        Ok(())
    }
}

/// Creates [`AllocMemory`] backings.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllocMemoryCreator;

// SAFETY: a fresh `AllocMemory` grown to `initial` holds exactly `initial`
// zeroed bytes, and `AllocMemory` keeps `Memory`'s contract (see there).
unsafe impl MemoryCreator for AllocMemoryCreator {
    fn new_memory(&self, initial: usize, _maximum: usize) -> Result<Box<dyn Memory>, MemoryError> {
        let mut m = AllocMemory::default();
        m.grow_to(initial)?;
        Ok(Box::new(m))
    }
}

/// A region of code memory. It is writable or executable, never both.
///
/// # Safety
/// Backends copy machine code to `base()` and then jump into it, so an
/// implementation guarantees: `base()` points to `len()` bytes owned by
/// this region until it is dropped (they never move); after `Ok` from
/// `make_writable` they are writable (and not executable); after `Ok` from
/// `make_executable` they are executable (and not writable) and the
/// instruction cache holds no stale bytes for them; on `Err` the region is
/// left inaccessible or in its previous state, never both writable and
/// executable.
pub unsafe trait CodeMemory: Send + Sync {
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
///
/// # Safety
/// Every region returned is at least `len` bytes, writable, not shared with
/// any other region, and satisfies [`CodeMemory`]'s contract.
pub unsafe trait Executable: Send + Sync {
    /// A writable region of at least `len` bytes.
    fn allocate(&self, len: usize) -> Result<Box<dyn CodeMemory>, MemoryError>;
}

/// Runs independent jobs on the host's threads: how a JIT backend compiles
/// a module's functions in parallel. The core has no threads of its own.
pub trait Parallelism: Send + Sync {
    /// Calls `job(i)` once for every `i` in `0..jobs`, in any order and on
    /// any threads, and returns when all have returned.
    fn run(&self, jobs: usize, job: &(dyn Fn(usize) + Sync));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_memory_is_written_through_base_and_keeps_bytes_across_growth() {
        let mut m = AllocMemoryCreator.new_memory(16, 1 << 20).unwrap();
        assert_eq!(m.len(), 16);
        // SAFETY: `base()` points to `len()` writable bytes (the contract
        // this test checks for `AllocMemory`).
        unsafe {
            assert_eq!(*m.base().add(15), 0, "new bytes are zero");
            m.base().add(3).write(7);
        }
        m.grow_to(100_000).unwrap();
        assert_eq!(m.len(), 100_000);
        // SAFETY: as above; growth may move the bytes, and `base()` is
        // read again after it.
        unsafe {
            assert_eq!(*m.base().add(3), 7, "contents survive a move");
            assert_eq!(*m.base().add(99_999), 0);
            m.base().add(99_999).write(1);
        }
        // Not larger: nothing changes.
        m.grow_to(10).unwrap();
        assert_eq!(m.len(), 100_000);
        assert!(!AllocMemory::default().base().is_null());
    }

    #[test]
    fn a_large_alloc_memory_starts_zeroed() {
        // Large enough that the allocator maps fresh pages for it (the
        // zeroes come from the allocator, not from a `memset`).
        let m = AllocMemoryCreator.new_memory(64 << 20, 64 << 20).unwrap();
        // SAFETY: `base()` points to `len()` readable bytes.
        let bytes = unsafe { core::slice::from_raw_parts(m.base(), m.len()) };
        assert!(bytes.iter().step_by(4093).all(|&b| b == 0));
        assert_eq!(bytes[bytes.len() - 1], 0);
    }
}
