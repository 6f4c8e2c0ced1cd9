//! NEON versions of the operators that `for_each_accelerated!` lists for
//! aarch64. NEON is part of the aarch64 baseline, so no runtime detection
//! is needed. Each function has the signature and the exact semantics of
//! its namesake in `portable`, which the tests in `simd` check. Most
//! WebAssembly SIMD operators are single NEON instructions: `fmin`/`fmax`
//! propagate NaN and order -0 below +0, `frint*` and `fcvtz*` round and
//! saturate as WebAssembly does, and `tbl` yields 0 for out-of-range
//! indices, as `i8x16.swizzle` does.
use super::V128;
use core::arch::aarch64::*;
use core::mem::transmute;

/// The NEON register types, viewed as a [`V128`]: both are 16 bytes of
/// plain data, and on little-endian aarch64 lane `i` of a register is at
/// byte `i * width` in memory, as in a little-endian `u128`.
trait Reg: Copy {
    fn of(v: V128) -> Self;
    fn v(self) -> V128;
}

macro_rules! reg {
    ($($t:ty),*) => {$(
        impl Reg for $t {
            #[inline(always)]
            fn of(v: V128) -> Self {
                // SAFETY: both types are 16 bytes of plain data, and every
                // bit pattern is a valid value of either.
                unsafe { transmute::<V128, $t>(v) }
            }

            #[inline(always)]
            fn v(self) -> V128 {
                // SAFETY: as in `of`.
                unsafe { transmute::<$t, V128>(self) }
            }
        }
    )*};
}

reg!(
    uint8x16_t,
    int8x16_t,
    uint16x8_t,
    int16x8_t,
    uint32x4_t,
    int32x4_t,
    uint64x2_t,
    int64x2_t,
    float32x4_t,
    float64x2_t
);

/// Functions whose bodies call NEON intrinsics, inside one `unsafe` block.
macro_rules! neon {
    ($($(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $t:ty),*) -> $r:ty $body:block)*) => {$(
        $(#[$attr])*
        #[inline(always)]
        $vis fn $name($($arg: $t),*) -> $r {
            // SAFETY: the intrinsics called need only NEON, which every
            // aarch64 target enables; none of them accesses memory.
            unsafe { $body }
        }
    )*};
}

/// Operators that are a single intrinsic; the operand types are inferred
/// from it.
macro_rules! unary {
    ($($name:ident = $f:ident;)*) => {
        neon! {$(
            pub(crate) fn $name(a: V128) -> V128 {
                $f(Reg::of(a)).v()
            }
        )*}
    };
}

macro_rules! binary {
    ($($name:ident = $f:ident;)*) => {
        neon! {$(
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                $f(Reg::of(a), Reg::of(b)).v()
            }
        )*}
    };
}

