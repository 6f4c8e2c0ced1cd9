//! The x86-64 [`MacroAssembler`]: it owns how each macro-operation becomes
//! instructions with WebAssembly's exact semantics (masked shift counts,
//! division traps, NaN-aware float min/max and comparisons, exact
//! float-to-int range checks), the frame layout, labels and their fixups,
//! and the register roles below. It must not touch the front end's state
//! (value stack, allocation, control frames) and must not encode bytes
//! itself: every instruction goes through [`crate::encode`].
//!
//! # Registers
//!
//! | role | System V | Windows x64 |
//! |---|---|---|
//! | pinned `VMCTX` / `MEM_BASE` / `MEM_LEN` | r15 / r14 / r13 | same |
//! | allocatable GPRs | rbx rsi rdi r8 r9 r10 r12 | same |
//! | scratch GPRs (clobbered by any method) | rax rcx rdx r11 | same |
//! | allocatable FPRs | xmm0..xmm12 | xmm0..xmm2 |
//! | scratch FPRs | xmm13 xmm14 xmm15 | xmm3 xmm4 xmm5 |
//! | `ARGS` | rdi rsi rdx rcx | rcx rdx r8 r9 |
//! | `RET` | rax | rax |
//!
//! The pinned registers are callee-saved in both ABIs, so calls preserve
//! them. rcx is the scratch of choice for shift counts and rax/rdx for
//! division because the instructions demand those. On Windows xmm6..xmm15
//! are callee-saved; leaving them out of every list means the prologue never
//! has to save them.
//!
//! # Frame
//!
//! `push rbp; mov rbp, rsp; push <saved>; sub rsp, FRAME` where `<saved>` is
//! rbx r12 r13 r14 r15 (plus rsi rdi on Windows, where they are
//! callee-saved). Slots are rsp-relative: `slot(n) = [rsp + OUTGOING + 8n]`.
//! `OUTGOING` is 0 on System V; on Windows it is the callee's 32-byte shadow
//! space plus two 8-byte stack-argument slots (48), so builtins with five or
//! six arguments do not overwrite frame slots 0 and 1. `FRAME` is rounded
//! so that rsp is 16-byte aligned at every call. On Windows the prologue
//! first touches the frame's pages from the top down (`probe_stack`, what
//! `__chkstk` does for native code), so the guard page grows the stack;
//! a frame larger than what is left of the thread's whole stack then fails
//! as native code does, before the front end's stack-limit check could trap.
//! The epilogue restores rsp
//! from rbp, so it does not depend on `FRAME` and may be emitted many times.
use alloc::vec::Vec;

use wasmbed_codegen::masm::{
    Addr, CallArg, DivKind, Extend, FloatCmp, FloatOp, FloatUnary, Fpr, FramePatch, Gpr, ImmPatch,
    IntCmp, IntOp, IntUnary, Label, LoadKind, MacroAssembler, StoreKind, VBinOp, VExtract, VLane,
    VShift, VTest, VUnOp, Width,
};

mod simd;
use wasmbed_core::vm::context::offsets;

use crate::encode::{
    Alu, Asm, Cond, Mem, Rm, Shift, Size, SseLogic, SseOp, Unary, R11, R12, R13, R14, R15, R8, R9,
    RAX, RBP, RBX, RCX, RDI, RDX, RSI, RSP,
};

/// The instruction encoder, visible so the encoding tests can check every
/// form against a disassembler. Not a stable API.
#[doc(hidden)]
pub mod encoder {
    pub use crate::encode::*;
}

/// Registers saved by the prologue, in push order.
#[cfg(not(windows))]
const SAVED: &[u8] = &[RBX, R12, R13, R14, R15];
#[cfg(windows)]
const SAVED: &[u8] = &[RBX, RSI, RDI, R12, R13, R14, R15];

/// Bytes below the slots that calls may write: nothing on System V; the
/// shadow space and two stack arguments on Windows.
#[cfg(not(windows))]
const OUTGOING: i32 = 0;
#[cfg(windows)]
const OUTGOING: i32 = 48;

/// The C convention's integer argument registers.
#[cfg(not(windows))]
const C_ARGS: &[u8] = &[RDI, RSI, RDX, RCX, R8, R9];
#[cfg(windows)]
const C_ARGS: &[u8] = &[RCX, RDX, R8, R9];
/// Where stack arguments (after the register ones) go: above the shadow
/// space.
#[cfg(windows)]
const STACK_ARGS_AT: i32 = 32;

/// The two scratch float registers of scalar operations.
#[cfg(not(windows))]
const FS: [u8; 2] = [14, 15];
#[cfg(windows)]
const FS: [u8; 2] = [4, 5];

/// The three scratch vector registers of v128 operations (the scalar two
/// and one more).
#[cfg(not(windows))]
const VS: [u8; 3] = [13, 14, 15];
#[cfg(windows)]
const VS: [u8; 3] = [3, 4, 5];

const MAX_CALL_ARGS: usize = 6;

/// 2^63 as a float.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// The optional instruction-set extensions code generation may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuFeatures {
    /// SSE4.1 (`roundss`/`roundsd`, and the SIMD lowering); without it
    /// the backend refuses the functions that need it.
    pub sse41: bool,
    /// POPCNT.
    pub popcnt: bool,
    /// LZCNT (ABM).
    pub lzcnt: bool,
    /// BMI1 (`tzcnt`).
    pub bmi1: bool,
}

