//! Every encoder form against the disassembler.
use std::vec::Vec;

use super::*;
use crate::dis::check;

/// Emits with `f` into a fresh buffer and checks the listing.
#[track_caller]
fn t(expected: &[&str], f: impl FnOnce(&mut Asm)) {
    let mut a = Asm::new();
    f(&mut a);
    check(&a.finish(), expected);
}

#[test]
fn add_sub() {
    t(
        &[
            "add x0, x1, x2",
            "add w3, w4, w5",
            "sub x6, x7, x8",
            "sub w9, w10, w11, lsl #3",
            "adds x0, x1, x2",
            "subs w0, w1, w2",
            "neg x0, x1",
            "cmp x19, x20",
            "cmp w1, w2",
        ],
        |a| {
            a.add_sub_reg(false, false, true, 0, 1, 2, Shift::Lsl, 0);
            a.add_sub_reg(false, false, false, 3, 4, 5, Shift::Lsl, 0);
            a.add_sub_reg(true, false, true, 6, 7, 8, Shift::Lsl, 0);
            a.add_sub_reg(true, false, false, 9, 10, 11, Shift::Lsl, 3);
            a.add_sub_reg(false, true, true, 0, 1, 2, Shift::Lsl, 0);
            a.add_sub_reg(true, true, false, 0, 1, 2, Shift::Lsl, 0);
            a.add_sub_reg(true, false, true, 0, ZR, 1, Shift::Lsl, 0);
            a.cmp(true, 19, 20);
            a.cmp(false, 1, 2);
        },
    );
}

#[test]
fn add_sub_imm_and_sp() {
    t(
        &[
            "add x0, x1, #0xfff",
            "sub w2, w3, #0x1",
            "sub sp, sp, #0x12, lsl #12",
            "sub sp, sp, #0x340",
            "add sp, sp, #0x10",
            "mov x29, sp",
            "mov sp, x29",
            "add x16, sp, #0x18",
            "cmp x0, #0x7",
            "cmn w1, #0x1",
            "cmp sp, x16",
            // yaxpeax-arm leaves out the extension of these two: binutils
            // reads "add x16, x20, w1, uxtw" and "add x16, x16, w1, uxtw
            // #2" (`objdump_agrees` checks those exact strings).
            "add x16, x20, w1",
            "add x16, x16, w1, lsl #2",
        ],
        |a| {
            a.add_sub_imm(false, false, true, 0, 1, 0xfff, false);
            a.add_sub_imm(true, false, false, 2, 3, 1, false);
            a.add_sub_imm(true, false, true, SP, SP, 0x12, true);
            a.add_sub_imm(true, false, true, SP, SP, 0x340, false);
            a.add_sub_imm(false, false, true, SP, SP, 16, false);
            a.mov_sp(FP, SP);
            a.mov_sp(SP, FP);
            a.add_sub_imm(false, false, true, 16, SP, 24, false);
            a.cmp_imm(true, 0, 7);
            a.cmn_imm(false, 1, 1);
            a.add_sub_ext(true, true, true, ZR, SP, 16, Ext::Uxtx, 0);
            a.add_sub_ext(false, false, true, 16, 20, 1, Ext::Uxtw, 0);
            a.add_sub_ext(false, false, true, 16, 16, 1, Ext::Uxtw, 2);
        },
    );
}

#[test]
fn logic_and_moves() {
    t(
        &[
            "and x0, x1, x2",
            "orr w3, w4, w5",
            "eor x6, x7, x8",
            "tst w1, w1",
            "bic x0, x1, x2",
            "mov x0, x1",
            "mov w2, w3",
            "orr x0, x1, x2, lsr #32",
        ],
        |a| {
            a.logic_reg(Logic::And, true, 0, 1, 2, Shift::Lsl, 0);
            a.logic_reg(Logic::Orr, false, 3, 4, 5, Shift::Lsl, 0);
            a.logic_reg(Logic::Eor, true, 6, 7, 8, Shift::Lsl, 0);
            a.logic_reg(Logic::Ands, false, ZR, 1, 1, Shift::Lsl, 0);
            a.logic_reg(Logic::Bic, true, 0, 1, 2, Shift::Lsl, 0);
            a.mov(true, 0, 1);
            a.mov(false, 2, 3);
            a.logic_reg(Logic::Orr, true, 0, 1, 2, Shift::Lsr, 32);
        },
    );
}

