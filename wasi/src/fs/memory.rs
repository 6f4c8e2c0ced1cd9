//! An in-memory filesystem: directories, files and symbolic links in a
//! map of inodes behind one lock. It needs only `alloc`, so it runs on a
//! microcontroller; with `std` it can be loaded from a host directory. An
//! embedder keeps a clone of the [`MemoryFs`] to prepare files before a run
//! and to read what the guest wrote after it.
//!
//! Inodes live while a directory entry or an open handle refers to them,
//! so a file unlinked while open stays readable through its descriptor, as
//! on POSIX. Data is limited by a capacity (`ENOSPC` beyond it) so a guest
//! cannot exhaust host memory, and a file by [`MAX_FILE_SIZE`] (`EFBIG`).
use super::{
    check_name, write_end, Dir, DirEntry, File, FileSystem, OpenOptions, SetTime, MAX_FILE_SIZE,
};
use crate::abi::{Filestat, Filetype};
use crate::errno::{Errno, Result};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::{AtomicU32, Ordering};
use hashbrown::HashMap;
use spin::Mutex;
use wasmbed_core::platform::Clock;

/// Default limit on the bytes of file data an in-memory filesystem holds.
pub const DEFAULT_CAPACITY: u64 = 256 << 20;

static NEXT_DEV: AtomicU32 = AtomicU32::new(1);

/// An in-memory filesystem. Cloning shares the same tree.
#[derive(Clone)]
pub struct MemoryFs {
    tree: Arc<Mutex<Tree>>,
}

enum Kind {
    File(Vec<u8>),
    Dir {
        entries: BTreeMap<String, u64>,
        parent: u64,
    },
    Symlink(String),
}

struct Node {
    kind: Kind,
    /// Directory entries naming this node (for a directory: 1 while linked).
    links: u64,
    /// Open handles.
    handles: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

struct Tree {
    nodes: HashMap<u64, Node>,
    next_ino: u64,
    dev: u64,
    used: u64,
    capacity: u64,
    clock: Option<Arc<dyn Clock>>,
}

const ROOT: u64 = 1;

impl core::fmt::Debug for MemoryFs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let t = self.tree.lock();
        f.debug_struct("MemoryFs")
            .field("dev", &t.dev)
            .field("inodes", &t.nodes.len())
            .field("used_bytes", &t.used)
            .finish()
    }
}

impl Default for MemoryFs {
    fn default() -> Self {
        MemoryFs::new()
    }
}

impl MemoryFs {
    /// An empty filesystem. Timestamps come from the std clock when the
    /// `std` feature is on, else they are 0 until [`MemoryFs::with_clock`].
    pub fn new() -> MemoryFs {
        #[cfg(feature = "std")]
        let clock: Option<Arc<dyn Clock>> = Some(Arc::new(crate::clock::StdClock::new()));
        #[cfg(not(feature = "std"))]
        let clock: Option<Arc<dyn Clock>> = None;
        let dev = 0x6d65_6d00_0000_0000 | u64::from(NEXT_DEV.fetch_add(1, Ordering::Relaxed));
        let mut tree = Tree {
            nodes: HashMap::new(),
            next_ino: ROOT + 1,
            dev,
            used: 0,
            capacity: DEFAULT_CAPACITY,
            clock,
        };
        let now = tree.now();
        tree.nodes.insert(
            ROOT,
            Node {
                kind: Kind::Dir {
                    entries: BTreeMap::new(),
                    parent: ROOT,
                },
                links: 1,
                handles: 0,
                atim: now,
                mtim: now,
                ctim: now,
            },
        );
        MemoryFs {
            tree: Arc::new(Mutex::new(tree)),
        }
    }

