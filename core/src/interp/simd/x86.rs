//! SSE2 versions of the operators that `for_each_accelerated!` lists for
//! x86_64. SSE2 is part of the x86_64 baseline, so every x86_64 CPU has it
//! and no runtime detection is needed; nothing newer (SSSE3, SSE4.1) is
//! used. Each function has the signature and the exact semantics of its
//! namesake in `portable`, which the tests in `simd` check.
use super::V128;
use core::arch::x86_64::*;
use core::mem::transmute;

/// The SSE register types, viewed as a [`V128`]: both are 16 bytes of plain
/// data, and lane `i` of a register is at byte `i * width` in memory, as in
/// a little-endian `u128`.
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

reg!(__m128i, __m128, __m128d);

/// Functions whose bodies call SSE2 intrinsics, inside one `unsafe` block.
macro_rules! sse2 {
    ($($(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $t:ty),*) -> $r:ty $body:block)*) => {$(
        $(#[$attr])*
        #[inline(always)]
        $vis fn $name($($arg: $t),*) -> $r {
            // SAFETY: the intrinsics called need only SSE2, which every
            // x86_64 target enables; none of them accesses memory.
            unsafe { $body }
        }
    )*};
}

/// Operators that are a single intrinsic on the integer registers.
macro_rules! binary {
    ($($name:ident = $f:ident;)*) => {
        sse2! {$(
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                $f(Reg::of(a), Reg::of(b)).v()
            }
        )*}
    };
}

binary! {
    i8x16_add = _mm_add_epi8;
    i16x8_add = _mm_add_epi16;
    i32x4_add = _mm_add_epi32;
    i64x2_add = _mm_add_epi64;
    i8x16_sub = _mm_sub_epi8;
    i16x8_sub = _mm_sub_epi16;
    i32x4_sub = _mm_sub_epi32;
    i64x2_sub = _mm_sub_epi64;
    i8x16_add_sat_s = _mm_adds_epi8;
    i8x16_add_sat_u = _mm_adds_epu8;
    i16x8_add_sat_s = _mm_adds_epi16;
    i16x8_add_sat_u = _mm_adds_epu16;
    i8x16_sub_sat_s = _mm_subs_epi8;
    i8x16_sub_sat_u = _mm_subs_epu8;
    i16x8_sub_sat_s = _mm_subs_epi16;
    i16x8_sub_sat_u = _mm_subs_epu16;
    i8x16_min_u = _mm_min_epu8;
    i8x16_max_u = _mm_max_epu8;
    i16x8_min_s = _mm_min_epi16;
    i16x8_max_s = _mm_max_epi16;
    // `pavg` computes `(a + b + 1) >> 1` without overflow.
    i8x16_avgr_u = _mm_avg_epu8;
    i16x8_avgr_u = _mm_avg_epu16;
    i16x8_mul = _mm_mullo_epi16;
    // `pmaddwd` wraps its one overflow (all four inputs `i16::MIN`), as
    // `i32x4.dot_i16x8_s` does.
    i32x4_dot_i16x8_s = _mm_madd_epi16;
    i8x16_eq = _mm_cmpeq_epi8;
    i16x8_eq = _mm_cmpeq_epi16;
    i32x4_eq = _mm_cmpeq_epi32;
    i8x16_narrow_i16x8_s = _mm_packs_epi16;
    i8x16_narrow_i16x8_u = _mm_packus_epi16;
    i16x8_narrow_i32x4_s = _mm_packs_epi32;
    v128_and = _mm_and_si128;
    v128_or = _mm_or_si128;
    v128_xor = _mm_xor_si128;
}

