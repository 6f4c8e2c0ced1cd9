//! Side-by-side interpreter benchmark: wasmbed against wasmi 2.
//!
//! Every workload in `workloads/*.wat` exports `run: [] -> [i64]`, which
//! returns a checksum. For each workload and each runtime the harness
//! measures, in one process:
//!
//! - **compile**: `Module` construction from the binary (decode, validate and
//!   translate every function body; wasmi is configured with
//!   `CompilationMode::Eager` so that it does the same work up front),
//! - **instantiate**: `Linker::instantiate` of that module into a fresh
//!   `Store` (store and linker are created outside the timed region),
//! - **execute**: one call of `run`.
//!
//! One untimed warm-up iteration per runtime comes first; its checksum must
//! equal the hard-coded expected value (computed independently), otherwise
//! that runtime's row reports the failure instead of a time. Then `--runs`
//! timed iterations alternate between the runtimes, and the table shows the
//! median of each phase. A runtime that errors, traps, panics or returns a
//! wrong checksum on one workload does not stop the others.
//!
//! ```text
//! cargo run --release --manifest-path benches/Cargo.toml -- [FILTER] [--runs N] [--runtime NAME]
//! ```
//!
//! `FILTER` keeps workloads whose name contains it; `--runtime` (`wasmbed`
//! or `wasmi`) runs only one side, which is handy under a profiler. An
//! unfiltered run of both runtimes also overwrites `benches/RESULTS.md`.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One benchmark program.
struct Workload {
    name: &'static str,
    wat: &'static str,
    /// What `run` must return.
    expected: i64,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "fib",
        wat: include_str!("../workloads/fib.wat"),
        expected: 832_040,
    },
    Workload {
        name: "loops",
        wat: include_str!("../workloads/loops.wat"),
        expected: -5_481_269_047_786_287_737,
    },
    Workload {
        name: "matmul",
        wat: include_str!("../workloads/matmul.wat"),
        expected: 7_736_579_640_196_608_562,
    },
    Workload {
        name: "bulk",
        wat: include_str!("../workloads/bulk.wat"),
        expected: -7_928_072_333_277_485_481,
    },
];

const DEFAULT_RUNS: usize = 7;

/// The runtimes under test; the first one is the baseline of the ratio.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Wasmbed,
    Wasmi,
    /// wasmbed with fuel metering (`Config::consume_fuel`).
    WasmbedFuel,
    /// wasmbed with interruption checks and a (far) deadline set, so every
    /// check also counts down to a clock read.
    WasmbedDeadline,
    /// wasmi with fuel metering, for comparison with `WasmbedFuel`.
    WasmiFuel,
}

impl Runtime {
    const ALL: [Runtime; 5] = [
        Runtime::Wasmbed,
        Runtime::Wasmi,
        Runtime::WasmbedFuel,
        Runtime::WasmbedDeadline,
        Runtime::WasmiFuel,
    ];

    fn name(self) -> &'static str {
        match self {
            Runtime::Wasmbed => "wasmbed",
            Runtime::Wasmi => "wasmi",
            Runtime::WasmbedFuel => "wasmbed+fuel",
            Runtime::WasmbedDeadline => "wasmbed+deadline",
            Runtime::WasmiFuel => "wasmi+fuel",
        }
    }
}

/// A monotonic clock for wasmbed's deadline checks.
struct StdClock(Instant);

