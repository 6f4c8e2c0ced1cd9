//! The embedding API end to end: typed and dynamic calls, host functions
//! with `Caller`, memories, globals, tables, traps with backtraces, and the
//! errors bad input must produce instead of panics.
#[path = "common/engine.rs"]
mod engine;

use engine::{config, engine};
use wasmbed::{
    Caller, Engine, Error, ErrorKind, Extern, Func, FuncType, Global, GlobalType, Linker, Memory,
    MemoryType, Module, Mutability, Store, TrapCode, Val, ValType,
};

fn instantiate(wat: &str) -> (Store<()>, wasmbed::Instance) {
    let mut config = config();
    if cfg!(miri) {
        // Overflowing the default 100,000 frames takes minutes under Miri;
        // the trap path is the same at any depth, and no test here goes
        // deeper than a few dozen calls.
        config.max_call_depth(2_000);
    }
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).expect("module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))"#;

#[test]
fn typed_call_runs_recursive_fib() {
    let (mut store, instance) = instantiate(FIB);
    let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
}

#[test]
fn dynamic_call_checks_argument_types() {
    let (mut store, instance) = instantiate(FIB);
    let fib = instance.get_func(&store, "fib").unwrap();
    let mut out = [Val::I32(0)];
    fib.call(&mut store, &[Val::I32(10)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(55));
    let err = fib.call(&mut store, &[Val::I64(10)], &mut out).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Usage(_)), "{err}");
    assert!(instance.get_typed_func::<i64, i32>(&store, "fib").is_err());
}

#[test]
fn loop_sums_with_locals() {
    let (mut store, instance) = instantiate(
        r#"(module (func (export "sum") (param $n i32) (result i64) (local $acc i64)
            (block $done (loop $next
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $next)))
            (local.get $acc)))"#,
    );
    let sum = instance.get_typed_func::<i32, i64>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 100_000).unwrap(), 5_000_050_000);
}

#[test]
fn host_functions_see_caller_memory_and_data() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "log" (func $log (param i32 i32)))
            (import "env" "twice" (func $twice (param i64) (result i64)))
            (memory (export "memory") 1)
            (data (i32.const 16) "hello")
            (func (export "go") (result i64)
              (call $log (i32.const 16) (i32.const 5))
              (call $twice (i64.const 21))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "log",
            |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| -> Result<(), Error> {
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .ok_or_else(|| Error::msg("no memory"))?;
                let mut buf = vec![0; len as usize];
                mem.read(&mut caller, ptr as usize, &mut buf)?;
                let text = String::from_utf8_lossy(&buf).into_owned();
                caller.data_mut().push(text);
                Ok(())
            },
        )
        .unwrap()
        .func_wrap("env", "twice", |x: i64| x * 2)
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let go = instance.get_typed_func::<(), i64>(&store, "go").unwrap();
    assert_eq!(go.call(&mut store, ()).unwrap(), 42);
    assert_eq!(store.data(), &["hello".to_string()]);
}

#[test]
fn host_error_propagates_and_downcasts() {
    #[derive(Debug)]
    struct Exit(i32);
    impl std::fmt::Display for Exit {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "exit {}", self.0)
        }
    }
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "exit" (func $exit (param i32)))
            (func (export "_start") (call $exit (i32.const 3)) unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "exit", |code: i32| -> Result<(), Error> {
            Err(Error::host(Exit(code)))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance.get_func(&store, "_start").unwrap();
    let err = start.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.downcast_ref::<Exit>().map(|e| e.0), Some(3));
}

#[test]
fn traps_carry_code_and_backtrace() {
    let (mut store, instance) = instantiate(
        r#"(module (memory 1)
            (func $inner (param i32) (result i32) (i32.load (local.get 0)))
            (func (export "outer") (result i32) (call $inner (i32.const 65536))))"#,
    );
    let f = instance.get_func(&store, "outer").unwrap();
    let mut out = [Val::I32(0)];
    let err = f.call(&mut store, &[], &mut out).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    let trap = err.as_trap().unwrap();
    let frames: Vec<u32> = trap.backtrace().iter().map(|f| f.func_index).collect();
    assert_eq!(frames, vec![0, 1]);
    assert!(err.to_string().contains("out of bounds memory access"));
    assert!(trap.backtrace()[0].func_name.as_deref() == Some("inner"));
}

