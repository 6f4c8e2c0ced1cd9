//! The facade on the host platform: `host_config()` picks the platform crate
//! by `cfg`, and wasm runs on its guarded memories exactly as on the core's
//! alloc-only ones. The memory spec scripts on these memories run in
//! `wasmbed-cli` (cli/tests/host_spec.rs), which owns the script runner.
use wasmbed::{host_config, host_engine, Engine, Linker, Module, Store, TrapCode};

#[test]
fn host_config_installs_the_platform_of_this_target() {
    let config = host_config();
    let hosted = cfg!(any(unix, windows));
    assert_eq!(config.get_clock().is_some(), hosted);
    assert_eq!(config.get_executable().is_some(), hosted);
    // The core's defaults stay alloc-only everywhere.
    assert!(wasmbed::Config::new().get_clock().is_none());
}

const MEMORY_WAT: &str = r#"(module
  (memory (export "mem") 1 3)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;

fn memory_program(engine: &Engine) {
    let module = Module::new(engine, MEMORY_WAT).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    let stor = instance
        .get_typed_func::<(i32, i32), ()>(&store, "store")
        .unwrap();
    stor.call(&mut store, (65535, 7)).unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(load.call(&mut store, 65535).unwrap(), 7, "contents kept");
    assert_eq!(
        load.call(&mut store, 3 * 65536 - 1).unwrap(),
        0,
        "new pages zero"
    );
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "past the maximum");
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);
    // Out of bounds is a trap (the interpreter checks), not a fault.
    let err = load.call(&mut store, 3 * 65536).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
}

#[test]
fn wasm_memories_work_on_the_host_platform() {
    memory_program(&host_engine());
}

#[cfg(any(unix, windows))]
#[test]
fn wasm_memories_work_with_small_reservations() {
    use std::sync::Arc;
    use wasmbed::host_platform::{GuardedMemoryCreator, MemoryConfig};
    let mut config = host_config();
    config.memory_creator(Arc::new(GuardedMemoryCreator::new(MemoryConfig::small())));
    memory_program(&Engine::new(&config));
}

#[test]
fn many_live_memories_fit_in_the_address_space() {
    // Spec scripts keep hundreds of instances alive; each full reservation
    // takes 6 GiB of address space (and no memory until used).
    let engine = host_engine();
    let module = Module::new(&engine, "(module (memory 1))").unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    for _ in 0..256 {
        linker.instantiate(&mut store, &module).unwrap();
    }
}
