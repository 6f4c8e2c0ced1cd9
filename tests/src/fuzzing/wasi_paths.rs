//! `wasi_paths`: arbitrary sequences of WASI path operations against two
//! preopens, a host directory (cap-std, Unix only) at fd 3 and a subtree
//! of an in-memory filesystem at fd 4. Paths come from a small alphabet
//! with `..`, `.`, empty components, absolute paths, symbolic links that
//! point outside (relative and absolute), long names, NUL bytes and bytes
//! that are not UTF-8; sizes and offsets (`fd_filestat_set_size`,
//! `fd_pwrite`, `fd_pread`, `fd_seek`, `fd_allocate`) are small or at the
//! top of the `u64` and `i64` ranges. Everything outside each preopen (names, kinds,
//! sizes, contents, link targets, modification times) is snapshotted before
//! and after: any change is a finding, and so is a WASI call that traps.
//!
//! The operations go through a tiny guest module that re-exports the WASI
//! imports (the crate's implementation is reached only through imports),
//! with arguments the host writes into its memory.
use arbitrary::Unstructured;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use wasmbed::{Engine, Instance, Linker, Memory, Module, Store, Val};
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::subdir::SubdirFs;
use wasmbed_wasi::WasiCtx;

/// The WASI functions the guest re-exports: name, parameter types.
const IMPORTS: &[(&str, &str)] = &[
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_filestat_set_size", "i32 i64"),
    ("fd_close", "i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_allocate", "i32 i64 i64"),
];

/// Where the host puts arguments in guest memory.
const PATH_A: usize = 1024;
const PATH_B: usize = 8192;
const BUF: usize = 16384;
const BUF_LEN: usize = 4096;
const OUT: usize = 64;
const IOVEC: usize = 128;
const MAX_PATH: usize = 6000;

fn guest_wat() -> String {
    let mut wat = String::from("(module\n");
    for (name, params) in IMPORTS {
        wat += &format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        );
    }
    wat += "  (memory (export \"memory\") 1)\n";
    for (name, params) in IMPORTS {
        let gets: String = (0..params.split(' ').count())
            .map(|i| format!(" (local.get {i})"))
            .collect();
        wat += &format!(
            "  (func (export \"{name}\") (param {params}) (result i32) (call ${name}{gets}))\n"
        );
    }
    wat + ")"
}

fn engine_and_module() -> &'static (Engine, Module) {
    static GUEST: OnceLock<(Engine, Module)> = OnceLock::new();
    GUEST.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, guest_wat()).expect("the WASI guest compiles");
        (engine, module)
    })
}

/// One path component of the alphabet; `host_root` is the absolute host
/// path of the directory around the sandbox.
fn component(u: &mut Unstructured<'_>, host_root: &str) -> arbitrary::Result<String> {
    // Half the time a plain name, so that sequences build on what they
    // created; the rest from the whole alphabet.
    const PLAIN: &[&str] = &["sub", "a.txt", "new", "n2", "dir", "new.txt", "inside.txt"];
    if u.ratio(1, 2)? {
        return Ok(u.choose(PLAIN)?.to_string());
    }
    const NAMES: &[&str] = &[
        "..",
        ".",
        "",
        "inside.txt",
        "sub",
        "a.txt",
        "up",
        "abs",
        "out",
        "loop",
        "new",
        "n2",
        "outside.txt",
        "outer",
        "sandbox",
        "other",
        "secret",
        "a\0b",
        "dir",
        "new.txt",
    ];
    Ok(match u.int_in_range(0..=NAMES.len() + 3)? {
        i if i < NAMES.len() => NAMES[i].to_string(),
        i if i == NAMES.len() => "x".repeat(u.int_in_range(200..=300)?),
        i if i == NAMES.len() + 1 => host_root.trim_start_matches('/').to_string(),
        i if i == NAMES.len() + 2 => "\u{e9}\u{301}".to_string(),
        _ => {
            let len = u.int_in_range(1..=6)?;
            let raw: Vec<u8> = (0..len).map(|_| u.arbitrary()).collect::<Result<_, _>>()?;
            String::from_utf8_lossy(&raw).into_owned()
        }
    })
}

