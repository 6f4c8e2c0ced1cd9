//! The embedded guests and how each is run and checked.
use crate::heap::HEAP_BYTES;
use crate::platform::{Region, SysTickClock, CORE_HZ};
use crate::{fail, out, HEAP};
use alloc::sync::Arc;
use core::fmt::Write as _;
use core::time::Duration;
use wasmbed_core::platform::Clock;
use wasmbed_core::{Caller, Engine, Error, Extern, Linker, Module, Store};
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::stdio::OutputStream;
use wasmbed_wasi::WasiCtx;

static HELLO: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hello.wasm"));
static CRC32: &[u8] = include_bytes!("../guests/crc32.wasm");
static WASI_LINES: &[u8] = include_bytes!("../guests/wasi-lines.wasm");

/// CRC-32 passes over the guest's 4 KiB buffer.
const CRC_ROUNDS: u32 = 16;
/// The file the WASI guest reads.
const MOTD: &str = "wasmbed runs WebAssembly on microcontrollers.\n\
                    This file lives in an in-memory filesystem.\n";
/// No guest may run longer than this (checked on the SysTick clock).
const DEADLINE: Duration = Duration::from_secs(10);

/// What one guest cost: time and memory.
struct Usage {
    start_nanos: u64,
    clock: Arc<SysTickClock>,
    region: &'static Region,
    /// Heap in use before the guest.
    base: usize,
    /// Heap kept by the compiled module (measured after `Module::new`).
    module: usize,
    /// The heap's peak while compiling the module.
    compile_peak: usize,
}

impl Usage {
    fn begin(clock: &Arc<SysTickClock>, region: &'static Region) -> Usage {
        HEAP.reset_peak();
        region.reset_peak();
        Usage {
            start_nanos: clock.monotonic_nanos(),
            clock: clock.clone(),
            region,
            base: HEAP.used(),
            module: 0,
            compile_peak: 0,
        }
    }

    /// Call right after the module is compiled.
    fn compiled(&mut self) {
        self.module = HEAP.used() - self.base;
        self.compile_peak = HEAP.peak() - self.base;
    }

    fn report(self, name: &str, module_bytes: usize) {
        let micros = (self.clock.monotonic_nanos() - self.start_nanos) / 1000;
        say!(
            "info: {name}: {module_bytes} bytes of wasm; heap: peak {} bytes (compiling {}, \
             module kept {}); linear memory {} bytes; {}.{:03} ms",
            HEAP.peak() - self.base,
            self.compile_peak,
            self.module,
            self.region.peak(),
            micros / 1000,
            micros % 1000
        );
    }
}

/// Runs every guest, stopping the firmware on the first failure.
pub fn run_all(engine: &Engine, clock: &Arc<SysTickClock>, region: &'static Region) {
    let _ = HEAP_BYTES;
    hello(engine, clock, region).unwrap_or_else(|e| fail(&e));
    crc32(engine, clock, region).unwrap_or_else(|e| fail(&e));
    wasi_lines(engine, clock, region).unwrap_or_else(|e| fail(&e));
}

/// The host-function demo: the guest calls `env.print`.
fn hello(engine: &Engine, clock: &Arc<SysTickClock>, region: &'static Region) -> Result<(), Error> {
    let mut usage = Usage::begin(clock, region);
    let module = Module::from_binary(engine, HELLO)?;
    usage.compiled();
    let mut linker = Linker::new(engine);
    linker.func_wrap(
        "env",
        "print",
        |mut caller: Caller<'_, u32>, ptr: u32, len: u32| -> Result<(), Error> {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                return Err(Error::msg("env.print: the guest exports no memory"));
            };
            let mut buf = [0u8; 64];
            let text = buf
                .get_mut(..len as usize)
                .ok_or_else(|| Error::msg("env.print: text longer than 64 bytes"))?;
            memory.read(&mut caller, ptr as usize, text)?;
            out(b"[hello] ");
            out(text);
            out(b"\n");
            *caller.data_mut() += 1;
            Ok(())
        },
    )?;
    let mut store = Store::new(engine, 0u32);
    store.set_deadline(DEADLINE)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let greet = instance.get_typed_func::<(), i32>(&store, "greet")?;
    let printed = greet.call(&mut store, ())?;
    let memory = instance
        .get_memory(&store, "memory")
        .ok_or_else(|| Error::msg("no memory export"))?;
    let bytes = memory.data_size(&store);
    if printed != 46 || *store.data() != 1 || bytes != 64 {
        return Err(Error::msg(alloc::format!(
            "hello: printed {printed} bytes in {} calls with {bytes} bytes of memory",
            store.data()
        )));
    }
    say!("[hello] ok: 1 call of env.print, 46 bytes, a 64-byte memory of 1-byte pages");
    drop(store);
    usage.report("hello", HELLO.len());
    Ok(())
}

