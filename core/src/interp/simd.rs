//! Lane-exact semantics of the WebAssembly 2.0 fixed-width SIMD operators on
//! 128-bit values. A [`V128`] is a `u128` whose lanes are little-endian: lane
//! `i` of an `NxM` shape is bits `N*i..N*i+N`, the same as
//! `u128::from_le_bytes` of the 16 bytes in memory order. Every function here
//! is pure: no interpreter state, no memory access (extending loads take the
//! already-loaded bytes), and no traps (lane indices are masked, shift counts
//! wrap, float-to-int conversions saturate). Scalar helpers come from
//! [`super::num`] so that scalar and vector operators agree bit for bit.
//!
//! `portable` defines every operator in plain Rust. On x86_64 (SSE2) and
//! aarch64 (NEON), whose baselines guarantee a 128-bit vector unit, the
//! operators listed in `for_each_accelerated!` come instead from the `x86`
//! or `arm` module, written with `core::arch` intrinsics; the tests check
//! that each of them agrees with its portable version.

/// A 128-bit vector value; lane `i` of every shape is little-endian.
pub(crate) type V128 = u128;

#[cfg(all(target_arch = "aarch64", target_endian = "little"))]
mod arm;
#[cfg(target_arch = "x86_64")]
mod x86;

// Every operator of `portable`, except those that `for_each_accelerated!`
// imports by name from the target's module: a named import shadows a glob.
pub(crate) use portable::*;

/// Calls `$m!` with the name of this target's accelerated module and its
/// operators, grouped by signature: `vv` is `(V128, V128) -> V128`, `v` is
/// `V128 -> V128` (the `_f32`/`_f64` forms have float result lanes: where
/// both versions give a NaN, the tests require only that it be quiet when
/// the portable one is, as WebAssembly allows any such NaN), `shift` is
/// `(V128, i32) -> V128`, `test` is `V128 -> i32`, `select` is
/// `(V128, V128, V128) -> V128` and `shuffle` is `(V128, V128, [u8; 16])`.
#[cfg(target_arch = "x86_64")]
macro_rules! for_each_accelerated {
    ($m:ident) => {
        $m! { x86;
            vv: [
                i8x16_add, i16x8_add, i32x4_add, i64x2_add,
                i8x16_sub, i16x8_sub, i32x4_sub, i64x2_sub,
                i8x16_add_sat_s, i8x16_add_sat_u, i16x8_add_sat_s, i16x8_add_sat_u,
                i8x16_sub_sat_s, i8x16_sub_sat_u, i16x8_sub_sat_s, i16x8_sub_sat_u,
                i8x16_min_s, i8x16_min_u, i16x8_min_s, i16x8_min_u, i32x4_min_s, i32x4_min_u,
                i8x16_max_s, i8x16_max_u, i16x8_max_s, i16x8_max_u, i32x4_max_s, i32x4_max_u,
                i8x16_avgr_u, i16x8_avgr_u,
                i16x8_mul, i32x4_mul, i16x8_q15mulr_sat_s, i32x4_dot_i16x8_s,
                i8x16_eq, i8x16_ne, i8x16_lt_s, i8x16_lt_u, i8x16_gt_s, i8x16_gt_u,
                i8x16_le_s, i8x16_le_u, i8x16_ge_s, i8x16_ge_u,
                i16x8_eq, i16x8_ne, i16x8_lt_s, i16x8_lt_u, i16x8_gt_s, i16x8_gt_u,
                i16x8_le_s, i16x8_le_u, i16x8_ge_s, i16x8_ge_u,
                i32x4_eq, i32x4_ne, i32x4_lt_s, i32x4_lt_u, i32x4_gt_s, i32x4_gt_u,
                i32x4_le_s, i32x4_le_u, i32x4_ge_s, i32x4_ge_u,
                i8x16_narrow_i16x8_s, i8x16_narrow_i16x8_u,
                i16x8_narrow_i32x4_s, i16x8_narrow_i32x4_u,
                i16x8_extmul_low_i8x16_s, i16x8_extmul_high_i8x16_s,
                i16x8_extmul_low_i8x16_u, i16x8_extmul_high_i8x16_u,
                i32x4_extmul_low_i16x8_s, i32x4_extmul_high_i16x8_s,
                i32x4_extmul_low_i16x8_u, i32x4_extmul_high_i16x8_u,
                i64x2_extmul_low_i32x4_u, i64x2_extmul_high_i32x4_u,
                v128_and, v128_andnot, v128_or, v128_xor,
                f32x4_pmin, f32x4_pmax, f64x2_pmin, f64x2_pmax,
            ]
            vv_f32: [f32x4_min, f32x4_max]
            vv_f64: [f64x2_min, f64x2_max]
            v: [
                i8x16_abs, i16x8_abs, i32x4_abs, i64x2_abs,
                i8x16_neg, i16x8_neg, i32x4_neg, i64x2_neg,
                i8x16_popcnt, v128_not,
                i16x8_extend_low_i8x16_s, i16x8_extend_high_i8x16_s,
                i16x8_extend_low_i8x16_u, i16x8_extend_high_i8x16_u,
                i32x4_extend_low_i16x8_s, i32x4_extend_high_i16x8_s,
                i32x4_extend_low_i16x8_u, i32x4_extend_high_i16x8_u,
                i64x2_extend_low_i32x4_s, i64x2_extend_high_i32x4_s,
                i64x2_extend_low_i32x4_u, i64x2_extend_high_i32x4_u,
                i16x8_extadd_pairwise_i8x16_s, i16x8_extadd_pairwise_i8x16_u,
                i32x4_extadd_pairwise_i16x8_s, i32x4_extadd_pairwise_i16x8_u,
                i32x4_trunc_sat_f32x4_s, i32x4_trunc_sat_f32x4_u,
                f32x4_convert_i32x4_s, f32x4_convert_i32x4_u,
            ]
            v_f32: [f32x4_demote_f64x2_zero]
            v_f64: [f64x2_convert_low_i32x4_s]
            shift: [
                i8x16_shl, i16x8_shl, i32x4_shl, i64x2_shl,
                i8x16_shr_s, i16x8_shr_s, i32x4_shr_s, i64x2_shr_s,
                i8x16_shr_u, i16x8_shr_u, i32x4_shr_u, i64x2_shr_u,
            ]
            test: [
                i8x16_all_true, i16x8_all_true, i32x4_all_true,
                i8x16_bitmask, i16x8_bitmask, i32x4_bitmask, i64x2_bitmask,
            ]
            select: [v128_bitselect]
        }
    };
}

#[cfg(all(target_arch = "aarch64", target_endian = "little"))]
macro_rules! for_each_accelerated {
    ($m:ident) => {
        $m! { arm;
            vv: [
                i8x16_add, i16x8_add, i32x4_add, i64x2_add,
                i8x16_sub, i16x8_sub, i32x4_sub, i64x2_sub,
                i8x16_add_sat_s, i8x16_add_sat_u, i16x8_add_sat_s, i16x8_add_sat_u,
                i8x16_sub_sat_s, i8x16_sub_sat_u, i16x8_sub_sat_s, i16x8_sub_sat_u,
                i8x16_min_s, i8x16_min_u, i16x8_min_s, i16x8_min_u, i32x4_min_s, i32x4_min_u,
                i8x16_max_s, i8x16_max_u, i16x8_max_s, i16x8_max_u, i32x4_max_s, i32x4_max_u,
                i8x16_avgr_u, i16x8_avgr_u,
                i16x8_mul, i32x4_mul, i16x8_q15mulr_sat_s, i32x4_dot_i16x8_s,
                i8x16_eq, i8x16_ne, i8x16_lt_s, i8x16_lt_u, i8x16_gt_s, i8x16_gt_u,
                i8x16_le_s, i8x16_le_u, i8x16_ge_s, i8x16_ge_u,
                i16x8_eq, i16x8_ne, i16x8_lt_s, i16x8_lt_u, i16x8_gt_s, i16x8_gt_u,
                i16x8_le_s, i16x8_le_u, i16x8_ge_s, i16x8_ge_u,
                i32x4_eq, i32x4_ne, i32x4_lt_s, i32x4_lt_u, i32x4_gt_s, i32x4_gt_u,
                i32x4_le_s, i32x4_le_u, i32x4_ge_s, i32x4_ge_u,
                i64x2_eq, i64x2_ne, i64x2_lt_s, i64x2_gt_s, i64x2_le_s, i64x2_ge_s,
                f32x4_eq, f32x4_ne, f32x4_lt, f32x4_gt, f32x4_le, f32x4_ge,
                i8x16_narrow_i16x8_s, i8x16_narrow_i16x8_u,
                i16x8_narrow_i32x4_s, i16x8_narrow_i32x4_u,
                i16x8_extmul_low_i8x16_s, i16x8_extmul_high_i8x16_s,
                i16x8_extmul_low_i8x16_u, i16x8_extmul_high_i8x16_u,
                i32x4_extmul_low_i16x8_s, i32x4_extmul_high_i16x8_s,
                i32x4_extmul_low_i16x8_u, i32x4_extmul_high_i16x8_u,
                i64x2_extmul_low_i32x4_s, i64x2_extmul_high_i32x4_s,
                i64x2_extmul_low_i32x4_u, i64x2_extmul_high_i32x4_u,
                v128_and, v128_or, v128_xor,
                f32x4_pmin, f32x4_pmax,
                i8x16_swizzle,
            ]
            vv_f32: [f32x4_add, f32x4_sub, f32x4_mul, f32x4_div, f32x4_min, f32x4_max]
            vv_f64: [f64x2_min, f64x2_max]
            v: [
                i8x16_abs, i16x8_abs, i32x4_abs, i64x2_abs,
                i8x16_neg, i16x8_neg, i32x4_neg, i64x2_neg,
                i8x16_popcnt, v128_not,
                i16x8_extend_low_i8x16_s, i16x8_extend_high_i8x16_s,
                i16x8_extend_low_i8x16_u, i16x8_extend_high_i8x16_u,
                i32x4_extend_low_i16x8_s, i32x4_extend_high_i16x8_s,
                i32x4_extend_low_i16x8_u, i32x4_extend_high_i16x8_u,
                i64x2_extend_low_i32x4_s, i64x2_extend_high_i32x4_s,
                i64x2_extend_low_i32x4_u, i64x2_extend_high_i32x4_u,
                i16x8_extadd_pairwise_i8x16_s, i16x8_extadd_pairwise_i8x16_u,
                i32x4_extadd_pairwise_i16x8_s, i32x4_extadd_pairwise_i16x8_u,
                i32x4_trunc_sat_f32x4_s, i32x4_trunc_sat_f32x4_u,
                f32x4_convert_i32x4_s, f32x4_convert_i32x4_u,
            ]
            v_f32: [
                f32x4_sqrt, f32x4_ceil, f32x4_floor, f32x4_trunc, f32x4_nearest,
                f32x4_demote_f64x2_zero,
            ]
            v_f64: [
                f64x2_sqrt, f64x2_ceil, f64x2_floor, f64x2_trunc, f64x2_nearest,
                f64x2_promote_low_f32x4, f64x2_convert_low_i32x4_s, f64x2_convert_low_i32x4_u,
            ]
            shift: [
                i8x16_shl, i16x8_shl, i32x4_shl,
                i8x16_shr_s, i16x8_shr_s, i32x4_shr_s,
                i8x16_shr_u, i16x8_shr_u, i32x4_shr_u,
            ]
            test: [
                i8x16_all_true, i16x8_all_true, i32x4_all_true,
                i8x16_bitmask, i16x8_bitmask,
            ]
            shuffle: [i8x16_shuffle]
        }
    };
}

