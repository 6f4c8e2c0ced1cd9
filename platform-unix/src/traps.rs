//! Turning faults in compiled code into wasm traps: a process-wide
//! `SIGSEGV`/`SIGBUS` handler, installed by [`init_traps`].
//!
//! Compiled code lets an out-of-bounds access run into a
//! [`GuardedMemory`](crate::GuardedMemory)'s guard region
//! (`Memory::guard_bytes` says how far it reaches): the load or store
//! faults with `SIGSEGV` (Linux) or `SIGBUS`/`SIGSEGV` (macOS, FreeBSD).
//! The handler:
//!
//! 1. is installed once per process by [`init_traps`] with `sigaction` for
//!    `SIGSEGV` and `SIGBUS`, flags `SA_SIGINFO | SA_NODEFER | SA_ONSTACK`
//!    (a thread with a `sigaltstack`, as Rust's own threads have, runs it
//!    there; this module sets none up itself), keeping the handlers that
//!    were installed before to chain to;
//! 2. on a fault, reads the PC from the `ucontext_t` and asks
//!    [`wasmbed_core::vm::code::trap_at`]. Modules register their linked
//!    code there (`vm::code::register`) for as long as it can run, and the
//!    backend's trap table names the `TrapCode` of every instruction that
//!    may fault. The lookup allocates nothing, touches no reference count
//!    and never blocks, so it is safe in a signal handler;
//! 3. if the answer is `Some((code, stub))`, resumes at the module's fault
//!    stub by rewriting the `ucontext_t`: on x86-64 `rip = stub`,
//!    `rax = code as u8`, `r11 = faulting pc`; on AArch64 `pc = stub`,
//!    `x16 = code as u8`, `x17 = faulting pc`. Every other register keeps
//!    the faulting function's value (the stub relies on its frame pointer
//!    and pinned registers); the stub records the trap and returns from the
//!    faulting function by itself. No `longjmp`, no allocation;
//! 4. otherwise the fault is not ours (the PC is not in registered code, or
//!    not at an instruction the backend expects to fault) and goes to the
//!    handler installed before: its `sa_sigaction` with the same arguments
//!    if it had `SA_SIGINFO`, else its `sa_handler`, with its `sa_mask`
//!    (and the signal itself unless it had `SA_NODEFER`) blocked while it
//!    runs, and its disposition reset first if it had `SA_RESETHAND`. If it
//!    was `SIG_DFL` or `SIG_IGN`, the default disposition is restored and
//!    the handler returns, so the instruction faults again and the process
//!    dies as it would have without us. A real crash is never swallowed.
//!
//! The faulting address is not checked against the memories' reservations:
//! the trap table alone decides (an instruction in it only ever addresses
//! linear memory).
//!
//! Targets: Linux (x86-64, AArch64), macOS (x86-64, AArch64) and FreeBSD
//! (x86-64). On any other Unix target [`SUPPORTED`] is `false` and
//! [`init_traps`] installs nothing, so compiled code there must not rely
//! on faults (it must bounds-check every access).
//!
//! A fault on the native stack's guard page is not handled here: compiled
//! code checks the stack limit in its prologue, and a fault there is
//! passed on (to Rust's own stack-overflow report).
//!
//! `platform-windows/src/traps.rs` is the same with a vectored exception
//! handler.

/// Whether this target has a fault handler: `false` means [`init_traps`]
/// does nothing and faults in compiled code are never turned into traps.
pub const SUPPORTED: bool = imp::SUPPORTED;

/// Installs the process-wide fault handler (see the module docs), once:
/// later calls, from any thread, return at once. Call it before running
/// compiled code that relies on faults.
///
/// Does nothing on a target without a handler ([`SUPPORTED`] is `false`).
///
/// # Panics
///
/// If `sigaction` refuses to install the handler, which it does only for
/// invalid arguments.
pub fn init_traps() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(imp::install);
}

#[cfg(any(
    all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ),
    all(
        target_os = "macos",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ),
    all(target_os = "freebsd", target_arch = "x86_64"),
))]
mod imp {
    use libc::{c_int, c_void, siginfo_t};
    use std::sync::OnceLock;
    use wasmbed_core::vm::code::trap_at;

    pub(super) const SUPPORTED: bool = true;

    /// The handlers that were installed for `SIGSEGV` and `SIGBUS` before
    /// ours, set before ours is installed (so the handler finds them).
    static PREV_SEGV: OnceLock<libc::sigaction> = OnceLock::new();
    static PREV_BUS: OnceLock<libc::sigaction> = OnceLock::new();

