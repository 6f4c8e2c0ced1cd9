//! `sock_*`: wasmbed hands guests no sockets (preview 1 cannot create
//! them), so these check the descriptor and report `ENOTSOCK` for any open
//! one, `EBADF` otherwise.
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::mem::GuestMemory;

fn not_a_socket(s: &State, fd: u32) -> Result<()> {
    s.fds.get(fd)?;
    Err(Errno::Notsock)
}

pub fn sock_accept(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    _flags: u32,
    _ro_fd: u32,
) -> Result<()> {
    not_a_socket(s, fd)
}

pub fn sock_recv(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    _ri_data: u32,
    _ri_data_len: u32,
    _ri_flags: u32,
    _ro_datalen: u32,
    _ro_flags: u32,
) -> Result<()> {
    not_a_socket(s, fd)
}

pub fn sock_send(
    s: &mut State,
    _m: &mut GuestMemory<'_>,
    fd: u32,
    _si_data: u32,
    _si_data_len: u32,
    _si_flags: u32,
    _so_datalen: u32,
) -> Result<()> {
    not_a_socket(s, fd)
}

pub fn sock_shutdown(s: &mut State, _m: &mut GuestMemory<'_>, fd: u32, _how: u32) -> Result<()> {
    not_a_socket(s, fd)
}
