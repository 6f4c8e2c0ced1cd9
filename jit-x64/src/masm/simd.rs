//! The v128 operations of the x86-64 macro-assembler, in SSE up to SSE4.1
//! (the backend's requirement; `pshufb` and `pabs*` are SSSE3, which every
//! SSE4.1 processor has). Where x86 has no instruction with WebAssembly's
//! meaning (byte shifts, i64x2.shr_s and comparisons, float min/max with
//! NaN and -0, unsigned conversions, saturating truncations) the sequence
//! builds it from exact pieces. Every sequence works in the three vector
//! scratch registers and writes `dst` last, so `dst` may be any source.
use wasmbed_codegen::masm::{FloatCmp, FloatOp, FloatUnary, IntCmp, VBinOp, VExtract, VLane};
use wasmbed_codegen::masm::{VShift, VTest, VUnOp};

use super::{X64Masm, VS};
use crate::encode::sse::*;
use crate::encode::{Alu, Cond, Rm, Shift, ShiftImm, Size, Sse, RAX, RCX};

/// `bits` in every 8/16/32/64-bit lane.
fn splat8(b: u8) -> u128 {
    u128::from_le_bytes([b; 16])
}
fn splat16(v: u16) -> u128 {
    (0..8).fold(0, |acc, i| acc | (u128::from(v) << (16 * i)))
}
fn splat32(v: u32) -> u128 {
    (0..4).fold(0, |acc, i| acc | (u128::from(v) << (32 * i)))
}
fn splat64(v: u64) -> u128 {
    u128::from(v) | (u128::from(v) << 64)
}

fn is_f64(l: VLane) -> bool {
    matches!(l, VLane::F64 | VLane::I64)
}

impl X64Masm {
    fn vop(&mut self, f: Sse, dst: u8, src: u8) {
        self.a.sse_rm(f, dst, Rm::R(src));
    }

    fn vop_imm(&mut self, f: Sse, dst: u8, src: u8, imm: u8) {
        self.a.sse_rm_imm(f, dst, Rm::R(src), imm);
    }

    /// A v128 constant; zero and all-ones without memory.
    pub(super) fn vconst_into(&mut self, x: u8, bits: u128) {
        if bits == 0 {
            self.vop(PXOR, x, x);
        } else if bits == u128::MAX {
            self.vop(PCMPEQD, x, x);
        } else {
            self.load_pool(x, bits);
        }
    }

    /// `dst = a op b` for a two-operand form (through a scratch when `dst`
    /// is `b` and the operation does not commute).
    fn bin(&mut self, f: Sse, commutes: bool, dst: u8, a: u8, b: u8) {
        if dst == a {
            self.vop(f, dst, b);
        } else if dst == b && commutes {
            self.vop(f, dst, a);
        } else if dst == b {
            let s = VS[0];
            self.movaps(s, a);
            self.vop(f, s, b);
            self.movaps(dst, s);
        } else {
            self.movaps(dst, a);
            self.vop(f, dst, b);
        }
    }

    fn not_in_place(&mut self, x: u8, tmp: u8) {
        self.vop(PCMPEQD, tmp, tmp);
        self.vop(PXOR, x, tmp);
    }

    /// `a > b` (signed) of `lane` into `VS[0]` (also uses `VS[1]`).
    fn gt_s(&mut self, lane: VLane, a: u8, b: u8) -> u8 {
        let [s0, s1, _] = VS;
        let gt = match lane {
            VLane::I8 => PCMPGTB,
            VLane::I16 => PCMPGTW,
            VLane::I32 => PCMPGTD,
            _ => {
                // Signed on the high halves, and where they are equal the
                // high half of b - a is all ones exactly when the low
                // halves' unsigned compare borrows, i.e. a > b.
                self.movaps(s0, b);
                self.vop(PSUBQ, s0, a);
                self.movaps(s1, a);
                self.vop(PCMPEQD, s1, b);
                self.vop(PAND, s0, s1);
                self.movaps(s1, a);
                self.vop(PCMPGTD, s1, b);
                self.vop(POR, s0, s1);
                self.vop_imm(PSHUFD, s0, s0, 0xf5);
                return s0;
            }
        };
        self.movaps(s0, a);
        self.vop(gt, s0, b);
        s0
    }

