//! What a host program or a guest must not be able to break: a panicking
//! host function or resource limiter unwinds to the embedder's `call` and
//! leaves the store usable; a reference of another store is an `Error` on
//! every typed and untyped path; host code may grow memory or instantiate
//! modules in the middle of a call; linker shadowing and `get_default`.
#[path = "common/engine.rs"]
mod engine;

use engine::engine;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use wasmbed::{
    Caller, Engine, Error, ErrorKind, Extern, ExternRef, Func, FuncType, Global, GlobalType,
    Instance, Linker, Memory, MemoryType, Module, Mutability, RefType, ResourceLimiter, Store,
    Table, TableType, Val, ValType,
};

// ---- host panics ----

/// `twice(x)` calls `boom(x)` twice in a row; `boom` panics on odd input.
const CALLS_HOST_TWICE: &str = r#"(module
  (import "env" "boom" (func $boom (param i32) (result i32)))
  (func (export "twice") (param i32) (result i32)
    (i32.add (call $boom (local.get 0)) (call $boom (local.get 0))))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))"#;

/// The store's data counts host calls, so a test can tell whether the
/// second call ran.
fn panicking_host(engine: &Engine) -> (Store<u32>, Instance) {
    let module = Module::new(engine, CALLS_HOST_TWICE).unwrap();
    let mut store = Store::new(engine, 0u32);
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "boom",
            |mut caller: Caller<'_, u32>, x: i32| -> i32 {
                *caller.data_mut() += 1;
                if x % 2 != 0 {
                    panic!("boom {x}");
                }
                x
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "<not a string>".to_string()),
    }
}

#[test]
fn host_panic_unwinds_out_of_typed_call_and_the_store_stays_usable() {
    let engine = engine();
    let (mut store, instance) = panicking_host(&engine);
    let twice = instance
        .get_typed_func::<i32, i32>(&store, "twice")
        .unwrap();
    let add = instance
        .get_typed_func::<(i32, i32), i32>(&store, "add")
        .unwrap();

    let caught = catch_unwind(AssertUnwindSafe(|| twice.call(&mut store, 3)));
    let payload = caught.expect_err("the host panic must reach the embedder");
    assert_eq!(panic_message(payload), "boom 3", "the original payload");
    // The documented behaviour: the first panic ends the wasm call, so the
    // second host call in a row never runs.
    assert_eq!(*store.data(), 1);

    // Not poisoned: the same store runs wasm, and the same host function,
    // again.
    assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
    assert_eq!(twice.call(&mut store, 4).unwrap(), 8);
    assert_eq!(*store.data(), 3);
    let again = catch_unwind(AssertUnwindSafe(|| twice.call(&mut store, 5)));
    assert_eq!(panic_message(again.unwrap_err()), "boom 5");
    assert_eq!(*store.data(), 4);
    assert_eq!(twice.call(&mut store, 6).unwrap(), 12);
}

#[test]
fn host_panic_unwinds_out_of_untyped_call() {
    let engine = engine();
    let (mut store, instance) = panicking_host(&engine);
    let twice = instance.get_func(&store, "twice").unwrap();
    let mut out = [Val::I32(0)];
    let caught = catch_unwind(AssertUnwindSafe(|| {
        twice.call(&mut store, &[Val::I32(7)], &mut out)
    }));
    assert_eq!(panic_message(caught.unwrap_err()), "boom 7");
    twice.call(&mut store, &[Val::I32(8)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(16));
}

#[test]
fn host_panic_in_a_nested_call_reaches_the_outermost_caller() {
    // host `outer` calls back into wasm `inner`, which calls the panicking
    // host function: the panic crosses both activations with its payload.
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "outer" (func $outer (param i32) (result i32)))
          (import "env" "boom" (func $boom (param i32) (result i32)))
          (func (export "inner") (param i32) (result i32) (call $boom (local.get 0)))
          (func (export "start") (param i32) (result i32) (call $outer (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "boom", |x: i32| -> i32 {
            assert!(x % 2 == 0, "boom {x}");
            x
        })
        .unwrap()
        .func_wrap(
            "env",
            "outer",
            |mut caller: Caller<'_, u32>, x: i32| -> Result<i32, Error> {
                let inner = caller
                    .get_export("inner")
                    .and_then(Extern::into_func)
                    .ok_or_else(|| Error::msg("no inner"))?;
                let inner = inner.typed::<i32, i32>(&caller)?;
                inner.call(&mut caller, x)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance
        .get_typed_func::<i32, i32>(&store, "start")
        .unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| start.call(&mut store, 1)));
    assert_eq!(panic_message(caught.unwrap_err()), "boom 1");
    assert_eq!(start.call(&mut store, 2).unwrap(), 2);
}

struct PanickingLimiter;

impl ResourceLimiter for PanickingLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _: Option<usize>,
    ) -> Result<bool, Error> {
        assert!(current == 0 || desired < 3 * 65536, "limiter: memory");
        Ok(true)
    }
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _: Option<usize>,
    ) -> Result<bool, Error> {
        assert!(current == 0 || desired < 3, "limiter: table");
        Ok(true)
    }
}

