//! wasmbed's single-pass compiler front end, shared by every JIT backend:
//! it walks a validated function's operators once (a `wasmparser` visitor,
//! as Winch and V8's Liftoff do) and emits code through a per-ISA
//! [`masm::MacroAssembler`]. It owns the value stack (constants, locals,
//! registers, spill slots), register allocation, control frames, the frame
//! layout and the calling convention compiled code uses on the VM ABI; it
//! must not contain any instruction encoding (that is the backends').
#![no_std]
extern crate alloc;

pub mod func;
pub mod masm;
