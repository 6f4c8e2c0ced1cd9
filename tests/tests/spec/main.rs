//! The spec test: every WebAssembly 2.0 core spec script (`*.wast`) run
//! through [`wasmbed_cli::wast`], one libtest-mimic trial per script and
//! configuration, so that `cargo test --test spec -- memory_grow` runs one
//! script and a failure names its script.
//!
//! Trials are named `<script>` (the plain configuration), `fuel/<script>`
//! (fuel metering, interruption checks and eager translation) and
//! `custom-page-sizes/<script>` (the proposal's own scripts, with the
//! proposal enabled). A filter is a substring, as with libtest, so
//! `memory_grow` selects both `memory_grow` and `fuel/memory_grow`;
//! `--exact memory_grow` only the first. Each configuration also has a
//! `<prefix>scripts-folder` trial that checks its folder and its skip table.
//!
//! The scripts come from `$WASMBED_SPEC_DIR`, by default
//! `<workspace>/../shared/testsuite/wasm-2.0`, and
//! `<workspace>/../shared/testsuite/wasm-3.0/proposals/custom-page-sizes`.
//! A missing folder fails its `scripts-folder` trial under `CI` and is
//! reported as an ignored trial, with the path, otherwise. A script that
//! runs past [`SCRIPT_TIME_LIMIT`] fails its trial instead of hanging the
//! run. Scripts or directives listed in [`expectations`] must still fail:
//! one that starts passing fails its trial until its entry is removed.
//!
//! This file owns discovery and verdicts; the runner itself (directives,
//! `spectest`, value matching) is `wasmbed_cli::wast`.
mod expectations;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;
use wasmbed::Config;
use wasmbed_cli::wast::{run_file_with, run_source, ScriptReport};

/// Longest one script may run before it counts as hung.
const SCRIPT_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Failure messages shown per script (all of them are counted).
const FAILURES_SHOWN: usize = 10;
/// Native stack for the thread running a script: the text parser and
/// validator recurse on deeply nested scripts.
const WORKER_STACK: usize = 32 << 20;
/// Name of each configuration's trial about its folder and skip table.
const FOLDER_TRIAL: &str = "scripts-folder";

/// One folder of scripts run on one engine configuration.
struct Suite {
    /// Prefix of the trial names (`""`, `"fuel/"`, ...).
    prefix: &'static str,
    dir: PathBuf,
    config: Config,
    skip_table: &'static [expectations::Skip],
}

/// The backends the suites run on: `$WASMBED_TEST_BACKENDS`, a comma list
/// of `interp`, `refuse-all`, `trampoline`, `trampoline-odd` and, on
/// x86-64 hosts, `jit-x64` (strict, fuel and interruption),
/// `jit-x64-strict` and `jit-x64-checked` (strict, guard pages or explicit
/// bounds checks) (all by default), plus `refuse-all-strict`'s refusal
/// check (in the default list too). `interp` runs the three configurations below; every other backend
/// runs the `wasm-2.0` scripts with its own trial prefix and skip table.
fn backends() -> Vec<String> {
    match std::env::var("WASMBED_TEST_BACKENDS") {
        Ok(list) => list.split(',').map(|b| b.trim().to_string()).collect(),
        Err(_) => {
            let mut all: Vec<String> = [
                "interp",
                "refuse-all",
                "refuse-all-strict",
                "trampoline",
                "trampoline-odd",
            ]
            .map(String::from)
            .to_vec();
            if cfg!(target_arch = "x86_64") {
                all.extend(["jit-x64", "jit-x64-strict", "jit-x64-checked"].map(String::from));
            }
            all
        }
    }
}