#[test]
fn mul_div_shift_bits() {
    t(
        &[
            "mul x0, x1, x2",
            "mul w3, w4, w5",
            "madd x0, x1, x2, x3",
            "msub w0, w16, w2, w1",
            "sdiv x0, x1, x2",
            "udiv w3, w4, w5",
            "lsl x0, x1, x2",
            "lsr w0, w1, w2",
            "asr x0, x1, x2",
            "ror w0, w1, w2",
            "clz x0, x1",
            "clz w2, w3",
            "rbit x0, x1",
            "rbit w2, w3",
        ],
        |a| {
            a.mul(true, 0, 1, 2);
            a.mul(false, 3, 4, 5);
            a.madd(true, 0, 1, 2, 3);
            a.msub(false, 0, 16, 2, 1);
            a.op2(Op2::Sdiv, true, 0, 1, 2);
            a.op2(Op2::Udiv, false, 3, 4, 5);
            a.op2(Op2::Lslv, true, 0, 1, 2);
            a.op2(Op2::Lsrv, false, 0, 1, 2);
            a.op2(Op2::Asrv, true, 0, 1, 2);
            a.op2(Op2::Rorv, false, 0, 1, 2);
            a.op1(Op1::Clz, true, 0, 1);
            a.op1(Op1::Clz, false, 2, 3);
            a.op1(Op1::Rbit, true, 0, 1);
            a.op1(Op1::Rbit, false, 2, 3);
        },
    );
}

#[test]
fn bitfield_aliases() {
    t(
        &[
            "sxtw x0, w1",
            "sxtb w2, w3",
            "sxth x4, w5",
            "lsl x0, x1, #0x4",
            "lsr w0, w1, #0x1f",
            "asr x0, x1, #0x3f",
        ],
        |a| {
            a.bfm(true, true, 0, 1, 0, 31);
            a.bfm(true, false, 2, 3, 0, 7);
            a.bfm(true, true, 4, 5, 0, 15);
            a.bfm(false, true, 0, 1, 60, 59);
            a.bfm(false, false, 0, 1, 31, 31);
            a.bfm(true, true, 0, 1, 63, 63);
        },
    );
}

#[test]
fn conditional_select() {
    t(
        &[
            "cset w0, eq",
            "cset x1, lo",
            "cset w2, gt",
            "csetm x3, ne",
            "csel x0, x1, x2, ne",
            "csel w3, w4, w5, ge",
            "csinc w0, w1, w2, vs",
        ],
        |a| {
            a.cset(false, 0, Cond::Eq);
            a.cset(true, 1, Cond::Lo);
            a.cset(false, 2, Cond::Gt);
            a.csetm(true, 3, Cond::Ne);
            a.csel(true, 0, 1, 2, Cond::Ne);
            a.csel(false, 3, 4, 5, Cond::Ge);
            a.csinc(false, 0, 1, 2, Cond::Vs);
        },
    );
}

#[test]
fn move_wide() {
    t(
        &[
            "mov x0, #0x1234",
            "movk x0, #0x5678, lsl #16",
            "movk x0, #0x9abc, lsl #32",
            "movk x0, #0xdef0, lsl #48",
            "mov w1, #0xffffffff",
            "mov x2, #0x0",
        ],
        |a| {
            a.movz(true, 0, 0x1234, 0);
            a.movk(true, 0, 0x5678, 1);
            a.movk(true, 0, 0x9abc, 2);
            a.movk(true, 0, 0xdef0, 3);
            a.movn(false, 1, 0, 0);
            a.movz(true, 2, 0, 0);
        },
    );
}

/// Simulates the `MOVZ`/`MOVN`/`MOVK` sequence `mov_imm` emitted, so every
/// value is checked for what the instructions compute, not just their text.
fn simulate_move_wide(code: &[u8], x: bool) -> u64 {
    let mut v = 0u64;
    for w in code.chunks(4) {
        let w = u32::from_le_bytes(w.try_into().unwrap());
        assert_eq!(w & 0x1f80_0000, 0x1280_0000, "only move-wide instructions");
        assert_eq!(w >> 31 == 1, x, "width");
        let hw = (w >> 21) & 3;
        let imm = u64::from((w >> 5) & 0xffff) << (16 * hw);
        v = match (w >> 29) & 3 {
            0 => !imm,
            2 => imm,
            3 => (v & !(0xffff << (16 * hw))) | imm,
            _ => panic!("unallocated move-wide opc"),
        };
        if !x {
            v &= 0xffff_ffff;
        }
    }
    v
}