    /// Uses `clock`'s wall time for timestamps.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> MemoryFs {
        self.tree.lock().clock = Some(clock);
        self
    }

    /// Limits file data to `bytes` in total (`ENOSPC` beyond).
    pub fn with_capacity(self, bytes: u64) -> MemoryFs {
        self.tree.lock().capacity = bytes;
        self
    }

    /// Bytes of file data held.
    pub fn used_bytes(&self) -> u64 {
        self.tree.lock().used
    }

    /// Creates (or replaces) the file at `path` (relative to the root,
    /// `/`-separated, no symbolic links followed), creating missing parent
    /// directories.
    pub fn add_file(&self, path: &str, contents: impl Into<Vec<u8>>) -> Result<()> {
        let contents = contents.into();
        let mut t = self.tree.lock();
        let (parent, name) = t.make_parents(path)?;
        if let Some(&ino) = t.dir_entries(parent)?.get(name) {
            match &t.node(ino)?.kind {
                Kind::File(_) => {
                    t.set_len(ino, 0)?;
                    t.write(ino, &contents, 0)?;
                    return Ok(());
                }
                _ => return Err(Errno::Exist),
            }
        }
        let ino = t.create(parent, name, Kind::File(Vec::new()))?;
        t.write(ino, &contents, 0)?;
        Ok(())
    }

    /// Creates the directory `path` and any missing parents.
    pub fn add_dir(&self, path: &str) -> Result<()> {
        let mut t = self.tree.lock();
        let mut dir = ROOT;
        for name in components(path) {
            check_name(name)?;
            dir = match t.dir_entries(dir)?.get(name) {
                Some(&ino) => ino,
                None => t.create(
                    dir,
                    name,
                    Kind::Dir {
                        entries: BTreeMap::new(),
                        parent: dir,
                    },
                )?,
            };
        }
        t.dir_entries(dir).map(|_| ())
    }

    /// Creates a symbolic link at `path` pointing to `target`.
    pub fn add_symlink(&self, path: &str, target: &str) -> Result<()> {
        let mut t = self.tree.lock();
        let (parent, name) = t.make_parents(path)?;
        if t.dir_entries(parent)?.contains_key(name) {
            return Err(Errno::Exist);
        }
        t.create(parent, name, Kind::Symlink(target.to_string()))
            .map(|_| ())
    }

    /// The contents of the file at `path` (no symbolic links followed).
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let t = self.tree.lock();
        match &t.node(t.lookup(path)?)?.kind {
            Kind::File(data) => Ok(data.clone()),
            Kind::Dir { .. } => Err(Errno::Isdir),
            Kind::Symlink(_) => Err(Errno::Loop),
        }
    }

    /// The names in the directory at `path`, sorted.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>> {
        let t = self.tree.lock();
        Ok(t.dir_entries(t.lookup(path)?)?.keys().cloned().collect())
    }

    /// Whether anything exists at `path` (no symbolic links followed).
    pub fn exists(&self, path: &str) -> bool {
        self.tree.lock().lookup(path).is_ok()
    }

    /// Copies the host directory `dir` (files, directories, symbolic links,
    /// modification times) into this filesystem's root.
    #[cfg(feature = "std")]
    pub fn load_host_dir(&self, dir: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        self.load_into("", dir.as_ref())
    }

    #[cfg(feature = "std")]
    fn load_into(&self, prefix: &str, dir: &std::path::Path) -> std::io::Result<()> {
        use std::io::{Error, ErrorKind};
        let err = |e: Errno, p: &std::path::Path| {
            Error::other(std::format!("cannot copy {} into memory: {e}", p.display()))
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().into_string().map_err(|n| {
                Error::new(
                    ErrorKind::InvalidData,
                    std::format!("{n:?} in {} is not UTF-8", dir.display()),
                )
            })?;
            let path = entry.path();
            let guest = if prefix.is_empty() {
                name.clone()
            } else {
                std::format!("{prefix}/{name}")
            };
            let meta = std::fs::symlink_metadata(&path)?;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path)?;
                let target = target.to_str().ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidData,
                        std::format!("the target of {} is not UTF-8", path.display()),
                    )
                })?;
                self.add_symlink(&guest, target)
                    .map_err(|e| err(e, &path))?;
            } else if meta.is_dir() {
                self.add_dir(&guest).map_err(|e| err(e, &path))?;
                self.load_into(&guest, &path)?;
            } else {
                self.add_file(&guest, std::fs::read(&path)?)
                    .map_err(|e| err(e, &path))?;
            }
            if let Ok(mtime) = meta.modified() {
                let nanos = crate::clock::system_time_nanos(mtime);
                let mut t = self.tree.lock();
                if let Ok(ino) = t.lookup(&guest) {
                    if let Ok(node) = t.node_mut(ino) {
                        node.mtim = nanos;
                        node.atim = nanos;
                    }
                }
            }
        }
        Ok(())
    }

    fn handle_dir(&self, ino: u64) -> Arc<dyn Dir> {
        Arc::new(MemDir {
            fs: self.clone(),
            ino,
        })
    }
}

fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

impl Tree {
    fn now(&self) -> u64 {
        self.clock.as_ref().map_or(0, |c| c.wall_nanos())
    }

    fn node(&self, ino: u64) -> Result<&Node> {
        self.nodes.get(&ino).ok_or(Errno::Noent)
    }

    fn node_mut(&mut self, ino: u64) -> Result<&mut Node> {
        self.nodes.get_mut(&ino).ok_or(Errno::Noent)
    }

    /// The entries of a live directory (`ENOENT` once removed).
    fn dir_entries(&self, ino: u64) -> Result<&BTreeMap<String, u64>> {
        let node = self.node(ino)?;
        match &node.kind {
            Kind::Dir { entries, .. } if node.links > 0 => Ok(entries),
            Kind::Dir { .. } => Err(Errno::Noent),
            _ => Err(Errno::Notdir),
        }
    }

    fn dir_entries_mut(&mut self, ino: u64) -> Result<&mut BTreeMap<String, u64>> {
        let node = self.node_mut(ino)?;
        match &mut node.kind {
            Kind::Dir { entries, .. } if node.links > 0 => Ok(entries),
            Kind::Dir { .. } => Err(Errno::Noent),
            _ => Err(Errno::Notdir),
        }
    }

    fn child(&self, dir: u64, name: &str) -> Result<u64> {
        self.dir_entries(dir)?
            .get(name)
            .copied()
            .ok_or(Errno::Noent)
    }

    fn lookup(&self, path: &str) -> Result<u64> {
        let mut ino = ROOT;
        for name in components(path) {
            ino = if name == ".." {
                match &self.node(ino)?.kind {
                    Kind::Dir { parent, .. } => *parent,
                    _ => return Err(Errno::Notdir),
                }
            } else {
                self.child(ino, name)?
            };
        }
        Ok(ino)
    }