/// Imports the accelerated operators, shadowing the glob of `portable`.
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_endian = "little")
))]
macro_rules! import {
    ($arch:ident; $($kind:ident: [$($op:ident),* $(,)?])*) => {
        pub(crate) use $arch::{$($($op,)*)*};
    };
}

#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_endian = "little")
))]
for_each_accelerated!(import);

/// The plain-Rust definitions of all operators.
// On x86_64 and aarch64 the portable versions of the accelerated operators
// are used only by the tests that compare the two.
#[cfg_attr(any(target_arch = "x86_64", target_arch = "aarch64"), allow(dead_code))]
mod portable {
    use super::V128;
    use crate::interp::num;

    // -----------------------------------------------------------------------
    // Lane views: `u128` <-> `[T; N]`, written so LLVM sees plain byte moves.

    macro_rules! lanes {
        ($($get:ident, $put:ident: $t:ty, $n:literal;)*) => {$(
            #[inline(always)]
            pub(super) fn $get(v: V128) -> [$t; $n] {
                const W: usize = 16 / $n;
                let b = v.to_le_bytes();
                core::array::from_fn(|i| {
                    let mut c = [0u8; W];
                    c.copy_from_slice(&b[i * W..i * W + W]);
                    <$t>::from_le_bytes(c)
                })
            }

            #[inline(always)]
            pub(super) fn $put(l: [$t; $n]) -> V128 {
                const W: usize = 16 / $n;
                let mut b = [0u8; 16];
                for (d, x) in b.chunks_exact_mut(W).zip(l) {
                    d.copy_from_slice(&x.to_le_bytes());
                }
                u128::from_le_bytes(b)
            }
        )*};
    }

    lanes! {
        i8s, put_i8s: i8, 16;
        u8s, put_u8s: u8, 16;
        i16s, put_i16s: i16, 8;
        u16s, put_u16s: u16, 8;
        i32s, put_i32s: i32, 4;
        u32s, put_u32s: u32, 4;
        i64s, put_i64s: i64, 2;
        u64s, put_u64s: u64, 2;
        f32s, put_f32s: f32, 4;
        f64s, put_f64s: f64, 2;
    }

    /// Lane-wise `f(a[i], b[i])`.
    #[inline(always)]
    pub(super) fn zip<T: Copy, U, const N: usize>(
        a: [T; N],
        b: [T; N],
        f: impl Fn(T, T) -> U,
    ) -> [U; N] {
        core::array::from_fn(|i| f(a[i], b[i]))
    }

    /// All-ones when `c`, else zero: the lane result of a comparison.
    #[inline(always)]
    fn mask<T: core::ops::Not<Output = T> + Default>(c: bool) -> T {
        if c {
            !T::default()
        } else {
            T::default()
        }
    }

    // -----------------------------------------------------------------------
    // Whole-vector bitwise operators.

    /// `v128.not`.
    #[inline]
    pub(crate) fn v128_not(a: V128) -> V128 {
        !a
    }

    /// `v128.and`.
    #[inline]
    pub(crate) fn v128_and(a: V128, b: V128) -> V128 {
        a & b
    }

    /// `v128.andnot`: `a & !b`.
    #[inline]
    pub(crate) fn v128_andnot(a: V128, b: V128) -> V128 {
        a & !b
    }

    /// `v128.or`.
    #[inline]
    pub(crate) fn v128_or(a: V128, b: V128) -> V128 {
        a | b
    }

    /// `v128.xor`.
    #[inline]
    pub(crate) fn v128_xor(a: V128, b: V128) -> V128 {
        a ^ b
    }

    /// `v128.bitselect`: bits of `a` where `c` is set, of `b` elsewhere.
    #[inline]
    pub(crate) fn v128_bitselect(a: V128, b: V128, c: V128) -> V128 {
        (a & c) | (b & !c)
    }

    /// `v128.any_true`: 1 if any bit is set.
    #[inline]
    pub(crate) fn v128_any_true(a: V128) -> i32 {
        (a != 0) as i32
    }

    // -----------------------------------------------------------------------
    // Lane-wise unary and binary operators.

    macro_rules! unop {
        ($($name:ident: $get:ident -> $put:ident, |$x:ident| $e:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(v: V128) -> V128 {
                $put($get(v).map(|$x| $e))
            }
        )*};
    }

