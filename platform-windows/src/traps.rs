//! Turning faults in compiled code into wasm traps: a process-wide
//! vectored exception handler, installed by [`init_traps`].
//!
//! Compiled code lets an out-of-bounds access run into a
//! [`GuardedMemory`](crate::GuardedMemory)'s guard region
//! (`Memory::guard_bytes` says how far it reaches): the load or store
//! raises `EXCEPTION_ACCESS_VIOLATION`. The handler:
//!
//! 1. is added once per process by [`init_traps`] with
//!    `AddVectoredExceptionHandler(1, ...)`, so it runs before the
//!    handlers added earlier (and before any frame-based handler);
//! 2. on an access violation, reads `Rip` from the `CONTEXT` and asks
//!    [`wasmbed_core::vm::code::trap_at`]. Modules register their linked
//!    code there (`vm::code::register`) for as long as it can run, and the
//!    backend's trap table names the `TrapCode` of every instruction that
//!    may fault. The lookup allocates nothing, touches no reference count
//!    and never blocks;
//! 3. if the answer is `Some((code, stub))`, resumes at the module's fault
//!    stub: `Rip = stub`, `Rax = code as u8`, `R11 = faulting pc`, every
//!    other register as it was (the stub relies on the faulting function's
//!    frame pointer and pinned registers), and returns
//!    `EXCEPTION_CONTINUE_EXECUTION`. The stub records the trap and returns
//!    from the faulting function by itself: nothing is unwound;
//! 4. otherwise (any other exception, or a PC that is not at a registered
//!    instruction expected to fault) returns `EXCEPTION_CONTINUE_SEARCH`,
//!    so the next handler sees the exception as if ours were not there,
//!    and real crashes stay crashes.
//!
//! The faulting address is not checked against the memories' reservations:
//! the trap table alone decides (an instruction in it only ever addresses
//! linear memory).
//!
//! x86-64 only: on other Windows targets [`SUPPORTED`] is `false` and
//! [`init_traps`] installs nothing, so compiled code there must not rely on
//! faults. Stack overflow (`EXCEPTION_STACK_OVERFLOW`) is not handled:
//! compiled code checks the stack limit in its prologue.
//!
//! `platform-unix/src/traps.rs` is the same with POSIX signal handlers.

/// Whether this target has a fault handler: `false` means [`init_traps`]
/// does nothing and faults in compiled code are never turned into traps.
pub const SUPPORTED: bool = imp::SUPPORTED;

/// Adds the process-wide exception handler (see the module docs), once:
/// later calls, from any thread, return at once. Call it before running
/// compiled code that relies on faults.
///
/// Does nothing on a target without a handler ([`SUPPORTED`] is `false`).
///
/// # Panics
///
/// If `AddVectoredExceptionHandler` fails.
pub fn init_traps() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(imp::install);
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use wasmbed_core::vm::code::trap_at;
    use windows_sys::Win32::Foundation::EXCEPTION_ACCESS_VIOLATION;
    use windows_sys::Win32::System::Diagnostics::Debug::{
        AddVectoredExceptionHandler, EXCEPTION_CONTINUE_EXECUTION, EXCEPTION_CONTINUE_SEARCH,
        EXCEPTION_POINTERS,
    };

    pub(super) const SUPPORTED: bool = true;

    pub(super) fn install() {
        // SAFETY: `on_exception` has the handler signature, lives for the
        // whole process, and is never removed.
        let handle = unsafe { AddVectoredExceptionHandler(1, Some(on_exception)) };
        assert!(!handle.is_null(), "AddVectoredExceptionHandler failed");
    }

    /// The handler. It allocates nothing and blocks on nothing (`trap_at`
    /// promises the same), so it is safe whatever the faulting thread held.
    unsafe extern "system" fn on_exception(info: *mut EXCEPTION_POINTERS) -> i32 {
        // SAFETY: the system passes valid exception pointers, whose record
        // and context stay valid, and the context ours to change, until the
        // handler returns.
        let (record, ctx) = unsafe { (&*(*info).ExceptionRecord, &mut *(*info).ContextRecord) };
        if record.ExceptionCode != EXCEPTION_ACCESS_VIOLATION {
            return EXCEPTION_CONTINUE_SEARCH;
        }
        let pc = ctx.Rip as usize;
        match trap_at(pc) {
            Some((code, stub)) => {
                ctx.Rip = stub as u64;
                ctx.Rax = code as u8 as u64;
                ctx.R11 = pc as u64;
                EXCEPTION_CONTINUE_EXECUTION
            }
            None => EXCEPTION_CONTINUE_SEARCH,
        }
    }
}

/// Targets without a handler: nothing is installed.
#[cfg(not(target_arch = "x86_64"))]
mod imp {
    pub(super) const SUPPORTED: bool = false;

    pub(super) fn install() {}
}
