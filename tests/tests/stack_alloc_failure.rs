//! When the allocator cannot grow the interpreter's stack, the guest traps
//! with `StackOverflow` and the host goes on: growth uses `try_reserve`,
//! never an allocation that aborts the process on failure. This binary's
//! allocator refuses any single allocation over 8 MiB, and the guest
//! recurses with no stack limit of its own.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmbed::{Config, Engine, Linker, Module, Store, TrapCode};

/// Refuses allocations larger than `LIMIT` and counts the refusals.
struct Refusing;

const LIMIT: usize = 8 << 20;
static REFUSED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to `System` unchanged, except that some
// return null, which `GlobalAlloc` allows for any allocation.
unsafe impl GlobalAlloc for Refusing {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LIMIT {
            REFUSED.fetch_add(1, Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's promises for `alloc` pass on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` (through `alloc`/`realloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > LIMIT {
            REFUSED.fetch_add(1, Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's promises for `realloc` pass on unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Refusing = Refusing;

#[test]
fn a_stack_the_allocator_refuses_is_a_trap() {
    let mut config = Config::new();
    config.max_wasm_stack(usize::MAX);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module (func $down (export "down") (param $n i32) (result i32)
            (if (result i32) (i32.eqz (local.get $n))
              (then (i32.const 0))
              (else (i32.add (i32.const 1)
                (call $down (i32.sub (local.get $n) (i32.const 1))))))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    let err = down.call(&mut store, i32::MAX).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    assert!(
        REFUSED.load(Ordering::Relaxed) > 0,
        "the allocator was never asked for too much"
    );
    assert!(
        err.to_string().contains("more frames repeating down"),
        "{err}"
    );
    // The store is still usable.
    assert_eq!(down.call(&mut store, 1_000).unwrap(), 1_000);
}
