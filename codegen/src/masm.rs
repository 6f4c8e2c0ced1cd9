//! The macro-assembler: the one interface between the ISA-neutral front end
//! (`func`) and an instruction set. It owns the shape of the operations the
//! front end may ask for; it must not know anything about WebAssembly's
//! operand stack, control frames or the VM ABI's structures beyond what its
//! methods are told.
//!
//! The operations are three-operand (`dst = a op b`), so that AArch64 and
//! RISC-V map one to one and x86-64 adds a `mov` where `dst != a`. Frames
//! have a fixed size known at the end of the function (the prologue's
//! reservation is patched), and bodies never push or pop, so every spill slot
//! has a fixed address relative to the frame pointer.
//!
//! Register contract:
//! - the front end allocates only [`MacroAssembler::ALLOCATABLE_GPRS`] and
//!   [`MacroAssembler::ALLOCATABLE_FPRS`]; an implementation is free to
//!   clobber its own scratch registers (any register outside those lists and
//!   the pinned ones) inside any method;
//! - [`MacroAssembler::VMCTX`], [`MacroAssembler::MEM_BASE`] and
//!   [`MacroAssembler::MEM_LEN`] are pinned, callee-saved registers the
//!   front end writes and reads but never allocates;
//! - calls ([`MacroAssembler::call_indirect`], [`MacroAssembler::call_builtin`])
//!   clobber every allocatable register: the front end spills first.
//!
//! Every method that takes a `dst` and sources accepts `dst` equal to any of
//! the sources.
use alloc::vec::Vec;

/// A general-purpose register, by its hardware number (x86-64: 0 = rax ...
/// 15 = r15; AArch64: 0 = x0 ... 30 = x30, 31 = sp where a method says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gpr(pub u8);

/// A floating-point/vector register, by its hardware number (xmm0..xmm15,
/// v0..v31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fpr(pub u8);

/// Operand width of integer and float operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// i32 / f32.
    W32,
    /// i64 / f64.
    W64,
}

/// A code position to branch to, created by [`MacroAssembler::new_label`]
/// and placed once by [`MacroAssembler::bind`] (before or after the
/// branches that use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label(pub u32);

/// A memory operand: `base + index + disp` (the index register's full 64
/// bits, unscaled), or `base + disp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addr {
    pub base: Gpr,
    pub index: Option<Gpr>,
    pub disp: i32,
}

impl Addr {
    /// `[base + disp]`.
    pub fn new(base: Gpr, disp: i32) -> Addr {
        Addr {
            base,
            index: None,
            disp,
        }
    }

    /// `[base + index + disp]`.
    pub fn indexed(base: Gpr, index: Gpr, disp: i32) -> Addr {
        Addr {
            base,
            index: Some(index),
            disp,
        }
    }
}

/// Integer comparisons (WebAssembly's, signed `S` and unsigned `U`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntCmp {
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

/// Float comparisons with WebAssembly's NaN rules: `Ne` is true when either
/// operand is NaN, every other comparison false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Binary integer operations. Shift and rotate counts are taken modulo the
/// width, as WebAssembly defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// Unary integer operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntUnary {
    Clz,
    Ctz,
    Popcnt,
}

/// Division and remainder. `RemS` of `MIN % -1` is 0 (no trap); `DivS` of
/// `MIN / -1` branches to the overflow label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DivKind {
    DivS,
    DivU,
    RemS,
    RemU,
}

/// Binary float operations with WebAssembly's semantics (`Min`/`Max`
/// propagate NaN and order -0 below +0; results that are NaN may be any
/// NaN, as the spec allows, but canonical where both inputs are
/// canonical).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// Unary float operations (`Nearest` rounds half to even).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatUnary {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// Loads into a general-purpose register. `I8S32` sign-extends a byte to
/// 32 bits (the upper 32 bits of the register are then zero), `I8S64` to
/// 64 bits, and so on; `I32` zero-extends to 64 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    I32,
    I64,
    I8S32,
    I8U32,
    I16S32,
    I16U32,
    I8S64,
    I8U64,
    I16S64,
    I16U64,
    I32S64,
}

/// Stores of a general-purpose register's low bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    I8,
    I16,
    I32,
    I64,
}

