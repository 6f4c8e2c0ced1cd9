//! The `wasi_snapshot_preview1` ABI: flag sets, enumerations and the byte
//! layout of the structures guests pass by pointer (`filestat`, `fdstat`,
//! `dirent`, `prestat`, `subscription`, `event`). Nothing here touches a
//! descriptor or a filesystem.
use bitflags::bitflags;

bitflags! {
    /// What a descriptor may be used for (`rights`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Rights: u64 {
        #[allow(missing_docs)] const FD_DATASYNC = 1 << 0;
        #[allow(missing_docs)] const FD_READ = 1 << 1;
        #[allow(missing_docs)] const FD_SEEK = 1 << 2;
        #[allow(missing_docs)] const FD_FDSTAT_SET_FLAGS = 1 << 3;
        #[allow(missing_docs)] const FD_SYNC = 1 << 4;
        #[allow(missing_docs)] const FD_TELL = 1 << 5;
        #[allow(missing_docs)] const FD_WRITE = 1 << 6;
        #[allow(missing_docs)] const FD_ADVISE = 1 << 7;
        #[allow(missing_docs)] const FD_ALLOCATE = 1 << 8;
        #[allow(missing_docs)] const PATH_CREATE_DIRECTORY = 1 << 9;
        #[allow(missing_docs)] const PATH_CREATE_FILE = 1 << 10;
        #[allow(missing_docs)] const PATH_LINK_SOURCE = 1 << 11;
        #[allow(missing_docs)] const PATH_LINK_TARGET = 1 << 12;
        #[allow(missing_docs)] const PATH_OPEN = 1 << 13;
        #[allow(missing_docs)] const FD_READDIR = 1 << 14;
        #[allow(missing_docs)] const PATH_READLINK = 1 << 15;
        #[allow(missing_docs)] const PATH_RENAME_SOURCE = 1 << 16;
        #[allow(missing_docs)] const PATH_RENAME_TARGET = 1 << 17;
        #[allow(missing_docs)] const PATH_FILESTAT_GET = 1 << 18;
        #[allow(missing_docs)] const PATH_FILESTAT_SET_SIZE = 1 << 19;
        #[allow(missing_docs)] const PATH_FILESTAT_SET_TIMES = 1 << 20;
        #[allow(missing_docs)] const FD_FILESTAT_GET = 1 << 21;
        #[allow(missing_docs)] const FD_FILESTAT_SET_SIZE = 1 << 22;
        #[allow(missing_docs)] const FD_FILESTAT_SET_TIMES = 1 << 23;
        #[allow(missing_docs)] const PATH_SYMLINK = 1 << 24;
        #[allow(missing_docs)] const PATH_REMOVE_DIRECTORY = 1 << 25;
        #[allow(missing_docs)] const PATH_UNLINK_FILE = 1 << 26;
        #[allow(missing_docs)] const POLL_FD_READWRITE = 1 << 27;
        #[allow(missing_docs)] const SOCK_SHUTDOWN = 1 << 28;
        #[allow(missing_docs)] const SOCK_ACCEPT = 1 << 29;
    }
}

impl Rights {
    /// Everything a regular file descriptor can do.
    pub const FILE: Rights = Rights::FD_DATASYNC
        .union(Rights::FD_READ)
        .union(Rights::FD_SEEK)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_SYNC)
        .union(Rights::FD_TELL)
        .union(Rights::FD_WRITE)
        .union(Rights::FD_ADVISE)
        .union(Rights::FD_ALLOCATE)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_SIZE)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::POLL_FD_READWRITE);

    /// What a preopened directory reports as its base rights: the set
    /// wasmtime reports (and many guest libraries expect).
    pub const PREOPEN: Rights = Rights::PATH_CREATE_DIRECTORY
        .union(Rights::PATH_CREATE_FILE)
        .union(Rights::PATH_LINK_SOURCE)
        .union(Rights::PATH_LINK_TARGET)
        .union(Rights::PATH_OPEN)
        .union(Rights::FD_READDIR)
        .union(Rights::PATH_READLINK)
        .union(Rights::PATH_RENAME_SOURCE)
        .union(Rights::PATH_RENAME_TARGET)
        .union(Rights::PATH_SYMLINK)
        .union(Rights::PATH_REMOVE_DIRECTORY)
        .union(Rights::PATH_UNLINK_FILE)
        .union(Rights::PATH_FILESTAT_GET)
        .union(Rights::PATH_FILESTAT_SET_TIMES)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_TIMES);

    /// What a directory opened by the guest does not report: it cannot be
    /// written, sized or seeked.
    pub const NOT_ON_DIRECTORY: Rights = Rights::FD_SEEK
        .union(Rights::FD_WRITE)
        .union(Rights::PATH_FILESTAT_SET_SIZE)
        .union(Rights::FD_FILESTAT_SET_SIZE);
}

