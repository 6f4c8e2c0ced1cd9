//! Lowering of the `v128` operators. Every `v128` value is two slots wide;
//! the operand-stack bookkeeping for that lives in the parent module, and
//! this one only maps each operator to its op.
use super::Translator;
use crate::ir::Op;
use wasmparser::Operator;

/// Pops the address, pushes a `v128`.
macro_rules! v_load {
    ($t:ident, $memarg:ident, $name:ident) => {{
        let addr = $t.pop_slot();
        let dst = $t.push_temp_of(true);
        $t.emit_result(Op::$name {
            dst,
            addr,
            offset: $memarg.offset as u32,
        });
    }};
}

/// Pops the vector and the address; the lane goes in a trailing `Extra`.
macro_rules! v_load_lane {
    ($t:ident, $memarg:ident, $lane:ident, $name:ident) => {{
        let src = $t.pop_slot();
        let addr = $t.pop_slot();
        let dst = $t.push_temp_of(true);
        $t.emit(Op::$name {
            dst,
            addr,
            src,
            offset: $memarg.offset as u32,
        });
        $t.emit(Op::Extra {
            a: u32::from($lane),
            b: 0,
        });
    }};
}

macro_rules! v_extract {
    ($t:ident, $lane:ident, $name:ident) => {{
        let src = $t.pop_slot();
        let dst = $t.push_temp();
        $t.emit_result(Op::$name {
            dst,
            src,
            lane: $lane,
        });
    }};
}

macro_rules! v_replace {
    ($t:ident, $lane:ident, $name:ident) => {{
        let val = $t.pop_slot();
        let src = $t.pop_slot();
        let dst = $t.push_temp_of(true);
        $t.emit_result(Op::$name {
            dst,
            src,
            val,
            lane: $lane,
        });
    }};
}

/// One operand; the result is a `v128` when `$wide`.
macro_rules! v_unary {
    ($t:ident, $name:ident, $wide:expr) => {{
        let src = $t.pop_slot();
        let dst = $t.push_temp_of($wide);
        $t.emit_result(Op::$name { dst, src });
    }};
}

/// Two operands, a `v128` result (shifts take an `i32` count as `rhs`).
macro_rules! v_binary {
    ($t:ident, $name:ident) => {{
        let rhs = $t.pop_slot();
        let lhs = $t.pop_slot();
        let dst = $t.push_temp_of(true);
        $t.emit_result(Op::$name { dst, lhs, rhs });
    }};
}

