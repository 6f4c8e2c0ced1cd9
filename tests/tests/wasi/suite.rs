//! The official WASI test suite (`../shared/wasi-testsuite`, or
//! `$WASMBED_WASI_TESTSUITE`): every `*.wasm` command of the `c`, `rust`
//! and `assemblyscript` folders, run as its JSON spec says (args, env,
//! `root` preopened as `/`, then `read` of stdout/stderr and `wait` for the
//! exit code), once on host directories and once with `root` loaded into
//! the in-memory filesystem. Tests listed in [`SKIPPED`] must fail (a skip
//! that passes is an error, so the list cannot go stale). Without the suite
//! the test says so and runs nothing, except under `CI`, where that fails.
use crate::harness::{self, Backend, Outcome, RunSpec};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmbed::{Engine, Module};

/// Tests expected to fail, with the reason. None: all 72 pass.
const SKIPPED: &[(&str, &str)] = &[];

/// Each backend's verdict on one program.
type Verdicts = Vec<(Backend, Result<(), String>)>;

/// Longest one test may run.
const TIME_LIMIT: Duration = Duration::from_secs(60);

pub fn suite_dir() -> PathBuf {
    match std::env::var_os("WASMBED_WASI_TESTSUITE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wasi-testsuite"),
    }
}

/// One step of a test's spec.
#[derive(Clone)]
enum Op {
    Run(RunSpec),
    Read { stream: String, payload: String },
    Wait { exit_code: i32 },
}

/// A test program and its steps.
struct Case {
    wasm: PathBuf,
    ops: Vec<Op>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn env_of(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn run_op(v: &Value, dir: &Path, program: &str) -> RunSpec {
    let mut args = vec![program.to_string()];
    args.extend(strings(v.get("args")));
    RunSpec {
        args,
        env: env_of(v.get("env")),
        root: v.get("root").and_then(Value::as_str).map(|r| dir.join(r)),
        ..RunSpec::default()
    }
}

/// Reads a test's spec: the legacy keys or the operation list.
fn load(wasm: &Path) -> Result<Case, String> {
    let dir = wasm.parent().expect("a test has a folder");
    let program = wasm.file_name().unwrap().to_string_lossy().into_owned();
    let json_path = wasm.with_extension("json");
    let v: Value = match std::fs::read_to_string(&json_path) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?
        }
        Err(_) => Value::Object(Default::default()),
    };
    let mut ops = Vec::new();
    if let Some(list) = v.get("operations").and_then(Value::as_array) {
        for op in list {
            match op.get("type").and_then(Value::as_str) {
                Some("run") => ops.push(Op::Run(run_op(op, dir, &program))),
                Some("wait") => ops.push(Op::Wait {
                    exit_code: op.get("exit_code").and_then(Value::as_i64).unwrap_or(0) as i32,
                }),
                Some("read") => ops.push(Op::Read {
                    stream: op
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or("stdout")
                        .to_string(),
                    payload: op
                        .get("payload")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                }),
                other => {
                    return Err(format!(
                    "operation {other:?} needs a network peer, which this runner does not provide"
                ))
                }
            }
        }
    } else {
        ops.push(Op::Run(run_op(&v, dir, &program)));
        for stream in ["stdout", "stderr"] {
            if let Some(p) = v.get(stream).and_then(Value::as_str) {
                ops.push(Op::Read {
                    stream: stream.to_string(),
                    payload: p.to_string(),
                });
            }
        }
        ops.push(Op::Wait {
            exit_code: v.get("exit_code").and_then(Value::as_i64).unwrap_or(0) as i32,
        });
    }
    Ok(Case {
        wasm: wasm.to_path_buf(),
        ops,
    })
}

