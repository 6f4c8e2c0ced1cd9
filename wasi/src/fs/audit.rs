//! An audited view of any filesystem. Every call on a directory or file
//! of the mount becomes an [`AuditRecord`] (operation, guest path, result)
//! sent to an [`AuditSink`], and an access [`Policy`] (allow or deny by
//! path prefix and operation) can refuse a call with `EACCES` before it
//! reaches the filesystem.
//!
//! Paths are the guest's absolute paths as the path layer actually walked
//! them (symbolic links already expanded), so a policy on `/secret` also
//! covers a link that points into it.
//!
//! No operation is reported to the guest before its record is kept. When
//! the sink fails (a full disk under `--audit FILE`), the operation whose
//! record was lost fails with `EIO` (it may have taken effect: the record
//! is written once the result is known), every later operation fails with
//! `EIO` without reaching the filesystem, and [`AuditFs::status`] reports
//! the sink's first error, so the embedder can fail the run even if the
//! guest ignored the errno.
use super::{Dir, DirEntry, File, FileSystem, OpenOptions, SetTime};
use crate::abi::Filestat;
use crate::errno::{Errno, Result};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use bitflags::bitflags;
use core::any::Any;
use core::fmt;
use spin::Mutex;

bitflags! {
    /// Kinds of filesystem operation, for records and policy rules.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Ops: u32 {
        /// Attributes of a file or directory.
        const STAT = 1 << 0;
        /// Listing a directory.
        const READ_DIR = 1 << 1;
        /// Opening (or walking through) a directory.
        const OPEN_DIR = 1 << 2;
        /// Opening a file for reading.
        const OPEN_READ = 1 << 3;
        /// Opening a file for writing, creating or truncating it.
        const OPEN_WRITE = 1 << 4;
        /// Reading file data.
        const READ = 1 << 5;
        /// Writing file data.
        const WRITE = 1 << 6;
        /// Changing a file's size.
        const SET_SIZE = 1 << 7;
        /// Changing timestamps.
        const SET_TIMES = 1 << 8;
        /// Creating a directory.
        const CREATE_DIR = 1 << 9;
        /// Removing a directory.
        const REMOVE_DIR = 1 << 10;
        /// Removing a file or symbolic link.
        const UNLINK = 1 << 11;
        /// Creating a symbolic link.
        const SYMLINK = 1 << 12;
        /// Reading a symbolic link.
        const READ_LINK = 1 << 13;
        /// Renaming (checked on both the old and the new path).
        const RENAME = 1 << 14;
        /// Creating a hard link (checked on both paths).
        const LINK = 1 << 15;
        /// Flushing to storage.
        const SYNC = 1 << 16;
        /// Every operation that only reads.
        const READS = Self::STAT.bits() | Self::READ_DIR.bits() | Self::OPEN_DIR.bits()
            | Self::OPEN_READ.bits() | Self::READ.bits() | Self::READ_LINK.bits()
            | Self::SYNC.bits();
        /// Every operation that changes something.
        const WRITES = Self::OPEN_WRITE.bits() | Self::WRITE.bits() | Self::SET_SIZE.bits()
            | Self::SET_TIMES.bits() | Self::CREATE_DIR.bits() | Self::REMOVE_DIR.bits()
            | Self::UNLINK.bits() | Self::SYMLINK.bits() | Self::RENAME.bits()
            | Self::LINK.bits();
    }
}

