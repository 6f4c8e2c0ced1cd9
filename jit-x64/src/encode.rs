//! The x86-64 instruction encoder: a byte buffer and one method per
//! instruction form the macro-assembler ([`crate::masm`]) emits. It owns the
//! REX / ModRM / SIB / displacement rules (and their awkward cases: rsp and
//! r12 bases need a SIB byte, rbp and r13 bases need a displacement, and the
//! byte registers spl..dil exist only with a REX prefix); it must not know
//! about WebAssembly semantics, labels or register roles, which are the
//! macro-assembler's.
//!
//! Registers are plain hardware numbers (`0 = rax .. 15 = r15`, and
//! `0 = xmm0 .. 15 = xmm15` where the operand is a vector register).
//! Methods whose name has no size take `w: bool`: `true` for the 64-bit
//! form (REX.W), `false` for the 32-bit one.
use alloc::vec::Vec;

pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;
pub const RBX: u8 = 3;
pub const RSP: u8 = 4;
pub const RBP: u8 = 5;
pub const RSI: u8 = 6;
pub const RDI: u8 = 7;
pub const R8: u8 = 8;
pub const R9: u8 = 9;
pub const R10: u8 = 10;
pub const R11: u8 = 11;
pub const R12: u8 = 12;
pub const R13: u8 = 13;
pub const R14: u8 = 14;
pub const R15: u8 = 15;

/// Condition codes, by their encoding (the low nibble of `jcc`, `setcc`,
/// `cmovcc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cond {
    O = 0,
    No = 1,
    B = 2,
    Ae = 3,
    E = 4,
    Ne = 5,
    Be = 6,
    A = 7,
    S = 8,
    Ns = 9,
    P = 10,
    Np = 11,
    L = 12,
    Ge = 13,
    Le = 14,
    G = 15,
}

impl Cond {
    /// The opposite condition (flipping the low bit is how the encoding
    /// pairs them).
    pub fn invert(self) -> Cond {
        Cond::from_bits(self as u8 ^ 1)
    }

    fn from_bits(b: u8) -> Cond {
        use Cond::*;
        [O, No, B, Ae, E, Ne, Be, A, S, Ns, P, Np, L, Ge, Le, G][(b & 15) as usize]
    }
}

/// A memory operand: `[base + index * 2^scale + disp]`, or `[rip + disp]`
/// when `base` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mem {
    pub base: Option<u8>,
    /// Index register and scale as a shift (0..=3). rsp cannot be an index.
    pub index: Option<(u8, u8)>,
    pub disp: i32,
}

impl Mem {
    pub fn base(base: u8, disp: i32) -> Mem {
        Mem {
            base: Some(base),
            index: None,
            disp,
        }
    }

    pub fn indexed(base: u8, index: u8, scale: u8, disp: i32) -> Mem {
        debug_assert!(index != RSP && scale <= 3);
        Mem {
            base: Some(base),
            index: Some((index, scale)),
            disp,
        }
    }

    pub fn rip(disp: i32) -> Mem {
        Mem {
            base: None,
            index: None,
            disp,
        }
    }
}

/// A ModRM `r/m` operand: a register or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rm {
    R(u8),
    M(Mem),
}

impl From<Mem> for Rm {
    fn from(m: Mem) -> Rm {
        Rm::M(m)
    }
}

/// Operand sizes of the forms that have more than two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    B,
    W,
    D,
    Q,
}

/// The eight classic ALU operations, by their `/digit` (and opcode row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Alu {
    Add = 0,
    Or = 1,
    And = 4,
    Sub = 5,
    Xor = 6,
    Cmp = 7,
}

/// Shifts and rotates, by their `/digit` in the `C1`/`D3` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Shift {
    Rol = 0,
    Ror = 1,
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// The `F7` group's one-operand instructions, by `/digit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Unary {
    Not = 2,
    Neg = 3,
    Mul = 4,
    Div = 6,
    Idiv = 7,
}

/// Scalar SSE arithmetic, by opcode (the `F3`/`F2` prefix picks
/// single/double).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SseOp {
    Sqrt = 0x51,
    Add = 0x58,
    Mul = 0x59,
    /// cvtss2sd (single prefix) / cvtsd2ss (double prefix).
    Cvt = 0x5a,
    Sub = 0x5c,
    Min = 0x5d,
    Div = 0x5e,
    Max = 0x5f,
}

/// Packed bitwise SSE operations (`ps`: no prefix, `pd`: `66`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SseLogic {
    And = 0x54,
    Andn = 0x55,
    Or = 0x56,
    Xor = 0x57,
}

