//! Picks the interpreter's dispatch strategy for the target being built:
//! exactly one of three `cfg`s.
//!
//! - `wasmbed_tail_dispatch`: every op handler ends in a tail call to the
//!   next one. LLVM turns those into jumps (sibling calls) only when
//!   optimising, and only on targets whose calling convention passes all
//!   six handler arguments in registers (x86-64, AArch64).
//! - `wasmbed_match_dispatch`: every other optimised build (32-bit Arm,
//!   RISC-V, x86, wasm32 hosts...). One loop holds `ip`, `fp`, the memory
//!   base and length and the accumulator in locals and `match`es on the op,
//!   with every handler inlined into its arm, so an op costs one indirect
//!   jump through the `match`'s table and no call.
//! - `wasmbed_call_dispatch`: unoptimised builds. Handlers stay functions
//!   that return to a small driver loop: inlining some five hundred of them
//!   into one function without optimisation would give it a frame of many
//!   kilobytes and slow the build.
//!
//! Either loop keeps the host stack flat whatever the number of executed
//! ops. Sanitizer builds (`-Zsanitizer=...`, e.g. `cargo fuzz`) never take
//! tail dispatch: AddressSanitizer gives a handler with a local array a
//! frame that must be torn down after the call, so the call is no longer a
//! jump and a long run overflows the host stack (found by the
//! `instantiate_run` fuzzer). Neither do Miri builds (`cargo miri test`,
//! which CI runs): Miri interprets every call as a real call and does not
//! promise to turn tail calls into jumps. Miri takes the `match` loop, the
//! dispatch the targets without tail calls ship, so CI checks it for
//! undefined behaviour. Op counting (`op-stats`) hooks the loops, so it
//! takes one of them too. So do optimised builds with debug assertions:
//! the standard library's debug checks behind unaligned reads and writes
//! (guest memory accesses) take the address of a stack temporary, which
//! gives a handler a frame and turns its tail call into a call, so a long
//! run would overflow the host stack (found by a long differential run
//! with `debug-assertions = true`).
//!
//! `WASMBED_DISPATCH=tail|match|call` overrides the choice (for measuring
//! one against another on the same host; `tail` only where it can work).
//! `WASMBED_PORTABLE_DISPATCH` (any value) is the older spelling of "not
//! tail".
use std::env;

fn main() {
    for cfg in ["tail", "match", "call"] {
        println!("cargo::rustc-check-cfg=cfg(wasmbed_{cfg}_dispatch)");
    }
    println!("cargo::rerun-if-env-changed=WASMBED_PORTABLE_DISPATCH");
    println!("cargo::rerun-if-env-changed=WASMBED_DISPATCH");
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let optimizing = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    let tail_arch = matches!(arch.as_str(), "x86_64" | "aarch64");
    let forced_portable = env::var_os("WASMBED_PORTABLE_DISPATCH").is_some();
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let sanitized = env::var("CARGO_ENCODED_RUSTFLAGS")
        .unwrap_or_default()
        .split('\x1f')
        .any(|flag| flag.contains("sanitizer="));
    // Cargo sets `CARGO_CFG_MIRI` for build scripts of crates built by
    // `cargo miri`.
    let miri = env::var_os("CARGO_CFG_MIRI").is_some();
    // Op counting (`op-stats`) hooks the driver loop.
    let counting = env::var_os("CARGO_FEATURE_OP_STATS").is_some();
    // Debug assertions add checks with stack temporaries to handlers (the
    // overlap check of `ptr::copy_nonoverlapping` behind unaligned memory
    // accesses), which turn their tail calls into calls.
    let checked = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let tail_possible = optimizing && tail_arch && !sanitized && !miri && !counting && !checked;
    let chosen = match env::var("WASMBED_DISPATCH").ok().as_deref() {
        Some("tail") if tail_possible => "tail",
        Some("match") => "match",
        Some("call") => "call",
        _ if tail_possible && !forced_portable => "tail",
        _ if optimizing || miri => "match",
        _ => "call",
    };
    println!("cargo::rustc-cfg=wasmbed_{chosen}_dispatch");
}