/// Sign and zero extensions within registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extend {
    /// i64.extend_i32_s.
    I32ToI64S,
    /// i64.extend_i32_u (also the zero-extension an address needs).
    I32ToI64U,
    /// i32.extend8_s (result 32 bits, upper half zero).
    I8ToI32S,
    /// i32.extend16_s.
    I16ToI32S,
    /// i64.extend8_s.
    I8ToI64S,
    /// i64.extend16_s.
    I16ToI64S,
    /// i64.extend32_s (same as `I32ToI64S`).
    I32ToI64S2,
}

/// A v128 lane shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VLane {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
}

/// How a lane is read out into a general-purpose register (`S`/`U`: sign-
/// or zero-extended to 32 bits; floats as their bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VExtract {
    I8S,
    I8U,
    I16S,
    I16U,
    I32,
    I64,
}

/// Binary v128 operations with WebAssembly's semantics. The lane is the
/// result's shape; for narrowing and extending operations (`Narrow*`,
/// `ExtMul*`) it is the result's too, the inputs having the other width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VBinOp {
    And,
    AndNot,
    Or,
    Xor,
    Add(VLane),
    Sub(VLane),
    Mul(VLane),
    AddSatS(VLane),
    AddSatU(VLane),
    SubSatS(VLane),
    SubSatU(VLane),
    MinS(VLane),
    MinU(VLane),
    MaxS(VLane),
    MaxU(VLane),
    AvgrU(VLane),
    /// Lane-wise integer comparison: all ones or all zeros.
    Cmp(VLane, IntCmp),
    /// Lane-wise float comparison (`Ne` true on NaN).
    FCmp(VLane, FloatCmp),
    /// Float arithmetic: `FloatOp::Copysign` is not used.
    F(VLane, FloatOp),
    Pmin(VLane),
    Pmax(VLane),
    NarrowS(VLane),
    NarrowU(VLane),
    ExtMulLowS(VLane),
    ExtMulHighS(VLane),
    ExtMulLowU(VLane),
    ExtMulHighU(VLane),
    /// i32x4.dot_i16x8_s.
    Dot,
    /// i16x8.q15mulr_sat_s.
    Q15MulrSat,
    /// i8x16.swizzle (indices >= 16 select 0).
    Swizzle,
}

/// Unary v128 operations. For extensions the lane is the result's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VUnOp {
    Not,
    Abs(VLane),
    Neg(VLane),
    /// i8x16.popcnt.
    Popcnt,
    /// Float unary operations (not `Abs`/`Neg`, which are above).
    F(VLane, FloatUnary),
    ExtendLowS(VLane),
    ExtendLowU(VLane),
    ExtendHighS(VLane),
    ExtendHighU(VLane),
    ExtAddPairwiseS(VLane),
    ExtAddPairwiseU(VLane),
    /// i32x4.trunc_sat_f32x4_s.
    TruncSatF32S,
    /// i32x4.trunc_sat_f32x4_u.
    TruncSatF32U,
    /// i32x4.trunc_sat_f64x2_s_zero.
    TruncSatF64SZero,
    /// i32x4.trunc_sat_f64x2_u_zero.
    TruncSatF64UZero,
    /// f32x4.convert_i32x4_s.
    ConvertS,
    /// f32x4.convert_i32x4_u.
    ConvertU,
    /// f64x2.convert_low_i32x4_s.
    ConvertLowS,
    /// f64x2.convert_low_i32x4_u.
    ConvertLowU,
    /// f32x4.demote_f64x2_zero.
    DemoteZero,
    /// f64x2.promote_low_f32x4.
    PromoteLow,
}

/// v128 lane shifts (count taken modulo the lane width).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VShift {
    Shl,
    ShrS,
    ShrU,
}

/// v128 reductions into a general-purpose register (0 or 1, or the mask).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VTest {
    AnyTrue,
    AllTrue(VLane),
    Bitmask(VLane),
}

/// An argument of a builtin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallArg {
    /// The pinned instance context.
    Vmctx,
    /// A constant.
    Imm(u64),
    /// A register's 64 bits. Only allocatable registers; the front end
    /// spills every allocatable register it does not pass before the call.
    Reg(Gpr),
    /// The 64-bit value in front-end frame slot `n` (see
    /// [`MacroAssembler::slot`]).
    Slot(u32),
    /// The address of front-end frame slot `n`.
    SlotAddr(u32),
}

