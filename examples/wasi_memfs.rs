//! A WASI guest over an in-memory filesystem: the host fills a
//! [`MemoryFs`], mounts it as the guest's `/`, captures what the guest
//! writes to stdout in an [`OutputBuffer`], and reads the exit code of its
//! `proc_exit` back out of the call's error ([`wasmbed_wasi::exit_code`]).
//! Nothing touches the host's files or terminal, and the same code runs
//! without `std` (`examples/cortex-m` does, on a microcontroller).
//!
//! The default guest, `examples/wasi_cat.wat`, copies `/greeting.txt` to
//! stdout, and exits with 100 + errno when it cannot open it; the example
//! runs it once with the file and once on an empty filesystem.
//!
//! ```sh
//! cargo run -p wasmbed-wasi --example wasi_memfs              # runs examples/wasi_cat.wat
//! cargo run -p wasmbed-wasi --example wasi_memfs -- app.wasm  # any WASI command
//! ```
//!
//! It prints what happened and exits with 1 if the default guest did not
//! behave as described. `cargo test -p wasmbed-wasi --test examples` runs
//! it too.
use std::fmt::Write as _;
use wasmbed_core::{bail, Context, Engine, Linker, Module, Result, Store};
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::stdio::OutputBuffer;
use wasmbed_wasi::{Errno, WasiCtx};

/// What the host puts in the guest's filesystem.
pub const GREETING: &str = "Hello from an in-memory file!\n";

/// How a WASI command ended.
struct Outcome {
    exit_code: i32,
    stdout: Vec<u8>,
}

/// Runs the command `module` with `files` mounted at `/`.
fn run_command(engine: &Engine, module: &Module, files: &MemoryFs) -> Result<Outcome> {
    // Capture stdout; stdin and stderr stay empty and discarded.
    let stdout = OutputBuffer::new();
    let wasi = WasiCtx::builder()
        .arg("wasi_cat")
        .stdout(stdout.clone())
        .preopen(files.clone(), "/")?
        .build();

    let mut linker = Linker::new(engine);
    wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let mut store = Store::new(engine, wasi);
    let instance = linker.instantiate(&mut store, module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    let exit_code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        // `proc_exit(n)` ends the run with an error that carries `n`; any
        // other error (a trap, a failed host call) is a real failure.
        Err(e) => wasmbed_wasi::exit_code(&e).ok_or(e)?,
    };
    Ok(Outcome {
        exit_code,
        stdout: stdout.contents(),
    })
}

/// Runs `guest` (a `.wasm` or `.wat` file), or `examples/wasi_cat.wat`
/// when it is `None`, and describes what happened.
pub fn run(guest: Option<&str>) -> Result<String> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wasi_cat.wat");
    let path = guest.unwrap_or(default);
    let source = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    // `wat` passes binary modules through unchanged.
    let binary = wat::parse_bytes(&source)?;
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &binary)?;
    let mut out = String::new();

    // The guest's whole filesystem: one file, in memory.
    let files = MemoryFs::new();
    files.add_file("greeting.txt", GREETING)?;
    let done = run_command(&engine, &module, &files)?;
    let stdout = String::from_utf8_lossy(&done.stdout);
    writeln!(
        out,
        "guest exited with code {}; its stdout was:",
        done.exit_code
    )?;
    write!(out, "{stdout}")?;
    // A guest may also have created or changed files: the host sees them.
    writeln!(out, "files after the run: {:?}", files.list_dir("")?)?;
    if guest.is_some() {
        return Ok(out);
    }
    if done.exit_code != 0 || stdout != GREETING {
        bail!("wasi_cat should print {GREETING:?} and exit with 0:\n{out}");
    }

    // Without the file, the guest's `path_open` fails and it exits with
    // 100 + the errno.
    let empty = run_command(&engine, &module, &MemoryFs::new())?;
    let expected = 100 + Errno::Noent as i32;
    if empty.exit_code != expected || !empty.stdout.is_empty() {
        bail!(
            "on an empty filesystem wasi_cat should print nothing and exit with {expected}, \
             not {} after printing {:?}",
            empty.exit_code,
            String::from_utf8_lossy(&empty.stdout)
        );
    }
    writeln!(
        out,
        "on an empty filesystem the guest exited with code {} (100 + ENOENT)",
        empty.exit_code
    )?;
    Ok(out)
}

fn main() -> Result<()> {
    let guest = std::env::args().nth(1);
    print!("{}", run(guest.as_deref())?);
    Ok(())
}