    macro_rules! binop {
        ($($name:ident: $get:ident -> $put:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                $put(zip($get(a), $get(b), |$a, $b| $e))
            }
        )*};
    }

    unop! {
        i8x16_abs: i8s -> put_i8s, |x| x.wrapping_abs();
        i16x8_abs: i16s -> put_i16s, |x| x.wrapping_abs();
        i32x4_abs: i32s -> put_i32s, |x| x.wrapping_abs();
        i64x2_abs: i64s -> put_i64s, |x| x.wrapping_abs();
        i8x16_neg: i8s -> put_i8s, |x| x.wrapping_neg();
        i16x8_neg: i16s -> put_i16s, |x| x.wrapping_neg();
        i32x4_neg: i32s -> put_i32s, |x| x.wrapping_neg();
        i64x2_neg: i64s -> put_i64s, |x| x.wrapping_neg();
        i8x16_popcnt: u8s -> put_u8s, |x| x.count_ones() as u8;

        // abs/neg are sign-bit operations: NaN payloads pass through untouched.
        f32x4_abs: u32s -> put_u32s, |x| x & 0x7fff_ffff;
        f64x2_abs: u64s -> put_u64s, |x| x & 0x7fff_ffff_ffff_ffff;
        f32x4_neg: u32s -> put_u32s, |x| x ^ 0x8000_0000;
        f64x2_neg: u64s -> put_u64s, |x| x ^ 0x8000_0000_0000_0000;
        f32x4_sqrt: f32s -> put_f32s, |x| num::f32_sqrt(x);
        f64x2_sqrt: f64s -> put_f64s, |x| num::f64_sqrt(x);
        f32x4_ceil: f32s -> put_f32s, |x| num::f32_ceil(x);
        f64x2_ceil: f64s -> put_f64s, |x| num::f64_ceil(x);
        f32x4_floor: f32s -> put_f32s, |x| num::f32_floor(x);
        f64x2_floor: f64s -> put_f64s, |x| num::f64_floor(x);
        f32x4_trunc: f32s -> put_f32s, |x| num::f32_trunc(x);
        f64x2_trunc: f64s -> put_f64s, |x| num::f64_trunc(x);
        f32x4_nearest: f32s -> put_f32s, |x| num::f32_nearest(x);
        f64x2_nearest: f64s -> put_f64s, |x| num::f64_nearest(x);

        // `as` saturates and maps NaN to 0, exactly `trunc_sat`.
        i32x4_trunc_sat_f32x4_s: f32s -> put_i32s, |x| x as i32;
        i32x4_trunc_sat_f32x4_u: f32s -> put_u32s, |x| x as u32;
        f32x4_convert_i32x4_s: i32s -> put_f32s, |x| x as f32;
        f32x4_convert_i32x4_u: u32s -> put_f32s, |x| x as f32;
    }

    binop! {
        i64x2_add: i64s -> put_i64s, |a, b| a.wrapping_add(b);
        i64x2_sub: i64s -> put_i64s, |a, b| a.wrapping_sub(b);
        i16x8_mul: i16s -> put_i16s, |a, b| a.wrapping_mul(b);
        i32x4_mul: i32s -> put_i32s, |a, b| a.wrapping_mul(b);
        i64x2_mul: i64s -> put_i64s, |a, b| a.wrapping_mul(b);

        i8x16_add_sat_s: i8s -> put_i8s, |a, b| a.saturating_add(b);
        i8x16_add_sat_u: u8s -> put_u8s, |a, b| a.saturating_add(b);
        i16x8_add_sat_s: i16s -> put_i16s, |a, b| a.saturating_add(b);
        i16x8_add_sat_u: u16s -> put_u16s, |a, b| a.saturating_add(b);
        i8x16_sub_sat_s: i8s -> put_i8s, |a, b| a.saturating_sub(b);
        i8x16_sub_sat_u: u8s -> put_u8s, |a, b| a.saturating_sub(b);
        i16x8_sub_sat_s: i16s -> put_i16s, |a, b| a.saturating_sub(b);
        i16x8_sub_sat_u: u16s -> put_u16s, |a, b| a.saturating_sub(b);

        i8x16_min_s: i8s -> put_i8s, |a, b| a.min(b);
        i8x16_min_u: u8s -> put_u8s, |a, b| a.min(b);
        i16x8_min_s: i16s -> put_i16s, |a, b| a.min(b);
        i16x8_min_u: u16s -> put_u16s, |a, b| a.min(b);
        i32x4_min_s: i32s -> put_i32s, |a, b| a.min(b);
        i32x4_min_u: u32s -> put_u32s, |a, b| a.min(b);
        i8x16_max_s: i8s -> put_i8s, |a, b| a.max(b);
        i8x16_max_u: u8s -> put_u8s, |a, b| a.max(b);
        i16x8_max_s: i16s -> put_i16s, |a, b| a.max(b);
        i16x8_max_u: u16s -> put_u16s, |a, b| a.max(b);
        i32x4_max_s: i32s -> put_i32s, |a, b| a.max(b);
        i32x4_max_u: u32s -> put_u32s, |a, b| a.max(b);

        // Rounding average, widened so `a + b + 1` cannot overflow.
        i8x16_avgr_u: u8s -> put_u8s, |a, b| ((a as u16 + b as u16 + 1) >> 1) as u8;
        i16x8_avgr_u: u16s -> put_u16s, |a, b| ((a as u32 + b as u32 + 1) >> 1) as u16;

        i16x8_q15mulr_sat_s: i16s -> put_i16s,
            |a, b| ((a as i32 * b as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16;

        f32x4_add: f32s -> put_f32s, |a, b| a + b;
        f64x2_add: f64s -> put_f64s, |a, b| a + b;
        f32x4_sub: f32s -> put_f32s, |a, b| a - b;
        f64x2_sub: f64s -> put_f64s, |a, b| a - b;
        f32x4_mul: f32s -> put_f32s, |a, b| a * b;
        f64x2_mul: f64s -> put_f64s, |a, b| a * b;
        f32x4_div: f32s -> put_f32s, |a, b| a / b;
        f64x2_div: f64s -> put_f64s, |a, b| a / b;
        f32x4_min: f32s -> put_f32s, |a, b| num::f32_min(a, b);
        f64x2_min: f64s -> put_f64s, |a, b| num::f64_min(a, b);
        f32x4_max: f32s -> put_f32s, |a, b| num::f32_max(a, b);
        f64x2_max: f64s -> put_f64s, |a, b| num::f64_max(a, b);
        // Pseudo-min/max are plain comparisons returning an operand unchanged.
        f32x4_pmin: u32s -> put_u32s,
            |a, b| if f32::from_bits(b) < f32::from_bits(a) { b } else { a };
        f64x2_pmin: u64s -> put_u64s,
            |a, b| if f64::from_bits(b) < f64::from_bits(a) { b } else { a };
        f32x4_pmax: u32s -> put_u32s,
            |a, b| if f32::from_bits(a) < f32::from_bits(b) { b } else { a };
        f64x2_pmax: u64s -> put_u64s,
            |a, b| if f64::from_bits(a) < f64::from_bits(b) { b } else { a };

        // Comparisons: all-ones lanes for true, zero for false.
        i8x16_eq: u8s -> put_u8s, |a, b| mask(a == b);
        i8x16_ne: u8s -> put_u8s, |a, b| mask(a != b);
        i8x16_lt_s: i8s -> put_i8s, |a, b| mask(a < b);
        i8x16_lt_u: u8s -> put_u8s, |a, b| mask(a < b);
        i8x16_gt_s: i8s -> put_i8s, |a, b| mask(a > b);
        i8x16_gt_u: u8s -> put_u8s, |a, b| mask(a > b);
        i8x16_le_s: i8s -> put_i8s, |a, b| mask(a <= b);
        i8x16_le_u: u8s -> put_u8s, |a, b| mask(a <= b);
        i8x16_ge_s: i8s -> put_i8s, |a, b| mask(a >= b);
        i8x16_ge_u: u8s -> put_u8s, |a, b| mask(a >= b);
        i16x8_eq: u16s -> put_u16s, |a, b| mask(a == b);
        i16x8_ne: u16s -> put_u16s, |a, b| mask(a != b);
        i16x8_lt_s: i16s -> put_i16s, |a, b| mask(a < b);
        i16x8_lt_u: u16s -> put_u16s, |a, b| mask(a < b);
        i16x8_gt_s: i16s -> put_i16s, |a, b| mask(a > b);
        i16x8_gt_u: u16s -> put_u16s, |a, b| mask(a > b);
        i16x8_le_s: i16s -> put_i16s, |a, b| mask(a <= b);
        i16x8_le_u: u16s -> put_u16s, |a, b| mask(a <= b);
        i16x8_ge_s: i16s -> put_i16s, |a, b| mask(a >= b);
        i16x8_ge_u: u16s -> put_u16s, |a, b| mask(a >= b);
        i32x4_eq: u32s -> put_u32s, |a, b| mask(a == b);
        i32x4_ne: u32s -> put_u32s, |a, b| mask(a != b);
        i32x4_lt_s: i32s -> put_i32s, |a, b| mask(a < b);
        i32x4_lt_u: u32s -> put_u32s, |a, b| mask(a < b);
        i32x4_gt_s: i32s -> put_i32s, |a, b| mask(a > b);
        i32x4_gt_u: u32s -> put_u32s, |a, b| mask(a > b);
        i32x4_le_s: i32s -> put_i32s, |a, b| mask(a <= b);
        i32x4_le_u: u32s -> put_u32s, |a, b| mask(a <= b);
        i32x4_ge_s: i32s -> put_i32s, |a, b| mask(a >= b);
        i32x4_ge_u: u32s -> put_u32s, |a, b| mask(a >= b);
        i64x2_eq: u64s -> put_u64s, |a, b| mask(a == b);
        i64x2_ne: u64s -> put_u64s, |a, b| mask(a != b);
        i64x2_lt_s: i64s -> put_i64s, |a, b| mask(a < b);
        i64x2_gt_s: i64s -> put_i64s, |a, b| mask(a > b);
        i64x2_le_s: i64s -> put_i64s, |a, b| mask(a <= b);
        i64x2_ge_s: i64s -> put_i64s, |a, b| mask(a >= b);
    }

    macro_rules! fcmp {
        ($($name:ident: $get:ident -> $put:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                $put(zip($get(a), $get(b), |$a, $b| mask($e)))
            }
        )*};
    }

    // IEEE comparisons: NaN compares false, except `ne`.
    fcmp! {
        f32x4_eq: f32s -> put_u32s, |a, b| a == b;
        f32x4_ne: f32s -> put_u32s, |a, b| a != b;
        f32x4_lt: f32s -> put_u32s, |a, b| a < b;
        f32x4_gt: f32s -> put_u32s, |a, b| a > b;
        f32x4_le: f32s -> put_u32s, |a, b| a <= b;
        f32x4_ge: f32s -> put_u32s, |a, b| a >= b;
        f64x2_eq: f64s -> put_u64s, |a, b| a == b;
        f64x2_ne: f64s -> put_u64s, |a, b| a != b;
        f64x2_lt: f64s -> put_u64s, |a, b| a < b;
        f64x2_gt: f64s -> put_u64s, |a, b| a > b;
        f64x2_le: f64s -> put_u64s, |a, b| a <= b;
        f64x2_ge: f64s -> put_u64s, |a, b| a >= b;
    }

    /// Wrapping add/sub of narrow lanes on the whole `u128` (SWAR): the lanes'
    /// top bits are set aside so no carry or borrow crosses a lane boundary.
    /// Splitting into lanes instead costs ~50 scalar instructions on x86-64,
    /// where a `u128` lives in two general registers.
    macro_rules! swar_add_sub {
        ($($add:ident, $sub:ident: $bits:literal;)*) => {$(
            #[inline]
            pub(crate) fn $add(a: V128, b: V128) -> V128 {
                const H: u128 = ones($bits) << ($bits - 1);
                ((a & !H) + (b & !H)) ^ ((a ^ b) & H)
            }

            #[inline]
            pub(crate) fn $sub(a: V128, b: V128) -> V128 {
                const H: u128 = ones($bits) << ($bits - 1);
                ((a | H) - (b & !H)) ^ ((a ^ !b) & H)
            }
        )*};
    }

    swar_add_sub! {
        i8x16_add, i8x16_sub: 8;
        i16x8_add, i16x8_sub: 16;
        i32x4_add, i32x4_sub: 32;
    }

    // -----------------------------------------------------------------------
    // Shifts: the count is taken modulo the lane width.

    macro_rules! shift {
        ($($name:ident: $get:ident -> $put:ident, $op:ident;)*) => {$(
            #[inline]
            pub(crate) fn $name(v: V128, n: i32) -> V128 {
                // `wrapping_sh*` masks the count by the lane width.
                $put($get(v).map(|x| x.$op(n as u32)))
            }
        )*};
    }

    shift! {
        i8x16_shl: u8s -> put_u8s, wrapping_shl;
        i16x8_shl: u16s -> put_u16s, wrapping_shl;
        i32x4_shl: u32s -> put_u32s, wrapping_shl;
        i64x2_shl: u64s -> put_u64s, wrapping_shl;
        i8x16_shr_s: i8s -> put_i8s, wrapping_shr;
        i16x8_shr_s: i16s -> put_i16s, wrapping_shr;
        i32x4_shr_s: i32s -> put_i32s, wrapping_shr;
        i64x2_shr_s: i64s -> put_i64s, wrapping_shr;
        i8x16_shr_u: u8s -> put_u8s, wrapping_shr;
        i16x8_shr_u: u16s -> put_u16s, wrapping_shr;
        i32x4_shr_u: u32s -> put_u32s, wrapping_shr;
        i64x2_shr_u: u64s -> put_u64s, wrapping_shr;
    }

    // -----------------------------------------------------------------------
    // Reductions.

    macro_rules! reduce {
        ($($all:ident, $bitmask:ident: $get:ident, $t:ty;)*) => {$(
            /// 1 if every lane is non-zero.
            #[inline]
            pub(crate) fn $all(v: V128) -> i32 {
                $get(v).iter().all(|&x| x != 0) as i32
            }

            /// Bit `i` of the result is the top bit of lane `i`.
            #[inline]
            pub(crate) fn $bitmask(v: V128) -> i32 {
                $get(v)
                    .iter()
                    .enumerate()
                    .fold(0, |m, (i, &x)| m | (((x >> (<$t>::BITS - 1)) as i32) << i))
            }
        )*};
    }

    reduce! {
        i8x16_all_true, i8x16_bitmask: u8s, u8;
        i16x8_all_true, i16x8_bitmask: u16s, u16;
        i32x4_all_true, i32x4_bitmask: u32s, u32;
        i64x2_all_true, i64x2_bitmask: u64s, u64;
    }

    // -----------------------------------------------------------------------
    // Width-changing operators: narrow, extend, extmul, extadd, dot, and the
    // float <-> int and f32 <-> f64 conversions.

    /// Saturating narrow: `a` fills the low half of the result, `b` the high.
    macro_rules! narrow {
        ($($name:ident: $get:ident -> $put:ident, $t:ty, $n:literal;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                let (a, b) = ($get(a), $get(b));
                let sat = |x: i32| x.clamp(<$t>::MIN as i32, <$t>::MAX as i32) as $t;
                $put(core::array::from_fn(|i| sat(if i < $n { a[i] } else { b[i - $n] } as i32)))
            }
        )*};
    }

    narrow! {
        i8x16_narrow_i16x8_s: i16s -> put_i8s, i8, 8;
        i8x16_narrow_i16x8_u: i16s -> put_u8s, u8, 8;
        i16x8_narrow_i32x4_s: i32s -> put_i16s, i16, 4;
        i16x8_narrow_i32x4_u: i32s -> put_u16s, u16, 4;
    }

    /// Widens the low (`off` 0) or high half of the lanes.
    macro_rules! extend {
        ($($name:ident: $get:ident -> $put:ident, $t:ty, $off:literal;)*) => {$(
            #[inline]
            pub(crate) fn $name(v: V128) -> V128 {
                let v = $get(v);
                $put(core::array::from_fn(|i| v[i + $off] as $t))
            }
        )*};
    }

    extend! {
        i16x8_extend_low_i8x16_s: i8s -> put_i16s, i16, 0;
        i16x8_extend_high_i8x16_s: i8s -> put_i16s, i16, 8;
        i16x8_extend_low_i8x16_u: u8s -> put_u16s, u16, 0;
        i16x8_extend_high_i8x16_u: u8s -> put_u16s, u16, 8;
        i32x4_extend_low_i16x8_s: i16s -> put_i32s, i32, 0;
        i32x4_extend_high_i16x8_s: i16s -> put_i32s, i32, 4;
        i32x4_extend_low_i16x8_u: u16s -> put_u32s, u32, 0;
        i32x4_extend_high_i16x8_u: u16s -> put_u32s, u32, 4;
        i64x2_extend_low_i32x4_s: i32s -> put_i64s, i64, 0;
        i64x2_extend_high_i32x4_s: i32s -> put_i64s, i64, 2;
        i64x2_extend_low_i32x4_u: u32s -> put_u64s, u64, 0;
        i64x2_extend_high_i32x4_u: u32s -> put_u64s, u64, 2;
        f64x2_convert_low_i32x4_s: i32s -> put_f64s, f64, 0;
        f64x2_convert_low_i32x4_u: u32s -> put_f64s, f64, 0;
        // Rust's `as` between floats rounds to nearest and quiets NaN, as the
        // scalar `f32.demote_f64` / `f64.promote_f32` handlers do.
        f64x2_promote_low_f32x4: f32s -> put_f64s, f64, 0;
    }

    /// Widening multiply of the low (`off` 0) or high half of the lanes. The
    /// products always fit the doubled width, so plain `*` cannot overflow.
    macro_rules! extmul {
        ($($name:ident: $get:ident -> $put:ident, $t:ty, $off:literal;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                let (a, b) = ($get(a), $get(b));
                $put(core::array::from_fn(|i| a[i + $off] as $t * b[i + $off] as $t))
            }
        )*};
    }

    extmul! {
        i16x8_extmul_low_i8x16_s: i8s -> put_i16s, i16, 0;
        i16x8_extmul_high_i8x16_s: i8s -> put_i16s, i16, 8;
        i16x8_extmul_low_i8x16_u: u8s -> put_u16s, u16, 0;
        i16x8_extmul_high_i8x16_u: u8s -> put_u16s, u16, 8;
        i32x4_extmul_low_i16x8_s: i16s -> put_i32s, i32, 0;
        i32x4_extmul_high_i16x8_s: i16s -> put_i32s, i32, 4;
        i32x4_extmul_low_i16x8_u: u16s -> put_u32s, u32, 0;
        i32x4_extmul_high_i16x8_u: u16s -> put_u32s, u32, 4;
        i64x2_extmul_low_i32x4_s: i32s -> put_i64s, i64, 0;
        i64x2_extmul_high_i32x4_s: i32s -> put_i64s, i64, 2;
        i64x2_extmul_low_i32x4_u: u32s -> put_u64s, u64, 0;
        i64x2_extmul_high_i32x4_u: u32s -> put_u64s, u64, 2;
    }

    /// Adds adjacent lane pairs after widening; the sums cannot overflow.
    macro_rules! extadd_pairwise {
        ($($name:ident: $get:ident -> $put:ident, $t:ty;)*) => {$(
            #[inline]
            pub(crate) fn $name(v: V128) -> V128 {
                let v = $get(v);
                $put(core::array::from_fn(|i| v[2 * i] as $t + v[2 * i + 1] as $t))
            }
        )*};
    }

    extadd_pairwise! {
        i16x8_extadd_pairwise_i8x16_s: i8s -> put_i16s, i16;
        i16x8_extadd_pairwise_i8x16_u: u8s -> put_u16s, u16;
        i32x4_extadd_pairwise_i16x8_s: i16s -> put_i32s, i32;
        i32x4_extadd_pairwise_i16x8_u: u16s -> put_u32s, u32;
    }

    /// `i32x4.dot_i16x8_s`: products of adjacent signed lanes, summed with
    /// wrapping (only `i16::MIN * i16::MIN` twice overflows).
    #[inline]
    pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b) = (i16s(a), i16s(b));
        put_i32s(core::array::from_fn(|i| {
            let lo = a[2 * i] as i32 * b[2 * i] as i32;
            let hi = a[2 * i + 1] as i32 * b[2 * i + 1] as i32;
            lo.wrapping_add(hi)
        }))
    }

    /// Converts the two f64 lanes into lanes 0 and 1; lanes 2 and 3 are zero.
    macro_rules! from_f64x2_zero {
        ($($name:ident: $put:ident, |$x:ident| $e:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(v: V128) -> V128 {
                let [a, b] = f64s(v).map(|$x| $e);
                $put([a, b, Default::default(), Default::default()])
            }
        )*};
    }

    from_f64x2_zero! {
        i32x4_trunc_sat_f64x2_s_zero: put_i32s, |x| x as i32;
        i32x4_trunc_sat_f64x2_u_zero: put_u32s, |x| x as u32;
        f32x4_demote_f64x2_zero: put_f32s, |x| x as f32;
    }

    // -----------------------------------------------------------------------
    // Byte permutations.

    /// `i8x16.swizzle`: lane `i` is `a[b[i]]`, or 0 when `b[i] >= 16`.
    #[inline]
    pub(crate) fn i8x16_swizzle(a: V128, b: V128) -> V128 {
        let (a, b) = (u8s(a), u8s(b));
        put_u8s(b.map(|j| a.get(j as usize).copied().unwrap_or(0)))
    }

    /// `i8x16.shuffle`: lane indices 0..16 pick from `a`, 16..32 from `b`.
    #[inline]
    pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: [u8; 16]) -> V128 {
        let mut ab = [0u8; 32];
        ab[..16].copy_from_slice(&a.to_le_bytes());
        ab[16..].copy_from_slice(&b.to_le_bytes());
        put_u8s(lanes.map(|j| ab[(j & 31) as usize]))
    }

    // -----------------------------------------------------------------------
    // Splat, extract_lane, replace_lane. Float lanes move as bits, so NaN
    // payloads are preserved.

    /// `u128` with bit 0 of every `bits`-wide lane set: `x * ones` splats `x`.
    const fn ones(bits: u32) -> u128 {
        u128::MAX / (u128::MAX >> (128 - bits))
    }

    /// `i8x16.splat`.
    #[inline]
    pub(crate) fn i8x16_splat(x: i32) -> V128 {
        x as u8 as u128 * ones(8)
    }

    /// `i16x8.splat`.
    #[inline]
    pub(crate) fn i16x8_splat(x: i32) -> V128 {
        x as u16 as u128 * ones(16)
    }

    /// `i32x4.splat`.
    #[inline]
    pub(crate) fn i32x4_splat(x: i32) -> V128 {
        x as u32 as u128 * ones(32)
    }

    /// `i64x2.splat`.
    #[inline]
    pub(crate) fn i64x2_splat(x: i64) -> V128 {
        x as u64 as u128 * ones(64)
    }

    /// `f32x4.splat`.
    #[inline]
    pub(crate) fn f32x4_splat(x: f32) -> V128 {
        x.to_bits() as u128 * ones(32)
    }

    /// `f64x2.splat`.
    #[inline]
    pub(crate) fn f64x2_splat(x: f64) -> V128 {
        x.to_bits() as u128 * ones(64)
    }

    /// Lane `lane % count` read as bits of type `$u`, or overwritten with them.
    macro_rules! lane_access {
        ($($extract:ident -> $r:ty = |$bits:ident: $u:ty| $from:expr,
           $replace:ident($x:ident: $xt:ty) = $to:expr;)*) => {$(
            #[inline]
            pub(crate) fn $extract(v: V128, lane: u8) -> $r {
                const W: u32 = <$u>::BITS;
                let $bits = (v >> (lane as u32 % (128 / W) * W)) as $u;
                $from
            }

            #[inline]
            pub(crate) fn $replace(v: V128, lane: u8, $x: $xt) -> V128 {
                const W: u32 = <$u>::BITS;
                let shift = lane as u32 % (128 / W) * W;
                let bits: $u = $to;
                (v & !((<$u>::MAX as u128) << shift)) | ((bits as u128) << shift)
            }
        )*};
    }

    lane_access! {
        i8x16_extract_lane_s -> i32 = |b: u8| b as i8 as i32,
            i8x16_replace_lane(x: i32) = x as u8;
        i16x8_extract_lane_s -> i32 = |b: u16| b as i16 as i32,
            i16x8_replace_lane(x: i32) = x as u16;
        i32x4_extract_lane -> i32 = |b: u32| b as i32,
            i32x4_replace_lane(x: i32) = x as u32;
        i64x2_extract_lane -> i64 = |b: u64| b as i64,
            i64x2_replace_lane(x: i64) = x as u64;
        f32x4_extract_lane -> f32 = |b: u32| f32::from_bits(b),
            f32x4_replace_lane(x: f32) = x.to_bits();
        f64x2_extract_lane -> f64 = |b: u64| f64::from_bits(b),
            f64x2_replace_lane(x: f64) = x.to_bits();
    }

    /// `i8x16.extract_lane_u`.
    #[inline]
    pub(crate) fn i8x16_extract_lane_u(v: V128, lane: u8) -> i32 {
        (v >> ((lane & 15) as u32 * 8)) as u8 as i32
    }

    /// `i16x8.extract_lane_u`.
    #[inline]
    pub(crate) fn i16x8_extract_lane_u(v: V128, lane: u8) -> i32 {
        (v >> ((lane & 7) as u32 * 16)) as u16 as i32
    }
}

