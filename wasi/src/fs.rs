//! The filesystem seam: what a mount is made of. A [`FileSystem`] hands out
//! its root [`Dir`]; directories hand out other directories and [`File`]s.
//! Every method has an `ENOSYS` default, so a partial filesystem (say, one
//! that can only be read) implements just what it supports.
//!
//! Directory methods take **one path component**: never empty, never `.` or
//! `..`, never containing `/` or NUL, and they never follow a symbolic link
//! in it. Path walking, `..`, symlink expansion and the sandbox check all
//! live in one place above this trait (`crate::path`), so every
//! implementation gets the same confinement and the same errno for the same
//! path. Implementations: [`memory`] (no_std), [`host`] (cap-std, with the
//! `std` feature), and the wrappers [`readonly`], [`audit`] and [`subdir`]
//! (a subtree as a mount), which take any filesystem.
use crate::abi::{Filestat, Filetype};
use crate::errno::{Errno, Result};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

pub mod audit;
#[cfg(all(feature = "std", not(target_os = "wasi")))]
pub mod host;
pub mod memory;
pub mod readonly;
pub mod subdir;

/// The largest file size, and so the largest offset a byte can be written
/// at: POSIX's `off_t` is a signed 64-bit number, and host kernels refuse
/// sizes and offsets past it. WASI passes sizes and offsets as `u64`, so a
/// guest's `-1` arrives as `u64::MAX`; sizes and write ends beyond this
/// are `EFBIG` on every filesystem.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Where a write of `len` bytes at `offset` ends. An empty write changes
/// nothing, so it may be anywhere; any other write ending past
/// [`MAX_FILE_SIZE`] (or past `u64::MAX`) is `EFBIG`, as POSIX's `pwrite`
/// at or beyond the offset maximum.
pub fn write_end(offset: u64, len: u64) -> Result<u64> {
    match offset.checked_add(len) {
        Some(end) if end <= MAX_FILE_SIZE => Ok(end),
        _ if len == 0 => Ok(offset),
        _ => Err(Errno::Fbig),
    }
}

/// A tree of directories and files that can be mounted into a guest.
pub trait FileSystem: Send + Sync {
    /// The root directory: what the guest sees at the mount point.
    fn root(&self) -> Result<Arc<dyn Dir>>;
}

impl<F: FileSystem + ?Sized> FileSystem for Arc<F> {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        (**self).root()
    }
}

impl<F: FileSystem + ?Sized> FileSystem for alloc::boxed::Box<F> {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        (**self).root()
    }
}

/// How [`Dir::open_file`] opens a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Reads will be made.
    pub read: bool,
    /// Writes (or size changes) will be made.
    pub write: bool,
    /// Create the file if it does not exist.
    pub create: bool,
    /// With `create`: fail with `EEXIST` if it exists.
    pub exclusive: bool,
    /// Truncate to length 0.
    pub truncate: bool,
}

/// A directory entry as [`Dir::read_dir`] lists it (`.` and `..` are not
/// listed; the WASI layer adds them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name.
    pub name: String,
    /// Its inode number, as `stat_at(name)` reports it.
    pub ino: u64,
    /// Its type, not following symbolic links.
    pub filetype: Filetype,
}

/// A time to set: `None` leaves the timestamp alone; otherwise nanoseconds
/// since the epoch (the WASI layer turns `*_NOW` into the current time).
pub type SetTime = Option<u64>;

/// An open directory.
pub trait Dir: Send + Sync + Any {
    /// For downcasting to the implementation (same-filesystem checks in
    /// `rename` and `link`).
    fn as_any(&self) -> &dyn Any;

