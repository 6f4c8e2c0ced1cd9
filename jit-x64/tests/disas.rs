//! Golden tests of generated code: every `tests/disas/x64/*.wat` module is
//! compiled by jit-x64 (strict: no function may be refused) and each
//! function's code, disassembled by iced-x86, must equal the `.disas` file
//! beside it. `WASMBED_BLESS=1 cargo test -p wasmbed-jit-x64 --test disas`
//! rewrites the `.disas` files from what the compiler now emits; review the
//! diff like any code change.
//!
//! A `.wat` file's first line may be `;; config: fuel interrupt guard`
//! (any of the words) to compile with fuel metering, interruption checks,
//! or memories whose 4 GiB + 2 GiB reservations and a fault handler make
//! bounds checks unnecessary (as on 64-bit hosts).
use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
use std::any::Any;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use wasmbed_core::backend::{
    Backend, CompileError, CompiledFunction, FuncEntry, FunctionInput, ModuleCode, ModuleEnv,
    Refusal,
};
use wasmbed_core::platform::{Executable, Memory, MemoryCreator, MemoryError};
use wasmbed_core::{Config, Engine, Error, Module, Strategy, TrapCode};
use wasmbed_jit_x64::masm::CpuFeatures;
use wasmbed_jit_x64::{JitX64, X64Func};

/// jit-x64's compile step, keeping every function's code; links nothing
/// (the modules are never run here).
struct Capture {
    jit: JitX64,
    code: Mutex<Vec<(u32, Vec<u8>)>>,
}

/// A capture's "linked" code: no entries, so nothing can be called.
struct NoCode;

impl ModuleCode for NoCode {
    fn entry(&self, _: u32) -> Option<FuncEntry> {
        None
    }
    fn text(&self) -> Range<usize> {
        0..0
    }
    fn trap_code(&self, _: u32) -> Option<TrapCode> {
        None
    }
    fn frame_at(&self, _: u32) -> Option<(u32, u32)> {
        None
    }
    fn fault_stub(&self) -> usize {
        0
    }
}

/// What `compile_function` hands back: the code is already captured.
struct Captured;

impl CompiledFunction for Captured {
    fn code_size(&self) -> usize {
        0
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
        self
    }
}

impl Backend for Capture {
    fn name(&self) -> &'static str {
        "jit-x64"
    }
    fn available(&self, _: &Config) -> Result<(), Refusal> {
        Ok(())
    }
    fn compile_function(
        &self,
        env: &ModuleEnv<'_>,
        input: &FunctionInput<'_>,
    ) -> Result<Box<dyn CompiledFunction>, CompileError> {
        let f = self.jit.compile_function(env, input)?;
        let f = f
            .into_any()
            .downcast::<X64Func>()
            .map_err(|_| CompileError::Failed(Error::msg("jit-x64 returned foreign code")))?;
        let mut code = self.code.lock().unwrap();
        code.push((input.func_index, f.code().to_vec()));
        Ok(Box::new(Captured))
    }
    fn link(
        &self,
        _: &ModuleEnv<'_>,
        _: Vec<(u32, Box<dyn CompiledFunction>)>,
        _: Option<&dyn Executable>,
    ) -> Result<Arc<dyn ModuleCode>, Error> {
        Ok(Arc::new(NoCode))
    }
}

/// Claims the host platform's reservations (4 GiB + 2 GiB guard) so the
/// compiler leaves bounds checks to the guard; the modules here are only
/// compiled, so it never has to make one.
struct SixGiBReservations;

// SAFETY: it makes no memory at all, so it breaks no promise about one.
unsafe impl MemoryCreator for SixGiBReservations {
    fn new_memory(&self, _: usize, _: usize) -> Result<Box<dyn Memory>, MemoryError> {
        Err(MemoryError::OutOfMemory { requested: 0 })
    }
    fn guaranteed_reservation(&self) -> u64 {
        6 << 30
    }
}

fn dis(code: &[u8]) -> String {
    let mut d = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut f = IntelFormatter::new();
    let o = f.options_mut();
    o.set_space_after_operand_separator(true);
    o.set_signed_immediate_operands(true);
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_branch_leading_zeros(false);
    let mut out = String::new();
    for i in &mut d {
        let mut s = String::new();
        f.format(&i, &mut s);
        out.push_str(&format!("  {:4x}: {s}\n", i.ip()));
    }
    out
}

