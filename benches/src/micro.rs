//! `--micro`: wasmbed's call path alone, case by case, in ns per call.
//!
//! The workloads time whole programs; these cases isolate the boundaries a
//! call crosses (embedder → wasm, wasm → host, host → wasm re-entry, and
//! `call_indirect` within and across instances), which is what the execution
//! seam of issue 16 reshapes. Each case runs its calls inside one
//! `#[inline(never)]` function, [`run_case`], so that callgrind can count
//! its instructions alone (`--toggle-collect`, see README.md "Micro").
//!
//! The loops inside wasm cost a few ops per iteration on top of the call;
//! the `loop-only` case runs the same loop without the call, so its time is
//! the part of the other in-wasm cases that is not the call.

use std::process::ExitCode;
use std::time::{Duration, Instant};
use wasmbed::{Caller, Config, Engine, Error, Linker, Module, Store, TypedFunc};

/// Calls per timed round of the 3M cases.
const CALLS: u32 = 3_000_000;
/// Nesting depth of the re-entry case.
const DEPTH: i32 = 20;
/// Outer calls per timed round of the re-entry case.
const NESTS: u32 = 100_000;
/// Calls (or outer calls of the re-entry case) of the untimed warm-up.
const WARMUP: u32 = 1_000;

/// One micro case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    /// `TypedFunc::call` of `(func (param i32) (result i32) local.get 0)`.
    TypedCall,
    /// A wasm loop calling an imported host function `i32 -> i32`.
    WasmToHost,
    /// A host function that calls back into wasm, which calls the host
    /// function again, `DEPTH` levels deep per outer call.
    Reentry,
    /// A wasm loop of `call_indirect` to a function of another instance
    /// (the table is exported by the callee's module and imported).
    IndirectOther,
    /// The same loop, through the same table, to a function of the
    /// calling instance.
    IndirectSame,
    /// The same loop without any call: the loop's own cost.
    LoopOnly,
}

impl Case {
    const ALL: [Case; 6] = [
        Case::TypedCall,
        Case::WasmToHost,
        Case::Reentry,
        Case::IndirectOther,
        Case::IndirectSame,
        Case::LoopOnly,
    ];

    fn name(self) -> &'static str {
        match self {
            Case::TypedCall => "typed-call",
            Case::WasmToHost => "wasm-to-host",
            Case::Reentry => "reentry",
            Case::IndirectOther => "indirect-other",
            Case::IndirectSame => "indirect-same",
            Case::LoopOnly => "loop-only",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Case::TypedCall => "3M TypedFunc::call of an i32 identity export",
            Case::WasmToHost => "3M calls from a wasm loop to an imported host function",
            Case::Reentry => "host -> wasm re-entry, 20 deep, 100k times (per re-entry)",
            Case::IndirectOther => "3M call_indirect to another instance's function",
            Case::IndirectSame => "3M call_indirect to the same instance's function",
            Case::LoopOnly => "the in-wasm loop of the cases above without the call",
        }
    }

    /// Calls one timed round makes (the divisor of ns / call).
    fn calls(self) -> u64 {
        match self {
            Case::Reentry => u64::from(NESTS) * DEPTH as u64,
            _ => u64::from(CALLS),
        }
    }

    /// Calls the warm-up makes.
    fn warmup_calls(self) -> u64 {
        match self {
            Case::Reentry => u64::from(WARMUP) * DEPTH as u64,
            _ => u64::from(WARMUP),
        }
    }
}

/// The callee of the cross-instance case: a function in slot 0 of a table
/// it exports, which the caller imports.
const CALLEE_WAT: &str = r#"
(module
  (type $t (func (param i32) (result i32)))
  (table (export "table") 2 funcref)
  (func $inc (type $t) local.get 0 i32.const 1 i32.add)
  (elem (i32.const 0) $inc))
"#;

