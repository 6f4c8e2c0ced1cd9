//! The interpreter's internal code: one flat array of [`Op`]s per function
//! (fixed-size cells under the loop dispatches, packed cells of different
//! sizes under tail dispatch: [`packed`]), a register machine over 64-bit
//! frame slots. This module is the one list of ops (translator and
//! executor both read it); it decides nothing about how ops are produced
//! or run.
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
        #[cfg_attr(not(feature = "simd"), allow(dead_code))]
        pub(crate) enum Op {
            $( $(#[$doc])* $name { $($slot: Slot,)* $($($imm: $ity,)*)? } ),*
        }

        /// Every op, its slots numbered `1..` in declaration order and its
        /// immediates zero, with its number of slots.
        #[cfg(test)]
        pub(crate) fn every_op() -> alloc::vec::Vec<(Op, u16)> {
            // The count is how many slot fields the literal numbered, not
            // `SLOT_COUNTS`, so the test that uses this checks the table.
            alloc::vec![$( {
                let mut _k: Slot = 0;
                let op = Op::$name { $($slot: { _k += 1; _k },)* $($($imm: Default::default(),)*)? };
                (op, _k)
            } ),*]
        }

        /// How many slot fields each op has, by tag.
        const SLOT_COUNTS: [u8; OP_COUNT] = [$( 0 $( + { let _ = stringify!($slot); 1 } )* ),*];

        impl Op {
            /// Calls `f` on every slot operand, in declaration order.
            ///
            /// Reads the slots by position rather than by a `match` over
            /// every op: one table byte per op instead of a jump table and
            /// code per caller (three callers, about 1 KiB of flash each).
            #[inline]
            pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
                let n = SLOT_COUNTS[self.tag() as usize] as usize;
                let words = self as *mut Op as *mut u16;
                for i in 0..n {
                    // SAFETY: `Op` is `repr(u16)`, so each op is laid out as
                    // a `repr(C)` struct of its `u16` tag then its fields in
                    // order, and the macro declares slot fields (`u16`)
                    // first: slot `i` is the `u16` at index `1 + i`, inside
                    // the op (`n` counts this op's slots). The pointer comes
                    // from `&mut self`, so writing through it is allowed.
                    f(unsafe { &mut *words.add(1 + i) });
                }
            }

            /// The op's tag, its first two bytes.
            #[inline(always)]
            pub(crate) fn tag(&self) -> u16 {
                // SAFETY: every `repr(u16)` enum value starts with its
                // `u16` tag.
                unsafe { *(self as *const Op as *const u16) }
            }
        }

        /// Number of distinct ops (tags run from 0 to `OP_COUNT - 1`).
        pub(crate) const OP_COUNT: usize = OP_NAMES.len();

        /// The name of every op, in tag order (for tests that must cover
        /// the whole list; see `crate::__ir_op_names`).
        pub(crate) const OP_NAMES: &[&str] = &[$(stringify!($name)),*];

        impl Op {
            /// The op's name, as in the list.
            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $( Op::$name { .. } => stringify!($name), )*
                }
            }
        }

        /// The operands of each op as tail dispatch packs them after its
        /// handler's address: the op's fields in declaration order, without
        /// its tag (the handler says which op it is) and without padding.
        /// (Built everywhere, so that the unit tests of every dispatch check
        /// it; only tail dispatch's code uses it.)
        #[cfg_attr(not(wasmbed_tail_dispatch), allow(dead_code))]
        pub(crate) mod packed {
            $(
                #[repr(C, packed)]
                #[derive(Clone, Copy)]
                pub(crate) struct $name { $(pub(crate) $slot: super::Slot,)* $($(pub(crate) $imm: $ity,)*)? }
            )*

            /// Each op's tag, by name (as `Op`'s `repr(u16)` numbers them).
            #[allow(dead_code)]
            #[repr(u16)]
            pub(crate) enum Tag { $($name),* }

            /// Whether each op, by tag, is a jump: its last field is
            /// `offset: i32`, which packing turns from ops into bytes.
            pub(crate) const IS_JUMP: [bool; super::OP_COUNT] = [$(
                is_jump(&[$($(stringify!($imm)),*)?], &[$($(stringify!($ity)),*)?])
            ),*];

            const fn same(a: &str, b: &str) -> bool {
                let (a, b) = (a.as_bytes(), b.as_bytes());
                if a.len() != b.len() {
                    return false;
                }
                let mut i = 0;
                while i < a.len() {
                    if a[i] != b[i] {
                        return false;
                    }
                    i += 1;
                }
                true
            }

            const fn is_jump(names: &[&str], types: &[&str]) -> bool {
                match (names.last(), types.last()) {
                    (Some(n), Some(t)) => same(n, "offset") && same(t, "i32"),
                    _ => false,
                }
            }

            /// Bytes of each op's packed operands, by tag.
            pub(crate) const SIZES: [u8; super::OP_COUNT] = [$( core::mem::size_of::<$name>() as u8 ),*];

            /// Decoders of packed operands back into ops, by tag (for
            /// `Module::debug_ir` and tests).
            pub(crate) const DECODE: [unsafe fn(*const u8) -> super::Op; super::OP_COUNT] = [$( {
                /// # Safety
                /// `p` points at this op's packed operands.
                unsafe fn decode(p: *const u8) -> super::Op {
                    // SAFETY: the caller's promise; the struct is packed, so
                    // an unaligned read is its only way in.
                    let _v = unsafe { core::ptr::read_unaligned(p as *const $name) };
                    super::Op::$name { $($slot: _v.$slot,)* $($($imm: _v.$imm,)*)? }
                }
                decode
            } ),*];
        }

        #[cfg_attr(not(wasmbed_tail_dispatch), allow(dead_code))]
        impl Op {
            /// Writes the op's packed operands at `p`, each slot `s` as
            /// `slot(s)` (the translator's final frame layout).
            ///
            /// # Safety
            /// `p` is valid for writing `packed::SIZES[tag]` bytes.
            #[inline(always)]
            pub(crate) unsafe fn pack_to(&self, p: *mut u8, slot: impl Fn(Slot) -> Slot) {
                match *self {
                    $( Op::$name { $($slot,)* $($($imm,)*)? } => {
                        let v = packed::$name { $($slot: slot($slot),)* $($($imm,)*)? };
                        // SAFETY: the caller's promise; the struct is packed,
                        // so it is written unaligned.
                        unsafe { core::ptr::write_unaligned(p as *mut packed::$name, v) };
                    } )*
                }
            }
        }
    };
}

