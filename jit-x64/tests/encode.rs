//! Encoding tests: every form of the encoder (and the fixed sequences of the
//! macro-assembler) decoded with iced-x86 and compared with the expected
//! Intel syntax. They own only the checks; the encodings are the encoder's.
use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
use wasmbed_codegen::masm::{Gpr, MacroAssembler};
use wasmbed_jit_x64::masm::encoder::*;
use wasmbed_jit_x64::masm::{CpuFeatures, X64Masm};

/// Disassembles `code` (at address 0) into one line per instruction.
fn dis(code: &[u8]) -> Vec<String> {
    let mut d = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut f = IntelFormatter::new();
    let o = f.options_mut();
    o.set_space_after_operand_separator(true);
    o.set_signed_immediate_operands(true);
    o.set_rip_relative_addresses(true);
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_branch_leading_zeros(false);
    let mut out = Vec::new();
    for i in &mut d {
        assert!(!i.is_invalid(), "invalid encoding in {code:02x?}");
        let mut s = String::new();
        f.format(&i, &mut s);
        out.push(s);
    }
    out
}

/// Checks that `emit` produces exactly one instruction reading `expected`.
#[track_caller]
fn one(emit: impl FnOnce(&mut Asm), expected: &str) {
    let mut a = Asm::new();
    emit(&mut a);
    let got = dis(&a.buf);
    assert_eq!(got, [expected], "bytes {:02x?}", a.buf);
}

