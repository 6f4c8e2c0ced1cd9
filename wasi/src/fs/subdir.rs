//! A subtree of any filesystem as a filesystem of its own: mounting
//! `SubdirFs::new(fs, "projects/a")` shows the guest only that directory.
//! The path is walked with [`Dir::open_dir`] one component at a time (no
//! `..`, no symbolic links), and the path layer's sandbox then starts at
//! the subtree's root, so nothing above it is reachable.
use super::{check_name, Dir, FileSystem};
use crate::errno::Result;
use alloc::string::{String, ToString};
use alloc::sync::Arc;

/// The directory `path` of `inner`, as a filesystem.
pub struct SubdirFs<F> {
    inner: F,
    path: String,
}

impl<F: FileSystem> SubdirFs<F> {
    /// The subtree at `path` (relative, `/`-separated) of `inner`.
    pub fn new(inner: F, path: &str) -> SubdirFs<F> {
        SubdirFs {
            inner,
            path: path.to_string(),
        }
    }
}

impl<F: FileSystem> FileSystem for SubdirFs<F> {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        let mut dir = self.inner.root()?;
        for name in self.path.split('/').filter(|c| !c.is_empty() && *c != ".") {
            check_name(name)?;
            dir = dir.open_dir(name)?;
        }
        Ok(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::Errno;
    use crate::fs::memory::MemoryFs;
    use crate::path::{Walk, ESCAPE};

    #[test]
    fn the_subtree_is_all_there_is() {
        let mem = MemoryFs::new();
        mem.add_file("secret", "s").unwrap();
        mem.add_file("box/inner", "i").unwrap();
        let root = SubdirFs::new(mem.clone(), "box").root().unwrap();
        assert!(root.stat_at("inner").is_ok());
        assert_eq!(root.stat_at("secret").err(), Some(Errno::Noent));
        let mut walk = Walk::new(root);
        assert_eq!(walk.parent("../secret").err(), Some(ESCAPE));
        assert_eq!(
            SubdirFs::new(mem, "../box").root().err(),
            Some(Errno::Inval)
        );
    }
}