    fn int_cmp(&mut self, lane: VLane, cmp: IntCmp, dst: u8, a: u8, b: u8) {
        let [s0, s1, _] = VS;
        let eq = match lane {
            VLane::I8 => PCMPEQB,
            VLane::I16 => PCMPEQW,
            VLane::I32 => PCMPEQD,
            _ => PCMPEQQ,
        };
        let (minu, maxu) = match lane {
            VLane::I8 => (PMINUB, PMAXUB),
            VLane::I16 => (PMINUW, PMAXUW),
            _ => (PMINUD, PMAXUD),
        };
        let r = match cmp {
            IntCmp::Eq => return self.bin(eq, true, dst, a, b),
            IntCmp::Ne => {
                self.movaps(s0, a);
                self.vop(eq, s0, b);
                self.not_in_place(s0, s1);
                s0
            }
            IntCmp::GtS => self.gt_s(lane, a, b),
            IntCmp::LtS => self.gt_s(lane, b, a),
            IntCmp::LeS | IntCmp::GeS => {
                let (x, y) = if cmp == IntCmp::LeS { (a, b) } else { (b, a) };
                let r = self.gt_s(lane, x, y);
                self.not_in_place(r, s1);
                r
            }
            // Unsigned: a >= b exactly when max(a, b) == a.
            IntCmp::GeU | IntCmp::LtU | IntCmp::LeU | IntCmp::GtU => {
                let m = if matches!(cmp, IntCmp::GeU | IntCmp::LtU) {
                    maxu
                } else {
                    minu
                };
                self.movaps(s0, a);
                self.vop(m, s0, b);
                self.vop(eq, s0, a);
                if matches!(cmp, IntCmp::LtU | IntCmp::GtU) {
                    self.not_in_place(s0, s1);
                }
                s0
            }
        };
        self.movaps(dst, r);
    }

    fn float_min_max(&mut self, d: bool, min: bool, dst: u8, a: u8, b: u8) {
        let [s0, s1, _] = VS;
        let (m, cmp) = match (d, min) {
            (false, true) => (MINPS, CMPPS),
            (false, false) => (MAXPS, CMPPS),
            (true, true) => (MINPD, CMPPD),
            (true, false) => (MAXPD, CMPPD),
        };
        // minps/maxps return the second operand on NaN and on ±0 pairs;
        // doing both orders and merging gives NaN and the right zero.
        self.movaps(s1, b);
        self.vop(m, s1, a);
        self.movaps(s0, a);
        self.vop(m, s0, b);
        if min {
            self.vop(ORPS, s1, s0);
            self.vop_imm(cmp, s0, s1, 3);
            self.vop(ORPS, s1, s0);
        } else {
            self.vop(XORPS, s0, s1);
            self.vop(ORPS, s1, s0);
            self.vop(if d { SUBPD } else { SUBPS }, s1, s0);
            self.vop_imm(cmp, s0, s1, 3);
        }
        // NaN lanes: clear the payload below the quiet bit (canonical).
        if d {
            self.a.sse_shift_imm(ShiftImm::Psrlq, s0, 13);
        } else {
            self.a.sse_shift_imm(ShiftImm::Psrld, s0, 10);
        }
        self.vop(ANDNPS, s0, s1);
        self.movaps(dst, s0);
    }

