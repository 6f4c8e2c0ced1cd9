//! An embedder's own platform plugged into a [`Config`]: where linear
//! memories get their bytes, and what time it is.
//!
//! - [`MemoryCreator`] + [`Memory`] (`BudgetedCreator`, `BudgetedMemory`):
//!   a wrapper over the core's allocator-backed memories that charges
//!   every byte to one budget shared by all the engine's stores, so a host
//!   running many guests bounds their memory *together* (a
//!   `ResourceLimiter` sees one store at a time). A `memory.grow` past the
//!   budget returns -1 to the guest, and a dropped store gives its bytes
//!   back.
//! - [`Clock`] (`VirtualClock`): simulated time that moves only when the
//!   engine reads it, by a fixed step, so a deadline stops a guest after
//!   the same amount of work on every machine (reproducible tests and
//!   replays). `Store::set_deadline` measures with it.
//!
//! The traits and the rules an implementation keeps are in
//! `core/src/platform.rs` and in `ARCHITECTURE.md`, "Writing a platform for
//! a new host"; `examples/cortex-m/src/platform.rs` does the same for a
//! microcontroller.
//!
//! ```sh
//! cargo run -p wasmbed --example custom_platform
//! ```
//!
//! It prints what happened and exits with 1 if anything turned out other
//! than described here. `cargo test -p wasmbed --test examples` runs it too.
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmbed::platform::{AllocMemoryCreator, Clock, Memory, MemoryCreator, MemoryError};
use wasmbed::{
    bail, ensure, Config, Engine, Linker, Module, Result, Store, TrapCode, WASM_PAGE_SIZE,
};

/// Linear-memory bytes that all memories of an engine may hold together.
#[derive(Debug)]
struct Budget {
    limit: usize,
    used: AtomicUsize,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            limit,
            used: AtomicUsize::new(0),
        }
    }

    /// Bytes held by live memories.
    fn used(&self) -> usize {
        self.used.load(Ordering::Acquire)
    }

    /// Takes `bytes` from the budget; false (taking nothing) if they do
    /// not fit.
    fn take(&self, bytes: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// A memory of the core's default kind whose bytes are charged to a
/// [`Budget`].
struct BudgetedMemory {
    inner: Box<dyn Memory>,
    budget: Arc<Budget>,
}

// SAFETY: every method that reports or changes the bytes is `inner`'s,
// which keeps `Memory`'s contract itself. `grow_to` only adds a check
// before calling it: when the budget refuses, it returns `Err` without
// touching `inner`, so `base()` and `len()` are unchanged, as the contract
// asks of a failed growth; when `inner` fails, the budget is given back
// and `inner` has left itself unchanged.
unsafe impl Memory for BudgetedMemory {
    fn base(&self) -> *mut u8 {
        self.inner.base()
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn grow_to(&mut self, new_len: usize) -> Result<(), MemoryError> {
        let extra = new_len.saturating_sub(self.inner.len());
        if !self.budget.take(extra) {
            return Err(MemoryError::OutOfMemory { requested: new_len });
        }
        self.inner.grow_to(new_len).inspect_err(|_| {
            self.budget.give_back(extra);
        })
    }
    fn guard_bytes(&self) -> usize {
        self.inner.guard_bytes()
    }
}

impl Drop for BudgetedMemory {
    fn drop(&mut self) {
        self.budget.give_back(self.inner.len());
    }
}

/// Makes [`BudgetedMemory`]s over the core's [`AllocMemoryCreator`].
struct BudgetedCreator {
    budget: Arc<Budget>,
}

// SAFETY: the memory returned is `AllocMemoryCreator`'s, which holds
// exactly `initial` zeroed bytes, wrapped in a `BudgetedMemory`, which
// keeps `Memory`'s contract (see its impl).
unsafe impl MemoryCreator for BudgetedCreator {
    fn new_memory(&self, initial: usize, maximum: usize) -> Result<Box<dyn Memory>, MemoryError> {
        if !self.budget.take(initial) {
            return Err(MemoryError::OutOfMemory { requested: initial });
        }
        match AllocMemoryCreator.new_memory(initial, maximum) {
            Ok(inner) => Ok(Box::new(BudgetedMemory {
                inner,
                budget: self.budget.clone(),
            })),
            Err(e) => {
                self.budget.give_back(initial);
                Err(e)
            }
        }
    }
}

/// Simulated time: each read moves it forward by `step_nanos`.
#[derive(Debug)]
struct VirtualClock {
    now_nanos: AtomicU64,
    step_nanos: u64,
}

impl VirtualClock {
    fn new(step: Duration) -> VirtualClock {
        VirtualClock {
            now_nanos: AtomicU64::new(0),
            step_nanos: step.as_nanos() as u64,
        }
    }

    /// Time so far, without moving it.
    fn peek(&self) -> Duration {
        Duration::from_nanos(self.now_nanos.load(Ordering::Acquire))
    }
}

impl Clock for VirtualClock {
    fn monotonic_nanos(&self) -> u64 {
        self.now_nanos.fetch_add(self.step_nanos, Ordering::AcqRel) + self.step_nanos
    }
    fn wall_nanos(&self) -> u64 {
        // The simulation starts at 2026-01-01T00:00:00Z.
        1_767_225_600_000_000_000 + self.now_nanos.load(Ordering::Acquire)
    }
    fn resolution_nanos(&self) -> u64 {
        self.step_nanos
    }
}

const GUEST: &str = r#"(module
  (memory (export "memory") 1 8)
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "spin") (loop $forever (br $forever))))"#;

