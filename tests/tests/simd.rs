//! `v128` through the embedding API: arguments and results of `Func::call`
//! and `TypedFunc`, host functions taking and returning vectors, `v128`
//! globals from both sides, and multi-value mixes of `v128` with scalars
//! (each `v128` takes two slots, so the slot layout is what is tested).
//! Each test runs on the interpreter and, on x86-64 hosts, on jit-x64
//! in strict mode (every function compiled), whose calls pass the same
//! slot arrays in place.
use wasmbed::{Engine, Global, GlobalType, Linker, Module, Mutability, Store, Val, ValType, V128};

const WAT: &str = r#"(module
  (import "host" "swap_halves" (func $swap (param v128) (result v128)))
  (import "host" "g" (global $hg (mut v128)))
  (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "add") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1)))
  ;; scalars around vectors: (i32, v128, i64, v128) -> (v128, i32, v128)
  (func (export "mix") (param i32 v128 i64 v128) (result v128 i32 v128)
    (i32x4.replace_lane 0 (local.get 1) (local.get 0))
    (i32.add (local.get 0) (i32.wrap_i64 (local.get 2)))
    (i64x2.replace_lane 1 (local.get 3) (local.get 2)))
  (func (export "via_host") (param v128) (result v128)
    (call $swap (local.get 0)))
  (func (export "bump") (result v128)
    (global.set $g (i32x4.add (global.get $g) (global.get $hg)))
    (global.get $g))
  (func (export "select") (param i32 v128 v128) (result v128)
    (select (local.get 1) (local.get 2) (local.get 0)))
  ;; a v128 carried through block results and a branch
  (func (export "blocks") (param v128 i32) (result v128)
    (block (result v128)
      (local.get 0)
      (br_if 0 (local.get 1))
      (drop)
      (v128.const i64x2 -1 -1)))
  ;; compiled-to-compiled calls with the mixed layout, and a v128 local
  ;; between scalar ones
  (func $inner (param i32 v128 i64 v128) (result v128 i32 v128)
    (i32x4.replace_lane 0 (local.get 1) (local.get 0))
    (i32.add (local.get 0) (i32.wrap_i64 (local.get 2)))
    (i64x2.replace_lane 1 (local.get 3) (local.get 2)))
  (func (export "mix_call") (param i32 v128 i64 v128) (result v128 i32 v128)
    (local f32 v128 i32)
    (local.set 5 (local.get 1))
    (local.set 6 (i32.const 1))
    (local.set 4 (f32.const 2))
    (call $inner (local.get 0) (local.get 5) (local.get 2) (local.get 3)))
  ;; more live vectors than vector registers: some are spilled
  (func (export "pressure") (param v128) (result v128)
    (local.get 0) (local.get 0) (local.get 0) (local.get 0)
    (local.get 0) (local.get 0) (local.get 0) (local.get 0)
    (local.get 0) (local.get 0) (local.get 0) (local.get 0)
    (local.get 0) (local.get 0) (local.get 0) (local.get 0)
    (i32x4.add (i32x4.add (i32x4.add (i32x4.add (local.get 0) (local.get 0))
      (local.get 0)) (local.get 0)) (local.get 0))
    (i32x4.add) (i32x4.add) (i32x4.add) (i32x4.add)
    (i32x4.add) (i32x4.add) (i32x4.add) (i32x4.add)
    (i32x4.add) (i32x4.add) (i32x4.add) (i32x4.add)
    (i32x4.add) (i32x4.add) (i32x4.add) (i32x4.add))
  ;; more float splats (and float lane replacements) than float registers:
  ;; each splat takes a float's bits from its register and must free it
  (func (export "splats") (param f32) (result v128)
    (local v128)
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (local.set 1 (f32x4.add (local.get 1)
      (f32x4.splat (f32.add (local.get 0) (f32.const 1)))))
    (f32x4.replace_lane 3 (local.get 1) (f32.mul (local.get 0) (f32.const 2)))))"#;

fn v(lanes: [u32; 4]) -> V128 {
    let mut bytes = [0u8; 16];
    for (i, l) in lanes.iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&l.to_le_bytes());
    }
    V128::from_le_bytes(bytes)
}

/// The engines every test runs on.
fn engines() -> Vec<Engine> {
    #[allow(unused_mut)]
    let mut engines = vec![Engine::default()];
    #[cfg(target_arch = "x86_64")]
    {
        let mut config = wasmbed::host_config();
        config
            .strategy(wasmbed::Strategy::Jit)
            .strict_backend(true)
            .backend(std::sync::Arc::new(wasmbed::jit_x64::JitX64::new()));
        engines.push(Engine::new(&config));
    }
    engines
}

fn setup(engine: &Engine) -> (Store<()>, wasmbed::Instance, Global) {
    let module = Module::new(engine, WAT).unwrap();
    let mut store = Store::new(engine, ());
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "swap_halves", |x: V128| -> V128 {
            let x = x.as_u128();
            V128::from(x.rotate_left(64))
        })
        .unwrap();
    let hg = Global::new(
        &mut store,
        GlobalType::new(ValType::V128, Mutability::Var),
        Val::V128(v([10, 20, 30, 40])),
    )
    .unwrap();
    linker.define(&store, "host", "g", hg).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance, hg)
}

