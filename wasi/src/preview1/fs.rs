//! The `fd_*` and `path_*` calls. Each one checks, in this order: the
//! descriptor (`EBADF`), what kind of descriptor it is (`EISDIR`,
//! `ENOTDIR`, `ESPIPE`), the rights the guest gave up (`ENOTCAPABLE`; see
//! `fd_table` for the rights model), its open mode (`EBADF` for reading a
//! file not opened for it, as POSIX), the guest pointers it
//! will write through (`EFAULT`, before any side effect), then does the
//! work. Paths go through [`Walk`], the sandbox. Sizes and offsets are the
//! guest's `u64`s: every sum on them is checked, and past
//! [`MAX_FILE_SIZE`] a size or a write is `EFBIG`, a seek `EINVAL`.
use crate::abi::{
    encode_dirent, whence, Fdflags, Fdstat, Filestat, Filetype, Fstflags, Lookupflags, Oflags,
    Rights, ADVICE_MAX, FDSTAT_SIZE, FILESTAT_SIZE, PREOPENTYPE_DIR,
};
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::fd_table::{Desc, Entry};
use crate::fs::{Dir, File, OpenOptions, SetTime, MAX_FILE_SIZE};
use crate::mem::GuestMemory;
use crate::path::{Last, Walk};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

fn need(rights: Rights, needed: Rights) -> Result<()> {
    if rights.contains(needed) {
        Ok(())
    } else {
        Err(Errno::Notcapable)
    }
}

/// Checks that every `(ptr, len)` lies in memory, returning the total.
fn check_iovecs(m: &GuestMemory<'_>, iovs: &[(u32, u32)]) -> Result<u64> {
    let mut total = 0u64;
    for &(p, l) in iovs {
        m.slice(p, l)?;
        total += u64::from(l);
    }
    Ok(total)
}

fn stream_filestat(terminal: bool) -> Filestat {
    Filestat {
        filetype: if terminal {
            Filetype::CharacterDevice
        } else {
            Filetype::Unknown
        },
        nlink: 1,
        ..Filestat::default()
    }
}

/// Turns `fst_flags` and two times into what to set.
fn set_times(s: &State, atim: u64, mtim: u64, fst: u32) -> Result<(SetTime, SetTime)> {
    let flags = u16::try_from(fst)
        .ok()
        .and_then(Fstflags::from_bits)
        .ok_or(Errno::Inval)?;
    if flags.contains(Fstflags::ATIM | Fstflags::ATIM_NOW)
        || flags.contains(Fstflags::MTIM | Fstflags::MTIM_NOW)
    {
        return Err(Errno::Inval);
    }
    let now = s.clock.wall_nanos();
    let pick = |set: Fstflags, set_now: Fstflags, t: u64| {
        if flags.contains(set) {
            Some(t)
        } else if flags.contains(set_now) {
            Some(now)
        } else {
            None
        }
    };
    Ok((
        pick(Fstflags::ATIM, Fstflags::ATIM_NOW, atim),
        pick(Fstflags::MTIM, Fstflags::MTIM_NOW, mtim),
    ))
}

// ---- descriptors ----------------------------------------------------------

pub fn fd_advise(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
    advice: u32,
) -> Result<()> {
    let e = s.fds.get(fd)?;
    let advice = u8::try_from(advice)
        .ok()
        .filter(|a| *a <= ADVICE_MAX)
        .ok_or(Errno::Inval)?;
    match &e.desc {
        Desc::File { file, .. } => {
            e.require(Rights::FD_ADVISE)?;
            file.advise(offset, len, advice)
        }
        Desc::Dir { .. } => Err(Errno::Isdir),
        _ => Err(Errno::Spipe),
    }
}

pub fn fd_allocate(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
) -> Result<()> {
    let e = s.fds.get(fd)?;
    match &e.desc {
        Desc::File { file, .. } => {
            e.require(Rights::FD_ALLOCATE)?;
            // posix_fallocate on a descriptor not open for writing.
            if !e.write {
                return Err(Errno::Badf);
            }
            crate::fs::write_end(offset, len)?;
            file.allocate(offset, len)
        }
        Desc::Dir { .. } => Err(Errno::Isdir),
        _ => Err(Errno::Spipe),
    }
}