#[test]
fn limiter_panic_during_wasm_grow_unwinds_out_of_call() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
          (memory 1)
          (table 1 funcref)
          (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "grow_table") (param i32) (result i32)
            (table.grow (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, PanickingLimiter);
    store.limiter(|l| l as &mut dyn ResourceLimiter);
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow_memory = instance
        .get_typed_func::<i32, i32>(&store, "grow_memory")
        .unwrap();
    let grow_table = instance
        .get_typed_func::<i32, i32>(&store, "grow_table")
        .unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| grow_memory.call(&mut store, 5)));
    assert_eq!(panic_message(caught.unwrap_err()), "limiter: memory");
    let caught = catch_unwind(AssertUnwindSafe(|| grow_table.call(&mut store, 5)));
    assert_eq!(panic_message(caught.unwrap_err()), "limiter: table");
    // Nothing grew, and smaller requests still work.
    assert_eq!(grow_memory.call(&mut store, 1).unwrap(), 1);
    assert_eq!(grow_table.call(&mut store, 1).unwrap(), 1);
}

#[test]
fn host_panic_in_a_start_function_unwinds_out_of_instantiate() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "boom" (func $boom (param i32) (result i32)))
            (func $start (drop (call $boom (i32.const 9))))
            (start $start))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "boom", |x: i32| -> i32 { panic!("start {x}") })
        .unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| linker.instantiate(&mut store, &module)));
    assert_eq!(panic_message(caught.unwrap_err()), "start 9");
    // The store takes further instances.
    let ok = Module::new(
        &engine,
        r#"(module (func (export "f") (result i32) i32.const 1))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &ok).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 1);
}

// ---- references of another store ----

/// `call_it(f)` stores `f` in its table and calls it through
/// `call_indirect`; `keep(e)` stores an externref in a global and
/// `is_null` reads it back.
const TAKES_REFS: &str = r#"(module
  (type $v (func (result i32)))
  (table $t 1 funcref)
  (global $g (mut externref) (ref.null extern))
  (func (export "call_it") (param funcref) (result i32)
    (table.set $t (i32.const 0) (local.get 0))
    (call_indirect $t (type $v) (i32.const 0)))
  (func (export "keep") (param externref)
    (global.set $g (local.get 0)))
  (func (export "kept_is_null") (result i32)
    (ref.is_null (global.get $g))))"#;

/// A store whose function 0 is a host function the guest was never given
/// (`secret`, counting its calls) and an instance of [`TAKES_REFS`].
fn victim(engine: &Engine) -> (Store<Arc<AtomicU32>>, Instance, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let mut store = Store::new(engine, calls.clone());
    let _secret = Func::wrap(&mut store, |caller: Caller<'_, Arc<AtomicU32>>| -> i32 {
        caller.data().fetch_add(1, Ordering::SeqCst);
        42
    });
    let module = Module::new(engine, TAKES_REFS).unwrap();
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance, calls)
}

fn assert_usage(result: Result<impl std::fmt::Debug, Error>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        matches!(err.kind(), ErrorKind::Usage(_)),
        "{what}: expected a usage error, got {err}"
    );
    assert!(
        err.to_string().contains("another store"),
        "{what}: the message names the cause: {err}"
    );
}

#[test]
fn foreign_func_through_a_typed_parameter_is_an_error() {
    let engine = engine();
    let (mut store, instance, calls) = victim(&engine);
    let mut other = Store::new(&engine, ());
    // Index 0 in the other store: it also names the victim's `secret`.
    let foreign = Func::wrap(&mut other, || -> i32 { 7 });
    let call_it = instance
        .get_typed_func::<Option<Func>, i32>(&store, "call_it")
        .unwrap();
    assert_usage(
        call_it.call(&mut store, Some(foreign)),
        "typed funcref param",
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "secret was never called");
    // The victim's own function works.
    let own = Func::wrap(&mut store, || -> i32 { 5 });
    assert_eq!(call_it.call(&mut store, Some(own)).unwrap(), 5);
}