    pub(super) fn v_binop(&mut self, op: VBinOp, dst: u8, a: u8, b: u8) {
        use VLane::*;
        let [s0, s1, s2] = VS;
        let f = match op {
            VBinOp::And => PAND,
            VBinOp::Or => POR,
            VBinOp::Xor => PXOR,
            VBinOp::AndNot => {
                self.movaps(s0, b);
                self.vop(PANDN, s0, a);
                return self.movaps(dst, s0);
            }
            VBinOp::Add(l) => [PADDB, PADDW, PADDD, PADDQ][l as usize],
            VBinOp::Sub(l) => {
                let f = [PSUBB, PSUBW, PSUBD, PSUBQ][l as usize];
                return self.bin(f, false, dst, a, b);
            }
            VBinOp::Mul(I16) => PMULLW,
            VBinOp::Mul(I32) => PMULLD,
            VBinOp::Mul(_) => {
                // lo(a)lo(b) + (hi(a)lo(b) + lo(a)hi(b)) << 32.
                self.movaps(s0, a);
                self.a.sse_shift_imm(ShiftImm::Psrlq, s0, 32);
                self.vop(PMULUDQ, s0, b);
                self.movaps(s1, b);
                self.a.sse_shift_imm(ShiftImm::Psrlq, s1, 32);
                self.vop(PMULUDQ, s1, a);
                self.vop(PADDQ, s0, s1);
                self.a.sse_shift_imm(ShiftImm::Psllq, s0, 32);
                self.movaps(s1, a);
                self.vop(PMULUDQ, s1, b);
                self.vop(PADDQ, s0, s1);
                return self.movaps(dst, s0);
            }
            VBinOp::AddSatS(l) => pick(l, PADDSB, PADDSW),
            VBinOp::AddSatU(l) => pick(l, PADDUSB, PADDUSW),
            VBinOp::SubSatS(l) => return self.bin(pick(l, PSUBSB, PSUBSW), false, dst, a, b),
            VBinOp::SubSatU(l) => return self.bin(pick(l, PSUBUSB, PSUBUSW), false, dst, a, b),
            VBinOp::MinS(l) => [PMINSB, PMINSW, PMINSD][l as usize],
            VBinOp::MinU(l) => [PMINUB, PMINUW, PMINUD][l as usize],
            VBinOp::MaxS(l) => [PMAXSB, PMAXSW, PMAXSD][l as usize],
            VBinOp::MaxU(l) => [PMAXUB, PMAXUW, PMAXUD][l as usize],
            VBinOp::AvgrU(l) => pick(l, PAVGB, PAVGW),
            VBinOp::Cmp(l, c) => return self.int_cmp(l, c, dst, a, b),
            VBinOp::FCmp(l, c) => {
                let f = if is_f64(l) { CMPPD } else { CMPPS };
                // Predicates: 0 eq, 1 lt, 2 le, 4 neq (true on NaN).
                let (x, y, p) = match c {
                    FloatCmp::Eq => (a, b, 0),
                    FloatCmp::Ne => (a, b, 4),
                    FloatCmp::Lt => (a, b, 1),
                    FloatCmp::Le => (a, b, 2),
                    FloatCmp::Gt => (b, a, 1),
                    FloatCmp::Ge => (b, a, 2),
                };
                self.movaps(s0, x);
                self.vop_imm(f, s0, y, p);
                return self.movaps(dst, s0);
            }
            VBinOp::F(l, op) => {
                let d = is_f64(l);
                let (f, commutes) = match op {
                    FloatOp::Add => (if d { ADDPD } else { ADDPS }, true),
                    FloatOp::Sub => (if d { SUBPD } else { SUBPS }, false),
                    FloatOp::Mul => (if d { MULPD } else { MULPS }, true),
                    FloatOp::Div => (if d { DIVPD } else { DIVPS }, false),
                    FloatOp::Min | FloatOp::Max => {
                        return self.float_min_max(d, op == FloatOp::Min, dst, a, b)
                    }
                    FloatOp::Copysign => unreachable!("no v128 copysign"),
                };
                return self.bin(f, commutes, dst, a, b);
            }
            // pmin = b < a ? b : a, which is minps with b first.
            VBinOp::Pmin(l) | VBinOp::Pmax(l) => {
                let min = matches!(op, VBinOp::Pmin(_));
                let f = match (is_f64(l), min) {
                    (false, true) => MINPS,
                    (false, false) => MAXPS,
                    (true, true) => MINPD,
                    (true, false) => MAXPD,
                };
                self.movaps(s0, b);
                self.vop(f, s0, a);
                return self.movaps(dst, s0);
            }
            VBinOp::NarrowS(l) => return self.bin(pick(l, PACKSSWB, PACKSSDW), false, dst, a, b),
            VBinOp::NarrowU(l) => return self.bin(pick(l, PACKUSWB, PACKUSDW), false, dst, a, b),
            VBinOp::ExtMulLowS(l)
            | VBinOp::ExtMulHighS(l)
            | VBinOp::ExtMulLowU(l)
            | VBinOp::ExtMulHighU(l) => {
                let signed = matches!(op, VBinOp::ExtMulLowS(_) | VBinOp::ExtMulHighS(_));
                let high = matches!(op, VBinOp::ExtMulHighS(_) | VBinOp::ExtMulHighU(_));
                if l == I64 {
                    // pmuldq/pmuludq multiply the even dwords.
                    let sel = if high { 0xfa } else { 0x50 };
                    self.vop_imm(PSHUFD, s0, a, sel);
                    self.vop_imm(PSHUFD, s1, b, sel);
                    self.vop(if signed { PMULDQ } else { PMULUDQ }, s0, s1);
                    return self.movaps(dst, s0);
                }
                let ext = self.extend_form(l, signed);
                for (s, x) in [(s0, a), (s1, b)] {
                    if high {
                        self.vop_imm(PSHUFD, s, x, 0xee);
                        self.vop(ext, s, s);
                    } else {
                        self.vop(ext, s, x);
                    }
                }
                let mul = if l == I16 { PMULLW } else { PMULLD };
                self.vop(mul, s0, s1);
                return self.movaps(dst, s0);
            }
            VBinOp::Dot => PMADDWD,
            VBinOp::Q15MulrSat => {
                // pmulhrsw is exact but for 0x8000 * 0x8000, which must
                // saturate to 0x7fff instead of wrapping to 0x8000.
                self.movaps(s0, a);
                self.vop(PMULHRSW, s0, b);
                self.vconst_into(s1, splat16(0x8000));
                self.vop(PCMPEQW, s1, s0);
                self.vop(PXOR, s0, s1);
                return self.movaps(dst, s0);
            }
            VBinOp::Swizzle => {
                // Indices >= 16 saturate to >= 0x80, which pshufb zeroes.
                self.vconst_into(s0, splat8(0x70));
                self.vop(PADDUSB, s0, b);
                self.movaps(s2, a);
                self.vop(PSHUFB, s2, s0);
                return self.movaps(dst, s2);
            }
        };
        let commutes = !matches!(op, VBinOp::Sub(_));
        self.bin(f, commutes, dst, a, b)
    }

