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
    let outcomes = run_cases("instantiate_run", 2000, 4096, |bytes| {
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

#[test]
fn differential() {
    let outcomes = run_cases("differential", 2000, 4096, |bytes| {
        fuzzing::check_differential(&mut Unstructured::new(bytes)).ok()
    });
    let ran: Vec<_> = outcomes.into_iter().flatten().collect();
    let compared: usize = ran.iter().map(|o| o.compared).sum();
    let traps: usize = ran.iter().map(|o| o.traps).sum();
    let cut = ran.iter().filter(|o| o.cut_short).count();
    eprintln!(
        "differential: {} modules, {compared} calls compared, {traps} traps, {cut} cut short",
        ran.len()
    );
    assert!(compared > 1000 && traps > 50);
}

#[test]
fn wasi_paths() {
    let outcomes = run_cases("wasi_paths", 300, 512, |bytes| {
        fuzzing::check_wasi_paths(&mut Unstructured::new(bytes)).ok()
    });
    assert!(outcomes.iter().flatten().count() > 250);
}
