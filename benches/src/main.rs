//! Side-by-side benchmark: wasmbed against wasmi 2 (interpreter) and
//! wasmtime (Cranelift and Winch), in one process run.
//!
//! Every workload exports `run: [] -> [i64]`, which returns a checksum. The
//! `.wat` workloads are built into the binary with their checksums; the C
//! workloads are read from `workloads/build/` (built by `workloads/build.sh`,
//! which also computes their expected checksums natively into
//! `workloads/build/expected.txt`). For each workload and runtime the harness
//! measures, in one process:
//!
//! - **compile**: `Module` construction from the binary (decode, validate and
//!   translate or compile every function: wasmbed with
//!   `Config::lazy_translation(false)`, wasmi with `CompilationMode::Eager`,
//!   wasmtime's `Module::new` with Cranelift or Winch, on one thread),
//! - **instantiate**: instantiating that module into a fresh `Store` (store
//!   and linker are created outside the timed region),
//! - **execute**: one call of `run`.
//!
//! One untimed warm-up iteration per runtime comes first; its checksum must
//! equal the expected value, otherwise that runtime's row reports the failure
//! instead of a time. Then `--runs` timed iterations alternate between the
//! runtimes (every result is checked again), and the table shows the median
//! of each phase. Finally every workload and runtime runs once more in a
//! child process of this binary (`--child RUNTIME WORKLOAD`), which reports
//! its peak RSS.
//!
//! ```text
//! benches/run.sh [ARGS]    (builds the workloads, then runs this with ARGS)
//! wasmbed-benches [FILTER] [--runs N] [--runtime NAME]... [--no-rss] [--no-count]
//! wasmbed-benches --micro [CASE] [--runs N]
//! wasmbed-benches [FILTER] --op-stats    (built with --features op-stats)
//! ```
//!
//! `--micro` times wasmbed's call path alone instead (see [`micro`]).

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod micro;
#[cfg(feature = "op-stats")]
mod op_stats;

/// Where a workload's binary comes from.
#[derive(Clone, Copy)]
enum Source {
    /// Text format built into the harness, with its expected checksum
    /// (computed independently when the workload was written).
    Wat(&'static str, i64),
    /// `workloads/build/NAME.wasm`, compiled from `workloads/c/NAME.c`;
    /// the expected checksum is in `workloads/build/expected.txt`.
    C,
}

/// One benchmark program.
struct Workload {
    name: &'static str,
    /// What it stresses, for the table: int, fp, mem, call, size.
    kind: &'static str,
    source: Source,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "hash",
        kind: "int",
        source: Source::C,
    },
    Workload {
        name: "sort",
        kind: "int",
        source: Source::C,
    },
    Workload {
        name: "coremark",
        kind: "int",
        source: Source::C,
    },
    Workload {
        name: "loops",
        kind: "int",
        source: Source::Wat(
            include_str!("../workloads/loops.wat"),
            -5_481_269_047_786_287_737,
        ),
    },
    Workload {
        name: "matmul-c",
        kind: "fp",
        source: Source::C,
    },
    Workload {
        name: "nbody",
        kind: "fp",
        source: Source::C,
    },
    Workload {
        name: "matmul",
        kind: "fp",
        source: Source::Wat(
            include_str!("../workloads/matmul.wat"),
            7_736_579_640_196_608_562,
        ),
    },
    Workload {
        name: "memops",
        kind: "mem",
        source: Source::C,
    },
    Workload {
        name: "alloc",
        kind: "mem",
        source: Source::C,
    },
    Workload {
        name: "bulk",
        kind: "mem",
        source: Source::Wat(
            include_str!("../workloads/bulk.wat"),
            -7_928_072_333_277_485_481,
        ),
    },
    Workload {
        name: "fib",
        kind: "call",
        source: Source::Wat(include_str!("../workloads/fib.wat"), 832_040),
    },
    Workload {
        name: "indirect",
        kind: "call",
        source: Source::C,
    },
    Workload {
        name: "simd-scalar",
        kind: "simd",
        source: Source::C,
    },
    Workload {
        name: "simd-v128",
        kind: "simd",
        source: Source::C,
    },
    Workload {
        name: "large",
        kind: "size",
        source: Source::C,
    },
];

