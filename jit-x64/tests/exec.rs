//! Execution tests: small array-call functions built with the
//! macro-assembler, run from executable memory, and compared with Rust's own
//! semantics (which match WebAssembly's for every operation checked here).
//! They own only the harness; code comes from the crate.
#![cfg(target_arch = "x86_64")]

use std::ptr::null_mut;
use std::sync::Mutex;

use wasmbed_codegen::masm::*;
use wasmbed_jit_x64::masm::{CpuFeatures, X64Masm};

const W32: Width = Width::W32;
const W64: Width = Width::W64;
const RBX: Gpr = Gpr(3);
const RSI: Gpr = Gpr(6);
const RDI: Gpr = Gpr(7);
const R8: Gpr = Gpr(8);
const R9: Gpr = Gpr(9);
const R10: Gpr = Gpr(10);
const R12: Gpr = Gpr(12);
/// The harness keeps the array pointer in the (pinned, callee-saved)
/// memory-base register, so every allocatable register is free for tests.
const ARR: Gpr = X64Masm::MEM_BASE;

/// Executable memory holding one function.
struct Code {
    ptr: *mut u8,
    len: usize,
}

impl Code {
    fn new(bytes: &[u8]) -> Code {
        let len = bytes.len().max(1);
        let ptr = os::map_writable(len);
        // SAFETY: `ptr` is a writable mapping of at least `bytes.len()`
        // bytes that nothing else references.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
        os::make_executable(ptr, len);
        Code { ptr, len }
    }

    fn call_with(&self, vmctx: *const u8, slots: &mut [u64]) -> u32 {
        // The host's C convention: System V, or Windows x64 on Windows,
        // as the macro-assembler builds for.
        type ArrayCall = extern "C" fn(*const u8, *mut u8, *mut u64, usize) -> u32;
        // SAFETY: the mapping holds a complete function built by `build`
        // with the array-call signature; it touches only `slots` (and
        // whatever `vmctx` points to, which the caller provides).
        let f: ArrayCall = unsafe { std::mem::transmute::<*mut u8, ArrayCall>(self.ptr) };
        f(vmctx, null_mut(), slots.as_mut_ptr(), slots.len())
    }

    fn call(&self, slots: &mut [u64]) -> u32 {
        self.call_with(std::ptr::null(), slots)
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        os::unmap(self.ptr, self.len);
    }
}

#[cfg(unix)]
mod os {
    use std::ptr::null_mut;

    /// A fresh read-write mapping of `len` bytes.
    pub fn map_writable(len: usize) -> *mut u8 {
        // SAFETY: a fresh anonymous private mapping with no address hint;
        // failure is checked below.
        let ptr = unsafe {
            libc::mmap(
                null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(ptr, libc::MAP_FAILED);
        ptr.cast()
    }

    /// Makes the mapping read-execute.
    pub fn make_executable(ptr: *mut u8, len: usize) {
        // SAFETY: `ptr`/`len` is exactly a mapping made by `map_writable`.
        let rc = unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_READ | libc::PROT_EXEC) };
        assert_eq!(rc, 0);
    }

    pub fn unmap(ptr: *mut u8, len: usize) {
        // SAFETY: unmaps a mapping made by `map_writable` that its owner
        // drops; no references remain.
        unsafe { libc::munmap(ptr.cast(), len) };
    }
}