    /// The `pmovsx/zx` form widening into lanes of `l`.
    fn extend_form(&self, l: VLane, signed: bool) -> Sse {
        match (l, signed) {
            (VLane::I16, true) => PMOVSXBW,
            (VLane::I16, false) => PMOVZXBW,
            (VLane::I32, true) => PMOVSXWD,
            (VLane::I32, false) => PMOVZXWD,
            (_, true) => PMOVSXDQ,
            (_, false) => PMOVZXDQ,
        }
    }

    pub(super) fn v_unop(&mut self, op: VUnOp, dst: u8, src: u8) {
        let [s0, s1, s2] = VS;
        match op {
            VUnOp::Not => {
                self.vop(PCMPEQD, s0, s0);
                self.vop(PXOR, s0, src);
                self.movaps(dst, s0);
            }
            VUnOp::Abs(VLane::I8) => self.vop(PABSB, dst, src),
            VUnOp::Abs(VLane::I16) => self.vop(PABSW, dst, src),
            VUnOp::Abs(VLane::I32) => self.vop(PABSD, dst, src),
            VUnOp::Abs(VLane::I64) => {
                // (x ^ m) - m with m the sign spread over the lane.
                self.movaps(s0, src);
                self.a.sse_shift_imm(ShiftImm::Psrad, s0, 31);
                self.vop_imm(PSHUFD, s0, s0, 0xf5);
                self.movaps(s1, src);
                self.vop(PXOR, s1, s0);
                self.vop(PSUBQ, s1, s0);
                self.movaps(dst, s1);
            }
            VUnOp::Abs(l) | VUnOp::Neg(l) if matches!(l, VLane::F32 | VLane::F64) => {
                let abs = matches!(op, VUnOp::Abs(_));
                let sign = if l == VLane::F64 {
                    splat64(1 << 63)
                } else {
                    splat32(1 << 31)
                };
                self.vconst_into(s0, if abs { !sign } else { sign });
                self.vop(if abs { ANDPS } else { XORPS }, s0, src);
                self.movaps(dst, s0);
            }
            VUnOp::Neg(l) => {
                self.vop(PXOR, s0, s0);
                self.vop([PSUBB, PSUBW, PSUBD, PSUBQ][l as usize], s0, src);
                self.movaps(dst, s0);
            }
            VUnOp::Abs(_) => unreachable!("every lane is handled"),
            VUnOp::Popcnt => {
                // A nibble table looked up with pshufb, for both nibbles.
                let table = u128::from_le_bytes([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]);
                self.vconst_into(s0, splat8(0x0f));
                self.movaps(s1, src);
                self.a.sse_shift_imm(ShiftImm::Psrlw, s1, 4);
                self.vop(PAND, s1, s0);
                self.vop(PAND, s0, src);
                self.vconst_into(s2, table);
                self.vop(PSHUFB, s2, s0);
                self.vconst_into(s0, table);
                self.vop(PSHUFB, s0, s1);
                self.vop(PADDB, s0, s2);
                self.movaps(dst, s0);
            }
            VUnOp::F(l, u) => {
                let d = is_f64(l);
                let mode = match u {
                    FloatUnary::Sqrt => return self.vop(if d { SQRTPD } else { SQRTPS }, dst, src),
                    FloatUnary::Nearest => 0,
                    FloatUnary::Floor => 1,
                    FloatUnary::Ceil => 2,
                    FloatUnary::Trunc => 3,
                    FloatUnary::Abs | FloatUnary::Neg => {
                        let l = if d { VLane::F64 } else { VLane::F32 };
                        let op = if u == FloatUnary::Abs {
                            VUnOp::Abs(l)
                        } else {
                            VUnOp::Neg(l)
                        };
                        return self.v_unop(op, dst, src);
                    }
                };
                self.vop_imm(if d { ROUNDPD } else { ROUNDPS }, dst, src, mode);
            }
            VUnOp::ExtendLowS(l) | VUnOp::ExtendLowU(l) => {
                let f = self.extend_form(l, matches!(op, VUnOp::ExtendLowS(_)));
                self.vop(f, dst, src);
            }
            VUnOp::ExtendHighS(l) | VUnOp::ExtendHighU(l) => {
                let f = self.extend_form(l, matches!(op, VUnOp::ExtendHighS(_)));
                self.vop_imm(PSHUFD, s0, src, 0xee);
                self.vop(f, dst, s0);
            }
            VUnOp::ExtAddPairwiseS(VLane::I16) => {
                // pmaddubsw: unsigned bytes of the first times signed bytes
                // of the second, pairs summed.
                self.vconst_into(s0, splat8(1));
                self.vop(PMADDUBSW, s0, src);
                self.movaps(dst, s0);
            }
            VUnOp::ExtAddPairwiseU(VLane::I16) => {
                self.movaps(s0, src);
                self.vconst_into(s1, splat8(1));
                self.vop(PMADDUBSW, s0, s1);
                self.movaps(dst, s0);
            }
            VUnOp::ExtAddPairwiseS(_) => {
                self.vconst_into(s0, splat16(1));
                self.vop(PMADDWD, s0, src);
                self.movaps(dst, s0);
            }
            VUnOp::ExtAddPairwiseU(_) => {
                // Biased to signed, summed, unbiased.
                self.vconst_into(s0, splat16(0x8000));
                self.vop(PXOR, s0, src);
                self.vconst_into(s1, splat16(1));
                self.vop(PMADDWD, s0, s1);
                self.vconst_into(s1, splat32(0x1_0000));
                self.vop(PADDD, s0, s1);
                self.movaps(dst, s0);
            }
            VUnOp::TruncSatF32S => {
                self.movaps(s0, src);
                self.vop_imm(CMPPS, s0, s0, 0);
                self.movaps(s1, src);
                self.vop(ANDPS, s1, s0);
                // Sign bit of s0: the input was not negative.
                self.vop(PXOR, s0, s1);
                self.vop(CVTTPS2DQ, s1, s1);
                // Positive inputs that overflowed to 0x80000000 become
                // 0x7fffffff.
                self.vop(PAND, s0, s1);
                self.a.sse_shift_imm(ShiftImm::Psrad, s0, 31);
                self.vop(PXOR, s1, s0);
                self.movaps(dst, s1);
            }
            VUnOp::TruncSatF32U => {
                self.movaps(s2, src);
                self.vop(PXOR, s0, s0);
                // NaN and negatives to 0 (maxps returns the second on NaN).
                self.vop(MAXPS, s2, s0);
                self.vconst_into(s0, splat32(0x4f00_0000));
                self.movaps(s1, s2);
                self.vop(SUBPS, s1, s0);
                // 2^31 <= x - 2^31: the input is at least 2^32.
                self.vop_imm(CMPPS, s0, s1, 2);
                self.vop(CVTTPS2DQ, s1, s1);
                self.vop(PXOR, s1, s0);
                self.vop(PXOR, s0, s0);
                self.vop(PMAXSD, s1, s0);
                self.vop(CVTTPS2DQ, s2, s2);
                self.vop(PADDD, s2, s1);
                self.movaps(dst, s2);
            }
            VUnOp::TruncSatF64SZero => {
                self.movaps(s0, src);
                self.vop_imm(CMPPD, s0, s0, 0);
                self.vconst_into(s1, splat64(2_147_483_647f64.to_bits()));
                self.vop(ANDPS, s0, s1);
                // minpd gives the second operand (0 or the maximum) on NaN.
                self.movaps(s1, src);
                self.vop(MINPD, s1, s0);
                self.vop(CVTTPD2DQ, s1, s1);
                self.movaps(dst, s1);
            }
            VUnOp::TruncSatF64UZero => {
                self.movaps(s0, src);
                self.vop(PXOR, s1, s1);
                self.vop(MAXPD, s0, s1);
                self.vconst_into(s1, splat64(4_294_967_295f64.to_bits()));
                self.vop(MINPD, s0, s1);
                self.vop_imm(ROUNDPD, s0, s0, 3);
                // + 2^52 puts the integer in the low 32 bits of each lane.
                self.vconst_into(s1, splat64(0x4330_0000_0000_0000));
                self.vop(ADDPD, s0, s1);
                self.vop(PXOR, s1, s1);
                self.vop_imm(SHUFPS, s0, s1, 0x88);
                self.movaps(dst, s0);
            }
            VUnOp::ConvertS => self.vop(CVTDQ2PS, dst, src),
            VUnOp::ConvertU => {
                // The low 16 bits convert exactly; the high part halved
                // does too, and doubling and one add round once.
                self.vop(PXOR, s0, s0);
                self.vop_imm(PBLENDW, s0, src, 0x55);
                self.movaps(s1, src);
                self.vop(PSUBD, s1, s0);
                self.vop(CVTDQ2PS, s0, s0);
                self.a.sse_shift_imm(ShiftImm::Psrld, s1, 1);
                self.vop(CVTDQ2PS, s1, s1);
                self.vop(ADDPS, s1, s1);
                self.vop(ADDPS, s1, s0);
                self.movaps(dst, s1);
            }
            VUnOp::ConvertLowS => self.vop(CVTDQ2PD, dst, src),
            VUnOp::ConvertLowU => {
                // 2^52 + x as a double's bits, minus 2^52.
                self.vconst_into(s0, splat32(0x4330_0000));
                self.movaps(s1, src);
                self.vop(UNPCKLPS, s1, s0);
                self.vconst_into(s0, splat64(0x4330_0000_0000_0000));
                self.vop(SUBPD, s1, s0);
                self.movaps(dst, s1);
            }
            VUnOp::DemoteZero => self.vop(CVTPD2PS, dst, src),
            VUnOp::PromoteLow => self.vop(CVTPS2PD, dst, src),
        }
    }

