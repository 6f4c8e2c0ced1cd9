//! `wasmbed-platform-unix`: the core's [platform traits] for Linux, macOS
//! and FreeBSD, on `libc`.
//!
//! | type | trait | what it does |
//! | --- | --- | --- |
//! | [`GuardedMemoryCreator`] / [`GuardedMemory`] | `MemoryCreator` / `Memory` | reserves address space up front (by default the whole 32-bit index space plus a guard region, [`MemoryConfig`]), commits pages on growth with `mprotect`; new pages are zero, everything past the accessible bytes faults |
//! | [`CodeAllocator`] / [`CodeRegion`] | `Executable` / `CodeMemory` | code memory that is writable or executable, never both: `mprotect`, or `MAP_JIT` and the per-thread write protection on Apple arm64; the instruction cache is flushed on arm64 |
//! | [`SystemClock`] | `Clock` | `CLOCK_MONOTONIC` and `CLOCK_REALTIME` with their `clock_getres` resolutions |
//!
//! [`configure`] puts all three into a `Config`; the `wasmbed` facade does
//! that on every Unix host. [`init_traps`] installs the process-wide
//! `SIGSEGV`/`SIGBUS` handler that turns faults in registered compiled code
//! into traps and passes every other fault on ([`traps`] says how, and on
//! which targets).
//!
//! On a target that is not Unix this crate is empty.
//!
//! [platform traits]: wasmbed_core::platform
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(unix)]
mod clock;
#[cfg(unix)]
mod executable;
#[cfg(unix)]
mod memory;
#[cfg(unix)]
pub mod traps;

#[cfg(unix)]
pub use clock::SystemClock;
#[cfg(unix)]
pub use executable::{CodeAllocator, CodeRegion};
#[cfg(unix)]
pub use memory::{page_size, GuardedMemory, GuardedMemoryCreator, MemoryConfig};
#[cfg(unix)]
pub use traps::init_traps;

/// Installs this platform in `config`: guarded memories with
/// [`MemoryConfig::host_default`], [`CodeAllocator`], [`SystemClock`], and
/// the fault handler ([`init_traps`], `Config::fault_traps`).
/// Limits and features already set stay as they are.
#[cfg(unix)]
pub fn configure(config: &mut wasmbed_core::Config) -> &mut wasmbed_core::Config {
    use std::sync::Arc;
    config
        .memory_creator(Arc::new(GuardedMemoryCreator::new(
            MemoryConfig::host_default(),
        )))
        .executable(Arc::new(CodeAllocator::new()))
        .clock(Arc::new(SystemClock::new()));
    // Faults in compiled code become traps where the handler exists, so
    // a JIT may leave bounds checks to the guard regions.
    traps::init_traps();
    config.fault_traps(traps::SUPPORTED)
}
