//! Handlers of the operand-form ops (`fast-ops`; see `ir::with_form_ops`):
//! the hot integer ops reading an immediate or the accumulator, or leaving
//! their result in it. The accumulator is the handler argument `acc`; an op
//! that does not write it may pass any value on, because nothing reads the
//! accumulator except right after an op that wrote it. Shifts use that: the
//! count goes on as `acc`, which on x86-64 is `%rcx`, so `shl %cl` needs no
//! register shuffle.
//!
//! This module owns only these handlers; the dispatch contract, the slot
//! and memory macros and the handler table are `exec`'s.
use super::*;

/// The value an immediate stands for, as slot bits: `i32` immediates are
/// sign-extended, so 64-bit ops get their constant and 32-bit ops (which
/// read the low half) theirs.
#[inline(always)]
fn imm_bits(imm: i32) -> u64 {
    imm as i64 as u64
}

/// The accumulator forms every op with forms has: `SsA` (slots in, result
/// to the accumulator), `As` and `AsA` (the accumulator as left operand).
macro_rules! acc_forms {
    ($ssa:ident $as_:ident $asa:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr) => {
        handler!(pub(super) $ssa(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $ssa { lhs, rhs });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(slot!(fp, rhs));
            let acc = SlotVal::into_slot($e);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $as_(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $as_ { dst, rhs });
            let $a = <$ta as SlotVal>::from_slot(acc);
            let $b = <$tb as SlotVal>::from_slot(slot!(fp, rhs));
            set_slot!(fp, dst, SlotVal::into_slot($e));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $asa(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $asa { rhs });
            let $a = <$ta as SlotVal>::from_slot(acc);
            let $b = <$tb as SlotVal>::from_slot(slot!(fp, rhs));
            let acc = SlotVal::into_slot($e);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    };
}

/// The forms with the accumulator as the right operand (`Sa`, `SaA`), for
/// ops whose operands do not commute.
macro_rules! acc_right_forms {
    ($sa:ident $saa:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr) => {
        handler!(pub(super) $sa(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $sa { dst, lhs });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(acc);
            set_slot!(fp, dst, SlotVal::into_slot($e));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $saa(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $saa { lhs });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(acc);
            let acc = SlotVal::into_slot($e);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    };
}

/// The forms of a commutative op: `Si`, `SsA`, `SiA`, `As`, `AsA`, `Ai`,
/// `AiA` (the accumulator, when read, is the left operand).
macro_rules! alu_forms {
    ($($si:ident $ssa:ident $sia:ident $as_:ident $asa:ident $ai:ident $aia:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        alu_forms!(@common plain $si $ssa $sia $as_ $asa $ai $aia: |$a: $ta, $b: $tb| $e);
    )*};
    // The seven forms every op with forms has. `shift` passes the count on
    // as the accumulator (see the module docs).
    (@common $kind:ident $si:ident $ssa:ident $sia:ident $as_:ident $asa:ident $ai:ident $aia:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr) => {
        acc_forms!($ssa $as_ $asa: |$a: $ta, $b: $tb| $e);
        handler!(pub(super) $si(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $si { dst, lhs, imm });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(imm_bits(imm));
            set_slot!(fp, dst, SlotVal::into_slot($e));
            dispatch!(next!(ip, 1), fp, mem, len, alu_forms!(@pass $kind acc imm), ctx)
        });
        handler!(pub(super) $sia(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $sia { lhs, imm });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(imm_bits(imm));
            let acc = SlotVal::into_slot($e);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $ai(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $ai { dst, imm });
            let $a = <$ta as SlotVal>::from_slot(acc);
            let $b = <$tb as SlotVal>::from_slot(imm_bits(imm));
            set_slot!(fp, dst, SlotVal::into_slot($e));
            dispatch!(next!(ip, 1), fp, mem, len, alu_forms!(@pass $kind acc imm), ctx)
        });
        handler!(pub(super) $aia(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $aia { imm });
            let $a = <$ta as SlotVal>::from_slot(acc);
            let $b = <$tb as SlotVal>::from_slot(imm_bits(imm));
            let acc = SlotVal::into_slot($e);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    };
    (@pass plain $acc:ident $imm:ident) => { $acc };
    (@pass shift $acc:ident $imm:ident) => { $imm as u64 };
}

/// The forms of an op whose operands do not commute: the seven of
/// `alu_forms!` and `Sa`, `SaA` (the accumulator as the right operand).
macro_rules! alu_forms_ordered {
    ($($kind:ident $si:ident $ssa:ident $sia:ident $as_:ident $asa:ident $ai:ident $aia:ident $sa:ident $saa:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        alu_forms!(@common $kind $si $ssa $sia $as_ $asa $ai $aia: |$a: $ta, $b: $tb| $e);
        acc_right_forms!($sa $saa: |$a: $ta, $b: $tb| $e);
    )*};
}

/// Ops with only the immediate form (rotations by a constant).
macro_rules! imm_forms {
    ($($si:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        handler!(pub(super) $si(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $si { dst, lhs, imm });
            let $a = <$ta as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(imm_bits(imm));
            set_slot!(fp, dst, SlotVal::into_slot($e));
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// Compare-and-branch forms: `Si` (slot against immediate), `As`
/// (accumulator against slot), `Ai` (accumulator against immediate).
/// Interruptible code keeps the slot forms and their `Loop` twins.
macro_rules! branch_forms {
    ($($si:ident $as_:ident $ai:ident: |$a:ident: $t:ty, $b:ident| $e:expr;)*) => {$(
        handler!(pub(super) $si(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $si { lhs, imm, offset });
            let $a = <$t as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$t as SlotVal>::from_slot(imm_bits(imm));
            if $e {
                dispatch!(jump!(ip, offset), fp, mem, len, acc, ctx)
            }
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $as_(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $as_ { rhs, offset });
            let $a = <$t as SlotVal>::from_slot(acc);
            let $b = <$t as SlotVal>::from_slot(slot!(fp, rhs));
            if $e {
                dispatch!(jump!(ip, offset), fp, mem, len, acc, ctx)
            }
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $ai(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $ai { imm, offset });
            let $a = <$t as SlotVal>::from_slot(acc);
            let $b = <$t as SlotVal>::from_slot(imm_bits(imm));
            if $e {
                dispatch!(jump!(ip, offset), fp, mem, len, acc, ctx)
            }
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// Stores of the accumulator (`A`) and of an immediate (`Imm`).
macro_rules! store_forms {
    ($($from_acc:ident / $from_imm:ident: $t:ty;)*) => {$(
        handler!(pub(super) $from_acc(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $from_acc { addr, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            mem_write!(p, $t, acc as $t);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $from_imm(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $from_imm { addr, value, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            mem_write!(p, $t, imm_bits(value) as $t);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// The accumulator forms of a commutative float op: `SsA`, `As`, `AsA`.
macro_rules! float_forms {
    ($($ssa:ident $as_:ident $asa:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        acc_forms!($ssa $as_ $asa: |$a: $ta, $b: $tb| $e);
    )*};
}

/// The accumulator forms of a float op whose operands do not commute:
/// those of `float_forms!` and `Sa`, `SaA`.
macro_rules! float_forms_ordered {
    ($($ssa:ident $as_:ident $asa:ident $sa:ident $saa:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        acc_forms!($ssa $as_ $asa: |$a: $ta, $b: $tb| $e);
        acc_right_forms!($sa $saa: |$a: $ta, $b: $tb| $e);
    )*};
}

/// Loads into the accumulator, from `addr + offset` and from
/// `base + index + offset` (the `Add` twin).
macro_rules! load_forms {
    ($($plain:ident / $added:ident: $t:ty => |$v:ident| $conv:expr;)*) => {$(
        handler!(pub(super) $plain(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $plain { addr, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            let $v = mem_read!(p, $t);
            let acc = $conv;
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
        handler!(pub(super) $added(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $added { base, index, offset });
            let p = effective_added!(ctx, ip, fp, mem, len, base, index, offset, core::mem::size_of::<$t>() as u64);
            let $v = mem_read!(p, $t);
            let acc = $conv;
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// Float stores of the accumulator (no immediate twins).
macro_rules! float_store_forms {
    ($($from_acc:ident: $t:ty;)*) => {$(
        handler!(pub(super) $from_acc(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $from_acc { addr, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            mem_write!(p, $t, acc as $t);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// Integer comparisons into the accumulator (for a `select`, a branch or
/// arithmetic on the flag right after).
macro_rules! compare_forms {
    ($($ssa:ident: |$a:ident: $t:ty, $b:ident| $e:expr;)*) => {$(
        handler!(pub(super) $ssa(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $ssa { lhs, rhs });
            let $a = <$t as SlotVal>::from_slot(slot!(fp, lhs));
            let $b = <$t as SlotVal>::from_slot(slot!(fp, rhs));
            let acc = $e as u64;
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

/// `select` on a fused comparison.
macro_rules! select_lt {
    ($($name:ident: $t:ty;)*) => {$(
        handler!(pub(super) $name(ip, fp, mem, len, acc, ctx) {
            fields!(ip, $name { dst, a, b, lhs, rhs });
            let lt = <$t as SlotVal>::from_slot(slot!(fp, lhs)) < <$t as SlotVal>::from_slot(slot!(fp, rhs));
            let v = if lt { slot!(fp, a) } else { slot!(fp, b) };
            set_slot!(fp, dst, v);
            dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
        });
    )*};
}

select_lt! {
    SelectI32LtU: u32;
    SelectI32LtS: i32;
    SelectI64LtU: u64;
    SelectI64LtS: i64;
}

handler!(pub(super) SelectA(ip, fp, mem, len, acc, ctx) {
    fields!(ip, SelectA { dst, a, b });
    let v = if acc as u32 != 0 { slot!(fp, a) } else { slot!(fp, b) };
    set_slot!(fp, dst, v);
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) BrIfNezA(ip, fp, mem, len, acc, ctx) {
    fields!(ip, BrIfNezA { offset });
    if acc as u32 != 0 {
        dispatch!(jump!(ip, offset), fp, mem, len, acc, ctx)
    }
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

handler!(pub(super) BrIfEqzA(ip, fp, mem, len, acc, ctx) {
    fields!(ip, BrIfEqzA { offset });
    if acc as u32 == 0 {
        dispatch!(jump!(ip, offset), fp, mem, len, acc, ctx)
    }
    dispatch!(next!(ip, 1), fp, mem, len, acc, ctx)
});

alu_forms! {
    I32AddSi I32AddSsA I32AddSiA I32AddAs I32AddAsA I32AddAi I32AddAiA: |a: u32, b: u32| a.wrapping_add(b);
    I32MulSi I32MulSsA I32MulSiA I32MulAs I32MulAsA I32MulAi I32MulAiA: |a: u32, b: u32| a.wrapping_mul(b);
    I32AndSi I32AndSsA I32AndSiA I32AndAs I32AndAsA I32AndAi I32AndAiA: |a: u32, b: u32| a & b;
    I32OrSi I32OrSsA I32OrSiA I32OrAs I32OrAsA I32OrAi I32OrAiA: |a: u32, b: u32| a | b;
    I32XorSi I32XorSsA I32XorSiA I32XorAs I32XorAsA I32XorAi I32XorAiA: |a: u32, b: u32| a ^ b;
    I64AddSi I64AddSsA I64AddSiA I64AddAs I64AddAsA I64AddAi I64AddAiA: |a: u64, b: u64| a.wrapping_add(b);
    I64MulSi I64MulSsA I64MulSiA I64MulAs I64MulAsA I64MulAi I64MulAiA: |a: u64, b: u64| a.wrapping_mul(b);
    I64AndSi I64AndSsA I64AndSiA I64AndAs I64AndAsA I64AndAi I64AndAiA: |a: u64, b: u64| a & b;
    I64OrSi I64OrSsA I64OrSiA I64OrAs I64OrAsA I64OrAi I64OrAiA: |a: u64, b: u64| a | b;
    I64XorSi I64XorSsA I64XorSiA I64XorAs I64XorAsA I64XorAi I64XorAiA: |a: u64, b: u64| a ^ b;
}

alu_forms_ordered! {
    plain I32SubSi I32SubSsA I32SubSiA I32SubAs I32SubAsA I32SubAi I32SubAiA I32SubSa I32SubSaA: |a: u32, b: u32| a.wrapping_sub(b);
    shift I32ShlSi I32ShlSsA I32ShlSiA I32ShlAs I32ShlAsA I32ShlAi I32ShlAiA I32ShlSa I32ShlSaA: |a: u32, b: u32| a.wrapping_shl(b);
    shift I32ShrSSi I32ShrSSsA I32ShrSSiA I32ShrSAs I32ShrSAsA I32ShrSAi I32ShrSAiA I32ShrSSa I32ShrSSaA: |a: i32, b: u32| a.wrapping_shr(b);
    shift I32ShrUSi I32ShrUSsA I32ShrUSiA I32ShrUAs I32ShrUAsA I32ShrUAi I32ShrUAiA I32ShrUSa I32ShrUSaA: |a: u32, b: u32| a.wrapping_shr(b);
    plain I64SubSi I64SubSsA I64SubSiA I64SubAs I64SubAsA I64SubAi I64SubAiA I64SubSa I64SubSaA: |a: u64, b: u64| a.wrapping_sub(b);
    shift I64ShlSi I64ShlSsA I64ShlSiA I64ShlAs I64ShlAsA I64ShlAi I64ShlAiA I64ShlSa I64ShlSaA: |a: u64, b: u64| a.wrapping_shl(b as u32);
    shift I64ShrSSi I64ShrSSsA I64ShrSSiA I64ShrSAs I64ShrSAsA I64ShrSAi I64ShrSAiA I64ShrSSa I64ShrSSaA: |a: i64, b: u64| a.wrapping_shr(b as u32);
    shift I64ShrUSi I64ShrUSsA I64ShrUSiA I64ShrUAs I64ShrUAsA I64ShrUAi I64ShrUAiA I64ShrUSa I64ShrUSaA: |a: u64, b: u64| a.wrapping_shr(b as u32);
}

imm_forms! {
    I32RotlSi: |a: u32, b: u32| a.rotate_left(b & 31);
    I32RotrSi: |a: u32, b: u32| a.rotate_right(b & 31);
    I64RotlSi: |a: u64, b: u64| a.rotate_left((b & 63) as u32);
    I64RotrSi: |a: u64, b: u64| a.rotate_right((b & 63) as u32);
}

branch_forms! {
    BrI32EqSi BrI32EqAs BrI32EqAi: |a: u32, b| a == b;
    BrI32NeSi BrI32NeAs BrI32NeAi: |a: u32, b| a != b;
    BrI32LtSSi BrI32LtSAs BrI32LtSAi: |a: i32, b| a < b;
    BrI32LtUSi BrI32LtUAs BrI32LtUAi: |a: u32, b| a < b;
    BrI32GtSSi BrI32GtSAs BrI32GtSAi: |a: i32, b| a > b;
    BrI32GtUSi BrI32GtUAs BrI32GtUAi: |a: u32, b| a > b;
    BrI32LeSSi BrI32LeSAs BrI32LeSAi: |a: i32, b| a <= b;
    BrI32LeUSi BrI32LeUAs BrI32LeUAi: |a: u32, b| a <= b;
    BrI32GeSSi BrI32GeSAs BrI32GeSAi: |a: i32, b| a >= b;
    BrI32GeUSi BrI32GeUAs BrI32GeUAi: |a: u32, b| a >= b;
    BrI64EqSi BrI64EqAs BrI64EqAi: |a: u64, b| a == b;
    BrI64NeSi BrI64NeAs BrI64NeAi: |a: u64, b| a != b;
    BrI64LtSSi BrI64LtSAs BrI64LtSAi: |a: i64, b| a < b;
    BrI64LtUSi BrI64LtUAs BrI64LtUAi: |a: u64, b| a < b;
    BrI64GtSSi BrI64GtSAs BrI64GtSAi: |a: i64, b| a > b;
    BrI64GtUSi BrI64GtUAs BrI64GtUAi: |a: u64, b| a > b;
    BrI64LeSSi BrI64LeSAs BrI64LeSAi: |a: i64, b| a <= b;
    BrI64LeUSi BrI64LeUAs BrI64LeUAi: |a: u64, b| a <= b;
    BrI64GeSSi BrI64GeSAs BrI64GeSAi: |a: i64, b| a >= b;
    BrI64GeUSi BrI64GeUAs BrI64GeUAi: |a: u64, b| a >= b;
}

store_forms! {
    I32StoreA / I32StoreImm: u32;
    I64StoreA / I64StoreImm: u64;
    I32Store8A / I32Store8Imm: u8;
    I32Store16A / I32Store16Imm: u16;
    I64Store8A / I64Store8Imm: u8;
    I64Store16A / I64Store16Imm: u16;
    I64Store32A / I64Store32Imm: u32;
}

float_forms! {
    F32AddSsA F32AddAs F32AddAsA: |a: f32, b: f32| a + b;
    F32MulSsA F32MulAs F32MulAsA: |a: f32, b: f32| a * b;
    F64AddSsA F64AddAs F64AddAsA: |a: f64, b: f64| a + b;
    F64MulSsA F64MulAs F64MulAsA: |a: f64, b: f64| a * b;
}

float_forms_ordered! {
    F32SubSsA F32SubAs F32SubAsA F32SubSa F32SubSaA: |a: f32, b: f32| a - b;
    F32DivSsA F32DivAs F32DivAsA F32DivSa F32DivSaA: |a: f32, b: f32| a / b;
    F64SubSsA F64SubAs F64SubAsA F64SubSa F64SubSaA: |a: f64, b: f64| a - b;
    F64DivSsA F64DivAs F64DivAsA F64DivSa F64DivSaA: |a: f64, b: f64| a / b;
}

load_forms! {
    I32LoadA / I32LoadAddA: u32 => |v| v as u64;
    I64LoadA / I64LoadAddA: u64 => |v| v;
    F32LoadA / F32LoadAddA: u32 => |v| v as u64;
    F64LoadA / F64LoadAddA: u64 => |v| v;
    I32Load8SA / I32Load8SAddA: u8 => |v| v as i8 as i32 as u32 as u64;
    I32Load8UA / I32Load8UAddA: u8 => |v| v as u64;
    I32Load16SA / I32Load16SAddA: u16 => |v| v as i16 as i32 as u32 as u64;
    I32Load16UA / I32Load16UAddA: u16 => |v| v as u64;
}

float_store_forms! {
    F32StoreA: u32;
    F64StoreA: u64;
}

compare_forms! {
    I32EqSsA: |a: u32, b| a == b;
    I32NeSsA: |a: u32, b| a != b;
    I32LtSSsA: |a: i32, b| a < b;
    I32LtUSsA: |a: u32, b| a < b;
    I32GtSSsA: |a: i32, b| a > b;
    I32GtUSsA: |a: u32, b| a > b;
    I32LeSSsA: |a: i32, b| a <= b;
    I32LeUSsA: |a: u32, b| a <= b;
    I32GeSSsA: |a: i32, b| a >= b;
    I32GeUSsA: |a: u32, b| a >= b;
    I64EqSsA: |a: u64, b| a == b;
    I64NeSsA: |a: u64, b| a != b;
    I64LtSSsA: |a: i64, b| a < b;
    I64LtUSsA: |a: u64, b| a < b;
    I64GtSSsA: |a: i64, b| a > b;
    I64GtUSsA: |a: u64, b| a > b;
    I64LeSSsA: |a: i64, b| a <= b;
    I64LeUSsA: |a: u64, b| a <= b;
    I64GeSSsA: |a: i64, b| a >= b;
    I64GeUSsA: |a: u64, b| a >= b;
}
