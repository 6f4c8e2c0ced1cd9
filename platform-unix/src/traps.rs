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
//! 1. is installed once per process with `sigaction` for `SIGSEGV`,
//!    `SIGBUS`, `SIGILL` and `SIGFPE` (`SA_SIGINFO | SA_ONSTACK`), with a
//!    per-thread `sigaltstack` so a stack overflow can be handled, keeping
//!    the previous handlers to chain to;
//! 2. on a fault, checks that the faulting PC lies in code of a JIT
//!    backend (a registry of `CodeRegion` ranges, lock-free to read) and,
//!    for memory faults, that the address lies in a guarded memory's
//!    reservation; anything else goes to the previous handler, so real
//!    crashes stay crashes;
//! 3. maps the PC to a `TrapCode` through the core's PC-to-code table
//!    (`wasmbed_core::vm::trap`, shared by all backends) and resumes at the
//!    backend's entry trampoline by rewriting the PC and argument registers
//!    in the `ucontext_t` (no `longjmp` over Rust frames), which returns the
//!    trap to `Backend::invoke`'s caller.
//!
//! `platform-windows/src/traps.rs` is the same with a vectored exception
//! handler.
