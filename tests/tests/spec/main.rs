//! The spec test: runs every WebAssembly 2.0 core spec script (`*.wast`)
//! through [`wasmbed::cli::wast`] and fails on any directive that does not
//! hold, except in the scripts [`expectations::SKIPPED`] lists; likewise
//! the custom-page-sizes proposal's scripts with that proposal enabled
//! ([`expectations::CUSTOM_PAGE_SIZES_SKIPPED`]).
//!
//! The scripts come from `$WASMBED_SPEC_DIR`, by default
//! `<workspace>/../shared/testsuite/wasm-2.0`, and
//! `<workspace>/../shared/testsuite/wasm-3.0/proposals/custom-page-sizes`;
//! without them the test says so and passes. Scripts run in parallel on worker threads, biggest first,
//! under a per-script time limit so that an engine bug that loops forever
//! fails the test instead of hanging it.
//!
//! This file owns discovery, scheduling and the summary; the runner itself
//! (directives, `spectest`, value matching) is `wasmbed::cli::wast`.
mod expectations;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use wasmbed::cli::wast::{run_file_with, run_source, ScriptReport};
use wasmbed::Config;

/// Longest one script may run before it counts as hung.
const SCRIPT_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Failure messages printed per script (all of them are counted).
const FAILURES_SHOWN: usize = 10;
/// Native stack for worker threads: the text parser and validator recurse
/// on deeply nested scripts.
const WORKER_STACK: usize = 32 << 20;

fn spec_dir() -> PathBuf {
    match std::env::var_os("WASMBED_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/wasm-2.0"),
    }
}

/// The `.wast` files in `dir`, biggest first so the long scripts start
/// early and the workers finish together.
fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p))
        .collect();
    files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    files.into_iter().map(|(_, p)| p).collect()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A script's report (or why it has none) and how long it ran.
type Outcome = (Result<ScriptReport, String>, Duration);

enum Event {
    Started(PathBuf),
    Done(PathBuf, Result<ScriptReport, String>, Duration),
}

fn spawn_worker(queue: Arc<Mutex<VecDeque<PathBuf>>>, events: Sender<Event>, config: Config) {
    thread::Builder::new()
        .name("spec-worker".to_string())
        .stack_size(WORKER_STACK)
        .spawn(move || loop {
            let Some(path) = queue.lock().unwrap().pop_front() else {
                return;
            };
            if events.send(Event::Started(path.clone())).is_err() {
                return;
            }
            let start = Instant::now();
            let result = run_file_with(&path, &config);
            if events
                .send(Event::Done(path, result, start.elapsed()))
                .is_err()
            {
                return;
            }
        })
        .expect("spawn a spec worker");
}

/// Runs `paths` on worker threads. A script past [`SCRIPT_TIME_LIMIT`] is
/// reported as failed and its worker abandoned (a fresh one takes its
/// place); it dies with the test process.
fn run_all(paths: &[PathBuf], config: &Config) -> HashMap<PathBuf, Outcome> {
    let queue = Arc::new(Mutex::new(paths.iter().cloned().collect::<VecDeque<_>>()));
    let (tx, rx) = mpsc::channel();
    let workers = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(paths.len().max(1));
    for _ in 0..workers {
        spawn_worker(queue.clone(), tx.clone(), config.clone());
    }
    let mut running: HashMap<PathBuf, Instant> = HashMap::new();
    let mut done = HashMap::new();
    while done.len() < paths.len() {
        match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(Event::Started(path)) => {
                running.insert(path, Instant::now());
            }
            Ok(Event::Done(path, result, elapsed)) => {
                // A script that already timed out keeps its verdict.
                if running.remove(&path).is_some() {
                    done.insert(path, (result, elapsed));
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                panic!("spec workers exited with scripts unfinished")
            }
        }
        let hung: Vec<PathBuf> = running
            .iter()
            .filter(|(_, started)| started.elapsed() > SCRIPT_TIME_LIMIT)
            .map(|(p, _)| p.clone())
            .collect();
        for path in hung {
            running.remove(&path);
            let msg = format!(
                "still running after {}s: an infinite loop or a very slow directive",
                SCRIPT_TIME_LIMIT.as_secs()
            );
            done.insert(path, (Err(msg), SCRIPT_TIME_LIMIT));
            spawn_worker(queue.clone(), tx.clone(), config.clone());
        }
    }
    done
}

#[test]
fn spec_scripts() {
    check_spec_scripts(&Config::new());
}

/// The custom-page-sizes proposal's scripts, validated as WebAssembly 2.0
/// plus the proposal (what the core implements; the scripts' uses of 3.0
/// features are in the skip table).
#[test]
fn custom_page_sizes_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testsuite/wasm-3.0/proposals/custom-page-sizes");
    let mut config = Config::new();
    config.custom_page_sizes(true);
    check_scripts_in(&dir, &config, expectations::CUSTOM_PAGE_SIZES_SKIPPED);
}

/// The same scripts with fuel metering and interruption checks compiled in,
/// which changes the code the translator emits but never a result; and with
/// every function translated up front instead of on first call.
#[test]
fn spec_scripts_with_fuel_and_interruption() {
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .interruptible(true)
        .lazy_translation(false);
    check_spec_scripts(&config);
}

fn check_spec_scripts(config: &Config) {
    check_scripts_in(&spec_dir(), config, expectations::SKIPPED);
}

