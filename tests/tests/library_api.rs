//! The library API as an embedder coming from wasmtime uses it: errors that
//! compose with `?` and carry context, typed functions without a store type
//! parameter, memory access through any context, `Linker::module` for
//! commands and reactors, `InstancePre`, a resource limiter that can fail
//! and that guards host-created memories and tables, and epoch deadlines.
#[path = "common/engine.rs"]
mod engine;

use engine::{config, engine};
use std::error::Error as StdError;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmbed::{
    bail, ensure, format_err, Caller, Context, Engine, Error, ErrorKind, Linker, Memory,
    MemoryType, Module, ResourceLimiter, Result, Store, Table, TableType, Trap, TrapCode, Val,
};

// ---- errors ----

#[test]
fn question_mark_converts_std_errors_inside_host_functions() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "parse", |x: i32| -> Result<i32> {
            let n: i32 = if x == 0 { "12" } else { "twelve" }.parse()?;
            Ok(n)
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "parse" (func $p (param i32) (result i32)))
            (func (export "run") (param i32) (result i32) (call $p (local.get 0))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 0).unwrap(), 12);
    let err = run.call(&mut store, 1).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Host(_)), "{err:?}");
    let parse = err
        .downcast_ref::<std::num::ParseIntError>()
        .expect("the ParseIntError comes back out");
    assert_eq!(parse.to_string(), err.to_string());
    assert!(err.to_string().contains("invalid digit"), "{err}");
}

#[test]
fn host_functions_may_return_results_of_any_error_type() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let f = wasmbed::Func::wrap(&mut store, |x: i32| -> std::io::Result<i32> {
        if x < 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "negative",
            ));
        }
        Ok(x * 2)
    });
    let typed = f.typed::<i32, i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, 21).unwrap(), 42);
    let err = typed.call(&mut store, -1).unwrap_err();
    let io = err.downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
}

#[test]
fn context_keeps_the_kind_and_builds_a_chain() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(&engine, r#"(module (func (export "boom") unreachable))"#).unwrap();
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let boom = instance.get_typed_func::<(), ()>(&store, "boom").unwrap();
    let err = boom
        .call(&mut store, ())
        .context("running the plugin")
        .with_context(|| format!("request {}", 7))
        .unwrap_err();
    // What went wrong is still matchable under the context.
    assert!(matches!(err.kind(), ErrorKind::Trap(_)));
    assert_eq!(err.trap_code(), Some(TrapCode::Unreachable));
    assert_eq!(err.downcast_ref::<TrapCode>(), Some(&TrapCode::Unreachable));
    assert_eq!(
        err.downcast_ref::<Trap>().map(Trap::code),
        Some(TrapCode::Unreachable)
    );
    assert_eq!(err.downcast_ref::<&str>(), Some(&"running the plugin"));
    // `{}` is the outermost message, `{:#}` the chain, `Debug` lists causes.
    assert_eq!(err.to_string(), "request 7");
    let full = format!("{err:#}");
    assert!(
        full.starts_with("request 7: running the plugin: wasm trap: unreachable"),
        "{full}"
    );
    let debug = format!("{err:?}");
    assert!(debug.contains("Caused by:") && debug.contains("running the plugin"));
    let messages: Vec<String> = err.chain().map(|e| e.to_string()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[1], "running the plugin");
    assert!(err
        .root_cause()
        .to_string()
        .starts_with("wasm trap: unreachable"));
    assert_eq!(err.source().unwrap().to_string(), "running the plugin");

    let missing: Option<u32> = None;
    let err = missing.context("no such export").unwrap_err();
    assert_eq!(err.to_string(), "no such export");
}

#[test]
fn std_error_sources_stay_in_the_chain() {
    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("loading the config")
        }
    }
    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }
    let err = Error::from(Outer(std::io::Error::other("disk on fire")));
    assert_eq!(format!("{err:#}"), "loading the config: disk on fire");
    assert_eq!(err.root_cause().to_string(), "disk on fire");
}

#[test]
fn errors_box_into_std_errors_and_come_back() {
    fn app() -> std::result::Result<(), Box<dyn StdError + Send + Sync>> {
        let engine = engine();
        Module::new(&engine, b"\0asm\x02\0\0\0")?;
        Ok(())
    }
    let boxed = app().unwrap_err();
    assert!(boxed.to_string().contains("invalid module"), "{boxed}");
    let back = Error::from_boxed(boxed);
    assert!(matches!(back.kind(), ErrorKind::InvalidModule { .. }));

    // A foreign boxed error is kept as a host error.
    let foreign: Box<dyn StdError + Send + Sync> = "plain".into();
    let err = Error::from_boxed(foreign);
    assert!(matches!(err.kind(), ErrorKind::Host(_)));
    assert_eq!(err.to_string(), "plain");

    fn plain_box() -> std::result::Result<(), Box<dyn StdError>> {
        Err(format_err!("status {}", 3))?;
        Ok(())
    }
    assert_eq!(plain_box().unwrap_err().to_string(), "status 3");
}