#[test]
fn runaway_recursion_is_a_stack_overflow_trap() {
    let (mut store, instance) = instantiate(r#"(module (func $f (export "f") (call $f)))"#);
    let f = instance.get_func(&store, "f").unwrap();
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    // The call that did not fit shows in its caller, at the call, whichever
    // tier refused it: every recorded frame is `f` at its one call.
    let frames = err.as_trap().unwrap().backtrace();
    assert!(frames.len() > 1, "{err}");
    assert!(
        frames
            .iter()
            .all(|fr| fr.func_index == 0 && fr.offset == frames[0].offset),
        "{err}"
    );
    // The store stays usable afterwards.
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn host_to_wasm_reentry_is_bounded() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "again" (func $again))
            (func (export "f") (call $again)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<Func>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "again", |mut caller: Caller<'_, Option<Func>>| {
            let f = caller.data().expect("set before the call");
            f.call(&mut caller, &[], &mut [])
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    *store.data_mut() = Some(f);
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn imports_of_memory_and_globals_link_by_type() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, Some(2))).unwrap();
    let counter = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(41),
    )
    .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "h" "mem" (memory 1)) (import "h" "g" (global $g (mut i32)))
            (func (export "bump") (result i32)
              (global.set $g (i32.add (global.get $g) (i32.const 1)))
              (i32.store (i32.const 8) (global.get $g))
              (memory.grow (i32.const 1))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "h", "mem", memory).unwrap();
    linker.define(&store, "h", "g", counter).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let bump = instance.get_typed_func::<(), i32>(&store, "bump").unwrap();
    assert_eq!(bump.call(&mut store, ()).unwrap(), 1);
    assert_eq!(counter.get(&store), Val::I32(42));
    assert_eq!(memory.data(&store)[8], 42);
    assert_eq!(memory.size(&store), 2);
    // Past the maximum, memory.grow answers -1.
    assert_eq!(bump.call(&mut store, ()).unwrap(), -1);

    let wrong = Module::new(&engine, r#"(module (import "h" "g" (global i64)))"#).unwrap();
    let err = linker.instantiate(&mut store, &wrong).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
    let missing = Module::new(&engine, r#"(module (import "x" "y" (func)))"#).unwrap();
    let err = linker.instantiate(&mut store, &missing).unwrap_err();
    assert!(err.to_string().contains("unknown import"), "{err}");
}

#[test]
fn malformed_and_invalid_modules_are_errors_with_offsets() {
    let engine = engine();
    for bytes in [
        &b"\0asm\x02\0\0\0"[..],
        &b"\0asm\x01\0\0\0\x01\x05"[..],
        &b"garbage"[..],
        &[][..],
    ] {
        let err = wasmbed::Module::from_binary(&engine, bytes).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidModule { .. }),
            "{err}"
        );
    }
    let err = Module::new(&engine, "(module (func (result i32) (i64.const 0)))").unwrap_err();
    match err.kind() {
        ErrorKind::InvalidModule { message, offset } => {
            assert!(message.contains("type mismatch"), "{message}");
            assert!(*offset > 8);
        }
        _ => panic!("unexpected {err}"),
    }
}

#[test]
fn dynamic_host_function_and_func_new() {
    let engine = engine();
    let mut store = Store::new(&engine, 0u32);
    let add = Func::new(
        &mut store,
        FuncType::new([ValType::I32, ValType::I32], [ValType::I32]),
        |mut caller, params, results| {
            *caller.data_mut() += 1;
            results[0] = Val::I32(params[0].i32().unwrap() + params[1].i32().unwrap());
            Ok(())
        },
    );
    let module = Module::new(
        &engine,
        r#"(module (import "m" "add" (func $add (param i32 i32) (result i32)))
            (func (export "f") (result i32) (call $add (i32.const 2) (i32.const 40))))"#,
    )
    .unwrap();
    let instance = wasmbed::Instance::new(&mut store, &module, &[add.into()]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 42);
    assert_eq!(*store.data(), 1);
}