binary! {
    i8x16_add = vaddq_u8;
    i16x8_add = vaddq_u16;
    i32x4_add = vaddq_u32;
    i64x2_add = vaddq_u64;
    i8x16_sub = vsubq_u8;
    i16x8_sub = vsubq_u16;
    i32x4_sub = vsubq_u32;
    i64x2_sub = vsubq_u64;
    i8x16_add_sat_s = vqaddq_s8;
    i8x16_add_sat_u = vqaddq_u8;
    i16x8_add_sat_s = vqaddq_s16;
    i16x8_add_sat_u = vqaddq_u16;
    i8x16_sub_sat_s = vqsubq_s8;
    i8x16_sub_sat_u = vqsubq_u8;
    i16x8_sub_sat_s = vqsubq_s16;
    i16x8_sub_sat_u = vqsubq_u16;
    i8x16_min_s = vminq_s8;
    i8x16_min_u = vminq_u8;
    i16x8_min_s = vminq_s16;
    i16x8_min_u = vminq_u16;
    i32x4_min_s = vminq_s32;
    i32x4_min_u = vminq_u32;
    i8x16_max_s = vmaxq_s8;
    i8x16_max_u = vmaxq_u8;
    i16x8_max_s = vmaxq_s16;
    i16x8_max_u = vmaxq_u16;
    i32x4_max_s = vmaxq_s32;
    i32x4_max_u = vmaxq_u32;
    // `urhadd`: `(a + b + 1) >> 1` without overflow.
    i8x16_avgr_u = vrhaddq_u8;
    i16x8_avgr_u = vrhaddq_u16;
    i16x8_mul = vmulq_u16;
    i32x4_mul = vmulq_u32;
    // `sqrdmulh`: `(2ab + 0x8000) >> 16`, saturating `MIN * MIN`.
    i16x8_q15mulr_sat_s = vqrdmulhq_s16;
    i8x16_eq = vceqq_u8;
    i8x16_lt_s = vcltq_s8;
    i8x16_lt_u = vcltq_u8;
    i8x16_gt_s = vcgtq_s8;
    i8x16_gt_u = vcgtq_u8;
    i8x16_le_s = vcleq_s8;
    i8x16_le_u = vcleq_u8;
    i8x16_ge_s = vcgeq_s8;
    i8x16_ge_u = vcgeq_u8;
    i16x8_eq = vceqq_u16;
    i16x8_lt_s = vcltq_s16;
    i16x8_lt_u = vcltq_u16;
    i16x8_gt_s = vcgtq_s16;
    i16x8_gt_u = vcgtq_u16;
    i16x8_le_s = vcleq_s16;
    i16x8_le_u = vcleq_u16;
    i16x8_ge_s = vcgeq_s16;
    i16x8_ge_u = vcgeq_u16;
    i32x4_eq = vceqq_u32;
    i32x4_lt_s = vcltq_s32;
    i32x4_lt_u = vcltq_u32;
    i32x4_gt_s = vcgtq_s32;
    i32x4_gt_u = vcgtq_u32;
    i32x4_le_s = vcleq_s32;
    i32x4_le_u = vcleq_u32;
    i32x4_ge_s = vcgeq_s32;
    i32x4_ge_u = vcgeq_u32;
    i64x2_eq = vceqq_u64;
    i64x2_lt_s = vcltq_s64;
    i64x2_gt_s = vcgtq_s64;
    i64x2_le_s = vcleq_s64;
    i64x2_ge_s = vcgeq_s64;
    v128_and = vandq_u8;
    v128_or = vorrq_u8;
    v128_xor = veorq_u8;
    f32x4_add = vaddq_f32;
    f32x4_sub = vsubq_f32;
    f32x4_mul = vmulq_f32;
    f32x4_div = vdivq_f32;
    f32x4_min = vminq_f32;
    f64x2_min = vminq_f64;
    f32x4_max = vmaxq_f32;
    f64x2_max = vmaxq_f64;
    f32x4_eq = vceqq_f32;
    f32x4_lt = vcltq_f32;
    f32x4_gt = vcgtq_f32;
    f32x4_le = vcleq_f32;
    f32x4_ge = vcgeq_f32;
    // `tbl` yields 0 for indices past the table.
    i8x16_swizzle = vqtbl1q_u8;
}

unary! {
    i8x16_abs = vabsq_s8;
    i16x8_abs = vabsq_s16;
    i32x4_abs = vabsq_s32;
    i64x2_abs = vabsq_s64;
    i8x16_neg = vnegq_s8;
    i16x8_neg = vnegq_s16;
    i32x4_neg = vnegq_s32;
    i64x2_neg = vnegq_s64;
    i8x16_popcnt = vcntq_u8;
    v128_not = vmvnq_u8;
    i16x8_extend_high_i8x16_s = vmovl_high_s8;
    i16x8_extend_high_i8x16_u = vmovl_high_u8;
    i32x4_extend_high_i16x8_s = vmovl_high_s16;
    i32x4_extend_high_i16x8_u = vmovl_high_u16;
    i64x2_extend_high_i32x4_s = vmovl_high_s32;
    i64x2_extend_high_i32x4_u = vmovl_high_u32;
    i16x8_extadd_pairwise_i8x16_s = vpaddlq_s8;
    i16x8_extadd_pairwise_i8x16_u = vpaddlq_u8;
    i32x4_extadd_pairwise_i16x8_s = vpaddlq_s16;
    i32x4_extadd_pairwise_i16x8_u = vpaddlq_u16;
    f32x4_sqrt = vsqrtq_f32;
    f64x2_sqrt = vsqrtq_f64;
    f32x4_ceil = vrndpq_f32;
    f64x2_ceil = vrndpq_f64;
    f32x4_floor = vrndmq_f32;
    f64x2_floor = vrndmq_f64;
    f32x4_trunc = vrndq_f32;
    f64x2_trunc = vrndq_f64;
    // `frintn`: to nearest, ties to even.
    f32x4_nearest = vrndnq_f32;
    f64x2_nearest = vrndnq_f64;
    // `fcvtz*` saturate and map NaN to 0, as `trunc_sat` does.
    i32x4_trunc_sat_f32x4_s = vcvtq_s32_f32;
    i32x4_trunc_sat_f32x4_u = vcvtq_u32_f32;
    f32x4_convert_i32x4_s = vcvtq_f32_s32;
    f32x4_convert_i32x4_u = vcvtq_f32_u32;
}

