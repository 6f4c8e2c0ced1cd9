//! Operand forms (`fast-ops`; see `ir::with_form_ops`): picks, for the hot
//! integer ops, a form that takes a constant operand as an immediate or
//! passes a value to the very next op through the accumulator.
//!
//! An op's result goes to the accumulator only when the op that reads it is
//! emitted right after it (`Translator::producer_of`: nothing emitted in
//! between, no label in between since labels are barriers) and pops it, so
//! the value has no other reader and dies there. The producer is emitted
//! with a slot result first and turned into its accumulator twin when its
//! reader arrives. Branch forms are left to code that is not interruptible,
//! whose back-edges need the `*Loop` twins.
//!
//! This module decides forms only; operand-stack and control bookkeeping
//! stay in `translate`.
use super::{Cond, Operand, Translator};
use crate::ir::{Op, Slot};

/// How an integer op's operands may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Either operand may take the accumulator or the immediate.
    Commutative,
    /// The accumulator may be either operand, the immediate only the right.
    Ordered,
    /// As `Ordered`; immediates are counts, masked to the operand width.
    Shift,
    /// Only an immediate count (no accumulator forms).
    Rotate,
    /// Float ops: accumulator forms only (no immediates).
    FloatCommutative,
    FloatOrdered,
}

impl Kind {
    fn commutative(self) -> bool {
        matches!(self, Kind::Commutative | Kind::FloatCommutative)
    }

    fn immediates(self) -> bool {
        !matches!(self, Kind::FloatCommutative | Kind::FloatOrdered)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub wide: bool,
    pub kind: Kind,
}

/// Operand forms, as in the ops' suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// Slot, immediate.
    Si,
    /// Accumulator, slot.
    As,
    /// Accumulator, immediate.
    Ai,
    /// Slot, accumulator.
    Sa,
}

/// An integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cmp {
    /// The comparison that holds exactly when this one does not.
    fn negate(self) -> Cmp {
        use Cmp::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            LtU => GeU,
            GtS => LeS,
            GtU => LeU,
            LeS => GtS,
            LeU => GtU,
            GeS => LtS,
            GeU => LtU,
        }
    }

    /// The comparison with its operands swapped (`a < b` is `b > a`).
    fn swap(self) -> Cmp {
        use Cmp::*;
        match self {
            Eq => Eq,
            Ne => Ne,
            LtS => GtS,
            LtU => GtU,
            GtS => LtS,
            GtU => LtU,
            LeS => GeS,
            LeU => GeU,
            GeS => LeS,
            GeU => LeU,
        }
    }
}

impl Translator<'_, '_> {
    /// Whether the `Temp` at `pos` was computed by the last op emitted and
    /// that op has an accumulator twin.
    fn acc_ready(&self, pos: u32) -> bool {
        self.producer_of(pos).is_some_and(|op| to_acc(op).is_some())
    }

    /// Which operand of a binary op on the top two entries the last op
    /// emitted computed, if it has an accumulator twin: `Some(true)` the
    /// left, `Some(false)` the right. One look at the producer for both
    /// sides (this runs for every binary operator translated).
    fn acc_side(&self, top: u32) -> Option<bool> {
        let (at, pos) = self.last_result?;
        if (pos != top && pos + 1 != top) || self.stack[pos as usize].kind != Operand::Temp {
            return None;
        }
        debug_assert_eq!(at, self.ops.len() - 1);
        to_acc(self.ops[at]).map(|_| pos + 1 == top)
    }

    /// Turns the last op emitted into its accumulator twin; the op emitted
    /// next reads the accumulator.
    fn take_acc(&mut self) {
        let at = self.ops.len() - 1;
        self.ops[at] = to_acc(self.ops[at]).expect("acc_ready checked the twin");
    }

    /// The constant at `pos` as an immediate for an op of `shape`, if it is
    /// a constant that fits.
    fn imm_at(&self, pos: u32, wide: bool, count: bool) -> Option<i32> {
        imm_of(self.scalar_const(pos)?, wide, count)
    }

    /// Emits the integer binary op `op` (its slots placeholders) in an
    /// operand form, if one applies; `false` leaves it to the slot form.
    /// For a comparison, notes which operand the op before it computed, for
    /// `branch_cond`.
    pub(super) fn binop_form(&mut self, op: Op) -> bool {
        let top = self.height() - 1;
        let Some(Shape { wide, kind }) = shape(&op) else {
            if compare_of(&op).is_some() {
                let at = self.ops.len();
                self.cmp_acc = self.acc_side(top).map(|lhs| (at, lhs));
            }
            return false;
        };
        let count = matches!(kind, Kind::Shift | Kind::Rotate);
        let imm = |t: &Self, pos| {
            if kind.immediates() {
                t.imm_at(pos, wide, count)
            } else {
                None
            }
        };
        let rhs_imm = imm(self, top);
        let lhs_imm = imm(self, top - 1);
        let side = if kind == Kind::Rotate {
            None
        } else {
            self.acc_side(top)
        };
        let lhs_acc = side == Some(true);
        let rhs_acc = side == Some(false);
        let (form, x, imm) = if lhs_acc {
            match rhs_imm {
                Some(imm) => (Form::Ai, 0, imm),
                None => (Form::As, self.slot_of(top), 0),
            }
        } else if rhs_acc && kind.commutative() {
            match lhs_imm {
                Some(imm) => (Form::Ai, 0, imm),
                None => (Form::As, self.slot_of(top - 1), 0),
            }
        } else if rhs_acc {
            (Form::Sa, self.slot_of(top - 1), 0)
        } else if let Some(imm) = rhs_imm {
            (Form::Si, self.slot_of(top - 1), imm)
        } else if let (Some(imm), true) = (lhs_imm, kind.commutative()) {
            (Form::Si, self.slot_of(top), imm)
        } else {
            return false;
        };
        self.stack.pop();
        self.stack.pop();
        if lhs_acc || rhs_acc {
            self.take_acc();
        }
        let dst = self.push_temp();
        self.emit_result(alu_form(&op, form, dst, x, imm));
        true
    }

    /// The branch form of a fused comparison `op` (just taken back from
    /// index `at`), or `None` for the slot form.
    pub(super) fn branch_form_of(&mut self, op: Op, at: usize, acc_ok: bool) -> Option<Cond> {
        let noted = self.cmp_acc.take();
        if self.env.interruptible {
            return None;
        }
        let (wide, cmp, lhs, rhs) = compare_of(&op)?;
        // The producer the comparison noted is the op now last (the
        // comparison was taken back from right after it).
        let acc_lhs = match noted {
            Some((i, acc_lhs))
                if acc_ok
                    && i == at
                    && at > 0
                    && at == self.ops.len()
                    && to_acc(self.ops[at - 1]).is_some() =>
            {
                Some(acc_lhs)
            }
            _ => None,
        };
        let imm = |t: &Self, s: Slot| t.const_value(s).and_then(|v| imm_of(v, wide, false));
        let (cmp, form, x, imm) = match acc_lhs {
            Some(acc_lhs) => {
                let (cmp, other) = if acc_lhs {
                    (cmp, rhs)
                } else {
                    (cmp.swap(), lhs)
                };
                // The producer is the op now last: it becomes the
                // accumulator's writer, the branch its reader.
                self.take_acc();
                match imm(self, other) {
                    Some(i) => (cmp, Form::Ai, 0, i),
                    None => (cmp, Form::As, other, 0),
                }
            }
            None => {
                if let Some(i) = imm(self, rhs) {
                    (cmp, Form::Si, lhs, i)
                } else {
                    let i = imm(self, lhs)?;
                    (cmp.swap(), Form::Si, rhs, i)
                }
            }
        };
        Some(Cond::Ready(
            branch_form(wide, cmp, form, x, imm),
            branch_form(wide, cmp.negate(), form, x, imm),
        ))
    }