impl Ops {
    /// The name of a single operation as records show it (`open_write`).
    pub fn name(self) -> &'static str {
        const NAMES: &[(Ops, &str)] = &[
            (Ops::STAT, "stat"),
            (Ops::READ_DIR, "read_dir"),
            (Ops::OPEN_DIR, "open_dir"),
            (Ops::OPEN_READ, "open_read"),
            (Ops::OPEN_WRITE, "open_write"),
            (Ops::READ, "read"),
            (Ops::WRITE, "write"),
            (Ops::SET_SIZE, "set_size"),
            (Ops::SET_TIMES, "set_times"),
            (Ops::CREATE_DIR, "create_dir"),
            (Ops::REMOVE_DIR, "remove_dir"),
            (Ops::UNLINK, "unlink"),
            (Ops::SYMLINK, "symlink"),
            (Ops::READ_LINK, "read_link"),
            (Ops::RENAME, "rename"),
            (Ops::LINK, "link"),
            (Ops::SYNC, "sync"),
        ];
        NAMES
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("several", |(_, n)| n)
    }

    /// Parses a comma-separated list of operation names, plus `reads`,
    /// `writes` and `all`.
    pub fn parse(list: &str) -> core::result::Result<Ops, String> {
        let mut ops = Ops::empty();
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            ops |= match word {
                "all" => Ops::all(),
                "reads" => Ops::READS,
                "writes" => Ops::WRITES,
                _ => Ops::all()
                    .iter()
                    .find(|op| op.name() == word)
                    .ok_or_else(|| format!("unknown operation `{word}`"))?,
            };
        }
        Ok(ops)
    }
}

/// One audited operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// What was attempted.
    pub op: Ops,
    /// The guest path it applied to.
    pub path: String,
    /// The second path of a rename or link, or a symbolic link's target.
    pub target: Option<String>,
    /// Bytes read or written, for `read` and `write`.
    pub bytes: Option<u64>,
    /// `Ok(())`, or the errno the guest got (`EACCES` when the policy
    /// refused it).
    pub result: core::result::Result<(), Errno>,
    /// Whether the policy refused it.
    pub denied: bool,
}

impl AuditRecord {
    /// The record as one line of JSON (no trailing newline):
    /// `{"op":"unlink","path":"/a","result":"ok"}` or with `"result":"ENOENT"`.
    pub fn to_json(&self) -> String {
        let mut s = format!(
            "{{\"op\":\"{}\",\"path\":{}",
            self.op.name(),
            json_str(&self.path)
        );
        if let Some(t) = &self.target {
            s.push_str(&format!(",\"target\":{}", json_str(t)));
        }
        if let Some(b) = self.bytes {
            s.push_str(&format!(",\"bytes\":{b}"));
        }
        let result = match self.result {
            Ok(()) => "ok",
            Err(e) => e.name(),
        };
        s.push_str(&format!(",\"result\":\"{result}\""));
        if self.denied {
            s.push_str(",\"denied\":true");
        }
        s.push('}');
        s
    }
}

impl fmt::Display for AuditRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// A JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Why a sink could not keep a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditError {
    message: String,
}

impl AuditError {
    /// An error saying `message` (for a file sink, the OS error).
    pub fn new(message: impl Into<String>) -> AuditError {
        AuditError {
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for AuditError {}

#[cfg(feature = "std")]
impl From<std::io::Error> for AuditError {
    fn from(e: std::io::Error) -> AuditError {
        AuditError::new(e.to_string())
    }
}

/// Where audit records go.
pub trait AuditSink: Send + Sync {
    /// Keeps one record. An error means it was not kept: the [`AuditFs`]
    /// then fails the operation, and every later one, with `EIO`.
    fn record(&self, record: &AuditRecord) -> core::result::Result<(), AuditError>;
}

/// Keeps records in memory. Clones share the log.
#[derive(Clone, Default)]
pub struct AuditLog {
    records: Arc<Mutex<Vec<AuditRecord>>>,
}

impl AuditLog {
    /// An empty log.
    pub fn new() -> AuditLog {
        AuditLog::default()
    }
    /// A copy of the records so far.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.records.lock().clone()
    }
}

impl AuditSink for AuditLog {
    fn record(&self, record: &AuditRecord) -> core::result::Result<(), AuditError> {
        self.records.lock().push(record.clone());
        Ok(())
    }
}

/// Writes each record as a line of JSON to any `Write` (a file for
/// `wasmbed run --audit FILE`), flushed before the operation's result goes
/// back to the guest. A write or flush error is the sink's error: the
/// [`AuditFs`] stops every operation from then on.
#[cfg(feature = "std")]
pub struct JsonLines<W> {
    out: Mutex<W>,
}

#[cfg(feature = "std")]
impl<W: std::io::Write + Send> JsonLines<W> {
    /// Records go to `out`.
    pub fn new(out: W) -> JsonLines<W> {
        JsonLines {
            out: Mutex::new(out),
        }
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + Send> AuditSink for JsonLines<W> {
    fn record(&self, record: &AuditRecord) -> core::result::Result<(), AuditError> {
        let mut out = self.out.lock();
        let line = record.to_json();
        writeln!(out, "{line}").and_then(|()| out.flush())?;
        Ok(())
    }
}

/// A policy rule: operations `ops` on `prefix` (a guest path; it matches
/// itself and everything below it) are allowed or denied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Guest path prefix, matched by whole components.
    pub prefix: String,
    /// Operations the rule applies to.
    pub ops: Ops,
    /// Allow (true) or deny (false).
    pub allow: bool,
}

/// An access policy: the first rule matching an operation's path and kind
/// decides; with none matching, the default decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    rules: Vec<Rule>,
    default_allow: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::allow_all()
    }
}

impl Policy {
    /// Everything allowed unless a rule denies it.
    pub fn allow_all() -> Policy {
        Policy {
            rules: Vec::new(),
            default_allow: true,
        }
    }