/// Where the prologue's frame reservation is, for
/// [`MacroAssembler::patch_frame_size`].
#[derive(Debug, Clone, Copy)]
pub struct FramePatch(pub u32);

/// Where a patchable immediate is, for
/// [`MacroAssembler::patch_sub_imm`].
#[derive(Debug, Clone, Copy)]
pub struct ImmPatch(pub u32);

/// An instruction set's code emitter as the front end sees it.
pub trait MacroAssembler {
    /// Registers the front end may allocate for values.
    const ALLOCATABLE_GPRS: &'static [Gpr];
    /// Float registers the front end may allocate for values.
    const ALLOCATABLE_FPRS: &'static [Fpr];
    /// Pinned: the instance context (`VmContext*`) for the whole body.
    const VMCTX: Gpr;
    /// Pinned: memory 0's base address (reloaded by the front end after
    /// anything that may move it).
    const MEM_BASE: Gpr;
    /// Pinned: memory 0's length in bytes.
    const MEM_LEN: Gpr;
    /// The native stack pointer, usable as a source of `branch_cmp`.
    const SP: Gpr;
    /// The array call's arguments on entry (`callee`, `caller`, `slots`,
    /// `len`), in the host's C calling convention.
    const ARGS: [Gpr; 4];
    /// Where a call's (and the function's own) return value is.
    const RET: Gpr;

    /// Current code offset in bytes.
    fn offset(&self) -> u32;

    /// Pushes the frame: saves the frame pointer and every callee-saved
    /// register the body may use (the pinned ones included), and reserves
    /// a frame whose size [`patch_frame_size`](Self::patch_frame_size) sets
    /// later. The entry's argument registers ([`ARGS`](Self::ARGS)) are
    /// left intact.
    fn prologue(&mut self) -> FramePatch;
    /// Sets the frame reserved by the prologue to `slots` 8-byte slots
    /// (rounded up so the stack stays aligned for calls).
    fn patch_frame_size(&mut self, patch: FramePatch, slots: u32);
    /// Restores what the prologue saved and returns (the return value must
    /// already be in [`RET`](Self::RET)). May be emitted more than once.
    fn epilogue(&mut self);
    /// The address of front-end frame slot `n` (8 bytes each, `n <
    /// slots`); slot `n + 1` is 8 bytes above slot `n`, so consecutive slots
    /// form an array.
    fn slot(&self, n: u32) -> Addr;

    /// `dst = src` (W32 zero-extends into the upper half).
    fn mov(&mut self, w: Width, dst: Gpr, src: Gpr);
    /// `dst = imm`.
    fn mov_imm(&mut self, dst: Gpr, imm: u64);
    /// `dst = the address of addr`.
    fn lea(&mut self, dst: Gpr, addr: Addr);
    /// `dst = load(addr)`. Like every load and store here, a single
    /// instruction that accesses memory, emitted first: its offset is the
    /// one a fault at `addr` reports.
    fn load(&mut self, kind: LoadKind, dst: Gpr, addr: Addr);
    /// `store(addr) = src`.
    fn store(&mut self, kind: StoreKind, src: Gpr, addr: Addr);
    /// `store(addr) = imm` of `kind`'s width (the low bytes of `imm`).
    fn store_imm(&mut self, kind: StoreKind, imm: i32, addr: Addr);

    /// `dst = a op b`.
    fn int_op(&mut self, op: IntOp, w: Width, dst: Gpr, a: Gpr, b: Gpr);
    /// `dst = a op imm` (imm sign-extended to the width).
    fn int_op_imm(&mut self, op: IntOp, w: Width, dst: Gpr, a: Gpr, imm: i32);
    /// `dst = op(src)`.
    fn int_unary(&mut self, op: IntUnary, w: Width, dst: Gpr, src: Gpr);
    /// `dst = a / b` or `a % b`; branches to `div_by_zero` when `b == 0` and
    /// to `overflow` on `DivS` of `MIN / -1`.
    #[allow(clippy::too_many_arguments)]
    fn div(
        &mut self,
        kind: DivKind,
        w: Width,
        dst: Gpr,
        a: Gpr,
        b: Gpr,
        div_by_zero: Label,
        overflow: Label,
    );
    /// `dst = (a cmp b) as i32` (0 or 1).
    fn cmp_set(&mut self, cmp: IntCmp, w: Width, dst: Gpr, a: Gpr, b: Gpr);
    /// `dst = (a cmp imm) as i32`.
    fn cmp_set_imm(&mut self, cmp: IntCmp, w: Width, dst: Gpr, a: Gpr, imm: i32);
    /// `dst = extend(src)`.
    fn extend(&mut self, kind: Extend, dst: Gpr, src: Gpr);
    /// `dst = if cond (32 bits) != 0 { a } else { b }`.
    fn select(&mut self, w: Width, dst: Gpr, cond: Gpr, a: Gpr, b: Gpr);

