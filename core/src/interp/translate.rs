//! Lowering of one validated function body to register-machine [`Op`]s.
//!
//! The translator keeps a virtual operand stack whose entries are either
//! materialised in their stack-position slot (`Temp`) or still lazily a
//! local or a constant. `local.get` and `*.const` therefore emit nothing;
//! operators read locals and constants in place, and a `local.set` right
//! after an operator retargets that operator's result. Control flow
//! resolves every branch to a relative jump plus the copies that move
//! branch values into the target's slots.
//!
//! A `v128` takes two consecutive slots wherever it lives (local, constant
//! or temporary), so every stack entry records where its slots start and
//! locals map to slot offsets; everything else is width-agnostic.
//!
//! Input has passed `wasmparser`'s validator, so stack shapes and indices
//! are trusted here; the translator only rejects what the interpreter
//! cannot represent (more than 32 Ki slots in one frame).
use crate::backend::ModuleEnv;
use crate::error::Error;
use crate::ir::{CompiledFunc, Op, Slot};
use crate::types::{FuncType, ValType};
use alloc::format;
use alloc::vec::Vec;
use wasmparser::{BlockType, FunctionBody, Operator};

#[cfg(feature = "fast-ops")]
mod forms;
#[cfg(feature = "simd")]
mod simd;

/// During translation slots are encoded by kind: below `CONST_MARK` a local,
/// from `CONST_MARK` constant `slot - CONST_MARK`, from `TEMP_MARK` operand
/// stack position `slot - TEMP_MARK`. The final layout pass rewrites them
/// once the number of constants is known. Constants must sit below the
/// temporaries: a callee's frame starts inside the caller's temporaries and
/// would overwrite anything above them.
const CONST_MARK: u32 = 0x8000;
const TEMP_MARK: u32 = 0xC000;
const MAX_ENCODED: u32 = 0x3FFF;

/// Buffers reused across the functions of a module.
#[derive(Default)]
pub(crate) struct Scratch {
    stack: Vec<Entry>,
    ctrl: Vec<Ctrl>,
    const_cache: ConstCache,
    locals: Vec<LocalSlot>,
    ops: Vec<Op>,
    offsets: Vec<u32>,
    consts: Vec<u64>,
    wide_consts: Vec<u32>,
    /// Where each constant lands in the frame (`u32::MAX`: not yet).
    const_at: Vec<u32>,
    back_edges: Vec<usize>,
    /// Where each op's cell starts (tail dispatch's packing).
    #[cfg(wasmbed_tail_dispatch)]
    starts: Vec<u32>,
}

/// Which constant slot holds a value, for the values seen recently: a
/// direct-mapped cache rather than a map, so that a function reading the
/// same constant in many places gets one slot for it (one copy per call),
/// at O(1) cost per lookup and a few bytes of code. Two values that share
/// an entry may each get slots of their own, which costs a slot, never
/// correctness.
///
/// Entries are not cleared between functions: one is trusted only if the
/// current function's constant `k` still holds the value, and a stale
/// entry that passes that check names a slot with the right value anyway.
#[derive(Clone, Default)]
pub(crate) struct ConstCache(Vec<(u64, u32)>);

impl ConstCache {
    const ENTRIES: usize = 64;

    fn entry(bits: u64) -> usize {
        // Fibonacci hashing: the top 6 bits of a multiplicative hash.
        (bits.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize
    }

    /// The constant holding `bits`, if the cache remembers one.
    fn find(&self, bits: u64, consts: &[u64]) -> Option<u32> {
        let &(v, k) = self.0.get(Self::entry(bits))?;
        (v == bits && consts.get(k as usize) == Some(&bits)).then_some(k)
    }

    fn note(&mut self, bits: u64, k: u32) {
        if self.0.is_empty() {
            // Zeros say "constant 0 holds 0", which `find` trusts only
            // when it is true.
            self.0.resize(Self::ENTRIES, (0, 0));
        }
        self.0[Self::entry(bits)] = (bits, k);
    }
}

/// Where a local lives: its first slot and whether it is a `v128`.
#[derive(Debug, Clone, Copy)]
struct LocalSlot {
    slot: u32,
    wide: bool,
}

/// One operand-stack entry.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: Operand,
    /// First temporary slot of this position (relative to the temporaries).
    start: u32,
    /// A `v128`, two slots wide.
    wide: bool,
}

