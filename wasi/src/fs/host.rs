//! Host directories through cap-std (`std` feature). A [`HostFs`] is a
//! capability for one host directory: every operation goes through a
//! `cap_std::fs::Dir` handle with a single path component and never follows
//! a symbolic link, so nothing the guest names can reach outside it, and
//! cap-std's own sandbox check stands behind the path layer's. I/O errors
//! become WASI errnos through [`Errno::from_io`].
use super::{Dir, DirEntry, File, FileSystem, OpenOptions, SetTime};
use crate::abi::{Filestat, Filetype};
use crate::errno::{Errno, Result};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use cap_fs_ext::{DirExt, MetadataExt, OpenOptionsFollowExt};
use cap_std::fs::Metadata;
use core::any::Any;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A host directory mounted into the guest.
pub struct HostFs {
    dir: cap_std::fs::Dir,
}

impl HostFs {
    /// Opens the host directory `path` (this is the one place where a host
    /// path is resolved with the process's ambient authority).
    pub fn open(path: impl AsRef<Path>) -> io::Result<HostFs> {
        let path = path.as_ref();
        let dir = cap_std::fs::Dir::open_ambient_dir(path, cap_std::ambient_authority()).map_err(
            |e| {
                io::Error::new(
                    e.kind(),
                    std::format!("cannot open host directory {}: {e}", path.display()),
                )
            },
        )?;
        Ok(HostFs { dir })
    }

    /// A filesystem for an already opened cap-std directory.
    pub fn from_cap_std(dir: cap_std::fs::Dir) -> HostFs {
        HostFs { dir }
    }
}

impl FileSystem for HostFs {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        let dir = self.dir.try_clone().map_err(err)?;
        Ok(Arc::new(HostDir { dir }))
    }
}

struct HostDir {
    dir: cap_std::fs::Dir,
}

struct HostFile {
    file: cap_std::fs::File,
}

fn err(e: io::Error) -> Errno {
    Errno::from_io(&e)
}

fn nanos(t: io::Result<cap_std::time::SystemTime>) -> u64 {
    t.map_or(0, |t| crate::clock::system_time_nanos(t.into_std()))
}

fn filestat(m: &Metadata) -> Filestat {
    let ft = m.file_type();
    let filetype = if ft.is_dir() {
        Filetype::Directory
    } else if ft.is_file() {
        Filetype::RegularFile
    } else if ft.is_symlink() {
        Filetype::SymbolicLink
    } else {
        use cap_fs_ext::FileTypeExt;
        if ft.is_block_device() {
            Filetype::BlockDevice
        } else if ft.is_char_device() {
            Filetype::CharacterDevice
        } else {
            Filetype::Unknown
        }
    };
    #[cfg(unix)]
    let ctim = {
        use cap_fs_ext::OsMetadataExt;
        let secs = u64::try_from(m.ctime()).unwrap_or(0);
        let ns = u64::try_from(m.ctime_nsec()).unwrap_or(0);
        secs.saturating_mul(1_000_000_000).saturating_add(ns)
    };
    #[cfg(not(unix))]
    let ctim = nanos(m.modified());
    Filestat {
        dev: MetadataExt::dev(m),
        ino: MetadataExt::ino(m),
        filetype,
        nlink: MetadataExt::nlink(m),
        size: m.len(),
        atim: nanos(m.accessed()),
        mtim: nanos(m.modified()),
        ctim,
    }
}

fn std_time(t: SetTime) -> Option<SystemTime> {
    t.map(|n| UNIX_EPOCH + Duration::from_nanos(n))
}

fn file_times(t: SetTime) -> Option<fs_set_times::SystemTimeSpec> {
    std_time(t).map(fs_set_times::SystemTimeSpec::Absolute)
}

fn cap_times(t: SetTime) -> Option<cap_fs_ext::SystemTimeSpec> {
    std_time(t)
        .map(|t| cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(t)))
}

impl HostDir {
    fn peer<'a>(&self, other: &'a dyn Dir) -> Result<&'a HostDir> {
        other.as_any().downcast_ref::<HostDir>().ok_or(Errno::Xdev)
    }
}