    /// A `select` of two scalars whose condition the op before computed,
    /// taken from the accumulator; `false` leaves it to the slot form.
    pub(super) fn select_acc(&mut self) -> bool {
        let top = self.height() - 1;
        if !self.acc_ready(top) || self.stack[top as usize - 1].wide {
            return false;
        }
        self.stack.pop();
        let b = self.pop_slot();
        let a = self.pop_slot();
        self.take_acc();
        let dst = self.push_temp();
        // The comparison right before joins the select: it takes the
        // comparison's place (which reads the same slots, so no constant
        // goes unread, and no label can lie between the two).
        match self.ops.last().and_then(|&op| select_on(op, dst, a, b)) {
            Some(op) => {
                self.ops.pop();
                self.offsets.pop();
                self.emit_result(op);
            }
            None => self.emit_result(Op::SelectA { dst, a, b }),
        }
        true
    }

    /// A branch on the stack top when the op before computed it: the
    /// accumulator forms of `br_if`.
    pub(super) fn acc_cond(&mut self) -> Option<Cond> {
        let top = self.height() - 1;
        if self.env.interruptible || !self.acc_ready(top) {
            return None;
        }
        self.stack.pop();
        self.take_acc();
        Some(Cond::Ready(
            Op::BrIfNezA { offset: 0 },
            Op::BrIfEqzA { offset: 0 },
        ))
    }

    /// A store (`op`, slots placeholders) of the accumulator or of an
    /// immediate, if one applies.
    pub(super) fn store_form(&mut self, op: Op, offset: u32) -> bool {
        let Some((from_acc, from_imm, wide)) = store_forms(&op) else {
            return false;
        };
        let top = self.height() - 1;
        if self.acc_ready(top) {
            self.stack.pop();
            let addr = self.pop_slot();
            self.take_acc();
            self.emit(from_acc(addr, offset));
            return true;
        }
        let Some(from_imm) = from_imm else {
            return false;
        };
        if let Some(value) = self.imm_at(top, wide, false) {
            self.stack.pop();
            let addr = self.pop_slot();
            self.emit(from_imm(addr, value, offset));
            return true;
        }
        false
    }
}

/// Constant `v` (slot bits) as an `i32` immediate: any 32-bit value, a
/// 64-bit one that sign-extends from 32 bits, or a shift count (masked as
/// the op would).
fn imm_of(v: u64, wide: bool, count: bool) -> Option<i32> {
    if count {
        return Some((v & if wide { 63 } else { 31 }) as i32);
    }
    if !wide {
        return Some(v as u32 as i32);
    }
    let narrow = v as i64 as i32;
    (narrow as i64 == v as i64).then_some(narrow)
}

/// The accumulator forms checked after translation (debug builds): an op
/// reads the accumulator only right after one that wrote it, with no jump
/// landing between them, and an op that writes it is followed by its
/// reader.
#[cfg(debug_assertions)]
pub(super) fn check_acc(ops: &[Op]) {
    let mut target = alloc::vec![false; ops.len() + 1];
    for (i, op) in ops.iter().enumerate() {
        let mut op = *op;
        if let Some(offset) = super::jump_offset_mut(&mut op) {
            target[(i as isize + *offset as isize) as usize] = true;
        }
    }
    for (i, op) in ops.iter().enumerate() {
        if op.reads_acc() {
            assert!(
                i > 0 && ops[i - 1].writes_acc() && !target[i],
                "op {i} ({}) reads the accumulator without its writer right before",
                op.name()
            );
        }
        if op.writes_acc() {
            assert!(
                ops.get(i + 1).is_some_and(|next| next.reads_acc()),
                "op {i} ({}) writes the accumulator and the next op does not read it",
                op.name()
            );
        }
    }
}

