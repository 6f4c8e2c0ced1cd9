//! The project's own WASI guests: C programs in `guests/` (built by this
//! test with `python3 -m ziglang cc --target=wasm32-wasi`, or `$WASMBED_CC`)
//! that call every `wasi_snapshot_preview1` function and print what they
//! got. Each runs on host directories and on the in-memory filesystem with
//! the same fixture, and both outputs must equal the expected output in
//! `guests/NAME.out` (`WASMBED_BLESS=1` rewrites those from the in-memory
//! run; review the diff before committing it).
use crate::harness::{self, Backend, Outcome, RunSpec};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use wasmbed::{Engine, Module};

/// The guest programs.
const GUESTS: &[&str] = &[
    "files", "dirs", "links", "times", "poll", "misc", "escape", "mounts",
];

pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/guests")
}

pub fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/fixtures/root")
}

/// The C compiler command: `$WASMBED_CC`, else zig from PyPI's `ziglang`.
fn compiler() -> Vec<String> {
    match std::env::var("WASMBED_CC") {
        Ok(cc) => cc.split_whitespace().map(String::from).collect(),
        Err(_) => ["python3", "-m", "ziglang", "cc"]
            .map(String::from)
            .to_vec(),
    }
}

fn compile(cc: &[String], src: &Path, out: &Path) -> Result<(), String> {
    let output = Command::new(&cc[0])
        .args(&cc[1..])
        .args(["--target=wasm32-wasi", "-O2", "-g0", "-s", "-Wall", "-o"])
        .arg(out)
        .arg(src)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cc.join(" ")))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed on {}:\n{}",
            cc.join(" "),
            src.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

