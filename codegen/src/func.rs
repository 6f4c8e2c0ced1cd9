//! Compiling one function: a single pass over its operators, emitting
//! through a [`MacroAssembler`]. Owns the value stack (each entry a
//! constant, a not-yet-read local, a register or its home slot), register
//! allocation, control frames, the frame layout and the code every
//! compiled function shares on the VM ABI (prologue, stack check, trap and
//! unwind stubs). It must not encode instructions (the masm does) or know
//! how the code is placed in memory (the backend's `link` does).
//!
//! Frame layout, in 8-byte slots from the masm's slot 0 upwards:
//! slot 0 holds the caller's `slots` pointer (where results go), then the
//! locals' slots (parameters first), then the *homes* of the operand stack
//! positions. Every value takes its core slot count: one, or two
//! consecutive slots (low half first) for a `v128`, so positions and slots
//! differ and each stack entry records its slot offset. Calls pass their
//! arguments in place: the arguments are the top values of the operand
//! stack, whose homes are consecutive, so once spilled they are the
//! callee's slot array (the interpreter's zero-copy calls, in machine
//! code).
//!
//! At every control boundary (block, loop and if entries, branches, ends)
//! and at every call the value stack is spilled to its homes, as Winch
//! does: the state at a join is then "everything in its home" whatever the
//! path, and values below a block's base cannot change inside it.
//! Constants stay constants: they cannot change either.
use crate::masm::*;
use alloc::format;
use alloc::vec::Vec;
use wasmbed_core::backend::{CompileError, FunctionInput, ModuleEnv, Refusal, RefusalReason};
use wasmbed_core::vm::context::offsets as off;
use wasmbed_core::{TrapCode, ValType};
use wasmparser::{BlockType, Operator};

#[cfg(feature = "simd")]
mod simd;

/// Where a value of the operand stack is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loc {
    /// A constant (its bits; f32 in the low 32).
    Const(u64),
    /// The current value of a local (read lazily: `local.set` of that
    /// local first moves such entries home).
    Local(u32),
    Gpr(Gpr),
    Fpr(Fpr),
    /// A v128 constant.
    #[cfg_attr(not(feature = "simd"), allow(dead_code))]
    VConst(u128),
    /// In its home slot.
    Home,
}

#[derive(Debug, Clone, Copy)]
struct Val {
    ty: ValType,
    loc: Loc,
    /// Its home: this many slots above the first home (v128 values take
    /// two, so positions and slots differ).
    slot: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Loop,
    If,
    Else,
}

/// A control frame.
struct Frame {
    kind: Kind,
    /// Operand stack height at entry, below the block's parameters.
    height: usize,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// Where `br` to this frame goes: a loop's head, otherwise its end.
    target: Label,
    end: Label,
    /// An `if`'s else branch, until `else` or `end` binds it.
    else_label: Option<Label>,
}

impl Frame {
    /// The values a branch to this frame carries.
    fn branch_types(&self) -> &[ValType] {
        if self.kind == Kind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

fn is_float(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64)
}

/// The 8-byte slots a value of `ty` takes (the core's encoding).
fn slots(ty: ValType) -> u32 {
    if ty == ValType::V128 {
        2
    } else {
        1
    }
}

fn slots_of(types: &[ValType]) -> u32 {
    types.iter().map(|&t| slots(t)).sum()
}

fn width(ty: ValType) -> Width {
    match ty {
        ValType::I32 | ValType::F32 => Width::W32,
        _ => Width::W64,
    }
}

fn unsupported(what: impl Into<alloc::borrow::Cow<'static, str>>) -> CompileError {
    CompileError::Refused(Refusal::new(RefusalReason::Unsupported, what))
}

/// The right side of a fused comparison.
#[derive(Debug, Clone, Copy)]
enum Rhs {
    Reg(Gpr),
    Imm(i32),
}

/// A branch condition: a popped `i32` (true when not zero), or an integer
/// comparison fused into the branch that consumes it (`cmp` + `br_if` or
/// `if` become one compare-and-branch, without materialising the 0/1).
#[derive(Debug, Clone, Copy)]
enum Cond {
    NonZero(Gpr),
    Cmp(IntCmp, Width, Gpr, Rhs),
}

fn invert(c: IntCmp) -> IntCmp {
    match c {
        IntCmp::Eq => IntCmp::Ne,
        IntCmp::Ne => IntCmp::Eq,
        IntCmp::LtS => IntCmp::GeS,
        IntCmp::GeS => IntCmp::LtS,
        IntCmp::LtU => IntCmp::GeU,
        IntCmp::GeU => IntCmp::LtU,
        IntCmp::GtS => IntCmp::LeS,
        IntCmp::LeS => IntCmp::GtS,
        IntCmp::GtU => IntCmp::LeU,
        IntCmp::LeU => IntCmp::GtU,
    }
}

/// The comparison an operator computes, if it is an integer compare (`eqz`
/// compares with 0): whether it fuses into a following branch or not.
fn fusable_cmp(op: &Operator<'_>) -> Option<(IntCmp, Width, bool)> {
    use Operator as O;
    let (c, w) = match op {
        O::I32Eqz => return Some((IntCmp::Eq, Width::W32, true)),
        O::I64Eqz => return Some((IntCmp::Eq, Width::W64, true)),
        O::I32Eq => (IntCmp::Eq, Width::W32),
        O::I32Ne => (IntCmp::Ne, Width::W32),
        O::I32LtS => (IntCmp::LtS, Width::W32),
        O::I32LtU => (IntCmp::LtU, Width::W32),
        O::I32GtS => (IntCmp::GtS, Width::W32),
        O::I32GtU => (IntCmp::GtU, Width::W32),
        O::I32LeS => (IntCmp::LeS, Width::W32),
        O::I32LeU => (IntCmp::LeU, Width::W32),
        O::I32GeS => (IntCmp::GeS, Width::W32),
        O::I32GeU => (IntCmp::GeU, Width::W32),
        O::I64Eq => (IntCmp::Eq, Width::W64),
        O::I64Ne => (IntCmp::Ne, Width::W64),
        O::I64LtS => (IntCmp::LtS, Width::W64),
        O::I64LtU => (IntCmp::LtU, Width::W64),
        O::I64GtS => (IntCmp::GtS, Width::W64),
        O::I64GtU => (IntCmp::GtU, Width::W64),
        O::I64LeS => (IntCmp::LeS, Width::W64),
        O::I64LeU => (IntCmp::LeU, Width::W64),
        O::I64GeS => (IntCmp::GeS, Width::W64),
        O::I64GeU => (IntCmp::GeU, Width::W64),
        _ => return None,
    };
    Some((c, w, false))
}

/// Whether `op` is one of wasmparser's SIMD operators (fixed-width and
/// relaxed): the exact list, from the parser's own operator table.
#[cfg(feature = "simd")]
pub fn is_simd(op: &Operator<'_>) -> bool {
    macro_rules! any_of {
        ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            matches!(op, $(Operator::$op { .. })|*)
        };
    }
    wasmparser::for_each_visit_simd_operator!(any_of)
}

/// Without the `simd` feature the parser has no SIMD operators.
#[cfg(not(feature = "simd"))]
pub fn is_simd(_: &Operator<'_>) -> bool {
    false
}

/// A stub emitted after the body: a trap raised at a wasm offset, or the
/// unwinding of a call site whose callee returned `VM_UNWIND`.
enum Stub {
    Trap(Label, TrapCode, u32),
    /// A trap before the function's body starts: no frame of its own, so
    /// that a call the stack cannot take shows only at the caller's call
    /// site, as when the interpreter refuses it (the caller's unwind stub
    /// adds that frame). The backtrace then reads the same whichever tier
    /// ran the callee.
    TrapBeforeEntry(Label, TrapCode),
    /// The trap code is in the masm's return register (a builtin said it).
    TrapDynamic(Label, u32),
    Unwind(Label, u32),
}

/// The function compiler. One per function; the backend creates it with
/// its masm and calls [`compile`].
pub struct FuncCompiler<'a, M: MacroAssembler> {
    masm: M,
    env: &'a ModuleEnv<'a>,
    func_index: u32,
    locals: Vec<ValType>,
    /// The slot of each local (v128 locals take two).
    local_slots: Vec<u32>,
    /// The first home slot, above the locals.
    base: u32,
    stack: Vec<Val>,
    frames: Vec<Frame>,
    free_gprs: Vec<Gpr>,
    free_fprs: Vec<Fpr>,
    /// Reserved for moves between memory slots and stores of wide
    /// constants; never holds a stack value.
    tmp: Gpr,
    stubs: Vec<Stub>,
    unwind_exit: Label,
    /// Most slots any point of the body needs.
    max_slots: u32,
    /// Module byte offset of the operator being compiled.
    pos: u32,
    reachable: bool,
    /// Nesting of blocks opened in unreachable code.
    dead_depth: u32,
    has_memory: bool,
    page_log2: u8,
    /// Fuel metering: every basic block charges its count of operators on
    /// entry, as the interpreter's translator counts them.
    consume_fuel: bool,
    /// The current block's charge (patched when the block ends) and count.
    fuel: Option<(ImmPatch, u32)>,
    /// Interruption checks at function entry and loop back-edges.
    interruptible: bool,
    /// Accesses whose `offset + size` is at most this need no bounds
    /// check (0: every access is checked).
    elide_bound: u64,
    /// Set by `address` when the next access relies on the guard.
    fault_site: bool,
    /// The accesses that may fault, for the module's trap table.
    traps: Vec<TrapSite>,
    /// Direct calls, for the linker.
    calls: Vec<CallSite>,
}

/// A machine instruction that may fault on purpose (a memory access whose
/// bounds check the guard region replaces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrapSite {
    /// Offset of the instruction in the function's code.
    pub offset: u32,
    /// The trap a fault there is.
    pub code: TrapCode,
    /// Module byte offset of the wasm instruction, for the backtrace.
    pub wasm_offset: u32,
}