/// The twin of `op` that leaves its result in the accumulator, if it has
/// one.
pub(super) fn to_acc(op: Op) -> Option<Op> {
    Some(match op {
        Op::I32Eq { lhs, rhs, .. } => Op::I32EqSsA { lhs, rhs },
        Op::I32Ne { lhs, rhs, .. } => Op::I32NeSsA { lhs, rhs },
        Op::I32LtS { lhs, rhs, .. } => Op::I32LtSSsA { lhs, rhs },
        Op::I32LtU { lhs, rhs, .. } => Op::I32LtUSsA { lhs, rhs },
        Op::I32GtS { lhs, rhs, .. } => Op::I32GtSSsA { lhs, rhs },
        Op::I32GtU { lhs, rhs, .. } => Op::I32GtUSsA { lhs, rhs },
        Op::I32LeS { lhs, rhs, .. } => Op::I32LeSSsA { lhs, rhs },
        Op::I32LeU { lhs, rhs, .. } => Op::I32LeUSsA { lhs, rhs },
        Op::I32GeS { lhs, rhs, .. } => Op::I32GeSSsA { lhs, rhs },
        Op::I32GeU { lhs, rhs, .. } => Op::I32GeUSsA { lhs, rhs },
        Op::I64Eq { lhs, rhs, .. } => Op::I64EqSsA { lhs, rhs },
        Op::I64Ne { lhs, rhs, .. } => Op::I64NeSsA { lhs, rhs },
        Op::I64LtS { lhs, rhs, .. } => Op::I64LtSSsA { lhs, rhs },
        Op::I64LtU { lhs, rhs, .. } => Op::I64LtUSsA { lhs, rhs },
        Op::I64GtS { lhs, rhs, .. } => Op::I64GtSSsA { lhs, rhs },
        Op::I64GtU { lhs, rhs, .. } => Op::I64GtUSsA { lhs, rhs },
        Op::I64LeS { lhs, rhs, .. } => Op::I64LeSSsA { lhs, rhs },
        Op::I64LeU { lhs, rhs, .. } => Op::I64LeUSsA { lhs, rhs },
        Op::I64GeS { lhs, rhs, .. } => Op::I64GeSSsA { lhs, rhs },
        Op::I64GeU { lhs, rhs, .. } => Op::I64GeUSsA { lhs, rhs },
        Op::I32Add { lhs, rhs, .. } => Op::I32AddSsA { lhs, rhs },
        Op::I32AddSi { lhs, imm, .. } => Op::I32AddSiA { lhs, imm },
        Op::I32AddAs { rhs, .. } => Op::I32AddAsA { rhs },
        Op::I32AddAi { imm, .. } => Op::I32AddAiA { imm },
        Op::I32Mul { lhs, rhs, .. } => Op::I32MulSsA { lhs, rhs },
        Op::I32MulSi { lhs, imm, .. } => Op::I32MulSiA { lhs, imm },
        Op::I32MulAs { rhs, .. } => Op::I32MulAsA { rhs },
        Op::I32MulAi { imm, .. } => Op::I32MulAiA { imm },
        Op::I32And { lhs, rhs, .. } => Op::I32AndSsA { lhs, rhs },
        Op::I32AndSi { lhs, imm, .. } => Op::I32AndSiA { lhs, imm },
        Op::I32AndAs { rhs, .. } => Op::I32AndAsA { rhs },
        Op::I32AndAi { imm, .. } => Op::I32AndAiA { imm },
        Op::I32Or { lhs, rhs, .. } => Op::I32OrSsA { lhs, rhs },
        Op::I32OrSi { lhs, imm, .. } => Op::I32OrSiA { lhs, imm },
        Op::I32OrAs { rhs, .. } => Op::I32OrAsA { rhs },
        Op::I32OrAi { imm, .. } => Op::I32OrAiA { imm },
        Op::I32Xor { lhs, rhs, .. } => Op::I32XorSsA { lhs, rhs },
        Op::I32XorSi { lhs, imm, .. } => Op::I32XorSiA { lhs, imm },
        Op::I32XorAs { rhs, .. } => Op::I32XorAsA { rhs },
        Op::I32XorAi { imm, .. } => Op::I32XorAiA { imm },
        Op::I32Sub { lhs, rhs, .. } => Op::I32SubSsA { lhs, rhs },
        Op::I32SubSi { lhs, imm, .. } => Op::I32SubSiA { lhs, imm },
        Op::I32SubAs { rhs, .. } => Op::I32SubAsA { rhs },
        Op::I32SubAi { imm, .. } => Op::I32SubAiA { imm },
        Op::I32SubSa { lhs, .. } => Op::I32SubSaA { lhs },
        Op::I32Shl { lhs, rhs, .. } => Op::I32ShlSsA { lhs, rhs },
        Op::I32ShlSi { lhs, imm, .. } => Op::I32ShlSiA { lhs, imm },
        Op::I32ShlAs { rhs, .. } => Op::I32ShlAsA { rhs },
        Op::I32ShlAi { imm, .. } => Op::I32ShlAiA { imm },
        Op::I32ShlSa { lhs, .. } => Op::I32ShlSaA { lhs },
        Op::I32ShrS { lhs, rhs, .. } => Op::I32ShrSSsA { lhs, rhs },
        Op::I32ShrSSi { lhs, imm, .. } => Op::I32ShrSSiA { lhs, imm },
        Op::I32ShrSAs { rhs, .. } => Op::I32ShrSAsA { rhs },
        Op::I32ShrSAi { imm, .. } => Op::I32ShrSAiA { imm },
        Op::I32ShrSSa { lhs, .. } => Op::I32ShrSSaA { lhs },
        Op::I32ShrU { lhs, rhs, .. } => Op::I32ShrUSsA { lhs, rhs },
        Op::I32ShrUSi { lhs, imm, .. } => Op::I32ShrUSiA { lhs, imm },
        Op::I32ShrUAs { rhs, .. } => Op::I32ShrUAsA { rhs },
        Op::I32ShrUAi { imm, .. } => Op::I32ShrUAiA { imm },
        Op::I32ShrUSa { lhs, .. } => Op::I32ShrUSaA { lhs },
        Op::I64Add { lhs, rhs, .. } => Op::I64AddSsA { lhs, rhs },
        Op::I64AddSi { lhs, imm, .. } => Op::I64AddSiA { lhs, imm },
        Op::I64AddAs { rhs, .. } => Op::I64AddAsA { rhs },
        Op::I64AddAi { imm, .. } => Op::I64AddAiA { imm },
        Op::I64Mul { lhs, rhs, .. } => Op::I64MulSsA { lhs, rhs },
        Op::I64MulSi { lhs, imm, .. } => Op::I64MulSiA { lhs, imm },
        Op::I64MulAs { rhs, .. } => Op::I64MulAsA { rhs },
        Op::I64MulAi { imm, .. } => Op::I64MulAiA { imm },
        Op::I64And { lhs, rhs, .. } => Op::I64AndSsA { lhs, rhs },
        Op::I64AndSi { lhs, imm, .. } => Op::I64AndSiA { lhs, imm },
        Op::I64AndAs { rhs, .. } => Op::I64AndAsA { rhs },
        Op::I64AndAi { imm, .. } => Op::I64AndAiA { imm },
        Op::I64Or { lhs, rhs, .. } => Op::I64OrSsA { lhs, rhs },
        Op::I64OrSi { lhs, imm, .. } => Op::I64OrSiA { lhs, imm },
        Op::I64OrAs { rhs, .. } => Op::I64OrAsA { rhs },
        Op::I64OrAi { imm, .. } => Op::I64OrAiA { imm },
        Op::I64Xor { lhs, rhs, .. } => Op::I64XorSsA { lhs, rhs },
        Op::I64XorSi { lhs, imm, .. } => Op::I64XorSiA { lhs, imm },
        Op::I64XorAs { rhs, .. } => Op::I64XorAsA { rhs },
        Op::I64XorAi { imm, .. } => Op::I64XorAiA { imm },
        Op::I64Sub { lhs, rhs, .. } => Op::I64SubSsA { lhs, rhs },
        Op::I64SubSi { lhs, imm, .. } => Op::I64SubSiA { lhs, imm },
        Op::I64SubAs { rhs, .. } => Op::I64SubAsA { rhs },
        Op::I64SubAi { imm, .. } => Op::I64SubAiA { imm },
        Op::I64SubSa { lhs, .. } => Op::I64SubSaA { lhs },
        Op::I64Shl { lhs, rhs, .. } => Op::I64ShlSsA { lhs, rhs },
        Op::I64ShlSi { lhs, imm, .. } => Op::I64ShlSiA { lhs, imm },
        Op::I64ShlAs { rhs, .. } => Op::I64ShlAsA { rhs },
        Op::I64ShlAi { imm, .. } => Op::I64ShlAiA { imm },
        Op::I64ShlSa { lhs, .. } => Op::I64ShlSaA { lhs },
        Op::I64ShrS { lhs, rhs, .. } => Op::I64ShrSSsA { lhs, rhs },
        Op::I64ShrSSi { lhs, imm, .. } => Op::I64ShrSSiA { lhs, imm },
        Op::I64ShrSAs { rhs, .. } => Op::I64ShrSAsA { rhs },
        Op::I64ShrSAi { imm, .. } => Op::I64ShrSAiA { imm },
        Op::I64ShrSSa { lhs, .. } => Op::I64ShrSSaA { lhs },
        Op::I64ShrU { lhs, rhs, .. } => Op::I64ShrUSsA { lhs, rhs },
        Op::I64ShrUSi { lhs, imm, .. } => Op::I64ShrUSiA { lhs, imm },
        Op::I64ShrUAs { rhs, .. } => Op::I64ShrUAsA { rhs },
        Op::I64ShrUAi { imm, .. } => Op::I64ShrUAiA { imm },
        Op::I64ShrUSa { lhs, .. } => Op::I64ShrUSaA { lhs },
        Op::F32Add { lhs, rhs, .. } => Op::F32AddSsA { lhs, rhs },
        Op::F32AddAs { rhs, .. } => Op::F32AddAsA { rhs },
        Op::F32Mul { lhs, rhs, .. } => Op::F32MulSsA { lhs, rhs },
        Op::F32MulAs { rhs, .. } => Op::F32MulAsA { rhs },
        Op::F32Sub { lhs, rhs, .. } => Op::F32SubSsA { lhs, rhs },
        Op::F32SubAs { rhs, .. } => Op::F32SubAsA { rhs },
        Op::F32SubSa { lhs, .. } => Op::F32SubSaA { lhs },
        Op::F32Div { lhs, rhs, .. } => Op::F32DivSsA { lhs, rhs },
        Op::F32DivAs { rhs, .. } => Op::F32DivAsA { rhs },
        Op::F32DivSa { lhs, .. } => Op::F32DivSaA { lhs },
        Op::F64Add { lhs, rhs, .. } => Op::F64AddSsA { lhs, rhs },
        Op::F64AddAs { rhs, .. } => Op::F64AddAsA { rhs },
        Op::F64Mul { lhs, rhs, .. } => Op::F64MulSsA { lhs, rhs },
        Op::F64MulAs { rhs, .. } => Op::F64MulAsA { rhs },
        Op::F64Sub { lhs, rhs, .. } => Op::F64SubSsA { lhs, rhs },
        Op::F64SubAs { rhs, .. } => Op::F64SubAsA { rhs },
        Op::F64SubSa { lhs, .. } => Op::F64SubSaA { lhs },
        Op::F64Div { lhs, rhs, .. } => Op::F64DivSsA { lhs, rhs },
        Op::F64DivAs { rhs, .. } => Op::F64DivAsA { rhs },
        Op::F64DivSa { lhs, .. } => Op::F64DivSaA { lhs },
        Op::I32Load { addr, offset, .. } => Op::I32LoadA { addr, offset },
        Op::I32LoadAdd {
            base,
            index,
            offset,
            ..
        } => Op::I32LoadAddA {
            base,
            index,
            offset,
        },
        Op::I64Load { addr, offset, .. } => Op::I64LoadA { addr, offset },
        Op::I64LoadAdd {
            base,
            index,
            offset,
            ..
        } => Op::I64LoadAddA {
            base,
            index,
            offset,
        },
        Op::F32Load { addr, offset, .. } => Op::F32LoadA { addr, offset },
        Op::F32LoadAdd {
            base,
            index,
            offset,
            ..
        } => Op::F32LoadAddA {
            base,
            index,
            offset,
        },
        Op::F64Load { addr, offset, .. } => Op::F64LoadA { addr, offset },
        Op::F64LoadAdd {
            base,
            index,
            offset,
            ..
        } => Op::F64LoadAddA {
            base,
            index,
            offset,
        },
        Op::I32Load8S { addr, offset, .. } => Op::I32Load8SA { addr, offset },
        Op::I32Load8SAdd {
            base,
            index,
            offset,
            ..
        } => Op::I32Load8SAddA {
            base,
            index,
            offset,
        },
        Op::I32Load8U { addr, offset, .. } => Op::I32Load8UA { addr, offset },
        Op::I32Load8UAdd {
            base,
            index,
            offset,
            ..
        } => Op::I32Load8UAddA {
            base,
            index,
            offset,
        },
        Op::I32Load16S { addr, offset, .. } => Op::I32Load16SA { addr, offset },
        Op::I32Load16SAdd {
            base,
            index,
            offset,
            ..
        } => Op::I32Load16SAddA {
            base,
            index,
            offset,
        },
        Op::I32Load16U { addr, offset, .. } => Op::I32Load16UA { addr, offset },
        Op::I32Load16UAdd {
            base,
            index,
            offset,
            ..
        } => Op::I32Load16UAddA {
            base,
            index,
            offset,
        },
        _ => return None,
    })
}