const DEFAULT_RUNS: usize = 7;

/// A workload ready to run: its binary and expected checksum.
struct Loaded {
    wasm: Vec<u8>,
    expected: i64,
}

fn workloads_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("workloads")
}

fn load(workload: &Workload) -> Result<Loaded, String> {
    match workload.source {
        Source::Wat(text, expected) => {
            let wasm = wat::parse_str(text).map_err(|e| format!("invalid .wat: {e}"))?;
            Ok(Loaded { wasm, expected })
        }
        Source::C => {
            let build = workloads_dir().join("build");
            let not_built = |what: &str, e: std::io::Error| {
                format!("{what}: {e} (run benches/run.sh or benches/workloads/build.sh)")
            };
            let path = build.join(format!("{}.wasm", workload.name));
            let wasm =
                std::fs::read(&path).map_err(|e| not_built(&path.display().to_string(), e))?;
            let sums = build.join("expected.txt");
            let text = std::fs::read_to_string(&sums)
                .map_err(|e| not_built(&sums.display().to_string(), e))?;
            let expected = text
                .lines()
                .filter_map(|l| l.split_once(' '))
                .find(|(name, _)| *name == workload.name)
                .and_then(|(_, sum)| sum.trim().parse().ok())
                .ok_or_else(|| {
                    format!(
                        "no native checksum for {} in {}",
                        workload.name,
                        sums.display()
                    )
                })?;
            Ok(Loaded { wasm, expected })
        }
    }
}

/// The runtimes under test.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Runtime {
    Wasmbed,
    /// wasmbed's JIT (jit-x64 on x86-64; `Strategy::Jit`, functions it
    /// refuses fall back to the interpreter), on the host platform.
    WasmbedJit,
    Wasmi,
    Cranelift,
    Winch,
    /// wasmbed with its default lazy translation: compile is validation
    /// only, translation happens at the first call of each function.
    WasmbedLazy,
    /// wasmbed with fuel metering (`Config::consume_fuel`).
    WasmbedFuel,
    /// wasmbed with interruption checks and a (far) deadline set.
    WasmbedDeadline,
    /// wasmi with fuel metering, for comparison with `WasmbedFuel`.
    WasmiFuel,
}

impl Runtime {
    /// The default set, in table order.
    const MAIN: [Runtime; 5] = [
        Runtime::Wasmbed,
        Runtime::WasmbedJit,
        Runtime::Wasmi,
        Runtime::Cranelift,
        Runtime::Winch,
    ];
    const ALL: [Runtime; 9] = [
        Runtime::Wasmbed,
        Runtime::WasmbedJit,
        Runtime::Wasmi,
        Runtime::Cranelift,
        Runtime::Winch,
        Runtime::WasmbedLazy,
        Runtime::WasmbedFuel,
        Runtime::WasmbedDeadline,
        Runtime::WasmiFuel,
    ];

    fn name(self) -> &'static str {
        match self {
            Runtime::Wasmbed => "wasmbed",
            Runtime::WasmbedJit => "wasmbed-jit",
            Runtime::Wasmi => "wasmi",
            Runtime::Cranelift => "wasmtime-cranelift",
            Runtime::Winch => "wasmtime-winch",
            Runtime::WasmbedLazy => "wasmbed-lazy",
            Runtime::WasmbedFuel => "wasmbed+fuel",
            Runtime::WasmbedDeadline => "wasmbed+deadline",
            Runtime::WasmiFuel => "wasmi+fuel",
        }
    }

    fn from_name(name: &str) -> Option<Runtime> {
        Runtime::ALL.into_iter().find(|rt| rt.name() == name)
    }
}

/// A monotonic clock for wasmbed's deadline checks.
struct StdClock(Instant);

impl wasmbed::platform::Clock for StdClock {
    fn monotonic_nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
    fn wall_nanos(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    }
}

/// How a wasmbed store is prepared before a run.
#[derive(Clone, Copy)]
enum Control {
    None,
    Fuel,
    Deadline,
}

/// The engine of one runtime, built once and shared by every iteration.
enum Engine {
    Wasmbed(wasmbed::Engine, Control),
    Wasmi(wasmi::Engine, bool),
    Wasmtime(wasmtime::Engine),
}

