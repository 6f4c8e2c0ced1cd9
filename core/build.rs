//! Picks the interpreter's dispatch strategy for the target being built.
//!
//! `wasmbed_tail_dispatch` is set when every op handler can end in a tail
//! call to the next one: LLVM turns those into jumps (sibling calls) only
//! when optimising, and only on targets whose calling convention passes all
//! five handler arguments in registers (x86-64, AArch64). Elsewhere, and in
//! unoptimised builds, handlers return to a driver loop instead, so the host
//! stack never grows with the number of executed ops. Sanitizer builds
//! (`-Zsanitizer=...`, e.g. `cargo fuzz`) take the loop too: AddressSanitizer
//! gives a handler with a local array a frame that must be torn down after
//! the call, so the call is no longer a jump and a long run overflows the
//! host stack (found by the `instantiate_run` fuzzer). So do Miri builds
//! (`cargo miri test`, which CI runs): Miri interprets every call as a real
//! call and does not promise to turn tail calls into jumps, and the loop is
//! the dispatch CI wants checked for undefined behaviour.
use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasmbed_tail_dispatch)");
    println!("cargo::rerun-if-env-changed=WASMBED_PORTABLE_DISPATCH");
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
    if optimizing && tail_arch && !forced_portable && !sanitized && !miri && !counting {
        println!("cargo::rustc-cfg=wasmbed_tail_dispatch");
    }
}
