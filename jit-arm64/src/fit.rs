//! How the [`MacroAssembler`](wasmbed_codegen::masm::MacroAssembler) trait
//! maps onto AArch64: for a representative method of each group, the
//! sequence an AArch64 backend emits, as a function over the trait's own
//! operand types, and a test that disassembles it.
//!
//! # Register plan
//!
//! | role | registers | why |
//! |---|---|---|
//! | pinned `VMCTX` / `MEM_BASE` / `MEM_LEN` | x19 / x20 / x21 | callee-saved in AAPCS64 (and Apple's and Windows' arm64 ABIs), so calls preserve them |
//! | allocatable GPRs | x1..x15 (x15 last, the front end's `tmp`) | caller-saved: the prologue saves nothing for them, and the front end spills them around calls anyway |
//! | `RET` | x0 | the C return register, kept out of the allocatable list like x86-64's rax (the front end reads it right after calls) |
//! | `ARGS` | x0 x1 x2 x3 (`callee`, `caller`, `slots`, `len`) | AAPCS64's first four; `tmp` (x15) is none of them, which the front end's prologue needs |
//! | scratch GPRs | x16 x17 (IP0/IP1) | the platform's fault contract already puts the trap code and faulting pc there (`platform-unix/src/traps.rs`); the fault stub reads them before anything else |
//! | frame pointer / link register | x29 / x30 | saved as a pair on entry; the fault stub and the epilogue rely on x29 |
//! | never touched | x18 (platform register on Apple and Windows), x22..x28 | x22..x28 could become allocatable at the cost of saving them in the prologue |
//! | allocatable FPRs | v0..v7, v16..v28 | v8..v15 are callee-saved (low halves), left out so the prologue never saves them, as x86-64 does with xmm6..xmm15 on Windows |
//! | scratch FPRs | v29 v30 v31 | constants of the float-to-int range checks, v128 temporaries |
//! | `SP` | 31 | see "register 31" below |
//!
//! # Frame
//!
//! ```text
//! stp x29, x30, [sp, #-48]!     ; save FP/LR, 48 = 16-byte aligned save area
//! mov x29, sp
//! stp x19, x20, [sp, #16]
//! str x21, [sp, #32]
//! sub sp, sp, #hi, lsl #12      ; FramePatch: both immediates patched,
//! sub sp, sp, #lo               ;   frames up to 16 MiB - 16
//! ...                           ; slot(n) = [sp + 8n]
//! mov sp, x29                   ; epilogue: independent of the frame size
//! ldr x21, [sp, #32]
//! ldp x19, x20, [sp, #16]
//! ldp x29, x30, [sp], #48
//! ret
//! ```
//!
//! Slots are SP-relative with positive offsets because `LDR`/`STR`'s
//! unsigned offset reaches `8 * 4095` in one instruction (x29-relative
//! slots would need negative offsets, and `LDUR` only reaches -256).
//! SP stays 16-byte aligned throughout the body, which AArch64 enforces for
//! SP-based accesses; the trait's "no push/pop in bodies" is what makes that
//! free.
//!
//! # What fits, and what needs care
//!
//! Fits one to one: three-operand integer and float operations (`dst == b`
//! needs nothing special), WebAssembly's shift masking (`LSLV` & co. take
//! the count modulo the width), `IntOp::Rotr` (`RORV`; `Rotl` is `RORV` by
//! the negated count), `Clz` (`CLZ`), `Ctz` (`RBIT` + `CLZ`), float
//! `Min`/`Max` (`FMIN`/`FMAX` propagate NaN and order -0 below +0, exactly
//! WebAssembly's rule, no branches as on x86-64), `Nearest`/`Ceil`/`Floor`/
//! `Trunc` (`FRINTN/P/M/Z`), and every `float_to_int_sat` (`FCVTZS`/
//! `FCVTZU` saturate and give 0 for NaN: one instruction). `RemS` of
//! `MIN % -1` needs no check (`SDIV` gives MIN, `MSUB` then gives 0), and
//! division by zero does not trap in hardware (so the `CBZ` is required, not
//! a fault). Scalar `LDR S/D` zeroes the rest of the vector register, as
//! `fload` demands.
//!
//! Needs care:
//!
//! 1. **Memory accesses are not always one instruction at the method's
//!    start.** The trait says a load or store is "a single instruction that
//!    accesses memory, emitted first", and the front end records
//!    `masm.offset()` *before* calling `load`/`store`/`store_imm`/`fload`/
//!    `fstore`/`vload`/`vstore` as the trap site (`mark_access` in
//!    `codegen/src/func.rs`). A64 has `[base + index]` and `[base + imm]`
//!    but no `[base + index + disp]`, and no store of an immediate: with a
//!    nonzero `disp` ([`load`]) or a nonzero `store_imm` value an `ADD` or
//!    `MOV` into x16 comes first, so the faulting pc is 4 or more bytes
//!    past the recorded offset and the trap table would miss it. Change:
//!    the memory methods return the offset of their accessing instruction
//!    (`-> u32`, x86-64 returns the offset it was called at), and
//!    `mark_access` records that. (Folding `disp` into the index in the
//!    front end would also work, but costs x86-64 an instruction.)
//! 2. **Immediates are 12 bits, not 32.** `ADD`/`SUB`/`CMP` take
//!    `0..4096`, optionally shifted by 12; logical operations take bitmask
//!    patterns only; `MUL` and stores take none. Every `*_imm` method falls
//!    back to `MOVZ`/`MOVK` into x16 (up to two instructions for an `i32`,
//!    [`int_op_imm`]). Nothing in the trait has to change; a backend should
//!    add the logical bitmask-immediate encoding later.
//! 3. **The patchable 32-bit subtract cannot be one `SUB`.** It is a
//!    `MOVZ`/`MOVK` pair into x16 whose two 16-bit fields are patched,
//!    then `SUB dst, a, x16` ([`sub_imm_patchable`]); `ImmPatch` names the
//!    `MOVZ`. The frame size is patched the same way in spirit: two `SUB
//!    SP` immediates (`lsl #12` and plain), covering frames below 16 MiB.
//!    The trait's opaque `ImmPatch(u32)`/`FramePatch(u32)` already allow
//!    this.
//! 4. **Register 31 is SP or the zero register depending on the
//!    instruction.** `Gpr(31)` as [`SP`](wasmbed_codegen::masm::MacroAssembler::SP)
//!    works in loads and stores (base), `ADD`/`SUB` immediate and
//!    extended-register forms, but not in shifted-register or logical forms
//!    (there it is XZR): `branch_cmp(_, _, SP, t, _)` must use `CMP SP, Xt`
//!    in its extended-register form ([`branch_cmp_sp`]), a `mov` from SP
//!    must be `ADD #0`, and an `Addr` whose index is SP must swap base and
//!    index. No trait change; each method must pick the form.
//! 5. **`fselect` on v128 cannot use `FCSEL`.** The front end calls
//!    `fselect(width(ty), ..)` for v128 values too, with `W64`, and the
//!    method "selects the whole register". `FCSEL Dd` zeroes bits 64..127,
//!    so an AArch64 backend must always do the whole-register select
//!    ([`fselect`]: `CSETM`, `DUP`, `BSL`, five instructions) even for the
//!    common f32/f64 case. Change: a `Width::V128` (or a separate `vselect`)
//!    so that f32/f64 get the one-instruction `FCSEL`.
//! 6. **Conditional branches reach +-1 MiB** (`B.cond`, `CBZ`; `TBZ` +-32
//!    KiB), `B` +-128 MiB. Trap labels are bound in stubs at the end of the
//!    function, so a function with more than 1 MiB of code needs the
//!    backend to invert the condition over a `B` (or emit veneers). The
//!    encoder panics rather than mis-encode.
//! 7. **`Popcnt` has no general-register instruction** before FEAT_CSSC:
//!    `FMOV d31, x; CNT v31.8b; ADDV b31; FMOV w, s31` ([`int_unary`]).
//! 8. **The trapping `float_to_int` still needs exact bound checks**
//!    ([`float_to_int`]): `FCVTZS` saturates instead of reporting, so NaN
//!    is `FCMP src, src; B.VS`, and the bounds are compared as floats (the
//!    same constants as x86-64, loaded through x16 into v31).
//!
//! The rest of the trait is routine: calls place up to six arguments in
//! x0..x5 (AAPCS64 has eight argument registers, so no stack arguments,
//! unlike Windows x64), `jump_table` is a table of `B` instructions entered
//! through `ADR`/`ADD`/`BR` (position-independent, no data in the code),
//! and `unreachable` is `BRK #0`.
use wasmbed_codegen::masm::{Addr, CallArg, DivKind, Fpr, Gpr, IntCmp, IntOp, IntUnary, Width};
use wasmbed_core::vm::context::offsets;