/// Pages of 64 KiB.
const PAGE: usize = WASM_PAGE_SIZE as usize;

/// Runs guests on the platform and describes what happened.
pub fn run() -> Result<String> {
    let budget = Arc::new(Budget::new(3 * PAGE));
    let clock = Arc::new(VirtualClock::new(Duration::from_millis(1)));
    let mut config = Config::new();
    config
        .memory_creator(Arc::new(BudgetedCreator {
            budget: budget.clone(),
        }))
        .clock(clock.clone())
        .interruptible(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST)?;
    let linker = Linker::new(&engine);
    let mut out = String::new();

    // Two stores, one page each; the budget has room for one page more.
    let kib = || budget.used() / 1024;
    let mut first = Store::new(&engine, ());
    let mut second = Store::new(&engine, ());
    let a = linker.instantiate(&mut first, &module)?;
    let b = linker.instantiate(&mut second, &module)?;
    let grow_a = a.get_typed_func::<(), i32>(&first, "grow")?;
    let grow_b = b.get_typed_func::<(), i32>(&second, "grow")?;
    writeln!(out, "budget: {} of {} KiB in use", kib(), 3 * PAGE / 1024)?;

    let grown = grow_a.call(&mut first, ())?;
    ensure!(
        grown == 1,
        "the first store's memory.grow returned {grown}, not 1"
    );
    writeln!(
        out,
        "first store: memory.grow(1) = {grown}; budget: {} KiB in use",
        kib()
    )?;
    // The guest sees an ordinary failed `memory.grow`, although its own
    // type allows 8 pages.
    let refused = grow_b.call(&mut second, ())?;
    ensure!(
        refused == -1,
        "the budget is spent, yet memory.grow returned {refused}"
    );
    writeln!(
        out,
        "second store: memory.grow(1) = {refused}: the budget is spent"
    )?;
    drop(first);
    writeln!(out, "first store dropped; budget: {} KiB in use", kib())?;
    let grown = grow_b.call(&mut second, ())?;
    ensure!(
        grown == 1,
        "with the first store gone, memory.grow returned {grown}, not 1"
    );
    writeln!(
        out,
        "second store: memory.grow(1) = {grown}; budget: {} KiB in use",
        kib()
    )?;

    // A guest that never stops, given 50 ms of virtual time.
    let spin = b.get_typed_func::<(), ()>(&second, "spin")?;
    let started = clock.peek();
    second.set_deadline(Duration::from_millis(50))?;
    let code = match spin.call(&mut second, ()) {
        Ok(()) => bail!("spin returned, but it loops forever"),
        Err(err) => err.trap_code().ok_or(err)?,
    };
    ensure!(
        code == TrapCode::Interrupt,
        "spin should have been interrupted, not: {code}"
    );
    let took = clock.peek() - started;
    ensure!(
        took >= Duration::from_millis(50),
        "spin was stopped after {took:?}, before its deadline"
    );
    writeln!(
        out,
        "spin: {code} after {} ms of virtual time (deadline: 50 ms)",
        took.as_millis()
    )?;
    Ok(out)
}

fn main() -> Result<()> {
    print!("{}", run()?);
    Ok(())
}
