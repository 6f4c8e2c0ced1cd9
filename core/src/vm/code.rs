//! Compiled-code bookkeeping: the process-wide registry from a machine-code
//! address to the [`ModuleCode`] it belongs to, and the two side tables a
//! backend builds so that an address can be explained: [`TrapTable`]
//! (which instructions may fault, and with which [`TrapCode`]) and
//! [`AddressMap`] (which wasm instruction an address was compiled from).
//!
//! The platform crates' fault handlers (`traps` in `platform-unix` and
//! `platform-windows`) call [`trap_at`] from inside a signal handler or a
//! vectored exception handler, so the lookup path allocates nothing, clones
//! and drops no `Arc`, and never blocks on the registry's lock (see
//! [`with_code`]). Backtraces through compiled frames use [`frame_at`].
//!
//! A module registers its code once it is linked ([`register`]) and keeps
//! the [`Registration`] for as long as the code can run: dropping it takes
//! the code out of the registry, and the code memory may be freed after
//! that. Because a thread executing compiled code holds the module that
//! owns it, a fault handler never sees the registration of code it is
//! running vanish under it.
use crate::backend::ModuleCode;
use crate::vm::trap::TrapCode;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

/// One registered module's code: where its text ends, and the code itself.
struct Entry {
    end: usize,
    code: Arc<dyn ModuleCode>,
}

/// Every registered module's code, sorted by the start of its text. Ranges
/// never overlap ([`register`] refuses an overlap), so the entry that may
/// contain `pc` is the last one starting at or before it.
///
/// A sorted `Vec` rather than a `BTreeMap`: a process holds few modules,
/// the lookup is one binary search either way, and the map's node code
/// cost about 3 KiB of flash on small devices.
static REGISTRY: spin::RwLock<Vec<(usize, Entry)>> = spin::RwLock::new(Vec::new());

/// How many times a lookup retries a registry held by a writer before it
/// gives up and answers "not compiled code".
///
/// A lookup runs inside fault handlers, which must not block: the thread
/// that faulted may itself be the writer (a fault inside `register` or a
/// `Registration`'s drop, or a signal delivered to it there), and waiting
/// for it would wait forever. Such a fault is never in compiled code, so
/// giving up is the right answer for it. Another thread's write holds the
/// lock only for one insert or remove (values are dropped after
/// the lock is released), which this many spins outlast unless the writer
/// is descheduled right then; in that unlucky case a fault in compiled
/// code is reported as not ours and goes to the previous handler.
const TRY_READ_SPINS: u32 = 1 << 16;

/// Keeps a module's code in the registry; dropping it takes the code out.
#[must_use = "the code is unregistered when the Registration is dropped"]
pub struct Registration {
    start: usize,
    end: usize,
}

impl Registration {
    /// The text range this registration covers.
    pub fn text(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // The entry is dropped after the write guard (which ends with the
        // block), so freeing the code memory never happens under the lock
        // fault handlers read.
        let removed = {
            let mut map = REGISTRY.write();
            map.binary_search_by_key(&self.start, |(start, _)| *start)
                .ok()
                .map(|i| map.remove(i))
        };
        debug_assert!(removed.is_some(), "registration of {:#x} lost", self.start);
        drop(removed);
    }
}

impl core::fmt::Debug for Registration {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Registration")
            .field("text", &format_args!("{:#x}..{:#x}", self.start, self.end))
            .finish()
    }
}

/// Registers `code` under its text range, so that fault handlers and
/// backtraces can find it by address.
///
/// Returns `None`, registering nothing, when the text is empty (a backend
/// with no machine code), longer than `u32::MAX` bytes (offsets into it
/// are `u32`), or overlaps code already registered. An overlap means two
/// live modules claim the same bytes, which is a bug in whoever handed out
/// the code memory: debug builds panic on it.
pub fn register(code: Arc<dyn ModuleCode>) -> Option<Registration> {
    let Range { start, end } = code.text();
    if start >= end || end - start > u32::MAX as usize {
        return None;
    }
    let overlaps = {
        let mut map = REGISTRY.write();
        // Entries before `at` start below `end`; the last of them is the
        // only one that can overlap. If none does, they all start below
        // `start` too, so inserting at `at` keeps the order.
        let at = map.partition_point(|(s, _)| *s < end);
        let overlaps = at > 0 && map[at - 1].1.end > start;
        if !overlaps {
            map.insert(at, (start, Entry { end, code }));
        }
        overlaps
    };
    // Outside the lock: a panic while holding it would be harmless (spin
    // locks release on unwind), but the message needs no lock.
    debug_assert!(
        !overlaps,
        "compiled code {start:#x}..{end:#x} overlaps registered code"
    );
    (!overlaps).then_some(Registration { start, end })
}

