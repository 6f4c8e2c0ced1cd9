//! A read-only view of any filesystem. Reads pass through; every mutation
//! fails the way a POSIX host fails it on a read-only mount: `EROFS`, after
//! the checks POSIX makes first (`ENOENT` for a missing source, `EEXIST`
//! when the name to create is taken, `EISDIR`/`EPERM` where the type decides).
use super::{Dir, DirEntry, File, FileSystem, OpenOptions, SetTime};
use crate::abi::{Filestat, Filetype};
use crate::errno::{Errno, Result};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

/// Wraps a filesystem so that nothing in it can change.
pub struct ReadOnlyFs<F> {
    inner: F,
}

impl<F: FileSystem> ReadOnlyFs<F> {
    /// A read-only view of `inner`.
    pub fn new(inner: F) -> ReadOnlyFs<F> {
        ReadOnlyFs { inner }
    }
}

impl<F: FileSystem> FileSystem for ReadOnlyFs<F> {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        Ok(Arc::new(RoDir(self.inner.root()?)))
    }
}

struct RoDir(Arc<dyn Dir>);
struct RoFile(Arc<dyn File>);

impl RoDir {
    /// `EEXIST` if `name` exists, else `EROFS`.
    fn create_error(&self, name: &str) -> Errno {
        match self.0.stat_at(name) {
            Ok(_) => Errno::Exist,
            Err(Errno::Noent) => Errno::Rofs,
            Err(e) => e,
        }
    }

    /// `ENOENT` (or another lookup error) if `name` is missing, else `EROFS`.
    fn change_error(&self, name: &str) -> Errno {
        match self.0.stat_at(name) {
            Ok(_) => Errno::Rofs,
            Err(e) => e,
        }
    }
}

impl Dir for RoDir {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn stat(&self) -> Result<Filestat> {
        self.0.stat()
    }
    fn set_times(&self, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Rofs)
    }
    fn sync(&self) -> Result<()> {
        self.0.sync()
    }
    fn read_dir(&self) -> Result<Vec<DirEntry>> {
        self.0.read_dir()
    }
    fn stat_at(&self, name: &str) -> Result<Filestat> {
        self.0.stat_at(name)
    }
    fn set_times_at(&self, name: &str, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(self.change_error(name))
    }
    fn open_dir(&self, name: &str) -> Result<Arc<dyn Dir>> {
        Ok(Arc::new(RoDir(self.0.open_dir(name)?)))
    }
    fn open_file(&self, name: &str, options: OpenOptions) -> Result<Arc<dyn File>> {
        if options.write || options.truncate || options.create {
            match self.0.stat_at(name) {
                Ok(_) if options.create && options.exclusive => return Err(Errno::Exist),
                Ok(st) if st.filetype == Filetype::Directory => return Err(Errno::Isdir),
                Ok(st) if st.filetype == Filetype::SymbolicLink => return Err(Errno::Loop),
                Ok(_) if options.write || options.truncate => return Err(Errno::Rofs),
                Ok(_) => {}
                Err(Errno::Noent) if options.create => return Err(Errno::Rofs),
                Err(e) => return Err(e),
            }
        }
        let read_only = OpenOptions {
            read: true,
            ..OpenOptions::default()
        };
        Ok(Arc::new(RoFile(self.0.open_file(name, read_only)?)))
    }
    fn create_dir(&self, name: &str) -> Result<()> {
        Err(self.create_error(name))
    }
    fn remove_dir(&self, name: &str) -> Result<()> {
        Err(self.change_error(name))
    }
    fn unlink(&self, name: &str) -> Result<()> {
        Err(self.change_error(name))
    }
    fn symlink(&self, _target: &str, name: &str) -> Result<()> {
        Err(self.create_error(name))
    }
    fn read_link(&self, name: &str) -> Result<String> {
        self.0.read_link(name)
    }
    fn rename(&self, name: &str, _new_dir: &dyn Dir, _new_name: &str) -> Result<()> {
        Err(self.change_error(name))
    }
    fn link(&self, name: &str, _new_dir: &dyn Dir, _new_name: &str) -> Result<()> {
        match self.0.stat_at(name) {
            Ok(st) if st.filetype == Filetype::Directory => Err(Errno::Perm),
            Ok(_) => Err(Errno::Rofs),
            Err(e) => Err(e),
        }
    }
}

impl File for RoFile {
    fn stat(&self) -> Result<Filestat> {
        self.0.stat()
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        self.0.read_at(buf, offset)
    }
    fn write_at(&self, _buf: &[u8], _offset: u64) -> Result<usize> {
        Err(Errno::Rofs)
    }
    fn set_size(&self, _size: u64) -> Result<()> {
        Err(Errno::Rofs)
    }
    fn set_times(&self, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Rofs)
    }
    fn sync(&self) -> Result<()> {
        Ok(())
    }
    fn allocate(&self, _offset: u64, _len: u64) -> Result<()> {
        Err(Errno::Rofs)
    }
    fn advise(&self, offset: u64, len: u64, advice: u8) -> Result<()> {
        self.0.advise(offset, len, advice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::memory::MemoryFs;

    #[test]
    fn mutations_fail_like_a_read_only_mount() {
        let mem = MemoryFs::new();
        mem.add_file("f", "x").unwrap();
        mem.add_dir("d").unwrap();
        let root = ReadOnlyFs::new(mem.clone()).root().unwrap();
        let w = OpenOptions {
            write: true,
            ..OpenOptions::default()
        };
        let create = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        assert_eq!(root.open_file("f", w).err(), Some(Errno::Rofs));
        assert_eq!(root.open_file("new", create).err(), Some(Errno::Rofs));
        assert_eq!(root.open_file("missing", w).err(), Some(Errno::Noent));
        assert_eq!(root.create_dir("d"), Err(Errno::Exist));
        assert_eq!(root.create_dir("e"), Err(Errno::Rofs));
        assert_eq!(root.unlink("f"), Err(Errno::Rofs));
        assert_eq!(root.unlink("nope"), Err(Errno::Noent));
        assert_eq!(root.link("d", &*root, "x"), Err(Errno::Perm));
        let f = root.open_file("f", OpenOptions::default()).unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(f.read_at(&mut buf, 0), Ok(1));
        assert_eq!(f.write_at(b"y", 0), Err(Errno::Rofs));
        assert_eq!(mem.read_file("f").unwrap(), b"x");
    }
}
