//! The call path of issue 16 (`core/src/func/call.rs`, the interpreter's
//! array-call entry and its foreign calls): nested activations continue the
//! store's one value stack instead of allocating their own, an outer
//! activation's frame survives a nested one that reallocates that stack,
//! and function references reach the same function whichever way a call
//! takes (import, table, another instance, the embedder).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wasmbed::{Caller, Engine, Func, Linker, Module, Store, TypedFunc};

/// Counts the bytes each thread allocates, so tests running beside the
/// measured one do not disturb its count.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: a thread being torn down has no counter left.
    let _ = ALLOCATED.try_with(|c| c.set(c.get() + bytes));
}

fn allocated() -> usize {
    ALLOCATED.with(Cell::get)
}

// SAFETY: forwards to the system allocator unchanged; the counter is a
// const-initialised thread-local cell, which allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller's promise for `GlobalAlloc::alloc` is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `outer` calls the host, which calls `inner` back: one nested activation
/// per call. Before the shared value stack, each nested activation
/// allocated and zeroed a value stack of its own (8 KiB at least).
#[test]
fn host_reentry_continues_the_shared_value_stack() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "back" (func $back (param i32) (result i32)))
            (func (export "inner") (param i32) (result i32)
              (i32.mul (local.get 0) (i32.const 3)))
            (func (export "outer") (param i32) (result i32)
              (i32.add (call $back (local.get 0)) (i32.const 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<TypedFunc<i32, i32>>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "back",
            |mut caller: Caller<'_, Option<TypedFunc<i32, i32>>>, x: i32| {
                let inner = caller.data().expect("set before the calls");
                inner.call(&mut caller, x)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let inner = instance
        .get_typed_func::<i32, i32>(&store, "inner")
        .unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    *store.data_mut() = Some(inner);
    for i in 0..10 {
        assert_eq!(outer.call(&mut store, i).unwrap(), i * 3 + 1);
    }
    // Miri runs this slowly; a few calls show the same.
    const CALLS: i32 = if cfg!(miri) { 20 } else { 1000 };
    let before = allocated();
    for i in 0..CALLS {
        assert_eq!(outer.call(&mut store, i).unwrap(), i * 3 + 1);
    }
    let per_call = (allocated() - before) / CALLS as usize;
    // What is left per nested activation is its few frame records; a
    // fresh value stack would be 8 KiB or more.
    assert!(
        per_call < 2048,
        "{per_call} bytes allocated per host re-entry: the nested activation did not continue the store's value stack"
    );
}

/// The nested activation recurses deep enough to reallocate the shared
/// value stack many times over; the outer activation's locals, which sit
/// in that stack below the nested frames, must come through unchanged.
#[test]
fn outer_frames_survive_a_nested_activation_that_grows_the_stack() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "nest" (func $nest (param i32) (result i32)))
            (func $deep (export "deep") (param i32) (result i32)
              (local i64 i64 i64 i64)
              (if (result i32) (i32.eqz (local.get 0))
                (then (i32.const 0))
                (else (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1)))
                               (i32.const 1)))))
            (func (export "outer") (param i32) (result i32)
              (local $a i32) (local $b i64)
              (local.set $a (i32.const 0x1234))
              (local.set $b (i64.const 0x0102030405060708))
              (drop (call $nest (local.get 0)))
              (i32.add
                (i32.add (local.get $a) (i32.wrap_i64 (local.get $b)))
                (call $nest (local.get 0)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<TypedFunc<i32, i32>>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "nest",
            |mut caller: Caller<'_, Option<TypedFunc<i32, i32>>>, n: i32| {
                let deep = caller.data().expect("set before the calls");
                deep.call(&mut caller, n)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    *store.data_mut() = Some(deep);
    // 20,000 frames of a few slots each: far past the first 8 KiB (under
    // Miri, which runs this slowly, 400: still past it).
    let n = if cfg!(miri) { 400 } else { 20_000 };
    assert_eq!(
        outer.call(&mut store, n).unwrap(),
        0x1234 + 0x05060708 + n,
        "the outer frame's locals changed across the nested activation"
    );
}

/// One function, reached as an import, through a table of another
/// instance, as a `funcref` global's value and from the embedder: the same
/// function each time (same results, same identity as a `Func`).
#[test]
fn function_references_reach_the_same_function_every_way() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let provider = Module::new(
        &engine,
        r#"(module
            (global $counter (mut i32) (i32.const 0))
            (func $tick (export "tick") (result i32)
              (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
              (global.get $counter))
            (table (export "table") 2 funcref)
            (elem (i32.const 1) $tick))"#,
    )
    .unwrap();
    let provider = linker.instantiate(&mut store, &provider).unwrap();
    linker.instance(&mut store, "p", provider).unwrap();
    let user = Module::new(
        &engine,
        r#"(module
            (import "p" "tick" (func $tick (result i32)))
            (import "p" "table" (table 2 funcref))
            (type $t (func (result i32)))
            (func (export "direct") (result i32) (call $tick))
            (func (export "indirect") (result i32) (call_indirect (type $t) (i32.const 1)))
            (func (export "get") (result funcref) (table.get (i32.const 1))))"#,
    )
    .unwrap();
    let user = linker.instantiate(&mut store, &user).unwrap();
    let direct = user.get_typed_func::<(), i32>(&store, "direct").unwrap();
    let indirect = user.get_typed_func::<(), i32>(&store, "indirect").unwrap();
    let tick = provider.get_typed_func::<(), i32>(&store, "tick").unwrap();
    assert_eq!(direct.call(&mut store, ()).unwrap(), 1);
    assert_eq!(indirect.call(&mut store, ()).unwrap(), 2);
    assert_eq!(tick.call(&mut store, ()).unwrap(), 3);
    let get = user
        .get_typed_func::<(), Option<Func>>(&store, "get")
        .unwrap();
    let from_table = get
        .call(&mut store, ())
        .unwrap()
        .expect("the element is set");
    let typed = from_table.typed::<(), i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, ()).unwrap(), 4);
    let exported = provider.get_func(&store, "tick").unwrap();
    assert_eq!(
        format!("{from_table:?}"),
        format!("{exported:?}"),
        "the table's reference is the exported function"
    );
}