#[test]
fn bail_ensure_and_format_err() {
    fn check(n: u32) -> Result<u32> {
        ensure!(n != 0);
        ensure!(n < 10, "too many: {n}");
        if n == 7 {
            bail!("seven is {}", "unlucky");
        }
        if n == 8 {
            return Err(format_err!("eight"));
        }
        Ok(n)
    }
    assert_eq!(check(3).unwrap(), 3);
    assert_eq!(
        check(0).unwrap_err().to_string(),
        "condition failed: `n != 0`"
    );
    assert_eq!(check(12).unwrap_err().to_string(), "too many: 12");
    assert_eq!(check(7).unwrap_err().to_string(), "seven is unlucky");
    assert_eq!(check(8).unwrap_err().to_string(), "eight");
    let err = check(7).unwrap_err();
    assert!(err.is::<String>());
    assert_eq!(err.downcast::<String>().unwrap(), "seven is unlucky");
}

// ---- store contexts ----

#[test]
fn memory_is_read_through_the_caller_and_shared_store_borrows() {
    let engine = engine();
    let mut store = Store::new(&engine, String::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "log",
            |mut caller: Caller<'_, String>, ptr: i32, len: i32| -> Result<()> {
                let memory = caller
                    .get_export("memory")
                    .and_then(|e| e.into_memory())
                    .context("the guest exports no memory")?;
                let bytes = memory
                    .data(&caller)
                    .get(ptr as usize..)
                    .and_then(|s| s.get(..len as usize))
                    .context("string out of bounds")?;
                let text = std::str::from_utf8(bytes)?.to_owned();
                caller.data_mut().push_str(&text);
                Ok(())
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "log" (func $log (param i32 i32)))
            (memory (export "memory") 1)
            (data (i32.const 8) "hello")
            (func (export "run") (call $log (i32.const 8) (i32.const 5))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    instance
        .get_typed_func::<(), ()>(&store, "run")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    assert_eq!(store.data(), "hello");
    let memory = instance.get_memory(&store, "memory").unwrap();
    let mut buf = [0u8; 5];
    // Reading needs only a shared borrow.
    let shared: &Store<String> = &store;
    memory.read(shared, 8, &mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    // wasmtime code often passes `&mut store`; that must compile too.
    #[allow(clippy::unnecessary_mut_passed)]
    let bytes = memory.data(&mut store);
    assert_eq!(&bytes[8..13], b"hello");
    let err = memory.read(&store, 65534, &mut buf).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
}

// ---- linking ----

const COUNTER: &str = r#"(module
    (global $n (mut i32) (i32.const 0))
    (func (export "_start"))
    (func (export "count") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n)))"#;

const REACTOR: &str = r#"(module
    (global $n (mut i32) (i32.const 0))
    (func (export "_initialize") (global.set $n (i32.const 10)))
    (func (export "count") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n)))"#;

const USER: &str = r#"(module
    (import "lib" "count" (func $count (result i32)))
    (func (export "twice") (result i32)
      (drop (call $count))
      (call $count)))"#;

#[test]
fn linker_module_gives_commands_a_fresh_instance_per_call() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let command = Module::new(&engine, COUNTER).unwrap();
    linker.module(&mut store, "lib", &command).unwrap();
    let user = Module::new(&engine, USER).unwrap();
    let instance = linker.instantiate(&mut store, &user).unwrap();
    let twice = instance.get_typed_func::<(), i32>(&store, "twice").unwrap();
    // Each call of `count` ran in a new instance, so the counter restarts.
    assert_eq!(twice.call(&mut store, ()).unwrap(), 1);
    assert_eq!(twice.call(&mut store, ()).unwrap(), 1);
    // The command's default export is `_start`, found without running it.
    let start = linker.get_default(&mut store, "lib").unwrap();
    start.call(&mut store, &[], &mut []).unwrap();
}

#[test]
fn linker_module_instantiates_reactors_once_after_initialize() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let reactor = Module::new(&engine, REACTOR).unwrap();
    linker.module(&mut store, "lib", &reactor).unwrap();
    let user = Module::new(&engine, USER).unwrap();
    let instance = linker.instantiate(&mut store, &user).unwrap();
    let twice = instance.get_typed_func::<(), i32>(&store, "twice").unwrap();
    // `_initialize` set 10; the one instance keeps counting.
    assert_eq!(twice.call(&mut store, ()).unwrap(), 12);
    assert_eq!(twice.call(&mut store, ()).unwrap(), 14);
}

