//! An A64 (AArch64) instruction encoder: one method per instruction form,
//! each appending one 32-bit little-endian word and returning its offset,
//! plus labels whose branches (`B`, `B.cond`, `CBZ`/`CBNZ`, `TBZ`/`TBNZ`)
//! are fixed up when the label is bound or at [`Asm::finish`].
//!
//! Written from the Arm Architecture Reference Manual's encoding tables
//! (section C4, "A64 Instruction Set Encoding"); every form is checked
//! against a disassembler in the tests.
//!
//! Register numbers are the hardware ones, 0..=31. Number 31 means `SP` or
//! the zero register depending on the form, exactly as in the manual: the
//! methods say which. `x` selects the 64-bit form (`sf = 1`, `Xn`) over the
//! 32-bit one (`Wn`).
use alloc::vec::Vec;

/// A general-purpose register number (0..=31).
pub type Reg = u8;
/// A SIMD/FP register number (0..=31).
pub type VReg = u8;

/// Register 31 in the forms that read it as the stack pointer.
pub const SP: Reg = 31;
/// Register 31 in the forms that read it as the zero register.
pub const ZR: Reg = 31;
/// The frame pointer.
pub const FP: Reg = 29;
/// The link register.
pub const LR: Reg = 30;

/// Condition codes (`cond` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    /// Unsigned `>=` (carry set).
    Hs = 2,
    /// Unsigned `<` (carry clear).
    Lo = 3,
    Mi = 4,
    Pl = 5,
    /// Overflow (and "unordered" after `FCMP`).
    Vs = 6,
    Vc = 7,
    /// Unsigned `>`.
    Hi = 8,
    /// Unsigned `<=`.
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
    Al = 14,
}

impl Cond {
    /// The opposite condition (not defined for `Al`).
    pub fn invert(self) -> Cond {
        assert!(self != Cond::Al, "AL has no inverse");
        Cond::from_bits(self as u8 ^ 1)
    }

    fn from_bits(b: u8) -> Cond {
        match b {
            0 => Cond::Eq,
            1 => Cond::Ne,
            2 => Cond::Hs,
            3 => Cond::Lo,
            4 => Cond::Mi,
            5 => Cond::Pl,
            6 => Cond::Vs,
            7 => Cond::Vc,
            8 => Cond::Hi,
            9 => Cond::Ls,
            10 => Cond::Ge,
            11 => Cond::Lt,
            12 => Cond::Gt,
            13 => Cond::Le,
            _ => Cond::Al,
        }
    }
}

/// The shift of a shifted-register operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Shift {
    Lsl = 0,
    Lsr = 1,
    Asr = 2,
    /// Logical instructions only.
    Ror = 3,
}

/// The extension of an extended-register operand (`option` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Ext {
    Uxtb = 0,
    Uxth = 1,
    Uxtw = 2,
    /// Also `LSL` in register-offset loads and stores.
    Uxtx = 3,
    Sxtb = 4,
    Sxth = 5,
    Sxtw = 6,
    Sxtx = 7,
}

/// Logical (shifted register) operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logic {
    And,
    Orr,
    Eor,
    /// `AND` setting flags (`TST` with the zero register as destination).
    Ands,
    /// `AND NOT`.
    Bic,
}

/// Two-source data processing (`opcode` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Op2 {
    Udiv = 0b00_0010,
    Sdiv = 0b00_0011,
    Lslv = 0b00_1000,
    Lsrv = 0b00_1001,
    Asrv = 0b00_1010,
    Rorv = 0b00_1011,
}

/// One-source data processing (`opcode` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Op1 {
    Rbit = 0b00_0000,
    Clz = 0b00_0100,
}

/// Integer load/store size and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mem {
    /// `STRB` / `LDRB` (zero-extends).
    B,
    H,
    W,
    X,
    /// `LDRSB` into a W register (upper half of the X register zero).
    Sb32,
    /// `LDRSB` into an X register.
    Sb64,
    Sh32,
    Sh64,
    /// `LDRSW` (always into an X register).
    Sw,
}

impl Mem {
    /// `(size, opc)` of a load (`opc` of a store is 0).
    fn size_opc(self) -> (u32, u32) {
        match self {
            Mem::B => (0, 1),
            Mem::H => (1, 1),
            Mem::W => (2, 1),
            Mem::X => (3, 1),
            Mem::Sb64 => (0, 2),
            Mem::Sb32 => (0, 3),
            Mem::Sh64 => (1, 2),
            Mem::Sh32 => (1, 3),
            Mem::Sw => (2, 2),
        }
    }

    /// log2 of the access size.
    pub fn scale(self) -> u32 {
        self.size_opc().0
    }
}

/// SIMD/FP load/store size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FMem {
    S,
    D,
    Q,
}

impl FMem {
    /// `(size, opc of a load)`.
    fn size_opc(self) -> (u32, u32) {
        match self {
            FMem::S => (2, 1),
            FMem::D => (3, 1),
            FMem::Q => (0, 3),
        }
    }