#[test]
fn moves_and_addressing() {
    one(|a| a.mov_rr(true, R15, RAX), "mov r15, rax");
    one(|a| a.mov_rr(false, RAX, R12), "mov eax, r12d");
    one(|a| a.mov_rr(true, RSP, RBP), "mov rsp, rbp");
    // Bases that need a SIB (rsp, r12) or a displacement (rbp, r13).
    one(|a| a.load(true, RAX, Mem::base(RSP, 0)), "mov rax, [rsp]");
    one(|a| a.load(true, RAX, Mem::base(R12, 0)), "mov rax, [r12]");
    one(|a| a.load(true, RAX, Mem::base(RBP, 0)), "mov rax, [rbp]");
    one(|a| a.load(true, RAX, Mem::base(R13, 0)), "mov rax, [r13]");
    one(|a| a.load(true, R9, Mem::base(RSP, 8)), "mov r9, [rsp+8]");
    one(
        |a| a.load(false, R9, Mem::base(R12, -128)),
        "mov r9d, [r12-0x80]",
    );
    one(
        |a| a.load(true, RBX, Mem::base(RBP, 0x1234)),
        "mov rbx, [rbp+0x1234]",
    );
    one(
        |a| a.load(true, RBX, Mem::base(R13, -129)),
        "mov rbx, [r13-0x81]",
    );
    one(
        |a| a.load(true, RSI, Mem::base(RAX, 127)),
        "mov rsi, [rax+0x7f]",
    );
    one(
        |a| a.load(true, RDI, Mem::base(R11, 128)),
        "mov rdi, [r11+0x80]",
    );
    one(
        |a| a.load(true, RDX, Mem::base(R15, i32::MIN)),
        "mov rdx, [r15-0x80000000]",
    );
    // Indexed forms, including r12 as index and rbp/r13 as base.
    one(
        |a| a.load(true, RAX, Mem::indexed(R14, RBX, 0, 0)),
        "mov rax, [r14+rbx]",
    );
    one(
        |a| a.load(true, RAX, Mem::indexed(RBP, R12, 0, 0)),
        "mov rax, [rbp+r12]",
    );
    one(
        |a| a.load(true, R8, Mem::indexed(R13, R12, 0, 4)),
        "mov r8, [r13+r12+4]",
    );
    one(
        |a| a.load(true, R8, Mem::indexed(RSP, R9, 0, 0x100)),
        "mov r8, [rsp+r9+0x100]",
    );
    one(
        |a| a.load(false, RAX, Mem::indexed(R11, RCX, 2, 0)),
        "mov eax, [r11+rcx*4]",
    );
    one(
        |a| a.load(true, RAX, Mem::indexed(RAX, R15, 3, -8)),
        "mov rax, [rax+r15*8-8]",
    );
    one(
        |a| a.load(true, RAX, Mem::indexed(R12, R13, 1, 0)),
        "mov rax, [r12+r13*2]",
    );
    one(|a| a.lea(R11, Mem::rip(0x10)), "lea r11, [rip+0x10]");
    one(|a| a.lea(RSP, Mem::base(RBP, -40)), "lea rsp, [rbp-0x28]");
    one(
        |a| a.lea(RAX, Mem::indexed(RSP, RAX, 0, 8)),
        "lea rax, [rsp+rax+8]",
    );
    // Stores of each size; sil/dil/spl/bpl need a REX prefix.
    one(
        |a| a.store(Size::B, Mem::base(RAX, 0), RSI),
        "mov [rax], sil",
    );
    one(
        |a| a.store(Size::B, Mem::base(RAX, 0), RDI),
        "mov [rax], dil",
    );
    one(
        |a| a.store(Size::B, Mem::base(RAX, 0), RBP),
        "mov [rax], bpl",
    );
    one(
        |a| a.store(Size::B, Mem::base(RAX, 0), RBX),
        "mov [rax], bl",
    );
    one(
        |a| a.store(Size::B, Mem::base(R14, 1), R8),
        "mov [r14+1], r8b",
    );
    one(
        |a| a.store(Size::W, Mem::base(R14, 1), R10),
        "mov [r14+1], r10w",
    );
    one(
        |a| a.store(Size::W, Mem::base(RSP, 0), RSI),
        "mov [rsp], si",
    );
    one(
        |a| a.store(Size::D, Mem::indexed(R14, RDI, 0, 2), R12),
        "mov [r14+rdi+2], r12d",
    );
    one(
        |a| a.store(Size::Q, Mem::base(R13, 0), RBX),
        "mov [r13], rbx",
    );
    one(
        |a| a.store_imm(Size::B, Mem::base(RSP, 0), -1),
        "mov byte ptr [rsp], -1",
    );
    one(
        |a| a.store_imm(Size::W, Mem::base(R12, 2), 0x1234),
        "mov word ptr [r12+2], 0x1234",
    );
    one(
        |a| a.store_imm(Size::D, Mem::base(RBP, 0), 7),
        "mov dword ptr [rbp], 7",
    );
    one(
        |a| a.store_imm(Size::Q, Mem::base(R13, 8), -2),
        "mov qword ptr [r13+8], -2",
    );
    // Immediates.
    one(|a| a.mov_r32_imm(RAX, 0xffff_ffff), "mov eax, -1");
    one(|a| a.mov_r32_imm(R11, 5), "mov r11d, 5");
    one(|a| a.mov_r64_simm32(R10, -5), "mov r10, -5");
    one(
        |a| a.mov_r64_simm32(RBX, 0x7fff_ffff),
        "mov rbx, 0x7fffffff",
    );
    one(
        |a| a.mov_r64_imm64(R11, 0x1234_5678_9abc_def0),
        "mov r11, 0x123456789abcdef0",
    );
    one(
        |a| a.mov_r64_imm64(RCX, 1 << 63),
        "mov rcx, -0x8000000000000000",
    );
    // Extensions.
    one(|a| a.movzx(Size::B, RAX, Rm::R(RSI)), "movzx eax, sil");
    one(|a| a.movzx(Size::B, R9, Rm::R(RDI)), "movzx r9d, dil");
    one(|a| a.movzx(Size::B, RBX, Rm::R(RAX)), "movzx ebx, al");
    one(|a| a.movzx(Size::B, R12, Rm::R(R10)), "movzx r12d, r10b");
    one(|a| a.movzx(Size::W, RAX, Rm::R(R8)), "movzx eax, r8w");
    one(
        |a| a.movzx(Size::B, RAX, Rm::M(Mem::base(R14, 0))),
        "movzx eax, byte ptr [r14]",
    );
    one(
        |a| a.movzx(Size::W, RAX, Rm::M(Mem::base(R13, 0))),
        "movzx eax, word ptr [r13]",
    );
    one(
        |a| a.movsx(false, Size::B, RDI, Rm::R(RSI)),
        "movsx edi, sil",
    );
    one(|a| a.movsx(true, Size::B, RDI, Rm::R(RBX)), "movsx rdi, bl");
    one(|a| a.movsx(true, Size::W, R8, Rm::R(R12)), "movsx r8, r12w");
    one(
        |a| a.movsx(false, Size::W, RAX, Rm::M(Mem::base(RSP, 4))),
        "movsx eax, word ptr [rsp+4]",
    );
    one(
        |a| a.movsx(true, Size::B, RAX, Rm::M(Mem::base(RBP, 4))),
        "movsx rax, byte ptr [rbp+4]",
    );
    one(|a| a.movsxd(RAX, Rm::R(R12)), "movsxd rax, r12d");
    one(
        |a| a.movsxd(R12, Rm::M(Mem::indexed(R11, RCX, 2, 0))),
        "movsxd r12, [r11+rcx*4]",
    );
}

