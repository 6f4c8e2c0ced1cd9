//! Execution counts of ops and of op pairs (feature `op-stats`): the
//! measurement superinstructions and operand forms are chosen from. With
//! the feature on, the executor takes the loop dispatch (`build.rs`) and
//! the driver counts every op it runs and every pair of ops where the
//! second follows the first in the code (fall-through, the pairs a
//! superinstruction can fuse). Counters are process-wide and need 64-bit
//! atomics; the feature is for measuring on a host, never for a release.
//!
//! `wasmbed-benches --op-stats` prints them per workload.
use crate::ir::{OP_COUNT, OP_NAMES};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

static SINGLE: [AtomicU64; OP_COUNT] = [const { AtomicU64::new(0) }; OP_COUNT];
static PAIRS: [[AtomicU64; OP_COUNT]; OP_COUNT] =
    [const { [const { AtomicU64::new(0) }; OP_COUNT] }; OP_COUNT];

/// Counts one executed op (`tag`) and, with `prev`, the pair it closes.
#[inline]
pub(crate) fn record(prev: Option<u16>, tag: u16) {
    SINGLE[tag as usize].fetch_add(1, Relaxed);
    if let Some(p) = prev {
        PAIRS[p as usize][tag as usize].fetch_add(1, Relaxed);
    }
}

/// Executed ops and fall-through op pairs since the last call, each sorted
/// by count, most first; the counters restart at zero.
pub fn take() -> (
    Vec<(&'static str, u64)>,
    Vec<(&'static str, &'static str, u64)>,
) {
    let mut single = Vec::new();
    let mut pairs = Vec::new();
    for (a, row) in PAIRS.iter().enumerate() {
        let n = SINGLE[a].swap(0, Relaxed);
        if n > 0 {
            single.push((OP_NAMES[a], n));
        }
        for (b, c) in row.iter().enumerate() {
            let n = c.swap(0, Relaxed);
            if n > 0 {
                pairs.push((OP_NAMES[a], OP_NAMES[b], n));
            }
        }
    }
    single.sort_by(|x, y| y.1.cmp(&x.1));
    pairs.sort_by(|x, y| y.2.cmp(&x.2));
    (single, pairs)
}
