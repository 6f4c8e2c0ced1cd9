//! The one table of spec scripts the spec test expects to fail, each with
//! the reason. A listed script still runs: if it starts passing, the spec
//! test fails until its entry is removed, so the table never goes stale.

/// A group of scripts that are known to fail, and why.
pub struct Skip {
    /// A script's file stem (`i32` for `i32.wast`), or a prefix ending in
    /// `*` (`simd_*`).
    pub pattern: &'static str,
    /// Why it fails; name the issue that tracks the fix.
    pub reason: &'static str,
}

/// Every expected failure.
pub const SKIPPED: &[Skip] = &[Skip {
    pattern: "simd_*",
    reason: "SIMD (v128) is not implemented yet; see the SIMD issue",
}];

impl Skip {
    /// Whether script `stem` belongs to this entry.
    pub fn matches(&self, stem: &str) -> bool {
        match self.pattern.strip_suffix('*') {
            Some(prefix) => stem.starts_with(prefix),
            None => stem == self.pattern,
        }
    }
}

/// The entry that covers script `stem`, if any.
pub fn skip_for(stem: &str) -> Option<&'static Skip> {
    SKIPPED.iter().find(|s| s.matches(stem))
}