/// Whether `r` is one of spl, bpl, sil, dil as a byte register, which only
/// a REX prefix selects (without one, 4..7 are ah, ch, dh, bh).
fn needs_rex_byte(r: u8) -> bool {
    (4..8).contains(&r)
}

fn fits_i8(v: i32) -> bool {
    v as i8 as i32 == v
}

/// The code buffer.
#[derive(Debug, Default, Clone)]
pub struct Asm {
    pub buf: Vec<u8>,
}

impl Asm {
    pub fn new() -> Asm {
        Asm { buf: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub fn imm16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn imm32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn imm64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Overwrites the 32-bit value at `at`.
    pub fn patch32(&mut self, at: usize, v: u32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Overwrites the byte at `at`.
    pub fn patch8(&mut self, at: usize, v: u8) {
        self.buf[at] = v;
    }

    /// The generic form: `[prefix] [REX] opcode ModRM [SIB] [disp]`.
    /// `reg` is the ModRM reg field (a register or a `/digit`); `force_rex`
    /// emits a REX prefix even when no bit is set (byte registers).
    fn op(&mut self, prefix: u8, w: bool, opcode: &[u8], reg: u8, rm: Rm, force_rex: bool) {
        if prefix != 0 {
            self.byte(prefix);
        }
        let (x, b) = match rm {
            Rm::R(r) => (0, r >> 3),
            Rm::M(m) => (
                m.index.map_or(0, |(i, _)| i >> 3),
                m.base.map_or(0, |b| b >> 3),
            ),
        };
        let rex = 0x40 | (u8::from(w) << 3) | ((reg >> 3) << 2) | (x << 1) | b;
        if rex != 0x40 || force_rex {
            self.byte(rex);
        }
        self.buf.extend_from_slice(opcode);
        self.modrm(reg, rm);
    }

    fn modrm(&mut self, reg: u8, rm: Rm) {
        let reg = (reg & 7) << 3;
        let m = match rm {
            Rm::R(r) => return self.byte(0xc0 | reg | (r & 7)),
            Rm::M(m) => m,
        };
        let Some(base) = m.base else {
            // mod 00, rm 101: rip-relative disp32.
            self.byte(reg | 5);
            return self.imm32(m.disp as u32);
        };
        let low = base & 7;
        // rbp/r13 with mod 00 would mean rip/no-base, so they always carry
        // a displacement.
        let md = if m.disp == 0 && low != 5 {
            0x00
        } else if fits_i8(m.disp) {
            0x40
        } else {
            0x80
        };
        match m.index {
            // rsp/r12 in rm mean "a SIB follows", so they need one too.
            None if low != 4 => self.byte(md | reg | low),
            index => {
                self.byte(md | reg | 4);
                let (i, s) = index.map_or((4, 0), |(i, s)| (i & 7, s));
                self.byte((s << 6) | (i << 3) | low);
            }
        }
        match md {
            0x40 => self.byte(m.disp as u8),
            0x80 => self.imm32(m.disp as u32),
            _ => {}
        }
    }

    // ---- moves ----

    /// `mov dst, src` (32-bit zero-extends).
    pub fn mov_rr(&mut self, w: bool, dst: u8, src: u8) {
        self.op(0, w, &[0x89], src, Rm::R(dst), false);
    }

    /// `mov dst, [mem]` of 32 or 64 bits.
    pub fn load(&mut self, w: bool, dst: u8, mem: Mem) {
        self.op(0, w, &[0x8b], dst, mem.into(), false);
    }

    /// `mov [mem], src` of the low `size` bytes of `src`.
    pub fn store(&mut self, size: Size, mem: Mem, src: u8) {
        match size {
            Size::B => self.op(0, false, &[0x88], src, mem.into(), needs_rex_byte(src)),
            Size::W => self.op(0x66, false, &[0x89], src, mem.into(), false),
            Size::D => self.op(0, false, &[0x89], src, mem.into(), false),
            Size::Q => self.op(0, true, &[0x89], src, mem.into(), false),
        }
    }

    /// `mov [mem], imm` (64-bit: `imm` sign-extended).
    pub fn store_imm(&mut self, size: Size, mem: Mem, imm: i32) {
        match size {
            Size::B => {
                self.op(0, false, &[0xc6], 0, mem.into(), false);
                self.byte(imm as u8);
            }
            Size::W => {
                self.op(0x66, false, &[0xc7], 0, mem.into(), false);
                self.imm16(imm as u16);
            }
            Size::D | Size::Q => {
                self.op(0, size == Size::Q, &[0xc7], 0, mem.into(), false);
                self.imm32(imm as u32);
            }
        }
    }

    /// `mov dst32, imm32` (zero-extends to 64 bits).
    pub fn mov_r32_imm(&mut self, dst: u8, imm: u32) {
        if dst >= 8 {
            self.byte(0x41);
        }
        self.byte(0xb8 + (dst & 7));
        self.imm32(imm);
    }

    /// `mov dst64, imm32` sign-extended.
    pub fn mov_r64_simm32(&mut self, dst: u8, imm: i32) {
        self.op(0, true, &[0xc7], 0, Rm::R(dst), false);
        self.imm32(imm as u32);
    }

    /// `mov dst64, imm64` (movabs).
    pub fn mov_r64_imm64(&mut self, dst: u8, imm: u64) {
        self.byte(0x48 | (dst >> 3));
        self.byte(0xb8 + (dst & 7));
        self.imm64(imm);
    }

    /// `movzx dst32, src` of a byte or word (`from` is `B` or `W`).
    pub fn movzx(&mut self, from: Size, dst: u8, src: Rm) {
        let (opc, force) = match (from, src) {
            (Size::B, Rm::R(r)) => (0xb6, needs_rex_byte(r)),
            (Size::B, _) => (0xb6, false),
            _ => (0xb7, false),
        };
        self.op(0, false, &[0x0f, opc], dst, src, force);
    }

    /// `movsx dst, src` of a byte or word into 32 or 64 bits.
    pub fn movsx(&mut self, w: bool, from: Size, dst: u8, src: Rm) {
        let (opc, force) = match (from, src) {
            (Size::B, Rm::R(r)) => (0xbe, needs_rex_byte(r)),
            (Size::B, _) => (0xbe, false),
            _ => (0xbf, false),
        };
        self.op(0, w, &[0x0f, opc], dst, src, force);
    }

    /// `movsxd dst64, src32`.
    pub fn movsxd(&mut self, dst: u8, src: Rm) {
        self.op(0, true, &[0x63], dst, src, false);
    }

    /// `lea dst64, [mem]`.
    pub fn lea(&mut self, dst: u8, mem: Mem) {
        self.op(0, true, &[0x8d], dst, mem.into(), false);
    }

    // ---- integer arithmetic ----

    /// `op dst, src` with `dst` a register or memory.
    pub fn alu_rr(&mut self, op: Alu, w: bool, dst: Rm, src: u8) {
        self.op(0, w, &[((op as u8) << 3) | 1], src, dst, false);
    }

    /// `op dst, [src]` with a register destination.
    pub fn alu_r_rm(&mut self, op: Alu, w: bool, dst: u8, src: Rm) {
        self.op(0, w, &[((op as u8) << 3) | 3], dst, src, false);
    }

    /// `op dst, imm` (imm8 form when it fits).
    pub fn alu_imm(&mut self, op: Alu, w: bool, dst: Rm, imm: i32) {
        if fits_i8(imm) {
            self.op(0, w, &[0x83], op as u8, dst, false);
            self.byte(imm as u8);
        } else {
            self.op(0, w, &[0x81], op as u8, dst, false);
            self.imm32(imm as u32);
        }
    }

    /// `op dst, imm32` always in the 4-byte immediate form, so the
    /// immediate can be patched (returns the immediate's offset).
    pub fn alu_imm32(&mut self, op: Alu, w: bool, dst: Rm, imm: i32) -> usize {
        self.op(0, w, &[0x81], op as u8, dst, false);
        let at = self.len();
        self.imm32(imm as u32);
        at
    }

    /// `op dst8, src8` on byte registers.
    pub fn alu8(&mut self, op: Alu, dst: u8, src: u8) {
        let force = needs_rex_byte(dst) || needs_rex_byte(src);
        self.op(0, false, &[(op as u8) << 3], src, Rm::R(dst), force);
    }

    /// `test a, b`.
    pub fn test_rr(&mut self, w: bool, a: u8, b: u8) {
        self.op(0, w, &[0x85], b, Rm::R(a), false);
    }

    /// `test a, imm32`.
    pub fn test_imm(&mut self, w: bool, a: Rm, imm: i32) {
        self.op(0, w, &[0xf7], 0, a, false);
        self.imm32(imm as u32);
    }

    /// `imul dst, src`.
    pub fn imul_rr(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0, w, &[0x0f, 0xaf], dst, src, false);
    }

    /// `imul dst, src, imm`.
    pub fn imul_rri(&mut self, w: bool, dst: u8, src: Rm, imm: i32) {
        if fits_i8(imm) {
            self.op(0, w, &[0x6b], dst, src, false);
            self.byte(imm as u8);
        } else {
            self.op(0, w, &[0x69], dst, src, false);
            self.imm32(imm as u32);
        }
    }

    /// The `F7` group: not, neg, mul, div, idiv.
    pub fn unary(&mut self, op: Unary, w: bool, rm: Rm) {
        self.op(0, w, &[0xf7], op as u8, rm, false);
    }

    /// `cdq` (32-bit) / `cqo` (64-bit): sign-extend eax/rax into edx/rdx.
    pub fn cdq_cqo(&mut self, w: bool) {
        if w {
            self.byte(0x48);
        }
        self.byte(0x99);
    }

    /// `op rm, cl`.
    pub fn shift_cl(&mut self, op: Shift, w: bool, rm: Rm) {
        self.op(0, w, &[0xd3], op as u8, rm, false);
    }

    /// `op rm, imm8`.
    pub fn shift_imm(&mut self, op: Shift, w: bool, rm: Rm, imm: u8) {
        self.op(0, w, &[0xc1], op as u8, rm, false);
        self.byte(imm);
    }

    /// `setcc r8`.
    pub fn setcc(&mut self, cc: Cond, dst: u8) {
        self.op(
            0,
            false,
            &[0x0f, 0x90 + cc as u8],
            0,
            Rm::R(dst),
            needs_rex_byte(dst),
        );
    }

    /// `cmovcc dst, src`.
    pub fn cmov(&mut self, cc: Cond, w: bool, dst: u8, src: Rm) {
        self.op(0, w, &[0x0f, 0x40 + cc as u8], dst, src, false);
    }

    /// `bsr dst, src`.
    pub fn bsr(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0, w, &[0x0f, 0xbd], dst, src, false);
    }

    /// `bsf dst, src`.
    pub fn bsf(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0, w, &[0x0f, 0xbc], dst, src, false);
    }