/// The engine configuration of a test backend, and its skip table.
fn backend_suite(name: &str, spec_dir: &Path) -> Option<Suite> {
    use wasmbed::backend::testing::{RefuseAll, Trampoline, TrampolineMask};
    use wasmbed::Strategy;
    let mut config = Config::new();
    config.strategy(Strategy::Jit);
    let (prefix, skip_table) = match name {
        // Every function falls back to the interpreter.
        "refuse-all" => {
            config.backend(std::sync::Arc::new(RefuseAll));
            ("refuse-all/", expectations::SKIPPED)
        }
        // Strict: no function may fall back, so every call of a defined
        // function crosses the VM ABI.
        "trampoline" => {
            config
                .backend(std::sync::Arc::new(Trampoline::new(TrampolineMask::All)))
                .strict_backend(true);
            ("trampoline/", expectations::TRAMPOLINE_SKIPPED)
        }
        // Mixed tiers: odd function indices cross the ABI, even ones stay
        // in the interpreter, with fuel and interruption on so that both
        // are handed over at every boundary.
        "trampoline-odd" => {
            config
                .backend(std::sync::Arc::new(Trampoline::new(TrampolineMask::Odd)))
                .consume_fuel(true)
                .interruptible(true);
            ("trampoline-odd/", expectations::TRAMPOLINE_SKIPPED)
        }
        // The x86-64 JIT on the host platform (guarded memories, code
        // memory), strict, with fuel metering and interruption checks.
        #[cfg(target_arch = "x86_64")]
        "jit-x64" => {
            config = wasmbed::host_config();
            config
                .strategy(Strategy::Jit)
                .strict_backend(true)
                .consume_fuel(true)
                .interruptible(true)
                .backend(std::sync::Arc::new(wasmbed::jit_x64::JitX64::new()));
            ("jit-x64/", expectations::SKIPPED)
        }
        // Strict: every function compiled, none falls back.
        #[cfg(target_arch = "x86_64")]
        "jit-x64-strict" => {
            config = wasmbed::host_config();
            config
                .strategy(Strategy::Jit)
                .strict_backend(true)
                .backend(std::sync::Arc::new(wasmbed::jit_x64::JitX64::new()));
            ("jit-x64-strict/", expectations::JIT_X64_STRICT_SKIPPED)
        }
        // Strict, with every memory access bounds-checked in code (no
        // fault handler assumed), where the others leave it to the guard.
        #[cfg(target_arch = "x86_64")]
        "jit-x64-checked" => {
            config = wasmbed::host_config();
            config
                .strategy(Strategy::Jit)
                .strict_backend(true)
                .fault_traps(false)
                .backend(std::sync::Arc::new(wasmbed::jit_x64::JitX64::new()));
            ("jit-x64-checked/", expectations::JIT_X64_STRICT_SKIPPED)
        }
        _ => return None,
    };
    Some(Suite {
        prefix,
        dir: spec_dir.to_path_buf(),
        config,
        skip_table,
    })
}

fn suites() -> Vec<Suite> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec_dir = match std::env::var_os("WASMBED_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest.join("../../shared/testsuite/wasm-2.0"),
    };
    // Fuel metering and interruption checks change the code the translator
    // emits but never a result; eager translation changes when it runs.
    let mut fuel = Config::new();
    fuel.consume_fuel(true)
        .interruptible(true)
        .lazy_translation(false);
    // Validated as WebAssembly 2.0 plus the proposal (what the core
    // implements; the scripts' uses of 3.0 features are in the skip table).
    let mut custom_page_sizes = Config::new();
    custom_page_sizes.custom_page_sizes(true);
    let backends = backends();
    let mut suites: Vec<Suite> = backends
        .iter()
        .filter_map(|b| backend_suite(b, &spec_dir))
        .collect();
    if !backends.iter().any(|b| b == "interp") {
        return suites;
    }
    suites.extend([
        Suite {
            prefix: "",
            dir: spec_dir.clone(),
            config: Config::new(),
            skip_table: expectations::SKIPPED,
        },
        Suite {
            prefix: "fuel/",
            dir: spec_dir,
            config: fuel,
            skip_table: expectations::SKIPPED,
        },
        Suite {
            prefix: "custom-page-sizes/",
            dir: manifest.join("../../shared/testsuite/wasm-3.0/proposals/custom-page-sizes"),
            config: custom_page_sizes,
            skip_table: expectations::CUSTOM_PAGE_SIZES_SKIPPED,
        },
    ]);
    suites
}

/// The `.wast` files in `dir` with their sizes.
fn scripts(dir: &Path) -> Result<Vec<(u64, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "wast") {
            files.push((std::fs::metadata(&path).map_or(0, |m| m.len()), path));
        }
    }
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn main() {
    let args = Arguments::from_args();
    // (size, trial): the biggest scripts start first, so the long ones do
    // not finish alone at the end of the run.
    let mut trials: Vec<(u64, Trial)> = vec![(
        0,
        Trial::test("runner_reports_failures", runner_reports_failures),
    )];
    for suite in suites() {
        let found = if suite.dir.is_dir() {
            scripts(&suite.dir)
        } else {
            Err(format!(
                "spec scripts not found at {} (clone the test suite beside the project or \
                 set WASMBED_SPEC_DIR)",
                suite.dir.display()
            ))
        };
        let folder_trial = format!("{}{FOLDER_TRIAL}", suite.prefix);
        let files = match found {
            Ok(files) => files,
            Err(msg) => {
                trials.push((
                    u64::MAX,
                    Trial::ignorable_test(folder_trial, move || missing(msg)),
                ));
                continue;
            }
        };
        let stems: Vec<String> = files.iter().map(|(_, p)| stem(p)).collect();
        let (dir, table) = (suite.dir.clone(), suite.skip_table);
        trials.push((
            u64::MAX,
            Trial::test(folder_trial, move || check_folder(&dir, &stems, table)),
        ));
        for (size, path) in files {
            let name = format!("{}{}", suite.prefix, stem(&path));
            let (config, table) = (suite.config.clone(), suite.skip_table);
            trials.push((
                size,
                Trial::ignorable_test(name, move || run_script(&path, &config, table)),
            ));
        }
    }
    if backends().iter().any(|b| b == "refuse-all-strict") {
        strict_refusal_trials(&mut trials);
    }
    trials.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name().cmp(b.1.name())));
    let trials = trials.into_iter().map(|(_, t)| t).collect();
    libtest_mimic::run(&args, trials).exit();
}

