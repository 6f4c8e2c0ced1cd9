//! Handlers of the `v128` ops. A `v128` sits in two consecutive frame
//! slots, low half first; the lane semantics come from `interp::simd`, so
//! this module only moves values between slots, memory and those
//! functions. Its `unsafe` rests on the dispatch contract in the parent's
//! docs, through the same macros (`fields!`, `slot!`, `mem_read!`, ...)
//! plus `slot128!`/`set_slot128!` for the two-slot values.
use super::*;
use crate::interp::simd::{self, V128};

/// Reads the `v128` in slots `s` and `s + 1` of the frame at `fp`.
///
/// # Safety
/// `s` is the first slot of a `v128` operand of an op of the function whose
/// frame `fp` is (so both slots are inside the frame).
#[inline(always)]
unsafe fn get128(fp: Fp, s: u16) -> V128 {
    // SAFETY: the caller's promise. On little-endian AArch64 the low slot's bytes come first,
    // so the pair is the `u128` itself and one `ldr q` reads it; on x86-64
    // LLVM already turns the two-slot form into one vector load where the
    // op wants one, and the `u128` load measured slower (callgrind).
    unsafe {
        if cfg!(all(target_arch = "aarch64", target_endian = "little")) {
            ptr::read_unaligned(fp.add(s as usize) as *const u128)
        } else {
            *fp.add(s as usize) as u128 | (*fp.add(s as usize + 1) as u128) << 64
        }
    }
}

/// Writes `v` to slots `s` and `s + 1` of the frame at `fp`.
///
/// # Safety
/// As for [`get128`].
#[inline(always)]
unsafe fn set128(fp: Fp, s: u16, v: V128) {
    // SAFETY: the caller's promise.
    unsafe {
        if cfg!(all(target_arch = "aarch64", target_endian = "little")) {
            ptr::write_unaligned(fp.add(s as usize) as *mut u128, v);
        } else {
            *fp.add(s as usize) = v as u64;
            *fp.add(s as usize + 1) = (v >> 64) as u64;
        }
    }
}

/// Reads the `v128` operand at slot `$s` of the running frame.
macro_rules! slot128 {
    ($fp:ident, $s:expr) => {{
        let s: u16 = $s;
        // SAFETY: `s` is a `v128` operand of the op being run, so both its
        // slots are inside the frame `fp` (dispatch contract).
        unsafe { get128($fp, s) }
    }};
}

/// Writes the `v128` result at slot `$s` of the running frame.
macro_rules! set_slot128 {
    ($fp:ident, $s:expr, $v:expr) => {{
        let (s, v): (u16, V128) = ($s, $v);
        // SAFETY: as in `slot128!`.
        unsafe { set128($fp, s, v) }
    }};
}

handler!(pub(super) V128Copy(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128Copy { dst, src });
    set_slot128!(fp, dst, slot128!(fp, src));
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) V128Select(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128Select { dst, cond, a, b });
    let v = if slot!(fp, cond) as u32 != 0 { slot128!(fp, a) } else { slot128!(fp, b) };
    set_slot128!(fp, dst, v);
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) V128GlobalGet(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128GlobalGet { dst, global });
    // SAFETY: `global` is a validated global index, so `ctx.globals` has
    // an entry for it: the live cell of that global, two slots wide (see
    // `GlobalEntity`).
    let v = unsafe {
        let cell = *ctx.globals.add(global as usize);
        *cell as u128 | (*cell.add(1) as u128) << 64
    };
    set_slot128!(fp, dst, v);
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) V128GlobalSet(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128GlobalSet { src, global });
    let v = slot128!(fp, src);
    // SAFETY: as in `V128GlobalGet`; cells are written only through these
    // raw pointers while code runs.
    unsafe {
        let cell = *ctx.globals.add(global as usize);
        *cell = v as u64;
        *cell.add(1) = (v >> 64) as u64;
    }
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) I8x16Shuffle(ip, fp, mem, len, acc, ctx) {
    fields!(ip, I8x16Shuffle { dst, lhs, rhs, lanes });
    let lanes = slot128!(fp, lanes).to_le_bytes();
    set_slot128!(fp, dst, simd::i8x16_shuffle(slot128!(fp, lhs), slot128!(fp, rhs), lanes));
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) V128Bitselect(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128Bitselect { dst, a, b, c });
    set_slot128!(fp, dst, simd::v128_bitselect(slot128!(fp, a), slot128!(fp, b), slot128!(fp, c)));
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

