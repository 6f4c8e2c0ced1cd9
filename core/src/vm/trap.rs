//! Trap codes shared by every backend, and the [`Trap`] value that carries
//! one together with the wasm backtrace. Backends produce a `TrapCode`; only
//! this module turns it into something a user reads.
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

/// Why WebAssembly execution stopped abnormally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable = 1,
    /// A load or store outside linear memory, or a bulk memory operation
    /// out of bounds.
    MemoryOutOfBounds,
    /// A table access outside the table, or a bulk table operation out of
    /// bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index beyond the table.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of the wrong type.
    BadSignature,
    /// Signed division overflow (`INT_MIN / -1`) or a float-to-int
    /// conversion whose result does not fit.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-int conversion of NaN.
    BadConversionToInteger,
    /// The call stack or value stack limit was reached.
    StackOverflow,
    /// Fuel ran out.
    OutOfFuel,
    /// The store was interrupted or its deadline passed.
    Interrupt,
    /// A null reference was dereferenced.
    NullReference,
}

impl TrapCode {
    /// Every trap code, in value order (`ALL[i] as u8 == i + 1`).
    pub const ALL: [TrapCode; 13] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::BadSignature,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::StackOverflow,
        TrapCode::OutOfFuel,
        TrapCode::Interrupt,
        TrapCode::NullReference,
    ];

    /// The trap code whose value is `v` (what compiled code passes to the
    /// `trap` builtin), if any.
    pub fn from_u8(v: u8) -> Option<TrapCode> {
        let code = *TrapCode::ALL.get(usize::from(v).checked_sub(1)?)?;
        debug_assert_eq!(code as u8, v);
        Some(code)
    }

    /// The reference interpreter's wording, which spec scripts quote.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupt => "interrupted",
            TrapCode::NullReference => "null reference",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One wasm frame of a trap's backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module.
    pub func_index: u32,
    /// The function's name from the `name` section, if any.
    pub func_name: Option<String>,
    /// Byte offset of the instruction in the module binary.
    pub offset: u32,
}

/// A trap: its code and the wasm frames active when it happened, innermost
/// first.
///
/// A stack overflow can leave hundreds of thousands of frames, so a trap
/// keeps at most [`Trap::KEPT_INNER`] innermost and [`Trap::KEPT_OUTER`]
/// outermost frames and counts the ones between; when those continue a
/// cycle of the innermost frames (the usual case: a recursion that ran
/// away), it says so, and `Display` folds the whole cycle into one line.
#[derive(Debug, Clone)]
pub struct Trap {
    code: TrapCode,
    backtrace: Vec<FrameInfo>,
    omitted: Omitted,
}

/// The frames a trap left out of its backtrace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Omitted {
    /// They come after `backtrace[..at]` (and before `backtrace[at..]`).
    pub(crate) at: usize,
    pub(crate) count: usize,
    /// Nonzero: every left-out frame equals the one `period` frames
    /// further in, so they repeat the cycle `backtrace[at - period..at]`.
    pub(crate) period: usize,
}

impl core::error::Error for TrapCode {}

impl core::error::Error for Trap {}

impl Trap {
    /// How many innermost frames a trap keeps: the ones that say what the
    /// guest was doing when it trapped.
    pub const KEPT_INNER: usize = 100;
    /// How many outermost frames a trap keeps: the ones that say how the
    /// guest got there (its entry and the first calls).
    pub const KEPT_OUTER: usize = 50;
    /// The longest cycle of frames that is found and folded (`Display`)
    /// or recorded for the left-out frames: mutual recursion rarely goes
    /// through more functions than this.
    pub const MAX_CYCLE: usize = 8;

    /// The code by reference, for `Error::downcast_ref::<TrapCode>`.
    pub(crate) fn code_ref(&self) -> &TrapCode {
        &self.code
    }