/// A folder of scripts is missing: CI clones the shared test suite beside
/// the project, so there that is a failure, not a quiet pass.
fn missing(msg: String) -> Result<Completion, Failed> {
    if std::env::var_os("CI").is_some() {
        return Err(format!("{msg}; CI is set, so this is a failure").into());
    }
    Ok(Completion::ignored_with(msg))
}

/// The folder holds scripts, and every skip-table entry is about one of them.
fn check_folder(dir: &Path, stems: &[String], table: &[expectations::Skip]) -> Result<(), Failed> {
    if stems.is_empty() {
        return Err(format!("no .wast scripts in {}", dir.display()).into());
    }
    let stale: Vec<&str> = table
        .iter()
        .filter(|s| !stems.iter().any(|stem| s.matches(stem)))
        .map(|s| s.pattern)
        .collect();
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "skip-table entries in tests/tests/spec/expectations.rs match no script in {}: \
             {stale:?}",
            dir.display()
        )
        .into())
    }
}

/// Runs one script on its own thread (big stack) and waits at most
/// [`SCRIPT_TIME_LIMIT`]; a hung script's thread is abandoned and dies with
/// the test process.
fn run_with_time_limit(path: &Path, config: &Config) -> Result<ScriptReport, String> {
    let (tx, rx) = mpsc::channel();
    let (thread_path, thread_config) = (path.to_path_buf(), config.clone());
    thread::Builder::new()
        .name(format!("spec {}", stem(path)))
        .stack_size(WORKER_STACK)
        .spawn(move || {
            // The receiver is gone only after a timeout: nobody to tell.
            let _ = tx.send(run_file_with(&thread_path, &thread_config));
        })
        .map_err(|e| format!("cannot start a thread for the script: {e}"))?;
    match rx.recv_timeout(SCRIPT_TIME_LIMIT) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "still running after {}s: an infinite loop or a very slow directive",
            SCRIPT_TIME_LIMIT.as_secs()
        )),
        Err(RecvTimeoutError::Disconnected) => {
            Err("the script's thread ended without a report (it panicked)".to_string())
        }
    }
}

/// The verdict on one script. A script listed as expected to fail is an
/// ignored trial (with the reason) while it fails and a failed trial once
/// it passes; directives listed as expected to fail are taken out of the
/// report, and each listed range must still fail.
fn run_script(
    path: &Path,
    config: &Config,
    table: &[expectations::Skip],
) -> Result<Completion, Failed> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let stem = stem(path);
    let result = run_with_time_limit(path, config);
    if let Some(skip) = expectations::skip_for(table, &stem) {
        return match result {
            Ok(report) if report.failed == 0 => Err(format!(
                "{name} is listed as failing ({}) but passed ({} directives): remove it from \
                 tests/tests/spec/expectations.rs",
                skip.reason, report.passed
            )
            .into()),
            Ok(report) => Ok(Completion::ignored_with(format!(
                "expected to fail ({} passed, {} failed): {}",
                report.passed, report.failed, skip.reason
            ))),
            Err(e) => Ok(Completion::ignored_with(format!(
                "expected to fail ({e}): {}",
                skip.reason
            ))),
        };
    }
    let mut report = result.map_err(|e| format!("{}: {e}", path.display()))?;
    let ranges = expectations::directive_skips_for(table, &stem);
    let mut passing_ranges = Vec::new();
    if !ranges.is_empty() {
        // A failure reads `line:col: ...`; those on listed lines are
        // expected, and each listed range must still fail somewhere.
        let line_of = |f: &String| f.split(':').next().and_then(|l| l.parse().ok());
        let (expected, real): (Vec<String>, Vec<String>) = report
            .failures
            .iter()
            .cloned()
            .partition(|f| line_of(f).is_some_and(|l| ranges.iter().any(|r| r.covers_line(l))));
        for range in &ranges {
            if !expected
                .iter()
                .any(|f| line_of(f).is_some_and(|l| range.covers_line(l)))
            {
                passing_ranges.push(format!(
                    "`{}` is listed as failing ({}) but passed: remove it from \
                     tests/tests/spec/expectations.rs",
                    range.pattern, range.reason
                ));
            }
        }
        report.failed -= expected.len();
        report.failures = real;
    }
    if report.failed == 0 && passing_ranges.is_empty() {
        return Ok(Completion::Completed);
    }
    let mut msg = if report.failed == 0 {
        String::new()
    } else {
        report.render(&name, Some(FAILURES_SHOWN))
    };
    for line in passing_ranges {
        if !msg.is_empty() {
            msg.push('\n');
        }
        msg.push_str(&format!("{name}: {line}"));
    }
    Err(msg.into())
}