impl Entry {
    fn end(&self) -> u32 {
        self.start + 1 + u32::from(self.wide)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    /// Lives in its stack-position slot.
    Temp,
    /// Still the value of a local.
    Local(u32),
    /// Still a scalar constant, with this value (bits). It gets a slot
    /// only when an op reads it from one: most become immediates.
    Const(u64),
    /// Still `v128` constant number `k` (its two slots exist already).
    #[cfg_attr(not(feature = "simd"), allow(dead_code))]
    ConstV128(u32),
}

/// A branch condition, possibly fused with the comparison computing it.
#[derive(Debug, Clone, Copy)]
enum Cond {
    /// Branch when the i32 in the slot is non-zero.
    Nez(Slot),
    /// Branch when the i32 in the slot is zero.
    Eqz(Slot),
    /// Branch when this integer comparison op would produce 1.
    Cmp(Op),
    /// These jumps (offset still 0): taken when the condition holds, and
    /// when it does not (operand forms, `fast-ops`).
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    Ready(Op, Op),
}

macro_rules! fuse_cmp {
    ($op:expr, $negate:expr, $($cmp:ident => $br:ident / $not:ident,)*) => {
        match $op {
            $(Op::$cmp { lhs, rhs, .. } => {
                if $negate {
                    Op::$not { lhs, rhs, offset: 0 }
                } else {
                    Op::$br { lhs, rhs, offset: 0 }
                }
            })*
            _ => unreachable!("pop_cond only fuses integer comparisons"),
        }
    };
}

impl Cond {
    /// The jump op (offset still 0) taken when the condition holds, or,
    /// with `negate`, when it does not.
    fn branch(self, negate: bool) -> Op {
        match (self, negate) {
            (Cond::Nez(cond), false) | (Cond::Eqz(cond), true) => Op::BrIfNez { cond, offset: 0 },
            (Cond::Nez(cond), true) | (Cond::Eqz(cond), false) => Op::BrIfEqz { cond, offset: 0 },
            (Cond::Ready(op, not), negate) => {
                if negate {
                    not
                } else {
                    op
                }
            }
            (Cond::Cmp(op), negate) => fuse_cmp!(op, negate,
                I32Eq => BrI32Eq / BrI32Ne,
                I32Ne => BrI32Ne / BrI32Eq,
                I32LtS => BrI32LtS / BrI32GeS,
                I32LtU => BrI32LtU / BrI32GeU,
                I32GtS => BrI32GtS / BrI32LeS,
                I32GtU => BrI32GtU / BrI32LeU,
                I32LeS => BrI32LeS / BrI32GtS,
                I32LeU => BrI32LeU / BrI32GtU,
                I32GeS => BrI32GeS / BrI32LtS,
                I32GeU => BrI32GeU / BrI32LtU,
                I64Eq => BrI64Eq / BrI64Ne,
                I64Ne => BrI64Ne / BrI64Eq,
                I64LtS => BrI64LtS / BrI64GeS,
                I64LtU => BrI64LtU / BrI64GeU,
                I64GtS => BrI64GtS / BrI64LeS,
                I64GtU => BrI64GtU / BrI64LeU,
                I64LeS => BrI64LeS / BrI64GtS,
                I64LeU => BrI64LeU / BrI64GtU,
                I64GeS => BrI64GeS / BrI64LtS,
                I64GeU => BrI64GeU / BrI64LtU,
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    ty: BlockType,
    /// Operand-stack height below the block's params.
    height: u32,
    num_params: u32,
    num_results: u32,
    /// For loops: the op index of the loop head.
    head: usize,
    /// Ops whose jump lands at the block's end.
    fixups: Vec<usize>,
    /// For `if`: the conditional jump to patch to the else branch.
    else_fixup: Option<usize>,
    /// Whether any branch lands at the end.
    branched_to: bool,
}

struct Translator<'a, 's> {
    env: &'a ModuleEnv<'a>,
    ops: &'s mut Vec<Op>,
    offsets: &'s mut Vec<u32>,
    consts: &'s mut Vec<u64>,
    /// The constants that start a `v128` (its second half follows), in
    /// ascending order.
    #[cfg_attr(not(feature = "simd"), allow(dead_code))]
    wide_consts: &'s mut Vec<u32>,
    /// The `Br` ops that jump back to a loop head (`thread_back_edges`).
    back_edges: &'s mut Vec<usize>,
    /// Some op that read a constant slot was taken back, so a constant may
    /// have no reader left: `layout` must look for unread ones.
    consts_maybe_unread: bool,
    num_results: u32,
    /// Most temporary slots in use at once.
    max_height: u32,
    stack: &'s mut Vec<Entry>,
    ctrl: &'s mut Vec<Ctrl>,
    const_cache: &'s mut ConstCache,
    locals: &'s [LocalSlot],
    offset: u32,
    /// Code after an unconditional transfer is dead until the next
    /// `else`/`end` of the current block; `dead_depth` counts blocks opened
    /// inside dead code.
    unreachable: bool,
    dead_depth: u32,
    /// The `ConsumeFuel` op of the current basic block and the cost counted
    /// for it so far (fuel metering only).
    fuel_op: Option<usize>,
    fuel_count: u32,
    /// The last emitted op wrote the stack top's temp slot and nothing
    /// jumps between it and here, so a following `local.set` may retarget
    /// its `dst`.
    fusable: Option<usize>,
    /// The last emitted op and the stack position whose temp slot it
    /// wrote, while nothing else has been emitted; lazy pushes (`local.get`,
    /// constants) may have come after it. Lets an operator absorb the op
    /// that computed one of its operands.
    last_result: Option<(usize, u32)>,
    /// The index a comparison was emitted at and whether its left (else
    /// its right) operand was computed by the op just before it, which
    /// could hand it over in the accumulator if the comparison fuses into
    /// a branch (`fast-ops`).
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    cmp_acc: Option<(usize, bool)>,
    /// The index of the last emitted op, a `Copy`, while nothing else has
    /// been emitted and no label placed since: the next copy joins it in
    /// one `Copy2` (`fast-ops`).
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    copy_at: Option<usize>,
    /// Where the last `barrier` was (a label may be there): ops before it
    /// stay where they are.
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    label_floor: usize,
    /// `label_floor` as the last `pop_cond` found it: the barrier it sets
    /// when it takes a comparison back is no label, so a branch may still
    /// join the op before the comparison (`join_add_branch`).
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    cond_floor: usize,
}

fn too_large(func_index: u32) -> Error {
    Error::unsupported(format!(
        "function {func_index} is too large for the interpreter: it needs more than \
         32767 locals, 16383 distinct constants, 16383 operand-stack slots, or 65535 in all"
    ))
}

pub(crate) fn translate_function(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &FunctionBody<'_>,
    scratch: &mut Scratch,
) -> Result<CompiledFunc, Error> {
    translate_body(env, func_index, body, scratch, None).map_err(|stop| match stop {
        Stop::Invalid(e) => Error::from(e),
        Stop::Unsupported(e) => e,
    })
}

/// A check run on a body as the translator reads it: the validator, with
/// the `one-pass` feature (see [`validate_and_translate`]). A trait object,
/// so that builds without the feature carry no second instance of the
/// validator's operator visitor.
pub(crate) trait BodyCheck {
    /// Checks a run of `count` locals of type `ty` declared at `at`.
    fn locals(
        &mut self,
        at: u64,
        count: u32,
        ty: wasmparser::ValType,
    ) -> Result<(), wasmparser::BinaryReaderError>;
    /// Checks the operator at `at`, before the translator sees it.
    fn op(&mut self, at: u64, op: &Operator<'_>) -> Result<(), wasmparser::BinaryReaderError>;
    /// Checks the operators left in `reader`, after a translation gave up,
    /// and the body's end.
    fn rest(
        &mut self,
        reader: wasmparser::OperatorsReader<'_>,
    ) -> Result<(), wasmparser::BinaryReaderError>;
}

#[cfg(feature = "one-pass")]
impl BodyCheck for wasmparser::FuncValidator<wasmparser::ValidatorResources> {
    fn locals(
        &mut self,
        at: u64,
        count: u32,
        ty: wasmparser::ValType,
    ) -> Result<(), wasmparser::BinaryReaderError> {
        self.define_locals(at, count, ty)
    }

    fn op(&mut self, at: u64, op: &Operator<'_>) -> Result<(), wasmparser::BinaryReaderError> {
        wasmparser::FuncValidator::op(self, at, op)
    }

    fn rest(
        &mut self,
        mut reader: wasmparser::OperatorsReader<'_>,
    ) -> Result<(), wasmparser::BinaryReaderError> {
        while !reader.eof() {
            let at = reader.original_position();
            let op = reader.read()?;
            wasmparser::FuncValidator::op(self, at, &op)?;
        }
        reader.finish()
    }
}

/// Why [`validate_and_translate`] stopped.
pub(crate) enum Stop {
    /// The body is not valid WebAssembly: the module is rejected.
    Invalid(wasmparser::BinaryReaderError),
    /// The body is valid (all of it was checked) but the interpreter cannot
    /// represent it.
    Unsupported(Error),
}

/// Validates `body` with `check` and translates it in one pass, so that
/// `Module::new` decodes each operator once rather than once to validate
/// and again to translate. Each operator is validated before the
/// translator sees it, so the translator only ever reads a valid prefix;
/// when translation gives up, the rest of the body is still validated, so
/// an invalid module is reported as invalid whatever the interpreter's
/// limits.
#[cfg(feature = "one-pass")]
pub(crate) fn validate_and_translate(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &FunctionBody<'_>,
    scratch: &mut Scratch,
    check: &mut dyn BodyCheck,
) -> Result<CompiledFunc, Stop> {
    translate_body(env, func_index, body, scratch, Some(check))
}

fn translate_body(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &FunctionBody<'_>,
    scratch: &mut Scratch,
    mut validator: Option<&mut dyn BodyCheck>,
) -> Result<CompiledFunc, Stop> {
    let ty = &env.types[env.func_types[func_index as usize] as usize];
    let num_results = ValType::slots_of(ty.results()) as u32;
    let werr = Stop::Invalid;
    // Slot offsets of params and declared locals; `num_locals` counts slots.
    scratch.locals.clear();
    let mut num_locals: u32 = 0;
    let add_local = |locals: &mut Vec<LocalSlot>, num_locals: &mut u32, wide: bool| {
        if *num_locals + 2 >= CONST_MARK {
            return Err(too_large(func_index));
        }
        locals.push(LocalSlot {
            slot: *num_locals,
            wide,
        });
        *num_locals += 1 + u32::from(wide);
        Ok(())
    };
    // A limit the interpreter hits, reported once the whole body is known
    // to be valid.
    let mut unsupported = None;
    for p in ty.params() {
        if let Err(e) = add_local(&mut scratch.locals, &mut num_locals, *p == ValType::V128) {
            unsupported = Some(e);
            break;
        }
    }
    let num_params = num_locals;
    let mut locals = body.get_locals_reader().map_err(werr)?;
    for _ in 0..locals.get_count() {
        let at = locals.original_position();
        let (count, t) = locals.read().map_err(werr)?;
        if let Some(v) = validator.as_deref_mut() {
            v.locals(at, count, t).map_err(werr)?;
        }
        let wide = t == wasmparser::ValType::V128;
        for _ in 0..count {
            if unsupported.is_some() {
                break;
            }
            if let Err(e) = add_local(&mut scratch.locals, &mut num_locals, wide) {
                unsupported = Some(e);
            }
        }
    }
    // All declarations are read: the reader is at the first operator.
    let reader = wasmparser::OperatorsReader::new(locals.get_binary_reader());
    if let Some(e) = unsupported {
        if let Some(v) = validator {
            v.rest(reader).map_err(werr)?;
        }
        return Err(Stop::Unsupported(e));
    }
    scratch.stack.clear();
    scratch.ctrl.clear();
    scratch.ops.clear();
    scratch.offsets.clear();
    scratch.consts.clear();
    scratch.wide_consts.clear();
    scratch.back_edges.clear();
    let mut t = Translator {
        env,
        ops: &mut scratch.ops,
        offsets: &mut scratch.offsets,
        consts: &mut scratch.consts,
        wide_consts: &mut scratch.wide_consts,
        back_edges: &mut scratch.back_edges,
        consts_maybe_unread: false,
        num_results,
        max_height: 0,
        stack: &mut scratch.stack,
        ctrl: &mut scratch.ctrl,
        const_cache: &mut scratch.const_cache,
        locals: &scratch.locals,
        offset: 0,
        unreachable: false,
        dead_depth: 0,
        fusable: None,
        last_result: None,
        cmp_acc: None,
        copy_at: None,
        label_floor: 0,
        cond_floor: 0,
        fuel_op: None,
        fuel_count: 0,
    };
    t.ctrl.push(Ctrl {
        kind: CtrlKind::Func,
        ty: BlockType::Empty,
        height: 0,
        num_params: 0,
        num_results,
        head: 0,
        fixups: Vec::new(),
        else_fixup: None,
        branched_to: false,
    });
    t.start_block(true);
    let mut reader = reader;
    let too_big = |t: &Translator<'_, '_>| {
        t.max_height >= MAX_ENCODED || t.consts.len() as u32 >= MAX_ENCODED
    };
    match validator {
        // The lazy path: the body was validated with the module.
        None => {
            while !reader.eof() {
                t.offset = reader.original_position() as u32;
                let op = reader.read().map_err(werr)?;
                t.op(op).map_err(Stop::Unsupported)?;
                if too_big(&t) {
                    return Err(Stop::Unsupported(too_large(func_index)));
                }
            }
        }
        Some(v) => {
            while !reader.eof() {
                let at = reader.original_position();
                let op = reader.read().map_err(werr)?;
                v.op(at, &op).map_err(werr)?;
                t.offset = at as u32;
                let translated = t.op(op).and_then(|()| {
                    if too_big(&t) {
                        Err(too_large(func_index))
                    } else {
                        Ok(())
                    }
                });
                if let Err(e) = translated {
                    v.rest(reader).map_err(werr)?;
                    return Err(Stop::Unsupported(e));
                }
            }
            reader.finish().map_err(werr)?;
        }
    }
    t.finish_fuel_block();
    let max_height = t.max_height;
    let maybe_unread = t.consts_maybe_unread;
    if !env.consume_fuel && !env.interruptible {
        thread_back_edges(t.ops, t.back_edges);
        #[cfg(feature = "fast-ops")]
        t.join_threaded_latches();
    }
    #[cfg(all(debug_assertions, feature = "fast-ops"))]
    forms::check_acc(t.ops);
    let (code, consts) = layout(
        &mut scratch.ops,
        &scratch.consts,
        &scratch.wide_consts,
        &mut scratch.const_at,
        #[cfg(wasmbed_tail_dispatch)]
        &mut scratch.starts,
        num_locals,
        maybe_unread,
    );
    let const_base = num_locals;
    let temp_base = const_base + consts.len() as u32;
    // Results come back in slots 0.., so the frame is at least that large.
    let frame_size = (temp_base + max_height).max(num_results);
    if frame_size > u16::MAX as u32 {
        return Err(Stop::Unsupported(too_large(func_index)));
    }
    #[cfg(wasmbed_tail_dispatch)]
    let (ops, tags) = code;
    #[cfg(not(wasmbed_tail_dispatch))]
    let ops = code;
    Ok(CompiledFunc {
        ops,
        #[cfg(wasmbed_tail_dispatch)]
        tags,
        // As the cells (`CELL_IS_OP`).
        offsets: if CELL_IS_OP {
            core::mem::take(&mut scratch.offsets).into_boxed_slice()
        } else {
            scratch.offsets.as_slice().into()
        },
        consts,
        func_index,
        num_params: num_params as u16,
        num_locals: num_locals as u16,
        const_base: const_base as u16,
        frame_size: frame_size as u16,
    })
}

/// `op`, a conditional branch that reads no accumulator, with its
/// condition negated (same operands, same offset); `None` for any other op.
fn negated_branch(op: Op) -> Option<Op> {
    Some(match op {
        Op::BrIfNez { cond, offset } => Op::BrIfEqz { cond, offset },
        Op::BrIfEqz { cond, offset } => Op::BrIfNez { cond, offset },
        Op::BrI32Eq { lhs, rhs, offset } => Op::BrI32Ne { lhs, rhs, offset },
        Op::BrI32Ne { lhs, rhs, offset } => Op::BrI32Eq { lhs, rhs, offset },
        Op::BrI32LtS { lhs, rhs, offset } => Op::BrI32GeS { lhs, rhs, offset },
        Op::BrI32GeS { lhs, rhs, offset } => Op::BrI32LtS { lhs, rhs, offset },
        Op::BrI32LtU { lhs, rhs, offset } => Op::BrI32GeU { lhs, rhs, offset },
        Op::BrI32GeU { lhs, rhs, offset } => Op::BrI32LtU { lhs, rhs, offset },
        Op::BrI32GtS { lhs, rhs, offset } => Op::BrI32LeS { lhs, rhs, offset },
        Op::BrI32LeS { lhs, rhs, offset } => Op::BrI32GtS { lhs, rhs, offset },
        Op::BrI32GtU { lhs, rhs, offset } => Op::BrI32LeU { lhs, rhs, offset },
        Op::BrI32LeU { lhs, rhs, offset } => Op::BrI32GtU { lhs, rhs, offset },
        Op::BrI64Eq { lhs, rhs, offset } => Op::BrI64Ne { lhs, rhs, offset },
        Op::BrI64Ne { lhs, rhs, offset } => Op::BrI64Eq { lhs, rhs, offset },
        Op::BrI64LtS { lhs, rhs, offset } => Op::BrI64GeS { lhs, rhs, offset },
        Op::BrI64GeS { lhs, rhs, offset } => Op::BrI64LtS { lhs, rhs, offset },
        Op::BrI64LtU { lhs, rhs, offset } => Op::BrI64GeU { lhs, rhs, offset },
        Op::BrI64GeU { lhs, rhs, offset } => Op::BrI64LtU { lhs, rhs, offset },
        Op::BrI64GtS { lhs, rhs, offset } => Op::BrI64LeS { lhs, rhs, offset },
        Op::BrI64LeS { lhs, rhs, offset } => Op::BrI64GtS { lhs, rhs, offset },
        Op::BrI64GtU { lhs, rhs, offset } => Op::BrI64LeU { lhs, rhs, offset },
        Op::BrI64LeU { lhs, rhs, offset } => Op::BrI64GtU { lhs, rhs, offset },
        #[cfg(feature = "fast-ops")]
        op => return forms::negated_branch(op),
        #[cfg(not(feature = "fast-ops"))]
        _ => return None,
    })
}

/// A loop test a latch op can take over: whether it is `!=` (else
/// unsigned `<`), its left operand, its bound (a slot, or an immediate)
/// and its offset. (`fast-ops`.)
#[cfg(feature = "fast-ops")]
fn latch_test(op: Op) -> Option<(bool, Slot, Result<Slot, i32>, i32)> {
    Some(match op {
        Op::BrI32Ne { lhs, rhs, offset } => (true, lhs, Ok(rhs), offset),
        Op::BrI32NeSi { lhs, imm, offset } => (true, lhs, Err(imm), offset),
        Op::BrI32LtU { lhs, rhs, offset } => (false, lhs, Ok(rhs), offset),
        Op::BrI32LtUSi { lhs, imm, offset } => (false, lhs, Err(imm), offset),
        _ => return None,
    })
}

/// The latch op: `dst += imm`, then [`latch_test`]'s test of `dst`
/// against `rhs`. (`fast-ops`.)
#[cfg(feature = "fast-ops")]
fn latch_op(ne: bool, dst: Slot, rhs: Slot, imm: i8, offset: i32) -> Op {
    if ne {
        Op::I32AddSiBrNe {
            dst,
            rhs,
            imm,
            offset,
        }
    } else {
        Op::I32AddSiBrLtU {
            dst,
            rhs,
            imm,
            offset,
        }
    }
}

/// Threads back-edges through a loop's exit test. A loop written
/// `loop (br_if $exit cond) body (br $loop)` with `$exit` right after the
/// `br` runs two branches per iteration: the `br` back, then the test. The
/// `br` at `i` becomes the test negated, jumping to the loop body (the op
/// after the test) and falling through to `$exit`: one branch per
/// iteration, the same effect. The op count and every offset stay as they
/// are. Not for code that polls or meters fuel, whose back-edges and block
/// heads carry that work.
fn thread_back_edges(ops: &mut [Op], back_edges: &[usize]) {
    for &i in back_edges {
        let Op::Br { offset } = ops[i] else { continue };
        let t = i as isize + offset as isize;
        let mut test = ops[t as usize];
        let Some(&mut exit) = jump_offset_mut(&mut test) else {
            continue;
        };
        if t + exit as isize != i as isize + 1 {
            continue;
        }
        let Some(mut threaded) = negated_branch(test) else {
            continue;
        };
        if let Some(offset) = jump_offset_mut(&mut threaded) {
            *offset = (t + 1 - i as isize) as i32;
            ops[i] = threaded;
        }
    }
}

/// Whether a cell is just its op (the loop dispatch of small devices). Then
/// the cells are built in the ops' own allocation and the offsets buffer is
/// handed over rather than copied: a translation's peak heap is what decides
/// whether a module fits a device. Elsewhere both buffers stay in the
/// scratch for the next function.
#[cfg(not(wasmbed_tail_dispatch))]
const CELL_IS_OP: bool = core::mem::size_of::<crate::ir::Cell>() == core::mem::size_of::<Op>();
#[cfg(wasmbed_tail_dispatch)]
const CELL_IS_OP: bool = false;

/// The executable code `layout` makes: packed cells and their ops' tags
/// (tail dispatch), or one cell per op.
#[cfg(wasmbed_tail_dispatch)]
type Code = (alloc::boxed::Box<[u8]>, alloc::boxed::Box<[u16]>);
#[cfg(not(wasmbed_tail_dispatch))]
type Code = alloc::boxed::Box<[crate::ir::Cell]>;

/// Lays out the frame, `[locals | constants | temporaries]`, and turns the
/// ops into executable cells with their final slots. Only the constants
/// some op still reads from a slot get one: those that became immediates
/// everywhere are neither stored nor copied on calls. Returns the cells and
/// the constants in frame order.
///
/// The temporaries go last because a call's frame starts at its arguments,
/// the caller's topmost temporaries, and may overwrite what lies above
/// them. Slots past `u16::MAX` wrap here; the caller rejects such a frame.
// The loop dispatches take the `Vec` itself (`CELL_IS_OP`); tail dispatch
// only reads it.
#[cfg_attr(wasmbed_tail_dispatch, allow(clippy::ptr_arg))]
fn layout(
    ops: &mut Vec<Op>,
    consts: &[u64],
    wide: &[u32],
    const_at: &mut Vec<u32>,
    #[cfg(wasmbed_tail_dispatch)] starts: &mut Vec<u32>,
    num_locals: u32,
    maybe_unread: bool,
) -> (Code, alloc::boxed::Box<[u64]>) {
    const UNUSED: u32 = u32::MAX;
    let mut kept = Vec::new();
    const_at.clear();
    // A constant gets a slot only when an op reads it from one, so unless
    // such an op was taken back every constant is read.
    if !maybe_unread && !cfg!(debug_assertions) {
        const_at.extend(0..consts.len() as u32);
        kept.extend_from_slice(consts);
    } else if !consts.is_empty() {
        const_at.resize(consts.len(), UNUSED);
        for op in ops.iter() {
            let mut op = *op;
            op.for_each_slot_mut(|s| {
                let v = *s as u32;
                if (CONST_MARK..TEMP_MARK).contains(&v) {
                    const_at[(v - CONST_MARK) as usize] = 0;
                }
            });
        }
        // A `v128` is read through its first slot.
        for &k in wide {
            if const_at[k as usize] != UNUSED {
                const_at[k as usize + 1] = 0;
            }
        }
        for (at, &c) in const_at.iter_mut().zip(consts) {
            if *at != UNUSED {
                *at = kept.len() as u32;
                kept.push(c);
            }
        }
        debug_assert!(
            maybe_unread || kept.len() == consts.len(),
            "a constant slot no op reads, though no reader was taken back"
        );
    }
    let const_base = num_locals;
    let temp_base = const_base + kept.len() as u32;
    let final_slot = |s: Slot| {
        let v = s as u32;
        if v >= TEMP_MARK {
            (v - TEMP_MARK + temp_base) as Slot
        } else if v >= CONST_MARK {
            (const_at[(v - CONST_MARK) as usize] + const_base) as Slot
        } else {
            s
        }
    };
    #[cfg(wasmbed_tail_dispatch)]
    let code = pack(ops, starts, final_slot);
    #[cfg(not(wasmbed_tail_dispatch))]
    let code = {
        let to_cell = |mut op: Op| {
            op.for_each_slot_mut(|s| *s = final_slot(*s));
            crate::interp::exec::cell(op)
        };
        if CELL_IS_OP {
            core::mem::take(ops).into_iter().map(to_cell).collect()
        } else {
            ops.iter().copied().map(to_cell).collect()
        }
    };
    (code, kept.into_boxed_slice())
}

/// Packs `ops` into tail dispatch's cells (`CompiledFunc::ops`), giving
/// each its final slots first. Jumps become byte offsets: the ops' sizes
/// are fixed by their kinds, so where every cell starts is known before
/// any is written.
#[cfg(wasmbed_tail_dispatch)]
fn pack(ops: &[Op], starts: &mut Vec<u32>, final_slot: impl Fn(Slot) -> Slot) -> Code {
    use crate::ir::{cell_size, packed, HANDLER_BYTES};
    let tags: alloc::boxed::Box<[u16]> = ops.iter().map(Op::tag).collect();
    starts.clear();
    let mut at = 0u32;
    starts.extend(tags.iter().map(|&tag| {
        let start = at;
        at += cell_size(tag) as u32;
        start
    }));
    // Where a jump to the end would land (there is none: the last op does
    // not fall through, and every target is an op).
    starts.push(at);
    let mut code: Vec<u8> = Vec::with_capacity(at as usize);
    let base = code.as_mut_ptr();
    for (i, op) in ops.iter().enumerate() {
        let tag = tags[i] as usize;
        let (start, end) = (starts[i] as usize, starts[i + 1] as usize);
        // SAFETY: the cell of op `i` spans `start..end`, inside the `at`
        // bytes allocated: its handler address, then `packed::SIZES[tag]`
        // bytes of operands, a jump's offset in the last four.
        unsafe {
            let p = base.add(start);
            core::ptr::write_unaligned(p as *mut usize, crate::interp::exec::handler_address(tag));
            op.pack_to(p.add(HANDLER_BYTES), &final_slot);
            if packed::IS_JUMP[tag] {
                let field = base.add(end - 4) as *mut i32;
                let target = i.wrapping_add_signed(core::ptr::read_unaligned(field) as isize);
                core::ptr::write_unaligned(field, starts[target] as i32 - start as i32);
            }
        }
    }
    // SAFETY: the cells tile `0..at` and every byte of each was written
    // above (packed operands have no padding).
    unsafe { code.set_len(at as usize) };
    (code.into_boxed_slice(), tags)
}

macro_rules! unop {
    ($t:ident, $name:ident) => {{
        let src = $t.pop_slot();
        let dst = $t.push_temp();
        $t.emit_result(Op::$name { dst, src });
    }};
}

macro_rules! binop {
    ($t:ident, $name:ident) => {{
        #[cfg(feature = "fast-ops")]
        let done = $t.binop_form(Op::$name {
            dst: 0,
            lhs: 0,
            rhs: 0,
        });
        #[cfg(not(feature = "fast-ops"))]
        let done = false;
        if !done {
            let rhs = $t.pop_slot();
            let lhs = $t.pop_slot();
            let dst = $t.push_temp();
            $t.emit_result(Op::$name { dst, lhs, rhs });
        }
    }};
}

/// A load; when the address was just computed by an `i32.add` (the `Add`
/// twin) or by an `i32.shl` by a constant (the `Shl` twin), that op is
/// folded in.
macro_rules! load {
    ($t:ident, $memarg:ident, $name:ident / $scaled:ident / $added:ident) => {{
        let offset = $memarg.offset as u32;
        let top = $t.height() - 1;
        if let Some((base, index)) = $t.take_add(top) {
            $t.stack.pop();
            let dst = $t.push_temp();
            $t.emit_result(Op::$added {
                dst,
                base,
                index,
                offset,
            });
        } else if let Some((x, shift)) = $t.take_const_shl(top) {
            $t.stack.pop();
            let dst = $t.push_temp();
            $t.emit_result(Op::$scaled {
                dst,
                addr: x,
                shift,
                offset,
            });
        } else {
            let addr = $t.pop_slot();
            let dst = $t.push_temp();
            $t.emit_result(Op::$name { dst, addr, offset });
        }
    }};
}

/// A store, with the same folding of a constant shift into the address.
macro_rules! store {
    ($t:ident, $memarg:ident, $name:ident / $scaled:ident / $added:ident) => {{
        let offset = $memarg.offset as u32;
        let top = $t.height() - 1;
        if let Some((base, index)) = $t.take_add(top - 1) {
            let value = $t.pop_slot();
            $t.stack.pop();
            $t.emit(Op::$added {
                base,
                index,
                value,
                offset,
            });
        } else if let Some((x, shift)) = $t.take_const_shl(top - 1) {
            let value = $t.pop_slot();
            $t.stack.pop();
            $t.emit(Op::$scaled {
                addr: x,
                value,
                shift,
                offset,
            });
        } else if !$t.store_form_of(
            Op::$name {
                addr: 0,
                value: 0,
                offset,
            },
            offset,
        ) {
            let value = $t.pop_slot();
            let addr = $t.pop_slot();
            $t.emit(Op::$name {
                addr,
                value,
                offset,
            });
        }
    }};
}

/// The jump offset of `op`, if it is a jump.
fn jump_offset_mut(op: &mut Op) -> Option<&mut i32> {
    match op {
        Op::Br { offset, .. }
        | Op::BrLoop { offset, .. }
        | Op::BrIfNez { offset, .. }
        | Op::BrIfNezLoop { offset, .. }
        | Op::BrIfEqz { offset, .. }
        | Op::BrIfEqzLoop { offset, .. }
        | Op::BrI32Eq { offset, .. }
        | Op::BrI32EqLoop { offset, .. }
        | Op::BrI32Ne { offset, .. }
        | Op::BrI32NeLoop { offset, .. }
        | Op::BrI32LtS { offset, .. }
        | Op::BrI32LtSLoop { offset, .. }
        | Op::BrI32LtU { offset, .. }
        | Op::BrI32LtULoop { offset, .. }
        | Op::BrI32GtS { offset, .. }
        | Op::BrI32GtSLoop { offset, .. }
        | Op::BrI32GtU { offset, .. }
        | Op::BrI32GtULoop { offset, .. }
        | Op::BrI32LeS { offset, .. }
        | Op::BrI32LeSLoop { offset, .. }
        | Op::BrI32LeU { offset, .. }
        | Op::BrI32LeULoop { offset, .. }
        | Op::BrI32GeS { offset, .. }
        | Op::BrI32GeSLoop { offset, .. }
        | Op::BrI32GeU { offset, .. }
        | Op::BrI32GeULoop { offset, .. }
        | Op::BrI64Eq { offset, .. }
        | Op::BrI64EqLoop { offset, .. }
        | Op::BrI64Ne { offset, .. }
        | Op::BrI64NeLoop { offset, .. }
        | Op::BrI64LtS { offset, .. }
        | Op::BrI64LtSLoop { offset, .. }
        | Op::BrI64LtU { offset, .. }
        | Op::BrI64LtULoop { offset, .. }
        | Op::BrI64GtS { offset, .. }
        | Op::BrI64GtSLoop { offset, .. }
        | Op::BrI64GtU { offset, .. }
        | Op::BrI64GtULoop { offset, .. }
        | Op::BrI64LeS { offset, .. }
        | Op::BrI64LeSLoop { offset, .. }
        | Op::BrI64LeU { offset, .. }
        | Op::BrI64LeULoop { offset, .. }
        | Op::BrI64GeS { offset, .. }
        | Op::BrI64GeSLoop { offset, .. }
        | Op::BrI64GeU { offset, .. }
        | Op::BrI64GeULoop { offset, .. } => Some(offset),
        #[cfg(feature = "fast-ops")]
        op => forms::offset_mut(op),
        #[cfg(not(feature = "fast-ops"))]
        _ => None,
    }
}

impl Translator<'_, '_> {
    fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    /// First temporary slot of position `pos` (which may be one past the
    /// top: where the next entry would start).
    fn start_of(&self, pos: u32) -> u32 {
        match self.stack.get(pos as usize) {
            Some(e) => e.start,
            None => self.stack.last().map_or(0, |e| e.end()),
        }
    }

    fn temp_at(start: u32) -> Slot {
        (TEMP_MARK + start.min(MAX_ENCODED)) as Slot
    }

    fn temp_slot(&self, pos: u32) -> Slot {
        Self::temp_at(self.start_of(pos))
    }

    /// The slot an op reads the entry at `pos` from; a scalar constant
    /// gets its slot here.
    #[inline]
    fn slot_of(&mut self, pos: u32) -> Slot {
        let e = self.stack[pos as usize];
        match e.kind {
            Operand::Temp => self.temp_slot(pos),
            Operand::Local(l) => self.locals[l as usize].slot as Slot,
            Operand::ConstV128(k) => (CONST_MARK + k) as Slot,
            Operand::Const(bits) => self.const_slot(bits),
        }
    }

    /// The value of the scalar constant at `pos`, if it is one.
    #[cfg_attr(not(feature = "fast-ops"), allow(dead_code))]
    fn scalar_const(&self, pos: u32) -> Option<u64> {
        match self.stack[pos as usize].kind {
            Operand::Const(bits) => Some(bits),
            _ => None,
        }
    }

    fn emit(&mut self, op: Op) -> usize {
        self.reset_fusion();
        self.ops.push(op);
        self.offsets.push(self.offset);
        self.ops.len() - 1
    }

    /// The last op emitted can no longer be fused with the next.
    fn reset_fusion(&mut self) {
        self.fusable = None;
        self.last_result = None;
        self.copy_at = None;
    }

    /// Nothing before this point may be fused with what comes after: a
    /// label may be placed here.
    fn barrier(&mut self) {
        self.reset_fusion();
        self.label_floor = self.ops.len();
    }

    /// Joins `branch`, a `br_if`'s branch about to be emitted, with the op
    /// before it when that is an `I32AddSi` or `I32SubSi` of a byte-sized
    /// constant whose result the branch tests: a counted loop's
    /// `x -= 1; br_if x` (`I32AddSiBrNez`), or its `i += k; br_if (i != n)`
    /// or `(i < n)` unsigned, the add in place (`I32AddSiBrNe`,
    /// `I32AddSiBrLtU`; a constant bound is read from its slot). The add
    /// becomes the joined op, whose index is returned for patching.
    /// Not across a label (`cond_floor`: a branch to it would skip the
    /// add), and not where back-edges poll (the joined ops have no `Loop`
    /// twins). (`fast-ops`.)
    #[cfg(feature = "fast-ops")]
    fn join_add_branch(&mut self, branch: Op) -> Option<usize> {
        let at = self.ops.len().checked_sub(1)?;
        // `branch` comes from the `pop_cond` just before.
        if at < self.cond_floor || self.env.interruptible {
            return None;
        }
        let (dst, lhs, imm) = match self.ops[at] {
            Op::I32AddSi { dst, lhs, imm } => (dst, lhs, imm),
            Op::I32SubSi { dst, lhs, imm } => (dst, lhs, imm.wrapping_neg()),
            _ => return None,
        };
        let imm = i8::try_from(imm).ok()?;
        let offset = 0;
        // Otherwise an increment in place and the loop test on its result:
        // `ne` or `lt_u`, against a slot or a constant's slot.
        if let Op::BrIfNez { cond, .. } = branch {
            if dst != cond {
                return None;
            }
            self.ops[at] = Op::I32AddSiBrNez {
                dst,
                lhs,
                imm,
                offset,
            };
            self.reset_fusion();
            return Some(at);
        }
        let (ne, cmp_lhs, bound, _) = latch_test(branch)?;
        if dst != lhs || cmp_lhs != dst {
            return None;
        }
        let rhs = match bound {
            Ok(slot) => slot,
            Err(k) => self.const_slot(u64::from(k as u32)),
        };
        self.ops[at] = latch_op(ne, dst, rhs, imm, offset);
        self.reset_fusion();
        Some(at)
    }

    /// After `thread_back_edges`: where a threaded back-edge (now the loop's
    /// exit test negated, `i != n` or `i < n` unsigned) follows an in-place
    /// `I32AddSi` of its left operand, the add takes the test over as an
    /// `I32AddSiBrNe` / `I32AddSiBrLtU` jumping where the test jumps: one
    /// dispatch per iteration instead of two. The test stays where it is,
    /// so that the op count and every offset stay too: a branch to it
    /// still finds it, and the joined op falls through into it when the
    /// loop ends, where it is false again (it only reads) and falls
    /// through to the exit. (`fast-ops`.)
    #[cfg(feature = "fast-ops")]
    fn join_threaded_latches(&mut self) {
        for k in 0..self.back_edges.len() {
            let i = self.back_edges[k];
            let Some(at) = i.checked_sub(1) else { continue };
            let Op::I32AddSi { dst, lhs, imm } = self.ops[at] else {
                continue;
            };
            let Ok(imm) = i8::try_from(imm) else { continue };
            let Some((ne, test_lhs, bound, offset)) = latch_test(self.ops[i]) else {
                continue;
            };
            if dst != lhs || test_lhs != dst {
                continue;
            }
            let rhs = match bound {
                Ok(slot) => slot,
                // Translation checked the constants' count after every
                // op; one more must stay below the limit too.
                Err(_) if self.consts.len() as u32 + 1 >= MAX_ENCODED => continue,
                Err(k) => self.const_slot(u64::from(k as u32)),
            };
            // The same target, from one op earlier.
            self.ops[at] = latch_op(ne, dst, rhs, imm, offset + 1);
        }
    }

    /// Joins the last two ops into one `I32AddSi2` when both are
    /// `I32AddSi` with immediates that fit in a byte (pointer and counter
    /// bumps in a row). Called once the second one's result went into a
    /// local (`local_set`), so both are final: no accumulator form can
    /// claim a result that is not a temp. No label may lie between them
    /// (`label_floor`), or a branch to it would run the first add too; none
    /// can lie after the second, which is the last op. (`fast-ops`.)
    #[cfg(feature = "fast-ops")]
    fn pair_adds(&mut self) {
        let n = self.ops.len();
        if n < 2 || n - 2 < self.label_floor {
            return;
        }
        if let (
            Op::I32AddSi {
                dst: d1,
                lhs: l1,
                imm: i1,
            },
            Op::I32AddSi {
                dst: d2,
                lhs: l2,
                imm: i2,
            },
        ) = (self.ops[n - 2], self.ops[n - 1])
        {
            if let (Ok(imm), Ok(imm2)) = (i8::try_from(i1), i8::try_from(i2)) {
                self.ops[n - 2] = Op::I32AddSi2 {
                    dst: d1,
                    lhs: l1,
                    dst2: d2,
                    lhs2: l2,
                    imm,
                    imm2,
                };
                self.ops.pop();
                self.offsets.pop();
            }
        }
    }

    /// A store (`op`, slots placeholders) of the accumulator or of an
    /// immediate, if one applies (`fast-ops`); `false` leaves it to the
    /// slot form.
    #[cfg_attr(
        not(feature = "fast-ops"),
        allow(unused_variables, clippy::needless_pass_by_ref_mut)
    )]
    fn store_form_of(&mut self, op: Op, offset: u32) -> bool {
        #[cfg(feature = "fast-ops")]
        return self.store_form(op, offset);
        #[cfg(not(feature = "fast-ops"))]
        false
    }

    /// Emits an op whose `dst` is the stack top's temp slot.
    fn emit_result(&mut self, op: Op) {
        let at = self.emit(op);
        self.fusable = Some(at);
        self.last_result = Some((at, self.height() - 1));
    }

    /// The op that computed the `Temp` at stack position `pos`, if it is the
    /// last op emitted (so nothing has read its result yet).
    fn producer_of(&self, pos: u32) -> Option<Op> {
        match self.last_result {
            Some((at, p)) if p == pos && self.stack[pos as usize].kind == Operand::Temp => {
                debug_assert_eq!(at, self.ops.len() - 1);
                Some(self.ops[at])
            }
            _ => None,
        }
    }

    /// Takes back the last emitted op (its result is being fused into the
    /// op about to be emitted).
    fn unemit_last(&mut self) {
        if let Some(op) = self.ops.pop() {
            self.note_taken_back(op);
        }
        self.offsets.pop();
        self.barrier();
    }

    /// Notes that `op` was taken back: if it read a constant slot, that
    /// constant may have no reader left.
    fn note_taken_back(&mut self, mut op: Op) {
        if !self.consts_maybe_unread {
            let mut reads = false;
            op.for_each_slot_mut(|s| reads |= (CONST_MARK..TEMP_MARK).contains(&(*s as u32)));
            self.consts_maybe_unread = reads;
        }
    }

    /// The value of an encoded constant slot, if `slot` is one.
    fn const_value(&self, slot: Slot) -> Option<u64> {
        let v = slot as u32;
        (CONST_MARK..TEMP_MARK)
            .contains(&v)
            .then(|| self.consts[(v - CONST_MARK) as usize])
    }

    /// When the `Temp` at `pos` is `x << k` for a constant `k`, computed by
    /// the last op emitted, takes that op back and returns `x` and `k`: the
    /// caller folds the shift into its own op. The entry stays on the stack.
    fn take_const_shl(&mut self, pos: u32) -> Option<(Slot, u8)> {
        let (x, k) = match self.producer_of(pos)? {
            Op::I32Shl { lhs, rhs, .. } => (lhs, self.const_value(rhs)?),
            #[cfg(feature = "fast-ops")]
            Op::I32ShlSi { lhs, imm, .. } => (lhs, imm as u64),
            _ => return None,
        };
        self.unemit_last();
        Some((x, (k & 31) as u8))
    }

    /// When the `Temp` at `pos` was computed by an `i32.add` emitted last,
    /// takes it back and returns its operands.
    fn take_add(&mut self, pos: u32) -> Option<(Slot, Slot)> {
        let (lhs, rhs) = match self.producer_of(pos)? {
            Op::I32Add { lhs, rhs, .. } => (lhs, rhs),
            #[cfg(feature = "fast-ops")]
            Op::I32AddSi { lhs, imm, .. } => (lhs, self.const_slot(imm as u32 as u64)),
            _ => return None,
        };
        self.unemit_last();
        Some((lhs, rhs))
    }

    /// `i32.add` where one operand is `x << k` with a constant `k` (array
    /// indexing: `base + (i << 2)`): one op.
    fn i32_add(&mut self) {
        let top = self.height() - 1;
        for (pos, shifted_is_rhs) in [(top, true), (top - 1, false)] {
            if let Some((x, shift)) = self.take_const_shl(pos) {
                let rhs = self.pop_slot();
                let lhs = self.pop_slot();
                let base = if shifted_is_rhs { lhs } else { rhs };
                let dst = self.push_temp();
                self.emit_result(Op::I32AddShl {
                    dst,
                    lhs: base,
                    rhs: x,
                    shift,
                });
                return;
            }
        }
        binop!(self, I32Add);
    }

    /// A copy of one value, one or two slots wide.
    fn emit_copy(&mut self, dst: Slot, src: Slot, wide: bool) {
        if wide {
            self.emit_v128_copy(dst, src);
        } else {
            // Two copies in a row (call arguments, block results, a loop's
            // carried values) take one dispatch. Executed in order, so a
            // second copy that reads the first one's `dst` sees the new
            // value, as it would have.
            #[cfg(feature = "fast-ops")]
            if let Some(at) = self.copy_at {
                if let (true, Op::Copy { dst: d, src: s }) =
                    (at + 1 == self.ops.len(), self.ops[at])
                {
                    self.ops[at] = Op::Copy2 {
                        dst: d,
                        src: s,
                        dst2: dst,
                        src2: src,
                    };
                    self.reset_fusion();
                    return;
                }
            }
            let _at = self.emit(Op::Copy { dst, src });
            #[cfg(feature = "fast-ops")]
            {
                self.copy_at = Some(_at);
            }
        }
    }

    #[cfg(feature = "simd")]
    fn emit_v128_copy(&mut self, dst: Slot, src: Slot) {
        self.emit(Op::V128Copy { dst, src });
    }

    #[cfg(feature = "simd")]
    fn emit_v128_select(&mut self, dst: Slot, cond: Slot, a: Slot, b: Slot) {
        self.emit_result(Op::V128Select { dst, cond, a, b });
    }

    /// `global.get` (or, with `set`, `global.set`) of a `v128` global.
    #[cfg(feature = "simd")]
    fn emit_v128_global(&mut self, slot: Slot, global: u32, set: bool) {
        if set {
            self.emit(Op::V128GlobalSet { src: slot, global });
        } else {
            self.emit_result(Op::V128GlobalGet { dst: slot, global });
        }
    }

    // Without the `simd` feature the validator rejects every `v128`, so
    // these are never reached.
    #[cfg(not(feature = "simd"))]
    fn emit_v128_copy(&mut self, _dst: Slot, _src: Slot) {
        unreachable!("v128 values exist only with the `simd` feature")
    }

    #[cfg(not(feature = "simd"))]
    fn emit_v128_select(&mut self, _dst: Slot, _cond: Slot, _a: Slot, _b: Slot) {
        unreachable!("v128 values exist only with the `simd` feature")
    }

    #[cfg(not(feature = "simd"))]
    fn emit_v128_global(&mut self, _slot: Slot, _global: u32, _set: bool) {
        unreachable!("v128 values exist only with the `simd` feature")
    }

    fn pop_slot(&mut self) -> Slot {
        self.pop_entry().0
    }

    /// Pops the top entry: its slot and whether it is a `v128`.
    fn pop_entry(&mut self) -> (Slot, bool) {
        let pos = self.height() - 1;
        let s = self.slot_of(pos);
        let wide = self.stack[pos as usize].wide;
        self.stack.pop();
        (s, wide)
    }

    fn push(&mut self, kind: Operand, wide: bool) {
        if kind == Operand::Temp {
            // A new temporary no op has written yet (block results): it
            // must not look like the last op's result.
            self.last_result = None;
        }
        let start = self.start_of(self.height());
        let e = Entry { kind, start, wide };
        self.max_height = self.max_height.max(e.end());
        self.stack.push(e);
    }

    fn push_temp(&mut self) -> Slot {
        self.push_temp_of(false)
    }

    /// Pushes a temporary, two slots wide when `wide`.
    fn push_temp_of(&mut self, wide: bool) -> Slot {
        self.push(Operand::Temp, wide);
        self.temp_slot(self.height() - 1)
    }

    fn push_const(&mut self, bits: u64) {
        self.push(Operand::Const(bits), false);
        self.fusable = None;
    }

    /// Pushes a `v128` constant: two consecutive constant slots, low half
    /// first (not shared with other constants).
    #[cfg(feature = "simd")]
    fn push_const_v128(&mut self, v: u128) {
        // Its slots exist from here, read or not.
        self.consts_maybe_unread = true;
        let k = self.const_v128_slot(v) as u32 - CONST_MARK;
        self.push(Operand::ConstV128(k), true);
        self.fusable = None;
    }

    /// The first of two constant slots holding `v`, without pushing it.
    #[cfg(feature = "simd")]
    fn const_v128_slot(&mut self, v: u128) -> Slot {
        let k = self.consts.len() as u32;
        self.wide_consts.push(k);
        self.consts.push(v as u64);
        self.consts.push((v >> 64) as u64);
        (CONST_MARK + k) as Slot
    }

    /// Makes the entry at `pos` live in its own slot.
    fn materialize(&mut self, pos: u32) {
        let e = self.stack[pos as usize];
        if e.kind != Operand::Temp {
            let src = self.slot_of(pos);
            let dst = self.temp_slot(pos);
            self.emit_copy(dst, src, e.wide);
            self.stack[pos as usize].kind = Operand::Temp;
        }
    }

    fn materialize_all(&mut self) {
        for pos in 0..self.height() {
            self.materialize(pos);
        }
    }

    /// Before local `l` changes, entries still reading it lazily must take
    /// their own copy (`skip_top` leaves the top entry alone).
    fn preserve_local(&mut self, l: u32, skip_top: bool) {
        let end = self.height() - u32::from(skip_top);
        for pos in 0..end {
            if self.stack[pos as usize].kind == Operand::Local(l) {
                self.materialize(pos);
            }
        }
    }

    /// Pushes the params (or, with `results`, the results) of a block type
    /// as temporaries.
    fn push_block_values(&mut self, bt: BlockType, results: bool) {
        match bt {
            BlockType::Empty => {}
            BlockType::Type(t) => {
                if results {
                    self.push_temp_of(t == wasmparser::ValType::V128);
                }
            }
            BlockType::FuncType(i) => {
                let env = self.env;
                let ft = &env.types[i as usize];
                let types = if results { ft.results() } else { ft.params() };
                for t in types {
                    self.push_temp_of(*t == ValType::V128);
                }
            }
        }
    }

    fn block_arity(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let ft = &self.env.types[i as usize];
                (ft.params().len() as u32, ft.results().len() as u32)
            }
        }
    }

