//! Tests of the Unix platform: memories grow to their limit and no further,
//! keep their contents, zero new pages and fault in their guard region;
//! code memory toggles between writable and executable and runs
//! hand-assembled functions; clocks are monotonic.
//!
//! A fault is tested in a forked child that installs `SIGSEGV`/`SIGBUS`
//! handlers reporting whether the fault hit the expected address.
#![cfg(unix)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wasmbed_core::platform::{Clock, CodeMemory, Executable, Memory, MemoryCreator, MemoryError};
use wasmbed_platform_unix::{
    page_size, CodeAllocator, GuardedMemory, GuardedMemoryCreator, MemoryConfig, SystemClock,
};

const PAGE: usize = 65536;
const GIB: usize = 1 << 30;

fn bytes(m: &mut dyn Memory) -> &mut [u8] {
    // SAFETY: `base..base + len` is accessible until the next grow, and the
    // tests drop the slice before growing.
    unsafe { std::slice::from_raw_parts_mut(m.base(), m.len()) }
}

/// Exit status of a child whose fault hit the expected address.
const HIT: i32 = 42;
/// Exit status of a child whose fault hit another address.
const MISS: i32 = 43;
/// Exit status of a child whose access did not fault.
const NO_FAULT: i32 = 44;

static EXPECTED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_fault(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers;
    // for SIGSEGV and SIGBUS it carries the faulting address.
    let addr = unsafe { (*info).si_addr() } as usize;
    let code = if addr == EXPECTED.load(Ordering::Relaxed) {
        HIT
    } else {
        MISS
    };
    // SAFETY: `_exit` is async-signal-safe and ends the child at once.
    unsafe { libc::_exit(code) };
}

/// Runs `access` in a forked child and returns how it ended: [`HIT`] when
/// it faulted at `expected`. Everything `access` touches is set up before
/// the fork; the child only installs handlers (async-signal-safe) and runs
/// it, so forking a multithreaded test process is sound.
fn fault_in_child(expected: usize, access: impl FnOnce()) -> i32 {
    // SAFETY: the child runs only async-signal-safe code and `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        EXPECTED.store(expected, Ordering::Relaxed);
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: a zeroed sigaction is a valid starting point; the
            // handler has the SA_SIGINFO signature.
            unsafe {
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = on_fault as *const () as usize;
                act.sa_flags = libc::SA_SIGINFO;
                libc::sigaction(sig, &act, std::ptr::null_mut());
            }
        }
        access();
        // SAFETY: as in `on_fault`.
        unsafe { libc::_exit(NO_FAULT) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is a valid out-pointer.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid, "waitpid failed");
    assert!(
        libc::WIFEXITED(status),
        "child ended by signal {} instead of exiting from the handler",
        libc::WTERMSIG(status)
    );
    libc::WEXITSTATUS(status)
}

fn write_byte(addr: usize) {
    // SAFETY: only called in a forked child, to fault on purpose.
    unsafe { std::ptr::write_volatile(addr as *mut u8, 1) };
}

#[test]
fn memory_grows_to_its_maximum_and_fails_cleanly_beyond() {
    for config in [MemoryConfig::full(), MemoryConfig::small()] {
        let creator = GuardedMemoryCreator::new(config);
        let mut m = creator.new_memory(PAGE, 4 * PAGE).unwrap();
        assert_eq!(m.len(), PAGE);
        for pages in 2..=4 {
            let old = m.len();
            bytes(&mut *m)[old - 1] = pages as u8;
            m.grow_to(pages * PAGE).unwrap();
            assert_eq!(m.len(), pages * PAGE);
            let b = bytes(&mut *m);
            assert_eq!(b[old - 1], pages as u8, "{config:?}: contents kept");
            assert!(
                b[old..].iter().all(|&x| x == 0),
                "{config:?}: new pages zero"
            );
            b[pages * PAGE - 1] = 0xff;
        }
        let err = m.grow_to(5 * PAGE).unwrap_err();
        assert_eq!(
            err,
            MemoryError::ExceedsReservation {
                requested: 5 * PAGE,
                reserved: 4 * PAGE
            }
        );
        assert_eq!(m.len(), 4 * PAGE, "a failed grow changes nothing");
        assert_eq!(bytes(&mut *m)[4 * PAGE - 1], 0xff);
        assert!(m.guard_bytes() >= 64 << 10);
    }
}

