//! Running one WASI command on one backend: the `root` directory mounted at
//! `/` either as a fresh host copy (cap-std) or loaded into a `MemoryFs`,
//! stdout and stderr captured, the exit code taken from `proc_exit`. Also a
//! small worker pool with a per-run time limit, so a guest that hangs fails
//! its test instead of the whole run.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use wasmbed::{Engine, Linker, Module, Store};
use wasmbed_wasi::fs::host::HostFs;
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::FileSystem;
use wasmbed_wasi::stdio::{MemoryInput, OutputBuffer};
use wasmbed_wasi::WasiCtx;

/// Where a guest's root directory lives during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A fresh copy on the host, mounted through cap-std.
    Host,
    /// Loaded into an in-memory filesystem.
    Memory,
}

impl Backend {
    /// The backends tests run on. Host directories are tested on Unix
    /// hosts; elsewhere (Windows, where `HostFs` has no symbolic links)
    /// only the in-memory filesystem runs.
    #[cfg(unix)]
    pub const ALL: &'static [Backend] = &[Backend::Host, Backend::Memory];
    #[cfg(not(unix))]
    pub const ALL: &'static [Backend] = &[Backend::Memory];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Host => "host",
            Backend::Memory => "memory",
        }
    }
}

/// How to run a guest.
#[derive(Clone, Default)]
pub struct RunSpec {
    /// argv, the program name first.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Mounted at `/` when present.
    pub root: Option<PathBuf>,
    pub stdin: Vec<u8>,
    /// More mounts, after the root: guest path and filesystem.
    pub mounts: Vec<(String, Arc<dyn FileSystem>)>,
}

/// What a run produced.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// A trap or host error that ended the run (exit code 134 then).
    pub error: Option<String>,
    /// For host runs: the directory the guest saw, still on disk until
    /// the caller removes it (for checking what the guest left there).
    pub host_root: Option<PathBuf>,
    /// For memory runs: the filesystem the guest saw.
    pub memory_root: Option<MemoryFs>,
}

static NEXT_DIR: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty scratch directory under the target directory.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let n = NEXT_DIR.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("wasi-runs")
        .join(format!("{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// Copies `from` into `to` (which exists), making everything writable.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.expect("directory entry");
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let ty = entry.file_type().expect("file type");
        if ty.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(&src).expect("read link"), &dst)
                .expect("copy a symlink");
        } else if ty.is_dir() {
            std::fs::create_dir(&dst).expect("create a directory");
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy a file");
        }
        make_writable(&dst);
    }
    make_writable(to);
}

#[cfg_attr(not(unix), allow(unused_variables))]
fn make_writable(path: &Path) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if !meta.file_type().is_symlink() {
            let mode = if meta.is_dir() { 0o755 } else { 0o644 };
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }
}

/// Runs `module`'s `_start` with `spec` on `backend`.
pub fn run(engine: &Engine, module: &Module, spec: &RunSpec, backend: Backend) -> Outcome {
    let stdout = OutputBuffer::new();
    let stderr = OutputBuffer::new();
    let mut builder = WasiCtx::builder();
    builder
        .args(spec.args.iter().cloned())
        .stdin(MemoryInput::new(spec.stdin.clone()))
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    for (k, v) in &spec.env {
        builder.env(k, v);
    }
    let mut outcome = Outcome::default();
    if let Some(root) = &spec.root {
        match backend {
            Backend::Host => {
                let dir = scratch_dir("root");
                copy_tree(root, &dir);
                let fs = HostFs::open(&dir).expect("open the copied root");
                builder.preopen(fs, "/").expect("mount the root");
                outcome.host_root = Some(dir);
            }
            Backend::Memory => {
                let fs = MemoryFs::new();
                fs.load_host_dir(root).expect("load the root into memory");
                builder.preopen(fs.clone(), "/").expect("mount the root");
                outcome.memory_root = Some(fs);
            }
        }
    }
    for (guest, fs) in &spec.mounts {
        builder
            .preopen_arc(fs.clone(), guest)
            .expect("mount a filesystem");
    }
    let ctx = builder.build();
    let result = (|| {
        let mut linker = Linker::new(engine);
        wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
        let mut store = Store::new(engine, ctx);
        let instance = linker.instantiate(&mut store, module)?;
        let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
        start.call(&mut store, ())
    })();
    outcome.exit_code = match &result {
        Ok(()) => 0,
        Err(e) => match wasmbed_wasi::exit_code(e) {
            Some(code) => code,
            None => {
                outcome.error = Some(e.to_string());
                134
            }
        },
    };
    outcome.stdout = stdout.contents();
    outcome.stderr = stderr.contents();
    outcome
}

/// A named unit of work for [`run_parallel`].
pub type Job<R> = (String, Box<dyn FnOnce() -> R + Send>);

/// Runs `jobs` on worker threads (as many as the machine has cores). A job
/// still running after `limit` yields `timed_out(name)` and its thread is
/// left behind (it dies with the test process). Results come back in the
/// order of `jobs`.
pub fn run_parallel<R: Send + 'static>(
    jobs: Vec<Job<R>>,
    limit: Duration,
    timed_out: impl Fn(&str) -> R,
) -> Vec<(String, R)> {
    type Queued<R> = (usize, String, Box<dyn FnOnce() -> R + Send>);
    let total = jobs.len();
    let names: Vec<String> = jobs.iter().map(|(n, _)| n.clone()).collect();
    let queue: Arc<Mutex<Vec<Queued<R>>>> = Arc::new(Mutex::new(
        jobs.into_iter()
            .enumerate()
            .map(|(i, (n, f))| (i, n, f))
            .rev()
            .collect(),
    ));
    let (tx, rx) = mpsc::channel::<(usize, Option<R>)>();
    let spawn = |queue: Arc<Mutex<Vec<Queued<R>>>>, tx: mpsc::Sender<(usize, Option<R>)>| {
        thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || loop {
                let Some((i, _, job)) = queue.lock().unwrap().pop() else {
                    return;
                };
                if tx.send((i, None)).is_err() {
                    return;
                }
                let r = job();
                if tx.send((i, Some(r))).is_err() {
                    return;
                }
            })
            .expect("spawn a worker");
    };
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    for _ in 0..workers.min(total.max(1)) {
        spawn(queue.clone(), tx.clone());
    }
    let mut results: Vec<Option<R>> = (0..total).map(|_| None).collect();
    let mut started: Vec<Option<Instant>> = vec![None; total];
    let mut done = 0;
    while done < total {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok((i, None)) => started[i] = Some(Instant::now()),
            Ok((i, Some(r))) => {
                if results[i].is_none() {
                    results[i] = Some(r);
                    done += 1;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        for i in 0..total {
            if results[i].is_none() && started[i].is_some_and(|t| t.elapsed() > limit) {
                results[i] = Some(timed_out(&names[i]));
                done += 1;
                spawn(queue.clone(), tx.clone());
            }
        }
    }
    names
        .into_iter()
        .zip(results)
        .map(|(n, r)| {
            let r = r.unwrap_or_else(|| timed_out(&n));
            (n, r)
        })
        .collect()
}
