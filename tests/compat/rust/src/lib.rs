//! Nothing to ship: the tests in `tests/` exercise the standard library
//! itself. This holds the helper they share.

use std::path::PathBuf;

/// A fresh directory for one test under the scratch root that the runner
/// preopens (`COMPAT_TMP`, by default `/tmp`). Each test gets its own so
/// that they cannot see each other's files whatever order they run in.
pub fn scratch(name: &str) -> PathBuf {
    let root = std::env::var_os("COMPAT_TMP").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    let dir = root.join(name);
    // A leftover from an earlier, interrupted run must not change results.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}
