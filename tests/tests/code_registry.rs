//! The compiled-code registry (`wasmbed::vm::code`): registering a module's
//! code by address, the lookups a fault handler and a backtrace make, and
//! unregistering on drop, with fake `ModuleCode`s over heap memory (no
//! machine code runs).
//!
//! The registry is process-wide, so each fake claims only the middle of its
//! own heap block: addresses just outside its text are still inside that
//! block, never another test's text. The tests also take turns
//! ([`serial`]): a lookup gives up, by design, when a writer holds the
//! registry for long (`TRY_READ_SPINS` in `vm/code.rs`), which another
//! test's writer descheduled mid-insert did under qemu on a loaded
//! machine. Only `concurrent_register_and_lookup` exercises contention,
//! and it counts the lookups that gave up.
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, MutexGuard};
use wasmbed::backend::{FuncEntry, ModuleCode};
use wasmbed::vm::code::{self, AddressMap, TrapTable};
use wasmbed::TrapCode;

/// Bytes of the heap block on each side of a fake's text.
const MARGIN: usize = 64;
/// Bytes of a fake's text.
const TEXT: usize = 256;

/// A module's code as a backend would describe it, over a heap block that
/// stands in for code memory.
struct FakeCode {
    _block: Box<[u8]>,
    text: Range<usize>,
    traps: TrapTable,
    /// text offset -> module byte offset
    wasm: AddressMap,
    /// text offset of each function's start -> defined function index
    funcs: AddressMap,
    fault_stub: usize,
}

impl FakeCode {
    /// Text of two functions: function 0 at 0..128 (wasm offsets 0x20,
    /// 0x24 from text offsets 0, 16), function 1 at 128.. (wasm 0x30);
    /// a memory access at 16 and a division at 140 may fault, and
    /// `trap` at 200 stands for a trap stub of this fake's choice.
    fn new(trap: TrapCode) -> FakeCode {
        let block = vec![0u8; MARGIN + TEXT + MARGIN].into_boxed_slice();
        let start = block.as_ptr() as usize + MARGIN;
        let mut traps = TrapTable::new();
        traps.push(16, TrapCode::MemoryOutOfBounds);
        traps.push(140, TrapCode::IntegerDivisionByZero);
        traps.push(200, trap);
        let mut wasm = AddressMap::new();
        wasm.push(0, 0x20);
        wasm.push(16, 0x24);
        wasm.push(128, 0x30);
        let mut funcs = AddressMap::new();
        funcs.push(0, 0);
        funcs.push(128, 1);
        FakeCode {
            _block: block,
            text: start..start + TEXT,
            traps,
            wasm,
            funcs,
            // The last bytes of the text: where a stub would be.
            fault_stub: start + TEXT - 16,
        }
    }

    fn start(&self) -> usize {
        self.text.start
    }
}

impl ModuleCode for FakeCode {
    fn entry(&self, _def: u32) -> Option<FuncEntry> {
        None
    }
    fn text(&self) -> Range<usize> {
        self.text.clone()
    }
    fn trap_code(&self, text_off: u32) -> Option<TrapCode> {
        self.traps.lookup(text_off)
    }
    fn frame_at(&self, text_off: u32) -> Option<(u32, u32)> {
        Some((self.funcs.lookup(text_off)?, self.wasm.lookup(text_off)?))
    }
    fn fault_stub(&self) -> usize {
        self.fault_stub
    }
}

/// A `ModuleCode` that only claims a range (for empty and overlapping
/// texts), owning no memory.
struct RangeOnly(Range<usize>);

impl ModuleCode for RangeOnly {
    fn entry(&self, _def: u32) -> Option<FuncEntry> {
        None
    }
    fn text(&self) -> Range<usize> {
        self.0.clone()
    }
    fn trap_code(&self, _text_off: u32) -> Option<TrapCode> {
        Some(TrapCode::Unreachable)
    }
    fn frame_at(&self, _text_off: u32) -> Option<(u32, u32)> {
        None
    }
    fn fault_stub(&self) -> usize {
        1
    }
}

/// Holds the other tests of this file off while one runs (see the module
/// docs). A test that failed while holding it leaves it poisoned, which
/// does not matter here.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(code: &Arc<FakeCode>) -> code::Registration {
    code::register(code.clone()).expect("a non-empty, free range registers")
}