    fn push_ctrl(&mut self, kind: CtrlKind, bt: BlockType) {
        let (num_params, num_results) = self.block_arity(bt);
        self.materialize_all();
        self.barrier();
        let height = self.height() - num_params;
        self.ctrl.push(Ctrl {
            kind,
            ty: bt,
            height,
            num_params,
            num_results,
            head: self.ops.len(),
            fixups: Vec::new(),
            else_fixup: None,
            branched_to: false,
        });
        if kind == CtrlKind::Loop {
            // Interruption is checked on the back-edges (`*Loop` jumps).
            self.start_block(false);
        }
    }

    /// Starts a basic block here: metering code charges its cost on entry,
    /// and (with `check`) interruptible code checks for interruption.
    fn start_block(&mut self, check: bool) {
        if self.env.consume_fuel {
            self.finish_fuel_block();
            self.fuel_op = Some(self.emit(Op::ConsumeFuel { amount: 0 }));
        }
        if check && self.env.interruptible {
            self.emit(Op::Check {});
        }
    }

    /// Writes the counted cost into the current block's `ConsumeFuel`.
    fn finish_fuel_block(&mut self) {
        if let Some(at) = self.fuel_op.take() {
            if let Op::ConsumeFuel { amount } = &mut self.ops[at] {
                *amount = self.fuel_count;
            }
        }
        self.fuel_count = 0;
    }

