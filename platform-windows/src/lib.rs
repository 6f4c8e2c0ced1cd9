//! `wasmbed-platform-windows`: the core's [platform traits] for Windows,
//! on `windows-sys`.
//!
//! | type | trait | what it does |
//! | --- | --- | --- |
//! | [`GuardedMemoryCreator`] / [`GuardedMemory`] | `MemoryCreator` / `Memory` | reserves address space up front with `VirtualAlloc(MEM_RESERVE)` (by default the whole 32-bit index space plus a guard region, [`MemoryConfig`]), commits pages on growth with `MEM_COMMIT`; new pages are zero, everything past the accessible bytes faults |
//! | [`CodeAllocator`] / [`CodeRegion`] | `Executable` / `CodeMemory` | code memory that is writable or executable, never both (`VirtualProtect`), with `FlushInstructionCache` before it runs |
//! | [`SystemClock`] | `Clock` | `QueryPerformanceCounter` and `GetSystemTimePreciseAsFileTime` (or `GetSystemTimeAsFileTime` where that is missing) with their resolutions |
//!
//! The names match `wasmbed-platform-unix`, so code choosing a platform by
//! `cfg` needs no other difference. [`configure`] puts all three into a
//! `Config`; the `wasmbed` facade does that on Windows. [`init_traps`] adds
//! the process-wide vectored exception handler that turns access
//! violations in registered compiled code into traps and passes every other
//! exception on ([`traps`] says how, and on which targets).
//!
//! On a target that is not Windows this crate is empty.
//!
//! [platform traits]: wasmbed_core::platform
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(windows)]
mod clock;
#[cfg(windows)]
mod executable;
#[cfg(windows)]
mod memory;
#[cfg(windows)]
pub mod traps;

#[cfg(windows)]
pub use clock::SystemClock;
#[cfg(windows)]
pub use executable::{CodeAllocator, CodeRegion};
#[cfg(windows)]
pub use memory::{page_size, GuardedMemory, GuardedMemoryCreator, MemoryConfig};
#[cfg(windows)]
pub use traps::init_traps;

/// Installs this platform in `config`: guarded memories with
/// [`MemoryConfig::host_default`], [`CodeAllocator`], [`SystemClock`], and
/// the fault handler ([`init_traps`], `Config::fault_traps`).
/// Limits and features already set stay as they are.
#[cfg(windows)]
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