// ---------------------------------------------------------------------------
// Extending loads: the 8 loaded bytes arrive as a little-endian `u64`.

macro_rules! load_extend {
    ($($name:ident = $ext:ident;)*) => {$(
        #[inline]
        pub(crate) fn $name(x: u64) -> V128 {
            $ext(x as u128)
        }
    )*};
}

load_extend! {
    v128_load8x8_s = i16x8_extend_low_i8x16_s;
    v128_load8x8_u = i16x8_extend_low_i8x16_u;
    v128_load16x4_s = i32x4_extend_low_i16x8_s;
    v128_load16x4_u = i32x4_extend_low_i16x8_u;
    v128_load32x2_s = i64x2_extend_low_i32x4_s;
    v128_load32x2_u = i64x2_extend_low_i32x4_u;
}

#[cfg(test)]
mod tests {
    use super::*;

    // Lane builders and readers for the tests.
    fn v8(l: [u8; 16]) -> V128 {
        put_u8s(l)
    }
    fn v16(l: [i16; 8]) -> V128 {
        put_i16s(l)
    }
    fn v32(l: [i32; 4]) -> V128 {
        put_i32s(l)
    }
    fn v64(l: [i64; 2]) -> V128 {
        put_i64s(l)
    }
    fn vf32(l: [f32; 4]) -> V128 {
        put_f32s(l)
    }
    fn vf64(l: [f64; 2]) -> V128 {
        put_f64s(l)
    }
    fn bits32(v: V128) -> [u32; 4] {
        u32s(v)
    }
    fn bits64(v: V128) -> [u64; 2] {
        u64s(v)
    }
    fn is_quiet_nan32(b: u32) -> bool {
        f32::from_bits(b).is_nan() && b & 0x0040_0000 != 0
    }
    fn is_quiet_nan64(b: u64) -> bool {
        f64::from_bits(b).is_nan() && b & 0x0008_0000_0000_0000 != 0
    }