#[test]
fn integer_arithmetic() {
    one(|a| a.alu_rr(Alu::Add, true, Rm::R(RAX), R9), "add rax, r9");
    one(
        |a| a.alu_rr(Alu::Or, false, Rm::R(R12), RBX),
        "or r12d, ebx",
    );
    one(
        |a| a.alu_rr(Alu::And, true, Rm::R(RSI), RDI),
        "and rsi, rdi",
    );
    one(
        |a| a.alu_rr(Alu::Sub, false, Rm::R(R15), R14),
        "sub r15d, r14d",
    );
    one(
        |a| a.alu_rr(Alu::Xor, false, Rm::R(RAX), RAX),
        "xor eax, eax",
    );
    one(
        |a| a.alu_rr(Alu::Cmp, true, Rm::R(RSP), R13),
        "cmp rsp, r13",
    );
    one(
        |a| a.alu_rr(Alu::Add, true, Rm::M(Mem::base(R12, 0)), RAX),
        "add [r12], rax",
    );
    one(
        |a| a.alu_r_rm(Alu::Cmp, true, RAX, Rm::M(Mem::base(R15, 16))),
        "cmp rax, [r15+0x10]",
    );
    one(
        |a| a.alu_r_rm(Alu::Sub, false, R8, Rm::R(RCX)),
        "sub r8d, ecx",
    );
    one(|a| a.alu_imm(Alu::Add, true, Rm::R(RBX), 1), "add rbx, 1");
    one(
        |a| a.alu_imm(Alu::Sub, false, Rm::R(R10), -128),
        "sub r10d, -0x80",
    );
    one(
        |a| a.alu_imm(Alu::And, true, Rm::R(RAX), 128),
        "and rax, 0x80",
    );
    one(
        |a| a.alu_imm(Alu::Or, false, Rm::R(RSI), 0x12345),
        "or esi, 0x12345",
    );
    one(
        |a| a.alu_imm(Alu::Xor, true, Rm::R(R9), i32::MIN),
        "xor r9, -0x80000000",
    );
    one(|a| a.alu_imm(Alu::Cmp, false, Rm::R(R12), 7), "cmp r12d, 7");
    one(
        |a| a.alu_imm(Alu::Cmp, true, Rm::M(Mem::base(RSP, 8)), 7),
        "cmp qword ptr [rsp+8], 7",
    );
    one(
        |a| {
            a.alu_imm32(Alu::Sub, true, Rm::R(RSP), 8);
        },
        "sub rsp, 8",
    );
    one(|a| a.alu8(Alu::And, RAX, RCX), "and al, cl");
    one(|a| a.alu8(Alu::Or, RSI, R9), "or sil, r9b");
    one(|a| a.test_rr(true, RBX, RBX), "test rbx, rbx");
    one(|a| a.test_rr(false, R12, RAX), "test r12d, eax");
    one(|a| a.test_imm(false, Rm::R(RDI), 0x100), "test edi, 0x100");
    one(|a| a.imul_rr(true, RAX, Rm::R(R11)), "imul rax, r11");
    one(|a| a.imul_rr(false, R12, Rm::R(RSI)), "imul r12d, esi");
    one(
        |a| a.imul_rri(true, RBX, Rm::R(R12), 10),
        "imul rbx, r12, 0xa",
    );
    one(
        |a| a.imul_rri(false, R8, Rm::R(RDI), 1000),
        "imul r8d, edi, 0x3e8",
    );
    one(|a| a.unary(Unary::Not, true, Rm::R(R8)), "not r8");
    one(|a| a.unary(Unary::Neg, false, Rm::R(RSI)), "neg esi");
    one(|a| a.unary(Unary::Mul, true, Rm::R(RBX)), "mul rbx");
    one(|a| a.unary(Unary::Div, false, Rm::R(R12)), "div r12d");
    one(|a| a.unary(Unary::Idiv, true, Rm::R(R10)), "idiv r10");
    one(|a| a.cdq_cqo(false), "cdq");
    one(|a| a.cdq_cqo(true), "cqo");
    one(|a| a.shift_cl(Shift::Shl, true, Rm::R(RBX)), "shl rbx, cl");
    one(|a| a.shift_cl(Shift::Shr, false, Rm::R(R9)), "shr r9d, cl");
    one(|a| a.shift_cl(Shift::Sar, true, Rm::R(RDI)), "sar rdi, cl");
    one(
        |a| a.shift_cl(Shift::Rol, false, Rm::R(R12)),
        "rol r12d, cl",
    );
    one(|a| a.shift_cl(Shift::Ror, true, Rm::R(RAX)), "ror rax, cl");
    one(
        |a| a.shift_imm(Shift::Shl, false, Rm::R(RSI), 31),
        "shl esi, 0x1f",
    );
    one(
        |a| a.shift_imm(Shift::Shr, true, Rm::R(RCX), 32),
        "shr rcx, 0x20",
    );
    one(
        |a| a.shift_imm(Shift::Sar, false, Rm::R(R10), 1),
        "sar r10d, 1",
    );
    one(
        |a| a.shift_imm(Shift::Rol, true, Rm::R(R8), 63),
        "rol r8, 0x3f",
    );
    one(
        |a| a.shift_imm(Shift::Ror, false, Rm::R(RBX), 5),
        "ror ebx, 5",
    );
    one(|a| a.bsr(true, RAX, Rm::R(R9)), "bsr rax, r9");
    one(|a| a.bsf(false, R12, Rm::R(RSI)), "bsf r12d, esi");
    one(|a| a.lzcnt(true, RDI, Rm::R(R8)), "lzcnt rdi, r8");
    one(|a| a.tzcnt(false, R10, Rm::R(RBX)), "tzcnt r10d, ebx");
    one(|a| a.popcnt(true, RSI, Rm::R(R12)), "popcnt rsi, r12");
    one(|a| a.popcnt(false, RAX, Rm::R(RAX)), "popcnt eax, eax");
}

