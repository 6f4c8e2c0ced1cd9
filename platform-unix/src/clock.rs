//! Time from `clock_gettime`.
use wasmbed_core::platform::Clock;

/// `CLOCK_MONOTONIC` for monotonic time and `CLOCK_REALTIME` for wall
/// time, each with its `clock_getres` resolution.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock {
    _private: (),
}

impl SystemClock {
    /// The clock.
    pub const fn new() -> SystemClock {
        SystemClock { _private: () }
    }
}

/// Nanoseconds of `ts`, with negative times (before 1970) clamped to 0.
fn nanos(ts: libc::timespec) -> u64 {
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let frac = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(frac)
}

fn read(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer; both clock ids exist on every
    // supported Unix, and on failure `ts` stays zero.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    nanos(ts)
}

fn resolution(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: as in `read`.
    unsafe { libc::clock_getres(clock, &mut ts) };
    nanos(ts).max(1)
}

impl Clock for SystemClock {
    fn monotonic_nanos(&self) -> u64 {
        read(libc::CLOCK_MONOTONIC)
    }

    fn wall_nanos(&self) -> u64 {
        read(libc::CLOCK_REALTIME)
    }

    fn resolution_nanos(&self) -> u64 {
        resolution(libc::CLOCK_MONOTONIC)
    }

    fn wall_resolution_nanos(&self) -> u64 {
        resolution(libc::CLOCK_REALTIME)
    }
}