    fn patch(&mut self, at: usize, target: usize) {
        let rel = target as i32 - at as i32;
        *jump_offset_mut(&mut self.ops[at]).expect("only jumps are patched") = rel;
    }

    /// Turns the jump at `at`, a loop back-edge, into its `Loop` twin when
    /// the code must be interruptible.
    fn mark_back_edge(&mut self, at: usize) {
        if !self.env.interruptible {
            return;
        }
        let op = &mut self.ops[at];
        *op = match *op {
            Op::Br { offset } => Op::BrLoop { offset },
            Op::BrIfNez { cond, offset } => Op::BrIfNezLoop { cond, offset },
            Op::BrIfEqz { cond, offset } => Op::BrIfEqzLoop { cond, offset },
            Op::BrI32Eq { lhs, rhs, offset } => Op::BrI32EqLoop { lhs, rhs, offset },
            Op::BrI32Ne { lhs, rhs, offset } => Op::BrI32NeLoop { lhs, rhs, offset },
            Op::BrI32LtS { lhs, rhs, offset } => Op::BrI32LtSLoop { lhs, rhs, offset },
            Op::BrI32LtU { lhs, rhs, offset } => Op::BrI32LtULoop { lhs, rhs, offset },
            Op::BrI32GtS { lhs, rhs, offset } => Op::BrI32GtSLoop { lhs, rhs, offset },
            Op::BrI32GtU { lhs, rhs, offset } => Op::BrI32GtULoop { lhs, rhs, offset },
            Op::BrI32LeS { lhs, rhs, offset } => Op::BrI32LeSLoop { lhs, rhs, offset },
            Op::BrI32LeU { lhs, rhs, offset } => Op::BrI32LeULoop { lhs, rhs, offset },
            Op::BrI32GeS { lhs, rhs, offset } => Op::BrI32GeSLoop { lhs, rhs, offset },
            Op::BrI32GeU { lhs, rhs, offset } => Op::BrI32GeULoop { lhs, rhs, offset },
            Op::BrI64Eq { lhs, rhs, offset } => Op::BrI64EqLoop { lhs, rhs, offset },
            Op::BrI64Ne { lhs, rhs, offset } => Op::BrI64NeLoop { lhs, rhs, offset },
            Op::BrI64LtS { lhs, rhs, offset } => Op::BrI64LtSLoop { lhs, rhs, offset },
            Op::BrI64LtU { lhs, rhs, offset } => Op::BrI64LtULoop { lhs, rhs, offset },
            Op::BrI64GtS { lhs, rhs, offset } => Op::BrI64GtSLoop { lhs, rhs, offset },
            Op::BrI64GtU { lhs, rhs, offset } => Op::BrI64GtULoop { lhs, rhs, offset },
            Op::BrI64LeS { lhs, rhs, offset } => Op::BrI64LeSLoop { lhs, rhs, offset },
            Op::BrI64LeU { lhs, rhs, offset } => Op::BrI64LeULoop { lhs, rhs, offset },
            Op::BrI64GeS { lhs, rhs, offset } => Op::BrI64GeSLoop { lhs, rhs, offset },
            Op::BrI64GeU { lhs, rhs, offset } => Op::BrI64GeULoop { lhs, rhs, offset },
            other => other,
        };
    }