/// A path from the alphabet: components joined by `/` (sometimes `//`),
/// sometimes absolute, sometimes with a trailing slash; rarely raw bytes.
fn path(u: &mut Unstructured<'_>, host_root: &str) -> arbitrary::Result<Vec<u8>> {
    if u.ratio(1, 30)? {
        let len = u.int_in_range(0..=12)?;
        return (0..len).map(|_| u.arbitrary()).collect();
    }
    let mut p = String::new();
    if u.ratio(1, 6)? {
        p.push('/');
    }
    let n = if u.ratio(2, 3)? {
        1
    } else {
        u.int_in_range(2..=5)?
    };
    for i in 0..n {
        if i > 0 {
            p.push_str(if u.ratio(1, 8)? { "//" } else { "/" });
        }
        p += &component(u, host_root)?;
    }
    if u.ratio(1, 8)? {
        p.push('/');
    }
    let mut bytes = p.into_bytes();
    bytes.truncate(MAX_PATH);
    Ok(bytes)
}

/// Kind, size, contents (or link target) and modification time of every
/// entry under a directory, by relative path.
type Snapshot = BTreeMap<String, String>;

#[cfg(unix)]
fn host_snapshot(root: &std::path::Path, skip: &std::path::Path) -> Snapshot {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        skip: &std::path::Path,
        out: &mut Snapshot,
    ) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("list a directory")
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if p == skip {
                continue;
            }
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).expect("stat an entry");
            let mtime = meta.modified().ok();
            let what = if meta.file_type().is_symlink() {
                format!("link {:?}", std::fs::read_link(&p).unwrap())
            } else if meta.is_dir() {
                walk(root, &p, skip, out);
                "dir".to_string()
            } else {
                format!("file {} {:?}", meta.len(), std::fs::read(&p).unwrap())
            };
            out.insert(
                rel,
                format!("{what} mtime {mtime:?} mode {:?}", meta.permissions()),
            );
        }
    }
    let mut out = Snapshot::new();
    walk(root, root, skip, &mut out);
    out
}

fn memory_snapshot(fs: &MemoryFs, dir: &str, skip: &str, out: &mut Snapshot) {
    for name in fs.list_dir(dir).expect("list a directory") {
        let p = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        if p == skip {
            continue;
        }
        match fs.read_file(&p) {
            Ok(data) => {
                out.insert(p, format!("file {data:?}"));
            }
            Err(wasmbed_wasi::Errno::Isdir) => {
                memory_snapshot(fs, &p, skip, out);
                out.insert(p, "dir".to_string());
            }
            Err(e) => {
                out.insert(p, format!("other {e:?}"));
            }
        }
    }
}

/// The tree around a sandbox: `outer/sandbox` is the preopen; everything
/// else must stay as it is.
const FILES: &[(&str, &str)] = &[
    ("secret", "top secret"),
    ("other/inner.txt", "other"),
    ("outer/outside.txt", "outside"),
    ("outer/sandbox/inside.txt", "inside"),
    ("outer/sandbox/sub/a.txt", "a"),
];
const LINKS: &[(&str, &str)] = &[
    ("outer/sandbox/up", ".."),
    ("outer/sandbox/out", "../outside.txt"),
    ("outer/sandbox/sub/deep", "../../../secret"),
    ("outer/sandbox/loop", "loop"),
];

static NEXT_DIR: AtomicU64 = AtomicU64::new(0);

/// A host directory removed when dropped.
struct TempTree(std::path::PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one case did, for the smoke test's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WasiOutcome {
    /// WASI calls made.
    pub calls: usize,
    /// Of those, calls that succeeded (errno 0).
    pub succeeded: usize,
}

