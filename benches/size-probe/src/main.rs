//! A minimal bare-metal program around `wasmbed-core`: decode, validate,
//! instantiate and call a module. It exists to be measured (`measure.sh`),
//! not run; the allocator is a bump allocator over a static array.
#![no_std]
#![no_main]
extern crate alloc;
use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

struct Bump;
static mut HEAP: [u8; 65536] = [0; 65536];
static NEXT: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // Never frees; out of heap returns null, which the allocator API
        // reports as allocation failure.
        let start = (NEXT.load(Ordering::Relaxed) + l.align() - 1) & !(l.align() - 1);
        if start + l.size() > 65536 {
            return core::ptr::null_mut();
        }
        NEXT.store(start + l.size(), Ordering::Relaxed);
        // SAFETY: `start + size` is inside HEAP, and each range is handed
        // out once.
        unsafe { (core::ptr::addr_of_mut!(HEAP) as *mut u8).add(start) }
    }
    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}
#[global_allocator]
static A: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }

/// The unwind tables of functions that call `extern "C-unwind"` code name
/// this symbol even with `panic = "abort"`; firmware linker scripts
/// (cortex-m-rt's `link.x`) discard those tables, this probe links without
/// a script. Nothing unwinds on the device, so it is never called.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[no_mangle]
pub extern "C" fn _start(ptr: *const u8, len: usize) -> i32 {
    // SAFETY: the caller passes a valid byte range (this is only linked,
    // never called, by the measurement).
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    let engine = wasmbed_core::Engine::default();
    let Ok(module) = wasmbed_core::Module::new(&engine, bytes) else { return -1 };
    let mut store = wasmbed_core::Store::new(&engine, ());
    let linker = wasmbed_core::Linker::new(&engine);
    let Ok(instance) = linker.instantiate(&mut store, &module) else { return -2 };
    let Ok(f) = instance.get_typed_func::<i32, i32>(&store, "run") else { return -3 };
    f.call(&mut store, 10).unwrap_or(-4)
}
