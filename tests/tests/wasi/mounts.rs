//! Read-only and audited mounts, through `guests/mounts.c`: every change
//! on the read-only mount fails as on a read-only POSIX mount and changes
//! nothing; on the audited mount every operation is recorded (compared
//! line for line with `guests/mounts.audit`) and the policy denies
//! `/audited/private`, also when reached through a symbolic link. And a
//! `.wat` guest on an audited mount whose sink fails part way: the guest
//! ignores the `EIO`s and exits 0, the filesystem saw nothing after the
//! failure, and the embedder learns of it from the mount's status.
use crate::guests::{check_golden, fixture_root, guests_dir};
use crate::harness::{copy_tree, run, scratch_dir, Backend, RunSpec};
use std::sync::{Arc, Mutex};
use wasmbed::{Engine, Module};
use wasmbed_wasi::fs::audit::{AuditError, AuditFs, AuditLog, AuditRecord, AuditSink, Ops, Policy};
use wasmbed_wasi::fs::host::HostFs;
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::readonly::ReadOnlyFs;
use wasmbed_wasi::fs::FileSystem;

#[test]
fn read_only_and_audited_mounts() {
    let logs: Mutex<Vec<(Backend, AuditLog)>> = Mutex::default();
    let ro_dirs = Mutex::new(Vec::new());
    let ro_mems = Mutex::new(Vec::new());
    let outcomes = check_golden("mounts", "mounts", |backend| {
        let log = AuditLog::new();
        logs.lock().unwrap().push((backend, log.clone()));
        let policy = Policy::allow_all().deny("/audited/private", Ops::all());
        let (ro, audited): (Arc<dyn FileSystem>, Arc<dyn FileSystem>) = match backend {
            Backend::Host => {
                let ro_dir = scratch_dir("ro");
                copy_tree(&fixture_root(), &ro_dir);
                ro_dirs.lock().unwrap().push(ro_dir.clone());
                let au_dir = scratch_dir("audited");
                std::fs::create_dir(au_dir.join("private")).unwrap();
                std::fs::write(au_dir.join("private/key.txt"), "key").unwrap();
                (
                    Arc::new(ReadOnlyFs::new(HostFs::open(&ro_dir).unwrap())),
                    Arc::new(AuditFs::with_policy(
                        HostFs::open(&au_dir).unwrap(),
                        "/audited",
                        Arc::new(log),
                        policy,
                    )),
                )
            }
            Backend::Memory => {
                let ro = MemoryFs::new();
                ro.load_host_dir(fixture_root()).unwrap();
                ro_mems.lock().unwrap().push(ro.clone());
                let au = MemoryFs::new();
                au.add_file("private/key.txt", "key").unwrap();
                (
                    Arc::new(ReadOnlyFs::new(ro)),
                    Arc::new(AuditFs::with_policy(au, "/audited", Arc::new(log), policy)),
                )
            }
        };
        RunSpec {
            args: vec!["mounts".into()],
            mounts: vec![("/ro".into(), ro), ("/audited".into(), audited)],
            ..RunSpec::default()
        }
    });
    let Some(outcomes) = outcomes else { return };
    for (b, out) in &outcomes {
        assert_eq!((out.exit_code, &out.error), (0, &None), "{}", b.name());
    }

    // Nothing on the read-only mount changed.
    for dir in ro_dirs.into_inner().unwrap() {
        assert_eq!(
            std::fs::read(dir.join("hello.txt")).unwrap(),
            b"hello, fixture"
        );
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["dir", "hello.txt"]);
        let _ = std::fs::remove_dir_all(dir);
    }
    for mem in ro_mems.into_inner().unwrap() {
        assert_eq!(mem.read_file("hello.txt").unwrap(), b"hello, fixture");
        assert_eq!(mem.list_dir("").unwrap(), ["dir", "hello.txt"]);
    }

    // The audit log, the same on both backends.
    let path = guests_dir().join("mounts.audit");
    let logs = logs.into_inner().unwrap();
    let render =
        |log: &AuditLog| -> String { log.records().iter().map(|r| r.to_json() + "\n").collect() };
    if std::env::var_os("WASMBED_BLESS").is_some() {
        let memory = &logs.iter().find(|(b, _)| *b == Backend::Memory).unwrap().1;
        std::fs::write(&path, render(memory)).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    for (b, log) in &logs {
        assert_eq!(render(log), expected, "audit log on {} dirs", b.name());
        let denied = log.records().iter().filter(|r| r.denied).count();
        assert!(
            denied >= 3,
            "{}: the policy refused {denied} operations",
            b.name()
        );
    }
}

/// Keeps `good` records, then fails as a full disk would.
struct FailingSink {
    good: usize,
    log: AuditLog,
}

impl AuditSink for FailingSink {
    fn record(&self, record: &AuditRecord) -> Result<(), AuditError> {
        if self.log.records().len() >= self.good {
            return Err(AuditError::new("No space left on device (os error 28)"));
        }
        self.log.record(record)
    }
}

/// Makes the directories `a`, `b` and `c` on its mount, ignoring every
/// errno, then exits with 0.
const IGNORES_ERRNOS: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "abc")
  (func (export "_start")
    (drop (call $mkdir (i32.const 3) (i32.const 0) (i32.const 1)))
    (drop (call $mkdir (i32.const 3) (i32.const 1) (i32.const 1)))
    (drop (call $mkdir (i32.const 3) (i32.const 2) (i32.const 1)))
    (call $exit (i32.const 0))))"#;

#[test]
fn a_failing_audit_sink_stops_the_mount_and_is_reported() {
    let engine = Engine::default();
    let module = Module::new(&engine, IGNORES_ERRNOS).unwrap();
    let mem = MemoryFs::new();
    let log = AuditLog::new();
    // The mount's root and `a` are recorded; `b`'s record is lost.
    let sink = Arc::new(FailingSink {
        good: 2,
        log: log.clone(),
    });
    let audited = AuditFs::new(mem.clone(), "/data", sink);
    let status = audited.status();
    let spec = RunSpec {
        args: vec!["guest".into()],
        mounts: vec![("/data".into(), Arc::new(audited))],
        ..RunSpec::default()
    };
    let out = run(&engine, &module, &spec, Backend::Memory);
    assert_eq!((out.exit_code, &out.error), (0, &None));
    assert_eq!(
        status.error().map(|e| e.to_string()).as_deref(),
        Some("No space left on device (os error 28)")
    );
    // `b` happened before its record failed; `c` never reached the
    // filesystem.
    assert_eq!(mem.list_dir("").unwrap(), ["a", "b"]);
    let lines: Vec<String> = log.records().iter().map(|r| r.to_json()).collect();
    assert_eq!(
        lines,
        [
            r#"{"op":"open_dir","path":"/data","result":"ok"}"#,
            r#"{"op":"create_dir","path":"/data/a","result":"ok"}"#,
        ]
    );
}