use crate::encode::{
    Asm, Cond, Cvt, Ext, FMem, Label, Lanes, Logic, Mem, Op1, Op2, PairMode, Shift, VLogic, FP, LR,
    SP, ZR,
};

/// Pinned instance context.
pub const VMCTX: u8 = 19;
/// Pinned memory 0 base.
pub const MEM_BASE: u8 = 20;
/// Pinned memory 0 length.
pub const MEM_LEN: u8 = 21;
/// Scratch (IP0): also the trap code on entry to the fault stub.
pub const X16: u8 = 16;
/// Scratch (IP1): also the faulting pc on entry to the fault stub.
pub const X17: u8 = 17;
/// The return register.
pub const RET: u8 = 0;
/// The C argument registers calls use (`ARGS` is the first four).
pub const C_ARGS: [u8; 6] = [0, 1, 2, 3, 4, 5];
/// Registers the front end may allocate (the last is its `tmp`).
pub const ALLOCATABLE_GPRS: [u8; 15] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// Float registers the front end may allocate.
pub const ALLOCATABLE_FPRS: [u8; 21] = [
    0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
];
/// The scratch float register.
pub const V31: u8 = 31;
/// Bytes the prologue pushes: x29, x30, x19, x20, x21 and 8 of padding.
pub const SAVE_AREA: i32 = 48;