#[test]
fn conditions_and_control_flow() {
    let names = [
        "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
    ];
    let conds = [
        Cond::O,
        Cond::No,
        Cond::B,
        Cond::Ae,
        Cond::E,
        Cond::Ne,
        Cond::Be,
        Cond::A,
        Cond::S,
        Cond::Ns,
        Cond::P,
        Cond::Np,
        Cond::L,
        Cond::Ge,
        Cond::Le,
        Cond::G,
    ];
    for (&cc, name) in conds.iter().zip(names) {
        assert_eq!(cc.invert().invert(), cc);
        one(|a| a.setcc(cc, RAX), &format!("set{name} al"));
        one(|a| a.setcc(cc, RDI), &format!("set{name} dil"));
        one(|a| a.setcc(cc, R9), &format!("set{name} r9b"));
        one(
            |a| a.cmov(cc, true, RBX, Rm::R(R11)),
            &format!("cmov{name} rbx, r11"),
        );
        one(
            |a| a.cmov(cc, false, R12, Rm::R(RSI)),
            &format!("cmov{name} r12d, esi"),
        );
        one(
            |a| {
                a.jcc_rel32(cc, 0x100);
            },
            &format!("j{name} 0x106"),
        );
        one(
            |a| {
                a.jcc_rel8(cc, -2);
            },
            &format!("j{name} short 0"),
        );
    }
    one(
        |a| {
            a.jmp_rel32(-5);
        },
        "jmp 0",
    );
    one(
        |a| {
            a.jmp_rel8(3);
        },
        "jmp short 5",
    );
    one(|a| a.call_rm(Rm::R(R11)), "call r11");
    one(|a| a.call_rm(Rm::R(RAX)), "call rax");
    one(
        |a| a.call_rm(Rm::M(Mem::base(R11, 0x68))),
        "call qword ptr [r11+0x68]",
    );
    one(|a| a.jmp_rm(Rm::R(RAX)), "jmp rax");
    one(|a| a.jmp_rm(Rm::R(R11)), "jmp r11");
    one(|a| a.ret(), "ret");
    one(|a| a.push(RBP), "push rbp");
    one(|a| a.push(R15), "push r15");
    one(|a| a.pop(RBX), "pop rbx");
    one(|a| a.pop(R12), "pop r12");
    one(|a| a.ud2(), "ud2");
}