fn modified(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Builds every guest once per test run (only those whose source changed),
/// in parallel. `None` when no compiler is available: each caller then
/// prints why it runs nothing. Under `CI` a missing compiler fails instead,
/// unless `WASMBED_SKIP_C_GUESTS` gives the reason it cannot run there.
pub fn built() -> Option<&'static Path> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let cc = compiler();
        let works = Command::new(&cc[0])
            .args(&cc[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !works {
            let msg = format!(
                "the C guest tests need a wasm32-wasi C compiler: `{}` does not run \
                     (install it with `pip install ziglang==0.17.1`, or set WASMBED_CC)",
                cc.join(" ")
            );
            // CI installs the compiler, so there its absence is a
            // failure; a CI leg that cannot start it (Windows under
            // wine) says why in WASMBED_SKIP_C_GUESTS.
            return match std::env::var("WASMBED_SKIP_C_GUESTS") {
                Ok(reason) if !reason.trim().is_empty() => {
                    Err(format!("{msg}; skipped on purpose: {reason}"))
                }
                _ if std::env::var_os("CI").is_some() => panic!(
                    "{msg} (CI is set: a missing compiler is a failure; set \
                         WASMBED_SKIP_C_GUESTS=<reason> where it cannot run)"
                ),
                _ => Err(msg),
            };
        }
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-guests");
        std::fs::create_dir_all(&out_dir).expect("create the guest build directory");
        let header = modified(&guests_dir().join("guest.h"));
        let errors: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = GUESTS
                .iter()
                .map(|name| {
                    let (cc, out_dir) = (&cc, &out_dir);
                    s.spawn(move || {
                        let src = guests_dir().join(format!("{name}.c"));
                        let out = out_dir.join(format!("{name}.wasm"));
                        let fresh = modified(&out).is_some_and(|built| {
                            modified(&src).is_some_and(|t| t <= built)
                                && header.is_some_and(|t| t <= built)
                        });
                        if fresh {
                            Ok(())
                        } else {
                            compile(cc, &src, &out)
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().expect("compiler thread").err())
                .collect()
        });
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        Ok(out_dir)
    });
    match built {
        Ok(dir) => Some(dir),
        Err(why) => {
            println!("C guest test not run: {why}");
            None
        }
    }
}

/// The compiled guest `name`.
pub fn load(engine: &Engine, name: &str) -> Option<Module> {
    let dir = built()?;
    let path = dir.join(format!("{name}.wasm"));
    Some(Module::from_file(engine, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Runs `name` on both backends with `spec(backend)` and checks stdout
/// against `guests/<golden>.out`; returns the two outcomes.
pub fn check_golden(
    name: &str,
    golden: &str,
    spec: impl Fn(Backend) -> RunSpec,
) -> Option<Vec<(Backend, Outcome)>> {
    let engine = Engine::default();
    let module = load(&engine, name)?;
    let outcomes: Vec<(Backend, Outcome)> = Backend::ALL
        .iter()
        .map(|b| (*b, harness::run(&engine, &module, &spec(*b), *b)))
        .collect();
    let path = guests_dir().join(format!("{golden}.out"));
    if std::env::var_os("WASMBED_BLESS").is_some() {
        let memory = &outcomes
            .iter()
            .find(|(b, _)| *b == Backend::Memory)
            .unwrap()
            .1;
        std::fs::write(&path, &memory.stdout).expect("write the expected output");
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with WASMBED_BLESS=1 to create it)",
            path.display()
        )
    });
    for (backend, out) in &outcomes {
        let got = String::from_utf8_lossy(&out.stdout);
        if got != expected {
            let diff: Vec<String> = diff_lines(&expected, &got);
            panic!(
                "{name} on {} dirs: stdout differs from {} (exit {}, error {:?}, stderr {:?}):\n{}",
                backend.name(),
                path.display(),
                out.exit_code,
                out.error,
                String::from_utf8_lossy(&out.stderr),
                diff.join("\n")
            );
        }
    }
    for (_, out) in &outcomes {
        if let Some(dir) = &out.host_root {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Some(outcomes)
}

/// The lines that differ, as `-expected` / `+got`.
fn diff_lines(expected: &str, got: &str) -> Vec<String> {
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = Vec::new();
    for i in 0..e.len().max(g.len()) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                if let Some(a) = a {
                    out.push(format!("line {}: -{a}", i + 1));
                }
                if let Some(b) = b {
                    out.push(format!("line {}: +{b}", i + 1));
                }
            }
        }
    }
    out
}

/// A run with the fixture directory as `/`.
fn with_fixture(args: &[&str]) -> RunSpec {
    RunSpec {
        args: args.iter().map(|s| s.to_string()).collect(),
        root: Some(fixture_root()),
        ..RunSpec::default()
    }
}

fn exits_cleanly(outcomes: &[(Backend, Outcome)]) {
    for (b, out) in outcomes {
        assert_eq!(
            (out.exit_code, &out.error),
            (0, &None),
            "{}: {}",
            b.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn guest_files() {
    if let Some(o) = check_golden("files", "files", |_| with_fixture(&["files"])) {
        exits_cleanly(&o);
    }
}

#[test]
fn guest_dirs() {
    if let Some(o) = check_golden("dirs", "dirs", |_| with_fixture(&["dirs"])) {
        exits_cleanly(&o);
    }
}

#[test]
fn guest_links() {
    if let Some(o) = check_golden("links", "links", |_| with_fixture(&["links"])) {
        exits_cleanly(&o);
    }
}

#[test]
fn guest_times() {
    if let Some(o) = check_golden("times", "times", |_| with_fixture(&["times"])) {
        exits_cleanly(&o);
    }
}

#[test]
fn guest_poll() {
    if let Some(o) = check_golden("poll", "poll", |_| with_fixture(&["poll"])) {
        exits_cleanly(&o);
    }
}

fn misc_spec(args: &[&str]) -> RunSpec {
    RunSpec {
        args: args.iter().map(|s| s.to_string()).collect(),
        env: vec![
            ("GREETING".into(), "hello there".into()),
            ("EMPTY".into(), String::new()),
        ],
        stdin: b"typed input".to_vec(),
        ..RunSpec::default()
    }
}

#[test]
fn guest_args_env_random_and_more() {
    if let Some(o) = check_golden("misc", "misc", |_| {
        misc_spec(&["misc", "two words", "ünïcode", ""])
    }) {
        exits_cleanly(&o);
        for (_, out) in &o {
            assert_eq!(out.stderr, b"to stderr\n");
        }
    }
}

#[test]
fn guest_exit_codes() {
    for code in [0, 3, 42, 255] {
        let code_s = code.to_string();
        let golden = format!("misc-exit-{code}");
        let Some(o) = check_golden("misc", &golden, |_| misc_spec(&["misc", "exit", &code_s]))
        else {
            return;
        };
        for (b, out) in &o {
            assert_eq!(out.exit_code, code, "{}", b.name());
            assert_eq!(out.error, None);
        }
    }
}