    /// Pops a branch condition. When the condition was just computed by an
    /// integer comparison (or `eqz`) whose result feeds nothing else, that
    /// op is taken back and the branch will compare and jump in one op.
    /// `acc_ok`: the jump is emitted right after, so the condition may come
    /// in the accumulator.
    #[cfg_attr(not(feature = "fast-ops"), allow(unused_variables))]
    fn pop_cond(&mut self, acc_ok: bool) -> Cond {
        self.cond_floor = self.label_floor;
        let top = self.height() - 1;
        if let (Some(at), Operand::Temp) = (self.fusable, self.stack[top as usize].kind) {
            debug_assert_eq!(at, self.ops.len() - 1);
            let fused = match self.ops[at] {
                Op::I32Eqz { src, .. } => Some(Cond::Eqz(src)),
                Op::I64Eqz { src, .. } => {
                    // The branch may take the 0 as an immediate instead.
                    self.consts_maybe_unread = true;
                    let zero = self.const_slot(0);
                    Some(Cond::Cmp(Op::I64Eq {
                        dst: 0,
                        lhs: src,
                        rhs: zero,
                    }))
                }
                op @ (Op::I32Eq { .. }
                | Op::I32Ne { .. }
                | Op::I32LtS { .. }
                | Op::I32LtU { .. }
                | Op::I32GtS { .. }
                | Op::I32GtU { .. }
                | Op::I32LeS { .. }
                | Op::I32LeU { .. }
                | Op::I32GeS { .. }
                | Op::I32GeU { .. }
                | Op::I64Eq { .. }
                | Op::I64Ne { .. }
                | Op::I64LtS { .. }
                | Op::I64LtU { .. }
                | Op::I64GtS { .. }
                | Op::I64GtU { .. }
                | Op::I64LeS { .. }
                | Op::I64LeU { .. }
                | Op::I64GeS { .. }
                | Op::I64GeU { .. }) => Some(Cond::Cmp(op)),
                _ => None,
            };
            if let Some(cond) = fused {
                // The branch reads the comparison's operands from the same
                // slots, unless it takes one as an immediate (below).
                self.ops.pop();
                self.offsets.pop();
                self.stack.pop();
                self.barrier();
                #[cfg(feature = "fast-ops")]
                if let Cond::Cmp(op) = cond {
                    if let Some(ready) = self.branch_form_of(op, at, acc_ok) {
                        self.note_taken_back(op);
                        return ready;
                    }
                }
                return cond;
            }
        }
        #[cfg(feature = "fast-ops")]
        if let Some(ready) = acc_ok.then(|| self.acc_cond()).flatten() {
            return ready;
        }
        Cond::Nez(self.pop_slot())
    }

