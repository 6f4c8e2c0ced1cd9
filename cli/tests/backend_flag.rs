//! `--backend` on `wasmbed run` and `wasmbed wast`: every choice runs a
//! program to the same result, `jit` fails with a clear message while no
//! JIT is built for the host, and an unknown value is refused.
mod common;

use common::wasmbed_command;
use std::path::Path;

fn fib() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.wat"))
}

#[test]
fn every_backend_runs_the_program() {
    for backend in [
        "auto",
        "interp",
        "refuse-all",
        "trampoline",
        "trampoline-odd",
    ] {
        let out = wasmbed_command()
            .args(["run", "--backend", backend, "--invoke", "fib"])
            .arg(fib())
            .arg("20")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{backend}: {out:?}");
        assert_eq!(stdout.trim(), "6765", "{backend}");
    }
}

/// `--backend jit` is strict: on x86-64 (see `wasmbed::use_host_jit`)
/// jit-x64 compiles every function of the
/// program; elsewhere the run says no JIT is installed.
#[test]
fn jit_runs_strictly_or_says_why_not() {
    let out = wasmbed_command()
        .args(["run", "--backend", "jit", "--invoke", "fib"])
        .arg(fib())
        .arg("20")
        .output()
        .unwrap();
    if cfg!(target_arch = "x86_64") {
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "6765");
    } else {
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no JIT backend is installed"), "{stderr}");
    }
}

#[test]
fn unknown_backend_is_refused() {
    let out = wasmbed_command()
        .args(["run", "--backend", "cranelift"])
        .arg(fib())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid value 'cranelift'"), "{stderr}");
}

#[test]
fn wast_runs_on_the_trampoline_backend() {
    let script = Path::new(env!("CARGO_TARGET_TMPDIR")).join("backend_flag.wast");
    std::fs::write(
        &script,
        r#"(module
             (func $f (export "f") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 7))
                 (else (call $f (i32.sub (local.get 0) (i32.const 1)))))))
           (assert_return (invoke "f" (i32.const 30)) (i32.const 7))
           (assert_trap (invoke "f" (i32.const -1)) "call stack exhausted")"#,
    )
    .unwrap();
    let out = wasmbed_command()
        .args(["wast", "--backend", "trampoline"])
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
}