impl Translator<'_, '_> {
    /// Translates `op` if it is a `v128` operator; false otherwise.
    pub(super) fn simd_op(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        match *op {
            O::V128Const { value } => self.push_const_v128(value.i128() as u128),
            O::I8x16Shuffle { lanes } => {
                let rhs = self.pop_slot();
                let lhs = self.pop_slot();
                let lanes = self.const_v128_slot(u128::from_le_bytes(lanes));
                let dst = self.push_temp_of(true);
                self.emit_result(Op::I8x16Shuffle {
                    dst,
                    lhs,
                    rhs,
                    lanes,
                });
            }
            O::V128Bitselect => {
                let c = self.pop_slot();
                let b = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_temp_of(true);
                self.emit_result(Op::V128Bitselect { dst, a, b, c });
            }
            O::V128Load { memarg } => v_load!(self, memarg, V128Load),
            O::V128Load8x8S { memarg } => v_load!(self, memarg, V128Load8x8S),
            O::V128Load8x8U { memarg } => v_load!(self, memarg, V128Load8x8U),
            O::V128Load16x4S { memarg } => v_load!(self, memarg, V128Load16x4S),
            O::V128Load16x4U { memarg } => v_load!(self, memarg, V128Load16x4U),
            O::V128Load32x2S { memarg } => v_load!(self, memarg, V128Load32x2S),
            O::V128Load32x2U { memarg } => v_load!(self, memarg, V128Load32x2U),
            O::V128Load8Splat { memarg } => v_load!(self, memarg, V128Load8Splat),
            O::V128Load16Splat { memarg } => v_load!(self, memarg, V128Load16Splat),
            O::V128Load32Splat { memarg } => v_load!(self, memarg, V128Load32Splat),
            O::V128Load64Splat { memarg } => v_load!(self, memarg, V128Load64Splat),
            O::V128Load32Zero { memarg } => v_load!(self, memarg, V128Load32Zero),
            O::V128Load64Zero { memarg } => v_load!(self, memarg, V128Load64Zero),
            O::V128Store { memarg } => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(Op::V128Store {
                    addr,
                    value,
                    offset: memarg.offset as u32,
                });
            }
            O::V128Load8Lane { memarg, lane } => v_load_lane!(self, memarg, lane, V128Load8Lane),
            O::V128Load16Lane { memarg, lane } => v_load_lane!(self, memarg, lane, V128Load16Lane),
            O::V128Load32Lane { memarg, lane } => v_load_lane!(self, memarg, lane, V128Load32Lane),
            O::V128Load64Lane { memarg, lane } => v_load_lane!(self, memarg, lane, V128Load64Lane),
            O::V128Store8Lane { memarg, lane } => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(Op::V128Store8Lane {
                    addr,
                    value,
                    lane,
                    offset: memarg.offset as u32,
                });
            }
            O::V128Store16Lane { memarg, lane } => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(Op::V128Store16Lane {
                    addr,
                    value,
                    lane,
                    offset: memarg.offset as u32,
                });
            }
            O::V128Store32Lane { memarg, lane } => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(Op::V128Store32Lane {
                    addr,
                    value,
                    lane,
                    offset: memarg.offset as u32,
                });
            }
            O::V128Store64Lane { memarg, lane } => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(Op::V128Store64Lane {
                    addr,
                    value,
                    lane,
                    offset: memarg.offset as u32,
                });
            }
            O::I8x16ExtractLaneS { lane } => v_extract!(self, lane, I8x16ExtractLaneS),
            O::I8x16ExtractLaneU { lane } => v_extract!(self, lane, I8x16ExtractLaneU),
            O::I16x8ExtractLaneS { lane } => v_extract!(self, lane, I16x8ExtractLaneS),
            O::I16x8ExtractLaneU { lane } => v_extract!(self, lane, I16x8ExtractLaneU),
            O::I32x4ExtractLane { lane } => v_extract!(self, lane, I32x4ExtractLane),
            O::I64x2ExtractLane { lane } => v_extract!(self, lane, I64x2ExtractLane),
            O::F32x4ExtractLane { lane } => v_extract!(self, lane, F32x4ExtractLane),
            O::F64x2ExtractLane { lane } => v_extract!(self, lane, F64x2ExtractLane),
            O::I8x16ReplaceLane { lane } => v_replace!(self, lane, I8x16ReplaceLane),
            O::I16x8ReplaceLane { lane } => v_replace!(self, lane, I16x8ReplaceLane),
            O::I32x4ReplaceLane { lane } => v_replace!(self, lane, I32x4ReplaceLane),
            O::I64x2ReplaceLane { lane } => v_replace!(self, lane, I64x2ReplaceLane),
            O::F32x4ReplaceLane { lane } => v_replace!(self, lane, F32x4ReplaceLane),
            O::F64x2ReplaceLane { lane } => v_replace!(self, lane, F64x2ReplaceLane),
            O::I8x16Splat => v_unary!(self, I8x16Splat, true),
            O::I16x8Splat => v_unary!(self, I16x8Splat, true),
            O::I32x4Splat => v_unary!(self, I32x4Splat, true),
            O::I64x2Splat => v_unary!(self, I64x2Splat, true),
            O::F32x4Splat => v_unary!(self, F32x4Splat, true),
            O::F64x2Splat => v_unary!(self, F64x2Splat, true),
            O::V128Not => v_unary!(self, V128Not, true),
            O::I8x16Abs => v_unary!(self, I8x16Abs, true),
            O::I8x16Neg => v_unary!(self, I8x16Neg, true),
            O::I8x16Popcnt => v_unary!(self, I8x16Popcnt, true),
            O::I16x8ExtAddPairwiseI8x16S => v_unary!(self, I16x8ExtAddPairwiseI8x16S, true),
            O::I16x8ExtAddPairwiseI8x16U => v_unary!(self, I16x8ExtAddPairwiseI8x16U, true),
            O::I16x8Abs => v_unary!(self, I16x8Abs, true),
            O::I16x8Neg => v_unary!(self, I16x8Neg, true),
            O::I16x8ExtendLowI8x16S => v_unary!(self, I16x8ExtendLowI8x16S, true),
            O::I16x8ExtendHighI8x16S => v_unary!(self, I16x8ExtendHighI8x16S, true),
            O::I16x8ExtendLowI8x16U => v_unary!(self, I16x8ExtendLowI8x16U, true),
            O::I16x8ExtendHighI8x16U => v_unary!(self, I16x8ExtendHighI8x16U, true),
            O::I32x4ExtAddPairwiseI16x8S => v_unary!(self, I32x4ExtAddPairwiseI16x8S, true),
            O::I32x4ExtAddPairwiseI16x8U => v_unary!(self, I32x4ExtAddPairwiseI16x8U, true),
            O::I32x4Abs => v_unary!(self, I32x4Abs, true),
            O::I32x4Neg => v_unary!(self, I32x4Neg, true),
            O::I32x4ExtendLowI16x8S => v_unary!(self, I32x4ExtendLowI16x8S, true),
            O::I32x4ExtendHighI16x8S => v_unary!(self, I32x4ExtendHighI16x8S, true),
            O::I32x4ExtendLowI16x8U => v_unary!(self, I32x4ExtendLowI16x8U, true),
            O::I32x4ExtendHighI16x8U => v_unary!(self, I32x4ExtendHighI16x8U, true),
            O::I64x2Abs => v_unary!(self, I64x2Abs, true),
            O::I64x2Neg => v_unary!(self, I64x2Neg, true),
            O::I64x2ExtendLowI32x4S => v_unary!(self, I64x2ExtendLowI32x4S, true),
            O::I64x2ExtendHighI32x4S => v_unary!(self, I64x2ExtendHighI32x4S, true),
            O::I64x2ExtendLowI32x4U => v_unary!(self, I64x2ExtendLowI32x4U, true),
            O::I64x2ExtendHighI32x4U => v_unary!(self, I64x2ExtendHighI32x4U, true),
            O::F32x4Ceil => v_unary!(self, F32x4Ceil, true),
            O::F32x4Floor => v_unary!(self, F32x4Floor, true),
            O::F32x4Trunc => v_unary!(self, F32x4Trunc, true),
            O::F32x4Nearest => v_unary!(self, F32x4Nearest, true),
            O::F32x4Abs => v_unary!(self, F32x4Abs, true),
            O::F32x4Neg => v_unary!(self, F32x4Neg, true),
            O::F32x4Sqrt => v_unary!(self, F32x4Sqrt, true),
            O::F64x2Ceil => v_unary!(self, F64x2Ceil, true),
            O::F64x2Floor => v_unary!(self, F64x2Floor, true),
            O::F64x2Trunc => v_unary!(self, F64x2Trunc, true),
            O::F64x2Nearest => v_unary!(self, F64x2Nearest, true),
            O::F64x2Abs => v_unary!(self, F64x2Abs, true),
            O::F64x2Neg => v_unary!(self, F64x2Neg, true),
            O::F64x2Sqrt => v_unary!(self, F64x2Sqrt, true),
            O::I32x4TruncSatF32x4S => v_unary!(self, I32x4TruncSatF32x4S, true),
            O::I32x4TruncSatF32x4U => v_unary!(self, I32x4TruncSatF32x4U, true),
            O::F32x4ConvertI32x4S => v_unary!(self, F32x4ConvertI32x4S, true),
            O::F32x4ConvertI32x4U => v_unary!(self, F32x4ConvertI32x4U, true),
            O::I32x4TruncSatF64x2SZero => v_unary!(self, I32x4TruncSatF64x2SZero, true),
            O::I32x4TruncSatF64x2UZero => v_unary!(self, I32x4TruncSatF64x2UZero, true),
            O::F64x2ConvertLowI32x4S => v_unary!(self, F64x2ConvertLowI32x4S, true),
            O::F64x2ConvertLowI32x4U => v_unary!(self, F64x2ConvertLowI32x4U, true),
            O::F32x4DemoteF64x2Zero => v_unary!(self, F32x4DemoteF64x2Zero, true),
            O::F64x2PromoteLowF32x4 => v_unary!(self, F64x2PromoteLowF32x4, true),
            O::V128AnyTrue => v_unary!(self, V128AnyTrue, false),
            O::I8x16AllTrue => v_unary!(self, I8x16AllTrue, false),
            O::I8x16Bitmask => v_unary!(self, I8x16Bitmask, false),
            O::I16x8AllTrue => v_unary!(self, I16x8AllTrue, false),
            O::I16x8Bitmask => v_unary!(self, I16x8Bitmask, false),
            O::I32x4AllTrue => v_unary!(self, I32x4AllTrue, false),
            O::I32x4Bitmask => v_unary!(self, I32x4Bitmask, false),
            O::I64x2AllTrue => v_unary!(self, I64x2AllTrue, false),
            O::I64x2Bitmask => v_unary!(self, I64x2Bitmask, false),
            O::I8x16Swizzle => v_binary!(self, I8x16Swizzle),
            O::I8x16Eq => v_binary!(self, I8x16Eq),
            O::I8x16Ne => v_binary!(self, I8x16Ne),
            O::I8x16LtS => v_binary!(self, I8x16LtS),
            O::I8x16LtU => v_binary!(self, I8x16LtU),
            O::I8x16GtS => v_binary!(self, I8x16GtS),
            O::I8x16GtU => v_binary!(self, I8x16GtU),
            O::I8x16LeS => v_binary!(self, I8x16LeS),
            O::I8x16LeU => v_binary!(self, I8x16LeU),
            O::I8x16GeS => v_binary!(self, I8x16GeS),
            O::I8x16GeU => v_binary!(self, I8x16GeU),
            O::I16x8Eq => v_binary!(self, I16x8Eq),
            O::I16x8Ne => v_binary!(self, I16x8Ne),
            O::I16x8LtS => v_binary!(self, I16x8LtS),
            O::I16x8LtU => v_binary!(self, I16x8LtU),
            O::I16x8GtS => v_binary!(self, I16x8GtS),
            O::I16x8GtU => v_binary!(self, I16x8GtU),
            O::I16x8LeS => v_binary!(self, I16x8LeS),
            O::I16x8LeU => v_binary!(self, I16x8LeU),
            O::I16x8GeS => v_binary!(self, I16x8GeS),
            O::I16x8GeU => v_binary!(self, I16x8GeU),
            O::I32x4Eq => v_binary!(self, I32x4Eq),
            O::I32x4Ne => v_binary!(self, I32x4Ne),
            O::I32x4LtS => v_binary!(self, I32x4LtS),
            O::I32x4LtU => v_binary!(self, I32x4LtU),
            O::I32x4GtS => v_binary!(self, I32x4GtS),
            O::I32x4GtU => v_binary!(self, I32x4GtU),
            O::I32x4LeS => v_binary!(self, I32x4LeS),
            O::I32x4LeU => v_binary!(self, I32x4LeU),
            O::I32x4GeS => v_binary!(self, I32x4GeS),
            O::I32x4GeU => v_binary!(self, I32x4GeU),
            O::I64x2Eq => v_binary!(self, I64x2Eq),
            O::I64x2Ne => v_binary!(self, I64x2Ne),
            O::I64x2LtS => v_binary!(self, I64x2LtS),
            O::I64x2GtS => v_binary!(self, I64x2GtS),
            O::I64x2LeS => v_binary!(self, I64x2LeS),
            O::I64x2GeS => v_binary!(self, I64x2GeS),
            O::F32x4Eq => v_binary!(self, F32x4Eq),
            O::F32x4Ne => v_binary!(self, F32x4Ne),
            O::F32x4Lt => v_binary!(self, F32x4Lt),
            O::F32x4Gt => v_binary!(self, F32x4Gt),
            O::F32x4Le => v_binary!(self, F32x4Le),
            O::F32x4Ge => v_binary!(self, F32x4Ge),
            O::F64x2Eq => v_binary!(self, F64x2Eq),
            O::F64x2Ne => v_binary!(self, F64x2Ne),
            O::F64x2Lt => v_binary!(self, F64x2Lt),
            O::F64x2Gt => v_binary!(self, F64x2Gt),
            O::F64x2Le => v_binary!(self, F64x2Le),
            O::F64x2Ge => v_binary!(self, F64x2Ge),
            O::V128And => v_binary!(self, V128And),
            O::V128AndNot => v_binary!(self, V128AndNot),
            O::V128Or => v_binary!(self, V128Or),
            O::V128Xor => v_binary!(self, V128Xor),
            O::I8x16NarrowI16x8S => v_binary!(self, I8x16NarrowI16x8S),
            O::I8x16NarrowI16x8U => v_binary!(self, I8x16NarrowI16x8U),
            O::I8x16Add => v_binary!(self, I8x16Add),
            O::I8x16AddSatS => v_binary!(self, I8x16AddSatS),
            O::I8x16AddSatU => v_binary!(self, I8x16AddSatU),
            O::I8x16Sub => v_binary!(self, I8x16Sub),
            O::I8x16SubSatS => v_binary!(self, I8x16SubSatS),
            O::I8x16SubSatU => v_binary!(self, I8x16SubSatU),
            O::I8x16MinS => v_binary!(self, I8x16MinS),
            O::I8x16MinU => v_binary!(self, I8x16MinU),
            O::I8x16MaxS => v_binary!(self, I8x16MaxS),
            O::I8x16MaxU => v_binary!(self, I8x16MaxU),
            O::I8x16AvgrU => v_binary!(self, I8x16AvgrU),
            O::I16x8Q15MulrSatS => v_binary!(self, I16x8Q15MulrSatS),
            O::I16x8NarrowI32x4S => v_binary!(self, I16x8NarrowI32x4S),
            O::I16x8NarrowI32x4U => v_binary!(self, I16x8NarrowI32x4U),
            O::I16x8Add => v_binary!(self, I16x8Add),
            O::I16x8AddSatS => v_binary!(self, I16x8AddSatS),
            O::I16x8AddSatU => v_binary!(self, I16x8AddSatU),
            O::I16x8Sub => v_binary!(self, I16x8Sub),
            O::I16x8SubSatS => v_binary!(self, I16x8SubSatS),
            O::I16x8SubSatU => v_binary!(self, I16x8SubSatU),
            O::I16x8Mul => v_binary!(self, I16x8Mul),
            O::I16x8MinS => v_binary!(self, I16x8MinS),
            O::I16x8MinU => v_binary!(self, I16x8MinU),
            O::I16x8MaxS => v_binary!(self, I16x8MaxS),
            O::I16x8MaxU => v_binary!(self, I16x8MaxU),
            O::I16x8AvgrU => v_binary!(self, I16x8AvgrU),
            O::I16x8ExtMulLowI8x16S => v_binary!(self, I16x8ExtMulLowI8x16S),
            O::I16x8ExtMulHighI8x16S => v_binary!(self, I16x8ExtMulHighI8x16S),
            O::I16x8ExtMulLowI8x16U => v_binary!(self, I16x8ExtMulLowI8x16U),
            O::I16x8ExtMulHighI8x16U => v_binary!(self, I16x8ExtMulHighI8x16U),
            O::I32x4Add => v_binary!(self, I32x4Add),
            O::I32x4Sub => v_binary!(self, I32x4Sub),
            O::I32x4Mul => v_binary!(self, I32x4Mul),
            O::I32x4MinS => v_binary!(self, I32x4MinS),
            O::I32x4MinU => v_binary!(self, I32x4MinU),
            O::I32x4MaxS => v_binary!(self, I32x4MaxS),
            O::I32x4MaxU => v_binary!(self, I32x4MaxU),
            O::I32x4DotI16x8S => v_binary!(self, I32x4DotI16x8S),
            O::I32x4ExtMulLowI16x8S => v_binary!(self, I32x4ExtMulLowI16x8S),
            O::I32x4ExtMulHighI16x8S => v_binary!(self, I32x4ExtMulHighI16x8S),
            O::I32x4ExtMulLowI16x8U => v_binary!(self, I32x4ExtMulLowI16x8U),
            O::I32x4ExtMulHighI16x8U => v_binary!(self, I32x4ExtMulHighI16x8U),
            O::I64x2Add => v_binary!(self, I64x2Add),
            O::I64x2Sub => v_binary!(self, I64x2Sub),
            O::I64x2Mul => v_binary!(self, I64x2Mul),
            O::I64x2ExtMulLowI32x4S => v_binary!(self, I64x2ExtMulLowI32x4S),
            O::I64x2ExtMulHighI32x4S => v_binary!(self, I64x2ExtMulHighI32x4S),
            O::I64x2ExtMulLowI32x4U => v_binary!(self, I64x2ExtMulLowI32x4U),
            O::I64x2ExtMulHighI32x4U => v_binary!(self, I64x2ExtMulHighI32x4U),
            O::F32x4Add => v_binary!(self, F32x4Add),
            O::F32x4Sub => v_binary!(self, F32x4Sub),
            O::F32x4Mul => v_binary!(self, F32x4Mul),
            O::F32x4Div => v_binary!(self, F32x4Div),
            O::F32x4Min => v_binary!(self, F32x4Min),
            O::F32x4Max => v_binary!(self, F32x4Max),
            O::F32x4PMin => v_binary!(self, F32x4PMin),
            O::F32x4PMax => v_binary!(self, F32x4PMax),
            O::F64x2Add => v_binary!(self, F64x2Add),
            O::F64x2Sub => v_binary!(self, F64x2Sub),
            O::F64x2Mul => v_binary!(self, F64x2Mul),
            O::F64x2Div => v_binary!(self, F64x2Div),
            O::F64x2Min => v_binary!(self, F64x2Min),
            O::F64x2Max => v_binary!(self, F64x2Max),
            O::F64x2PMin => v_binary!(self, F64x2PMin),
            O::F64x2PMax => v_binary!(self, F64x2PMax),
            O::I8x16Shl => v_binary!(self, I8x16Shl),
            O::I8x16ShrS => v_binary!(self, I8x16ShrS),
            O::I8x16ShrU => v_binary!(self, I8x16ShrU),
            O::I16x8Shl => v_binary!(self, I16x8Shl),
            O::I16x8ShrS => v_binary!(self, I16x8ShrS),
            O::I16x8ShrU => v_binary!(self, I16x8ShrU),
            O::I32x4Shl => v_binary!(self, I32x4Shl),
            O::I32x4ShrS => v_binary!(self, I32x4ShrS),
            O::I32x4ShrU => v_binary!(self, I32x4ShrU),
            O::I64x2Shl => v_binary!(self, I64x2Shl),
            O::I64x2ShrS => v_binary!(self, I64x2ShrS),
            O::I64x2ShrU => v_binary!(self, I64x2ShrU),
            _ => return false,
        }
        true
    }
}
