//! `clock_res_get` and `clock_time_get`. Real time is the clock's wall
//! time; the monotonic clock and the two CPU-time clocks count from when
//! the context was built (a single-threaded guest's CPU time is at most
//! its run time, so that is the bound reported for them).
use crate::abi::clockid;
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::mem::GuestMemory;

/// The time of clock `id` in nanoseconds.
pub(crate) fn now(s: &State, id: u32) -> Result<u64> {
    match id {
        clockid::REALTIME => Ok(s.clock.wall_nanos()),
        clockid::MONOTONIC | clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => {
            Ok(s.clock.monotonic_nanos())
        }
        _ => Err(Errno::Inval),
    }
}

pub fn clock_res_get(s: &mut State, m: &mut GuestMemory<'_>, id: u32, res: u32) -> Result<()> {
    now(s, id)?;
    m.write_u64(res, s.clock.resolution_nanos().max(1))
}

pub fn clock_time_get(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    id: u32,
    _precision: u64,
    time: u32,
) -> Result<()> {
    let t = now(s, id)?;
    m.write_u64(time, t)
}