#[test]
fn sse() {
    one(
        |a| a.movs_load(false, 1, Rm::M(Mem::base(RSP, 8))),
        "movss xmm1, [rsp+8]",
    );
    one(
        |a| a.movs_load(true, 14, Rm::M(Mem::indexed(R14, RBX, 0, 0))),
        "movsd xmm14, [r14+rbx]",
    );
    one(|a| a.movs_load(true, 2, Rm::R(15)), "movsd xmm2, xmm15");
    one(
        |a| a.movs_store(false, Mem::base(R13, 0), 9),
        "movss [r13], xmm9",
    );
    one(
        |a| a.movs_store(true, Mem::base(R12, -8), 0),
        "movsd [r12-8], xmm0",
    );
    one(|a| a.movaps(15, Rm::R(3)), "movaps xmm15, xmm3");
    one(|a| a.movaps(0, Rm::R(8)), "movaps xmm0, xmm8");
    one(|a| a.movq_x_r(false, 3, Rm::R(R11)), "movd xmm3, r11d");
    one(|a| a.movq_x_r(true, 12, Rm::R(RAX)), "movq xmm12, rax");
    one(|a| a.movq_r_x(false, Rm::R(RSI), 10), "movd esi, xmm10");
    one(|a| a.movq_r_x(true, Rm::R(R9), 1), "movq r9, xmm1");
    let ops = [
        (SseOp::Add, "add"),
        (SseOp::Sub, "sub"),
        (SseOp::Mul, "mul"),
        (SseOp::Div, "div"),
        (SseOp::Sqrt, "sqrt"),
        (SseOp::Min, "min"),
        (SseOp::Max, "max"),
    ];
    for (op, name) in ops {
        one(
            |a| a.sse(op, false, 1, Rm::R(9)),
            &format!("{name}ss xmm1, xmm9"),
        );
        one(
            |a| a.sse(op, true, 13, Rm::R(2)),
            &format!("{name}sd xmm13, xmm2"),
        );
    }
    one(
        |a| a.sse(SseOp::Cvt, false, 1, Rm::R(2)),
        "cvtss2sd xmm1, xmm2",
    );
    one(
        |a| a.sse(SseOp::Cvt, true, 10, Rm::R(11)),
        "cvtsd2ss xmm10, xmm11",
    );
    let logic = [
        (SseLogic::And, "and"),
        (SseLogic::Andn, "andn"),
        (SseLogic::Or, "or"),
        (SseLogic::Xor, "xor"),
    ];
    for (op, name) in logic {
        one(
            |a| a.sse_logic(op, false, 4, Rm::R(14)),
            &format!("{name}ps xmm4, xmm14"),
        );
        one(
            |a| a.sse_logic(op, true, 15, Rm::R(0)),
            &format!("{name}pd xmm15, xmm0"),
        );
    }
    one(|a| a.ucomis(false, 0, Rm::R(1)), "ucomiss xmm0, xmm1");
    one(|a| a.ucomis(true, 9, Rm::R(14)), "ucomisd xmm9, xmm14");
    one(
        |a| a.cvtsi2s(false, false, 2, Rm::R(RSI)),
        "cvtsi2ss xmm2, esi",
    );
    one(
        |a| a.cvtsi2s(false, true, 10, Rm::R(R12)),
        "cvtsi2ss xmm10, r12",
    );
    one(
        |a| a.cvtsi2s(true, false, 3, Rm::R(R9)),
        "cvtsi2sd xmm3, r9d",
    );
    one(
        |a| a.cvtsi2s(true, true, 11, Rm::R(RAX)),
        "cvtsi2sd xmm11, rax",
    );
    one(
        |a| a.cvtts2si(false, false, RAX, Rm::R(9)),
        "cvttss2si eax, xmm9",
    );
    one(
        |a| a.cvtts2si(false, true, R8, Rm::R(1)),
        "cvttss2si r8, xmm1",
    );
    one(
        |a| a.cvtts2si(true, false, RDI, Rm::R(15)),
        "cvttsd2si edi, xmm15",
    );
    one(
        |a| a.cvtts2si(true, true, RAX, Rm::R(2)),
        "cvttsd2si rax, xmm2",
    );
    one(|a| a.rounds(false, 1, Rm::R(2), 0), "roundss xmm1, xmm2, 0");
    one(
        |a| a.rounds(true, 9, Rm::R(12), 3),
        "roundsd xmm9, xmm12, 3",
    );
}