    const NAN32: u32 = 0x7fa0_0001; // signalling, with a payload
    const NAN64: u64 = 0x7ff4_0000_0000_0001;

    #[test]
    fn lane_order_is_little_endian() {
        let bytes: [u8; 16] = core::array::from_fn(|i| i as u8);
        let v = u128::from_le_bytes(bytes);
        assert_eq!(v8(bytes), v);
        assert_eq!(i16s(v)[1], 0x0302);
        assert_eq!(i32s(v)[3], 0x0f0e0d0c);
        assert_eq!(i64x2_extract_lane(v, 1), 0x0f0e0d0c0b0a0908);
        assert_eq!(i8x16_extract_lane_u(v, 5), 5);
    }

    #[test]
    fn bitwise() {
        let (a, b, c) = (0xf0u128, 0x3cu128, 0x0fu128);
        assert_eq!(v128_andnot(a, b), 0xc0);
        assert_eq!(v128_bitselect(a, b, c), 0x30);
        assert_eq!(v128_bitselect(0xaa, 0x55, 0xf0), 0xa5);
        assert_eq!(v128_not(0), u128::MAX);
        assert_eq!(v128_any_true(0), 0);
        assert_eq!(v128_any_true(1 << 127), 1);
    }

    #[test]
    fn float_min_max_nan_and_zero() {
        let a = vf32([f32::from_bits(NAN32), 1.0, -0.0, 0.0]);
        let b = vf32([1.0, f32::NAN, 0.0, -0.0]);
        for r in [f32x4_min(a, b), f32x4_max(a, b)] {
            let r = bits32(r);
            assert!(is_quiet_nan32(r[0]) && is_quiet_nan32(r[1]));
        }
        assert_eq!(bits32(f32x4_min(a, b))[2..], [0x8000_0000, 0x8000_0000]);
        assert_eq!(bits32(f32x4_max(a, b))[2..], [0, 0]);
        let r = bits64(f64x2_min(
            vf64([f64::from_bits(NAN64), -0.0]),
            vf64([0.0, 0.0]),
        ));
        assert!(is_quiet_nan64(r[0]));
        assert_eq!(r[1], (-0.0f64).to_bits());
    }

    #[test]
    fn pmin_pmax_return_operands_unchanged() {
        let nan = f32::from_bits(NAN32);
        let a = vf32([nan, 1.0, -0.0, 2.0]);
        let b = vf32([1.0, nan, 0.0, 1.0]);
        // pmin(a, b) = b < a ? b : a; NaN comparisons are false, so `a`.
        assert_eq!(
            bits32(f32x4_pmin(a, b)),
            [
                NAN32,
                1.0f32.to_bits(),
                (-0.0f32).to_bits(),
                1.0f32.to_bits()
            ]
        );
        assert_eq!(
            bits32(f32x4_pmax(a, b)),
            [
                NAN32,
                1.0f32.to_bits(),
                (-0.0f32).to_bits(),
                2.0f32.to_bits()
            ]
        );
        let (a, b) = (vf64([f64::from_bits(NAN64), 0.0]), vf64([1.0, -0.0]));
        assert_eq!(bits64(f64x2_pmin(a, b)), [NAN64, 0]);
        assert_eq!(
            bits64(f64x2_pmax(b, a)),
            [1.0f64.to_bits(), (-0.0f64).to_bits()]
        );
    }

    #[test]
    fn float_abs_neg_keep_payload() {
        let v = vf32([f32::from_bits(NAN32 | 0x8000_0000), -1.0, 0.0, -0.0]);
        assert_eq!(bits32(f32x4_abs(v)), [NAN32, 1.0f32.to_bits(), 0, 0]);
        assert_eq!(
            bits32(f32x4_neg(vf32([f32::from_bits(NAN32), 0.0, 1.0, -2.0])))[..2],
            [NAN32 | 0x8000_0000, 0x8000_0000]
        );
        assert_eq!(
            bits64(f64x2_neg(vf64([f64::from_bits(NAN64), -0.0]))),
            [NAN64 | 1 << 63, 0]
        );
    }

    #[test]
    fn rounding() {
        let r = f32s(f32x4_nearest(vf32([0.5, 1.5, 2.5, -0.5])));
        assert_eq!(
            r.map(f32::to_bits),
            [0.0f32, 2.0, 2.0, -0.0].map(f32::to_bits)
        );
        let r = f64s(f64x2_nearest(vf64([-1.5, 4.5])));
        assert_eq!(r, [-2.0, 4.0]);
        assert_eq!(
            f32s(f32x4_ceil(vf32([-0.5, 1.1, -1.1, 3.0]))),
            [-0.0, 2.0, -1.0, 3.0]
        );
        assert_eq!(
            f32s(f32x4_floor(vf32([-0.5, 1.1, -1.1, 3.0]))),
            [-1.0, 1.0, -2.0, 3.0]
        );
        assert_eq!(f64s(f64x2_trunc(vf64([-1.9, 1.9]))), [-1.0, 1.0]);
        assert!(is_quiet_nan32(
            bits32(f32x4_trunc(f32x4_splat(f32::from_bits(NAN32))))[0]
        ));
        assert_eq!(f64s(f64x2_sqrt(vf64([4.0, 2.25]))), [2.0, 1.5]);
        assert!(f32s(f32x4_sqrt(vf32([-1.0, 0.0, 1.0, 9.0])))[0].is_nan());
    }

    #[test]
    fn float_compare() {
        let a = vf32([f32::NAN, 1.0, 0.0, 1.0]);
        let b = vf32([f32::NAN, 2.0, -0.0, 1.0]);
        assert_eq!(bits32(f32x4_eq(a, b)), [0, 0, !0, !0]);
        assert_eq!(bits32(f32x4_ne(a, b)), [!0, !0, 0, 0]);
        assert_eq!(bits32(f32x4_lt(a, b)), [0, !0, 0, 0]);
        assert_eq!(bits32(f32x4_ge(a, b)), [0, 0, !0, !0]);
        assert_eq!(
            bits64(f64x2_gt(vf64([f64::NAN, 3.0]), vf64([1.0, 2.0]))),
            [0, !0]
        );
        assert_eq!(
            bits64(f64x2_le(vf64([f64::NAN, 2.0]), vf64([1.0, 2.0]))),
            [0, !0]
        );
    }

    #[test]
    fn trunc_sat() {
        let v = vf32([f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -3.9]);
        assert_eq!(
            i32s(i32x4_trunc_sat_f32x4_s(v)),
            [0, i32::MAX, i32::MIN, -3]
        );
        assert_eq!(u32s(i32x4_trunc_sat_f32x4_u(v)), [0, u32::MAX, 0, 0]);
        let v = vf32([4294967296.0, 2147483648.0, -1.0, 3.9]);
        assert_eq!(
            i32s(i32x4_trunc_sat_f32x4_s(v)),
            [i32::MAX, i32::MAX, -1, 3]
        );
        assert_eq!(u32s(i32x4_trunc_sat_f32x4_u(v)), [u32::MAX, 1 << 31, 0, 3]);
        // The `_zero` forms fill lanes 0 and 1, and zero lanes 2 and 3.
        let v = vf64([f64::NAN, -1e10]);
        assert_eq!(i32s(i32x4_trunc_sat_f64x2_s_zero(v)), [0, i32::MIN, 0, 0]);
        assert_eq!(u32s(i32x4_trunc_sat_f64x2_u_zero(v)), [0, 0, 0, 0]);
        let v = vf64([4294967295.9, -0.9]);
        assert_eq!(u32s(i32x4_trunc_sat_f64x2_u_zero(v)), [u32::MAX, 0, 0, 0]);
        assert_eq!(i32s(i32x4_trunc_sat_f64x2_s_zero(v)), [i32::MAX, 0, 0, 0]);
    }