    /// For the builder API: the parent directory of `path` (created as
    /// needed) and the last name.
    fn make_parents<'p>(&mut self, path: &'p str) -> Result<(u64, &'p str)> {
        let mut parts: Vec<&str> = components(path).collect();
        let name = parts.pop().ok_or(Errno::Inval)?;
        check_name(name)?;
        let mut dir = ROOT;
        for part in parts {
            check_name(part)?;
            dir = match self.dir_entries(dir)?.get(part) {
                Some(&ino) => ino,
                None => self.create(
                    dir,
                    part,
                    Kind::Dir {
                        entries: BTreeMap::new(),
                        parent: dir,
                    },
                )?,
            };
        }
        Ok((dir, name))
    }

    fn create(&mut self, dir: u64, name: &str, kind: Kind) -> Result<u64> {
        let now = self.now();
        let ino = self.next_ino;
        let entries = self.dir_entries_mut(dir)?;
        if entries.contains_key(name) {
            return Err(Errno::Exist);
        }
        entries.insert(name.to_string(), ino);
        self.next_ino += 1;
        self.nodes.insert(
            ino,
            Node {
                kind,
                links: 1,
                handles: 0,
                atim: now,
                mtim: now,
                ctim: now,
            },
        );
        self.touch_dir(dir, now);
        Ok(ino)
    }

    fn touch_dir(&mut self, dir: u64, now: u64) {
        if let Some(node) = self.nodes.get_mut(&dir) {
            node.mtim = now;
            node.ctim = now;
        }
    }

    /// Drops a node once nothing refers to it.
    fn release(&mut self, ino: u64) {
        let dead = self
            .nodes
            .get(&ino)
            .is_some_and(|n| n.links == 0 && n.handles == 0);
        if dead {
            if let Some(Node {
                kind: Kind::File(data),
                ..
            }) = self.nodes.remove(&ino)
            {
                self.used -= data.len() as u64;
            }
        }
    }

    fn unlink_entry(&mut self, dir: u64, name: &str) -> Result<u64> {
        let now = self.now();
        let ino = self
            .dir_entries_mut(dir)?
            .remove(name)
            .ok_or(Errno::Noent)?;
        let node = self.node_mut(ino)?;
        node.links -= 1;
        node.ctim = now;
        self.touch_dir(dir, now);
        self.release(ino);
        Ok(ino)
    }

    fn stat(&self, ino: u64) -> Result<Filestat> {
        let node = self.node(ino)?;
        let (filetype, size, nlink) = match &node.kind {
            Kind::File(data) => (Filetype::RegularFile, data.len() as u64, node.links),
            Kind::Symlink(t) => (Filetype::SymbolicLink, t.len() as u64, node.links),
            Kind::Dir { entries, .. } => {
                let subdirs = entries
                    .values()
                    .filter(|i| {
                        matches!(self.nodes.get(*i).map(|n| &n.kind), Some(Kind::Dir { .. }))
                    })
                    .count() as u64;
                let nlink = if node.links == 0 { 0 } else { 2 + subdirs };
                (Filetype::Directory, entries.len() as u64, nlink)
            }
        };
        Ok(Filestat {
            dev: self.dev,
            ino,
            filetype,
            nlink,
            size,
            atim: node.atim,
            mtim: node.mtim,
            ctim: node.ctim,
        })
    }

    fn set_times(&mut self, ino: u64, atim: SetTime, mtim: SetTime) -> Result<()> {
        let now = self.now();
        let node = self.node_mut(ino)?;
        if let Some(a) = atim {
            node.atim = a;
        }
        if let Some(m) = mtim {
            node.mtim = m;
        }
        node.ctim = now;
        Ok(())
    }

    fn file_data(&mut self, ino: u64) -> Result<&mut Vec<u8>> {
        match &mut self.node_mut(ino)?.kind {
            Kind::File(data) => Ok(data),
            Kind::Dir { .. } => Err(Errno::Isdir),
            Kind::Symlink(_) => Err(Errno::Inval),
        }
    }

    /// Truncates or extends a file. Sizes come from the guest, so every
    /// sum is checked: past [`MAX_FILE_SIZE`] (or what this host can
    /// address) is `EFBIG`, past the capacity `ENOSPC`, and the file is
    /// unchanged on either error.
    fn set_len(&mut self, ino: u64, len: u64) -> Result<()> {
        if len > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let (used, capacity, now) = (self.used, self.capacity, self.now());
        let data = self.file_data(ino)?;
        let old = data.len() as u64;
        // `used` counts every file's bytes, this one's included.
        let others = used.checked_sub(old).ok_or(Errno::Io)?;
        let new_used = others.checked_add(len).ok_or(Errno::Nospc)?;
        if len > old {
            if new_used > capacity {
                return Err(Errno::Nospc);
            }
            let new_len = usize::try_from(len).map_err(|_| Errno::Fbig)?;
            data.try_reserve(new_len - data.len())
                .map_err(|_| Errno::Nospc)?;
            data.resize(new_len, 0);
        } else {
            // len <= old, which is a usize.
            data.truncate(usize::try_from(len).map_err(|_| Errno::Fbig)?);
            data.shrink_to_fit();
        }
        self.used = new_used;
        let node = self.node_mut(ino)?;
        node.mtim = now;
        node.ctim = now;
        Ok(())
    }

    fn write(&mut self, ino: u64, buf: &[u8], offset: u64) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let end = write_end(offset, buf.len() as u64)?;
        let len = self.file_data(ino)?.len() as u64;
        if end > len {
            self.set_len(ino, end)?;
        }
        let now = self.now();
        let data = self.file_data(ino)?;
        // The file now holds `end` bytes, so both bounds fit a usize.
        let range = usize::try_from(offset).map_err(|_| Errno::Fbig)?
            ..usize::try_from(end).map_err(|_| Errno::Fbig)?;
        data.get_mut(range).ok_or(Errno::Io)?.copy_from_slice(buf);
        let node = self.node_mut(ino)?;
        node.mtim = now;
        node.ctim = now;
        Ok(buf.len())
    }

    fn is_ancestor(&self, ancestor: u64, mut ino: u64) -> bool {
        loop {
            if ino == ancestor {
                return true;
            }
            match self.nodes.get(&ino).map(|n| &n.kind) {
                Some(Kind::Dir { parent, .. }) if *parent != ino => ino = *parent,
                _ => return false,
            }
        }
    }
}

impl FileSystem for MemoryFs {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        self.tree.lock().node_mut(ROOT)?.handles += 1;
        Ok(self.handle_dir(ROOT))
    }
}