/// The runner must notice wrong results, missing traps and valid modules
/// claimed invalid, or a green spec run means nothing.
fn runner_reports_failures() -> Result<(), Failed> {
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
    let report = run_source("self-test", script)?;
    let lines: Vec<&str> = report
        .failures
        .iter()
        .map(|f| f.split(':').next().unwrap_or(""))
        .collect();
    if lines != ["4", "6", "7", "9", "11"] || (report.passed, report.failed) != (4, 5) {
        return Err(format!(
            "expected failures on lines 4, 6, 7, 9, 11 (4 passed, 5 failed), got {} passed, \
             {} failed: {:#?}",
            report.passed, report.failed, report.failures
        )
        .into());
    }
    Ok(())
}

/// `refuse-all-strict/<script>`: with a backend that refuses everything in
/// strict mode, every module of the script that defines a function must
/// fail to compile with the refusal (naming the function), and every other
/// module must compile exactly as on the interpreter. The scripts
/// themselves cannot run this way (their modules do not exist), so this
/// checks the strict path, not results.
fn strict_refusal_trials(trials: &mut Vec<(u64, Trial)>) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec_dir = match std::env::var_os("WASMBED_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest.join("../../shared/testsuite/wasm-2.0"),
    };
    let Ok(files) = scripts(&spec_dir) else {
        // The plain suites' folder trial reports the missing folder.
        return;
    };
    for (size, path) in files {
        let name = format!("refuse-all-strict/{}", stem(&path));
        trials.push((
            size / 4,
            Trial::test(name, move || check_strict_refusals(&path)),
        ));
    }
}

fn check_strict_refusals(path: &Path) -> Result<(), Failed> {
    use wasmbed::backend::testing::RefuseAll;
    use wasmbed::{Engine, Module, Strategy};
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lexer = wast::lexer::Lexer::new(&text);
    // As the script runner does: `names.wast` has such characters on purpose.
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(|e| e.to_string())?;
    let script: wast::Wast = wast::parser::parse(&buf).map_err(|e| e.to_string())?;
    let mut strict = Config::new();
    strict
        .strategy(Strategy::Jit)
        .backend(std::sync::Arc::new(RefuseAll))
        .strict_backend(true);
    let strict = Engine::new(&strict);
    let plain = Engine::default();
    let (mut modules, mut checked) = (0, 0);
    for directive in script.directives {
        let wast::WastDirective::Module(mut module) = directive else {
            continue;
        };
        modules += 1;
        let Ok(bytes) = module.encode() else { continue };
        let Ok(reference) = Module::new(&plain, &bytes) else {
            continue;
        };
        let defined = reference.backend_report().interpreted;
        match (Module::new(&strict, &bytes), defined) {
            (Ok(_), 0) => {}
            (Ok(_), n) => {
                return Err(format!(
                    "{}: a module with {n} functions compiled although the strict backend \
                     refuses every function",
                    path.display()
                )
                .into())
            }
            (Err(e), 0) => {
                return Err(format!(
                    "{}: a module without functions failed under the strict backend: {e}",
                    path.display()
                )
                .into())
            }
            (Err(e), _) => {
                let msg = e.to_string();
                if !(msg.contains("refused by refuse-all") && msg.contains("function ")) {
                    return Err(format!(
                        "{}: the strict backend's error does not name the refusal: {msg}",
                        path.display()
                    )
                    .into());
                }
            }
        }
        checked += 1;
    }
    if checked == 0 && modules > 0 {
        return Err(format!("{}: no module of the script was checked", path.display()).into());
    }
    Ok(())
}