#[test]
fn engine_module_are_send_sync_and_store_is_send() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Engine>();
    send_sync::<Module>();
    send::<Store<()>>();
}

#[test]
fn long_loops_run_in_constant_host_stack() {
    // In optimised builds every op tail-calls the next; if that ever stopped
    // being a jump, ten million iterations would overflow this small stack.
    // Miri (loop dispatch, every op interpreted) checks the loop's memory
    // accesses instead, on fewer iterations: ten million would take hours.
    const ITERATIONS: i32 = if cfg!(miri) { 10_000 } else { 10_000_000 };
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let (mut store, instance) = instantiate(
                r#"(module (func (export "spin") (param $n i32) (result i32) (local $x i32)
                    (loop $l
                      (local.set $x (i32.add (local.get $x) (i32.const 3)))
                      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                    (local.get $x)))"#,
            );
            let spin = instance.get_typed_func::<i32, i32>(&store, "spin").unwrap();
            spin.call(&mut store, ITERATIONS).unwrap()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 3 * ITERATIONS);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a million interpreted iterations take hours under Miri; the flat stack is a release-build property"
)]
fn table_grow_loops_run_in_constant_host_stack() {
    // `table.grow` asks the store's limiter, a call; kept out of line, the
    // handler still dispatches by a jump (inlined, it did not: a loop like
    // this one grew the host stack by a frame per iteration).
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let (mut store, instance) = instantiate(
                r#"(module (table 0 funcref)
                    (func (export "spin") (param $n i32) (result i32) (local $sum i32)
                      (loop $l
                        (local.set $sum (i32.add (local.get $sum)
                          (table.grow (ref.null func) (i32.const 0))))
                        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                      (local.get $sum)))"#,
            );
            let spin = instance.get_typed_func::<i32, i32>(&store, "spin").unwrap();
            spin.call(&mut store, 1_000_000).unwrap()
        })
        .unwrap();
    // Growing by 0 returns the old size, 0, every time.
    assert_eq!(handle.join().unwrap(), 0);
}

