//! Records which sources and compiler the benchmark was built with, so that
//! RESULTS.md names the commit of the wasmbed actually measured (the working
//! tree may have moved on by the time the binary runs).
use std::process::Command;

fn main() {
    // Rebuild (and re-describe) whenever the measured sources or HEAD change.
    for path in [
        "../core",
        "../runtime",
        "../Cargo.toml",
        "../.git/logs/HEAD",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let commit = output("git", &["describe", "--always", "--dirty"]);
    println!("cargo:rustc-env=BENCH_BUILD_COMMIT={commit}");
    for krate in ["wasmi", "wasmtime"] {
        println!(
            "cargo:rustc-env=BENCH_{}_VERSION={}",
            krate.to_uppercase(),
            locked_version(krate)
        );
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    println!(
        "cargo:rustc-env=BENCH_BUILD_RUSTC={}",
        output(&rustc, &["--version"])
    );
}

/// The trimmed stdout of a successful command, or "unknown".
fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The version of `krate` in Cargo.lock, or "unknown".
fn locked_version(krate: &str) -> String {
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{krate}\"") {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
                return v.trim_matches('"').to_string();
            }
        }
    }
    "unknown".to_string()
}
