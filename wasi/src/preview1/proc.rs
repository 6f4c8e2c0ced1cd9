//! `proc_raise` and `sched_yield` (`proc_exit` is in the linker glue: it
//! ends the run with [`I32Exit`](crate::I32Exit) instead of returning).
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::mem::GuestMemory;

/// Signals are not part of wasmbed's WASI: `ENOSYS`.
pub fn proc_raise(_s: &mut State, _m: &mut GuestMemory<'_>, _sig: u32) -> Result<()> {
    Err(Errno::Nosys)
}

pub fn sched_yield(_s: &mut State, _m: &mut GuestMemory<'_>) -> Result<()> {
    #[cfg(feature = "std")]
    std::thread::yield_now();
    Ok(())
}