    #[test]
    fn int_to_float() {
        let v = v32([-1, i32::MIN, 16777217, 7]);
        assert_eq!(
            f32s(f32x4_convert_i32x4_s(v)),
            [-1.0, -2147483648.0, 16777216.0, 7.0]
        );
        assert_eq!(
            f32s(f32x4_convert_i32x4_u(v)),
            [4294967296.0, 2147483648.0, 16777216.0, 7.0]
        );
        assert_eq!(f64s(f64x2_convert_low_i32x4_s(v)), [-1.0, -2147483648.0]);
        assert_eq!(
            f64s(f64x2_convert_low_i32x4_u(v)),
            [4294967295.0, 2147483648.0]
        );
    }

    #[test]
    fn demote_promote() {
        let r = bits32(f32x4_demote_f64x2_zero(vf64([
            f64::from_bits(NAN64),
            f64::NEG_INFINITY,
        ])));
        assert!(is_quiet_nan32(r[0]));
        assert_eq!(r[1..], [f32::NEG_INFINITY.to_bits(), 0, 0]);
        let r = f32s(f32x4_demote_f64x2_zero(vf64([1e300, 0.1])));
        assert_eq!(r, [f32::INFINITY, 0.1f32, 0.0, 0.0]);
        let v = vf32([f32::from_bits(NAN32), f32::INFINITY, 5.0, 6.0]);
        let r = bits64(f64x2_promote_low_f32x4(v));
        assert!(is_quiet_nan64(r[0]));
        assert_eq!(r[1], f64::INFINITY.to_bits());
    }

    #[test]
    fn narrow_saturates() {
        let a = v16([-129, -128, 127, 128, 0, -1, 255, 256]);
        let b = v16([i16::MIN, i16::MAX, 1, 2, 3, 4, 5, 6]);
        let s = i8s(i8x16_narrow_i16x8_s(a, b));
        assert_eq!(
            s,
            [-128, -128, 127, 127, 0, -1, 127, 127, -128, 127, 1, 2, 3, 4, 5, 6]
        );
        let u = u8s(i8x16_narrow_i16x8_u(a, b));
        assert_eq!(
            u,
            [0, 0, 127, 128, 0, 0, 255, 255, 0, 255, 1, 2, 3, 4, 5, 6]
        );
        let a = v32([-32769, 32768, 65536, -1]);
        let b = v32([i32::MIN, i32::MAX, 7, 65535]);
        assert_eq!(
            i16s(i16x8_narrow_i32x4_s(a, b)),
            [
                i16::MIN,
                i16::MAX,
                i16::MAX,
                -1,
                i16::MIN,
                i16::MAX,
                7,
                i16::MAX
            ]
        );
        assert_eq!(
            u16s(i16x8_narrow_i32x4_u(a, b)),
            [0, 32768, 65535, 0, 0, 65535, 7, 65535]
        );
    }

    #[test]
    fn q15mulr_and_dot() {
        let a = v16([i16::MIN, i16::MIN, 0x4000, -0x4000, 1, i16::MAX, 3, -3]);
        let b = v16([
            i16::MIN,
            i16::MAX,
            0x4000,
            0x4000,
            1,
            i16::MAX,
            0x4000,
            0x4000,
        ]);
        assert_eq!(
            i16s(i16x8_q15mulr_sat_s(a, b)),
            [i16::MAX, -32767, 0x2000, -0x2000, 0, 32766, 2, -1]
        );
        let a = v16([i16::MIN, i16::MIN, 1, 2, -3, 4, i16::MAX, i16::MAX]);
        let b = v16([i16::MIN, i16::MIN, 5, 6, 7, -8, i16::MAX, i16::MAX]);
        assert_eq!(
            i32s(i32x4_dot_i16x8_s(a, b)),
            [i32::MIN, 17, -53, 2 * 32767 * 32767]
        );
    }

    #[test]
    fn swar_add_sub_match_lanes() {
        let vals = [
            0u128,
            u128::MAX,
            0x8000_7fff_ff01_0080_8000_0000_7fff_ffff,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
            0x8080_8080_8080_8080_7f7f_7f7f_7f7f_7f7f,
            1 << 127 | 1,
        ];
        for a in vals {
            for b in vals {
                let (x8, y8) = (i8s(a), i8s(b));
                assert_eq!(i8x16_add(a, b), put_i8s(zip(x8, y8, i8::wrapping_add)));
                assert_eq!(i8x16_sub(a, b), put_i8s(zip(x8, y8, i8::wrapping_sub)));
                let (x16, y16) = (i16s(a), i16s(b));
                assert_eq!(i16x8_add(a, b), put_i16s(zip(x16, y16, i16::wrapping_add)));
                assert_eq!(i16x8_sub(a, b), put_i16s(zip(x16, y16, i16::wrapping_sub)));
                let (x32, y32) = (i32s(a), i32s(b));
                assert_eq!(i32x4_add(a, b), put_i32s(zip(x32, y32, i32::wrapping_add)));
                assert_eq!(i32x4_sub(a, b), put_i32s(zip(x32, y32, i32::wrapping_sub)));
                let (x64, y64) = (i64s(a), i64s(b));
                assert_eq!(i64x2_add(a, b), put_i64s(zip(x64, y64, i64::wrapping_add)));
                assert_eq!(i64x2_sub(a, b), put_i64s(zip(x64, y64, i64::wrapping_sub)));
            }
        }
    }

    #[test]
    fn integer_arithmetic() {
        let ff = v8([0xff; 16]);
        assert_eq!(u8s(i8x16_avgr_u(ff, ff)), [0xff; 16]);
        assert_eq!(u8s(i8x16_avgr_u(ff, 0)), [0x80; 16]);
        assert_eq!(u16s(i16x8_avgr_u(u128::MAX, 0)), [0x8000; 8]);
        assert_eq!(i8s(i8x16_abs(i8x16_splat(-128))), [-128; 16]);
        assert_eq!(i64s(i64x2_abs(v64([i64::MIN, -5]))), [i64::MIN, 5]);
        assert_eq!(
            i32s(i32x4_neg(v32([i32::MIN, 1, 0, -7]))),
            [i32::MIN, -1, 0, 7]
        );
        assert_eq!(
            i8s(i8x16_add_sat_s(i8x16_splat(100), i8x16_splat(100))),
            [127; 16]
        );
        assert_eq!(u8s(i8x16_add_sat_u(ff, i8x16_splat(1))), [255; 16]);
        assert_eq!(
            i16s(i16x8_sub_sat_s(i16x8_splat(-30000), i16x8_splat(30000))),
            [i16::MIN; 8]
        );
        assert_eq!(
            u16s(i16x8_sub_sat_u(i16x8_splat(1), i16x8_splat(2))),
            [0; 8]
        );
        assert_eq!(i8s(i8x16_min_s(ff, 0)), [-1; 16]);
        assert_eq!(u8s(i8x16_min_u(ff, 0)), [0; 16]);
        assert_eq!(u32s(i32x4_max_u(u128::MAX, 0)), [u32::MAX; 4]);
        assert_eq!(i64s(i64x2_mul(v64([i64::MAX, -3]), v64([2, 4]))), [-2, -12]);
        assert_eq!(
            u8s(i8x16_popcnt(v8([
                0, 1, 3, 0xff, 0x80, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7
            ])))[..6],
            [0, 1, 2, 8, 1, 4]
        );
        assert_eq!(i16s(i16x8_extadd_pairwise_i8x16_s(ff)), [-2; 8]);
        assert_eq!(u16s(i16x8_extadd_pairwise_i8x16_u(ff)), [510; 8]);
        assert_eq!(
            i32s(i32x4_extadd_pairwise_i16x8_s(i16x8_splat(i16::MIN as i32))),
            [-65536; 4]
        );
        assert_eq!(u32s(i32x4_extadd_pairwise_i16x8_u(u128::MAX)), [131070; 4]);
    }

