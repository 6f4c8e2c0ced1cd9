//! A C program written with clang's `wasm_simd128.h` intrinsics
//! (`guests/simd.c`: a dot product, SAXPY with sqrt and clamping, a 3x3
//! box blur, saturating adds, shuffles and lane queries, each beside a
//! scalar version) is built with `-msimd128` and run through the `wasmbed
//! run` binary; its stdout must equal `guests/simd.out`, which records
//! that every SIMD kernel agrees with its scalar twin.
use std::path::{Path, PathBuf};
mod common;

use common::wasmbed_command;
use std::process::Command;

fn guests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests")
}

/// `$WASMBED_CC`, else zig from PyPI's `ziglang` (what `.ci/run` installs).
fn compiler() -> Vec<String> {
    match std::env::var("WASMBED_CC") {
        Ok(cc) => cc.split_whitespace().map(String::from).collect(),
        Err(_) => ["python3", "-m", "ziglang", "cc"]
            .map(String::from)
            .to_vec(),
    }
}

/// Builds `simd.c`, or says why not: `None` when no compiler runs here
/// outside CI (CI installs one; its Windows leg runs under wine, where
/// none can be started).
fn build() -> Option<PathBuf> {
    let cc = compiler();
    let works = Command::new(&cc[0])
        .args(&cc[1..])
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        let msg = format!("`{}` does not run", cc.join(" "));
        if std::env::var_os("CI").is_some() && cfg!(unix) {
            panic!("the SIMD guest needs a wasm32-wasi C compiler: {msg}");
        }
        println!("SIMD guest test not run: {msg}");
        return None;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("simd.wasm");
    let output = Command::new(&cc[0])
        .args(&cc[1..])
        .args([
            "--target=wasm32-wasi",
            "-O2",
            "-msimd128",
            "-g0",
            "-s",
            "-Wall",
            "-o",
        ])
        .arg(&out)
        .arg(guests().join("simd.c"))
        .output()
        .expect("run the C compiler");
    assert!(
        output.status.success(),
        "building simd.c failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(out)
}

#[test]
fn simd_c_program_runs_through_the_cli() {
    let Some(wasm) = build() else { return };
    let output = wasmbed_command()
        .arg("run")
        .arg(&wasm)
        .output()
        .expect("run wasmbed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "wasmbed run failed ({}): {}{}",
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = std::fs::read_to_string(guests().join("simd.out")).unwrap();
    assert_eq!(stdout, expected);
    // The golden file itself says every kernel matched its scalar twin.
    assert_eq!(expected.matches(" equal").count(), 4, "{expected}");
    assert!(!expected.contains("DIFFERENT") && !expected.contains("WRONG"));
}