/// Runs a case's steps on one backend; `Err` says what did not hold.
fn check(engine: &Engine, module: &Module, case: &Case, backend: Backend) -> Result<(), String> {
    let mut outcome: Option<Outcome> = None;
    let mut read_pos = [0usize; 2];
    for op in &case.ops {
        match op {
            Op::Run(spec) => {
                let out = harness::run(engine, module, spec, backend);
                if let Some(dir) = &out.host_root {
                    let _ = std::fs::remove_dir_all(dir);
                }
                outcome = Some(out);
                read_pos = [0, 0];
            }
            Op::Read { stream, payload } => {
                let out = outcome.as_ref().ok_or("read before run")?;
                let (data, pos) = match stream.as_str() {
                    "stderr" => (&out.stderr, &mut read_pos[1]),
                    _ => (&out.stdout, &mut read_pos[0]),
                };
                let end = (*pos + payload.len()).min(data.len());
                let got = &data[*pos..end];
                *pos = end;
                if got != payload.as_bytes() {
                    return Err(format!(
                        "{stream}: expected {payload:?}, got {:?}",
                        String::from_utf8_lossy(got)
                    ));
                }
            }
            Op::Wait { exit_code } => {
                let out = outcome.as_ref().ok_or("wait before run")?;
                if out.exit_code != *exit_code {
                    // The guest's own message (a Rust panic, a C assert)
                    // says more than the trap that followed it.
                    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
                    let trap = out.error.as_deref().and_then(|e| e.lines().next());
                    let why = match trap {
                        Some(t) if stderr.is_empty() => t.to_string(),
                        Some(t) => format!("{stderr} ({t})"),
                        None => stderr,
                    };
                    return Err(format!(
                        "exit code {}, expected {exit_code}: {why}",
                        out.exit_code
                    ));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn wasi_testsuite() {
    let dir = suite_dir();
    if !dir.is_dir() {
        let msg = format!(
            "WASI test suite not run: {} not found (set WASMBED_WASI_TESTSUITE)",
            dir.display()
        );
        // CI clones the suite beside the project; there a missing suite is
        // a failure, not a quiet pass.
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        println!("{msg}");
        return;
    }
    let mut wasms = Vec::new();
    for folder in ["assemblyscript", "c", "rust"] {
        // A missing folder is a broken checkout of the suite, not a skip.
        let entries = std::fs::read_dir(dir.join(folder)).unwrap_or_else(|e| {
            panic!(
                "WASI test suite: cannot list {}: {e}",
                dir.join(folder).display()
            )
        });
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "wasm") {
                wasms.push(p);
            }
        }
    }
    wasms.sort();
    assert!(!wasms.is_empty(), "no test programs in {}", dir.display());

    let engine = Engine::default();
    let started = Instant::now();
    let mut jobs: Vec<harness::Job<Verdicts>> = Vec::new();
    for wasm in &wasms {
        let engine = engine.clone();
        let wasm = wasm.clone();
        let name = wasm.display().to_string();
        jobs.push((
            name,
            Box::new(move || {
                let fail_all = |msg: String| {
                    Backend::ALL
                        .iter()
                        .map(|b| (*b, Err(msg.clone())))
                        .collect()
                };
                let case = match load(&wasm) {
                    Ok(c) => c,
                    Err(e) => return fail_all(e),
                };
                let bytes = match std::fs::read(&case.wasm) {
                    Ok(b) => b,
                    Err(e) => return fail_all(format!("cannot read: {e}")),
                };
                let module = match Module::from_binary(&engine, &bytes) {
                    Ok(m) => Arc::new(m),
                    Err(e) => return fail_all(format!("cannot load: {e}")),
                };
                Backend::ALL
                    .iter()
                    .map(|b| (*b, check(&engine, &module, &case, *b)))
                    .collect()
            }),
        ));
    }
    let results = harness::run_parallel(jobs, TIME_LIMIT, |_| {
        Backend::ALL
            .iter()
            .map(|b| {
                (
                    *b,
                    Err(format!("still running after {}s", TIME_LIMIT.as_secs())),
                )
            })
            .collect()
    });

    let (mut passed, mut failed) = (0, 0);
    let mut problems = Vec::new();
    for &backend in Backend::ALL {
        let (mut p, mut f) = (0, 0);
        for (path, per_backend) in &results {
            let path = Path::new(path);
            let name = format!(
                "{}/{}",
                path.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy(),
                path.file_stem().unwrap().to_string_lossy()
            );
            let result = &per_backend.iter().find(|(b, _)| *b == backend).unwrap().1;
            let skip = SKIPPED.iter().find(|(n, _)| *n == name);
            match (result, skip) {
                (Ok(()), None) => p += 1,
                (Err(e), None) => {
                    f += 1;
                    println!("FAIL [{}] {name}: {e}", backend.name());
                    problems.push(format!("[{}] {name}", backend.name()));
                }
                (Err(_), Some((_, reason))) => {
                    println!("skip [{}] {name}: {reason}", backend.name())
                }
                (Ok(()), Some(_)) => {
                    f += 1;
                    println!(
                        "FAIL [{}] {name} passed but is listed in SKIPPED: remove it",
                        backend.name()
                    );
                    problems.push(format!("[{}] {name} (unexpected pass)", backend.name()));
                }
            }
        }
        println!(
            "wasi-testsuite on {} dirs: {p} passed, {f} failed",
            backend.name()
        );
        passed += p;
        failed += f;
    }
    println!(
        "wasi-testsuite: {} programs x {} filesystems in {:.1}s",
        wasms.len(),
        Backend::ALL.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{passed} passed, {failed} failed");
    assert!(problems.is_empty(), "failing: {}", problems.join(", "));
}
