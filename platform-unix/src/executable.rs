//! Code memory for JITs: writable or executable, never both (W^X).
//!
//! Everywhere but Apple arm64, a [`CodeRegion`] is a private mapping whose
//! protection `mprotect` flips between read+write and read+execute.
//!
//! On Apple arm64 the kernel forbids that flip for hardened processes;
//! there the region is mapped once with `MAP_JIT` and W^X is enforced per
//! thread by `pthread_jit_write_protect_np`: `make_writable` makes *all*
//! `MAP_JIT` regions writable (and not executable) for the calling thread
//! only, and `make_executable` turns that back. A JIT therefore writes and
//! publishes code on one thread without handing it to another in between.
//! Signed, hardened binaries also need the `allow-jit` entitlement.
//!
//! On arm64 the instruction cache is not coherent with data writes: the
//! written range is cleaned and invalidated before it becomes executable.
//! That synchronises the calling thread; another thread that runs the code
//! must see the pointer through an acquire (or be started afterwards).
use crate::memory::{map, page_size, protect, round_up, unmap};
use wasmbed_core::platform::{CodeMemory, Executable, MemoryError};

/// Apple arm64 needs `MAP_JIT` and per-thread write protection.
const APPLE_JIT: bool = cfg!(all(target_vendor = "apple", target_arch = "aarch64"));

/// Allocates [`CodeRegion`]s.
#[derive(Clone, Copy, Debug, Default)]
pub struct CodeAllocator {
    _private: (),
}

impl CodeAllocator {
    /// The allocator.
    pub const fn new() -> CodeAllocator {
        CodeAllocator { _private: () }
    }

    /// A writable (not executable) region of at least `len` bytes, rounded
    /// up to whole pages.
    pub fn allocate_region(&self, len: usize) -> Result<CodeRegion, MemoryError> {
        let size =
            round_up(len.max(1), page_size()).ok_or(MemoryError::OutOfMemory { requested: len })?;
        let base = if APPLE_JIT {
            map(size, RWX, MAP_JIT)
        } else {
            map(size, libc::PROT_READ | libc::PROT_WRITE, 0)
        }
        .ok_or(MemoryError::OutOfMemory { requested: size })?;
        let region = CodeRegion {
            base,
            len: size,
            executable: false,
        };
        if APPLE_JIT {
            // SAFETY: toggling this thread's JIT write protection is always
            // allowed; it makes the new region writable for this thread.
            unsafe { jit_write_protect(false) };
        }
        Ok(region)
    }
}

// SAFETY: each region is a fresh private mapping of at least `len` bytes,
// writable and not executable until `make_executable`.
unsafe impl Executable for CodeAllocator {
    fn allocate(&self, len: usize) -> Result<Box<dyn CodeMemory>, MemoryError> {
        Ok(Box::new(self.allocate_region(len)?))
    }
}

/// A region of code memory (see the module docs for the W^X rules).
#[derive(Debug)]
pub struct CodeRegion {
    base: *mut u8,
    len: usize,
    executable: bool,
}

// SAFETY: the mapping is owned by this value alone; `&CodeRegion` only
// reads plain fields.
unsafe impl Send for CodeRegion {}
// SAFETY: as above.
unsafe impl Sync for CodeRegion {}

impl CodeRegion {
    /// True while the region is executable (and so not writable).
    pub fn is_executable(&self) -> bool {
        self.executable
    }
}

// SAFETY: the region owns its mapping until drop and never moves it; the
// protection switches change the whole region between read+write and
// read+execute (never both), flushing the instruction cache on the way to
// executable where the architecture needs it, and report failures.
unsafe impl CodeMemory for CodeRegion {
    fn base(&self) -> *mut u8 {
        self.base
    }

    fn len(&self) -> usize {
        self.len
    }

    fn make_writable(&mut self) -> Result<(), MemoryError> {
        if APPLE_JIT {
            // SAFETY: see `allocate_region`.
            unsafe { jit_write_protect(false) };
        } else {
            // SAFETY: the whole region is ours; `&mut self` means no code in
            // it is running through this handle, and removing execute
            // access leaves no dangling reference.
            let ok = unsafe { protect(self.base, self.len, libc::PROT_READ | libc::PROT_WRITE) };
            if !ok {
                return Err(MemoryError::OutOfMemory {
                    requested: self.len,
                });
            }
        }
        self.executable = false;
        Ok(())
    }

