//! The per-guest WASI state ([`WasiCtx`]) and the builder an embedder
//! fills in: arguments, environment, standard streams, preopened mounts,
//! clocks and randomness. Also [`I32Exit`], the error `proc_exit` ends a
//! run with.
use crate::clock::Sleep;
use crate::errno::Errno;
use crate::fd_table::{Desc, Entry, FdTable};
use crate::fs::FileSystem;
use crate::random::RandomSource;
use crate::stdio::{InputStream, NullInput, NullOutput, OutputStream};
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use wasmbed_core::platform::Clock;
use wasmbed_core::Error;

/// The error a guest's `proc_exit(code)` ends its run with. The embedder
/// gets it back with [`Error::downcast_ref`] (or [`exit_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl fmt::Display for I32Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the guest exited with code {}", self.0)
    }
}

/// The exit code if `err` is a guest's `proc_exit`.
pub fn exit_code(err: &Error) -> Option<i32> {
    err.downcast_ref::<I32Exit>().map(|e| e.0)
}

/// Everything WASI calls read and change, kept out of the store while a
/// call runs (so that the call can hold guest memory and this at once).
pub(crate) struct State {
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub fds: FdTable,
    pub clock: Arc<dyn Clock>,
    pub sleep: Arc<dyn Sleep>,
    pub random: Box<dyn RandomSource>,
}

/// The WASI state of one guest: put it in the store's data and give
/// [`add_to_linker`](crate::add_to_linker) a way to reach it.
pub struct WasiCtx {
    pub(crate) state: Option<Box<State>>,
}

impl WasiCtx {
    /// A builder with no arguments, environment or mounts and null stdio.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }
}

/// Builds a [`WasiCtx`].
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Box<dyn InputStream>,
    stdout: Box<dyn OutputStream>,
    stderr: Box<dyn OutputStream>,
    preopens: Vec<(Arc<dyn crate::fs::Dir>, String)>,
    clock: Option<Arc<dyn Clock>>,
    sleep: Option<Arc<dyn Sleep>>,
    random: Option<Box<dyn RandomSource>>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    /// No arguments, environment or mounts; stdin empty, output discarded;
    /// std clocks and OS randomness with `std`, none without.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Box::new(NullInput),
            stdout: Box::new(NullOutput),
            stderr: Box::new(NullOutput),
            preopens: Vec::new(),
            clock: None,
            sleep: None,
            random: None,
        }
    }

    /// Appends one argument (the first is the program name by convention).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable (replacing an earlier value).
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Passes the host's whole environment on (variables whose name or
    /// value is not UTF-8 are left out).
    #[cfg(feature = "std")]
    pub fn inherit_env(&mut self) -> &mut Self {
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                self.env(k, v);
            }
        }
        self
    }

    /// Where the guest's stdin comes from.
    pub fn stdin(&mut self, input: impl InputStream + 'static) -> &mut Self {
        self.stdin = Box::new(input);
        self
    }

    /// Where the guest's stdout goes.
    pub fn stdout(&mut self, output: impl OutputStream + 'static) -> &mut Self {
        self.stdout = Box::new(output);
        self
    }

    /// Where the guest's stderr goes.
    pub fn stderr(&mut self, output: impl OutputStream + 'static) -> &mut Self {
        self.stderr = Box::new(output);
        self
    }

    /// The host's stdin, stdout and stderr.
    #[cfg(feature = "std")]
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin(crate::stdio::InheritStdin)
            .stdout(crate::stdio::InheritStdout)
            .stderr(crate::stdio::InheritStderr)
    }

    /// Mounts `fs` at the guest path `guest` (`/`, `/data`, ...), as the
    /// next preopened descriptor (the first is 3).
    pub fn preopen(
        &mut self,
        fs: impl FileSystem + 'static,
        guest: &str,
    ) -> Result<&mut Self, Errno> {
        self.preopen_arc(Arc::new(fs), guest)
    }

    /// [`preopen`](Self::preopen) for a shared filesystem.
    pub fn preopen_arc(
        &mut self,
        fs: Arc<dyn FileSystem>,
        guest: &str,
    ) -> Result<&mut Self, Errno> {
        if guest.is_empty() || guest.contains('\0') {
            return Err(Errno::Inval);
        }
        self.preopens.push((fs.root()?, guest.to_string()));
        Ok(self)
    }

    /// Mounts the host directory `host` at `guest`, read-write.
    #[cfg(all(feature = "std", not(target_os = "wasi")))]
    pub fn preopened_dir(
        &mut self,
        host: impl AsRef<std::path::Path>,
        guest: &str,
    ) -> std::io::Result<&mut Self> {
        let fs = crate::fs::host::HostFs::open(host)?;
        self.preopen(fs, guest)
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    /// The clock for `clock_time_get` and `poll_oneoff` (default: std's,
    /// or a clock that stands still without `std`).
    pub fn clock(&mut self, clock: Arc<dyn Clock>) -> &mut Self {
        self.clock = Some(clock);
        self
    }

    /// How `poll_oneoff` waits (default: sleep the thread with `std`, spin
    /// on the clock without).
    pub fn sleep(&mut self, sleep: Arc<dyn Sleep>) -> &mut Self {
        self.sleep = Some(sleep);
        self
    }

    /// Where `random_get` gets bytes (default: the OS with `std`; without
    /// it, none, and `random_get` fails with `ENOSYS`).
    pub fn random(&mut self, source: impl RandomSource + 'static) -> &mut Self {
        self.random = Some(Box::new(source));
        self
    }

    /// The context. The builder is left empty (null stdio, no mounts).
    pub fn build(&mut self) -> WasiCtx {
        let b = core::mem::take(self);
        #[cfg(feature = "std")]
        let clock = b
            .clock
            .unwrap_or_else(|| Arc::new(crate::clock::StdClock::new()));
        #[cfg(not(feature = "std"))]
        let clock: Arc<dyn Clock> = b.clock.unwrap_or_else(|| Arc::new(crate::clock::NoClock));
        #[cfg(feature = "std")]
        let sleep: Arc<dyn Sleep> = b.sleep.unwrap_or_else(|| Arc::new(crate::clock::StdSleep));
        #[cfg(not(feature = "std"))]
        let sleep: Arc<dyn Sleep> = b
            .sleep
            .unwrap_or_else(|| Arc::new(crate::clock::SpinSleep(clock.clone())));
        #[cfg(feature = "std")]
        let random: Box<dyn RandomSource> = b
            .random
            .unwrap_or_else(|| Box::new(crate::random::OsRandom));
        #[cfg(not(feature = "std"))]
        let random: Box<dyn RandomSource> = b
            .random
            .unwrap_or_else(|| Box::new(crate::random::NoRandom));

        let mut fds = FdTable::default();
        fds.insert_at(0, Entry::new(Desc::Input(b.stdin), true, false));
        fds.insert_at(1, Entry::new(Desc::Output(b.stdout), false, true));
        fds.insert_at(2, Entry::new(Desc::Output(b.stderr), false, true));
        for (mount, (dir, guest)) in b.preopens.into_iter().enumerate() {
            let desc = Desc::Dir {
                dir,
                mount: mount as u32,
                listing: None,
            };
            let entry = Entry {
                preopen: Some(guest),
                ..Entry::new(desc, true, false)
            };
            // The table is empty past the streams, so this cannot fail.
            let _ = fds.insert(entry);
        }
        let env = b.env.into_iter().map(|(k, v)| k + "=" + &v).collect();
        WasiCtx {
            state: Some(Box::new(State {
                args: b.args,
                env,
                fds,
                clock,
                sleep,
                random,
            })),
        }
    }
}
