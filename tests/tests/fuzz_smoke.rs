//! The fuzzing checks (`wasmbed_tests::fuzzing`, the same code the
//! cargo-fuzz targets in `fuzz/` run) on stable Rust, from fixed seeds: a
//! few thousand deterministic cases per check, so the normal test run
//! guards them without nightly or libFuzzer.
use arbitrary::Unstructured;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wasmbed_tests::fuzzing::{self, seeded_bytes};

/// Runs `cases` cases of `check`, each on `len` seeded bytes; a panic is
/// reported with the case number, which reproduces it.
fn run_cases<R>(name: &str, cases: u64, len: usize, mut check: impl FnMut(&[u8]) -> R) -> Vec<R> {
    let verbose = std::env::var_os("FUZZ_SMOKE_VERBOSE").is_some();
    (0..cases)
        .map(|case| {
            if verbose {
                eprintln!("{name}: case {case}");
            }
            let bytes = seeded_bytes(case, len);
            match catch_unwind(AssertUnwindSafe(|| check(&bytes))) {
                Ok(r) => r,
                Err(_) => panic!("{name}: case {case} failed (seeded_bytes({case}, {len}))"),
            }
        })
        .collect()
}

#[test]
fn decode_validate() {
    // Random bytes rarely get past the header, so half the cases start
    // from a real module and change a few bytes of it.
    let base = wat::parse_str(
        r#"(module (memory 1) (table 2 funcref) (global (mut i32) (i32.const 1))
             (func (export "f") (param i32) (result i32)
               (i32.add (local.get 0) (i32.load (i32.const 0))))
             (elem (i32.const 0) 0) (data (i32.const 0) "abc"))"#,
    )
    .unwrap();
    let valid = run_cases("decode_validate", 3000, 64, |bytes| {
        if bytes[0] & 1 == 0 {
            fuzzing::check_decode(bytes)
        } else {
            let mut m = base.clone();
            let at = usize::from(bytes[1]) % m.len();
            m[at] = bytes[2];
            fuzzing::check_decode(&m)
        }
    });
    let valid = valid.iter().filter(|v| **v).count();
    assert!(valid > 50, "only {valid} cases validated");
}

#[test]
fn instantiate_run() {
    let outcomes = run_cases("instantiate_run", 1500, 8192, |bytes| {
        fuzzing::check_instantiate_run(&mut Unstructured::new(bytes)).ok()
    });
    let ran: Vec<_> = outcomes.into_iter().flatten().collect();
    let calls: usize = ran.iter().map(|o| o.calls).sum();
    let traps: usize = ran.iter().map(|o| o.traps).sum();
    let instantiated = ran.iter().filter(|o| o.instantiated).count();
    eprintln!(
        "instantiate_run: {} modules, {instantiated} instantiated, {calls} calls, {traps} traps",
        ran.len()
    );
    assert!(instantiated > 500 && calls > 1000 && traps > 50);
}

/// The differential check with the wasmbed side on the backends that
/// cross the VM ABI: every call of a "compiled" function is a foreign call
/// (`trampoline`), or every other one (`trampoline-odd`), or the function
/// is machine code (`jit-x64`, on x86-64), and results, traps and
/// final state must still match wasmi's.
#[test]
fn differential_across_the_abi() {
    let mut backends = vec!["trampoline", "trampoline-odd"];
    if cfg!(target_arch = "x86_64") {
        backends.push("jit-x64");
    }
    for backend in backends {
        let outcomes = run_cases("differential", 300, 8192, |bytes| {
            fuzzing::check_differential_on(&mut Unstructured::new(bytes), backend).ok()
        });
        let compared: usize = outcomes.iter().flatten().map(|o| o.compared).sum();
        eprintln!("differential on {backend}: {compared} calls compared");
        assert!(compared > 200, "{backend}: {compared} calls compared");
    }
}

#[test]
fn differential() {
    let outcomes = run_cases("differential", 1500, 8192, |bytes| {
        fuzzing::check_differential(&mut Unstructured::new(bytes)).ok()
    });
    let ran: Vec<_> = outcomes.into_iter().flatten().collect();
    let compared: usize = ran.iter().map(|o| o.compared).sum();
    let mut cut = std::collections::BTreeMap::<&str, usize>::new();
    for why in ran.iter().filter_map(|o| o.cut_short) {
        *cut.entry(why).or_default() += 1;
    }
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for o in &ran {
        for (code, n) in &o.trap_codes {
            *codes.entry(code.clone()).or_default() += n;
        }
    }
    eprintln!(
        "differential: {} modules, {compared} calls compared, cut short {cut:?}, traps {codes:?}",
        ran.len()
    );
    assert!(compared > 1000, "{compared} calls compared");
    // Every trap the two engines share was reached (and agreed on), but
    // for `BadSignature`: generated modules rarely call through a table
    // entry of another type (`differential_handwritten` does).
    for code in [
        "Unreachable",
        "MemoryOutOfBounds",
        "TableOutOfBounds",
        "UninitializedElement",
        "IntegerOverflow",
        "IntegerDivisionByZero",
        "BadConversionToInteger",
    ] {
        assert!(codes.contains_key(code), "no {code} trap in {codes:?}");
    }
}

