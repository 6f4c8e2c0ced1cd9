//! Execution control: fuel, interruption, deadlines, stack and resource
//! limits each stop runaway guests with the right trap or answer, the store
//! stays usable afterwards, and many stores run concurrently.
#[path = "common/engine.rs"]
mod engine;

use engine::{config, engine};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmbed::platform::Clock;
use wasmbed::{
    Caller, Config, Engine, Error, ErrorKind, Linker, Module, ResourceLimiter, Store, TrapCode,
};

const SPIN: &str = r#"(module
  (func (export "forever") (loop $l (br $l)))
  (func (export "forever_table") (param $i i32)
    (block $out (loop $l (br_table $l $l $out (local.get $i)))))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1))))))))"#;

struct StdClock(Instant);

impl Clock for StdClock {
    fn monotonic_nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
    fn wall_nanos(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    }
}

fn setup<T: 'static>(config: &Config, data: T) -> (Store<T>, wasmbed::Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, SPIN).unwrap();
    let mut store = Store::new(&engine, data);
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

#[test]
fn fuel_stops_an_infinite_loop_and_refuelling_continues() {
    let mut config = config();
    config.consume_fuel(true);
    let (mut store, instance) = setup(&config, ());
    store.set_fuel(10_000).unwrap();
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    let err = forever.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{err}");
    assert!(store.get_fuel().unwrap() < 10);

    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    assert_eq!(
        count.call(&mut store, 100).unwrap_err().trap_code(),
        Some(TrapCode::OutOfFuel)
    );
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let used = 1_000_000 - store.get_fuel().unwrap();
    // About six instructions per iteration: charged per block, not per op.
    assert!((500..1_000).contains(&used), "used {used}");
}

#[test]
fn host_functions_can_refuel_a_running_guest() {
    let mut config = config();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module (import "env" "refuel" (func $refuel))
            (func (export "run") (param $n i32) (result i32) (local $i i32)
              (block $done (loop $l
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 100))) (then (call $refuel)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))
              (local.get $i)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "refuel",
            |mut caller: Caller<'_, u32>| -> Result<(), Error> {
                *caller.data_mut() += 1;
                caller.set_fuel(5_000)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    store.set_fuel(5_000).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    // 100k iterations need far more than 5,000 fuel, but the host keeps
    // topping it up.
    assert_eq!(run.call(&mut store, 100_000).unwrap(), 100_000);
    assert_eq!(*store.data(), 1_000);
}

#[test]
fn fuel_and_interruption_must_be_enabled() {
    let (mut store, _) = setup(&config(), ());
    let err = store.set_fuel(1).unwrap_err();
    assert!(err.to_string().contains("consume_fuel(true)"), "{err}");
    assert!(store.interrupt_handle().is_err());
    assert!(store.set_deadline(Duration::from_secs(1)).is_err());
}

#[test]
fn interrupt_handle_stops_a_guest_from_another_thread() {
    let mut config = config();
    config.interruptible(true);
    let (mut store, instance) = setup(&config, ());
    let handle = store.interrupt_handle().unwrap();
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let err = forever.call(&mut store, ()).unwrap_err();
    t.join().unwrap();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    // The flag is consumed: the store runs normally afterwards.
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
}

/// A loop whose back-edge is a `br_table` entry polls and meters like any
/// other.
#[test]
fn br_table_back_edges_are_interrupted_and_metered() {
    let mut interp = config();
    interp.strategy(wasmbed::Strategy::Interpreter);
    for base in [config(), interp] {
        let mut config = base.clone();
        config.interruptible(true);
        let (mut store, instance) = setup(&config, ());
        let handle = store.interrupt_handle().unwrap();
        let spin = instance
            .get_typed_func::<i32, ()>(&store, "forever_table")
            .unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            handle.interrupt();
        });
        let err = spin.call(&mut store, 1).unwrap_err();
        t.join().unwrap();
        assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
        // The default entry leaves the loop.
        spin.call(&mut store, 2).unwrap();

        let mut config = base;
        config.consume_fuel(true);
        let (mut store, instance) = setup(&config, ());
        store.set_fuel(10_000).unwrap();
        let spin = instance
            .get_typed_func::<i32, ()>(&store, "forever_table")
            .unwrap();
        let err = spin.call(&mut store, 0).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
        store.set_fuel(10_000).unwrap();
        spin.call(&mut store, 7).unwrap();
    }
}

