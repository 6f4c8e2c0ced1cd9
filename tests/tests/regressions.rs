//! Regression tests for what the fuzzers (`fuzz/`, see
//! `wasmbed_tests::fuzzing`) found: each a minimised module in
//! `tests/regressions/` and the check it failed.
use wasmbed::{Engine, Global, GlobalType, Linker, Module, Mutability, Store, Val};

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

/// A case where wasmi 2.0 and wasmbed disagree (the long differential run
/// skips it): instantiates `module` with `globals` for its imports (module,
/// name, value, mutable), makes `calls` in order (export, arguments, and
/// whether it traps; no arguments given stands for each parameter's
/// default value), and returns the global exported as `global`.
fn global_after(
    module: impl AsRef<[u8]>,
    globals: &[(&str, &str, Val, bool)],
    calls: &[(&str, &[Val], bool)],
    global: &str,
) -> Val {
    let engine = Engine::default();
    let module = Module::new(&engine, module).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    for (module, name, value, mutable) in globals {
        let ty = GlobalType {
            content: value.ty(),
            mutability: if *mutable {
                Mutability::Var
            } else {
                Mutability::Const
            },
        };
        let g = Global::new(&mut store, ty, *value).unwrap();
        linker.define(&store, module, name, g).unwrap();
    }
    let instance = linker.instantiate(&mut store, &module).unwrap();
    for (name, args, traps) in calls {
        let f = instance.get_func(&store, name).unwrap();
        let ty = f.ty(&store);
        let defaults = |types: &[wasmbed::ValType]| -> Vec<Val> {
            types
                .iter()
                .map(|t| Val::default_for(*t).unwrap())
                .collect()
        };
        let args = if args.is_empty() {
            defaults(ty.params())
        } else {
            args.to_vec()
        };
        let mut results = defaults(ty.results());
        let outcome = f.call(&mut store, &args, &mut results);
        assert_eq!(outcome.is_err(), *traps, "{name}: {outcome:?}");
    }
    instance
        .get_global(&mut store, global)
        .unwrap()
        .get(&mut store)
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
    let g = global_after(
        include_bytes!("regressions/wasmi_disagrees_global_xor.wasm"),
        &[],
        &[
            ("=_", &[], false),
            ("", &[], false),
            ("2", &[], true),
            ("3", &[], false),
        ],
        "?",
    );
    assert_eq!(g, Val::I64(8_554_286_685_773_375_982));
}

/// fuzz_smoke differential_at_length, seeded case 171980: wasmi 2.0
/// reports another value for the i32 global `}` after export `2`.
/// Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value by
/// hand; the long differential run skips the case.
#[test]
fn f32_bits_xor_matches_wasmtime() {
    let g = global_after(
        include_str!("regressions/wasmi_disagrees_f32_bits.wat"),
        &[],
        &[("2", &[Val::F32(0)], false)],
        "}",
    );
    assert_eq!(g, Val::I32(-2057));
}

/// fuzz_smoke differential_at_length, seeded case 182265: wasmi 2.0
/// loses a `local.get` pushed before an `if` whose untaken arm sets that
/// local. Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value
/// by hand; the long differential run skips the case.
#[test]
fn local_pushed_before_if_keeps_its_value() {
    let g = global_after(
        include_str!("regressions/wasmi_disagrees_if_param_local.wat"),
        &[],
        &[("H", &[Val::I64(487_452_691_888_066_299)], false)],
        ".\u{1f}#",
    );
    assert_eq!(g, Val::I64(487_452_691_888_066_298));
}

/// fuzz_smoke differential_at_length, seeded case 190589: wasmi 2.0
/// reports a changing value for the i32 global `16` after `"1"(131072)`.
/// Wasmtime 48 agrees with wasmbed, and the `.wat` traces the value by
/// hand; the long differential run skips the case.
#[test]
fn loop_result_from_a_local_matches_wasmtime() {
    let g = global_after(
        include_str!("regressions/wasmi_disagrees_loop_result_local.wat"),
        &[("", "", Val::I64(0), false)],
        &[("1", &[Val::I32(131_072)], false)],
        "16",
    );
    assert_eq!(g, Val::I32(131_072));
}

/// fuzz_smoke differential_at_length, seeded case 196165: wasmi 2.0
/// miscomputes the i32 global `f` after `"2"`: a local pushed under an
/// `if` with four results. Wasmtime 48 agrees with wasmbed, and the `.wat`
/// traces the value by hand; the long differential run skips the case.
#[test]
fn local_under_if_results_matches_wasmtime() {
    let g = global_after(
        include_str!("regressions/wasmi_disagrees_if_results_local.wat"),
        &[
            ("K-|c", "o", Val::I64(0), true),
            ("", "", Val::F32(0), true),
        ],
        &[("2", &[Val::F32(1_532_003_293)], false)],
        "f",
    );
    assert_eq!(g, Val::I32(0));
}