impl CpuFeatures {
    /// The features of the processor this runs on (all false off x86-64).
    // `__cpuid` became a safe function after this crate's minimum Rust
    // version; the blocks stay for the older compilers.
    #[allow(unused_unsafe)]
    pub fn detect() -> CpuFeatures {
        #[cfg(target_arch = "x86_64")]
        {
            use core::arch::x86_64::{__cpuid, __cpuid_count};
            // SAFETY: cpuid exists on every x86-64 processor; leaf 0 and
            // leaf 0x80000000 report the highest leaves that may be asked.
            let max = unsafe { __cpuid(0) }.eax;
            // SAFETY: as above.
            let max_ext = unsafe { __cpuid(0x8000_0000) }.eax;
            // SAFETY: leaf 1 is below or equal to every reported maximum.
            let l1 = unsafe { __cpuid(1) };
            let bmi1 = max >= 7 && {
                // SAFETY: leaf 7 is reported as supported (max >= 7).
                let l7 = unsafe { __cpuid_count(7, 0) };
                l7.ebx & (1 << 3) != 0
            };
            let lzcnt = max_ext >= 0x8000_0001 && {
                // SAFETY: the extended leaf is reported as supported.
                let e1 = unsafe { __cpuid(0x8000_0001) };
                e1.ecx & (1 << 5) != 0
            };
            CpuFeatures {
                sse41: l1.ecx & (1 << 19) != 0,
                popcnt: l1.ecx & (1 << 23) != 0,
                lzcnt,
                bmi1,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            CpuFeatures::default()
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum FixupKind {
    /// A branch's rel32, relative to the end of the field.
    Rel32,
    /// A jump-table entry, relative to the table's start.
    Table { base: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Fixup {
    at: u32,
    label: Label,
    kind: FixupKind,
}

/// The x86-64 macro-assembler.
#[derive(Debug)]
pub struct X64Masm {
    a: Asm,
    features: CpuFeatures,
    labels: Vec<Option<u32>>,
    fixups: Vec<Fixup>,
    /// v128 constants: the rip-relative displacement fields that load them,
    /// resolved to a pool after the code in `finish`.
    pool: Vec<(u32, u128)>,
    /// Windows: the offset of the stack probe's frame-size immediate in the
    /// prologue, patched with the frame size (see [`Self::probe_stack`]).
    probe_patch: Option<usize>,
}

fn mem(addr: Addr) -> Mem {
    match addr.index {
        None => Mem::base(addr.base.0, addr.disp),
        // rsp cannot be an index; the sum is symmetric, so swap.
        Some(i) if i.0 == RSP => Mem::indexed(i.0, addr.base.0, 0, addr.disp),
        Some(i) => Mem::indexed(addr.base.0, i.0, 0, addr.disp),
    }
}

fn is64(w: Width) -> bool {
    w == Width::W64
}

fn int_cond(cmp: IntCmp) -> Cond {
    match cmp {
        IntCmp::Eq => Cond::E,
        IntCmp::Ne => Cond::Ne,
        IntCmp::LtS => Cond::L,
        IntCmp::LtU => Cond::B,
        IntCmp::GtS => Cond::G,
        IntCmp::GtU => Cond::A,
        IntCmp::LeS => Cond::Le,
        IntCmp::LeU => Cond::Be,
        IntCmp::GeS => Cond::Ge,
        IntCmp::GeU => Cond::Ae,
    }
}

/// The bits of `v` as a float of the width (`double`).
fn fbits(double: bool, v: f64) -> u64 {
    if double {
        v.to_bits()
    } else {
        u64::from((v as f32).to_bits())
    }
}

fn sign_mask(double: bool) -> u64 {
    if double {
        1 << 63
    } else {
        1 << 31
    }
}

impl X64Masm {
    pub fn new(features: CpuFeatures) -> X64Masm {
        X64Masm {
            a: Asm::new(),
            features,
            labels: Vec::new(),
            fixups: Vec::new(),
            pool: Vec::new(),
            probe_patch: None,
        }
    }

    fn here(&self) -> u32 {
        self.a.len() as u32
    }

    /// `jmp`/`jcc` to a label: short when it is bound and near, else rel32
    /// with a fixup resolved in `finish`.
    fn jump_to(&mut self, cc: Option<Cond>, label: Label) {
        if let Some(target) = self.labels[label.0 as usize] {
            let rel = i64::from(target) - i64::from(self.here() + 2);
            if let Ok(rel8) = i8::try_from(rel) {
                match cc {
                    None => self.a.jmp_rel8(rel8),
                    Some(cc) => self.a.jcc_rel8(cc, rel8),
                };
                return;
            }
        }
        let at = match cc {
            None => self.a.jmp_rel32(0),
            Some(cc) => self.a.jcc_rel32(cc, 0),
        };
        self.fixups.push(Fixup {
            at: at as u32,
            label,
            kind: FixupKind::Rel32,
        });
    }

    /// A short forward branch inside one macro-operation, patched by
    /// [`land`](Self::land).
    fn fwd(&mut self, cc: Option<Cond>) -> usize {
        match cc {
            None => self.a.jmp_rel8(0),
            Some(cc) => self.a.jcc_rel8(cc, 0),
        }
    }

    /// Points the short branch at `at` here.
    fn land(&mut self, at: usize) {
        let rel = self.a.len() - (at + 1);
        assert!(rel <= 127, "internal short branch out of range");
        self.a.patch8(at, rel as u8);
    }

    /// `dst = imm` picking the shortest form (may clobber flags).
    fn load_imm(&mut self, dst: u8, imm: u64) {
        if imm == 0 {
            self.a.alu_rr(Alu::Xor, false, Rm::R(dst), dst);
        } else {
            self.load_imm_keep_flags(dst, imm);
        }
    }

    /// `dst = imm` without touching flags.
    fn load_imm_keep_flags(&mut self, dst: u8, imm: u64) {
        if let Ok(v) = u32::try_from(imm) {
            self.a.mov_r32_imm(dst, v);
        } else if let Ok(v) = i32::try_from(imm as i64) {
            self.a.mov_r64_simm32(dst, v);
        } else {
            self.a.mov_r64_imm64(dst, imm);
        }
    }

    /// A float constant into `x` through r11.
    fn fconst_into(&mut self, double: bool, x: u8, bits: u64) {
        self.load_imm(R11, bits);
        self.a.movq_x_r(double, x, Rm::R(R11));
    }

    /// `movdqu x, [rip + constant]`, the constant placed in the pool.
    fn load_pool(&mut self, x: u8, bits: u128) {
        self.a
            .sse_rm(crate::encode::sse::MOVDQU, x, Rm::M(Mem::rip(0)));
        let at = self.a.len() as u32 - 4;
        self.pool.push((at, bits));
    }

    fn movaps(&mut self, dst: u8, src: u8) {
        if dst != src {
            self.a.movaps(dst, Rm::R(src));
        }
    }

    fn mov_w(&mut self, w: bool, dst: u8, src: u8) {
        // A 32-bit self-move is not a no-op: it clears the upper half.
        if dst != src || !w {
            self.a.mov_rr(w, dst, src);
        }
    }

    /// Places one argument of a C call.
    fn place_arg(&mut self, i: usize, arg: CallArg) {
        if let Some(&r) = C_ARGS.get(i) {
            match arg {
                CallArg::Vmctx => self.a.mov_rr(true, r, R15),
                CallArg::Imm(v) => self.load_imm(r, v),
                CallArg::Reg(g) => self.mov_w(true, r, g.0),
                CallArg::Slot(n) => self.a.load(true, r, mem(self.slot(n))),
                CallArg::SlotAddr(n) => self.a.lea(r, mem(self.slot(n))),
            }
            return;
        }
        #[cfg(windows)]
        {
            let at = Mem::base(RSP, STACK_ARGS_AT + 8 * (i - C_ARGS.len()) as i32);
            let src = match arg {
                CallArg::Vmctx => R15,
                CallArg::Reg(g) => g.0,
                CallArg::Imm(v) => {
                    self.load_imm(RAX, v);
                    RAX
                }
                CallArg::Slot(n) => {
                    self.a.load(true, RAX, mem(self.slot(n)));
                    RAX
                }
                CallArg::SlotAddr(n) => {
                    self.a.lea(RAX, mem(self.slot(n)));
                    RAX
                }
            };
            self.a.store(Size::Q, at, src);
        }
        #[cfg(not(windows))]
        unreachable!("more call arguments than argument registers");
    }

    /// Places `args` and calls the address in r11.
    fn call_r11(&mut self, args: &[CallArg]) {
        self.place_args(args);
        self.a.call_rm(Rm::R(R11));
    }

    /// Places the arguments of a C call in their registers (and stack
    /// slots).
    fn place_args(&mut self, args: &[CallArg]) {
        assert!(args.len() <= MAX_CALL_ARGS, "too many call arguments");
        // The register argument goes first: it may live in another
        // argument's register, which the other placements overwrite, and
        // none of them reads an allocatable register.
        for (i, &arg) in args.iter().enumerate() {
            if matches!(arg, CallArg::Reg(_)) {
                self.place_arg(i, arg);
            }
        }
        for (i, &arg) in args.iter().enumerate() {
            if !matches!(arg, CallArg::Reg(_)) {
                self.place_arg(i, arg);
            }
        }
    }

    fn clz(&mut self, w: bool, dst: u8, src: u8) {
        let bits = if w { 64 } else { 32 };
        if self.features.lzcnt {
            return self.a.lzcnt(w, dst, Rm::R(src));
        }
        // clz = (bits-1) ^ bsr(x) for x != 0; the value 2*bits-1 gives
        // bits after that xor for x == 0 (where bsr sets ZF).
        self.a.mov_r32_imm(R11, 2 * bits - 1);
        self.a.bsr(w, dst, Rm::R(src));
        self.a.cmov(Cond::E, w, dst, Rm::R(R11));
        self.a.alu_imm(Alu::Xor, w, Rm::R(dst), bits as i32 - 1);
    }

    fn ctz(&mut self, w: bool, dst: u8, src: u8) {
        if self.features.bmi1 {
            return self.a.tzcnt(w, dst, Rm::R(src));
        }
        self.a.mov_r32_imm(R11, if w { 64 } else { 32 });
        self.a.bsf(w, dst, Rm::R(src));
        self.a.cmov(Cond::E, w, dst, Rm::R(R11));
    }

    fn popcnt(&mut self, w: bool, dst: u8, src: u8) {
        if self.features.popcnt {
            return self.a.popcnt(w, dst, Rm::R(src));
        }
        // The SWAR bit count, in rax with rcx and r11 as temporaries.
        let rep = |byte: u64| -> u64 {
            let v = byte * 0x0101_0101_0101_0101;
            if w {
                v
            } else {
                v & 0xffff_ffff
            }
        };
        let (a, c, k) = (Rm::R(RAX), Rm::R(RCX), Rm::R(R11));
        self.a.mov_rr(w, RAX, src);
        self.a.mov_rr(w, RCX, RAX);
        self.a.shift_imm(Shift::Shr, w, c, 1);
        self.load_imm(R11, rep(0x55));
        self.a.alu_rr(Alu::And, w, c, R11);
        self.a.alu_rr(Alu::Sub, w, a, RCX);
        self.load_imm(R11, rep(0x33));
        self.a.mov_rr(w, RCX, RAX);
        self.a.alu_rr(Alu::And, w, a, R11);
        self.a.shift_imm(Shift::Shr, w, c, 2);
        self.a.alu_rr(Alu::And, w, c, R11);
        self.a.alu_rr(Alu::Add, w, a, RCX);
        self.a.mov_rr(w, RCX, RAX);
        self.a.shift_imm(Shift::Shr, w, c, 4);
        self.a.alu_rr(Alu::Add, w, a, RCX);
        self.load_imm(R11, rep(0x0f));
        self.a.alu_rr(Alu::And, w, a, R11);
        self.load_imm(R11, rep(0x01));
        self.a.imul_rr(w, RAX, k);
        self.a.shift_imm(Shift::Shr, w, a, if w { 56 } else { 24 });
        self.a.mov_rr(w, dst, RAX);
    }

    /// Windows: touches every page of the frame about to be reserved, from
    /// the top down, one page at a time, as `__chkstk` does. Windows commits
    /// a thread's stack as it grows, through the guard page just below the
    /// committed part; an access that skips it faults instead. The frame
    /// size is patched in with the `sub rsp` (`patch_frame_size`). Uses
    /// only rax and r11, so the entry's argument registers survive.
    #[cfg(windows)]
    fn probe_stack(&mut self) {
        const PAGE: i32 = 4096;
        // r11 walks down from rsp; rax counts the bytes still to reserve.
        self.a.mov_rr(true, R11, RSP);
        self.a.mov_r32_imm(RAX, 0);
        self.probe_patch = Some(self.a.len() - 4);
        let top = self.here();
        self.a.alu_imm(Alu::Cmp, true, Rm::R(RAX), PAGE);
        // Less than a page left: the frame's bottom lies within a page of
        // the last page touched, so the guard page catches it.
        let done = self.fwd(Some(Cond::B));
        self.a.alu_imm(Alu::Sub, true, Rm::R(R11), PAGE);
        self.a.test_imm(true, Rm::M(Mem::base(R11, 0)), 0);
        self.a.alu_imm(Alu::Sub, true, Rm::R(RAX), PAGE);
        let back = i64::from(top) - i64::from(self.here() + 2);
        self.a
            .jmp_rel8(i8::try_from(back).expect("probe loop is short"));
        self.land(done);
    }

    /// `ucomis src, src; jp invalid` (NaN check).
    fn nan_to(&mut self, double: bool, src: u8, label: Label) {
        self.a.ucomis(double, src, Rm::R(src));
        self.jump_to(Some(Cond::P), label);
    }
}

impl MacroAssembler for X64Masm {
    const ALLOCATABLE_GPRS: &'static [Gpr] = &[
        Gpr(RBX),
        Gpr(RSI),
        Gpr(RDI),
        Gpr(R8),
        Gpr(R9),
        Gpr(10),
        Gpr(R12),
    ];
    #[cfg(not(windows))]
    const ALLOCATABLE_FPRS: &'static [Fpr] = &[
        Fpr(0),
        Fpr(1),
        Fpr(2),
        Fpr(3),
        Fpr(4),
        Fpr(5),
        Fpr(6),
        Fpr(7),
        Fpr(8),
        Fpr(9),
        Fpr(10),
        Fpr(11),
        Fpr(12),
    ];
    #[cfg(windows)]
    const ALLOCATABLE_FPRS: &'static [Fpr] = &[Fpr(0), Fpr(1), Fpr(2)];
    const VMCTX: Gpr = Gpr(R15);
    const MEM_BASE: Gpr = Gpr(R14);
    const MEM_LEN: Gpr = Gpr(R13);
    const SP: Gpr = Gpr(RSP);
    #[cfg(not(windows))]
    const ARGS: [Gpr; 4] = [Gpr(RDI), Gpr(RSI), Gpr(RDX), Gpr(RCX)];
    #[cfg(windows)]
    const ARGS: [Gpr; 4] = [Gpr(RCX), Gpr(RDX), Gpr(R8), Gpr(R9)];
    const RET: Gpr = Gpr(RAX);

    fn offset(&self) -> u32 {
        self.here()
    }

    fn prologue(&mut self) -> FramePatch {
        self.a.push(RBP);
        self.a.mov_rr(true, RBP, RSP);
        for &r in SAVED {
            self.a.push(r);
        }
        #[cfg(windows)]
        self.probe_stack();
        // Always the imm32 form, so any frame size can be patched in.
        let at = self.a.alu_imm32(Alu::Sub, true, Rm::R(RSP), 0);
        FramePatch(at as u32)
    }

    fn patch_frame_size(&mut self, patch: FramePatch, slots: u32) {
        // rbp is 16-aligned (entry rsp is 8 mod 16, then push rbp); the
        // pushes plus the frame must total a multiple of 16.
        let pushed = 8 * SAVED.len() as u64;
        let need = pushed + OUTGOING as u64 + 8 * u64::from(slots);
        let frame = need.div_ceil(16) * 16 - pushed;
        let frame = u32::try_from(frame).expect("frame too large");
        assert!(frame <= i32::MAX as u32, "frame too large");
        self.a.patch32(patch.0 as usize, frame);
        if let Some(at) = self.probe_patch {
            self.a.patch32(at, frame);
        }
    }

    fn epilogue(&mut self) {
        let pushed = 8 * SAVED.len() as i32;
        self.a.lea(RSP, Mem::base(RBP, -pushed));
        for &r in SAVED.iter().rev() {
            self.a.pop(r);
        }
        self.a.pop(RBP);
        self.a.ret();
    }

    fn slot(&self, n: u32) -> Addr {
        Addr::new(Gpr(RSP), OUTGOING + 8 * n as i32)
    }

    fn mov(&mut self, w: Width, dst: Gpr, src: Gpr) {
        self.mov_w(is64(w), dst.0, src.0);
    }

    fn mov_imm(&mut self, dst: Gpr, imm: u64) {
        self.load_imm(dst.0, imm);
    }

    fn lea(&mut self, dst: Gpr, addr: Addr) {
        self.a.lea(dst.0, mem(addr));
    }

    fn load(&mut self, kind: LoadKind, dst: Gpr, addr: Addr) {
        let (d, m) = (dst.0, Rm::M(mem(addr)));
        match kind {
            LoadKind::I32 => self.a.load(false, d, mem(addr)),
            LoadKind::I64 => self.a.load(true, d, mem(addr)),
            LoadKind::I8S32 => self.a.movsx(false, Size::B, d, m),
            LoadKind::I16S32 => self.a.movsx(false, Size::W, d, m),
            LoadKind::I8S64 => self.a.movsx(true, Size::B, d, m),
            LoadKind::I16S64 => self.a.movsx(true, Size::W, d, m),
            // A 32-bit destination zero-extends to 64 bits for free.
            LoadKind::I8U32 | LoadKind::I8U64 => self.a.movzx(Size::B, d, m),
            LoadKind::I16U32 | LoadKind::I16U64 => self.a.movzx(Size::W, d, m),
            LoadKind::I32S64 => self.a.movsxd(d, m),
        }
    }

    fn store(&mut self, kind: StoreKind, src: Gpr, addr: Addr) {
        let size = match kind {
            StoreKind::I8 => Size::B,
            StoreKind::I16 => Size::W,
            StoreKind::I32 => Size::D,
            StoreKind::I64 => Size::Q,
        };
        self.a.store(size, mem(addr), src.0);
    }

    fn store_imm(&mut self, kind: StoreKind, imm: i32, addr: Addr) {
        let size = match kind {
            StoreKind::I8 => Size::B,
            StoreKind::I16 => Size::W,
            StoreKind::I32 => Size::D,
            StoreKind::I64 => Size::Q,
        };
        self.a.store_imm(size, mem(addr), imm);
    }

    fn int_op(&mut self, op: IntOp, w: Width, dst: Gpr, a: Gpr, b: Gpr) {
        let (w, dst, a, b) = (is64(w), dst.0, a.0, b.0);
        let alu = match op {
            IntOp::Add => Some(Alu::Add),
            IntOp::And => Some(Alu::And),
            IntOp::Or => Some(Alu::Or),
            IntOp::Xor => Some(Alu::Xor),
            _ => None,
        };
        if let Some(alu) = alu {
            // Commutative: with dst == b, fold a into it.
            let other = if dst == b {
                a
            } else {
                if dst != a {
                    self.a.mov_rr(w, dst, a);
                }
                b
            };
            return self.a.alu_rr(alu, w, Rm::R(dst), other);
        }
        match op {
            IntOp::Mul => {
                let other = if dst == b {
                    a
                } else {
                    if dst != a {
                        self.a.mov_rr(w, dst, a);
                    }
                    b
                };
                self.a.imul_rr(w, dst, Rm::R(other));
            }
            IntOp::Sub => {
                if dst == b && dst != a {
                    // dst = -b + a.
                    self.a.unary(Unary::Neg, w, Rm::R(dst));
                    self.a.alu_rr(Alu::Add, w, Rm::R(dst), a);
                } else {
                    if dst != a {
                        self.a.mov_rr(w, dst, a);
                    }
                    self.a.alu_rr(Alu::Sub, w, Rm::R(dst), b);
                }
            }
            _ => {
                let shift = match op {
                    IntOp::Shl => Shift::Shl,
                    IntOp::ShrS => Shift::Sar,
                    IntOp::ShrU => Shift::Shr,
                    IntOp::Rotl => Shift::Rol,
                    _ => Shift::Ror,
                };
                // The hardware masks cl to the operand width, exactly
                // WebAssembly's rule. b is read into cl before dst is
                // written, so dst == b is fine. The 32-bit self-move clears
                // the upper half even when the masked count is 0.
                self.a.mov_rr(false, RCX, b);
                self.mov_w(w, dst, a);
                self.a.shift_cl(shift, w, Rm::R(dst));
            }
        }
    }

    fn sub_imm_patchable(&mut self, dst: Gpr, a: Gpr) -> ImmPatch {
        self.mov_w(true, dst.0, a.0);
        // Always the imm32 form, whatever the value patched in later.
        ImmPatch(self.a.alu_imm32(Alu::Sub, true, Rm::R(dst.0), 0) as u32)
    }

    fn patch_sub_imm(&mut self, patch: ImmPatch, imm: u32) {
        self.a.patch32(patch.0 as usize, imm);
    }

    fn int_op_imm(&mut self, op: IntOp, w: Width, dst: Gpr, a: Gpr, imm: i32) {
        let (w, dst, a) = (is64(w), dst.0, a.0);
        let alu = match op {
            IntOp::Add => Alu::Add,
            IntOp::Sub => Alu::Sub,
            IntOp::And => Alu::And,
            IntOp::Or => Alu::Or,
            IntOp::Xor => Alu::Xor,
            IntOp::Mul => return self.a.imul_rri(w, dst, Rm::R(a), imm),
            _ => {
                let shift = match op {
                    IntOp::Shl => Shift::Shl,
                    IntOp::ShrS => Shift::Sar,
                    IntOp::ShrU => Shift::Shr,
                    IntOp::Rotl => Shift::Rol,
                    _ => Shift::Ror,
                };
                let count = imm as u8 & if w { 63 } else { 31 };
                self.mov_w(w, dst, a);
                if count != 0 {
                    self.a.shift_imm(shift, w, Rm::R(dst), count);
                }
                return;
            }
        };
        if dst != a {
            self.a.mov_rr(w, dst, a);
        }
        self.a.alu_imm(alu, w, Rm::R(dst), imm);
    }

    fn int_unary(&mut self, op: IntUnary, w: Width, dst: Gpr, src: Gpr) {
        let (w, dst, src) = (is64(w), dst.0, src.0);
        match op {
            IntUnary::Clz => self.clz(w, dst, src),
            IntUnary::Ctz => self.ctz(w, dst, src),
            IntUnary::Popcnt => self.popcnt(w, dst, src),
        }
    }

    fn div(
        &mut self,
        kind: DivKind,
        w: Width,
        dst: Gpr,
        a: Gpr,
        b: Gpr,
        div_by_zero: Label,
        overflow: Label,
    ) {
        let (w, dst, a) = (is64(w), dst.0, a.0);
        // The divisor must survive rax/rdx being set up.
        let b = if b.0 == RAX || b.0 == RDX {
            self.a.mov_rr(true, RCX, b.0);
            RCX
        } else {
            b.0
        };
        self.a.test_rr(w, b, b);
        self.jump_to(Some(Cond::E), div_by_zero);
        self.a.mov_rr(w, RAX, a);
        let result = match kind {
            DivKind::DivU | DivKind::RemU => {
                self.a.alu_rr(Alu::Xor, false, Rm::R(RDX), RDX);
                self.a.unary(Unary::Div, w, Rm::R(b));
                if kind == DivKind::DivU {
                    RAX
                } else {
                    RDX
                }
            }
            DivKind::DivS | DivKind::RemS => {
                // b == -1 never reaches idiv: MIN / -1 faults there.
                self.a.alu_imm(Alu::Cmp, w, Rm::R(b), -1);
                let to_idiv = self.fwd(Some(Cond::Ne));
                let result = if kind == DivKind::DivS {
                    // a / -1 = -a, which overflows exactly for MIN.
                    self.a.unary(Unary::Neg, w, Rm::R(RAX));
                    self.jump_to(Some(Cond::O), overflow);
                    RAX
                } else {
                    self.a.alu_rr(Alu::Xor, false, Rm::R(RDX), RDX);
                    RDX
                };
                let done = self.fwd(None);
                self.land(to_idiv);
                self.a.cdq_cqo(w);
                self.a.unary(Unary::Idiv, w, Rm::R(b));
                self.land(done);
                result
            }
        };
        self.a.mov_rr(w, dst, result);
    }

    fn cmp_set(&mut self, cmp: IntCmp, w: Width, dst: Gpr, a: Gpr, b: Gpr) {
        self.a.alu_rr(Alu::Cmp, is64(w), Rm::R(a.0), b.0);
        self.a.setcc(int_cond(cmp), RAX);
        self.a.movzx(Size::B, dst.0, Rm::R(RAX));
    }

    fn cmp_set_imm(&mut self, cmp: IntCmp, w: Width, dst: Gpr, a: Gpr, imm: i32) {
        if imm == 0 {
            // test leaves CF = OF = 0, which is exactly a comparison with 0.
            self.a.test_rr(is64(w), a.0, a.0);
        } else {
            self.a.alu_imm(Alu::Cmp, is64(w), Rm::R(a.0), imm);
        }
        self.a.setcc(int_cond(cmp), RAX);
        self.a.movzx(Size::B, dst.0, Rm::R(RAX));
    }

    fn extend(&mut self, kind: Extend, dst: Gpr, src: Gpr) {
        let (d, s) = (dst.0, Rm::R(src.0));
        match kind {
            Extend::I32ToI64S | Extend::I32ToI64S2 => self.a.movsxd(d, s),
            Extend::I32ToI64U => self.a.mov_rr(false, d, src.0),
            Extend::I8ToI32S => self.a.movsx(false, Size::B, d, s),
            Extend::I16ToI32S => self.a.movsx(false, Size::W, d, s),
            Extend::I8ToI64S => self.a.movsx(true, Size::B, d, s),
            Extend::I16ToI64S => self.a.movsx(true, Size::W, d, s),
        }
    }

    fn select(&mut self, w: Width, dst: Gpr, cond: Gpr, a: Gpr, b: Gpr) {
        let (w, dst, a, b) = (is64(w), dst.0, a.0, b.0);
        // Test first: dst may be cond. mov and cmov leave the flags alone,
        // and a 32-bit cmov zero-extends whether or not it moves.
        self.a.test_rr(false, cond.0, cond.0);
        if dst == a {
            self.a.cmov(Cond::E, w, dst, Rm::R(b));
        } else {
            if dst != b {
                self.a.mov_rr(w, dst, b);
            }
            self.a.cmov(Cond::Ne, w, dst, Rm::R(a));
        }
    }

    fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    fn bind(&mut self, label: Label) {
        let slot = &mut self.labels[label.0 as usize];
        debug_assert!(slot.is_none(), "label bound twice");
        *slot = Some(self.a.len() as u32);
    }

    fn jump(&mut self, label: Label) {
        self.jump_to(None, label);
    }

    fn branch_cmp(&mut self, cmp: IntCmp, w: Width, a: Gpr, b: Gpr, label: Label) {
        self.a.alu_rr(Alu::Cmp, is64(w), Rm::R(a.0), b.0);
        self.jump_to(Some(int_cond(cmp)), label);
    }

    fn branch_cmp_imm(&mut self, cmp: IntCmp, w: Width, a: Gpr, imm: i32, label: Label) {
        if imm == 0 {
            self.a.test_rr(is64(w), a.0, a.0);
        } else {
            self.a.alu_imm(Alu::Cmp, is64(w), Rm::R(a.0), imm);
        }
        self.jump_to(Some(int_cond(cmp)), label);
    }

    fn jump_table(&mut self, index: Gpr, targets: &[Label], default: Label) {
        if targets.is_empty() {
            return self.jump(default);
        }
        let n = u32::try_from(targets.len()).expect("jump table too large");
        self.a.alu_imm(Alu::Cmp, false, Rm::R(index.0), n as i32);
        self.jump_to(Some(Cond::Ae), default);
        // The table follows the jmp: entries are offsets from its start, so
        // the code stays position-independent.
        self.a.mov_rr(false, RCX, index.0);
        self.a.lea(R11, Mem::rip(0));
        let disp_at = self.a.len() - 4;
        self.a.movsxd(RAX, Rm::M(Mem::indexed(R11, RCX, 2, 0)));
        self.a.alu_rr(Alu::Add, true, Rm::R(RAX), R11);
        self.a.jmp_rm(Rm::R(RAX));
        let base = self.here();
        self.a.patch32(disp_at, base - (disp_at as u32 + 4));
        for &t in targets {
            self.fixups.push(Fixup {
                at: self.here(),
                label: t,
                kind: FixupKind::Table { base },
            });
            self.a.imm32(0);
        }
    }

    fn fmov(&mut self, dst: Fpr, src: Fpr) {
        self.movaps(dst.0, src.0);
    }

    fn fconst(&mut self, w: Width, dst: Fpr, bits: u64) {
        let bits = if is64(w) { bits } else { bits & 0xffff_ffff };
        if bits == 0 {
            self.a.sse_logic(SseLogic::Xor, false, dst.0, Rm::R(dst.0));
        } else {
            self.fconst_into(is64(w), dst.0, bits);
        }
    }

    fn fload(&mut self, w: Width, dst: Fpr, addr: Addr) {
        self.a.movs_load(is64(w), dst.0, Rm::M(mem(addr)));
    }

    fn fstore(&mut self, w: Width, src: Fpr, addr: Addr) {
        self.a.movs_store(is64(w), mem(addr), src.0);
    }

    fn float_op(&mut self, op: FloatOp, w: Width, dst: Fpr, a: Fpr, b: Fpr) {
        let (d, dst, a, b) = (is64(w), dst.0, a.0, b.0);
        let [s0, s1] = FS;
        let arith = match op {
            FloatOp::Add => SseOp::Add,
            FloatOp::Sub => SseOp::Sub,
            FloatOp::Mul => SseOp::Mul,
            FloatOp::Div => SseOp::Div,
            FloatOp::Min | FloatOp::Max => {
                // minss/maxss are not WebAssembly's min/max on NaN or on
                // ±0 (they return the second operand), so those cases
                // branch off.
                let min = op == FloatOp::Min;
                self.movaps(s0, a);
                self.a.ucomis(d, s0, Rm::R(b));
                let nan = self.fwd(Some(Cond::P));
                let ne = self.fwd(Some(Cond::Ne));
                // Equal: only ±0 differ in bits; or gives -0 for min, and
                // gives +0 for max.
                let logic = if min { SseLogic::Or } else { SseLogic::And };
                self.a.sse_logic(logic, d, s0, Rm::R(b));
                let done1 = self.fwd(None);
                self.land(nan);
                // A NaN operand: the sum is a (quiet) NaN.
                self.a.sse(SseOp::Add, d, s0, Rm::R(b));
                let done2 = self.fwd(None);
                self.land(ne);
                let m = if min { SseOp::Min } else { SseOp::Max };
                self.a.sse(m, d, s0, Rm::R(b));
                self.land(done1);
                self.land(done2);
                return self.movaps(dst, s0);
            }
            FloatOp::Copysign => {
                self.fconst_into(d, s0, sign_mask(d));
                self.movaps(s1, s0);
                self.a.sse_logic(SseLogic::And, d, s1, Rm::R(b));
                self.a.sse_logic(SseLogic::Andn, d, s0, Rm::R(a));
                self.a.sse_logic(SseLogic::Or, d, s0, Rm::R(s1));
                return self.movaps(dst, s0);
            }
        };
        let commutative = matches!(op, FloatOp::Add | FloatOp::Mul);
        if dst == b && dst != a {
            if commutative {
                return self.a.sse(arith, d, dst, Rm::R(a));
            }
            self.movaps(s0, b);
            self.movaps(dst, a);
            return self.a.sse(arith, d, dst, Rm::R(s0));
        }
        self.movaps(dst, a);
        self.a.sse(arith, d, dst, Rm::R(b));
    }

    fn float_unary(&mut self, op: FloatUnary, w: Width, dst: Fpr, src: Fpr) {
        let (d, dst, src) = (is64(w), dst.0, src.0);
        let s0 = FS[0];
        let mode = match op {
            FloatUnary::Abs | FloatUnary::Neg => {
                let (mask, logic) = if op == FloatUnary::Abs {
                    (
                        !sign_mask(d) & (if d { u64::MAX } else { 0xffff_ffff }),
                        SseLogic::And,
                    )
                } else {
                    (sign_mask(d), SseLogic::Xor)
                };
                self.fconst_into(d, s0, mask);
                self.movaps(dst, src);
                return self.a.sse_logic(logic, d, dst, Rm::R(s0));
            }
            FloatUnary::Sqrt => return self.a.sse(SseOp::Sqrt, d, dst, Rm::R(src)),
            FloatUnary::Nearest => 0,
            FloatUnary::Floor => 1,
            FloatUnary::Ceil => 2,
            FloatUnary::Trunc => 3,
        };
        self.a.rounds(d, dst, Rm::R(src), mode);
    }

    fn float_cmp_set(&mut self, cmp: FloatCmp, w: Width, dst: Gpr, a: Fpr, b: Fpr) {
        let d = is64(w);
        // ucomis sets ZF, PF and CF on unordered: "above" and "above or
        // equal" are false then, so Lt/Le swap operands to use them.
        let (x, y, cc) = match cmp {
            FloatCmp::Eq => (a, b, Cond::E),
            FloatCmp::Ne => (a, b, Cond::Ne),
            FloatCmp::Gt => (a, b, Cond::A),
            FloatCmp::Ge => (a, b, Cond::Ae),
            FloatCmp::Lt => (b, a, Cond::A),
            FloatCmp::Le => (b, a, Cond::Ae),
        };
        self.a.ucomis(d, x.0, Rm::R(y.0));
        self.a.setcc(cc, RAX);
        match cmp {
            FloatCmp::Eq => {
                self.a.setcc(Cond::Np, RCX);
                self.a.alu8(Alu::And, RAX, RCX);
            }
            FloatCmp::Ne => {
                self.a.setcc(Cond::P, RCX);
                self.a.alu8(Alu::Or, RAX, RCX);
            }
            _ => {}
        }
        self.a.movzx(Size::B, dst.0, Rm::R(RAX));
    }

    fn fselect(&mut self, _w: Width, dst: Fpr, cond: Gpr, a: Fpr, b: Fpr) {
        let (dst, a, b) = (dst.0, a.0, b.0);
        self.a.test_rr(false, cond.0, cond.0);
        if dst == a {
            let skip = self.fwd(Some(Cond::Ne));
            self.movaps(dst, b);
            self.land(skip);
        } else if dst == b {
            let skip = self.fwd(Some(Cond::E));
            self.movaps(dst, a);
            self.land(skip);
        } else {
            let to_b = self.fwd(Some(Cond::E));
            self.movaps(dst, a);
            let done = self.fwd(None);
            self.land(to_b);
            self.movaps(dst, b);
            self.land(done);
        }
    }

    fn float_to_bits(&mut self, w: Width, dst: Gpr, src: Fpr) {
        self.a.movq_r_x(is64(w), Rm::R(dst.0), src.0);
    }

    fn bits_to_float(&mut self, w: Width, dst: Fpr, src: Gpr) {
        self.a.movq_x_r(is64(w), dst.0, Rm::R(src.0));
    }

    fn float_convert(&mut self, to: Width, dst: Fpr, src: Fpr) {
        // The Cvt opcode with the source's prefix: cvtsd2ss / cvtss2sd.
        self.a
            .sse(SseOp::Cvt, to == Width::W32, dst.0, Rm::R(src.0));
    }

    fn int_to_float(&mut self, signed: bool, from: Width, to: Width, dst: Fpr, src: Gpr) {
        let (d, dst, src) = (is64(to), dst.0, src.0);
        // cvtsi2s only writes the low lane; clearing dst first breaks the
        // dependency on its old value.
        self.a.sse_logic(SseLogic::Xor, false, dst, Rm::R(dst));
        match (signed, from) {
            (true, _) => self.a.cvtsi2s(d, is64(from), dst, Rm::R(src)),
            (false, Width::W32) => {
                // Zero-extended, every u32 is a non-negative i64.
                self.a.mov_rr(false, RAX, src);
                self.a.cvtsi2s(d, true, dst, Rm::R(RAX));
            }
            (false, Width::W64) => {
                self.a.mov_rr(true, RAX, src);
                self.a.test_rr(true, RAX, RAX);
                let big = self.fwd(Some(Cond::S));
                self.a.cvtsi2s(d, true, dst, Rm::R(RAX));
                let done = self.fwd(None);
                self.land(big);
                // Halve (keeping the lost bit as a sticky bit so rounding
                // stays correct), convert, double.
                self.a.mov_rr(true, RCX, RAX);
                self.a.shift_imm(Shift::Shr, true, Rm::R(RCX), 1);
                self.a.alu_imm(Alu::And, false, Rm::R(RAX), 1);
                self.a.alu_rr(Alu::Or, true, Rm::R(RCX), RAX);
                self.a.cvtsi2s(d, true, dst, Rm::R(RCX));
                self.a.sse(SseOp::Add, d, dst, Rm::R(dst));
                self.land(done);
            }
        }
    }

    fn float_to_int(
        &mut self,
        signed: bool,
        from: Width,
        to: Width,
        dst: Gpr,
        src: Fpr,
        invalid: Label,
        overflow: Label,
    ) {
        let (d, wto, dst, src) = (is64(from), is64(to), dst.0, src.0);
        let [s0, s1] = FS;
        match (signed, wto) {
            (true, _) => {
                // cvtt gives MIN for NaN and out-of-range inputs; only then
                // do the exact checks run (MIN may also be the true result).
                self.a.cvtts2si(d, wto, RAX, Rm::R(src));
                self.a.alu_imm(Alu::Cmp, wto, Rm::R(RAX), 1);
                let done = self.fwd(Some(Cond::No));
                self.nan_to(d, src, invalid);
                let bits = if wto { 64 } else { 32 };
                let min = -((1u64 << (bits - 1)) as f64);
                if !wto && d {
                    // f64 has values between i32::MIN - 1 and i32::MIN that
                    // truncate to i32::MIN.
                    self.fconst_into(d, s0, fbits(d, min - 1.0));
                    self.a.ucomis(d, src, Rm::R(s0));
                    self.jump_to(Some(Cond::Be), overflow);
                } else {
                    self.fconst_into(d, s0, fbits(d, min));
                    self.a.ucomis(d, src, Rm::R(s0));
                    self.jump_to(Some(Cond::B), overflow);
                }
                self.fconst_into(d, s0, fbits(d, -min));
                self.a.ucomis(d, src, Rm::R(s0));
                self.jump_to(Some(Cond::Ae), overflow);
                self.land(done);
                self.a.mov_rr(wto, dst, RAX);
            }
            (false, false) => {
                // Through i64: exactly the in-range inputs give a result
                // with a zero upper half.
                self.a.cvtts2si(d, true, RAX, Rm::R(src));
                self.a.mov_rr(true, RCX, RAX);
                self.a.shift_imm(Shift::Shr, true, Rm::R(RCX), 32);
                let done = self.fwd(Some(Cond::E));
                self.nan_to(d, src, invalid);
                self.jump_to(None, overflow);
                self.land(done);
                self.a.mov_rr(false, dst, RAX);
            }
            (false, true) => {
                self.nan_to(d, src, invalid);
                self.fconst_into(d, s0, fbits(d, TWO_63));
                self.a.ucomis(d, src, Rm::R(s0));
                let big = self.fwd(Some(Cond::Ae));
                // Below 2^63: any input <= -1 gives a negative result.
                self.a.cvtts2si(d, true, RAX, Rm::R(src));
                self.a.test_rr(true, RAX, RAX);
                self.jump_to(Some(Cond::S), overflow);
                let done = self.fwd(None);
                self.land(big);
                // x - 2^63 is exact here; >= 2^63 after it means x >= 2^64.
                self.movaps(s1, src);
                self.a.sse(SseOp::Sub, d, s1, Rm::R(s0));
                self.a.cvtts2si(d, true, RAX, Rm::R(s1));
                self.a.test_rr(true, RAX, RAX);
                self.jump_to(Some(Cond::S), overflow);
                self.load_imm(R11, 1 << 63);
                self.a.alu_rr(Alu::Or, true, Rm::R(RAX), R11);
                self.land(done);
                self.a.mov_rr(true, dst, RAX);
            }
        }
    }

    fn float_to_int_sat(&mut self, signed: bool, from: Width, to: Width, dst: Gpr, src: Fpr) {
        let (d, wto, dst, src) = (is64(from), is64(to), dst.0, src.0);
        let [s0, s1] = FS;
        match (signed, wto) {
            (true, _) => {
                self.a.cvtts2si(d, wto, RAX, Rm::R(src));
                self.a.alu_imm(Alu::Cmp, wto, Rm::R(RAX), 1);
                let done = self.fwd(Some(Cond::No));
                // MIN: NaN → 0, negative → MIN (already there), else MAX.
                self.a.ucomis(d, src, Rm::R(src));
                let nan = self.fwd(Some(Cond::P));
                self.a.sse_logic(SseLogic::Xor, false, s0, Rm::R(s0));
                self.a.ucomis(d, src, Rm::R(s0));
                let neg = self.fwd(Some(Cond::B));
                self.load_imm(
                    RAX,
                    if wto {
                        i64::MAX as u64
                    } else {
                        i32::MAX as u64
                    },
                );
                let done2 = self.fwd(None);
                self.land(nan);
                self.a.alu_rr(Alu::Xor, false, Rm::R(RAX), RAX);
                self.land(done);
                self.land(neg);
                self.land(done2);
                self.a.mov_rr(wto, dst, RAX);
            }
            (false, false) => {
                self.a.cvtts2si(d, true, RAX, Rm::R(src));
                self.a.mov_rr(true, RCX, RAX);
                self.a.shift_imm(Shift::Shr, true, Rm::R(RCX), 32);
                let done = self.fwd(Some(Cond::E));
                // Out of range: positive saturates, negative and NaN
                // (unordered: CF = ZF = 1) give 0.
                self.a.sse_logic(SseLogic::Xor, false, s0, Rm::R(s0));
                self.a.ucomis(d, src, Rm::R(s0));
                self.load_imm_keep_flags(RAX, 0);
                let low = self.fwd(Some(Cond::Be));
                self.a.mov_r32_imm(RAX, u32::MAX);
                self.land(done);
                self.land(low);
                self.a.mov_rr(false, dst, RAX);
            }
            (false, true) => {
                self.a.sse_logic(SseLogic::Xor, false, s0, Rm::R(s0));
                self.a.ucomis(d, src, Rm::R(s0));
                let zero = self.fwd(Some(Cond::Be));
                self.fconst_into(d, s0, fbits(d, TWO_63));
                self.a.ucomis(d, src, Rm::R(s0));
                let big = self.fwd(Some(Cond::Ae));
                self.a.cvtts2si(d, true, RAX, Rm::R(src));
                let done = self.fwd(None);
                self.land(big);
                self.movaps(s1, src);
                self.a.sse(SseOp::Sub, d, s1, Rm::R(s0));
                self.a.cvtts2si(d, true, RAX, Rm::R(s1));
                self.a.test_rr(true, RAX, RAX);
                let max = self.fwd(Some(Cond::S));
                self.load_imm(R11, 1 << 63);
                self.a.alu_rr(Alu::Or, true, Rm::R(RAX), R11);
                let done2 = self.fwd(None);
                self.land(max);
                self.a.mov_r64_simm32(RAX, -1);
                let done3 = self.fwd(None);
                self.land(zero);
                self.a.alu_rr(Alu::Xor, false, Rm::R(RAX), RAX);
                self.land(done);
                self.land(done2);
                self.land(done3);
                self.a.mov_rr(true, dst, RAX);
            }
        }
    }

    fn vload(&mut self, dst: Fpr, addr: Addr) {
        self.a
            .sse_rm(crate::encode::sse::MOVDQU, dst.0, Rm::M(mem(addr)));
    }

    fn vstore(&mut self, src: Fpr, addr: Addr) {
        self.a
            .sse_rm(crate::encode::sse::MOVDQU_STORE, src.0, Rm::M(mem(addr)));
    }

    fn vconst(&mut self, dst: Fpr, bits: u128) {
        self.vconst_into(dst.0, bits);
    }

    fn vbinop(&mut self, op: VBinOp, dst: Fpr, a: Fpr, b: Fpr) {
        self.v_binop(op, dst.0, a.0, b.0);
    }

    fn vunop(&mut self, op: VUnOp, dst: Fpr, src: Fpr) {
        self.v_unop(op, dst.0, src.0);
    }

    fn vshift(&mut self, op: VShift, lane: VLane, dst: Fpr, a: Fpr, count: Gpr) {
        self.v_shift(op, lane, dst.0, a.0, count.0);
    }

    fn vsplat(&mut self, lane: VLane, dst: Fpr, src: Gpr) {
        self.v_splat(lane, dst.0, src.0);
    }

    fn vextract_lane(&mut self, kind: VExtract, idx: u8, dst: Gpr, src: Fpr) {
        self.v_extract(kind, idx, dst.0, src.0);
    }

    fn vreplace_lane(&mut self, lane: VLane, idx: u8, dst: Fpr, src: Gpr) {
        self.v_replace(lane, idx, dst.0, src.0);
    }

    fn vshuffle(&mut self, dst: Fpr, a: Fpr, b: Fpr, lanes: [u8; 16]) {
        self.v_shuffle(dst.0, a.0, b.0, lanes);
    }

    fn vbitselect(&mut self, dst: Fpr, a: Fpr, b: Fpr, mask: Fpr) {
        self.v_bitselect(dst.0, a.0, b.0, mask.0);
    }

    fn vtest(&mut self, op: VTest, dst: Gpr, src: Fpr) {
        self.v_test(op, dst.0, src.0);
    }

    fn call_indirect(&mut self, target: Addr, args: &[CallArg]) {
        self.a.load(true, R11, mem(target));
        self.call_r11(args);
    }

    const DIRECT_CALLS: bool = true;

    fn call_relocated(&mut self, args: &[CallArg]) -> u32 {
        self.place_args(args);
        // call rel32, patched by the linker.
        self.a.byte(0xe8);
        let at = self.a.len() as u32;
        self.a.imm32(0);
        at
    }

    fn array_call_thunk(&mut self) {
        self.a.jmp_rm(Rm::M(Mem::base(C_ARGS[0], 0)));
    }

    fn call_builtin(&mut self, builtins_offset: u32, args: &[CallArg]) {
        self.a
            .load(true, R11, Mem::base(R15, offsets::VMCTX_STORE as i32));
        self.a
            .load(true, R11, Mem::base(R11, offsets::STORE_BUILTINS as i32));
        let off = i32::try_from(builtins_offset).expect("builtin offset");
        self.a.load(true, R11, Mem::base(R11, off));
        self.call_r11(args);
    }

    fn fault_stub(&mut self) {
        // The handler left the code in rax and the pc in r11; both are
        // read before anything else is placed.
        let [_, code, pc, ..] = C_ARGS else {
            unreachable!("at least three argument registers")
        };
        let (code, pc) = (*code, *pc);
        self.a.mov_rr(false, code, RAX);
        self.a.mov_rr(true, pc, R11);
        self.a.mov_rr(true, C_ARGS[0], R15);
        self.a
            .load(true, R11, Mem::base(R15, offsets::VMCTX_STORE as i32));
        self.a
            .load(true, R11, Mem::base(R11, offsets::STORE_BUILTINS as i32));
        self.a
            .load(true, R11, Mem::base(R11, offsets::BUILTIN_FAULT as i32));
        self.a.call_rm(Rm::R(R11));
        self.mov_imm(Gpr(RAX), 1);
        self.epilogue();
    }

    fn unreachable(&mut self) {
        self.a.ud2();
    }

    fn finish(mut self) -> Vec<u8> {
        for f in &self.fixups {
            let Some(target) = self.labels[f.label.0 as usize] else {
                debug_assert!(false, "label {} used but never bound", f.label.0);
                continue;
            };
            let value = match f.kind {
                FixupKind::Rel32 => target.wrapping_sub(f.at + 4),
                FixupKind::Table { base } => target.wrapping_sub(base),
            };
            self.a.patch32(f.at as usize, value);
        }
        if !self.pool.is_empty() {
            // After the last instruction (a ret or jmp), 16-aligned in the
            // code so a pool entry never straddles more than it must.
            while self.a.len() % 16 != 0 {
                self.a.byte(0xcc);
            }
            let mut placed: Vec<(u128, u32)> = Vec::new();
            for &(at, bits) in &self.pool {
                let pos = match placed.iter().find(|p| p.0 == bits) {
                    Some(p) => p.1,
                    None => {
                        let pos = self.a.len() as u32;
                        self.a.buf.extend_from_slice(&bits.to_le_bytes());
                        placed.push((bits, pos));
                        pos
                    }
                };
                self.a.patch32(at as usize, pos.wrapping_sub(at + 4));
            }
        }
        self.a.buf
    }
}
