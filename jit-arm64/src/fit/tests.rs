//! Each group's sequence, disassembled.
use wasmbed_codegen::masm::{Addr, CallArg, DivKind, Fpr, Gpr, IntCmp, IntOp, IntUnary, Width};

use super::*;
use crate::dis::check;
use crate::encode::{Asm, FMem, Mem};

const W32: Width = Width::W32;
const W64: Width = Width::W64;

#[track_caller]
fn t(expected: &[&str], f: impl FnOnce(&mut Asm)) {
    let mut a = Asm::new();
    f(&mut a);
    check(&a.finish(), expected);
}

#[test]
fn register_plan_is_consistent() {
    let tmp = *ALLOCATABLE_GPRS.last().unwrap();
    // The front end's prologue writes tmp before it has read ARGS.
    assert!(!C_ARGS[..4].contains(&tmp));
    for r in ALLOCATABLE_GPRS {
        assert!(![VMCTX, MEM_BASE, MEM_LEN, X16, X17, RET, 18, 29, 30, 31].contains(&r));
    }
    for v in ALLOCATABLE_FPRS {
        assert!(!(8..16).contains(&v) && v != V31, "v{v}");
    }
}

#[test]
fn int_op_with_dst_equal_to_b() {
    // dst == b: still one instruction (x86-64 needs a mov or a swap).
    t(
        &[
            "sub w1, w2, w1",
            "lsl x3, x4, x3",
            "neg w16, w5",
            "ror w5, w6, w16",
            "mul x7, x8, x7",
        ],
        |a| {
            int_op(a, IntOp::Sub, W32, Gpr(1), Gpr(2), Gpr(1));
            int_op(a, IntOp::Shl, W64, Gpr(3), Gpr(4), Gpr(3));
            int_op(a, IntOp::Rotl, W32, Gpr(5), Gpr(6), Gpr(5));
            int_op(a, IntOp::Mul, W64, Gpr(7), Gpr(8), Gpr(7));
        },
    );
}

#[test]
fn int_op_imm_beyond_12_bits() {
    t(
        &[
            "add w1, w2, #0xfff",
            "sub x1, x2, #0x1",
            "add x1, x2, #0x5, lsl #12",
            "mov w16, #0x2345",
            "movk w16, #0x1, lsl #16",
            "add w1, w2, w16",
            "mov x16, #0xffffffffffffdcbb",
            "movk x16, #0xfffe, lsl #16",
            "sub x1, x1, x16",
        ],
        |a| {
            int_op_imm(a, IntOp::Add, W32, Gpr(1), Gpr(2), 0xfff);
            int_op_imm(a, IntOp::Add, W64, Gpr(1), Gpr(2), -1);
            int_op_imm(a, IntOp::Add, W64, Gpr(1), Gpr(2), 0x5000);
            int_op_imm(a, IntOp::Add, W32, Gpr(1), Gpr(2), 0x1_2345);
            int_op_imm(a, IntOp::Sub, W64, Gpr(1), Gpr(1), -0x1_2345);
        },
    );
}

#[test]
fn int_unary_group() {
    t(
        &[
            "clz w1, w2",
            "rbit x1, x2",
            "clz x1, x1",
            "fmov s31, w2",
            "cnt v31.8b, v31.8b",
            "addv b31, v31.8b",
            "fmov w1, s31",
        ],
        |a| {
            int_unary(a, IntUnary::Clz, W32, Gpr(1), Gpr(2));
            int_unary(a, IntUnary::Ctz, W64, Gpr(1), Gpr(2));
            int_unary(a, IntUnary::Popcnt, W32, Gpr(1), Gpr(2));
        },
    );
}

