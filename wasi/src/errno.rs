//! WASI error numbers: the `errno` type of `wasi_snapshot_preview1`, with
//! names and one-line meanings for messages. Every call in `preview1`
//! returns one of these; `Errno::Success` is `0`.
use core::fmt;

macro_rules! errnos {
    ($($name:ident = $value:literal, $wasi:literal, $text:literal;)*) => {
        /// A WASI error number (`errno`), as the guest sees it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(#[doc = $text] $name = $value,)*
        }

        impl Errno {
            /// The errno for a raw value, if it is one.
            pub fn from_raw(raw: u16) -> Option<Errno> {
                match raw {
                    $($value => Some(Errno::$name),)*
                    _ => None,
                }
            }

            /// The WASI name, e.g. `ENOENT` for `Errno::Noent`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => $wasi,)*
                }
            }

            /// What the errno means, in a few words.
            pub fn message(self) -> &'static str {
                match self {
                    $(Errno::$name => $text,)*
                }
            }
        }
    };
}

errnos! {
    Success = 0, "ESUCCESS", "no error occurred";
    TooBig = 1, "E2BIG", "argument list too long";
    Acces = 2, "EACCES", "permission denied";
    Addrinuse = 3, "EADDRINUSE", "address in use";
    Addrnotavail = 4, "EADDRNOTAVAIL", "address not available";
    Afnosupport = 5, "EAFNOSUPPORT", "address family not supported";
    Again = 6, "EAGAIN", "resource unavailable, or operation would block";
    Already = 7, "EALREADY", "connection already in progress";
    Badf = 8, "EBADF", "bad file descriptor";
    Badmsg = 9, "EBADMSG", "bad message";
    Busy = 10, "EBUSY", "device or resource busy";
    Canceled = 11, "ECANCELED", "operation canceled";
    Child = 12, "ECHILD", "no child processes";
    Connaborted = 13, "ECONNABORTED", "connection aborted";
    Connrefused = 14, "ECONNREFUSED", "connection refused";
    Connreset = 15, "ECONNRESET", "connection reset";
    Deadlk = 16, "EDEADLK", "resource deadlock would occur";
    Destaddrreq = 17, "EDESTADDRREQ", "destination address required";
    Dom = 18, "EDOM", "mathematics argument out of domain of function";
    Dquot = 19, "EDQUOT", "reserved";
    Exist = 20, "EEXIST", "file exists";
    Fault = 21, "EFAULT", "bad address";
    Fbig = 22, "EFBIG", "file too large";
    Hostunreach = 23, "EHOSTUNREACH", "host is unreachable";
    Idrm = 24, "EIDRM", "identifier removed";
    Ilseq = 25, "EILSEQ", "illegal byte sequence";
    Inprogress = 26, "EINPROGRESS", "operation in progress";
    Intr = 27, "EINTR", "interrupted function";
    Inval = 28, "EINVAL", "invalid argument";
    Io = 29, "EIO", "I/O error";
    Isconn = 30, "EISCONN", "socket is connected";
    Isdir = 31, "EISDIR", "is a directory";
    Loop = 32, "ELOOP", "too many levels of symbolic links";
    Mfile = 33, "EMFILE", "file descriptor value too large";
    Mlink = 34, "EMLINK", "too many links";
    Msgsize = 35, "EMSGSIZE", "message too large";
    Multihop = 36, "EMULTIHOP", "reserved";
    Nametoolong = 37, "ENAMETOOLONG", "filename too long";
    Netdown = 38, "ENETDOWN", "network is down";
    Netreset = 39, "ENETRESET", "connection aborted by network";
    Netunreach = 40, "ENETUNREACH", "network unreachable";
    Nfile = 41, "ENFILE", "too many files open in system";
    Nobufs = 42, "ENOBUFS", "no buffer space available";
    Nodev = 43, "ENODEV", "no such device";
    Noent = 44, "ENOENT", "no such file or directory";
    Noexec = 45, "ENOEXEC", "executable file format error";
    Nolck = 46, "ENOLCK", "no locks available";
    Nolink = 47, "ENOLINK", "reserved";
    Nomem = 48, "ENOMEM", "not enough space";
    Nomsg = 49, "ENOMSG", "no message of the desired type";
    Noprotoopt = 50, "ENOPROTOOPT", "protocol not available";
    Nospc = 51, "ENOSPC", "no space left on device";
    Nosys = 52, "ENOSYS", "function not supported";
    Notconn = 53, "ENOTCONN", "the socket is not connected";
    Notdir = 54, "ENOTDIR", "not a directory or a symbolic link to a directory";
    Notempty = 55, "ENOTEMPTY", "directory not empty";
    Notrecoverable = 56, "ENOTRECOVERABLE", "state not recoverable";
    Notsock = 57, "ENOTSOCK", "not a socket";
    Notsup = 58, "ENOTSUP", "not supported, or operation not supported on socket";
    Notty = 59, "ENOTTY", "inappropriate I/O control operation";
    Nxio = 60, "ENXIO", "no such device or address";
    Overflow = 61, "EOVERFLOW", "value too large to be stored in data type";
    Ownerdead = 62, "EOWNERDEAD", "previous owner died";
    Perm = 63, "EPERM", "operation not permitted";
    Pipe = 64, "EPIPE", "broken pipe";
    Proto = 65, "EPROTO", "protocol error";
    Protonosupport = 66, "EPROTONOSUPPORT", "protocol not supported";
    Prototype = 67, "EPROTOTYPE", "protocol wrong type for socket";
    Range = 68, "ERANGE", "result too large";
    Rofs = 69, "EROFS", "read-only file system";
    Spipe = 70, "ESPIPE", "invalid seek";
    Srch = 71, "ESRCH", "no such process";
    Stale = 72, "ESTALE", "reserved";
    Timedout = 73, "ETIMEDOUT", "connection timed out";
    Txtbsy = 74, "ETXTBSY", "text file busy";
    Xdev = 75, "EXDEV", "cross-device link";
    Notcapable = 76, "ENOTCAPABLE", "capabilities insufficient";
}

