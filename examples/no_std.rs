//! `wasmbed-core` embedded the way firmware does it: `default-features =
//! false`, and only `core`, `alloc` and `wasmbed_core` in the embedding
//! code. This file is a `#![no_std]` crate: outside `main` (which stands in
//! for the board's entry point and only prints) the name `std` does not
//! exist, so the compiler checks that [`run`] would build for a
//! microcontroller.
//!
//! - The guest arrives as a binary, as it would from flash
//!   (`include_bytes!` of a `.wasm` that the firmware's build assembled);
//!   here `main` assembles [`GUEST_WAT`] with the `wat` crate instead.
//! - It is validated and linked once, as at boot ([`Module::from_binary`],
//!   [`Linker::instantiate_pre`]), so a bad image or a missing host
//!   function is found before anything runs; each job then instantiates
//!   from the [`InstancePre`] in a fresh store.
//! - Runs are bounded by fuel ([`Config::consume_fuel`]) and by small
//!   interpreter stacks, so a runaway guest stops with
//!   `TrapCode::OutOfFuel` and the store stays usable after a refuel.
//! - Errors are handled with `core` alone: matching [`ErrorKind`], the
//!   [`TrapCode`], and a host error type implementing `core::error::Error`
//!   taken back with [`Error::downcast_ref`].
//!
//! ```sh
//! cargo run -p wasmbed-core --example no_std
//! ```
//!
//! It prints what happened and exits with 1 if anything turned out other
//! than described here. `cargo test -p wasmbed-core --test examples` runs
//! it too. The real bare-metal firmware is `examples/cortex-m/` (its own
//! workspace, built for `thumbv7em-none-eabihf` and run under
//! `qemu-system-arm` by `.ci/run`; start at `src/main.rs`): a global
//! allocator, a platform of its own (static-region memories, a SysTick
//! clock), and three guests from flash.
#![no_std]

extern crate alloc;

use alloc::string::String;
use core::fmt::{self, Write as _};
use wasmbed_core::{
    bail, Caller, Config, Engine, Error, ErrorKind, InstancePre, Linker, Module, Result, Store,
    TrapCode,
};

/// The guest: sums sensor readings it gets from the host, or loops forever.
pub const GUEST_WAT: &str = r#"(module
  (import "board" "read_sensor" (func $read (param i32) (result i32)))
  ;; The sum of the readings of channels 0..n.
  (func (export "sum_channels") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $read (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func (export "runaway") (loop $forever (br $forever))))"#;

/// Fuel for one job: one unit per wasm instruction.
const FUEL_PER_JOB: u64 = 10_000;

/// The board as host functions see it (the store's data).
struct Board {
    sensors: [i32; 4],
}

/// A host error of the embedder's own, with no `std` in sight.
#[derive(Debug, PartialEq, Eq)]
struct NoSuchSensor {
    channel: i32,
}

impl fmt::Display for NoSuchSensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the board has no sensor on channel {}", self.channel)
    }
}

impl core::error::Error for NoSuchSensor {}

/// What an error is, in words, from its kind (as a firmware would log it).
fn describe(err: &Error) -> String {
    let mut s = String::new();
    let _ = match err.kind() {
        ErrorKind::Trap(trap) => write!(s, "trap: {}", trap.code()),
        ErrorKind::InvalidModule { offset, .. } => write!(s, "bad image at byte {offset:#x}"),
        ErrorKind::Link(message) => write!(s, "link: {message}"),
        ErrorKind::Host(_) => match err.downcast_ref::<NoSuchSensor>() {
            Some(fault) => write!(s, "sensor fault: {fault}"),
            None => write!(s, "host: {err}"),
        },
        _ => write!(s, "{err}"),
    };
    s
}

/// Loads `wasm`, runs the jobs, and describes what happened.
pub fn run(wasm: &[u8]) -> Result<String> {
    let mut out = String::new();
    let mut config = Config::new();
    config
        .consume_fuel(true)
        // A few KiB of interpreter stack instead of a host's megabytes.
        .max_wasm_stack(6 * 1024)
        .max_call_depth(64);
    let engine = Engine::new(&config);

    // A corrupted image is refused at load time, with where it went wrong.
    let truncated = &wasm[..wasm.len() - 3];
    match Module::from_binary(&engine, truncated) {
        Ok(_) => bail!("a truncated image was accepted"),
        Err(e) if matches!(e.kind(), ErrorKind::InvalidModule { .. }) => {
            writeln!(out, "truncated image refused: {}", describe(&e))?;
        }
        Err(e) => bail!("a truncated image failed in the wrong way: {e}"),
    }

    // Boot: validate and link once.
    let module = Module::from_binary(&engine, wasm)?;
    let unlinked = Linker::<Board>::new(&engine).instantiate_pre(&module);
    match unlinked {
        Err(e) if matches!(e.kind(), ErrorKind::Link(_)) => {
            writeln!(out, "without board functions: {}", describe(&e))?;
        }
        _ => bail!("a module importing `board::read_sensor` linked without it"),
    }
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "board",
        "read_sensor",
        |caller: Caller<'_, Board>, channel: i32| -> Result<i32, NoSuchSensor> {
            let sensors = &caller.data().sensors;
            usize::try_from(channel)
                .ok()
                .and_then(|i| sensors.get(i).copied())
                .ok_or(NoSuchSensor { channel })
        },
    )?;
    let pre: InstancePre<Board> = linker.instantiate_pre(&module)?;

    // A job: a fresh store with its own fuel.
    let board = Board {
        sensors: [12, 30, 7, 51],
    };
    let mut store = Store::new(&engine, board);
    store.set_fuel(FUEL_PER_JOB)?;
    let instance = pre.instantiate(&mut store)?;
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum_channels")?;
    let total = sum.call(&mut store, 4)?;
    if total != 100 {
        bail!("sum_channels(4) = {total}, not 100");
    }
    let used = FUEL_PER_JOB - store.get_fuel()?;
    writeln!(out, "sum_channels(4) = {total}, using {used} fuel")?;

    // A host error ends the guest's call and comes out of ours.
    match sum.call(&mut store, 6) {
        Err(e) if e.downcast_ref() == Some(&NoSuchSensor { channel: 4 }) => {
            writeln!(out, "sum_channels(6) failed: {}", describe(&e))?;
        }
        other => bail!("sum_channels(6) should fail on channel 4: {other:?}"),
    }

    // A runaway guest burns its fuel and stops.
    let runaway = instance.get_typed_func::<(), ()>(&store, "runaway")?;
    match runaway.call(&mut store, ()) {
        Err(e) if e.trap_code() == Some(TrapCode::OutOfFuel) => {
            writeln!(out, "runaway stopped: {}", describe(&e))?;
        }
        other => bail!("runaway should run out of fuel: {other:?}"),
    }

    // The store is still usable once refuelled.
    store.set_fuel(FUEL_PER_JOB)?;
    let again = sum.call(&mut store, 2)?;
    writeln!(out, "after a refuel, sum_channels(2) = {again}")?;
    Ok(out)
}

/// The board's entry point on a host: assembles the guest and prints the
/// report. Only here does `std` come in.
fn main() {
    extern crate std;
    let result = wat::parse_str(GUEST_WAT)
        .map_err(Error::from)
        .and_then(|wasm| run(&wasm));
    match result {
        Ok(report) => std::print!("{report}"),
        Err(e) => {
            std::eprintln!("Error: {e:?}");
            std::process::exit(1);
        }
    }
}