struct MemDir {
    fs: MemoryFs,
    ino: u64,
}

struct MemFile {
    fs: MemoryFs,
    ino: u64,
    options: OpenOptions,
}

impl Drop for MemDir {
    fn drop(&mut self) {
        let mut t = self.fs.tree.lock();
        if let Some(n) = t.nodes.get_mut(&self.ino) {
            n.handles -= 1;
        }
        t.release(self.ino);
    }
}

impl Drop for MemFile {
    fn drop(&mut self) {
        let mut t = self.fs.tree.lock();
        if let Some(n) = t.nodes.get_mut(&self.ino) {
            n.handles -= 1;
        }
        t.release(self.ino);
    }
}

impl MemDir {
    /// The other directory of a rename or link, if it is in this tree.
    fn peer<'a>(&self, other: &'a dyn Dir) -> Result<&'a MemDir> {
        match other.as_any().downcast_ref::<MemDir>() {
            Some(d) if Arc::ptr_eq(&d.fs.tree, &self.fs.tree) => Ok(d),
            _ => Err(Errno::Xdev),
        }
    }
}

impl Dir for MemDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn stat(&self) -> Result<Filestat> {
        self.fs.tree.lock().stat(self.ino)
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.fs.tree.lock().set_times(self.ino, atim, mtim)
    }

    fn read_dir(&self) -> Result<Vec<DirEntry>> {
        let t = self.fs.tree.lock();
        let entries = t.dir_entries(self.ino)?;
        Ok(entries
            .iter()
            .map(|(name, &ino)| DirEntry {
                name: name.clone(),
                ino,
                filetype: t.stat(ino).map_or(Filetype::Unknown, |s| s.filetype),
            })
            .collect())
    }

    fn stat_at(&self, name: &str) -> Result<Filestat> {
        check_name(name)?;
        let t = self.fs.tree.lock();
        t.stat(t.child(self.ino, name)?)
    }

    fn set_times_at(&self, name: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        check_name(name)?;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        t.set_times(ino, atim, mtim)
    }

    fn open_dir(&self, name: &str) -> Result<Arc<dyn Dir>> {
        check_name(name)?;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        let node = t.node_mut(ino)?;
        match node.kind {
            Kind::Dir { .. } => node.handles += 1,
            Kind::Symlink(_) => return Err(Errno::Loop),
            Kind::File(_) => return Err(Errno::Notdir),
        }
        drop(t);
        Ok(self.fs.handle_dir(ino))
    }

    fn open_file(&self, name: &str, options: OpenOptions) -> Result<Arc<dyn File>> {
        check_name(name)?;
        let mut t = self.fs.tree.lock();
        let ino = match t.child(self.ino, name) {
            Ok(ino) => {
                if options.create && options.exclusive {
                    return Err(Errno::Exist);
                }
                match t.node(ino)?.kind {
                    Kind::Dir { .. } => return Err(Errno::Isdir),
                    Kind::Symlink(_) => return Err(Errno::Loop),
                    Kind::File(_) => {}
                }
                if options.truncate {
                    t.set_len(ino, 0)?;
                }
                ino
            }
            Err(Errno::Noent) if options.create => {
                t.create(self.ino, name, Kind::File(Vec::new()))?
            }
            Err(e) => return Err(e),
        };
        t.node_mut(ino)?.handles += 1;
        drop(t);
        Ok(Arc::new(MemFile {
            fs: self.fs.clone(),
            ino,
            options,
        }))
    }

    fn create_dir(&self, name: &str) -> Result<()> {
        check_name(name)?;
        let parent = self.ino;
        self.fs
            .tree
            .lock()
            .create(
                parent,
                name,
                Kind::Dir {
                    entries: BTreeMap::new(),
                    parent,
                },
            )
            .map(|_| ())
    }

    fn remove_dir(&self, name: &str) -> Result<()> {
        check_name(name)?;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        match &t.node(ino)?.kind {
            Kind::Dir { entries, .. } if !entries.is_empty() => return Err(Errno::Notempty),
            Kind::Dir { .. } => {}
            _ => return Err(Errno::Notdir),
        }
        t.unlink_entry(self.ino, name).map(|_| ())
    }

    fn unlink(&self, name: &str) -> Result<()> {
        check_name(name)?;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        if let Kind::Dir { .. } = t.node(ino)?.kind {
            return Err(Errno::Isdir);
        }
        t.unlink_entry(self.ino, name).map(|_| ())
    }

    fn symlink(&self, target: &str, name: &str) -> Result<()> {
        check_name(name)?;
        self.fs
            .tree
            .lock()
            .create(self.ino, name, Kind::Symlink(target.to_string()))
            .map(|_| ())
    }

    fn read_link(&self, name: &str) -> Result<String> {
        check_name(name)?;
        let t = self.fs.tree.lock();
        match &t.node(t.child(self.ino, name)?)?.kind {
            Kind::Symlink(target) => Ok(target.clone()),
            _ => Err(Errno::Inval),
        }
    }

    fn rename(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        check_name(name)?;
        check_name(new_name)?;
        let to = self.peer(new_dir)?.ino;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        t.dir_entries(to)?;
        let src_is_dir = matches!(t.node(ino)?.kind, Kind::Dir { .. });
        if let Ok(existing) = t.child(to, new_name) {
            if existing == ino {
                return Ok(());
            }
            match (&t.node(existing)?.kind, src_is_dir) {
                (Kind::Dir { entries, .. }, true) if !entries.is_empty() => {
                    return Err(Errno::Notempty)
                }
                (Kind::Dir { .. }, false) => return Err(Errno::Isdir),
                (Kind::File(_) | Kind::Symlink(_), true) => return Err(Errno::Notdir),
                _ => {}
            }
        }
        if src_is_dir && t.is_ancestor(ino, to) {
            return Err(Errno::Inval);
        }
        if t.child(to, new_name).is_ok() {
            t.unlink_entry(to, new_name)?;
        }
        let now = t.now();
        t.dir_entries_mut(self.ino)?.remove(name);
        t.dir_entries_mut(to)?.insert(new_name.to_string(), ino);
        let node = t.node_mut(ino)?;
        node.ctim = now;
        if let Kind::Dir { parent, .. } = &mut node.kind {
            *parent = to;
        }
        t.touch_dir(self.ino, now);
        t.touch_dir(to, now);
        Ok(())
    }

    fn link(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        check_name(name)?;
        check_name(new_name)?;
        let to = self.peer(new_dir)?.ino;
        let mut t = self.fs.tree.lock();
        let ino = t.child(self.ino, name)?;
        if let Kind::Dir { .. } = t.node(ino)?.kind {
            return Err(Errno::Perm);
        }
        let now = t.now();
        let entries = t.dir_entries_mut(to)?;
        if entries.contains_key(new_name) {
            return Err(Errno::Exist);
        }
        entries.insert(new_name.to_string(), ino);
        let node = t.node_mut(ino)?;
        node.links += 1;
        node.ctim = now;
        t.touch_dir(to, now);
        Ok(())
    }
}

