//! The global allocator: `embedded-alloc`'s linked-list heap over a static
//! array, wrapped to count the bytes in use and their peak, which the
//! firmware reports.
use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicUsize, Ordering};
use embedded_alloc::LlffHeap;

/// Bytes of RAM for the Rust heap (modules, stores, stacks, WASI state).
pub const HEAP_BYTES: usize = 160 * 1024;

/// A heap that knows how much it has handed out.
pub struct CountingHeap {
    heap: LlffHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
}

impl CountingHeap {
    /// An empty heap; call [`init`](Self::init) before the first allocation.
    pub const fn empty() -> CountingHeap {
        CountingHeap {
            heap: LlffHeap::empty(),
            used: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Gives the heap its memory. Call once, first thing in `main`.
    pub fn init(&self) {
        static mut MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
        // SAFETY: called once before any allocation; `MEMORY` is used by
        // nothing else and lives forever.
        unsafe {
            self.heap
                .init(core::ptr::addr_of_mut!(MEMORY) as usize, HEAP_BYTES)
        }
    }

    /// Bytes allocated now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// The most bytes allocated at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Forgets the peak (to measure one phase on its own).
    #[cfg_attr(not(feature = "guests"), allow(dead_code))]
    pub fn reset_peak(&self) {
        self.peak.store(self.used(), Ordering::Relaxed);
    }
}

// SAFETY: allocation is delegated to `LlffHeap` unchanged; only counters
// are added.
unsafe impl GlobalAlloc for CountingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        let p = unsafe { self.heap.alloc(layout) };
        if !p.is_null() {
            let now = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { self.heap.dealloc(ptr, layout) }
    }
}