fn is64(w: Width) -> bool {
    w == Width::W64
}

/// WebAssembly's integer comparisons as condition codes after `CMP a, b`.
pub fn int_cond(cmp: IntCmp) -> Cond {
    match cmp {
        IntCmp::Eq => Cond::Eq,
        IntCmp::Ne => Cond::Ne,
        IntCmp::LtS => Cond::Lt,
        IntCmp::LtU => Cond::Lo,
        IntCmp::GtS => Cond::Gt,
        IntCmp::GtU => Cond::Hi,
        IntCmp::LeS => Cond::Le,
        IntCmp::LeU => Cond::Ls,
        IntCmp::GeS => Cond::Ge,
        IntCmp::GeU => Cond::Hs,
    }
}

// ------------------------------------------------------------------ frame

/// `prologue`: saves FP/LR and the pinned registers, leaves x0..x3 alone,
/// and reserves a frame through two patchable `SUB SP` immediates.
/// Returns the `FramePatch` offset (the first `SUB`).
pub fn prologue(a: &mut Asm) -> u32 {
    a.stp(PairMode::Pre, FP, LR, SP, -SAVE_AREA);
    a.mov_sp(FP, SP);
    a.stp(PairMode::Offset, VMCTX, MEM_BASE, SP, 16);
    a.str_imm(Mem::X, MEM_LEN, SP, 32);
    let at = a.add_sub_imm(true, false, true, SP, SP, 0, true);
    a.add_sub_imm(true, false, true, SP, SP, 0, false);
    at as u32
}

/// `patch_frame_size`: `slots` 8-byte slots, rounded up to 16 bytes.
pub fn patch_frame_size(a: &mut Asm, patch: u32, slots: u32) {
    let frame = (u64::from(slots) * 8).div_ceil(16) * 16;
    assert!(frame < 1 << 24, "frame too large for two SUB immediates");
    let (hi, lo) = ((frame >> 12) as u32, (frame & 0xfff) as u32);
    let at = patch as usize;
    let set_imm12 = |w: u32, imm: u32| (w & !(0xfff << 10)) | imm << 10;
    let w = a.word(at);
    a.set_word(at, set_imm12(w, hi));
    let w = a.word(at + 4);
    a.set_word(at + 4, set_imm12(w, lo));
}