#[test]
fn register_lookup_unregister() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::Unreachable));
    let (start, stub) = (fake.start(), fake.fault_stub);
    assert!(!code::is_wasm_code(start));
    let reg = register(&fake);
    assert_eq!(reg.text(), fake.text);

    // The whole text is ours, the bytes around it are not.
    assert!(code::is_wasm_code(start));
    assert!(code::is_wasm_code(start + TEXT - 1));
    assert!(!code::is_wasm_code(start - 1));
    assert!(!code::is_wasm_code(start + TEXT));

    // Faults: exact trap-table offsets only, each with the module's stub.
    assert_eq!(
        code::trap_at(start + 16),
        Some((TrapCode::MemoryOutOfBounds, stub))
    );
    assert_eq!(
        code::trap_at(start + 140),
        Some((TrapCode::IntegerDivisionByZero, stub))
    );
    assert_eq!(
        code::trap_at(start + 200),
        Some((TrapCode::Unreachable, stub))
    );
    assert_eq!(code::trap_at(start + 15), None);
    assert_eq!(code::trap_at(start + 17), None);
    assert_eq!(code::trap_at(start), None);

    // Frames: function and wasm offset of the code at a pc.
    assert_eq!(code::frame_at(start), Some((0, 0x20)));
    assert_eq!(code::frame_at(start + 15), Some((0, 0x20)));
    assert_eq!(code::frame_at(start + 16), Some((0, 0x24)));
    assert_eq!(code::frame_at(start + 127), Some((0, 0x24)));
    assert_eq!(code::frame_at(start + 128), Some((1, 0x30)));
    assert_eq!(code::frame_at(start + TEXT - 1), Some((1, 0x30)));
    assert_eq!(code::frame_at(start + TEXT), None);

    // `with_code` hands over the code itself and the offset into it.
    let seen = code::with_code(start + 140, |code, off| (code.text(), off));
    assert_eq!(seen, Some((fake.text.clone(), 140)));

    drop(reg);
    assert!(!code::is_wasm_code(start));
    assert_eq!(code::trap_at(start + 16), None);
    assert_eq!(code::frame_at(start + 16), None);
    assert_eq!(code::with_code(start, |_, off| off), None);
}

#[test]
fn drop_unregisters_and_releases_the_code() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::Unreachable));
    let reg = register(&fake);
    assert_eq!(Arc::strong_count(&fake), 2, "the registry holds the code");
    drop(reg);
    assert_eq!(Arc::strong_count(&fake), 1, "unregistering drops its Arc");

    // The same range registers again once it is free.
    let again = register(&fake);
    assert!(code::is_wasm_code(fake.start()));
    drop(again);
    assert!(!code::is_wasm_code(fake.start()));
}

#[test]
fn registry_keeps_the_code_alive_while_registered() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::BadSignature));
    let start = fake.start();
    let reg = register(&fake);
    drop(fake);
    // The heap block is still the registry's: lookups still answer.
    assert_eq!(
        code::trap_at(start + 200).map(|(t, _)| t),
        Some(TrapCode::BadSignature)
    );
    drop(reg);
    assert!(!code::is_wasm_code(start));
}

#[test]
fn two_modules_answer_for_their_own_code() {
    let _serial = serial();
    let a = Arc::new(FakeCode::new(TrapCode::StackOverflow));
    let b = Arc::new(FakeCode::new(TrapCode::NullReference));
    let reg_a = register(&a);
    let reg_b = register(&b);
    assert_eq!(
        code::trap_at(a.start() + 200),
        Some((TrapCode::StackOverflow, a.fault_stub))
    );
    assert_eq!(
        code::trap_at(b.start() + 200),
        Some((TrapCode::NullReference, b.fault_stub))
    );
    assert_eq!(
        code::with_code(a.start() + 5, |c, off| (c.text(), off)),
        Some((a.text.clone(), 5))
    );
    assert_eq!(
        code::with_code(b.start() + 5, |c, off| (c.text(), off)),
        Some((b.text.clone(), 5))
    );

    // Unregistering one leaves the other.
    drop(reg_a);
    assert!(!code::is_wasm_code(a.start() + 200));
    assert_eq!(
        code::trap_at(b.start() + 200),
        Some((TrapCode::NullReference, b.fault_stub))
    );
    drop(reg_b);
    assert!(!code::is_wasm_code(b.start() + 200));
}

#[test]
fn pcs_outside_any_code_are_not_ours() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::Unreachable));
    let _reg = register(&fake);
    for pc in [0, 1, 4096, usize::MAX, usize::MAX / 2] {
        assert!(!code::is_wasm_code(pc), "pc {pc:#x}");
        assert_eq!(code::trap_at(pc), None, "pc {pc:#x}");
        assert_eq!(code::frame_at(pc), None, "pc {pc:#x}");
    }
    // An address in this test's own (Rust) code is not compiled wasm code.
    let here = pcs_outside_any_code_are_not_ours as fn() as usize;
    assert!(!code::is_wasm_code(here));
}

#[test]
fn empty_text_is_not_registered() {
    let _serial = serial();
    let block = [0u8; 16];
    let at = block.as_ptr() as usize;
    assert!(code::register(Arc::new(RangeOnly(at..at))).is_none());
    assert!(!code::is_wasm_code(at));
}