    /// Everything denied unless a rule allows it.
    pub fn deny_all() -> Policy {
        Policy {
            rules: Vec::new(),
            default_allow: false,
        }
    }

    /// Adds a rule allowing `ops` under `prefix`.
    pub fn allow(mut self, prefix: &str, ops: Ops) -> Policy {
        self.rules.push(Rule {
            prefix: normalize(prefix),
            ops,
            allow: true,
        });
        self
    }

    /// Adds a rule denying `ops` under `prefix`.
    pub fn deny(mut self, prefix: &str, ops: Ops) -> Policy {
        self.rules.push(Rule {
            prefix: normalize(prefix),
            ops,
            allow: false,
        });
        self
    }

    /// Whether `op` on `path` is allowed.
    pub fn allows(&self, op: Ops, path: &str) -> bool {
        self.rules
            .iter()
            .find(|r| r.ops.intersects(op) && under(path, &r.prefix))
            .map_or(self.default_allow, |r| r.allow)
    }
}

fn normalize(prefix: &str) -> String {
    let trimmed = prefix.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    }
}

/// Whether `path` is `prefix` or below it.
fn under(path: &str, prefix: &str) -> bool {
    prefix == "/"
        || path == prefix
        || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

struct Shared {
    sink: Arc<dyn AuditSink>,
    policy: Policy,
    /// The sink's first error; once set, nothing more is done or recorded.
    failure: Mutex<Option<AuditError>>,
}

impl Shared {
    /// `EIO` once the sink has failed: an operation that cannot be
    /// recorded must not happen.
    fn check_sink(&self) -> Result<()> {
        match *self.failure.lock() {
            Some(_) => Err(Errno::Io),
            None => Ok(()),
        }
    }

    /// Hands `record` to the sink; on failure keeps the first error and
    /// fails the operation with `EIO`.
    fn keep(&self, record: &AuditRecord) -> Result<()> {
        match self.sink.record(record) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.failure.lock().get_or_insert(e);
                Err(Errno::Io)
            }
        }
    }

    /// Checks the policy, runs `f`, records the outcome.
    fn run<T>(
        &self,
        op: Ops,
        path: &str,
        target: Option<&str>,
        f: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        self.check_sink()?;
        let denied = !self.policy.allows(op, path)
            || target.is_some_and(|t| {
                op.intersects(Ops::RENAME | Ops::LINK) && !self.policy.allows(op, t)
            });
        let result = if denied { Err(Errno::Acces) } else { f() };
        self.keep(&AuditRecord {
            op,
            path: path.to_string(),
            target: target.map(str::to_string),
            bytes: None,
            result: result.as_ref().map(|_| ()).map_err(|e| *e),
            denied,
        })?;
        result
    }

    fn run_io(&self, op: Ops, path: &str, f: impl FnOnce() -> Result<usize>) -> Result<usize> {
        self.check_sink()?;
        let denied = !self.policy.allows(op, path);
        let result = if denied { Err(Errno::Acces) } else { f() };
        self.keep(&AuditRecord {
            op,
            path: path.to_string(),
            target: None,
            bytes: result.as_ref().ok().map(|n| *n as u64),
            result: result.as_ref().map(|_| ()).map_err(|e| *e),
            denied,
        })?;
        result
    }
}