    pub(super) fn v_shift(&mut self, op: VShift, lane: VLane, dst: u8, a: u8, count: u8) {
        let [s0, s1, s2] = VS;
        let bits: i32 = match lane {
            VLane::I8 => 8,
            VLane::I16 => 16,
            VLane::I32 | VLane::F32 => 32,
            _ => 64,
        };
        self.a.mov_rr(false, RCX, count);
        self.a.alu_imm(Alu::And, false, Rm::R(RCX), bits - 1);
        if lane == VLane::I8 {
            if op == VShift::ShrS {
                // Each byte as the high byte of a word, shifted by 8 more
                // and packed back (exact: the values fit a byte).
                self.a.alu_imm(Alu::Add, false, Rm::R(RCX), 8);
                self.a.movq_x_r(false, s0, Rm::R(RCX));
                self.movaps(s1, a);
                self.vop(PUNPCKLBW, s1, s1);
                self.vop(PSRAW, s1, s0);
                self.movaps(s2, a);
                self.vop(PUNPCKHBW, s2, s2);
                self.vop(PSRAW, s2, s0);
                self.vop(PACKSSWB, s1, s2);
                return self.movaps(dst, s1);
            }
            // A word shift, then the bits that crossed into the
            // neighbouring byte masked off.
            let (f, sh) = if op == VShift::Shl {
                (PSLLW, Shift::Shl)
            } else {
                (PSRLW, Shift::Shr)
            };
            self.a.movq_x_r(false, s0, Rm::R(RCX));
            self.movaps(s1, a);
            self.vop(f, s1, s0);
            self.a.mov_r32_imm(RAX, 0xff);
            self.a.shift_cl(sh, false, Rm::R(RAX));
            self.a.movzx(Size::B, RAX, Rm::R(RAX));
            self.a.imul_rri(false, RAX, Rm::R(RAX), 0x0101_0101);
            self.a.movq_x_r(false, s2, Rm::R(RAX));
            self.vop_imm(PSHUFD, s2, s2, 0);
            self.vop(PAND, s1, s2);
            return self.movaps(dst, s1);
        }
        self.a.movq_x_r(false, s0, Rm::R(RCX));
        if lane == VLane::I64 && op == VShift::ShrS {
            // Logical shift, then the sign extended: (x ^ m) - m with m
            // the shifted sign bit.
            self.movaps(s1, a);
            self.vop(PSRLQ, s1, s0);
            self.vconst_into(s2, splat64(1 << 63));
            self.vop(PSRLQ, s2, s0);
            self.vop(PXOR, s1, s2);
            self.vop(PSUBQ, s1, s2);
            return self.movaps(dst, s1);
        }
        let f = match (op, lane) {
            (VShift::Shl, VLane::I16) => PSLLW,
            (VShift::Shl, VLane::I32) => PSLLD,
            (VShift::Shl, _) => PSLLQ,
            (VShift::ShrU, VLane::I16) => PSRLW,
            (VShift::ShrU, VLane::I32) => PSRLD,
            (VShift::ShrU, _) => PSRLQ,
            (VShift::ShrS, VLane::I16) => PSRAW,
            (VShift::ShrS, _) => PSRAD,
        };
        self.movaps(s1, a);
        self.vop(f, s1, s0);
        self.movaps(dst, s1);
    }