impl File for MemFile {
    fn stat(&self) -> Result<Filestat> {
        self.fs.tree.lock().stat(self.ino)
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let mut t = self.fs.tree.lock();
        let data = t.file_data(self.ino)?;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        Ok(n)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize> {
        if !self.options.write {
            return Err(Errno::Badf);
        }
        self.fs.tree.lock().write(self.ino, buf, offset)
    }

    fn set_size(&self, size: u64) -> Result<()> {
        if !self.options.write {
            return Err(Errno::Badf);
        }
        self.fs.tree.lock().set_len(self.ino, size)
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.fs.tree.lock().set_times(self.ino, atim, mtim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw() -> OpenOptions {
        OpenOptions {
            read: true,
            write: true,
            create: true,
            ..OpenOptions::default()
        }
    }

    #[test]
    fn files_dirs_and_links_behave_like_posix() {
        let fs = MemoryFs::new();
        let root = fs.root().unwrap();
        let f = root.open_file("a", rw()).unwrap();
        assert_eq!(f.write_at(b"hello", 2).unwrap(), 5);
        let mut buf = [9u8; 10];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 7);
        assert_eq!(&buf[..7], b"\0\0hello");
        root.link("a", &*root, "b").unwrap();
        assert_eq!(root.stat_at("b").unwrap().nlink, 2);
        assert_eq!(root.link("a", &*root, "b"), Err(Errno::Exist));
        root.create_dir("d").unwrap();
        assert_eq!(root.link("d", &*root, "e"), Err(Errno::Perm));
        assert_eq!(root.unlink("d"), Err(Errno::Isdir));
        assert_eq!(root.remove_dir("a"), Err(Errno::Notdir));
        root.rename("a", &*root, "d2").unwrap();
        assert_eq!(root.rename("d2", &*root, "d"), Err(Errno::Isdir));
        let d = root.open_dir("d").unwrap();
        d.create_dir("x").unwrap();
        assert_eq!(root.remove_dir("d"), Err(Errno::Notempty));
        assert_eq!(d.rename("x", &*d, "x"), Ok(()));
        // A directory cannot move into itself.
        let x = d.open_dir("x").unwrap();
        assert_eq!(root.rename("d", &*x, "y"), Err(Errno::Inval));
        root.symlink("nowhere", "s").unwrap();
        assert_eq!(root.read_link("s").unwrap(), "nowhere");
        assert_eq!(root.open_file("s", rw()).err(), Some(Errno::Loop));
        assert_eq!(root.stat_at("s").unwrap().filetype, Filetype::SymbolicLink);
    }

    #[test]
    fn unlinked_open_files_stay_readable_then_go_away() {
        let fs = MemoryFs::new();
        let root = fs.root().unwrap();
        let f = root.open_file("f", rw()).unwrap();
        f.write_at(b"data", 0).unwrap();
        root.unlink("f").unwrap();
        assert_eq!(fs.used_bytes(), 4);
        let mut buf = [0u8; 4];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 4);
        drop(f);
        assert_eq!(fs.used_bytes(), 0);
    }

    #[test]
    fn capacity_limits_file_data() {
        let fs = MemoryFs::new().with_capacity(10);
        let root = fs.root().unwrap();
        let f = root.open_file("f", rw()).unwrap();
        assert_eq!(f.write_at(b"0123456789", 0).unwrap(), 10);
        assert_eq!(f.write_at(b"x", 10), Err(Errno::Nospc));
        assert_eq!(f.set_size(u64::MAX), Err(Errno::Fbig));
        assert_eq!(f.set_size(11), Err(Errno::Nospc));
    }

    #[test]
    fn sizes_and_offsets_near_the_top_fail_cleanly() {
        // Another file's bytes in `used` made `used - old + len` overflow.
        let fs = MemoryFs::new();
        fs.add_file("other", "0123456789").unwrap();
        let root = fs.root().unwrap();
        let f = root.open_file("f", rw()).unwrap();
        f.write_at(b"abc", 0).unwrap();
        let max = MAX_FILE_SIZE;
        for size in [u64::MAX, u64::MAX - 5, max + 1] {
            assert_eq!(f.set_size(size), Err(Errno::Fbig), "set_size({size})");
        }
        // Within the largest file size but beyond the capacity.
        assert_eq!(f.set_size(max), Err(Errno::Nospc));
        assert_eq!(f.set_size(max - 1), Err(Errno::Nospc));
        for offset in [u64::MAX, u64::MAX - 1, max, max - 1] {
            assert_eq!(f.write_at(b"xy", offset), Err(Errno::Fbig), "at {offset}");
        }
        assert_eq!(f.write_at(b"x", max - 1), Err(Errno::Nospc));
        assert_eq!(f.write_at(b"", u64::MAX), Ok(0));
        assert_eq!(f.allocate(u64::MAX, 2), Err(Errno::Fbig));
        assert_eq!(f.allocate(max, 1), Err(Errno::Fbig));
        assert_eq!(fs.read_file("f").unwrap(), b"abc");
        assert_eq!(fs.used_bytes(), 13);
        let mut buf = [0u8; 4];
        assert_eq!(f.read_at(&mut buf, u64::MAX), Ok(0));
    }

    #[test]
    fn builder_api_reads_back() {
        let fs = MemoryFs::new();
        fs.add_file("a/b/c.txt", "hi").unwrap();
        fs.add_symlink("a/l", "b").unwrap();
        assert_eq!(fs.read_file("a/b/c.txt").unwrap(), b"hi");
        assert_eq!(fs.list_dir("a").unwrap(), ["b", "l"]);
        assert!(fs.exists("a/l"));
        assert_eq!(fs.read_file("a/l"), Err(Errno::Loop));
    }
}
