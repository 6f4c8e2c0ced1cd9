//! `wasmbed run --audit FILE` through the binary: every file operation is
//! in FILE, and when a record cannot be written (`/dev/full`) the run fails
//! with a message naming the file and the OS error, even though the guest
//! ignores the errno it got and exits with 0.
use std::path::PathBuf;
mod common;

use common::wasmbed_command;
use std::process::Output;

/// Creates `/tmp/out.txt` on its mount, ignoring every errno, and exits 0.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "out.txt")
  (func (export "_start")
    ;; fd 3 is the first preopen; oflags 1 = create.
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7)
      (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 64)))
    (call $exit (i32.const 0))))"#;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audit-cli");
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir.join(format!("{}-{name}", std::process::id()))
}

fn run_with_audit(audit: &str) -> Output {
    let guest = scratch("guest.wat");
    std::fs::write(&guest, GUEST).unwrap();
    wasmbed_command()
        .args(["run", "--tmpfs", "/tmp", "--audit", audit])
        .arg(&guest)
        .output()
        .expect("run wasmbed")
}

#[test]
fn audit_records_every_file_operation() {
    let log = scratch("audit.jsonl");
    let out = run_with_audit(log.to_str().unwrap());
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "{\"op\":\"open_dir\",\"path\":\"/tmp\",\"result\":\"ok\"}\n\
         {\"op\":\"open_write\",\"path\":\"/tmp/out.txt\",\"result\":\"ok\"}\n"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_audit_file_fails_the_run() {
    let out = run_with_audit("/dev/full");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--audit /dev/full: an audit record could not be written")
            && stderr.contains("No space left on device"),
        "{stderr}"
    );
}
