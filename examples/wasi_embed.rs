//! Embedding a WASI guest: the guest gets an in-memory filesystem that the
//! host filled, and the host captures what the guest prints.
//!
//! ```sh
//! cargo run -p wasmbed-wasi --example wasi_embed              # runs examples/wasi_cat.wat
//! cargo run -p wasmbed-wasi --example wasi_embed -- app.wasm  # any WASI command
//! ```
use wasmbed_core::{Engine, Linker, Module, Store};
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::stdio::OutputBuffer;
use wasmbed_wasi::WasiCtx;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wasi_cat.wat").to_string()
    });
    let source = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // `wat` passes binary modules through unchanged.
    let binary = wat::parse_bytes(&source)?;
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &binary)?;

    // The guest's whole filesystem: one file, in memory.
    let files = MemoryFs::new();
    files.add_file("greeting.txt", "Hello from an in-memory file!\n")?;

    // Capture stdout; stdin and stderr stay empty and discarded.
    let stdout = OutputBuffer::new();
    let wasi = WasiCtx::builder()
        .arg("wasi_cat")
        .stdout(stdout.clone())
        .preopen(files.clone(), "/")?
        .build();

    let mut linker = Linker::new(&engine);
    wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let mut store = Store::new(&engine, wasi);
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    let code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        // `proc_exit(n)` ends the run with an error that carries `n`.
        Err(e) => wasmbed_wasi::exit_code(&e).ok_or(e)?,
    };
    println!("guest exited with code {code}; its stdout was:");
    print!("{}", String::from_utf8_lossy(&stdout.contents()));
    println!("files after the run: {:?}", files.list_dir("")?);
    Ok(())
}