    /// `lzcnt dst, src` (LZCNT; decodes as bsr on CPUs without it).
    pub fn lzcnt(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0xf3, w, &[0x0f, 0xbd], dst, src, false);
    }

    /// `tzcnt dst, src` (BMI1; decodes as bsf on CPUs without it).
    pub fn tzcnt(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0xf3, w, &[0x0f, 0xbc], dst, src, false);
    }

    /// `popcnt dst, src` (POPCNT).
    pub fn popcnt(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0xf3, w, &[0x0f, 0xb8], dst, src, false);
    }

    // ---- control flow ----

    /// `jmp rel32`; returns the offset of the rel32 field.
    pub fn jmp_rel32(&mut self, rel: i32) -> usize {
        self.byte(0xe9);
        let at = self.len();
        self.imm32(rel as u32);
        at
    }

    /// `jmp rel8`; returns the offset of the rel8 field.
    pub fn jmp_rel8(&mut self, rel: i8) -> usize {
        self.byte(0xeb);
        self.byte(rel as u8);
        self.len() - 1
    }

    /// `jcc rel32`; returns the offset of the rel32 field.
    pub fn jcc_rel32(&mut self, cc: Cond, rel: i32) -> usize {
        self.byte(0x0f);
        self.byte(0x80 + cc as u8);
        let at = self.len();
        self.imm32(rel as u32);
        at
    }

    /// `jcc rel8`; returns the offset of the rel8 field.
    pub fn jcc_rel8(&mut self, cc: Cond, rel: i8) -> usize {
        self.byte(0x70 + cc as u8);
        self.byte(rel as u8);
        self.len() - 1
    }

    /// `call rm` (64-bit target).
    pub fn call_rm(&mut self, rm: Rm) {
        self.op(0, false, &[0xff], 2, rm, false);
    }

    /// `jmp rm` (64-bit target).
    pub fn jmp_rm(&mut self, rm: Rm) {
        self.op(0, false, &[0xff], 4, rm, false);
    }

    pub fn ret(&mut self) {
        self.byte(0xc3);
    }

    pub fn push(&mut self, r: u8) {
        if r >= 8 {
            self.byte(0x41);
        }
        self.byte(0x50 + (r & 7));
    }

    pub fn pop(&mut self, r: u8) {
        if r >= 8 {
            self.byte(0x41);
        }
        self.byte(0x58 + (r & 7));
    }

    pub fn ud2(&mut self) {
        self.buf.extend_from_slice(&[0x0f, 0x0b]);
    }

    // ---- SSE ----

    fn scalar_prefix(double: bool) -> u8 {
        if double {
            0xf2
        } else {
            0xf3
        }
    }

    fn packed_prefix(double: bool) -> u8 {
        if double {
            0x66
        } else {
            0
        }
    }

    /// `movss/movsd dst, src` (register or load; a register source only
    /// replaces the low lane).
    pub fn movs_load(&mut self, double: bool, dst: u8, src: Rm) {
        self.op(
            Self::scalar_prefix(double),
            false,
            &[0x0f, 0x10],
            dst,
            src,
            false,
        );
    }

    /// `movss/movsd [mem], src`.
    pub fn movs_store(&mut self, double: bool, mem: Mem, src: u8) {
        self.op(
            Self::scalar_prefix(double),
            false,
            &[0x0f, 0x11],
            src,
            mem.into(),
            false,
        );
    }

    /// `movaps dst, src` (whole register).
    pub fn movaps(&mut self, dst: u8, src: Rm) {
        self.op(0, false, &[0x0f, 0x28], dst, src, false);
    }

    /// `movd/movq xmm, gpr` (`w`: movq).
    pub fn movq_x_r(&mut self, w: bool, dst: u8, src: Rm) {
        self.op(0x66, w, &[0x0f, 0x6e], dst, src, false);
    }

    /// `movd/movq gpr, xmm` (`w`: movq).
    pub fn movq_r_x(&mut self, w: bool, dst: Rm, src: u8) {
        self.op(0x66, w, &[0x0f, 0x7e], src, dst, false);
    }

    /// Scalar arithmetic `opss/opsd dst, src`.
    pub fn sse(&mut self, op: SseOp, double: bool, dst: u8, src: Rm) {
        self.op(
            Self::scalar_prefix(double),
            false,
            &[0x0f, op as u8],
            dst,
            src,
            false,
        );
    }

    /// Bitwise `opps/oppd dst, src`.
    pub fn sse_logic(&mut self, op: SseLogic, double: bool, dst: u8, src: Rm) {
        self.op(
            Self::packed_prefix(double),
            false,
            &[0x0f, op as u8],
            dst,
            src,
            false,
        );
    }

    /// `ucomiss/ucomisd a, b`.
    pub fn ucomis(&mut self, double: bool, a: u8, b: Rm) {
        self.op(
            Self::packed_prefix(double),
            false,
            &[0x0f, 0x2e],
            a,
            b,
            false,
        );
    }

    /// `cvtsi2ss/cvtsi2sd dst, src` from a 32- or 64-bit (`w`) integer.
    pub fn cvtsi2s(&mut self, double: bool, w: bool, dst: u8, src: Rm) {
        self.op(
            Self::scalar_prefix(double),
            w,
            &[0x0f, 0x2a],
            dst,
            src,
            false,
        );
    }

    /// `cvttss2si/cvttsd2si dst, src` into a 32- or 64-bit (`w`) integer.
    pub fn cvtts2si(&mut self, double: bool, w: bool, dst: u8, src: Rm) {
        self.op(
            Self::scalar_prefix(double),
            w,
            &[0x0f, 0x2c],
            dst,
            src,
            false,
        );
    }

    /// `roundss/roundsd dst, src, mode` (SSE4.1; mode 0 nearest-even,
    /// 1 floor, 2 ceil, 3 trunc).
    pub fn rounds(&mut self, double: bool, dst: u8, src: Rm, mode: u8) {
        let opc = if double { 0x0b } else { 0x0a };
        self.op(0x66, false, &[0x0f, 0x3a, opc], dst, src, false);
        self.byte(mode);
    }
}