/// The macro-assembler's fixed sequences: prologue, frame patch, epilogue,
/// and a jump table's shape.
#[test]
fn masm_sequences() {
    let mut m = X64Masm::new(CpuFeatures::default());
    let p = m.prologue();
    m.patch_frame_size(p, 3);
    m.epilogue();
    let code = m.finish();
    let text = dis(&code);
    if cfg!(windows) {
        return win64_frame(text);
    }
    assert_eq!(
        text,
        [
            "push rbp",
            "mov rbp, rsp",
            "push rbx",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            // 40 pushed + 24 of slots, rounded to 16 = 64 → 24.
            "sub rsp, 0x18",
            "lea rsp, [rbp-0x28]",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rbx",
            "pop rbp",
            "ret",
        ]
    );
    // Frame sizes keep rsp 16-aligned: pushed (40) + frame ≡ 0 mod 16.
    for slots in 0..10 {
        let mut m = X64Masm::new(CpuFeatures::default());
        let p = m.prologue();
        m.patch_frame_size(p, slots);
        let code = m.finish();
        let frame = u32::from_le_bytes(code[code.len() - 4..].try_into().unwrap());
        assert_eq!((40 + frame) % 16, 0);
        assert!(frame >= 8 * slots);
    }

    let mut m = X64Masm::new(CpuFeatures::default());
    let (l0, l1, def) = (m.new_label(), m.new_label(), m.new_label());
    m.jump_table(Gpr(RBX), &[l0, l1, l0], def);
    m.bind(l0);
    m.bind(l1);
    m.bind(def);
    let code = m.finish();
    // Decode only the code in front of the 12-byte table.
    let text = dis(&code[..code.len() - 12]);
    assert_eq!(
        text,
        [
            "cmp ebx, 3",
            "jae 0x27",
            "mov ecx, ebx",
            "lea r11, [rip+9]",
            "movsxd rax, [r11+rcx*4]",
            "add rax, r11",
            "jmp rax",
        ]
    );
    // Every entry points at the code after the table (offset 12 from it).
    for e in code[code.len() - 12..].chunks(4) {
        assert_eq!(i32::from_le_bytes(e.try_into().unwrap()), 12);
    }
}

/// The Windows x64 frame (the prologue of `masm_sequences`, 3 slots): rsi
/// and rdi saved too, the frame's pages probed before it is reserved (the
/// probe's count is the frame size), the outgoing area below the slots.
fn win64_frame(text: Vec<String>) {
    assert_eq!(
        text,
        [
            "push rbp",
            "mov rbp, rsp",
            "push rbx",
            "push rsi",
            "push rdi",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            "mov r11, rsp",
            // 56 pushed + 48 outgoing + 24 of slots, rounded to 16 = 128
            // → 72.
            "mov eax, 0x48",
            "cmp rax, 0x1000",
            "jb short 0x37",
            "sub r11, 0x1000",
            "test qword ptr [r11], 0",
            "sub rax, 0x1000",
            "jmp short 0x17",
            "sub rsp, 0x48",
            "lea rsp, [rbp-0x38]",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rdi",
            "pop rsi",
            "pop rbx",
            "pop rbp",
            "ret",
        ]
    );
    // Frame sizes keep rsp 16-aligned: pushed (56) + frame ≡ 0 mod 16, and
    // the probe covers exactly the frame, however large.
    for slots in [0, 1, 2, 3, 511, 512, 513, 5000] {
        let mut m = X64Masm::new(CpuFeatures::default());
        let p = m.prologue();
        m.patch_frame_size(p, slots);
        let code = m.finish();
        let text = dis(&code);
        let frame = u32::from_le_bytes(code[code.len() - 4..].try_into().unwrap());
        assert_eq!((56 + frame) % 16, 0);
        assert!(frame >= 48 + 8 * slots);
        assert_eq!(text[10], format!("mov eax, {frame:#x}"));
    }
}