#[test]
fn code_without_a_fault_stub_claims_no_faults() {
    let _serial = serial();
    let mut fake = FakeCode::new(TrapCode::Unreachable);
    fake.fault_stub = 0;
    let fake = Arc::new(fake);
    let _reg = register(&fake);
    // It is compiled code, with frames, but no fault in it can be resumed.
    assert!(code::is_wasm_code(fake.start() + 16));
    assert_eq!(code::frame_at(fake.start() + 16), Some((0, 0x24)));
    assert_eq!(code::trap_at(fake.start() + 16), None);
}

/// An overlap is a bug: debug builds panic, release builds refuse it.
#[test]
#[cfg_attr(debug_assertions, should_panic(expected = "overlaps registered code"))]
fn overlapping_code_is_refused() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::Unreachable));
    let _reg = register(&fake);
    let inside = fake.start() + 8..fake.start() + TEXT + 8;
    let refused = code::register(Arc::new(RangeOnly(inside)));
    assert!(refused.is_none());
    // The first registration is untouched.
    assert_eq!(
        code::trap_at(fake.start() + 16),
        Some((TrapCode::MemoryOutOfBounds, fake.fault_stub))
    );
}

/// Ranges that touch without overlapping both register.
#[test]
fn adjacent_code_registers() {
    let _serial = serial();
    let fake = Arc::new(FakeCode::new(TrapCode::Unreachable));
    let _reg = register(&fake);
    let (start, end) = (fake.text.start, fake.text.end);
    let before = code::register(Arc::new(RangeOnly(start - MARGIN..start))).expect("before");
    let after = code::register(Arc::new(RangeOnly(end..end + MARGIN))).expect("after");
    assert_eq!(
        code::with_code(start - 1, |c, off| (c.text(), off)),
        Some((start - MARGIN..start, MARGIN as u32 - 1))
    );
    assert_eq!(
        code::with_code(start, |c, off| (c.text(), off)),
        Some((fake.text.clone(), 0))
    );
    assert_eq!(
        code::with_code(end, |c, off| (c.text(), off)),
        Some((end..end + MARGIN, 0))
    );
    drop((before, after));
    assert!(!code::is_wasm_code(start - 1));
    assert!(!code::is_wasm_code(end));
}

/// Lookups stay right while other threads register and unregister code:
/// a lookup of registered code answers that code, never another's, and a
/// lookup of code that is no longer registered answers nothing. A lookup
/// may answer `None` for registered code only when a writer holds the
/// registry for longer than the bounded retry (a descheduled writer),
/// which must be rare.
#[test]
fn concurrent_register_and_lookup() {
    let _serial = serial();
    const WRITERS: usize = 2;
    const READERS: usize = 2;
    const ROUNDS: usize = 2_000;

    let stable = Arc::new(FakeCode::new(TrapCode::IntegerOverflow));
    let _reg = register(&stable);
    let done = AtomicBool::new(false);
    let (found, missed) = (AtomicU64::new(0), AtomicU64::new(0));
    // Counts a lookup of registered code: right, or given up on.
    let tally = |hit: bool| {
        let counter = if hit { &found } else { &missed };
        counter.fetch_add(1, Ordering::Relaxed);
    };
    let barrier = Barrier::new(WRITERS + READERS);
    std::thread::scope(|s| {
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (barrier, tally) = (&barrier, &tally);
            writers.push(s.spawn(move || {
                let trap = [TrapCode::BadSignature, TrapCode::TableOutOfBounds][w];
                barrier.wait();
                for _ in 0..ROUNDS {
                    let fake = Arc::new(FakeCode::new(trap));
                    let reg = register(&fake);
                    // Our own code is found while registered...
                    let hit = code::trap_at(fake.start() + 200);
                    if let Some(hit) = hit {
                        assert_eq!(hit, (trap, fake.fault_stub));
                    }
                    tally(hit.is_some());
                    drop(reg);
                    // ...and gone once not.
                    assert!(!code::is_wasm_code(fake.start() + 200));
                }
            }));
        }
        for _ in 0..READERS {
            let (stable, done, barrier, tally) = (&stable, &done, &barrier, &tally);
            s.spawn(move || {
                barrier.wait();
                while !done.load(Ordering::Relaxed) {
                    let hit = code::trap_at(stable.start() + 200);
                    if let Some(hit) = hit {
                        assert_eq!(hit, (TrapCode::IntegerOverflow, stable.fault_stub));
                    }
                    tally(hit.is_some());
                    let frame = code::frame_at(stable.start() + 130);
                    if let Some(frame) = frame {
                        assert_eq!(frame, (1, 0x30));
                    }
                    tally(frame.is_some());
                }
            });
        }
        for w in writers {
            w.join().expect("writer");
        }
        done.store(true, Ordering::Relaxed);
    });
    let (found, missed) = (found.into_inner(), missed.into_inner());
    assert!(found >= (WRITERS * ROUNDS) as u64, "every thread looked up");
    assert!(
        missed * 100 <= found,
        "{missed} of {} lookups gave up on a held registry",
        found + missed
    );
}