    /// A fresh, unbound label.
    fn new_label(&mut self) -> Label;
    /// Places `label` here.
    fn bind(&mut self, label: Label);
    /// Jumps to `label`.
    fn jump(&mut self, label: Label);
    /// Branches to `label` if `a cmp b`.
    fn branch_cmp(&mut self, cmp: IntCmp, w: Width, a: Gpr, b: Gpr, label: Label);
    /// Branches to `label` if `a cmp imm`.
    fn branch_cmp_imm(&mut self, cmp: IntCmp, w: Width, a: Gpr, imm: i32, label: Label);
    /// Jumps to `targets[index]` (index as an unsigned 32-bit value), or to
    /// `default` when `index >= targets.len()`.
    fn jump_table(&mut self, index: Gpr, targets: &[Label], default: Label);

    /// `dst = src` (the whole register, v128 included).
    fn fmov(&mut self, dst: Fpr, src: Fpr);
    /// `dst = the float with bits imm` (W32: the low 32 bits).
    fn fconst(&mut self, w: Width, dst: Fpr, bits: u64);
    /// `dst = load(addr)` of a float of width `w`; the rest of the
    /// register becomes zero (`v128.load32_zero`/`load64_zero` and the
    /// extending loads rely on it).
    fn fload(&mut self, w: Width, dst: Fpr, addr: Addr);
    /// `store(addr) = src` of width `w`.
    fn fstore(&mut self, w: Width, src: Fpr, addr: Addr);
    /// `dst = a op b`.
    fn float_op(&mut self, op: FloatOp, w: Width, dst: Fpr, a: Fpr, b: Fpr);
    /// `dst = op(src)`.
    fn float_unary(&mut self, op: FloatUnary, w: Width, dst: Fpr, src: Fpr);
    /// `dst = (a cmp b) as i32`.
    fn float_cmp_set(&mut self, cmp: FloatCmp, w: Width, dst: Gpr, a: Fpr, b: Fpr);
    /// `dst = if cond (32 bits) != 0 { a } else { b }` (the whole register,
    /// so it also selects v128 values).
    fn fselect(&mut self, w: Width, dst: Fpr, cond: Gpr, a: Fpr, b: Fpr);
    /// `dst = bits of src` (f32 → i32 zero-extended, f64 → i64).
    fn float_to_bits(&mut self, w: Width, dst: Gpr, src: Fpr);
    /// `dst = float with the bits of src`.
    fn bits_to_float(&mut self, w: Width, dst: Fpr, src: Gpr);
    /// f32.demote_f64 (`to == W32`) or f64.promote_f32 (`to == W64`).
    fn float_convert(&mut self, to: Width, dst: Fpr, src: Fpr);
    /// `fN.convert_iM_s/u`: `dst` (width `to`) = `src` (width `from`).
    fn int_to_float(&mut self, signed: bool, from: Width, to: Width, dst: Fpr, src: Gpr);
    /// `iN.trunc_fM_s/u` (`to`, `from` widths): NaN branches to `invalid`,
    /// an out-of-range value to `overflow`.
    #[allow(clippy::too_many_arguments)]
    fn float_to_int(
        &mut self,
        signed: bool,
        from: Width,
        to: Width,
        dst: Gpr,
        src: Fpr,
        invalid: Label,
        overflow: Label,
    );
    /// `iN.trunc_sat_fM_s/u`: NaN gives 0, out-of-range values saturate.
    fn float_to_int_sat(&mut self, signed: bool, from: Width, to: Width, dst: Gpr, src: Fpr);