/// The differential check at length, for the dispatch cargo-fuzz cannot
/// build: tail dispatch needs an optimised build without instrumentation
/// (libFuzzer's comparison hooks give every handler a frame, so its tail
/// calls become calls). Replays the differential corpus
/// (`FUZZ_CORPUS`, default `fuzz/corpus/differential`), then runs
/// `FUZZ_SMOKE_CASES` seeded cases (default 100,000) from case
/// `FUZZ_SMOKE_FIRST` (default 1500, past the ones `differential` runs). Run it optimised, without debug assertions (which
/// take the `match` loop, as the fuzz targets do; see `core/build.rs`):
/// `cargo test --profile test-opt -p wasmbed-tests --test fuzz_smoke --
/// --ignored differential_at_length`.
#[test]
#[ignore = "long (minutes to hours): run by hand, see the doc comment"]
fn differential_at_length() {
    let dir = std::env::var_os("FUZZ_CORPUS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/differential"),
        std::path::PathBuf::from,
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut compared = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        match catch_unwind(AssertUnwindSafe(|| {
            fuzzing::check_differential(&mut Unstructured::new(&bytes)).ok()
        })) {
            Ok(o) => compared += o.map_or(0, |o| o.compared),
            Err(_) => panic!("differential: corpus input {} failed", path.display()),
        }
    }
    eprintln!(
        "differential: {} corpus inputs, {compared} calls compared",
        files.len()
    );
    assert!(
        files.is_empty() || compared > 0,
        "no corpus input compared a call"
    );
    let cases: u64 = std::env::var("FUZZ_SMOKE_CASES").map_or(100_000, |v| v.parse().unwrap());
    let first: u64 = std::env::var("FUZZ_SMOKE_FIRST").map_or(1500, |v| v.parse().unwrap());
    let mut compared = 0;
    // Seeded cases where wasmi is wrong, each pinned by a regression test.
    const WASMI_WRONG: &[(u64, &str)] = &[
        (
            16938,
            "wasmi 2.0 miscomputes an i64 global; wasmtime agrees with wasmbed \
             (regressions.rs: global_xor_chain_matches_wasmtime)",
        ),
        (
            171980,
            "wasmi 2.0 miscomputes an i32 global; wasmtime agrees with wasmbed \
             (regressions.rs: f32_bits_xor_matches_wasmtime)",
        ),
        (
            182265,
            "wasmi 2.0 loses a local pushed before an `if`; wasmtime agrees with \
             wasmbed (regressions.rs: local_pushed_before_if_keeps_its_value)",
        ),
        (
            190589,
            "wasmi 2.0 miscomputes an i32 global (differently from run to run); \
             wasmtime agrees with wasmbed \
             (regressions.rs: loop_result_from_a_local_matches_wasmtime)",
        ),
        (
            196165,
            "wasmi 2.0 miscomputes an i32 global; wasmtime agrees with wasmbed \
             (regressions.rs: local_under_if_results_matches_wasmtime)",
        ),
        (
            220945,
            "wasmi 2.0 miscomputes an i64 global; wasmtime 48 agrees with wasmbed \
             on the generated module and the harness's calls (not shrunk into a \
             regression test yet)",
        ),
    ];
    for case in first..first + cases {
        if WASMI_WRONG.iter().any(|&(c, _)| c == case) {
            continue;
        }
        let bytes = seeded_bytes(case, 8192);
        match catch_unwind(AssertUnwindSafe(|| {
            fuzzing::check_differential(&mut Unstructured::new(&bytes)).ok()
        })) {
            Ok(o) => compared += o.map_or(0, |o| o.compared),
            Err(_) => panic!("differential: case {case} failed (seeded_bytes({case}, 8192))"),
        }
    }
    eprintln!("differential: {cases} seeded cases, {compared} calls compared");
    assert!(
        cases < 100 || compared > 0,
        "no seeded case compared a call"
    );
}