#[test]
fn mov_imm_any_value() {
    let values = [
        0u64,
        1,
        0xffff,
        0x1_0000,
        0x1234_5678,
        0xffff_ffff,
        0x8000_0000,
        u64::MAX,
        u64::MAX - 0x1234,
        0xffff_0000_ffff_0000,
        0x0000_ffff_0000_ffff,
        0x1234_5678_9abc_def0,
        0x8000_0000_0000_0000,
        0x41e0_0000_0000_0000,
        (-2_147_483_649.0f64).to_bits(),
        0xffff_ffff_8000_0000,
    ];
    for &v in &values {
        for x in [true, false] {
            let mut a = Asm::new();
            a.mov_imm(x, 16, v);
            let code = a.finish();
            assert!(code.len() <= if x { 16 } else { 8 }, "{v:#x}: too long");
            let want = if x { v } else { v & 0xffff_ffff };
            assert_eq!(simulate_move_wide(&code, x), want, "{v:#x} (x = {x})");
            // And every word decodes as a mov/movk/movn.
            for line in crate::dis::dis(&code) {
                assert!(line.starts_with("mov"), "{line}");
            }
        }
    }
    t(&["mov x16, #0x41e0000000000000"], |a| {
        a.mov_imm(true, 16, 0x41e0_0000_0000_0000)
    });
    t(&["mov x16, #0xffffffffffffedcb"], |a| {
        a.mov_imm(true, 16, u64::MAX - 0x1234)
    });
    t(&["mov w16, #0x2345", "movk w16, #0x1, lsl #16"], |a| {
        a.mov_imm(false, 16, 0x1_2345)
    });
}

#[test]
fn patch_move_wide_imm() {
    let mut a = Asm::new();
    let at = a.movz(true, 16, 0, 0);
    let at2 = a.movk(true, 16, 0, 1);
    a.patch_move_wide(at, 0xbeef);
    a.patch_move_wide(at2, 0xdead);
    check(
        &a.finish(),
        &["mov x16, #0xbeef", "movk x16, #0xdead, lsl #16"],
    );
}

#[test]
fn loads_and_stores_immediate() {
    t(
        &[
            "ldrb w0, [x1, #0x1]",
            "ldrh w0, [x1, #0x2]",
            "ldr w0, [x1, #0x4]",
            "ldr x0, [x1, #0x8]",
            "ldrsb w0, [x1]",
            "ldrsb x0, [x1]",
            "ldrsh w0, [x1]",
            "ldrsh x0, [x1]",
            "ldrsw x0, [x1, #0x3ffc]",
            "ldr x0, [sp, #0x7ff8]",
            "strb w0, [x1, #0xfff]",
            "strh w0, [x1, #0x1ffe]",
            "str w0, [x1]",
            "str x0, [sp, #0x10]",
            "str xzr, [sp, #0x18]",
            "ldur x0, [x29, #-0x8]",
            "stur w1, [x2, #0xff]",
        ],
        |a| {
            a.ldr_imm(Mem::B, 0, 1, 1);
            a.ldr_imm(Mem::H, 0, 1, 2);
            a.ldr_imm(Mem::W, 0, 1, 4);
            a.ldr_imm(Mem::X, 0, 1, 8);
            a.ldr_imm(Mem::Sb32, 0, 1, 0);
            a.ldr_imm(Mem::Sb64, 0, 1, 0);
            a.ldr_imm(Mem::Sh32, 0, 1, 0);
            a.ldr_imm(Mem::Sh64, 0, 1, 0);
            a.ldr_imm(Mem::Sw, 0, 1, 4095 * 4);
            a.ldr_imm(Mem::X, 0, SP, 4095 * 8);
            a.str_imm(Mem::B, 0, 1, 4095);
            a.str_imm(Mem::H, 0, 1, 4095 * 2);
            a.str_imm(Mem::W, 0, 1, 0);
            a.str_imm(Mem::X, 0, SP, 16);
            a.str_imm(Mem::X, ZR, SP, 24);
            a.ldur(Mem::X, 0, FP, -8);
            a.stur(Mem::W, 1, 2, 255);
        },
    );
}

