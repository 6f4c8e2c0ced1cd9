//! Tests of the fault handler (`init_traps`): it installs once with the
//! documented flags, and on x86-64 and AArch64 it turns a fault at a
//! registered trap-table PC into a return through the module's fault stub,
//! with the trap code in `rax`/`x16` and the faulting PC in `r11`/`x17`,
//! while every other fault still reaches the handler installed before it,
//! or crashes.
//!
//! The compiled code is a hand-assembled page from the crate's
//! [`CodeAllocator`](wasmbed_platform_unix::CodeAllocator) (W^X, with the
//! instruction cache flushed on AArch64): a function
//! `extern "C" fn(*const u8) -> u64` that is `mov rax, [rdi]; ret`
//! (`ldr x0, [x0]; ret`), and a fault stub after it. Faults that must crash, and handlers that end the
//! process, run in a child: this test binary re-run with one test selected
//! (`--exact`) and the case in [`CHILD_VAR`].
#![cfg(unix)]

use wasmbed_platform_unix::init_traps;
use wasmbed_platform_unix::traps::SUPPORTED;

/// The environment variable naming the case a child process runs.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const CHILD_VAR: &str = "WASMBED_TRAPS_CHILD";

/// The current action for `sig`.
fn current_action(sig: libc::c_int) -> libc::sigaction {
    // SAFETY: a zeroed `sigaction` is a valid out-value; a null new action
    // only queries.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(sig, std::ptr::null(), &mut act), 0);
        act
    }
}