/// The disassembly of every function of the module in `wat`.
fn compile(wat: &str) -> Result<String, String> {
    let bytes = wat::parse_str(wat).map_err(|e| e.to_string())?;
    let first = wat.lines().next().unwrap_or("");
    let mut config = Config::new();
    if let Some(opts) = first.strip_prefix(";; config:") {
        for opt in opts.split_whitespace() {
            match opt {
                "fuel" => {
                    config.consume_fuel(true);
                }
                "interrupt" => {
                    config.interruptible(true);
                }
                "guard" => {
                    config
                        .fault_traps(true)
                        .memory_creator(Arc::new(SixGiBReservations));
                }
                other => return Err(format!("unknown config word {other:?}")),
            }
        }
    }
    let capture = Arc::new(Capture {
        // Pinned, so the golden code does not depend on the machine.
        jit: JitX64::with_features(CpuFeatures {
            sse41: true,
            popcnt: true,
            lzcnt: true,
            bmi1: true,
        }),
        code: Mutex::new(Vec::new()),
    });
    config
        .strategy(Strategy::Jit)
        .strict_backend(true)
        .backend(capture.clone());
    Module::from_binary(&Engine::new(&config), &bytes).map_err(|e| format!("{e:#}"))?;
    let mut funcs = capture.code.lock().unwrap().clone();
    funcs.sort();
    let mut out = String::new();
    for (index, code) in funcs {
        out.push_str(&format!("function {index} ({} bytes):\n", code.len()));
        out.push_str(&dis(&code));
    }
    Ok(out)
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/disas/x64");
    let mut wats: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wats.sort();
    wats
}

#[test]
#[cfg_attr(windows, ignore = "the golden files hold System V code")]
fn generated_code_matches_the_golden_files() {
    let bless = std::env::var_os("WASMBED_BLESS").is_some();
    let cases = cases();
    assert!(!cases.is_empty(), "no golden cases");
    let mut stale = Vec::new();
    for wat_path in cases {
        let wat = std::fs::read_to_string(&wat_path).unwrap();
        let got = compile(&wat).unwrap_or_else(|e| panic!("{}: {e}", wat_path.display()));
        let golden = wat_path.with_extension("disas");
        if bless {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != got {
            stale.push(format!(
                "{} differs from what jit-x64 emits now:\n{got}",
                golden.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n(rerun with WASMBED_BLESS=1 to accept)",
        stale.join("\n")
    );
}

/// Without SSE4.1 only the functions that need it (float rounding, SIMD)
/// are refused, with the reason; the rest of the module still compiles.
#[test]
fn without_sse41_only_the_functions_needing_it_fall_back() {
    let wat = r#"(module
      (func (export "add") (param i32 i32) (result i32)
        (i32.add (local.get 0) (local.get 1)))
      (func (export "ceil") (param f32) (result f32) (f32.ceil (local.get 0)))
      (func (export "vadd") (param v128 v128) (result v128)
        (i32x4.add (local.get 0) (local.get 1)))
      (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0))))"#;
    let capture = Arc::new(Capture {
        jit: JitX64::with_features(CpuFeatures {
            sse41: false,
            popcnt: false,
            lzcnt: false,
            bmi1: false,
        }),
        code: Mutex::new(Vec::new()),
    });
    let mut config = Config::new();
    config.strategy(Strategy::Jit).backend(capture.clone());
    let module = Module::from_binary(&Engine::new(&config), &wat::parse_str(wat).unwrap()).unwrap();
    let report = module.backend_report();
    assert_eq!(report.compiled, 2, "{report}");
    let refused: Vec<_> = report
        .fallbacks
        .iter()
        .map(|(f, r)| (*f, r.reason, r.to_string()))
        .collect();
    assert_eq!(refused.len(), 2, "{report}");
    assert_eq!(refused[0].0, 1);
    assert_eq!(refused[1].0, 2);
    for (_, reason, text) in &refused {
        assert_eq!(
            *reason,
            wasmbed_core::backend::RefusalReason::MissingCpuFeature
        );
        assert!(text.contains("SSE4.1"), "{text}");
    }
}