/// Runs every script in `dir` on `config`; `skip_table` lists the scripts
/// expected to fail.
fn check_scripts_in(dir: &Path, config: &Config, skip_table: &[expectations::Skip]) {
    if !dir.is_dir() {
        let msg = format!(
            "spec tests not run: {} not found (set WASMBED_SPEC_DIR)",
            dir.display()
        );
        // CI clones the shared test suite beside the project; there a
        // missing suite is a failure, not a quiet pass.
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        println!("{msg}");
        return;
    }
    let paths = scripts(dir);
    assert!(!paths.is_empty(), "no .wast scripts in {}", dir.display());
    let stale: Vec<&str> = skip_table
        .iter()
        .filter(|s| !paths.iter().any(|p| s.matches(&stem(p))))
        .map(|s| s.pattern)
        .collect();

    let started = Instant::now();
    let mut results: Vec<(PathBuf, Outcome)> = run_all(&paths, config).into_iter().collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));

    let (mut passed, mut failed) = (0, 0);
    let mut failing_scripts = Vec::new();
    let mut unexpected_passes = Vec::new();
    let mut skipped = 0;
    let mut skipped_directives = 0;
    for (path, (result, elapsed)) in &results {
        let name = path.file_name().unwrap().to_string_lossy();
        // A script that cannot run at all counts as one failed directive.
        let (report, script_error) = match result {
            Ok(report) => (report.clone(), None),
            Err(e) => {
                let report = ScriptReport {
                    passed: 0,
                    failed: 1,
                    failures: Vec::new(),
                };
                (report, Some(e.replace('\n', "\n    ")))
            }
        };
        if let Some(skip) = expectations::skip_for(skip_table, &stem(path)) {
            skipped += 1;
            if report.failed == 0 {
                println!(
                    "PASS {name} is listed as failing ({}) but passed: remove it from \
                     tests/tests/spec/expectations.rs",
                    skip.reason
                );
                unexpected_passes.push(name.into_owned());
            } else {
                println!(
                    "skip {name} ({} passed, {} failed): {}",
                    report.passed, report.failed, skip.reason
                );
            }
            continue;
        }
        let mut report = report;
        let ranges = expectations::directive_skips_for(skip_table, &stem(path));
        if !ranges.is_empty() {
            // A failure reads `line:col: ...`; those on listed lines are
            // expected, and each listed range must still fail somewhere.
            let line_of = |f: &String| f.split(':').next().and_then(|l| l.parse().ok());
            let (expected, real): (Vec<String>, Vec<String>) =
                report.failures.iter().cloned().partition(|f| {
                    line_of(f).is_some_and(|l| ranges.iter().any(|r| r.covers_line(l)))
                });
            for range in &ranges {
                let n = expected
                    .iter()
                    .filter(|f| line_of(f).is_some_and(|l| range.covers_line(l)))
                    .count();
                if n == 0 {
                    println!(
                        "PASS {name}: `{}` is listed as failing ({}) but passed: remove it \
                         from tests/tests/spec/expectations.rs",
                        range.pattern, range.reason
                    );
                    unexpected_passes.push(range.pattern.to_string());
                } else {
                    println!(
                        "skip {n} directives of `{}`: {}",
                        range.pattern, range.reason
                    );
                }
            }
            skipped_directives += expected.len();
            report.failed -= expected.len();
            report.failures = real;
        }
        passed += report.passed;
        failed += report.failed;
        if report.failed != 0 {
            failing_scripts.push(name.to_string());
        }
        let slow = if *elapsed > Duration::from_secs(5) {
            format!(" [{:.1}s]", elapsed.as_secs_f64())
        } else {
            String::new()
        };
        let text = report.render(&name, Some(FAILURES_SHOWN));
        let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
        println!("{head}{slow}");
        if !rest.is_empty() {
            println!("{rest}");
        }
        if let Some(e) = script_error {
            println!("    {name}: {e}");
        }
    }
    println!(
        "{} scripts, {skipped} of them expected to fail, {skipped_directives} more directives \
         expected to fail, in {:.1}s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    for pattern in &stale {
        println!("skip-table entry `{pattern}` matches no script");
    }
    println!("{passed} passed, {failed} failed");

    assert!(
        failed == 0 && unexpected_passes.is_empty() && stale.is_empty(),
        "spec failures in {failing_scripts:?}; unexpected passes: {unexpected_passes:?}; \
         stale skip entries: {stale:?}"
    );
}

/// The runner must notice wrong results, missing traps and valid modules
/// claimed invalid, or a green spec run means nothing.
#[test]
fn runner_reports_failures() {
    let script = r#"
(module (func (export "one") (result i32) i32.const 1)
        (func (export "nan") (result f32) f32.const nan:0x200000))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "one") (i32.const 1))
(assert_trap (invoke "one") "unreachable")
(assert_return (invoke "nan") (f32.const nan:arithmetic))
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (result i32) i32.const 0)) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_return (invoke "missing"))
"#;
    let report = run_source("self-test", script).expect("the script parses");
    let lines: Vec<&str> = report
        .failures
        .iter()
        .map(|f| f.split(':').next().unwrap())
        .collect();
    assert_eq!(lines, ["4", "6", "7", "9", "11"], "{:#?}", report.failures);
    assert_eq!((report.passed, report.failed), (4, 5));
}