#[test]
fn load_indexed_with_displacement() {
    let mut a = Asm::new();
    // disp 0: one instruction, the access itself at the method's start.
    let at0 = load(
        &mut a,
        Mem::X,
        Gpr(1),
        Addr::indexed(Gpr(MEM_BASE), Gpr(2), 0),
    );
    // A small disp: ADD first, then the access.
    let start1 = a.len();
    let at1 = load(
        &mut a,
        Mem::W,
        Gpr(1),
        Addr::indexed(Gpr(MEM_BASE), Gpr(2), 16),
    );
    // A large one: MOVZ/MOVK and ADD first.
    let start2 = a.len();
    let at2 = load(
        &mut a,
        Mem::Sh64,
        Gpr(3),
        Addr::indexed(Gpr(MEM_BASE), Gpr(2), 0x12_3457),
    );
    // A zero store needs nothing; any other value goes through x17 first.
    let start3 = a.len();
    let at3 = store_imm(&mut a, Mem::W, 7, Addr::indexed(Gpr(MEM_BASE), Gpr(2), 0));
    let at4 = store_imm(&mut a, Mem::X, 0, slot(3));
    // Frame slots: SP base, scaled offset.
    load(&mut a, Mem::X, Gpr(1), slot(4095));
    load(&mut a, Mem::X, Gpr(1), slot(4096));
    // Negative displacements from a plain base: LDUR.
    load(&mut a, Mem::X, Gpr(1), Addr::new(Gpr(5), -8));
    // The trap table must record these offsets, not the methods' starts.
    assert_eq!(at0, 0);
    assert_eq!(at1 - start1, 4);
    assert_eq!(at2 - start2, 12);
    assert_eq!(at3 - start3, 4);
    assert_eq!(a.word(at4) & 0x1f, 31);
    check(
        &a.finish(),
        &[
            "ldr x1, [x20, x2]",
            "add x16, x20, x2",
            "ldr w1, [x16, #0x10]",
            "mov x16, #0x3457",
            "movk x16, #0x12, lsl #16",
            "add x16, x16, x2",
            "ldrsh x3, [x20, x16]",
            "mov x17, #0x7",
            "str w17, [x20, x2]",
            "str xzr, [sp, #0x18]",
            "ldr x1, [sp, #0x7ff8]",
            "mov x16, #0x8000",
            "ldr x1, [sp, x16]",
            "ldur x1, [x5, #-0x8]",
        ],
    );
}

#[test]
fn float_loads_share_the_addressing() {
    t(
        &[
            "ldr s0, [x20, x2]",
            "add x16, x20, x2",
            "ldr q1, [x16, #0x20]",
        ],
        |a| {
            fload(a, FMem::S, Fpr(0), Addr::indexed(Gpr(MEM_BASE), Gpr(2), 0));
            fload(a, FMem::Q, Fpr(1), Addr::indexed(Gpr(MEM_BASE), Gpr(2), 32));
        },
    );
}

#[test]
fn div_with_both_trap_branches() {
    let mut a = Asm::new();
    let by_zero = a.new_label();
    let overflow = a.new_label();
    div(
        &mut a,
        DivKind::DivS,
        W32,
        Gpr(1),
        Gpr(2),
        Gpr(3),
        by_zero,
        overflow,
    );
    div(
        &mut a,
        DivKind::RemS,
        W64,
        Gpr(3),
        Gpr(2),
        Gpr(3),
        by_zero,
        overflow,
    );
    div(
        &mut a,
        DivKind::DivU,
        W64,
        Gpr(1),
        Gpr(2),
        Gpr(3),
        by_zero,
        overflow,
    );
    div(
        &mut a,
        DivKind::RemU,
        W32,
        Gpr(2),
        Gpr(2),
        Gpr(3),
        by_zero,
        overflow,
    );
    a.bind(by_zero);
    a.brk(1);
    a.bind(overflow);
    a.brk(2);
    check(
        &a.finish(),
        &[
            "cbz w3, $+0x38",
            "cmn w3, #0x1",
            "b.ne $+0xc",
            "cmp w2, #0x1",
            "b.vs $+0x2c",
            "sdiv w1, w2, w3",
            "cbz x3, $+0x20",
            "sdiv x16, x2, x3",
            "msub x3, x16, x3, x2",
            "cbz x3, $+0x14",
            "udiv x1, x2, x3",
            "cbz w3, $+0xc",
            "udiv w16, w2, w3",
            "msub w2, w16, w3, w2",
            "brk #0x1",
            "brk #0x2",
        ],
    );
}

#[test]
fn cmp_set_and_branches() {
    let mut a = Asm::new();
    let l = a.new_label();
    a.bind(l);
    cmp_set(&mut a, IntCmp::LtU, W64, Gpr(1), Gpr(2), Gpr(3));
    cmp_set(&mut a, IntCmp::GeS, W32, Gpr(3), Gpr(2), Gpr(3));
    branch_cmp_imm(&mut a, IntCmp::Eq, W32, Gpr(1), 0, l);
    branch_cmp_imm(&mut a, IntCmp::Ne, W64, Gpr(0), 0, l);
    branch_cmp_imm(&mut a, IntCmp::LtS, W64, Gpr(1), 0, l);
    branch_cmp_imm(&mut a, IntCmp::GtU, W32, Gpr(1), 4095, l);
    branch_cmp_imm(&mut a, IntCmp::Eq, W64, Gpr(0), -1, l);
    branch_cmp_imm(&mut a, IntCmp::LeS, W32, Gpr(1), 100_000, l);
    branch_cmp_sp(&mut a, IntCmp::LtU, Gpr(15), l);
    check(
        &a.finish(),
        &[
            "cmp x2, x3",
            "cset w1, lo",
            "cmp w2, w3",
            "cset w3, ge",
            "cbz w1, $-0x10",
            "cbnz x0, $-0x14",
            "tbnz x1, #0x3f, $-0x18",
            "cmp w1, #0xfff",
            "b.hi $-0x20",
            "cmn x0, #0x1",
            "b.eq $-0x28",
            "mov w16, #0x86a0",
            "movk w16, #0x1, lsl #16",
            "cmp w1, w16",
            "b.le $-0x38",
            "cmp sp, x15",
            "b.lo $-0x40",
        ],
    );
}

