//! Linear memories in reserved address space.
//!
//! A [`GuardedMemory`] maps its whole reservation plus a guard region as
//! `PROT_NONE` once, then makes pages readable and writable with
//! `mprotect` as the memory grows. Pages that were never accessible read
//! as zero when they are first committed, so growth needs no zeroing, and
//! everything from the end of the accessible bytes to the end of the guard
//! region faults. With [`MemoryConfig::full`] that span covers every 32-bit
//! index plus a 2 GiB static offset, which is what lets compiled code leave
//! out bounds checks (the interpreter checks every access anyway).
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmbed_core::platform::{Memory, MemoryCreator, MemoryError};

/// How much address space each memory takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryConfig {
    /// Bytes reserved for the accessible part up front (at least the
    /// initial size is always reserved). A memory grows in place up to
    /// this; past it, if its maximum allows, it moves to a reservation
    /// twice as large.
    pub reservation: u64,
    /// Inaccessible bytes after the reservation.
    pub guard: u64,
}

impl MemoryConfig {
    /// The whole 32-bit index space (4 GiB) plus a 2 GiB guard: memories
    /// never move, and an access at any `u32` index plus an offset below
    /// 2 GiB either hits accessible bytes or faults. 6 GiB of address
    /// space per memory, of which only the accessible pages use memory.
    pub const fn full() -> MemoryConfig {
        MemoryConfig {
            reservation: 1 << 32,
            guard: 2 << 30,
        }
    }

    /// For hosts without much address space (32-bit ones): reserve only the
    /// initial size plus a 64 KiB guard; a memory moves (doubling its
    /// reservation) when it outgrows it.
    pub const fn small() -> MemoryConfig {
        MemoryConfig {
            reservation: 0,
            guard: 64 << 10,
        }
    }

    /// [`full`](Self::full) on 64-bit hosts, [`small`](Self::small)
    /// elsewhere.
    pub const fn host_default() -> MemoryConfig {
        if cfg!(target_pointer_width = "64") {
            MemoryConfig::full()
        } else {
            MemoryConfig::small()
        }
    }
}

impl Default for MemoryConfig {
    fn default() -> MemoryConfig {
        MemoryConfig::host_default()
    }
}

/// The host's page size in bytes.
pub fn page_size() -> usize {
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    let cached = PAGE.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let size = usize::try_from(size)
        .ok()
        .filter(|s| s.is_power_of_two())
        .unwrap_or(4096);
    PAGE.store(size, Ordering::Relaxed);
    size
}

/// `len` rounded up to a multiple of `page` (a power of two).
pub(crate) fn round_up(len: usize, page: usize) -> Option<usize> {
    Some(len.checked_add(page - 1)? & !(page - 1))
}

/// Maps `len` bytes (a page multiple, non-zero) with `prot` and `flags`
/// added to a private anonymous mapping.
pub(crate) fn map(len: usize, prot: libc::c_int, flags: libc::c_int) -> Option<*mut u8> {
    // SAFETY: a fresh anonymous mapping at an address the kernel picks
    // aliases nothing.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANON | flags,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p.cast())
}

/// Changes the protection of `len` bytes at `addr`.
///
/// # Safety
/// `addr..addr + len` lies in a mapping this crate owns, page-aligned, and
/// no reference into it outlives a change that removes access.
pub(crate) unsafe fn protect(addr: *mut u8, len: usize, prot: libc::c_int) -> bool {
    // SAFETY: the caller vouches for the range.
    unsafe { libc::mprotect(addr.cast(), len, prot) == 0 }
}

/// Unmaps `len` bytes at `addr`.
///
/// # Safety
/// `addr..addr + len` is a whole mapping this crate owns and nothing uses
/// it any more.
pub(crate) unsafe fn unmap(addr: *mut u8, len: usize) {
    // SAFETY: the caller vouches for the range. A failure leaks address
    // space and nothing else, so it is ignored.
    unsafe { libc::munmap(addr.cast(), len) };
}

/// A linear memory in reserved address space with a guard region after it.
///
/// ```text
/// base                 committed        reserved          mapped
///  | accessible (len) ...|  PROT_NONE ...  |  guard (PROT_NONE) |
/// ```
#[derive(Debug)]
pub struct GuardedMemory {
    base: *mut u8,
    /// Bytes mapped in all: `reserved + guard`.
    mapped: usize,
    /// Bytes the accessible part can reach without moving.
    reserved: usize,
    /// Bytes readable and writable: `len` rounded up to pages.
    committed: usize,
    len: usize,
    maximum: usize,
    guard: usize,
}

// SAFETY: the mapping is owned by this value alone and has no thread
// affinity; `&GuardedMemory` only reads plain fields.
unsafe impl Send for GuardedMemory {}
// SAFETY: as above.
unsafe impl Sync for GuardedMemory {}

impl GuardedMemory {
    /// A memory of `initial` accessible bytes that may grow to `maximum`.
    pub fn new(
        config: MemoryConfig,
        initial: usize,
        maximum: usize,
    ) -> Result<GuardedMemory, MemoryError> {
        if initial > maximum {
            return Err(MemoryError::ExceedsReservation {
                requested: initial,
                reserved: maximum,
            });
        }
        let page = page_size();
        let too_big = MemoryError::OutOfMemory {
            requested: usize::MAX,
        };
        let wanted = usize::try_from(config.reservation)
            .ok()
            .and_then(|r| round_up(r, page))
            .ok_or(too_big.clone())?;
        let guard = usize::try_from(config.guard)
            .ok()
            .and_then(|g| round_up(g, page))
            .ok_or(too_big.clone())?;
        let reserved = wanted.max(round_up(initial, page).ok_or(too_big)?);
        let mut memory = GuardedMemory::reserve(reserved, guard, maximum)?;
        memory.grow_to(initial)?;
        Ok(memory)
    }