/// Complemented comparisons.
macro_rules! not_cmp {
    ($($name:ident = $cmp:ident, $t:ty;)*) => {
        neon! {$(
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                let (a, b): ($t, $t) = (Reg::of(a), Reg::of(b));
                vmvnq_u8(Reg::of($cmp(a, b).v())).v()
            }
        )*}
    };
}

not_cmp! {
    i8x16_ne = vceqq_u8, uint8x16_t;
    i16x8_ne = vceqq_u16, uint16x8_t;
    i32x4_ne = vceqq_u32, uint32x4_t;
    i64x2_ne = vceqq_u64, uint64x2_t;
    f32x4_ne = vceqq_f32, float32x4_t;
}

/// Widening operators on the low halves, from `$f` on 64-bit vectors.
macro_rules! low_half {
    ($($name:ident = $f:ident($get:ident);)*) => {
        neon! {$(
            pub(crate) fn $name(a: V128) -> V128 {
                $f($get(Reg::of(a))).v()
            }
        )*}
    };
}

low_half! {
    i16x8_extend_low_i8x16_s = vmovl_s8(vget_low_s8);
    i16x8_extend_low_i8x16_u = vmovl_u8(vget_low_u8);
    i32x4_extend_low_i16x8_s = vmovl_s16(vget_low_s16);
    i32x4_extend_low_i16x8_u = vmovl_u16(vget_low_u16);
    i64x2_extend_low_i32x4_s = vmovl_s32(vget_low_s32);
    i64x2_extend_low_i32x4_u = vmovl_u32(vget_low_u32);
    f64x2_promote_low_f32x4 = vcvt_f64_f32(vget_low_f32);
}

/// Widening multiplies: `$low` of the low halves, `$high` of the high ones.
macro_rules! extmul {
    ($($low:ident, $high:ident = $mull:ident, $mull_high:ident, $get:ident;)*) => {
        neon! {$(
            pub(crate) fn $low(a: V128, b: V128) -> V128 {
                $mull($get(Reg::of(a)), $get(Reg::of(b))).v()
            }

            pub(crate) fn $high(a: V128, b: V128) -> V128 {
                $mull_high(Reg::of(a), Reg::of(b)).v()
            }
        )*}
    };
}

extmul! {
    i16x8_extmul_low_i8x16_s, i16x8_extmul_high_i8x16_s = vmull_s8, vmull_high_s8, vget_low_s8;
    i16x8_extmul_low_i8x16_u, i16x8_extmul_high_i8x16_u = vmull_u8, vmull_high_u8, vget_low_u8;
    i32x4_extmul_low_i16x8_s, i32x4_extmul_high_i16x8_s = vmull_s16, vmull_high_s16, vget_low_s16;
    i32x4_extmul_low_i16x8_u, i32x4_extmul_high_i16x8_u = vmull_u16, vmull_high_u16, vget_low_u16;
    i64x2_extmul_low_i32x4_s, i64x2_extmul_high_i32x4_s = vmull_s32, vmull_high_s32, vget_low_s32;
    i64x2_extmul_low_i32x4_u, i64x2_extmul_high_i32x4_u = vmull_u32, vmull_high_u32, vget_low_u32;
}

/// Shifts: `sshl`/`ushl` shift left by a positive count and right by a
/// negative one.
macro_rules! shifts {
    ($($shl:ident, $shr_s:ident, $shr_u:ident = $s:ident, $u:ident, $dup:ident, $t:ty;)*) => {
        neon! {$(
            pub(crate) fn $shl(v: V128, n: i32) -> V128 {
                let n = (n & (<$t>::BITS as i32 - 1)) as $t;
                $u(Reg::of(v), $dup(n)).v()
            }

            pub(crate) fn $shr_s(v: V128, n: i32) -> V128 {
                let n = (n & (<$t>::BITS as i32 - 1)) as $t;
                $s(Reg::of(v), $dup(-n)).v()
            }

            pub(crate) fn $shr_u(v: V128, n: i32) -> V128 {
                let n = (n & (<$t>::BITS as i32 - 1)) as $t;
                $u(Reg::of(v), $dup(-n)).v()
            }
        )*}
    };
}

shifts! {
    i8x16_shl, i8x16_shr_s, i8x16_shr_u = vshlq_s8, vshlq_u8, vdupq_n_s8, i8;
    i16x8_shl, i16x8_shr_s, i16x8_shr_u = vshlq_s16, vshlq_u16, vdupq_n_s16, i16;
    i32x4_shl, i32x4_shr_s, i32x4_shr_u = vshlq_s32, vshlq_u32, vdupq_n_s32, i32;
}

