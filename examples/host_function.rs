//! Host functions: a guest calls into the embedder, and the embedder's
//! errors travel back out through the guest to whoever called it.
//!
//! - `host.log(ptr, len)` takes a [`Caller`] to find the guest's `memory`
//!   export, reads the string out of it with `memory.data(&caller)`, and
//!   appends it to a log kept in the store's data.
//! - `host.spend(amount)` takes credits from the store's data; when there
//!   are not enough it fails with an error type of the embedder's own
//!   (`OutOfCredits`), returned with `?`.
//! - The guest's `work` export is called through a typed function,
//!   `get_typed_func::<i32, i32>`.
//! - Each failure comes out of the call as an [`Error`] whose
//!   [`ErrorKind`] is `Host`; [`Error::downcast_ref`] gets the original
//!   value back (`OutOfCredits`, a `std::str::Utf8Error` raised by `?`, or
//!   the message of a `bail!`).
//!
//! ```sh
//! cargo run -p wasmbed --example host_function
//! ```
//!
//! It prints what happened and exits with 1 if anything turned out other
//! than described here. `cargo test -p wasmbed --test examples` runs it too.
use std::fmt::{self, Write as _};
use wasmbed::{bail, Caller, Engine, Error, ErrorKind, Extern, Linker, Module, Result, Store};

/// The guest: it logs a greeting, then does `jobs` jobs of 10 credits each.
const GUEST: &str = r#"(module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "spend" (func $spend (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello from the guest")
  (data (i32.const 32) "\ff\fe")

  ;; Returns the credits left after the last job.
  (func (export "work") (param $jobs i32) (result i32)
    (local $left i32)
    (call $log (i32.const 0) (i32.const 20))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $jobs)))
        (local.set $left (call $spend (i32.const 10)))
        (local.set $jobs (i32.sub (local.get $jobs) (i32.const 1)))
        (br $next)))
    (local.get $left))

  ;; Logs two bytes that are not UTF-8.
  (func (export "log_garbage") (call $log (i32.const 32) (i32.const 2)))
  ;; Logs a string that runs off the end of memory.
  (func (export "log_past_the_end") (call $log (i32.const 65530) (i32.const 100))))"#;

/// The host's state for one store: what the guest logged and the credits
/// it may still spend.
struct Host {
    log: Vec<String>,
    credits: u32,
}

/// The embedder's own error: a guest asked for more credits than it had.
#[derive(Debug, PartialEq, Eq)]
struct OutOfCredits {
    wanted: u32,
    left: u32,
}

impl fmt::Display for OutOfCredits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "out of credits: wanted {}, {} left",
            self.wanted, self.left
        )
    }
}

impl std::error::Error for OutOfCredits {}

impl Host {
    fn spend(&mut self, wanted: u32) -> Result<u32, OutOfCredits> {
        self.credits = self.credits.checked_sub(wanted).ok_or(OutOfCredits {
            wanted,
            left: self.credits,
        })?;
        Ok(self.credits)
    }
}

/// Reads `len` bytes at `ptr` out of the calling instance's memory as a
/// string. Every failure is an ordinary host error: the guest cannot make
/// the host read out of bounds or panic.
fn guest_str(caller: &mut Caller<'_, Host>, ptr: i32, len: i32) -> Result<String> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        bail!("the guest exports no memory");
    };
    // Guest pointers are unsigned: -1 is 0xffff_ffff, not before the start.
    let (start, len) = (ptr as u32 as usize, len as u32 as usize);
    let end = start.saturating_add(len);
    let data = memory.data(caller);
    let Some(bytes) = data.get(start..end) else {
        bail!(
            "the string at {start}..{end} is outside the guest's {} bytes of memory",
            data.len()
        );
    };
    // `?` turns the `Utf8Error` into an `Error` that still holds it.
    Ok(std::str::from_utf8(bytes)?.to_owned())
}

/// Runs the guest through each case and describes what happened.
pub fn run() -> Result<String> {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST)?;

    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "host",
        "log",
        |mut caller: Caller<'_, Host>, ptr: i32, len: i32| -> Result<()> {
            let line = guest_str(&mut caller, ptr, len)?;
            caller.data_mut().log.push(line);
            Ok(())
        },
    )?;
    linker.func_wrap(
        "host",
        "spend",
        |mut caller: Caller<'_, Host>, amount: i32| -> Result<i32> {
            let left = caller.data_mut().spend(amount as u32)?;
            Ok(left as i32)
        },
    )?;

    let host = Host {
        log: Vec::new(),
        credits: 100,
    };
    let mut store = Store::new(&engine, host);
    let instance = linker.instantiate(&mut store, &module)?;
    let work = instance.get_typed_func::<i32, i32>(&store, "work")?;
    let mut out = String::new();

    let left = work.call(&mut store, 3)?;
    writeln!(
        out,
        "work(3) returned {left}: the guest has {left} credits left"
    )?;
    writeln!(out, "the guest logged {:?}", store.data().log)?;

    // Seven more jobs fit in 70 credits; the eighth fails in `spend`, and
    // the error ends the guest's call and comes out of ours.
    let err = match work.call(&mut store, 8) {
        Ok(left) => bail!("work(8) should have run out of credits, but returned {left}"),
        Err(err) => err,
    };
    let Some(short) = err.downcast_ref::<OutOfCredits>() else {
        bail!("work(8) failed, but not for lack of credits: {err:?}");
    };
    writeln!(
        out,
        "work(8) failed: {short} (ErrorKind::{}, downcast to {short:?})",
        kind_name(&err)
    )?;

    for name in ["log_garbage", "log_past_the_end"] {
        let f = instance.get_typed_func::<(), ()>(&store, name)?;
        let err = match f.call(&mut store, ()) {
            Ok(()) => bail!("{name} should have failed"),
            Err(err) => err,
        };
        let carries = if err.is::<std::str::Utf8Error>() {
            "a std::str::Utf8Error"
        } else {
            "the message of a bail!"
        };
        writeln!(
            out,
            "{name} failed: {err} (ErrorKind::{}, carrying {carries})",
            kind_name(&err)
        )?;
    }

    // The host errors left the store usable: the log still holds the one
    // greeting per `work` call, and nothing from the failed `log` calls.
    writeln!(out, "the log now holds {} lines", store.data().log.len())?;
    Ok(out)
}

/// The name of the error's kind (`ErrorKind` is non-exhaustive, so a match
/// on it always has a fallback).
fn kind_name(err: &Error) -> &'static str {
    match err.kind() {
        ErrorKind::Host(_) => "Host",
        ErrorKind::Trap(_) => "Trap",
        ErrorKind::Link(_) => "Link",
        _ => "other",
    }
}

fn main() -> Result<()> {
    print!("{}", run()?);
    Ok(())
}