    /// log2 of the access size.
    pub fn scale(self) -> u32 {
        match self {
            FMem::S => 2,
            FMem::D => 3,
            FMem::Q => 4,
        }
    }
}

/// The addressing mode of `STP`/`LDP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairMode {
    /// `[rn], #imm`: access, then `rn += imm`.
    Post,
    /// `[rn, #imm]`.
    Offset,
    /// `[rn, #imm]!`: `rn += imm`, then access.
    Pre,
}

/// Scalar float binary operations (`opcode` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FOp2 {
    Mul = 0b0000,
    Div = 0b0001,
    Add = 0b0010,
    Sub = 0b0011,
    /// NaN-propagating, `-0 < +0`: WebAssembly's `max`.
    Max = 0b0100,
    /// NaN-propagating, `-0 < +0`: WebAssembly's `min`.
    Min = 0b0101,
}

/// Scalar float unary operations (`opcode` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FOp1 {
    Mov = 0b00_0000,
    Abs = 0b00_0001,
    Neg = 0b00_0010,
    Sqrt = 0b00_0011,
    /// Round to nearest, ties to even.
    Rintn = 0b00_1000,
    /// Toward +infinity (ceil).
    Rintp = 0b00_1001,
    /// Toward -infinity (floor).
    Rintm = 0b00_1010,
    /// Toward zero (trunc).
    Rintz = 0b00_1011,
}

/// Conversions between general-purpose and float registers (`rmode`,
/// `opcode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cvt {
    /// Float to signed integer, toward zero, saturating (NaN gives 0).
    Fcvtzs,
    /// Float to unsigned integer, toward zero, saturating (NaN gives 0).
    Fcvtzu,
    /// Signed integer to float.
    Scvtf,
    /// Unsigned integer to float.
    Ucvtf,
    /// The float register's bits into the general register (`FMOV`).
    FmovToGpr,
    /// The general register's bits into the float register (`FMOV`).
    FmovToFpr,
}

/// Vector three-same bitwise operations on all 128 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VLogic {
    And,
    Bic,
    Orr,
    Eor,
    /// `dst = (dst & n) | (!dst & m)`: the destination is the mask.
    Bsl,
}

/// Vector arrangement of integer lanes in a full 128-bit register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Lanes {
    B16 = 0,
    H8 = 1,
    S4 = 2,
    D2 = 3,
}

/// A branch target inside one [`Asm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label(pub u32);

/// The forms a label fixup patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BranchKind {
    /// `B`/`BL`: imm26 at bit 0.
    Imm26,
    /// `B.cond`, `CBZ`/`CBNZ`: imm19 at bit 5.
    Imm19,
    /// `TBZ`/`TBNZ`: imm14 at bit 5.
    Imm14,
    /// `ADR`: a 21-bit byte offset split into immlo (bits 29..31) and immhi
    /// (bits 5..24).
    Adr,
}

impl BranchKind {
    /// What the word at a branch encodes.
    fn of(word: u32) -> BranchKind {
        if word & 0x7c00_0000 == 0x1400_0000 {
            BranchKind::Imm26
        } else if word & 0x9f00_0000 == 0x1000_0000 {
            BranchKind::Adr
        } else if word & 0x7e00_0000 == 0x3600_0000 {
            BranchKind::Imm14
        } else {
            BranchKind::Imm19
        }
    }
}

/// The code buffer.
#[derive(Debug, Default)]
pub struct Asm {
    buf: Vec<u8>,
    labels: Vec<Option<u32>>,
    /// Branches to labels not yet bound: (branch offset, label).
    fixups: Vec<(u32, Label)>,
}

fn sf(x: bool) -> u32 {
    u32::from(x) << 31
}

fn r(reg: u8) -> u32 {
    assert!(reg < 32, "register number {reg} out of range");
    u32::from(reg)
}

impl Asm {
    pub fn new() -> Asm {
        Asm::default()
    }

    /// The current offset in bytes.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing has been emitted.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes so far (branches to unbound labels still hold 0).
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Appends one instruction word; returns its offset.
    pub fn emit(&mut self, word: u32) -> usize {
        let at = self.buf.len();
        self.buf.extend_from_slice(&word.to_le_bytes());
        at
    }

    /// The word at `at`.
    pub fn word(&self, at: usize) -> u32 {
        let b: [u8; 4] = self.buf[at..at + 4].try_into().expect("4 bytes");
        u32::from_le_bytes(b)
    }

    /// Replaces the word at `at`.
    pub fn set_word(&mut self, at: usize, word: u32) {
        self.buf[at..at + 4].copy_from_slice(&word.to_le_bytes());
    }

    // ------------------------------------------------------------ labels

    /// A fresh, unbound label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    /// Binds `label` here and patches the branches already emitted to it.
    pub fn bind(&mut self, label: Label) {
        let here = self.len() as u32;
        let slot = &mut self.labels[label.0 as usize];
        assert!(slot.is_none(), "label bound twice");
        *slot = Some(here);
        let mut i = 0;
        while i < self.fixups.len() {
            if self.fixups[i].1 == label {
                let (at, _) = self.fixups.swap_remove(i);
                self.patch_branch(at as usize, here);
            } else {
                i += 1;
            }
        }
    }

