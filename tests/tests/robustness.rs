//! Bad input never panics: thousands of mutated modules go through
//! `Module::from_binary`, and the ones that still validate are instantiated
//! and have every export called under fuel. Only `Ok` or an `Error` may come
//! out. (The coverage-guided fuzzers of the fuzzing issue go further; this
//! keeps a cheap, deterministic guard in the normal test run.)
use std::panic::{catch_unwind, AssertUnwindSafe};
use wasmbed::{Config, Engine, Linker, Module, Store, Val};

const SEED_MODULE: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (memory 1 2) (table 4 funcref)
  (global $g (mut i32) (i32.const 7))
  (elem (i32.const 0) $fib $mem $tbl)
  (data (i32.const 16) "wasmbed")
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $mem (export "mem") (param $a i32) (result i32)
    (i32.store8 (local.get $a) (i32.const 1))
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.const 0) (local.get $a) (i32.const 8))
    (i32.load (local.get $a)))
  (func $tbl (export "tbl") (param $i i32) (result i32)
    (global.set $g (i32.add (global.get $g) (local.get $i)))
    (call_indirect (type $t) (local.get $i) (local.get $i)))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))"#;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(bytes.len());
        match rng.below(4) {
            0 => bytes[i] = rng.next() as u8,
            1 => bytes[i] ^= 1 << rng.below(8),
            2 => {
                bytes.insert(i, rng.next() as u8);
            }
            _ => {
                bytes.remove(i);
            }
        }
    }
    bytes
}

fn exercise(engine: &Engine, bytes: &[u8]) -> (bool, bool) {
    let Ok(module) = Module::from_binary(engine, bytes) else {
        return (false, false);
    };
    let mut store = Store::new(engine, ());
    store.set_fuel(20_000).unwrap();
    let Ok(instance) = Linker::new(engine).instantiate(&mut store, &module) else {
        return (true, false);
    };
    for (name, ext) in instance.exports(&store) {
        let Some(func) = ext.into_func() else {
            continue;
        };
        let ty = func.ty(&store);
        let params: Vec<Val> = ty
            .params()
            .iter()
            .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
            .map(|v| match v {
                Val::I32(_) => Val::I32(name.len() as i32 * 3),
                other => other,
            })
            .collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
            .collect();
        let _ = func.call(&mut store, &params, &mut results);
    }
    (true, true)
}

#[test]
fn mutated_modules_never_panic() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let base = wat::parse_str(SEED_MODULE).unwrap();
    assert!(exercise(&engine, &base).1, "the seed module runs");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut valid, mut ran) = (0, 0);
    for case in 0..4000 {
        let bytes = mutate(&mut rng, &base);
        let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&engine, &bytes)));
        match outcome {
            Ok((v, r)) => {
                valid += v as usize;
                ran += r as usize;
            }
            Err(_) => panic!("case {case} panicked; module bytes: {bytes:02x?}"),
        }
    }
    // The mutations must reach past the decoder now and then, or this test
    // would only be testing the header check.
    assert!(valid > 50 && ran > 20, "valid {valid}, ran {ran}");
}