    /// The slot of constant `bits`, without pushing it.
    #[inline(never)]
    fn const_slot(&mut self, bits: u64) -> Slot {
        let k = match self.const_cache.find(bits, self.consts) {
            Some(k) => k,
            None => {
                let k = self.consts.len() as u32;
                self.consts.push(bits);
                self.const_cache.note(bits, k);
                k
            }
        };
        (CONST_MARK + k) as Slot
    }

    /// Copies the top `n` operands into positions `dest..dest + n`. The
    /// destinations start where position `dest` starts and are laid out
    /// by the widths of the values copied; they never lie above their
    /// sources, so ascending copies are safe.
    fn copy_to(&mut self, dest: u32, n: u32) {
        let src_base = self.height() - n;
        let mut dst_start = self.start_of(dest);
        for i in 0..n {
            let src_pos = src_base + i;
            let e = self.stack[src_pos as usize];
            if !(src_pos == dest + i && e.kind == Operand::Temp) {
                let src = self.slot_of(src_pos);
                self.emit_copy(Self::temp_at(dst_start), src, e.wide);
            }
            dst_start += 1 + u32::from(e.wide);
        }
    }

    fn needs_copy(&self, dest: u32, n: u32) -> bool {
        let src_base = self.height() - n;
        (0..n).any(|i| {
            src_base + i != dest + i || self.stack[(src_base + i) as usize].kind != Operand::Temp
        })
    }

    /// Emits the return sequence for the function's results on the stack top.
    fn emit_return(&mut self) {
        // `num_results` counts slots; a lone `v128` takes the general path.
        let n = self.num_results;
        match n {
            0 => {
                self.emit(Op::Return {});
            }
            1 => {
                let src = self.slot_of(self.height() - 1);
                self.emit(Op::Return1 { src });
            }
            _ => {
                // Copies without marking entries `Temp`: this may be a branch
                // path, and the fall-through must keep its own view.
                let mut base = self.height();
                let mut slots = 0;
                while slots < n {
                    base -= 1;
                    slots += 1 + u32::from(self.stack[base as usize].wide);
                }
                for pos in base..self.height() {
                    let e = self.stack[pos as usize];
                    if e.kind != Operand::Temp {
                        let src = self.slot_of(pos);
                        let dst = self.temp_slot(pos);
                        self.emit_copy(dst, src, e.wide);
                    }
                }
                let src = self.temp_slot(base);
                self.emit(Op::ReturnN { src, n });
            }
        }
    }

    /// Emits an unconditional branch to label `depth` (values on the top).
    fn emit_br(&mut self, depth: u32) {
        let idx = self.ctrl.len() - 1 - depth as usize;
        if idx == 0 {
            self.emit_return();
            return;
        }
        let (kind, height, arity, head) = {
            let c = &self.ctrl[idx];
            let arity = if c.kind == CtrlKind::Loop {
                c.num_params
            } else {
                c.num_results
            };
            (c.kind, c.height, arity, c.head)
        };
        self.copy_to(height, arity);
        let at = self.emit(Op::Br { offset: 0 });
        if kind == CtrlKind::Loop {
            self.patch(at, head);
            self.mark_back_edge(at);
            self.back_edges.push(at);
        } else {
            self.ctrl[idx].fixups.push(at);
            self.ctrl[idx].branched_to = true;
        }
    }

    fn br_needs_copy(&self, depth: u32) -> bool {
        let idx = self.ctrl.len() - 1 - depth as usize;
        if idx == 0 {
            return true;
        }
        let c = &self.ctrl[idx];
        let arity = if c.kind == CtrlKind::Loop {
            c.num_params
        } else {
            c.num_results
        };
        self.needs_copy(c.height, arity)
    }

    /// A conditional jump straight to label `depth` (no copies needed).
    fn emit_br_if_direct(&mut self, cond: Cond, depth: u32) {
        let idx = self.ctrl.len() - 1 - depth as usize;
        let branch = cond.branch(false);
        #[cfg(feature = "fast-ops")]
        let at = match self.join_add_branch(branch) {
            Some(at) => at,
            None => self.emit(branch),
        };
        #[cfg(not(feature = "fast-ops"))]
        let at = self.emit(branch);
        if self.ctrl[idx].kind == CtrlKind::Loop {
            let head = self.ctrl[idx].head;
            self.patch(at, head);
            self.mark_back_edge(at);
        } else {
            self.ctrl[idx].fixups.push(at);
            self.ctrl[idx].branched_to = true;
        }
    }

    fn set_unreachable(&mut self) {
        self.unreachable = true;
        self.barrier();
    }

    /// `end` of the innermost block (reachable or not).
    fn end_block(&mut self) {
        let reachable_end = !self.unreachable;
        let c = self.ctrl.pop().expect("validated: balanced blocks");
        if c.kind == CtrlKind::Func {
            // Branches to the function label were emitted as returns.
            if reachable_end {
                self.emit_return();
            }
            return;
        }
        if reachable_end {
            let n = c.num_results;
            let base = self.height() - n;
            for pos in base..self.height() {
                self.materialize(pos);
            }
        }
        let end = self.ops.len();
        for &at in &c.fixups {
            self.patch(at, end);
        }
        let mut reachable = reachable_end || c.branched_to;
        if let Some(at) = c.else_fixup {
            // `if` without `else`: the false path falls to the end.
            self.patch(at, end);
            reachable = true;
        }
        self.stack.truncate(c.height as usize);
        self.push_block_values(c.ty, true);
        self.unreachable = !reachable;
        self.barrier();
        if reachable {
            self.start_block(false);
        }
    }