#[test]
fn loads_and_stores_register_offset() {
    t(
        &[
            "ldr x0, [x20, x1]",
            "ldr w0, [x20, w1, uxtw]",
            "ldrb w0, [x20, x1]",
            "ldrsh x0, [x20, x1]",
            "ldrsw x0, [x16, w1, uxtw #2]",
            "ldrsb w0, [x20, x1, sxtx #0]",
            "strh w2, [x20, x1]",
            "str x2, [x20, w1, sxtw #0]",
            "strb wzr, [x20, x1]",
        ],
        |a| {
            a.ldr_reg(Mem::X, 0, 20, 1, Ext::Uxtx, false);
            a.ldr_reg(Mem::W, 0, 20, 1, Ext::Uxtw, false);
            a.ldr_reg(Mem::B, 0, 20, 1, Ext::Uxtx, false);
            a.ldr_reg(Mem::Sh64, 0, 20, 1, Ext::Uxtx, false);
            a.ldr_reg(Mem::Sw, 0, 16, 1, Ext::Uxtw, true);
            a.ldr_reg(Mem::Sb32, 0, 20, 1, Ext::Sxtx, false);
            a.str_reg(Mem::H, 2, 20, 1, Ext::Uxtx, false);
            a.str_reg(Mem::X, 2, 20, 1, Ext::Sxtw, false);
            a.str_reg(Mem::B, ZR, 20, 1, Ext::Uxtx, false);
        },
    );
}

#[test]
fn float_and_vector_loads_and_stores() {
    t(
        &[
            "ldr s0, [x1, #0x4]",
            "ldr d1, [x2, #0x8]",
            "ldr q2, [x3, #0x10]",
            "str s0, [x1, #0x3ffc]",
            "str d1, [sp, #0x8]",
            "str q2, [x3]",
            "ldr s0, [x20, x1]",
            "ldr d1, [x20, w1, uxtw]",
            "ldr q2, [x20, x1]",
            "str s0, [x20, x1]",
            "str d1, [x20, x1]",
            "str q2, [x20, x1]",
        ],
        |a| {
            a.fldr_imm(FMem::S, 0, 1, 4);
            a.fldr_imm(FMem::D, 1, 2, 8);
            a.fldr_imm(FMem::Q, 2, 3, 16);
            a.fstr_imm(FMem::S, 0, 1, 4095 * 4);
            a.fstr_imm(FMem::D, 1, SP, 8);
            a.fstr_imm(FMem::Q, 2, 3, 0);
            a.fldr_reg(FMem::S, 0, 20, 1, Ext::Uxtx);
            a.fldr_reg(FMem::D, 1, 20, 1, Ext::Uxtw);
            a.fldr_reg(FMem::Q, 2, 20, 1, Ext::Uxtx);
            a.fstr_reg(FMem::S, 0, 20, 1, Ext::Uxtx);
            a.fstr_reg(FMem::D, 1, 20, 1, Ext::Uxtx);
            a.fstr_reg(FMem::Q, 2, 20, 1, Ext::Uxtx);
        },
    );
}

#[test]
fn pairs() {
    t(
        &[
            "stp x29, x30, [sp, #-0x30]!",
            "stp x19, x20, [sp, #0x10]",
            "ldp x19, x20, [sp, #0x10]",
            "ldp x29, x30, [sp], #0x30",
            "stp x0, x1, [x2, #-0x200]",
            "ldp x0, x1, [x2, #0x1f8]",
        ],
        |a| {
            a.stp(PairMode::Pre, FP, LR, SP, -48);
            a.stp(PairMode::Offset, 19, 20, SP, 16);
            a.ldp(PairMode::Offset, 19, 20, SP, 16);
            a.ldp(PairMode::Post, FP, LR, SP, 48);
            a.stp(PairMode::Offset, 0, 1, 2, -512);
            a.ldp(PairMode::Offset, 0, 1, 2, 504);
        },
    );
}