/// One table as both source and destination of `table.copy` (overlapping,
/// both directions), and `elem.drop`/`data.drop` followed by `table.init`/
/// `memory.init`: the ops whose handlers write tables and instance state,
/// here so that the Miri run of this file checks their pointer use.
#[test]
fn table_copy_within_one_table_and_dropped_segments() {
    let (mut store, instance) = instantiate(
        r#"(module
            (type $r (func (result i32)))
            (table $t 8 funcref)
            (memory 1)
            (func $f0 (result i32) (i32.const 10))
            (func $f1 (result i32) (i32.const 11))
            (func $f2 (result i32) (i32.const 12))
            (func $f3 (result i32) (i32.const 13))
            (elem $e func $f0 $f1 $f2 $f3)
            (data $d "\01\02\03\04")
            (func (export "table_init") (param $d i32) (param $s i32) (param $n i32)
              (table.init $t $e (local.get $d) (local.get $s) (local.get $n)))
            (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
              (table.copy $t $t (local.get $d) (local.get $s) (local.get $n)))
            ;; the function at `i` as its result, or -1 for null
            (func (export "at") (param $i i32) (result i32)
              (if (result i32) (ref.is_null (table.get $t (local.get $i)))
                (then (i32.const -1))
                (else (call_indirect $t (type $r) (local.get $i)))))
            (func (export "elem_drop") (elem.drop $e))
            (func (export "memory_init") (param $d i32) (param $s i32) (param $n i32)
              (memory.init $d (local.get $d) (local.get $s) (local.get $n)))
            (func (export "data_drop") (data.drop $d))
            (func (export "load") (result i32) (i32.load (i32.const 0))))"#,
    );
    let table_init = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "table_init")
        .unwrap();
    let copy = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "copy")
        .unwrap();
    let at = instance.get_typed_func::<i32, i32>(&store, "at").unwrap();
    let elem_drop = instance
        .get_typed_func::<(), ()>(&store, "elem_drop")
        .unwrap();
    let memory_init = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "memory_init")
        .unwrap();
    let data_drop = instance
        .get_typed_func::<(), ()>(&store, "data_drop")
        .unwrap();
    let load = instance.get_typed_func::<(), i32>(&store, "load").unwrap();
    let table = |store: &mut Store<()>| -> Vec<i32> {
        (0..8).map(|i| at.call(&mut *store, i).unwrap()).collect()
    };

    table_init.call(&mut store, (0, 0, 4)).unwrap();
    assert_eq!(table(&mut store), [10, 11, 12, 13, -1, -1, -1, -1]);
    // Destination above the source: copied from the end backwards.
    copy.call(&mut store, (2, 0, 4)).unwrap();
    assert_eq!(table(&mut store), [10, 11, 10, 11, 12, 13, -1, -1]);
    // Destination below the source: copied from the start forwards.
    copy.call(&mut store, (0, 1, 5)).unwrap();
    assert_eq!(table(&mut store), [11, 10, 11, 12, 13, 13, -1, -1]);
    copy.call(&mut store, (0, 0, 8)).unwrap();
    assert_eq!(table(&mut store), [11, 10, 11, 12, 13, 13, -1, -1]);
    // Out of bounds: a trap, and nothing is written.
    let err = copy.call(&mut store, (7, 0, 2)).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::TableOutOfBounds));
    assert_eq!(table(&mut store), [11, 10, 11, 12, 13, 13, -1, -1]);

    // A dropped element segment is empty: only a zero-length init fits.
    elem_drop.call(&mut store, ()).unwrap();
    elem_drop.call(&mut store, ()).unwrap();
    table_init.call(&mut store, (0, 0, 0)).unwrap();
    let err = table_init.call(&mut store, (0, 0, 1)).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::TableOutOfBounds));
    assert_eq!(table(&mut store), [11, 10, 11, 12, 13, 13, -1, -1]);

    // The same for data segments and memory.
    memory_init.call(&mut store, (0, 0, 4)).unwrap();
    assert_eq!(load.call(&mut store, ()).unwrap(), 0x0403_0201);
    data_drop.call(&mut store, ()).unwrap();
    data_drop.call(&mut store, ()).unwrap();
    memory_init.call(&mut store, (0, 0, 0)).unwrap();
    let err = memory_init.call(&mut store, (0, 1, 1)).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(load.call(&mut store, ()).unwrap(), 0x0403_0201);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "parses, validates and translates a 40,000-local function: over 5 minutes under Miri"
)]
fn functions_too_large_for_the_interpreter_are_errors_not_panics() {
    let locals = "i32 ".repeat(40_000);
    let wat = format!(r#"(module (func (export "f") (local {locals})) (func (export "g")))"#);
    // Lazily translated (the default): the module loads, the other
    // function runs, and calling the huge one reports why it cannot run.
    // About the interpreter's translator, so on the interpreter whatever
    // engine the other tests run on.
    let engine = Engine::default();
    let module = Module::new(&engine, &wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let g = instance.get_func(&store, "g").unwrap();
    g.call(&mut store, &[], &mut []).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("too large"), "{err}");
    // Translated eagerly, the same module is rejected up front.
    let mut config = wasmbed::Config::new();
    config.lazy_translation(false);
    let err = Module::new(&Engine::new(&config), &wat).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
}

/// Eager translation validates and translates each body in one pass; a
/// function too large for the interpreter must not hide that the module
/// is invalid, whether the invalid code follows in the same body or in a
/// later one.
#[test]
#[cfg_attr(
    miri,
    ignore = "parses, validates and translates 40,000-local functions: over 5 minutes under Miri"
)]
fn invalid_code_after_a_too_large_function_is_still_invalid() {
    let locals = "i32 ".repeat(40_000);
    let mut config = wasmbed::Config::new();
    config
        .lazy_translation(false)
        .strategy(wasmbed::Strategy::Interpreter);
    let engine = Engine::new(&config);
    for wat in [
        // The invalid op is in the too-large body, after its locals.
        format!(r#"(module (func (local {locals}) i32.add drop))"#),
        // The invalid body follows the too-large one.
        format!(r#"(module (func (local {locals})) (func (result i32)))"#),
        // Too large in operand-stack slots rather than locals, then an
        // invalid body.
        format!(
            r#"(module (func {}) (func i64.const 0 i32.eqz drop))"#,
            "i32.const 1 ".repeat(20_000) + &"drop ".repeat(20_000)
        ),
    ] {
        let err = Module::new(&engine, &wat).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidModule { .. }),
            "{err}"
        );
    }
    // Valid after all: the limit is what is reported.
    let wat = format!(
        r#"(module (func {}) (func (result i32) i32.const 7))"#,
        "i32.const 1 ".repeat(20_000) + &"drop ".repeat(20_000)
    );
    let err = Module::new(&engine, &wat).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("too large"), "{err}");
}