pub fn fd_close(s: &mut State, _m: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    let mut e = s.fds.remove(fd)?;
    if let Desc::Output(out) = &mut e.desc {
        let _ = out.flush();
    }
    Ok(())
}

pub fn fd_datasync(s: &mut State, _m: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    match &e.desc {
        Desc::File { file, .. } => {
            e.require(Rights::FD_DATASYNC)?;
            file.datasync()
        }
        Desc::Dir { dir, .. } => {
            e.require(Rights::FD_DATASYNC)?;
            dir.sync()
        }
        _ => Err(Errno::Inval),
    }
}

pub fn fd_sync(s: &mut State, _m: &mut GuestMemory<'_>, fd: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    match &e.desc {
        Desc::File { file, .. } => {
            e.require(Rights::FD_SYNC)?;
            file.sync()
        }
        Desc::Dir { dir, .. } => {
            e.require(Rights::FD_SYNC)?;
            dir.sync()
        }
        _ => Err(Errno::Inval),
    }
}

fn filetype(e: &Entry) -> Filetype {
    match &e.desc {
        Desc::Input(i) if i.is_terminal() => Filetype::CharacterDevice,
        Desc::Output(o) if o.is_terminal() => Filetype::CharacterDevice,
        Desc::Input(_) | Desc::Output(_) => Filetype::Unknown,
        Desc::File { .. } => Filetype::RegularFile,
        Desc::Dir { .. } => Filetype::Directory,
    }
}

pub fn fd_fdstat_get(s: &mut State, m: &mut GuestMemory<'_>, fd: u32, buf: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    let (rights_base, rights_inheriting) = e.reported_rights();
    let stat = Fdstat {
        filetype: filetype(e),
        flags: e.flags,
        rights_base,
        rights_inheriting,
    };
    m.write(buf, &stat.encode())
}

pub fn fd_fdstat_set_flags(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
) -> Result<()> {
    let e = s.fds.get_mut(fd)?;
    e.require(Rights::FD_FDSTAT_SET_FLAGS)?;
    let flags = u16::try_from(flags)
        .ok()
        .and_then(Fdflags::from_bits)
        .ok_or(Errno::Inval)?;
    e.flags = flags;
    Ok(())
}