/// Runs `f` with the registered code containing `pc` and `pc`'s offset in
/// its text; `None` when no registered code contains `pc`.
///
/// Usable from a signal handler: it allocates nothing, touches no
/// reference count, and does not block. If a writer holds the registry,
/// it retries a bounded number of times and then answers `None` (see
/// `TRY_READ_SPINS` for why that is the right answer for a handler). `f`
/// runs under the read lock, so it must not register or unregister code;
/// in a handler it must also be async-signal-safe, as [`TrapTable::lookup`]
/// and [`AddressMap::lookup`] are.
pub fn with_code<R>(pc: usize, f: impl FnOnce(&dyn ModuleCode, u32) -> R) -> Option<R> {
    let map = try_read()?;
    let i = map.partition_point(|(s, _)| *s <= pc).checked_sub(1)?;
    let (start, entry) = &map[i];
    if pc >= entry.end {
        return None;
    }
    // `register` refused texts longer than `u32::MAX`.
    let text_off = (pc - start) as u32;
    Some(f(&*entry.code, text_off))
}

/// The read guard, without blocking (see `TRY_READ_SPINS`).
fn try_read() -> Option<spin::RwLockReadGuard<'static, Vec<(usize, Entry)>>> {
    for _ in 0..TRY_READ_SPINS {
        if let Some(guard) = REGISTRY.try_read() {
            return Some(guard);
        }
        core::hint::spin_loop();
    }
    None
}

/// What a fault handler needs for a fault at `pc`: the trap it raises and
/// the module's fault stub to resume at. `None` when `pc` is not in
/// registered code, is not an instruction the backend expects to fault,
/// or the code has no fault stub (it promised never to fault); the
/// handler then passes the fault on to the previous handler.
pub fn trap_at(pc: usize) -> Option<(TrapCode, usize)> {
    with_code(pc, |code, off| {
        let trap = code.trap_code(off)?;
        let stub = code.fault_stub();
        (stub != 0).then_some((trap, stub))
    })
    .flatten()
}

/// The defined function and the module byte offset of the wasm
/// instruction that the machine code at `pc` was compiled from, for
/// backtraces through compiled frames.
pub fn frame_at(pc: usize) -> Option<(u32, u32)> {
    with_code(pc, |code, off| code.frame_at(off)).flatten()
}

/// Whether `pc` lies in registered compiled code.
pub fn is_wasm_code(pc: usize) -> bool {
    with_code(pc, |_, _| ()).is_some()
}

/// The instructions of a module's text that may fault or trap, with the
/// trap each raises: built by a backend while it emits code, read by its
/// [`ModuleCode::trap_code`].
///
/// Two parallel arrays, sorted by offset: 5 bytes per entry, and a lookup
/// that is a binary search over the offsets alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrapTable {
    offsets: Vec<u32>,
    codes: Vec<TrapCode>,
}

// The table's size estimate (and its 5 bytes an entry) rely on this.
const _: () = assert!(core::mem::size_of::<TrapCode>() == 1);

impl TrapTable {
    /// An empty table.
    pub const fn new() -> TrapTable {
        TrapTable {
            offsets: Vec::new(),
            codes: Vec::new(),
        }
    }

    /// Records that the instruction at `text_off` raises `code` when it
    /// faults (or is a trap stub raising it).
    ///
    /// # Panics
    ///
    /// If `text_off` is not greater than the last offset pushed: code is
    /// emitted front to back, and a table out of order would answer
    /// lookups wrongly without failing.
    pub fn push(&mut self, text_off: u32, code: TrapCode) {
        if let Some(&last) = self.offsets.last() {
            assert!(
                text_off > last,
                "trap table offsets must increase: {text_off:#x} after {last:#x}"
            );
        }
        self.offsets.push(text_off);
        self.codes.push(code);
    }

    /// The trap of the instruction at exactly `text_off`. Async-signal-safe.
    pub fn lookup(&self, text_off: u32) -> Option<TrapCode> {
        let i = self.offsets.binary_search(&text_off).ok()?;
        Some(self.codes[i])
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// The entries in offset order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, TrapCode)> + '_ {
        self.offsets.iter().copied().zip(self.codes.iter().copied())
    }

    /// Releases spare capacity once the module's code is complete.
    pub fn shrink_to_fit(&mut self) {
        self.offsets.shrink_to_fit();
        self.codes.shrink_to_fit();
    }
}

/// Maps a text offset to a `u32` that holds from one offset up to the
/// next: a wasm byte offset per run of machine code compiled from one wasm
/// instruction (for [`ModuleCode::frame_at`]), or, as a second map, a
/// defined function index per function start.
///
/// Entries are `(text_off, value)` pairs with increasing offsets; a lookup
/// answers the value of the last entry at or before the offset. Pushing
/// the value the previous entry already has adds nothing, so a backend can
/// push at every instruction boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressMap {
    entries: Vec<(u32, u32)>,
}

impl AddressMap {
    /// An empty map.
    pub const fn new() -> AddressMap {
        AddressMap {
            entries: Vec::new(),
        }
    }