#[test]
fn init_traps_installs_once_from_any_thread() {
    let threads: Vec<_> = (0..4).map(|_| std::thread::spawn(init_traps)).collect();
    for t in threads {
        t.join().unwrap();
    }
    init_traps();
    let first = current_action(libc::SIGSEGV).sa_sigaction;
    init_traps();
    assert_eq!(current_action(libc::SIGSEGV).sa_sigaction, first);
    if !SUPPORTED {
        return;
    }
    for sig in [libc::SIGSEGV, libc::SIGBUS] {
        let act = current_action(sig);
        assert_ne!(act.sa_sigaction, libc::SIG_DFL);
        assert_ne!(act.sa_sigaction, libc::SIG_IGN);
        let flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
        assert_eq!(act.sa_flags & flags, flags, "signal {sig}");
    }
    // Both signals go to the same handler.
    assert_eq!(
        current_action(libc::SIGSEGV).sa_sigaction,
        current_action(libc::SIGBUS).sa_sigaction
    );
}

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod exec {
    use super::*;
    use std::io::Read;
    use std::ops::Range;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, ExitStatus, Stdio};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use wasmbed_core::backend::{FuncEntry, ModuleCode};
    use wasmbed_core::platform::{CodeMemory, Executable};
    use wasmbed_core::vm::code::{register, Registration};
    use wasmbed_core::TrapCode;
    use wasmbed_platform_unix::{page_size, CodeAllocator};

    /// `mov rax, [rdi]; ret`: the load at offset 0 is the instruction that
    /// faults.
    #[cfg(target_arch = "x86_64")]
    const LOAD: &[u8] = &[0x48, 0x8b, 0x07, 0xc3];
    /// A stub returning what the handler put in `rax`, the trap code: `ret`.
    #[cfg(target_arch = "x86_64")]
    const STUB_CODE: &[u8] = &[0xc3];
    /// A stub returning what the handler put in `r11`, the faulting PC:
    /// `mov rax, r11; ret`.
    #[cfg(target_arch = "x86_64")]
    const STUB_PC: &[u8] = &[0x4c, 0x89, 0xd8, 0xc3];

    /// `ldr x0, [x0]; ret`: the load at offset 0 is the instruction that
    /// faults.
    #[cfg(target_arch = "aarch64")]
    const LOAD: &[u8] = &[0x00, 0x00, 0x40, 0xf9, 0xc0, 0x03, 0x5f, 0xd6];
    /// A stub returning what the handler put in `x16`, the trap code:
    /// `mov x0, x16; ret`.
    #[cfg(target_arch = "aarch64")]
    const STUB_CODE: &[u8] = &[0xe0, 0x03, 0x10, 0xaa, 0xc0, 0x03, 0x5f, 0xd6];
    /// A stub returning what the handler put in `x17`, the faulting PC:
    /// `mov x0, x17; ret`.
    #[cfg(target_arch = "aarch64")]
    const STUB_PC: &[u8] = &[0xe0, 0x03, 0x11, 0xaa, 0xc0, 0x03, 0x5f, 0xd6];

    /// Where the fault stub starts in the page.
    const STUB_OFF: usize = 16;

    type LoadFn = extern "C" fn(*const u8) -> u64;

    /// The test module's code: one page, with `trap` (if any) as the trap
    /// of the load at offset 0.
    struct TestCode {
        text: Range<usize>,
        trap: Option<TrapCode>,
        stub: usize,
    }

    impl ModuleCode for TestCode {
        fn entry(&self, _: u32) -> Option<FuncEntry> {
            None
        }
        fn text(&self) -> Range<usize> {
            self.text.clone()
        }
        fn trap_code(&self, text_off: u32) -> Option<TrapCode> {
            if text_off == 0 {
                self.trap
            } else {
                None
            }
        }
        fn frame_at(&self, _: u32) -> Option<(u32, u32)> {
            None
        }
        fn fault_stub(&self) -> usize {
            self.stub
        }
    }

    /// A registered page of code: [`LOAD`] at 0, a stub at [`STUB_OFF`].
    struct CodePage {
        region: Box<dyn CodeMemory>,
        registration: Option<Registration>,
    }

    impl CodePage {
        fn new(stub: &[u8], trap: Option<TrapCode>) -> CodePage {
            let mut region = CodeAllocator::new()
                .allocate(page_size())
                .expect("code memory");
            let base = region.base();
            assert!(STUB_OFF + stub.len() <= region.len());
            // SAFETY: a fresh region is writable, and both copies land
            // inside it (`LOAD` is shorter than `STUB_OFF`).
            unsafe {
                std::ptr::copy_nonoverlapping(LOAD.as_ptr(), base, LOAD.len());
                std::ptr::copy_nonoverlapping(stub.as_ptr(), base.add(STUB_OFF), stub.len());
            }
            region.make_executable().expect("make_executable");
            let start = base as usize;
            let registration = register(Arc::new(TestCode {
                text: start..start + region.len(),
                trap,
                stub: start + STUB_OFF,
            }))
            .expect("the page overlaps no registered code");
            CodePage {
                region,
                registration: Some(registration),
            }
        }

        fn base(&self) -> usize {
            self.region.base() as usize
        }

        fn load(&self) -> LoadFn {
            // SAFETY: the region starts with a complete function of this
            // signature in the C calling convention ([`LOAD`]), executable
            // until `self` is dropped; callers do not outlive it.
            unsafe { std::mem::transmute::<*mut u8, LoadFn>(self.region.base()) }
        }
    }

    impl Drop for CodePage {
        fn drop(&mut self) {
            // Unregister before the code memory goes (with `region`).
            drop(self.registration.take());
        }
    }

    /// A page that faults on any access.
    struct NoAccess {
        base: *mut u8,
        len: usize,
    }

    impl NoAccess {
        fn new() -> NoAccess {
            let len = page_size();
            // SAFETY: a fresh private anonymous mapping.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANON,
                    -1,
                    0,
                )
            };
            assert_ne!(base, libc::MAP_FAILED, "mmap failed");
            NoAccess {
                base: base.cast(),
                len,
            }
        }

        /// An address in the middle of the page.
        fn ptr(&self) -> *const u8 {
            self.base.wrapping_add(self.len / 2)
        }
    }

    impl Drop for NoAccess {
        fn drop(&mut self) {
            // SAFETY: the mapping is ours.
            unsafe { libc::munmap(self.base.cast(), self.len) };
        }
    }

    #[test]
    fn a_fault_at_a_registered_pc_returns_through_the_stub() {
        if !SUPPORTED {
            return;
        }
        init_traps();
        let page = CodePage::new(STUB_CODE, Some(TrapCode::MemoryOutOfBounds));
        let guard = NoAccess::new();
        let f = page.load();
        let value: u64 = 0x1122_3344_5566_7788;
        assert_eq!(f((&value as *const u64).cast()), value);
        assert_eq!(f(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
        // The code keeps working after a trap, and traps again.
        assert_eq!(f((&value as *const u64).cast()), value);
        assert_eq!(f(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
    }

    #[test]
    fn the_stub_gets_the_table_trap_code_and_the_faulting_pc() {
        if !SUPPORTED {
            return;
        }
        init_traps();
        let guard = NoAccess::new();
        let page = CodePage::new(STUB_CODE, Some(TrapCode::NullReference));
        assert_eq!(page.load()(guard.ptr()), TrapCode::NullReference as u64);
        let page = CodePage::new(STUB_PC, Some(TrapCode::MemoryOutOfBounds));
        assert_eq!(page.load()(guard.ptr()), page.base() as u64);
    }

    #[test]
    fn faults_on_many_threads_at_once_all_trap() {
        if !SUPPORTED {
            return;
        }
        init_traps();
        let page = CodePage::new(STUB_CODE, Some(TrapCode::MemoryOutOfBounds));
        let guard = NoAccess::new();
        let (f, p) = (page.load(), guard.ptr() as usize);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    (0..500)
                        .filter(|_| f(p as *const u8) == TrapCode::MemoryOutOfBounds as u64)
                        .count()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 500);
        }
    }

    /// Exit status of a child whose earlier `SA_SIGINFO` handler got the
    /// fault.
    const CHAINED_SIGINFO: i32 = 42;
    /// Exit status of a child whose earlier plain handler got the fault.
    const CHAINED_PLAIN: i32 = 43;
    /// Exit status of a child whose fault did not end it.
    const SURVIVED: i32 = 44;

    extern "C" fn exit_siginfo(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(CHAINED_SIGINFO) };
    }

    extern "C" fn exit_plain(_: libc::c_int) {
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(CHAINED_PLAIN) };
    }

    /// Sets `handler` (with `flags`) for `SIGSEGV` and `SIGBUS`.
    fn set_handlers(handler: libc::sighandler_t, flags: libc::c_int) {
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: a zeroed `sigaction` with an empty mask is valid; the
            // handler matches the signature `flags` select (or is SIG_DFL).
            unsafe {
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = handler;
                act.sa_flags = flags;
                libc::sigemptyset(&mut act.sa_mask);
                assert_eq!(libc::sigaction(sig, &act, std::ptr::null_mut()), 0);
            }
        }
    }

    /// The command that starts this test binary again: through the runner
    /// cargo was given for this target (`CARGO_TARGET_<TRIPLE>_RUNNER`,
    /// qemu when CI tests AArch64 on x86-64, where no binfmt handler would
    /// start a foreign binary), else directly.
    fn this_binary() -> Command {
        let exe = std::env::current_exe().unwrap();
        let arch = std::env::consts::ARCH.to_uppercase();
        let os = std::env::consts::OS.to_uppercase();
        let runner = std::env::vars().find_map(|(k, v)| {
            (k.starts_with(&format!("CARGO_TARGET_{arch}_"))
                && k.contains(&os)
                && k.ends_with("_RUNNER"))
            .then_some(v)
        });
        match runner.as_deref().map(str::split_whitespace) {
            Some(mut words) => match words.next() {
                Some(first) => {
                    let mut cmd = Command::new(first);
                    cmd.args(words).arg(exe);
                    cmd
                }
                None => Command::new(exe),
            },
            None => Command::new(exe),
        }
    }

    /// Runs `test` (a test of this binary) alone in a child process with
    /// [`CHILD_VAR`] = `case`, and returns how the child ended. A child
    /// still running after a minute (a handler that resumes the faulting
    /// instruction forever) is killed and fails the test.
    fn run_child(test: &str, case: &str) -> ExitStatus {
        let mut child = this_binary()
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_VAR, case)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("running the test binary");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("{case}: the child hangs");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        assert!(
            stdout.contains("running 1 test"),
            "{case}: the child did not run `{test}` alone:\n{stdout}"
        );
        status
    }

    /// In a child: no core file for the crashes these children expect.
    fn no_core_dumps() {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `zero` is a valid rlimit; lowering a limit is allowed.
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) };
    }

    /// Faults with the load of a registered page whose trap table is empty.
    fn fault_in_registered_code_without_table_entry() {
        let page = CodePage::new(STUB_CODE, None);
        let guard = NoAccess::new();
        let got = page.load()(guard.ptr());
        println!("the load returned {got}");
    }

    /// Faults in Rust code: not registered at all.
    fn fault_outside_registered_code() {
        let guard = NoAccess::new();
        // SAFETY: not safe at all: this faults on purpose, in a child
        // process that the fault ends.
        let got = unsafe { std::ptr::read_volatile(guard.ptr()) };
        println!("the read returned {got}");
    }

    fn assert_killed_by_fault(status: ExitStatus, case: &str) {
        let sig = status.signal();
        if cfg!(target_os = "linux") {
            assert_eq!(sig, Some(libc::SIGSEGV), "{case}: {status}");
        } else {
            assert!(
                sig == Some(libc::SIGSEGV) || sig == Some(libc::SIGBUS),
                "{case}: {status}"
            );
        }
    }

    #[test]
    fn a_fault_not_in_the_trap_table_is_not_claimed() {
        if !SUPPORTED {
            return;
        }
        const NAME: &str = "exec::a_fault_not_in_the_trap_table_is_not_claimed";
        match std::env::var(CHILD_VAR).as_deref() {
            // Before ours: Rust's own stack-overflow handler, which resets
            // the default action for a fault off the stack guard.
            Ok("std") => {}
            // Before ours: the default action.
            Ok("default") => set_handlers(libc::SIG_DFL, 0),
            Ok(other) => panic!("unknown case {other}"),
            Err(_) => {
                for case in ["std", "default"] {
                    assert_killed_by_fault(run_child(NAME, case), case);
                }
                return;
            }
        }
        no_core_dumps();
        init_traps();
        fault_in_registered_code_without_table_entry();
        std::process::exit(SURVIVED);
    }

    #[test]
    fn an_earlier_handler_still_gets_faults_that_are_not_ours() {
        if !SUPPORTED {
            return;
        }
        const NAME: &str = "exec::an_earlier_handler_still_gets_faults_that_are_not_ours";
        let siginfo = exit_siginfo as *const () as libc::sighandler_t;
        let plain = exit_plain as *const () as libc::sighandler_t;
        let Ok(case) = std::env::var(CHILD_VAR) else {
            for (case, want) in [
                ("siginfo-outside", CHAINED_SIGINFO),
                ("plain-outside", CHAINED_PLAIN),
                ("siginfo-in-text", CHAINED_SIGINFO),
                ("plain-in-text", CHAINED_PLAIN),
            ] {
                let status = run_child(NAME, case);
                assert_eq!(status.code(), Some(want), "{case}: {status}");
            }
            return;
        };
        no_core_dumps();
        match case.split_once('-').unwrap().0 {
            "siginfo" => set_handlers(siginfo, libc::SA_SIGINFO),
            _ => set_handlers(plain, 0),
        }
        init_traps();
        // Ours still claims its own faults with another handler before it.
        let page = CodePage::new(STUB_CODE, Some(TrapCode::MemoryOutOfBounds));
        let guard = NoAccess::new();
        assert_eq!(page.load()(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
        if case.ends_with("outside") {
            fault_outside_registered_code();
        } else {
            fault_in_registered_code_without_table_entry();
        }
        std::process::exit(SURVIVED);
    }
}