    fn prev(sig: c_int) -> Option<&'static libc::sigaction> {
        match sig {
            libc::SIGSEGV => PREV_SEGV.get(),
            libc::SIGBUS => PREV_BUS.get(),
            _ => None,
        }
    }

    pub(super) fn install() {
        for (sig, slot) in [(libc::SIGSEGV, &PREV_SEGV), (libc::SIGBUS, &PREV_BUS)] {
            // SAFETY: a zeroed `sigaction` is a valid (if meaningless)
            // value of the plain C struct; `sigaction` with a null new
            // action only writes the current one into `old`.
            let old = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                let rc = libc::sigaction(sig, std::ptr::null(), &mut old);
                assert_eq!(rc, 0, "sigaction({sig}) query failed");
                old
            };
            // The only writer: `install` runs once (`init_traps`' `Once`).
            let _ = slot.set(old);
            // SAFETY: `new` is fully initialized: a zeroed struct with the
            // handler, an empty mask and the flags set. `on_fault` has the
            // `SA_SIGINFO` signature and is async-signal-safe (see it).
            unsafe {
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_fault as *const () as usize;
                new.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
                libc::sigemptyset(&mut new.sa_mask);
                let rc = libc::sigaction(sig, &new, std::ptr::null_mut());
                assert_eq!(rc, 0, "sigaction({sig}) install failed");
            }
        }
    }

    /// The signal handler. Async-signal-safe: `trap_at` allocates and
    /// blocks on nothing, the `OnceLock` read is an atomic load, and
    /// chaining calls only `sigaction`, `sigaddset` and `pthread_sigmask`.
    extern "C" fn on_fault(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        // SAFETY: the kernel passes the interrupted context as the third
        // argument of an `SA_SIGINFO` handler; it is valid, and ours alone
        // to change, until the handler returns.
        let pc = unsafe { regs::pc(ctx) };
        if let Some((code, stub)) = trap_at(pc) {
            // SAFETY: as above; `stub` is the registered code's fault stub,
            // which expects exactly these registers (the module contract).
            unsafe { regs::resume(ctx, stub, code as u8 as u64, pc) };
            return;
        }
        // SAFETY: the arguments are the kernel's, passed on unchanged.
        unsafe { chain(sig, info, ctx) };
    }

    /// Passes a fault that is not ours to the handler installed before.
    ///
    /// # Safety
    ///
    /// Only from the signal handler, with the kernel's arguments.
    unsafe fn chain(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        let Some(prev) = prev(sig) else {
            reset_default(sig);
            return;
        };
        let handler = prev.sa_sigaction;
        if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
            // Ignoring a fault would re-execute the instruction forever (or
            // the kernel kills the process anyway): both mean "crash".
            reset_default(sig);
            return;
        }
        if prev.sa_flags & libc::SA_RESETHAND != 0 {
            reset_default(sig);
        }
        // SAFETY: plain C calls on a local set; `mask` is initialized by
        // copying the previous handler's mask.
        let old_mask = unsafe {
            let mut mask = prev.sa_mask;
            if prev.sa_flags & libc::SA_NODEFER == 0 {
                libc::sigaddset(&mut mask, sig);
            }
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &mask, &mut old);
            old
        };
        if prev.sa_flags & libc::SA_SIGINFO != 0 {
            // SAFETY: a handler installed with `SA_SIGINFO` has this
            // signature, and expects the kernel's arguments, which these are.
            unsafe {
                let f: extern "C" fn(c_int, *mut siginfo_t, *mut c_void) =
                    std::mem::transmute(handler);
                f(sig, info, ctx);
            }
        } else {
            // SAFETY: a handler installed without `SA_SIGINFO` has the
            // one-argument signature.
            unsafe {
                let f: extern "C" fn(c_int) = std::mem::transmute(handler);
                f(sig);
            }
        }
        // SAFETY: restores the mask saved above (returning from the handler
        // would restore the interrupted one anyway).
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old_mask, std::ptr::null_mut()) };
    }

    /// Restores the default disposition of `sig`: returning from the
    /// handler then re-executes the faulting instruction, which now kills
    /// the process as if no handler had been installed.
    fn reset_default(sig: c_int) {
        // SAFETY: a zeroed `sigaction` with `SIG_DFL` and an empty mask is a
        // valid action.
        unsafe {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigemptyset(&mut dfl.sa_mask);
            libc::sigaction(sig, &dfl, std::ptr::null_mut());
        }
    }

    /// Reading the PC of, and redirecting, an interrupted context.
    ///
    /// Both functions require `ctx` to be the `ucontext_t` the kernel
    /// passed to an `SA_SIGINFO` handler that is still running.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    mod regs {
        use libc::{c_void, ucontext_t, REG_R11, REG_RAX, REG_RIP};

        pub(super) unsafe fn pc(ctx: *mut c_void) -> usize {
            // SAFETY: `ctx` is a live `ucontext_t` (the caller's promise).
            unsafe { (*ctx.cast::<ucontext_t>()).uc_mcontext.gregs[REG_RIP as usize] as usize }
        }

        pub(super) unsafe fn resume(ctx: *mut c_void, stub: usize, code: u64, pc: usize) {
            // SAFETY: as in `pc`; the handler owns the context until it
            // returns, and the kernel resumes from what it holds then.
            let gregs = unsafe { &mut (*ctx.cast::<ucontext_t>()).uc_mcontext.gregs };
            gregs[REG_RIP as usize] = stub as i64;
            gregs[REG_RAX as usize] = code as i64;
            gregs[REG_R11 as usize] = pc as i64;
        }
    }

    #[cfg(all(target_os = "linux", target_arch = "aarch64"))]
    mod regs {
        use libc::{c_void, ucontext_t};

        pub(super) unsafe fn pc(ctx: *mut c_void) -> usize {
            // SAFETY: `ctx` is a live `ucontext_t` (the caller's promise).
            unsafe { (*ctx.cast::<ucontext_t>()).uc_mcontext.pc as usize }
        }

        pub(super) unsafe fn resume(ctx: *mut c_void, stub: usize, code: u64, pc: usize) {
            // SAFETY: as in `pc`; the handler owns the context until it
            // returns, and the kernel resumes from what it holds then.
            let mc = unsafe { &mut (*ctx.cast::<ucontext_t>()).uc_mcontext };
            mc.pc = stub as u64;
            mc.regs[16] = code;
            mc.regs[17] = pc as u64;
        }
    }

    #[cfg(all(target_os = "macos", target_arch = "x86_64"))]
    mod regs {
        use libc::{c_void, ucontext_t};

        pub(super) unsafe fn pc(ctx: *mut c_void) -> usize {
            // SAFETY: `ctx` is a live `ucontext_t` (the caller's promise),
            // whose `uc_mcontext` points at its machine state.
            unsafe { (*(*ctx.cast::<ucontext_t>()).uc_mcontext).__ss.__rip as usize }
        }

        pub(super) unsafe fn resume(ctx: *mut c_void, stub: usize, code: u64, pc: usize) {
            // SAFETY: as in `pc`; the handler owns the context until it
            // returns, and the kernel resumes from what it holds then.
            let ss = unsafe { &mut (*(*ctx.cast::<ucontext_t>()).uc_mcontext).__ss };
            ss.__rip = stub as u64;
            ss.__rax = code;
            ss.__r11 = pc as u64;
        }
    }

    #[cfg(all(target_os = "macos", target_arch = "aarch64"))]
    mod regs {
        use libc::{c_void, ucontext_t};

        pub(super) unsafe fn pc(ctx: *mut c_void) -> usize {
            // SAFETY: `ctx` is a live `ucontext_t` (the caller's promise),
            // whose `uc_mcontext` points at its machine state.
            unsafe { (*(*ctx.cast::<ucontext_t>()).uc_mcontext).__ss.__pc as usize }
        }

        pub(super) unsafe fn resume(ctx: *mut c_void, stub: usize, code: u64, pc: usize) {
            // SAFETY: as in `pc`; the handler owns the context until it
            // returns, and the kernel resumes from what it holds then.
            let ss = unsafe { &mut (*(*ctx.cast::<ucontext_t>()).uc_mcontext).__ss };
            ss.__pc = stub as u64;
            ss.__x[16] = code;
            ss.__x[17] = pc as u64;
        }
    }

    #[cfg(all(target_os = "freebsd", target_arch = "x86_64"))]
    mod regs {
        use libc::{c_void, ucontext_t};

        pub(super) unsafe fn pc(ctx: *mut c_void) -> usize {
            // SAFETY: `ctx` is a live `ucontext_t` (the caller's promise).
            unsafe { (*ctx.cast::<ucontext_t>()).uc_mcontext.mc_rip as usize }
        }

        pub(super) unsafe fn resume(ctx: *mut c_void, stub: usize, code: u64, pc: usize) {
            // SAFETY: as in `pc`; the handler owns the context until it
            // returns, and the kernel resumes from what it holds then.
            let mc = unsafe { &mut (*ctx.cast::<ucontext_t>()).uc_mcontext };
            mc.mc_rip = stub as i64;
            mc.mc_rax = code as i64;
            mc.mc_r11 = pc as i64;
        }
    }
}

/// Targets without a handler: nothing is installed.
#[cfg(not(any(
    all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ),
    all(
        target_os = "macos",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ),
    all(target_os = "freebsd", target_arch = "x86_64"),
)))]
mod imp {
    pub(super) const SUPPORTED: bool = false;

    pub(super) fn install() {}
}