/// A packed SSE instruction form: its mandatory prefix (0 for none) and
/// opcode bytes (`0F xx`, `0F 38 xx` or `0F 3A xx`). The operand order is
/// Intel's: ModRM reg is the destination, r/m the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sse {
    pub prefix: u8,
    pub opcode: &'static [u8],
}

const fn p66(opcode: &'static [u8]) -> Sse {
    Sse {
        prefix: 0x66,
        opcode,
    }
}

const fn np(opcode: &'static [u8]) -> Sse {
    Sse { prefix: 0, opcode }
}

const fn pf3(opcode: &'static [u8]) -> Sse {
    Sse {
        prefix: 0xf3,
        opcode,
    }
}

const fn pf2(opcode: &'static [u8]) -> Sse {
    Sse {
        prefix: 0xf2,
        opcode,
    }
}

/// The packed forms the v128 operations use (SSE2 to SSE4.1).
pub mod sse {
    use super::{np, p66, pf2, pf3, Sse};

    pub const PADDB: Sse = p66(&[0x0f, 0xfc]);
    pub const PADDW: Sse = p66(&[0x0f, 0xfd]);
    pub const PADDD: Sse = p66(&[0x0f, 0xfe]);
    pub const PADDQ: Sse = p66(&[0x0f, 0xd4]);
    pub const PSUBB: Sse = p66(&[0x0f, 0xf8]);
    pub const PSUBW: Sse = p66(&[0x0f, 0xf9]);
    pub const PSUBD: Sse = p66(&[0x0f, 0xfa]);
    pub const PSUBQ: Sse = p66(&[0x0f, 0xfb]);
    pub const PADDSB: Sse = p66(&[0x0f, 0xec]);
    pub const PADDSW: Sse = p66(&[0x0f, 0xed]);
    pub const PADDUSB: Sse = p66(&[0x0f, 0xdc]);
    pub const PADDUSW: Sse = p66(&[0x0f, 0xdd]);
    pub const PSUBSB: Sse = p66(&[0x0f, 0xe8]);
    pub const PSUBSW: Sse = p66(&[0x0f, 0xe9]);
    pub const PSUBUSB: Sse = p66(&[0x0f, 0xd8]);
    pub const PSUBUSW: Sse = p66(&[0x0f, 0xd9]);
    pub const PMULLW: Sse = p66(&[0x0f, 0xd5]);
    pub const PMULLD: Sse = p66(&[0x0f, 0x38, 0x40]);
    pub const PMULUDQ: Sse = p66(&[0x0f, 0xf4]);
    pub const PMULDQ: Sse = p66(&[0x0f, 0x38, 0x28]);
    pub const PMINSB: Sse = p66(&[0x0f, 0x38, 0x38]);
    pub const PMINSW: Sse = p66(&[0x0f, 0xea]);
    pub const PMINSD: Sse = p66(&[0x0f, 0x38, 0x39]);
    pub const PMINUB: Sse = p66(&[0x0f, 0xda]);
    pub const PMINUW: Sse = p66(&[0x0f, 0x38, 0x3a]);
    pub const PMINUD: Sse = p66(&[0x0f, 0x38, 0x3b]);
    pub const PMAXSB: Sse = p66(&[0x0f, 0x38, 0x3c]);
    pub const PMAXSW: Sse = p66(&[0x0f, 0xee]);
    pub const PMAXSD: Sse = p66(&[0x0f, 0x38, 0x3d]);
    pub const PMAXUB: Sse = p66(&[0x0f, 0xde]);
    pub const PMAXUW: Sse = p66(&[0x0f, 0x38, 0x3e]);
    pub const PMAXUD: Sse = p66(&[0x0f, 0x38, 0x3f]);
    pub const PAVGB: Sse = p66(&[0x0f, 0xe0]);
    pub const PAVGW: Sse = p66(&[0x0f, 0xe3]);
    pub const PCMPEQB: Sse = p66(&[0x0f, 0x74]);
    pub const PCMPEQW: Sse = p66(&[0x0f, 0x75]);
    pub const PCMPEQD: Sse = p66(&[0x0f, 0x76]);
    pub const PCMPEQQ: Sse = p66(&[0x0f, 0x38, 0x29]);
    pub const PCMPGTB: Sse = p66(&[0x0f, 0x64]);
    pub const PCMPGTW: Sse = p66(&[0x0f, 0x65]);
    pub const PCMPGTD: Sse = p66(&[0x0f, 0x66]);
    pub const PAND: Sse = p66(&[0x0f, 0xdb]);
    pub const PANDN: Sse = p66(&[0x0f, 0xdf]);
    pub const POR: Sse = p66(&[0x0f, 0xeb]);
    pub const PXOR: Sse = p66(&[0x0f, 0xef]);
    pub const PABSB: Sse = p66(&[0x0f, 0x38, 0x1c]);
    pub const PABSW: Sse = p66(&[0x0f, 0x38, 0x1d]);
    pub const PABSD: Sse = p66(&[0x0f, 0x38, 0x1e]);
    pub const PSHUFB: Sse = p66(&[0x0f, 0x38, 0x00]);
    /// With an imm8.
    pub const PSHUFD: Sse = p66(&[0x0f, 0x70]);
    /// With an imm8.
    pub const PSHUFLW: Sse = pf2(&[0x0f, 0x70]);
    pub const PUNPCKLBW: Sse = p66(&[0x0f, 0x60]);
    pub const PUNPCKHBW: Sse = p66(&[0x0f, 0x68]);
    pub const PUNPCKLQDQ: Sse = p66(&[0x0f, 0x6c]);
    pub const PACKSSWB: Sse = p66(&[0x0f, 0x63]);
    pub const PACKUSWB: Sse = p66(&[0x0f, 0x67]);
    pub const PACKSSDW: Sse = p66(&[0x0f, 0x6b]);
    pub const PACKUSDW: Sse = p66(&[0x0f, 0x38, 0x2b]);
    pub const PMOVSXBW: Sse = p66(&[0x0f, 0x38, 0x20]);
    pub const PMOVSXWD: Sse = p66(&[0x0f, 0x38, 0x23]);
    pub const PMOVSXDQ: Sse = p66(&[0x0f, 0x38, 0x25]);
    pub const PMOVZXBW: Sse = p66(&[0x0f, 0x38, 0x30]);
    pub const PMOVZXWD: Sse = p66(&[0x0f, 0x38, 0x33]);
    pub const PMOVZXDQ: Sse = p66(&[0x0f, 0x38, 0x35]);
    pub const PMADDWD: Sse = p66(&[0x0f, 0xf5]);
    pub const PMADDUBSW: Sse = p66(&[0x0f, 0x38, 0x04]);
    pub const PMULHRSW: Sse = p66(&[0x0f, 0x38, 0x0b]);
    pub const PTEST: Sse = p66(&[0x0f, 0x38, 0x17]);
    /// With an imm8.
    pub const PBLENDW: Sse = p66(&[0x0f, 0x3a, 0x0e]);
    /// Shifts by the count in an xmm register's low 64 bits.
    pub const PSLLW: Sse = p66(&[0x0f, 0xf1]);
    pub const PSLLD: Sse = p66(&[0x0f, 0xf2]);
    pub const PSLLQ: Sse = p66(&[0x0f, 0xf3]);
    pub const PSRLW: Sse = p66(&[0x0f, 0xd1]);
    pub const PSRLD: Sse = p66(&[0x0f, 0xd2]);
    pub const PSRLQ: Sse = p66(&[0x0f, 0xd3]);
    pub const PSRAW: Sse = p66(&[0x0f, 0xe1]);
    pub const PSRAD: Sse = p66(&[0x0f, 0xe2]);
    pub const ADDPS: Sse = np(&[0x0f, 0x58]);
    pub const ADDPD: Sse = p66(&[0x0f, 0x58]);
    pub const SUBPS: Sse = np(&[0x0f, 0x5c]);
    pub const SUBPD: Sse = p66(&[0x0f, 0x5c]);
    pub const MULPS: Sse = np(&[0x0f, 0x59]);
    pub const MULPD: Sse = p66(&[0x0f, 0x59]);
    pub const DIVPS: Sse = np(&[0x0f, 0x5e]);
    pub const DIVPD: Sse = p66(&[0x0f, 0x5e]);
    pub const MINPS: Sse = np(&[0x0f, 0x5d]);
    pub const MINPD: Sse = p66(&[0x0f, 0x5d]);
    pub const MAXPS: Sse = np(&[0x0f, 0x5f]);
    pub const MAXPD: Sse = p66(&[0x0f, 0x5f]);
    pub const SQRTPS: Sse = np(&[0x0f, 0x51]);
    pub const SQRTPD: Sse = p66(&[0x0f, 0x51]);
    pub const ANDPS: Sse = np(&[0x0f, 0x54]);
    pub const ANDNPS: Sse = np(&[0x0f, 0x55]);
    pub const ORPS: Sse = np(&[0x0f, 0x56]);
    pub const XORPS: Sse = np(&[0x0f, 0x57]);
    /// With an imm8 predicate.
    pub const CMPPS: Sse = np(&[0x0f, 0xc2]);
    /// With an imm8 predicate.
    pub const CMPPD: Sse = p66(&[0x0f, 0xc2]);
    /// With an imm8 rounding mode.
    pub const ROUNDPS: Sse = p66(&[0x0f, 0x3a, 0x08]);
    /// With an imm8 rounding mode.
    pub const ROUNDPD: Sse = p66(&[0x0f, 0x3a, 0x09]);
    pub const CVTDQ2PS: Sse = np(&[0x0f, 0x5b]);
    pub const CVTTPS2DQ: Sse = pf3(&[0x0f, 0x5b]);
    pub const CVTDQ2PD: Sse = pf3(&[0x0f, 0xe6]);
    pub const CVTTPD2DQ: Sse = p66(&[0x0f, 0xe6]);
    pub const CVTPD2PS: Sse = p66(&[0x0f, 0x5a]);
    pub const CVTPS2PD: Sse = np(&[0x0f, 0x5a]);
    pub const UNPCKLPS: Sse = np(&[0x0f, 0x14]);
    /// With an imm8.
    pub const SHUFPS: Sse = np(&[0x0f, 0xc6]);
    /// `movdqu xmm, xmm/m128` (the store is [`MOVDQU_STORE`]).
    pub const MOVDQU: Sse = pf3(&[0x0f, 0x6f]);
    /// `movdqu m128, xmm`: ModRM reg is the source.
    pub const MOVDQU_STORE: Sse = pf3(&[0x0f, 0x7f]);
    /// `pmovmskb r32, xmm`: ModRM reg is the GPR.
    pub const PMOVMSKB: Sse = p66(&[0x0f, 0xd7]);
    /// `movmskps r32, xmm`.
    pub const MOVMSKPS: Sse = np(&[0x0f, 0x50]);
    /// `movmskpd r32, xmm`.
    pub const MOVMSKPD: Sse = p66(&[0x0f, 0x50]);
}