    #[test]
    fn integer_compare() {
        let a = v8([0x80, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = v8([0x01, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(u8s(i8x16_lt_s(a, b))[..3], [0xff, 0, 0]);
        assert_eq!(u8s(i8x16_lt_u(a, b))[..3], [0, 0, 0]);
        assert_eq!(u8s(i8x16_ge_u(a, b))[..3], [0xff, 0xff, 0xff]);
        assert_eq!(u8s(i8x16_eq(a, b))[14..], [0xff, 0]);
        assert_eq!(u8s(i8x16_ne(a, b))[14..], [0, 0xff]);
        let a = v64([-1, 2]);
        let b = v64([1, 2]);
        assert_eq!(u64s(i64x2_lt_s(a, b)), [!0, 0]);
        assert_eq!(u64s(i64x2_ge_s(a, b)), [0, !0]);
        assert_eq!(u32s(i32x4_gt_u(v32([-1, 0, 0, 0]), 0)), [!0, 0, 0, 0]);
        assert_eq!(
            u16s(i16x8_le_s(v16([-1, 0, 1, 0, 0, 0, 0, 0]), 0)),
            [!0, !0, 0, !0, !0, !0, !0, !0]
        );
    }

    #[test]
    fn shifts_wrap_the_count() {
        let v = i8x16_splat(0x81);
        assert_eq!(v8x(i8x16_shl(v, 8)), 0x81);
        assert_eq!(v8x(i8x16_shl(v, 9)), 0x02);
        assert_eq!(v8x(i8x16_shr_u(v, 1 + 8 * 5)), 0x40);
        assert_eq!(v8x(i8x16_shr_s(v, -1)), 0xff);
        assert_eq!(i16s(i16x8_shr_s(i16x8_splat(-32768), 17)), [-16384; 8]);
        assert_eq!(u32s(i32x4_shr_u(i32x4_splat(-1), 32)), [u32::MAX; 4]);
        assert_eq!(u32s(i32x4_shl(i32x4_splat(1), 33)), [2; 4]);
        assert_eq!(i64s(i64x2_shr_s(i64x2_splat(i64::MIN), 127)), [-1; 2]);
        assert_eq!(u64s(i64x2_shr_u(i64x2_splat(i64::MIN), 64)), [1 << 63; 2]);
        assert_eq!(u64s(i64x2_shl(i64x2_splat(1), 65)), [2; 2]);

        fn v8x(v: V128) -> u8 {
            let l = u8s(v);
            assert!(l.iter().all(|&x| x == l[0]));
            l[0]
        }
    }

    #[test]
    fn shuffle_and_swizzle() {
        let a = v8(core::array::from_fn(|i| i as u8));
        let b = v8(core::array::from_fn(|i| 0x10 + i as u8));
        let lanes = [31, 0, 16, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22];
        assert_eq!(u8s(i8x16_shuffle(a, b, lanes)), lanes);
        // Out-of-range indices are masked rather than panicking.
        assert_eq!(u8s(i8x16_shuffle(a, b, [32 + 3; 16])), [3; 16]);
        let idx = v8([0, 15, 16, 255, 0x80, 3, 17, 1, 2, 2, 2, 2, 2, 2, 2, 14]);
        assert_eq!(
            u8s(i8x16_swizzle(b, idx)),
            [0x10, 0x1f, 0, 0, 0, 0x13, 0, 0x11, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x1e]
        );
    }

    #[test]
    fn reductions() {
        let v = v8([0x80, 0x7f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);
        assert_eq!(i8x16_bitmask(v), 0b1000_0000_0000_0101);
        assert_eq!(
            i16x8_bitmask(v16([-1, 1, -1, 0, 0, 0, 0, i16::MIN])),
            0b1000_0101
        );
        assert_eq!(i32x4_bitmask(v32([0, -1, 0, -1])), 0b1010);
        assert_eq!(i64x2_bitmask(v64([-1, 0])), 0b01);
        assert_eq!(i8x16_bitmask(u128::MAX), 0xffff);
        assert_eq!(i8x16_all_true(v), 0);
        assert_eq!(i8x16_all_true(i8x16_splat(1)), 1);
        assert_eq!(i16x8_all_true(i8x16_splat(1)), 1);
        assert_eq!(i16x8_all_true(v16([1, 1, 1, 1, 1, 1, 1, 0])), 0);
        assert_eq!(i32x4_all_true(v32([1, 1 << 31, 1, 1])), 1);
        assert_eq!(i64x2_all_true(v64([1, 0])), 0);
        assert_eq!(i64x2_all_true(v64([1 << 40, -1])), 1);
    }

    #[test]
    fn extends_and_extmul() {
        let v = v8([
            0x80, 0x7f, 0xff, 1, 0, 0, 0, 0, 0xfe, 0, 0, 0, 0, 0, 0, 0x81,
        ]);
        assert_eq!(i16s(i16x8_extend_low_i8x16_s(v))[..4], [-128, 127, -1, 1]);
        assert_eq!(u16s(i16x8_extend_low_i8x16_u(v))[..4], [128, 127, 255, 1]);
        assert_eq!(
            i16s(i16x8_extend_high_i8x16_s(v)),
            [-2, 0, 0, 0, 0, 0, 0, -127]
        );
        assert_eq!(
            u16s(i16x8_extend_high_i8x16_u(v)),
            [254, 0, 0, 0, 0, 0, 0, 129]
        );
        let v = v16([-1, 2, 3, 4, 5, 6, i16::MIN, -7]);
        assert_eq!(i32s(i32x4_extend_low_i16x8_s(v)), [-1, 2, 3, 4]);
        assert_eq!(u32s(i32x4_extend_low_i16x8_u(v)), [65535, 2, 3, 4]);
        assert_eq!(i32s(i32x4_extend_high_i16x8_s(v)), [5, 6, -32768, -7]);
        assert_eq!(u32s(i32x4_extend_high_i16x8_u(v)), [5, 6, 32768, 65529]);
        let v = v32([-1, 2, i32::MIN, 4]);
        assert_eq!(i64s(i64x2_extend_low_i32x4_s(v)), [-1, 2]);
        assert_eq!(u64s(i64x2_extend_low_i32x4_u(v)), [u32::MAX as u64, 2]);
        assert_eq!(i64s(i64x2_extend_high_i32x4_s(v)), [i32::MIN as i64, 4]);
        assert_eq!(u64s(i64x2_extend_high_i32x4_u(v)), [1 << 31, 4]);

        let ff = u128::MAX;
        assert_eq!(
            i16s(i16x8_extmul_low_i8x16_s(
                i8x16_splat(-128),
                i8x16_splat(-128)
            )),
            [16384; 8]
        );
        assert_eq!(u16s(i16x8_extmul_high_i8x16_u(ff, ff)), [65025; 8]);
        assert_eq!(i16s(i16x8_extmul_high_i8x16_s(ff, i8x16_splat(3))), [-3; 8]);
        assert_eq!(u16s(i16x8_extmul_low_i8x16_u(ff, i8x16_splat(3))), [765; 8]);
        let m = i16x8_splat(i16::MIN as i32);
        assert_eq!(i32s(i32x4_extmul_low_i16x8_s(m, m)), [1 << 30; 4]);
        assert_eq!(i32s(i32x4_extmul_high_i16x8_s(m, ff)), [32768; 4]);
        assert_eq!(u32s(i32x4_extmul_low_i16x8_u(ff, ff)), [0xfffe_0001; 4]);
        assert_eq!(u32s(i32x4_extmul_high_i16x8_u(m, ff)), [0x7fff_8000; 4]);
        let a = v32([i32::MIN, -2, 3, i32::MAX]);
        assert_eq!(i64s(i64x2_extmul_low_i32x4_s(a, a)), [1 << 62, 4]);
        assert_eq!(
            i64s(i64x2_extmul_high_i32x4_s(a, a)),
            [9, (i32::MAX as i64).pow(2)]
        );
        assert_eq!(
            u64s(i64x2_extmul_low_i32x4_u(ff, ff)),
            [0xffff_fffe_0000_0001; 2]
        );
        assert_eq!(
            u64s(i64x2_extmul_high_i32x4_u(a, ff)),
            [3 * u32::MAX as u64, i32::MAX as u64 * u32::MAX as u64]
        );
    }

    #[test]
    fn extending_loads() {
        let x = u64::from_le_bytes([0x80, 0x7f, 0xff, 0x01, 0x00, 0x80, 0xff, 0xff]);
        assert_eq!(i16s(v128_load8x8_s(x)), [-128, 127, -1, 1, 0, -128, -1, -1]);
        assert_eq!(
            u16s(v128_load8x8_u(x)),
            [128, 127, 255, 1, 0, 128, 255, 255]
        );
        assert_eq!(i32s(v128_load16x4_s(x)), [0x7f80, 0x01ff, -32768, -1]);
        assert_eq!(u32s(v128_load16x4_u(x)), [0x7f80, 0x01ff, 0x8000, 0xffff]);
        assert_eq!(i64s(v128_load32x2_s(x)), [0x01ff_7f80, -32768]);
        assert_eq!(u64s(v128_load32x2_u(x)), [0x01ff_7f80, 0xffff_8000]);
    }

    #[test]
    fn splat_extract_replace() {
        assert_eq!(i8x16_splat(0x1ff), u128::MAX);
        assert_eq!(i16s(i16x8_splat(-2)), [-2; 8]);
        assert_eq!(i32s(i32x4_splat(0x1234_5678)), [0x1234_5678; 4]);
        assert_eq!(i64s(i64x2_splat(-3)), [-3; 2]);
        let v = f32x4_splat(f32::from_bits(NAN32));
        assert_eq!(bits32(v), [NAN32; 4]);
        assert_eq!(f32x4_extract_lane(v, 2).to_bits(), NAN32);
        let v = f64x2_splat(f64::from_bits(NAN64));
        assert_eq!(bits64(v), [NAN64; 2]);
        assert_eq!(f64x2_extract_lane(v, 1).to_bits(), NAN64);

        let v = f32x4_replace_lane(0, 1, f32::from_bits(NAN32 | 1 << 31));
        assert_eq!(bits32(v), [0, NAN32 | 1 << 31, 0, 0]);
        let v = f64x2_replace_lane(u128::MAX, 0, f64::from_bits(NAN64));
        assert_eq!(bits64(v), [NAN64, u64::MAX]);

        let v = v8(core::array::from_fn(|i| 0xf0 + i as u8));
        assert_eq!(i8x16_extract_lane_s(v, 15), -1);
        assert_eq!(i8x16_extract_lane_u(v, 15), 0xff);
        assert_eq!(i8x16_extract_lane_s(v, 0), -16);
        assert_eq!(i8x16_extract_lane_s(v, 16), -16); // masked, no panic
        assert_eq!(
            u8s(i8x16_replace_lane(v, 3, 0x1234))[2..5],
            [0xf2, 0x34, 0xf4]
        );
        let v = v16([1, -2, 3, -4, 5, -6, 7, -8]);
        assert_eq!(i16x8_extract_lane_s(v, 7), -8);
        assert_eq!(i16x8_extract_lane_u(v, 7), 0xfff8);
        assert_eq!(
            i16s(i16x8_replace_lane(v, 0, -1)),
            [-1, -2, 3, -4, 5, -6, 7, -8]
        );
        let v = v32([1, -2, 3, -4]);
        assert_eq!(i32x4_extract_lane(v, 3), -4);
        assert_eq!(
            i32s(i32x4_replace_lane(v, 2, i32::MIN)),
            [1, -2, i32::MIN, -4]
        );
        let v = v64([1, -2]);
        assert_eq!(i64x2_extract_lane(v, 1), -2);
        assert_eq!(i64s(i64x2_replace_lane(v, 1, i64::MAX)), [1, i64::MAX]);
    }

    #[test]
    fn float_arithmetic() {
        let a = vf32([1.0, f32::INFINITY, 0.0, 6.0]);
        let b = vf32([2.0, f32::INFINITY, 0.0, -3.0]);
        let r = f32s(f32x4_add(a, b));
        assert_eq!(r[0], 3.0);
        assert_eq!(f32s(f32x4_sub(a, b))[3], 9.0);
        assert!(f32s(f32x4_sub(a, b))[1].is_nan());
        assert!(f32s(f32x4_div(a, b))[2].is_nan());
        assert_eq!(f32s(f32x4_mul(a, b))[3], -18.0);
        assert_eq!(
            f64s(f64x2_div(vf64([1.0, -1.0]), vf64([0.0, 0.0]))),
            [f64::INFINITY, f64::NEG_INFINITY]
        );
        assert_eq!(
            f64s(f64x2_mul(vf64([1.5, 2.0]), vf64([2.0, 0.25]))),
            [3.0, 0.5]
        );
        assert_eq!(
            f64s(f64x2_add(vf64([1.5, 2.0]), vf64([2.0, 0.25]))),
            [3.5, 2.25]
        );
        assert_eq!(
            f64s(f64x2_sub(vf64([1.5, 2.0]), vf64([2.0, 0.25]))),
            [-0.5, 1.75]
        );
        assert_eq!(
            bits64(f64x2_abs(vf64([-0.0, f64::from_bits(NAN64 | 1 << 63)]))),
            [0, NAN64]
        );
    }
}

/// Each accelerated operator against its portable version, on pseudo-random
/// and edge-case inputs.
#[cfg(all(
    test,
    any(
        target_arch = "x86_64",
        all(target_arch = "aarch64", target_endian = "little")
    )
))]
mod accelerated_matches_portable {
    macro_rules! tests {
        ($arch:ident; $($kind:ident: [$($op:ident),* $(,)?])*) => {$($(
            #[test]
            fn $op() {
                check::$kind(stringify!($op), super::$arch::$op, super::portable::$op);
            }
        )*)*};
    }

    for_each_accelerated!(tests);

    mod check {
        use super::super::V128;

        const N: usize = 4000;

        /// Edge values of every lane width; the 32- and 64-bit ones include
        /// float specials: ±0, ±inf, halves, integer limits, and NaNs with
        /// payloads, signalling and quiet, of both signs.
        const E8: &[u64] = &[
            0, 1, 2, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff,
        ];
        const E16: &[u64] = &[
            0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xc000,
            0xff7f, 0xff80, 0xfffe, 0xffff,
        ];
        const E32: &[u64] = &[
            0,
            1,
            0x7fff,
            0x8000,
            0xffff,
            0x1_0000,
            0x7fff_ffff,
            0x8000_0000,
            0x8000_0001,
            0xffff_7fff,
            0xffff_8000,
            0xffff_ffff,
            0x3f80_0000,
            0xbf80_0000,
            0x3f00_0000,
            0xbf00_0000,
            0x3fc0_0000,
            0x4020_0000,
            0xc020_0000,
            0x4b00_0001,
            0x4aff_ffff,
            0xcb00_0001,
            0x7f7f_ffff,
            0xff7f_ffff,
            0x0080_0000,
            0x0000_0001,
            0x8000_0001,
            0x4f00_0000,
            0xcf00_0000,
            0x4eff_ffff,
            0xcf00_0001,
            0x4f80_0000,
            0x4f7f_ffff,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0xffc0_0000,
            0x7fa0_0001,
            0xffbf_ffff,
            0x7fc1_2345,
            0x7f80_0001,
        ];
        const E64: &[u64] = &[
            0,
            1,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x1_0000_0000,
            0x7fff_ffff_ffff_ffff,
            0x8000_0000_0000_0000,
            0xffff_ffff_ffff_ffff,
            0xffff_ffff_8000_0000,
            0x8000_0000,
            0x3ff0_0000_0000_0000,
            0xbfe0_0000_0000_0000,
            0x4004_0000_0000_0000,
            0x4330_0000_0000_0001,
            0x41df_ffff_ffe0_0000,
            0x41ef_ffff_fffe_6666,
            0xc1e0_0000_001c_cccd,
            0x7e37_e43c_8800_759c,
            0x3690_0000_0000_0000,
            0x47ef_ffff_f000_0000,
            0x47ef_ffff_e000_0000,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0xfff8_0000_0000_0000,
            0x7ff4_0000_0000_0001,
            0xfff0_0000_dead_beef,
            0x7ff8_0000_dead_beef,
        ];

        /// xorshift64, with vectors built from random bits or edge lanes.
        struct Rng(u64);

        impl Rng {
            fn new(name: &str) -> Self {
                Rng(name.bytes().fold(0x9e37_79b9_7f4a_7c15, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
                }) | 1)
            }

            fn next(&mut self) -> u64 {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0
            }

            fn lanes(&mut self, edges: &[u64], bits: u32) -> V128 {
                (0..128 / bits).fold(0, |v, i| {
                    let x = edges[self.next() as usize % edges.len()];
                    v | (x as u128) << (i * bits)
                })
            }

            fn v128(&mut self) -> V128 {
                match self.next() % 7 {
                    0 | 1 => (self.next() as u128) << 64 | self.next() as u128,
                    2 => self.lanes(E8, 8),
                    3 => self.lanes(E16, 16),
                    4 | 5 => self.lanes(E32, 32),
                    _ => self.lanes(E64, 64),
                }
            }

            /// A second operand: often equal to `a`, or `a` with one lane
            /// changed, so that equal lanes are common.
            fn other(&mut self, a: V128) -> V128 {
                match self.next() % 8 {
                    0 => a,
                    1 => a ^ (self.v128() & (0xff << (self.next() % 16 * 8))),
                    _ => self.v128(),
                }
            }
        }

        /// Results must be equal, except that float lanes (of `bits` bits)
        /// that are NaN in both need only agree on being quiet.
        fn same(bits: u32, x: V128, y: V128) -> bool {
            if bits == 0 {
                return x == y;
            }
            let m = u128::MAX >> (128 - bits);
            (0..128 / bits).all(|i| {
                let (a, b) = ((x >> (i * bits)) & m, (y >> (i * bits)) & m);
                let (nan_a, nan_b, q) = match bits {
                    32 => (
                        f32::from_bits(a as u32).is_nan(),
                        f32::from_bits(b as u32).is_nan(),
                        1u128 << 22,
                    ),
                    _ => (
                        f64::from_bits(a as u64).is_nan(),
                        f64::from_bits(b as u64).is_nan(),
                        1u128 << 51,
                    ),
                };
                if nan_a && nan_b {
                    a & q == b & q || a & q != 0
                } else {
                    a == b
                }
            })
        }

        fn binary(bits: u32, name: &str, f: fn(V128, V128) -> V128, g: fn(V128, V128) -> V128) {
            let mut rng = Rng::new(name);
            for _ in 0..N {
                let a = rng.v128();
                let b = rng.other(a);
                let (x, y) = (f(a, b), g(a, b));
                assert!(
                    same(bits, x, y),
                    "{name}({a:#034x}, {b:#034x}) = {x:#034x}, portable {y:#034x}"
                );
            }
        }

        fn unary(bits: u32, name: &str, f: fn(V128) -> V128, g: fn(V128) -> V128) {
            let mut rng = Rng::new(name);
            for _ in 0..N {
                let a = rng.v128();
                let (x, y) = (f(a), g(a));
                assert!(
                    same(bits, x, y),
                    "{name}({a:#034x}) = {x:#034x}, portable {y:#034x}"
                );
            }
        }

        pub(super) fn vv(name: &str, f: fn(V128, V128) -> V128, g: fn(V128, V128) -> V128) {
            binary(0, name, f, g)
        }

        pub(super) fn vv_f32(name: &str, f: fn(V128, V128) -> V128, g: fn(V128, V128) -> V128) {
            binary(32, name, f, g)
        }

        pub(super) fn vv_f64(name: &str, f: fn(V128, V128) -> V128, g: fn(V128, V128) -> V128) {
            binary(64, name, f, g)
        }

        pub(super) fn v(name: &str, f: fn(V128) -> V128, g: fn(V128) -> V128) {
            unary(0, name, f, g)
        }

        pub(super) fn v_f32(name: &str, f: fn(V128) -> V128, g: fn(V128) -> V128) {
            unary(32, name, f, g)
        }

        pub(super) fn v_f64(name: &str, f: fn(V128) -> V128, g: fn(V128) -> V128) {
            unary(64, name, f, g)
        }

        pub(super) fn shift(name: &str, f: fn(V128, i32) -> V128, g: fn(V128, i32) -> V128) {
            let mut rng = Rng::new(name);
            let random: [i32; 200] = core::array::from_fn(|_| rng.next() as i32);
            let counts = (-70..=70).chain([i32::MIN, i32::MIN + 1, i32::MAX, 0x100, 0x107]);
            for n in counts.chain(random) {
                for _ in 0..30 {
                    let a = rng.v128();
                    let (x, y) = (f(a, n), g(a, n));
                    assert_eq!(
                        x, y,
                        "{name}({a:#034x}, {n}) = {x:#034x}, portable {y:#034x}"
                    );
                }
            }
        }

        pub(super) fn test(name: &str, f: fn(V128) -> i32, g: fn(V128) -> i32) {
            let mut rng = Rng::new(name);
            let special = [0, u128::MAX, 1, 1 << 127, 1 << 63, 1 << 64];
            for i in 0..special.len() + N {
                let a = special.get(i).copied().unwrap_or_else(|| rng.v128());
                // Also with a byte cleared, or every byte set, so that both
                // answers of `all_true` are common.
                let byte = 0xffu128 << (rng.next() % 16 * 8);
                for a in [a, a & !byte, a | (u128::MAX / 0xff)] {
                    let (x, y) = (f(a), g(a));
                    assert_eq!(x, y, "{name}({a:#034x}) = {x}, portable {y}");
                }
            }
        }

        #[allow(dead_code)] // only x86_64 accelerates `v128.bitselect`
        pub(super) fn select(
            name: &str,
            f: fn(V128, V128, V128) -> V128,
            g: fn(V128, V128, V128) -> V128,
        ) {
            let mut rng = Rng::new(name);
            for _ in 0..N {
                let (a, b, c) = (rng.v128(), rng.v128(), rng.v128());
                assert_eq!(f(a, b, c), g(a, b, c), "{name}({a:#x}, {b:#x}, {c:#x})");
            }
        }

        #[allow(dead_code)] // only aarch64 accelerates `i8x16.shuffle`
        pub(super) fn shuffle(
            name: &str,
            f: fn(V128, V128, [u8; 16]) -> V128,
            g: fn(V128, V128, [u8; 16]) -> V128,
        ) {
            let mut rng = Rng::new(name);
            for i in 0..N {
                let (a, b) = (rng.v128(), rng.v128());
                let mut lanes = rng.v128().to_le_bytes();
                if i % 2 == 0 {
                    lanes.iter_mut().for_each(|l| *l &= 31);
                }
                assert_eq!(
                    f(a, b, lanes),
                    g(a, b, lanes),
                    "{name}({a:#x}, {b:#x}, {lanes:?})"
                );
            }
        }
    }
}
