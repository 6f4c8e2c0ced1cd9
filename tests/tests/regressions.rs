//! Regression tests for what the fuzzers (`fuzz/`, see
//! `wasmbed_tests::fuzzing`) found: each a minimised module in
//! `tests/regressions/` and the check it failed.
use wasmbed::{Engine, Linker, Module, Store};

/// Runs export `spin(n)` of `wat` on a 256 KiB host thread.
fn spin_on_small_stack(wat: &'static str, n: i32) -> i32 {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let engine = Engine::default();
            let module = Module::new(&engine, wat).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let spin = instance.get_typed_func::<i32, i32>(&store, "spin").unwrap();
            spin.call(&mut store, n).unwrap()
        })
        .unwrap();
    handle.join().unwrap()
}

/// instantiate_run, crash-6ac3fef7: long runs of v128 ops must not grow
/// the host stack (see the `.wat`).
#[test]
fn simd_loop_runs_on_a_small_stack() {
    // wasmi computes the same.
    assert_eq!(
        spin_on_small_stack(
            include_str!("regressions/simd_loop_flat_stack.wat"),
            1_000_000
        ),
        0
    );
}

/// fuzz_smoke instantiate_run (release): `memory.grow` in a loop must not
/// grow the host stack (see the `.wat`).
#[test]
fn memory_grow_loop_runs_on_a_small_stack() {
    // One successful grow (old size 1), then 999,999 failures (-1 each).
    assert_eq!(
        spin_on_small_stack(
            include_str!("regressions/memory_grow_loop_flat_stack.wat"),
            1_000_000
        ),
        1 - 999_999
    );
}

/// fuzz_smoke differential_at_length, seeded case 16938: wasmi 2.0 and
/// wasmbed disagree on the i64 global `?` after export `3` (after `=_`,
/// `` and `2`, which traps, as the harness calls them with zero
/// arguments). Wasmtime 48 (Cranelift) computes wasmbed's value, and so
/// does a trace by hand (the two `local.get 0` values xor-ed into it
/// cancel): wasmi is wrong here, and the long differential run skips the
/// case. This pins the right answer.
#[test]
fn global_xor_chain_matches_wasmtime() {
    use wasmbed::Val;
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        include_bytes!("regressions/wasmi_disagrees_global_xor.wasm"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    for (name, traps) in [("=_", false), ("", false), ("2", true), ("3", false)] {
        let f = instance.get_func(&mut store, name).unwrap();
        let ty = f.ty(&store);
        let params: Vec<Val> = ty
            .params()
            .iter()
            .map(|t| Val::default_for(*t).unwrap())
            .collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t).unwrap())
            .collect();
        assert_eq!(
            f.call(&mut store, &params, &mut results).is_err(),
            traps,
            "{name}"
        );
    }
    let g = instance
        .get_global(&mut store, "?")
        .unwrap()
        .get(&mut store);
    assert_eq!(g, Val::I64(8_554_286_685_773_375_982));
}

/// fuzz_smoke differential_at_length, seeded case 171980: wasmi 2.0
/// reports another value for the i32 global `}` after export `2`.
/// Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value by
/// hand; the long differential run skips the case.
#[test]
fn f32_bits_xor_matches_wasmtime() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        include_str!("regressions/wasmi_disagrees_f32_bits.wat"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance.get_typed_func::<f32, ()>(&store, "2").unwrap();
    f.call(&mut store, 0.0).unwrap();
    let g = instance
        .get_global(&mut store, "}")
        .unwrap()
        .get(&mut store);
    assert_eq!(g, wasmbed::Val::I32(-2057));
}

/// fuzz_smoke differential_at_length, seeded case 182265: wasmi 2.0
/// loses a `local.get` pushed before an `if` whose untaken arm sets that
/// local. Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value
/// by hand; the long differential run skips the case.
#[test]
fn local_pushed_before_if_keeps_its_value() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        include_str!("regressions/wasmi_disagrees_if_param_local.wat"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let h = instance.get_func(&store, "H").unwrap();
    let mut results: Vec<wasmbed::Val> = h
        .ty(&store)
        .results()
        .iter()
        .map(|t| wasmbed::Val::default_for(*t).unwrap())
        .collect();
    h.call(
        &mut store,
        &[wasmbed::Val::I64(487_452_691_888_066_299)],
        &mut results,
    )
    .unwrap();
    let g = instance
        .get_global(&mut store, ".\u{1f}#")
        .unwrap()
        .get(&mut store);
    assert_eq!(g, wasmbed::Val::I64(487_452_691_888_066_298));
}

/// fuzz_smoke differential_at_length, seeded case 190589: wasmi 2.0
/// reports a changing value for the i32 global `16` after `"1"(131072)`.
/// Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value by
/// hand; the long differential run skips the case.
#[test]
fn loop_result_from_a_local_matches_wasmtime() {
    use wasmbed::{Global, GlobalType, Mutability, Val, ValType};
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        include_str!("regressions/wasmi_disagrees_loop_result_local.wat"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let zero = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I64,
            mutability: Mutability::Const,
        },
        Val::I64(0),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "", "", zero).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, f32>(&store, "1").unwrap();
    f.call(&mut store, 131_072).unwrap();
    let g = instance
        .get_global(&mut store, "16")
        .unwrap()
        .get(&mut store);
    assert_eq!(g, Val::I32(131_072));
}

/// fuzz_smoke differential_at_length, seeded case 196165: wasmi 2.0
/// miscomputes the i32 global `f` after `"2"`: a local pushed under an
/// `if` with four results. Wasmtime 48 agrees with wasmbed, and the `.wat`
/// traces the value by hand; the long differential run skips the case.
#[test]
fn local_under_if_results_matches_wasmtime() {
    use wasmbed::{Global, GlobalType, Mutability, Val, ValType};
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        include_str!("regressions/wasmi_disagrees_if_results_local.wat"),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    for (module, name, content, zero) in [
        ("K-|c", "o", ValType::I64, Val::I64(0)),
        ("", "", ValType::F32, Val::F32(0)),
    ] {
        let ty = GlobalType {
            content,
            mutability: Mutability::Var,
        };
        let g = Global::new(&mut store, ty, zero).unwrap();
        linker.define(&store, module, name, g).unwrap();
    }
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "2").unwrap();
    let mut results: Vec<Val> = f
        .ty(&store)
        .results()
        .iter()
        .map(|t| Val::default_for(*t).unwrap())
        .collect();
    f.call(&mut store, &[Val::F32(1_532_003_293)], &mut results)
        .unwrap();
    let g = instance
        .get_global(&mut store, "f")
        .unwrap()
        .get(&mut store);
    assert_eq!(g, Val::I32(0));
}