    /// A trap with no backtrace.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            backtrace: Vec::new(),
            omitted: Omitted::default(),
        }
    }

    /// The reason.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The wasm frames that were kept, innermost first: all of them unless
    /// the stack was deeper than `KEPT_INNER + KEPT_OUTER`, in which case
    /// the middle ones are left out (see [`Trap::backtrace_depth`]).
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }

    /// How many wasm frames were active when the trap happened, including
    /// the ones [`Trap::backtrace`] left out.
    pub fn backtrace_depth(&self) -> usize {
        self.backtrace.len() + self.omitted.count
    }

    pub(crate) fn set_backtrace(&mut self, frames: Vec<FrameInfo>, omitted: Omitted) {
        debug_assert!(omitted.at <= frames.len() && omitted.period <= omitted.at);
        self.backtrace = frames;
        self.omitted = omitted;
    }

    /// Adds `outer` (innermost first) beyond the outermost frame: the frames
    /// of an outer activation the trap unwinds through. Past
    /// `KEPT_INNER + KEPT_OUTER` frames the ones between are left out, as
    /// when one activation records a deep stack; a cycle recorded before is
    /// kept only if no frame joins the left-out run.
    pub(crate) fn extend_backtrace(&mut self, outer: impl IntoIterator<Item = FrameInfo>) {
        for f in outer {
            if self.omitted.count == 0 && self.backtrace.len() < Trap::KEPT_INNER + Trap::KEPT_OUTER
            {
                self.backtrace.push(f);
                continue;
            }
            if self.omitted.count == 0 {
                self.omitted.at = Trap::KEPT_INNER;
            }
            // The frame after the kept inner ones joins the left-out run.
            self.backtrace.remove(self.omitted.at);
            self.omitted.count += 1;
            self.omitted.period = 0;
            self.backtrace.push(f);
        }
    }

    /// Frame `depth` (0 innermost) of the whole stack, when it is known:
    /// a left-out frame is known only as part of a recorded cycle.
    fn frame(&self, depth: usize) -> Option<&FrameInfo> {
        let Omitted { at, count, period } = self.omitted;
        if depth < at {
            self.backtrace.get(depth)
        } else if depth < at + count {
            if period == 0 {
                return None;
            }
            // Step back whole cycles until inside the kept frames.
            let back = ((depth - at) / period + 1) * period;
            self.backtrace.get(depth - back)
        } else {
            self.backtrace.get(depth - count)
        }
    }

    /// How many times the `period` frames from `depth` occur in a row
    /// there (at least 1).
    fn repeats(&self, depth: usize, period: usize) -> usize {
        let total = self.backtrace_depth();
        let mut reps = 1;
        while depth + (reps + 1) * period <= total
            && (0..period).all(|j| {
                let a = self.frame(depth + j);
                a.is_some() && a == self.frame(depth + reps * period + j)
            })
        {
            reps += 1;
        }
        reps
    }
}

/// The fewest occurrences of a cycle that `Display` folds: with two, the
/// summary line would save at most one line.
const FOLD_MIN_REPEATS: usize = 3;

/// A frame's function as a person reads it.
struct FuncName<'a>(&'a FrameInfo);

impl fmt::Display for FuncName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.func_name {
            Some(n) => f.write_str(n),
            None => write!(f, "<wasm function {}>", self.0.func_index),
        }
    }
}

/// A count with thousands separators (`6,800`), as counts of frames are
/// read at a glance.
struct Count(usize);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = [0u8; 20];
        let mut n = self.0;
        let mut len = 0;
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for i in (0..len).rev() {
            f.write_char(digits[i] as char)?;
            if i > 0 && i % 3 == 0 {
                f.write_char(',')?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        let total = self.backtrace_depth();
        if total == 0 {
            return Ok(());
        }
        f.write_str("\nwasm backtrace:")?;
        let width = Count(total - 1).to_width().max(2);
        let mut depth = 0;
        while depth < total {
            let Some(first) = self.frame(depth) else {
                // Left-out frames that repeat nothing kept.
                let end = self.omitted.at + self.omitted.count;
                write!(
                    f,
                    "\n  {:width$}  ... {} frames not recorded",
                    "",
                    Count(end - depth)
                )?;
                depth = end;
                continue;
            };
            // The cycle covering the most frames from here; the shortest
            // one on a tie (a 2-cycle also repeats as a 4-cycle).
            let mut best = (1, 1);
            for period in 1..=Trap::MAX_CYCLE {
                let reps = self.repeats(depth, period);
                if reps >= FOLD_MIN_REPEATS && reps * period > best.0 * best.1 {
                    best = (period, reps);
                }
            }
            let (period, reps) = best;
            for d in depth..depth + period {
                let fr = if d == depth {
                    first
                } else {
                    self.frame(d).unwrap_or(first)
                };
                write!(f, "\n  {d:>width$}: {:#08x} - {}", fr.offset, FuncName(fr))?;
            }
            if reps >= FOLD_MIN_REPEATS {
                write!(
                    f,
                    "\n  {:width$}  ... {} more frames repeating ",
                    "",
                    Count((reps - 1) * period)
                )?;
                for d in depth..depth + period {
                    if d > depth {
                        f.write_str(if period == 2 { " ↔ " } else { " → " })?;
                    }
                    if let Some(fr) = self.frame(d) {
                        write!(f, "{}", FuncName(fr))?;
                    }
                }
            }
            depth += period * reps;
        }
        Ok(())
    }
}