/// Loads of `$t` bytes converted to a `v128` by `$conv`.
macro_rules! simd_loads {
    ($($name:ident: $t:ty => |$v:ident| $conv:expr;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, addr, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            let $v = mem_read!(p, $t);
            set_slot128!(fp, dst, $conv);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

simd_loads! {
    V128Load: u128 => |v| v;
    V128Load8x8S: u64 => |v| simd::v128_load8x8_s(v);
    V128Load8x8U: u64 => |v| simd::v128_load8x8_u(v);
    V128Load16x4S: u64 => |v| simd::v128_load16x4_s(v);
    V128Load16x4U: u64 => |v| simd::v128_load16x4_u(v);
    V128Load32x2S: u64 => |v| simd::v128_load32x2_s(v);
    V128Load32x2U: u64 => |v| simd::v128_load32x2_u(v);
    V128Load8Splat: u8 => |v| simd::i8x16_splat(v as i32);
    V128Load16Splat: u16 => |v| simd::i16x8_splat(v as i32);
    V128Load32Splat: u32 => |v| simd::i32x4_splat(v as i32);
    V128Load64Splat: u64 => |v| simd::i64x2_splat(v as i64);
    V128Load32Zero: u32 => |v| v as u128;
    V128Load64Zero: u64 => |v| v as u128;
}

handler!(pub(super) V128Store(ip, fp, mem, len, acc, ctx) {
    fields!(ip, V128Store { addr, value, offset });
    let p = effective!(ctx, ip, fp, mem, len, addr, offset, 16);
    mem_write!(p, u128, slot128!(fp, value));
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

/// Lane loads: `$n` bytes from memory into lane `lane` (from the trailing
/// `Extra`) of a copy of `src`.
macro_rules! simd_load_lanes {
    ($($name:ident: $n:expr;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, addr, src, offset });
            let (lane, _) = extra!(ip);
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, $n);
            let mut bytes = slot128!(fp, src).to_le_bytes();
            // Validation bounds the lane; the mask keeps the copy inside
            // `bytes` regardless.
            let at = (lane as usize * $n) & 15;
            // SAFETY: `effective!` checked the `$n` bytes at `p`; `at + $n`
            // is at most 16 (`$n` is a lane width and `at` a multiple of
            // it below 16).
            unsafe { ptr::copy_nonoverlapping(p as *const u8, bytes.as_mut_ptr().add(at), $n) };
            set_slot128!(fp, dst, u128::from_le_bytes(bytes));
            dispatch!(next!(ip, 2), fp, mem, len, acc, ctx)
        });
    )*};
}

simd_load_lanes! {
    V128Load8Lane: 1;
    V128Load16Lane: 2;
    V128Load32Lane: 4;
    V128Load64Lane: 8;
}

