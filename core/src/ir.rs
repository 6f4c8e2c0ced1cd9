//! The interpreter's internal code: one flat array of fixed-size [`Op`]s per
//! function, a register machine over 64-bit frame slots. This module is the
//! one list of ops (translator and executor both read it); it decides
//! nothing about how ops are produced or run.
//!
//! Frame layout, in slots relative to the frame pointer:
//! `[params | declared locals | constants | operand-stack temporaries]`.
//! A call places arguments in the caller's temporaries and the callee's
//! frame starts there, so arguments become parameters without a copy and
//! results come back in the same slots.
use alloc::boxed::Box;

/// A frame-relative slot index.
pub(crate) type Slot = u16;

macro_rules! define_ops {
    ($( $(#[$doc:meta])* $name:ident { $($slot:ident),* $(; $($imm:ident : $ity:ty),*)? } ),* $(,)?) => {
        /// One interpreter instruction. Slot fields come first; where an op
        /// writes a result, its first slot field `dst` is that result.
        ///
        /// `repr(u16)` fixes the layout: every op starts with its 16-bit tag,
        /// which the executor uses to index its handler table.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[repr(u16)]
        pub(crate) enum Op {
            $( $(#[$doc])* $name { $($slot: Slot,)* $($($imm: $ity,)*)? } ),*
        }

        impl Op {
            /// Calls `f` on every slot operand, in declaration order.
            pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
                match self {
                    $( Op::$name { $($slot,)* .. } => { $( f($slot); )* } )*
                }
            }
        }

        /// Number of distinct ops (tags run from 0 to `OP_COUNT - 1`).
        pub(crate) const OP_COUNT: usize = [$(stringify!($name)),*].len();
    };
}

/// The one list of ops. Calls `$m!` with every op, in tag order; `define_ops`
/// builds the enum from it and the executor its handler table.
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
        /// Traps with `TrapCode::Unreachable`.
        Unreachable {},
        /// Operands of the preceding op that do not fit in it; never executed.
        Extra { ; a: u32, b: u32 },
        /// Jumps `offset` ops from this one.
        Br { ; offset: i32 },
        /// Jumps when `cond` (i32) is non-zero.
        BrIfNez { cond; offset: i32 },
        /// Jumps when `cond` (i32) is zero.
        BrIfEqz { cond; offset: i32 },
        /// Followed by `len + 1` `Br` ops; runs the one `index` picks (the last
        /// is the default).
        BrTable { index; len: u32 },
        /// Fused `i32.<cmp>` + branch: jumps when the comparison holds.
        BrI32Eq { lhs, rhs; offset: i32 },
        BrI32Ne { lhs, rhs; offset: i32 },
        BrI32LtS { lhs, rhs; offset: i32 },
        BrI32LtU { lhs, rhs; offset: i32 },
        BrI32GtS { lhs, rhs; offset: i32 },
        BrI32GtU { lhs, rhs; offset: i32 },
        BrI32LeS { lhs, rhs; offset: i32 },
        BrI32LeU { lhs, rhs; offset: i32 },
        BrI32GeS { lhs, rhs; offset: i32 },
        BrI32GeU { lhs, rhs; offset: i32 },
        /// Fused `i64.<cmp>` + branch.
        BrI64Eq { lhs, rhs; offset: i32 },
        BrI64Ne { lhs, rhs; offset: i32 },
        BrI64LtS { lhs, rhs; offset: i32 },
        BrI64LtU { lhs, rhs; offset: i32 },
        BrI64GtS { lhs, rhs; offset: i32 },
        BrI64GtU { lhs, rhs; offset: i32 },
        BrI64LeS { lhs, rhs; offset: i32 },
        BrI64LeU { lhs, rhs; offset: i32 },
        BrI64GeS { lhs, rhs; offset: i32 },
        BrI64GeU { lhs, rhs; offset: i32 },
        /// Loop back-edges in interruptible code: like the op without
        /// `Loop`, and each taken jump counts down to an interruption check.
        BrLoop { ; offset: i32 },
        BrIfNezLoop { cond; offset: i32 },
        BrIfEqzLoop { cond; offset: i32 },
        BrI32EqLoop { lhs, rhs; offset: i32 },
        BrI32NeLoop { lhs, rhs; offset: i32 },
        BrI32LtSLoop { lhs, rhs; offset: i32 },
        BrI32LtULoop { lhs, rhs; offset: i32 },
        BrI32GtSLoop { lhs, rhs; offset: i32 },
        BrI32GtULoop { lhs, rhs; offset: i32 },
        BrI32LeSLoop { lhs, rhs; offset: i32 },
        BrI32LeULoop { lhs, rhs; offset: i32 },
        BrI32GeSLoop { lhs, rhs; offset: i32 },
        BrI32GeULoop { lhs, rhs; offset: i32 },
        BrI64EqLoop { lhs, rhs; offset: i32 },
        BrI64NeLoop { lhs, rhs; offset: i32 },
        BrI64LtSLoop { lhs, rhs; offset: i32 },
        BrI64LtULoop { lhs, rhs; offset: i32 },
        BrI64GtSLoop { lhs, rhs; offset: i32 },
        BrI64GtULoop { lhs, rhs; offset: i32 },
        BrI64LeSLoop { lhs, rhs; offset: i32 },
        BrI64LeULoop { lhs, rhs; offset: i32 },
        BrI64GeSLoop { lhs, rhs; offset: i32 },
        BrI64GeULoop { lhs, rhs; offset: i32 },
        /// Charges `amount` fuel for the basic block it starts.
        ConsumeFuel { ; amount: u32 },
        /// Stops with `TrapCode::Interrupt` if the store was interrupted or
        /// its deadline has passed.
        Check {},
        /// Returns without results.
        Return {},
        /// Returns one result.
        Return1 { src },
        /// Returns `n` results held in consecutive slots from `src`.
        ReturnN { src; n: u32 },
        /// Calls defined function `func` (module index minus imports); the
        /// callee frame starts at `base`.
        Call { base; func: u32 },
        /// Calls imported function `func`.
        CallImport { base; func: u32 },
        /// Calls through a table; followed by `Extra { a: table }`.
        CallIndirect { index, base; type_index: u32 },
        /// `dst = src`
        Copy { dst, src },
        /// `dst = cond != 0 ? a : b`
        Select { dst, cond, a, b },
        /// Reads a global.
        GlobalGet { dst; global: u32 },
        /// Writes a global.
        GlobalSet { src; global: u32 },
        /// A function reference.
        RefFunc { dst; func: u32 },

        I32Load { dst, addr; offset: u32 },
        I64Load { dst, addr; offset: u32 },
        F32Load { dst, addr; offset: u32 },
        F64Load { dst, addr; offset: u32 },
        I32Load8S { dst, addr; offset: u32 },
        I32Load8U { dst, addr; offset: u32 },
        I32Load16S { dst, addr; offset: u32 },
        I32Load16U { dst, addr; offset: u32 },
        I64Load8S { dst, addr; offset: u32 },
        I64Load8U { dst, addr; offset: u32 },
        I64Load16S { dst, addr; offset: u32 },
        I64Load16U { dst, addr; offset: u32 },
        I64Load32S { dst, addr; offset: u32 },
        I64Load32U { dst, addr; offset: u32 },
        I32Store { addr, value; offset: u32 },
        I64Store { addr, value; offset: u32 },
        F32Store { addr, value; offset: u32 },
        F64Store { addr, value; offset: u32 },
        I32Store8 { addr, value; offset: u32 },
        I32Store16 { addr, value; offset: u32 },
        I64Store8 { addr, value; offset: u32 },
        I64Store16 { addr, value; offset: u32 },
        I64Store32 { addr, value; offset: u32 },
        MemorySize { dst },
        MemoryGrow { dst, delta },
        MemoryFill { dst, value, len },
        MemoryCopy { dst, src, len },
        /// Followed by `Extra { a: segment }`.
        MemoryInit { dst, src, len },
        DataDrop { ; segment: u32 },
        TableGet { dst, index; table: u32 },
        TableSet { index, value; table: u32 },
        TableSize { dst; table: u32 },
        TableGrow { dst, init, delta; table: u32 },
        TableFill { dst, value, len; table: u32 },
        /// Followed by `Extra { a: dst_table, b: src_table }`.
        TableCopy { dst, src, len },
        /// Followed by `Extra { a: segment, b: table }`.
        TableInit { dst, src, len },
        ElemDrop { ; segment: u32 },

        I32Eqz { dst, src },
        I32Eq { dst, lhs, rhs },
        I32Ne { dst, lhs, rhs },
        I32LtS { dst, lhs, rhs },
        I32LtU { dst, lhs, rhs },
        I32GtS { dst, lhs, rhs },
        I32GtU { dst, lhs, rhs },
        I32LeS { dst, lhs, rhs },
        I32LeU { dst, lhs, rhs },
        I32GeS { dst, lhs, rhs },
        I32GeU { dst, lhs, rhs },
        I64Eqz { dst, src },
        I64Eq { dst, lhs, rhs },
        I64Ne { dst, lhs, rhs },
        I64LtS { dst, lhs, rhs },
        I64LtU { dst, lhs, rhs },
        I64GtS { dst, lhs, rhs },
        I64GtU { dst, lhs, rhs },
        I64LeS { dst, lhs, rhs },
        I64LeU { dst, lhs, rhs },
        I64GeS { dst, lhs, rhs },
        I64GeU { dst, lhs, rhs },
        F32Eq { dst, lhs, rhs },
        F32Ne { dst, lhs, rhs },
        F32Lt { dst, lhs, rhs },
        F32Gt { dst, lhs, rhs },
        F32Le { dst, lhs, rhs },
        F32Ge { dst, lhs, rhs },
        F64Eq { dst, lhs, rhs },
        F64Ne { dst, lhs, rhs },
        F64Lt { dst, lhs, rhs },
        F64Gt { dst, lhs, rhs },
        F64Le { dst, lhs, rhs },
        F64Ge { dst, lhs, rhs },

        I32Clz { dst, src },
        I32Ctz { dst, src },
        I32Popcnt { dst, src },
        I32Add { dst, lhs, rhs },
        I32Sub { dst, lhs, rhs },
        I32Mul { dst, lhs, rhs },
        I32DivS { dst, lhs, rhs },
        I32DivU { dst, lhs, rhs },
        I32RemS { dst, lhs, rhs },
        I32RemU { dst, lhs, rhs },
        I32And { dst, lhs, rhs },
        I32Or { dst, lhs, rhs },
        I32Xor { dst, lhs, rhs },
        I32Shl { dst, lhs, rhs },
        I32ShrS { dst, lhs, rhs },
        I32ShrU { dst, lhs, rhs },
        I32Rotl { dst, lhs, rhs },
        I32Rotr { dst, lhs, rhs },
        I64Clz { dst, src },
        I64Ctz { dst, src },
        I64Popcnt { dst, src },
        I64Add { dst, lhs, rhs },
        I64Sub { dst, lhs, rhs },
        I64Mul { dst, lhs, rhs },
        I64DivS { dst, lhs, rhs },
        I64DivU { dst, lhs, rhs },
        I64RemS { dst, lhs, rhs },
        I64RemU { dst, lhs, rhs },
        I64And { dst, lhs, rhs },
        I64Or { dst, lhs, rhs },
        I64Xor { dst, lhs, rhs },
        I64Shl { dst, lhs, rhs },
        I64ShrS { dst, lhs, rhs },
        I64ShrU { dst, lhs, rhs },
        I64Rotl { dst, lhs, rhs },
        I64Rotr { dst, lhs, rhs },

        F32Abs { dst, src },
        F32Neg { dst, src },
        F32Ceil { dst, src },
        F32Floor { dst, src },
        F32Trunc { dst, src },
        F32Nearest { dst, src },
        F32Sqrt { dst, src },
        F32Add { dst, lhs, rhs },
        F32Sub { dst, lhs, rhs },
        F32Mul { dst, lhs, rhs },
        F32Div { dst, lhs, rhs },
        F32Min { dst, lhs, rhs },
        F32Max { dst, lhs, rhs },
        F32Copysign { dst, lhs, rhs },
        F64Abs { dst, src },
        F64Neg { dst, src },
        F64Ceil { dst, src },
        F64Floor { dst, src },
        F64Trunc { dst, src },
        F64Nearest { dst, src },
        F64Sqrt { dst, src },
        F64Add { dst, lhs, rhs },
        F64Sub { dst, lhs, rhs },
        F64Mul { dst, lhs, rhs },
        F64Div { dst, lhs, rhs },
        F64Min { dst, lhs, rhs },
        F64Max { dst, lhs, rhs },
        F64Copysign { dst, lhs, rhs },

        I32WrapI64 { dst, src },
        I32TruncF32S { dst, src },
        I32TruncF32U { dst, src },
        I32TruncF64S { dst, src },
        I32TruncF64U { dst, src },
        I64ExtendI32S { dst, src },
        I64ExtendI32U { dst, src },
        I64TruncF32S { dst, src },
        I64TruncF32U { dst, src },
        I64TruncF64S { dst, src },
        I64TruncF64U { dst, src },
        F32ConvertI32S { dst, src },
        F32ConvertI32U { dst, src },
        F32ConvertI64S { dst, src },
        F32ConvertI64U { dst, src },
        F32DemoteF64 { dst, src },
        F64ConvertI32S { dst, src },
        F64ConvertI32U { dst, src },
        F64ConvertI64S { dst, src },
        F64ConvertI64U { dst, src },
        F64PromoteF32 { dst, src },
        I32Extend8S { dst, src },
        I32Extend16S { dst, src },
        I64Extend8S { dst, src },
        I64Extend16S { dst, src },
        I64Extend32S { dst, src },
        I32TruncSatF32S { dst, src },
        I32TruncSatF32U { dst, src },
        I32TruncSatF64S { dst, src },
        I32TruncSatF64U { dst, src },
        I64TruncSatF32S { dst, src },
        I64TruncSatF32U { dst, src },
        I64TruncSatF64S { dst, src },
        I64TruncSatF64U { dst, src },
        }
    };
}

for_each_op!(define_ops);

// Keep ops small: the dispatch loop streams through them.
const _: () = assert!(core::mem::size_of::<Op>() <= 12);

/// A function translated for the interpreter.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    pub ops: Box<[Op]>,
    /// Module byte offset of the wasm instruction each op came from.
    pub offsets: Box<[u32]>,
    /// Values copied into the constant slots on entry.
    pub consts: Box<[u64]>,
    /// Index of the function in its module.
    pub func_index: u32,
    pub num_params: u16,
    /// Params plus declared locals.
    pub num_locals: u16,
    /// First constant slot.
    pub const_base: u16,
    /// Slots the frame needs, constants included.
    pub frame_size: u16,
}