sse2! {
    fn not(x: __m128i) -> __m128i {
        _mm_xor_si128(x, _mm_set1_epi32(-1))
    }

    /// Lanes of `x` where `m` is all-ones, of `y` where it is zero.
    fn select(m: __m128i, x: __m128i, y: __m128i) -> __m128i {
        _mm_or_si128(_mm_and_si128(m, x), _mm_andnot_si128(m, y))
    }

    // Flipping the top bit of each lane maps unsigned order onto signed
    // order and back.
    fn flip8(x: __m128i) -> __m128i {
        _mm_xor_si128(x, _mm_set1_epi8(i8::MIN))
    }

    fn flip16(x: __m128i) -> __m128i {
        _mm_xor_si128(x, _mm_set1_epi16(i16::MIN))
    }

    fn flip32(x: __m128i) -> __m128i {
        _mm_xor_si128(x, _mm_set1_epi32(i32::MIN))
    }

    /// `a & !b`.
    pub(crate) fn v128_andnot(a: V128, b: V128) -> V128 {
        _mm_andnot_si128(Reg::of(b), Reg::of(a)).v()
    }

    // Min/max missing from SSE2: through the other signedness, or a select.
    pub(crate) fn i8x16_min_s(a: V128, b: V128) -> V128 {
        flip8(_mm_min_epu8(flip8(Reg::of(a)), flip8(Reg::of(b)))).v()
    }

    pub(crate) fn i8x16_max_s(a: V128, b: V128) -> V128 {
        flip8(_mm_max_epu8(flip8(Reg::of(a)), flip8(Reg::of(b)))).v()
    }

    pub(crate) fn i16x8_min_u(a: V128, b: V128) -> V128 {
        flip16(_mm_min_epi16(flip16(Reg::of(a)), flip16(Reg::of(b)))).v()
    }

    pub(crate) fn i16x8_max_u(a: V128, b: V128) -> V128 {
        flip16(_mm_max_epi16(flip16(Reg::of(a)), flip16(Reg::of(b)))).v()
    }

    pub(crate) fn i32x4_min_s(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        select(_mm_cmpgt_epi32(a, b), b, a).v()
    }

    pub(crate) fn i32x4_max_s(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        select(_mm_cmpgt_epi32(a, b), a, b).v()
    }

    pub(crate) fn i32x4_min_u(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        select(_mm_cmpgt_epi32(flip32(a), flip32(b)), b, a).v()
    }

    pub(crate) fn i32x4_max_u(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        select(_mm_cmpgt_epi32(flip32(a), flip32(b)), a, b).v()
    }

    /// `pmuludq` multiplies lanes 0 and 2; lanes 1 and 3 are shifted down
    /// to be multiplied the same way, and the low halves interleaved.
    pub(crate) fn i32x4_mul(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let even = _mm_mul_epu32(a, b);
        let odd = _mm_mul_epu32(_mm_srli_epi64::<32>(a), _mm_srli_epi64::<32>(b));
        let even = _mm_shuffle_epi32::<0b00_00_10_00>(even);
        let odd = _mm_shuffle_epi32::<0b00_00_10_00>(odd);
        _mm_unpacklo_epi32(even, odd).v()
    }

    /// `(a * b + 0x4000) >> 15` from the two halves of the product: bits
    /// 15..31 plus the rounding bit 14. Only `i16::MIN * i16::MIN`
    /// overflows, to 0x8000, which no other input yields.
    pub(crate) fn i16x8_q15mulr_sat_s(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let (hi, lo) = (_mm_mulhi_epi16(a, b), _mm_mullo_epi16(a, b));
        let q = _mm_or_si128(_mm_slli_epi16::<1>(hi), _mm_srli_epi16::<15>(lo));
        let round = _mm_and_si128(_mm_srli_epi16::<14>(lo), _mm_set1_epi16(1));
        let r = _mm_add_epi16(q, round);
        _mm_xor_si128(r, _mm_cmpeq_epi16(r, _mm_set1_epi16(i16::MIN))).v()
    }

    /// Clamps negative lanes to 0, moves `0..` down by 0x8000 so that
    /// `packssdw` saturates at 0xffff - 0x8000, and moves back.
    pub(crate) fn i16x8_narrow_i32x4_u(a: V128, b: V128) -> V128 {
        let f = |x: __m128i| {
            let x = _mm_andnot_si128(_mm_srai_epi32::<31>(x), x);
            _mm_sub_epi32(x, _mm_set1_epi32(0x8000))
        };
        flip16(_mm_packs_epi32(f(Reg::of(a)), f(Reg::of(b)))).v()
    }

    pub(crate) fn i8x16_abs(x: V128) -> V128 {
        let x = Reg::of(x);
        // As unsigned, `|x|` is the smaller of `x` and `-x` (and `MIN` stays).
        _mm_min_epu8(x, _mm_sub_epi8(_mm_setzero_si128(), x)).v()
    }

    pub(crate) fn i16x8_abs(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_max_epi16(x, _mm_sub_epi16(_mm_setzero_si128(), x)).v()
    }

    pub(crate) fn i32x4_abs(x: V128) -> V128 {
        let x = Reg::of(x);
        let s = _mm_srai_epi32::<31>(x);
        _mm_sub_epi32(_mm_xor_si128(x, s), s).v()
    }

    pub(crate) fn i64x2_abs(x: V128) -> V128 {
        let x = Reg::of(x);
        // The sign of each 64-bit lane, from its high 32-bit half.
        let s = _mm_shuffle_epi32::<0b11_11_01_01>(_mm_srai_epi32::<31>(x));
        _mm_sub_epi64(_mm_xor_si128(x, s), s).v()
    }

    pub(crate) fn i8x16_neg(x: V128) -> V128 {
        _mm_sub_epi8(_mm_setzero_si128(), Reg::of(x)).v()
    }

    pub(crate) fn i16x8_neg(x: V128) -> V128 {
        _mm_sub_epi16(_mm_setzero_si128(), Reg::of(x)).v()
    }

    pub(crate) fn i32x4_neg(x: V128) -> V128 {
        _mm_sub_epi32(_mm_setzero_si128(), Reg::of(x)).v()
    }

    pub(crate) fn i64x2_neg(x: V128) -> V128 {
        _mm_sub_epi64(_mm_setzero_si128(), Reg::of(x)).v()
    }

    /// Bit-parallel count in 2-, 4-, then 8-bit fields. The 16-bit shifts
    /// pull bits across byte boundaries only into positions the masks
    /// clear.
    pub(crate) fn i8x16_popcnt(x: V128) -> V128 {
        let x = Reg::of(x);
        let m1 = _mm_set1_epi8(0x55);
        let m2 = _mm_set1_epi8(0x33);
        let x = _mm_sub_epi8(x, _mm_and_si128(_mm_srli_epi16::<1>(x), m1));
        let x = _mm_add_epi8(_mm_and_si128(x, m2), _mm_and_si128(_mm_srli_epi16::<2>(x), m2));
        let x = _mm_add_epi8(x, _mm_srli_epi16::<4>(x));
        _mm_and_si128(x, _mm_set1_epi8(0x0f)).v()
    }

    // Extends: interleave with zero, or with the lanes themselves and
    // shift the copy in the high half down arithmetically.
    pub(crate) fn i16x8_extend_low_i8x16_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_srai_epi16::<8>(_mm_unpacklo_epi8(x, x)).v()
    }

    pub(crate) fn i16x8_extend_high_i8x16_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_srai_epi16::<8>(_mm_unpackhi_epi8(x, x)).v()
    }

    pub(crate) fn i16x8_extend_low_i8x16_u(x: V128) -> V128 {
        _mm_unpacklo_epi8(Reg::of(x), _mm_setzero_si128()).v()
    }

    pub(crate) fn i16x8_extend_high_i8x16_u(x: V128) -> V128 {
        _mm_unpackhi_epi8(Reg::of(x), _mm_setzero_si128()).v()
    }

    pub(crate) fn i32x4_extend_low_i16x8_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_srai_epi32::<16>(_mm_unpacklo_epi16(x, x)).v()
    }

    pub(crate) fn i32x4_extend_high_i16x8_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_srai_epi32::<16>(_mm_unpackhi_epi16(x, x)).v()
    }

    pub(crate) fn i32x4_extend_low_i16x8_u(x: V128) -> V128 {
        _mm_unpacklo_epi16(Reg::of(x), _mm_setzero_si128()).v()
    }

    pub(crate) fn i32x4_extend_high_i16x8_u(x: V128) -> V128 {
        _mm_unpackhi_epi16(Reg::of(x), _mm_setzero_si128()).v()
    }

    pub(crate) fn i64x2_extend_low_i32x4_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_unpacklo_epi32(x, _mm_srai_epi32::<31>(x)).v()
    }

    pub(crate) fn i64x2_extend_high_i32x4_s(x: V128) -> V128 {
        let x = Reg::of(x);
        _mm_unpackhi_epi32(x, _mm_srai_epi32::<31>(x)).v()
    }

    pub(crate) fn i64x2_extend_low_i32x4_u(x: V128) -> V128 {
        _mm_unpacklo_epi32(Reg::of(x), _mm_setzero_si128()).v()
    }

    pub(crate) fn i64x2_extend_high_i32x4_u(x: V128) -> V128 {
        _mm_unpackhi_epi32(Reg::of(x), _mm_setzero_si128()).v()
    }

    // Extending multiplies: i8 products fit `pmullw` after extending; i16
    // products are interleaved from their low and high halves; `pmuludq`
    // multiplies u32 lanes 0 and 2, where the shuffles put the inputs.
    pub(crate) fn i16x8_extmul_low_i8x16_s(a: V128, b: V128) -> V128 {
        let (a, b) = (i16x8_extend_low_i8x16_s(a), i16x8_extend_low_i8x16_s(b));
        _mm_mullo_epi16(Reg::of(a), Reg::of(b)).v()
    }

    pub(crate) fn i16x8_extmul_high_i8x16_s(a: V128, b: V128) -> V128 {
        let (a, b) = (i16x8_extend_high_i8x16_s(a), i16x8_extend_high_i8x16_s(b));
        _mm_mullo_epi16(Reg::of(a), Reg::of(b)).v()
    }

    pub(crate) fn i16x8_extmul_low_i8x16_u(a: V128, b: V128) -> V128 {
        let (a, b) = (i16x8_extend_low_i8x16_u(a), i16x8_extend_low_i8x16_u(b));
        _mm_mullo_epi16(Reg::of(a), Reg::of(b)).v()
    }

    pub(crate) fn i16x8_extmul_high_i8x16_u(a: V128, b: V128) -> V128 {
        let (a, b) = (i16x8_extend_high_i8x16_u(a), i16x8_extend_high_i8x16_u(b));
        _mm_mullo_epi16(Reg::of(a), Reg::of(b)).v()
    }

    pub(crate) fn i32x4_extmul_low_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        _mm_unpacklo_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epi16(a, b)).v()
    }

    pub(crate) fn i32x4_extmul_high_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        _mm_unpackhi_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epi16(a, b)).v()
    }

    pub(crate) fn i32x4_extmul_low_i16x8_u(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        _mm_unpacklo_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epu16(a, b)).v()
    }

    pub(crate) fn i32x4_extmul_high_i16x8_u(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        _mm_unpackhi_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epu16(a, b)).v()
    }

    pub(crate) fn i64x2_extmul_low_i32x4_u(a: V128, b: V128) -> V128 {
        let a = _mm_shuffle_epi32::<0b00_01_00_00>(Reg::of(a));
        let b = _mm_shuffle_epi32::<0b00_01_00_00>(Reg::of(b));
        _mm_mul_epu32(a, b).v()
    }

    pub(crate) fn i64x2_extmul_high_i32x4_u(a: V128, b: V128) -> V128 {
        let a = _mm_shuffle_epi32::<0b00_11_00_10>(Reg::of(a));
        let b = _mm_shuffle_epi32::<0b00_11_00_10>(Reg::of(b));
        _mm_mul_epu32(a, b).v()
    }

    pub(crate) fn i16x8_extadd_pairwise_i8x16_s(x: V128) -> V128 {
        let x = Reg::of(x);
        let even = _mm_srai_epi16::<8>(_mm_slli_epi16::<8>(x));
        _mm_add_epi16(even, _mm_srai_epi16::<8>(x)).v()
    }

    pub(crate) fn i16x8_extadd_pairwise_i8x16_u(x: V128) -> V128 {
        let x = Reg::of(x);
        let even = _mm_and_si128(x, _mm_set1_epi16(0xff));
        _mm_add_epi16(even, _mm_srli_epi16::<8>(x)).v()
    }

    pub(crate) fn i32x4_extadd_pairwise_i16x8_s(x: V128) -> V128 {
        _mm_madd_epi16(Reg::of(x), _mm_set1_epi16(1)).v()
    }

    /// Summed as signed after moving each lane down by 0x8000, then moved
    /// back up by twice that.
    pub(crate) fn i32x4_extadd_pairwise_i16x8_u(x: V128) -> V128 {
        let sum = _mm_madd_epi16(flip16(Reg::of(x)), _mm_set1_epi16(1));
        _mm_add_epi32(sum, _mm_set1_epi32(0x1_0000)).v()
    }

    // Shifts take the count from a register, masked to the lane width.
    pub(crate) fn i16x8_shl(v: V128, n: i32) -> V128 {
        _mm_sll_epi16(Reg::of(v), _mm_cvtsi32_si128(n & 15)).v()
    }

    pub(crate) fn i32x4_shl(v: V128, n: i32) -> V128 {
        _mm_sll_epi32(Reg::of(v), _mm_cvtsi32_si128(n & 31)).v()
    }

    pub(crate) fn i64x2_shl(v: V128, n: i32) -> V128 {
        _mm_sll_epi64(Reg::of(v), _mm_cvtsi32_si128(n & 63)).v()
    }

    pub(crate) fn i16x8_shr_s(v: V128, n: i32) -> V128 {
        _mm_sra_epi16(Reg::of(v), _mm_cvtsi32_si128(n & 15)).v()
    }

    pub(crate) fn i32x4_shr_s(v: V128, n: i32) -> V128 {
        _mm_sra_epi32(Reg::of(v), _mm_cvtsi32_si128(n & 31)).v()
    }

    pub(crate) fn i16x8_shr_u(v: V128, n: i32) -> V128 {
        _mm_srl_epi16(Reg::of(v), _mm_cvtsi32_si128(n & 15)).v()
    }

    pub(crate) fn i32x4_shr_u(v: V128, n: i32) -> V128 {
        _mm_srl_epi32(Reg::of(v), _mm_cvtsi32_si128(n & 31)).v()
    }

    pub(crate) fn i64x2_shr_u(v: V128, n: i32) -> V128 {
        _mm_srl_epi64(Reg::of(v), _mm_cvtsi32_si128(n & 63)).v()
    }

    /// Logical shift, then sign extension from the shifted sign bit `m`:
    /// `(x ^ m) - m`.
    pub(crate) fn i64x2_shr_s(v: V128, n: i32) -> V128 {
        let n = _mm_cvtsi32_si128(n & 63);
        let m = _mm_srl_epi64(_mm_set1_epi64x(i64::MIN), n);
        let x = _mm_srl_epi64(Reg::of(v), n);
        _mm_sub_epi64(_mm_xor_si128(x, m), m).v()
    }

    // 8-bit shifts: a 16-bit shift, then a mask clears the bits that
    // crossed from the neighbouring byte.
    pub(crate) fn i8x16_shl(v: V128, n: i32) -> V128 {
        let n = n & 7;
        let x = _mm_sll_epi16(Reg::of(v), _mm_cvtsi32_si128(n));
        _mm_and_si128(x, _mm_set1_epi8((0xff << n) as u8 as i8)).v()
    }

    pub(crate) fn i8x16_shr_u(v: V128, n: i32) -> V128 {
        let n = n & 7;
        let x = _mm_srl_epi16(Reg::of(v), _mm_cvtsi32_si128(n));
        _mm_and_si128(x, _mm_set1_epi8((0xff >> n) as u8 as i8)).v()
    }

    /// Each byte doubled into the high half of a 16-bit lane, shifted
    /// arithmetically by 8 more, and packed back (in range, so exact).
    pub(crate) fn i8x16_shr_s(v: V128, n: i32) -> V128 {
        let (x, n) = (Reg::of(v), _mm_cvtsi32_si128((n & 7) + 8));
        let lo = _mm_sra_epi16(_mm_unpacklo_epi8(x, x), n);
        let hi = _mm_sra_epi16(_mm_unpackhi_epi8(x, x), n);
        _mm_packs_epi16(lo, hi).v()
    }

    // Reductions.
    pub(crate) fn i8x16_bitmask(v: V128) -> i32 {
        _mm_movemask_epi8(Reg::of(v))
    }

    /// Signed saturation keeps each lane's sign in its byte.
    pub(crate) fn i16x8_bitmask(v: V128) -> i32 {
        _mm_movemask_epi8(_mm_packs_epi16(Reg::of(v), _mm_setzero_si128()))
    }

    pub(crate) fn i32x4_bitmask(v: V128) -> i32 {
        _mm_movemask_ps(Reg::of(v))
    }

    pub(crate) fn i64x2_bitmask(v: V128) -> i32 {
        _mm_movemask_pd(Reg::of(v))
    }

    pub(crate) fn i8x16_all_true(v: V128) -> i32 {
        let zero = _mm_cmpeq_epi8(Reg::of(v), _mm_setzero_si128());
        (_mm_movemask_epi8(zero) == 0) as i32
    }

    pub(crate) fn i16x8_all_true(v: V128) -> i32 {
        let zero = _mm_cmpeq_epi16(Reg::of(v), _mm_setzero_si128());
        (_mm_movemask_epi8(zero) == 0) as i32
    }

    pub(crate) fn i32x4_all_true(v: V128) -> i32 {
        let zero = _mm_cmpeq_epi32(Reg::of(v), _mm_setzero_si128());
        (_mm_movemask_epi8(zero) == 0) as i32
    }

    // Float operators. `minps(x, y)` is `x < y ? x : y` and `maxps(x, y)`
    // is `x > y ? x : y`, so with swapped operands they are exactly
    // `pmin` (`b < a ? b : a`) and `pmax` (`a < b ? b : a`).
    pub(crate) fn f32x4_pmin(a: V128, b: V128) -> V128 {
        _mm_min_ps(Reg::of(b), Reg::of(a)).v()
    }

    pub(crate) fn f32x4_pmax(a: V128, b: V128) -> V128 {
        _mm_max_ps(Reg::of(b), Reg::of(a)).v()
    }

    pub(crate) fn f64x2_pmin(a: V128, b: V128) -> V128 {
        _mm_min_pd(Reg::of(b), Reg::of(a)).v()
    }

    pub(crate) fn f64x2_pmax(a: V128, b: V128) -> V128 {
        _mm_max_pd(Reg::of(b), Reg::of(a)).v()
    }

    // `min`/`max`: `minps` both ways round agree except on ±0 (each returns
    // its second operand), where OR gives -0 for min and AND gives +0 for
    // max; lanes with a NaN operand become the canonical NaN.
    pub(crate) fn f32x4_min(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let r = _mm_or_ps(_mm_min_ps(a, b), _mm_min_ps(b, a));
        nan32(a, b, r).v()
    }

    pub(crate) fn f32x4_max(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let r = _mm_and_ps(_mm_max_ps(a, b), _mm_max_ps(b, a));
        nan32(a, b, r).v()
    }

    pub(crate) fn f64x2_min(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let r = _mm_or_pd(_mm_min_pd(a, b), _mm_min_pd(b, a));
        nan64(a, b, r).v()
    }

    pub(crate) fn f64x2_max(a: V128, b: V128) -> V128 {
        let (a, b) = (Reg::of(a), Reg::of(b));
        let r = _mm_and_pd(_mm_max_pd(a, b), _mm_max_pd(b, a));
        nan64(a, b, r).v()
    }

    /// `r`, with the canonical NaN in the lanes where `a` or `b` is NaN.
    fn nan32(a: __m128, b: __m128, r: __m128) -> __m128 {
        let nan = _mm_cmpunord_ps(a, b);
        _mm_or_ps(_mm_andnot_ps(nan, r), _mm_and_ps(nan, _mm_set1_ps(f32::NAN)))
    }

    fn nan64(a: __m128d, b: __m128d, r: __m128d) -> __m128d {
        let nan = _mm_cmpunord_pd(a, b);
        _mm_or_pd(_mm_andnot_pd(nan, r), _mm_and_pd(nan, _mm_set1_pd(f64::NAN)))
    }

    /// `cvttps2dq` yields 0x8000_0000 for NaN and out-of-range lanes: those
    /// at or above 2^31 become `i32::MAX`, NaNs 0.
    pub(crate) fn i32x4_trunc_sat_f32x4_s(v: V128) -> V128 {
        let x: __m128 = Reg::of(v);
        let r = _mm_cvttps_epi32(x);
        let over = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(2147483648.0)));
        let r = _mm_xor_si128(r, over);
        _mm_and_si128(r, _mm_castps_si128(_mm_cmpord_ps(x, x))).v()
    }

    /// NaN and negative lanes clamped to 0 by `maxps` (which returns its
    /// second operand for NaN); lanes at or above 2^31 converted after
    /// subtracting 2^31, then that added back; lanes at or above 2^32 all
    /// ones.
    pub(crate) fn i32x4_trunc_sat_f32x4_u(v: V128) -> V128 {
        let x = _mm_max_ps(Reg::of(v), _mm_setzero_ps());
        let two31 = _mm_set1_ps(2147483648.0);
        let lo = _mm_cvttps_epi32(x);
        let hi = flip32(_mm_cvttps_epi32(_mm_sub_ps(x, two31)));
        let r = select(_mm_castps_si128(_mm_cmpge_ps(x, two31)), hi, lo);
        let over = _mm_cmpge_ps(x, _mm_set1_ps(4294967296.0));
        _mm_or_si128(r, _mm_castps_si128(over)).v()
    }

    /// The high and low 16 bits convert exactly; their sum rounds once.
    pub(crate) fn f32x4_convert_i32x4_u(v: V128) -> V128 {
        let x = Reg::of(v);
        let hi = _mm_cvtepi32_ps(_mm_srli_epi32::<16>(x));
        let lo = _mm_cvtepi32_ps(_mm_and_si128(x, _mm_set1_epi32(0xffff)));
        _mm_add_ps(_mm_mul_ps(hi, _mm_set1_ps(65536.0)), lo).v()
    }

    pub(crate) fn f32x4_convert_i32x4_s(v: V128) -> V128 {
        _mm_cvtepi32_ps(Reg::of(v)).v()
    }

    pub(crate) fn f64x2_convert_low_i32x4_s(v: V128) -> V128 {
        _mm_cvtepi32_pd(Reg::of(v)).v()
    }

    /// Rounds to nearest and quiets NaNs; the upper two lanes are zeroed.
    pub(crate) fn f32x4_demote_f64x2_zero(v: V128) -> V128 {
        _mm_cvtpd_ps(Reg::of(v)).v()
    }
}