#[test]
fn memory_and_host_data_borrow_together() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "take" (func $take (param i32 i32)))
            (memory (export "memory") 1) (data (i32.const 8) "abc")
            (func (export "go") (call $take (i32.const 8) (i32.const 3))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<u8>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "take",
            |mut caller: Caller<'_, Vec<u8>>, ptr: i32, len: i32| {
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .unwrap();
                let (bytes, data) =
                    mem.data_and_store_mut(wasmbed::AsContextMut::as_context_mut(&mut caller));
                data.extend_from_slice(&bytes[ptr as usize..(ptr + len) as usize]);
                bytes[ptr as usize] = b'z';
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let go = instance.get_typed_func::<(), ()>(&store, "go").unwrap();
    go.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), b"abc");
    let mem = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(&mem.data(&store)[8..11], b"zbc");
}

/// Signatures are interned per engine and cached per store in sorted
/// indexes: modules that declare them in other orders, twice over, and
/// after a host function, all see the right type on every export, and
/// `call_indirect` tells them apart.
#[test]
fn signatures_declared_in_any_order_keep_their_types() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let host = Func::wrap(&mut store, |x: i64| x);
    let a = Module::new(
        &engine,
        r#"(module
          (type $ff (func (param f32) (result f32)))
          (type $ii (func (param i32) (result i32)))
          (type $ff2 (func (param f32) (result f32)))
          (type $v (func))
          (func (export "ff") (type $ff) local.get 0)
          (func (export "ii") (type $ii) local.get 0)
          (func (export "ff2") (type $ff2) local.get 0)
          (func (export "v") (type $v)))"#,
    )
    .unwrap();
    let b = Module::new(
        &engine,
        r#"(module
          (type $v (func))
          (type $il (func (param i64) (result i64)))
          (type $ii (func (param i32) (result i32)))
          (table 2 funcref)
          (elem (i32.const 0) $sq $v)
          (func $sq (export "sq") (type $ii) (i32.mul (local.get 0) (local.get 0)))
          (func $v (export "v") (type $v))
          (func (export "il") (type $il) local.get 0)
          (func (export "pick") (param i32 i32) (result i32)
            (call_indirect (type $ii) (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let linker = Linker::new(&engine);
    let ia = linker.instantiate(&mut store, &a).unwrap();
    let ib = linker.instantiate(&mut store, &b).unwrap();
    let f32_f32 = FuncType::new([ValType::F32], [ValType::F32]);
    let i32_i32 = FuncType::new([ValType::I32], [ValType::I32]);
    let i64_i64 = FuncType::new([ValType::I64], [ValType::I64]);
    let none = FuncType::new([], []);
    let ty = |store: &Store<()>, i: wasmbed::Instance, name: &str| {
        i.get_func(store, name).unwrap().ty(store)
    };
    assert_eq!(ty(&store, ia, "ff"), f32_f32);
    assert_eq!(ty(&store, ia, "ff2"), f32_f32);
    assert_eq!(ty(&store, ia, "ii"), i32_i32);
    assert_eq!(ty(&store, ia, "v"), none);
    assert_eq!(ty(&store, ib, "sq"), i32_i32);
    assert_eq!(ty(&store, ib, "v"), none);
    assert_eq!(ty(&store, ib, "il"), i64_i64);
    assert_eq!(host.ty(&store), i64_i64);
    let pick = ib
        .get_typed_func::<(i32, i32), i32>(&store, "pick")
        .unwrap();
    assert_eq!(pick.call(&mut store, (7, 0)).unwrap(), 49);
    let err = pick.call(&mut store, (7, 1)).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::BadSignature), "{err}");
}