/// `slot(n)`: `[sp + 8n]`.
pub fn slot(n: u32) -> Addr {
    Addr::new(Gpr(SP), 8 * n as i32)
}

/// `epilogue`: restores SP from x29, so any number of them may be emitted
/// whatever the frame size.
pub fn epilogue(a: &mut Asm) {
    a.mov_sp(SP, FP);
    a.ldr_imm(Mem::X, MEM_LEN, SP, 32);
    a.ldp(PairMode::Offset, VMCTX, MEM_BASE, SP, 16);
    a.ldp(PairMode::Post, FP, LR, SP, SAVE_AREA);
    a.ret();
}

// ---------------------------------------------------------------- memory

/// `load`/`store` addressing: emits whatever must precede the access and
/// returns the closure's result, the access itself. Returns the offset of
/// the accessing instruction, which is what a trap table must record.
fn access(
    a: &mut Asm,
    addr: Addr,
    scale: u32,
    imm: impl FnOnce(&mut Asm, u8, u32) -> usize,
    unscaled: impl FnOnce(&mut Asm, u8, i32) -> usize,
    reg: impl FnOnce(&mut Asm, u8, u8) -> usize,
) -> usize {
    let disp = addr.disp;
    let fits_scaled = disp >= 0 && disp % (1 << scale) == 0 && (disp >> scale) < 4096;
    match addr.index {
        None if fits_scaled => imm(a, addr.base.0, disp as u32),
        None if (-256..256).contains(&disp) => unscaled(a, addr.base.0, disp),
        None => {
            a.mov_imm(true, X16, disp as i64 as u64);
            reg(a, addr.base.0, X16)
        }
        Some(index) => {
            // The index register cannot be SP; the sum is symmetric.
            let (base, index) = if index.0 == SP {
                (index.0, addr.base.0)
            } else {
                (addr.base.0, index.0)
            };
            if disp == 0 {
                reg(a, base, index)
            } else if fits_scaled {
                a.add_sub_ext(false, false, true, X16, base, index, Ext::Uxtx, 0);
                imm(a, X16, disp as u32)
            } else {
                a.mov_imm(true, X16, disp as i64 as u64);
                a.add_sub_ext(false, false, true, X16, X16, index, Ext::Uxtx, 0);
                reg(a, base, X16)
            }
        }
    }
}

/// `load(kind, dst, addr)` for a 64-bit load (the other kinds only change
/// the [`Mem`] size). Returns the offset of the `LDR`.
pub fn load_x(a: &mut Asm, dst: Gpr, addr: Addr) -> usize {
    load(a, Mem::X, dst, addr)
}

/// `load` of any size: `Mem::W` for `I32` (zero-extends), `Mem::Sb32` for
/// `I8S32`, `Mem::Sw` for `I32S64`, and so on.
pub fn load(a: &mut Asm, kind: Mem, dst: Gpr, addr: Addr) -> usize {
    access(
        a,
        addr,
        kind.scale(),
        |a, b, off| a.ldr_imm(kind, dst.0, b, off),
        |a, b, off| a.ldur(kind, dst.0, b, off),
        |a, b, i| a.ldr_reg(kind, dst.0, b, i, Ext::Uxtx, false),
    )
}

/// `store_imm(kind, imm, addr)`: zero stores XZR directly; anything else
/// goes through x16 first (another instruction before the access).
pub fn store_imm(a: &mut Asm, kind: Mem, imm: i32, addr: Addr) -> usize {
    let src = if imm == 0 {
        ZR
    } else {
        a.mov_imm(true, X17, imm as i64 as u64);
        X17
    };
    access(
        a,
        addr,
        kind.scale(),
        |a, b, off| a.str_imm(kind, src, b, off),
        |a, b, off| a.stur(kind, src, b, off),
        |a, b, i| a.str_reg(kind, src, b, i, Ext::Uxtx, false),
    )
}