impl wasmbed::platform::Clock for StdClock {
    fn monotonic_nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
    fn wall_nanos(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
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

/// The engines, built once and shared by every iteration.
struct Engines {
    wasmbed: wasmbed::Engine,
    wasmbed_fuel: wasmbed::Engine,
    wasmbed_deadline: wasmbed::Engine,
    wasmi: wasmi::Engine,
    wasmi_fuel: wasmi::Engine,
}

impl Engines {
    fn new() -> Engines {
        let mut config = wasmi::Config::default();
        config.compilation_mode(wasmi::CompilationMode::Eager);
        let mut fuel_config = config.clone();
        fuel_config.consume_fuel(true);
        let mut wasmbed_fuel = wasmbed::Config::new();
        wasmbed_fuel.consume_fuel(true);
        let mut wasmbed_deadline = wasmbed::Config::new();
        wasmbed_deadline
            .interruptible(true)
            .clock(std::sync::Arc::new(StdClock(Instant::now())));
        Engines {
            wasmbed: wasmbed::Engine::default(),
            wasmbed_fuel: wasmbed::Engine::new(&wasmbed_fuel),
            wasmbed_deadline: wasmbed::Engine::new(&wasmbed_deadline),
            wasmi: wasmi::Engine::new(&config),
            wasmi_fuel: wasmi::Engine::new(&fuel_config),
        }
    }

    /// One compile + instantiate + execute iteration, panics included.
    fn sample(&self, runtime: Runtime, wasm: &[u8]) -> Result<Sample, String> {
        let result = panic::catch_unwind(AssertUnwindSafe(|| match runtime {
            Runtime::Wasmbed => sample_wasmbed(&self.wasmbed, wasm, Control::None),
            Runtime::WasmbedFuel => sample_wasmbed(&self.wasmbed_fuel, wasm, Control::Fuel),
            Runtime::WasmbedDeadline => {
                sample_wasmbed(&self.wasmbed_deadline, wasm, Control::Deadline)
            }
            Runtime::Wasmi => sample_wasmi(&self.wasmi, wasm, false),
            Runtime::WasmiFuel => sample_wasmi(&self.wasmi_fuel, wasm, true),
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
        .get_typed_func::<(), i64, _>(&store, "run")
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

/// Medians over the timed iterations, or why there are none.
type Outcome = Result<Sample, String>;

/// Runs one workload on the selected runtimes.
fn bench(
    engines: &Engines,
    workload: &Workload,
    runtimes: &[Runtime],
    runs: usize,
) -> Vec<Outcome> {
    let wasm = match wat::parse_str(workload.wat) {
        Ok(wasm) => wasm,
        Err(e) => return vec![Err(format!("invalid .wat: {e}")); runtimes.len()],
    };
    let check = |sample: Sample| {
        if sample.checksum == workload.expected {
            Ok(sample)
        } else {
            Err(format!(
                "WRONG CHECKSUM: got {}, expected {}",
                sample.checksum, workload.expected
            ))
        }
    };

    // Warm-up: also the correctness gate. A runtime that fails it is out.
    let mut status: Vec<Result<Vec<Sample>, String>> = runtimes
        .iter()
        .map(|&rt| {
            engines
                .sample(rt, &wasm)
                .and_then(check)
                .map(|_| Vec::with_capacity(runs))
        })
        .collect();

    // Timed iterations, interleaved so that drift affects both alike.
    for _ in 0..runs {
        for (rt, state) in runtimes.iter().zip(&mut status) {
            if let Ok(samples) = state {
                match engines.sample(*rt, &wasm).and_then(check) {
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
                checksum: workload.expected,
            })
        })
        .collect()
}

/// Command-line options.
struct Options {
    filter: Option<String>,
    runs: usize,
    runtimes: Vec<Runtime>,
}

const USAGE: &str = "usage: wasmbed-benches [FILTER] [--runs N] [--runtime wasmbed|wasmi]
  FILTER        only workloads whose name contains FILTER (fib, loops, matmul, bulk)
  --runs N      timed iterations per workload and runtime (default 7; median reported)
  --runtime R   only benchmark runtime R
An unfiltered run of both runtimes also writes benches/RESULTS.md.";

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        filter: None,
        runs: DEFAULT_RUNS,
        runtimes: Runtime::ALL.to_vec(),
    };
    let mut args = std::env::args().skip(1);
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
                let rt = Runtime::ALL
                    .into_iter()
                    .find(|rt| rt.name() == name)
                    .ok_or_else(|| format!("--runtime: unknown runtime `{name}`"))?;
                options.runtimes = vec![rt];
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`\n{USAGE}")),
            _ if options.filter.is_none() => options.filter = Some(arg),
            _ => return Err(format!("more than one filter given\n{USAGE}")),
        }
    }
    Ok(options)
}

fn millis(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// The markdown table rows for one workload.
fn table_rows(out: &mut String, workload: &str, runtimes: &[Runtime], outcomes: &[Outcome]) {
    let baseline = runtimes
        .iter()
        .zip(outcomes)
        .find(|(rt, _)| **rt == Runtime::Wasmbed)
        .and_then(|(_, o)| o.as_ref().ok())
        .map(|s| s.execute);
    for (rt, outcome) in runtimes.iter().zip(outcomes) {
        match outcome {
            Ok(s) => {
                let ratio = baseline.map_or_else(
                    || "n/a".to_string(),
                    |b| format!("{:.2}", s.execute.as_secs_f64() / b.as_secs_f64()),
                );
                let _ = writeln!(
                    out,
                    "| {workload} | {} | {} | {} | {} | {ratio} |",
                    rt.name(),
                    millis(s.compile),
                    micros(s.instantiate),
                    millis(s.execute),
                );
            }
            Err(e) => {
                let e = e.replace('|', "\\|").replace('\n', " ");
                let _ = writeln!(out, "| {workload} | {} | FAILED: {e} | | | |", rt.name());
            }
        }
    }
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

fn write_results(table: &str, runs: usize) -> std::io::Result<()> {
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut doc = String::new();
    let _ = writeln!(doc, "# wasmbed vs wasmi: benchmark results\n");
    let _ = writeln!(
        doc,
        "Generated by `cargo run --release --manifest-path benches/Cargo.toml` \
         (see README.md); this file is overwritten by every unfiltered run.\n"
    );
    let _ = writeln!(doc, "- date: {}", utc_now());
    let _ = writeln!(doc, "- machine: {nproc} CPUs (nproc), {}", cpu_model());
    let _ = writeln!(
        doc,
        "- commit: {} (`git describe --dirty` when the binary was built)",
        env!("BENCH_BUILD_COMMIT")
    );
    let _ = writeln!(doc, "- toolchain: {}", env!("BENCH_BUILD_RUSTC"));
    let _ = writeln!(
        doc,
        "- method: median of {runs} timed iterations after one warm-up; \
         wasmi 2 with `CompilationMode::Eager`\n"
    );
    doc.push_str(table);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md");
    std::fs::write(path, doc)
}

const TABLE_HEADER: &str =
    "| workload | runtime | compile ms | instantiate us | execute ms | ratio |
| --- | --- | ---: | ---: | ---: | ---: |
";

const TABLE_FOOTER: &str = "
ratio = this runtime's execute time / wasmbed's execute time: \
above 1 means wasmbed is faster.
";

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let selected: Vec<&Workload> = WORKLOADS
        .iter()
        .filter(|w| {
            options
                .filter
                .as_ref()
                .is_none_or(|f| w.name.contains(f.as_str()))
        })
        .collect();
    if selected.is_empty() {
        eprintln!("no workload matches the filter\n{USAGE}");
        return ExitCode::from(2);
    }

    let engines = Engines::new();
    let mut table = String::from(TABLE_HEADER);
    let mut failures = 0;
    for workload in &selected {
        eprintln!("running {} ...", workload.name);
        let outcomes = bench(&engines, workload, &options.runtimes, options.runs);
        failures += outcomes.iter().filter(|o| o.is_err()).count();
        table_rows(&mut table, workload.name, &options.runtimes, &outcomes);
    }
    table.push_str(TABLE_FOOTER);
    println!("{table}");

    if options.filter.is_none() && options.runtimes.len() == Runtime::ALL.len() {
        match write_results(&table, options.runs) {
            Ok(()) => eprintln!("wrote benches/RESULTS.md"),
            Err(e) => eprintln!("cannot write benches/RESULTS.md: {e}"),
        }
    }
    if failures > 0 {
        eprintln!("{failures} workload/runtime pair(s) FAILED; see the table");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
