//! Tests of the exception handler (`init_traps`) on x86-64: an access
//! violation at a registered trap-table PC returns through the module's
//! fault stub with the trap code in `Rax` and the faulting PC in `R11`,
//! and every other access violation still reaches the handlers behind
//! ours.
//!
//! The compiled code is a hand-assembled page: a function
//! `extern "C" fn(*const u8) -> u64` that is `mov rax, [rcx]; ret`, and a
//! fault stub after it. Faults that must reach another handler run in a
//! child: this test binary re-run with one test selected (`--exact`) and
//! the case in [`CHILD_VAR`]; that handler ends the child with
//! [`CHAINED`].
#![cfg(all(windows, target_arch = "x86_64"))]

mod common;
use common::run_child;
use std::ops::Range;
use std::process::{Command, Stdio};
use std::sync::Arc;
use wasmbed_core::backend::{FuncEntry, ModuleCode};
use wasmbed_core::vm::code::{register, Registration};
use wasmbed_core::TrapCode;
use wasmbed_platform_windows::{init_traps, page_size};
use windows_sys::Win32::Foundation::EXCEPTION_ACCESS_VIOLATION;
use windows_sys::Win32::System::Diagnostics::Debug::{
    AddVectoredExceptionHandler, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_POINTERS,
};
use windows_sys::Win32::System::Memory::{
    VirtualAlloc, VirtualFree, VirtualProtect, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE,
    PAGE_EXECUTE_READ, PAGE_NOACCESS, PAGE_READWRITE,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, TerminateProcess};

/// The environment variable naming the case a child process runs.
const CHILD_VAR: &str = "WASMBED_TRAPS_CHILD";
/// Exit code of a child whose other handler got the access violation.
const CHAINED: i32 = 42;
/// Exit code of a child whose fault did not end it.
const SURVIVED: i32 = 44;

/// `mov rax, [rcx]; ret` (Win64: the first argument is in `rcx`): the load
/// at offset 0 is the instruction that faults.
const LOAD: [u8; 4] = [0x48, 0x8b, 0x01, 0xc3];
/// Where the fault stub starts in the page.
const STUB_OFF: usize = 16;
/// A stub that returns what the handler put in `rax`: the trap code.
const STUB_RET: [u8; 1] = [0xc3];
/// A stub returning what the handler put in `r11`: `mov rax, r11; ret`.
const STUB_R11: [u8; 4] = [0x4c, 0x89, 0xd8, 0xc3];

type LoadFn = extern "C" fn(*const u8) -> u64;

/// The test module's code: one page, with `trap` (if any) as the trap of
/// the load at offset 0.
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
    base: *mut u8,
    registration: Option<Registration>,
}

impl CodePage {
    fn new(stub: &[u8], trap: Option<TrapCode>) -> CodePage {
        let len = page_size();
        // SAFETY: a fresh committed allocation; nothing else refers to it.
        let base = unsafe {
            VirtualAlloc(
                std::ptr::null(),
                len,
                MEM_RESERVE | MEM_COMMIT,
                PAGE_READWRITE,
            )
        }
        .cast::<u8>();
        assert!(!base.is_null(), "VirtualAlloc failed");
        // SAFETY: both copies land inside the writable page (the stubs are
        // shorter than `len - STUB_OFF`), which is then made read+execute
        // and never written again.
        unsafe {
            std::ptr::copy_nonoverlapping(LOAD.as_ptr(), base, LOAD.len());
            std::ptr::copy_nonoverlapping(stub.as_ptr(), base.add(STUB_OFF), stub.len());
            let mut old = 0;
            let ok = VirtualProtect(base.cast(), len, PAGE_EXECUTE_READ, &mut old);
            assert_ne!(ok, 0, "VirtualProtect failed");
        }
        let start = base as usize;
        let registration = register(Arc::new(TestCode {
            text: start..start + len,
            trap,
            stub: start + STUB_OFF,
        }))
        .expect("the page overlaps no registered code");
        CodePage {
            base,
            registration: Some(registration),
        }
    }

    fn load(&self) -> LoadFn {
        // SAFETY: the page starts with a complete Win64 function of this
        // signature (`mov rax, [rcx]; ret`), executable until `self` is
        // dropped; callers do not outlive it.
        unsafe { std::mem::transmute::<*mut u8, LoadFn>(self.base) }
    }
}

