//! The guest's descriptors: what each number refers to (a stream, a file
//! with its cursor, a directory of some mount), its open mode, rights and
//! flags, and which ones are preopens. Numbers are reused lowest first, as
//! on POSIX.
//!
//! Rights follow wasmtime, which real guests are written against: what a
//! descriptor may do is decided by its open mode (a file opened without
//! `FD_WRITE` cannot be written, `EBADF` as on POSIX), not by the rights
//! asked for in `path_open` nor by the directory's inheriting rights, which
//! toolchains fill in very differently (Zig opens directories without
//! `FD_WRITE` to inherit, Go asks for directory rights minus
//! `PATH_FILESTAT_SET_SIZE` and then truncates through them). The only
//! rights enforced (`ENOTCAPABLE`) are the ones a guest gave up itself with
//! `fd_fdstat_set_rights`; `fd_fdstat_get` reports what wasmtime reports,
//! less those.
use crate::abi::{Fdflags, Filetype, Rights};
use crate::errno::{Errno, Result};
use crate::fs::{Dir, File};
use crate::stdio::{InputStream, OutputStream};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Most descriptors a guest may hold open at once (`EMFILE` beyond).
pub const MAX_FDS: usize = 16384;

/// A `fd_readdir` listing kept between calls: name, inode, type.
pub(crate) type Listing = Vec<(String, u64, Filetype)>;

/// What a descriptor refers to.
pub(crate) enum Desc {
    /// A stream the guest reads.
    Input(Box<dyn InputStream>),
    /// A stream the guest writes.
    Output(Box<dyn OutputStream>),
    /// A regular file and this descriptor's cursor.
    File { file: Arc<dyn File>, pos: u64 },
    /// A directory of mount `mount`, with the listing of the last
    /// `fd_readdir` from cookie 0.
    Dir {
        dir: Arc<dyn Dir>,
        mount: u32,
        listing: Option<Listing>,
    },
}

/// One open descriptor.
pub(crate) struct Entry {
    pub desc: Desc,
    /// The rights the guest has not given up (all, until it calls
    /// `fd_fdstat_set_rights`); what is enforced.
    pub rights_base: Rights,
    /// The same for what descriptors opened through this one may do.
    pub rights_inheriting: Rights,
    /// Opened for reading (always, for directories and input streams).
    pub read: bool,
    /// Opened for writing (never, for directories and input streams).
    pub write: bool,
    pub flags: Fdflags,
    /// For a preopen: the guest path it was mounted at.
    pub preopen: Option<String>,
}

impl Entry {
    /// A descriptor with every right, in the open mode `read`/`write`.
    pub fn new(desc: Desc, read: bool, write: bool) -> Entry {
        Entry {
            desc,
            rights_base: Rights::all(),
            rights_inheriting: Rights::all(),
            read,
            write,
            flags: Fdflags::empty(),
            preopen: None,
        }
    }

    /// `ENOTCAPABLE` if the guest gave up any right in `needed`.
    pub fn require(&self, needed: Rights) -> Result<()> {
        if self.rights_base.contains(needed) {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }

    /// The base and inheriting rights `fd_fdstat_get` reports: wasmtime's
    /// (streams: just reading or writing; preopens: a fixed set; other
    /// directories: everything that applies to one; files: everything,
    /// less reading or writing when not opened so), less what the guest
    /// gave up.
    pub fn reported_rights(&self) -> (Rights, Rights) {
        let (base, inheriting) = match &self.desc {
            Desc::Input(_) => (Rights::FD_READ, Rights::FD_READ),
            Desc::Output(_) => (Rights::FD_WRITE, Rights::FD_WRITE),
            Desc::Dir { .. } if self.preopen.is_some() => {
                (Rights::PREOPEN, Rights::PREOPEN | Rights::FILE)
            }
            Desc::Dir { .. } => {
                let r = Rights::all() - Rights::NOT_ON_DIRECTORY;
                (r, r)
            }
            Desc::File { .. } => {
                let mut r = Rights::all();
                if !self.read {
                    r -= Rights::FD_READ | Rights::FD_READDIR;
                }
                if !self.write {
                    r -= Rights::FD_WRITE;
                }
                (r, r)
            }
        };
        (base & self.rights_base, inheriting & self.rights_inheriting)
    }
}

/// The descriptor table.
#[derive(Default)]
pub(crate) struct FdTable {
    slots: Vec<Option<Entry>>,
}

impl FdTable {
    pub fn get(&self, fd: u32) -> Result<&Entry> {
        self.slots
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Entry> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    /// Places `entry` at the lowest free number.
    pub fn insert(&mut self, entry: Entry) -> Result<u32> {
        let fd = match self.slots.iter().position(Option::is_none) {
            Some(i) => i,
            None if self.slots.len() < MAX_FDS => {
                self.slots.push(None);
                self.slots.len() - 1
            }
            None => return Err(Errno::Mfile),
        };
        self.slots[fd] = Some(entry);
        Ok(fd as u32)
    }

    /// Places `entry` at `fd` (used for the standard streams).
    pub fn insert_at(&mut self, fd: u32, entry: Entry) {
        let i = fd as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(entry);
    }

    pub fn remove(&mut self, fd: u32) -> Result<Entry> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(Errno::Badf)
    }

    /// Moves `from` over `to` (closing what `to` was); both must be open.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<()> {
        self.get(from)?;
        self.get(to)?;
        if from != to {
            let entry = self.remove(from)?;
            self.slots[to as usize] = Some(entry);
        }
        Ok(())
    }
}