#[test]
fn deadline_stops_a_guest() {
    let mut config = config();
    config
        .interruptible(true)
        .clock(Arc::new(StdClock(Instant::now())));
    let (mut store, instance) = setup(&config, ());
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    // The deadline counts from `set_deadline`, so the lower bound is
    // measured from just before it (under qemu the gap between the two
    // calls was enough for the guest to stop 'early' by the later start).
    let start = Instant::now();
    store.set_deadline(Duration::from_millis(30)).unwrap();
    let err = forever.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert!(start.elapsed() < Duration::from_secs(10));
    store.clear_deadline();
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 10).unwrap(), 10);
}

#[test]
fn deadline_without_a_clock_is_an_error() {
    // `Config::new()` whatever the engine under test: the host platform
    // brings a clock, and this is about having none.
    let mut config = Config::new();
    config.interruptible(true);
    let (mut store, _) = setup(&config, ());
    let err = store.set_deadline(Duration::from_secs(1)).unwrap_err();
    assert!(err.to_string().contains("clock"), "{err}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a million interpreted calls take hours under Miri; call_depth_and_value_stack_limits_trap covers the frame stack"
)]
fn million_deep_recursion_keeps_the_host_stack_flat() {
    // The interpreter's own property (compiled frames live on the host
    // stack, bounded by `max_native_stack`).
    let mut config = Config::new();
    config.max_call_depth(2_000_000).max_value_stack(16 << 20);
    // A small host stack: the guest's depth must not reach it.
    let result = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let (mut store, instance) = setup(&config, ());
            let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
            deep.call(&mut store, 1_000_000)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result.unwrap(), 1_000_000);
}

#[test]
fn call_depth_and_value_stack_limits_trap() {
    // Both limits are the interpreter's (compiled code is bounded by
    // `max_native_stack` instead).
    let mut config = Config::new();
    config.max_call_depth(1000);
    let (mut store, instance) = setup(&config, ());
    let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
    assert_eq!(deep.call(&mut store, 900).unwrap(), 900);
    let err = deep.call(&mut store, 5000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));

    let mut config = Config::new();
    config.max_value_stack(4096);
    let (mut store, instance) = setup(&config, ());
    let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
    let err = deep.call(&mut store, 100_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    // Backtraces of deep recursion stay usable: every frame is counted,
    // the innermost and outermost are kept.
    let trap = err.as_trap().unwrap();
    assert!(trap.backtrace_depth() > 100);
    assert_eq!(trap.backtrace().len(), 150);
}

struct PageLimit {
    max_bytes: usize,
    denied: usize,
    max_instances: usize,
}

impl ResourceLimiter for PageLimit {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool, Error> {
        let ok = desired <= self.max_bytes;
        if !ok {
            self.denied += 1;
        }
        Ok(ok)
    }
    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool, Error> {
        Ok(desired <= 100)
    }
    fn instances(&self) -> usize {
        self.max_instances
    }
}