#[test]
fn branches_and_labels() {
    let mut a = Asm::new();
    let back = a.new_label();
    let fwd = a.new_label();
    a.bind(back);
    a.b(fwd); // 0
    a.b_cond(Cond::Ne, fwd); // 4
    a.cbz(false, true, 3, fwd); // 8
    a.cbz(true, false, 4, back); // 12
    a.tbz(true, 5, 63, fwd); // 16
    a.tbz(false, 6, 3, back); // 20
    a.adr(16, fwd); // 24
    a.b(back); // 28
    a.b_cond(Cond::Hs, back); // 32
    a.bind(fwd); // 36
    a.br(16);
    a.blr(17);
    a.ret();
    a.brk(0);
    a.brk(0xf000);
    check(
        &a.finish(),
        &[
            "b $+0x24",
            "b.ne $+0x20",
            "cbz x3, $+0x1c",
            "cbnz w4, $-0xc",
            "tbnz x5, #0x3f, $+0x14",
            "tbz w6, #0x3, $-0x14",
            "adr x16, $+0xc",
            "b $-0x1c",
            "b.hs $-0x20",
            "br x16",
            "blr x17",
            "ret",
            "brk #0x0",
            "brk #0xf000",
        ],
    );
}

#[test]
fn branch_ranges() {
    // The largest offsets each form reaches, both ways.
    let mut a = Asm::new();
    a.emit(0x1400_0000);
    a.patch_branch(0, (1 << 27) - 4);
    a.emit(0x5400_0000);
    a.patch_branch(4, 4 + (1 << 20) - 4);
    a.emit(0x3400_0000);
    a.patch_branch(8, 8 + (1 << 20) - 4);
    check(
        a.bytes(),
        &["b $+0x7fffffc", "b.eq $+0xffffc", "cbz w0, $+0xffffc"],
    );
    let mut a = Asm::new();
    for _ in 0..4 {
        a.emit(0);
    }
    let at = a.len();
    a.emit(0x5400_0000);
    a.patch_branch(at, 0);
    check(&a.bytes()[at..], &["b.eq $-0x10"]);
}

#[test]
#[should_panic(expected = "out of range")]
fn b_cond_out_of_range() {
    let mut a = Asm::new();
    a.emit(0x5400_0000);
    a.patch_branch(0, 1 << 20);
}

#[test]
#[should_panic(expected = "never bound")]
fn unbound_label() {
    let mut a = Asm::new();
    let l = a.new_label();
    a.b(l);
    let _ = a.finish();
}

#[test]
fn scalar_float() {
    t(
        &[
            "fadd s0, s1, s2",
            "fsub d0, d1, d2",
            "fmul s3, s4, s5",
            "fdiv d3, d4, d5",
            "fmin s0, s1, s2",
            "fmax d0, d1, d2",
            "fsqrt s0, s1",
            "fsqrt d0, d1",
            "fabs d0, d1",
            "fneg s0, s1",
            "fmov d0, d1",
            "frintn s0, s1",
            "frintp d0, d1",
            "frintm s0, s1",
            "frintz d0, d1",
            "fcvt d0, s1",
            "fcvt s0, d1",
            "fcmp s0, s1",
            "fcmp d2, d3",
            "fcmp d0, #0.0",
            "fcsel d0, d1, d2, ne",
        ],
        |a| {
            a.fop2(FOp2::Add, false, 0, 1, 2);
            a.fop2(FOp2::Sub, true, 0, 1, 2);
            a.fop2(FOp2::Mul, false, 3, 4, 5);
            a.fop2(FOp2::Div, true, 3, 4, 5);
            a.fop2(FOp2::Min, false, 0, 1, 2);
            a.fop2(FOp2::Max, true, 0, 1, 2);
            a.fop1(FOp1::Sqrt, false, 0, 1);
            a.fop1(FOp1::Sqrt, true, 0, 1);
            a.fop1(FOp1::Abs, true, 0, 1);
            a.fop1(FOp1::Neg, false, 0, 1);
            a.fop1(FOp1::Mov, true, 0, 1);
            a.fop1(FOp1::Rintn, false, 0, 1);
            a.fop1(FOp1::Rintp, true, 0, 1);
            a.fop1(FOp1::Rintm, false, 0, 1);
            a.fop1(FOp1::Rintz, true, 0, 1);
            a.fcvt(true, 0, 1);
            a.fcvt(false, 0, 1);
            a.fcmp(false, 0, 1);
            a.fcmp(true, 2, 3);
            a.fcmp_zero(true, 0);
            a.fcsel(true, 0, 1, 2, Cond::Ne);
        },
    );
}