/// Runs a sequence of WASI path operations drawn from `u`; panics if
/// anything outside a preopen changed or a WASI call trapped.
pub fn check_wasi_paths(u: &mut Unstructured<'_>) -> arbitrary::Result<WasiOutcome> {
    let (engine, module) = engine_and_module();

    // The host tree.
    let root = std::env::temp_dir().join(format!(
        "wasmbed-fuzz-wasi-{}-{}",
        std::process::id(),
        NEXT_DIR.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let tree = TempTree(root.clone());
    for (p, data) in FILES {
        let p = root.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    let host_root = root.to_string_lossy().into_owned();
    #[cfg(unix)]
    {
        for (p, target) in LINKS {
            std::os::unix::fs::symlink(target, root.join(p)).unwrap();
        }
        std::os::unix::fs::symlink(root.join("secret"), root.join("outer/sandbox/abs")).unwrap();
    }
    let sandbox = root.join("outer/sandbox");

    // The in-memory tree, the same shape.
    let mem = MemoryFs::new();
    for (p, data) in FILES {
        mem.add_file(p, *data).unwrap();
    }
    for (p, target) in LINKS {
        mem.add_symlink(p, target).unwrap();
    }
    mem.add_symlink("outer/sandbox/abs", &format!("{host_root}/secret"))
        .unwrap();

    #[cfg(unix)]
    let host_before = host_snapshot(&root, &sandbox);
    let mut mem_before = Snapshot::new();
    memory_snapshot(&mem, "", "outer/sandbox", &mut mem_before);

    let mut builder = WasiCtx::builder();
    #[cfg(unix)]
    builder
        .preopened_dir(&sandbox, "/")
        .expect("mount the host sandbox");
    #[cfg(not(unix))]
    builder
        .preopen(MemoryFs::new(), "/")
        .expect("mount a placeholder");
    builder
        .preopen_arc(
            Arc::new(SubdirFs::new(mem.clone(), "outer/sandbox")),
            "/mem",
        )
        .expect("mount the memory sandbox");
    let mut store = Store::new(engine, builder.build());
    let mut linker = Linker::new(engine);
    wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let instance = linker
        .instantiate(&mut store, module)
        .expect("instantiate the guest");
    let memory = instance.get_memory(&store, "memory").unwrap();

    let mut fds: Vec<i32> = vec![3, 4];
    let mut outcome = WasiOutcome::default();
    let ops = u.int_in_range(1..=24)?;
    for _ in 0..ops {
        if u.is_empty() {
            break;
        }
        let errno = run_op(u, &mut store, instance, memory, &mut fds, &host_root)?;
        outcome.calls += 1;
        outcome.succeeded += (errno == 0) as usize;
    }
    drop(store);

    #[cfg(unix)]
    {
        let host_after = host_snapshot(&root, &sandbox);
        assert_eq!(
            host_before, host_after,
            "something outside the host preopen changed"
        );
    }
    let mut mem_after = Snapshot::new();
    memory_snapshot(&mem, "", "outer/sandbox", &mut mem_after);
    assert_eq!(
        mem_before, mem_after,
        "something outside the memory preopen changed"
    );
    drop(tree);
    Ok(outcome)
}

fn pick_fd(u: &mut Unstructured<'_>, fds: &[i32]) -> arbitrary::Result<i32> {
    if u.ratio(1, 20)? {
        return u.int_in_range(0..=12);
    }
    Ok(*u.choose(fds)?)
}

/// A descriptor for the calls on files: half the time the newest one,
/// which is most likely a file the sequence just opened.
fn pick_file_fd(u: &mut Unstructured<'_>, fds: &[i32]) -> arbitrary::Result<i32> {
    match fds.last() {
        Some(&fd) if fd > 4 && u.arbitrary()? => Ok(fd),
        _ => pick_fd(u, fds),
    }
}

/// A size or offset for the calls that take one: mostly small, else at
/// the top of the `u64` range (a guest's negative numbers) or around
/// `i64::MAX` (the largest file size), where sums used to overflow.
fn size(u: &mut Unstructured<'_>) -> arbitrary::Result<i64> {
    Ok(match u.int_in_range(0..=5)? {
        0 => -u.int_in_range(1..=64)?,
        1 => i64::MAX - u.int_in_range(0..=64)?,
        2 => i64::MIN + u.int_in_range(0..=64)?,
        3 => u.arbitrary()?,
        _ => u.int_in_range(0..=100)?,
    })
}

/// Puts `data` in guest memory at `BUF` and an iovec for it at `IOVEC`.
fn put_iovec(store: &mut Store<WasiCtx>, memory: Memory, data: &[u8]) {
    let mem = memory.data_mut(store);
    mem[BUF..BUF + data.len()].copy_from_slice(data);
    mem[IOVEC..IOVEC + 4].copy_from_slice(&(BUF as u32).to_le_bytes());
    mem[IOVEC + 4..IOVEC + 8].copy_from_slice(&(data.len() as u32).to_le_bytes());
}

fn lookup_flags(u: &mut Unstructured<'_>) -> arbitrary::Result<i32> {
    // Bit 0: follow symbolic links; rarely anything else.
    Ok(if u.ratio(1, 20)? {
        u.arbitrary()?
    } else {
        u.arbitrary::<bool>()? as i32
    })
}

fn run_op(
    u: &mut Unstructured<'_>,
    store: &mut Store<WasiCtx>,
    instance: Instance,
    memory: Memory,
    fds: &mut Vec<i32>,
    host_root: &str,
) -> arbitrary::Result<i32> {
    let put = |store: &mut Store<WasiCtx>, at: usize, bytes: &[u8]| -> (i32, i32) {
        memory.data_mut(store)[at..at + bytes.len()].copy_from_slice(bytes);
        (at as i32, bytes.len() as i32)
    };
    let a = path(u, host_root)?;
    let (pa, la) = put(store, PATH_A, &a);
    use Val::{I32, I64};
    let (name, args): (&str, Vec<Val>) = match u.int_in_range(0..=17)? {
        0 => {
            let fd = pick_fd(u, fds)?;
            let oflags = u.int_in_range(0..=15)?; // creat, directory, excl, trunc
            let rights: i64 = if u.ratio(4, 5)? {
                0x1fff_ffff
            } else {
                u.arbitrary()?
            };
            let fdflags = if u.ratio(1, 4)? {
                u.int_in_range(0..=31)?
            } else {
                0
            };
            let args = vec![
                I32(fd),
                I32(lookup_flags(u)?),
                I32(pa),
                I32(la),
                I32(oflags),
                I64(rights),
                I64(rights),
                I32(fdflags),
                I32(OUT as i32),
            ];
            ("path_open", args)
        }
        1 => (
            "path_create_directory",
            vec![I32(pick_fd(u, fds)?), I32(pa), I32(la)],
        ),
        2 => (
            "path_remove_directory",
            vec![I32(pick_fd(u, fds)?), I32(pa), I32(la)],
        ),
        3 => (
            "path_unlink_file",
            vec![I32(pick_fd(u, fds)?), I32(pa), I32(la)],
        ),
        4 => {
            let b = path(u, host_root)?;
            let (pb, lb) = put(store, PATH_B, &b);
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(pa),
                I32(la),
                I32(pick_fd(u, fds)?),
                I32(pb),
                I32(lb),
            ];
            ("path_rename", args)
        }
        5 => {
            let b = path(u, host_root)?;
            let (pb, lb) = put(store, PATH_B, &b);
            (
                "path_symlink",
                vec![I32(pb), I32(lb), I32(pick_fd(u, fds)?), I32(pa), I32(la)],
            )
        }
        6 => {
            let b = path(u, host_root)?;
            let (pb, lb) = put(store, PATH_B, &b);
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(lookup_flags(u)?),
                I32(pa),
                I32(la),
                I32(pick_fd(u, fds)?),
                I32(pb),
                I32(lb),
            ];
            ("path_link", args)
        }
        7 => {
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(lookup_flags(u)?),
                I32(pa),
                I32(la),
                I32(BUF as i32),
            ];
            ("path_filestat_get", args)
        }
        8 => {
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(lookup_flags(u)?),
                I32(pa),
                I32(la),
                I64(u.arbitrary()?),
                I64(u.arbitrary()?),
                I32(u.int_in_range(0..=15)?),
            ];
            ("path_filestat_set_times", args)
        }
        9 => {
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(pa),
                I32(la),
                I32(BUF as i32),
                I32(u.int_in_range(0..=BUF_LEN as i32)?),
                I32(OUT as i32),
            ];
            ("path_readlink", args)
        }
        10 => {
            let data: Vec<u8> = (0..u.int_in_range(0..=64)?)
                .map(|_| u.arbitrary())
                .collect::<Result<_, _>>()?;
            put_iovec(store, memory, &data);
            (
                "fd_write",
                vec![
                    I32(pick_fd(u, fds)?),
                    I32(IOVEC as i32),
                    I32(1),
                    I32(OUT as i32),
                ],
            )
        }
        11 => {
            let args = vec![
                I32(pick_fd(u, fds)?),
                I32(BUF as i32),
                I32(u.int_in_range(0..=BUF_LEN as i32)?),
                I64(u.int_in_range(0..=8)?),
                I32(OUT as i32),
            ];
            ("fd_readdir", args)
        }
        12 => (
            "fd_filestat_set_size",
            vec![I32(pick_file_fd(u, fds)?), I64(size(u)?)],
        ),
        14 | 15 => {
            let data: Vec<u8> = (0..u.int_in_range(0..=64)?)
                .map(|_| u.arbitrary())
                .collect::<Result<_, _>>()?;
            put_iovec(store, memory, &data);
            let args = vec![
                I32(pick_file_fd(u, fds)?),
                I32(IOVEC as i32),
                I32(1),
                I64(size(u)?),
                I32(OUT as i32),
            ];
            (
                if u.arbitrary()? {
                    "fd_pwrite"
                } else {
                    "fd_pread"
                },
                args,
            )
        }
        16 => {
            let args = vec![
                I32(pick_file_fd(u, fds)?),
                I64(size(u)?),
                I32(u.int_in_range(0..=3)?),
                I32(OUT as i32),
            ];
            ("fd_seek", args)
        }
        17 => (
            "fd_allocate",
            vec![I32(pick_file_fd(u, fds)?), I64(size(u)?), I64(size(u)?)],
        ),
        _ => {
            // Never close the preopens: the run would just stop there.
            let fd = *u.choose(fds)?;
            if fd > 4 {
                fds.retain(|f| *f != fd);
            }
            ("fd_close", vec![I32(if fd > 4 { fd } else { 99 })])
        }
    };
    let func = instance.get_func(&*store, name).expect("a guest export");
    let mut results = [Val::I32(0)];
    if let Err(e) = func.call(&mut *store, &args, &mut results) {
        panic!("{name}{args:?} trapped: {e}");
    }
    let errno = results[0].i32().unwrap();
    if name == "path_open" && errno == 0 {
        let fd = memory.read_u32(&*store, OUT);
        fds.push(fd as i32);
    }
    Ok(errno)
}

trait ReadU32 {
    fn read_u32(&self, store: &Store<WasiCtx>, at: usize) -> u32;
}

impl ReadU32 for Memory {
    fn read_u32(&self, store: &Store<WasiCtx>, at: usize) -> u32 {
        u32::from_le_bytes(self.data(store)[at..at + 4].try_into().unwrap())
    }
}