    pub(super) fn v_splat(&mut self, lane: VLane, dst: u8, src: u8) {
        match lane {
            VLane::I8 => {
                self.a.movq_x_r(false, dst, Rm::R(src));
                self.vop(PXOR, VS[0], VS[0]);
                self.vop(PSHUFB, dst, VS[0]);
            }
            VLane::I16 => {
                self.a.movq_x_r(false, dst, Rm::R(src));
                self.vop_imm(PSHUFLW, dst, dst, 0);
                self.vop_imm(PSHUFD, dst, dst, 0);
            }
            VLane::I32 | VLane::F32 => {
                self.a.movq_x_r(false, dst, Rm::R(src));
                self.vop_imm(PSHUFD, dst, dst, 0);
            }
            VLane::I64 | VLane::F64 => {
                self.a.movq_x_r(true, dst, Rm::R(src));
                self.vop(PUNPCKLQDQ, dst, dst);
            }
        }
    }

    pub(super) fn v_extract(&mut self, kind: VExtract, idx: u8, dst: u8, src: u8) {
        match kind {
            VExtract::I8U => self.a.pextr(Size::B, Rm::R(dst), src, idx),
            VExtract::I16U => self.a.pextr(Size::W, Rm::R(dst), src, idx),
            VExtract::I32 => self.a.pextr(Size::D, Rm::R(dst), src, idx),
            VExtract::I64 => self.a.pextr(Size::Q, Rm::R(dst), src, idx),
            VExtract::I8S => {
                self.a.pextr(Size::B, Rm::R(RAX), src, idx);
                self.a.movsx(false, Size::B, dst, Rm::R(RAX));
            }
            VExtract::I16S => {
                self.a.pextr(Size::W, Rm::R(RAX), src, idx);
                self.a.movsx(false, Size::W, dst, Rm::R(RAX));
            }
        }
    }