    /// Maps `reserved + guard` inaccessible bytes.
    fn reserve(
        reserved: usize,
        guard: usize,
        maximum: usize,
    ) -> Result<GuardedMemory, MemoryError> {
        let mapped = reserved
            .checked_add(guard)
            .ok_or(MemoryError::OutOfMemory {
                requested: usize::MAX,
            })?
            .max(page_size());
        let base = map(mapped, libc::PROT_NONE, 0)
            .ok_or(MemoryError::OutOfMemory { requested: mapped })?;
        Ok(GuardedMemory {
            base,
            mapped,
            reserved,
            committed: 0,
            len: 0,
            maximum,
            guard,
        })
    }

    /// Bytes the memory can reach without moving.
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// Bytes of address space it occupies, guard included.
    pub fn mapped(&self) -> usize {
        self.mapped
    }

    /// The largest size it may grow to.
    pub fn maximum(&self) -> usize {
        self.maximum
    }

    /// Makes the first `committed` bytes (a page multiple within the
    /// reservation) accessible.
    fn commit(&mut self, committed: usize) -> Result<(), MemoryError> {
        if committed > self.committed {
            // SAFETY: `committed..new` lies inside our reservation and is
            // page-aligned; adding access invalidates no reference.
            let ok = unsafe {
                protect(
                    self.base.add(self.committed),
                    committed - self.committed,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if !ok {
                return Err(MemoryError::OutOfMemory {
                    requested: committed,
                });
            }
            self.committed = committed;
        }
        Ok(())
    }

    /// Moves to a reservation of at least `committed` bytes.
    fn relocate(&mut self, committed: usize) -> Result<(), MemoryError> {
        let page = page_size();
        let limit = round_up(self.maximum, page).unwrap_or(usize::MAX);
        let reserved = committed.max(self.reserved.saturating_mul(2).min(limit));
        let mut moved = GuardedMemory::reserve(reserved, self.guard, self.maximum)?;
        moved.commit(committed)?;
        // SAFETY: both ranges are accessible for `self.len` bytes (the new
        // one has `committed >= len`) and belong to different mappings.
        unsafe { ptr::copy_nonoverlapping(self.base, moved.base, self.len) };
        moved.len = self.len;
        // The old mapping is unmapped when `moved` drops after the swap.
        core::mem::swap(self, &mut moved);
        Ok(())
    }
}

// SAFETY: `base..base + len` is committed read/write memory of the mapping
// this value owns, and no reference into it is kept; only `grow_to`
// changes `len` (to `new_len`) or `base` (by relocating, which copies the
// bytes and then unmaps the old range); fresh pages come zeroed from the
// OS and the tail of the last committed page is zeroed before it becomes
// accessible; `guard_bytes` counts only reserved, inaccessible pages right
// after `len`.
unsafe impl Memory for GuardedMemory {
    fn base(&self) -> *mut u8 {
        self.base
    }

    fn len(&self) -> usize {
        self.len
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError> {
        if new_len <= self.len {
            return Ok(());
        }
        if new_len > self.maximum {
            return Err(MemoryError::ExceedsReservation {
                requested: new_len,
                reserved: self.maximum,
            });
        }
        let committed = round_up(new_len, page_size())
            .ok_or(MemoryError::OutOfMemory { requested: new_len })?;
        // Bytes past `len` in its last page were accessible already, so they
        // may have been written: zero them (fresh pages are zero).
        let stale_end = self.committed.min(new_len);
        if stale_end > self.len {
            // SAFETY: `len..stale_end` is committed and inside the mapping.
            unsafe { ptr::write_bytes(self.base.add(self.len), 0, stale_end - self.len) };
        }
        if committed <= self.reserved {
            self.commit(committed)?;
        } else {
            self.relocate(committed)?;
        }
        self.len = new_len;
        Ok(())
    }

    fn guard_bytes(&self) -> usize {
        // Only when the accessible end is a page boundary does the very
        // next byte fault.
        if self.len == self.committed {
            self.mapped - self.committed
        } else {
            0
        }
    }
}

impl Drop for GuardedMemory {
    fn drop(&mut self) {
        // SAFETY: `base..base + mapped` is the mapping this value owns; the
        // core drops a memory only when no instance can reach it.
        unsafe { unmap(self.base, self.mapped) };
    }
}

/// Makes [`GuardedMemory`] backings with one [`MemoryConfig`].
#[derive(Clone, Copy, Debug, Default)]
pub struct GuardedMemoryCreator {
    config: MemoryConfig,
}

impl GuardedMemoryCreator {
    /// A creator giving each memory this much address space.
    pub const fn new(config: MemoryConfig) -> GuardedMemoryCreator {
        GuardedMemoryCreator { config }
    }

    /// Its configuration.
    pub fn config(&self) -> MemoryConfig {
        self.config
    }
}

// SAFETY: `GuardedMemory::new` commits exactly `initial` accessible
// (zeroed) bytes, and `GuardedMemory` keeps `Memory`'s contract.
unsafe impl MemoryCreator for GuardedMemoryCreator {
    fn new_memory(&self, initial: usize, maximum: usize) -> Result<Box<dyn Memory>, MemoryError> {
        Ok(Box::new(GuardedMemory::new(self.config, initial, maximum)?))
    }

    /// A memory never shrinks its reservation (growth past it moves to a
    /// larger one), the guard follows it, and every byte past a
    /// page-aligned length is inaccessible.
    fn guaranteed_reservation(&self) -> u64 {
        self.config.reservation.saturating_add(self.config.guard)
    }
}