pub fn fd_fdstat_set_rights(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> Result<()> {
    let e = s.fds.get_mut(fd)?;
    let base = Rights::from_bits(base).ok_or(Errno::Inval)?;
    let inheriting = Rights::from_bits(inheriting).ok_or(Errno::Inval)?;
    let (has_base, has_inheriting) = e.reported_rights();
    if !has_base.contains(base) || !has_inheriting.contains(inheriting) {
        return Err(Errno::Notcapable);
    }
    // Only what was reported and is now left out is given up: a guest
    // that sets back what `fd_fdstat_get` gave it keeps the unreported
    // rights it had (a preopen truncating through `path_open`, say).
    e.rights_base -= has_base - base;
    e.rights_inheriting -= has_inheriting - inheriting;
    Ok(())
}

pub fn fd_filestat_get(s: &mut State, m: &mut GuestMemory<'_>, fd: u32, buf: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    e.require(Rights::FD_FILESTAT_GET)?;
    m.slice(buf, FILESTAT_SIZE)?;
    let st = match &e.desc {
        Desc::File { file, .. } => file.stat()?,
        Desc::Dir { dir, .. } => dir.stat()?,
        Desc::Input(i) => stream_filestat(i.is_terminal()),
        Desc::Output(o) => stream_filestat(o.is_terminal()),
    };
    m.write(buf, &st.encode())
}

pub fn fd_filestat_set_size(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    size: u64,
) -> Result<()> {
    let e = s.fds.get(fd)?;
    match &e.desc {
        Desc::File { file, .. } => {
            e.require(Rights::FD_FILESTAT_SET_SIZE)?;
            // ftruncate on a descriptor not open for writing.
            if !e.write {
                return Err(Errno::Inval);
            }
            // A guest's -1 arrives as u64::MAX: EFBIG here, whatever the
            // filesystem behind the descriptor would make of it.
            if size > MAX_FILE_SIZE {
                return Err(Errno::Fbig);
            }
            file.set_size(size)
        }
        Desc::Dir { .. } => Err(Errno::Isdir),
        _ => Err(Errno::Inval),
    }
}

pub fn fd_filestat_set_times(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<()> {
    let (a, t) = set_times(s, atim, mtim, fst)?;
    let e = s.fds.get(fd)?;
    e.require(Rights::FD_FILESTAT_SET_TIMES)?;
    match &e.desc {
        Desc::File { file, .. } => file.set_times(a, t),
        Desc::Dir { dir, .. } => dir.set_times(a, t),
        _ => Err(Errno::Notsup),
    }
}

/// Reads into `iovs` from a stream or a file at `at` (or the cursor).
fn read_into(
    e: &mut Entry,
    m: &mut GuestMemory<'_>,
    iovs: &[(u32, u32)],
    at: Option<u64>,
) -> Result<u32> {
    let mut total = 0usize;
    match &mut e.desc {
        Desc::Input(input) => {
            if at.is_some() {
                return Err(Errno::Spipe);
            }
            need(e.rights_base, Rights::FD_READ)?;
            for &(p, l) in iovs {
                if l == 0 {
                    continue;
                }
                let n = input.read(m.slice_mut(p, l)?)?;
                total += n;
                // A stream returns what it has: do not block for more.
                break;
            }
        }
        Desc::File { file, pos } => {
            let needed = if at.is_some() {
                Rights::FD_READ | Rights::FD_SEEK
            } else {
                Rights::FD_READ
            };
            need(e.rights_base, needed)?;
            if !e.read {
                return Err(Errno::Badf);
            }
            let start = at.unwrap_or(*pos);
            for &(p, l) in iovs {
                let buf = m.slice_mut(p, l)?;
                // `start` is the guest's; past the top nothing can be read.
                let Some(offset) = start.checked_add(total as u64) else {
                    break;
                };
                let n = match file.read_at(buf, offset) {
                    Ok(n) => n,
                    Err(_) if total > 0 => break,
                    Err(err) => return Err(err),
                };
                total += n;
                if n < l as usize {
                    break;
                }
            }
            if at.is_none() {
                *pos = start.checked_add(total as u64).ok_or(Errno::Overflow)?;
            }
        }
        Desc::Dir { .. } => return Err(Errno::Isdir),
        Desc::Output(_) => {
            return Err(if at.is_some() {
                Errno::Spipe
            } else {
                Errno::Badf
            })
        }
    }
    Ok(total as u32)
}

/// Writes `iovs` to a stream or a file at `at` (or the cursor / the end).
fn write_from(
    e: &mut Entry,
    m: &GuestMemory<'_>,
    iovs: &[(u32, u32)],
    at: Option<u64>,
) -> Result<u32> {
    let mut total = 0usize;
    let flags = e.flags;
    match &mut e.desc {
        Desc::Output(out) => {
            if at.is_some() {
                return Err(Errno::Spipe);
            }
            need(e.rights_base, Rights::FD_WRITE)?;
            'all: for &(p, l) in iovs {
                let mut data = m.slice(p, l)?;
                while !data.is_empty() {
                    match out.write(data) {
                        Ok(0) => break 'all,
                        Ok(n) => {
                            total += n;
                            data = &data[n..];
                        }
                        Err(_) if total > 0 => break 'all,
                        Err(err) => return Err(err),
                    }
                }
            }
        }
        Desc::File { file, pos } => {
            let needed = if at.is_some() {
                Rights::FD_WRITE | Rights::FD_SEEK
            } else {
                Rights::FD_WRITE
            };
            need(e.rights_base, needed)?;
            if !e.write {
                return Err(Errno::Badf);
            }
            let start = match at {
                Some(offset) => offset,
                None if flags.contains(Fdflags::APPEND) => file.stat()?.size,
                None => *pos,
            };
            // Refused whole before any byte moves, so a write that would
            // cross the largest file size leaves the file as it was.
            let len: u64 = iovs.iter().map(|&(_, l)| u64::from(l)).sum();
            let end = crate::fs::write_end(start, len)?;
            for &(p, l) in iovs {
                let data = m.slice(p, l)?;
                // At most `end`, which did not overflow.
                let n = match file.write_at(data, start + total as u64) {
                    Ok(n) => n,
                    Err(_) if total > 0 => break,
                    Err(err) => return Err(err),
                };
                total += n;
                if n < l as usize {
                    break;
                }
            }
            if at.is_none() {
                *pos = start.saturating_add(total as u64).min(end);
            }
            if flags.intersects(Fdflags::SYNC | Fdflags::RSYNC) {
                file.sync()?;
            } else if flags.contains(Fdflags::DSYNC) {
                file.datasync()?;
            }
        }
        Desc::Dir { .. } => return Err(Errno::Isdir),
        Desc::Input(_) => {
            return Err(if at.is_some() {
                Errno::Spipe
            } else {
                Errno::Badf
            })
        }
    }
    Ok(total as u32)
}

pub fn fd_read(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread: u32,
) -> Result<()> {
    transfer(s, m, fd, iovs, iovs_len, None, nread, read_into)
}

pub fn fd_pread(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread: u32,
) -> Result<()> {
    transfer(s, m, fd, iovs, iovs_len, Some(offset), nread, read_into)
}

pub fn fd_write(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten: u32,
) -> Result<()> {
    transfer(s, m, fd, iovs, iovs_len, None, nwritten, |e, m, v, at| {
        write_from(e, m, v, at)
    })
}

pub fn fd_pwrite(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten: u32,
) -> Result<()> {
    transfer(
        s,
        m,
        fd,
        iovs,
        iovs_len,
        Some(offset),
        nwritten,
        |e, m, v, at| write_from(e, m, v, at),
    )
}

/// The shared shape of the four vectored I/O calls: check every guest
/// range before anything moves, move the bytes, report the count.
#[allow(clippy::too_many_arguments)]
fn transfer<F>(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: Option<u64>,
    count: u32,
    mv: F,
) -> Result<()>
where
    F: FnOnce(&mut Entry, &mut GuestMemory<'_>, &[(u32, u32)], Option<u64>) -> Result<u32>,
{
    let e = s.fds.get_mut(fd)?;
    let iovs = m.iovecs(iovs, iovs_len)?;
    check_iovecs(m, &iovs)?;
    m.slice(count, 4)?;
    let n = mv(e, m, &iovs, offset)?;
    m.write_u32(count, n)
}

pub fn fd_prestat_get(s: &mut State, m: &mut GuestMemory<'_>, fd: u32, buf: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
    let mut b = [0u8; 8];
    b[0] = PREOPENTYPE_DIR;
    b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    m.write(buf, &b)
}

pub fn fd_prestat_dir_name(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    len: u32,
) -> Result<()> {
    let e = s.fds.get(fd)?;
    let name = e.preopen.as_ref().ok_or(Errno::Badf)?;
    if name.len() > len as usize {
        return Err(Errno::Nametoolong);
    }
    m.write(path, name.as_bytes())
}

pub fn fd_readdir(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> Result<()> {
    let e = s.fds.get_mut(fd)?;
    let Desc::Dir { dir, listing, .. } = &mut e.desc else {
        return Err(Errno::Notdir);
    };
    need(e.rights_base, Rights::FD_READDIR)?;
    m.slice(buf, buf_len)?;
    m.slice(bufused, 4)?;
    if cookie == 0 || listing.is_none() {
        let mut entries = Vec::new();
        let ino = dir.stat()?.ino;
        entries.push((String::from("."), ino, Filetype::Directory));
        entries.push((String::from(".."), 0, Filetype::Directory));
        for d in dir.read_dir()? {
            entries.push((d.name, d.ino, d.filetype));
        }
        *listing = Some(entries);
    }
    let entries = listing.as_ref().map_or(&[][..], |l| &l[..]);
    let out = m.slice_mut(buf, buf_len)?;
    let mut used = 0usize;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, (name, ino, ft)) in entries.iter().enumerate().skip(start) {
        let header = encode_dirent(i as u64 + 1, *ino, name.len() as u32, *ft);
        for part in [&header[..], name.as_bytes()] {
            let n = part.len().min(out.len() - used);
            out[used..used + n].copy_from_slice(&part[..n]);
            used += n;
        }
        if used == out.len() {
            break;
        }
    }
    m.write_u32(bufused, used as u32)
}

pub fn fd_renumber(s: &mut State, _m: &mut GuestMemory<'_>, from: u32, to: u32) -> Result<()> {
    s.fds.renumber(from, to)
}

pub fn fd_seek(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    offset: i64,
    how: u32,
    newoffset: u32,
) -> Result<()> {
    let e = s.fds.get_mut(fd)?;
    let Desc::File { file, pos } = &mut e.desc else {
        return Err(match e.desc {
            Desc::Dir { .. } => Errno::Isdir,
            _ => Errno::Spipe,
        });
    };
    let needed = if offset == 0 && how == u32::from(whence::CUR) {
        Rights::FD_TELL
    } else {
        Rights::FD_SEEK
    };
    need(e.rights_base, needed)?;
    m.slice(newoffset, 8)?;
    let base = match u8::try_from(how).map_err(|_| Errno::Inval)? {
        whence::SET => 0,
        whence::CUR => *pos,
        whence::END => file.stat()?.size,
        _ => return Err(Errno::Inval),
    };
    // As Linux's lseek: a negative result, or one past the largest file
    // size (where no byte can be written), is EINVAL and moves nothing.
    let new = i128::from(base) + i128::from(offset);
    let new = u64::try_from(new)
        .ok()
        .filter(|n| *n <= MAX_FILE_SIZE)
        .ok_or(Errno::Inval)?;
    *pos = new;
    m.write_u64(newoffset, new)
}

pub fn fd_tell(s: &mut State, m: &mut GuestMemory<'_>, fd: u32, offset: u32) -> Result<()> {
    let e = s.fds.get(fd)?;
    let pos = match &e.desc {
        Desc::File { pos, .. } => *pos,
        Desc::Dir { .. } => return Err(Errno::Isdir),
        _ => return Err(Errno::Spipe),
    };
    e.require(Rights::FD_TELL)?;
    m.write_u64(offset, pos)
}

// ---- paths ----------------------------------------------------------------

/// The directory behind `fd`, with its mount and inheritable rights.
fn dir_fd(s: &State, fd: u32, needed: Rights) -> Result<(Arc<dyn Dir>, u32, Rights)> {
    let e = s.fds.get(fd)?;
    match &e.desc {
        Desc::Dir { dir, mount, .. } => {
            e.require(needed)?;
            Ok((dir.clone(), *mount, e.rights_inheriting))
        }
        _ => Err(Errno::Notdir),
    }
}

fn lookup_flags(flags: u32) -> Result<bool> {
    let f = Lookupflags::from_bits(flags).ok_or(Errno::Inval)?;
    Ok(f.contains(Lookupflags::SYMLINK_FOLLOW))
}

pub fn path_create_directory(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    len: u32,
) -> Result<()> {
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_CREATE_DIRECTORY)?;
    let path = m.str(path, len)?;
    let mut walk = Walk::new(dir);
    match walk.parent(path)? {
        Last::Dir => Err(Errno::Exist),
        Last::Name(name, _) => walk.dir().create_dir(&name),
    }
}

/// Stats what `last` names, checking that a `/`-terminated name is a
/// directory.
fn stat_last(walk: &Walk, last: &Last) -> Result<Filestat> {
    match last {
        Last::Dir => walk.dir().stat(),
        Last::Name(name, trailing) => {
            let st = walk.dir().stat_at(name)?;
            if *trailing && st.filetype != Filetype::Directory {
                return Err(Errno::Notdir);
            }
            Ok(st)
        }
    }
}

pub fn path_filestat_get(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    len: u32,
    buf: u32,
) -> Result<()> {
    let follow = lookup_flags(flags)?;
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_FILESTAT_GET)?;
    let path = m.str(path, len)?;
    m.slice(buf, FILESTAT_SIZE)?;
    let mut walk = Walk::new(dir);
    let last = walk.parent(path)?;
    let last = walk.follow(last, follow)?;
    let st = stat_last(&walk, &last)?;
    m.write(buf, &st.encode())
}

