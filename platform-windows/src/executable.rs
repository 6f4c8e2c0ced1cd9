//! Code memory for JITs: writable or executable, never both (W^X).
//!
//! A [`CodeRegion`] is committed read+write; `make_executable` switches it
//! to execute+read with `VirtualProtect` and flushes the instruction cache
//! with `FlushInstructionCache` (a no-op on x86-64, required on arm64),
//! `make_writable` switches back. Another thread that runs the code must
//! see the pointer through an acquire (or be started afterwards).
use crate::memory::{allocate, page_size, release, round_up};
use wasmbed_core::platform::{CodeMemory, Executable, MemoryError};
use windows_sys::Win32::System::Diagnostics::Debug::FlushInstructionCache;
use windows_sys::Win32::System::Memory::{
    VirtualProtect, PAGE_EXECUTE_READ, PAGE_PROTECTION_FLAGS, PAGE_READWRITE,
};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

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
        let base = allocate(size, true, PAGE_READWRITE)
            .ok_or(MemoryError::OutOfMemory { requested: size })?;
        Ok(CodeRegion {
            base,
            len: size,
            executable: false,
        })
    }
}

// SAFETY: each region is a fresh private mapping of at least `len` bytes,
// writable and not executable until `make_executable`.
unsafe impl Executable for CodeAllocator {
    fn allocate(&self, len: usize) -> Result<Box<dyn CodeMemory>, MemoryError> {
        Ok(Box::new(self.allocate_region(len)?))
    }
}

/// A region of code memory (see the module docs).
#[derive(Debug)]
pub struct CodeRegion {
    base: *mut u8,
    len: usize,
    executable: bool,
}

// SAFETY: the allocation is owned by this value alone; `&CodeRegion` only
// reads plain fields.
unsafe impl Send for CodeRegion {}
// SAFETY: as above.
unsafe impl Sync for CodeRegion {}

impl CodeRegion {
    /// True while the region is executable (and so not writable).
    pub fn is_executable(&self) -> bool {
        self.executable
    }

    fn protect(&mut self, protection: PAGE_PROTECTION_FLAGS) -> Result<(), MemoryError> {
        let mut old: PAGE_PROTECTION_FLAGS = 0;
        // SAFETY: the whole region is ours and committed; `&mut self` rules
        // out a live `&mut [u8]` into it, and no code in it is running
        // through this handle while its protection changes.
        let ok = unsafe { VirtualProtect(self.base.cast(), self.len, protection, &mut old) };
        if ok == 0 {
            return Err(MemoryError::OutOfMemory {
                requested: self.len,
            });
        }
        Ok(())
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
        self.protect(PAGE_READWRITE)?;
        self.executable = false;
        Ok(())
    }

    fn make_executable(&mut self) -> Result<(), MemoryError> {
        self.protect(PAGE_EXECUTE_READ)?;
        // SAFETY: the range is committed memory of this process; the
        // pseudo-handle of the current process needs no closing.
        unsafe { FlushInstructionCache(GetCurrentProcess(), self.base.cast(), self.len) };
        self.executable = true;
        Ok(())
    }
}

impl Drop for CodeRegion {
    fn drop(&mut self) {
        // SAFETY: the allocation is ours; dropping the region is the
        // promise that no code in it runs any more.
        unsafe { release(self.base) };
    }
}