#[test]
fn foreign_func_through_an_untyped_parameter_is_an_error() {
    let engine = engine();
    let (mut store, instance, calls) = victim(&engine);
    let mut other = Store::new(&engine, ());
    let foreign = Func::wrap(&mut other, || -> i32 { 7 });
    let call_it = instance.get_func(&store, "call_it").unwrap();
    let mut out = [Val::I32(0)];
    assert_usage(
        call_it.call(&mut store, &[Val::FuncRef(Some(foreign))], &mut out),
        "untyped funcref param",
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn foreign_externref_through_typed_and_untyped_parameters_is_an_error() {
    let engine = engine();
    let (mut store, instance, _) = victim(&engine);
    let mut other = Store::new(&engine, ());
    let foreign = ExternRef::new(&mut other, "not yours");
    let keep = instance
        .get_typed_func::<Option<ExternRef>, ()>(&store, "keep")
        .unwrap();
    assert_usage(
        keep.call(&mut store, Some(foreign)),
        "typed externref param",
    );
    let untyped = instance.get_func(&store, "keep").unwrap();
    assert_usage(
        untyped.call(&mut store, &[Val::ExternRef(Some(foreign))], &mut []),
        "untyped externref param",
    );
    let kept_is_null = instance
        .get_typed_func::<(), i32>(&store, "kept_is_null")
        .unwrap();
    assert_eq!(kept_is_null.call(&mut store, ()).unwrap(), 1);
    let own = ExternRef::new(&mut store, "mine");
    keep.call(&mut store, Some(own)).unwrap();
    assert_eq!(kept_is_null.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn foreign_references_returned_by_host_functions_are_errors() {
    let engine = engine();
    let mut other = Store::new(&engine, ());
    let foreign_func = Func::wrap(&mut other, || -> i32 { 7 });
    let foreign_ref = ExternRef::new(&mut other, 1u8);
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "typed_func" (func $tf (result funcref)))
          (import "env" "typed_ref" (func $tr (result externref)))
          (import "env" "dynamic_func" (func $df (result funcref)))
          (func (export "tf") (result i32) (ref.is_null (call $tf)))
          (func (export "tr") (result i32) (ref.is_null (call $tr)))
          (func (export "df") (result i32) (ref.is_null (call $df))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "typed_func", move || Some(foreign_func))
        .unwrap()
        .func_wrap("env", "typed_ref", move || Some(foreign_ref))
        .unwrap()
        .func_new(
            "env",
            "dynamic_func",
            FuncType::new([], [ValType::FuncRef]),
            move |_, _, results| {
                results[0] = Val::FuncRef(Some(foreign_func));
                Ok(())
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    for name in ["tf", "tr", "df"] {
        let f = instance.get_typed_func::<(), i32>(&store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert!(
            err.to_string().contains("another store"),
            "{name}: the error names the cause: {err}"
        );
    }
}

#[test]
fn foreign_handles_in_fallible_operations_are_errors() {
    let engine = engine();
    let (mut store, instance, _) = victim(&engine);
    let mut other = Store::new(&engine, ());
    let module = Module::new(&engine, TAKES_REFS).unwrap();
    let other_instance = Linker::new(&engine)
        .instantiate(&mut other, &module)
        .unwrap();
    let other_func = other_instance.get_func(&other, "kept_is_null").unwrap();
    let other_ref = ExternRef::new(&mut other, 0u8);
    let other_memory = Memory::new(&mut other, MemoryType::new(1, None)).unwrap();
    let other_global = Global::new(
        &mut other,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(1),
    )
    .unwrap();
    let other_table = Table::new(
        &mut other,
        TableType::new(RefType::FuncRef, 1, None),
        Val::FuncRef(None),
    )
    .unwrap();

    // Calling a function of another store.
    assert_usage(
        other_func.call(&mut store, &[], &mut [Val::I32(0)]),
        "untyped call of a foreign function",
    );
    assert_usage(
        other_func.typed::<(), i32>(&store),
        "typed view in the wrong store",
    );
    let typed = other_func.typed::<(), i32>(&other).unwrap();
    assert_usage(typed.call(&mut store, ()), "typed call in the wrong store");

    // Memories, globals and tables of another store.
    assert_usage(other_memory.grow(&mut store, 1), "memory.grow");
    assert_usage(
        other_memory.write(&mut store, 0, &[1]),
        "memory write in the wrong store",
    );
    assert_usage(
        other_memory.read(&mut store, 0, &mut [0]),
        "memory read in the wrong store",
    );
    assert_usage(other_global.set(&mut store, Val::I32(2)), "global.set");
    assert_usage(
        other_table.set(&mut store, 0, Val::FuncRef(None)),
        "table.set",
    );
    assert_usage(
        other_table.grow(&mut store, 1, Val::FuncRef(None)),
        "table.grow",
    );

    // References of another store stored through this store's handles.
    let own_table = Table::new(
        &mut store,
        TableType::new(RefType::FuncRef, 1, None),
        Val::FuncRef(None),
    )
    .unwrap();
    assert_usage(
        own_table.set(&mut store, 0, Val::FuncRef(Some(other_func))),
        "table.set of a foreign funcref",
    );
    assert_usage(
        own_table.grow(&mut store, 1, Val::FuncRef(Some(other_func))),
        "table.grow with a foreign funcref",
    );
    assert_eq!(own_table.size(&store), 1, "a refused grow grows nothing");
    assert_usage(
        Table::new(
            &mut store,
            TableType::new(RefType::FuncRef, 1, None),
            Val::FuncRef(Some(other_func)),
        ),
        "Table::new with a foreign funcref",
    );
    let own_global = Global::new(
        &mut store,
        GlobalType::new(ValType::ExternRef, Mutability::Var),
        Val::ExternRef(None),
    )
    .unwrap();
    assert_usage(
        own_global.set(&mut store, Val::ExternRef(Some(other_ref))),
        "global.set of a foreign externref",
    );
    assert_usage(
        Global::new(
            &mut store,
            GlobalType::new(ValType::ExternRef, Mutability::Const),
            Val::ExternRef(Some(other_ref)),
        ),
        "Global::new with a foreign externref",
    );

    // Linking and instantiating with another store's objects.
    let mut linker = Linker::<Arc<AtomicU32>>::new(&engine);
    assert_usage(
        linker.define(&store, "m", "f", other_func).map(|_| ()),
        "Linker::define",
    );
    assert_usage(
        linker.instance(&store, "m", other_instance).map(|_| ()),
        "Linker::instance",
    );
    let importer =
        Module::new(&engine, r#"(module (import "m" "f" (func (result i32))))"#).unwrap();
    assert_usage(
        Instance::new(&mut store, &importer, &[Extern::Func(other_func)]),
        "Instance::new with a foreign import",
    );
    // The victim is untouched.
    let kept_is_null = instance
        .get_typed_func::<(), i32>(&store, "kept_is_null")
        .unwrap();
    assert_eq!(kept_is_null.call(&mut store, ()).unwrap(), 1);
}

// ---- host code that changes the store during a call ----

#[test]
fn host_function_growing_memory_mid_call_is_seen_by_the_caller() {
    // The executor caches the memory's base and length; a host call may
    // grow (and, with the alloc-only backing, move) the memory, so the
    // caller must reload both before its next access.
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "grow" (func $grow (param i32)))
          (memory (export "memory") 1)
          (func (export "run") (result i32)
            (i32.store (i32.const 65532) (i32.const 11))
            (call $grow (i32.const 4))
            ;; a page that exists only after the host grew the memory
            (i32.store (i32.const 300000) (i32.const 31))
            (i32.add (i32.load (i32.const 65532)) (i32.load (i32.const 300000)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "grow",
            |mut caller: Caller<'_, ()>, pages: i32| -> Result<(), Error> {
                let memory = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .ok_or_else(|| Error::msg("no memory"))?;
                memory.grow(&mut caller, pages as u64)?;
                // Host writes land in the new bytes too.
                memory.write(&mut caller, 4 * 65536, &[9])?;
                Ok(())
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 42);
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(memory.size(&store), 5);
    assert_eq!(memory.data(&store)[4 * 65536], 9);
}

#[test]
fn host_function_instantiating_a_module_mid_call() {
    // Instantiation pushes to the store's instance, function, memory and
    // global lists (which may reallocate) while the caller's frame is live.
    let engine = engine();
    let child = Module::new(
        &engine,
        r#"(module
          (memory (export "memory") 2)
          (global (export "g") (mut i32) (i32.const 5))
          (func (export "triple") (param i32) (result i32)
            (i32.mul (local.get 0) (i32.const 3))))"#,
    )
    .unwrap();
    let parent = Module::new(
        &engine,
        r#"(module
          (import "env" "spawn" (func $spawn (param i32) (result i32)))
          (memory (export "memory") 1)
          (global $acc (mut i32) (i32.const 0))
          (func (export "run") (param i32) (result i32) (local i32)
            (i32.store (i32.const 8) (i32.const 100))
            (local.set 1 (i32.const 0))
            (loop $again
              (global.set $acc (i32.add (global.get $acc) (call $spawn (local.get 1))))
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br_if $again (i32.lt_u (local.get 1) (local.get 0))))
            (i32.add (global.get $acc) (i32.load (i32.const 8)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<Instance>::new());
    let mut linker = Linker::new(&engine);
    let child2 = child.clone();
    linker
        .func_wrap(
            "env",
            "spawn",
            move |mut caller: Caller<'_, Vec<Instance>>, x: i32| -> Result<i32, Error> {
                let engine = caller.engine().clone();
                let instance = Linker::new(&engine).instantiate(&mut caller, &child2)?;
                caller.data_mut().push(instance);
                let triple = instance.get_typed_func::<i32, i32>(&caller, "triple")?;
                triple.call(&mut caller, x)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &parent).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    // 3 * (0 + 1 + ... + 39) + 100
    assert_eq!(run.call(&mut store, 40).unwrap(), 3 * 780 + 100);
    assert_eq!(store.data().len(), 40);
    let last = *store.data().last().unwrap();
    let g = last.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store), Val::I32(5));
}

// ---- linker ----

#[test]
fn linker_refuses_duplicates_unless_shadowing_is_allowed() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "f" (func $f (result i32)))
            (func (export "g") (result i32) (call $f)))"#,
    )
    .unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker.func_wrap("env", "f", || -> i32 { 1 }).unwrap();
    let err = linker
        .func_wrap("env", "f", || -> i32 { 2 })
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
    assert!(err.to_string().contains("env::f"), "{err}");

    let mut store = Store::new(&engine, ());
    let call_g = |linker: &Linker<()>, store: &mut Store<()>| -> i32 {
        let instance = linker.instantiate(&mut *store, &module).unwrap();
        let g = instance.get_typed_func::<(), i32>(&*store, "g").unwrap();
        g.call(&mut *store, ()).unwrap()
    };
    assert_eq!(call_g(&linker, &mut store), 1, "the first definition stays");

    linker.allow_shadowing(true);
    linker.func_wrap("env", "f", || -> i32 { 2 }).unwrap();
    assert_eq!(call_g(&linker, &mut store), 2, "the later definition wins");
    // Shadowing with a store object of another type is allowed too; the
    // type check happens at instantiation.
    let g = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Const),
        Val::I32(0),
    )
    .unwrap();
    linker.define(&store, "env", "f", g).unwrap();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
}

#[test]
fn get_default_finds_the_unnamed_export_then_start() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    let both = Module::new(
        &engine,
        r#"(module (global $ran (export "ran") (mut i32) (i32.const 0))
            (func (export "_start") (global.set $ran (i32.const 1)))
            (func (export "") (global.set $ran (i32.const 2))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &both).unwrap();
    linker.instance(&store, "both", instance).unwrap();
    let f = linker.get_default(&mut store, "both").unwrap();
    // Found, not run.
    let ran = instance.get_global(&store, "ran").unwrap();
    assert_eq!(ran.get(&store), Val::I32(0));
    f.call(&mut store, &[], &mut []).unwrap();
    assert_eq!(ran.get(&store), Val::I32(2), "`\"\"` comes first");

    let start_only = Module::new(
        &engine,
        r#"(module (global $ran (export "ran") (mut i32) (i32.const 0))
            (func (export "_start") (global.set $ran (i32.const 1))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &start_only).unwrap();
    linker.instance(&store, "start_only", instance).unwrap();
    let f = linker.get_default(&mut store, "start_only").unwrap();
    f.call(&mut store, &[], &mut []).unwrap();
    let ran = instance.get_global(&store, "ran").unwrap();
    assert_eq!(ran.get(&store), Val::I32(1));

    // No default export: a function that does nothing, as in wasmtime.
    let f = linker.get_default(&mut store, "nothing_here").unwrap();
    assert!(f.ty(&store).params().is_empty() && f.ty(&store).results().is_empty());
    f.call(&mut store, &[], &mut []).unwrap();

    // A default that is not a function is an error, not a panic.
    let memory_only = Module::new(&engine, r#"(module (memory (export "") 1))"#).unwrap();
    let instance = linker.instantiate(&mut store, &memory_only).unwrap();
    linker.instance(&store, "memory_only", instance).unwrap();
    let err = linker.get_default(&mut store, "memory_only").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
}