    /// Where `label` is bound, if it is.
    pub fn label_offset(&self, label: Label) -> Option<u32> {
        self.labels[label.0 as usize]
    }

    /// Emits `word` (a branch with a zero offset) aimed at `label`.
    fn branch_to(&mut self, word: u32, label: Label) -> usize {
        let at = self.emit(word);
        match self.labels[label.0 as usize] {
            Some(target) => self.patch_branch(at, target),
            None => self.fixups.push((at as u32, label)),
        }
        at
    }

    /// Points the branch (or `ADR`) at `at` to code offset `target`.
    /// Panics when the distance does not fit the form.
    pub fn patch_branch(&mut self, at: usize, target: u32) {
        let word = self.word(at);
        let delta = i64::from(target) - at as i64;
        let kind = BranchKind::of(word);
        let word = match kind {
            BranchKind::Adr => {
                assert!(
                    (-(1 << 20)..1 << 20).contains(&delta),
                    "ADR target out of range"
                );
                let d = delta as u32;
                (word & !((3 << 29) | (0x7_ffff << 5)))
                    | ((d & 3) << 29)
                    | (((d >> 2) & 0x7_ffff) << 5)
            }
            _ => {
                assert!(delta % 4 == 0, "misaligned branch target");
                let words = delta / 4;
                let (bits, shift) = match kind {
                    BranchKind::Imm26 => (26, 0),
                    BranchKind::Imm19 => (19, 5),
                    BranchKind::Imm14 => (14, 5),
                    BranchKind::Adr => unreachable!(),
                };
                let limit = 1i64 << (bits - 1);
                assert!(
                    (-limit..limit).contains(&words),
                    "branch target out of range for a {bits}-bit offset"
                );
                let mask = ((1u32 << bits) - 1) << shift;
                (word & !mask) | (((words as u32) << shift) & mask)
            }
        };
        self.set_word(at, word);
    }

    /// The code with every label branch resolved. Panics if a label used
    /// by a branch was never bound.
    pub fn finish(self) -> Vec<u8> {
        assert!(self.fixups.is_empty(), "branch to a label never bound");
        self.buf
    }

    // ---------------------------------------------------- integer ALU