    fn make_executable(&mut self) -> Result<(), MemoryError> {
        if APPLE_JIT {
            // SAFETY: see `allocate_region`.
            unsafe { jit_write_protect(true) };
        } else {
            // SAFETY: the whole region is ours; `&mut self` rules out a
            // live `&mut [u8]` into it that removing write access would
            // break.
            let ok = unsafe { protect(self.base, self.len, libc::PROT_READ | libc::PROT_EXEC) };
            if !ok {
                return Err(MemoryError::OutOfMemory {
                    requested: self.len,
                });
            }
        }
        // SAFETY: the range is mapped and readable.
        unsafe { flush_icache(self.base, self.len) };
        self.executable = true;
        Ok(())
    }
}

impl Drop for CodeRegion {
    fn drop(&mut self) {
        // SAFETY: the mapping is ours; dropping the region is the promise
        // that no code in it runs any more.
        unsafe { unmap(self.base, self.len) };
    }
}

#[cfg(all(target_vendor = "apple", target_arch = "aarch64"))]
const RWX: libc::c_int = libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC;
#[cfg(all(target_vendor = "apple", target_arch = "aarch64"))]
const MAP_JIT: libc::c_int = libc::MAP_JIT;
#[cfg(not(all(target_vendor = "apple", target_arch = "aarch64")))]
const RWX: libc::c_int = 0;
#[cfg(not(all(target_vendor = "apple", target_arch = "aarch64")))]
const MAP_JIT: libc::c_int = 0;

/// Switches this thread's view of `MAP_JIT` memory to executable (`true`)
/// or writable (`false`).
///
/// # Safety
/// Code of a `MAP_JIT` region that this thread is running must not be made
/// writable under its feet.
#[cfg(all(target_vendor = "apple", target_arch = "aarch64"))]
unsafe fn jit_write_protect(executable: bool) {
    // SAFETY: the caller upholds the contract above.
    unsafe { libc::pthread_jit_write_protect_np(executable as libc::c_int) };
}

#[cfg(not(all(target_vendor = "apple", target_arch = "aarch64")))]
unsafe fn jit_write_protect(_executable: bool) {}

/// Makes instructions written to `base..base + len` visible to
/// instruction fetch on this thread.
///
/// # Safety
/// The range is mapped and readable.
#[cfg(all(target_vendor = "apple", target_arch = "aarch64"))]
unsafe fn flush_icache(base: *mut u8, len: usize) {
    extern "C" {
        fn sys_icache_invalidate(start: *mut libc::c_void, len: libc::size_t);
    }
    // SAFETY: the caller vouches for the range.
    unsafe { sys_icache_invalidate(base.cast(), len) };
}

/// Makes instructions written to `base..base + len` visible to
/// instruction fetch on this thread: clean the data cache to the point of
/// unification, invalidate the instruction cache, then synchronise, with
/// the line sizes `CTR_EL0` reports (its IDC/DIC bits say when a step is
/// not needed).
///
/// # Safety
/// The range is mapped and readable.
#[cfg(all(target_arch = "aarch64", not(target_vendor = "apple")))]
unsafe fn flush_icache(base: *mut u8, len: usize) {
    use core::arch::asm;
    let ctr: u64;
    // SAFETY: CTR_EL0 is readable at EL0 on Linux and FreeBSD (the kernel
    // allows or emulates it); reading it has no side effects.
    unsafe { asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack, preserves_flags)) };
    let start = base as usize;
    let end = start + len;
    let idc = ctr & (1 << 28) != 0;
    let dic = ctr & (1 << 29) != 0;
    if !idc {
        let line = 4usize << ((ctr >> 16) & 0xf);
        let mut addr = start & !(line - 1);
        while addr < end {
            // SAFETY: `addr` is in (the first line of) the readable range;
            // cleaning a cache line changes no memory contents.
            unsafe { asm!("dc cvau, {}", in(reg) addr, options(nostack, preserves_flags)) };
            addr += line;
        }
    }
    // SAFETY: barriers have no operands.
    unsafe { asm!("dsb ish", options(nostack, preserves_flags)) };
    if !dic {
        let line = 4usize << (ctr & 0xf);
        let mut addr = start & !(line - 1);
        while addr < end {
            // SAFETY: as for `dc cvau`; invalidating instruction cache lines
            // only costs refetches.
            unsafe { asm!("ic ivau, {}", in(reg) addr, options(nostack, preserves_flags)) };
            addr += line;
        }
        // SAFETY: as above.
        unsafe { asm!("dsb ish", options(nostack, preserves_flags)) };
    }
    // SAFETY: as above.
    unsafe { asm!("isb", options(nostack, preserves_flags)) };
}

/// Other architectures (x86) keep instruction fetch coherent with stores;
/// the `mprotect` call is already a compiler barrier.
///
/// # Safety
/// None needed; `unsafe` only to match the arm64 versions.
#[cfg(not(target_arch = "aarch64"))]
unsafe fn flush_icache(_base: *mut u8, _len: usize) {}
