//! `wasi_snapshot_preview1`: the 46 functions, and the glue that defines
//! them in a [`Linker`]. Each function lives in the module of its family
//! (`args`, `clock`, `fs`, `poll`, `proc`, `random`, `sock`) as a plain
//! Rust function over the context's state and a bounds-checked view of the
//! guest's memory, returning an errno; the glue turns that into the `i32`
//! the guest sees. `proc_exit` is the one call that does not return: it
//! ends the run with [`I32Exit`].

// The WASI ABI fixes each function's parameters.
#![allow(clippy::too_many_arguments)]
mod args;
mod clock;
mod fs;
mod poll;
mod proc;
mod random;
mod sock;

use crate::ctx::{I32Exit, State, WasiCtx};
use crate::errno::{Errno, Result};
use crate::mem::GuestMemory;
use wasmbed_core::{AsContextMut, Caller, Error, Extern, Linker};

/// The import module name.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Runs `f` with the WASI state and the caller's memory. The state is taken
/// out of the store for the call, so both can be borrowed at once.
fn with_state<T>(
    caller: &mut Caller<'_, T>,
    get: impl Fn(&mut T) -> &mut WasiCtx,
    f: impl FnOnce(&mut State, &mut GuestMemory<'_>) -> Result<()>,
) -> core::result::Result<i32, Error> {
    let mut state = get(caller.data_mut()).state.take().ok_or_else(|| {
        Error::msg("WASI was called while another WASI call was running on the same context")
    })?;
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let result = {
        let bytes: &mut [u8] = match memory {
            Some(mem) => mem.data_mut(caller.as_context_mut()),
            None => &mut [],
        };
        f(&mut state, &mut GuestMemory::new(bytes))
    };
    get(caller.data_mut()).state = Some(state);
    Ok(match result {
        Ok(()) => 0,
        Err(e) => i32::from(e.raw()),
    })
}

macro_rules! define {
    ($linker:ident, $get:ident, $( $name:ident => $m:ident :: $f:ident ( $($arg:ident : $ty:ty),* ); )*) => {
        $(
            $linker.func_wrap(
                MODULE,
                stringify!($name),
                move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> core::result::Result<i32, Error> {
                    with_state(&mut caller, $get, |s, mem| $m::$f(s, mem, $($arg),*))
                },
            )?;
        )*
    };
}

/// Defines every `wasi_snapshot_preview1` function in `linker`. `get`
/// finds the guest's [`WasiCtx`] in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
) -> core::result::Result<(), Error> {
    define! { linker, get,
        args_get => args::args_get(argv: u32, buf: u32);
        args_sizes_get => args::args_sizes_get(argc: u32, size: u32);
        environ_get => args::environ_get(env: u32, buf: u32);
        environ_sizes_get => args::environ_sizes_get(count: u32, size: u32);
        clock_res_get => clock::clock_res_get(id: u32, res: u32);
        clock_time_get => clock::clock_time_get(id: u32, precision: u64, time: u32);
        fd_advise => fs::fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
        fd_allocate => fs::fd_allocate(fd: u32, offset: u64, len: u64);
        fd_close => fs::fd_close(fd: u32);
        fd_datasync => fs::fd_datasync(fd: u32);
        fd_fdstat_get => fs::fd_fdstat_get(fd: u32, buf: u32);
        fd_fdstat_set_flags => fs::fd_fdstat_set_flags(fd: u32, flags: u32);
        fd_fdstat_set_rights => fs::fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
        fd_filestat_get => fs::fd_filestat_get(fd: u32, buf: u32);
        fd_filestat_set_size => fs::fd_filestat_set_size(fd: u32, size: u64);
        fd_filestat_set_times => fs::fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst: u32);
        fd_pread => fs::fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
        fd_prestat_get => fs::fd_prestat_get(fd: u32, buf: u32);
        fd_prestat_dir_name => fs::fd_prestat_dir_name(fd: u32, path: u32, len: u32);
        fd_pwrite => fs::fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
        fd_read => fs::fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
        fd_readdir => fs::fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
        fd_renumber => fs::fd_renumber(fd: u32, to: u32);
        fd_seek => fs::fd_seek(fd: u32, offset: i64, whence: u32, newoffset: u32);
        fd_sync => fs::fd_sync(fd: u32);
        fd_tell => fs::fd_tell(fd: u32, offset: u32);
        fd_write => fs::fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
        path_create_directory => fs::path_create_directory(fd: u32, path: u32, len: u32);
        path_filestat_get => fs::path_filestat_get(fd: u32, flags: u32, path: u32, len: u32, buf: u32);
        path_filestat_set_times => fs::path_filestat_set_times(
            fd: u32, flags: u32, path: u32, len: u32, atim: u64, mtim: u64, fst: u32);
        path_link => fs::path_link(
            old_fd: u32, old_flags: u32, old_path: u32, old_len: u32,
            new_fd: u32, new_path: u32, new_len: u32);
        path_open => fs::path_open(
            fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32,
            base: u64, inheriting: u64, fdflags: u32, opened: u32);
        path_readlink => fs::path_readlink(
            fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, bufused: u32);
        path_remove_directory => fs::path_remove_directory(fd: u32, path: u32, len: u32);
        path_rename => fs::path_rename(
            fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
        path_symlink => fs::path_symlink(
            old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
        path_unlink_file => fs::path_unlink_file(fd: u32, path: u32, len: u32);
        poll_oneoff => poll::poll_oneoff(input: u32, output: u32, nsubscriptions: u32, nevents: u32);
        proc_raise => proc::proc_raise(sig: u32);
        sched_yield => proc::sched_yield();
        random_get => random::random_get(buf: u32, len: u32);
        sock_accept => sock::sock_accept(fd: u32, flags: u32, ro_fd: u32);
        sock_recv => sock::sock_recv(
            fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32);
        sock_send => sock::sock_send(
            fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32);
        sock_shutdown => sock::sock_shutdown(fd: u32, how: u32);
    }
    linker.func_wrap(
        MODULE,
        "proc_exit",
        move |mut caller: Caller<'_, T>, code: u32| -> core::result::Result<(), Error> {
            // Flush buffered output before the run ends.
            if let Some(state) = get(caller.data_mut()).state.as_mut() {
                for fd in [1, 2] {
                    if let Ok(e) = state.fds.get_mut(fd) {
                        if let crate::fd_table::Desc::Output(out) = &mut e.desc {
                            let _ = out.flush();
                        }
                    }
                }
            }
            Err(Error::host(I32Exit(code as i32)))
        },
    )?;
    Ok(())
}

/// The names of the functions [`add_to_linker`] defines.
pub const FUNCTIONS: [&str; 46] = [
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

#[allow(dead_code)]
fn _errno_is_u16(e: Errno) -> u16 {
    e.raw()
}