// --------------------------------------------------------------- integers

/// `int_op(op, w, dst, a, b)`: one instruction, whatever `dst` aliases,
/// except `Rotl` (`RORV` by the negated count, through x16).
pub fn int_op(a: &mut Asm, op: IntOp, w: Width, dst: Gpr, x: Gpr, y: Gpr) {
    let (w, d, x, y) = (is64(w), dst.0, x.0, y.0);
    match op {
        IntOp::Add => {
            a.add_sub_reg(false, false, w, d, x, y, Shift::Lsl, 0);
        }
        IntOp::Sub => {
            a.add_sub_reg(true, false, w, d, x, y, Shift::Lsl, 0);
        }
        IntOp::Mul => {
            a.mul(w, d, x, y);
        }
        IntOp::And => {
            a.logic_reg(Logic::And, w, d, x, y, Shift::Lsl, 0);
        }
        IntOp::Or => {
            a.logic_reg(Logic::Orr, w, d, x, y, Shift::Lsl, 0);
        }
        IntOp::Xor => {
            a.logic_reg(Logic::Eor, w, d, x, y, Shift::Lsl, 0);
        }
        IntOp::Shl => {
            a.op2(Op2::Lslv, w, d, x, y);
        }
        IntOp::ShrS => {
            a.op2(Op2::Asrv, w, d, x, y);
        }
        IntOp::ShrU => {
            a.op2(Op2::Lsrv, w, d, x, y);
        }
        IntOp::Rotr => {
            a.op2(Op2::Rorv, w, d, x, y);
        }
        IntOp::Rotl => {
            // y is read into x16 before d is written, so d == y is fine.
            a.add_sub_reg(true, false, w, X16, ZR, y, Shift::Lsl, 0);
            a.op2(Op2::Rorv, w, d, x, X16);
        }
    }
}

/// `int_op_imm(op, w, dst, a, imm)` for `Add`/`Sub`: the 12-bit immediate
/// (plain or `lsl #12`, either sign through the opposite operation) when it
/// fits, else the value through x16.
pub fn int_op_imm(a: &mut Asm, op: IntOp, w: Width, dst: Gpr, x: Gpr, imm: i32) {
    assert!(
        matches!(op, IntOp::Add | IntOp::Sub),
        "the study covers Add/Sub"
    );
    let (wide, d, x) = (is64(w), dst.0, x.0);
    let sub = (op == IntOp::Sub) != (imm < 0);
    let mag = imm.unsigned_abs();
    if mag < 4096 {
        a.add_sub_imm(sub, false, wide, d, x, mag, false);
    } else if mag & 0xfff == 0 && mag >> 12 < 4096 {
        a.add_sub_imm(sub, false, wide, d, x, mag >> 12, true);
    } else {
        a.mov_imm(wide, X16, imm as i64 as u64);
        a.add_sub_reg(op == IntOp::Sub, false, wide, d, x, X16, Shift::Lsl, 0);
    }
}

/// `int_unary(op, w, dst, src)`.
pub fn int_unary(a: &mut Asm, op: IntUnary, w: Width, dst: Gpr, src: Gpr) {
    let (wide, d, s) = (is64(w), dst.0, src.0);
    match op {
        IntUnary::Clz => {
            a.op1(Op1::Clz, wide, d, s);
        }
        IntUnary::Ctz => {
            a.op1(Op1::Rbit, wide, d, s);
            a.op1(Op1::Clz, wide, d, d);
        }
        IntUnary::Popcnt => {
            // FMOV S (32 bits) zeroes the rest of v31, so only the
            // operand's own bits are counted.
            a.cvt(Cvt::FmovToFpr, wide, wide, V31, s);
            a.cnt8b(V31, V31);
            a.addv8b(V31, V31);
            a.cvt(Cvt::FmovToGpr, false, false, d, V31);
        }
    }
}

