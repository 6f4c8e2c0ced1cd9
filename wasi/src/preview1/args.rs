//! `args_*` and `environ_*`: the program's arguments and environment, as
//! NUL-terminated strings behind an array of pointers.
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::mem::GuestMemory;

fn sizes(list: &[alloc::string::String]) -> Result<(u32, u32)> {
    let count = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
    let bytes = list.iter().map(|s| s.len() as u64 + 1).sum::<u64>();
    Ok((count, u32::try_from(bytes).map_err(|_| Errno::Overflow)?))
}

fn write_list(
    m: &mut GuestMemory<'_>,
    list: &[alloc::string::String],
    ptrs: u32,
    buf: u32,
) -> Result<()> {
    let (count, bytes) = sizes(list)?;
    m.slice(ptrs, count.checked_mul(4).ok_or(Errno::Fault)?)?;
    m.slice(buf, bytes)?;
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        m.write_u32(ptrs + 4 * i as u32, at)?;
        m.write(at, s.as_bytes())?;
        m.write(at + s.len() as u32, &[0])?;
        at += s.len() as u32 + 1;
    }
    Ok(())
}

pub fn args_sizes_get(s: &mut State, m: &mut GuestMemory<'_>, argc: u32, size: u32) -> Result<()> {
    let (count, bytes) = sizes(&s.args)?;
    m.slice(size, 4)?;
    m.write_u32(argc, count)?;
    m.write_u32(size, bytes)
}

pub fn args_get(s: &mut State, m: &mut GuestMemory<'_>, argv: u32, buf: u32) -> Result<()> {
    write_list(m, &s.args, argv, buf)
}

pub fn environ_sizes_get(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    count: u32,
    size: u32,
) -> Result<()> {
    let (n, bytes) = sizes(&s.env)?;
    m.slice(size, 4)?;
    m.write_u32(count, n)?;
    m.write_u32(size, bytes)
}

pub fn environ_get(s: &mut State, m: &mut GuestMemory<'_>, env: u32, buf: u32) -> Result<()> {
    write_list(m, &s.env, env, buf)
}
