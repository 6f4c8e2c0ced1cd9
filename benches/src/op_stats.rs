//! `--op-stats [FILTER]` (build with `--features op-stats`): the
//! interpreter's executed ops and fall-through op pairs, per workload and
//! over all of them, as shares of each workload's dispatches. The pairs are
//! what superinstructions and operand forms are chosen from: a pair that
//! takes a large share everywhere is worth an op of its own.
//!
//! The counting build takes the loop dispatch, so its times mean nothing;
//! only the counts are reported. "All workloads" averages the shares, so a
//! long-running workload does not outweigh the others.
use super::{load, sample_wasmbed, Control, Workload};
use std::collections::HashMap;
use std::process::ExitCode;

pub(crate) fn main(selected: &[&Workload]) -> ExitCode {
    let engine = wasmbed::Engine::new(wasmbed::Config::new().lazy_translation(false));
    let mut op_share: HashMap<&str, f64> = HashMap::new();
    let mut pair_share: HashMap<(&str, &str), f64> = HashMap::new();
    let mut n = 0.0;
    wasmbed::__op_stats();
    for w in selected {
        let loaded = match load(w) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{}: {e}", w.name);
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = sample_wasmbed(&engine, &loaded.wasm, Control::None) {
            eprintln!("{}: {e}", w.name);
            return ExitCode::FAILURE;
        }
        let (ops, pairs) = wasmbed::__op_stats();
        let total: u64 = ops.iter().map(|o| o.1).sum();
        println!("## {} ({total} dispatches)\n", w.name);
        println!("| op pair | share |\n| --- | ---: |");
        for (a, b, c) in pairs.iter().take(15) {
            println!("| {a} → {b} | {:.2}% |", 100.0 * *c as f64 / total as f64);
        }
        println!();
        for (op, c) in &ops {
            *op_share.entry(op).or_default() += *c as f64 / total as f64;
        }
        for (a, b, c) in &pairs {
            *pair_share.entry((a, b)).or_default() += *c as f64 / total as f64;
        }
        n += 1.0;
    }
    let mut ops: Vec<_> = op_share.into_iter().collect();
    ops.sort_by(|x, y| y.1.total_cmp(&x.1));
    let mut pairs: Vec<_> = pair_share.into_iter().collect();
    pairs.sort_by(|x, y| y.1.total_cmp(&x.1));
    println!("## All workloads (mean share of dispatches)\n");
    println!("| op | share |\n| --- | ---: |");
    for (op, s) in ops.iter().take(30) {
        println!("| {op} | {:.2}% |", 100.0 * s / n);
    }
    println!("\n| op pair | share |\n| --- | ---: |");
    for ((a, b), s) in pairs.iter().take(40) {
        println!("| {a} → {b} | {:.2}% |", 100.0 * s / n);
    }
    ExitCode::SUCCESS
}
