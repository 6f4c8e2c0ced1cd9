//! WebAssembly's fixed-width SIMD (v128) operators on the front end: how
//! each operator takes its operands off the value stack and which
//! macro-assembler operation it becomes. v128 values live in float/vector
//! registers, as 16-byte constants or in two consecutive slots (the core's
//! slot encoding, low half first); memory operators share the scalar ones'
//! bounds check, sized by the bytes each one touches.
use super::*;

impl<M: MacroAssembler> FuncCompiler<'_, M> {
    /// Compiles `op` if it is a SIMD operator; `Ok(false)` otherwise.
    pub(super) fn simd_op(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use Operator as O;
        match *op {
            O::V128Const { value } => {
                let bits = u128::from_le_bytes(*value.bytes());
                self.push(ValType::V128, Loc::VConst(bits));
            }
            O::V128Load { memarg } => {
                let (idx, disp) = self.address(memarg.offset, 16);
                let r = self.alloc_fpr();
                self.mark_access();
                self.masm.vload(r, Addr::indexed(M::MEM_BASE, idx, disp));
                self.free_gpr(idx);
                self.push(ValType::V128, Loc::Fpr(r));
            }
            O::V128Store { memarg } => {
                let (v, _) = self.pop_fpr();
                let (idx, disp) = self.address(memarg.offset, 16);
                self.mark_access();
                self.masm.vstore(v, Addr::indexed(M::MEM_BASE, idx, disp));
                self.free_gpr(idx);
                self.free_fpr(v);
            }
            O::V128Load8x8S { memarg } => self.load_extend(memarg, VUnOp::ExtendLowS(VLane::I16)),
            O::V128Load8x8U { memarg } => self.load_extend(memarg, VUnOp::ExtendLowU(VLane::I16)),
            O::V128Load16x4S { memarg } => self.load_extend(memarg, VUnOp::ExtendLowS(VLane::I32)),
            O::V128Load16x4U { memarg } => self.load_extend(memarg, VUnOp::ExtendLowU(VLane::I32)),
            O::V128Load32x2S { memarg } => self.load_extend(memarg, VUnOp::ExtendLowS(VLane::I64)),
            O::V128Load32x2U { memarg } => self.load_extend(memarg, VUnOp::ExtendLowU(VLane::I64)),
            O::V128Load32Zero { memarg } => self.load_zero(memarg, Width::W32),
            O::V128Load64Zero { memarg } => self.load_zero(memarg, Width::W64),
            O::V128Load8Splat { memarg } => self.load_splat(memarg, VLane::I8),
            O::V128Load16Splat { memarg } => self.load_splat(memarg, VLane::I16),
            O::V128Load32Splat { memarg } => self.load_splat(memarg, VLane::I32),
            O::V128Load64Splat { memarg } => self.load_splat(memarg, VLane::I64),
            O::V128Load8Lane { memarg, lane } => self.load_lane(memarg, VLane::I8, lane),
            O::V128Load16Lane { memarg, lane } => self.load_lane(memarg, VLane::I16, lane),
            O::V128Load32Lane { memarg, lane } => self.load_lane(memarg, VLane::I32, lane),
            O::V128Load64Lane { memarg, lane } => self.load_lane(memarg, VLane::I64, lane),
            O::V128Store8Lane { memarg, lane } => self.store_lane(memarg, VLane::I8, lane),
            O::V128Store16Lane { memarg, lane } => self.store_lane(memarg, VLane::I16, lane),
            O::V128Store32Lane { memarg, lane } => self.store_lane(memarg, VLane::I32, lane),
            O::V128Store64Lane { memarg, lane } => self.store_lane(memarg, VLane::I64, lane),
            O::I8x16Shuffle { lanes } => {
                let (b, _) = self.pop_fpr();
                let (a, _) = self.pop_fpr();
                self.masm.vshuffle(a, a, b, lanes);
                self.free_fpr(b);
                self.push(ValType::V128, Loc::Fpr(a));
            }
            O::I8x16ExtractLaneS { lane } => self.vextract(VExtract::I8S, ValType::I32, lane),
            O::I8x16ExtractLaneU { lane } => self.vextract(VExtract::I8U, ValType::I32, lane),
            O::I8x16ReplaceLane { lane } => self.vreplace(VLane::I8, lane),
            O::I16x8ExtractLaneS { lane } => self.vextract(VExtract::I16S, ValType::I32, lane),
            O::I16x8ExtractLaneU { lane } => self.vextract(VExtract::I16U, ValType::I32, lane),
            O::I16x8ReplaceLane { lane } => self.vreplace(VLane::I16, lane),
            O::I32x4ExtractLane { lane } => self.vextract(VExtract::I32, ValType::I32, lane),
            O::I32x4ReplaceLane { lane } => self.vreplace(VLane::I32, lane),
            O::I64x2ExtractLane { lane } => self.vextract(VExtract::I64, ValType::I64, lane),
            O::I64x2ReplaceLane { lane } => self.vreplace(VLane::I64, lane),
            O::F32x4ExtractLane { lane } => self.vextract(VExtract::I32, ValType::F32, lane),
            O::F32x4ReplaceLane { lane } => self.vreplace(VLane::F32, lane),
            O::F64x2ExtractLane { lane } => self.vextract(VExtract::I64, ValType::F64, lane),
            O::F64x2ReplaceLane { lane } => self.vreplace(VLane::F64, lane),
            O::I8x16Swizzle => self.vbin(VBinOp::Swizzle),
            O::I8x16Splat => self.vsplat(VLane::I8),
            O::I16x8Splat => self.vsplat(VLane::I16),
            O::I32x4Splat => self.vsplat(VLane::I32),
            O::I64x2Splat => self.vsplat(VLane::I64),
            O::F32x4Splat => self.vsplat(VLane::F32),
            O::F64x2Splat => self.vsplat(VLane::F64),
            O::I8x16Eq => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::Eq)),
            O::I8x16Ne => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::Ne)),
            O::I8x16LtS => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::LtS)),
            O::I8x16LtU => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::LtU)),
            O::I8x16GtS => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::GtS)),
            O::I8x16GtU => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::GtU)),
            O::I8x16LeS => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::LeS)),
            O::I8x16LeU => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::LeU)),
            O::I8x16GeS => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::GeS)),
            O::I8x16GeU => self.vbin(VBinOp::Cmp(VLane::I8, IntCmp::GeU)),
            O::I16x8Eq => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::Eq)),
            O::I16x8Ne => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::Ne)),
            O::I16x8LtS => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::LtS)),
            O::I16x8LtU => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::LtU)),
            O::I16x8GtS => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::GtS)),
            O::I16x8GtU => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::GtU)),
            O::I16x8LeS => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::LeS)),
            O::I16x8LeU => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::LeU)),
            O::I16x8GeS => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::GeS)),
            O::I16x8GeU => self.vbin(VBinOp::Cmp(VLane::I16, IntCmp::GeU)),
            O::I32x4Eq => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::Eq)),
            O::I32x4Ne => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::Ne)),
            O::I32x4LtS => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::LtS)),
            O::I32x4LtU => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::LtU)),
            O::I32x4GtS => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::GtS)),
            O::I32x4GtU => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::GtU)),
            O::I32x4LeS => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::LeS)),
            O::I32x4LeU => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::LeU)),
            O::I32x4GeS => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::GeS)),
            O::I32x4GeU => self.vbin(VBinOp::Cmp(VLane::I32, IntCmp::GeU)),
            O::I64x2Eq => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::Eq)),
            O::I64x2Ne => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::Ne)),
            O::I64x2LtS => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::LtS)),
            O::I64x2GtS => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::GtS)),
            O::I64x2LeS => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::LeS)),
            O::I64x2GeS => self.vbin(VBinOp::Cmp(VLane::I64, IntCmp::GeS)),
            O::F32x4Eq => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Eq)),
            O::F32x4Ne => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Ne)),
            O::F32x4Lt => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Lt)),
            O::F32x4Gt => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Gt)),
            O::F32x4Le => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Le)),
            O::F32x4Ge => self.vbin(VBinOp::FCmp(VLane::F32, FloatCmp::Ge)),
            O::F64x2Eq => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Eq)),
            O::F64x2Ne => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Ne)),
            O::F64x2Lt => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Lt)),
            O::F64x2Gt => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Gt)),
            O::F64x2Le => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Le)),
            O::F64x2Ge => self.vbin(VBinOp::FCmp(VLane::F64, FloatCmp::Ge)),
            O::V128Not => self.vun(VUnOp::Not),
            O::V128And => self.vbin(VBinOp::And),
            O::V128AndNot => self.vbin(VBinOp::AndNot),
            O::V128Or => self.vbin(VBinOp::Or),
            O::V128Xor => self.vbin(VBinOp::Xor),
            O::V128Bitselect => self.vbitselect(),
            O::V128AnyTrue => self.vtest(VTest::AnyTrue),
            O::I8x16Abs => self.vun(VUnOp::Abs(VLane::I8)),
            O::I8x16Neg => self.vun(VUnOp::Neg(VLane::I8)),
            O::I8x16Popcnt => self.vun(VUnOp::Popcnt),
            O::I8x16AllTrue => self.vtest(VTest::AllTrue(VLane::I8)),
            O::I8x16Bitmask => self.vtest(VTest::Bitmask(VLane::I8)),
            O::I8x16NarrowI16x8S => self.vbin(VBinOp::NarrowS(VLane::I8)),
            O::I8x16NarrowI16x8U => self.vbin(VBinOp::NarrowU(VLane::I8)),
            O::I8x16Shl => self.vshift(VShift::Shl, VLane::I8),
            O::I8x16ShrS => self.vshift(VShift::ShrS, VLane::I8),
            O::I8x16ShrU => self.vshift(VShift::ShrU, VLane::I8),
            O::I8x16Add => self.vbin(VBinOp::Add(VLane::I8)),
            O::I8x16AddSatS => self.vbin(VBinOp::AddSatS(VLane::I8)),
            O::I8x16AddSatU => self.vbin(VBinOp::AddSatU(VLane::I8)),
            O::I8x16Sub => self.vbin(VBinOp::Sub(VLane::I8)),
            O::I8x16SubSatS => self.vbin(VBinOp::SubSatS(VLane::I8)),
            O::I8x16SubSatU => self.vbin(VBinOp::SubSatU(VLane::I8)),
            O::I8x16MinS => self.vbin(VBinOp::MinS(VLane::I8)),
            O::I8x16MinU => self.vbin(VBinOp::MinU(VLane::I8)),
            O::I8x16MaxS => self.vbin(VBinOp::MaxS(VLane::I8)),
            O::I8x16MaxU => self.vbin(VBinOp::MaxU(VLane::I8)),
            O::I8x16AvgrU => self.vbin(VBinOp::AvgrU(VLane::I8)),
            O::I16x8ExtAddPairwiseI8x16S => self.vun(VUnOp::ExtAddPairwiseS(VLane::I16)),
            O::I16x8ExtAddPairwiseI8x16U => self.vun(VUnOp::ExtAddPairwiseU(VLane::I16)),
            O::I16x8Abs => self.vun(VUnOp::Abs(VLane::I16)),
            O::I16x8Neg => self.vun(VUnOp::Neg(VLane::I16)),
            O::I16x8Q15MulrSatS => self.vbin(VBinOp::Q15MulrSat),
            O::I16x8AllTrue => self.vtest(VTest::AllTrue(VLane::I16)),
            O::I16x8Bitmask => self.vtest(VTest::Bitmask(VLane::I16)),
            O::I16x8NarrowI32x4S => self.vbin(VBinOp::NarrowS(VLane::I16)),
            O::I16x8NarrowI32x4U => self.vbin(VBinOp::NarrowU(VLane::I16)),
            O::I16x8ExtendLowI8x16S => self.vun(VUnOp::ExtendLowS(VLane::I16)),
            O::I16x8ExtendHighI8x16S => self.vun(VUnOp::ExtendHighS(VLane::I16)),
            O::I16x8ExtendLowI8x16U => self.vun(VUnOp::ExtendLowU(VLane::I16)),
            O::I16x8ExtendHighI8x16U => self.vun(VUnOp::ExtendHighU(VLane::I16)),
            O::I16x8Shl => self.vshift(VShift::Shl, VLane::I16),
            O::I16x8ShrS => self.vshift(VShift::ShrS, VLane::I16),
            O::I16x8ShrU => self.vshift(VShift::ShrU, VLane::I16),
            O::I16x8Add => self.vbin(VBinOp::Add(VLane::I16)),
            O::I16x8AddSatS => self.vbin(VBinOp::AddSatS(VLane::I16)),
            O::I16x8AddSatU => self.vbin(VBinOp::AddSatU(VLane::I16)),
            O::I16x8Sub => self.vbin(VBinOp::Sub(VLane::I16)),
            O::I16x8SubSatS => self.vbin(VBinOp::SubSatS(VLane::I16)),
            O::I16x8SubSatU => self.vbin(VBinOp::SubSatU(VLane::I16)),
            O::I16x8Mul => self.vbin(VBinOp::Mul(VLane::I16)),
            O::I16x8MinS => self.vbin(VBinOp::MinS(VLane::I16)),
            O::I16x8MinU => self.vbin(VBinOp::MinU(VLane::I16)),
            O::I16x8MaxS => self.vbin(VBinOp::MaxS(VLane::I16)),
            O::I16x8MaxU => self.vbin(VBinOp::MaxU(VLane::I16)),
            O::I16x8AvgrU => self.vbin(VBinOp::AvgrU(VLane::I16)),
            O::I16x8ExtMulLowI8x16S => self.vbin(VBinOp::ExtMulLowS(VLane::I16)),
            O::I16x8ExtMulHighI8x16S => self.vbin(VBinOp::ExtMulHighS(VLane::I16)),
            O::I16x8ExtMulLowI8x16U => self.vbin(VBinOp::ExtMulLowU(VLane::I16)),
            O::I16x8ExtMulHighI8x16U => self.vbin(VBinOp::ExtMulHighU(VLane::I16)),
            O::I32x4ExtAddPairwiseI16x8S => self.vun(VUnOp::ExtAddPairwiseS(VLane::I32)),
            O::I32x4ExtAddPairwiseI16x8U => self.vun(VUnOp::ExtAddPairwiseU(VLane::I32)),
            O::I32x4Abs => self.vun(VUnOp::Abs(VLane::I32)),
            O::I32x4Neg => self.vun(VUnOp::Neg(VLane::I32)),
            O::I32x4AllTrue => self.vtest(VTest::AllTrue(VLane::I32)),
            O::I32x4Bitmask => self.vtest(VTest::Bitmask(VLane::I32)),
            O::I32x4ExtendLowI16x8S => self.vun(VUnOp::ExtendLowS(VLane::I32)),
            O::I32x4ExtendHighI16x8S => self.vun(VUnOp::ExtendHighS(VLane::I32)),
            O::I32x4ExtendLowI16x8U => self.vun(VUnOp::ExtendLowU(VLane::I32)),
            O::I32x4ExtendHighI16x8U => self.vun(VUnOp::ExtendHighU(VLane::I32)),
            O::I32x4Shl => self.vshift(VShift::Shl, VLane::I32),
            O::I32x4ShrS => self.vshift(VShift::ShrS, VLane::I32),
            O::I32x4ShrU => self.vshift(VShift::ShrU, VLane::I32),
            O::I32x4Add => self.vbin(VBinOp::Add(VLane::I32)),
            O::I32x4Sub => self.vbin(VBinOp::Sub(VLane::I32)),
            O::I32x4Mul => self.vbin(VBinOp::Mul(VLane::I32)),
            O::I32x4MinS => self.vbin(VBinOp::MinS(VLane::I32)),
            O::I32x4MinU => self.vbin(VBinOp::MinU(VLane::I32)),
            O::I32x4MaxS => self.vbin(VBinOp::MaxS(VLane::I32)),
            O::I32x4MaxU => self.vbin(VBinOp::MaxU(VLane::I32)),
            O::I32x4DotI16x8S => self.vbin(VBinOp::Dot),
            O::I32x4ExtMulLowI16x8S => self.vbin(VBinOp::ExtMulLowS(VLane::I32)),
            O::I32x4ExtMulHighI16x8S => self.vbin(VBinOp::ExtMulHighS(VLane::I32)),
            O::I32x4ExtMulLowI16x8U => self.vbin(VBinOp::ExtMulLowU(VLane::I32)),
            O::I32x4ExtMulHighI16x8U => self.vbin(VBinOp::ExtMulHighU(VLane::I32)),
            O::I64x2Abs => self.vun(VUnOp::Abs(VLane::I64)),
            O::I64x2Neg => self.vun(VUnOp::Neg(VLane::I64)),
            O::I64x2AllTrue => self.vtest(VTest::AllTrue(VLane::I64)),
            O::I64x2Bitmask => self.vtest(VTest::Bitmask(VLane::I64)),
            O::I64x2ExtendLowI32x4S => self.vun(VUnOp::ExtendLowS(VLane::I64)),
            O::I64x2ExtendHighI32x4S => self.vun(VUnOp::ExtendHighS(VLane::I64)),
            O::I64x2ExtendLowI32x4U => self.vun(VUnOp::ExtendLowU(VLane::I64)),
            O::I64x2ExtendHighI32x4U => self.vun(VUnOp::ExtendHighU(VLane::I64)),
            O::I64x2Shl => self.vshift(VShift::Shl, VLane::I64),
            O::I64x2ShrS => self.vshift(VShift::ShrS, VLane::I64),
            O::I64x2ShrU => self.vshift(VShift::ShrU, VLane::I64),
            O::I64x2Add => self.vbin(VBinOp::Add(VLane::I64)),
            O::I64x2Sub => self.vbin(VBinOp::Sub(VLane::I64)),
            O::I64x2Mul => self.vbin(VBinOp::Mul(VLane::I64)),
            O::I64x2ExtMulLowI32x4S => self.vbin(VBinOp::ExtMulLowS(VLane::I64)),
            O::I64x2ExtMulHighI32x4S => self.vbin(VBinOp::ExtMulHighS(VLane::I64)),
            O::I64x2ExtMulLowI32x4U => self.vbin(VBinOp::ExtMulLowU(VLane::I64)),
            O::I64x2ExtMulHighI32x4U => self.vbin(VBinOp::ExtMulHighU(VLane::I64)),
            O::F32x4Ceil => self.vun(VUnOp::F(VLane::F32, FloatUnary::Ceil)),
            O::F32x4Floor => self.vun(VUnOp::F(VLane::F32, FloatUnary::Floor)),
            O::F32x4Trunc => self.vun(VUnOp::F(VLane::F32, FloatUnary::Trunc)),
            O::F32x4Nearest => self.vun(VUnOp::F(VLane::F32, FloatUnary::Nearest)),
            O::F32x4Abs => self.vun(VUnOp::Abs(VLane::F32)),
            O::F32x4Neg => self.vun(VUnOp::Neg(VLane::F32)),
            O::F32x4Sqrt => self.vun(VUnOp::F(VLane::F32, FloatUnary::Sqrt)),
            O::F32x4Add => self.vbin(VBinOp::F(VLane::F32, FloatOp::Add)),
            O::F32x4Sub => self.vbin(VBinOp::F(VLane::F32, FloatOp::Sub)),
            O::F32x4Mul => self.vbin(VBinOp::F(VLane::F32, FloatOp::Mul)),
            O::F32x4Div => self.vbin(VBinOp::F(VLane::F32, FloatOp::Div)),
            O::F32x4Min => self.vbin(VBinOp::F(VLane::F32, FloatOp::Min)),
            O::F32x4Max => self.vbin(VBinOp::F(VLane::F32, FloatOp::Max)),
            O::F32x4PMin => self.vbin(VBinOp::Pmin(VLane::F32)),
            O::F32x4PMax => self.vbin(VBinOp::Pmax(VLane::F32)),
            O::F64x2Ceil => self.vun(VUnOp::F(VLane::F64, FloatUnary::Ceil)),
            O::F64x2Floor => self.vun(VUnOp::F(VLane::F64, FloatUnary::Floor)),
            O::F64x2Trunc => self.vun(VUnOp::F(VLane::F64, FloatUnary::Trunc)),
            O::F64x2Nearest => self.vun(VUnOp::F(VLane::F64, FloatUnary::Nearest)),
            O::F64x2Abs => self.vun(VUnOp::Abs(VLane::F64)),
            O::F64x2Neg => self.vun(VUnOp::Neg(VLane::F64)),
            O::F64x2Sqrt => self.vun(VUnOp::F(VLane::F64, FloatUnary::Sqrt)),
            O::F64x2Add => self.vbin(VBinOp::F(VLane::F64, FloatOp::Add)),
            O::F64x2Sub => self.vbin(VBinOp::F(VLane::F64, FloatOp::Sub)),
            O::F64x2Mul => self.vbin(VBinOp::F(VLane::F64, FloatOp::Mul)),
            O::F64x2Div => self.vbin(VBinOp::F(VLane::F64, FloatOp::Div)),
            O::F64x2Min => self.vbin(VBinOp::F(VLane::F64, FloatOp::Min)),
            O::F64x2Max => self.vbin(VBinOp::F(VLane::F64, FloatOp::Max)),
            O::F64x2PMin => self.vbin(VBinOp::Pmin(VLane::F64)),
            O::F64x2PMax => self.vbin(VBinOp::Pmax(VLane::F64)),
            O::I32x4TruncSatF32x4S => self.vun(VUnOp::TruncSatF32S),
            O::I32x4TruncSatF32x4U => self.vun(VUnOp::TruncSatF32U),
            O::F32x4ConvertI32x4S => self.vun(VUnOp::ConvertS),
            O::F32x4ConvertI32x4U => self.vun(VUnOp::ConvertU),
            O::I32x4TruncSatF64x2SZero => self.vun(VUnOp::TruncSatF64SZero),
            O::I32x4TruncSatF64x2UZero => self.vun(VUnOp::TruncSatF64UZero),
            O::F64x2ConvertLowI32x4S => self.vun(VUnOp::ConvertLowS),
            O::F64x2ConvertLowI32x4U => self.vun(VUnOp::ConvertLowU),
            O::F32x4DemoteF64x2Zero => self.vun(VUnOp::DemoteZero),
            O::F64x2PromoteLowF32x4 => self.vun(VUnOp::PromoteLow),

            _ => return Ok(false),
        }
        Ok(true)
    }

    fn vbin(&mut self, op: VBinOp) {
        let (b, _) = self.pop_fpr();
        let (a, _) = self.pop_fpr();
        self.masm.vbinop(op, a, a, b);
        self.free_fpr(b);
        self.push(ValType::V128, Loc::Fpr(a));
    }

    fn vun(&mut self, op: VUnOp) {
        let (r, _) = self.pop_fpr();
        self.masm.vunop(op, r, r);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    fn vshift(&mut self, op: VShift, lane: VLane) {
        let (count, _) = self.pop_gpr();
        let (a, _) = self.pop_fpr();
        self.masm.vshift(op, lane, a, a, count);
        self.free_gpr(count);
        self.push(ValType::V128, Loc::Fpr(a));
    }

    fn vsplat(&mut self, lane: VLane) {
        // Floats too: their bits are what is replicated.
        let (g, _) = self.pop_gpr();
        let r = self.alloc_fpr();
        self.masm.vsplat(lane, r, g);
        self.free_gpr(g);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    /// A lane into a general-purpose register; float lanes stay there as
    /// their bits (every consumer of a float accepts it in a GPR).
    fn vextract(&mut self, kind: VExtract, ty: ValType, lane: u8) {
        let (r, _) = self.pop_fpr();
        let g = self.alloc_gpr();
        self.masm.vextract_lane(kind, lane, g, r);
        self.free_fpr(r);
        self.push(ty, Loc::Gpr(g));
    }

    fn vreplace(&mut self, lane: VLane, idx: u8) {
        let (g, _) = self.pop_gpr();
        let (r, _) = self.pop_fpr();
        self.masm.vreplace_lane(lane, idx, r, g);
        self.free_gpr(g);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    fn vbitselect(&mut self) {
        let (mask, _) = self.pop_fpr();
        let (b, _) = self.pop_fpr();
        let (a, _) = self.pop_fpr();
        self.masm.vbitselect(a, a, b, mask);
        self.free_fpr(b);
        self.free_fpr(mask);
        self.push(ValType::V128, Loc::Fpr(a));
    }

    fn vtest(&mut self, op: VTest) {
        let (r, _) = self.pop_fpr();
        let g = self.alloc_gpr();
        self.masm.vtest(op, g, r);
        self.free_fpr(r);
        self.push(ValType::I32, Loc::Gpr(g));
    }

    /// `v128.loadNxM_s/u`: eight bytes, widened in the register.
    fn load_extend(&mut self, m: wasmparser::MemArg, op: VUnOp) {
        let (idx, disp) = self.address(m.offset, 8);
        let r = self.alloc_fpr();
        self.mark_access();
        self.masm
            .fload(Width::W64, r, Addr::indexed(M::MEM_BASE, idx, disp));
        self.free_gpr(idx);
        self.masm.vunop(op, r, r);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    /// `v128.load32_zero`/`load64_zero`: a scalar float load clears the
    /// rest of the register.
    fn load_zero(&mut self, m: wasmparser::MemArg, w: Width) {
        let size = if w == Width::W32 { 4 } else { 8 };
        let (idx, disp) = self.address(m.offset, size);
        let r = self.alloc_fpr();
        self.mark_access();
        self.masm.fload(w, r, Addr::indexed(M::MEM_BASE, idx, disp));
        self.free_gpr(idx);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    fn lane_access(lane: VLane) -> (u32, LoadKind, StoreKind, VExtract) {
        match lane {
            VLane::I8 => (1, LoadKind::I8U32, StoreKind::I8, VExtract::I8U),
            VLane::I16 => (2, LoadKind::I16U32, StoreKind::I16, VExtract::I16U),
            VLane::I32 | VLane::F32 => (4, LoadKind::I32, StoreKind::I32, VExtract::I32),
            VLane::I64 | VLane::F64 => (8, LoadKind::I64, StoreKind::I64, VExtract::I64),
        }
    }

    fn load_splat(&mut self, m: wasmparser::MemArg, lane: VLane) {
        let (size, kind, _, _) = Self::lane_access(lane);
        let (idx, disp) = self.address(m.offset, size);
        self.mark_access();
        self.masm
            .load(kind, idx, Addr::indexed(M::MEM_BASE, idx, disp));
        let r = self.alloc_fpr();
        self.masm.vsplat(lane, r, idx);
        self.free_gpr(idx);
        self.push(ValType::V128, Loc::Fpr(r));
    }

    fn load_lane(&mut self, m: wasmparser::MemArg, lane: VLane, i: u8) {
        let (size, kind, _, _) = Self::lane_access(lane);
        let (v, _) = self.pop_fpr();
        let (idx, disp) = self.address(m.offset, size);
        self.mark_access();
        self.masm
            .load(kind, idx, Addr::indexed(M::MEM_BASE, idx, disp));
        self.masm.vreplace_lane(lane, i, v, idx);
        self.free_gpr(idx);
        self.push(ValType::V128, Loc::Fpr(v));
    }

    fn store_lane(&mut self, m: wasmparser::MemArg, lane: VLane, i: u8) {
        let (size, _, kind, extract) = Self::lane_access(lane);
        let (v, _) = self.pop_fpr();
        let (idx, disp) = self.address(m.offset, size);
        let g = self.alloc_gpr();
        self.masm.vextract_lane(extract, i, g, v);
        self.mark_access();
        self.masm
            .store(kind, g, Addr::indexed(M::MEM_BASE, idx, disp));
        self.free_gpr(g);
        self.free_gpr(idx);
        self.free_fpr(v);
    }
}