    /// `ADD`/`SUB` (immediate), optionally setting flags: `rd = rn ± imm12
    /// (<< 12 when lsl12)`. `rn` 31 is SP; `rd` 31 is SP without flags,
    /// the zero register with them (`CMP`/`CMN`).
    #[allow(clippy::too_many_arguments)]
    pub fn add_sub_imm(
        &mut self,
        sub: bool,
        flags: bool,
        x: bool,
        rd: Reg,
        rn: Reg,
        imm12: u32,
        lsl12: bool,
    ) -> usize {
        assert!(imm12 < 4096, "immediate {imm12} does not fit 12 bits");
        self.emit(
            sf(x)
                | u32::from(sub) << 30
                | u32::from(flags) << 29
                | 0b10_0010 << 23
                | u32::from(lsl12) << 22
                | imm12 << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `ADD`/`SUB` (shifted register): `rd = rn ± (rm shift amount)`.
    /// Register 31 is the zero register everywhere (`NEG` is `SUB rd, ZR,
    /// rm`; `CMP` is `SUBS ZR, rn, rm`).
    #[allow(clippy::too_many_arguments)]
    pub fn add_sub_reg(
        &mut self,
        sub: bool,
        flags: bool,
        x: bool,
        rd: Reg,
        rn: Reg,
        rm: Reg,
        shift: Shift,
        amount: u32,
    ) -> usize {
        assert!(shift != Shift::Ror, "no ROR in add/sub");
        assert!(amount < if x { 64 } else { 32 }, "shift amount");
        self.emit(
            sf(x)
                | u32::from(sub) << 30
                | u32::from(flags) << 29
                | 0b0_1011 << 24
                | (shift as u32) << 22
                | r(rm) << 16
                | amount << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `ADD`/`SUB` (extended register): `rd = rn ± (ext(rm) << amount)`.
    /// `rn` 31 is SP (so `CMP SP, Xm` is this form); `rd` 31 is SP without
    /// flags, the zero register with them.
    #[allow(clippy::too_many_arguments)]
    pub fn add_sub_ext(
        &mut self,
        sub: bool,
        flags: bool,
        x: bool,
        rd: Reg,
        rn: Reg,
        rm: Reg,
        ext: Ext,
        amount: u32,
    ) -> usize {
        assert!(amount <= 4, "extended-register shift is 0..=4");
        self.emit(
            sf(x)
                | u32::from(sub) << 30
                | u32::from(flags) << 29
                | 0b0_1011 << 24
                | 1 << 21
                | r(rm) << 16
                | (ext as u32) << 13
                | amount << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `CMP rn, rm` (`SUBS ZR, rn, rm`); registers 31 are the zero
    /// register: use [`add_sub_ext`](Self::add_sub_ext) for SP.
    pub fn cmp(&mut self, x: bool, rn: Reg, rm: Reg) -> usize {
        self.add_sub_reg(true, true, x, ZR, rn, rm, Shift::Lsl, 0)
    }

    /// `CMP rn, #imm12` (`rn` 31 is SP).
    pub fn cmp_imm(&mut self, x: bool, rn: Reg, imm12: u32) -> usize {
        self.add_sub_imm(true, true, x, ZR, rn, imm12, false)
    }

    /// `CMN rn, #imm12`: compares with `-imm12`.
    pub fn cmn_imm(&mut self, x: bool, rn: Reg, imm12: u32) -> usize {
        self.add_sub_imm(false, true, x, ZR, rn, imm12, false)
    }

    /// Logical (shifted register): `rd = rn op (rm shift amount)`;
    /// registers 31 are the zero register (`MOV rd, rm` is `ORR rd, ZR,
    /// rm`).
    #[allow(clippy::too_many_arguments)]
    pub fn logic_reg(
        &mut self,
        op: Logic,
        x: bool,
        rd: Reg,
        rn: Reg,
        rm: Reg,
        shift: Shift,
        amount: u32,
    ) -> usize {
        assert!(amount < if x { 64 } else { 32 }, "shift amount");
        let (opc, n) = match op {
            Logic::And => (0, 0),
            Logic::Bic => (0, 1),
            Logic::Orr => (1, 0),
            Logic::Eor => (2, 0),
            Logic::Ands => (3, 0),
        };
        self.emit(
            sf(x)
                | opc << 29
                | 0b0_1010 << 24
                | (shift as u32) << 22
                | n << 21
                | r(rm) << 16
                | amount << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `MOV rd, rm` between general registers (not SP: use `ADD rd, rn,
    /// #0` for that). The 32-bit form zeroes the upper half.
    pub fn mov(&mut self, x: bool, rd: Reg, rm: Reg) -> usize {
        self.logic_reg(Logic::Orr, x, rd, ZR, rm, Shift::Lsl, 0)
    }

    /// `MOV` to or from SP (`ADD rd, rn, #0`).
    pub fn mov_sp(&mut self, rd: Reg, rn: Reg) -> usize {
        self.add_sub_imm(false, false, true, rd, rn, 0, false)
    }

    /// `MADD rd, rn, rm, ra` (`rd = ra + rn * rm`); `MUL` with `ra` = ZR.
    pub fn madd(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg, ra: Reg) -> usize {
        self.emit(sf(x) | 0b1_1011 << 24 | r(rm) << 16 | r(ra) << 10 | r(rn) << 5 | r(rd))
    }

    /// `MSUB rd, rn, rm, ra` (`rd = ra - rn * rm`).
    pub fn msub(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg, ra: Reg) -> usize {
        self.emit(sf(x) | 0b1_1011 << 24 | r(rm) << 16 | 1 << 15 | r(ra) << 10 | r(rn) << 5 | r(rd))
    }

    /// `MUL rd, rn, rm`.
    pub fn mul(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg) -> usize {
        self.madd(x, rd, rn, rm, ZR)
    }

    /// Two-source data processing: `SDIV`, `UDIV`, `LSLV`, `LSRV`, `ASRV`,
    /// `RORV` (`rd = rn op rm`; shifts take `rm` modulo the width).
    pub fn op2(&mut self, op: Op2, x: bool, rd: Reg, rn: Reg, rm: Reg) -> usize {
        self.emit(sf(x) | 0b1101_0110 << 21 | r(rm) << 16 | (op as u32) << 10 | r(rn) << 5 | r(rd))
    }

    /// One-source data processing: `CLZ`, `RBIT`.
    pub fn op1(&mut self, op: Op1, x: bool, rd: Reg, rn: Reg) -> usize {
        self.emit(sf(x) | 1 << 30 | 0b1101_0110 << 21 | (op as u32) << 10 | r(rn) << 5 | r(rd))
    }

    /// `SBFM`/`UBFM` (bitfield move); `SXTB`/`SXTH`/`SXTW`, `LSL`/`LSR`/
    /// `ASR` by an immediate and `UBFX` are aliases of these.
    pub fn bfm(&mut self, signed: bool, x: bool, rd: Reg, rn: Reg, immr: u32, imms: u32) -> usize {
        let bits = if x { 64 } else { 32 };
        assert!(immr < bits && imms < bits, "bitfield positions");
        let opc = if signed { 0 } else { 2 };
        self.emit(
            sf(x)
                | opc << 29
                | 0b10_0110 << 23
                | u32::from(x) << 22
                | immr << 16
                | imms << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `CSEL rd, rn, rm, cond` (`rd = cond ? rn : rm`).
    pub fn csel(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg, cond: Cond) -> usize {
        self.cond_select(x, 0, 0, rd, rn, rm, cond)
    }

    /// `CSINC rd, rn, rm, cond` (`rd = cond ? rn : rm + 1`).
    pub fn csinc(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg, cond: Cond) -> usize {
        self.cond_select(x, 0, 1, rd, rn, rm, cond)
    }

    /// `CSINV rd, rn, rm, cond` (`rd = cond ? rn : !rm`).
    pub fn csinv(&mut self, x: bool, rd: Reg, rn: Reg, rm: Reg, cond: Cond) -> usize {
        self.cond_select(x, 1, 0, rd, rn, rm, cond)
    }

    #[allow(clippy::too_many_arguments)]
    fn cond_select(
        &mut self,
        x: bool,
        op: u32,
        op2: u32,
        rd: Reg,
        rn: Reg,
        rm: Reg,
        cond: Cond,
    ) -> usize {
        self.emit(
            sf(x)
                | op << 30
                | 0b1101_0100 << 21
                | r(rm) << 16
                | (cond as u32) << 12
                | op2 << 10
                | r(rn) << 5
                | r(rd),
        )
    }

    /// `CSET rd, cond` (`rd = cond as 0/1`).
    pub fn cset(&mut self, x: bool, rd: Reg, cond: Cond) -> usize {
        self.csinc(x, rd, ZR, ZR, cond.invert())
    }

    /// `CSETM rd, cond` (`rd = cond ? all ones : 0`).
    pub fn csetm(&mut self, x: bool, rd: Reg, cond: Cond) -> usize {
        self.csinv(x, rd, ZR, ZR, cond.invert())
    }

    /// `MOVZ rd, #imm16, LSL #(16 * hw)`.
    pub fn movz(&mut self, x: bool, rd: Reg, imm16: u16, hw: u32) -> usize {
        self.move_wide(2, x, rd, imm16, hw)
    }

    /// `MOVN rd, #imm16, LSL #(16 * hw)` (`rd = !(imm16 << 16 * hw)`).
    pub fn movn(&mut self, x: bool, rd: Reg, imm16: u16, hw: u32) -> usize {
        self.move_wide(0, x, rd, imm16, hw)
    }

    /// `MOVK rd, #imm16, LSL #(16 * hw)` (replaces that halfword only).
    pub fn movk(&mut self, x: bool, rd: Reg, imm16: u16, hw: u32) -> usize {
        self.move_wide(3, x, rd, imm16, hw)
    }

    fn move_wide(&mut self, opc: u32, x: bool, rd: Reg, imm16: u16, hw: u32) -> usize {
        assert!(hw < if x { 4 } else { 2 }, "halfword position");
        self.emit(sf(x) | opc << 29 | 0b10_0101 << 23 | hw << 21 | u32::from(imm16) << 5 | r(rd))
    }

    /// Rewrites the 16-bit immediate of the `MOVZ`/`MOVN`/`MOVK` at `at`.
    pub fn patch_move_wide(&mut self, at: usize, imm16: u16) {
        let word = self.word(at);
        assert_eq!(
            word & 0x1f80_0000,
            0x1280_0000,
            "not a move-wide instruction"
        );
        self.set_word(at, (word & !(0xffff << 5)) | u32::from(imm16) << 5);
    }

    /// `rd = imm` (the low 32 bits when `!x`) in one to four instructions:
    /// `MOVZ` (or `MOVN` when most halfwords are all ones) for the first
    /// halfword that needs one, `MOVK` for each other.
    pub fn mov_imm(&mut self, x: bool, rd: Reg, imm: u64) {
        let halves = if x { 4 } else { 2 };
        let imm = if x { imm } else { imm & 0xffff_ffff };
        let half = |i: u32| (imm >> (16 * i)) as u16;
        let zeros = (0..halves).filter(|&i| half(i) == 0).count();
        let ones = (0..halves).filter(|&i| half(i) == 0xffff).count();
        let inverted = ones > zeros;
        let background = if inverted { 0xffff } else { 0 };
        let mut first = true;
        for i in 0..halves {
            let h = half(i);
            if h == background {
                continue;
            }
            if first {
                if inverted {
                    self.movn(x, rd, !h, i);
                } else {
                    self.movz(x, rd, h, i);
                }
                first = false;
            } else {
                self.movk(x, rd, h, i);
            }
        }
        if first {
            if inverted {
                self.movn(x, rd, 0, 0);
            } else {
                self.movz(x, rd, 0, 0);
            }
        }
    }

    // ------------------------------------------------------ loads/stores

    /// `LDR`/`LDRB`/`LDRSW`... (unsigned immediate): `rt = [rn + offset]`,
    /// `offset` a multiple of the access size below 4096 times it. `rn` 31
    /// is SP.
    pub fn ldr_imm(&mut self, kind: Mem, rt: Reg, rn: Reg, offset: u32) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_imm(size, 0, opc, rt, rn, offset, size)
    }

    /// `STR`/`STRB`/`STRH` (unsigned immediate); `rt` 31 stores zero.
    pub fn str_imm(&mut self, kind: Mem, rt: Reg, rn: Reg, offset: u32) -> usize {
        let (size, _) = kind.size_opc();
        self.ls_imm(size, 0, 0, rt, rn, offset, size)
    }

    /// `LDR St/Dt/Qt, [rn, #offset]` (the rest of the vector register
    /// becomes zero).
    pub fn fldr_imm(&mut self, kind: FMem, vt: VReg, rn: Reg, offset: u32) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_imm(size, 1, opc, vt, rn, offset, kind.scale())
    }

    /// `STR St/Dt/Qt, [rn, #offset]`.
    pub fn fstr_imm(&mut self, kind: FMem, vt: VReg, rn: Reg, offset: u32) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_imm(size, 1, opc - 1, vt, rn, offset, kind.scale())
    }

    #[allow(clippy::too_many_arguments)]
    fn ls_imm(
        &mut self,
        size: u32,
        v: u32,
        opc: u32,
        rt: u8,
        rn: Reg,
        offset: u32,
        scale: u32,
    ) -> usize {
        assert!(offset % (1 << scale) == 0, "unaligned offset {offset}");
        let imm12 = offset >> scale;
        assert!(imm12 < 4096, "offset {offset} does not fit 12 bits scaled");
        self.emit(
            size << 30
                | 0b111 << 27
                | v << 26
                | 1 << 24
                | opc << 22
                | imm12 << 10
                | r(rn) << 5
                | r(rt),
        )
    }

    /// `LDUR`-family (unscaled signed 9-bit offset): `rt = [rn + offset]`
    /// for `-256 <= offset < 256`.
    pub fn ldur(&mut self, kind: Mem, rt: Reg, rn: Reg, offset: i32) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_unscaled(size, 0, opc, rt, rn, offset)
    }

    /// `STUR`-family (unscaled signed 9-bit offset).
    pub fn stur(&mut self, kind: Mem, rt: Reg, rn: Reg, offset: i32) -> usize {
        let (size, _) = kind.size_opc();
        self.ls_unscaled(size, 0, 0, rt, rn, offset)
    }

    fn ls_unscaled(&mut self, size: u32, v: u32, opc: u32, rt: u8, rn: Reg, offset: i32) -> usize {
        assert!(
            (-256..256).contains(&offset),
            "offset {offset} does not fit 9 bits"
        );
        self.emit(
            size << 30
                | 0b111 << 27
                | v << 26
                | opc << 22
                | ((offset as u32) & 0x1ff) << 12
                | r(rn) << 5
                | r(rt),
        )
    }

    /// `LDR`-family (register offset): `rt = [rn + ext(rm) (<< size when
    /// scaled)]`. `ext` is `Uxtw`, `Uxtx` (LSL), `Sxtw` or `Sxtx`; `rn` 31
    /// is SP, `rm` 31 the zero register.
    pub fn ldr_reg(
        &mut self,
        kind: Mem,
        rt: Reg,
        rn: Reg,
        rm: Reg,
        ext: Ext,
        scaled: bool,
    ) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_reg(size, 0, opc, rt, rn, rm, ext, scaled)
    }

    /// `STR`-family (register offset).
    pub fn str_reg(
        &mut self,
        kind: Mem,
        rt: Reg,
        rn: Reg,
        rm: Reg,
        ext: Ext,
        scaled: bool,
    ) -> usize {
        let (size, _) = kind.size_opc();
        self.ls_reg(size, 0, 0, rt, rn, rm, ext, scaled)
    }

    /// `LDR St/Dt/Qt, [rn, rm{, ext}]`.
    pub fn fldr_reg(&mut self, kind: FMem, vt: VReg, rn: Reg, rm: Reg, ext: Ext) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_reg(size, 1, opc, vt, rn, rm, ext, false)
    }

    /// `STR St/Dt/Qt, [rn, rm{, ext}]`.
    pub fn fstr_reg(&mut self, kind: FMem, vt: VReg, rn: Reg, rm: Reg, ext: Ext) -> usize {
        let (size, opc) = kind.size_opc();
        self.ls_reg(size, 1, opc - 1, vt, rn, rm, ext, false)
    }

    #[allow(clippy::too_many_arguments)]
    fn ls_reg(
        &mut self,
        size: u32,
        v: u32,
        opc: u32,
        rt: u8,
        rn: Reg,
        rm: Reg,
        ext: Ext,
        scaled: bool,
    ) -> usize {
        assert!(
            matches!(ext, Ext::Uxtw | Ext::Uxtx | Ext::Sxtw | Ext::Sxtx),
            "register offsets extend by UXTW, LSL, SXTW or SXTX"
        );
        self.emit(
            size << 30
                | 0b111 << 27
                | v << 26
                | opc << 22
                | 1 << 21
                | r(rm) << 16
                | (ext as u32) << 13
                | u32::from(scaled) << 12
                | 0b10 << 10
                | r(rn) << 5
                | r(rt),
        )
    }

    /// `STP rt, rt2` of X registers, `offset` a multiple of 8 in
    /// `-512..=504`; `rn` 31 is SP.
    pub fn stp(&mut self, mode: PairMode, rt: Reg, rt2: Reg, rn: Reg, offset: i32) -> usize {
        self.pair(false, mode, rt, rt2, rn, offset)
    }

    /// `LDP rt, rt2` of X registers.
    pub fn ldp(&mut self, mode: PairMode, rt: Reg, rt2: Reg, rn: Reg, offset: i32) -> usize {
        self.pair(true, mode, rt, rt2, rn, offset)
    }

    fn pair(
        &mut self,
        load: bool,
        mode: PairMode,
        rt: Reg,
        rt2: Reg,
        rn: Reg,
        offset: i32,
    ) -> usize {
        assert!(
            offset % 8 == 0 && (-512..512).contains(&offset),
            "pair offset {offset}"
        );
        let mode = match mode {
            PairMode::Post => 1,
            PairMode::Offset => 2,
            PairMode::Pre => 3,
        };
        self.emit(
            0b10 << 30
                | 0b101 << 27
                | mode << 23
                | u32::from(load) << 22
                | (((offset / 8) as u32) & 0x7f) << 15
                | r(rt2) << 10
                | r(rn) << 5
                | r(rt),
        )
    }

    // ---------------------------------------------------------- branches

    /// `B label`.
    pub fn b(&mut self, label: Label) -> usize {
        self.branch_to(0x1400_0000, label)
    }

    /// `B.cond label`.
    pub fn b_cond(&mut self, cond: Cond, label: Label) -> usize {
        self.branch_to(0x5400_0000 | cond as u32, label)
    }

    /// `CBZ rt, label` (`nonzero`: `CBNZ`).
    pub fn cbz(&mut self, nonzero: bool, x: bool, rt: Reg, label: Label) -> usize {
        self.branch_to(
            sf(x) | 0x3400_0000 | u32::from(nonzero) << 24 | r(rt),
            label,
        )
    }

    /// `TBZ rt, #bit, label` (`nonzero`: `TBNZ`).
    pub fn tbz(&mut self, nonzero: bool, rt: Reg, bit: u32, label: Label) -> usize {
        assert!(bit < 64, "bit number");
        self.branch_to(
            (bit >> 5) << 31 | 0x3600_0000 | u32::from(nonzero) << 24 | (bit & 31) << 19 | r(rt),
            label,
        )
    }

    /// `ADR rd, label` (pc-relative address, +-1 MiB).
    pub fn adr(&mut self, rd: Reg, label: Label) -> usize {
        self.branch_to(0x1000_0000 | r(rd), label)
    }

    /// `BR rn`.
    pub fn br(&mut self, rn: Reg) -> usize {
        self.emit(0xd61f_0000 | r(rn) << 5)
    }

    /// `BLR rn`.
    pub fn blr(&mut self, rn: Reg) -> usize {
        self.emit(0xd63f_0000 | r(rn) << 5)
    }

    /// `RET` (to x30).
    pub fn ret(&mut self) -> usize {
        self.emit(0xd65f_0000 | r(LR) << 5)
    }

    /// `BRK #imm16`.
    pub fn brk(&mut self, imm16: u16) -> usize {
        self.emit(0xd420_0000 | u32::from(imm16) << 5)
    }

    // ----------------------------------------------------- scalar float

    /// `ftype`: single (0) or double (1).
    fn ftype(double: bool) -> u32 {
        u32::from(double) << 22
    }

    /// `FADD`/`FSUB`/`FMUL`/`FDIV`/`FMIN`/`FMAX` (scalar): `vd = vn op vm`.
    pub fn fop2(&mut self, op: FOp2, double: bool, vd: VReg, vn: VReg, vm: VReg) -> usize {
        self.emit(
            0x1e20_0800 | Asm::ftype(double) | r(vm) << 16 | (op as u32) << 12 | r(vn) << 5 | r(vd),
        )
    }

    /// `FMOV`/`FABS`/`FNEG`/`FSQRT`/`FRINT*` (scalar).
    pub fn fop1(&mut self, op: FOp1, double: bool, vd: VReg, vn: VReg) -> usize {
        self.emit(0x1e20_4000 | Asm::ftype(double) | (op as u32) << 15 | r(vn) << 5 | r(vd))
    }

    /// `FCVT`: single to double (`to_double`) or double to single.
    pub fn fcvt(&mut self, to_double: bool, vd: VReg, vn: VReg) -> usize {
        let opc = 0b00_0100 | u32::from(to_double);
        self.emit(0x1e20_4000 | Asm::ftype(!to_double) | opc << 15 | r(vn) << 5 | r(vd))
    }

    /// `FCMP vn, vm` (unordered sets C and V).
    pub fn fcmp(&mut self, double: bool, vn: VReg, vm: VReg) -> usize {
        self.emit(0x1e20_2000 | Asm::ftype(double) | r(vm) << 16 | r(vn) << 5)
    }

    /// `FCMP vn, #0.0`.
    pub fn fcmp_zero(&mut self, double: bool, vn: VReg) -> usize {
        self.emit(0x1e20_2008 | Asm::ftype(double) | r(vn) << 5)
    }

    /// `FCSEL vd, vn, vm, cond` (scalar: the rest of `vd` becomes zero).
    pub fn fcsel(&mut self, double: bool, vd: VReg, vn: VReg, vm: VReg, cond: Cond) -> usize {
        self.emit(
            0x1e20_0c00
                | Asm::ftype(double)
                | r(vm) << 16
                | (cond as u32) << 12
                | r(vn) << 5
                | r(vd),
        )
    }

    /// Conversions between a general register (width `x`) and a scalar
    /// float register (`double`). For the `FMOV` forms `x` must equal
    /// `double`.
    pub fn cvt(&mut self, op: Cvt, x: bool, double: bool, rd: u8, rn: u8) -> usize {
        let (rmode, opcode) = match op {
            Cvt::Fcvtzs => (3, 0),
            Cvt::Fcvtzu => (3, 1),
            Cvt::Scvtf => (0, 2),
            Cvt::Ucvtf => (0, 3),
            Cvt::FmovToGpr => (0, 6),
            Cvt::FmovToFpr => (0, 7),
        };
        if matches!(op, Cvt::FmovToGpr | Cvt::FmovToFpr) {
            assert_eq!(x, double, "FMOV moves W<->S or X<->D");
        }
        self.emit(
            sf(x)
                | 0x1e20_0000
                | Asm::ftype(double)
                | rmode << 19
                | opcode << 16
                | r(rn) << 5
                | r(rd),
        )
    }

    // ------------------------------------------------------------ vector

    /// Bitwise operations on whole 128-bit registers (`MOV vd.16b, vn.16b`
    /// is `ORR vd, vn, vn`).
    pub fn vlogic(&mut self, op: VLogic, vd: VReg, vn: VReg, vm: VReg) -> usize {
        let base = match op {
            VLogic::And => 0x4e20_1c00,
            VLogic::Bic => 0x4e60_1c00,
            VLogic::Orr => 0x4ea0_1c00,
            VLogic::Eor => 0x6e20_1c00,
            VLogic::Bsl => 0x6e60_1c00,
        };
        self.emit(base | r(vm) << 16 | r(vn) << 5 | r(vd))
    }

    /// `MOV vd.16b, vn.16b` (the whole register).
    pub fn vmov(&mut self, vd: VReg, vn: VReg) -> usize {
        self.vlogic(VLogic::Orr, vd, vn, vn)
    }

    /// `ADD`/`SUB` (vector, 128 bits): lane-wise `vd = vn ± vm`.
    pub fn vadd_sub(&mut self, sub: bool, lanes: Lanes, vd: VReg, vn: VReg, vm: VReg) -> usize {
        self.emit(
            0x4e20_8400
                | u32::from(sub) << 29
                | (lanes as u32) << 22
                | r(vm) << 16
                | r(vn) << 5
                | r(vd),
        )
    }

    /// `CNT vd.8b, vn.8b` (bits set in each byte of the low 64 bits).
    pub fn cnt8b(&mut self, vd: VReg, vn: VReg) -> usize {
        self.emit(0x0e20_5800 | r(vn) << 5 | r(vd))
    }

    /// `ADDV bd, vn.8b` (sum of the low 8 bytes into byte lane 0).
    pub fn addv8b(&mut self, vd: VReg, vn: VReg) -> usize {
        self.emit(0x0e31_b800 | r(vn) << 5 | r(vd))
    }

    /// `DUP vd.<lanes>, rn` (every lane = the general register's low bits).
    pub fn dup_gpr(&mut self, lanes: Lanes, vd: VReg, rn: Reg) -> usize {
        let imm5 = 1u32 << (lanes as u32);
        self.emit(0x4e00_0c00 | imm5 << 16 | r(rn) << 5 | r(vd))
    }

    /// `UMOV rd, vn.<lanes>[idx]` (`MOV` for S and D lanes): a lane into a
    /// general register, zero-extended.
    pub fn umov(&mut self, lanes: Lanes, rd: Reg, vn: VReg, idx: u32) -> usize {
        let size = lanes as u32;
        assert!(idx < 16 >> size, "lane index");
        let imm5 = (idx << (size + 1)) | (1 << size);
        let q = u32::from(lanes == Lanes::D2) << 30;
        self.emit(0x0e00_3c00 | q | imm5 << 16 | r(vn) << 5 | r(rd))
    }

    /// `INS vd.<lanes>[idx], rn` (`MOV`): one lane from a general register.
    pub fn ins_gpr(&mut self, lanes: Lanes, vd: VReg, idx: u32, rn: Reg) -> usize {
        let size = lanes as u32;
        assert!(idx < 16 >> size, "lane index");
        let imm5 = (idx << (size + 1)) | (1 << size);
        self.emit(0x4e00_1c00 | imm5 << 16 | r(rn) << 5 | r(vd))
    }
}

#[cfg(test)]
pub(crate) mod tests;
