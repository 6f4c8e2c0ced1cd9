//! [`StdThreads`]: the core's [`Parallelism`] on `std` threads, which
//! `use_host_jit` installs so a JIT compiles a module's functions on every
//! core. It owns only the fan-out; what the jobs do is the caller's.
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmbed_core::platform::Parallelism;

/// Fewer jobs than this run on the calling thread: starting threads costs
/// tens of microseconds, more than compiling a few small functions.
const MIN_PARALLEL_JOBS: usize = 32;

/// Runs jobs on scoped threads, one per available core (the calling
/// thread is one of them), each taking the next job index until none is
/// left.
#[derive(Debug, Clone, Copy)]
pub struct StdThreads {
    threads: usize,
}

impl StdThreads {
    /// As many threads as the host has cores.
    pub fn new() -> StdThreads {
        StdThreads {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// At most `threads` threads (at least one).
    pub fn with_threads(threads: usize) -> StdThreads {
        StdThreads {
            threads: threads.max(1),
        }
    }
}

impl Default for StdThreads {
    fn default() -> StdThreads {
        StdThreads::new()
    }
}

impl Parallelism for StdThreads {
    fn run(&self, jobs: usize, job: &(dyn Fn(usize) + Sync)) {
        let threads = self.threads.min(jobs);
        if threads <= 1 || jobs < MIN_PARALLEL_JOBS {
            (0..jobs).for_each(job);
            return;
        }
        let next = AtomicUsize::new(0);
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs {
                break;
            }
            job(i);
        };
        std::thread::scope(|scope| {
            for _ in 1..threads {
                // A thread that cannot start leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(scope, work);
            }
            work();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn every_job_runs_exactly_once() {
        for (threads, jobs) in [(1, 10), (4, 0), (4, 31), (4, 1000), (3, 33)] {
            let seen = Mutex::new(vec![0u32; jobs]);
            StdThreads::with_threads(threads).run(jobs, &|i| seen.lock().unwrap()[i] += 1);
            assert!(
                seen.into_inner().unwrap().iter().all(|&n| n == 1),
                "{threads} threads, {jobs} jobs"
            );
        }
    }
}