pub fn path_filestat_set_times(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    len: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Result<()> {
    let follow = lookup_flags(flags)?;
    let (a, t) = set_times(s, atim, mtim, fst)?;
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_FILESTAT_SET_TIMES)?;
    let path = m.str(path, len)?;
    let mut walk = Walk::new(dir);
    let last = walk.parent(path)?;
    let last = walk.follow(last, follow)?;
    match &last {
        Last::Dir => walk.dir().set_times(a, t),
        Last::Name(name, trailing) => {
            if *trailing {
                stat_last(&walk, &last)?;
            }
            walk.dir().set_times_at(name, a, t)
        }
    }
}

pub fn path_link(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> Result<()> {
    let follow = lookup_flags(old_flags)?;
    let (old_dir, old_mount, _) = dir_fd(s, old_fd, Rights::PATH_LINK_SOURCE)?;
    let (new_dir, new_mount, _) = dir_fd(s, new_fd, Rights::PATH_LINK_TARGET)?;
    let old_path = m.str(old_path, old_len)?;
    let new_path = m.str(new_path, new_len)?;
    if old_mount != new_mount {
        return Err(Errno::Xdev);
    }
    let mut from = Walk::new(old_dir);
    let last = from.parent(old_path)?;
    let old_name = match from.follow(last, follow)? {
        Last::Dir => return Err(Errno::Perm),
        Last::Name(name, trailing) => {
            if trailing {
                let st = from.dir().stat_at(&name)?;
                return Err(if st.filetype == Filetype::Directory {
                    Errno::Perm
                } else {
                    Errno::Notdir
                });
            }
            name
        }
    };
    let mut to = Walk::new(new_dir);
    let new_name = match to.parent(new_path)? {
        Last::Dir => return Err(Errno::Exist),
        Last::Name(name, trailing) => {
            if trailing {
                return Err(match to.dir().stat_at(&name) {
                    Ok(_) => Errno::Exist,
                    Err(e) => e,
                });
            }
            name
        }
    };
    from.dir().link(&old_name, &**to.dir(), &new_name)
}

fn oflags_of(oflags: u32) -> Result<Oflags> {
    u16::try_from(oflags)
        .ok()
        .and_then(Oflags::from_bits)
        .ok_or(Errno::Inval)
}

pub fn path_open(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    dirflags: u32,
    path: u32,
    len: u32,
    oflags: u32,
    base: u64,
    _inheriting: u64,
    fdflags: u32,
    opened: u32,
) -> Result<()> {
    let follow = lookup_flags(dirflags)?;
    let oflags = oflags_of(oflags)?;
    let fdflags = u16::try_from(fdflags)
        .ok()
        .and_then(Fdflags::from_bits)
        .ok_or(Errno::Inval)?;
    let mut needed = Rights::PATH_OPEN;
    if oflags.contains(Oflags::CREAT) {
        needed |= Rights::PATH_CREATE_FILE;
    }
    if oflags.contains(Oflags::TRUNC) {
        needed |= Rights::PATH_FILESTAT_SET_SIZE;
    }
    let (dir, mount, allowed) = dir_fd(s, fd, needed)?;
    let path = m.str(path, len)?;
    m.slice(opened, 4)?;
    // As in wasmtime, the requested rights choose the open mode and
    // nothing else: toolchains ask for rights that have little to do with
    // what they then do (see `fd_table`). Unknown bits are ignored, as the
    // other rights are.
    let base = Rights::from_bits_truncate(base);
    let write = base.contains(Rights::FD_WRITE);
    let read = base.contains(Rights::FD_READ) || !write;
    // Unless the guest took them from the directory.
    let mode = Rights::FD_WRITE.union(Rights::FD_READ) & base;
    if !allowed.contains(mode) {
        return Err(Errno::Notcapable);
    }

    // Creating a directory is `path_create_directory`'s job: as Linux's
    // `openat` (since 6.4) and wasmtime, `EINVAL` before any lookup.
    if oflags.contains(Oflags::CREAT | Oflags::DIRECTORY) {
        return Err(Errno::Inval);
    }

    let mut walk = Walk::new(dir);
    let mut last = walk.parent(path)?;
    // As Linux and wasmtime: creating something named with a trailing `/`
    // is `EISDIR` whatever is there (a file, a link, nothing), and so is
    // creating without `EXCL` what turns out to be a directory (below).
    if oflags.contains(Oflags::CREAT) && matches!(last, Last::Name(_, true)) {
        return Err(Errno::Isdir);
    }
    let desc = loop {
        let open_dir_here = |d: Arc<dyn Dir>| -> Result<Desc> {
            if oflags.contains(Oflags::CREAT | Oflags::EXCL) {
                return Err(Errno::Exist);
            }
            if oflags.intersects(Oflags::TRUNC | Oflags::CREAT) || base.contains(Rights::FD_WRITE) {
                return Err(Errno::Isdir);
            }
            Ok(Desc::Dir {
                dir: d,
                mount,
                listing: None,
            })
        };
        let (name, trailing) = match &last {
            Last::Dir => break open_dir_here(walk.dir().clone())?,
            Last::Name(name, trailing) => (name.clone(), *trailing),
        };
        // A symbolic link in the last component: follow it or fail.
        let follow_link = |walk: &mut Walk| -> Result<Last> {
            match walk.dir().read_link(&name) {
                Ok(target) if follow || trailing => Ok(match walk.expand(&target)? {
                    Last::Name(n, t) => Last::Name(n, t || trailing),
                    Last::Dir => Last::Dir,
                }),
                Ok(_) => Err(Errno::Loop),
                Err(_) => Err(Errno::Notdir),
            }
        };
        if oflags.contains(Oflags::DIRECTORY) || trailing {
            match walk.dir().open_dir(&name) {
                Ok(d) => break open_dir_here(d)?,
                Err(Errno::Loop | Errno::Notdir) => last = follow_link(&mut walk)?,
                Err(e) => return Err(e),
            }
            continue;
        }
        let options = OpenOptions {
            read,
            write,
            create: oflags.contains(Oflags::CREAT),
            exclusive: oflags.contains(Oflags::EXCL),
            truncate: oflags.contains(Oflags::TRUNC),
        };
        match walk.dir().open_file(&name, options) {
            Ok(file) => break Desc::File { file, pos: 0 },
            Err(Errno::Isdir) => {
                if write || oflags.contains(Oflags::TRUNC) {
                    return Err(Errno::Isdir);
                }
                let d = walk.dir().open_dir(&name)?;
                break open_dir_here(d)?;
            }
            Err(Errno::Loop) => last = follow_link(&mut walk)?,
            Err(e) => return Err(e),
        }
    };
    let entry = match desc {
        Desc::Dir { .. } => Entry::new(desc, true, false),
        _ => Entry::new(desc, read, write),
    };
    let new_fd = s.fds.insert(Entry {
        rights_base: allowed,
        rights_inheriting: allowed,
        flags: fdflags,
        ..entry
    })?;
    m.write_u32(opened, new_fd)
}

pub fn path_readlink(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> Result<()> {
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_READLINK)?;
    let path = m.str(path, len)?;
    m.slice(buf, buf_len)?;
    m.slice(bufused, 4)?;
    let mut walk = Walk::new(dir);
    let target = match walk.parent(path)? {
        Last::Dir => return Err(Errno::Inval),
        // A trailing `/` asks for a directory: a link is not one (wasmtime
        // does not follow it here), anything else that is no directory is
        // `ENOTDIR`.
        Last::Name(name, true) => {
            let ft = walk.dir().stat_at(&name)?.filetype;
            return Err(match ft {
                Filetype::Directory | Filetype::SymbolicLink => Errno::Inval,
                _ => Errno::Notdir,
            });
        }
        Last::Name(name, false) => walk.dir().read_link(&name)?,
    };
    let n = target.len().min(buf_len as usize);
    m.write(buf, &target.as_bytes()[..n])?;
    m.write_u32(bufused, n as u32)
}

pub fn path_remove_directory(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    len: u32,
) -> Result<()> {
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_REMOVE_DIRECTORY)?;
    let path = m.str(path, len)?;
    let mut walk = Walk::new(dir);
    match walk.parent(path)? {
        Last::Dir => Err(Errno::Inval),
        Last::Name(name, _) => walk.dir().remove_dir(&name),
    }
}