impl Engine {
    fn new(runtime: Runtime) -> Result<Engine, String> {
        let wasmbed = |lazy: bool, control: Control| {
            let mut config = wasmbed::Config::new();
            config.lazy_translation(lazy);
            wasmbed_config(&mut config, control);
            Engine::Wasmbed(wasmbed::Engine::new(&config), control)
        };
        let wasmbed_jit = || {
            let mut config = wasmbed::host_config();
            config.strategy(wasmbed::Strategy::Jit);
            Engine::Wasmbed(wasmbed::Engine::new(&config), Control::None)
        };
        fn wasmbed_config(config: &mut wasmbed::Config, control: Control) {
            match control {
                Control::None => {}
                Control::Fuel => {
                    config.consume_fuel(true);
                }
                Control::Deadline => {
                    config
                        .interruptible(true)
                        .clock(std::sync::Arc::new(StdClock(Instant::now())));
                }
            }
        }
        let wasmi = |fuel: bool| {
            let mut config = wasmi::Config::default();
            config.compilation_mode(wasmi::CompilationMode::Eager);
            config.consume_fuel(fuel);
            Engine::Wasmi(wasmi::Engine::new(&config), fuel)
        };
        let wasmtime = |strategy: wasmtime::Strategy| {
            let mut config = wasmtime::Config::new();
            config.strategy(strategy);
            wasmtime::Engine::new(&config)
                .map(Engine::Wasmtime)
                .map_err(|e| format!("engine: {e:#}"))
        };
        Ok(match runtime {
            Runtime::Wasmbed => wasmbed(false, Control::None),
            Runtime::WasmbedJit => wasmbed_jit(),
            Runtime::WasmbedLazy => wasmbed(true, Control::None),
            Runtime::WasmbedFuel => wasmbed(false, Control::Fuel),
            Runtime::WasmbedDeadline => wasmbed(false, Control::Deadline),
            Runtime::Wasmi => wasmi(false),
            Runtime::WasmiFuel => wasmi(true),
            Runtime::Cranelift => wasmtime(wasmtime::Strategy::Cranelift)?,
            Runtime::Winch => wasmtime(wasmtime::Strategy::Winch)?,
        })
    }

    /// One compile + instantiate + execute iteration, panics included.
    fn sample(&self, wasm: &[u8]) -> Result<Sample, String> {
        let result = panic::catch_unwind(AssertUnwindSafe(|| match self {
            Engine::Wasmbed(engine, control) => sample_wasmbed(engine, wasm, *control),
            Engine::Wasmi(engine, fuel) => sample_wasmi(engine, wasm, *fuel),
            Engine::Wasmtime(engine) => sample_wasmtime(engine, wasm),
        }));
        result.unwrap_or_else(|payload| {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string payload)".to_string());
            Err(format!("panicked: {msg}"))
        })
    }
}

/// The timings and result of one iteration.
#[derive(Clone, Copy)]
struct Sample {
    compile: Duration,
    instantiate: Duration,
    execute: Duration,
    checksum: i64,
}

fn sample_wasmbed(
    engine: &wasmbed::Engine,
    wasm: &[u8],
    control: Control,
) -> Result<Sample, String> {
    let start = Instant::now();
    let module = wasmbed::Module::from_binary(engine, wasm).map_err(|e| format!("compile: {e}"))?;
    let compile = start.elapsed();

    let mut store = wasmbed::Store::new(engine, ());
    match control {
        Control::None => {}
        Control::Fuel => store.set_fuel(u64::MAX).map_err(|e| e.to_string())?,
        Control::Deadline => store
            .set_deadline(Duration::from_secs(3600))
            .map_err(|e| e.to_string())?,
    }
    let linker = wasmbed::Linker::<()>::new(engine);
    let start = Instant::now();
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let instantiate = start.elapsed();

    let run = instance
        .get_typed_func::<(), i64>(&store, "run")
        .map_err(|e| format!("lookup `run`: {e}"))?;
    let start = Instant::now();
    let checksum = run
        .call(&mut store, ())
        .map_err(|e| format!("execute: {e}"))?;
    let execute = start.elapsed();

    Ok(Sample {
        compile,
        instantiate,
        execute,
        checksum,
    })
}