/// `div(kind, w, dst, a, b, div_by_zero, overflow)`.
#[allow(clippy::too_many_arguments)]
pub fn div(
    a: &mut Asm,
    kind: DivKind,
    w: Width,
    dst: Gpr,
    x: Gpr,
    y: Gpr,
    div_by_zero: Label,
    overflow: Label,
) {
    let (wide, d, x, y) = (is64(w), dst.0, x.0, y.0);
    a.cbz(false, wide, y, div_by_zero);
    let op = match kind {
        DivKind::DivS | DivKind::RemS => Op2::Sdiv,
        DivKind::DivU | DivKind::RemU => Op2::Udiv,
    };
    match kind {
        DivKind::DivS => {
            // MIN / -1: y == -1 and x - 1 overflows (x == MIN).
            let ok = a.new_label();
            a.cmn_imm(wide, y, 1);
            a.b_cond(Cond::Ne, ok);
            a.cmp_imm(wide, x, 1);
            a.b_cond(Cond::Vs, overflow);
            a.bind(ok);
            a.op2(op, wide, d, x, y);
        }
        DivKind::DivU => {
            a.op2(op, wide, d, x, y);
        }
        DivKind::RemS | DivKind::RemU => {
            // x - (x / y) * y; MIN % -1: SDIV gives MIN, MSUB then 0.
            a.op2(op, wide, X16, x, y);
            a.msub(wide, d, X16, y, x);
        }
    }
}

/// `cmp_set(cmp, w, dst, a, b)`: `CMP` then `CSET` (a 32-bit 0/1).
pub fn cmp_set(a: &mut Asm, cmp: IntCmp, w: Width, dst: Gpr, x: Gpr, y: Gpr) {
    a.cmp(is64(w), x.0, y.0);
    a.cset(false, dst.0, int_cond(cmp));
}

/// `branch_cmp(cmp, W64, SP, t, label)`: the native-stack check. SP is
/// only valid as the first operand of the extended-register `CMP`.
pub fn branch_cmp_sp(a: &mut Asm, cmp: IntCmp, t: Gpr, label: Label) {
    a.add_sub_ext(true, true, true, ZR, SP, t.0, Ext::Uxtx, 0);
    a.b_cond(int_cond(cmp), label);
}

/// `branch_cmp_imm(cmp, w, a, imm, label)`: `CBZ`/`CBNZ` and `TBZ`/`TBNZ`
/// on the sign bit against 0, `CMP`/`CMN` with a 12-bit immediate, else
/// the value through x16.
pub fn branch_cmp_imm(a: &mut Asm, cmp: IntCmp, w: Width, x: Gpr, imm: i32, label: Label) {
    let (wide, x) = (is64(w), x.0);
    let sign = if wide { 63 } else { 31 };
    match (cmp, imm) {
        (IntCmp::Eq, 0) => {
            a.cbz(false, wide, x, label);
        }
        (IntCmp::Ne, 0) => {
            a.cbz(true, wide, x, label);
        }
        (IntCmp::LtS, 0) => {
            a.tbz(true, x, sign, label);
        }
        (IntCmp::GeS, 0) => {
            a.tbz(false, x, sign, label);
        }
        _ => {
            if (0..4096).contains(&imm) {
                a.cmp_imm(wide, x, imm as u32);
            } else if (-4095..0).contains(&imm) {
                a.cmn_imm(wide, x, imm.unsigned_abs());
            } else {
                a.mov_imm(wide, X16, imm as i64 as u64);
                a.cmp(wide, x, X16);
            }
            a.b_cond(int_cond(cmp), label);
        }
    }
}

/// `select(w, dst, cond, a, b)`: the flags are set before `dst` is
/// written, so `dst == cond` is fine.
pub fn select(a: &mut Asm, w: Width, dst: Gpr, cond: Gpr, x: Gpr, y: Gpr) {
    a.cmp_imm(false, cond.0, 0);
    a.csel(is64(w), dst.0, x.0, y.0, Cond::Ne);
}