/// A direct call to a defined function of the same module, for the linker
/// to resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSite {
    /// Where the masm's `call_relocated` left its patch site.
    pub offset: u32,
    /// The callee's defined-function index.
    pub callee: u32,
}

/// A compiled function: its code (entered at offset 0 as a `VmArrayCall`),
/// the instructions in it that may fault, and its direct calls.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub code: Vec<u8>,
    pub traps: Vec<TrapSite>,
    pub calls: Vec<CallSite>,
}

/// Checks between two polls of the interruption flag and deadlines (the
/// interpreter's `CHECKS_PER_POLL`).
const CHECKS_PER_POLL: i32 = 1024;

/// How far past any 32-bit index an access may reach without a bounds
/// check: what the memories' guaranteed reservation covers beyond 4 GiB,
/// for memories of 64 KiB pages (whose lengths are page-aligned, so the
/// first byte past the end faults).
fn elide_bound(env: &ModuleEnv<'_>) -> u64 {
    match env.memories().first() {
        Some(m) if m.page_size_log2 == 16 => env.guaranteed_reservation().saturating_sub(1 << 32),
        _ => 0,
    }
}

/// Compiles one validated function with `masm`.
pub fn compile<M: MacroAssembler>(
    masm: M,
    env: &ModuleEnv<'_>,
    input: &FunctionInput<'_>,
) -> Result<Compiled, CompileError> {
    if env.memories().len() > 1 {
        return Err(unsupported("multiple memories"));
    }
    let ty = env.func_type(input.func_index);
    #[cfg(not(feature = "simd"))]
    if ty
        .params()
        .iter()
        .chain(ty.results())
        .any(|&t| t == ValType::V128)
    {
        return Err(CompileError::Refused(Refusal::new(
            RefusalReason::Simd,
            "v128 values (wasmbed-codegen built without `simd`)",
        )));
    }
    let mut locals: Vec<ValType> = ty.params().to_vec();
    let body = input.reader();
    let mut lr = body
        .get_locals_reader()
        .map_err(|e| CompileError::Failed(wasmbed_core::Error::msg(format!("{e}"))))?;
    for _ in 0..lr.get_count() {
        let (n, t) = lr
            .read()
            .map_err(|e| CompileError::Failed(wasmbed_core::Error::msg(format!("{e}"))))?;
        let t = val_type(t)?;
        if locals.len() + n as usize > 50_000 {
            return Err(CompileError::Refused(Refusal::new(
                RefusalReason::TooLarge,
                "more than 50,000 locals",
            )));
        }
        locals.extend(core::iter::repeat_n(t, n as usize));
    }
    let mut local_slots = Vec::with_capacity(locals.len());
    let mut next = 1;
    for &t in &locals {
        local_slots.push(next);
        next += slots(t);
    }
    let mut c = FuncCompiler {
        free_gprs: M::ALLOCATABLE_GPRS[..M::ALLOCATABLE_GPRS.len() - 1]
            .iter()
            .rev()
            .copied()
            .collect(),
        free_fprs: M::ALLOCATABLE_FPRS.iter().rev().copied().collect(),
        tmp: M::ALLOCATABLE_GPRS[M::ALLOCATABLE_GPRS.len() - 1],
        masm,
        env,
        func_index: input.func_index,
        locals,
        local_slots,
        base: next,
        stack: Vec::new(),
        frames: Vec::new(),
        stubs: Vec::new(),
        unwind_exit: Label(0),
        max_slots: 0,
        pos: input.offset as u32,
        reachable: true,
        dead_depth: 0,
        has_memory: !env.memories().is_empty(),
        page_log2: env.memories().first().map_or(16, |m| m.page_size_log2),
        consume_fuel: env.consume_fuel(),
        fuel: None,
        interruptible: env.interruptible(),
        elide_bound: elide_bound(env),
        fault_site: false,
        traps: Vec::new(),
        calls: Vec::new(),
    };
    c.unwind_exit = c.masm.new_label();
    let patch = c.prologue();
    let end = c.masm.new_label();
    c.frames.push(Frame {
        kind: Kind::Block,
        height: 0,
        params: Vec::new(),
        results: ty.results().to_vec(),
        target: end,
        end,
        else_label: None,
    });
    let mut ops = body
        .get_operators_reader()
        .map_err(|e| CompileError::Failed(wasmbed_core::Error::msg(format!("{e}"))))?;
    while !ops.eof() {
        c.pos = ops.original_position() as u32;
        let op = ops
            .read()
            .map_err(|e| CompileError::Failed(wasmbed_core::Error::msg(format!("{e}"))))?;
        if c.reachable {
            if let Some((cmp, w, eqz)) = fusable_cmp(&op) {
                let mut peek = ops.clone();
                if let Ok(next @ (Operator::BrIf { .. } | Operator::If { .. })) = peek.read() {
                    ops = peek;
                    c.fused(cmp, w, eqz, next)?;
                    continue;
                }
            }
        }
        c.op(op)?;
        // An access whose bounds check was left to the guard must be in
        // the trap table, or its fault would crash the host.
        debug_assert!(!c.fault_site, "an unchecked access without a trap site");
        if c.frames.is_empty() {
            break;
        }
    }
    c.finish_fuel();
    c.epilogue_and_stubs();
    let slots = c.max_slots + 1;
    c.masm.patch_frame_size(patch, slots);
    let traps = core::mem::take(&mut c.traps);
    let calls = core::mem::take(&mut c.calls);
    Ok(Compiled {
        code: c.masm.finish(),
        traps,
        calls,
    })
}

fn val_type(t: wasmparser::ValType) -> Result<ValType, CompileError> {
    Ok(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        #[cfg(feature = "simd")]
        wasmparser::ValType::V128 => ValType::V128,
        #[cfg(not(feature = "simd"))]
        wasmparser::ValType::V128 => {
            return Err(CompileError::Refused(Refusal::new(
                RefusalReason::Simd,
                "v128 values (wasmbed-codegen built without `simd`)",
            )))
        }
        wasmparser::ValType::Ref(r) if r.is_func_ref() => ValType::FuncRef,
        wasmparser::ValType::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        wasmparser::ValType::Ref(_) => return Err(unsupported("reference types beyond 2.0")),
    })
}

