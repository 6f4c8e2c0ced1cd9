//! `v128` through the embedding API: arguments and results of `Func::call`
//! and `TypedFunc`, host functions taking and returning vectors, `v128`
//! globals from both sides, and multi-value mixes of `v128` with scalars
//! (each `v128` takes two slots, so the slot layout is what is tested).
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
      (v128.const i64x2 -1 -1))))"#;

fn v(lanes: [u32; 4]) -> V128 {
    let mut bytes = [0u8; 16];
    for (i, l) in lanes.iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&l.to_le_bytes());
    }
    V128::from_le_bytes(bytes)
}

fn setup() -> (Store<()>, wasmbed::Instance, Global) {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
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
    let (mut store, instance, _) = setup();
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
}

#[test]
fn v128_through_host_functions_select_and_blocks() {
    let (mut store, instance, _) = setup();
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
    let (mut store, instance, hg) = setup();
    let bump = instance.get_typed_func::<(), V128>(&store, "bump").unwrap();
    assert_eq!(bump.call(&mut store, ()).unwrap(), v([11, 22, 33, 44]));
    hg.set(&mut store, Val::V128(v([1, 1, 1, 1]))).unwrap();
    assert_eq!(bump.call(&mut store, ()).unwrap(), v([12, 23, 34, 45]));
    let g = instance.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store), Val::V128(v([12, 23, 34, 45])));
    assert_eq!(g.get(&store).v128(), Some(v([12, 23, 34, 45])));
    assert!(g.set(&mut store, Val::I32(1)).is_err());
}