/// Whether an [`AuditFs`]'s sink has kept every record. A clone stays
/// valid after the filesystem is moved into a WASI context, so the
/// embedder can check it when the guest is done.
#[derive(Clone)]
pub struct AuditStatus {
    shared: Arc<Shared>,
}

impl AuditStatus {
    /// The sink's first error, if a record was lost (every operation after
    /// it failed with `EIO`).
    pub fn error(&self) -> Option<AuditError> {
        self.shared.failure.lock().clone()
    }
}

impl fmt::Debug for AuditStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditStatus")
            .field("error", &self.error())
            .finish()
    }
}

/// Wraps a filesystem mounted at `mount` (its guest path) so that every
/// operation is recorded and checked against a policy.
pub struct AuditFs<F> {
    inner: F,
    mount: String,
    shared: Arc<Shared>,
}

impl<F: FileSystem> AuditFs<F> {
    /// Audits `inner`, mounted at the guest path `mount`, into `sink`,
    /// allowing everything.
    pub fn new(inner: F, mount: &str, sink: Arc<dyn AuditSink>) -> AuditFs<F> {
        AuditFs::with_policy(inner, mount, sink, Policy::allow_all())
    }

    /// Audits `inner` and enforces `policy`.
    pub fn with_policy(
        inner: F,
        mount: &str,
        sink: Arc<dyn AuditSink>,
        policy: Policy,
    ) -> AuditFs<F> {
        AuditFs {
            inner,
            mount: normalize(mount),
            shared: Arc::new(Shared {
                sink,
                policy,
                failure: Mutex::new(None),
            }),
        }
    }

    /// A handle on whether the sink has kept every record.
    pub fn status(&self) -> AuditStatus {
        AuditStatus {
            shared: self.shared.clone(),
        }
    }

    /// The sink's first error, if a record was lost.
    pub fn error(&self) -> Option<AuditError> {
        self.status().error()
    }
}

impl<F: FileSystem> FileSystem for AuditFs<F> {
    fn root(&self) -> Result<Arc<dyn Dir>> {
        let path = self.mount.clone();
        let inner = self
            .shared
            .run(Ops::OPEN_DIR, &path, None, || self.inner.root())?;
        Ok(Arc::new(AuditDir {
            inner,
            path,
            shared: self.shared.clone(),
        }))
    }
}

struct AuditDir {
    inner: Arc<dyn Dir>,
    path: String,
    shared: Arc<Shared>,
}

struct AuditFile {
    inner: Arc<dyn File>,
    path: String,
    shared: Arc<Shared>,
}

impl AuditDir {
    fn peer<'a>(&self, other: &'a dyn Dir) -> Result<&'a AuditDir> {
        match other.as_any().downcast_ref::<AuditDir>() {
            Some(d) if Arc::ptr_eq(&d.shared, &self.shared) => Ok(d),
            _ => Err(Errno::Xdev),
        }
    }
}

