//! What the Windows test binaries share: starting the child processes their
//! fault cases run in.
use std::process::{Command, ExitStatus};
use std::sync::Mutex;
use std::time::Duration;

/// Runs a child to completion, one at a time, retrying only a failure to
/// *start* it. Wine's `CreateProcess` sometimes fails with "Internal error"
/// (1359) when test threads start children at once; that says nothing about
/// the code under test, while the child's exit code, which the tests assert,
/// does.
pub fn run_child(make: impl Fn() -> Command) -> ExitStatus {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut last = None;
    for attempt in 0..5 {
        match make().status() {
            Ok(status) => return status,
            Err(e) => last = Some(e),
        }
        std::thread::sleep(Duration::from_millis(100 << attempt));
    }
    panic!("cannot start the child process: {}", last.unwrap());
}
