//! `wasmbed run -W max-wasm-stack=N`: the default runs deep recursion, a
//! small limit turns it into a "call stack exhausted" trap whose backtrace
//! folds the recursion into one line, and a bad value is refused.
mod common;

use common::wasmbed_command;
use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;

/// `$f` and `$g` recurse into each other `n` times and return `n`.
const MUTUAL: &str = r#"(module
  (func $f (export "f") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $g (i32.sub (local.get $n) (i32.const 1)))))))
  (func $g (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $f (i32.sub (local.get $n) (i32.const 1))))))))"#;

/// Written once per test binary: the tests run in parallel, and one
/// rewriting the file while another's `wasmbed` reads it read it empty.
fn module() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("max_wasm_stack.wat");
        std::fs::write(&path, MUTUAL).unwrap();
        path
    })
    .clone()
}

fn run(flags: &[&str], n: &str) -> Output {
    wasmbed_command()
        .arg("run")
        .args(flags)
        .args(["--invoke", "f"])
        .arg(module())
        .arg(n)
        .output()
        .expect("start wasmbed")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_default_runs_200_000_nested_calls() {
    let out = run(&[], "200000");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "200000");
}

#[test]
fn a_small_limit_traps_with_a_folded_backtrace() {
    let out = run(&["-W", "max-wasm-stack=65536"], "200000");
    assert_eq!(out.status.code(), Some(134), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("call stack exhausted"), "{stderr}");
    assert!(stderr.contains("more frames repeating"), "{stderr}");
    assert!(stderr.lines().count() < 12, "{stderr}");
    // The same depth fits when the limit allows it.
    let out = run(&["-W", "max-wasm-stack=65536"], "100");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_limit_that_is_not_a_number_is_refused() {
    let out = run(&["-W", "max-wasm-stack=8M"], "1");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("max-wasm-stack=8M"), "{stderr}");
}