// Operators composed of the SSE2 helpers only.

#[inline(always)]
pub(crate) fn v128_not(a: V128) -> V128 {
    not(Reg::of(a)).v()
}

#[inline(always)]
pub(crate) fn v128_bitselect(a: V128, b: V128, c: V128) -> V128 {
    select(Reg::of(c), Reg::of(a), Reg::of(b)).v()
}

// Signed and unsigned comparisons from `pcmpeq` and `pcmpgt`, the unsigned
// ones through `flip`; `ne`, `le` and `ge` are complements.
macro_rules! compares {
    ($($ne:ident, $lt_s:ident, $lt_u:ident, $gt_s:ident, $gt_u:ident,
       $le_s:ident, $le_u:ident, $ge_s:ident, $ge_u:ident:
       $cmpeq:ident, $cmpgt:ident, $flip:ident;)*) => {$(
        sse2! {
            pub(crate) fn $ne(a: V128, b: V128) -> V128 {
                not($cmpeq(Reg::of(a), Reg::of(b))).v()
            }

            pub(crate) fn $gt_s(a: V128, b: V128) -> V128 {
                $cmpgt(Reg::of(a), Reg::of(b)).v()
            }

            pub(crate) fn $lt_s(a: V128, b: V128) -> V128 {
                $cmpgt(Reg::of(b), Reg::of(a)).v()
            }

            pub(crate) fn $le_s(a: V128, b: V128) -> V128 {
                not($cmpgt(Reg::of(a), Reg::of(b))).v()
            }

            pub(crate) fn $ge_s(a: V128, b: V128) -> V128 {
                not($cmpgt(Reg::of(b), Reg::of(a))).v()
            }

            pub(crate) fn $gt_u(a: V128, b: V128) -> V128 {
                $cmpgt($flip(Reg::of(a)), $flip(Reg::of(b))).v()
            }

            pub(crate) fn $lt_u(a: V128, b: V128) -> V128 {
                $cmpgt($flip(Reg::of(b)), $flip(Reg::of(a))).v()
            }

            pub(crate) fn $le_u(a: V128, b: V128) -> V128 {
                not($cmpgt($flip(Reg::of(a)), $flip(Reg::of(b)))).v()
            }

            pub(crate) fn $ge_u(a: V128, b: V128) -> V128 {
                not($cmpgt($flip(Reg::of(b)), $flip(Reg::of(a)))).v()
            }
        }
    )*};
}

compares! {
    i8x16_ne, i8x16_lt_s, i8x16_lt_u, i8x16_gt_s, i8x16_gt_u,
    i8x16_le_s, i8x16_le_u, i8x16_ge_s, i8x16_ge_u:
    _mm_cmpeq_epi8, _mm_cmpgt_epi8, flip8;
    i16x8_ne, i16x8_lt_s, i16x8_lt_u, i16x8_gt_s, i16x8_gt_u,
    i16x8_le_s, i16x8_le_u, i16x8_ge_s, i16x8_ge_u:
    _mm_cmpeq_epi16, _mm_cmpgt_epi16, flip16;
    i32x4_ne, i32x4_lt_s, i32x4_lt_u, i32x4_gt_s, i32x4_gt_u,
    i32x4_le_s, i32x4_le_u, i32x4_ge_s, i32x4_ge_u:
    _mm_cmpeq_epi32, _mm_cmpgt_epi32, flip32;
}
