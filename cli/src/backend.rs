//! The `--backend` flag shared by `wasmbed run` and `wasmbed wast`: which
//! tier runs the guest's functions. Owns parsing the choice and applying
//! it to a `Config`; it knows nothing about what is being run.
use clap::ValueEnum;
use std::sync::Arc;
use wasmbed::backend::testing::{RefuseAll, Trampoline, TrampolineMask};
use wasmbed::{Config, Strategy};

/// A value of `--backend`.
#[derive(ValueEnum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    /// The host's JIT when one is built for it (functions it cannot
    /// compile fall back), else the interpreter.
    #[default]
    Auto,
    /// The interpreter only.
    Interp,
    /// The host's JIT, strictly: a function it cannot compile is an error
    /// (x86-64 hosts have jit-x64; elsewhere this fails saying no JIT is
    /// built).
    Jit,
    /// Test backend: refuses every function (all run on the interpreter
    /// through the fallback path).
    #[value(hide = true)]
    RefuseAll,
    /// Test backend: every function "compiled", each call crossing the VM
    /// ABI into a new interpreter activation (strict).
    #[value(hide = true)]
    Trampoline,
    /// Test backend: odd function indices as `trampoline`, even ones
    /// refused.
    #[value(hide = true)]
    TrampolineOdd,
}

impl BackendChoice {
    /// Sets the strategy and backend in `config`, which comes from
    /// `wasmbed::host_config` (the host platform): `jit` installs the
    /// host's JIT, the test values their test backends.
    pub fn configure(self, config: &mut Config) {
        match self {
            BackendChoice::Auto => {
                config.strategy(Strategy::Auto);
            }
            BackendChoice::Interp => {
                config.strategy(Strategy::Interpreter);
            }
            BackendChoice::Jit => {
                wasmbed::use_host_jit(config);
                config.strategy(Strategy::Jit).strict_backend(true);
            }
            BackendChoice::RefuseAll => {
                config.strategy(Strategy::Jit).backend(Arc::new(RefuseAll));
            }
            BackendChoice::Trampoline => {
                config
                    .strategy(Strategy::Jit)
                    .strict_backend(true)
                    .backend(Arc::new(Trampoline::new(TrampolineMask::All)));
            }
            BackendChoice::TrampolineOdd => {
                config
                    .strategy(Strategy::Jit)
                    .backend(Arc::new(Trampoline::new(TrampolineMask::Odd)));
            }
        }
    }
}