#[test]
fn instance_pre_instantiates_in_many_stores() {
    let engine = engine();
    let calls = Arc::new(AtomicU32::new(0));
    let mut linker = Linker::<u32>::new(&engine);
    let seen = calls.clone();
    linker
        .func_wrap("host", "hit", move |mut caller: Caller<'_, u32>| {
            seen.fetch_add(1, Ordering::Relaxed);
            *caller.data_mut() += 1;
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "hit" (func $hit)) (start $hit)
            (func (export "again") (call $hit)))"#,
    )
    .unwrap();
    let pre = linker.instantiate_pre(&module).unwrap();
    for i in 0..3 {
        let mut store = Store::new(&engine, 0u32);
        let instance = pre.clone().instantiate(&mut store).unwrap();
        let again = instance.get_typed_func::<(), ()>(&store, "again").unwrap();
        for _ in 0..i {
            again.call(&mut store, ()).unwrap();
        }
        assert_eq!(*store.data(), 1 + i, "the start function ran once");
    }
    assert_eq!(calls.load(Ordering::Relaxed), 1 + 2 + 3);
    // Unknown imports fail when resolved, before any store is involved.
    let orphan = Module::new(&engine, r#"(module (import "nope" "f" (func)))"#).unwrap();
    let err = linker.instantiate_pre(&orphan).err().unwrap();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
    assert!(err.to_string().contains("nope::f"), "{err}");
}

// ---- resource limiter ----

#[derive(Default)]
struct Quota {
    max_bytes: usize,
    max_elements: usize,
    max_memories: usize,
    fail_with_error: bool,
}

impl ResourceLimiter for Quota {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _: Option<usize>,
    ) -> Result<bool> {
        if self.fail_with_error && desired > self.max_bytes {
            bail!("memory quota of {} bytes exceeded", self.max_bytes);
        }
        Ok(desired <= self.max_bytes)
    }
    fn table_growing(&mut self, _current: usize, desired: usize, _: Option<usize>) -> Result<bool> {
        Ok(desired <= self.max_elements)
    }
    fn memories(&self) -> usize {
        self.max_memories
    }
}

fn quota_store(engine: &Engine, quota: Quota) -> Store<Quota> {
    let mut store = Store::new(engine, quota);
    store.limiter(|q| q);
    store
}

#[test]
fn a_limiter_error_stops_the_guest_with_that_error() {
    let engine = engine();
    let quota = Quota {
        max_bytes: 2 * 65536,
        max_elements: 10,
        max_memories: 10,
        fail_with_error: true,
    };
    let mut store = quota_store(&engine, quota);
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    let err = grow.call(&mut store, 1).unwrap_err();
    assert_eq!(err.to_string(), "memory quota of 131072 bytes exceeded");
    assert!(matches!(err.kind(), ErrorKind::Host(_)));
    // The store stays usable.
    assert_eq!(grow.call(&mut store, 0).unwrap(), 2);
}

#[test]
fn host_created_memories_and_tables_ask_the_limiter() {
    let engine = engine();
    let quota = Quota {
        max_bytes: 65536,
        max_elements: 4,
        max_memories: 1,
        fail_with_error: false,
    };
    let mut store = quota_store(&engine, quota);
    let err = Memory::new(&mut store, MemoryType::new(2, None)).unwrap_err();
    assert!(err.to_string().contains("denied a memory"), "{err}");
    let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    assert_eq!(memory.size(&store), 1);
    // Growing it from the host is denied too.
    assert!(memory.grow(&mut store, 1).is_err());
    // One memory is all the quota allows.
    let err = Memory::new(&mut store, MemoryType::new(0, None)).unwrap_err();
    assert!(err.to_string().contains("allows 1 memories"), "{err}");

    let ty = TableType::new(wasmbed::RefType::FuncRef, 8, None);
    let err = Table::new(&mut store, ty, Val::FuncRef(None)).unwrap_err();
    assert!(err.to_string().contains("denied a table of 8"), "{err}");
    let ty = TableType::new(wasmbed::RefType::FuncRef, 4, None);
    let table = Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
    assert_eq!(table.size(&store), 4);
}

// ---- epoch deadlines ----

const SPIN: &str = r#"(module (func (export "spin") (loop $l (br $l))))"#;

#[test]
fn an_epoch_deadline_stops_a_runaway_guest() {
    let mut config = config();
    config.epoch_interruption(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, SPIN).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();

    // A deadline already reached stops the guest at its first check.
    store.set_epoch_deadline(0).unwrap();
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));

    // One tick from another thread ends the loop.
    store.set_epoch_deadline(1).unwrap();
    let ticker = engine.clone();
    let tick = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        ticker.increment_epoch();
    });
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    tick.join().unwrap();

    // Without the checks compiled in, an epoch deadline is a usage error.
    let plain = engine::engine();
    let mut store = Store::new(&plain, ());
    let err = store.set_epoch_deadline(1).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Usage(_)), "{err}");
}
