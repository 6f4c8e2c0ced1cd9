//! wasmbed on a microcontroller: firmware for QEMU's `mps2-an386` board
//! (Cortex-M4F) that runs WebAssembly guests embedded in flash through
//! `wasmbed-core`'s interpreter, with output and exit over semihosting.
//!
//! The guests, each checked here (a wrong result ends the run with a
//! failure exit code):
//! - `hello` (`guests/hello.wat`): calls the host's `env.print`; its memory
//!   has 1-byte pages (64 bytes in all).
//! - `crc32` (`guests/crc32/`, Rust): CRC-32 over 16 x 4 KiB, compared with
//!   the same computation done natively.
//! - `wasi-lines` (`guests/wasi-lines/main.c`, C through zig): WASI preview
//!   1, reads a file from an in-memory filesystem and writes it to stdout,
//!   which goes to semihosting.
//!
//! Lines starting with `info:` carry sizes and times, which vary; every
//! other line is checked by `.ci/run` against `expected-output.txt`.
//! Without the `guests` feature the firmware builds the engine, platform
//! and WASI pieces but embeds and runs no guest (for size comparisons).
#![no_std]
#![no_main]

extern crate alloc;

mod heap;
mod platform;
mod stack;

use alloc::sync::Arc;
use core::fmt::Write as _;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
use heap::CountingHeap;
use platform::{Region, RegionCreator, SysTickClock};
use wasmbed_core::{Config, Engine};

#[global_allocator]
static HEAP: CountingHeap = CountingHeap::empty();

/// RAM for linear memories. The guests run one after another and the
/// largest, the C guest, starts at one 64 KiB wasm page and its `malloc`
/// grows it by another.
const WASM_RAM_BYTES: usize = 256 * 1024;
static mut WASM_RAM: [u8; WASM_RAM_BYTES] = [0; WASM_RAM_BYTES];

/// The interpreter's stack on a small device: 8 KiB for value slots (8
/// bytes each) and frame records (16 bytes each) together, growing on
/// demand up to this. The guests here need no more; the default (64 MiB)
/// suits hosts.
const MAX_WASM_STACK: usize = 8 * 1024;

/// 2026-01-01T00:00:00Z: the board has no calendar clock.
const BOOT_WALL_NANOS: u64 = 1_767_225_600 * 1_000_000_000;

/// Writes a line to the host's stdout.
macro_rules! say {
    ($($t:tt)*) => {{
        let mut line = alloc::string::String::new();
        let _ = writeln!(line, $($t)*);
        out(line.as_bytes());
    }};
}

/// Sends bytes to the host's stdout (semihosting `SYS_WRITE`).
fn out(bytes: &[u8]) {
    if let Ok(mut stdout) = hio::hstdout() {
        let _ = stdout.write_all(bytes);
    }
}

/// Reports `msg` and ends the run with a failure exit code.
fn fail(msg: &dyn core::fmt::Display) -> ! {
    say!("FAIL: {msg}");
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    // Formats without allocating: the heap may be what failed.
    if let Ok(mut stdout) = hio::hstdout() {
        let _ = writeln!(stdout, "FAIL: panic: {info}");
    }
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}

#[entry]
fn main() -> ! {
    stack::paint();
    HEAP.init();
    let peripherals = cortex_m::Peripherals::take().unwrap_or_else(|| fail(&"peripherals taken"));
    let clock = Arc::new(SysTickClock::start(peripherals.SYST, BOOT_WALL_NANOS));
    // SAFETY: this is the only reference ever made to WASM_RAM, and main
    // never returns.
    let wasm_ram: &'static mut [u8] = unsafe { &mut *core::ptr::addr_of_mut!(WASM_RAM) };
    let region: &'static Region =
        alloc::boxed::Box::leak(alloc::boxed::Box::new(Region::new(wasm_ram)));

    let mut config = Config::new();
    config
        .memory_creator(Arc::new(RegionCreator(region)))
        .clock(clock.clone())
        .max_wasm_stack(MAX_WASM_STACK)
        .custom_page_sizes(true)
        .interruptible(true);
    let engine = Engine::new(&config);
    say!("wasmbed on a Cortex-M4F (mps2-an386)");
    say!(
        "info: heap {} KiB, wasm RAM {} KiB, wasm stack <= {} bytes",
        heap::HEAP_BYTES / 1024,
        region.capacity() / 1024,
        MAX_WASM_STACK
    );
    say!("info: engine ready, heap in use {} bytes", HEAP.used());

    #[cfg(feature = "guests")]
    {
        guests::run_all(&engine, &clock, region);
        say!("info: heap peak {} bytes overall", HEAP.peak());
        say!("info: stack peak {} bytes", stack::peak());
        say!("all guests passed");
    }
    #[cfg(not(feature = "guests"))]
    {
        guests_absent(&engine, &clock);
        say!("info: heap peak {} bytes overall", HEAP.peak());
        say!("info: stack peak {} bytes", stack::peak());
    }
    debug::exit(debug::EXIT_SUCCESS);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Without guests: link everything a guest would use (a WASI linker and
/// context) so the size difference is the guests' alone.
#[cfg(not(feature = "guests"))]
fn guests_absent(engine: &Engine, clock: &Arc<SysTickClock>) {
    let mut linker = wasmbed_core::Linker::new(engine);
    if let Err(e) = wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut wasmbed_wasi::WasiCtx| cx) {
        fail(&e);
    }
    let wasi = wasmbed_wasi::WasiCtx::builder()
        .clock(clock.clone())
        .build();
    let store = wasmbed_core::Store::new(engine, wasi);
    // Nothing to run: an empty binary is not a module, which exercises the
    // decoder and error paths that a real run links in.
    match wasmbed_core::Module::from_binary(engine, &[]) {
        Ok(module) => {
            let mut store = store;
            let _ = linker.instantiate(&mut store, &module);
        }
        Err(_) => say!("built without guests"),
    }
}

#[cfg(feature = "guests")]
mod guests;