#[cfg(windows)]
mod os {
    use std::ptr::null;
    use windows_sys::Win32::System::Diagnostics::Debug::FlushInstructionCache;
    use windows_sys::Win32::System::Memory::{
        VirtualAlloc, VirtualFree, VirtualProtect, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE,
        PAGE_EXECUTE_READ, PAGE_READWRITE,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcess;

    /// Fresh committed read-write pages for `len` bytes.
    pub fn map_writable(len: usize) -> *mut u8 {
        // SAFETY: a fresh allocation with no address hint; failure is
        // checked below.
        let ptr = unsafe { VirtualAlloc(null(), len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) };
        assert!(!ptr.is_null(), "VirtualAlloc failed");
        ptr.cast()
    }

    /// Makes the pages read-execute.
    pub fn make_executable(ptr: *mut u8, len: usize) {
        let mut old = 0;
        // SAFETY: `ptr`/`len` lies in an allocation made by `map_writable`.
        let ok = unsafe { VirtualProtect(ptr.cast(), len, PAGE_EXECUTE_READ, &mut old) };
        assert_ne!(ok, 0, "VirtualProtect failed");
        // SAFETY: flushes this process's instruction cache over the range
        // just written.
        unsafe { FlushInstructionCache(GetCurrentProcess(), ptr.cast(), len) };
    }

    pub fn unmap(ptr: *mut u8, _len: usize) {
        // SAFETY: releases an allocation made by `map_writable` that its
        // owner drops; no references remain.
        unsafe { VirtualFree(ptr.cast(), 0, MEM_RELEASE) };
    }
}

/// `[array + 8 * i]`.
fn arr(i: u32) -> Addr {
    Addr::new(ARR, 8 * i as i32)
}

/// Builds a function: prologue, array pointer into `ARR`, the first
/// argument into VMCTX, `body`, return 0; and three trap labels that return
/// 1, 2 and 3.
fn build(feat: CpuFeatures, body: impl FnOnce(&mut X64Masm, [Label; 3])) -> Code {
    let mut m = X64Masm::new(feat);
    let p = m.prologue();
    m.mov(W64, ARR, X64Masm::ARGS[2]);
    m.mov(W64, X64Masm::VMCTX, X64Masm::ARGS[0]);
    let traps = [m.new_label(), m.new_label(), m.new_label()];
    body(&mut m, traps);
    m.mov_imm(X64Masm::RET, 0);
    m.epilogue();
    for (i, &t) in traps.iter().enumerate() {
        m.bind(t);
        m.mov_imm(X64Masm::RET, i as u64 + 1);
        m.epilogue();
    }
    m.patch_frame_size(p, 4);
    Code::new(&m.finish())
}

/// The host's features, and the baseline (SSE4.1 only) that exercises
/// every fallback.
fn feature_sets() -> Vec<CpuFeatures> {
    let host = CpuFeatures::detect();
    assert!(host.sse41, "the backend requires SSE4.1");
    let base = CpuFeatures {
        sse41: true,
        ..CpuFeatures::default()
    };
    if host == base {
        vec![host]
    } else {
        vec![host, base]
    }
}

/// (dst, a, b) register choices: distinct, dst == a, dst == b, all equal.
const CONFIGS: [(Gpr, Gpr, Gpr); 5] = [
    (RBX, RSI, RDI),
    (RSI, RSI, R8),
    (R9, R10, R9),
    (R12, R12, R12),
    (RDI, R12, RBX),
];

/// Interesting integers, each also with garbage in the upper half.
fn int_values() -> Vec<u64> {
    let base: [u64; 22] = [
        0,
        1,
        2,
        3,
        7,
        31,
        32,
        33,
        63,
        64,
        65,
        0x7f,
        0x80,
        0xff,
        0x8000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        u64::MAX,
        i64::MIN as u64,
        i64::MAX as u64,
        0x1234_5678_9abc_def0,
    ];
    let mut v = Vec::new();
    for x in base {
        v.push(x);
        v.push(x ^ 0xa5a5_5a5a_0000_0000);
        v.push(x.wrapping_neg());
    }
    v.sort();
    v.dedup();
    v
}

macro_rules! int_eval {
    ($u:ty, $s:ty, $op:expr, $a:expr, $b:expr) => {{
        let (a, b) = ($a as $u, $b as $u);
        let bits = <$u>::BITS;
        (match $op {
            IntOp::Add => a.wrapping_add(b),
            IntOp::Sub => a.wrapping_sub(b),
            IntOp::Mul => a.wrapping_mul(b),
            IntOp::And => a & b,
            IntOp::Or => a | b,
            IntOp::Xor => a ^ b,
            IntOp::Shl => a.wrapping_shl(b as u32),
            IntOp::ShrS => (a as $s).wrapping_shr(b as u32) as $u,
            IntOp::ShrU => a.wrapping_shr(b as u32),
            IntOp::Rotl => a.rotate_left((b % bits as $u) as u32),
            IntOp::Rotr => a.rotate_right((b % bits as $u) as u32),
        }) as u64
    }};
}

fn int_expect(op: IntOp, w: Width, a: u64, b: u64) -> u64 {
    match w {
        W32 => int_eval!(u32, i32, op, a, b),
        W64 => int_eval!(u64, i64, op, a, b),
    }
}

const INT_OPS: [IntOp; 11] = [
    IntOp::Add,
    IntOp::Sub,
    IntOp::Mul,
    IntOp::And,
    IntOp::Or,
    IntOp::Xor,
    IntOp::Shl,
    IntOp::ShrS,
    IntOp::ShrU,
    IntOp::Rotl,
    IntOp::Rotr,
];

/// Loads `a` from array[0] and `b` (when distinct) from array[1].
fn load_ab(m: &mut X64Masm, a: Gpr, b: Gpr) {
    m.load(LoadKind::I64, a, arr(0));
    if b != a {
        m.load(LoadKind::I64, b, arr(1));
    }
}

#[test]
fn int_ops() {
    let vals = int_values();
    for op in INT_OPS {
        for w in [W32, W64] {
            for (d, a, b) in CONFIGS {
                let code = build(CpuFeatures::default(), |m, _| {
                    load_ab(m, a, b);
                    m.int_op(op, w, d, a, b);
                    m.store(StoreKind::I64, d, arr(2));
                });
                for &x in &vals {
                    for &y in &vals {
                        let y = if a == b { x } else { y };
                        let mut s = [x, y, 0xdead];
                        assert_eq!(code.call(&mut s), 0);
                        assert_eq!(s[2], int_expect(op, w, x, y), "{op:?} {w:?} {x:#x} {y:#x}");
                    }
                }
            }
        }
    }
}

#[test]
fn int_ops_imm() {
    let vals = int_values();
    let imms = [
        0,
        1,
        -1,
        2,
        5,
        31,
        32,
        33,
        63,
        64,
        127,
        128,
        -128,
        -129,
        0x1234_5678,
        i32::MIN,
        i32::MAX,
    ];
    for op in INT_OPS {
        for w in [W32, W64] {
            for (d, a) in [(RBX, RSI), (R10, R10), (R12, RDI)] {
                for imm in imms {
                    let code = build(CpuFeatures::default(), |m, _| {
                        m.load(LoadKind::I64, a, arr(0));
                        m.int_op_imm(op, w, d, a, imm);
                        m.store(StoreKind::I64, d, arr(2));
                    });
                    for &x in &vals {
                        let mut s = [x, 0, 0xdead];
                        assert_eq!(code.call(&mut s), 0);
                        let want = int_expect(op, w, x, imm as i64 as u64);
                        assert_eq!(s[2], want, "{op:?} {w:?} {x:#x} {imm}");
                    }
                }
            }
        }
    }
}

#[test]
fn int_unary() {
    let mut vals = int_values();
    vals.extend((0..64).map(|i| 1u64 << i));
    vals.extend((0..64).map(|i| (1u64 << i) | 0xa5a5_0000_0000_0000));
    for feat in feature_sets() {
        for op in [IntUnary::Clz, IntUnary::Ctz, IntUnary::Popcnt] {
            for w in [W32, W64] {
                for (d, a) in [(RBX, RSI), (R9, R9), (RDI, R12)] {
                    let code = build(feat, |m, _| {
                        m.load(LoadKind::I64, a, arr(0));
                        m.int_unary(op, w, d, a);
                        m.store(StoreKind::I64, d, arr(2));
                    });
                    for &x in &vals {
                        let mut s = [x, 0, 0xdead];
                        assert_eq!(code.call(&mut s), 0);
                        let want = match (op, w) {
                            (IntUnary::Clz, W32) => (x as u32).leading_zeros(),
                            (IntUnary::Clz, W64) => x.leading_zeros(),
                            (IntUnary::Ctz, W32) => (x as u32).trailing_zeros(),
                            (IntUnary::Ctz, W64) => x.trailing_zeros(),
                            (IntUnary::Popcnt, W32) => (x as u32).count_ones(),
                            (IntUnary::Popcnt, W64) => x.count_ones(),
                        };
                        assert_eq!(s[2], u64::from(want), "{feat:?} {op:?} {w:?} {x:#x}");
                    }
                }
            }
        }
    }
}

#[test]
fn division() {
    let vals = int_values();
    for kind in [DivKind::DivS, DivKind::DivU, DivKind::RemS, DivKind::RemU] {
        for w in [W32, W64] {
            for (d, a, b) in CONFIGS {
                let code = build(CpuFeatures::default(), |m, [dbz, ovf, _]| {
                    load_ab(m, a, b);
                    m.div(kind, w, d, a, b, dbz, ovf);
                    m.store(StoreKind::I64, d, arr(2));
                });
                for &x in &vals {
                    for &y in &vals {
                        let y = if a == b { x } else { y };
                        let mut s = [x, y, 0xdead];
                        let status = code.call(&mut s);
                        let want: Result<u64, u32> = match w {
                            W32 => {
                                let (ua, ub) = (x as u32, y as u32);
                                let (sa, sb) = (ua as i32, ub as i32);
                                match kind {
                                    _ if ub == 0 => Err(1),
                                    DivKind::DivS => {
                                        sa.checked_div(sb).map(|v| v as u32 as u64).ok_or(2)
                                    }
                                    DivKind::RemS => Ok(sa.wrapping_rem(sb) as u32 as u64),
                                    DivKind::DivU => Ok((ua / ub) as u64),
                                    DivKind::RemU => Ok((ua % ub) as u64),
                                }
                            }
                            W64 => {
                                let (sa, sb) = (x as i64, y as i64);
                                match kind {
                                    _ if y == 0 => Err(1),
                                    DivKind::DivS => sa.checked_div(sb).map(|v| v as u64).ok_or(2),
                                    DivKind::RemS => Ok(sa.wrapping_rem(sb) as u64),
                                    DivKind::DivU => Ok(x / y),
                                    DivKind::RemU => Ok(x % y),
                                }
                            }
                        };
                        let got = if status == 0 { Ok(s[2]) } else { Err(status) };
                        assert_eq!(got, want, "{kind:?} {w:?} {x:#x} {y:#x}");
                    }
                }
            }
        }
    }
}

const INT_CMPS: [IntCmp; 10] = [
    IntCmp::Eq,
    IntCmp::Ne,
    IntCmp::LtS,
    IntCmp::LtU,
    IntCmp::GtS,
    IntCmp::GtU,
    IntCmp::LeS,
    IntCmp::LeU,
    IntCmp::GeS,
    IntCmp::GeU,
];

fn cmp_expect(cmp: IntCmp, w: Width, a: u64, b: u64) -> bool {
    let (ua, ub, sa, sb) = match w {
        W32 => (
            a as u32 as u64,
            b as u32 as u64,
            a as i32 as i64,
            b as i32 as i64,
        ),
        W64 => (a, b, a as i64, b as i64),
    };
    match cmp {
        IntCmp::Eq => ua == ub,
        IntCmp::Ne => ua != ub,
        IntCmp::LtS => sa < sb,
        IntCmp::LtU => ua < ub,
        IntCmp::GtS => sa > sb,
        IntCmp::GtU => ua > ub,
        IntCmp::LeS => sa <= sb,
        IntCmp::LeU => ua <= ub,
        IntCmp::GeS => sa >= sb,
        IntCmp::GeU => ua >= ub,
    }
}

#[test]
fn int_compares() {
    let vals = int_values();
    for cmp in INT_CMPS {
        for w in [W32, W64] {
            for (d, a, b) in [(RBX, RSI, RDI), (RSI, RSI, R8), (R9, R10, R9)] {
                let set = build(CpuFeatures::default(), |m, _| {
                    load_ab(m, a, b);
                    m.cmp_set(cmp, w, d, a, b);
                    m.store(StoreKind::I64, d, arr(2));
                });
                let branch = build(CpuFeatures::default(), |m, _| {
                    load_ab(m, a, b);
                    let (taken, done) = (m.new_label(), m.new_label());
                    m.branch_cmp(cmp, w, a, b, taken);
                    m.mov_imm(d, 0);
                    m.jump(done);
                    m.bind(taken);
                    m.mov_imm(d, 1);
                    m.bind(done);
                    m.store(StoreKind::I64, d, arr(2));
                });
                for &x in &vals {
                    for &y in &vals {
                        let want = cmp_expect(cmp, w, x, y) as u64;
                        for code in [&set, &branch] {
                            let mut s = [x, y, 0xdead];
                            assert_eq!(code.call(&mut s), 0);
                            assert_eq!(s[2], want, "{cmp:?} {w:?} {x:#x} {y:#x}");
                        }
                    }
                }
            }
            for imm in [0, 1, -1, 127, 128, -129, i32::MIN, i32::MAX] {
                let set = build(CpuFeatures::default(), |m, _| {
                    m.load(LoadKind::I64, RDI, arr(0));
                    m.cmp_set_imm(cmp, w, RDI, RDI, imm);
                    m.store(StoreKind::I64, RDI, arr(2));
                });
                let branch = build(CpuFeatures::default(), |m, _| {
                    m.load(LoadKind::I64, R8, arr(0));
                    let taken = m.new_label();
                    m.mov_imm(RBX, 1);
                    m.branch_cmp_imm(cmp, w, R8, imm, taken);
                    m.mov_imm(RBX, 0);
                    m.bind(taken);
                    m.store(StoreKind::I64, RBX, arr(2));
                });
                for &x in &vals {
                    let want = cmp_expect(cmp, w, x, imm as i64 as u64) as u64;
                    for code in [&set, &branch] {
                        let mut s = [x, 0, 0xdead];
                        assert_eq!(code.call(&mut s), 0);
                        assert_eq!(s[2], want, "{cmp:?} {w:?} {x:#x} {imm}");
                    }
                }
            }
        }
    }
}

#[test]
fn extends_moves_and_select() {
    let vals = int_values();
    let kinds = [
        Extend::I32ToI64S,
        Extend::I32ToI64U,
        Extend::I8ToI32S,
        Extend::I16ToI32S,
        Extend::I8ToI64S,
        Extend::I16ToI64S,
        Extend::I32ToI64S2,
    ];
    for kind in kinds {
        // rsi/rdi exercise the REX-only byte registers.
        for (d, a) in [(RBX, RSI), (RDI, RDI), (R12, R8), (RSI, RBX)] {
            let code = build(CpuFeatures::default(), |m, _| {
                m.load(LoadKind::I64, a, arr(0));
                m.extend(kind, d, a);
                m.store(StoreKind::I64, d, arr(2));
            });
            for &x in &vals {
                let mut s = [x, 0, 0xdead];
                assert_eq!(code.call(&mut s), 0);
                let want = match kind {
                    Extend::I32ToI64S | Extend::I32ToI64S2 => x as i32 as i64 as u64,
                    Extend::I32ToI64U => x as u32 as u64,
                    Extend::I8ToI32S => x as i8 as i32 as u32 as u64,
                    Extend::I16ToI32S => x as i16 as i32 as u32 as u64,
                    Extend::I8ToI64S => x as i8 as i64 as u64,
                    Extend::I16ToI64S => x as i16 as i64 as u64,
                };
                assert_eq!(s[2], want, "{kind:?} {x:#x}");
            }
        }
    }
    // mov: W32 zero-extends, also onto itself.
    for (w, d, a) in [
        (W32, RBX, RSI),
        (W32, R10, R10),
        (W64, R12, RDI),
        (W64, R8, R8),
    ] {
        let code = build(CpuFeatures::default(), |m, _| {
            m.load(LoadKind::I64, a, arr(0));
            m.mov(w, d, a);
            m.store(StoreKind::I64, d, arr(2));
        });
        for &x in &vals {
            let mut s = [x, 0, 0];
            code.call(&mut s);
            assert_eq!(s[2], if w == W32 { x as u32 as u64 } else { x });
        }
    }
    // mov_imm picks each form.
    for imm in [
        0u64,
        1,
        0xffff_ffff,
        0x1_0000_0000,
        u64::MAX,
        0xffff_ffff_8000_0000,
        0x7fff_ffff_ffff_ffff,
        0x8000_0000,
    ] {
        let code = build(CpuFeatures::default(), |m, _| {
            m.load(LoadKind::I64, R9, arr(0));
            m.mov_imm(R9, imm);
            m.store(StoreKind::I64, R9, arr(2));
        });
        let mut s = [u64::MAX, 0, 0];
        code.call(&mut s);
        assert_eq!(s[2], imm);
    }
    // select: cond is 32 bits wide (upper garbage must not count).
    let conds = [0u64, 1, 0x1_0000_0000, 0x8000_0000, u64::MAX];
    let configs = [
        (RBX, RSI, RDI, R8),
        (RSI, RBX, RSI, R8),
        (R8, RBX, RSI, R8),
        (RBX, RBX, RSI, R8),
        (RBX, RSI, RSI, RSI),
        (R12, R12, R12, R9),
    ];
    for w in [W32, W64] {
        for (d, c, a, b) in configs {
            let code = build(CpuFeatures::default(), |m, _| {
                m.load(LoadKind::I64, c, arr(0));
                if a != c {
                    m.load(LoadKind::I64, a, arr(1));
                }
                if b != c && b != a {
                    m.load(LoadKind::I64, b, arr(2));
                }
                m.select(w, d, c, a, b);
                m.store(StoreKind::I64, d, arr(3));
            });
            for cond in conds {
                let (x, y) = (0xaaaa_0000_1111_2222u64, 0xbbbb_0000_3333_4444u64);
                let mut s = [cond, x, y, 0];
                code.call(&mut s);
                let va = if a == c { cond } else { x };
                let vb = if b == c {
                    cond
                } else if b == a {
                    va
                } else {
                    y
                };
                let mut want = if cond as u32 != 0 { va } else { vb };
                if w == W32 {
                    want = want as u32 as u64;
                }
                assert_eq!(s[3], want, "{w:?} {d:?} {c:?} {a:?} {b:?} {cond:#x}");
            }
        }
    }
}

#[test]
fn loads_and_stores() {
    let bytes: [u8; 16] = [
        0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f,
        0x70,
    ];
    let kinds = [
        LoadKind::I32,
        LoadKind::I64,
        LoadKind::I8S32,
        LoadKind::I8U32,
        LoadKind::I16S32,
        LoadKind::I16U32,
        LoadKind::I8S64,
        LoadKind::I8U64,
        LoadKind::I16S64,
        LoadKind::I16U64,
        LoadKind::I32S64,
    ];
    for kind in kinds {
        for off in [0usize, 1, 3, 5, 8] {
            for indexed in [false, true] {
                let code = build(CpuFeatures::default(), |m, _| {
                    // array[0]: a pointer, array[1]: an index, array[2]:
                    // garbage for the destination to start with.
                    m.load(LoadKind::I64, R12, arr(0));
                    m.load(LoadKind::I64, RSI, arr(2));
                    let addr = if indexed {
                        m.load(LoadKind::I64, R9, arr(1));
                        Addr::indexed(R12, R9, off as i32 - 1)
                    } else {
                        Addr::new(R12, off as i32)
                    };
                    m.load(kind, RSI, addr);
                    m.store(StoreKind::I64, RSI, arr(3));
                });
                let mut s = [bytes.as_ptr() as u64, 1, u64::MAX, 0];
                assert_eq!(code.call(&mut s), 0);
                let b = &bytes[off..];
                let u8_ = b[0];
                let u16_ = u16::from_le_bytes([b[0], b[1]]);
                let u32_ = u32::from_le_bytes(b[..4].try_into().unwrap());
                let u64_ = u64::from_le_bytes(b[..8].try_into().unwrap());
                let want = match kind {
                    LoadKind::I32 => u32_ as u64,
                    LoadKind::I64 => u64_,
                    LoadKind::I8S32 => u8_ as i8 as i32 as u32 as u64,
                    LoadKind::I8U32 | LoadKind::I8U64 => u8_ as u64,
                    LoadKind::I16S32 => u16_ as i16 as i32 as u32 as u64,
                    LoadKind::I16U32 | LoadKind::I16U64 => u16_ as u64,
                    LoadKind::I8S64 => u8_ as i8 as i64 as u64,
                    LoadKind::I16S64 => u16_ as i16 as i64 as u64,
                    LoadKind::I32S64 => u32_ as i32 as i64 as u64,
                };
                assert_eq!(s[3], want, "{kind:?} {off} {indexed}");
            }
        }
    }
    let stores = [
        (StoreKind::I8, 1usize),
        (StoreKind::I16, 2),
        (StoreKind::I32, 4),
        (StoreKind::I64, 8),
    ];
    for (kind, n) in stores {
        // rsi and rdi as byte sources need REX (sil/dil, not dh/bh).
        for src in [RSI, RDI, RBX, R10] {
            for imm in [false, true] {
                let mut buf = [0x11u8; 24];
                let code = build(CpuFeatures::default(), |m, _| {
                    m.load(LoadKind::I64, R12, arr(0));
                    m.load(LoadKind::I64, src, arr(1));
                    m.load(LoadKind::I64, R8, arr(2));
                    if imm {
                        m.store_imm(kind, -0x789a_bcdf, Addr::indexed(R12, R8, 3));
                    } else {
                        m.store(kind, src, Addr::indexed(R12, R8, 3));
                    }
                });
                let v = 0x0102_0304_0506_0708u64;
                let mut s = [buf.as_mut_ptr() as u64, v, 2, 0];
                assert_eq!(code.call(&mut s), 0);
                let mut want = [0x11u8; 24];
                let bytes = if imm {
                    (-0x789a_bcdfi64 as u64).to_le_bytes()
                } else {
                    v.to_le_bytes()
                };
                want[5..5 + n].copy_from_slice(&bytes[..n]);
                assert_eq!(buf, want, "{kind:?} {src:?} {imm}");
            }
        }
    }
    // lea with both forms.
    let code = build(CpuFeatures::default(), |m, _| {
        m.load(LoadKind::I64, RBX, arr(0));
        m.load(LoadKind::I64, RDI, arr(1));
        m.lea(R8, Addr::new(RBX, -100));
        m.lea(RDI, Addr::indexed(RBX, RDI, 0x1000));
        m.store(StoreKind::I64, R8, arr(2));
        m.store(StoreKind::I64, RDI, arr(3));
    });
    let mut s = [1_000_000, 77, 0, 0];
    code.call(&mut s);
    assert_eq!(s[2..], [1_000_000 - 100, 1_000_000 + 77 + 0x1000]);
}

#[test]
fn frame_slots() {
    for slots in [1u32, 2, 3, 7] {
        let mut m = X64Masm::new(CpuFeatures::default());
        let p = m.prologue();
        m.mov(W64, ARR, X64Masm::ARGS[2]);
        for n in 0..slots {
            m.load(LoadKind::I64, RBX, arr(0));
            m.int_op_imm(IntOp::Add, W64, RBX, RBX, n as i32);
            m.store(StoreKind::I64, RBX, m.slot(n));
        }
        // Read back through a computed slot address as an array.
        m.lea(RSI, m.slot(0));
        m.store(StoreKind::I64, RSI, arr(1));
        for n in 0..slots {
            m.load(LoadKind::I64, RDI, Addr::new(RSI, 8 * n as i32));
            m.store(StoreKind::I64, RDI, arr(2 + n));
        }
        m.mov_imm(X64Masm::RET, 0);
        m.epilogue();
        m.patch_frame_size(p, slots);
        let code = Code::new(&m.finish());
        let mut s = vec![1000u64; 2 + slots as usize];
        assert_eq!(code.call(&mut s), 0);
        // Slot 0 is rsp at a call: 16-byte aligned.
        assert_eq!(s[1] % 16, 0);
        for n in 0..slots as usize {
            assert_eq!(s[2 + n], 1000 + n as u64);
        }
    }
}

#[test]
fn labels_and_jump_tables() {
    // A backward loop (short branch) and far branches both ways (rel32).
    let code = build(CpuFeatures::default(), |m, _| {
        m.load(LoadKind::I64, RBX, arr(0));
        m.mov_imm(RSI, 0);
        let (top, far, back, out) = (m.new_label(), m.new_label(), m.new_label(), m.new_label());
        m.bind(top);
        m.int_op(IntOp::Add, W64, RSI, RSI, RBX);
        m.int_op_imm(IntOp::Sub, W64, RBX, RBX, 1);
        m.branch_cmp_imm(IntCmp::Ne, W64, RBX, 0, top);
        m.jump(far);
        m.bind(back);
        m.int_op_imm(IntOp::Add, W64, RSI, RSI, 1000);
        m.jump(out);
        for _ in 0..40 {
            m.mov_imm(R10, 0x1234_5678_9abc_def0);
        }
        m.bind(far);
        m.int_op_imm(IntOp::Mul, W64, RSI, RSI, 2);
        m.jump(back);
        m.bind(out);
        m.store(StoreKind::I64, RSI, arr(1));
    });
    let mut s = [10, 0];
    code.call(&mut s);
    assert_eq!(s[1], 55 * 2 + 1000);

    for n in [0usize, 1, 3, 5] {
        let code = build(CpuFeatures::default(), |m, _| {
            m.load(LoadKind::I64, R12, arr(0));
            let targets: Vec<Label> = (0..n).map(|_| m.new_label()).collect();
            let (default, done) = (m.new_label(), m.new_label());
            // Reversed, so entries are not in code order.
            let mut table = targets.clone();
            table.reverse();
            m.jump_table(R12, &table, default);
            for (i, &t) in targets.iter().enumerate() {
                m.bind(t);
                m.mov_imm(RBX, 100 + i as u64);
                m.jump(done);
            }
            m.bind(default);
            m.mov_imm(RBX, 999);
            m.bind(done);
            m.store(StoreKind::I64, RBX, arr(1));
        });
        for idx in [
            0u64,
            1,
            2,
            3,
            4,
            5,
            6,
            100,
            0xffff_ffff,
            0x1_0000_0000,
            0x5_0000_0002,
        ] {
            let mut s = [idx, 0];
            assert_eq!(code.call(&mut s), 0);
            let i = idx as u32 as usize;
            let want = if i < n { 100 + (n - 1 - i) as u64 } else { 999 };
            assert_eq!(s[1], want, "n={n} idx={idx:#x}");
        }
    }
}

static SEEN: Mutex<Vec<[u64; 6]>> = Mutex::new(Vec::new());

extern "C" fn record(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64) -> u64 {
    // SAFETY: `e` is the address of a frame slot the caller initialised.
    let at_e = unsafe { *(e as *const u64) };
    SEEN.lock().unwrap().push([a, b, c, d, e, f]);
    a ^ b ^ c ^ d ^ at_e ^ f
}

#[test]
fn calls() {
    let feat = CpuFeatures::default();
    let mut fake_store = [0u64; 8];
    let mut table = [0u64; 16];
    table[5] = record as *const () as usize as u64;
    fake_store[wasmbed_core::vm::context::offsets::STORE_BUILTINS / 8] = table.as_ptr() as u64;
    let mut vmctx = [0u64; 4];
    vmctx[wasmbed_core::vm::context::offsets::VMCTX_STORE / 8] = fake_store.as_ptr() as u64;
    for builtin in [false, true] {
        // The Reg argument lives in another argument's register, which a
        // later placement overwrites: the first (rdi) on System V, the
        // fourth (r9) on Windows, where the last two go on the stack.
        let reg = if cfg!(windows) { R9 } else { RDI };
        let args = [
            CallArg::Vmctx,
            CallArg::Imm(0x1234_5678_9abc),
            CallArg::Reg(reg),
            CallArg::Slot(0),
            CallArg::SlotAddr(1),
            CallArg::Imm(0),
        ];
        let code = build(feat, |m, _| {
            m.load(LoadKind::I64, reg, arr(0));
            m.load(LoadKind::I64, RBX, arr(1));
            m.store(StoreKind::I64, RBX, m.slot(0));
            m.store_imm(StoreKind::I64, -7, m.slot(1));
            if builtin {
                m.call_builtin(5 * 8, &args);
            } else {
                m.load(LoadKind::I64, R12, arr(2));
                m.call_indirect(Addr::new(R12, 8), &args);
            }
            m.store(StoreKind::I64, X64Masm::RET, arr(3));
            m.lea(RBX, m.slot(1));
            m.store(StoreKind::I64, RBX, arr(4));
        });
        let mut s = [0xabcd, 0x5555, table.as_ptr() as u64 + 32, 0, 0];
        SEEN.lock().unwrap().clear();
        assert_eq!(code.call_with(vmctx.as_ptr().cast(), &mut s), 0);
        let seen = SEEN.lock().unwrap()[0];
        let vm = vmctx.as_ptr() as u64;
        assert_eq!(seen, [vm, 0x1234_5678_9abc, 0xabcd, 0x5555, s[4], 0]);
        assert_eq!(
            s[3],
            vm ^ 0x1234_5678_9abc ^ 0xabcd ^ 0x5555 ^ (-7i64 as u64)
        );
    }
}

#[test]
fn unreachable_is_ud2() {
    let mut m = X64Masm::new(CpuFeatures::default());
    m.unreachable();
    assert_eq!(m.finish(), [0x0f, 0x0b]);
}

/// Float register `n` as the System V choices below name it. On Windows,
/// where only xmm0..xmm2 are allocatable (xmm3..5 are the scratch ones and
/// xmm6..15 callee-saved), one of those three, picked so that the
/// registers of each test stay equal or distinct as on System V.
const fn f(n: u8) -> Fpr {
    if cfg!(windows) {
        Fpr(if n == 12 { 1 } else { n % 3 })
    } else {
        Fpr(n)
    }
}

/// (dst, a, b) float register choices: distinct, dst == a, dst == b, all
/// equal, and the REX-needing xmm8..xmm13.
const FCONFIGS: [(Fpr, Fpr, Fpr); 5] = [
    (f(0), f(1), f(2)),
    (f(3), f(3), f(4)),
    (f(5), f(6), f(5)),
    (f(7), f(7), f(7)),
    (f(8), f(13), f(9)),
];

fn f64_values() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        2.5,
        -2.5,
        3.5,
        0.49999999999999994,
        4503599627370497.0,
        -4503599627370497.0,
        1e300,
        -1e300,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff4_0000_0000_0001),
        123.456,
    ]
}