#[test]
fn initial_above_maximum_is_an_error() {
    let creator = GuardedMemoryCreator::new(MemoryConfig::small());
    assert!(matches!(
        creator.new_memory(2 * PAGE, PAGE),
        Err(MemoryError::ExceedsReservation { .. })
    ));
}

#[test]
fn a_reservation_the_host_cannot_give_fails_cleanly() {
    let config = MemoryConfig {
        reservation: 1 << 62,
        guard: 1 << 62,
    };
    let err = GuardedMemory::new(config, 0, PAGE).unwrap_err();
    assert!(matches!(err, MemoryError::OutOfMemory { .. }), "{err:?}");
}

#[test]
fn full_reservation_never_moves_and_guards_the_index_space() {
    if cfg!(target_pointer_width = "32") {
        return;
    }
    let mut m = GuardedMemory::new(MemoryConfig::full(), PAGE, 4 * GIB).unwrap();
    let base = m.base();
    assert_eq!(m.reserved(), 4 * GIB);
    assert_eq!(m.guard_bytes(), 6 * GIB - PAGE);
    m.grow_to(3 * PAGE).unwrap();
    assert_eq!(m.base(), base);
    assert_eq!(m.guard_bytes(), 6 * GIB - 3 * PAGE);
}

#[test]
fn full_memory_reaches_the_whole_index_space_then_stops() {
    if cfg!(target_pointer_width = "32") {
        return;
    }
    let creator = GuardedMemoryCreator::new(MemoryConfig::full());
    let mut m = creator.new_memory(0, 4 * GIB).unwrap();
    m.grow_to(4 * GIB).unwrap();
    let b = bytes(&mut *m);
    assert_eq!(b[4 * GIB - 1], 0);
    b[4 * GIB - 1] = 7;
    assert!(matches!(
        m.grow_to(4 * GIB + PAGE),
        Err(MemoryError::ExceedsReservation { .. })
    ));
    assert_eq!(bytes(&mut *m)[4 * GIB - 1], 7);
}

#[test]
fn small_memory_moves_when_it_outgrows_its_reservation() {
    let mut m = GuardedMemory::new(MemoryConfig::small(), PAGE, 64 * PAGE).unwrap();
    assert_eq!(m.reserved(), PAGE);
    bytes(&mut m)[..4].copy_from_slice(b"wasm");
    for pages in [2, 3, 8, 64] {
        m.grow_to(pages * PAGE).unwrap();
        assert!(m.reserved() >= pages * PAGE && m.reserved() <= 64 * PAGE);
        let b = bytes(&mut m);
        assert_eq!(&b[..4], b"wasm");
        assert!(b[4..].iter().all(|&x| x == 0));
        assert_eq!(m.guard_bytes(), m.mapped() - pages * PAGE);
    }
    assert!(m.grow_to(65 * PAGE).is_err());
}

#[test]
fn growth_by_less_than_a_page_zeroes_what_was_written_past_the_end() {
    let page = page_size();
    let mut m = GuardedMemory::new(MemoryConfig::small(), 10, 4 * page).unwrap();
    assert_eq!(m.guard_bytes(), 0, "the end is not a page boundary");
    // The rest of the page is accessible; dirty it as a JIT could.
    // SAFETY: byte 20 is in the committed first page.
    unsafe { m.base().add(20).write(9) };
    m.grow_to(30).unwrap();
    assert!(bytes(&mut m)[10..].iter().all(|&x| x == 0));
}

#[test]
fn a_write_past_the_end_faults_in_the_guard_region() {
    for config in [MemoryConfig::full(), MemoryConfig::small()] {
        let m = GuardedMemory::new(config, PAGE, 4 * PAGE).unwrap();
        let first = m.base() as usize + m.len();
        let last = first + m.guard_bytes() - 1;
        assert_eq!(
            fault_in_child(first, || write_byte(first)),
            HIT,
            "{config:?}"
        );
        assert_eq!(fault_in_child(last, || write_byte(last)), HIT, "{config:?}");
        // The handler really checks the address.
        assert_eq!(fault_in_child(first + 1, || write_byte(first)), MISS);
        // And a write in bounds does not fault.
        let inside = m.base() as usize;
        assert_eq!(fault_in_child(inside, || write_byte(inside)), NO_FAULT);
    }
}