impl Dir for AuditDir {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn stat(&self) -> Result<Filestat> {
        self.shared
            .run(Ops::STAT, &self.path, None, || self.inner.stat())
    }
    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.shared.run(Ops::SET_TIMES, &self.path, None, || {
            self.inner.set_times(atim, mtim)
        })
    }
    fn sync(&self) -> Result<()> {
        self.shared
            .run(Ops::SYNC, &self.path, None, || self.inner.sync())
    }
    fn read_dir(&self) -> Result<Vec<DirEntry>> {
        self.shared
            .run(Ops::READ_DIR, &self.path, None, || self.inner.read_dir())
    }
    fn stat_at(&self, name: &str) -> Result<Filestat> {
        self.shared
            .run(Ops::STAT, &join(&self.path, name), None, || {
                self.inner.stat_at(name)
            })
    }
    fn set_times_at(&self, name: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.shared
            .run(Ops::SET_TIMES, &join(&self.path, name), None, || {
                self.inner.set_times_at(name, atim, mtim)
            })
    }
    fn open_dir(&self, name: &str) -> Result<Arc<dyn Dir>> {
        let path = join(&self.path, name);
        let inner = self
            .shared
            .run(Ops::OPEN_DIR, &path, None, || self.inner.open_dir(name))?;
        Ok(Arc::new(AuditDir {
            inner,
            path,
            shared: self.shared.clone(),
        }))
    }
    fn open_file(&self, name: &str, options: OpenOptions) -> Result<Arc<dyn File>> {
        let path = join(&self.path, name);
        let op = if options.write || options.create || options.truncate {
            Ops::OPEN_WRITE
        } else {
            Ops::OPEN_READ
        };
        let inner = self
            .shared
            .run(op, &path, None, || self.inner.open_file(name, options))?;
        Ok(Arc::new(AuditFile {
            inner,
            path,
            shared: self.shared.clone(),
        }))
    }
    fn create_dir(&self, name: &str) -> Result<()> {
        self.shared
            .run(Ops::CREATE_DIR, &join(&self.path, name), None, || {
                self.inner.create_dir(name)
            })
    }
    fn remove_dir(&self, name: &str) -> Result<()> {
        self.shared
            .run(Ops::REMOVE_DIR, &join(&self.path, name), None, || {
                self.inner.remove_dir(name)
            })
    }
    fn unlink(&self, name: &str) -> Result<()> {
        self.shared
            .run(Ops::UNLINK, &join(&self.path, name), None, || {
                self.inner.unlink(name)
            })
    }
    fn symlink(&self, target: &str, name: &str) -> Result<()> {
        self.shared
            .run(Ops::SYMLINK, &join(&self.path, name), Some(target), || {
                self.inner.symlink(target, name)
            })
    }
    fn read_link(&self, name: &str) -> Result<String> {
        self.shared
            .run(Ops::READ_LINK, &join(&self.path, name), None, || {
                self.inner.read_link(name)
            })
    }
    fn rename(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        let to = self.peer(new_dir)?;
        let target = join(&to.path, new_name);
        self.shared
            .run(Ops::RENAME, &join(&self.path, name), Some(&target), || {
                self.inner.rename(name, &*to.inner, new_name)
            })
    }
    fn link(&self, name: &str, new_dir: &dyn Dir, new_name: &str) -> Result<()> {
        let to = self.peer(new_dir)?;
        let target = join(&to.path, new_name);
        self.shared
            .run(Ops::LINK, &join(&self.path, name), Some(&target), || {
                self.inner.link(name, &*to.inner, new_name)
            })
    }
}