#[test]
fn conversions() {
    t(
        &[
            "fcvtzs w0, s1",
            "fcvtzs x0, s1",
            "fcvtzs w0, d1",
            "fcvtzs x0, d1",
            "fcvtzu w0, s1",
            "fcvtzu x0, d1",
            "scvtf s0, w1",
            "scvtf d0, x1",
            "ucvtf s0, x1",
            "ucvtf d0, w1",
            "fmov w0, s1",
            "fmov x0, d1",
            "fmov s0, w1",
            "fmov d0, x1",
        ],
        |a| {
            a.cvt(Cvt::Fcvtzs, false, false, 0, 1);
            a.cvt(Cvt::Fcvtzs, true, false, 0, 1);
            a.cvt(Cvt::Fcvtzs, false, true, 0, 1);
            a.cvt(Cvt::Fcvtzs, true, true, 0, 1);
            a.cvt(Cvt::Fcvtzu, false, false, 0, 1);
            a.cvt(Cvt::Fcvtzu, true, true, 0, 1);
            a.cvt(Cvt::Scvtf, false, false, 0, 1);
            a.cvt(Cvt::Scvtf, true, true, 0, 1);
            a.cvt(Cvt::Ucvtf, true, false, 0, 1);
            a.cvt(Cvt::Ucvtf, false, true, 0, 1);
            a.cvt(Cvt::FmovToGpr, false, false, 0, 1);
            a.cvt(Cvt::FmovToGpr, true, true, 0, 1);
            a.cvt(Cvt::FmovToFpr, false, false, 0, 1);
            a.cvt(Cvt::FmovToFpr, true, true, 0, 1);
        },
    );
}

#[test]
fn vector() {
    t(
        &[
            "and v0.16b, v1.16b, v2.16b",
            "bic v0.16b, v1.16b, v2.16b",
            "orr v0.16b, v1.16b, v2.16b",
            "eor v0.16b, v1.16b, v2.16b",
            "bsl v0.16b, v1.16b, v2.16b",
            "mov v3.16b, v4.16b",
            "add v0.16b, v1.16b, v2.16b",
            "add v0.8h, v1.8h, v2.8h",
            "sub v0.4s, v1.4s, v2.4s",
            "sub v0.2d, v1.2d, v2.2d",
            "cnt v31.8b, v31.8b",
            "addv b31, v31.8b",
            "dup v0.4s, w1",
            "dup v0.2d, x1",
            "umov w0, v1.b[15]",
            "mov w0, v1.s[3]",
            "mov x0, v1.d[1]",
            "mov v0.h[7], w1",
        ],
        |a| {
            a.vlogic(VLogic::And, 0, 1, 2);
            a.vlogic(VLogic::Bic, 0, 1, 2);
            a.vlogic(VLogic::Orr, 0, 1, 2);
            a.vlogic(VLogic::Eor, 0, 1, 2);
            a.vlogic(VLogic::Bsl, 0, 1, 2);
            a.vmov(3, 4);
            a.vadd_sub(false, Lanes::B16, 0, 1, 2);
            a.vadd_sub(false, Lanes::H8, 0, 1, 2);
            a.vadd_sub(true, Lanes::S4, 0, 1, 2);
            a.vadd_sub(true, Lanes::D2, 0, 1, 2);
            a.cnt8b(31, 31);
            a.addv8b(31, 31);
            a.dup_gpr(Lanes::S4, 0, 1);
            a.dup_gpr(Lanes::D2, 0, 1);
            a.umov(Lanes::B16, 0, 1, 15);
            a.umov(Lanes::S4, 0, 1, 3);
            a.umov(Lanes::D2, 0, 1, 1);
            a.ins_gpr(Lanes::H8, 0, 7, 1);
        },
    );
}