/// `a + b` on the host architecture, as machine code; `None` where the
/// tests have no encoding.
fn add_code() -> Option<&'static [u8]> {
    if cfg!(target_arch = "x86_64") {
        // lea eax, [rdi + rsi]; ret
        Some(&[0x8d, 0x04, 0x37, 0xc3])
    } else if cfg!(target_arch = "aarch64") {
        // add w0, w0, w1; ret
        Some(&[0x00, 0x00, 0x01, 0x0b, 0xc0, 0x03, 0x5f, 0xd6])
    } else {
        None
    }
}

/// `a - b`, for the same architectures as [`add_code`].
fn sub_code() -> &'static [u8] {
    if cfg!(target_arch = "x86_64") {
        // mov eax, edi; sub eax, esi; ret
        &[0x89, 0xf8, 0x29, 0xf0, 0xc3]
    } else {
        // sub w0, w0, w1; ret
        &[0x00, 0x00, 0x01, 0x4b, 0xc0, 0x03, 0x5f, 0xd6]
    }
}

type BinOp = extern "C" fn(u32, u32) -> u32;

fn write_code(region: &mut dyn CodeMemory, code: &[u8]) {
    assert!(code.len() <= region.len());
    // SAFETY: the region is writable and at least `code.len()` long.
    unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), region.base(), code.len()) };
}

fn as_fn(region: &dyn CodeMemory) -> BinOp {
    // SAFETY: the region holds a function of this signature in the C
    // calling convention (arguments in edi/esi or w0/w1, result in
    // eax/w0), and is executable whenever the tests call it.
    unsafe { std::mem::transmute::<*mut u8, BinOp>(region.base()) }
}

#[test]
fn code_memory_runs_patched_functions() {
    let Some(add) = add_code() else { return };
    let alloc = CodeAllocator::new();
    let mut region = alloc.allocate(add.len()).unwrap();
    assert!(region.len() >= page_size());
    write_code(&mut *region, add);
    region.make_executable().unwrap();
    let f = as_fn(&*region);
    assert_eq!(f(40, 2), 42);
    region.make_writable().unwrap();
    write_code(&mut *region, sub_code());
    region.make_executable().unwrap();
    assert_eq!(as_fn(&*region)(40, 2), 38);
}

#[test]
fn code_memory_is_never_writable_and_executable_at_once() {
    let Some(add) = add_code() else { return };
    let mut region = CodeAllocator::new().allocate_region(16).unwrap();
    write_code(&mut region, add);
    region.make_executable().unwrap();
    assert!(region.is_executable());
    let base = region.base() as usize;
    // Executable: a write faults, a call runs.
    assert_eq!(fault_in_child(base, || write_byte(base)), HIT);
    let f = as_fn(&region);
    assert_eq!(
        fault_in_child(base, || {
            if f(1, 2) != 3 {
                // SAFETY: as in `on_fault`.
                unsafe { libc::_exit(1) };
            }
        }),
        NO_FAULT
    );
    // Writable: a call faults (fetching from a non-executable page), a
    // write does not.
    region.make_writable().unwrap();
    assert!(!region.is_executable());
    assert_eq!(fault_in_child(base, || write_byte(base)), NO_FAULT);
    assert_eq!(
        fault_in_child(base, || {
            f(1, 2);
        }),
        HIT
    );
}

#[test]
fn monotonic_clock_never_goes_back() {
    let clock = SystemClock::new();
    let mut last = clock.monotonic_nanos();
    for _ in 0..100_000 {
        let now = clock.monotonic_nanos();
        assert!(now >= last, "{now} < {last}");
        last = now;
    }
    let before = clock.monotonic_nanos();
    std::thread::sleep(Duration::from_millis(20));
    let slept = clock.monotonic_nanos() - before;
    assert!(slept >= 20_000_000, "slept {slept} ns");
    let res = clock.resolution_nanos();
    assert!((1..=10_000_000).contains(&res), "resolution {res}");
}

#[test]
fn wall_clock_is_the_current_time() {
    let clock = SystemClock::new();
    let ours = clock.wall_nanos();
    let std_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    assert!(
        ours.abs_diff(std_now) < 1_000_000_000,
        "{ours} vs {std_now}"
    );
    let res = clock.wall_resolution_nanos();
    assert!((1..=1_000_000_000).contains(&res), "resolution {res}");
}