fn sample_wasmi(engine: &wasmi::Engine, wasm: &[u8], fuel: bool) -> Result<Sample, String> {
    let start = Instant::now();
    let module = wasmi::Module::new(engine, wasm).map_err(|e| format!("compile: {e}"))?;
    let compile = start.elapsed();

    let mut store = wasmi::Store::new(engine, ());
    if fuel {
        store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
    }
    let linker = wasmi::Linker::<()>::new(engine);
    let start = Instant::now();
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let instantiate = start.elapsed();

    let run = instance
        .get_typed_func::<(), i64>(&store, "run")
        .map_err(|e| format!("lookup `run`: {e}"))?;
    let start = Instant::now();
    let checksum = run
        .call(&mut store, ())
        .map_err(|e| format!("execute: {e}"))?;
    let execute = start.elapsed();

    Ok(Sample {
        compile,
        instantiate,
        execute,
        checksum,
    })
}

fn sample_wasmtime(engine: &wasmtime::Engine, wasm: &[u8]) -> Result<Sample, String> {
    let start = Instant::now();
    let module =
        wasmtime::Module::from_binary(engine, wasm).map_err(|e| format!("compile: {e:#}"))?;
    let compile = start.elapsed();

    let mut store = wasmtime::Store::new(engine, ());
    let linker = wasmtime::Linker::<()>::new(engine);
    let start = Instant::now();
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| format!("instantiate: {e:#}"))?;
    let instantiate = start.elapsed();

    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .map_err(|e| format!("lookup `run`: {e:#}"))?;
    let start = Instant::now();
    let checksum = run
        .call(&mut store, ())
        .map_err(|e| format!("execute: {e:#}"))?;
    let execute = start.elapsed();

    Ok(Sample {
        compile,
        instantiate,
        execute,
        checksum,
    })
}

fn check(sample: Sample, expected: i64) -> Result<Sample, String> {
    if sample.checksum == expected {
        Ok(sample)
    } else {
        Err(format!(
            "WRONG CHECKSUM: got {}, expected {expected}",
            sample.checksum
        ))
    }
}

/// The medians of one workload on one runtime, plus the child's peak RSS.
struct Row {
    result: Result<Sample, String>,
    /// Peak RSS of the child process in KiB, or why there is none.
    rss: Option<Result<u64, String>>,
}

/// Runs one workload on the selected runtimes (in-process timings).
fn bench(
    engines: &[(Runtime, Result<Engine, String>)],
    loaded: &Loaded,
    runs: usize,
) -> Vec<Result<Sample, String>> {
    // Warm-up: also the correctness gate. A runtime that fails it is out.
    let mut status: Vec<Result<Vec<Sample>, String>> = engines
        .iter()
        .map(|(_, engine)| {
            let engine = engine.as_ref().map_err(Clone::clone)?;
            engine
                .sample(&loaded.wasm)
                .and_then(|s| check(s, loaded.expected))
                .map(|_| Vec::with_capacity(runs))
        })
        .collect();

    // Timed iterations, interleaved so that drift affects all alike.
    for _ in 0..runs {
        for ((_, engine), state) in engines.iter().zip(&mut status) {
            if let (Ok(engine), Ok(samples)) = (engine, &mut *state) {
                match engine
                    .sample(&loaded.wasm)
                    .and_then(|s| check(s, loaded.expected))
                {
                    Ok(sample) => samples.push(sample),
                    Err(e) => *state = Err(format!("{e} (after warm-up passed)")),
                }
            }
        }
    }

    status
        .into_iter()
        .map(|state| {
            let samples = state?;
            let median = |f: fn(&Sample) -> Duration| {
                let mut v: Vec<Duration> = samples.iter().map(f).collect();
                v.sort_unstable();
                v[v.len() / 2]
            };
            Ok(Sample {
                compile: median(|s| s.compile),
                instantiate: median(|s| s.instantiate),
                execute: median(|s| s.execute),
                checksum: loaded.expected,
            })
        })
        .collect()
}