    pub(super) fn v_replace(&mut self, lane: VLane, idx: u8, dst: u8, src: u8) {
        let size = match lane {
            VLane::I8 => Size::B,
            VLane::I16 => Size::W,
            VLane::I32 | VLane::F32 => Size::D,
            _ => Size::Q,
        };
        self.a.pinsr(size, dst, Rm::R(src), idx);
    }

    pub(super) fn v_shuffle(&mut self, dst: u8, a: u8, b: u8, lanes: [u8; 16]) {
        let [s0, s1, s2] = VS;
        // Each side's pshufb picks its lanes and zeroes (0x80) the others'.
        let ma = lanes.map(|l| if l < 16 { l } else { 0x80 });
        let mb = lanes.map(|l| if l >= 16 { l - 16 } else { 0x80 });
        self.movaps(s0, a);
        self.vconst_into(s2, u128::from_le_bytes(ma));
        self.vop(PSHUFB, s0, s2);
        self.movaps(s1, b);
        self.vconst_into(s2, u128::from_le_bytes(mb));
        self.vop(PSHUFB, s1, s2);
        self.vop(POR, s0, s1);
        self.movaps(dst, s0);
    }

    pub(super) fn v_bitselect(&mut self, dst: u8, a: u8, b: u8, mask: u8) {
        let s0 = VS[0];
        // ((a ^ b) & mask) ^ b.
        self.movaps(s0, a);
        self.vop(PXOR, s0, b);
        self.vop(PAND, s0, mask);
        self.vop(PXOR, s0, b);
        self.movaps(dst, s0);
    }

