//! The engine the execution tests run on, so one test file checks what every
//! backend must agree on (results, traps with their codes and backtraces,
//! fuel, interruption, deadlines, limits, host calls, errors) on each.
//!
//! By default [`config`] is `Config::new()`: the interpreter on the core's
//! alloc-only platform, as on every target (Miri included). With
//! `WASMBED_TEST_ENGINE=jit` on x86-64 Unix hosts it is
//! `wasmbed::host_config()` with `Strategy::Jit`: jit-x64 on the host
//! platform (guarded memories, fault traps, code memory, a clock),
//! non-strict, so a function the JIT refuses still runs, on the
//! interpreter. Elsewhere (and under Miri, which cannot run generated code)
//! the variable is ignored, as `wasmbed::use_host_jit` installs nothing
//! there. `interp` (or unset) is the default; any other value is a mistake
//! and panics rather than silently testing the interpreter twice.
//!
//! Tests about the interpreter itself (its value stack, `max_wasm_stack`
//! and `max_call_depth`, translation, flat host stacks) keep
//! `Config::new()`, and so do those about a configuration that
//! `host_config` changes (no clock, alloc-backed memories).
//!
//! Included by each test file with `#[path = "common/engine.rs"] mod engine;`.

// Each test file includes this module and uses only part of it.
#![allow(dead_code)]

use wasmbed::{Config, Engine};

/// Whether `WASMBED_TEST_ENGINE` asks for the JIT on a host that has one.
pub fn jit() -> bool {
    match std::env::var("WASMBED_TEST_ENGINE") {
        Ok(v) if v == "jit" => cfg!(all(target_arch = "x86_64", not(windows), not(miri))),
        Ok(v) if v.is_empty() || v == "interp" => false,
        Ok(v) => panic!("WASMBED_TEST_ENGINE={v:?}: expected `jit` or `interp`"),
        Err(_) => false,
    }
}

/// The configuration under test: see the module documentation.
pub fn config() -> Config {
    #[cfg(all(target_arch = "x86_64", not(windows), not(miri)))]
    if jit() {
        let mut config = wasmbed::host_config();
        config.strategy(wasmbed::Strategy::Jit);
        return config;
    }
    Config::new()
}

/// `Engine::new(&config())`.
pub fn engine() -> Engine {
    Engine::new(&config())
}