/// A module exporting every numeric instruction of WebAssembly 2.0 (SIMD
/// aside) as a function of its operands, named after it.
fn numeric_ops_wat() -> String {
    let mut ops: Vec<(String, Vec<&str>, &str)> = Vec::new();
    for (t, shifts) in [("i32", "i32"), ("i64", "i64")] {
        let mut unary = vec!["clz", "ctz", "popcnt", "extend8_s", "extend16_s"];
        if t == "i64" {
            unary.push("extend32_s");
        }
        for op in unary {
            ops.push((format!("{t}.{op}"), vec![t], t));
        }
        ops.push((format!("{t}.eqz"), vec![t], "i32"));
        for op in [
            "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl",
            "shr_s", "shr_u", "rotl", "rotr",
        ] {
            ops.push((format!("{t}.{op}"), vec![t, shifts], t));
        }
        for op in [
            "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
        ] {
            ops.push((format!("{t}.{op}"), vec![t, t], "i32"));
        }
    }
    for t in ["f32", "f64"] {
        for op in ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"] {
            ops.push((format!("{t}.{op}"), vec![t], t));
        }
        for op in ["add", "sub", "mul", "div", "min", "max", "copysign"] {
            ops.push((format!("{t}.{op}"), vec![t, t], t));
        }
        for op in ["eq", "ne", "lt", "gt", "le", "ge"] {
            ops.push((format!("{t}.{op}"), vec![t, t], "i32"));
        }
    }
    let conversions: &[(&str, &str, &str)] = &[
        ("i32.wrap_i64", "i64", "i32"),
        ("i64.extend_i32_s", "i32", "i64"),
        ("i64.extend_i32_u", "i32", "i64"),
        ("f32.demote_f64", "f64", "f32"),
        ("f64.promote_f32", "f32", "f64"),
        ("i32.reinterpret_f32", "f32", "i32"),
        ("i64.reinterpret_f64", "f64", "i64"),
        ("f32.reinterpret_i32", "i32", "f32"),
        ("f64.reinterpret_i64", "i64", "f64"),
    ];
    for (op, from, to) in conversions {
        ops.push((op.to_string(), vec![from], to));
    }
    for i in ["i32", "i64"] {
        for f in ["f32", "f64"] {
            for sign in ["s", "u"] {
                ops.push((format!("{i}.trunc_{f}_{sign}"), vec![f], i));
                ops.push((format!("{i}.trunc_sat_{f}_{sign}"), vec![f], i));
                ops.push((format!("{f}.convert_{i}_{sign}"), vec![i], f));
            }
        }
    }
    let mut wat = String::from("(module\n");
    for (op, params, result) in &ops {
        let gets: String = (0..params.len())
            .map(|i| format!(" (local.get {i})"))
            .collect();
        wat += &format!(
            "  (func (export \"{op}\") (param {}) (result {result}) ({op}{gets}))\n",
            params.join(" ")
        );
    }
    wat + ")"
}

/// Hand-written modules that make sure the differential check sees every
/// numeric instruction, memory accesses out of bounds, `call_indirect`
/// with mismatched signatures, every table instruction, globals and every
/// trap, whatever `wasm-smith` happens to generate: each runs with 300
/// argument streams (a third of the arguments edge values).
#[test]
fn differential_handwritten() {
    let modules = [
        ("numeric ops", numeric_ops_wat()),
        (
            "memory.wat",
            include_str!("differential/memory.wat").to_string(),
        ),
        (
            "tables.wat",
            include_str!("differential/tables.wat").to_string(),
        ),
    ];
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for (name, wat) in modules {
        let bytes = wat::parse_str(&wat).unwrap_or_else(|e| panic!("{name}: {e}"));
        run_cases(name, 300, 4096, |args| {
            let o = fuzzing::check_differential_module(&bytes, &mut Unstructured::new(args));
            assert!(o.instantiated && o.cut_short.is_none(), "{name}: {o:?}");
            for (code, n) in o.trap_codes {
                *codes.entry(code).or_default() += n;
            }
        });
    }
    eprintln!("differential_handwritten: traps {codes:?}");
    for code in [
        "Unreachable",
        "MemoryOutOfBounds",
        "TableOutOfBounds",
        "UninitializedElement",
        "BadSignature",
        "IntegerOverflow",
        "IntegerDivisionByZero",
        "BadConversionToInteger",
    ] {
        assert!(codes.contains_key(code), "no {code} trap in {codes:?}");
    }
}

#[test]
fn wasi_paths() {
    let outcomes = run_cases("wasi_paths", 300, 512, |bytes| {
        fuzzing::check_wasi_paths(&mut Unstructured::new(bytes)).ok()
    });
    let ran: Vec<_> = outcomes.into_iter().flatten().collect();
    let calls: usize = ran.iter().map(|o| o.calls).sum();
    let succeeded: usize = ran.iter().map(|o| o.succeeded).sum();
    eprintln!(
        "wasi_paths: {} sequences, {calls} calls, {succeeded} succeeded",
        ran.len()
    );
    assert!(
        ran.len() > 250 && succeeded > 200,
        "{succeeded} of {calls} calls succeeded"
    );
}