#[test]
fn select_and_fselect() {
    t(
        &[
            "cmp w1, #0x0",
            "csel x1, x2, x3, ne",
            "cmp w4, #0x0",
            "csetm x16, ne",
            "dup v31.2d, x16",
            "bsl v31.16b, v0.16b, v1.16b",
            "mov v0.16b, v31.16b",
        ],
        |a| {
            select(a, W64, Gpr(1), Gpr(1), Gpr(2), Gpr(3));
            fselect(a, Fpr(0), Gpr(4), Fpr(0), Fpr(1));
        },
    );
}

#[test]
fn float_to_int_range_checks() {
    let mut a = Asm::new();
    let invalid = a.new_label();
    let overflow = a.new_label();
    // i32.trunc_f64_s: the lower bound is MIN - 1, exclusive.
    float_to_int(&mut a, true, W64, W32, Gpr(1), Fpr(0), invalid, overflow);
    // i64.trunc_f32_u: (-1, 2^64).
    float_to_int(&mut a, false, W32, W64, Gpr(2), Fpr(1), invalid, overflow);
    // i64.trunc_f64_s: [-2^63, 2^63).
    float_to_int(&mut a, true, W64, W64, Gpr(3), Fpr(2), invalid, overflow);
    a.bind(invalid);
    a.brk(1);
    a.bind(overflow);
    a.brk(2);
    check(
        &a.finish(),
        &[
            "fcmp d0, d0",
            "b.vs $+0x84",
            // -2147483649.0 = 0xc1e0000000200000
            "mov x16, #0x200000",
            "movk x16, #0xc1e0, lsl #48",
            "fmov d31, x16",
            "fcmp d0, d31",
            "b.le $+0x74",
            "mov x16, #0x41e0000000000000",
            "fmov d31, x16",
            "fcmp d0, d31",
            "b.ge $+0x64",
            "fcvtzs w1, d0",
            "fcmp s1, s1",
            "b.vs $+0x54",
            "mov w16, #0xbf800000",
            "fmov s31, w16",
            "fcmp s1, s31",
            "b.le $+0x48",
            "mov w16, #0x5f800000",
            "fmov s31, w16",
            "fcmp s1, s31",
            "b.ge $+0x38",
            "fcvtzu x2, s1",
            "fcmp d2, d2",
            "b.vs $+0x28",
            "mov x16, #0xc3e0000000000000",
            "fmov d31, x16",
            "fcmp d2, d31",
            "b.lt $+0x1c",
            "mov x16, #0x43e0000000000000",
            "fmov d31, x16",
            "fcmp d2, d31",
            "b.ge $+0xc",
            "fcvtzs x3, d2",
            "brk #0x1",
            "brk #0x2",
        ],
    );
}

#[test]
fn float_to_int_sat_is_one_instruction() {
    t(
        &[
            "fcvtzs w1, s0",
            "fcvtzu x1, s0",
            "fcvtzs x1, d0",
            "fcvtzu w1, d0",
        ],
        |a| {
            float_to_int_sat(a, true, W32, W32, Gpr(1), Fpr(0));
            float_to_int_sat(a, false, W32, W64, Gpr(1), Fpr(0));
            float_to_int_sat(a, true, W64, W64, Gpr(1), Fpr(0));
            float_to_int_sat(a, false, W64, W32, Gpr(1), Fpr(0));
        },
    );
}