/// Lane `i` of a `bits`-wide shape holds `i % 8`: shifting each lane's top
/// bit, moved to bit 0, left by this and adding the lanes makes a bitmask.
const fn lane_index(bits: u32) -> V128 {
    let mut v = 0;
    let mut i = 0;
    while i < 128 / bits {
        v |= ((i % 8) as u128) << (i * bits);
        i += 1;
    }
    v
}

neon! {
    pub(crate) fn i8x16_all_true(a: V128) -> i32 {
        (vminvq_u8(Reg::of(a)) != 0) as i32
    }

    pub(crate) fn i16x8_all_true(a: V128) -> i32 {
        (vminvq_u16(Reg::of(a)) != 0) as i32
    }

    pub(crate) fn i32x4_all_true(a: V128) -> i32 {
        (vminvq_u32(Reg::of(a)) != 0) as i32
    }

    pub(crate) fn i8x16_bitmask(a: V128) -> i32 {
        let bits = vshlq_u8(vshrq_n_u8::<7>(Reg::of(a)), Reg::of(lane_index(8)));
        let lo = vaddv_u8(vget_low_u8(bits)) as i32;
        let hi = vaddv_u8(vget_high_u8(bits)) as i32;
        lo | hi << 8
    }

    pub(crate) fn i16x8_bitmask(a: V128) -> i32 {
        let bits = vshlq_u16(vshrq_n_u16::<15>(Reg::of(a)), Reg::of(lane_index(16)));
        vaddvq_u16(bits) as i32
    }

    /// Products of the low and the high halves, added in adjacent pairs.
    pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b): (int16x8_t, int16x8_t) = (Reg::of(a), Reg::of(b));
        let lo = vmull_s16(vget_low_s16(a), vget_low_s16(b));
        vpaddq_s32(lo, vmull_high_s16(a, b)).v()
    }

    pub(crate) fn i8x16_narrow_i16x8_s(a: V128, b: V128) -> V128 {
        vcombine_s8(vqmovn_s16(Reg::of(a)), vqmovn_s16(Reg::of(b))).v()
    }

    pub(crate) fn i8x16_narrow_i16x8_u(a: V128, b: V128) -> V128 {
        vcombine_u8(vqmovun_s16(Reg::of(a)), vqmovun_s16(Reg::of(b))).v()
    }

    pub(crate) fn i16x8_narrow_i32x4_s(a: V128, b: V128) -> V128 {
        vcombine_s16(vqmovn_s32(Reg::of(a)), vqmovn_s32(Reg::of(b))).v()
    }

    pub(crate) fn i16x8_narrow_i32x4_u(a: V128, b: V128) -> V128 {
        vcombine_u16(vqmovun_s32(Reg::of(a)), vqmovun_s32(Reg::of(b))).v()
    }

    // Pseudo-min/max: `b < a ? b : a` and `a < b ? b : a`, lane by lane.
    pub(crate) fn f32x4_pmin(a: V128, b: V128) -> V128 {
        let (a, b): (float32x4_t, float32x4_t) = (Reg::of(a), Reg::of(b));
        vbslq_f32(vcltq_f32(b, a), b, a).v()
    }

    pub(crate) fn f32x4_pmax(a: V128, b: V128) -> V128 {
        let (a, b): (float32x4_t, float32x4_t) = (Reg::of(a), Reg::of(b));
        vbslq_f32(vcltq_f32(a, b), b, a).v()
    }

    pub(crate) fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
        vcvtq_f64_s64(vmovl_s32(vget_low_s32(Reg::of(a)))).v()
    }

    pub(crate) fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
        vcvtq_f64_u64(vmovl_u32(vget_low_u32(Reg::of(a)))).v()
    }

    /// Rounds to nearest and quiets NaNs; lanes 2 and 3 are zero.
    pub(crate) fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
        vcombine_f32(vcvt_f32_f64(Reg::of(a)), vdup_n_f32(0.0)).v()
    }

    /// `tbl` over both inputs; the indices are masked as in `portable`.
    pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: [u8; 16]) -> V128 {
        let table = uint8x16x2_t(Reg::of(a), Reg::of(b));
        let lanes = vandq_u8(Reg::of(u128::from_le_bytes(lanes)), vdupq_n_u8(31));
        vqtbl2q_u8(table, lanes).v()
    }
}