/// What forms the binary op `op` (a slot form) has.
pub(super) fn shape(op: &Op) -> Option<Shape> {
    use Shape as S;
    Some(match op {
        Op::I32Add { .. } => S {
            wide: false,
            kind: Kind::Commutative,
        },
        Op::I32Mul { .. } => S {
            wide: false,
            kind: Kind::Commutative,
        },
        Op::I32And { .. } => S {
            wide: false,
            kind: Kind::Commutative,
        },
        Op::I32Or { .. } => S {
            wide: false,
            kind: Kind::Commutative,
        },
        Op::I32Xor { .. } => S {
            wide: false,
            kind: Kind::Commutative,
        },
        Op::I32Sub { .. } => S {
            wide: false,
            kind: Kind::Ordered,
        },
        Op::I32Shl { .. } => S {
            wide: false,
            kind: Kind::Shift,
        },
        Op::I32ShrS { .. } => S {
            wide: false,
            kind: Kind::Shift,
        },
        Op::I32ShrU { .. } => S {
            wide: false,
            kind: Kind::Shift,
        },
        Op::I32Rotl { .. } => S {
            wide: false,
            kind: Kind::Rotate,
        },
        Op::I32Rotr { .. } => S {
            wide: false,
            kind: Kind::Rotate,
        },
        Op::I64Add { .. } => S {
            wide: true,
            kind: Kind::Commutative,
        },
        Op::I64Mul { .. } => S {
            wide: true,
            kind: Kind::Commutative,
        },
        Op::I64And { .. } => S {
            wide: true,
            kind: Kind::Commutative,
        },
        Op::I64Or { .. } => S {
            wide: true,
            kind: Kind::Commutative,
        },
        Op::I64Xor { .. } => S {
            wide: true,
            kind: Kind::Commutative,
        },
        Op::I64Sub { .. } => S {
            wide: true,
            kind: Kind::Ordered,
        },
        Op::I64Shl { .. } => S {
            wide: true,
            kind: Kind::Shift,
        },
        Op::I64ShrS { .. } => S {
            wide: true,
            kind: Kind::Shift,
        },
        Op::I64ShrU { .. } => S {
            wide: true,
            kind: Kind::Shift,
        },
        Op::I64Rotl { .. } => S {
            wide: true,
            kind: Kind::Rotate,
        },
        Op::I64Rotr { .. } => S {
            wide: true,
            kind: Kind::Rotate,
        },
        Op::F32Add { .. } => S {
            wide: false,
            kind: Kind::FloatCommutative,
        },
        Op::F32Mul { .. } => S {
            wide: false,
            kind: Kind::FloatCommutative,
        },
        Op::F32Sub { .. } => S {
            wide: false,
            kind: Kind::FloatOrdered,
        },
        Op::F32Div { .. } => S {
            wide: false,
            kind: Kind::FloatOrdered,
        },
        Op::F64Add { .. } => S {
            wide: false,
            kind: Kind::FloatCommutative,
        },
        Op::F64Mul { .. } => S {
            wide: false,
            kind: Kind::FloatCommutative,
        },
        Op::F64Sub { .. } => S {
            wide: false,
            kind: Kind::FloatOrdered,
        },
        Op::F64Div { .. } => S {
            wide: false,
            kind: Kind::FloatOrdered,
        },
        _ => return None,
    })
}