/// `fselect(w, dst, cond, a, b)` as the trait defines it today (the whole
/// register, since the front end also selects v128 values with it).
pub fn fselect(a: &mut Asm, dst: Fpr, cond: Gpr, x: Fpr, y: Fpr) {
    a.cmp_imm(false, cond.0, 0);
    a.csetm(true, X16, Cond::Ne);
    a.dup_gpr(Lanes::D2, V31, X16);
    a.vlogic(VLogic::Bsl, V31, x.0, y.0);
    a.vmov(dst.0, V31);
}

// ------------------------------------------------------------------ floats

/// `dst = the float with bits` through x16 (a backend would use `FMOV
/// #imm8` or `MOVI` where they fit).
fn fconst(a: &mut Asm, double: bool, v: u8, bits: u64) {
    a.mov_imm(double, X16, bits);
    a.cvt(Cvt::FmovToFpr, double, double, v, X16);
}

fn fbits(double: bool, v: f64) -> u64 {
    if double {
        v.to_bits()
    } else {
        u64::from((v as f32).to_bits())
    }
}

/// `float_to_int(signed, from, to, dst, src, invalid, overflow)`: NaN
/// first, then the exact bounds as floats, then the (saturating, here
/// never saturating) conversion.
#[allow(clippy::too_many_arguments)]
pub fn float_to_int(
    a: &mut Asm,
    signed: bool,
    from: Width,
    to: Width,
    dst: Gpr,
    src: Fpr,
    invalid: Label,
    overflow: Label,
) {
    let (d, wto, s) = (is64(from), is64(to), src.0);
    let bits: u32 = if wto { 64 } else { 32 };
    // 2^n as a float, exactly.
    let pow2 = |n: u32| 2.0 * (1u64 << (n - 1)) as f64;
    a.fcmp(d, s, s);
    a.b_cond(Cond::Vs, invalid);
    // Lower bound: the largest float that is out of range, or the
    // smallest one that is in range.
    let (lower, lower_cond) = if !signed {
        (-1.0, Cond::Le)
    } else if !wto && d {
        // f64 has values in (MIN - 1, MIN) that truncate to MIN.
        (-pow2(31) - 1.0, Cond::Le)
    } else {
        (-pow2(bits - 1), Cond::Lt)
    };
    fconst(a, d, V31, fbits(d, lower));
    a.fcmp(d, s, V31);
    a.b_cond(lower_cond, overflow);
    let upper = pow2(if signed { bits - 1 } else { bits });
    fconst(a, d, V31, fbits(d, upper));
    a.fcmp(d, s, V31);
    a.b_cond(Cond::Ge, overflow);
    let op = if signed { Cvt::Fcvtzs } else { Cvt::Fcvtzu };
    a.cvt(op, wto, d, dst.0, s);
}

/// `float_to_int_sat`: one instruction for every combination.
pub fn float_to_int_sat(a: &mut Asm, signed: bool, from: Width, to: Width, dst: Gpr, src: Fpr) {
    let op = if signed { Cvt::Fcvtzs } else { Cvt::Fcvtzu };
    a.cvt(op, is64(to), is64(from), dst.0, src.0);
}

// ------------------------------------------------------------------- calls

/// Places one argument in C argument register `r`.
fn place_arg(a: &mut Asm, r: u8, arg: CallArg) {
    match arg {
        CallArg::Vmctx => {
            a.mov(true, r, VMCTX);
        }
        CallArg::Imm(v) => a.mov_imm(true, r, v),
        CallArg::Reg(g) => {
            if g.0 != r {
                a.mov(true, r, g.0);
            }
        }
        CallArg::Slot(n) => {
            load_x(a, Gpr(r), slot(n));
        }
        CallArg::SlotAddr(n) => {
            let off = 8 * n;
            assert!(off < 4096, "the study covers slots below 512");
            a.add_sub_imm(false, false, true, r, SP, off, false);
        }
    }
}

