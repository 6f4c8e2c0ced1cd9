//! Measures the firmware's peak stack use by painting: fill the unused
//! stack below the current stack pointer with a pattern at start-up, and
//! later find the lowest word that no longer holds it.
use core::ptr::{addr_of, read_volatile, write_volatile};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Bytes below the stack pointer to paint (and so the most this can see).
const PAINTED: usize = 64 * 1024;
const PATTERN: u32 = 0xA5C3_5AC3;

/// The lowest address [`paint`] painted (0: not painted yet). `peak` scans
/// up from here: a scan from anywhere else may start on a word that was
/// never painted and report the whole range as used.
static PAINTED_LOW: AtomicUsize = AtomicUsize::new(0);

extern "C" {
    /// The top of the stack (cortex-m-rt's linker script).
    static _stack_start: u32;
    /// The end of `.bss`: the stack must not grow below it.
    static __ebss: u32;
}

/// The range painted by [`paint`], as word addresses.
fn painted_range(sp: usize) -> (usize, usize) {
    let floor = addr_of!(__ebss) as usize;
    let high = (sp - 256) & !3;
    let low = high.saturating_sub(PAINTED).max(floor);
    (low, high)
}

/// Paints the stack below the current frame. Call once, early in `main`.
#[inline(never)]
pub fn paint() {
    let (low, high) = painted_range(cortex_m::register::msp::read() as usize);
    PAINTED_LOW.store(low, Ordering::Relaxed);
    let mut p = low;
    while p < high {
        // SAFETY: `[low, high)` lies between the end of `.bss` and 256
        // bytes below this function's stack pointer: memory no live object
        // uses (only deeper calls will, later).
        unsafe { write_volatile(p as *mut u32, PATTERN) };
        p += 4;
    }
}

/// The most stack used since `paint`, in bytes from the stack's top.
pub fn peak() -> usize {
    let top = addr_of!(_stack_start) as usize;
    let low = PAINTED_LOW.load(Ordering::Relaxed);
    if low == 0 {
        return 0;
    }
    let mut p = low;
    // SAFETY: every address read is in RAM between `.bss` and the stack
    // pointer, word-aligned.
    while p < top && unsafe { read_volatile(p as *const u32) } == PATTERN {
        p += 4;
    }
    top - p
}