#[test]
fn packed_sse() {
    // Every packed form the v128 operations use, with a REX-extended
    // source (the mandatory prefix must come before REX).
    let forms: &[(Sse, &str)] = &[
        (sse::PADDB, "paddb"),
        (sse::PADDW, "paddw"),
        (sse::PADDD, "paddd"),
        (sse::PADDQ, "paddq"),
        (sse::PSUBB, "psubb"),
        (sse::PSUBW, "psubw"),
        (sse::PSUBD, "psubd"),
        (sse::PSUBQ, "psubq"),
        (sse::PADDSB, "paddsb"),
        (sse::PADDSW, "paddsw"),
        (sse::PADDUSB, "paddusb"),
        (sse::PADDUSW, "paddusw"),
        (sse::PSUBSB, "psubsb"),
        (sse::PSUBSW, "psubsw"),
        (sse::PSUBUSB, "psubusb"),
        (sse::PSUBUSW, "psubusw"),
        (sse::PMULLW, "pmullw"),
        (sse::PMULLD, "pmulld"),
        (sse::PMULUDQ, "pmuludq"),
        (sse::PMULDQ, "pmuldq"),
        (sse::PMINSB, "pminsb"),
        (sse::PMINSW, "pminsw"),
        (sse::PMINSD, "pminsd"),
        (sse::PMINUB, "pminub"),
        (sse::PMINUW, "pminuw"),
        (sse::PMINUD, "pminud"),
        (sse::PMAXSB, "pmaxsb"),
        (sse::PMAXSW, "pmaxsw"),
        (sse::PMAXSD, "pmaxsd"),
        (sse::PMAXUB, "pmaxub"),
        (sse::PMAXUW, "pmaxuw"),
        (sse::PMAXUD, "pmaxud"),
        (sse::PAVGB, "pavgb"),
        (sse::PAVGW, "pavgw"),
        (sse::PCMPEQB, "pcmpeqb"),
        (sse::PCMPEQW, "pcmpeqw"),
        (sse::PCMPEQD, "pcmpeqd"),
        (sse::PCMPEQQ, "pcmpeqq"),
        (sse::PCMPGTB, "pcmpgtb"),
        (sse::PCMPGTW, "pcmpgtw"),
        (sse::PCMPGTD, "pcmpgtd"),
        (sse::PAND, "pand"),
        (sse::PANDN, "pandn"),
        (sse::POR, "por"),
        (sse::PXOR, "pxor"),
        (sse::PABSB, "pabsb"),
        (sse::PABSW, "pabsw"),
        (sse::PABSD, "pabsd"),
        (sse::PSHUFB, "pshufb"),
        (sse::PUNPCKLBW, "punpcklbw"),
        (sse::PUNPCKHBW, "punpckhbw"),
        (sse::PUNPCKLQDQ, "punpcklqdq"),
        (sse::PACKSSWB, "packsswb"),
        (sse::PACKUSWB, "packuswb"),
        (sse::PACKSSDW, "packssdw"),
        (sse::PACKUSDW, "packusdw"),
        (sse::PMOVSXBW, "pmovsxbw"),
        (sse::PMOVSXWD, "pmovsxwd"),
        (sse::PMOVSXDQ, "pmovsxdq"),
        (sse::PMOVZXBW, "pmovzxbw"),
        (sse::PMOVZXWD, "pmovzxwd"),
        (sse::PMOVZXDQ, "pmovzxdq"),
        (sse::PMADDWD, "pmaddwd"),
        (sse::PMADDUBSW, "pmaddubsw"),
        (sse::PMULHRSW, "pmulhrsw"),
        (sse::PTEST, "ptest"),
        (sse::PSLLW, "psllw"),
        (sse::PSLLD, "pslld"),
        (sse::PSLLQ, "psllq"),
        (sse::PSRLW, "psrlw"),
        (sse::PSRLD, "psrld"),
        (sse::PSRLQ, "psrlq"),
        (sse::PSRAW, "psraw"),
        (sse::PSRAD, "psrad"),
        (sse::ADDPS, "addps"),
        (sse::ADDPD, "addpd"),
        (sse::SUBPS, "subps"),
        (sse::SUBPD, "subpd"),
        (sse::MULPS, "mulps"),
        (sse::MULPD, "mulpd"),
        (sse::DIVPS, "divps"),
        (sse::DIVPD, "divpd"),
        (sse::MINPS, "minps"),
        (sse::MINPD, "minpd"),
        (sse::MAXPS, "maxps"),
        (sse::MAXPD, "maxpd"),
        (sse::SQRTPS, "sqrtps"),
        (sse::SQRTPD, "sqrtpd"),
        (sse::ANDPS, "andps"),
        (sse::ANDNPS, "andnps"),
        (sse::ORPS, "orps"),
        (sse::XORPS, "xorps"),
        (sse::CVTDQ2PS, "cvtdq2ps"),
        (sse::CVTTPS2DQ, "cvttps2dq"),
        (sse::CVTDQ2PD, "cvtdq2pd"),
        (sse::CVTTPD2DQ, "cvttpd2dq"),
        (sse::CVTPD2PS, "cvtpd2ps"),
        (sse::CVTPS2PD, "cvtps2pd"),
        (sse::UNPCKLPS, "unpcklps"),
        (sse::MOVDQU, "movdqu"),
    ];
    for &(f, name) in forms {
        one(|a| a.sse_rm(f, 1, Rm::R(9)), &format!("{name} xmm1, xmm9"));
        one(
            |a| a.sse_rm(f, 10, Rm::R(2)),
            &format!("{name} xmm10, xmm2"),
        );
    }
    let imm: &[(Sse, &str)] = &[
        (sse::PSHUFD, "pshufd xmm13, xmm4, 7"),
        (sse::PSHUFLW, "pshuflw xmm13, xmm4, 7"),
        (sse::PBLENDW, "pblendw xmm13, xmm4, 7"),
        // The disassembler names the predicate (7: ordered).
        (sse::CMPPS, "cmpordps xmm13, xmm4"),
        (sse::CMPPD, "cmpordpd xmm13, xmm4"),
        (sse::ROUNDPS, "roundps xmm13, xmm4, 7"),
        (sse::ROUNDPD, "roundpd xmm13, xmm4, 7"),
        (sse::SHUFPS, "shufps xmm13, xmm4, 7"),
    ];
    for &(f, expected) in imm {
        one(|a| a.sse_rm_imm(f, 13, Rm::R(4), 0x7), expected);
    }
    one(
        |a| a.sse_rm(sse::MOVDQU, 3, Rm::M(Mem::indexed(R14, RBX, 0, 16))),
        "movdqu xmm3, [r14+rbx+0x10]",
    );
    one(
        |a| a.sse_rm(sse::MOVDQU_STORE, 12, Rm::M(Mem::base(RSP, 8))),
        "movdqu [rsp+8], xmm12",
    );
    one(
        |a| a.sse_rm(sse::MOVDQU, 0, Rm::M(Mem::rip(0))),
        "movdqu xmm0, [rip]",
    );
    one(
        |a| a.sse_rm(sse::PMOVMSKB, R9, Rm::R(1)),
        "pmovmskb r9d, xmm1",
    );
    one(
        |a| a.sse_rm(sse::MOVMSKPS, RAX, Rm::R(10)),
        "movmskps eax, xmm10",
    );
    one(
        |a| a.sse_rm(sse::MOVMSKPD, RSI, Rm::R(3)),
        "movmskpd esi, xmm3",
    );
    one(|a| a.sse_shift_imm(ShiftImm::Psrlw, 9, 4), "psrlw xmm9, 4");
    one(|a| a.sse_shift_imm(ShiftImm::Psraw, 1, 4), "psraw xmm1, 4");
    one(|a| a.sse_shift_imm(ShiftImm::Psllw, 1, 4), "psllw xmm1, 4");
    one(
        |a| a.sse_shift_imm(ShiftImm::Psrld, 1, 10),
        "psrld xmm1, 0xa",
    );
    one(
        |a| a.sse_shift_imm(ShiftImm::Psrad, 15, 31),
        "psrad xmm15, 0x1f",
    );
    one(|a| a.sse_shift_imm(ShiftImm::Pslld, 1, 1), "pslld xmm1, 1");
    one(
        |a| a.sse_shift_imm(ShiftImm::Psrlq, 13, 32),
        "psrlq xmm13, 0x20",
    );
    one(
        |a| a.sse_shift_imm(ShiftImm::Psllq, 2, 32),
        "psllq xmm2, 0x20",
    );
    one(
        |a| a.pextr(Size::B, Rm::R(RSI), 9, 15),
        "pextrb esi, xmm9, 0xf",
    );
    one(
        |a| a.pextr(Size::W, Rm::R(R12), 1, 7),
        "pextrw r12d, xmm1, 7",
    );
    one(
        |a| a.pextr(Size::D, Rm::R(RAX), 2, 3),
        "pextrd eax, xmm2, 3",
    );
    one(
        |a| a.pextr(Size::Q, Rm::R(R8), 10, 1),
        "pextrq r8, xmm10, 1",
    );
    one(
        |a| a.pinsr(Size::B, 9, Rm::R(RDI), 15),
        "pinsrb xmm9, edi, 0xf",
    );
    one(
        |a| a.pinsr(Size::W, 1, Rm::R(R10), 7),
        "pinsrw xmm1, r10d, 7",
    );
    one(
        |a| a.pinsr(Size::D, 2, Rm::R(RBX), 3),
        "pinsrd xmm2, ebx, 3",
    );
    one(
        |a| a.pinsr(Size::Q, 12, Rm::R(R9), 1),
        "pinsrq xmm12, r9, 1",
    );
}