fn f32_values() -> Vec<f32> {
    let mut v: Vec<f32> = f64_values().into_iter().map(|x| x as f32).collect();
    v.extend([
        8388609.0f32,
        -8388609.0,
        f32::MIN_POSITIVE,
        1e-45,
        f32::MAX,
        f32::from_bits(0x7fa0_0001),
    ]);
    v
}

/// Float values as slot bits of the width.
fn fvals(w: Width) -> Vec<u64> {
    match w {
        W32 => f32_values()
            .into_iter()
            .map(|x| u64::from(x.to_bits()))
            .collect(),
        W64 => f64_values().into_iter().map(f64::to_bits).collect(),
    }
}

fn is_nan_bits(w: Width, b: u64) -> bool {
    match w {
        W32 => f32::from_bits(b as u32).is_nan(),
        W64 => f64::from_bits(b).is_nan(),
    }
}

fn is_canonical_nan(w: Width, b: u64) -> bool {
    match w {
        W32 => b as u32 & 0x7fff_ffff == 0x7fc0_0000,
        W64 => b & !(1 << 63) == 0x7ff8_0000_0000_0000,
    }
}

/// Compares float results: bit-exact, except that any NaN matches a NaN
/// (and must be canonical when every input is a non-NaN or canonical NaN).
fn check_float(w: Width, got: u64, want: u64, inputs: &[u64], what: &str) {
    let canonical = inputs
        .iter()
        .all(|&i| !is_nan_bits(w, i) || is_canonical_nan(w, i));
    check_float_canon(w, got, want, canonical, what);
}