    fn op(&mut self, op: Operator<'_>) -> Result<(), Error> {
        if self.unreachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.dead_depth += 1;
                }
                Operator::Else if self.dead_depth == 0 => self.else_op(),
                Operator::End if self.dead_depth == 0 => self.end_block(),
                Operator::End => self.dead_depth -= 1,
                _ => {}
            }
            return Ok(());
        }
        use Operator as O;
        if self.env.consume_fuel
            && !matches!(
                op,
                O::Nop | O::Drop | O::Block { .. } | O::Loop { .. } | O::End | O::Else
            )
        {
            self.fuel_count += 1;
        }
        match op {
            O::Unreachable => {
                self.emit(Op::Unreachable {});
                self.set_unreachable();
            }
            O::Nop => {}
            O::Block { blockty } => self.push_ctrl(CtrlKind::Block, blockty),
            O::Loop { blockty } => self.push_ctrl(CtrlKind::Loop, blockty),
            O::If { blockty } => {
                // Entering the block materialises lazy entries (copies)
                // between the condition and the jump, which would clobber
                // an accumulator handed from one to the other.
                let top = self.height() as usize - 1;
                let copies = self.stack[..top].iter().any(|e| e.kind != Operand::Temp);
                let cond = self.pop_cond(!copies);
                self.push_ctrl(CtrlKind::If, blockty);
                let at = self.emit(cond.branch(true));
                self.ctrl.last_mut().unwrap().else_fixup = Some(at);
                self.start_block(false);
            }
            O::Else => self.else_op(),
            O::End => self.end_block(),
            O::Br { relative_depth } => {
                self.emit_br(relative_depth);
                self.set_unreachable();
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop_cond(true);
                if self.br_needs_copy(relative_depth) {
                    let skip = self.emit(cond.branch(true));
                    self.emit_br(relative_depth);
                    let here = self.ops.len();
                    self.patch(skip, here);
                } else {
                    self.emit_br_if_direct(cond, relative_depth);
                }
                self.barrier();
                self.start_block(false);
            }
            O::BrTable { targets } => {
                let index = self.pop_slot();
                let werr = |e: wasmparser::BinaryReaderError| Error::from(e);
                let mut depths: Vec<u32> = Vec::with_capacity(targets.len() as usize + 1);
                for d in targets.targets() {
                    depths.push(d.map_err(werr)?);
                }
                depths.push(targets.default());
                self.emit(Op::BrTable {
                    index,
                    len: depths.len() as u32 - 1,
                });
                let table_start = self.ops.len();
                for _ in &depths {
                    self.emit(Op::Br { offset: 0 });
                }
                for (i, &d) in depths.iter().enumerate() {
                    let entry = table_start + i;
                    let idx = self.ctrl.len() - 1 - d as usize;
                    if idx != 0 && !self.br_needs_copy(d) {
                        if self.ctrl[idx].kind == CtrlKind::Loop {
                            let head = self.ctrl[idx].head;
                            self.patch(entry, head);
                            self.mark_back_edge(entry);
                        } else {
                            self.ctrl[idx].fixups.push(entry);
                            self.ctrl[idx].branched_to = true;
                        }
                    } else {
                        let stub = self.ops.len();
                        self.patch(entry, stub);
                        self.emit_br(d);
                    }
                }
                self.set_unreachable();
            }
            O::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            O::Call { function_index } => self.call(function_index),
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_slot();
                let env = self.env;
                let ft = &env.types[type_index as usize];
                let base_pos = self.height() - ft.params().len() as u32;
                for pos in base_pos..self.height() {
                    self.materialize(pos);
                }
                let base = self.temp_slot(base_pos);
                self.emit(Op::CallIndirect {
                    index,
                    base,
                    type_index,
                });
                self.emit(Op::Extra {
                    a: table_index,
                    b: 0,
                });
                self.finish_call(ft);
            }
            O::Drop => {
                self.stack.pop();
                self.reset_fusion();
            }
            O::Select | O::TypedSelect { .. } => {
                #[cfg(feature = "fast-ops")]
                if self.select_acc() {
                    return Ok(());
                }
                let cond = self.pop_slot();
                let b = self.pop_slot();
                let (a, wide) = self.pop_entry();
                let dst = self.push_temp_of(wide);
                if wide {
                    self.emit_v128_select(dst, cond, a, b);
                } else {
                    self.emit_result(Op::Select { dst, cond, a, b });
                }
            }
            O::TypedSelectMulti { .. } => {
                return Err(Error::unsupported("multi-value select"));
            }
            O::LocalGet { local_index } => {
                let wide = self.locals[local_index as usize].wide;
                self.push(Operand::Local(local_index), wide);
                self.fusable = None;
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                if self.env.globals[global_index as usize].content == ValType::V128 {
                    let dst = self.push_temp_of(true);
                    self.emit_v128_global(dst, global_index, false);
                } else {
                    let dst = self.push_temp();
                    self.emit_result(Op::GlobalGet {
                        dst,
                        global: global_index,
                    });
                }
            }
            O::GlobalSet { global_index } => {
                let (src, wide) = self.pop_entry();
                if wide {
                    self.emit_v128_global(src, global_index, true);
                } else {
                    self.emit(Op::GlobalSet {
                        src,
                        global: global_index,
                    });
                }
            }
            O::I32Load { memarg } => load!(self, memarg, I32Load / I32LoadShl / I32LoadAdd),
            O::I64Load { memarg } => load!(self, memarg, I64Load / I64LoadShl / I64LoadAdd),
            O::F32Load { memarg } => load!(self, memarg, F32Load / F32LoadShl / F32LoadAdd),
            O::F64Load { memarg } => load!(self, memarg, F64Load / F64LoadShl / F64LoadAdd),
            O::I32Load8S { memarg } => load!(self, memarg, I32Load8S / I32Load8SShl / I32Load8SAdd),
            O::I32Load8U { memarg } => load!(self, memarg, I32Load8U / I32Load8UShl / I32Load8UAdd),
            O::I32Load16S { memarg } => {
                load!(self, memarg, I32Load16S / I32Load16SShl / I32Load16SAdd)
            }
            O::I32Load16U { memarg } => {
                load!(self, memarg, I32Load16U / I32Load16UShl / I32Load16UAdd)
            }
            O::I64Load8S { memarg } => load!(self, memarg, I64Load8S / I64Load8SShl / I64Load8SAdd),
            O::I64Load8U { memarg } => load!(self, memarg, I64Load8U / I64Load8UShl / I64Load8UAdd),
            O::I64Load16S { memarg } => {
                load!(self, memarg, I64Load16S / I64Load16SShl / I64Load16SAdd)
            }
            O::I64Load16U { memarg } => {
                load!(self, memarg, I64Load16U / I64Load16UShl / I64Load16UAdd)
            }
            O::I64Load32S { memarg } => {
                load!(self, memarg, I64Load32S / I64Load32SShl / I64Load32SAdd)
            }
            O::I64Load32U { memarg } => {
                load!(self, memarg, I64Load32U / I64Load32UShl / I64Load32UAdd)
            }
            O::I32Store { memarg } => store!(self, memarg, I32Store / I32StoreShl / I32StoreAdd),
            O::I64Store { memarg } => store!(self, memarg, I64Store / I64StoreShl / I64StoreAdd),
            O::F32Store { memarg } => store!(self, memarg, F32Store / F32StoreShl / F32StoreAdd),
            O::F64Store { memarg } => store!(self, memarg, F64Store / F64StoreShl / F64StoreAdd),
            O::I32Store8 { memarg } => {
                store!(self, memarg, I32Store8 / I32Store8Shl / I32Store8Add)
            }
            O::I32Store16 { memarg } => {
                store!(self, memarg, I32Store16 / I32Store16Shl / I32Store16Add)
            }
            O::I64Store8 { memarg } => {
                store!(self, memarg, I64Store8 / I64Store8Shl / I64Store8Add)
            }
            O::I64Store16 { memarg } => {
                store!(self, memarg, I64Store16 / I64Store16Shl / I64Store16Add)
            }
            O::I64Store32 { memarg } => {
                store!(self, memarg, I64Store32 / I64Store32Shl / I64Store32Add)
            }
            O::MemorySize { .. } => {
                let dst = self.push_temp();
                self.emit_result(Op::MemorySize { dst });
            }
            O::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(Op::MemoryGrow { dst, delta });
            }
            O::MemoryFill { .. } => {
                let len = self.pop_slot();
                let value = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::MemoryFill { dst, value, len });
            }
            O::MemoryCopy { .. } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::MemoryCopy { dst, src, len });
            }
            O::MemoryInit { data_index, .. } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::MemoryInit { dst, src, len });
                self.emit(Op::Extra {
                    a: data_index,
                    b: 0,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: data_index,
                });
            }
            O::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(Op::TableGet { dst, index, table });
            }
            O::TableSet { table } => {
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Op::TableSet {
                    index,
                    value,
                    table,
                });
            }
            O::TableSize { table } => {
                let dst = self.push_temp();
                self.emit_result(Op::TableSize { dst, table });
            }
            O::TableGrow { table } => {
                let delta = self.pop_slot();
                let init = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(Op::TableGrow {
                    dst,
                    init,
                    delta,
                    table,
                });
            }
            O::TableFill { table } => {
                let len = self.pop_slot();
                let value = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::TableFill {
                    dst,
                    value,
                    len,
                    table,
                });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::TableCopy { dst, src, len });
                self.emit(Op::Extra {
                    a: dst_table,
                    b: src_table,
                });
            }
            O::TableInit { elem_index, table } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Op::TableInit { dst, src, len });
                self.emit(Op::Extra {
                    a: elem_index,
                    b: table,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: elem_index,
                });
            }
            O::I32Const { value } => self.push_const(value as u32 as u64),
            O::I64Const { value } => self.push_const(value as u64),
            O::F32Const { value } => self.push_const(value.bits() as u64),
            O::F64Const { value } => self.push_const(value.bits()),
            O::RefNull { .. } => self.push_const(0),
            O::RefIsNull => unop!(self, I64Eqz),
            O::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit_result(Op::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            O::I32Eqz => unop!(self, I32Eqz),
            O::I32Eq => binop!(self, I32Eq),
            O::I32Ne => binop!(self, I32Ne),
            O::I32LtS => binop!(self, I32LtS),
            O::I32LtU => binop!(self, I32LtU),
            O::I32GtS => binop!(self, I32GtS),
            O::I32GtU => binop!(self, I32GtU),
            O::I32LeS => binop!(self, I32LeS),
            O::I32LeU => binop!(self, I32LeU),
            O::I32GeS => binop!(self, I32GeS),
            O::I32GeU => binop!(self, I32GeU),
            O::I64Eqz => unop!(self, I64Eqz),
            O::I64Eq => binop!(self, I64Eq),
            O::I64Ne => binop!(self, I64Ne),
            O::I64LtS => binop!(self, I64LtS),
            O::I64LtU => binop!(self, I64LtU),
            O::I64GtS => binop!(self, I64GtS),
            O::I64GtU => binop!(self, I64GtU),
            O::I64LeS => binop!(self, I64LeS),
            O::I64LeU => binop!(self, I64LeU),
            O::I64GeS => binop!(self, I64GeS),
            O::I64GeU => binop!(self, I64GeU),
            O::F32Eq => binop!(self, F32Eq),
            O::F32Ne => binop!(self, F32Ne),
            O::F32Lt => binop!(self, F32Lt),
            O::F32Gt => binop!(self, F32Gt),
            O::F32Le => binop!(self, F32Le),
            O::F32Ge => binop!(self, F32Ge),
            O::F64Eq => binop!(self, F64Eq),
            O::F64Ne => binop!(self, F64Ne),
            O::F64Lt => binop!(self, F64Lt),
            O::F64Gt => binop!(self, F64Gt),
            O::F64Le => binop!(self, F64Le),
            O::F64Ge => binop!(self, F64Ge),
            O::I32Clz => unop!(self, I32Clz),
            O::I32Ctz => unop!(self, I32Ctz),
            O::I32Popcnt => unop!(self, I32Popcnt),
            O::I32Add => self.i32_add(),
            O::I32Sub => binop!(self, I32Sub),
            O::I32Mul => binop!(self, I32Mul),
            O::I32DivS => binop!(self, I32DivS),
            O::I32DivU => binop!(self, I32DivU),
            O::I32RemS => binop!(self, I32RemS),
            O::I32RemU => binop!(self, I32RemU),
            O::I32And => binop!(self, I32And),
            O::I32Or => binop!(self, I32Or),
            O::I32Xor => binop!(self, I32Xor),
            O::I32Shl => binop!(self, I32Shl),
            O::I32ShrS => binop!(self, I32ShrS),
            O::I32ShrU => binop!(self, I32ShrU),
            O::I32Rotl => binop!(self, I32Rotl),
            O::I32Rotr => binop!(self, I32Rotr),
            O::I64Clz => unop!(self, I64Clz),
            O::I64Ctz => unop!(self, I64Ctz),
            O::I64Popcnt => unop!(self, I64Popcnt),
            O::I64Add => binop!(self, I64Add),
            O::I64Sub => binop!(self, I64Sub),
            O::I64Mul => binop!(self, I64Mul),
            O::I64DivS => binop!(self, I64DivS),
            O::I64DivU => binop!(self, I64DivU),
            O::I64RemS => binop!(self, I64RemS),
            O::I64RemU => binop!(self, I64RemU),
            O::I64And => binop!(self, I64And),
            O::I64Or => binop!(self, I64Or),
            O::I64Xor => binop!(self, I64Xor),
            O::I64Shl => binop!(self, I64Shl),
            O::I64ShrS => binop!(self, I64ShrS),
            O::I64ShrU => binop!(self, I64ShrU),
            O::I64Rotl => binop!(self, I64Rotl),
            O::I64Rotr => binop!(self, I64Rotr),
            O::F32Abs => unop!(self, F32Abs),
            O::F32Neg => unop!(self, F32Neg),
            O::F32Ceil => unop!(self, F32Ceil),
            O::F32Floor => unop!(self, F32Floor),
            O::F32Trunc => unop!(self, F32Trunc),
            O::F32Nearest => unop!(self, F32Nearest),
            O::F32Sqrt => unop!(self, F32Sqrt),
            O::F32Add => binop!(self, F32Add),
            O::F32Sub => binop!(self, F32Sub),
            O::F32Mul => binop!(self, F32Mul),
            O::F32Div => binop!(self, F32Div),
            O::F32Min => binop!(self, F32Min),
            O::F32Max => binop!(self, F32Max),
            O::F32Copysign => binop!(self, F32Copysign),
            O::F64Abs => unop!(self, F64Abs),
            O::F64Neg => unop!(self, F64Neg),
            O::F64Ceil => unop!(self, F64Ceil),
            O::F64Floor => unop!(self, F64Floor),
            O::F64Trunc => unop!(self, F64Trunc),
            O::F64Nearest => unop!(self, F64Nearest),
            O::F64Sqrt => unop!(self, F64Sqrt),
            O::F64Add => binop!(self, F64Add),
            O::F64Sub => binop!(self, F64Sub),
            O::F64Mul => binop!(self, F64Mul),
            O::F64Div => binop!(self, F64Div),
            O::F64Min => binop!(self, F64Min),
            O::F64Max => binop!(self, F64Max),
            O::F64Copysign => binop!(self, F64Copysign),
            O::I32WrapI64 => unop!(self, I32WrapI64),
            O::I32TruncF32S => unop!(self, I32TruncF32S),
            O::I32TruncF32U => unop!(self, I32TruncF32U),
            O::I32TruncF64S => unop!(self, I32TruncF64S),
            O::I32TruncF64U => unop!(self, I32TruncF64U),
            O::I64ExtendI32S => unop!(self, I64ExtendI32S),
            O::I64ExtendI32U => unop!(self, I64ExtendI32U),
            O::I64TruncF32S => unop!(self, I64TruncF32S),
            O::I64TruncF32U => unop!(self, I64TruncF32U),
            O::I64TruncF64S => unop!(self, I64TruncF64S),
            O::I64TruncF64U => unop!(self, I64TruncF64U),
            O::F32ConvertI32S => unop!(self, F32ConvertI32S),
            O::F32ConvertI32U => unop!(self, F32ConvertI32U),
            O::F32ConvertI64S => unop!(self, F32ConvertI64S),
            O::F32ConvertI64U => unop!(self, F32ConvertI64U),
            O::F32DemoteF64 => unop!(self, F32DemoteF64),
            O::F64ConvertI32S => unop!(self, F64ConvertI32S),
            O::F64ConvertI32U => unop!(self, F64ConvertI32U),
            O::F64ConvertI64S => unop!(self, F64ConvertI64S),
            O::F64ConvertI64U => unop!(self, F64ConvertI64U),
            O::F64PromoteF32 => unop!(self, F64PromoteF32),
            // Reinterpretations are free: slots are untyped bits, and the
            // value is already zero-extended where that matters.
            O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64 => {}
            O::I32Extend8S => unop!(self, I32Extend8S),
            O::I32Extend16S => unop!(self, I32Extend16S),
            O::I64Extend8S => unop!(self, I64Extend8S),
            O::I64Extend16S => unop!(self, I64Extend16S),
            O::I64Extend32S => unop!(self, I64Extend32S),
            O::I32TruncSatF32S => unop!(self, I32TruncSatF32S),
            O::I32TruncSatF32U => unop!(self, I32TruncSatF32U),
            O::I32TruncSatF64S => unop!(self, I32TruncSatF64S),
            O::I32TruncSatF64U => unop!(self, I32TruncSatF64U),
            O::I64TruncSatF32S => unop!(self, I64TruncSatF32S),
            O::I64TruncSatF32U => unop!(self, I64TruncSatF32U),
            O::I64TruncSatF64S => unop!(self, I64TruncSatF64S),
            O::I64TruncSatF64U => unop!(self, I64TruncSatF64U),
            // Naming the operator would pull wasmparser's `Debug` for all
            // of them into every build (about 10 KiB of flash); the offset
            // identifies it.
            _ => {
                #[cfg(feature = "simd")]
                if self.simd_op(&op) {
                    return Ok(());
                }
                return Err(Error::unsupported(format!(
                    "the operator at offset {:#x} is not supported by the interpreter \
                     (it belongs to a proposal beyond WebAssembly 2.0)",
                    self.offset
                )));
            }
        }
        Ok(())
    }

    fn else_op(&mut self) {
        let reachable_then = !self.unreachable;
        let idx = self.ctrl.len() - 1;
        if reachable_then {
            let n = self.ctrl[idx].num_results;
            let base = self.height() - n;
            for pos in base..self.height() {
                self.materialize(pos);
            }
            let at = self.emit(Op::Br { offset: 0 });
            self.ctrl[idx].fixups.push(at);
            self.ctrl[idx].branched_to = true;
        }
        let c = &mut self.ctrl[idx];
        c.kind = CtrlKind::Else;
        let else_fixup = c.else_fixup.take();
        let (height, bt) = (c.height, c.ty);
        if let Some(at) = else_fixup {
            let here = self.ops.len();
            self.patch(at, here);
        }
        self.stack.truncate(height as usize);
        self.push_block_values(bt, false);
        self.unreachable = false;
        self.barrier();
        self.start_block(false);
    }

    fn call(&mut self, function_index: u32) {
        let env = self.env;
        let ft = &env.types[env.func_types[function_index as usize] as usize];
        let base_pos = self.height() - ft.params().len() as u32;
        for pos in base_pos..self.height() {
            self.materialize(pos);
        }
        let base = self.temp_slot(base_pos);
        if function_index < self.env.num_imported_funcs {
            self.emit(Op::CallImport {
                base,
                func: function_index,
            });
        } else {
            self.emit(Op::Call {
                base,
                func: function_index - self.env.num_imported_funcs,
            });
        }
        self.finish_call(ft);
    }

    /// Replaces the call's arguments with its results.
    fn finish_call(&mut self, ft: &FuncType) {
        let new_len = self.stack.len() - ft.params().len();
        self.stack.truncate(new_len);
        for t in ft.results() {
            self.push_temp_of(*t == ValType::V128);
        }
        self.reset_fusion();
    }

    fn local_set(&mut self, l: u32, tee: bool) {
        let top = self.height() - 1;
        let top_slot = self.temp_slot(top);
        let local = self.locals[l as usize];
        if let Some(at) = self.fusable {
            let others_read_l = self.stack[..top as usize]
                .iter()
                .any(|e| e.kind == Operand::Local(l));
            if !others_read_l && self.stack[top as usize].kind == Operand::Temp {
                // Retarget the producer's result straight into the local.
                let mut first = true;
                self.ops[at].for_each_slot_mut(|s| {
                    if first {
                        debug_assert_eq!(*s, top_slot);
                        *s = local.slot as Slot;
                        first = false;
                    }
                });
                self.stack.pop();
                if tee {
                    self.push(Operand::Local(l), local.wide);
                }
                self.reset_fusion();
                #[cfg(feature = "fast-ops")]
                if at + 1 == self.ops.len() {
                    self.pair_adds();
                }
                return;
            }
        }
        if self.stack[top as usize].kind == Operand::Local(l) {
            // `local.get l; local.set l` (or tee) changes nothing.
            if !tee {
                self.stack.pop();
            }
            self.reset_fusion();
            return;
        }
        self.preserve_local(l, true);
        let src = self.slot_of(top);
        self.emit_copy(local.slot as Slot, src, local.wide);
        if !tee {
            self.stack.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_knows_every_jump() {
        for (mut op, _) in crate::ir::every_op() {
            assert_eq!(
                crate::ir::packed::IS_JUMP[op.tag() as usize],
                jump_offset_mut(&mut op).is_some(),
                "{}",
                op.name()
            );
        }
    }
}