    /// From `text_off` on (up to the next entry), the code maps to
    /// `value`. At the same offset as the last entry, the new value
    /// replaces it: a wasm instruction that emitted no code leaves its
    /// offset to the next one.
    ///
    /// # Panics
    ///
    /// If `text_off` is below the last offset pushed.
    pub fn push(&mut self, text_off: u32, value: u32) {
        if let Some(last) = self.entries.last_mut() {
            assert!(
                text_off >= last.0,
                "address map offsets must not decrease: {text_off:#x} after {:#x}",
                last.0
            );
            if text_off == last.0 {
                last.1 = value;
                // Replacing may make it equal to the entry before it.
                let n = self.entries.len();
                if n >= 2 && self.entries[n - 2].1 == value {
                    self.entries.pop();
                }
                return;
            }
            if last.1 == value {
                return;
            }
        }
        self.entries.push((text_off, value));
    }

    /// The value of the last entry at or before `text_off`, or `None`
    /// before the first entry. Async-signal-safe.
    pub fn lookup(&self, text_off: u32) -> Option<u32> {
        let n = self.entries.partition_point(|&(off, _)| off <= text_off);
        n.checked_sub(1).map(|i| self.entries[i].1)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in offset order.
    pub fn entries(&self) -> &[(u32, u32)] {
        &self.entries
    }

    /// Releases spare capacity once the module's code is complete.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_table_matches_exact_offsets_only() {
        let mut t = TrapTable::new();
        assert_eq!(t.lookup(0), None);
        t.push(4, TrapCode::MemoryOutOfBounds);
        t.push(9, TrapCode::IntegerDivisionByZero);
        t.push(100, TrapCode::StackOverflow);
        assert_eq!(t.len(), 3);
        assert_eq!(t.lookup(4), Some(TrapCode::MemoryOutOfBounds));
        assert_eq!(t.lookup(9), Some(TrapCode::IntegerDivisionByZero));
        assert_eq!(t.lookup(100), Some(TrapCode::StackOverflow));
        for off in [0, 3, 5, 8, 10, 99, 101, u32::MAX] {
            assert_eq!(t.lookup(off), None, "offset {off}");
        }
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            [
                (4, TrapCode::MemoryOutOfBounds),
                (9, TrapCode::IntegerDivisionByZero),
                (100, TrapCode::StackOverflow)
            ]
        );
    }

    #[test]
    fn trap_table_of_many_entries_finds_each() {
        let codes = [
            TrapCode::Unreachable,
            TrapCode::MemoryOutOfBounds,
            TrapCode::IntegerOverflow,
        ];
        let mut t = TrapTable::new();
        for i in 0..1000u32 {
            t.push(i * 7 + 1, codes[i as usize % 3]);
        }
        t.shrink_to_fit();
        for i in 0..1000u32 {
            assert_eq!(t.lookup(i * 7 + 1), Some(codes[i as usize % 3]));
            assert_eq!(t.lookup(i * 7 + 2), None);
        }
    }

    #[test]
    #[should_panic(expected = "must increase")]
    fn trap_table_refuses_out_of_order() {
        let mut t = TrapTable::new();
        t.push(8, TrapCode::Unreachable);
        t.push(8, TrapCode::Unreachable);
    }

    #[test]
    fn address_map_answers_the_last_entry_at_or_before() {
        let mut m = AddressMap::new();
        assert_eq!(m.lookup(0), None);
        m.push(10, 0x40);
        m.push(20, 0x43);
        m.push(35, 0x47);
        assert_eq!(m.lookup(9), None);
        assert_eq!(m.lookup(10), Some(0x40));
        assert_eq!(m.lookup(19), Some(0x40));
        assert_eq!(m.lookup(20), Some(0x43));
        assert_eq!(m.lookup(34), Some(0x43));
        assert_eq!(m.lookup(35), Some(0x47));
        assert_eq!(m.lookup(u32::MAX), Some(0x47));
    }

    #[test]
    fn address_map_stays_compact() {
        let mut m = AddressMap::new();
        m.push(0, 1);
        // Same value: nothing new.
        m.push(4, 1);
        // Same offset: replaces (an instruction that emitted no code).
        m.push(8, 2);
        m.push(8, 3);
        assert_eq!(m.entries(), [(0, 1), (8, 3)]);
        // Replaced back to the previous value: the entry goes.
        m.push(12, 4);
        m.push(12, 3);
        assert_eq!(m.entries(), [(0, 1), (8, 3)]);
        assert_eq!(m.lookup(13), Some(3));
        assert_eq!(m.len(), 2);
    }

    #[test]
    #[should_panic(expected = "must not decrease")]
    fn address_map_refuses_out_of_order() {
        let mut m = AddressMap::new();
        m.push(8, 1);
        m.push(4, 2);
    }
}