/// The type of a file (`filetype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Filetype {
    /// The type is unknown or differs from the ones below.
    #[default]
    Unknown = 0,
    /// A block device.
    BlockDevice = 1,
    /// A character device (terminals).
    CharacterDevice = 2,
    /// A directory.
    Directory = 3,
    /// A regular file.
    RegularFile = 4,
    /// A datagram socket.
    SocketDgram = 5,
    /// A byte-stream socket.
    SocketStream = 6,
    /// A symbolic link.
    SymbolicLink = 7,
}

bitflags! {
    /// Descriptor flags (`fdflags`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Fdflags: u16 {
        /// Writes always go to the end of the file.
        const APPEND = 1 << 0;
        /// Write data synchronously (integrity of data).
        const DSYNC = 1 << 1;
        /// Non-blocking mode.
        const NONBLOCK = 1 << 2;
        /// Read data synchronously.
        const RSYNC = 1 << 3;
        /// Write data and metadata synchronously.
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// Open flags of `path_open` (`oflags`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Oflags: u16 {
        /// Create the file if it does not exist.
        const CREAT = 1 << 0;
        /// Fail unless the path is a directory.
        const DIRECTORY = 1 << 1;
        /// With `CREAT`: fail if the file exists.
        const EXCL = 1 << 2;
        /// Truncate the file to size 0.
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// How paths are resolved (`lookupflags`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Lookupflags: u32 {
        /// Follow a symbolic link in the last component.
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// Which timestamps to set (`fstflags`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Fstflags: u16 {
        /// Set the access time to the given value.
        const ATIM = 1 << 0;
        /// Set the access time to now.
        const ATIM_NOW = 1 << 1;
        /// Set the modification time to the given value.
        const MTIM = 1 << 2;
        /// Set the modification time to now.
        const MTIM_NOW = 1 << 3;
    }
}

/// `whence` of `fd_seek`.
pub mod whence {
    /// From the start.
    pub const SET: u8 = 0;
    /// From the current position.
    pub const CUR: u8 = 1;
    /// From the end.
    pub const END: u8 = 2;
}

/// `clockid` values.
pub mod clockid {
    /// Wall-clock time.
    pub const REALTIME: u32 = 0;
    /// A clock that never goes back.
    pub const MONOTONIC: u32 = 1;
    /// CPU time of the process.
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    /// CPU time of the thread.
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `eventtype` values.
pub mod eventtype {
    /// A clock timeout.
    pub const CLOCK: u8 = 0;
    /// A descriptor has data to read.
    pub const FD_READ: u8 = 1;
    /// A descriptor can take data.
    pub const FD_WRITE: u8 = 2;
}

/// `subclockflags`: the timeout is an absolute time.
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;
/// `eventrwflags`: the peer hung up.
pub const EVENT_FD_READWRITE_HANGUP: u16 = 1;
/// `preopentype` of a directory.
pub const PREOPENTYPE_DIR: u8 = 0;
/// Largest `advice` value (`noreuse`).
pub const ADVICE_MAX: u8 = 5;

/// Size of a `filestat` in guest memory.
pub const FILESTAT_SIZE: u32 = 64;
/// Size of a `fdstat` in guest memory.
pub const FDSTAT_SIZE: u32 = 24;
/// Size of a `dirent` header (the name follows it).
pub const DIRENT_SIZE: usize = 24;
/// Size of a `subscription`.
pub const SUBSCRIPTION_SIZE: u32 = 48;
/// Size of an `event`.
pub const EVENT_SIZE: u32 = 32;

/// File attributes (`filestat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Filestat {
    /// Device of the file.
    pub dev: u64,
    /// Inode (file serial number).
    pub ino: u64,
    /// File type.
    pub filetype: Filetype,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes (for a symbolic link: length of its target).
    pub size: u64,
    /// Last access, nanoseconds since the epoch.
    pub atim: u64,
    /// Last data modification.
    pub mtim: u64,
    /// Last status change.
    pub ctim: u64,
}

