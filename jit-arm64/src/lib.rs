//! The seed of wasmbed's AArch64 JIT backend. Today it is two things, and
//! not yet a backend:
//!
//! - [`encode`]: an A64 instruction encoder for the forms the
//!   [`MacroAssembler`](wasmbed_codegen::masm::MacroAssembler) trait's core
//!   needs (integer ALU, multiply/divide, shifts, bit counts, compares and
//!   conditional selects, wide moves, loads and stores in every size and
//!   addressing mode the trait uses, register pairs for the frame, branches
//!   with label fixups, scalar float arithmetic, compares and conversions,
//!   and a handful of vector forms), every form checked against a
//!   disassembler;
//! - [`fit`]: a mapping study that emits, for a representative method of
//!   each group of the trait, the AArch64 sequence a backend would emit, and
//!   writes down the register plan and what in the trait needs care on
//!   AArch64.
//!
//! It deliberately does not implement `MacroAssembler`: a backend with
//! stubbed methods would be worse than none. The next step is an `Arm64Masm`
//! built from the sequences in [`fit`], with the trait changes listed there.
#![no_std]
extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod encode;
pub mod fit;

#[cfg(test)]
mod dis;
