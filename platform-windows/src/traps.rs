//! Turning faults in compiled code into wasm traps: the place reserved for
//! it, empty until the first JIT lands.
//!
//! Today nothing faults on purpose: the interpreter bounds-checks every
//! access and reports `TrapCode`s itself. Compiled code will instead let an
//! out-of-bounds access run into a [`GuardedMemory`](crate::GuardedMemory)'s
//! guard region (`Memory::guard_bytes` says how far it reaches), and
//! possibly divide by zero or overflow its stack. The handler that belongs
//! here then:
//!
//! 1. is a vectored exception handler added once per process with
//!    `AddVectoredExceptionHandler`, with `SetThreadStackGuarantee` on each
//!    thread that runs wasm so a stack overflow can still be handled;
//! 2. on `EXCEPTION_ACCESS_VIOLATION`, `EXCEPTION_INT_DIVIDE_BY_ZERO`,
//!    `EXCEPTION_INT_OVERFLOW` or `EXCEPTION_STACK_OVERFLOW`, checks that
//!    the faulting `Rip`/`Pc` lies in code of a JIT backend (a registry of
//!    `CodeRegion` ranges, lock-free to read) and, for access violations,
//!    that `ExceptionInformation[1]` lies in a guarded memory's
//!    reservation; anything else returns `EXCEPTION_CONTINUE_SEARCH`, so
//!    real crashes stay crashes;
//! 3. maps the PC to a `TrapCode` through the core's PC-to-code table
//!    (`wasmbed_core::vm::trap`, shared by all backends) and resumes at the
//!    backend's entry trampoline by rewriting the `CONTEXT` and returning
//!    `EXCEPTION_CONTINUE_EXECUTION`, which returns the trap to
//!    `Backend::invoke`'s caller.
//!
//! `platform-unix/src/traps.rs` is the same with POSIX signal handlers.