/// Lane stores: lane `lane` of `value`, `$n` bytes, to memory.
macro_rules! simd_store_lanes {
    ($($name:ident: $n:expr;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { addr, value, lane, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, $n);
            let bytes = slot128!(fp, value).to_le_bytes();
            let at = (lane as usize * $n) & 15;
            // SAFETY: as in the lane loads, in the other direction.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr().add(at), p, $n) };
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

simd_store_lanes! {
    V128Store8Lane: 1;
    V128Store16Lane: 2;
    V128Store32Lane: 4;
    V128Store64Lane: 8;
}

macro_rules! simd_unary {
    ($($name:ident => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, src });
            set_slot128!(fp, dst, simd::$f(slot128!(fp, src)));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

macro_rules! simd_binary {
    ($($name:ident => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, lhs, rhs });
            set_slot128!(fp, dst, simd::$f(slot128!(fp, lhs), slot128!(fp, rhs)));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// `v128` to `i32`.
macro_rules! simd_reduce {
    ($($name:ident => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, src });
            set_slot!(fp, dst, simd::$f(slot128!(fp, src)) as u32 as u64);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// `v128` shifted by an `i32` count.
macro_rules! simd_shift {
    ($($name:ident => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, lhs, rhs });
            set_slot128!(fp, dst, simd::$f(slot128!(fp, lhs), slot!(fp, rhs) as u32 as i32));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

macro_rules! simd_splat {
    ($($name:ident: $t:ty => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, src });
            set_slot128!(fp, dst, simd::$f(<$t as SlotVal>::from_slot(slot!(fp, src))));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

macro_rules! simd_extract {
    ($($name:ident => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, src, lane });
            set_slot!(fp, dst, SlotVal::into_slot(simd::$f(slot128!(fp, src), lane)));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

macro_rules! simd_replace {
    ($($name:ident: $t:ty => $f:ident;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, src, val, lane });
            let x = <$t as SlotVal>::from_slot(slot!(fp, val));
            set_slot128!(fp, dst, simd::$f(slot128!(fp, src), lane, x));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

simd_unary! {
    V128Not => v128_not;
    I8x16Abs => i8x16_abs;
    I8x16Neg => i8x16_neg;
    I8x16Popcnt => i8x16_popcnt;
    I16x8ExtAddPairwiseI8x16S => i16x8_extadd_pairwise_i8x16_s;
    I16x8ExtAddPairwiseI8x16U => i16x8_extadd_pairwise_i8x16_u;
    I16x8Abs => i16x8_abs;
    I16x8Neg => i16x8_neg;
    I16x8ExtendLowI8x16S => i16x8_extend_low_i8x16_s;
    I16x8ExtendHighI8x16S => i16x8_extend_high_i8x16_s;
    I16x8ExtendLowI8x16U => i16x8_extend_low_i8x16_u;
    I16x8ExtendHighI8x16U => i16x8_extend_high_i8x16_u;
    I32x4ExtAddPairwiseI16x8S => i32x4_extadd_pairwise_i16x8_s;
    I32x4ExtAddPairwiseI16x8U => i32x4_extadd_pairwise_i16x8_u;
    I32x4Abs => i32x4_abs;
    I32x4Neg => i32x4_neg;
    I32x4ExtendLowI16x8S => i32x4_extend_low_i16x8_s;
    I32x4ExtendHighI16x8S => i32x4_extend_high_i16x8_s;
    I32x4ExtendLowI16x8U => i32x4_extend_low_i16x8_u;
    I32x4ExtendHighI16x8U => i32x4_extend_high_i16x8_u;
    I64x2Abs => i64x2_abs;
    I64x2Neg => i64x2_neg;
    I64x2ExtendLowI32x4S => i64x2_extend_low_i32x4_s;
    I64x2ExtendHighI32x4S => i64x2_extend_high_i32x4_s;
    I64x2ExtendLowI32x4U => i64x2_extend_low_i32x4_u;
    I64x2ExtendHighI32x4U => i64x2_extend_high_i32x4_u;
    F32x4Ceil => f32x4_ceil;
    F32x4Floor => f32x4_floor;
    F32x4Trunc => f32x4_trunc;
    F32x4Nearest => f32x4_nearest;
    F32x4Abs => f32x4_abs;
    F32x4Neg => f32x4_neg;
    F32x4Sqrt => f32x4_sqrt;
    F64x2Ceil => f64x2_ceil;
    F64x2Floor => f64x2_floor;
    F64x2Trunc => f64x2_trunc;
    F64x2Nearest => f64x2_nearest;
    F64x2Abs => f64x2_abs;
    F64x2Neg => f64x2_neg;
    F64x2Sqrt => f64x2_sqrt;
    I32x4TruncSatF32x4S => i32x4_trunc_sat_f32x4_s;
    I32x4TruncSatF32x4U => i32x4_trunc_sat_f32x4_u;
    F32x4ConvertI32x4S => f32x4_convert_i32x4_s;
    F32x4ConvertI32x4U => f32x4_convert_i32x4_u;
    I32x4TruncSatF64x2SZero => i32x4_trunc_sat_f64x2_s_zero;
    I32x4TruncSatF64x2UZero => i32x4_trunc_sat_f64x2_u_zero;
    F64x2ConvertLowI32x4S => f64x2_convert_low_i32x4_s;
    F64x2ConvertLowI32x4U => f64x2_convert_low_i32x4_u;
    F32x4DemoteF64x2Zero => f32x4_demote_f64x2_zero;
    F64x2PromoteLowF32x4 => f64x2_promote_low_f32x4;
}

simd_binary! {
    I8x16Swizzle => i8x16_swizzle;
    I8x16Eq => i8x16_eq;
    I8x16Ne => i8x16_ne;
    I8x16LtS => i8x16_lt_s;
    I8x16LtU => i8x16_lt_u;
    I8x16GtS => i8x16_gt_s;
    I8x16GtU => i8x16_gt_u;
    I8x16LeS => i8x16_le_s;
    I8x16LeU => i8x16_le_u;
    I8x16GeS => i8x16_ge_s;
    I8x16GeU => i8x16_ge_u;
    I16x8Eq => i16x8_eq;
    I16x8Ne => i16x8_ne;
    I16x8LtS => i16x8_lt_s;
    I16x8LtU => i16x8_lt_u;
    I16x8GtS => i16x8_gt_s;
    I16x8GtU => i16x8_gt_u;
    I16x8LeS => i16x8_le_s;
    I16x8LeU => i16x8_le_u;
    I16x8GeS => i16x8_ge_s;
    I16x8GeU => i16x8_ge_u;
    I32x4Eq => i32x4_eq;
    I32x4Ne => i32x4_ne;
    I32x4LtS => i32x4_lt_s;
    I32x4LtU => i32x4_lt_u;
    I32x4GtS => i32x4_gt_s;
    I32x4GtU => i32x4_gt_u;
    I32x4LeS => i32x4_le_s;
    I32x4LeU => i32x4_le_u;
    I32x4GeS => i32x4_ge_s;
    I32x4GeU => i32x4_ge_u;
    I64x2Eq => i64x2_eq;
    I64x2Ne => i64x2_ne;
    I64x2LtS => i64x2_lt_s;
    I64x2GtS => i64x2_gt_s;
    I64x2LeS => i64x2_le_s;
    I64x2GeS => i64x2_ge_s;
    F32x4Eq => f32x4_eq;
    F32x4Ne => f32x4_ne;
    F32x4Lt => f32x4_lt;
    F32x4Gt => f32x4_gt;
    F32x4Le => f32x4_le;
    F32x4Ge => f32x4_ge;
    F64x2Eq => f64x2_eq;
    F64x2Ne => f64x2_ne;
    F64x2Lt => f64x2_lt;
    F64x2Gt => f64x2_gt;
    F64x2Le => f64x2_le;
    F64x2Ge => f64x2_ge;
    V128And => v128_and;
    V128AndNot => v128_andnot;
    V128Or => v128_or;
    V128Xor => v128_xor;
    I8x16NarrowI16x8S => i8x16_narrow_i16x8_s;
    I8x16NarrowI16x8U => i8x16_narrow_i16x8_u;
    I8x16Add => i8x16_add;
    I8x16AddSatS => i8x16_add_sat_s;
    I8x16AddSatU => i8x16_add_sat_u;
    I8x16Sub => i8x16_sub;
    I8x16SubSatS => i8x16_sub_sat_s;
    I8x16SubSatU => i8x16_sub_sat_u;
    I8x16MinS => i8x16_min_s;
    I8x16MinU => i8x16_min_u;
    I8x16MaxS => i8x16_max_s;
    I8x16MaxU => i8x16_max_u;
    I8x16AvgrU => i8x16_avgr_u;
    I16x8Q15MulrSatS => i16x8_q15mulr_sat_s;
    I16x8NarrowI32x4S => i16x8_narrow_i32x4_s;
    I16x8NarrowI32x4U => i16x8_narrow_i32x4_u;
    I16x8Add => i16x8_add;
    I16x8AddSatS => i16x8_add_sat_s;
    I16x8AddSatU => i16x8_add_sat_u;
    I16x8Sub => i16x8_sub;
    I16x8SubSatS => i16x8_sub_sat_s;
    I16x8SubSatU => i16x8_sub_sat_u;
    I16x8Mul => i16x8_mul;
    I16x8MinS => i16x8_min_s;
    I16x8MinU => i16x8_min_u;
    I16x8MaxS => i16x8_max_s;
    I16x8MaxU => i16x8_max_u;
    I16x8AvgrU => i16x8_avgr_u;
    I16x8ExtMulLowI8x16S => i16x8_extmul_low_i8x16_s;
    I16x8ExtMulHighI8x16S => i16x8_extmul_high_i8x16_s;
    I16x8ExtMulLowI8x16U => i16x8_extmul_low_i8x16_u;
    I16x8ExtMulHighI8x16U => i16x8_extmul_high_i8x16_u;
    I32x4Add => i32x4_add;
    I32x4Sub => i32x4_sub;
    I32x4Mul => i32x4_mul;
    I32x4MinS => i32x4_min_s;
    I32x4MinU => i32x4_min_u;
    I32x4MaxS => i32x4_max_s;
    I32x4MaxU => i32x4_max_u;
    I32x4DotI16x8S => i32x4_dot_i16x8_s;
    I32x4ExtMulLowI16x8S => i32x4_extmul_low_i16x8_s;
    I32x4ExtMulHighI16x8S => i32x4_extmul_high_i16x8_s;
    I32x4ExtMulLowI16x8U => i32x4_extmul_low_i16x8_u;
    I32x4ExtMulHighI16x8U => i32x4_extmul_high_i16x8_u;
    I64x2Add => i64x2_add;
    I64x2Sub => i64x2_sub;
    I64x2Mul => i64x2_mul;
    I64x2ExtMulLowI32x4S => i64x2_extmul_low_i32x4_s;
    I64x2ExtMulHighI32x4S => i64x2_extmul_high_i32x4_s;
    I64x2ExtMulLowI32x4U => i64x2_extmul_low_i32x4_u;
    I64x2ExtMulHighI32x4U => i64x2_extmul_high_i32x4_u;
    F32x4Add => f32x4_add;
    F32x4Sub => f32x4_sub;
    F32x4Mul => f32x4_mul;
    F32x4Div => f32x4_div;
    F32x4Min => f32x4_min;
    F32x4Max => f32x4_max;
    F32x4PMin => f32x4_pmin;
    F32x4PMax => f32x4_pmax;
    F64x2Add => f64x2_add;
    F64x2Sub => f64x2_sub;
    F64x2Mul => f64x2_mul;
    F64x2Div => f64x2_div;
    F64x2Min => f64x2_min;
    F64x2Max => f64x2_max;
    F64x2PMin => f64x2_pmin;
    F64x2PMax => f64x2_pmax;
}

simd_reduce! {
    V128AnyTrue => v128_any_true;
    I8x16AllTrue => i8x16_all_true;
    I8x16Bitmask => i8x16_bitmask;
    I16x8AllTrue => i16x8_all_true;
    I16x8Bitmask => i16x8_bitmask;
    I32x4AllTrue => i32x4_all_true;
    I32x4Bitmask => i32x4_bitmask;
    I64x2AllTrue => i64x2_all_true;
    I64x2Bitmask => i64x2_bitmask;
}

simd_shift! {
    I8x16Shl => i8x16_shl;
    I8x16ShrS => i8x16_shr_s;
    I8x16ShrU => i8x16_shr_u;
    I16x8Shl => i16x8_shl;
    I16x8ShrS => i16x8_shr_s;
    I16x8ShrU => i16x8_shr_u;
    I32x4Shl => i32x4_shl;
    I32x4ShrS => i32x4_shr_s;
    I32x4ShrU => i32x4_shr_u;
    I64x2Shl => i64x2_shl;
    I64x2ShrS => i64x2_shr_s;
    I64x2ShrU => i64x2_shr_u;
}

simd_splat! {
    I8x16Splat: i32 => i8x16_splat;
    I16x8Splat: i32 => i16x8_splat;
    I32x4Splat: i32 => i32x4_splat;
    I64x2Splat: i64 => i64x2_splat;
    F32x4Splat: f32 => f32x4_splat;
    F64x2Splat: f64 => f64x2_splat;
}

simd_extract! {
    I8x16ExtractLaneS => i8x16_extract_lane_s;
    I8x16ExtractLaneU => i8x16_extract_lane_u;
    I16x8ExtractLaneS => i16x8_extract_lane_s;
    I16x8ExtractLaneU => i16x8_extract_lane_u;
    I32x4ExtractLane => i32x4_extract_lane;
    I64x2ExtractLane => i64x2_extract_lane;
    F32x4ExtractLane => f32x4_extract_lane;
    F64x2ExtractLane => f64x2_extract_lane;
}

simd_replace! {
    I8x16ReplaceLane: i32 => i8x16_replace_lane;
    I16x8ReplaceLane: i32 => i16x8_replace_lane;
    I32x4ReplaceLane: i32 => i32x4_replace_lane;
    I64x2ReplaceLane: i64 => i64x2_replace_lane;
    F32x4ReplaceLane: f32 => f32x4_replace_lane;
    F64x2ReplaceLane: f64 => f64x2_replace_lane;
}