/// As [`check_float`], with whether a NaN result must be canonical given.
fn check_float_canon(w: Width, got: u64, want: u64, canonical: bool, what: &str) {
    let got = if w == W32 { got as u32 as u64 } else { got };
    if is_nan_bits(w, want) {
        assert!(is_nan_bits(w, got), "{what}: want NaN, got {got:#x}");
        if canonical {
            assert!(
                is_canonical_nan(w, got),
                "{what}: NaN {got:#x} not canonical"
            );
        }
    } else {
        assert_eq!(got, want, "{what}");
    }
}

macro_rules! wasm_minmax {
    ($a:expr, $b:expr, $min:expr) => {{
        let (a, b) = ($a, $b);
        if a.is_nan() || b.is_nan() {
            a + b
        } else if a == b {
            // ±0: min takes the negative one, max the positive one.
            if $min == (a.is_sign_negative()) {
                a
            } else {
                b
            }
        } else if $min {
            a.min(b)
        } else {
            a.max(b)
        }
    }};
}

macro_rules! float_eval {
    ($f:ty, $op:expr, $a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        let r: $f = match $op {
            FloatOp::Add => a + b,
            FloatOp::Sub => a - b,
            FloatOp::Mul => a * b,
            FloatOp::Div => a / b,
            FloatOp::Min => wasm_minmax!(a, b, true),
            FloatOp::Max => wasm_minmax!(a, b, false),
            FloatOp::Copysign => a.copysign(b),
        };
        r
    }};
}

