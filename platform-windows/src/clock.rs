//! Time from the performance counter and the system time.
use std::sync::OnceLock;
use wasmbed_core::platform::Clock;
use windows_sys::Win32::Foundation::FILETIME;
use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleA, GetProcAddress};
use windows_sys::Win32::System::Performance::{QueryPerformanceCounter, QueryPerformanceFrequency};
use windows_sys::Win32::System::SystemInformation::{
    GetSystemTimeAdjustment, GetSystemTimeAsFileTime,
};

/// 100 ns intervals from 1601-01-01 (FILETIME's epoch) to 1970-01-01.
const UNIX_EPOCH_AS_FILETIME: u64 = 116_444_736_000_000_000;

type GetTime = unsafe extern "system" fn(*mut FILETIME);

/// `QueryPerformanceCounter` for monotonic time and
/// `GetSystemTimePreciseAsFileTime` for wall time. Windows 7 lacks the
/// precise call; there `GetSystemTimeAsFileTime` is used, with the coarser
/// resolution `GetSystemTimeAdjustment` reports.
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

/// Performance-counter ticks per second (never 0).
fn frequency() -> u64 {
    static FREQ: OnceLock<u64> = OnceLock::new();
    *FREQ.get_or_init(|| {
        let mut freq = 0i64;
        // SAFETY: `freq` is a valid out-pointer; the call cannot fail on
        // Windows XP and later.
        unsafe { QueryPerformanceFrequency(&mut freq) };
        u64::try_from(freq).unwrap_or(0).max(1)
    })
}

/// `GetSystemTimePreciseAsFileTime` when kernel32 has it (Windows 8+),
/// looked up at run time so the binary still loads on Windows 7.
fn precise_time() -> Option<GetTime> {
    static PRECISE: OnceLock<Option<GetTime>> = OnceLock::new();
    *PRECISE.get_or_init(|| {
        // SAFETY: both names are NUL-terminated; kernel32 is loaded in every
        // process, so the module handle stays valid.
        let found = unsafe {
            let kernel32 = GetModuleHandleA(c"kernel32.dll".as_ptr().cast());
            if kernel32.is_null() {
                return None;
            }
            GetProcAddress(kernel32, c"GetSystemTimePreciseAsFileTime".as_ptr().cast())
        }?;
        // SAFETY: the export has exactly this signature.
        Some(unsafe { std::mem::transmute::<unsafe extern "system" fn() -> isize, GetTime>(found) })
    })
}

impl Clock for SystemClock {
    fn monotonic_nanos(&self) -> u64 {
        let mut ticks = 0i64;
        // SAFETY: `ticks` is a valid out-pointer.
        unsafe { QueryPerformanceCounter(&mut ticks) };
        let ticks = u64::try_from(ticks).unwrap_or(0) as u128;
        let nanos = ticks * 1_000_000_000 / frequency() as u128;
        u64::try_from(nanos).unwrap_or(u64::MAX)
    }

    fn wall_nanos(&self) -> u64 {
        let mut ft = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let get = precise_time().unwrap_or(GetSystemTimeAsFileTime);
        // SAFETY: `ft` is a valid out-pointer.
        unsafe { get(&mut ft) };
        let intervals = (ft.dwHighDateTime as u64) << 32 | ft.dwLowDateTime as u64;
        intervals
            .saturating_sub(UNIX_EPOCH_AS_FILETIME)
            .saturating_mul(100)
    }

    fn resolution_nanos(&self) -> u64 {
        1_000_000_000u64.div_ceil(frequency())
    }

    fn wall_resolution_nanos(&self) -> u64 {
        if precise_time().is_some() {
            return 100;
        }
        let (mut adjustment, mut increment, mut disabled) = (0u32, 0u32, 0);
        // SAFETY: all three are valid out-pointers.
        let ok = unsafe { GetSystemTimeAdjustment(&mut adjustment, &mut increment, &mut disabled) };
        if ok == 0 || increment == 0 {
            // The default tick: 15.625 ms.
            return 15_625_000;
        }
        increment as u64 * 100
    }
}