#[test]
fn resource_limiter_bounds_runaway_memory_grow() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 1)
            (table 1 funcref)
            (func (export "grow_all") (result i32) (local $pages i32)
              (block $done (loop $l
                (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                (local.set $pages (i32.add (local.get $pages) (i32.const 1)))
                (br $l)))
              (local.get $pages))
            (func (export "grow_table") (param i32) (result i32)
              (table.grow (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(
        &engine,
        PageLimit {
            max_bytes: 8 * 65536,
            denied: 0,
            max_instances: 1,
        },
    );
    store.limiter(|l| l as &mut dyn ResourceLimiter);
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let grow_all = instance
        .get_typed_func::<(), i32>(&store, "grow_all")
        .unwrap();
    // From 1 page to the limiter's 8, then memory.grow answers -1.
    assert_eq!(grow_all.call(&mut store, ()).unwrap(), 7);
    assert_eq!(store.data().denied, 1);
    let memory = instance.get_memory(&store, "m").unwrap();
    assert_eq!(memory.size(&store), 8);
    assert!(memory.grow(&mut store, 1).is_err());

    let grow_table = instance
        .get_typed_func::<i32, i32>(&store, "grow_table")
        .unwrap();
    assert_eq!(grow_table.call(&mut store, 50).unwrap(), 1);
    assert_eq!(grow_table.call(&mut store, 50).unwrap(), -1);

    // The limiter allows one instance.
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Instantiation(_)), "{err}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "grows alloc-backed memory to 16 pages (1 MiB), copied on every grow: minutes under Miri; resource_limiter_bounds_runaway_memory_grow covers memory.grow"
)]
fn unlimited_memory_grow_stops_at_the_declared_maximum() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (memory 0 16)
            (func (export "grow_all") (result i32) (local $pages i32)
              (block $done (loop $l
                (br_if $done (i32.eq (memory.grow (i32.const 3)) (i32.const -1)))
                (local.set $pages (i32.add (local.get $pages) (i32.const 3)))
                (br $l)))
              (local.get $pages)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance
        .get_typed_func::<(), i32>(&store, "grow_all")
        .unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 15);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "8 threads x 20 rounds of spinning guests take hours under Miri"
)]
fn many_stores_run_concurrently_while_some_are_interrupted() {
    let mut config = config();
    config.interruptible(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, SPIN).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..8 {
        let (engine, module, tx) = (engine.clone(), module.clone(), tx.clone());
        workers.push(std::thread::spawn(move || {
            let mut results = Vec::new();
            for round in 0..20 {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, &module)
                    .unwrap();
                if i % 2 == 0 && round % 5 == 0 {
                    // This one spins until the interrupter thread stops it.
                    tx.send(store.interrupt_handle().unwrap()).unwrap();
                    let f = instance
                        .get_typed_func::<(), ()>(&store, "forever")
                        .unwrap();
                    results.push(f.call(&mut store, ()).unwrap_err().trap_code());
                } else {
                    let f = instance
                        .get_typed_func::<i32, i32>(&store, "count")
                        .unwrap();
                    assert_eq!(f.call(&mut store, 10_000).unwrap(), 10_000);
                }
            }
            results
        }));
    }
    drop(tx);
    let stopper = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            for handle in rx {
                std::thread::sleep(Duration::from_millis(5));
                handle.interrupt();
            }
            stop.store(true, Ordering::SeqCst);
        })
    };
    let mut interrupted = 0;
    for w in workers {
        for code in w.join().unwrap() {
            assert_eq!(code, Some(TrapCode::Interrupt));
            interrupted += 1;
        }
    }
    stopper.join().unwrap();
    assert!(stop.load(Ordering::SeqCst));
    assert_eq!(interrupted, 16);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "writes its module to the host's temp dir (Miri's isolation forbids file access) and runs on the host platform's mmap'd memories"
)]
fn cli_fuel_and_timeout_stop_a_spinning_program() {
    use wasmbed_cli::limits::LimitArgs;
    use wasmbed_cli::run::{main, RunArgs};
    let dir = std::env::temp_dir().join(format!("wasmbed-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let module = dir.join("spin.wat");
    std::fs::write(
        &module,
        r#"(module (func (export "_start") (loop $l (br $l))))"#,
    )
    .unwrap();
    let run = |limits: LimitArgs| {
        main(&RunArgs {
            module: module.clone(),
            limits,
            ..RunArgs::default()
        })
    };
    let fuel = LimitArgs {
        fuel: Some(10_000),
        ..LimitArgs::default()
    };
    assert_eq!(run(fuel), 134);
    let start = Instant::now();
    let timeout = LimitArgs {
        wasm: vec!["timeout=100ms".to_string()],
        ..LimitArgs::default()
    };
    assert_eq!(run(timeout), 134);
    assert!(start.elapsed() < Duration::from_secs(10));
    std::fs::remove_dir_all(&dir).unwrap();
}