pub fn path_rename(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> Result<()> {
    let (old_dir, old_mount, _) = dir_fd(s, fd, Rights::PATH_RENAME_SOURCE)?;
    let (new_dir, new_mount, _) = dir_fd(s, new_fd, Rights::PATH_RENAME_TARGET)?;
    let old_path = m.str(old_path, old_len)?;
    let new_path = m.str(new_path, new_len)?;
    if old_mount != new_mount {
        return Err(Errno::Xdev);
    }
    let mut from = Walk::new(old_dir);
    let Last::Name(old_name, old_trailing) = from.parent(old_path)? else {
        return Err(Errno::Busy);
    };
    let mut to = Walk::new(new_dir);
    let Last::Name(new_name, new_trailing) = to.parent(new_path)? else {
        return Err(Errno::Busy);
    };
    if (old_trailing || new_trailing)
        && from.dir().stat_at(&old_name)?.filetype != Filetype::Directory
    {
        return Err(Errno::Notdir);
    }
    from.dir().rename(&old_name, &**to.dir(), &new_name)
}

pub fn path_symlink(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    old_path: u32,
    old_len: u32,
    fd: u32,
    new_path: u32,
    new_len: u32,
) -> Result<()> {
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_SYMLINK)?;
    let target = m.str(old_path, old_len)?;
    let new_path = m.str(new_path, new_len)?;
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    if target.contains('\0') {
        return Err(Errno::Inval);
    }
    if target.starts_with('/') {
        return Err(crate::path::ESCAPE);
    }
    let mut walk = Walk::new(dir);
    match walk.parent(new_path)? {
        Last::Dir => Err(Errno::Exist),
        Last::Name(name, true) => Err(match walk.dir().stat_at(&name) {
            Ok(st) if st.filetype == Filetype::Directory => Errno::Exist,
            Ok(_) => Errno::Notdir,
            Err(e) => e,
        }),
        Last::Name(name, false) => walk.dir().symlink(target, &name),
    }
}

pub fn path_unlink_file(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    len: u32,
) -> Result<()> {
    let (dir, _, _) = dir_fd(s, fd, Rights::PATH_UNLINK_FILE)?;
    let path = m.str(path, len)?;
    let mut walk = Walk::new(dir);
    match walk.parent(path)? {
        Last::Dir => Err(Errno::Isdir),
        Last::Name(name, trailing) => {
            if trailing {
                let st = walk.dir().stat_at(&name)?;
                return Err(if st.filetype == Filetype::Directory {
                    Errno::Isdir
                } else {
                    Errno::Notdir
                });
            }
            walk.dir().unlink(&name)
        }
    }
}

/// Bytes left to read in a file from the descriptor's cursor (for
/// `poll_oneoff`).
pub(crate) fn file_bytes_left(file: &Arc<dyn File>, pos: u64) -> u64 {
    file.stat().map_or(0, |st| st.size.saturating_sub(pos))
}

const _: () = assert!(FDSTAT_SIZE == 24);