impl Dir for HostDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn stat(&self) -> Result<Filestat> {
        self.dir.dir_metadata().map(|m| filestat(&m)).map_err(err)
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        // The handle may be open for path operations only (`O_PATH`), which
        // `futimens` refuses: set the times of `.` through it instead.
        DirExt::set_times(&self.dir, ".", cap_times(atim), cap_times(mtim)).map_err(err)
    }

    fn read_dir(&self) -> Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for entry in self.dir.entries().map_err(err)? {
            let entry = entry.map_err(err)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().map_err(err)?;
            let st = filestat(&meta);
            out.push(DirEntry {
                name,
                ino: st.ino,
                filetype: st.filetype,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn stat_at(&self, name: &str) -> Result<Filestat> {
        super::check_name(name)?;
        self.dir
            .symlink_metadata(name)
            .map(|m| filestat(&m))
            .map_err(err)
    }

    fn set_times_at(&self, name: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        super::check_name(name)?;
        self.dir
            .set_symlink_times(name, cap_times(atim), cap_times(mtim))
            .map_err(err)
    }

    fn open_dir(&self, name: &str) -> Result<Arc<dyn Dir>> {
        super::check_name(name)?;
        let dir = self.dir.open_dir_nofollow(name).map_err(err)?;
        Ok(Arc::new(HostDir { dir }))
    }

    fn open_file(&self, name: &str, o: OpenOptions) -> Result<Arc<dyn File>> {
        super::check_name(name)?;
        let open = |read: bool, write: bool, create: bool, exclusive: bool| {
            let mut options = cap_std::fs::OpenOptions::new();
            options
                .read(read)
                .write(write)
                .create(create)
                .create_new(exclusive)
                .truncate(o.truncate)
                .follow(cap_fs_ext::FollowSymlinks::No);
            self.dir.open_with(name, &options)
        };
        let write = o.write || o.truncate;
        let read = o.read || !write;
        let file = if o.create && !write {
            // The host needs write access to create a file; open an existing
            // one read-only (it may not be writable) and create otherwise.
            match open(read, false, false, false) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    open(read, true, true, o.exclusive)
                }
                Ok(_) if o.exclusive => return Err(Errno::Exist),
                other => other,
            }
        } else {
            open(read, write, o.create, o.create && o.exclusive)
        }
        .map_err(err)?;
        if file.metadata().map_err(err)?.is_dir() {
            return Err(Errno::Isdir);
        }
        Ok(Arc::new(HostFile { file }))
    }

    fn create_dir(&self, name: &str) -> Result<()> {
        super::check_name(name)?;
        self.dir.create_dir(name).map_err(err)
    }

    fn remove_dir(&self, name: &str) -> Result<()> {
        super::check_name(name)?;
        self.dir.remove_dir(name).map_err(err)
    }

    fn unlink(&self, name: &str) -> Result<()> {
        super::check_name(name)?;
        self.dir.remove_file_or_symlink(name).map_err(err)
    }

    fn symlink(&self, target: &str, name: &str) -> Result<()> {
        super::check_name(name)?;
        #[cfg(not(windows))]
        return self.dir.symlink(target, name).map_err(err);
        #[cfg(windows)]
        {
            let _ = target;
            Err(Errno::Nosys)
        }
    }

    fn read_link(&self, name: &str) -> Result<String> {
        super::check_name(name)?;
        let target = self.dir.read_link_contents(name).map_err(err)?;
        target
            .into_os_string()
            .into_string()
            .map_err(|_| Errno::Ilseq)
    }

    fn rename(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        super::check_name(name)?;
        super::check_name(new_name)?;
        let to = self.peer(new_dir)?;
        self.dir.rename(name, &to.dir, new_name).map_err(err)
    }

    fn link(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        super::check_name(name)?;
        super::check_name(new_name)?;
        let to = self.peer(new_dir)?;
        self.dir.hard_link(name, &to.dir, new_name).map_err(err)
    }
}

impl File for HostFile {
    fn stat(&self) -> Result<Filestat> {
        self.file.metadata().map(|m| filestat(&m)).map_err(err)
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        // No file reaches past the largest offset, so a read there is at
        // the end (the kernel would say EINVAL for an offset it reads as
        // negative; the in-memory filesystem reads nothing).
        if offset > super::MAX_FILE_SIZE {
            return Ok(0);
        }
        #[cfg(unix)]
        return cap_std::fs::FileExt::read_at(&self.file, buf, offset).map_err(err);
        #[cfg(windows)]
        return cap_std::fs::FileExt::seek_read(&self.file, buf, offset).map_err(err);
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize> {
        // The kernel would say EINVAL for an offset it reads as negative;
        // every filesystem of this crate says EFBIG for it.
        super::write_end(offset, buf.len() as u64)?;
        #[cfg(unix)]
        return cap_std::fs::FileExt::write_at(&self.file, buf, offset).map_err(err);
        #[cfg(windows)]
        return cap_std::fs::FileExt::seek_write(&self.file, buf, offset).map_err(err);
    }

    fn set_size(&self, size: u64) -> Result<()> {
        // std refuses sizes past `off_t` with a bare `InvalidInput`.
        if size > super::MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        self.file.set_len(size).map_err(err)
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        fs_set_times::SetTimes::set_times(&self.file, file_times(atim), file_times(mtim))
            .map_err(err)
    }

    fn sync(&self) -> Result<()> {
        self.file.sync_all().map_err(err)
    }

    fn datasync(&self) -> Result<()> {
        self.file.sync_data().map_err(err)
    }
}
