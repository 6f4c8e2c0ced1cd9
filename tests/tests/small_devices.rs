//! What a small device relies on: memories with 1-byte pages (the
//! custom-page-sizes proposal) through the embedding API, and interpreter
//! stacks limited below the default starting size.
use wasmbed::{Config, Engine, Linker, Memory, MemoryType, Module, Store, TrapCode};

const SMALL: &str = r#"(module
  (memory (export "mem") 5 8 (pagesize 1))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;

fn engine_with_custom_pages() -> Engine {
    let mut config = Config::new();
    config.custom_page_sizes(true);
    Engine::new(&config)
}

#[test]
fn custom_page_sizes_need_the_switch() {
    let Err(err) = Module::new(&Engine::default(), SMALL) else {
        panic!("a 1-byte page accepted without the switch");
    };
    assert!(err.to_string().contains("page size"), "{err}");
    Module::new(&engine_with_custom_pages(), SMALL).expect("accepted with the switch");
}

#[test]
fn one_byte_pages_size_grow_and_bounds() {
    let engine = engine_with_custom_pages();
    let module = Module::new(&engine, SMALL).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    let mem = instance.get_memory(&store, "mem").unwrap();

    assert_eq!(size.call(&mut store, ()).unwrap(), 5);
    assert_eq!(mem.data_size(&store), 5);
    assert_eq!(
        mem.ty(&store),
        MemoryType::new(5, Some(8)).with_page_size_log2(0)
    );
    assert_eq!(load.call(&mut store, 4).unwrap(), 0);
    let err = load.call(&mut store, 5).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));

    assert_eq!(grow.call(&mut store, 3).unwrap(), 5);
    assert_eq!(mem.size(&store), 8);
    assert_eq!(mem.data_size(&store), 8);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "past the maximum");
    assert!(mem.grow(&mut store, 1).is_err());
}

#[test]
fn memories_of_one_byte_pages_from_the_host() {
    let engine = engine_with_custom_pages();
    let mut store = Store::new(&engine, ());
    let ty = MemoryType::new(3, Some(10)).with_page_size_log2(0);
    let mem = Memory::new(&mut store, ty).unwrap();
    assert_eq!((mem.size(&store), mem.data_size(&store)), (3, 3));
    assert_eq!(mem.grow(&mut store, 7).unwrap(), 3);
    assert_eq!(mem.data_size(&store), 10);
    assert!(Memory::new(&mut store, MemoryType::new(0, None).with_page_size_log2(3)).is_err());

    // An import must have the page size it declares.
    let mut linker = Linker::new(&engine);
    linker.define(&store, "env", "mem", mem).unwrap();
    let wants_big = Module::new(&engine, r#"(module (import "env" "mem" (memory 1)))"#).unwrap();
    let Err(err) = linker.instantiate(&mut store, &wants_big) else {
        panic!("linked a memory of another page size");
    };
    assert!(
        err.to_string().contains("incompatible import type"),
        "{err}"
    );
    let wants_small = Module::new(
        &engine,
        r#"(module (import "env" "mem" (memory 1 (pagesize 1))))"#,
    )
    .unwrap();
    linker.instantiate(&mut store, &wants_small).unwrap();
}

#[test]
fn value_stack_below_the_default_start() {
    // The stack starts at 1,024 slots unless the limit is lower.
    let mut config = Config::new();
    config.max_value_stack(100);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module (func $deep (export "deep") (param $n i32) (result i32)
            (if (result i32) (i32.eqz (local.get $n))
              (then (i32.const 0))
              (else (i32.add (i32.const 1)
                (call $deep (i32.sub (local.get $n) (i32.const 1))))))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
    assert_eq!(deep.call(&mut store, 5).unwrap(), 5);
    let err = deep.call(&mut store, 1000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert_eq!(
        deep.call(&mut store, 5).unwrap(),
        5,
        "usable after the overflow"
    );
}