/// The operand forms of the hot integer ops (feature `fast-ops`): the same
/// operations as the ops they are named after, reading an immediate or the
/// accumulator instead of a slot, or leaving their result in the
/// accumulator. The suffix names the operands in order, `S` a slot, `I` an
/// immediate, `A` the accumulator, then `A` again when the result goes to
/// the accumulator rather than to `dst`: `I32AddSi` is `dst = lhs + imm`,
/// `I32SubSaA` is `acc = lhs - acc`. Branch forms compare and jump
/// (`BrI32LtSAi`: jump when `acc < imm`); stores store the accumulator
/// (`I32StoreA`) or an immediate (`I32StoreImm`); loads load into it
/// (`F64LoadA`, `I32Load8UAddA`). Float ops have no immediates; their
/// accumulator holds the value's bits like a slot.
///
/// Immediates are `i32`, sign-extended for 64-bit ops; shift counts are
/// already masked. The accumulator is a handler argument, so a value
/// passed through it never touches the frame. It lives from one op to the
/// very next only: the translator gives an op an accumulator result only
/// when the op right after it, in the same basic block, is its one reader
/// (`Op::writes_acc`/`Op::reads_acc`, checked after translation in debug
/// builds and before every op by the debug loop dispatch).
#[cfg(feature = "fast-ops")]
macro_rules! with_form_ops {
    ($m:ident; $($ops:tt)*) => {
        with_simd_ops! { $m;
        $($ops)*
        I32AddSi { dst, lhs; imm: i32 },
        I32AddSsA { lhs, rhs },
        I32AddSiA { lhs; imm: i32 },
        I32AddAs { dst, rhs },
        I32AddAsA { rhs },
        I32AddAi { dst; imm: i32 },
        I32AddAiA { ; imm: i32 },
        I32MulSi { dst, lhs; imm: i32 },
        I32MulSsA { lhs, rhs },
        I32MulSiA { lhs; imm: i32 },
        I32MulAs { dst, rhs },
        I32MulAsA { rhs },
        I32MulAi { dst; imm: i32 },
        I32MulAiA { ; imm: i32 },
        I32AndSi { dst, lhs; imm: i32 },
        I32AndSsA { lhs, rhs },
        I32AndSiA { lhs; imm: i32 },
        I32AndAs { dst, rhs },
        I32AndAsA { rhs },
        I32AndAi { dst; imm: i32 },
        I32AndAiA { ; imm: i32 },
        I32OrSi { dst, lhs; imm: i32 },
        I32OrSsA { lhs, rhs },
        I32OrSiA { lhs; imm: i32 },
        I32OrAs { dst, rhs },
        I32OrAsA { rhs },
        I32OrAi { dst; imm: i32 },
        I32OrAiA { ; imm: i32 },
        I32XorSi { dst, lhs; imm: i32 },
        I32XorSsA { lhs, rhs },
        I32XorSiA { lhs; imm: i32 },
        I32XorAs { dst, rhs },
        I32XorAsA { rhs },
        I32XorAi { dst; imm: i32 },
        I32XorAiA { ; imm: i32 },
        I32SubSi { dst, lhs; imm: i32 },
        I32SubSsA { lhs, rhs },
        I32SubSiA { lhs; imm: i32 },
        I32SubAs { dst, rhs },
        I32SubAsA { rhs },
        I32SubAi { dst; imm: i32 },
        I32SubAiA { ; imm: i32 },
        I32SubSa { dst, lhs },
        I32SubSaA { lhs },
        I32ShlSi { dst, lhs; imm: i32 },
        I32ShlSsA { lhs, rhs },
        I32ShlSiA { lhs; imm: i32 },
        I32ShlAs { dst, rhs },
        I32ShlAsA { rhs },
        I32ShlAi { dst; imm: i32 },
        I32ShlAiA { ; imm: i32 },
        I32ShlSa { dst, lhs },
        I32ShlSaA { lhs },
        I32ShrSSi { dst, lhs; imm: i32 },
        I32ShrSSsA { lhs, rhs },
        I32ShrSSiA { lhs; imm: i32 },
        I32ShrSAs { dst, rhs },
        I32ShrSAsA { rhs },
        I32ShrSAi { dst; imm: i32 },
        I32ShrSAiA { ; imm: i32 },
        I32ShrSSa { dst, lhs },
        I32ShrSSaA { lhs },
        I32ShrUSi { dst, lhs; imm: i32 },
        I32ShrUSsA { lhs, rhs },
        I32ShrUSiA { lhs; imm: i32 },
        I32ShrUAs { dst, rhs },
        I32ShrUAsA { rhs },
        I32ShrUAi { dst; imm: i32 },
        I32ShrUAiA { ; imm: i32 },
        I32ShrUSa { dst, lhs },
        I32ShrUSaA { lhs },
        I32RotlSi { dst, lhs; imm: i32 },
        I32RotrSi { dst, lhs; imm: i32 },
        I64AddSi { dst, lhs; imm: i32 },
        I64AddSsA { lhs, rhs },
        I64AddSiA { lhs; imm: i32 },
        I64AddAs { dst, rhs },
        I64AddAsA { rhs },
        I64AddAi { dst; imm: i32 },
        I64AddAiA { ; imm: i32 },
        I64MulSi { dst, lhs; imm: i32 },
        I64MulSsA { lhs, rhs },
        I64MulSiA { lhs; imm: i32 },
        I64MulAs { dst, rhs },
        I64MulAsA { rhs },
        I64MulAi { dst; imm: i32 },
        I64MulAiA { ; imm: i32 },
        I64AndSi { dst, lhs; imm: i32 },
        I64AndSsA { lhs, rhs },
        I64AndSiA { lhs; imm: i32 },
        I64AndAs { dst, rhs },
        I64AndAsA { rhs },
        I64AndAi { dst; imm: i32 },
        I64AndAiA { ; imm: i32 },
        I64OrSi { dst, lhs; imm: i32 },
        I64OrSsA { lhs, rhs },
        I64OrSiA { lhs; imm: i32 },
        I64OrAs { dst, rhs },
        I64OrAsA { rhs },
        I64OrAi { dst; imm: i32 },
        I64OrAiA { ; imm: i32 },
        I64XorSi { dst, lhs; imm: i32 },
        I64XorSsA { lhs, rhs },
        I64XorSiA { lhs; imm: i32 },
        I64XorAs { dst, rhs },
        I64XorAsA { rhs },
        I64XorAi { dst; imm: i32 },
        I64XorAiA { ; imm: i32 },
        I64SubSi { dst, lhs; imm: i32 },
        I64SubSsA { lhs, rhs },
        I64SubSiA { lhs; imm: i32 },
        I64SubAs { dst, rhs },
        I64SubAsA { rhs },
        I64SubAi { dst; imm: i32 },
        I64SubAiA { ; imm: i32 },
        I64SubSa { dst, lhs },
        I64SubSaA { lhs },
        I64ShlSi { dst, lhs; imm: i32 },
        I64ShlSsA { lhs, rhs },
        I64ShlSiA { lhs; imm: i32 },
        I64ShlAs { dst, rhs },
        I64ShlAsA { rhs },
        I64ShlAi { dst; imm: i32 },
        I64ShlAiA { ; imm: i32 },
        I64ShlSa { dst, lhs },
        I64ShlSaA { lhs },
        I64ShrSSi { dst, lhs; imm: i32 },
        I64ShrSSsA { lhs, rhs },
        I64ShrSSiA { lhs; imm: i32 },
        I64ShrSAs { dst, rhs },
        I64ShrSAsA { rhs },
        I64ShrSAi { dst; imm: i32 },
        I64ShrSAiA { ; imm: i32 },
        I64ShrSSa { dst, lhs },
        I64ShrSSaA { lhs },
        I64ShrUSi { dst, lhs; imm: i32 },
        I64ShrUSsA { lhs, rhs },
        I64ShrUSiA { lhs; imm: i32 },
        I64ShrUAs { dst, rhs },
        I64ShrUAsA { rhs },
        I64ShrUAi { dst; imm: i32 },
        I64ShrUAiA { ; imm: i32 },
        I64ShrUSa { dst, lhs },
        I64ShrUSaA { lhs },
        I64RotlSi { dst, lhs; imm: i32 },
        I64RotrSi { dst, lhs; imm: i32 },
        BrI32EqSi { lhs; imm: i32, offset: i32 },
        BrI32EqAs { rhs; offset: i32 },
        BrI32EqAi { ; imm: i32, offset: i32 },
        BrI32NeSi { lhs; imm: i32, offset: i32 },
        BrI32NeAs { rhs; offset: i32 },
        BrI32NeAi { ; imm: i32, offset: i32 },
        BrI32LtSSi { lhs; imm: i32, offset: i32 },
        BrI32LtSAs { rhs; offset: i32 },
        BrI32LtSAi { ; imm: i32, offset: i32 },
        BrI32LtUSi { lhs; imm: i32, offset: i32 },
        BrI32LtUAs { rhs; offset: i32 },
        BrI32LtUAi { ; imm: i32, offset: i32 },
        BrI32GtSSi { lhs; imm: i32, offset: i32 },
        BrI32GtSAs { rhs; offset: i32 },
        BrI32GtSAi { ; imm: i32, offset: i32 },
        BrI32GtUSi { lhs; imm: i32, offset: i32 },
        BrI32GtUAs { rhs; offset: i32 },
        BrI32GtUAi { ; imm: i32, offset: i32 },
        BrI32LeSSi { lhs; imm: i32, offset: i32 },
        BrI32LeSAs { rhs; offset: i32 },
        BrI32LeSAi { ; imm: i32, offset: i32 },
        BrI32LeUSi { lhs; imm: i32, offset: i32 },
        BrI32LeUAs { rhs; offset: i32 },
        BrI32LeUAi { ; imm: i32, offset: i32 },
        BrI32GeSSi { lhs; imm: i32, offset: i32 },
        BrI32GeSAs { rhs; offset: i32 },
        BrI32GeSAi { ; imm: i32, offset: i32 },
        BrI32GeUSi { lhs; imm: i32, offset: i32 },
        BrI32GeUAs { rhs; offset: i32 },
        BrI32GeUAi { ; imm: i32, offset: i32 },
        BrI64EqSi { lhs; imm: i32, offset: i32 },
        BrI64EqAs { rhs; offset: i32 },
        BrI64EqAi { ; imm: i32, offset: i32 },
        BrI64NeSi { lhs; imm: i32, offset: i32 },
        BrI64NeAs { rhs; offset: i32 },
        BrI64NeAi { ; imm: i32, offset: i32 },
        BrI64LtSSi { lhs; imm: i32, offset: i32 },
        BrI64LtSAs { rhs; offset: i32 },
        BrI64LtSAi { ; imm: i32, offset: i32 },
        BrI64LtUSi { lhs; imm: i32, offset: i32 },
        BrI64LtUAs { rhs; offset: i32 },
        BrI64LtUAi { ; imm: i32, offset: i32 },
        BrI64GtSSi { lhs; imm: i32, offset: i32 },
        BrI64GtSAs { rhs; offset: i32 },
        BrI64GtSAi { ; imm: i32, offset: i32 },
        BrI64GtUSi { lhs; imm: i32, offset: i32 },
        BrI64GtUAs { rhs; offset: i32 },
        BrI64GtUAi { ; imm: i32, offset: i32 },
        BrI64LeSSi { lhs; imm: i32, offset: i32 },
        BrI64LeSAs { rhs; offset: i32 },
        BrI64LeSAi { ; imm: i32, offset: i32 },
        BrI64LeUSi { lhs; imm: i32, offset: i32 },
        BrI64LeUAs { rhs; offset: i32 },
        BrI64LeUAi { ; imm: i32, offset: i32 },
        BrI64GeSSi { lhs; imm: i32, offset: i32 },
        BrI64GeSAs { rhs; offset: i32 },
        BrI64GeSAi { ; imm: i32, offset: i32 },
        BrI64GeUSi { lhs; imm: i32, offset: i32 },
        BrI64GeUAs { rhs; offset: i32 },
        BrI64GeUAi { ; imm: i32, offset: i32 },
        BrIfNezA { ; offset: i32 },
        BrIfEqzA { ; offset: i32 },
        I32StoreA { addr; offset: u32 },
        I32StoreImm { addr; value: i32, offset: u32 },
        I64StoreA { addr; offset: u32 },
        I64StoreImm { addr; value: i32, offset: u32 },
        I32Store8A { addr; offset: u32 },
        I32Store8Imm { addr; value: i32, offset: u32 },
        I32Store16A { addr; offset: u32 },
        I32Store16Imm { addr; value: i32, offset: u32 },
        I64Store8A { addr; offset: u32 },
        I64Store8Imm { addr; value: i32, offset: u32 },
        I64Store16A { addr; offset: u32 },
        I64Store16Imm { addr; value: i32, offset: u32 },
        I64Store32A { addr; offset: u32 },
        I64Store32Imm { addr; value: i32, offset: u32 },
        F32AddSsA { lhs, rhs },
        F32AddAs { dst, rhs },
        F32AddAsA { rhs },
        F32MulSsA { lhs, rhs },
        F32MulAs { dst, rhs },
        F32MulAsA { rhs },
        F32SubSsA { lhs, rhs },
        F32SubAs { dst, rhs },
        F32SubAsA { rhs },
        F32SubSa { dst, lhs },
        F32SubSaA { lhs },
        F32DivSsA { lhs, rhs },
        F32DivAs { dst, rhs },
        F32DivAsA { rhs },
        F32DivSa { dst, lhs },
        F32DivSaA { lhs },
        F64AddSsA { lhs, rhs },
        F64AddAs { dst, rhs },
        F64AddAsA { rhs },
        F64MulSsA { lhs, rhs },
        F64MulAs { dst, rhs },
        F64MulAsA { rhs },
        F64SubSsA { lhs, rhs },
        F64SubAs { dst, rhs },
        F64SubAsA { rhs },
        F64SubSa { dst, lhs },
        F64SubSaA { lhs },
        F64DivSsA { lhs, rhs },
        F64DivAs { dst, rhs },
        F64DivAsA { rhs },
        F64DivSa { dst, lhs },
        F64DivSaA { lhs },
        I32LoadA { addr; offset: u32 },
        I32LoadAddA { base, index; offset: u32 },
        I64LoadA { addr; offset: u32 },
        I64LoadAddA { base, index; offset: u32 },
        F32LoadA { addr; offset: u32 },
        F32LoadAddA { base, index; offset: u32 },
        F64LoadA { addr; offset: u32 },
        F64LoadAddA { base, index; offset: u32 },
        I32Load8SA { addr; offset: u32 },
        I32Load8SAddA { base, index; offset: u32 },
        I32Load8UA { addr; offset: u32 },
        I32Load8UAddA { base, index; offset: u32 },
        I32Load16SA { addr; offset: u32 },
        I32Load16SAddA { base, index; offset: u32 },
        I32Load16UA { addr; offset: u32 },
        I32Load16UAddA { base, index; offset: u32 },
        F32StoreA { addr; offset: u32 },
        F64StoreA { addr; offset: u32 },
        I32EqSsA { lhs, rhs },
        I32NeSsA { lhs, rhs },
        I32LtSSsA { lhs, rhs },
        I32LtUSsA { lhs, rhs },
        I32GtSSsA { lhs, rhs },
        I32GtUSsA { lhs, rhs },
        I32LeSSsA { lhs, rhs },
        I32LeUSsA { lhs, rhs },
        I32GeSSsA { lhs, rhs },
        I32GeUSsA { lhs, rhs },
        I64EqSsA { lhs, rhs },
        I64NeSsA { lhs, rhs },
        I64LtSSsA { lhs, rhs },
        I64LtUSsA { lhs, rhs },
        I64GtSSsA { lhs, rhs },
        I64GtUSsA { lhs, rhs },
        I64LeSSsA { lhs, rhs },
        I64LeUSsA { lhs, rhs },
        I64GeSSsA { lhs, rhs },
        I64GeUSsA { lhs, rhs },
        SelectA { dst, a, b },
        /// `dst = if lhs < rhs { a } else { b }`: a comparison and the
        /// `select` it feeds in one op (branchless min, max and merges);
        /// `>`, `<=` and `>=` swap the operands or the arms.
        SelectI32LtU { dst, a, b, lhs, rhs },
        SelectI32LtS { dst, a, b, lhs, rhs },
        SelectI64LtU { dst, a, b, lhs, rhs },
        SelectI64LtS { dst, a, b, lhs, rhs },
        /// `dst = src`, then `dst2 = src2`: two `Copy`s in one dispatch.
        Copy2 { dst, src, dst2, src2 },
        /// `dst = lhs + imm`, then `dst2 = lhs2 + imm2` (i32): two
        /// `I32AddSi` in one dispatch.
        I32AddSi2 { dst, lhs, dst2, lhs2; imm: i8, imm2: i8 },
        /// `dst = lhs + imm` (i32), then jumps when `dst` is not zero: a
        /// counted loop's decrement and back-edge in one dispatch.
        I32AddSiBrNez { dst, lhs; imm: i8, offset: i32 },
        /// `dst += imm` (i32), then jumps when `dst != rhs`: a counted
        /// loop's increment and its back-edge test in one dispatch.
        I32AddSiBrNe { dst, rhs; imm: i8, offset: i32 },
        /// `dst += imm` (i32), then jumps when `dst < rhs` (unsigned).
        I32AddSiBrLtU { dst, rhs; imm: i8, offset: i32 },
        }
    };
}