/// binutils' reading of a sample of every group of forms, the ones
/// yaxpeax-arm prints lossily included. Opt-in, as it needs a tool: `cargo
/// test -p wasmbed-jit-arm64 -- --ignored` runs it; without
/// `aarch64-linux-gnu-objdump` (Debian: `binutils-aarch64-linux-gnu`) it
/// fails, it never skips.
#[test]
#[ignore = "needs aarch64-linux-gnu-objdump (binutils-aarch64-linux-gnu)"]
fn objdump_agrees() {
    use std::process::Command;
    use std::string::String;
    let mut a = Asm::new();
    let l = a.new_label();
    let expected = [
        "add x16, x20, w1, uxtw",
        "add x16, x16, w1, uxtw #2",
        "cmp sp, x16",
        "sub sp, sp, #0x12, lsl #12",
        "mov x29, sp",
        "ldrsb w0, [x20, x1, sxtx]",
        "str x2, [x20, w1, sxtw]",
        "ldrsw x0, [x16, w1, uxtw #2]",
        "ldr x0, [sp, #32760]",
        "ldr q2, [x3, #16]",
        "stp x29, x30, [sp, #-48]!",
        "ldp x29, x30, [sp], #48",
        "mov x16, #0xdef0",
        "movk x16, #0x9abc, lsl #16",
        "movk x16, #0x5678, lsl #32",
        "movk x16, #0x1234, lsl #48",
        "msub w0, w16, w2, w1",
        "ror w0, w1, w2",
        "rbit x0, x1",
        "cset w0, lt",
        "csel x0, x1, x2, ne",
        "fmin s0, s1, s2",
        "fcvtzu x0, d1",
        "ucvtf d0, w1",
        "fmov s0, w1",
        "fcmp d0, #0.0",
        "bsl v0.16b, v1.16b, v2.16b",
        "addv b31, v31.8b",
        "mov v0.h[7], w1",
        "tbnz x5, #63, 0x84",
        "b.vs 0x84",
        "cbnz w4, 0x84",
        "br x16",
    ];
    a.add_sub_ext(false, false, true, 16, 20, 1, Ext::Uxtw, 0);
    a.add_sub_ext(false, false, true, 16, 16, 1, Ext::Uxtw, 2);
    a.add_sub_ext(true, true, true, ZR, SP, 16, Ext::Uxtx, 0);
    a.add_sub_imm(true, false, true, SP, SP, 0x12, true);
    a.mov_sp(FP, SP);
    a.ldr_reg(Mem::Sb32, 0, 20, 1, Ext::Sxtx, false);
    a.str_reg(Mem::X, 2, 20, 1, Ext::Sxtw, false);
    a.ldr_reg(Mem::Sw, 0, 16, 1, Ext::Uxtw, true);
    a.ldr_imm(Mem::X, 0, SP, 4095 * 8);
    a.fldr_imm(FMem::Q, 2, 3, 16);
    a.stp(PairMode::Pre, FP, LR, SP, -48);
    a.ldp(PairMode::Post, FP, LR, SP, 48);
    a.mov_imm(true, 16, 0x1234_5678_9abc_def0);
    a.msub(false, 0, 16, 2, 1);
    a.op2(Op2::Rorv, false, 0, 1, 2);
    a.op1(Op1::Rbit, true, 0, 1);
    a.cset(false, 0, Cond::Lt);
    a.csel(true, 0, 1, 2, Cond::Ne);
    a.fop2(FOp2::Min, false, 0, 1, 2);
    a.cvt(Cvt::Fcvtzu, true, true, 0, 1);
    a.cvt(Cvt::Ucvtf, false, true, 0, 1);
    a.cvt(Cvt::FmovToFpr, false, false, 0, 1);
    a.fcmp_zero(true, 0);
    a.vlogic(VLogic::Bsl, 0, 1, 2);
    a.addv8b(31, 31);
    a.ins_gpr(Lanes::H8, 0, 7, 1);
    a.tbz(true, 5, 63, l);
    a.b_cond(Cond::Vs, l);
    a.cbz(true, false, 4, l);
    a.br(16);
    a.bind(l);
    let code = a.finish();
    assert_eq!(code.len(), 4 * expected.len());

    let path = std::env::temp_dir().join(std::format!("wasmbed-a64-{}.bin", std::process::id()));
    std::fs::write(&path, &code).unwrap();
    let out = Command::new("aarch64-linux-gnu-objdump")
        .args(["-D", "-b", "binary", "-m", "aarch64"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.unwrap_or_else(|e| {
        panic!(
            "cannot run aarch64-linux-gnu-objdump ({e}): install it with \
             `apt-get install -y binutils-aarch64-linux-gnu`"
        )
    });
    assert!(out.status.success(), "objdump failed: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // "   4:\t8b214a10 \tadd\tx16, x16, w1, uxtw #2\t// comment"
    let theirs: Vec<String> = text
        .lines()
        .filter(|l| {
            l.trim_start()
                .split(':')
                .next()
                .is_some_and(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .map(|l| {
            let insn = l.splitn(3, '\t').nth(2).unwrap_or("");
            let insn = insn.split("//").next().unwrap();
            insn.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    assert_eq!(theirs, expected, "objdump's listing:\n{text}");
}