impl<M: MacroAssembler> FuncCompiler<'_, M> {
    /// The slot of local `l`.
    fn local_slot(&self, l: u32) -> u32 {
        self.local_slots[l as usize]
    }

    /// Slots above the first home that the stack's values take.
    fn slot_end(&self) -> u32 {
        self.stack.last().map_or(0, |v| v.slot + slots(v.ty))
    }

    /// Home slot of operand stack position `i` (at most the height: the
    /// height's is where the next value would go).
    fn home(&self, i: usize) -> u32 {
        let rel = match self.stack.get(i) {
            Some(v) => v.slot,
            None => {
                debug_assert_eq!(i, self.stack.len());
                self.slot_end()
            }
        };
        self.base + rel
    }

    /// Records that the homes up to `end` (exclusive) are used.
    fn note_slots(&mut self, end: u32) {
        if end > self.max_slots {
            self.max_slots = end;
        }
    }

    /// Copies `n` slots from `from` to `to` (ascending).
    fn copy_slots(&mut self, from: u32, to: u32, n: u32) {
        for k in 0..n {
            let a = self.masm.slot(from + k);
            let b = self.masm.slot(to + k);
            self.masm.load(LoadKind::I64, self.tmp, a);
            self.masm.store(StoreKind::I64, self.tmp, b);
        }
    }

    /// Stores 64 constant bits to a slot.
    fn store_bits(&mut self, bits: u64, slot: u32) {
        let a = self.masm.slot(slot);
        if bits as i64 >= i64::from(i32::MIN) && bits as i64 <= i64::from(i32::MAX) {
            self.masm.store_imm(StoreKind::I64, bits as i64 as i32, a);
        } else {
            self.masm.mov_imm(self.tmp, bits);
            self.masm.store(StoreKind::I64, self.tmp, a);
        }
    }

    // ---------------------------------------------------------------- frame

    fn prologue(&mut self) -> FramePatch {
        let patch = self.masm.prologue();
        let [callee, _, slots, _] = M::ARGS;
        self.masm.load(
            LoadKind::I64,
            M::VMCTX,
            Addr::new(callee, off::FUNCREF_VMCTX as i32),
        );
        // The native stack limit, checked once the frame is reserved and
        // before it is written.
        let t = self.tmp;
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_STORE as i32),
        );
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(t, off::STORE_STACK_LIMIT as i32),
        );
        let overflow = self.masm.new_label();
        self.stubs
            .push(Stub::TrapBeforeEntry(overflow, TrapCode::StackOverflow));
        self.masm
            .branch_cmp(IntCmp::LtU, Width::W64, M::SP, t, overflow);
        let s0 = self.masm.slot(0);
        self.masm.store(StoreKind::I64, slots, s0);
        // Parameters are the first locals and take the same slots as in the
        // caller's array.
        let nparams = slots_of(self.env.func_type(self.func_index).params());
        for i in 0..nparams {
            self.masm
                .load(LoadKind::I64, self.tmp, Addr::new(slots, 8 * i as i32));
            let a = self.masm.slot(1 + i);
            self.masm.store(StoreKind::I64, self.tmp, a);
        }
        for i in 1 + nparams..self.base {
            let a = self.masm.slot(i);
            self.masm.store_imm(StoreKind::I64, 0, a);
        }
        self.reload_memory();
        self.note_slots(self.base);
        self.start_block();
        if self.interruptible {
            self.check_interrupt();
        }
        patch
    }

    /// Starts a basic block: with fuel metering, charges its cost (patched
    /// in when the block ends) and traps with `OutOfFuel` before it runs
    /// when the fuel left cannot pay. No register may be live here.
    fn start_block(&mut self) {
        if !self.consume_fuel {
            return;
        }
        self.finish_fuel();
        let t = self.tmp;
        let left = self.alloc_gpr();
        let after = self.alloc_gpr();
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_STORE as i32),
        );
        self.masm
            .load(LoadKind::I64, left, Addr::new(t, off::STORE_FUEL as i32));
        let patch = self.masm.sub_imm_patchable(after, left);
        let out = self.trap_label(TrapCode::OutOfFuel);
        // A borrow wraps around: the result is then above what was left.
        self.masm
            .branch_cmp(IntCmp::GtU, Width::W64, after, left, out);
        self.masm
            .store(StoreKind::I64, after, Addr::new(t, off::STORE_FUEL as i32));
        self.free_gpr(after);
        self.free_gpr(left);
        self.fuel = Some((patch, 0));
    }

    /// Writes the current block's operator count into its charge.
    fn finish_fuel(&mut self) {
        if let Some((patch, n)) = self.fuel.take() {
            self.masm.patch_sub_imm(patch, n);
        }
    }

    /// Counts down the store's poll countdown and, when it runs out, asks
    /// the `poll` builtin whether to stop (a trap) before going on. No
    /// register may be live here.
    fn check_interrupt(&mut self) {
        let t = self.tmp;
        let left = self.alloc_gpr();
        let countdown = off::STORE_POLL_COUNTDOWN as i32;
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_STORE as i32),
        );
        self.masm.load(LoadKind::I64, left, Addr::new(t, countdown));
        self.masm.int_op_imm(IntOp::Sub, Width::W64, left, left, 1);
        self.masm
            .store(StoreKind::I64, left, Addr::new(t, countdown));
        let go_on = self.masm.new_label();
        self.masm
            .branch_cmp_imm(IntCmp::Ne, Width::W64, left, 0, go_on);
        self.free_gpr(left);
        self.masm
            .call_builtin(off::BUILTIN_POLL as u32, &[CallArg::Vmctx]);
        self.check_builtin_status();
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_STORE as i32),
        );
        self.masm
            .store_imm(StoreKind::I64, CHECKS_PER_POLL, Addr::new(t, countdown));
        self.masm.bind(go_on);
    }

    /// Loads memory 0's base and length into their pinned registers (at
    /// entry and after anything that may have grown the memory).
    fn reload_memory(&mut self) {
        if !self.has_memory {
            return;
        }
        let t = self.tmp;
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_MEMORY as i32),
        );
        self.masm.load(
            LoadKind::I64,
            M::MEM_BASE,
            Addr::new(t, off::VMMEMORY_BASE as i32),
        );
        self.masm.load(
            LoadKind::I64,
            M::MEM_LEN,
            Addr::new(t, off::VMMEMORY_LENGTH as i32),
        );
    }

    fn trap_label(&mut self, code: TrapCode) -> Label {
        let l = self.masm.new_label();
        self.stubs.push(Stub::Trap(l, code, self.pos));
        l
    }

    fn unwind_label(&mut self) -> Label {
        let l = self.masm.new_label();
        self.stubs.push(Stub::Unwind(l, self.pos));
        l
    }

    /// Branches to a trap stub when the builtin's status in `RET` is not 0
    /// (it is the trap code).
    fn check_builtin_status(&mut self) {
        let l = self.masm.new_label();
        self.stubs.push(Stub::TrapDynamic(l, self.pos));
        self.masm
            .branch_cmp_imm(IntCmp::Ne, Width::W32, M::RET, 0, l);
    }

    fn epilogue_and_stubs(&mut self) {
        // Normal return: the function's end frame bound its label and left
        // the results in homes 0..n (see `end`).
        self.masm.mov_imm(M::RET, 0);
        self.masm.epilogue();
        let stubs = core::mem::take(&mut self.stubs);
        let func = u64::from(self.func_index);
        for s in stubs {
            match s {
                Stub::Trap(l, code, pos) => {
                    self.masm.bind(l);
                    self.masm.call_builtin(
                        off::BUILTIN_TRAP_AT as u32,
                        &[
                            CallArg::Vmctx,
                            CallArg::Imm(code as u64),
                            CallArg::Imm(func),
                            CallArg::Imm(u64::from(pos)),
                        ],
                    );
                    self.masm.jump(self.unwind_exit);
                }
                Stub::TrapBeforeEntry(l, code) => {
                    self.masm.bind(l);
                    self.masm.call_builtin(
                        off::BUILTIN_TRAP as u32,
                        &[CallArg::Vmctx, CallArg::Imm(code as u64)],
                    );
                    self.masm.jump(self.unwind_exit);
                }
                Stub::TrapDynamic(l, pos) => {
                    self.masm.bind(l);
                    self.masm.mov(Width::W32, self.tmp, M::RET);
                    self.masm.call_builtin(
                        off::BUILTIN_TRAP_AT as u32,
                        &[
                            CallArg::Vmctx,
                            CallArg::Reg(self.tmp),
                            CallArg::Imm(func),
                            CallArg::Imm(u64::from(pos)),
                        ],
                    );
                    self.masm.jump(self.unwind_exit);
                }
                Stub::Unwind(l, pos) => {
                    self.masm.bind(l);
                    self.masm.call_builtin(
                        off::BUILTIN_FRAME as u32,
                        &[
                            CallArg::Vmctx,
                            CallArg::Imm(func),
                            CallArg::Imm(u64::from(pos)),
                        ],
                    );
                    self.masm.jump(self.unwind_exit);
                }
            }
        }
        self.masm.bind(self.unwind_exit);
        self.masm.mov_imm(M::RET, 1);
        self.masm.epilogue();
    }

    // ------------------------------------------------------------ registers

    fn alloc_gpr(&mut self) -> Gpr {
        if let Some(r) = self.free_gprs.pop() {
            return r;
        }
        let i = self
            .stack
            .iter()
            .position(|v| matches!(v.loc, Loc::Gpr(_)))
            .expect("a register is held by the stack when none is free");
        self.spill_at(i);
        self.free_gprs.pop().expect("spilling freed one")
    }

    fn alloc_fpr(&mut self) -> Fpr {
        if let Some(r) = self.free_fprs.pop() {
            return r;
        }
        let i = self
            .stack
            .iter()
            .position(|v| matches!(v.loc, Loc::Fpr(_)))
            .expect("a float register is held by the stack when none is free");
        self.spill_at(i);
        self.free_fprs.pop().expect("spilling freed one")
    }

    fn free_gpr(&mut self, r: Gpr) {
        debug_assert!(!self.free_gprs.contains(&r));
        self.free_gprs.push(r);
    }

    fn free_fpr(&mut self, r: Fpr) {
        debug_assert!(!self.free_fprs.contains(&r));
        self.free_fprs.push(r);
    }

    /// Writes value `v` to slot `slot` without changing the stack.
    fn store_val_to(&mut self, v: Val, slot: u32) {
        let a = self.masm.slot(slot);
        match v.loc {
            Loc::Gpr(r) => self.masm.store(StoreKind::I64, r, a),
            Loc::Fpr(r) if v.ty == ValType::V128 => self.masm.vstore(r, a),
            Loc::Fpr(r) => self.masm.fstore(width(v.ty), r, a),
            Loc::VConst(bits) => {
                self.store_bits(bits as u64, slot);
                self.store_bits((bits >> 64) as u64, slot + 1);
            }
            Loc::Const(bits) => {
                let bits = if width(v.ty) == Width::W32 {
                    bits & 0xffff_ffff
                } else {
                    bits
                };
                self.store_bits(bits, slot);
            }
            Loc::Local(l) => self.copy_slots(self.local_slot(l), slot, slots(v.ty)),
            Loc::Home => unreachable!("a home value is moved by its position"),
        }
    }

    /// Moves stack entry `i` to its home.
    fn spill_at(&mut self, i: usize) {
        let v = self.stack[i];
        if v.loc == Loc::Home {
            return;
        }
        let h = self.home(i);
        self.store_val_to(v, h);
        match v.loc {
            Loc::Gpr(r) => self.free_gpr(r),
            Loc::Fpr(r) => self.free_fpr(r),
            _ => {}
        }
        self.stack[i].loc = Loc::Home;
    }

    /// Moves every stack entry home except constants (which no code can
    /// change) when `keep_consts`.
    ///
    /// Entries below the innermost block never change: they are homes or
    /// constants since the block opened, and a constant moved home on one
    /// path would be missing from its home on the others.
    fn spill_all(&mut self, keep_consts: bool) {
        let floor = self.frames.last().map_or(0, |f| f.height);
        for i in floor..self.stack.len() {
            if keep_consts && matches!(self.stack[i].loc, Loc::Const(_) | Loc::VConst(_)) {
                continue;
            }
            self.spill_at(i);
        }
    }

    fn push(&mut self, ty: ValType, loc: Loc) {
        let slot = self.slot_end();
        self.stack.push(Val { ty, loc, slot });
        let end = self.base + slot + slots(ty);
        self.note_slots(end);
    }

    /// Pops the top value into a general-purpose register the caller owns.
    fn pop_gpr(&mut self) -> (Gpr, ValType) {
        let v = *self.stack.last().expect("validated: operand present");
        let i = self.stack.len() - 1;
        let r = match v.loc {
            Loc::Gpr(r) => r,
            _ => {
                let r = self.alloc_gpr();
                self.load_into(v, i, r);
                // A float's bits (splats, float lanes) leave its register
                // free.
                if let Loc::Fpr(f) = v.loc {
                    self.free_fpr(f);
                }
                r
            }
        };
        self.stack.pop();
        (r, v.ty)
    }

    fn load_into(&mut self, v: Val, i: usize, r: Gpr) {
        let kind = if width(v.ty) == Width::W32 {
            LoadKind::I32
        } else {
            LoadKind::I64
        };
        match v.loc {
            Loc::Const(bits) => {
                let bits = if width(v.ty) == Width::W32 {
                    bits & 0xffff_ffff
                } else {
                    bits
                };
                self.masm.mov_imm(r, bits);
            }
            Loc::Local(l) => {
                let a = self.masm.slot(self.local_slot(l));
                self.masm.load(kind, r, a);
            }
            Loc::VConst(_) => unreachable!("a v128 value in a general-purpose register"),
            Loc::Home => {
                let a = self.masm.slot(self.home(i));
                self.masm.load(kind, r, a);
            }
            Loc::Fpr(f) => self.masm.float_to_bits(width(v.ty), r, f),
            Loc::Gpr(g) => self.masm.mov(Width::W64, r, g),
        }
    }

    /// Pops the top value into a float register the caller owns.
    fn pop_fpr(&mut self) -> (Fpr, ValType) {
        let v = *self.stack.last().expect("validated: operand present");
        let i = self.stack.len() - 1;
        let w = width(v.ty);
        let r = match v.loc {
            Loc::Fpr(r) => r,
            Loc::Const(bits) => {
                let r = self.alloc_fpr();
                self.masm.fconst(w, r, bits);
                r
            }
            Loc::VConst(bits) => {
                let r = self.alloc_fpr();
                self.masm.vconst(r, bits);
                r
            }
            Loc::Local(l) => {
                let r = self.alloc_fpr();
                let a = self.masm.slot(self.local_slot(l));
                self.load_fpr(v.ty, r, a);
                r
            }
            Loc::Home => {
                let r = self.alloc_fpr();
                let a = self.masm.slot(self.home(i));
                self.load_fpr(v.ty, r, a);
                r
            }
            Loc::Gpr(g) => {
                let r = self.alloc_fpr();
                self.masm.bits_to_float(w, r, g);
                self.free_gpr(g);
                r
            }
        };
        self.stack.pop();
        (r, v.ty)
    }

    fn load_fpr(&mut self, ty: ValType, r: Fpr, a: Addr) {
        if ty == ValType::V128 {
            self.masm.vload(r, a);
        } else {
            self.masm.fload(width(ty), r, a);
        }
    }

    /// Pops and discards the top value.
    fn drop_top(&mut self) {
        let v = self.stack.pop().expect("validated: operand present");
        match v.loc {
            Loc::Gpr(r) => self.free_gpr(r),
            Loc::Fpr(r) => self.free_fpr(r),
            _ => {}
        }
    }

    /// The top value's constant, if it is one that fits an immediate.
    fn top_imm(&self) -> Option<i32> {
        let v = self.stack.last()?;
        match v.loc {
            Loc::Const(bits) if !is_float(v.ty) => {
                let x = if width(v.ty) == Width::W32 {
                    bits as u32 as i32 as i64
                } else {
                    bits as i64
                };
                i32::try_from(x).ok()
            }
            _ => None,
        }
    }

    // -------------------------------------------------------------- control

    fn block_types(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>), CompileError> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), alloc::vec![val_type(t)?]),
            BlockType::FuncType(i) => {
                let ty = &self.env.types()[i as usize];
                (ty.params().to_vec(), ty.results().to_vec())
            }
        })
    }

    fn open(&mut self, kind: Kind, bt: BlockType, cond: Option<Cond>) -> Result<(), CompileError> {
        let (params, results) = self.block_types(bt)?;
        self.spill_all(true);
        // A block's parameters live in their homes for the whole block
        // (branches back to a loop bring new ones there).
        let height = self.stack.len() - params.len();
        for i in height..self.stack.len() {
            self.spill_at(i);
        }
        let end = self.masm.new_label();
        let target = if kind == Kind::Loop {
            let head = self.masm.new_label();
            self.masm.bind(head);
            self.start_block();
            head
        } else {
            end
        };
        let else_label = match cond {
            Some(c) => {
                let l = self.masm.new_label();
                self.branch_on(c, false, l);
                self.free_cond(c);
                self.start_block();
                Some(l)
            }
            None => None,
        };
        self.frames.push(Frame {
            kind,
            height,
            params,
            results,
            target,
            end,
            else_label,
        });
        Ok(())
    }

    /// Copies the top `n` values to the homes of positions `dst..dst + n`
    /// without changing the stack (a branch's values on the taken path).
    fn copy_top_to(&mut self, n: usize, dst: usize) {
        let top = self.stack.len() - n;
        let mut to = self.home(dst);
        for k in 0..n {
            let v = self.stack[top + k];
            let from = self.home(top + k);
            match v.loc {
                Loc::Home if from == to => {}
                Loc::Home => self.copy_slots(from, to, slots(v.ty)),
                _ => self.store_val_to(v, to),
            }
            to += slots(v.ty);
        }
    }

    fn branch(&mut self, depth: u32) {
        let f = &self.frames[self.frames.len() - 1 - depth as usize];
        let (n, dst, target) = (f.branch_types().len(), f.height, f.target);
        let back_edge = f.kind == Kind::Loop;
        self.copy_top_to(n, dst);
        if back_edge && self.interruptible {
            self.check_interrupt();
        }
        self.masm.jump(target);
    }

    fn unreachable_now(&mut self) {
        self.reachable = false;
    }

    fn end(&mut self) {
        let f = self.frames.pop().expect("validated: a frame to end");
        if self.reachable {
            self.copy_top_to(f.results.len(), f.height);
        }
        if let Some(else_label) = f.else_label {
            // An `if` without `else`: the false path passes its
            // parameters on as results (validation made them equal).
            if self.reachable {
                self.masm.jump(f.end);
            }
            self.masm.bind(else_label);
        }
        self.masm.bind(f.end);
        while self.stack.len() > f.height {
            self.drop_top();
        }
        for t in f.results {
            self.push(t, Loc::Home);
        }
        self.reachable = true;
        if !self.frames.is_empty() {
            self.start_block();
        } else {
            // The function's end: results from their homes to the caller's
            // slots.
            let slots = self.tmp;
            let s0 = self.masm.slot(0);
            self.masm.load(LoadKind::I64, slots, s0);
            let n = self.slot_end();
            for i in 0..n {
                let from = self.masm.slot(self.base + i);
                // Not `tmp`: it holds the slots pointer.
                let r = self.alloc_gpr();
                self.masm.load(LoadKind::I64, r, from);
                self.masm
                    .store(StoreKind::I64, r, Addr::new(slots, 8 * i as i32));
                self.free_gpr(r);
            }
        }
    }

    fn else_(&mut self) {
        let f = self.frames.last_mut().expect("validated: an if to else");
        let else_label = f.else_label.take().expect("validated: if before else");
        f.kind = Kind::Else;
        let (height, nres, end) = (f.height, f.results.len(), f.end);
        // The else arm starts from the parameters; nothing reads them after.
        let params = core::mem::take(&mut f.params);
        if self.reachable {
            self.copy_top_to(nres, height);
            self.masm.jump(end);
        }
        while self.stack.len() > height {
            self.drop_top();
        }
        for t in params {
            self.push(t, Loc::Home);
        }
        self.masm.bind(else_label);
        self.reachable = true;
        self.start_block();
    }

    // ------------------------------------------------------------ operators

    fn op(&mut self, op: Operator<'_>) -> Result<(), CompileError> {
        use Operator as O;
        if !self.reachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => self.dead_depth += 1,
                O::Else if self.dead_depth == 0 => self.else_(),
                O::End if self.dead_depth == 0 => self.end(),
                O::End => self.dead_depth -= 1,
                _ => {}
            }
            return Ok(());
        }
        if self.consume_fuel
            && !matches!(
                op,
                O::Nop | O::Drop | O::Block { .. } | O::Loop { .. } | O::End | O::Else
            )
        {
            if let Some((_, n)) = &mut self.fuel {
                *n += 1;
            }
        }
        // Integer compares not fused into a branch: one table for both.
        if let Some((cmp, w, eqz)) = fusable_cmp(&op) {
            if eqz {
                self.eqz(w);
            } else {
                self.cmp(cmp, w);
            }
            return Ok(());
        }
        match op {
            O::Nop => {}
            O::Unreachable => {
                let l = self.trap_label(TrapCode::Unreachable);
                self.masm.jump(l);
                self.unreachable_now();
            }
            O::Block { blockty } => self.open(Kind::Block, blockty, None)?,
            O::Loop { blockty } => self.open(Kind::Loop, blockty, None)?,
            O::If { blockty } => {
                let c = Cond::NonZero(self.pop_gpr().0);
                self.open(Kind::If, blockty, Some(c))?
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => {
                self.spill_all(true);
                self.branch(relative_depth);
                self.unreachable_now();
            }
            O::BrIf { relative_depth } => {
                let c = Cond::NonZero(self.pop_gpr().0);
                self.br_if(relative_depth, c);
            }
            O::BrTable { targets } => {
                let (idx, _) = self.pop_gpr();
                self.spill_all(true);
                let mut depths = Vec::new();
                for t in targets.targets() {
                    depths.push(t.map_err(|e| {
                        CompileError::Failed(wasmbed_core::Error::msg(format!("{e}")))
                    })?);
                }
                let default = targets.default();
                let mut labels = Vec::with_capacity(depths.len());
                let mut pads = Vec::new();
                for &d in depths.iter().chain(core::iter::once(&default)) {
                    let l = self.masm.new_label();
                    labels.push(l);
                    pads.push((l, d));
                }
                let default_label = labels.pop().expect("the default's label");
                self.masm.jump_table(idx, &labels, default_label);
                self.free_gpr(idx);
                for (l, d) in pads {
                    self.masm.bind(l);
                    self.branch(d);
                }
                self.unreachable_now();
            }
            O::Return => {
                self.spill_all(true);
                self.branch(self.frames.len() as u32 - 1);
                self.unreachable_now();
            }
            O::Call { function_index } => self.call(function_index)?,
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index)?,
            O::Drop => self.drop_top(),
            O::Select | O::TypedSelect { .. } => {
                let (c, _) = self.pop_gpr();
                let ty = self.stack.last().expect("validated").ty;
                if is_float(ty) || ty == ValType::V128 {
                    let (b, _) = self.pop_fpr();
                    let (a, _) = self.pop_fpr();
                    self.masm.fselect(width(ty), a, c, a, b);
                    self.free_fpr(b);
                    self.push(ty, Loc::Fpr(a));
                } else {
                    let (b, _) = self.pop_gpr();
                    let (a, _) = self.pop_gpr();
                    self.masm.select(width(ty), a, c, a, b);
                    self.free_gpr(b);
                    self.push(ty, Loc::Gpr(a));
                }
                self.free_gpr(c);
            }
            O::LocalGet { local_index } => {
                let ty = self.locals[local_index as usize];
                self.push(ty, Loc::Local(local_index));
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let ty = self.env.globals()[global_index as usize].content;
                let p = self.global_ptr(global_index);
                if ty == ValType::V128 {
                    let r = self.alloc_fpr();
                    self.masm.vload(r, Addr::new(p, 0));
                    self.free_gpr(p);
                    self.push(ty, Loc::Fpr(r));
                } else if is_float(ty) {
                    let r = self.alloc_fpr();
                    self.masm.fload(width(ty), r, Addr::new(p, 0));
                    self.free_gpr(p);
                    self.push(ty, Loc::Fpr(r));
                } else {
                    let kind = if width(ty) == Width::W32 {
                        LoadKind::I32
                    } else {
                        LoadKind::I64
                    };
                    self.masm.load(kind, p, Addr::new(p, 0));
                    self.push(ty, Loc::Gpr(p));
                }
            }
            O::GlobalSet { global_index } => {
                let ty = self.env.globals()[global_index as usize].content;
                if is_float(ty) || ty == ValType::V128 {
                    let (v, _) = self.pop_fpr();
                    let p = self.global_ptr(global_index);
                    if ty == ValType::V128 {
                        self.masm.vstore(v, Addr::new(p, 0));
                    } else {
                        self.masm.fstore(width(ty), v, Addr::new(p, 0));
                    }
                    self.free_gpr(p);
                    self.free_fpr(v);
                } else {
                    let (v, _) = self.pop_gpr();
                    let p = self.global_ptr(global_index);
                    self.masm.store(StoreKind::I64, v, Addr::new(p, 0));
                    self.free_gpr(p);
                    self.free_gpr(v);
                }
            }

            O::I32Load { memarg } => self.load(memarg, ValType::I32, LoadKind::I32, 4),
            O::I64Load { memarg } => self.load(memarg, ValType::I64, LoadKind::I64, 8),
            O::F32Load { memarg } => self.load(memarg, ValType::F32, LoadKind::I32, 4),
            O::F64Load { memarg } => self.load(memarg, ValType::F64, LoadKind::I64, 8),
            O::I32Load8S { memarg } => self.load(memarg, ValType::I32, LoadKind::I8S32, 1),
            O::I32Load8U { memarg } => self.load(memarg, ValType::I32, LoadKind::I8U32, 1),
            O::I32Load16S { memarg } => self.load(memarg, ValType::I32, LoadKind::I16S32, 2),
            O::I32Load16U { memarg } => self.load(memarg, ValType::I32, LoadKind::I16U32, 2),
            O::I64Load8S { memarg } => self.load(memarg, ValType::I64, LoadKind::I8S64, 1),
            O::I64Load8U { memarg } => self.load(memarg, ValType::I64, LoadKind::I8U64, 1),
            O::I64Load16S { memarg } => self.load(memarg, ValType::I64, LoadKind::I16S64, 2),
            O::I64Load16U { memarg } => self.load(memarg, ValType::I64, LoadKind::I16U64, 2),
            O::I64Load32S { memarg } => self.load(memarg, ValType::I64, LoadKind::I32S64, 4),
            O::I64Load32U { memarg } => self.load(memarg, ValType::I64, LoadKind::I32, 4),
            O::I32Store { memarg } => self.store(memarg, StoreKind::I32, 4),
            O::I64Store { memarg } => self.store(memarg, StoreKind::I64, 8),
            O::F32Store { memarg } => self.store(memarg, StoreKind::I32, 4),
            O::F64Store { memarg } => self.store(memarg, StoreKind::I64, 8),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.store(memarg, StoreKind::I8, 1)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.store(memarg, StoreKind::I16, 2)
            }
            O::I64Store32 { memarg } => self.store(memarg, StoreKind::I32, 4),
            O::MemorySize { .. } => {
                let r = self.alloc_gpr();
                self.masm.int_op_imm(
                    IntOp::ShrU,
                    Width::W64,
                    r,
                    M::MEM_LEN,
                    i32::from(self.page_log2),
                );
                self.push(ValType::I32, Loc::Gpr(r));
            }
            O::MemoryGrow { .. } => {
                let (d, _) = self.pop_gpr();
                self.spill_all(true);
                self.masm.call_builtin(
                    off::BUILTIN_MEMORY_GROW as u32,
                    &[CallArg::Vmctx, CallArg::Reg(d)],
                );
                self.free_gpr(d);
                let l = self.unwind_label();
                self.masm
                    .branch_cmp_imm(IntCmp::Eq, Width::W64, M::RET, -1, l);
                self.reload_memory();
                let r = self.alloc_gpr();
                self.masm.mov(Width::W32, r, M::RET);
                self.push(ValType::I32, Loc::Gpr(r));
            }
            O::MemoryFill { .. } => {
                self.bulk(off::BUILTIN_MEMORY_FILL, &[], 3)?;
            }
            O::MemoryCopy { .. } => {
                self.bulk(off::BUILTIN_MEMORY_COPY, &[], 3)?;
            }
            O::MemoryInit { data_index, .. } => {
                self.bulk(off::BUILTIN_MEMORY_INIT, &[u64::from(data_index)], 3)?;
            }
            O::DataDrop { data_index } => {
                self.spill_all(true);
                self.masm.call_builtin(
                    off::BUILTIN_DATA_DROP as u32,
                    &[CallArg::Vmctx, CallArg::Imm(u64::from(data_index))],
                );
                self.reload_memory();
            }
            O::TableFill { table } => {
                self.bulk(off::BUILTIN_TABLE_FILL, &[u64::from(table)], 3)?;
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                self.bulk(
                    off::BUILTIN_TABLE_COPY,
                    &[u64::from(dst_table), u64::from(src_table)],
                    3,
                )?;
            }
            O::TableInit { elem_index, table } => {
                self.bulk(
                    off::BUILTIN_TABLE_INIT,
                    &[u64::from(table), u64::from(elem_index)],
                    3,
                )?;
            }
            O::ElemDrop { elem_index } => {
                self.spill_all(true);
                self.masm.call_builtin(
                    off::BUILTIN_ELEM_DROP as u32,
                    &[CallArg::Vmctx, CallArg::Imm(u64::from(elem_index))],
                );
                self.reload_memory();
            }
            O::TableGrow { table } => {
                // table.grow(init, delta) -> old | -1
                self.spill_all(false);
                let n = self.stack.len();
                let (init, delta) = (self.home(n - 2), self.home(n - 1));
                self.masm.call_builtin(
                    off::BUILTIN_TABLE_GROW as u32,
                    &[
                        CallArg::Vmctx,
                        CallArg::Imm(u64::from(table)),
                        CallArg::Slot(delta),
                        CallArg::Slot(init),
                    ],
                );
                let l = self.unwind_label();
                self.masm
                    .branch_cmp_imm(IntCmp::Eq, Width::W64, M::RET, -1, l);
                self.reload_memory();
                self.drop_top();
                self.drop_top();
                let r = self.alloc_gpr();
                self.masm.mov(Width::W32, r, M::RET);
                self.push(ValType::I32, Loc::Gpr(r));
            }
            O::TableSize { table } => {
                let t = self.table_ptr(table);
                self.masm
                    .load(LoadKind::I32, t, Addr::new(t, off::VMTABLE_LENGTH as i32));
                self.push(ValType::I32, Loc::Gpr(t));
            }
            O::TableGet { table } => {
                let ty = self.table_elem_type(table);
                let (i, _) = self.pop_gpr();
                let base = self.table_element(table, i, TrapCode::TableOutOfBounds);
                self.masm.load(LoadKind::I64, i, Addr::indexed(base, i, 0));
                self.free_gpr(base);
                self.push(ty, Loc::Gpr(i));
            }
            O::TableSet { table } => {
                let (v, _) = self.pop_gpr();
                let (i, _) = self.pop_gpr();
                let base = self.table_element(table, i, TrapCode::TableOutOfBounds);
                self.masm
                    .store(StoreKind::I64, v, Addr::indexed(base, i, 0));
                self.free_gpr(base);
                self.free_gpr(i);
                self.free_gpr(v);
            }
            O::RefNull { hty } => {
                let ty = if hty == wasmparser::HeapType::FUNC {
                    ValType::FuncRef
                } else {
                    ValType::ExternRef
                };
                self.push(ty, Loc::Const(0));
            }
            O::RefIsNull => {
                let (r, _) = self.pop_gpr();
                self.masm.cmp_set_imm(IntCmp::Eq, Width::W64, r, r, 0);
                self.push(ValType::I32, Loc::Gpr(r));
            }
            O::RefFunc { function_index } => {
                let r = self.func_ref(function_index);
                self.masm.load(
                    LoadKind::I32,
                    r,
                    Addr::new(r, off::FUNCREF_STORE_INDEX as i32),
                );
                self.masm.int_op_imm(IntOp::Add, Width::W64, r, r, 1);
                self.push(ValType::FuncRef, Loc::Gpr(r));
            }

            O::I32Const { value } => self.push(ValType::I32, Loc::Const(value as u32 as u64)),
            O::I64Const { value } => self.push(ValType::I64, Loc::Const(value as u64)),
            O::F32Const { value } => self.push(ValType::F32, Loc::Const(u64::from(value.bits()))),
            O::F64Const { value } => self.push(ValType::F64, Loc::Const(value.bits())),

            O::F32Eq => self.fcmp(FloatCmp::Eq, Width::W32),
            O::F32Ne => self.fcmp(FloatCmp::Ne, Width::W32),
            O::F32Lt => self.fcmp(FloatCmp::Lt, Width::W32),
            O::F32Gt => self.fcmp(FloatCmp::Gt, Width::W32),
            O::F32Le => self.fcmp(FloatCmp::Le, Width::W32),
            O::F32Ge => self.fcmp(FloatCmp::Ge, Width::W32),
            O::F64Eq => self.fcmp(FloatCmp::Eq, Width::W64),
            O::F64Ne => self.fcmp(FloatCmp::Ne, Width::W64),
            O::F64Lt => self.fcmp(FloatCmp::Lt, Width::W64),
            O::F64Gt => self.fcmp(FloatCmp::Gt, Width::W64),
            O::F64Le => self.fcmp(FloatCmp::Le, Width::W64),
            O::F64Ge => self.fcmp(FloatCmp::Ge, Width::W64),

            O::I32Clz => self.unary(IntUnary::Clz, ValType::I32),
            O::I32Ctz => self.unary(IntUnary::Ctz, ValType::I32),
            O::I32Popcnt => self.unary(IntUnary::Popcnt, ValType::I32),
            O::I64Clz => self.unary(IntUnary::Clz, ValType::I64),
            O::I64Ctz => self.unary(IntUnary::Ctz, ValType::I64),
            O::I64Popcnt => self.unary(IntUnary::Popcnt, ValType::I64),
            O::I32Add => self.binop(IntOp::Add, ValType::I32),
            O::I32Sub => self.binop(IntOp::Sub, ValType::I32),
            O::I32Mul => self.binop(IntOp::Mul, ValType::I32),
            O::I32And => self.binop(IntOp::And, ValType::I32),
            O::I32Or => self.binop(IntOp::Or, ValType::I32),
            O::I32Xor => self.binop(IntOp::Xor, ValType::I32),
            O::I32Shl => self.binop(IntOp::Shl, ValType::I32),
            O::I32ShrS => self.binop(IntOp::ShrS, ValType::I32),
            O::I32ShrU => self.binop(IntOp::ShrU, ValType::I32),
            O::I32Rotl => self.binop(IntOp::Rotl, ValType::I32),
            O::I32Rotr => self.binop(IntOp::Rotr, ValType::I32),
            O::I64Add => self.binop(IntOp::Add, ValType::I64),
            O::I64Sub => self.binop(IntOp::Sub, ValType::I64),
            O::I64Mul => self.binop(IntOp::Mul, ValType::I64),
            O::I64And => self.binop(IntOp::And, ValType::I64),
            O::I64Or => self.binop(IntOp::Or, ValType::I64),
            O::I64Xor => self.binop(IntOp::Xor, ValType::I64),
            O::I64Shl => self.binop(IntOp::Shl, ValType::I64),
            O::I64ShrS => self.binop(IntOp::ShrS, ValType::I64),
            O::I64ShrU => self.binop(IntOp::ShrU, ValType::I64),
            O::I64Rotl => self.binop(IntOp::Rotl, ValType::I64),
            O::I64Rotr => self.binop(IntOp::Rotr, ValType::I64),
            O::I32DivS => self.div(DivKind::DivS, Width::W32),
            O::I32DivU => self.div(DivKind::DivU, Width::W32),
            O::I32RemS => self.div(DivKind::RemS, Width::W32),
            O::I32RemU => self.div(DivKind::RemU, Width::W32),
            O::I64DivS => self.div(DivKind::DivS, Width::W64),
            O::I64DivU => self.div(DivKind::DivU, Width::W64),
            O::I64RemS => self.div(DivKind::RemS, Width::W64),
            O::I64RemU => self.div(DivKind::RemU, Width::W64),

            O::F32Abs => self.funary(FloatUnary::Abs, ValType::F32),
            O::F32Neg => self.funary(FloatUnary::Neg, ValType::F32),
            O::F32Ceil => self.funary(FloatUnary::Ceil, ValType::F32),
            O::F32Floor => self.funary(FloatUnary::Floor, ValType::F32),
            O::F32Trunc => self.funary(FloatUnary::Trunc, ValType::F32),
            O::F32Nearest => self.funary(FloatUnary::Nearest, ValType::F32),
            O::F32Sqrt => self.funary(FloatUnary::Sqrt, ValType::F32),
            O::F64Abs => self.funary(FloatUnary::Abs, ValType::F64),
            O::F64Neg => self.funary(FloatUnary::Neg, ValType::F64),
            O::F64Ceil => self.funary(FloatUnary::Ceil, ValType::F64),
            O::F64Floor => self.funary(FloatUnary::Floor, ValType::F64),
            O::F64Trunc => self.funary(FloatUnary::Trunc, ValType::F64),
            O::F64Nearest => self.funary(FloatUnary::Nearest, ValType::F64),
            O::F64Sqrt => self.funary(FloatUnary::Sqrt, ValType::F64),
            O::F32Add => self.fbinop(FloatOp::Add, ValType::F32),
            O::F32Sub => self.fbinop(FloatOp::Sub, ValType::F32),
            O::F32Mul => self.fbinop(FloatOp::Mul, ValType::F32),
            O::F32Div => self.fbinop(FloatOp::Div, ValType::F32),
            O::F32Min => self.fbinop(FloatOp::Min, ValType::F32),
            O::F32Max => self.fbinop(FloatOp::Max, ValType::F32),
            O::F32Copysign => self.fbinop(FloatOp::Copysign, ValType::F32),
            O::F64Add => self.fbinop(FloatOp::Add, ValType::F64),
            O::F64Sub => self.fbinop(FloatOp::Sub, ValType::F64),
            O::F64Mul => self.fbinop(FloatOp::Mul, ValType::F64),
            O::F64Div => self.fbinop(FloatOp::Div, ValType::F64),
            O::F64Min => self.fbinop(FloatOp::Min, ValType::F64),
            O::F64Max => self.fbinop(FloatOp::Max, ValType::F64),
            O::F64Copysign => self.fbinop(FloatOp::Copysign, ValType::F64),

            O::I32WrapI64 => {
                let (r, _) = self.pop_gpr();
                self.masm.mov(Width::W32, r, r);
                self.push(ValType::I32, Loc::Gpr(r));
            }
            O::I64ExtendI32S => self.extend(Extend::I32ToI64S, ValType::I64),
            O::I64ExtendI32U => self.extend(Extend::I32ToI64U, ValType::I64),
            O::I32Extend8S => self.extend(Extend::I8ToI32S, ValType::I32),
            O::I32Extend16S => self.extend(Extend::I16ToI32S, ValType::I32),
            O::I64Extend8S => self.extend(Extend::I8ToI64S, ValType::I64),
            O::I64Extend16S => self.extend(Extend::I16ToI64S, ValType::I64),
            O::I64Extend32S => self.extend(Extend::I32ToI64S, ValType::I64),
            O::I32TruncF32S => self.trunc(true, Width::W32, ValType::I32, false),
            O::I32TruncF32U => self.trunc(false, Width::W32, ValType::I32, false),
            O::I32TruncF64S => self.trunc(true, Width::W64, ValType::I32, false),
            O::I32TruncF64U => self.trunc(false, Width::W64, ValType::I32, false),
            O::I64TruncF32S => self.trunc(true, Width::W32, ValType::I64, false),
            O::I64TruncF32U => self.trunc(false, Width::W32, ValType::I64, false),
            O::I64TruncF64S => self.trunc(true, Width::W64, ValType::I64, false),
            O::I64TruncF64U => self.trunc(false, Width::W64, ValType::I64, false),
            O::I32TruncSatF32S => self.trunc(true, Width::W32, ValType::I32, true),
            O::I32TruncSatF32U => self.trunc(false, Width::W32, ValType::I32, true),
            O::I32TruncSatF64S => self.trunc(true, Width::W64, ValType::I32, true),
            O::I32TruncSatF64U => self.trunc(false, Width::W64, ValType::I32, true),
            O::I64TruncSatF32S => self.trunc(true, Width::W32, ValType::I64, true),
            O::I64TruncSatF32U => self.trunc(false, Width::W32, ValType::I64, true),
            O::I64TruncSatF64S => self.trunc(true, Width::W64, ValType::I64, true),
            O::I64TruncSatF64U => self.trunc(false, Width::W64, ValType::I64, true),
            O::F32ConvertI32S => self.convert(true, Width::W32, ValType::F32),
            O::F32ConvertI32U => self.convert(false, Width::W32, ValType::F32),
            O::F32ConvertI64S => self.convert(true, Width::W64, ValType::F32),
            O::F32ConvertI64U => self.convert(false, Width::W64, ValType::F32),
            O::F64ConvertI32S => self.convert(true, Width::W32, ValType::F64),
            O::F64ConvertI32U => self.convert(false, Width::W32, ValType::F64),
            O::F64ConvertI64S => self.convert(true, Width::W64, ValType::F64),
            O::F64ConvertI64U => self.convert(false, Width::W64, ValType::F64),
            O::F32DemoteF64 => {
                let (r, _) = self.pop_fpr();
                self.masm.float_convert(Width::W32, r, r);
                self.push(ValType::F32, Loc::Fpr(r));
            }
            O::F64PromoteF32 => {
                let (r, _) = self.pop_fpr();
                self.masm.float_convert(Width::W64, r, r);
                self.push(ValType::F64, Loc::Fpr(r));
            }
            O::I32ReinterpretF32 | O::I64ReinterpretF64 => {
                let ty = if matches!(op, O::I32ReinterpretF32) {
                    ValType::I32
                } else {
                    ValType::I64
                };
                let v = *self.stack.last().expect("validated");
                match v.loc {
                    // The bits are the same wherever they are not a register.
                    Loc::Const(_) | Loc::Local(_) | Loc::Home => {
                        self.stack.last_mut().expect("validated").ty = ty;
                    }
                    _ => {
                        let (f, _) = self.pop_fpr();
                        let r = self.alloc_gpr();
                        self.masm.float_to_bits(width(ty), r, f);
                        self.free_fpr(f);
                        self.push(ty, Loc::Gpr(r));
                    }
                }
            }
            O::F32ReinterpretI32 | O::F64ReinterpretI64 => {
                let ty = if matches!(op, O::F32ReinterpretI32) {
                    ValType::F32
                } else {
                    ValType::F64
                };
                let v = *self.stack.last().expect("validated");
                match v.loc {
                    Loc::Const(_) | Loc::Local(_) | Loc::Home => {
                        self.stack.last_mut().expect("validated").ty = ty;
                    }
                    _ => {
                        let (g, _) = self.pop_gpr();
                        let r = self.alloc_fpr();
                        self.masm.bits_to_float(width(ty), r, g);
                        self.free_gpr(g);
                        self.push(ty, Loc::Fpr(r));
                    }
                }
            }
            other => {
                #[cfg(feature = "simd")]
                if self.simd_op(&other)? {
                    return Ok(());
                }
                let name = format!("{other:?}");
                let name = name.split([' ', '{', '(']).next().unwrap_or("?");
                if is_simd(&other) {
                    return Err(CompileError::Refused(Refusal::new(
                        RefusalReason::Simd,
                        format!("operator {name}"),
                    )));
                }
                return Err(unsupported(format!("operator {name}")));
            }
        }
        Ok(())
    }

    /// An integer comparison followed by `br_if` or `if`, compiled as one
    /// compare-and-branch. Both operators count for fuel.
    fn fused(
        &mut self,
        cmp: IntCmp,
        w: Width,
        eqz: bool,
        next: Operator<'_>,
    ) -> Result<(), CompileError> {
        if let Some((_, n)) = &mut self.fuel {
            *n += 2;
        }
        let c = if eqz {
            Cond::Cmp(cmp, w, self.pop_gpr().0, Rhs::Imm(0))
        } else if let Some(imm) = self.top_imm() {
            self.stack.pop();
            Cond::Cmp(cmp, w, self.pop_gpr().0, Rhs::Imm(imm))
        } else {
            let (b, _) = self.pop_gpr();
            let (a, _) = self.pop_gpr();
            Cond::Cmp(cmp, w, a, Rhs::Reg(b))
        };
        match next {
            Operator::BrIf { relative_depth } => self.br_if(relative_depth, c),
            Operator::If { blockty } => self.open(Kind::If, blockty, Some(c))?,
            _ => unreachable!("only br_if and if fuse"),
        }
        Ok(())
    }

    /// Branches to `l` when `c` is `when`.
    fn branch_on(&mut self, c: Cond, when: bool, l: Label) {
        match c {
            Cond::NonZero(r) => {
                let cmp = if when { IntCmp::Ne } else { IntCmp::Eq };
                self.masm.branch_cmp_imm(cmp, Width::W32, r, 0, l);
            }
            Cond::Cmp(cmp, w, a, rhs) => {
                let cmp = if when { cmp } else { invert(cmp) };
                match rhs {
                    Rhs::Reg(b) => self.masm.branch_cmp(cmp, w, a, b, l),
                    Rhs::Imm(i) => self.masm.branch_cmp_imm(cmp, w, a, i, l),
                }
            }
        }
    }

    fn free_cond(&mut self, c: Cond) {
        match c {
            Cond::NonZero(r) | Cond::Cmp(_, _, r, Rhs::Imm(_)) => self.free_gpr(r),
            Cond::Cmp(_, _, a, Rhs::Reg(b)) => {
                self.free_gpr(a);
                self.free_gpr(b);
            }
        }
    }

    fn br_if(&mut self, relative_depth: u32, c: Cond) {
        self.spill_all(true);
        let f = &self.frames[self.frames.len() - 1 - relative_depth as usize];
        let (n, dst, target) = (f.branch_types().len(), f.height, f.target);
        let checked = f.kind == Kind::Loop && self.interruptible;
        let top = self.stack.len() - n;
        let in_place =
            !checked && top == dst && self.stack[top..].iter().all(|v| v.loc == Loc::Home);
        if in_place {
            self.branch_on(c, true, target);
            self.free_cond(c);
        } else {
            let skip = self.masm.new_label();
            self.branch_on(c, false, skip);
            self.free_cond(c);
            self.branch(relative_depth);
            self.masm.bind(skip);
        }
        self.start_block();
    }

    fn local_set(&mut self, l: u32, tee: bool) {
        // Entries that read the local's old value must take it first.
        for i in 0..self.stack.len() - 1 {
            if self.stack[i].loc == Loc::Local(l) {
                self.spill_at(i);
            }
        }
        let v = *self.stack.last().expect("validated: operand present");
        let slot = self.local_slot(l);
        match v.loc {
            Loc::Local(m) if m == l => {}
            Loc::Home => {
                let from = self.home(self.stack.len() - 1);
                self.copy_slots(from, slot, slots(v.ty));
            }
            _ => self.store_val_to(v, slot),
        }
        if tee {
            if !matches!(
                v.loc,
                Loc::Gpr(_) | Loc::Fpr(_) | Loc::Const(_) | Loc::VConst(_)
            ) {
                self.stack.last_mut().expect("validated").loc = Loc::Local(l);
            }
        } else {
            self.drop_top();
        }
    }

    fn global_ptr(&mut self, g: u32) -> Gpr {
        let p = self.alloc_gpr();
        self.masm.load(
            LoadKind::I64,
            p,
            Addr::new(M::VMCTX, off::VMCTX_GLOBALS as i32),
        );
        self.masm.load(LoadKind::I64, p, Addr::new(p, 8 * g as i32));
        p
    }

    fn table_ptr(&mut self, t: u32) -> Gpr {
        let p = self.alloc_gpr();
        self.masm.load(
            LoadKind::I64,
            p,
            Addr::new(M::VMCTX, off::VMCTX_TABLES as i32),
        );
        self.masm.load(LoadKind::I64, p, Addr::new(p, 8 * t as i32));
        p
    }

    fn table_elem_type(&self, t: u32) -> ValType {
        match self.env.tables()[t as usize].element {
            wasmbed_core::RefType::FuncRef => ValType::FuncRef,
            wasmbed_core::RefType::ExternRef => ValType::ExternRef,
        }
    }

    /// Bounds-checks index `i` (32 bits) against table `t`, traps with
    /// `code` beyond it, and leaves `i` scaled to a byte offset; returns
    /// the register holding the table's element base.
    fn table_element(&mut self, t: u32, i: Gpr, code: TrapCode) -> Gpr {
        let p = self.table_ptr(t);
        let len = self.tmp;
        self.masm
            .load(LoadKind::I32, len, Addr::new(p, off::VMTABLE_LENGTH as i32));
        let oob = self.trap_label(code);
        self.masm.branch_cmp(IntCmp::GeU, Width::W32, i, len, oob);
        self.masm
            .load(LoadKind::I64, p, Addr::new(p, off::VMTABLE_BASE as i32));
        self.masm.int_op_imm(IntOp::Shl, Width::W64, i, i, 3);
        p
    }

    fn func_ref(&mut self, f: u32) -> Gpr {
        let r = self.alloc_gpr();
        self.masm.load(
            LoadKind::I64,
            r,
            Addr::new(M::VMCTX, off::VMCTX_FUNC_REFS as i32),
        );
        self.masm.load(LoadKind::I64, r, Addr::new(r, 8 * f as i32));
        r
    }

    /// The effective address of a `size`-byte access at the popped index
    /// plus `offset`, bounds-checked: returns the index register (owned)
    /// and the displacement to use with `MEM_BASE`.
    fn address(&mut self, offset: u64, size: u32) -> (Gpr, i32) {
        let (idx, _) = self.pop_gpr();
        let end = offset + u64::from(size);
        let t = self.tmp;
        if end <= self.elide_bound {
            // Any 32-bit index plus this end stays inside the memory's
            // reservation: the access itself faults into the trap.
            self.fault_site = true;
            return match i32::try_from(offset) {
                Ok(d) => (idx, d),
                Err(_) => {
                    self.masm.mov_imm(t, offset);
                    self.masm.int_op(IntOp::Add, Width::W64, idx, idx, t);
                    (idx, 0)
                }
            };
        }
        if let Ok(e) = i32::try_from(end) {
            self.masm.lea(t, Addr::new(idx, e));
        } else {
            self.masm.mov_imm(t, end);
            self.masm.int_op(IntOp::Add, Width::W64, t, t, idx);
        }
        let oob = self.trap_label(TrapCode::MemoryOutOfBounds);
        self.masm
            .branch_cmp(IntCmp::GtU, Width::W64, t, M::MEM_LEN, oob);
        match i32::try_from(offset) {
            Ok(d) => (idx, d),
            Err(_) => {
                self.masm.mov_imm(t, offset);
                self.masm.int_op(IntOp::Add, Width::W64, idx, idx, t);
                (idx, 0)
            }
        }
    }

    /// Records the access about to be emitted as one that may fault into
    /// `MemoryOutOfBounds`, when `address` left its check to the guard.
    pub(super) fn mark_access(&mut self) {
        if core::mem::take(&mut self.fault_site) {
            self.traps.push(TrapSite {
                offset: self.masm.offset(),
                code: TrapCode::MemoryOutOfBounds,
                wasm_offset: self.pos,
            });
        }
    }

    fn load(&mut self, m: wasmparser::MemArg, ty: ValType, kind: LoadKind, size: u32) {
        let (idx, disp) = self.address(m.offset, size);
        let a = Addr::indexed(M::MEM_BASE, idx, disp);
        if is_float(ty) {
            let r = self.alloc_fpr();
            self.mark_access();
            self.masm.fload(width(ty), r, a);
            self.free_gpr(idx);
            self.push(ty, Loc::Fpr(r));
        } else {
            self.mark_access();
            self.masm.load(kind, idx, a);
            self.push(ty, Loc::Gpr(idx));
        }
    }

    fn store(&mut self, m: wasmparser::MemArg, kind: StoreKind, size: u32) {
        let v = *self.stack.last().expect("validated");
        if is_float(v.ty) {
            let (f, ty) = self.pop_fpr();
            let (idx, disp) = self.address(m.offset, size);
            self.mark_access();
            self.masm
                .fstore(width(ty), f, Addr::indexed(M::MEM_BASE, idx, disp));
            self.free_fpr(f);
            self.free_gpr(idx);
            return;
        }
        // `top_imm` answers only for constants.
        if let Some(imm) = self.top_imm() {
            self.stack.pop();
            let (idx, disp) = self.address(m.offset, size);
            self.mark_access();
            self.masm
                .store_imm(kind, imm, Addr::indexed(M::MEM_BASE, idx, disp));
            self.free_gpr(idx);
            return;
        }
        let (r, _) = self.pop_gpr();
        let (idx, disp) = self.address(m.offset, size);
        self.mark_access();
        self.masm
            .store(kind, r, Addr::indexed(M::MEM_BASE, idx, disp));
        self.free_gpr(idx);
        self.free_gpr(r);
    }

    /// A bulk builtin taking `(vmctx, imms..., the top n operands)` and
    /// returning a trap code (0: none).
    fn bulk(&mut self, builtin: usize, imms: &[u64], n: usize) -> Result<(), CompileError> {
        if 1 + imms.len() + n > 6 {
            return Err(unsupported("a builtin call with more than six arguments"));
        }
        self.spill_all(false);
        let top = self.stack.len() - n;
        let mut args = alloc::vec![CallArg::Vmctx];
        args.extend(imms.iter().map(|&i| CallArg::Imm(i)));
        for k in 0..n {
            args.push(CallArg::Slot(self.home(top + k)));
        }
        self.masm.call_builtin(builtin as u32, &args);
        self.check_builtin_status();
        self.reload_memory();
        for _ in 0..n {
            self.drop_top();
        }
        Ok(())
    }

    fn call(&mut self, f: u32) -> Result<(), CompileError> {
        let env = self.env;
        let ty = env.func_type(f);
        self.spill_all(false);
        let r = self.func_ref(f);
        // A function of this module: a direct call the linker resolves to
        // its code, or to a thunk into its `array_call` if it runs elsewhere.
        let direct = f
            .checked_sub(self.env.num_imported_funcs())
            .filter(|_| M::DIRECT_CALLS);
        self.call_ref(r, ty.params(), ty.results(), direct);
        Ok(())
    }

    /// Calls the function reference in `r` (owned) with the top values
    /// (all home) as the arguments of types `params`: through its array
    /// call, or directly to defined function `direct` of this module.
    fn call_ref(&mut self, r: Gpr, params: &[ValType], results: &[ValType], direct: Option<u32>) {
        let np = params.len();
        let base = self.stack.len() - np;
        let n = slots_of(params).max(slots_of(results));
        let end = self.home(base) + n;
        self.note_slots(end);
        let args = [
            CallArg::Reg(r),
            CallArg::Vmctx,
            CallArg::SlotAddr(self.home(base)),
            CallArg::Imm(n as u64),
        ];
        match direct {
            Some(callee) => {
                let offset = self.masm.call_relocated(&args);
                self.calls.push(CallSite { offset, callee });
            }
            None => self
                .masm
                .call_indirect(Addr::new(r, off::FUNCREF_ARRAY_CALL as i32), &args),
        }
        self.free_gpr(r);
        let l = self.unwind_label();
        self.masm
            .branch_cmp_imm(IntCmp::Ne, Width::W32, M::RET, 0, l);
        self.reload_memory();
        for _ in 0..np {
            self.drop_top();
        }
        for &t in results {
            self.push(t, Loc::Home);
        }
    }

    fn call_indirect(&mut self, type_index: u32, table: u32) -> Result<(), CompileError> {
        let env = self.env;
        let ty = &env.types()[type_index as usize];
        let (i, _) = self.pop_gpr();
        self.spill_all(false);
        let base = self.table_element(table, i, TrapCode::UndefinedElement);
        // The element: a store function index + 1, or 0 for null.
        self.masm.load(LoadKind::I64, i, Addr::indexed(base, i, 0));
        let null = self.trap_label(TrapCode::UninitializedElement);
        self.masm.branch_cmp_imm(IntCmp::Eq, Width::W64, i, 0, null);
        // base = store.func_refs[elem - 1]
        self.masm.load(
            LoadKind::I64,
            base,
            Addr::new(M::VMCTX, off::VMCTX_STORE as i32),
        );
        self.masm.load(
            LoadKind::I64,
            base,
            Addr::new(base, off::STORE_FUNC_REFS as i32),
        );
        self.masm.int_op_imm(IntOp::Shl, Width::W64, i, i, 3);
        self.masm
            .load(LoadKind::I64, base, Addr::indexed(base, i, -8));
        // The signature check: one compare against the module's type id.
        let t = self.tmp;
        self.masm.load(
            LoadKind::I64,
            t,
            Addr::new(M::VMCTX, off::VMCTX_TYPE_IDS as i32),
        );
        self.masm
            .load(LoadKind::I32, t, Addr::new(t, 4 * type_index as i32));
        self.masm.load(
            LoadKind::I32,
            i,
            Addr::new(base, off::FUNCREF_TYPE_ID as i32),
        );
        let bad = self.trap_label(TrapCode::BadSignature);
        self.masm.branch_cmp(IntCmp::Ne, Width::W32, i, t, bad);
        self.free_gpr(i);
        self.call_ref(base, ty.params(), ty.results(), None);
        Ok(())
    }

    fn eqz(&mut self, w: Width) {
        let (r, _) = self.pop_gpr();
        self.masm.cmp_set_imm(IntCmp::Eq, w, r, r, 0);
        self.push(ValType::I32, Loc::Gpr(r));
    }

    fn cmp(&mut self, c: IntCmp, w: Width) {
        if let Some(imm) = self.top_imm() {
            self.stack.pop();
            let (a, _) = self.pop_gpr();
            self.masm.cmp_set_imm(c, w, a, a, imm);
            self.push(ValType::I32, Loc::Gpr(a));
            return;
        }
        let (b, _) = self.pop_gpr();
        let (a, _) = self.pop_gpr();
        self.masm.cmp_set(c, w, a, a, b);
        self.free_gpr(b);
        self.push(ValType::I32, Loc::Gpr(a));
    }

    fn fcmp(&mut self, c: FloatCmp, w: Width) {
        let (b, _) = self.pop_fpr();
        let (a, _) = self.pop_fpr();
        let r = self.alloc_gpr();
        self.masm.float_cmp_set(c, w, r, a, b);
        self.free_fpr(a);
        self.free_fpr(b);
        self.push(ValType::I32, Loc::Gpr(r));
    }

    fn unary(&mut self, op: IntUnary, ty: ValType) {
        let (r, _) = self.pop_gpr();
        self.masm.int_unary(op, width(ty), r, r);
        self.push(ty, Loc::Gpr(r));
    }

    fn binop(&mut self, op: IntOp, ty: ValType) {
        if let Some(imm) = self.top_imm() {
            self.stack.pop();
            let (a, _) = self.pop_gpr();
            self.masm.int_op_imm(op, width(ty), a, a, imm);
            self.push(ty, Loc::Gpr(a));
            return;
        }
        let (b, _) = self.pop_gpr();
        let (a, _) = self.pop_gpr();
        self.masm.int_op(op, width(ty), a, a, b);
        self.free_gpr(b);
        self.push(ty, Loc::Gpr(a));
    }

    fn div(&mut self, kind: DivKind, w: Width) {
        let ty = if w == Width::W32 {
            ValType::I32
        } else {
            ValType::I64
        };
        let (b, _) = self.pop_gpr();
        let (a, _) = self.pop_gpr();
        let zero = self.trap_label(TrapCode::IntegerDivisionByZero);
        let overflow = self.trap_label(TrapCode::IntegerOverflow);
        self.masm.div(kind, w, a, a, b, zero, overflow);
        self.free_gpr(b);
        self.push(ty, Loc::Gpr(a));
    }

    fn funary(&mut self, op: FloatUnary, ty: ValType) {
        let (r, _) = self.pop_fpr();
        self.masm.float_unary(op, width(ty), r, r);
        self.push(ty, Loc::Fpr(r));
    }

    fn fbinop(&mut self, op: FloatOp, ty: ValType) {
        let (b, _) = self.pop_fpr();
        let (a, _) = self.pop_fpr();
        self.masm.float_op(op, width(ty), a, a, b);
        self.free_fpr(b);
        self.push(ty, Loc::Fpr(a));
    }

    fn extend(&mut self, kind: Extend, ty: ValType) {
        let (r, _) = self.pop_gpr();
        self.masm.extend(kind, r, r);
        self.push(ty, Loc::Gpr(r));
    }

    fn trunc(&mut self, signed: bool, from: Width, to: ValType, sat: bool) {
        let (f, _) = self.pop_fpr();
        let r = self.alloc_gpr();
        if sat {
            self.masm.float_to_int_sat(signed, from, width(to), r, f);
        } else {
            let invalid = self.trap_label(TrapCode::BadConversionToInteger);
            let overflow = self.trap_label(TrapCode::IntegerOverflow);
            self.masm
                .float_to_int(signed, from, width(to), r, f, invalid, overflow);
        }
        self.free_fpr(f);
        self.push(to, Loc::Gpr(r));
    }

    fn convert(&mut self, signed: bool, from: Width, to: ValType) {
        let (g, _) = self.pop_gpr();
        let r = self.alloc_fpr();
        self.masm.int_to_float(signed, from, width(to), r, g);
        self.free_gpr(g);
        self.push(to, Loc::Fpr(r));
    }
}