#[test]
fn call_indirect_places_the_register_argument_first() {
    t(
        &[
            "ldr x16, [x5, #0x8]",
            "mov x1, x0",
            "mov x0, x19",
            "mov x2, #0x2345",
            "movk x2, #0x1, lsl #16",
            "ldr x3, [sp, #0x18]",
            "add x4, sp, #0x20",
            "blr x16",
        ],
        |a| {
            // x0 is RET, not allocatable; the point is the order: the
            // register argument (here in another argument's register) is
            // moved before anything overwrites it.
            call_indirect(
                a,
                Addr::new(Gpr(5), 8),
                &[
                    CallArg::Vmctx,
                    CallArg::Reg(Gpr(0)),
                    CallArg::Imm(0x1_2345),
                    CallArg::Slot(3),
                    CallArg::SlotAddr(4),
                ],
            );
        },
    );
}

#[test]
fn frame_prologue_patch_slot_epilogue() {
    let mut a = Asm::new();
    let patch = prologue(&mut a);
    load_x(&mut a, Gpr(1), slot(2));
    epilogue(&mut a);
    let patch2 = prologue(&mut a);
    epilogue(&mut a);
    patch_frame_size(&mut a, patch, 37); // 296 bytes -> 304
    patch_frame_size(&mut a, patch2, 100_001); // 800008 -> 800016 = 0xc3510
    let frame = |hi: &'static str, lo: &'static str| {
        [
            "stp x29, x30, [sp, #-0x30]!",
            "mov x29, sp",
            "stp x19, x20, [sp, #0x10]",
            "str x21, [sp, #0x20]",
            hi,
            lo,
        ]
    };
    let epi = [
        "mov sp, x29",
        "ldr x21, [sp, #0x20]",
        "ldp x19, x20, [sp, #0x10]",
        "ldp x29, x30, [sp], #0x30",
        "ret",
    ];
    let mut expected = std::vec::Vec::new();
    expected.extend(frame("sub sp, sp, #0x0, lsl #12", "sub sp, sp, #0x130"));
    expected.push("ldr x1, [sp, #0x10]");
    expected.extend(epi);
    expected.extend(frame("sub sp, sp, #0xc3, lsl #12", "sub sp, sp, #0x510"));
    expected.extend(epi);
    check(&a.finish(), &expected);
}

#[test]
#[should_panic(expected = "frame too large")]
fn frame_limit() {
    let mut a = Asm::new();
    let patch = prologue(&mut a);
    patch_frame_size(&mut a, patch, 2 << 20);
}

#[test]
fn patchable_subtract() {
    let mut a = Asm::new();
    let p = sub_imm_patchable(&mut a, Gpr(2), Gpr(1));
    let q = sub_imm_patchable(&mut a, Gpr(3), Gpr(3));
    patch_sub_imm(&mut a, p, 0x1234_5678);
    patch_sub_imm(&mut a, q, u32::MAX);
    check(
        &a.finish(),
        &[
            "mov x16, #0x5678",
            "movk x16, #0x1234, lsl #16",
            "sub x2, x1, x16",
            "mov x16, #0xffff",
            "movk x16, #0xffff, lsl #16",
            "sub x3, x3, x16",
        ],
    );
}

#[test]
fn jump_table_of_branches() {
    let mut a = Asm::new();
    let targets = [a.new_label(), a.new_label(), a.new_label()];
    let default = a.new_label();
    jump_table(&mut a, Gpr(4), &targets, default);
    for &l in &targets {
        a.bind(l);
        a.brk(0);
    }
    a.bind(default);
    a.brk(9);
    check(
        &a.finish(),
        &[
            "cmp w4, #0x3",
            "b.hs $+0x28",
            "adr x16, $+0xc",
            // binutils: "add x16, x16, w4, uxtw #2" (see encode's
            // objdump_agrees for the same form).
            "add x16, x16, w4, lsl #2",
            "br x16",
            "b $+0xc",
            "b $+0xc",
            "b $+0xc",
            "brk #0x0",
            "brk #0x0",
            "brk #0x0",
            "brk #0x9",
        ],
    );
}

#[test]
fn fault_stub_reads_x16_x17_first() {
    t(
        &[
            "mov w1, w16",
            "mov x2, x17",
            "mov x0, x19",
            "ldr x16, [x19, #0x8]",
            "ldr x16, [x16, #0x18]",
            "ldr x16, [x16, #0x70]",
            "blr x16",
            "mov w0, #0x1",
            "mov sp, x29",
            "ldr x21, [sp, #0x20]",
            "ldp x19, x20, [sp, #0x10]",
            "ldp x29, x30, [sp], #0x30",
            "ret",
            "brk #0x0",
        ],
        |a| {
            fault_stub(a);
            unreachable(a);
        },
    );
    assert_eq!(offsets::VMCTX_STORE, 8);
    assert_eq!(offsets::STORE_BUILTINS, 0x18);
    assert_eq!(offsets::BUILTIN_FAULT, 0x70);
}