/// Everything the cases call, in one module. `$inc` is the same body as the
/// callee's, placed in slot 1 of the imported table, so the two indirect
/// cases differ only in the callee's instance.
const CALLER_WAT: &str = r#"
(module
  (type $t (func (param i32) (result i32)))
  (import "callee" "table" (table 2 funcref))
  (import "host" "inc" (func $host_inc (type $t)))
  (import "host" "reenter" (func $reenter (type $t)))
  (func $inc (type $t) local.get 0 i32.const 1 i32.add)
  (elem (i32.const 1) $inc)

  (func (export "id") (param i32) (result i32) local.get 0)

  ;; n calls of the host's inc; returns n.
  (func (export "to_host") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (call $host_inc (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; n call_indirects through slot $slot; returns n.
  (func (export "indirect") (param $n i32) (param $slot i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (call_indirect (type $t) (local.get $acc) (local.get $slot)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; the loop above with an add instead of the call; returns n.
  (func (export "loop_only") (param $n i32) (param $slot i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; d = 0: 0; else the host's reenter(d - 1) + 1, so down(d) = d.
  (func (export "down") (param $d i32) (result i32)
    (if (result i32) (i32.eqz (local.get $d))
      (then (i32.const 0))
      (else (i32.add (call $reenter (i32.sub (local.get $d) (i32.const 1)))
                     (i32.const 1))))))
"#;

/// The store's data: the export the re-entering host function calls.
type Data = Option<TypedFunc<i32, i32>>;

/// The instantiated modules and the exports the cases call.
struct Setup {
    store: Store<Data>,
    id: TypedFunc<i32, i32>,
    to_host: TypedFunc<i32, i32>,
    indirect: TypedFunc<(i32, i32), i32>,
    loop_only: TypedFunc<(i32, i32), i32>,
    down: TypedFunc<i32, i32>,
}

fn setup() -> Result<Setup, String> {
    let err = |what: &'static str| move |e: Error| format!("{what}: {e}");
    let mut config = Config::new();
    // As the workloads' `wasmbed` runtime: translation is not on the
    // timed path (the warm-up would absorb it anyway).
    config.lazy_translation(false);
    let engine = Engine::new(&config);
    let parse = |text| wat::parse_str(text).map_err(|e| format!("invalid .wat: {e}"));
    let callee = Module::from_binary(&engine, &parse(CALLEE_WAT)?).map_err(err("callee"))?;
    let caller = Module::from_binary(&engine, &parse(CALLER_WAT)?).map_err(err("caller"))?;

    let mut store = Store::new(&engine, None);
    let mut linker = Linker::<Data>::new(&engine);
    linker
        .func_wrap("host", "inc", |x: i32| x.wrapping_add(1))
        .map_err(err("host inc"))?;
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: Caller<'_, Data>, d: i32| -> Result<i32, Error> {
                let down = caller.data().expect("set before the first call");
                down.call(&mut caller, d)
            },
        )
        .map_err(err("host reenter"))?;
    let callee = linker
        .instantiate(&mut store, &callee)
        .map_err(err("instantiate callee"))?;
    linker
        .instance(&store, "callee", callee)
        .map_err(err("define callee"))?;
    let instance = linker
        .instantiate(&mut store, &caller)
        .map_err(err("instantiate caller"))?;
    let id = instance
        .get_typed_func(&store, "id")
        .map_err(err("export id"))?;
    let to_host = instance
        .get_typed_func(&store, "to_host")
        .map_err(err("export to_host"))?;
    let indirect = instance
        .get_typed_func(&store, "indirect")
        .map_err(err("export indirect"))?;
    let loop_only = instance
        .get_typed_func(&store, "loop_only")
        .map_err(err("export loop_only"))?;
    let down = instance
        .get_typed_func(&store, "down")
        .map_err(err("export down"))?;
    *store.data_mut() = Some(down);
    Ok(Setup {
        store,
        id,
        to_host,
        indirect,
        loop_only,
        down,
    })
}

/// Runs `case` with `n` calls (`n` outer calls for `Reentry`) and checks
/// the result. Not inlined: callgrind's `--toggle-collect` counts exactly
/// this function and what it calls.
#[inline(never)]
fn run_case(s: &mut Setup, case: Case, n: u32) -> Result<(), String> {
    let n_i32 = i32::try_from(n).map_err(|_| "count out of range".to_string())?;
    let err = |e: Error| e.to_string();
    let (got, want) = match case {
        Case::TypedCall => {
            let mut sum = 0i32;
            for i in 0..n_i32 {
                sum = sum.wrapping_add(s.id.call(&mut s.store, i).map_err(err)?);
            }
            // 0 + 1 + ... + (n - 1), modulo 2^32 as the wrapping sum.
            (sum, (i64::from(n) * (i64::from(n) - 1) / 2) as i32)
        }
        Case::WasmToHost => (s.to_host.call(&mut s.store, n_i32).map_err(err)?, n_i32),
        Case::Reentry => {
            let mut sum = 0i32;
            for _ in 0..n {
                sum = sum.wrapping_add(s.down.call(&mut s.store, DEPTH).map_err(err)?);
            }
            (sum, n_i32.wrapping_mul(DEPTH))
        }
        Case::IndirectOther => (
            s.indirect.call(&mut s.store, (n_i32, 0)).map_err(err)?,
            n_i32,
        ),
        Case::IndirectSame => (
            s.indirect.call(&mut s.store, (n_i32, 1)).map_err(err)?,
            n_i32,
        ),
        Case::LoopOnly => (
            s.loop_only.call(&mut s.store, (n_i32, 0)).map_err(err)?,
            n_i32,
        ),
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("{}: got {got}, expected {want}", case.name()))
    }
}

/// One case's result: the median round, or why it failed.
fn measure(s: &mut Setup, case: Case, runs: usize) -> Result<Duration, String> {
    let per_round = match case {
        Case::Reentry => NESTS,
        _ => CALLS,
    };
    run_case(s, case, WARMUP)?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        run_case(s, case, per_round)?;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    Ok(times[times.len() / 2])
}

/// `--micro [CASE] [--runs N]`: prints one table row per case.
pub fn main(args: &[String]) -> ExitCode {
    let mut runs = 7;
    let mut filter = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => {
                    eprintln!("--runs needs a positive number");
                    return ExitCode::from(2);
                }
            },
            name if filter.is_none() && Case::ALL.iter().any(|c| c.name() == name) => {
                filter = Case::ALL.into_iter().find(|c| c.name() == name);
            }
            _ => {
                let names: Vec<_> = Case::ALL.iter().map(|c| c.name()).collect();
                eprintln!(
                    "usage: wasmbed-benches --micro [CASE] [--runs N]\n  CASE: one of {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    let mut s = match setup() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("micro: setup failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("wasmbed micro-benchmarks, median of {runs} rounds");
    println!();
    println!("| case | what | ns / call | calls run (warm-up + rounds) |");
    println!("| --- | --- | ---: | ---: |");
    let mut failed = false;
    for case in Case::ALL
        .into_iter()
        .filter(|c| filter.is_none_or(|f| f == *c))
    {
        let total = case.warmup_calls() + case.calls() * runs as u64;
        match measure(&mut s, case, runs) {
            Ok(t) => println!(
                "| {} | {} | {:.2} | {total} |",
                case.name(),
                case.what(),
                t.as_secs_f64() * 1e9 / case.calls() as f64
            ),
            Err(e) => {
                failed = true;
                println!("| {} | {} | FAILED: {e} | |", case.name(), case.what());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
