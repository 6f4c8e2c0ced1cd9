//! Time for WASI: the core's platform [`Clock`] (monotonic and wall time)
//! plus a way to wait, which `poll_oneoff` needs. With `std`, [`StdClock`]
//! reads the operating system's clocks and sleeps the thread; without it an
//! embedder supplies both (the default [`Sleep`] spins on the clock).
use alloc::sync::Arc;
use wasmbed_core::platform::Clock;

/// Waits for a while (used by `poll_oneoff` clock subscriptions).
pub trait Sleep: Send + Sync {
    /// Blocks for about `nanos` nanoseconds.
    fn sleep(&self, nanos: u64);
}

/// Waits by reading the monotonic clock until the time has passed: for
/// bare-metal hosts with a clock but no scheduler.
pub struct SpinSleep(pub Arc<dyn Clock>);

impl Sleep for SpinSleep {
    fn sleep(&self, nanos: u64) {
        let end = self.0.monotonic_nanos().saturating_add(nanos);
        while self.0.monotonic_nanos() < end {
            core::hint::spin_loop();
        }
    }
}

/// A clock that never advances, for hosts without one: wall time 0 and a
/// monotonic time that stands still.
pub struct NoClock;

impl Clock for NoClock {
    fn monotonic_nanos(&self) -> u64 {
        0
    }
    fn wall_nanos(&self) -> u64 {
        0
    }
}

/// Nanoseconds since the Unix epoch of a `SystemTime` (0 before it,
/// saturating far after it).
#[cfg(feature = "std")]
pub fn system_time_nanos(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The operating system's clocks: `Instant` for monotonic time (counted
/// from the clock's creation), `SystemTime` for wall time.
#[cfg(feature = "std")]
pub struct StdClock {
    start: std::time::Instant,
}

#[cfg(feature = "std")]
impl StdClock {
    /// A clock whose monotonic time starts now.
    pub fn new() -> StdClock {
        StdClock {
            start: std::time::Instant::now(),
        }
    }
}

#[cfg(feature = "std")]
impl Default for StdClock {
    fn default() -> Self {
        StdClock::new()
    }
}

#[cfg(feature = "std")]
impl Clock for StdClock {
    fn monotonic_nanos(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
    fn wall_nanos(&self) -> u64 {
        system_time_nanos(std::time::SystemTime::now())
    }
    fn resolution_nanos(&self) -> u64 {
        1
    }
}

/// Sleeps the calling thread.
#[cfg(feature = "std")]
pub struct StdSleep;

#[cfg(feature = "std")]
impl Sleep for StdSleep {
    fn sleep(&self, nanos: u64) {
        std::thread::sleep(std::time::Duration::from_nanos(nanos));
    }
}
