//! `poll_oneoff`: waits until a clock subscription expires or a descriptor
//! subscription is ready. Files are always ready (reads report the bytes
//! left); output streams are always writable; input streams say whether a
//! read would block. Waiting sleeps on the context's [`Sleep`] until the
//! nearest deadline, checking pending streams every few milliseconds.
///
/// [`Sleep`]: crate::clock::Sleep
use super::fs::file_bytes_left;
use crate::abi::{
    clockid, eventtype, Event, Rights, Subscription, SubscriptionKind, EVENT_SIZE,
    SUBSCRIPTION_CLOCK_ABSTIME, SUBSCRIPTION_SIZE,
};
use crate::ctx::State;
use crate::errno::{Errno, Result};
use crate::fd_table::Desc;
use crate::mem::GuestMemory;
use crate::stdio::Readiness;
use alloc::vec::Vec;

/// How often pending input streams are re-checked while waiting.
const STREAM_POLL_NANOS: u64 = 10_000_000;

/// The outcome of one descriptor subscription right now.
fn fd_event(s: &mut State, fd: u32, write: bool) -> Option<core::result::Result<u64, Errno>> {
    let e = match s.fds.get_mut(fd) {
        Ok(e) => e,
        Err(err) => return Some(Err(err)),
    };
    let right = if write {
        Rights::FD_WRITE
    } else {
        Rights::FD_READ
    };
    if !e.rights_base.intersects(right | Rights::POLL_FD_READWRITE) {
        return Some(Err(Errno::Notcapable));
    }
    match (&mut e.desc, write) {
        (Desc::File { file, pos }, false) => Some(Ok(file_bytes_left(file, *pos))),
        (Desc::File { .. }, true) | (Desc::Output(_), true) => Some(Ok(0)),
        (Desc::Input(input), false) => match input.readiness() {
            Readiness::Ready(n) => Some(Ok(n)),
            Readiness::Pending => None,
        },
        _ => Some(Err(Errno::Badf)),
    }
}

pub fn poll_oneoff(
    s: &mut State,
    m: &mut GuestMemory<'_>,
    input: u32,
    output: u32,
    nsubscriptions: u32,
    nevents: u32,
) -> Result<()> {
    if nsubscriptions == 0 {
        return Err(Errno::Inval);
    }
    let in_len = nsubscriptions
        .checked_mul(SUBSCRIPTION_SIZE)
        .ok_or(Errno::Fault)?;
    let out_len = nsubscriptions.checked_mul(EVENT_SIZE).ok_or(Errno::Fault)?;
    m.slice(output, out_len)?;
    m.slice(nevents, 4)?;
    let subs: Vec<Subscription> = m
        .slice(input, in_len)?
        .chunks_exact(SUBSCRIPTION_SIZE as usize)
        .map(|c| Subscription::decode(c.try_into().expect("chunks are 48 bytes")))
        .collect();

    // Deadlines on the monotonic clock, or an immediate error.
    let start = s.clock.monotonic_nanos();
    let wall = s.clock.wall_nanos();
    let deadlines: Vec<Option<core::result::Result<u64, Errno>>> = subs
        .iter()
        .map(|sub| match sub.kind {
            SubscriptionKind::Clock {
                id, timeout, flags, ..
            } => Some(if flags & SUBSCRIPTION_CLOCK_ABSTIME == 0 {
                match id {
                    clockid::REALTIME
                    | clockid::MONOTONIC
                    | clockid::PROCESS_CPUTIME_ID
                    | clockid::THREAD_CPUTIME_ID => Ok(start.saturating_add(timeout)),
                    _ => Err(Errno::Inval),
                }
            } else {
                match id {
                    clockid::REALTIME => Ok(start.saturating_add(timeout.saturating_sub(wall))),
                    clockid::MONOTONIC => Ok(timeout),
                    _ => Err(Errno::Inval),
                }
            }),
            _ => None,
        })
        .collect();

    loop {
        let now = s.clock.monotonic_nanos();
        let mut events = Vec::new();
        let mut next_deadline = u64::MAX;
        let mut pending_stream = false;
        for (sub, deadline) in subs.iter().zip(&deadlines) {
            let (kind, outcome) = match (sub.kind, deadline) {
                (SubscriptionKind::Clock { .. }, Some(Err(e))) => (eventtype::CLOCK, Some(Err(*e))),
                (SubscriptionKind::Clock { .. }, Some(Ok(at))) => {
                    if now >= *at {
                        (eventtype::CLOCK, Some(Ok(0)))
                    } else {
                        next_deadline = next_deadline.min(*at);
                        (eventtype::CLOCK, None)
                    }
                }
                (SubscriptionKind::FdRead(fd), _) => (eventtype::FD_READ, fd_event(s, fd, false)),
                (SubscriptionKind::FdWrite(fd), _) => (eventtype::FD_WRITE, fd_event(s, fd, true)),
                (SubscriptionKind::Unknown(k), _) => (k, Some(Err(Errno::Inval))),
                (SubscriptionKind::Clock { .. }, None) => (eventtype::CLOCK, None),
            };
            match outcome {
                Some(result) => events.push(Event {
                    userdata: sub.userdata,
                    error: result.err().map_or(0, Errno::raw),
                    kind,
                    nbytes: result.unwrap_or(0),
                    flags: 0,
                }),
                None if kind != eventtype::CLOCK => pending_stream = true,
                None => {}
            }
        }
        if !events.is_empty() {
            for (i, ev) in events.iter().enumerate() {
                m.write(output + i as u32 * EVENT_SIZE, &ev.encode())?;
            }
            return m.write_u32(nevents, events.len() as u32);
        }
        let mut wait = next_deadline.saturating_sub(now);
        if pending_stream {
            wait = wait.min(STREAM_POLL_NANOS);
        }
        s.sleep.sleep(wait);
    }
}