/// Without `fast-ops` (small devices), every op reads and writes slots.
#[cfg(not(feature = "fast-ops"))]
macro_rules! with_form_ops {
    ($m:ident; $($ops:tt)*) => {
        with_simd_ops! { $m; $($ops)* }
    };
}

/// The one list of ops. Calls `$m!` with every op, in tag order; `define_ops`
/// builds the enum from it and the executor its handler table.
macro_rules! for_each_op {
    ($m:ident) => {
        with_form_ops! { $m;
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
        /// Loads and stores whose address is `addr << shift`: a constant
        /// `i32.shl` fused in (indexing a static array, whose base is the
        /// offset). The shift wraps at 32 bits, as `i32.shl` does.
        I32LoadShl { dst, addr; shift: u8, offset: u32 },
        I64LoadShl { dst, addr; shift: u8, offset: u32 },
        F32LoadShl { dst, addr; shift: u8, offset: u32 },
        F64LoadShl { dst, addr; shift: u8, offset: u32 },
        I32Load8SShl { dst, addr; shift: u8, offset: u32 },
        I32Load8UShl { dst, addr; shift: u8, offset: u32 },
        I32Load16SShl { dst, addr; shift: u8, offset: u32 },
        I32Load16UShl { dst, addr; shift: u8, offset: u32 },
        I64Load8SShl { dst, addr; shift: u8, offset: u32 },
        I64Load8UShl { dst, addr; shift: u8, offset: u32 },
        I64Load16SShl { dst, addr; shift: u8, offset: u32 },
        I64Load16UShl { dst, addr; shift: u8, offset: u32 },
        I64Load32SShl { dst, addr; shift: u8, offset: u32 },
        I64Load32UShl { dst, addr; shift: u8, offset: u32 },
        I32StoreShl { addr, value; shift: u8, offset: u32 },
        I64StoreShl { addr, value; shift: u8, offset: u32 },
        F32StoreShl { addr, value; shift: u8, offset: u32 },
        F64StoreShl { addr, value; shift: u8, offset: u32 },
        I32Store8Shl { addr, value; shift: u8, offset: u32 },
        I32Store16Shl { addr, value; shift: u8, offset: u32 },
        I64Store8Shl { addr, value; shift: u8, offset: u32 },
        I64Store16Shl { addr, value; shift: u8, offset: u32 },
        I64Store32Shl { addr, value; shift: u8, offset: u32 },
        /// Loads and stores whose address is `base + index` (wrapping at
        /// 32 bits): an `i32.add` fused in.
        I32LoadAdd { dst, base, index; offset: u32 },
        I64LoadAdd { dst, base, index; offset: u32 },
        F32LoadAdd { dst, base, index; offset: u32 },
        F64LoadAdd { dst, base, index; offset: u32 },
        I32Load8SAdd { dst, base, index; offset: u32 },
        I32Load8UAdd { dst, base, index; offset: u32 },
        I32Load16SAdd { dst, base, index; offset: u32 },
        I32Load16UAdd { dst, base, index; offset: u32 },
        I64Load8SAdd { dst, base, index; offset: u32 },
        I64Load8UAdd { dst, base, index; offset: u32 },
        I64Load16SAdd { dst, base, index; offset: u32 },
        I64Load16UAdd { dst, base, index; offset: u32 },
        I64Load32SAdd { dst, base, index; offset: u32 },
        I64Load32UAdd { dst, base, index; offset: u32 },
        I32StoreAdd { base, index, value; offset: u32 },
        I64StoreAdd { base, index, value; offset: u32 },
        F32StoreAdd { base, index, value; offset: u32 },
        F64StoreAdd { base, index, value; offset: u32 },
        I32Store8Add { base, index, value; offset: u32 },
        I32Store16Add { base, index, value; offset: u32 },
        I64Store8Add { base, index, value; offset: u32 },
        I64Store16Add { base, index, value; offset: u32 },
        I64Store32Add { base, index, value; offset: u32 },
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
        /// `dst = lhs + (rhs << shift)` (i32): a fused `i32.shl` by a
        /// constant feeding `i32.add`, the shape of array indexing.
        I32AddShl { dst, lhs, rhs; shift: u8 },
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

/// The `v128` ops, appended to the list `for_each_op!` passes. A `v128`
/// operand names the first of its two slots (low half first). The ops
/// exist with or without the `simd` cargo feature; without it nothing
/// produces them and their handlers only trap.
macro_rules! with_simd_ops {
    ($m:ident; $($ops:tt)*) => {
        $m! {
        $($ops)*
        /// `v128` `dst = src` (two slots).
        V128Copy { dst, src },
        /// `v128` `dst = cond != 0 ? a : b`.
        V128Select { dst, cond, a, b },
        V128GlobalGet { dst; global: u32 },
        V128GlobalSet { src; global: u32 },
        /// `lanes` is a constant slot pair holding the 16 lane indices.
        I8x16Shuffle { dst, lhs, rhs, lanes },
        V128Bitselect { dst, a, b, c },
        V128Load { dst, addr; offset: u32 },
        V128Load8x8S { dst, addr; offset: u32 },
        V128Load8x8U { dst, addr; offset: u32 },
        V128Load16x4S { dst, addr; offset: u32 },
        V128Load16x4U { dst, addr; offset: u32 },
        V128Load32x2S { dst, addr; offset: u32 },
        V128Load32x2U { dst, addr; offset: u32 },
        V128Load8Splat { dst, addr; offset: u32 },
        V128Load16Splat { dst, addr; offset: u32 },
        V128Load32Splat { dst, addr; offset: u32 },
        V128Load64Splat { dst, addr; offset: u32 },
        V128Load32Zero { dst, addr; offset: u32 },
        V128Load64Zero { dst, addr; offset: u32 },
        V128Store { addr, value; offset: u32 },
        /// Lane loads are followed by `Extra { a: lane }`.
        V128Load8Lane { dst, addr, src; offset: u32 },
        V128Load16Lane { dst, addr, src; offset: u32 },
        V128Load32Lane { dst, addr, src; offset: u32 },
        V128Load64Lane { dst, addr, src; offset: u32 },
        V128Store8Lane { addr, value; lane: u8, offset: u32 },
        V128Store16Lane { addr, value; lane: u8, offset: u32 },
        V128Store32Lane { addr, value; lane: u8, offset: u32 },
        V128Store64Lane { addr, value; lane: u8, offset: u32 },
        I8x16ExtractLaneS { dst, src; lane: u8 },
        I8x16ExtractLaneU { dst, src; lane: u8 },
        I16x8ExtractLaneS { dst, src; lane: u8 },
        I16x8ExtractLaneU { dst, src; lane: u8 },
        I32x4ExtractLane { dst, src; lane: u8 },
        I64x2ExtractLane { dst, src; lane: u8 },
        F32x4ExtractLane { dst, src; lane: u8 },
        F64x2ExtractLane { dst, src; lane: u8 },
        I8x16ReplaceLane { dst, src, val; lane: u8 },
        I16x8ReplaceLane { dst, src, val; lane: u8 },
        I32x4ReplaceLane { dst, src, val; lane: u8 },
        I64x2ReplaceLane { dst, src, val; lane: u8 },
        F32x4ReplaceLane { dst, src, val; lane: u8 },
        F64x2ReplaceLane { dst, src, val; lane: u8 },
        I8x16Splat { dst, src },
        I16x8Splat { dst, src },
        I32x4Splat { dst, src },
        I64x2Splat { dst, src },
        F32x4Splat { dst, src },
        F64x2Splat { dst, src },
        V128Not { dst, src },
        I8x16Abs { dst, src },
        I8x16Neg { dst, src },
        I8x16Popcnt { dst, src },
        I16x8ExtAddPairwiseI8x16S { dst, src },
        I16x8ExtAddPairwiseI8x16U { dst, src },
        I16x8Abs { dst, src },
        I16x8Neg { dst, src },
        I16x8ExtendLowI8x16S { dst, src },
        I16x8ExtendHighI8x16S { dst, src },
        I16x8ExtendLowI8x16U { dst, src },
        I16x8ExtendHighI8x16U { dst, src },
        I32x4ExtAddPairwiseI16x8S { dst, src },
        I32x4ExtAddPairwiseI16x8U { dst, src },
        I32x4Abs { dst, src },
        I32x4Neg { dst, src },
        I32x4ExtendLowI16x8S { dst, src },
        I32x4ExtendHighI16x8S { dst, src },
        I32x4ExtendLowI16x8U { dst, src },
        I32x4ExtendHighI16x8U { dst, src },
        I64x2Abs { dst, src },
        I64x2Neg { dst, src },
        I64x2ExtendLowI32x4S { dst, src },
        I64x2ExtendHighI32x4S { dst, src },
        I64x2ExtendLowI32x4U { dst, src },
        I64x2ExtendHighI32x4U { dst, src },
        F32x4Ceil { dst, src },
        F32x4Floor { dst, src },
        F32x4Trunc { dst, src },
        F32x4Nearest { dst, src },
        F32x4Abs { dst, src },
        F32x4Neg { dst, src },
        F32x4Sqrt { dst, src },
        F64x2Ceil { dst, src },
        F64x2Floor { dst, src },
        F64x2Trunc { dst, src },
        F64x2Nearest { dst, src },
        F64x2Abs { dst, src },
        F64x2Neg { dst, src },
        F64x2Sqrt { dst, src },
        I32x4TruncSatF32x4S { dst, src },
        I32x4TruncSatF32x4U { dst, src },
        F32x4ConvertI32x4S { dst, src },
        F32x4ConvertI32x4U { dst, src },
        I32x4TruncSatF64x2SZero { dst, src },
        I32x4TruncSatF64x2UZero { dst, src },
        F64x2ConvertLowI32x4S { dst, src },
        F64x2ConvertLowI32x4U { dst, src },
        F32x4DemoteF64x2Zero { dst, src },
        F64x2PromoteLowF32x4 { dst, src },
        V128AnyTrue { dst, src },
        I8x16AllTrue { dst, src },
        I8x16Bitmask { dst, src },
        I16x8AllTrue { dst, src },
        I16x8Bitmask { dst, src },
        I32x4AllTrue { dst, src },
        I32x4Bitmask { dst, src },
        I64x2AllTrue { dst, src },
        I64x2Bitmask { dst, src },
        I8x16Swizzle { dst, lhs, rhs },
        I8x16Eq { dst, lhs, rhs },
        I8x16Ne { dst, lhs, rhs },
        I8x16LtS { dst, lhs, rhs },
        I8x16LtU { dst, lhs, rhs },
        I8x16GtS { dst, lhs, rhs },
        I8x16GtU { dst, lhs, rhs },
        I8x16LeS { dst, lhs, rhs },
        I8x16LeU { dst, lhs, rhs },
        I8x16GeS { dst, lhs, rhs },
        I8x16GeU { dst, lhs, rhs },
        I16x8Eq { dst, lhs, rhs },
        I16x8Ne { dst, lhs, rhs },
        I16x8LtS { dst, lhs, rhs },
        I16x8LtU { dst, lhs, rhs },
        I16x8GtS { dst, lhs, rhs },
        I16x8GtU { dst, lhs, rhs },
        I16x8LeS { dst, lhs, rhs },
        I16x8LeU { dst, lhs, rhs },
        I16x8GeS { dst, lhs, rhs },
        I16x8GeU { dst, lhs, rhs },
        I32x4Eq { dst, lhs, rhs },
        I32x4Ne { dst, lhs, rhs },
        I32x4LtS { dst, lhs, rhs },
        I32x4LtU { dst, lhs, rhs },
        I32x4GtS { dst, lhs, rhs },
        I32x4GtU { dst, lhs, rhs },
        I32x4LeS { dst, lhs, rhs },
        I32x4LeU { dst, lhs, rhs },
        I32x4GeS { dst, lhs, rhs },
        I32x4GeU { dst, lhs, rhs },
        I64x2Eq { dst, lhs, rhs },
        I64x2Ne { dst, lhs, rhs },
        I64x2LtS { dst, lhs, rhs },
        I64x2GtS { dst, lhs, rhs },
        I64x2LeS { dst, lhs, rhs },
        I64x2GeS { dst, lhs, rhs },
        F32x4Eq { dst, lhs, rhs },
        F32x4Ne { dst, lhs, rhs },
        F32x4Lt { dst, lhs, rhs },
        F32x4Gt { dst, lhs, rhs },
        F32x4Le { dst, lhs, rhs },
        F32x4Ge { dst, lhs, rhs },
        F64x2Eq { dst, lhs, rhs },
        F64x2Ne { dst, lhs, rhs },
        F64x2Lt { dst, lhs, rhs },
        F64x2Gt { dst, lhs, rhs },
        F64x2Le { dst, lhs, rhs },
        F64x2Ge { dst, lhs, rhs },
        V128And { dst, lhs, rhs },
        V128AndNot { dst, lhs, rhs },
        V128Or { dst, lhs, rhs },
        V128Xor { dst, lhs, rhs },
        I8x16NarrowI16x8S { dst, lhs, rhs },
        I8x16NarrowI16x8U { dst, lhs, rhs },
        I8x16Add { dst, lhs, rhs },
        I8x16AddSatS { dst, lhs, rhs },
        I8x16AddSatU { dst, lhs, rhs },
        I8x16Sub { dst, lhs, rhs },
        I8x16SubSatS { dst, lhs, rhs },
        I8x16SubSatU { dst, lhs, rhs },
        I8x16MinS { dst, lhs, rhs },
        I8x16MinU { dst, lhs, rhs },
        I8x16MaxS { dst, lhs, rhs },
        I8x16MaxU { dst, lhs, rhs },
        I8x16AvgrU { dst, lhs, rhs },
        I16x8Q15MulrSatS { dst, lhs, rhs },
        I16x8NarrowI32x4S { dst, lhs, rhs },
        I16x8NarrowI32x4U { dst, lhs, rhs },
        I16x8Add { dst, lhs, rhs },
        I16x8AddSatS { dst, lhs, rhs },
        I16x8AddSatU { dst, lhs, rhs },
        I16x8Sub { dst, lhs, rhs },
        I16x8SubSatS { dst, lhs, rhs },
        I16x8SubSatU { dst, lhs, rhs },
        I16x8Mul { dst, lhs, rhs },
        I16x8MinS { dst, lhs, rhs },
        I16x8MinU { dst, lhs, rhs },
        I16x8MaxS { dst, lhs, rhs },
        I16x8MaxU { dst, lhs, rhs },
        I16x8AvgrU { dst, lhs, rhs },
        I16x8ExtMulLowI8x16S { dst, lhs, rhs },
        I16x8ExtMulHighI8x16S { dst, lhs, rhs },
        I16x8ExtMulLowI8x16U { dst, lhs, rhs },
        I16x8ExtMulHighI8x16U { dst, lhs, rhs },
        I32x4Add { dst, lhs, rhs },
        I32x4Sub { dst, lhs, rhs },
        I32x4Mul { dst, lhs, rhs },
        I32x4MinS { dst, lhs, rhs },
        I32x4MinU { dst, lhs, rhs },
        I32x4MaxS { dst, lhs, rhs },
        I32x4MaxU { dst, lhs, rhs },
        I32x4DotI16x8S { dst, lhs, rhs },
        I32x4ExtMulLowI16x8S { dst, lhs, rhs },
        I32x4ExtMulHighI16x8S { dst, lhs, rhs },
        I32x4ExtMulLowI16x8U { dst, lhs, rhs },
        I32x4ExtMulHighI16x8U { dst, lhs, rhs },
        I64x2Add { dst, lhs, rhs },
        I64x2Sub { dst, lhs, rhs },
        I64x2Mul { dst, lhs, rhs },
        I64x2ExtMulLowI32x4S { dst, lhs, rhs },
        I64x2ExtMulHighI32x4S { dst, lhs, rhs },
        I64x2ExtMulLowI32x4U { dst, lhs, rhs },
        I64x2ExtMulHighI32x4U { dst, lhs, rhs },
        F32x4Add { dst, lhs, rhs },
        F32x4Sub { dst, lhs, rhs },
        F32x4Mul { dst, lhs, rhs },
        F32x4Div { dst, lhs, rhs },
        F32x4Min { dst, lhs, rhs },
        F32x4Max { dst, lhs, rhs },
        F32x4PMin { dst, lhs, rhs },
        F32x4PMax { dst, lhs, rhs },
        F64x2Add { dst, lhs, rhs },
        F64x2Sub { dst, lhs, rhs },
        F64x2Mul { dst, lhs, rhs },
        F64x2Div { dst, lhs, rhs },
        F64x2Min { dst, lhs, rhs },
        F64x2Max { dst, lhs, rhs },
        F64x2PMin { dst, lhs, rhs },
        F64x2PMax { dst, lhs, rhs },
        I8x16Shl { dst, lhs, rhs },
        I8x16ShrS { dst, lhs, rhs },
        I8x16ShrU { dst, lhs, rhs },
        I16x8Shl { dst, lhs, rhs },
        I16x8ShrS { dst, lhs, rhs },
        I16x8ShrU { dst, lhs, rhs },
        I32x4Shl { dst, lhs, rhs },
        I32x4ShrS { dst, lhs, rhs },
        I32x4ShrU { dst, lhs, rhs },
        I64x2Shl { dst, lhs, rhs },
        I64x2ShrS { dst, lhs, rhs },
        I64x2ShrU { dst, lhs, rhs },
        }
    };
}

/// Calls `$m!` with the `v128` ops only.
#[allow(unused_macros)]
macro_rules! for_each_simd_op {
    ($m:ident) => {
        with_simd_ops! { $m; }
    };
}

for_each_op!(define_ops);

// Keep ops small: the dispatch loop streams through them.
const _: () = assert!(core::mem::size_of::<Op>() <= 12);

impl Op {
    /// Whether the op reads the accumulator (which the op before it wrote).
    // Read by the debug checks of the accumulator protocol only.
    #[allow(dead_code)]
    #[inline]
    pub(crate) fn reads_acc(&self) -> bool {
        #[cfg(feature = "fast-ops")]
        return matches!(
            self,
            Op::I32AddAs { .. }
                | Op::I32AddAsA { .. }
                | Op::I32AddAi { .. }
                | Op::I32AddAiA { .. }
                | Op::I32MulAs { .. }
                | Op::I32MulAsA { .. }
                | Op::I32MulAi { .. }
                | Op::I32MulAiA { .. }
                | Op::I32AndAs { .. }
                | Op::I32AndAsA { .. }
                | Op::I32AndAi { .. }
                | Op::I32AndAiA { .. }
                | Op::I32OrAs { .. }
                | Op::I32OrAsA { .. }
                | Op::I32OrAi { .. }
                | Op::I32OrAiA { .. }
                | Op::I32XorAs { .. }
                | Op::I32XorAsA { .. }
                | Op::I32XorAi { .. }
                | Op::I32XorAiA { .. }
                | Op::I32SubAs { .. }
                | Op::I32SubAsA { .. }
                | Op::I32SubAi { .. }
                | Op::I32SubAiA { .. }
                | Op::I32SubSa { .. }
                | Op::I32SubSaA { .. }
                | Op::I32ShlAs { .. }
                | Op::I32ShlAsA { .. }
                | Op::I32ShlAi { .. }
                | Op::I32ShlAiA { .. }
                | Op::I32ShlSa { .. }
                | Op::I32ShlSaA { .. }
                | Op::I32ShrSAs { .. }
                | Op::I32ShrSAsA { .. }
                | Op::I32ShrSAi { .. }
                | Op::I32ShrSAiA { .. }
                | Op::I32ShrSSa { .. }
                | Op::I32ShrSSaA { .. }
                | Op::I32ShrUAs { .. }
                | Op::I32ShrUAsA { .. }
                | Op::I32ShrUAi { .. }
                | Op::I32ShrUAiA { .. }
                | Op::I32ShrUSa { .. }
                | Op::I32ShrUSaA { .. }
                | Op::I64AddAs { .. }
                | Op::I64AddAsA { .. }
                | Op::I64AddAi { .. }
                | Op::I64AddAiA { .. }
                | Op::I64MulAs { .. }
                | Op::I64MulAsA { .. }
                | Op::I64MulAi { .. }
                | Op::I64MulAiA { .. }
                | Op::I64AndAs { .. }
                | Op::I64AndAsA { .. }
                | Op::I64AndAi { .. }
                | Op::I64AndAiA { .. }
                | Op::I64OrAs { .. }
                | Op::I64OrAsA { .. }
                | Op::I64OrAi { .. }
                | Op::I64OrAiA { .. }
                | Op::I64XorAs { .. }
                | Op::I64XorAsA { .. }
                | Op::I64XorAi { .. }
                | Op::I64XorAiA { .. }
                | Op::I64SubAs { .. }
                | Op::I64SubAsA { .. }
                | Op::I64SubAi { .. }
                | Op::I64SubAiA { .. }
                | Op::I64SubSa { .. }
                | Op::I64SubSaA { .. }
                | Op::I64ShlAs { .. }
                | Op::I64ShlAsA { .. }
                | Op::I64ShlAi { .. }
                | Op::I64ShlAiA { .. }
                | Op::I64ShlSa { .. }
                | Op::I64ShlSaA { .. }
                | Op::I64ShrSAs { .. }
                | Op::I64ShrSAsA { .. }
                | Op::I64ShrSAi { .. }
                | Op::I64ShrSAiA { .. }
                | Op::I64ShrSSa { .. }
                | Op::I64ShrSSaA { .. }
                | Op::I64ShrUAs { .. }
                | Op::I64ShrUAsA { .. }
                | Op::I64ShrUAi { .. }
                | Op::I64ShrUAiA { .. }
                | Op::I64ShrUSa { .. }
                | Op::I64ShrUSaA { .. }
                | Op::BrI32EqAs { .. }
                | Op::BrI32EqAi { .. }
                | Op::BrI32NeAs { .. }
                | Op::BrI32NeAi { .. }
                | Op::BrI32LtSAs { .. }
                | Op::BrI32LtSAi { .. }
                | Op::BrI32LtUAs { .. }
                | Op::BrI32LtUAi { .. }
                | Op::BrI32GtSAs { .. }
                | Op::BrI32GtSAi { .. }
                | Op::BrI32GtUAs { .. }
                | Op::BrI32GtUAi { .. }
                | Op::BrI32LeSAs { .. }
                | Op::BrI32LeSAi { .. }
                | Op::BrI32LeUAs { .. }
                | Op::BrI32LeUAi { .. }
                | Op::BrI32GeSAs { .. }
                | Op::BrI32GeSAi { .. }
                | Op::BrI32GeUAs { .. }
                | Op::BrI32GeUAi { .. }
                | Op::BrI64EqAs { .. }
                | Op::BrI64EqAi { .. }
                | Op::BrI64NeAs { .. }
                | Op::BrI64NeAi { .. }
                | Op::BrI64LtSAs { .. }
                | Op::BrI64LtSAi { .. }
                | Op::BrI64LtUAs { .. }
                | Op::BrI64LtUAi { .. }
                | Op::BrI64GtSAs { .. }
                | Op::BrI64GtSAi { .. }
                | Op::BrI64GtUAs { .. }
                | Op::BrI64GtUAi { .. }
                | Op::BrI64LeSAs { .. }
                | Op::BrI64LeSAi { .. }
                | Op::BrI64LeUAs { .. }
                | Op::BrI64LeUAi { .. }
                | Op::BrI64GeSAs { .. }
                | Op::BrI64GeSAi { .. }
                | Op::BrI64GeUAs { .. }
                | Op::BrI64GeUAi { .. }
                | Op::BrIfNezA { .. }
                | Op::BrIfEqzA { .. }
                | Op::I32StoreA { .. }
                | Op::I64StoreA { .. }
                | Op::I32Store8A { .. }
                | Op::I32Store16A { .. }
                | Op::I64Store8A { .. }
                | Op::I64Store16A { .. }
                | Op::I64Store32A { .. }
                | Op::F32AddAs { .. }
                | Op::F32AddAsA { .. }
                | Op::F32MulAs { .. }
                | Op::F32MulAsA { .. }
                | Op::F32SubAs { .. }
                | Op::F32SubAsA { .. }
                | Op::F32SubSa { .. }
                | Op::F32SubSaA { .. }
                | Op::F32DivAs { .. }
                | Op::F32DivAsA { .. }
                | Op::F32DivSa { .. }
                | Op::F32DivSaA { .. }
                | Op::F64AddAs { .. }
                | Op::F64AddAsA { .. }
                | Op::F64MulAs { .. }
                | Op::F64MulAsA { .. }
                | Op::F64SubAs { .. }
                | Op::F64SubAsA { .. }
                | Op::F64SubSa { .. }
                | Op::F64SubSaA { .. }
                | Op::F64DivAs { .. }
                | Op::F64DivAsA { .. }
                | Op::F64DivSa { .. }
                | Op::F64DivSaA { .. }
                | Op::F32StoreA { .. }
                | Op::F64StoreA { .. }
                | Op::SelectA { .. }
        );
        #[cfg(not(feature = "fast-ops"))]
        false
    }

    /// Whether the op leaves its result in the accumulator (for the op
    /// right after it).
    #[allow(dead_code)]
    #[inline]
    pub(crate) fn writes_acc(&self) -> bool {
        #[cfg(feature = "fast-ops")]
        return matches!(
            self,
            Op::I32AddSsA { .. }
                | Op::I32AddSiA { .. }
                | Op::I32AddAsA { .. }
                | Op::I32AddAiA { .. }
                | Op::I32MulSsA { .. }
                | Op::I32MulSiA { .. }
                | Op::I32MulAsA { .. }
                | Op::I32MulAiA { .. }
                | Op::I32AndSsA { .. }
                | Op::I32AndSiA { .. }
                | Op::I32AndAsA { .. }
                | Op::I32AndAiA { .. }
                | Op::I32OrSsA { .. }
                | Op::I32OrSiA { .. }
                | Op::I32OrAsA { .. }
                | Op::I32OrAiA { .. }
                | Op::I32XorSsA { .. }
                | Op::I32XorSiA { .. }
                | Op::I32XorAsA { .. }
                | Op::I32XorAiA { .. }
                | Op::I32SubSsA { .. }
                | Op::I32SubSiA { .. }
                | Op::I32SubAsA { .. }
                | Op::I32SubAiA { .. }
                | Op::I32SubSaA { .. }
                | Op::I32ShlSsA { .. }
                | Op::I32ShlSiA { .. }
                | Op::I32ShlAsA { .. }
                | Op::I32ShlAiA { .. }
                | Op::I32ShlSaA { .. }
                | Op::I32ShrSSsA { .. }
                | Op::I32ShrSSiA { .. }
                | Op::I32ShrSAsA { .. }
                | Op::I32ShrSAiA { .. }
                | Op::I32ShrSSaA { .. }
                | Op::I32ShrUSsA { .. }
                | Op::I32ShrUSiA { .. }
                | Op::I32ShrUAsA { .. }
                | Op::I32ShrUAiA { .. }
                | Op::I32ShrUSaA { .. }
                | Op::I64AddSsA { .. }
                | Op::I64AddSiA { .. }
                | Op::I64AddAsA { .. }
                | Op::I64AddAiA { .. }
                | Op::I64MulSsA { .. }
                | Op::I64MulSiA { .. }
                | Op::I64MulAsA { .. }
                | Op::I64MulAiA { .. }
                | Op::I64AndSsA { .. }
                | Op::I64AndSiA { .. }
                | Op::I64AndAsA { .. }
                | Op::I64AndAiA { .. }
                | Op::I64OrSsA { .. }
                | Op::I64OrSiA { .. }
                | Op::I64OrAsA { .. }
                | Op::I64OrAiA { .. }
                | Op::I64XorSsA { .. }
                | Op::I64XorSiA { .. }
                | Op::I64XorAsA { .. }
                | Op::I64XorAiA { .. }
                | Op::I64SubSsA { .. }
                | Op::I64SubSiA { .. }
                | Op::I64SubAsA { .. }
                | Op::I64SubAiA { .. }
                | Op::I64SubSaA { .. }
                | Op::I64ShlSsA { .. }
                | Op::I64ShlSiA { .. }
                | Op::I64ShlAsA { .. }
                | Op::I64ShlAiA { .. }
                | Op::I64ShlSaA { .. }
                | Op::I64ShrSSsA { .. }
                | Op::I64ShrSSiA { .. }
                | Op::I64ShrSAsA { .. }
                | Op::I64ShrSAiA { .. }
                | Op::I64ShrSSaA { .. }
                | Op::I64ShrUSsA { .. }
                | Op::I64ShrUSiA { .. }
                | Op::I64ShrUAsA { .. }
                | Op::I64ShrUAiA { .. }
                | Op::I64ShrUSaA { .. }
                | Op::F32AddSsA { .. }
                | Op::F32AddAsA { .. }
                | Op::F32MulSsA { .. }
                | Op::F32MulAsA { .. }
                | Op::F32SubSsA { .. }
                | Op::F32SubAsA { .. }
                | Op::F32SubSaA { .. }
                | Op::F32DivSsA { .. }
                | Op::F32DivAsA { .. }
                | Op::F32DivSaA { .. }
                | Op::F64AddSsA { .. }
                | Op::F64AddAsA { .. }
                | Op::F64MulSsA { .. }
                | Op::F64MulAsA { .. }
                | Op::F64SubSsA { .. }
                | Op::F64SubAsA { .. }
                | Op::F64SubSaA { .. }
                | Op::F64DivSsA { .. }
                | Op::F64DivAsA { .. }
                | Op::F64DivSaA { .. }
                | Op::I32LoadA { .. }
                | Op::I32LoadAddA { .. }
                | Op::I64LoadA { .. }
                | Op::I64LoadAddA { .. }
                | Op::F32LoadA { .. }
                | Op::F32LoadAddA { .. }
                | Op::F64LoadA { .. }
                | Op::F64LoadAddA { .. }
                | Op::I32Load8SA { .. }
                | Op::I32Load8SAddA { .. }
                | Op::I32Load8UA { .. }
                | Op::I32Load8UAddA { .. }
                | Op::I32Load16SA { .. }
                | Op::I32Load16SAddA { .. }
                | Op::I32Load16UA { .. }
                | Op::I32Load16UAddA { .. }
                | Op::I32EqSsA { .. }
                | Op::I32NeSsA { .. }
                | Op::I32LtSSsA { .. }
                | Op::I32LtUSsA { .. }
                | Op::I32GtSSsA { .. }
                | Op::I32GtUSsA { .. }
                | Op::I32LeSSsA { .. }
                | Op::I32LeUSsA { .. }
                | Op::I32GeSSsA { .. }
                | Op::I32GeUSsA { .. }
                | Op::I64EqSsA { .. }
                | Op::I64NeSsA { .. }
                | Op::I64LtSSsA { .. }
                | Op::I64LtUSsA { .. }
                | Op::I64GtSSsA { .. }
                | Op::I64GtUSsA { .. }
                | Op::I64LeSSsA { .. }
                | Op::I64LeUSsA { .. }
                | Op::I64GeSSsA { .. }
                | Op::I64GeUSsA { .. }
        );
        #[cfg(not(feature = "fast-ops"))]
        false
    }
}

/// One op as the loop dispatches (`wasmbed_match_dispatch`,
/// `wasmbed_call_dispatch`) run it: the op alone, 12 bytes. Tail dispatch
/// packs its code instead (see [`CompiledFunc::ops`]).
#[cfg(not(wasmbed_tail_dispatch))]
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct Cell {
    pub op: Op,
}

/// Bytes of a tail-dispatch cell before its operands: the handler's address.
#[cfg_attr(not(wasmbed_tail_dispatch), allow(dead_code))]
pub(crate) const HANDLER_BYTES: usize = core::mem::size_of::<usize>();

/// Bytes of the tail-dispatch cell of an op with tag `tag`.
#[cfg_attr(not(wasmbed_tail_dispatch), allow(dead_code))]
pub(crate) const fn cell_size(tag: u16) -> usize {
    HANDLER_BYTES + packed::SIZES[tag as usize] as usize
}

/// A function translated for the interpreter.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The code. Under tail dispatch, packed cells of different sizes: each
    /// op's handler address (direct threading: dispatch is one load and a
    /// jump, no table), then its operands without tag or padding
    /// (`packed`), 8 to 22 bytes where a fixed cell took 24. Cold code runs
    /// at the speed its cache lines arrive, so density is speed there.
    /// Branch offsets count bytes from the branching op. Under the loop
    /// dispatches, one [`Cell`] per op and offsets count ops.
    #[cfg(wasmbed_tail_dispatch)]
    pub ops: Box<[u8]>,
    #[cfg(not(wasmbed_tail_dispatch))]
    pub ops: Box<[Cell]>,
    /// Each op's tag, in code order (tail dispatch, whose cells carry a
    /// handler address instead, and identical handlers may share one): for
    /// finding the op at a code address on traps and backtraces, and for
    /// decoding the code. Where each cell starts follows from them.
    #[cfg(wasmbed_tail_dispatch)]
    pub tags: Box<[u16]>,
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

impl CompiledFunc {
    /// The index of the op whose cell holds code address `at` (any byte of
    /// it); past the end when `at` is outside the code.
    pub(crate) fn op_at(&self, at: usize) -> usize {
        let pos = at.wrapping_sub(self.ops.as_ptr() as usize);
        #[cfg(wasmbed_tail_dispatch)]
        {
            // A walk: this runs for traps and backtraces, never per op.
            let mut end = 0;
            for (i, &tag) in self.tags.iter().enumerate() {
                end += cell_size(tag);
                if pos < end {
                    return i;
                }
            }
            self.tags.len()
        }
        #[cfg(not(wasmbed_tail_dispatch))]
        {
            pos / core::mem::size_of::<Cell>()
        }
    }

    /// The ops, decoded from the cells (for `Module::debug_ir` and tests).
    pub(crate) fn decoded_ops(&self) -> alloc::vec::Vec<Op> {
        #[cfg(wasmbed_tail_dispatch)]
        {
            let mut at = 0;
            self.tags
                .iter()
                .map(|&tag| {
                    let cell = &self.ops[at..at + cell_size(tag)];
                    at += cell.len();
                    // SAFETY: the cell holds the packed operands of the op
                    // with this tag after its handler address (the slice
                    // bounds checked that they are inside the code).
                    unsafe { packed::DECODE[tag as usize](cell[HANDLER_BYTES..].as_ptr()) }
                })
                .collect()
        }
        #[cfg(not(wasmbed_tail_dispatch))]
        {
            self.ops.iter().map(|c| c.op).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(mut op: Op) -> alloc::vec::Vec<Slot> {
        let mut out = alloc::vec::Vec::new();
        op.for_each_slot_mut(|s| out.push(*s));
        out
    }

    #[test]
    fn slots_are_read_by_position_and_immediates_are_not_slots() {
        assert_eq!(slots(Op::Unreachable {}), []);
        assert_eq!(slots(Op::Br { offset: 7 }), []);
        assert_eq!(
            slots(Op::I32Add {
                dst: 1,
                lhs: 2,
                rhs: 3
            }),
            [1, 2, 3]
        );
        // An `i32` immediate after two slots (aligned past a padding `u16`).
        assert_eq!(
            slots(Op::BrI32LtS {
                lhs: 4,
                rhs: 5,
                offset: -1
            }),
            [4, 5]
        );
        assert_eq!(slots(Op::BrIfNez { cond: 9, offset: 3 }), [9]);
        // Writing through the visitor changes exactly those fields.
        let mut op = Op::BrI32Eq {
            lhs: 1,
            rhs: 2,
            offset: 0x7fff_0003,
        };
        op.for_each_slot_mut(|s| *s += 10);
        assert_eq!(
            op,
            Op::BrI32Eq {
                lhs: 11,
                rhs: 12,
                offset: 0x7fff_0003
            }
        );
    }

    #[test]
    fn every_op_packs_and_decodes_back() {
        for (mut op, _) in every_op() {
            op.for_each_slot_mut(|s| *s = s.wrapping_mul(0x0101) ^ 0x8000);
            let tag = op.tag() as usize;
            let n = packed::SIZES[tag] as usize;
            // Guard bytes on both sides catch a write past the operands.
            let mut buf = alloc::vec![0xa5u8; n + 2];
            // SAFETY: `buf[1..]` has room for the `n` packed bytes.
            unsafe { op.pack_to(buf.as_mut_ptr().add(1), |s| s) };
            assert_eq!((buf[0], buf[n + 1]), (0xa5, 0xa5), "{}", op.name());
            // SAFETY: `buf[1..]` holds this op's packed operands.
            let back = unsafe { packed::DECODE[tag](buf.as_ptr().add(1)) };
            assert_eq!(back, op);
            assert!(
                n <= core::mem::size_of::<Op>() - 2,
                "{}: packing grew it",
                op.name()
            );
        }
    }

    #[test]
    fn every_op_visits_exactly_its_slots_in_order() {
        let ops = every_op();
        assert_eq!(ops.len(), OP_COUNT);
        for (op, n) in ops {
            assert_eq!(
                slots(op),
                (1..=n).collect::<alloc::vec::Vec<_>>(),
                "{}",
                op.name()
            );
        }
    }
}