impl Drop for CodePage {
    fn drop(&mut self) {
        // Unregister before the code memory goes.
        drop(self.registration.take());
        // SAFETY: the allocation is ours and nothing runs in it any more.
        unsafe { VirtualFree(self.base.cast(), 0, MEM_RELEASE) };
    }
}

/// Reserved address space that faults on any access.
struct NoAccess {
    base: *mut u8,
}

impl NoAccess {
    fn new() -> NoAccess {
        // SAFETY: a fresh reservation; nothing else refers to it.
        let base =
            unsafe { VirtualAlloc(std::ptr::null(), page_size(), MEM_RESERVE, PAGE_NOACCESS) };
        assert!(!base.is_null(), "VirtualAlloc failed");
        NoAccess { base: base.cast() }
    }

    /// An address in the middle of the reservation.
    fn ptr(&self) -> *const u8 {
        self.base.wrapping_add(page_size() / 2)
    }
}

impl Drop for NoAccess {
    fn drop(&mut self) {
        // SAFETY: the reservation is ours.
        unsafe { VirtualFree(self.base.cast(), 0, MEM_RELEASE) };
    }
}

#[test]
fn a_fault_at_a_registered_pc_returns_through_the_stub() {
    let threads: Vec<_> = (0..4).map(|_| std::thread::spawn(init_traps)).collect();
    for t in threads {
        t.join().unwrap();
    }
    init_traps();
    let page = CodePage::new(&STUB_RET, Some(TrapCode::MemoryOutOfBounds));
    let guard = NoAccess::new();
    let f = page.load();
    let value: u64 = 0x1122_3344_5566_7788;
    assert_eq!(f((&value as *const u64).cast()), value);
    assert_eq!(f(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
    assert_eq!(f((&value as *const u64).cast()), value);
    assert_eq!(f(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
}

#[test]
fn the_stub_gets_the_table_trap_code_and_the_faulting_pc() {
    init_traps();
    let guard = NoAccess::new();
    let page = CodePage::new(&STUB_RET, Some(TrapCode::NullReference));
    assert_eq!(page.load()(guard.ptr()), TrapCode::NullReference as u64);
    let page = CodePage::new(&STUB_R11, Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(page.load()(guard.ptr()), page.base as u64);
}

unsafe extern "system" fn exit_chained(info: *mut EXCEPTION_POINTERS) -> i32 {
    // SAFETY: the system passes valid exception pointers to the handler.
    let record = unsafe { &*(*info).ExceptionRecord };
    if record.ExceptionCode == EXCEPTION_ACCESS_VIOLATION {
        // SAFETY: ending the current process is always allowed.
        unsafe { TerminateProcess(GetCurrentProcess(), CHAINED as u32) };
    }
    EXCEPTION_CONTINUE_SEARCH
}

#[test]
fn other_handlers_still_get_faults_that_are_not_ours() {
    const NAME: &str = "other_handlers_still_get_faults_that_are_not_ours";
    let Ok(case) = std::env::var(CHILD_VAR) else {
        for case in ["outside", "in-text"] {
            let status = run_child(|| {
                let mut cmd = Command::new(std::env::current_exe().unwrap());
                cmd.args([NAME, "--exact", "--test-threads=1", "--quiet"])
                    .env(CHILD_VAR, case)
                    .stdout(Stdio::null());
                cmd
            });
            assert_eq!(status.code(), Some(CHAINED), "{case}: {status}");
        }
        return;
    };
    // SAFETY: `exit_chained` has the handler signature and lives forever.
    let handler = unsafe { AddVectoredExceptionHandler(0, Some(exit_chained)) };
    assert!(!handler.is_null());
    init_traps();
    // Ours still claims its own faults, ahead of the other handler.
    let page = CodePage::new(&STUB_RET, Some(TrapCode::MemoryOutOfBounds));
    let guard = NoAccess::new();
    assert_eq!(page.load()(guard.ptr()), TrapCode::MemoryOutOfBounds as u64);
    match case.as_str() {
        "outside" => {
            // SAFETY: not safe at all: this faults on purpose, in a child
            // process that the other handler ends.
            let got = unsafe { std::ptr::read_volatile(guard.ptr()) };
            println!("the read returned {got}");
        }
        "in-text" => {
            let unclaimed = CodePage::new(&STUB_RET, None);
            println!("the load returned {}", unclaimed.load()(guard.ptr()));
        }
        other => panic!("unknown case {other}"),
    }
    std::process::exit(SURVIVED);
}