/// The `form` of the slot-form op `op`, with `x` its slot operand (if it
/// has one) and `imm` its immediate (if it has one). `shape(op)` allows the
/// form.
pub(super) fn alu_form(op: &Op, form: Form, dst: Slot, x: Slot, imm: i32) -> Op {
    match (op, form) {
        (Op::I32Add { .. }, Form::Si) => Op::I32AddSi { dst, lhs: x, imm },
        (Op::I32Add { .. }, Form::As) => Op::I32AddAs { dst, rhs: x },
        (Op::I32Add { .. }, Form::Ai) => Op::I32AddAi { dst, imm },
        (Op::I32Mul { .. }, Form::Si) => Op::I32MulSi { dst, lhs: x, imm },
        (Op::I32Mul { .. }, Form::As) => Op::I32MulAs { dst, rhs: x },
        (Op::I32Mul { .. }, Form::Ai) => Op::I32MulAi { dst, imm },
        (Op::I32And { .. }, Form::Si) => Op::I32AndSi { dst, lhs: x, imm },
        (Op::I32And { .. }, Form::As) => Op::I32AndAs { dst, rhs: x },
        (Op::I32And { .. }, Form::Ai) => Op::I32AndAi { dst, imm },
        (Op::I32Or { .. }, Form::Si) => Op::I32OrSi { dst, lhs: x, imm },
        (Op::I32Or { .. }, Form::As) => Op::I32OrAs { dst, rhs: x },
        (Op::I32Or { .. }, Form::Ai) => Op::I32OrAi { dst, imm },
        (Op::I32Xor { .. }, Form::Si) => Op::I32XorSi { dst, lhs: x, imm },
        (Op::I32Xor { .. }, Form::As) => Op::I32XorAs { dst, rhs: x },
        (Op::I32Xor { .. }, Form::Ai) => Op::I32XorAi { dst, imm },
        (Op::I32Sub { .. }, Form::Si) => Op::I32SubSi { dst, lhs: x, imm },
        (Op::I32Sub { .. }, Form::As) => Op::I32SubAs { dst, rhs: x },
        (Op::I32Sub { .. }, Form::Ai) => Op::I32SubAi { dst, imm },
        (Op::I32Sub { .. }, Form::Sa) => Op::I32SubSa { dst, lhs: x },
        (Op::I32Shl { .. }, Form::Si) => Op::I32ShlSi { dst, lhs: x, imm },
        (Op::I32Shl { .. }, Form::As) => Op::I32ShlAs { dst, rhs: x },
        (Op::I32Shl { .. }, Form::Ai) => Op::I32ShlAi { dst, imm },
        (Op::I32Shl { .. }, Form::Sa) => Op::I32ShlSa { dst, lhs: x },
        (Op::I32ShrS { .. }, Form::Si) => Op::I32ShrSSi { dst, lhs: x, imm },
        (Op::I32ShrS { .. }, Form::As) => Op::I32ShrSAs { dst, rhs: x },
        (Op::I32ShrS { .. }, Form::Ai) => Op::I32ShrSAi { dst, imm },
        (Op::I32ShrS { .. }, Form::Sa) => Op::I32ShrSSa { dst, lhs: x },
        (Op::I32ShrU { .. }, Form::Si) => Op::I32ShrUSi { dst, lhs: x, imm },
        (Op::I32ShrU { .. }, Form::As) => Op::I32ShrUAs { dst, rhs: x },
        (Op::I32ShrU { .. }, Form::Ai) => Op::I32ShrUAi { dst, imm },
        (Op::I32ShrU { .. }, Form::Sa) => Op::I32ShrUSa { dst, lhs: x },
        (Op::I32Rotl { .. }, Form::Si) => Op::I32RotlSi { dst, lhs: x, imm },
        (Op::I32Rotr { .. }, Form::Si) => Op::I32RotrSi { dst, lhs: x, imm },
        (Op::I64Add { .. }, Form::Si) => Op::I64AddSi { dst, lhs: x, imm },
        (Op::I64Add { .. }, Form::As) => Op::I64AddAs { dst, rhs: x },
        (Op::I64Add { .. }, Form::Ai) => Op::I64AddAi { dst, imm },
        (Op::I64Mul { .. }, Form::Si) => Op::I64MulSi { dst, lhs: x, imm },
        (Op::I64Mul { .. }, Form::As) => Op::I64MulAs { dst, rhs: x },
        (Op::I64Mul { .. }, Form::Ai) => Op::I64MulAi { dst, imm },
        (Op::I64And { .. }, Form::Si) => Op::I64AndSi { dst, lhs: x, imm },
        (Op::I64And { .. }, Form::As) => Op::I64AndAs { dst, rhs: x },
        (Op::I64And { .. }, Form::Ai) => Op::I64AndAi { dst, imm },
        (Op::I64Or { .. }, Form::Si) => Op::I64OrSi { dst, lhs: x, imm },
        (Op::I64Or { .. }, Form::As) => Op::I64OrAs { dst, rhs: x },
        (Op::I64Or { .. }, Form::Ai) => Op::I64OrAi { dst, imm },
        (Op::I64Xor { .. }, Form::Si) => Op::I64XorSi { dst, lhs: x, imm },
        (Op::I64Xor { .. }, Form::As) => Op::I64XorAs { dst, rhs: x },
        (Op::I64Xor { .. }, Form::Ai) => Op::I64XorAi { dst, imm },
        (Op::I64Sub { .. }, Form::Si) => Op::I64SubSi { dst, lhs: x, imm },
        (Op::I64Sub { .. }, Form::As) => Op::I64SubAs { dst, rhs: x },
        (Op::I64Sub { .. }, Form::Ai) => Op::I64SubAi { dst, imm },
        (Op::I64Sub { .. }, Form::Sa) => Op::I64SubSa { dst, lhs: x },
        (Op::I64Shl { .. }, Form::Si) => Op::I64ShlSi { dst, lhs: x, imm },
        (Op::I64Shl { .. }, Form::As) => Op::I64ShlAs { dst, rhs: x },
        (Op::I64Shl { .. }, Form::Ai) => Op::I64ShlAi { dst, imm },
        (Op::I64Shl { .. }, Form::Sa) => Op::I64ShlSa { dst, lhs: x },
        (Op::I64ShrS { .. }, Form::Si) => Op::I64ShrSSi { dst, lhs: x, imm },
        (Op::I64ShrS { .. }, Form::As) => Op::I64ShrSAs { dst, rhs: x },
        (Op::I64ShrS { .. }, Form::Ai) => Op::I64ShrSAi { dst, imm },
        (Op::I64ShrS { .. }, Form::Sa) => Op::I64ShrSSa { dst, lhs: x },
        (Op::I64ShrU { .. }, Form::Si) => Op::I64ShrUSi { dst, lhs: x, imm },
        (Op::I64ShrU { .. }, Form::As) => Op::I64ShrUAs { dst, rhs: x },
        (Op::I64ShrU { .. }, Form::Ai) => Op::I64ShrUAi { dst, imm },
        (Op::I64ShrU { .. }, Form::Sa) => Op::I64ShrUSa { dst, lhs: x },
        (Op::I64Rotl { .. }, Form::Si) => Op::I64RotlSi { dst, lhs: x, imm },
        (Op::I64Rotr { .. }, Form::Si) => Op::I64RotrSi { dst, lhs: x, imm },
        (Op::F32Add { .. }, Form::As) => Op::F32AddAs { dst, rhs: x },
        (Op::F32Mul { .. }, Form::As) => Op::F32MulAs { dst, rhs: x },
        (Op::F32Sub { .. }, Form::As) => Op::F32SubAs { dst, rhs: x },
        (Op::F32Sub { .. }, Form::Sa) => Op::F32SubSa { dst, lhs: x },
        (Op::F32Div { .. }, Form::As) => Op::F32DivAs { dst, rhs: x },
        (Op::F32Div { .. }, Form::Sa) => Op::F32DivSa { dst, lhs: x },
        (Op::F64Add { .. }, Form::As) => Op::F64AddAs { dst, rhs: x },
        (Op::F64Mul { .. }, Form::As) => Op::F64MulAs { dst, rhs: x },
        (Op::F64Sub { .. }, Form::As) => Op::F64SubAs { dst, rhs: x },
        (Op::F64Sub { .. }, Form::Sa) => Op::F64SubSa { dst, lhs: x },
        (Op::F64Div { .. }, Form::As) => Op::F64DivAs { dst, rhs: x },
        (Op::F64Div { .. }, Form::Sa) => Op::F64DivSa { dst, lhs: x },
        _ => unreachable!("shape() allows only the forms an op has"),
    }
}