/// The same CRC-32 the guest computes, natively.
fn native_crc32(rounds: u32) -> u32 {
    let mut table = [0u32; 256];
    for (i, entry) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    let mut data = [0u8; 4096];
    let mut x: u32 = 0x1234_5678;
    for b in data.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let mut crc = !0u32;
    for _ in 0..rounds {
        for &b in data.iter() {
            crc = table[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
        }
    }
    !crc
}

/// The CPU-bound guest, checked against the native result.
fn crc32(engine: &Engine, clock: &Arc<SysTickClock>, region: &'static Region) -> Result<(), Error> {
    let start = clock.monotonic_nanos();
    let expected = core::hint::black_box(native_crc32(core::hint::black_box(CRC_ROUNDS)));
    let native_micros = (clock.monotonic_nanos() - start) / 1000;

    let mut usage = Usage::begin(clock, region);
    let module = Module::from_binary(engine, CRC32)?;
    usage.compiled();
    let mut store = Store::new(engine, ());
    store.set_deadline(DEADLINE)?;
    let instance = Linker::new(engine).instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<u32, u32>(&store, "run")?;
    let wasm_start = clock.monotonic_nanos();
    let crc = run.call(&mut store, CRC_ROUNDS)?;
    let wasm_micros = (clock.monotonic_nanos() - wasm_start) / 1000;
    if crc != expected {
        return Err(Error::msg(alloc::format!(
            "crc32: the guest computed {crc:#010x}, natively {expected:#010x}"
        )));
    }
    say!("[crc32] crc32 of {CRC_ROUNDS} x 4 KiB = {crc:#010x} (the native result)");
    say!(
        "info: crc32: wasm {}.{:03} ms, native {}.{:03} ms ({} MHz core clock)",
        wasm_micros / 1000,
        wasm_micros % 1000,
        native_micros / 1000,
        native_micros % 1000,
        CORE_HZ / 1_000_000
    );
    drop(store);
    usage.report("crc32", CRC32.len());
    Ok(())
}

/// WASI stdout and stderr: straight to the host over semihosting.
struct Semihosting;

impl OutputStream for Semihosting {
    fn write(&mut self, buf: &[u8]) -> wasmbed_wasi::errno::Result<usize> {
        out(buf);
        Ok(buf.len())
    }
}

/// The WASI guest: a C program reading a file from an in-memory
/// filesystem.
fn wasi_lines(
    engine: &Engine,
    clock: &Arc<SysTickClock>,
    region: &'static Region,
) -> Result<(), Error> {
    let mut usage = Usage::begin(clock, region);
    let module = Module::from_binary(engine, WASI_LINES)?;
    usage.compiled();
    let files = MemoryFs::new().with_capacity(4096);
    files
        .add_file("motd.txt", MOTD)
        .map_err(|e| Error::msg(alloc::format!("motd.txt: {e}")))?;
    let wasi = WasiCtx::builder()
        .arg("wasi-lines")
        .stdout(Semihosting)
        .stderr(Semihosting)
        .clock(clock.clone())
        .preopen(files, "/data")
        .map_err(|e| Error::msg(alloc::format!("preopen: {e}")))?
        .build();
    let mut linker = Linker::new(engine);
    wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let mut store = Store::new(engine, wasi);
    store.set_deadline(DEADLINE)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    let code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => wasmbed_wasi::exit_code(&e).ok_or(e)?,
    };
    if code != 0 {
        return Err(Error::msg(alloc::format!("wasi-lines exited with {code}")));
    }
    say!("[wasi-lines] ok: exit code 0");
    drop(store);
    usage.report("wasi-lines", WASI_LINES.len());
    Ok(())
}
