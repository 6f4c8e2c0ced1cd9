//! `random_get`: bytes from the context's random source.
use crate::ctx::State;
use crate::errno::Result;
use crate::mem::GuestMemory;

pub fn random_get(s: &mut State, m: &mut GuestMemory<'_>, buf: u32, len: u32) -> Result<()> {
    let out = m.slice_mut(buf, len)?;
    s.random.fill(out)
}
