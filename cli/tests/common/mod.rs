//! What the CLI tests share: starting the `wasmbed` binary of this target.
use std::process::Command;

/// The command that starts a binary of this target: the runner cargo was
/// given for it (`CARGO_TARGET_<TRIPLE>_RUNNER`, e.g. qemu when CI tests
/// AArch64 on x86-64), else the binary itself. Not on Windows: there the
/// runner is wine, this test already runs inside it, and a Windows process
/// starts Windows programs itself (the runner's Linux path means nothing
/// to it).
pub fn wasmbed_command() -> Command {
    let bin = env!("CARGO_BIN_EXE_wasmbed");
    if cfg!(windows) {
        return Command::new(bin);
    }
    let arch = std::env::consts::ARCH.to_uppercase();
    let os = std::env::consts::OS.to_uppercase();
    let runner = std::env::vars().find_map(|(k, v)| {
        (k.starts_with(&format!("CARGO_TARGET_{arch}_"))
            && k.contains(&os)
            && k.ends_with("_RUNNER"))
        .then_some(v)
    });
    match runner.as_deref().map(str::split_whitespace) {
        Some(mut words) => {
            let mut cmd = Command::new(words.next().unwrap_or(bin));
            cmd.args(words).arg(bin);
            cmd
        }
        None => Command::new(bin),
    }
}
