//! The tables of spec scripts (or directives) the spec test expects to
//! fail, each with the reason: one per folder of scripts. A listed script
//! still runs: if it starts passing, the spec test fails until its entry is
//! removed, so the tables never go stale.

/// A group of scripts that are known to fail, and why.
pub struct Skip {
    /// A script's file stem (`i32` for `i32.wast`), or a prefix ending in
    /// `*` (`simd_*`); or a stem and a range of lines,
    /// `custom-page-sizes:60-91`, for the directives starting on those
    /// lines (the rest of the script must pass).
    pub pattern: &'static str,
    /// Why it fails; name the issue that tracks the fix.
    pub reason: &'static str,
}

/// Every expected failure.
pub const SKIPPED: &[Skip] = &[];

/// Expected failures on the `Trampoline` test backends, whose calls of
/// "compiled" functions nest on the host stack as machine code's will.
pub const TRAMPOLINE_SKIPPED: &[Skip] = &[];

/// Expected failures of jit-x64 in strict mode (no function may fall back
/// to the interpreter).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // no JIT suites there
pub const JIT_X64_STRICT_SKIPPED: &[Skip] = &[];

const TWO_MEMORIES: &str =
    "a module with two memories: multiple memories (WebAssembly 3.0) are not implemented";

/// Expected failures among the custom-page-sizes proposal's scripts
/// (`wasm-3.0/proposals/custom-page-sizes`), run as WebAssembly 2.0 plus
/// the proposal.
pub const CUSTOM_PAGE_SIZES_SKIPPED: &[Skip] = &[
    Skip {
        pattern: "custom-page-sizes:60-91",
        reason: TWO_MEMORIES,
    },
    Skip {
        pattern: "custom-page-sizes:96-108",
        reason: TWO_MEMORIES,
    },
    Skip {
        pattern: "custom-page-sizes-invalid:97-101",
        reason: TWO_MEMORIES,
    },
    Skip {
        pattern: "memory_max_i64",
        reason: "64-bit memories (memory64, WebAssembly 3.0) are not implemented",
    },
];

impl Skip {
    /// The script part of the pattern and, for a directive entry, its
    /// first and last line.
    fn parts(&self) -> (&'static str, Option<(usize, usize)>) {
        let Some((script, lines)) = self.pattern.split_once(':') else {
            return (self.pattern, None);
        };
        let (from, to) = lines.split_once('-').unwrap_or((lines, lines));
        let line = |n: &str| n.parse().expect("a line number in a skip pattern");
        (script, Some((line(from), line(to))))
    }

    /// Whether this entry is about script `stem` (all of it or some
    /// directives).
    pub fn matches(&self, stem: &str) -> bool {
        let (script, _) = self.parts();
        match script.strip_suffix('*') {
            Some(prefix) => stem.starts_with(prefix),
            None => stem == script,
        }
    }

    /// Whether this entry covers the directive starting on `line` (never,
    /// for a whole-script entry).
    pub fn covers_line(&self, line: usize) -> bool {
        self.parts()
            .1
            .is_some_and(|(from, to)| (from..=to).contains(&line))
    }
}

/// The entry of `table` that covers all of script `stem`, if any.
pub fn skip_for<'a>(table: &'a [Skip], stem: &str) -> Option<&'a Skip> {
    table
        .iter()
        .find(|s| s.parts().1.is_none() && s.matches(stem))
}

/// The entries of `table` that cover some directives of script `stem`.
pub fn directive_skips_for<'a>(table: &'a [Skip], stem: &str) -> Vec<&'a Skip> {
    table
        .iter()
        .filter(|s| s.parts().1.is_some() && s.matches(stem))
        .collect()
}