/// How many wasm instructions one call of `run` executes, counted by
/// wasmbed's fuel meter (which charges one unit per instruction except
/// `nop`, `drop`, `block`, `loop`, `end` and `else`). Untimed.
fn count_wasm_ops(loaded: &Loaded) -> Result<u64, String> {
    let mut config = wasmbed::Config::new();
    config.consume_fuel(true).lazy_translation(false);
    let engine = wasmbed::Engine::new(&config);
    let module = wasmbed::Module::from_binary(&engine, &loaded.wasm).map_err(|e| e.to_string())?;
    let mut store = wasmbed::Store::new(&engine, ());
    store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
    let instance = wasmbed::Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let run = instance
        .get_typed_func::<(), i64>(&store, "run")
        .map_err(|e| e.to_string())?;
    let checksum = run.call(&mut store, ()).map_err(|e| e.to_string())?;
    if checksum != loaded.expected {
        return Err(format!("wrong checksum {checksum} while counting"));
    }
    Ok(u64::MAX - store.get_fuel().map_err(|e| e.to_string())?)
}

/// `--child RUNTIME WORKLOAD`: one checked iteration, then print the peak
/// RSS. `RUNTIME` may be `none`: load the workload only (the baseline).
fn child(runtime: &str, workload: &str) -> ExitCode {
    let result = (|| {
        let workload = WORKLOADS
            .iter()
            .find(|w| w.name == workload)
            .ok_or_else(|| format!("unknown workload `{workload}`"))?;
        let loaded = load(workload)?;
        if runtime != "none" {
            let rt = Runtime::from_name(runtime)
                .ok_or_else(|| format!("unknown runtime `{runtime}`"))?;
            let engine = Engine::new(rt)?;
            check(engine.sample(&loaded.wasm)?, loaded.expected)?;
        }
        peak_rss_kib().ok_or_else(|| "no VmHWM in /proc/self/status".to_string())
    })();
    match result {
        Ok(kib) => {
            println!("peak-rss-kib {kib}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("error {e}");
            ExitCode::FAILURE
        }
    }
}

/// This process's peak resident set size in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `--child` and returns its peak RSS in KiB.
fn child_rss(runtime: &str, workload: &str) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(["--child", runtime, workload])
        .output()
        .map_err(|e| format!("spawn: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or("");
    match line.split_once(' ') {
        Some(("peak-rss-kib", n)) if out.status.success() => {
            n.parse().map_err(|_| format!("bad child output `{line}`"))
        }
        Some(("error", e)) => Err(e.to_string()),
        _ => Err(format!("child exited with {}", out.status)),
    }
}

/// Command-line options.
struct Options {
    filter: Option<String>,
    runs: usize,
    runtimes: Vec<Runtime>,
    rss: bool,
    count: bool,
    op_stats: bool,
}

const USAGE: &str =
    "usage: wasmbed-benches [FILTER] [--runs N] [--runtime NAME]... [--no-rss] [--no-count]
  FILTER        only the workload named FILTER, or if none is, all whose
                name contains FILTER
  --runs N      timed iterations per workload and runtime (default 7; median reported)
  --runtime R   benchmark runtime R (repeatable; default: wasmbed, wasmbed-jit,
                wasmi, wasmtime-cranelift, wasmtime-winch). Also: wasmbed-lazy,
                wasmbed+fuel, wasmbed+deadline, wasmi+fuel; `all` for every one
  --no-rss      skip the per-process peak-RSS runs
  --no-count    skip counting executed wasm ops (an extra wasmbed run with
                fuel metering); with --no-rss, only the selected runtimes run,
                which is what a profile wants
  --op-stats    instead of timing, print the interpreter's executed ops and
                op pairs per workload (needs `--features op-stats`)
An unfiltered run of the default runtimes also writes benches/RESULTS.md.
       wasmbed-benches --micro [CASE] [--runs N]
  times wasmbed's call path alone: ns per call of each micro case (or CASE)";

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        filter: None,
        runs: DEFAULT_RUNS,
        runtimes: Vec::new(),
        rss: true,
        count: true,
        op_stats: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Err(USAGE.to_string()),
            "--runs" => {
                let n = args.next().ok_or("--runs needs a number")?;
                options.runs = match n.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("--runs: `{n}` is not a positive number")),
                };
            }
            "--runtime" => {
                let name = args.next().ok_or("--runtime needs a name")?;
                if name == "all" {
                    options.runtimes.extend(Runtime::ALL);
                } else {
                    let rt = Runtime::from_name(name)
                        .ok_or_else(|| format!("--runtime: unknown runtime `{name}`\n{USAGE}"))?;
                    options.runtimes.push(rt);
                }
            }
            "--no-rss" => options.rss = false,
            "--no-count" => options.count = false,
            "--op-stats" => options.op_stats = true,
            _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`\n{USAGE}")),
            _ if options.filter.is_none() => options.filter = Some(arg.clone()),
            _ => return Err(format!("more than one filter given\n{USAGE}")),
        }
    }
    if options.runtimes.is_empty() {
        options.runtimes = Runtime::MAIN.to_vec();
    }
    options.runtimes.dedup();
    Ok(options)
}

fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.3}")
    } else {
        format!("{ms:.1}")
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// Compile throughput in MB/s (10^6 bytes per second).
fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e6
}

fn ratio(x: Duration, base: Option<Duration>) -> String {
    base.map_or_else(
        || "n/a".to_string(),
        |b| format!("{:.2}", x.as_secs_f64() / b.as_secs_f64()),
    )
}

/// All results of one workload.
struct Measured {
    workload: &'static Workload,
    size: Option<usize>,
    /// wasm instructions executed by one `run` (see `count_wasm_ops`).
    ops: Option<u64>,
    rows: Vec<(Runtime, Row)>,
}

impl Measured {
    fn execute_of(&self, rt: Runtime) -> Option<Duration> {
        self.rows
            .iter()
            .find(|(r, _)| *r == rt)
            .and_then(|(_, row)| row.result.as_ref().ok())
            .map(|s| s.execute)
    }
}

fn rss_cell(rss: &Option<Result<u64, String>>) -> String {
    match rss {
        None => "-".to_string(),
        Some(Ok(kib)) => format!("{:.1}", *kib as f64 / 1024.0),
        Some(Err(_)) => "FAILED".to_string(),
    }
}

const TABLE_HEADER: &str = "| workload | kind | runtime | compile ms | compile MB/s | instantiate us | execute ms | ns / wasm op | exec / wasmi | exec / cranelift | peak RSS MiB |
| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
";

/// The main table, then the failures' reasons.
fn table(measured: &[Measured]) -> String {
    let mut out = String::from(TABLE_HEADER);
    let mut notes = Vec::new();
    for m in measured {
        let wasmi = m.execute_of(Runtime::Wasmi);
        let cranelift = m.execute_of(Runtime::Cranelift);
        let name = match (m.size, m.ops) {
            (Some(size), Some(ops)) => format!(
                "{} ({} KB, {:.1}M ops)",
                m.workload.name,
                size.div_ceil(1000),
                ops as f64 / 1e6
            ),
            (Some(size), None) => format!("{} ({} KB)", m.workload.name, size.div_ceil(1000)),
            _ => m.workload.name.to_string(),
        };
        for (rt, row) in &m.rows {
            let rss = rss_cell(&row.rss);
            if let Some(Err(e)) = &row.rss {
                notes.push(format!(
                    "{} on {}: peak-RSS child: {e}",
                    m.workload.name,
                    rt.name()
                ));
            }
            match &row.result {
                Ok(s) => {
                    let _ = writeln!(
                        out,
                        "| {name} | {} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {rss} |",
                        m.workload.kind,
                        rt.name(),
                        millis(s.compile),
                        mbps(m.size.unwrap_or(0), s.compile),
                        micros(s.instantiate),
                        millis(s.execute),
                        m.ops.map_or_else(
                            || "n/a".to_string(),
                            |ops| format!("{:.2}", s.execute.as_secs_f64() * 1e9 / ops as f64)
                        ),
                        ratio(s.execute, wasmi),
                        ratio(s.execute, cranelift),
                    );
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "| {name} | {} | {} | FAILED | | | | | | | {rss} |",
                        m.workload.kind,
                        rt.name()
                    );
                    notes.push(format!("{} on {}: {e}", m.workload.name, rt.name()));
                }
            }
        }
    }
    if !notes.is_empty() {
        out.push_str("\nFailures:\n\n");
        for n in notes {
            let _ = writeln!(out, "- {}", n.replace('\n', " "));
        }
    }
    out
}

/// Per runtime: geometric means of the execute ratios, and the large
/// module's compile throughput.
fn summary(measured: &[Measured], runtimes: &[Runtime]) -> String {
    let mut out = String::from(
        "| runtime | geomean exec / wasmi | geomean exec / cranelift | large: compile MB/s | large: instantiate us |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    let geomean = |rt: Runtime, base: Runtime| -> String {
        let logs: Vec<f64> = measured
            .iter()
            .filter_map(|m| Some((m.execute_of(rt)?, m.execute_of(base)?)))
            .filter(|_| true)
            .map(|(x, b)| (x.as_secs_f64() / b.as_secs_f64()).ln())
            .collect();
        if logs.is_empty() {
            "n/a".to_string()
        } else {
            format!(
                "{:.2} (n={})",
                (logs.iter().sum::<f64>() / logs.len() as f64).exp(),
                logs.len()
            )
        }
    };
    let large = measured.iter().find(|m| m.workload.name == "large");
    for &rt in runtimes {
        let (mb, inst) = large
            .and_then(|m| {
                let (_, row) = m.rows.iter().find(|(r, _)| *r == rt)?;
                let s = row.result.as_ref().ok()?;
                Some((
                    format!("{:.1}", mbps(m.size?, s.compile)),
                    micros(s.instantiate),
                ))
            })
            .unwrap_or_else(|| ("n/a".to_string(), "n/a".to_string()));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {mb} | {inst} |",
            rt.name(),
            geomean(rt, Runtime::Wasmi),
            geomean(rt, Runtime::Cranelift),
        );
    }
    out.push_str(
        "\nThe geometric means are over the workloads (including `large`, whose \
         execute time is short) where both runtimes passed.\n",
    );
    out
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// The first three fields of /proc/loadavg (1, 5 and 15 minutes).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01, using 400-year eras that start
    // on March 1st (so the leap day is the last day of a year).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The header of RESULTS.md: when, where, what and under which load.
fn header(runs: usize, load_before: &str, load_after: &str, baseline_rss: &str) -> String {
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut doc = String::new();
    let _ = writeln!(doc, "# wasmbed vs wasmi and wasmtime: benchmark results\n");
    let _ = writeln!(
        doc,
        "Generated by `benches/run.sh` (see README.md); this file is \
         overwritten by every unfiltered run.\n"
    );
    let _ = writeln!(doc, "- date: {}", utc_now());
    let _ = writeln!(doc, "- machine: {nproc} CPUs (nproc), {}", cpu_model());
    let _ = writeln!(
        doc,
        "- load average (1, 5, 15 min): {load_before} before the run, {load_after} after \
         (other processes' CPU use makes times noisy; on a quiet machine the 1-minute \
         figure stays below 1 during the run)"
    );
    let _ = writeln!(
        doc,
        "- commit: {} (`git describe --dirty` when the binary was built)",
        env!("BENCH_BUILD_COMMIT")
    );
    let _ = writeln!(doc, "- toolchain: {}", env!("BENCH_BUILD_RUSTC"));
    let _ = writeln!(
        doc,
        "- runtimes: wasmbed (eager translation), wasmi {} (`CompilationMode::Eager`), \
         wasmtime {} (Cranelift and Winch; default `Config` otherwise, single-threaded \
         compilation)",
        env!("BENCH_WASMI_VERSION"),
        env!("BENCH_WASMTIME_VERSION")
    );
    let _ = writeln!(
        doc,
        "- method: median of {runs} timed iterations after one checked warm-up, \
         every result checked against its expected checksum; peak RSS from one \
         more iteration in a child process (a child that only loads the workload \
         peaks at {baseline_rss} MiB)\n"
    );
    doc
}

const TABLE_FOOTER: &str = "
- compile = module from binary: decode, validate and translate (interpreters)
  or generate machine code (wasmtime); MB/s = module size (10^6 bytes) / compile time.
- instantiate = instantiation into a fresh store; execute = one call of `run`.
- ops = wasm instructions one `run` executes, counted by wasmbed's fuel meter
  (all but nop, drop, block, loop, end, else); ns / wasm op = execute / ops.
- exec / wasmi and exec / cranelift = this runtime's execute time divided by
  wasmi's and by wasmtime-cranelift's on the same workload: below 1 is faster.
- peak RSS = VmHWM of a child process that compiles, instantiates and runs the
  workload once on that runtime alone (the harness binary links all runtimes).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--micro") {
        return micro::main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("--child") {
        return match (args.get(1), args.get(2)) {
            (Some(rt), Some(w)) => child(rt, w),
            _ => {
                eprintln!("usage: wasmbed-benches --child RUNTIME|none WORKLOAD");
                ExitCode::from(2)
            }
        };
    }
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    // A filter naming a workload exactly selects only that one (`matmul`
    // is not also `matmul-c`); otherwise every workload containing it.
    let selected: Vec<&'static Workload> = WORKLOADS
        .iter()
        .filter(|w| match &options.filter {
            None => true,
            Some(f) if WORKLOADS.iter().any(|w| w.name == f) => w.name == f,
            Some(f) => w.name.contains(f.as_str()),
        })
        .collect();
    if selected.is_empty() {
        eprintln!("no workload matches the filter\n{USAGE}");
        return ExitCode::from(2);
    }
    if options.op_stats {
        #[cfg(feature = "op-stats")]
        return op_stats::main(&selected);
        #[cfg(not(feature = "op-stats"))]
        {
            eprintln!("--op-stats needs a build with `--features op-stats`");
            return ExitCode::from(2);
        }
    }

    let load_before = loadavg();
    let engines: Vec<(Runtime, Result<Engine, String>)> = options
        .runtimes
        .iter()
        .map(|&rt| (rt, Engine::new(rt)))
        .collect();
    let mut measured = Vec::new();
    let mut failures = 0;
    for &workload in &selected {
        eprint!("{:<9} ", workload.name);
        let (size, ops, results) = match load(workload) {
            Ok(loaded) => (
                Some(loaded.wasm.len()),
                options
                    .count
                    .then(|| {
                        count_wasm_ops(&loaded)
                            .map_err(|e| eprintln!("counting wasm ops of {}: {e}", workload.name))
                            .ok()
                    })
                    .flatten(),
                bench(&engines, &loaded, options.runs),
            ),
            Err(e) => (None, None, vec![Err(e); engines.len()]),
        };
        let rows = options
            .runtimes
            .iter()
            .zip(results)
            .map(|(&rt, result)| {
                let rss =
                    (options.rss && result.is_ok()).then(|| child_rss(rt.name(), workload.name));
                failures += usize::from(result.is_err() || matches!(rss, Some(Err(_))));
                (rt, Row { result, rss })
            })
            .collect();
        let m = Measured {
            workload,
            size,
            ops,
            rows,
        };
        for (rt, row) in &m.rows {
            match &row.result {
                Ok(s) => eprint!(" {} {}ms", rt.name(), millis(s.execute)),
                Err(_) => eprint!(" {} FAILED", rt.name()),
            }
        }
        eprintln!();
        measured.push(m);
    }
    let load_after = loadavg();

    let baseline_rss = if options.rss {
        match child_rss("none", selected[0].name) {
            Ok(kib) => format!("{:.1}", kib as f64 / 1024.0),
            Err(e) => format!("(failed: {e})"),
        }
    } else {
        "(not measured)".to_string()
    };
    let mut doc = header(options.runs, &load_before, &load_after, &baseline_rss);
    doc.push_str(&table(&measured));
    doc.push_str(TABLE_FOOTER);
    doc.push_str("\n## Summary\n\n");
    doc.push_str(&summary(&measured, &options.runtimes));
    println!("{doc}");

    if options.filter.is_none() && options.runtimes == Runtime::MAIN && options.rss && options.count
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md");
        match std::fs::write(&path, &doc) {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => eprintln!("cannot write {}: {e}", path.display()),
        }
    }
    if failures > 0 {
        eprintln!("{failures} workload/runtime pair(s) FAILED; see the table");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
