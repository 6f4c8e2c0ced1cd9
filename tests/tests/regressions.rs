//! Regression tests for what the fuzzers (`fuzz/`, see
//! `wasmbed_tests::fuzzing`) found: each a minimised module in
//! `tests/regressions/` and the check it failed.
use wasmbed::{Engine, Linker, Module, Store};

/// instantiate_run, crash-6ac3fef7: long runs of v128 ops must not grow
/// the host stack (see the `.wat`).
#[test]
fn simd_loop_runs_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let engine = Engine::default();
            let module = Module::new(
                &engine,
                include_str!("regressions/simd_loop_flat_stack.wat"),
            )
            .unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let spin = instance
                .get_typed_func::<i32, i32, _>(&store, "spin")
                .unwrap();
            spin.call(&mut store, 1_000_000).unwrap()
        })
        .unwrap();
    // wasmi computes the same.
    assert_eq!(handle.join().unwrap(), 0);
}