    /// Attributes of the directory itself.
    fn stat(&self) -> Result<Filestat> {
        Err(Errno::Nosys)
    }
    /// Sets the directory's own timestamps.
    fn set_times(&self, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Flushes the directory to storage.
    fn sync(&self) -> Result<()> {
        Ok(())
    }
    /// The entries, without `.` and `..`, in a stable order.
    fn read_dir(&self) -> Result<Vec<DirEntry>> {
        Err(Errno::Nosys)
    }
    /// Attributes of the entry `name` (a symbolic link is reported as one).
    fn stat_at(&self, _name: &str) -> Result<Filestat> {
        Err(Errno::Nosys)
    }
    /// Sets the timestamps of the entry `name` (a symbolic link's own).
    fn set_times_at(&self, _name: &str, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Opens the subdirectory `name` (`ENOTDIR` if it is not one).
    fn open_dir(&self, _name: &str) -> Result<Arc<dyn Dir>> {
        Err(Errno::Nosys)
    }
    /// Opens (or creates) the file `name`: `EISDIR` for a directory,
    /// `ELOOP` for a symbolic link, `EEXIST` for `create` + `exclusive` on an
    /// existing entry, `ENOENT` when missing without `create`.
    fn open_file(&self, _name: &str, _options: OpenOptions) -> Result<Arc<dyn File>> {
        Err(Errno::Nosys)
    }
    /// Creates the directory `name` (`EEXIST` if anything has that name).
    fn create_dir(&self, _name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Removes the empty directory `name` (`ENOTDIR`, `ENOTEMPTY`).
    fn remove_dir(&self, _name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Removes the file or symbolic link `name` (`EISDIR` for a directory).
    fn unlink(&self, _name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Creates the symbolic link `name` pointing to `target` (stored as is).
    fn symlink(&self, _target: &str, _name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// The target of the symbolic link `name` (`EINVAL` if it is not one).
    fn read_link(&self, _name: &str) -> Result<String> {
        Err(Errno::Nosys)
    }
    /// Renames `name` to `new_name` in `new_dir`, with POSIX `rename`
    /// semantics. `new_dir` comes from the same filesystem (else `EXDEV`).
    fn rename(&self, _name: &str, _new_dir: &dyn Dir, _new_name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Makes `new_name` in `new_dir` a hard link to `name` (not following a
    /// symbolic link): `EEXIST`, `EPERM` for directories, `EXDEV`.
    fn link(&self, _name: &str, _new_dir: &dyn Dir, _new_name: &str) -> Result<()> {
        Err(Errno::Nosys)
    }
}

/// An open regular file. Reads and writes are positional: the descriptor
/// above keeps the cursor.
pub trait File: Send + Sync {
    /// Attributes.
    fn stat(&self) -> Result<Filestat> {
        Err(Errno::Nosys)
    }
    /// Reads at `offset`; 0 at or past the end.
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> Result<usize> {
        Err(Errno::Nosys)
    }
    /// Writes at `offset`, extending the file (with zeros) as needed;
    /// `EFBIG` when the write would end past [`MAX_FILE_SIZE`].
    fn write_at(&self, _buf: &[u8], _offset: u64) -> Result<usize> {
        Err(Errno::Nosys)
    }
    /// Truncates or extends to `size` bytes (`EFBIG` past
    /// [`MAX_FILE_SIZE`]).
    fn set_size(&self, _size: u64) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Sets the timestamps.
    fn set_times(&self, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Nosys)
    }
    /// Flushes data and metadata.
    fn sync(&self) -> Result<()> {
        Ok(())
    }
    /// Flushes data.
    fn datasync(&self) -> Result<()> {
        self.sync()
    }
    /// Makes sure bytes `offset..offset + len` are allocated, growing the
    /// file if it is shorter (`EFBIG` past [`MAX_FILE_SIZE`]).
    fn allocate(&self, offset: u64, len: u64) -> Result<()> {
        let end = write_end(offset, len)?;
        if end > self.stat()?.size {
            self.set_size(end)?;
        }
        Ok(())
    }
    /// Advice about the access pattern; ignored unless overridden.
    fn advise(&self, _offset: u64, _len: u64, _advice: u8) -> Result<()> {
        Ok(())
    }
}

/// Checks a name handed to a [`Dir`] method: one real component. The path
/// layer never passes anything else; implementations call this as a second
/// line of defence.
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(Errno::Inval);
    }
    Ok(())
}