    pub(super) fn v_test(&mut self, op: VTest, dst: u8, src: u8) {
        let s0 = VS[0];
        match op {
            VTest::AnyTrue => {
                self.vop(PTEST, src, src);
                self.a.setcc(Cond::Ne, RAX);
                self.a.movzx(Size::B, dst, Rm::R(RAX));
            }
            VTest::AllTrue(l) => {
                // No lane equal to zero.
                let eq = [PCMPEQB, PCMPEQW, PCMPEQD, PCMPEQQ][l as usize];
                self.vop(PXOR, s0, s0);
                self.vop(eq, s0, src);
                self.vop(PTEST, s0, s0);
                self.a.setcc(Cond::E, RAX);
                self.a.movzx(Size::B, dst, Rm::R(RAX));
            }
            VTest::Bitmask(VLane::I8) => self.vop(PMOVMSKB, dst, src),
            VTest::Bitmask(VLane::I16) => {
                // Saturating packs keep each word's sign in a byte.
                self.movaps(s0, src);
                self.vop(PACKSSWB, s0, s0);
                self.vop(PMOVMSKB, dst, s0);
                self.a.movzx(Size::B, dst, Rm::R(dst));
            }
            VTest::Bitmask(VLane::I32 | VLane::F32) => self.vop(MOVMSKPS, dst, src),
            VTest::Bitmask(_) => self.vop(MOVMSKPD, dst, src),
        }
    }
}

/// The i8 or the i16 form.
fn pick(l: VLane, i8: Sse, i16: Sse) -> Sse {
    if l == VLane::I8 {
        i8
    } else {
        i16
    }
}
