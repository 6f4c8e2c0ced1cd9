//! Numeric semantics the executor needs beyond Rust's operators: the
//! WebAssembly rules for float min/max, rounding, and trapping float-to-int
//! conversions. Pure functions; no interpreter state.
use crate::vm::trap::TrapCode;

macro_rules! minmax {
    ($min:ident, $max:ident, $t:ty) => {
        /// WebAssembly `min`: NaN if either is NaN, and -0 < +0.
        #[inline]
        pub(crate) fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                // Equal values differ only in the sign of zero; `or` picks -0.
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }

        /// WebAssembly `max`: NaN if either is NaN, and +0 > -0.
        #[inline]
        pub(crate) fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
    };
}

minmax!(f32_min, f32_max, f32);
minmax!(f64_min, f64_max, f64);

macro_rules! rounding {
    ($($name:ident = $f:path : $t:ty;)*) => {$(
        /// Rounds as the wasm op requires; a NaN comes back quieted (an
        /// arithmetic NaN), which `libm` alone does not guarantee.
        #[inline]
        pub(crate) fn $name(x: $t) -> $t {
            if x.is_nan() {
                x + x
            } else {
                $f(x)
            }
        }
    )*};
}

rounding! {
    f32_ceil = libm::ceilf: f32;
    f32_floor = libm::floorf: f32;
    f32_trunc = libm::truncf: f32;
    // `rint` rounds half to even in the default rounding mode.
    f32_nearest = libm::rintf: f32;
    f32_sqrt = libm::sqrtf: f32;
    f64_ceil = libm::ceil: f64;
    f64_floor = libm::floor: f64;
    f64_trunc = libm::trunc: f64;
    f64_nearest = libm::rint: f64;
    f64_sqrt = libm::sqrt: f64;
}

/// `i32.div_s`: traps on zero and on `MIN / -1`.
#[inline]
pub(crate) fn i32_div_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
    }
}

/// `i64.div_s`: traps on zero and on `MIN / -1`.
#[inline]
pub(crate) fn i64_div_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
    }
}

macro_rules! trunc {
    ($name:ident, $from:ty, $to:ty, $lo:expr, $hi:expr) => {
        /// Trapping truncation: NaN and out-of-range inputs trap.
        #[inline]
        pub(crate) fn $name(x: $from) -> Result<$to, TrapCode> {
            if x.is_nan() {
                Err(TrapCode::BadConversionToInteger)
            } else if x > $lo && x < $hi {
                Ok(x as $to)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    };
}

// Bounds are exclusive and exactly representable in the source type.
trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0f32, 2147483648.0f32);
trunc!(i32_trunc_f32_u, f32, u32, -1.0f32, 4294967296.0f32);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0f64, 2147483648.0f64);
trunc!(i32_trunc_f64_u, f64, u32, -1.0f64, 4294967296.0f64);
trunc!(
    i64_trunc_f32_s,
    f32,
    i64,
    -9223373136366403584.0f32,
    9223372036854775808.0f32
);
trunc!(
    i64_trunc_f32_u,
    f32,
    u64,
    -1.0f32,
    18446744073709551616.0f32
);
trunc!(
    i64_trunc_f64_s,
    f64,
    i64,
    -9223372036854777856.0f64,
    9223372036854775808.0f64
);
trunc!(
    i64_trunc_f64_u,
    f64,
    u64,
    -1.0f64,
    18446744073709551616.0f64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_zero_and_nan() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f32_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_min(f64::NAN, 1.0).is_nan());
        assert_eq!(f64_max(1.0, 2.0), 2.0);
    }

    #[test]
    fn trunc_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f32_s(2147483648.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(
            i64_trunc_f64_s(f64::NAN),
            Err(TrapCode::BadConversionToInteger)
        );
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
    }

    #[test]
    fn rounding_quiets_signalling_nan() {
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_floor(snan).to_bits() & 0x0040_0000, 0x0040_0000);
        let snan = f64::from_bits(0x7ff4_0000_0000_0000);
        assert!(f64_nearest(snan).to_bits() & (1 << 51) != 0);
    }

    #[test]
    fn nearest_ties_to_even() {
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f64_nearest(-3.5), -4.0);
    }
}