/// Shifts by an immediate: the `66 0F 71/72/73` groups, by opcode and
/// `/digit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftImm {
    Psrlw,
    Psraw,
    Psllw,
    Psrld,
    Psrad,
    Pslld,
    Psrlq,
    Psllq,
}

impl Asm {
    /// A packed form, `op reg, rm` (`reg` is ModRM reg: an xmm register,
    /// or the GPR of `pmovmskb`/`movmskps`).
    pub fn sse_rm(&mut self, f: Sse, reg: u8, rm: Rm) {
        self.op(f.prefix, false, f.opcode, reg, rm, false);
    }

    /// A packed form with an imm8 (`pshufd`, `cmpps`, `roundps`, ...).
    pub fn sse_rm_imm(&mut self, f: Sse, reg: u8, rm: Rm, imm: u8) {
        self.op(f.prefix, false, f.opcode, reg, rm, false);
        self.byte(imm);
    }

    /// `psrlw/psraw/psllw/... xmm, imm8`.
    pub fn sse_shift_imm(&mut self, op: ShiftImm, dst: u8, imm: u8) {
        let (opc, digit) = match op {
            ShiftImm::Psrlw => (0x71, 2),
            ShiftImm::Psraw => (0x71, 4),
            ShiftImm::Psllw => (0x71, 6),
            ShiftImm::Psrld => (0x72, 2),
            ShiftImm::Psrad => (0x72, 4),
            ShiftImm::Pslld => (0x72, 6),
            ShiftImm::Psrlq => (0x73, 2),
            ShiftImm::Psllq => (0x73, 6),
        };
        self.op(0x66, false, &[0x0f, opc], digit, Rm::R(dst), false);
        self.byte(imm);
    }

    /// `pextrb/pextrw/pextrd/pextrq dst, src, idx` (SSE4.1 forms; a GPR
    /// destination is zero-extended).
    pub fn pextr(&mut self, size: Size, dst: Rm, src: u8, idx: u8) {
        let opc = match size {
            Size::B => 0x14,
            Size::W => 0x15,
            Size::D | Size::Q => 0x16,
        };
        self.op(0x66, size == Size::Q, &[0x0f, 0x3a, opc], src, dst, false);
        self.byte(idx);
    }

    /// `pinsrb/pinsrw/pinsrd/pinsrq dst, src, idx` (a GPR source gives its
    /// low bytes).
    pub fn pinsr(&mut self, size: Size, dst: u8, src: Rm, idx: u8) {
        match size {
            Size::B => self.op(0x66, false, &[0x0f, 0x3a, 0x20], dst, src, false),
            Size::W => self.op(0x66, false, &[0x0f, 0xc4], dst, src, false),
            Size::D | Size::Q => {
                self.op(0x66, size == Size::Q, &[0x0f, 0x3a, 0x22], dst, src, false)
            }
        }
        self.byte(idx);
    }
}