#[test]
fn v128_arguments_and_results() {
    for engine in engines() {
        arguments_and_results(&engine);
    }
}

fn arguments_and_results(engine: &Engine) {
    let (mut store, instance, _) = setup(engine);
    let add = instance
        .get_typed_func::<(V128, V128), V128>(&store, "add")
        .unwrap();
    let r = add
        .call(&mut store, (v([1, 2, 3, u32::MAX]), v([10, 20, 30, 2])))
        .unwrap();
    assert_eq!(r, v([11, 22, 33, 1]));

    let mix = instance.get_func(&store, "mix").unwrap();
    let mut results = [Val::I32(0), Val::I32(0), Val::I32(0)];
    mix.call(
        &mut store,
        &[
            Val::I32(7),
            Val::V128(v([1, 2, 3, 4])),
            Val::I64(0x1_0000_0005),
            Val::V128(v([5, 6, 7, 8])),
        ],
        &mut results,
    )
    .unwrap();
    assert_eq!(results[0], Val::V128(v([7, 2, 3, 4])));
    assert_eq!(results[1], Val::I32(12));
    assert_eq!(results[2], Val::V128(v([5, 6, 5, 1])));

    // The typed view of the same signature.
    let typed = instance
        .get_typed_func::<(i32, V128, i64, V128), (V128, i32, V128)>(&store, "mix")
        .unwrap();
    let (a, b, c) = typed
        .call(
            &mut store,
            (7, v([1, 2, 3, 4]), 0x1_0000_0005, v([5, 6, 7, 8])),
        )
        .unwrap();
    assert_eq!((a, b, c), (v([7, 2, 3, 4]), 12, v([5, 6, 5, 1])));

    let mix_call = instance
        .get_typed_func::<(i32, V128, i64, V128), (V128, i32, V128)>(&store, "mix_call")
        .unwrap();
    let r = mix_call
        .call(
            &mut store,
            (7, v([1, 2, 3, 4]), 0x1_0000_0005, v([5, 6, 7, 8])),
        )
        .unwrap();
    assert_eq!(r, (v([7, 2, 3, 4]), 12, v([5, 6, 5, 1])));

    let pressure = instance
        .get_typed_func::<V128, V128>(&store, "pressure")
        .unwrap();
    assert_eq!(
        pressure.call(&mut store, v([1, 2, 3, 4])).unwrap(),
        v([21, 42, 63, 84])
    );

    let splats = instance
        .get_typed_func::<f32, V128>(&store, "splats")
        .unwrap();
    let [x, y] = [40f32, 3.0].map(f32::to_bits);
    assert_eq!(splats.call(&mut store, 1.5).unwrap(), v([x, x, x, y]));
}

#[test]
fn v128_through_host_functions_select_and_blocks() {
    for engine in engines() {
        host_functions_select_and_blocks(&engine);
    }
}

fn host_functions_select_and_blocks(engine: &Engine) {
    let (mut store, instance, _) = setup(engine);
    let via_host = instance
        .get_typed_func::<V128, V128>(&store, "via_host")
        .unwrap();
    assert_eq!(
        via_host.call(&mut store, v([1, 2, 3, 4])).unwrap(),
        v([3, 4, 1, 2])
    );
    let select = instance
        .get_typed_func::<(i32, V128, V128), V128>(&store, "select")
        .unwrap();
    let (x, y) = (v([1, 1, 1, 1]), v([2, 2, 2, 2]));
    assert_eq!(select.call(&mut store, (1, x, y)).unwrap(), x);
    assert_eq!(select.call(&mut store, (0, x, y)).unwrap(), y);
    let blocks = instance
        .get_typed_func::<(V128, i32), V128>(&store, "blocks")
        .unwrap();
    assert_eq!(blocks.call(&mut store, (x, 1)).unwrap(), x);
    assert_eq!(blocks.call(&mut store, (x, 0)).unwrap(), v([u32::MAX; 4]));
}

#[test]
fn v128_globals_from_both_sides() {
    for engine in engines() {
        globals_from_both_sides(&engine);
    }
}

fn globals_from_both_sides(engine: &Engine) {
    let (mut store, instance, hg) = setup(engine);
    let bump = instance.get_typed_func::<(), V128>(&store, "bump").unwrap();
    assert_eq!(bump.call(&mut store, ()).unwrap(), v([11, 22, 33, 44]));
    hg.set(&mut store, Val::V128(v([1, 1, 1, 1]))).unwrap();
    assert_eq!(bump.call(&mut store, ()).unwrap(), v([12, 23, 34, 45]));
    let g = instance.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store), Val::V128(v([12, 23, 34, 45])));
    assert_eq!(g.get(&store).v128(), Some(v([12, 23, 34, 45])));
    assert!(g.set(&mut store, Val::I32(1)).is_err());
}