impl File for AuditFile {
    fn stat(&self) -> Result<Filestat> {
        self.shared
            .run(Ops::STAT, &self.path, None, || self.inner.stat())
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        self.shared
            .run_io(Ops::READ, &self.path, || self.inner.read_at(buf, offset))
    }
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize> {
        self.shared
            .run_io(Ops::WRITE, &self.path, || self.inner.write_at(buf, offset))
    }
    fn set_size(&self, size: u64) -> Result<()> {
        self.shared.run(Ops::SET_SIZE, &self.path, None, || {
            self.inner.set_size(size)
        })
    }
    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.shared.run(Ops::SET_TIMES, &self.path, None, || {
            self.inner.set_times(atim, mtim)
        })
    }
    fn sync(&self) -> Result<()> {
        self.shared
            .run(Ops::SYNC, &self.path, None, || self.inner.sync())
    }
    fn datasync(&self) -> Result<()> {
        self.shared
            .run(Ops::SYNC, &self.path, None, || self.inner.datasync())
    }
    fn allocate(&self, offset: u64, len: u64) -> Result<()> {
        self.shared.run(Ops::SET_SIZE, &self.path, None, || {
            self.inner.allocate(offset, len)
        })
    }
    fn advise(&self, offset: u64, len: u64, advice: u8) -> Result<()> {
        // Advice changes nothing and is not recorded, but nothing reaches
        // the filesystem once the audit has failed.
        self.shared.check_sink()?;
        self.inner.advise(offset, len, advice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::memory::MemoryFs;

    #[test]
    fn records_operations_and_enforces_the_policy() {
        let mem = MemoryFs::new();
        mem.add_file("pub/a.txt", "a").unwrap();
        mem.add_file("secret/key", "k").unwrap();
        let log = AuditLog::new();
        let policy = Policy::allow_all()
            .deny("/data/secret", Ops::all())
            .deny("/data/pub", Ops::WRITES);
        let fs = AuditFs::with_policy(mem.clone(), "/data", Arc::new(log.clone()), policy);
        let root = fs.root().unwrap();
        let pubdir = root.open_dir("pub").unwrap();
        assert!(pubdir.open_file("a.txt", OpenOptions::default()).is_ok());
        assert_eq!(pubdir.unlink("a.txt"), Err(Errno::Acces));
        assert_eq!(root.open_dir("secret").err(), Some(Errno::Acces));
        assert_eq!(root.stat_at("secretive").err(), Some(Errno::Noent));
        let lines: Vec<String> = log.records().iter().map(|r| r.to_json()).collect();
        assert_eq!(
            lines,
            [
                r#"{"op":"open_dir","path":"/data","result":"ok"}"#,
                r#"{"op":"open_dir","path":"/data/pub","result":"ok"}"#,
                r#"{"op":"open_read","path":"/data/pub/a.txt","result":"ok"}"#,
                r#"{"op":"unlink","path":"/data/pub/a.txt","result":"EACCES","denied":true}"#,
                r#"{"op":"open_dir","path":"/data/secret","result":"EACCES","denied":true}"#,
                r#"{"op":"stat","path":"/data/secretive","result":"ENOENT"}"#,
            ]
        );
        assert_eq!(mem.read_file("pub/a.txt").unwrap(), b"a");
    }

    /// Keeps `good` records, then fails like a full disk.
    struct FailingSink {
        good: usize,
        log: AuditLog,
    }

    impl AuditSink for FailingSink {
        fn record(&self, record: &AuditRecord) -> core::result::Result<(), AuditError> {
            if self.log.records().len() >= self.good {
                return Err(AuditError::new("No space left on device"));
            }
            self.log.record(record)
        }
    }

    #[test]
    fn a_failing_sink_fails_the_operation_and_everything_after_it() {
        let mem = MemoryFs::new();
        mem.add_file("a.txt", "a").unwrap();
        let log = AuditLog::new();
        let sink = Arc::new(FailingSink {
            good: 2,
            log: log.clone(),
        });
        let fs = AuditFs::new(mem.clone(), "/data", sink);
        let status = fs.status();
        let root = fs.root().unwrap();
        let file = root.open_file("a.txt", OpenOptions::default()).unwrap();
        assert_eq!(status.error(), None);
        // The third record cannot be kept: the guest is not told the
        // directory was made (it was: the record follows the result).
        assert_eq!(root.create_dir("d"), Err(Errno::Io));
        assert!(mem.exists("d"));
        // From then on nothing reaches the filesystem.
        assert_eq!(root.create_dir("e"), Err(Errno::Io));
        assert!(!mem.exists("e"));
        assert_eq!(root.unlink("a.txt"), Err(Errno::Io));
        assert!(mem.exists("a.txt"));
        let mut buf = [0u8; 1];
        assert_eq!(file.read_at(&mut buf, 0), Err(Errno::Io));
        assert_eq!(file.advise(0, 1, 0), Err(Errno::Io));
        assert_eq!(
            status.error(),
            Some(AuditError::new("No space left on device"))
        );
        assert_eq!(fs.error(), status.error());
        assert_eq!(log.records().len(), 2);
    }

    #[cfg(feature = "std")]
    #[test]
    fn json_lines_reports_write_errors() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let fs = AuditFs::new(MemoryFs::new(), "/", Arc::new(JsonLines::new(Full)));
        assert_eq!(fs.root().err(), Some(Errno::Io));
        let e = fs.error().expect("the write error is kept");
        assert_eq!(e.message(), "no storage space");
    }

    #[test]
    fn ops_parse_and_prefixes_match_whole_components() {
        assert_eq!(Ops::parse("read,write").unwrap(), Ops::READ | Ops::WRITE);
        assert_eq!(Ops::parse("writes").unwrap(), Ops::WRITES);
        assert!(Ops::parse("chmod").is_err());
        assert!(under("/a/b", "/a"));
        assert!(!under("/ab", "/a"));
        assert!(under("/x", "/"));
        assert_eq!(json_str("a\"b\n"), r#""a\"b\n""#);
    }
}