impl Filestat {
    /// The 64-byte guest layout.
    pub fn encode(&self) -> [u8; FILESTAT_SIZE as usize] {
        let mut b = [0u8; FILESTAT_SIZE as usize];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype as u8;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// Descriptor attributes (`fdstat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fdstat {
    /// File type.
    pub filetype: Filetype,
    /// Descriptor flags.
    pub flags: Fdflags,
    /// Rights of the descriptor.
    pub rights_base: Rights,
    /// Rights passed on to descriptors opened through it.
    pub rights_inheriting: Rights,
}

impl Fdstat {
    /// The 24-byte guest layout.
    pub fn encode(&self) -> [u8; FDSTAT_SIZE as usize] {
        let mut b = [0u8; FDSTAT_SIZE as usize];
        b[0] = self.filetype as u8;
        b[2..4].copy_from_slice(&self.flags.bits().to_le_bytes());
        b[8..16].copy_from_slice(&self.rights_base.bits().to_le_bytes());
        b[16..24].copy_from_slice(&self.rights_inheriting.bits().to_le_bytes());
        b
    }
}

/// The header of a directory entry as `fd_readdir` writes it.
pub fn encode_dirent(next: u64, ino: u64, namlen: u32, filetype: Filetype) -> [u8; DIRENT_SIZE] {
    let mut b = [0u8; DIRENT_SIZE];
    b[0..8].copy_from_slice(&next.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = filetype as u8;
    b
}

/// A decoded `subscription` of `poll_oneoff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// Copied to the event.
    pub userdata: u64,
    /// What is awaited.
    pub kind: SubscriptionKind,
}

/// What a [`Subscription`] waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionKind {
    /// A clock reaching a time.
    Clock {
        /// The clock.
        id: u32,
        /// Relative or absolute timeout in nanoseconds.
        timeout: u64,
        /// Accepted imprecision.
        precision: u64,
        /// `SUBSCRIPTION_CLOCK_ABSTIME` or 0.
        flags: u16,
    },
    /// A descriptor becoming readable.
    FdRead(u32),
    /// A descriptor becoming writable.
    FdWrite(u32),
    /// An unknown event type.
    Unknown(u8),
}

impl Subscription {
    /// Decodes the 48-byte guest layout.
    pub fn decode(b: &[u8; SUBSCRIPTION_SIZE as usize]) -> Subscription {
        let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap_or([0; 4]));
        let kind = match b[8] {
            eventtype::CLOCK => SubscriptionKind::Clock {
                id: u32_at(16),
                timeout: u64_at(24),
                precision: u64_at(32),
                flags: u16::from_le_bytes([b[40], b[41]]),
            },
            eventtype::FD_READ => SubscriptionKind::FdRead(u32_at(16)),
            eventtype::FD_WRITE => SubscriptionKind::FdWrite(u32_at(16)),
            other => SubscriptionKind::Unknown(other),
        };
        Subscription {
            userdata: u64_at(0),
            kind,
        }
    }
}

/// An `event` written by `poll_oneoff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The subscription's userdata.
    pub userdata: u64,
    /// The error of this subscription, or 0.
    pub error: u16,
    /// `eventtype` of the subscription.
    pub kind: u8,
    /// For descriptor events: bytes available (reads) or 0.
    pub nbytes: u64,
    /// For descriptor events: `EVENT_FD_READWRITE_HANGUP` or 0.
    pub flags: u16,
}

impl Event {
    /// The 32-byte guest layout.
    pub fn encode(&self) -> [u8; EVENT_SIZE as usize] {
        let mut b = [0u8; EVENT_SIZE as usize];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.to_le_bytes());
        b[10] = self.kind;
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_put_fields_at_their_abi_offsets() {
        let st = Filestat {
            dev: 1,
            ino: 2,
            filetype: Filetype::RegularFile,
            nlink: 3,
            size: 4,
            atim: 5,
            mtim: 6,
            ctim: 7,
        };
        let b = st.encode();
        assert_eq!(b[16], 4);
        assert_eq!(u64::from_le_bytes(b[56..64].try_into().unwrap()), 7);
        let mut sub = [0u8; 48];
        sub[0] = 9;
        sub[8] = eventtype::FD_WRITE;
        sub[16] = 1;
        let s = Subscription::decode(&sub);
        assert_eq!(s.userdata, 9);
        assert_eq!(s.kind, SubscriptionKind::FdWrite(1));
        let d = encode_dirent(3, 4, 5, Filetype::Directory);
        assert_eq!(d[20], 3);
        assert_eq!(u32::from_le_bytes(d[16..20].try_into().unwrap()), 5);
    }
}
