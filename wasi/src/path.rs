//! Guest path resolution: the one place where paths are split, `.` and
//! `..` applied and symbolic links expanded, on top of the single-component
//! [`Dir`] methods. This is the sandbox: a walk starts at the directory of
//! the descriptor the guest passed and keeps the directories it went
//! through on a stack; `..` pops it, and popping past the start, an
//! absolute path, or an absolute symbolic link target is refused with
//! `EPERM` (what wasmtime reports for these). Symbolic links are expanded
//! here, at most [`MAX_SYMLINKS`] per lookup (`ELOOP` beyond), never by a
//! filesystem, so a link cannot point a host call outside the mount.
use crate::errno::{Errno, Result};
use crate::fs::Dir;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Symbolic links one lookup may expand.
pub const MAX_SYMLINKS: u32 = 40;

/// The errno for a path that would leave the descriptor's directory.
pub const ESCAPE: Errno = Errno::Perm;

/// What a path's last component turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Last {
    /// A name in the current directory (which may or may not exist); the
    /// flag says whether the path ended with `/`.
    Name(String, bool),
    /// The path names the current directory itself (`.`, `a/..`).
    Dir,
}

/// A walk from a descriptor's directory.
pub struct Walk {
    stack: Vec<Arc<dyn Dir>>,
    links: u32,
}

impl Walk {
    /// A walk starting at `base`.
    pub fn new(base: Arc<dyn Dir>) -> Walk {
        Walk {
            stack: alloc::vec![base],
            links: 0,
        }
    }

    /// The directory the walk is in.
    pub fn dir(&self) -> &Arc<dyn Dir> {
        self.stack.last().expect("a walk always has its base")
    }

    /// Checks a guest path and walks every component but the last.
    pub fn parent(&mut self, path: &str) -> Result<Last> {
        if path.is_empty() {
            return Err(Errno::Noent);
        }
        if path.contains('\0') {
            return Err(Errno::Inval);
        }
        if path.starts_with('/') {
            return Err(ESCAPE);
        }
        let trailing = path.ends_with('/');
        let mut parts: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        let last = parts.pop().ok_or(Errno::Noent)?;
        for part in parts {
            self.step(part)?;
        }
        Ok(match last {
            "." => Last::Dir,
            ".." => {
                self.up()?;
                Last::Dir
            }
            name => Last::Name(name.to_string(), trailing),
        })
    }

    fn up(&mut self) -> Result<()> {
        if self.stack.len() == 1 {
            return Err(ESCAPE);
        }
        self.stack.pop();
        Ok(())
    }

    /// Enters `name`, which must be a directory or a link to one.
    fn step(&mut self, name: &str) -> Result<()> {
        match name {
            "." => Ok(()),
            ".." => self.up(),
            _ => match self.dir().open_dir(name) {
                Ok(d) => {
                    self.stack.push(d);
                    Ok(())
                }
                Err(Errno::Loop | Errno::Notdir) => match self.dir().read_link(name) {
                    Ok(target) => match self.expand(&target)? {
                        Last::Dir => Ok(()),
                        Last::Name(next, _) => self.step(&next),
                    },
                    Err(_) => Err(Errno::Notdir),
                },
                Err(e) => Err(e),
            },
        }
    }

    /// Walks a symbolic link's target from the directory holding the link.
    pub fn expand(&mut self, target: &str) -> Result<Last> {
        self.links += 1;
        if self.links > MAX_SYMLINKS {
            return Err(Errno::Loop);
        }
        self.parent(target)
    }

    /// Follows `last` while it is a symbolic link (always when the path
    /// ended with `/`, otherwise when `follow`), returning the final name or
    /// directory.
    pub fn follow(&mut self, mut last: Last, follow: bool) -> Result<Last> {
        loop {
            match &last {
                Last::Name(name, trailing) if follow || *trailing => {
                    let trailing = *trailing;
                    match self.dir().read_link(name) {
                        Ok(target) => {
                            last = match self.expand(&target)? {
                                Last::Name(n, t) => Last::Name(n, t || trailing),
                                Last::Dir => Last::Dir,
                            };
                        }
                        Err(_) => return Ok(last),
                    }
                }
                _ => return Ok(last),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::memory::MemoryFs;
    use crate::fs::FileSystem;

    fn walk(fs: &MemoryFs, path: &str) -> Result<(Last, u64)> {
        let mut w = Walk::new(fs.root()?);
        let last = w.parent(path)?;
        let last = w.follow(last, true)?;
        Ok((last, w.dir().stat()?.ino))
    }

    #[test]
    fn dots_links_and_escapes() {
        let fs = MemoryFs::new();
        fs.add_dir("a/b").unwrap();
        fs.add_file("a/b/f", "").unwrap();
        fs.add_symlink("a/up", "..").unwrap();
        fs.add_symlink("a/out", "../..").unwrap();
        fs.add_symlink("a/abs", "/etc").unwrap();
        fs.add_symlink("loop", "loop").unwrap();
        fs.add_symlink("a/tob", "b/").unwrap();
        let root_ino = fs.root().unwrap().stat().unwrap().ino;
        let (last, _) = walk(&fs, "a/./b/../b//f").unwrap();
        assert_eq!(last, Last::Name("f".into(), false));
        assert_eq!(walk(&fs, "a/up").unwrap(), (Last::Dir, root_ino));
        assert_eq!(
            walk(&fs, "a/up/a/tob/f").unwrap().0,
            Last::Name("f".into(), false)
        );
        assert_eq!(walk(&fs, "..").err(), Some(ESCAPE));
        assert_eq!(walk(&fs, "a/../..").err(), Some(ESCAPE));
        assert_eq!(walk(&fs, "a/out").err(), Some(ESCAPE));
        assert_eq!(walk(&fs, "a/abs").err(), Some(ESCAPE));
        assert_eq!(walk(&fs, "/a").err(), Some(ESCAPE));
        assert_eq!(walk(&fs, "loop").err(), Some(Errno::Loop));
        assert_eq!(walk(&fs, "a/b/f/x").err(), Some(Errno::Notdir));
        assert_eq!(walk(&fs, "a\0").err(), Some(Errno::Inval));
        assert_eq!(walk(&fs, "").err(), Some(Errno::Noent));
    }
}