/// `call_indirect(target, args)`: the target into x16 first (its
/// registers may be argument registers), the one register argument next,
/// the rest, `BLR x16`.
pub fn call_indirect(a: &mut Asm, target: Addr, args: &[CallArg]) {
    assert!(args.len() <= C_ARGS.len(), "too many call arguments");
    load_x(a, Gpr(X16), target);
    for (i, &arg) in args.iter().enumerate() {
        if matches!(arg, CallArg::Reg(_)) {
            place_arg(a, C_ARGS[i], arg);
        }
    }
    for (i, &arg) in args.iter().enumerate() {
        if !matches!(arg, CallArg::Reg(_)) {
            place_arg(a, C_ARGS[i], arg);
        }
    }
    a.blr(X16);
}

// ------------------------------------------------------------ patchables

/// `sub_imm_patchable(dst, a)`: `MOVZ`/`MOVK` into x16 (both immediates
/// patched later), then `SUB`. Returns the `ImmPatch` offset (the `MOVZ`).
pub fn sub_imm_patchable(a: &mut Asm, dst: Gpr, x: Gpr) -> u32 {
    let at = a.movz(true, X16, 0, 0);
    a.movk(true, X16, 0, 1);
    a.add_sub_reg(true, false, true, dst.0, x.0, X16, Shift::Lsl, 0);
    at as u32
}

/// `patch_sub_imm(patch, imm)`.
pub fn patch_sub_imm(a: &mut Asm, patch: u32, imm: u32) {
    a.patch_move_wide(patch as usize, imm as u16);
    a.patch_move_wide(patch as usize + 4, (imm >> 16) as u16);
}

// --------------------------------------------------------- control flow

/// `jump_table(index, targets, default)`: a table of `B` instructions
/// right after the `BR`, entered at `table + 4 * index`.
pub fn jump_table(a: &mut Asm, index: Gpr, targets: &[Label], default: Label) {
    let n = u32::try_from(targets.len()).expect("jump table too large");
    if n < 4096 {
        a.cmp_imm(false, index.0, n);
    } else {
        a.mov_imm(false, X16, u64::from(n));
        a.cmp(false, index.0, X16);
    }
    a.b_cond(Cond::Hs, default);
    let table = a.new_label();
    a.adr(X16, table);
    a.add_sub_ext(false, false, true, X16, X16, index.0, Ext::Uxtw, 2);
    a.br(X16);
    a.bind(table);
    for &t in targets {
        a.b(t);
    }
}

/// `fault_stub`: the handler left the trap code in x16 and the faulting
/// pc in x17, on the faulting function's frame; both are read before x16
/// is reused. Calls `fault(vmctx, code, pc)` and returns `VM_UNWIND`
/// through the epilogue (which restores SP from x29, whatever the faulting
/// function's frame size).
pub fn fault_stub(a: &mut Asm) {
    a.mov(false, C_ARGS[1], X16);
    a.mov(true, C_ARGS[2], X17);
    a.mov(true, C_ARGS[0], VMCTX);
    a.ldr_imm(Mem::X, X16, VMCTX, offsets::VMCTX_STORE as u32);
    a.ldr_imm(Mem::X, X16, X16, offsets::STORE_BUILTINS as u32);
    a.ldr_imm(Mem::X, X16, X16, offsets::BUILTIN_FAULT as u32);
    a.blr(X16);
    a.mov_imm(false, RET, u64::from(wasmbed_core::vm::context::VM_UNWIND));
    epilogue(a);
}

/// `unreachable`.
pub fn unreachable(a: &mut Asm) {
    a.brk(0);
}

/// `fload` (and `vload` with `FMem::Q`): [`load`]'s addressing with the
/// float forms. There is no unscaled float form in the encoder yet, so a
/// small negative `disp` goes through x16.
pub fn fload(a: &mut Asm, kind: FMem, dst: Fpr, addr: Addr) -> usize {
    access(
        a,
        addr,
        kind.scale(),
        |a, b, off| a.fldr_imm(kind, dst.0, b, off),
        |a, b, off| {
            a.mov_imm(true, X16, off as i64 as u64);
            a.fldr_reg(kind, dst.0, b, X16, Ext::Uxtx)
        },
        |a, b, i| a.fldr_reg(kind, dst.0, b, i, Ext::Uxtx),
    )
}

#[cfg(test)]
mod tests;