/// The comparison an integer compare op makes: whether it is 64-bit, which,
/// and its operands.
pub(super) fn compare_of(op: &Op) -> Option<(bool, Cmp, Slot, Slot)> {
    Some(match *op {
        Op::I32Eq { lhs, rhs, .. } => (false, Cmp::Eq, lhs, rhs),
        Op::I32Ne { lhs, rhs, .. } => (false, Cmp::Ne, lhs, rhs),
        Op::I32LtS { lhs, rhs, .. } => (false, Cmp::LtS, lhs, rhs),
        Op::I32LtU { lhs, rhs, .. } => (false, Cmp::LtU, lhs, rhs),
        Op::I32GtS { lhs, rhs, .. } => (false, Cmp::GtS, lhs, rhs),
        Op::I32GtU { lhs, rhs, .. } => (false, Cmp::GtU, lhs, rhs),
        Op::I32LeS { lhs, rhs, .. } => (false, Cmp::LeS, lhs, rhs),
        Op::I32LeU { lhs, rhs, .. } => (false, Cmp::LeU, lhs, rhs),
        Op::I32GeS { lhs, rhs, .. } => (false, Cmp::GeS, lhs, rhs),
        Op::I32GeU { lhs, rhs, .. } => (false, Cmp::GeU, lhs, rhs),
        Op::I64Eq { lhs, rhs, .. } => (true, Cmp::Eq, lhs, rhs),
        Op::I64Ne { lhs, rhs, .. } => (true, Cmp::Ne, lhs, rhs),
        Op::I64LtS { lhs, rhs, .. } => (true, Cmp::LtS, lhs, rhs),
        Op::I64LtU { lhs, rhs, .. } => (true, Cmp::LtU, lhs, rhs),
        Op::I64GtS { lhs, rhs, .. } => (true, Cmp::GtS, lhs, rhs),
        Op::I64GtU { lhs, rhs, .. } => (true, Cmp::GtU, lhs, rhs),
        Op::I64LeS { lhs, rhs, .. } => (true, Cmp::LeS, lhs, rhs),
        Op::I64LeU { lhs, rhs, .. } => (true, Cmp::LeU, lhs, rhs),
        Op::I64GeS { lhs, rhs, .. } => (true, Cmp::GeS, lhs, rhs),
        Op::I64GeU { lhs, rhs, .. } => (true, Cmp::GeU, lhs, rhs),
        _ => return None,
    })
}

/// `op`, a compare-with-immediate branch, with its condition negated (same
/// operand, immediate and offset); `None` for any other op (those reading
/// the accumulator included: the value is there only right after its
/// producer).
pub(super) fn negated_branch(op: Op) -> Option<Op> {
    let (wide, cmp, x, imm, offset) = match op {
        Op::BrI32EqSi { lhs, imm, offset } => (false, Cmp::Eq, lhs, imm, offset),
        Op::BrI32NeSi { lhs, imm, offset } => (false, Cmp::Ne, lhs, imm, offset),
        Op::BrI32LtSSi { lhs, imm, offset } => (false, Cmp::LtS, lhs, imm, offset),
        Op::BrI32LtUSi { lhs, imm, offset } => (false, Cmp::LtU, lhs, imm, offset),
        Op::BrI32GtSSi { lhs, imm, offset } => (false, Cmp::GtS, lhs, imm, offset),
        Op::BrI32GtUSi { lhs, imm, offset } => (false, Cmp::GtU, lhs, imm, offset),
        Op::BrI32LeSSi { lhs, imm, offset } => (false, Cmp::LeS, lhs, imm, offset),
        Op::BrI32LeUSi { lhs, imm, offset } => (false, Cmp::LeU, lhs, imm, offset),
        Op::BrI32GeSSi { lhs, imm, offset } => (false, Cmp::GeS, lhs, imm, offset),
        Op::BrI32GeUSi { lhs, imm, offset } => (false, Cmp::GeU, lhs, imm, offset),
        Op::BrI64EqSi { lhs, imm, offset } => (true, Cmp::Eq, lhs, imm, offset),
        Op::BrI64NeSi { lhs, imm, offset } => (true, Cmp::Ne, lhs, imm, offset),
        Op::BrI64LtSSi { lhs, imm, offset } => (true, Cmp::LtS, lhs, imm, offset),
        Op::BrI64LtUSi { lhs, imm, offset } => (true, Cmp::LtU, lhs, imm, offset),
        Op::BrI64GtSSi { lhs, imm, offset } => (true, Cmp::GtS, lhs, imm, offset),
        Op::BrI64GtUSi { lhs, imm, offset } => (true, Cmp::GtU, lhs, imm, offset),
        Op::BrI64LeSSi { lhs, imm, offset } => (true, Cmp::LeS, lhs, imm, offset),
        Op::BrI64LeUSi { lhs, imm, offset } => (true, Cmp::LeU, lhs, imm, offset),
        Op::BrI64GeSSi { lhs, imm, offset } => (true, Cmp::GeS, lhs, imm, offset),
        Op::BrI64GeUSi { lhs, imm, offset } => (true, Cmp::GeU, lhs, imm, offset),
        _ => return None,
    };
    let mut negated = branch_form(wide, cmp.negate(), Form::Si, x, imm);
    *offset_mut(&mut negated)? = offset;
    Some(negated)
}

