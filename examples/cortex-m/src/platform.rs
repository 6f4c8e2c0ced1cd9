//! The platform wasmbed-core runs on here, written against
//! `wasmbed_core::platform`: linear memories carved from one static RAM
//! region ([`RegionCreator`]), a clock over the SysTick timer
//! ([`SysTickClock`]), and no `Executable` (the interpreter needs none).
//!
//! The region hands out memory like a stack: a new memory starts where the
//! last live one ends, only the newest memory can grow (in place), and a
//! dropped memory gives its bytes back when it is the newest. Guests that
//! run one after another, as here, reuse the same bytes; a memory that
//! cannot grow makes `memory.grow` return -1, as on any full device.
use alloc::boxed::Box;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};
use cortex_m_rt::exception;
use wasmbed_core::platform::{Clock, Memory, MemoryCreator, MemoryError};

/// A fixed RAM region for linear memories, used from the bottom up.
pub struct Region {
    base: *mut u8,
    cap: usize,
    /// Bytes in use from `base`: the end of the newest memory.
    top: AtomicUsize,
    /// The most bytes ever in use.
    peak: AtomicUsize,
}

// SAFETY: `base` is only written through memories, each of which owns a
// disjoint range; the bookkeeping is atomic.
unsafe impl Sync for Region {}

impl Region {
    /// A region over `bytes`, which it keeps for the life of the program.
    pub fn new(bytes: &'static mut [u8]) -> Region {
        Region {
            base: bytes.as_mut_ptr(),
            cap: bytes.len(),
            top: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// The region's size in bytes.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The most bytes that linear memories have used at once.
    #[cfg_attr(not(feature = "guests"), allow(dead_code))]
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts measuring the peak afresh from the bytes in use now.
    #[cfg_attr(not(feature = "guests"), allow(dead_code))]
    pub fn reset_peak(&self) {
        self.peak
            .store(self.top.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// Moves the top from `from` to `to` if it is still at `from`.
    fn move_top(&self, from: usize, to: usize) -> bool {
        let moved = self
            .top
            .compare_exchange(from, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if moved {
            self.peak.fetch_max(to, Ordering::Relaxed);
        }
        moved
    }
}

/// Creates [`RegionMemory`]s in a [`Region`].
pub struct RegionCreator(pub &'static Region);

// SAFETY: a new `RegionMemory` starts empty and is grown to `initial`
// bytes, which `grow_to` zeroes; `RegionMemory` keeps `Memory`'s contract.
unsafe impl MemoryCreator for RegionCreator {
    fn new_memory(&self, initial: usize, _maximum: usize) -> Result<Box<dyn Memory>, MemoryError> {
        let region = self.0;
        let start = region.top.load(Ordering::Acquire);
        let mut memory = RegionMemory {
            region,
            start,
            len: 0,
        };
        memory.grow_to(initial)?;
        Ok(Box::new(memory))
    }
}

/// One linear memory: `len` bytes at `start` in its region.
pub struct RegionMemory {
    region: &'static Region,
    start: usize,
    len: usize,
}

// SAFETY: `start..start + len` is a range of the static region that
// `move_top` handed to this memory alone (regions only hand out bytes above
// their top), nothing else references it, and `grow_to` zeroes each new
// byte; `base` never moves and there are no guard bytes.
unsafe impl Memory for RegionMemory {
    fn base(&self) -> *mut u8 {
        // SAFETY: `start <= cap`, so this stays inside (or one past) the
        // region.
        unsafe { self.region.base.add(self.start) }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError> {
        if new_len <= self.len {
            return Ok(());
        }
        let reserved = self.region.cap - self.start;
        if new_len > reserved {
            return Err(MemoryError::ExceedsReservation {
                requested: new_len,
                reserved,
            });
        }
        // Only the newest memory can grow: its end is the region's top.
        if !self
            .region
            .move_top(self.start + self.len, self.start + new_len)
        {
            return Err(MemoryError::OutOfMemory { requested: new_len });
        }
        // SAFETY: `[start + len, start + new_len)` lies inside the region
        // and now belongs to this memory alone; earlier users may have left
        // bytes there, and new wasm memory must read as zero.
        unsafe {
            core::ptr::write_bytes(self.base().add(self.len), 0, new_len - self.len);
        }
        self.len = new_len;
        Ok(())
    }
}

impl Drop for RegionMemory {
    fn drop(&mut self) {
        // Give the bytes back if this is the newest memory; otherwise they
        // stay in use until everything above them is gone too.
        let _ = self.region.top.compare_exchange(
            self.start + self.len,
            self.start,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }
}

/// SysTick counts the core clock down from `RELOAD`; each wrap is counted
/// by the exception handler below.
const RELOAD: u32 = 0x00FF_FFFF;
/// The core clock of the MPS2 AN386 image (25 MHz): 40 ns per tick.
pub const CORE_HZ: u64 = 25_000_000;
static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// Monotonic time from SysTick (the board has no calendar clock, so wall
/// time is the Unix time the firmware was built for plus uptime).
pub struct SysTickClock {
    boot_wall_nanos: u64,
}

impl SysTickClock {
    /// Starts SysTick on the core clock, wrapping every 2^24 ticks
    /// (0.67 s at 25 MHz) with an interrupt.
    pub fn start(mut syst: SYST, boot_wall_nanos: u64) -> SysTickClock {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
        SysTickClock { boot_wall_nanos }
    }

    fn ticks(&self) -> u64 {
        loop {
            let wraps = WRAPS.load(Ordering::Acquire);
            let current = SYST::get_current();
            let pending = SCB::is_pendst_pending();
            // The handler ran in between: the pair may not match, read again.
            if WRAPS.load(Ordering::Acquire) != wraps {
                continue;
            }
            // The count goes RELOAD, ..., 1, 0 (the exception fires on
            // reaching 0), then RELOAD again: a period is RELOAD + 1 ticks
            // and `current` is `(RELOAD + 1 - current) % (RELOAD + 1)`
            // ticks past the last zero.
            let period = RELOAD as u64 + 1;
            let since_zero = (period - current as u64) % period;
            // The counter reached zero but the handler has not run yet (it
            // is pending): count that wrap here. A counter still near the
            // top of its range was read before it reached zero.
            let unseen = (pending && (current == 0 || current > RELOAD / 2)) as u64;
            return (wraps as u64 + unseen) * period + since_zero;
        }
    }
}

impl Clock for SysTickClock {
    fn monotonic_nanos(&self) -> u64 {
        self.ticks() * (1_000_000_000 / CORE_HZ)
    }
    fn wall_nanos(&self) -> u64 {
        self.boot_wall_nanos + self.monotonic_nanos()
    }
    fn resolution_nanos(&self) -> u64 {
        1_000_000_000 / CORE_HZ
    }
}