    /// `dst = load(addr)` of 16 bytes (any alignment).
    fn vload(&mut self, dst: Fpr, addr: Addr);
    /// `store(addr) = src` of 16 bytes (any alignment).
    fn vstore(&mut self, src: Fpr, addr: Addr);
    /// `dst = bits` (a v128 constant).
    fn vconst(&mut self, dst: Fpr, bits: u128);
    /// `dst = a op b`.
    fn vbinop(&mut self, op: VBinOp, dst: Fpr, a: Fpr, b: Fpr);
    /// `dst = op(src)`.
    fn vunop(&mut self, op: VUnOp, dst: Fpr, src: Fpr);
    /// `dst = a shifted by count` (count modulo the lane's bits).
    fn vshift(&mut self, op: VShift, lane: VLane, dst: Fpr, a: Fpr, count: Gpr);
    /// `dst = every lane src` (the low bits of `src`; floats as bits).
    fn vsplat(&mut self, lane: VLane, dst: Fpr, src: Gpr);
    /// `dst = lane idx of src`.
    fn vextract_lane(&mut self, kind: VExtract, idx: u8, dst: Gpr, src: Fpr);
    /// Lane `idx` of `dst` (in place) = the low bits of `src`.
    fn vreplace_lane(&mut self, lane: VLane, idx: u8, dst: Fpr, src: Gpr);
    /// i8x16.shuffle: `dst[i] = (a ++ b)[lanes[i]]` (`lanes[i] < 32`).
    fn vshuffle(&mut self, dst: Fpr, a: Fpr, b: Fpr, lanes: [u8; 16]);
    /// v128.bitselect: `dst = (a & mask) | (b & !mask)`.
    fn vbitselect(&mut self, dst: Fpr, a: Fpr, b: Fpr, mask: Fpr);
    /// any_true, all_true, bitmask.
    fn vtest(&mut self, op: VTest, dst: Gpr, src: Fpr);

    /// Calls the function whose address is stored at `target`, with the
    /// C calling convention's integer argument registers set from `args`
    /// (first to last). `target`'s registers are read before any argument
    /// is placed, and at most one argument is a [`CallArg::Reg`], so no
    /// placement can clobber a source another needs. The return value is
    /// in [`RET`](Self::RET) afterwards; every allocatable register is
    /// clobbered, the pinned ones are preserved.
    fn call_indirect(&mut self, target: Addr, args: &[CallArg]);
    /// Whether [`call_relocated`](Self::call_relocated) is implemented
    /// (else every call goes through [`call_indirect`](Self::call_indirect)).
    const DIRECT_CALLS: bool;
    /// A direct call, with the arguments of
    /// [`call_indirect`](Self::call_indirect), to a function of the same
    /// module that the backend's linker resolves; returns the site the
    /// linker patches (its meaning is the ISA's: x86-64, the offset of a
    /// `call rel32`'s displacement).
    fn call_relocated(&mut self, args: &[CallArg]) -> u32;
    /// A thunk that continues a call into `ARGS[0]->array_call` (the callee's
    /// function reference is the first argument): what the linker resolves
    /// a relocated call to when the callee is not compiled code.
    fn array_call_thunk(&mut self);

    /// Calls builtin number `offset` of the store's `VmBuiltins` table
    /// (`VmContext::store -> VmStoreContext::builtins -> [offset]`), with
    /// up to six `args`; as [`call_indirect`](Self::call_indirect)
    /// otherwise.
    fn call_builtin(&mut self, builtins_offset: u32, args: &[CallArg]);

    /// `dst = a - imm` (64 bits) with a 32-bit immediate written later by
    /// [`patch_sub_imm`](Self::patch_sub_imm): how a block's fuel cost is
    /// charged before the single pass has counted the block.
    fn sub_imm_patchable(&mut self, dst: Gpr, a: Gpr) -> ImmPatch;
    /// Sets the immediate of a [`sub_imm_patchable`](Self::sub_imm_patchable).
    fn patch_sub_imm(&mut self, patch: ImmPatch, imm: u32);

    /// The module-wide fault stub, entered from the platform's fault
    /// handler in place of a faulting memory access (its registers hold
    /// the trap code and the faulting pc, in this ISA's fault registers:
    /// x86-64 `rax`/`r11`, AArch64 `x16`/`x17`), on the faulting
    /// function's frame: calls the `fault` builtin with them, then returns
    /// `VM_UNWIND` through that function's epilogue.
    fn fault_stub(&mut self);

    /// A trap instruction that is never expected to run (after an
    /// unconditional trap call that cannot return, for instance).
    fn unreachable(&mut self);

    /// The finished code: position-independent, no relocations.
    fn finish(self) -> Vec<u8>;
}