impl Errno {
    /// The raw value a WASI function returns.
    pub fn raw(self) -> u16 {
        self as u16
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Errno {}

#[cfg(feature = "std")]
impl Errno {
    /// The errno for a host I/O error: its OS error code where it has one,
    /// else its kind. An error without an OS code that says permission was
    /// denied is cap-std refusing a path that leaves the directory: `EPERM`,
    /// as wasmtime reports it.
    pub fn from_io(e: &std::io::Error) -> Errno {
        #[cfg(unix)]
        if let Some(code) = e.raw_os_error() {
            return os_errno(rustix::io::Errno::from_raw_os_error(code));
        }
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => Errno::Noent,
            K::PermissionDenied => Errno::Perm,
            K::AlreadyExists => Errno::Exist,
            K::InvalidInput => Errno::Inval,
            K::InvalidData => Errno::Ilseq,
            K::Interrupted => Errno::Intr,
            K::WouldBlock => Errno::Again,
            K::BrokenPipe => Errno::Pipe,
            K::Unsupported => Errno::Notsup,
            K::OutOfMemory => Errno::Nomem,
            K::NotADirectory => Errno::Notdir,
            K::IsADirectory => Errno::Isdir,
            K::DirectoryNotEmpty => Errno::Notempty,
            K::ReadOnlyFilesystem => Errno::Rofs,
            K::StorageFull => Errno::Nospc,
            K::FileTooLarge => Errno::Fbig,
            K::CrossesDevices => Errno::Xdev,
            K::TooManyLinks => Errno::Mlink,
            K::InvalidFilename => Errno::Nametoolong,
            _ => Errno::Io,
        }
    }
}

#[cfg(all(feature = "std", unix))]
fn os_errno(e: rustix::io::Errno) -> Errno {
    use rustix::io::Errno as E;
    const TABLE: &[(E, Errno)] = &[
        (E::TOOBIG, Errno::TooBig),
        (E::ACCESS, Errno::Acces),
        (E::ADDRINUSE, Errno::Addrinuse),
        (E::ADDRNOTAVAIL, Errno::Addrnotavail),
        (E::AFNOSUPPORT, Errno::Afnosupport),
        (E::AGAIN, Errno::Again),
        (E::ALREADY, Errno::Already),
        (E::BADF, Errno::Badf),
        (E::BADMSG, Errno::Badmsg),
        (E::BUSY, Errno::Busy),
        (E::CANCELED, Errno::Canceled),
        (E::CHILD, Errno::Child),
        (E::CONNABORTED, Errno::Connaborted),
        (E::CONNREFUSED, Errno::Connrefused),
        (E::CONNRESET, Errno::Connreset),
        (E::DEADLK, Errno::Deadlk),
        (E::DESTADDRREQ, Errno::Destaddrreq),
        (E::DOM, Errno::Dom),
        (E::DQUOT, Errno::Dquot),
        (E::EXIST, Errno::Exist),
        (E::FAULT, Errno::Fault),
        (E::FBIG, Errno::Fbig),
        (E::HOSTUNREACH, Errno::Hostunreach),
        (E::IDRM, Errno::Idrm),
        (E::ILSEQ, Errno::Ilseq),
        (E::INPROGRESS, Errno::Inprogress),
        (E::INTR, Errno::Intr),
        (E::INVAL, Errno::Inval),
        (E::IO, Errno::Io),
        (E::ISCONN, Errno::Isconn),
        (E::ISDIR, Errno::Isdir),
        (E::LOOP, Errno::Loop),
        (E::MFILE, Errno::Mfile),
        (E::MLINK, Errno::Mlink),
        (E::MSGSIZE, Errno::Msgsize),
        (E::NAMETOOLONG, Errno::Nametoolong),
        (E::NETDOWN, Errno::Netdown),
        (E::NETRESET, Errno::Netreset),
        (E::NETUNREACH, Errno::Netunreach),
        (E::NFILE, Errno::Nfile),
        (E::NOBUFS, Errno::Nobufs),
        (E::NODEV, Errno::Nodev),
        (E::NOENT, Errno::Noent),
        (E::NOEXEC, Errno::Noexec),
        (E::NOLCK, Errno::Nolck),
        (E::NOMEM, Errno::Nomem),
        (E::NOMSG, Errno::Nomsg),
        (E::NOPROTOOPT, Errno::Noprotoopt),
        (E::NOSPC, Errno::Nospc),
        (E::NOSYS, Errno::Nosys),
        (E::NOTCONN, Errno::Notconn),
        (E::NOTDIR, Errno::Notdir),
        (E::NOTEMPTY, Errno::Notempty),
        (E::NOTSOCK, Errno::Notsock),
        (E::NOTSUP, Errno::Notsup),
        (E::OPNOTSUPP, Errno::Notsup),
        (E::NOTTY, Errno::Notty),
        (E::NXIO, Errno::Nxio),
        (E::OVERFLOW, Errno::Overflow),
        (E::PERM, Errno::Perm),
        (E::PIPE, Errno::Pipe),
        (E::PROTO, Errno::Proto),
        (E::PROTONOSUPPORT, Errno::Protonosupport),
        (E::PROTOTYPE, Errno::Prototype),
        (E::RANGE, Errno::Range),
        (E::ROFS, Errno::Rofs),
        (E::SPIPE, Errno::Spipe),
        (E::SRCH, Errno::Srch),
        (E::STALE, Errno::Stale),
        (E::TIMEDOUT, Errno::Timedout),
        (E::TXTBSY, Errno::Txtbsy),
        (E::XDEV, Errno::Xdev),
    ];
    TABLE
        .iter()
        .find(|(os, _)| *os == e)
        .map_or(Errno::Io, |(_, w)| *w)
}

/// Results of filesystem and descriptor operations.
pub type Result<T, E = Errno> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_round_trip() {
        for raw in 0..=76u16 {
            let e = Errno::from_raw(raw).expect("every value up to 76 is an errno");
            assert_eq!(e.raw(), raw);
        }
        assert_eq!(Errno::from_raw(77), None);
        assert_eq!(Errno::Notcapable.raw(), 76);
        assert_eq!(Errno::Noent.name(), "ENOENT");
    }
}