/// Loads float `x` from array[i].
fn fl(m: &mut X64Masm, w: Width, x: Fpr, i: u32) {
    m.fload(w, x, arr(i));
}

#[test]
fn float_ops() {
    let ops = [
        FloatOp::Add,
        FloatOp::Sub,
        FloatOp::Mul,
        FloatOp::Div,
        FloatOp::Min,
        FloatOp::Max,
        FloatOp::Copysign,
    ];
    for op in ops {
        for w in [W32, W64] {
            let vals = fvals(w);
            for (d, a, b) in FCONFIGS {
                let code = build(CpuFeatures::default(), |m, _| {
                    fl(m, w, a, 0);
                    if b != a {
                        fl(m, w, b, 1);
                    }
                    m.float_op(op, w, d, a, b);
                    m.fstore(w, d, arr(2));
                });
                for &x in &vals {
                    for &y in &vals {
                        let y = if a == b { x } else { y };
                        let mut s = [x, y, 0];
                        assert_eq!(code.call(&mut s), 0);
                        let want = match w {
                            W32 => u64::from(
                                float_eval!(
                                    f32,
                                    op,
                                    f32::from_bits(x as u32),
                                    f32::from_bits(y as u32)
                                )
                                .to_bits(),
                            ),
                            W64 => {
                                float_eval!(f64, op, f64::from_bits(x), f64::from_bits(y)).to_bits()
                            }
                        };
                        let what = format!("{op:?} {w:?} {x:#x} {y:#x}");
                        if op == FloatOp::Copysign {
                            // Copysign is a bit operation, NaN payloads included.
                            assert_eq!(s[2], want, "{what}");
                        } else {
                            check_float(w, s[2], want, &[x, y], &what);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn float_unary() {
    let ops = [
        FloatUnary::Abs,
        FloatUnary::Neg,
        FloatUnary::Sqrt,
        FloatUnary::Ceil,
        FloatUnary::Floor,
        FloatUnary::Trunc,
        FloatUnary::Nearest,
    ];
    for op in ops {
        for w in [W32, W64] {
            for (d, a) in [(f(0), f(1)), (f(2), f(2)), (f(13), f(8))] {
                let code = build(CpuFeatures::default(), |m, _| {
                    fl(m, w, a, 0);
                    m.float_unary(op, w, d, a);
                    m.fstore(w, d, arr(2));
                });
                for &x in &fvals(w) {
                    let mut s = [x, 0, 0];
                    assert_eq!(code.call(&mut s), 0);
                    macro_rules! eval {
                        ($v:expr) => {
                            match op {
                                FloatUnary::Abs => $v.abs(),
                                FloatUnary::Neg => -$v,
                                FloatUnary::Sqrt => $v.sqrt(),
                                FloatUnary::Ceil => $v.ceil(),
                                FloatUnary::Floor => $v.floor(),
                                FloatUnary::Trunc => $v.trunc(),
                                FloatUnary::Nearest => $v.round_ties_even(),
                            }
                        };
                    }
                    let want = match w {
                        W32 => u64::from(eval!(f32::from_bits(x as u32)).to_bits()),
                        W64 => eval!(f64::from_bits(x)).to_bits(),
                    };
                    let what = format!("{op:?} {w:?} {x:#x}");
                    if matches!(op, FloatUnary::Abs | FloatUnary::Neg) {
                        assert_eq!(s[2], want, "{what}");
                    } else {
                        check_float(w, s[2], want, &[x], &what);
                    }
                }
            }
        }
    }
}

#[test]
fn float_compares_and_select() {
    let cmps = [
        FloatCmp::Eq,
        FloatCmp::Ne,
        FloatCmp::Lt,
        FloatCmp::Gt,
        FloatCmp::Le,
        FloatCmp::Ge,
    ];
    for cmp in cmps {
        for w in [W32, W64] {
            for (d, a, b) in [(RBX, f(0), f(1)), (RSI, f(9), f(9)), (R12, f(12), f(3))] {
                let code = build(CpuFeatures::default(), |m, _| {
                    fl(m, w, a, 0);
                    if b != a {
                        fl(m, w, b, 1);
                    }
                    m.load(LoadKind::I64, d, arr(3));
                    m.float_cmp_set(cmp, w, d, a, b);
                    m.store(StoreKind::I64, d, arr(2));
                });
                let vals = fvals(w);
                for &x in &vals {
                    for &y in &vals {
                        let y = if a == b { x } else { y };
                        let mut s = [x, y, 0, u64::MAX];
                        assert_eq!(code.call(&mut s), 0);
                        macro_rules! eval {
                            ($a:expr, $b:expr) => {
                                match cmp {
                                    FloatCmp::Eq => $a == $b,
                                    FloatCmp::Ne => $a != $b,
                                    FloatCmp::Lt => $a < $b,
                                    FloatCmp::Gt => $a > $b,
                                    FloatCmp::Le => $a <= $b,
                                    FloatCmp::Ge => $a >= $b,
                                }
                            };
                        }
                        let want = match w {
                            W32 => eval!(f32::from_bits(x as u32), f32::from_bits(y as u32)),
                            W64 => eval!(f64::from_bits(x), f64::from_bits(y)),
                        };
                        assert_eq!(s[2], want as u64, "{cmp:?} {w:?} {x:#x} {y:#x}");
                    }
                }
            }
        }
    }
    let configs = [
        (f(0), RBX, f(1), f(2)),
        (f(1), RBX, f(1), f(2)),
        (f(2), RBX, f(1), f(2)),
        (f(10), RDI, f(11), f(11)),
    ];
    for w in [W32, W64] {
        for (d, c, a, b) in configs {
            let code = build(CpuFeatures::default(), |m, _| {
                m.load(LoadKind::I64, c, arr(0));
                fl(m, w, a, 1);
                if b != a {
                    fl(m, w, b, 2);
                }
                m.fselect(w, d, c, a, b);
                m.fstore(w, d, arr(3));
            });
            for cond in [0u64, 1, 0x1_0000_0000, u64::MAX] {
                let (x, y) = match w {
                    W32 => (1.5f32.to_bits() as u64, (-2.0f32).to_bits() as u64),
                    W64 => (1.5f64.to_bits(), (-2.0f64).to_bits()),
                };
                let mut s = [cond, x, y, 0];
                code.call(&mut s);
                let vb = if b == a { x } else { y };
                assert_eq!(
                    s[3],
                    if cond as u32 != 0 { x } else { vb },
                    "{w:?} {cond:#x}"
                );
            }
        }
    }
}

#[test]
fn float_moves_and_bits() {
    for w in [W32, W64] {
        for bits in fvals(w)
            .into_iter()
            .chain([0, 1 << 31, 1 << 63, 0x3ff0_0000_0000_0000])
        {
            let bits = if w == W32 { bits as u32 as u64 } else { bits };
            // fconst, fmov, float_to_bits (W32 zero-extends).
            let code = build(CpuFeatures::default(), |m, _| {
                m.load(LoadKind::I64, RSI, arr(1));
                m.fconst(
                    w,
                    f(3),
                    bits | if w == W32 { 0xdead_0000_0000_0000 } else { 0 },
                );
                m.fmov(f(12), f(3));
                m.float_to_bits(w, RSI, f(12));
                m.store(StoreKind::I64, RSI, arr(0));
            });
            let mut s = [0, u64::MAX];
            code.call(&mut s);
            assert_eq!(s[0], bits, "fconst {w:?} {bits:#x}");
        }
        // bits_to_float then store.
        let code = build(CpuFeatures::default(), |m, _| {
            m.load(LoadKind::I64, R9, arr(0));
            m.bits_to_float(w, f(9), R9);
            m.fstore(w, f(9), arr(1));
        });
        let mut s = [0xaaaa_bbbb_3fc0_0000, 0];
        code.call(&mut s);
        assert_eq!(
            s[1],
            if w == W32 {
                0x3fc0_0000
            } else {
                0xaaaa_bbbb_3fc0_0000
            }
        );
    }
    // promote / demote.
    for to in [W32, W64] {
        let from = if to == W32 { W64 } else { W32 };
        let code = build(CpuFeatures::default(), |m, _| {
            fl(m, from, f(1), 0);
            m.float_convert(to, f(0), f(1));
            m.fstore(to, f(0), arr(1));
        });
        for x in fvals(from) {
            let mut s = [x, 0];
            code.call(&mut s);
            let want = match to {
                W32 => u64::from((f64::from_bits(x) as f32).to_bits()),
                W64 => (f64::from(f32::from_bits(x as u32))).to_bits(),
            };
            let canonical = !is_nan_bits(from, x) || is_canonical_nan(from, x);
            check_float_canon(to, s[1], want, canonical, &format!("convert {to:?} {x:#x}"));
        }
    }
}

#[test]
fn int_to_float() {
    let mut vals = int_values();
    vals.extend([
        (1 << 53) + 1,
        (1 << 63) + 1,
        0x8000_0000_0000_0401,
        0xffff_ffff_ffff_f7ff,
        0xffff_ffff_ffff_fc00,
        0x0020_0000_0000_0001,
        0x8000_0080_0000_0001,
        0xffff_ff7f_ffff_ffff,
        0x1000_0001,
        0x8000_0081,
        0xffff_ff81,
    ]);
    for signed in [true, false] {
        for from in [W32, W64] {
            for to in [W32, W64] {
                let code = build(CpuFeatures::default(), |m, _| {
                    m.load(LoadKind::I64, R8, arr(0));
                    m.int_to_float(signed, from, to, f(11), R8);
                    m.fstore(to, f(11), arr(1));
                });
                for &x in &vals {
                    let mut s = [x, 0];
                    code.call(&mut s);
                    let want = match (signed, from, to) {
                        (true, W32, W32) => u64::from((x as i32 as f32).to_bits()),
                        (true, W32, W64) => (x as i32 as f64).to_bits(),
                        (true, W64, W32) => u64::from((x as i64 as f32).to_bits()),
                        (true, W64, W64) => (x as i64 as f64).to_bits(),
                        (false, W32, W32) => u64::from((x as u32 as f32).to_bits()),
                        (false, W32, W64) => (x as u32 as f64).to_bits(),
                        (false, W64, W32) => u64::from((x as f32).to_bits()),
                        (false, W64, W64) => (x as f64).to_bits(),
                    };
                    assert_eq!(s[1], want, "{signed} {from:?} {to:?} {x:#x}");
                }
            }
        }
    }
}

/// Inputs around every conversion boundary: each base value and its
/// neighbouring floats.
fn conversion_inputs(w: Width) -> Vec<u64> {
    let bases = [
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.0,
        -1.0,
        123.75,
        2147483647.0,
        2147483648.0,
        -2147483648.0,
        -2147483649.0,
        4294967295.0,
        4294967296.0,
        9223372036854775808.0,
        -9223372036854775808.0,
        18446744073709551616.0,
        1e10,
        -1e10,
        1e30,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let mut v = Vec::new();
    for b in bases {
        let bits = match w {
            W32 => u64::from((b as f32).to_bits()),
            W64 => b.to_bits(),
        };
        for d in [-1i64, 0, 1] {
            v.push(bits.wrapping_add(d as u64) & if w == W32 { 0xffff_ffff } else { u64::MAX });
        }
    }
    v.extend(match w {
        W32 => vec![(-2147483904.0f32).to_bits() as u64, 0x7fa0_0000],
        W64 => vec![
            (-2147483648.5f64).to_bits(),
            (2147483647.5f64).to_bits(),
            (4294967295.5f64).to_bits(),
        ],
    });
    v
}

/// `trunc(x)` into an integer of `bits` bits, WebAssembly-checked: `Err(1)`
/// for NaN, `Err(2)` when out of range.
fn trunc_checked(x: f64, signed: bool, bits: u32) -> Result<u64, u32> {
    if x.is_nan() {
        return Err(1);
    }
    let t = x.trunc();
    let (lo, hi) = if signed {
        (-(2f64.powi(bits as i32 - 1)), 2f64.powi(bits as i32 - 1))
    } else {
        (0.0, 2f64.powi(bits as i32))
    };
    if !(t >= lo && t < hi) {
        return Err(2);
    }
    Ok(match (signed, bits) {
        (true, 32) => t as i32 as u32 as u64,
        (true, _) => t as i64 as u64,
        (false, 32) => t as u32 as u64,
        (false, _) => t as u64,
    })
}

#[test]
fn float_to_int() {
    for signed in [true, false] {
        for from in [W32, W64] {
            for to in [W32, W64] {
                let code = build(CpuFeatures::default(), |m, [invalid, overflow, _]| {
                    fl(m, from, f(13), 0);
                    m.load(LoadKind::I64, RDI, arr(1));
                    m.float_to_int(signed, from, to, RDI, f(13), invalid, overflow);
                    m.store(StoreKind::I64, RDI, arr(1));
                });
                let sat = build(CpuFeatures::default(), |m, _| {
                    fl(m, from, f(2), 0);
                    m.load(LoadKind::I64, RBX, arr(1));
                    m.float_to_int_sat(signed, from, to, RBX, f(2));
                    m.store(StoreKind::I64, RBX, arr(1));
                });
                for x in conversion_inputs(from) {
                    let xf = match from {
                        W32 => f64::from(f32::from_bits(x as u32)),
                        W64 => f64::from_bits(x),
                    };
                    let bits = if to == W32 { 32 } else { 64 };
                    let what = format!("{signed} {from:?}->{to:?} {xf:?} ({x:#x})");
                    let mut s = [x, u64::MAX];
                    let status = code.call(&mut s);
                    let got = if status == 0 { Ok(s[1]) } else { Err(status) };
                    assert_eq!(got, trunc_checked(xf, signed, bits), "{what}");
                    // Saturating: Rust's `as` is exactly trunc_sat.
                    let want = match (signed, to) {
                        (true, W32) => xf as i32 as u32 as u64,
                        (true, W64) => xf as i64 as u64,
                        (false, W32) => xf as u32 as u64,
                        (false, W64) => xf as u64,
                    };
                    let mut s = [x, u64::MAX];
                    assert_eq!(sat.call(&mut s), 0);
                    assert_eq!(s[1], want, "sat {what}");
                }
            }
        }
    }
}