/// The compare-and-branch op of `form` (offset still 0): `x` is the slot
/// operand (left for `Si`, right for `As`), `imm` the immediate.
pub(super) fn branch_form(wide: bool, cmp: Cmp, form: Form, x: Slot, imm: i32) -> Op {
    let offset = 0;
    match (wide, cmp, form) {
        (false, Cmp::Eq, Form::Si) => Op::BrI32EqSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::Eq, Form::As) => Op::BrI32EqAs { rhs: x, offset },
        (false, Cmp::Eq, Form::Ai) => Op::BrI32EqAi { imm, offset },
        (false, Cmp::Ne, Form::Si) => Op::BrI32NeSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::Ne, Form::As) => Op::BrI32NeAs { rhs: x, offset },
        (false, Cmp::Ne, Form::Ai) => Op::BrI32NeAi { imm, offset },
        (false, Cmp::LtS, Form::Si) => Op::BrI32LtSSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::LtS, Form::As) => Op::BrI32LtSAs { rhs: x, offset },
        (false, Cmp::LtS, Form::Ai) => Op::BrI32LtSAi { imm, offset },
        (false, Cmp::LtU, Form::Si) => Op::BrI32LtUSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::LtU, Form::As) => Op::BrI32LtUAs { rhs: x, offset },
        (false, Cmp::LtU, Form::Ai) => Op::BrI32LtUAi { imm, offset },
        (false, Cmp::GtS, Form::Si) => Op::BrI32GtSSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::GtS, Form::As) => Op::BrI32GtSAs { rhs: x, offset },
        (false, Cmp::GtS, Form::Ai) => Op::BrI32GtSAi { imm, offset },
        (false, Cmp::GtU, Form::Si) => Op::BrI32GtUSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::GtU, Form::As) => Op::BrI32GtUAs { rhs: x, offset },
        (false, Cmp::GtU, Form::Ai) => Op::BrI32GtUAi { imm, offset },
        (false, Cmp::LeS, Form::Si) => Op::BrI32LeSSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::LeS, Form::As) => Op::BrI32LeSAs { rhs: x, offset },
        (false, Cmp::LeS, Form::Ai) => Op::BrI32LeSAi { imm, offset },
        (false, Cmp::LeU, Form::Si) => Op::BrI32LeUSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::LeU, Form::As) => Op::BrI32LeUAs { rhs: x, offset },
        (false, Cmp::LeU, Form::Ai) => Op::BrI32LeUAi { imm, offset },
        (false, Cmp::GeS, Form::Si) => Op::BrI32GeSSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::GeS, Form::As) => Op::BrI32GeSAs { rhs: x, offset },
        (false, Cmp::GeS, Form::Ai) => Op::BrI32GeSAi { imm, offset },
        (false, Cmp::GeU, Form::Si) => Op::BrI32GeUSi {
            lhs: x,
            imm,
            offset,
        },
        (false, Cmp::GeU, Form::As) => Op::BrI32GeUAs { rhs: x, offset },
        (false, Cmp::GeU, Form::Ai) => Op::BrI32GeUAi { imm, offset },
        (true, Cmp::Eq, Form::Si) => Op::BrI64EqSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::Eq, Form::As) => Op::BrI64EqAs { rhs: x, offset },
        (true, Cmp::Eq, Form::Ai) => Op::BrI64EqAi { imm, offset },
        (true, Cmp::Ne, Form::Si) => Op::BrI64NeSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::Ne, Form::As) => Op::BrI64NeAs { rhs: x, offset },
        (true, Cmp::Ne, Form::Ai) => Op::BrI64NeAi { imm, offset },
        (true, Cmp::LtS, Form::Si) => Op::BrI64LtSSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::LtS, Form::As) => Op::BrI64LtSAs { rhs: x, offset },
        (true, Cmp::LtS, Form::Ai) => Op::BrI64LtSAi { imm, offset },
        (true, Cmp::LtU, Form::Si) => Op::BrI64LtUSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::LtU, Form::As) => Op::BrI64LtUAs { rhs: x, offset },
        (true, Cmp::LtU, Form::Ai) => Op::BrI64LtUAi { imm, offset },
        (true, Cmp::GtS, Form::Si) => Op::BrI64GtSSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::GtS, Form::As) => Op::BrI64GtSAs { rhs: x, offset },
        (true, Cmp::GtS, Form::Ai) => Op::BrI64GtSAi { imm, offset },
        (true, Cmp::GtU, Form::Si) => Op::BrI64GtUSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::GtU, Form::As) => Op::BrI64GtUAs { rhs: x, offset },
        (true, Cmp::GtU, Form::Ai) => Op::BrI64GtUAi { imm, offset },
        (true, Cmp::LeS, Form::Si) => Op::BrI64LeSSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::LeS, Form::As) => Op::BrI64LeSAs { rhs: x, offset },
        (true, Cmp::LeS, Form::Ai) => Op::BrI64LeSAi { imm, offset },
        (true, Cmp::LeU, Form::Si) => Op::BrI64LeUSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::LeU, Form::As) => Op::BrI64LeUAs { rhs: x, offset },
        (true, Cmp::LeU, Form::Ai) => Op::BrI64LeUAi { imm, offset },
        (true, Cmp::GeS, Form::Si) => Op::BrI64GeSSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::GeS, Form::As) => Op::BrI64GeSAs { rhs: x, offset },
        (true, Cmp::GeS, Form::Ai) => Op::BrI64GeSAi { imm, offset },
        (true, Cmp::GeU, Form::Si) => Op::BrI64GeUSi {
            lhs: x,
            imm,
            offset,
        },
        (true, Cmp::GeU, Form::As) => Op::BrI64GeUAs { rhs: x, offset },
        (true, Cmp::GeU, Form::Ai) => Op::BrI64GeUAi { imm, offset },
        (_, _, Form::Sa) => {
            unreachable!("compares swap instead of reading the accumulator on the right")
        }
    }
}

