//! Standard streams for a guest: where fds 0, 1 and 2 read and write.
//! A stream is an [`InputStream`] or [`OutputStream`]: null, in-memory
//! ([`MemoryInput`], and [`OutputBuffer`] which the embedder keeps a clone
//! of to read what the guest printed), the host's own stdio, or (with
//! `std`) any `Read`/`Write` value.
use crate::errno::{Errno, Result};
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;

/// Whether a stream can be read without blocking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// A read would not block; about this many bytes are available (0 at
    /// end of input or when unknown).
    Ready(u64),
    /// A read would block.
    Pending,
}

/// A stream the guest reads (stdin).
pub trait InputStream: Send {
    /// Reads up to `buf.len()` bytes; 0 at end of input.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize>;
    /// Whether a read would block (for `poll_oneoff`).
    fn readiness(&mut self) -> Readiness {
        Readiness::Ready(0)
    }
    /// Whether the stream is a terminal (reported as a character device).
    fn is_terminal(&self) -> bool {
        false
    }
}

/// A stream the guest writes (stdout, stderr).
pub trait OutputStream: Send {
    /// Writes some of `buf`, returning how much.
    fn write(&mut self, buf: &[u8]) -> Result<usize>;
    /// Flushes buffered output.
    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
    /// Whether the stream is a terminal (reported as a character device).
    fn is_terminal(&self) -> bool {
        false
    }
}

/// Empty input: every read is at its end.
pub struct NullInput;

impl InputStream for NullInput {
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize> {
        Ok(0)
    }
}

/// Output that goes nowhere (and reports it was all written).
pub struct NullOutput;

impl OutputStream for NullOutput {
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        Ok(buf.len())
    }
}

/// Input from bytes held in memory.
pub struct MemoryInput {
    data: Vec<u8>,
    pos: usize,
}

impl MemoryInput {
    /// Input that yields `data`, then end of input.
    pub fn new(data: impl Into<Vec<u8>>) -> MemoryInput {
        MemoryInput {
            data: data.into(),
            pos: 0,
        }
    }
}

impl InputStream for MemoryInput {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
    fn readiness(&mut self) -> Readiness {
        Readiness::Ready((self.data.len() - self.pos) as u64)
    }
}

/// Output captured in memory. Clones share the buffer: give one to the
/// guest and keep one to read what it wrote.
#[derive(Clone, Default)]
pub struct OutputBuffer {
    buf: Arc<Mutex<Vec<u8>>>,
    limit: Option<usize>,
}

impl OutputBuffer {
    /// An empty, unbounded buffer.
    pub fn new() -> OutputBuffer {
        OutputBuffer::default()
    }

    /// An empty buffer that takes at most `limit` bytes; writes beyond it
    /// fail with `ENOSPC`.
    pub fn with_limit(limit: usize) -> OutputBuffer {
        OutputBuffer {
            buf: Arc::default(),
            limit: Some(limit),
        }
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.buf.lock().clone()
    }

    /// Takes everything written so far, leaving the buffer empty.
    pub fn take(&self) -> Vec<u8> {
        core::mem::take(&mut *self.buf.lock())
    }
}

impl OutputStream for OutputBuffer {
    fn write(&mut self, data: &[u8]) -> Result<usize> {
        let mut buf = self.buf.lock();
        let room = self
            .limit
            .map_or(usize::MAX, |l| l.saturating_sub(buf.len()));
        if room == 0 && !data.is_empty() {
            return Err(Errno::Nospc);
        }
        let n = data.len().min(room);
        buf.extend_from_slice(&data[..n]);
        Ok(n)
    }
}

#[cfg(feature = "std")]
pub use host::*;

#[cfg(feature = "std")]
mod host {
    use super::{InputStream, OutputStream, Readiness};
    use crate::errno::Errno;
    use crate::errno::Result;
    use std::io::{IsTerminal, Read, Write};

    /// Any `Read` value as guest input (readiness is reported as ready, so
    /// `poll_oneoff` does not wait on it).
    pub struct ReadStream<R>(pub R);

    impl<R: Read + Send> InputStream for ReadStream<R> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
            self.0.read(buf).map_err(|e| Errno::from_io(&e))
        }
    }

    /// Any `Write` value as guest output.
    pub struct WriteStream<W>(pub W);

    impl<W: Write + Send> OutputStream for WriteStream<W> {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            self.0.write(buf).map_err(|e| Errno::from_io(&e))
        }
        fn flush(&mut self) -> Result<()> {
            self.0.flush().map_err(|e| Errno::from_io(&e))
        }
    }

    /// The host process's standard input.
    pub struct InheritStdin;

    impl InputStream for InheritStdin {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
            std::io::stdin()
                .lock()
                .read(buf)
                .map_err(|e| Errno::from_io(&e))
        }
        fn readiness(&mut self) -> Readiness {
            #[cfg(unix)]
            {
                use rustix::event::{poll, PollFd, PollFlags, Timespec};
                let stdin = std::io::stdin();
                let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
                let zero = Timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                if poll(&mut fds, Some(&zero)) == Ok(0) {
                    return Readiness::Pending;
                }
            }
            Readiness::Ready(0)
        }
        fn is_terminal(&self) -> bool {
            std::io::stdin().is_terminal()
        }
    }

    /// The host process's standard output (flushed after every write, so
    /// the guest's output interleaves with the host's in order).
    pub struct InheritStdout;

    impl OutputStream for InheritStdout {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            let mut out = std::io::stdout().lock();
            let n = out.write(buf).map_err(|e| Errno::from_io(&e))?;
            out.flush().map_err(|e| Errno::from_io(&e))?;
            Ok(n)
        }
        fn is_terminal(&self) -> bool {
            std::io::stdout().is_terminal()
        }
    }

    /// The host process's standard error.
    pub struct InheritStderr;

    impl OutputStream for InheritStderr {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            std::io::stderr().write(buf).map_err(|e| Errno::from_io(&e))
        }
        fn is_terminal(&self) -> bool {
            std::io::stderr().is_terminal()
        }
    }
}