impl Count {
    /// How many characters the count takes without separators.
    fn to_width(&self) -> usize {
        let mut n = self.0;
        let mut w = 1;
        while n >= 10 {
            n /= 10;
            w += 1;
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn frame(name: &str, offset: u32) -> FrameInfo {
        FrameInfo {
            func_index: offset,
            func_name: Some(name.to_string()),
            offset,
        }
    }

    fn trap(frames: Vec<FrameInfo>, omitted: Omitted) -> Trap {
        let mut t = Trap::new(TrapCode::StackOverflow);
        t.set_backtrace(frames, omitted);
        t
    }

    /// The trap's text without the first two lines.
    fn lines(t: &Trap) -> Vec<String> {
        t.to_string().lines().skip(2).map(String::from).collect()
    }

    #[test]
    fn counts_get_separators() {
        assert_eq!(Count(0).to_string(), "0");
        assert_eq!(Count(999).to_string(), "999");
        assert_eq!(Count(6_800).to_string(), "6,800");
        assert_eq!(Count(1_234_567).to_string(), "1,234,567");
    }

    #[test]
    fn short_backtraces_list_every_frame() {
        let t = trap(
            alloc::vec![
                frame("inner", 0x10),
                frame("inner", 0x20),
                frame("main", 0x30)
            ],
            Omitted::default(),
        );
        assert_eq!(
            t.to_string(),
            "wasm trap: call stack exhausted\nwasm backtrace:\n   0: 0x000010 - inner\n   1: 0x000020 - inner\n   2: 0x000030 - main"
        );
        assert_eq!(t.backtrace_depth(), 3);
    }

    #[test]
    fn a_repeated_frame_folds_into_one_line() {
        let mut frames = alloc::vec![frame("leaf", 1)];
        frames.extend((0..50).map(|_| frame("f", 2)));
        frames.push(frame("main", 3));
        let t = trap(frames, Omitted::default());
        assert_eq!(
            lines(&t),
            [
                "   0: 0x000001 - leaf",
                "   1: 0x000002 - f",
                "      ... 49 more frames repeating f",
                "  51: 0x000003 - main",
            ]
        );
    }

    #[test]
    fn a_cycle_through_left_out_frames_folds_with_the_full_count() {
        // What a runaway f ↔ g recursion 6,853 frames deep leaves: the
        // trapping frame, the cycle, and the entry.
        let mut frames = alloc::vec![frame("f", 1)];
        for _ in 0..(Trap::KEPT_INNER - 1) / 2 {
            frames.push(frame("g", 2));
            frames.push(frame("f", 3));
        }
        let at = frames.len();
        let outer_cycle = (Trap::KEPT_OUTER - 2) / 2;
        for _ in 0..outer_cycle {
            frames.push(frame("g", 2));
            frames.push(frame("f", 3));
        }
        frames.push(frame("run", 4));
        frames.push(frame("_start", 5));
        let count = 6_853 - frames.len();
        let t = trap(
            frames,
            Omitted {
                at,
                count,
                period: 2,
            },
        );
        assert_eq!(t.backtrace_depth(), 6_853);
        assert_eq!(
            lines(&t),
            [
                "     0: 0x000001 - f",
                "     1: 0x000002 - g",
                "     2: 0x000003 - f",
                "        ... 6,848 more frames repeating g ↔ f",
                "  6851: 0x000004 - run",
                "  6852: 0x000005 - _start",
            ]
        );
    }

    #[test]
    fn longer_cycles_fold_and_leftovers_are_listed() {
        let mut frames = Vec::new();
        for _ in 0..4 {
            frames.extend([frame("a", 1), frame("b", 2), frame("c", 3)]);
        }
        frames.extend([frame("a", 1), frame("b", 2)]);
        let t = trap(frames, Omitted::default());
        assert_eq!(
            lines(&t),
            [
                "   0: 0x000001 - a",
                "   1: 0x000002 - b",
                "   2: 0x000003 - c",
                "      ... 9 more frames repeating a → b → c",
                "  12: 0x000001 - a",
                "  13: 0x000002 - b",
            ]
        );
    }

    #[test]
    fn two_repeats_are_not_folded_and_unknown_gaps_are_counted() {
        let frames = alloc::vec![
            frame("x", 1),
            frame("y", 2),
            frame("x", 1),
            frame("y", 2),
            frame("z", 3),
        ];
        let t = trap(
            frames,
            Omitted {
                at: 4,
                count: 1_000,
                period: 0,
            },
        );
        assert_eq!(
            lines(&t),
            [
                "     0: 0x000001 - x",
                "     1: 0x000002 - y",
                "     2: 0x000001 - x",
                "     3: 0x000002 - y",
                "        ... 1,000 frames not recorded",
                "  1004: 0x000003 - z",
            ]
        );
    }
}