/// The jump offset of a branch form, for patching.
pub(super) fn offset_mut(op: &mut Op) -> Option<&mut i32> {
    match op {
        Op::I32AddSiBrNez { offset, .. }
        | Op::I32AddSiBrNe { offset, .. }
        | Op::I32AddSiBrLtU { offset, .. } => Some(offset),
        Op::BrI32EqSi { offset, .. }
        | Op::BrI32EqAs { offset, .. }
        | Op::BrI32EqAi { offset, .. }
        | Op::BrI32NeSi { offset, .. }
        | Op::BrI32NeAs { offset, .. }
        | Op::BrI32NeAi { offset, .. }
        | Op::BrI32LtSSi { offset, .. }
        | Op::BrI32LtSAs { offset, .. }
        | Op::BrI32LtSAi { offset, .. }
        | Op::BrI32LtUSi { offset, .. }
        | Op::BrI32LtUAs { offset, .. }
        | Op::BrI32LtUAi { offset, .. }
        | Op::BrI32GtSSi { offset, .. }
        | Op::BrI32GtSAs { offset, .. }
        | Op::BrI32GtSAi { offset, .. }
        | Op::BrI32GtUSi { offset, .. }
        | Op::BrI32GtUAs { offset, .. }
        | Op::BrI32GtUAi { offset, .. }
        | Op::BrI32LeSSi { offset, .. }
        | Op::BrI32LeSAs { offset, .. }
        | Op::BrI32LeSAi { offset, .. }
        | Op::BrI32LeUSi { offset, .. }
        | Op::BrI32LeUAs { offset, .. }
        | Op::BrI32LeUAi { offset, .. }
        | Op::BrI32GeSSi { offset, .. }
        | Op::BrI32GeSAs { offset, .. }
        | Op::BrI32GeSAi { offset, .. }
        | Op::BrI32GeUSi { offset, .. }
        | Op::BrI32GeUAs { offset, .. }
        | Op::BrI32GeUAi { offset, .. }
        | Op::BrI64EqSi { offset, .. }
        | Op::BrI64EqAs { offset, .. }
        | Op::BrI64EqAi { offset, .. }
        | Op::BrI64NeSi { offset, .. }
        | Op::BrI64NeAs { offset, .. }
        | Op::BrI64NeAi { offset, .. }
        | Op::BrI64LtSSi { offset, .. }
        | Op::BrI64LtSAs { offset, .. }
        | Op::BrI64LtSAi { offset, .. }
        | Op::BrI64LtUSi { offset, .. }
        | Op::BrI64LtUAs { offset, .. }
        | Op::BrI64LtUAi { offset, .. }
        | Op::BrI64GtSSi { offset, .. }
        | Op::BrI64GtSAs { offset, .. }
        | Op::BrI64GtSAi { offset, .. }
        | Op::BrI64GtUSi { offset, .. }
        | Op::BrI64GtUAs { offset, .. }
        | Op::BrI64GtUAi { offset, .. }
        | Op::BrI64LeSSi { offset, .. }
        | Op::BrI64LeSAs { offset, .. }
        | Op::BrI64LeSAi { offset, .. }
        | Op::BrI64LeUSi { offset, .. }
        | Op::BrI64LeUAs { offset, .. }
        | Op::BrI64LeUAi { offset, .. }
        | Op::BrI64GeSSi { offset, .. }
        | Op::BrI64GeSAs { offset, .. }
        | Op::BrI64GeSAi { offset, .. }
        | Op::BrI64GeUSi { offset, .. }
        | Op::BrI64GeUAs { offset, .. }
        | Op::BrI64GeUAi { offset, .. }
        | Op::BrIfNezA { offset, .. }
        | Op::BrIfEqzA { offset, .. } => Some(offset),
        _ => None,
    }
}

/// Builds a store of the accumulator: address slot, offset.
type StoreFromAcc = fn(Slot, u32) -> Op;
/// Builds a store of an immediate: address slot, value, offset.
type StoreFromImm = fn(Slot, i32, u32) -> Op;

/// The accumulator and immediate twins of a plain store.
pub(super) fn store_forms(op: &Op) -> Option<(StoreFromAcc, Option<StoreFromImm>, bool)> {
    Some(match op {
        Op::I32Store { .. } => (
            |addr, offset| Op::I32StoreA { addr, offset },
            Some(|addr, value, offset| Op::I32StoreImm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::I64Store { .. } => (
            |addr, offset| Op::I64StoreA { addr, offset },
            Some(|addr, value, offset| Op::I64StoreImm {
                addr,
                value,
                offset,
            }),
            true,
        ),
        Op::I32Store8 { .. } => (
            |addr, offset| Op::I32Store8A { addr, offset },
            Some(|addr, value, offset| Op::I32Store8Imm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::I32Store16 { .. } => (
            |addr, offset| Op::I32Store16A { addr, offset },
            Some(|addr, value, offset| Op::I32Store16Imm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::I64Store8 { .. } => (
            |addr, offset| Op::I64Store8A { addr, offset },
            Some(|addr, value, offset| Op::I64Store8Imm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::I64Store16 { .. } => (
            |addr, offset| Op::I64Store16A { addr, offset },
            Some(|addr, value, offset| Op::I64Store16Imm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::I64Store32 { .. } => (
            |addr, offset| Op::I64Store32A { addr, offset },
            Some(|addr, value, offset| Op::I64Store32Imm {
                addr,
                value,
                offset,
            }),
            false,
        ),
        Op::F32Store { .. } => (|addr, offset| Op::F32StoreA { addr, offset }, None, false),
        Op::F64Store { .. } => (|addr, offset| Op::F64StoreA { addr, offset }, None, false),
        _ => return None,
    })
}

/// `select` between `a` and `b` into `dst` on what `cmp`, an accumulator
/// comparison, computes, as one op, if it is an ordering of integers:
/// `>` swaps the operands, `>=` the arms, `<=` both.
fn select_on(cmp: Op, dst: Slot, a: Slot, b: Slot) -> Option<Op> {
    macro_rules! orderings {
        ($($lt:ident $gt:ident $le:ident $ge:ident => $sel:ident;)*) => {
            match cmp {
                $(
                    Op::$lt { lhs, rhs } => Op::$sel { dst, a, b, lhs, rhs },
                    Op::$gt { lhs, rhs } => Op::$sel { dst, a, b, lhs: rhs, rhs: lhs },
                    Op::$le { lhs, rhs } => Op::$sel { dst, a: b, b: a, lhs: rhs, rhs: lhs },
                    Op::$ge { lhs, rhs } => Op::$sel { dst, a: b, b: a, lhs, rhs },
                )*
                _ => return None,
            }
        };
    }
    Some(orderings! {
        I32LtUSsA I32GtUSsA I32LeUSsA I32GeUSsA => SelectI32LtU;
        I32LtSSsA I32GtSSsA I32LeSSsA I32GeSSsA => SelectI32LtS;
        I64LtUSsA I64GtUSsA I64LeUSsA I64GeUSsA => SelectI64LtU;
        I64LtSSsA I64GtSSsA I64LeSSsA I64GeSSsA => SelectI64LtS;
    })
}
