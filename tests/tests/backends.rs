//! Strategy, fallback and the test backends (issue 16): which tier runs a
//! module, what a refusal does in strict and non-strict mode, what
//! `Module::backend_report` says, and that calls crossing the VM ABI (the
//! `Trampoline` backend's "compiled" functions) keep every guarantee the
//! interpreter gives: results, fuel, traps with whole backtraces, and a
//! bounded host stack.
use std::sync::Arc;
use wasmbed::backend::testing::{RefuseAll, Trampoline, TrampolineMask};
use wasmbed::{Config, Engine, Linker, Module, Store, Strategy, TrapCode};

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $boom (export "boom") (param i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (call $boom (i32.sub (local.get 0) (i32.const 1))))
  (func $forever (export "forever") (call $forever)))"#;

fn engine(f: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::new();
    f(&mut config);
    Engine::new(&config)
}

fn fib(engine: &Engine, n: i32) -> i32 {
    let module = Module::new(engine, FIB).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    fib.call(&mut store, n).unwrap()
}

#[test]
fn jit_strategy_without_a_backend_says_why() {
    let engine = engine(|c| {
        c.strategy(Strategy::Jit);
    });
    let Err(err) = Module::new(&engine, FIB) else {
        panic!("compiled although no backend is installed");
    };
    assert!(
        err.to_string().contains("no JIT backend is installed"),
        "{err}"
    );
}

#[test]
fn auto_without_a_backend_is_the_interpreter() {
    let engine = Engine::default();
    let module = Module::new(&engine, FIB).unwrap();
    let report = module.backend_report();
    assert_eq!(report.backend, "interpreter");
    assert_eq!((report.compiled, report.interpreted), (0, 3));
    assert!(report.fallbacks.is_empty());
    assert_eq!(fib(&engine, 15), 610);
}

#[test]
fn interpreter_strategy_ignores_an_installed_backend() {
    let engine = engine(|c| {
        c.strategy(Strategy::Interpreter)
            .backend(Arc::new(Trampoline::new(TrampolineMask::All)));
    });
    let module = Module::new(&engine, FIB).unwrap();
    assert_eq!(module.backend_report().backend, "interpreter");
}

#[test]
fn refusals_fall_back_and_are_reported() {
    let engine = engine(|c| {
        c.backend(Arc::new(RefuseAll));
    });
    let module = Module::new(&engine, FIB).unwrap();
    let report = module.backend_report();
    assert_eq!(report.backend, "refuse-all");
    assert_eq!((report.compiled, report.interpreted), (0, 3));
    let refused: Vec<u32> = report.fallbacks.iter().map(|(f, _)| *f).collect();
    assert_eq!(refused, [0, 1, 2]);
    let text = report.to_string();
    assert!(text.contains("function 1: refused for testing"), "{text}");
    assert_eq!(fib(&engine, 15), 610);
}

#[test]
fn strict_mode_names_the_refused_function() {
    let engine = engine(|c| {
        c.backend(Arc::new(RefuseAll)).strict_backend(true);
    });
    let Err(err) = Module::new(&engine, FIB) else {
        panic!("compiled although the strict backend refuses every function");
    };
    let msg = err.to_string();
    assert!(
        msg.contains("function 0 ($fib) refused by refuse-all: refused for testing"),
        "{msg}"
    );
    // A module without functions has nothing to refuse.
    Module::new(&engine, "(module (memory 1))").unwrap();
}

#[test]
fn mixed_tiers_agree_with_the_interpreter() {
    for mask in [TrampolineMask::All, TrampolineMask::Odd] {
        let engine = engine(|c| {
            c.backend(Arc::new(Trampoline::new(mask)));
        });
        let module = Module::new(&engine, FIB).unwrap();
        let report = module.backend_report();
        let expected = if mask == TrampolineMask::All { 3 } else { 1 };
        assert_eq!(report.compiled, expected, "{report}");
        assert_eq!(fib(&engine, 20), 6765, "{mask:?}");
    }
}

/// A trap deep in "compiled" frames, each its own activation, reads as it
/// does on the interpreter: every frame, innermost first.
#[test]
fn backtraces_join_across_activations() {
    let run = |engine: &Engine| {
        let module = Module::new(engine, FIB).unwrap();
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let boom = instance.get_typed_func::<i32, ()>(&store, "boom").unwrap();
        let err = boom.call(&mut store, 5).unwrap_err();
        let trap = err.as_trap().expect("a trap").clone();
        assert_eq!(trap.code(), TrapCode::Unreachable);
        trap.backtrace()
            .iter()
            .map(|f| (f.func_index, f.offset))
            .collect::<Vec<_>>()
    };
    let interp = run(&Engine::default());
    assert_eq!(interp.len(), 6);
    let trampoline = run(&engine(|c| {
        c.backend(Arc::new(Trampoline::new(TrampolineMask::All)))
            .strict_backend(true);
    }));
    assert_eq!(trampoline, interp);
}

/// Unbounded recursion through "compiled" functions nests on the host
/// stack, as machine code will: it ends in `StackOverflow` at the native
/// stack limit, also on a thread with a small stack, never in a crash.
#[test]
fn native_recursion_stops_at_the_native_stack_limit() {
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let engine = engine(|c| {
                c.backend(Arc::new(Trampoline::new(TrampolineMask::All)))
                    .strict_backend(true)
                    .max_native_stack(256 << 10);
            });
            let module = Module::new(&engine, FIB).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let forever = instance
                .get_typed_func::<(), ()>(&store, "forever")
                .unwrap();
            let err = forever.call(&mut store, ()).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
            // The store is usable afterwards.
            let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
            assert_eq!(fib.call(&mut store, 10).unwrap(), 55);
        })
        .unwrap();
    worker.join().unwrap();
}

/// Fuel is handed over at every boundary between tiers: the same program
/// burns the same fuel whichever functions crossed the ABI.
#[test]
fn fuel_is_the_same_on_every_tier() {
    let burn = |engine: &Engine| {
        let module = Module::new(engine, FIB).unwrap();
        let mut store = Store::new(engine, ());
        store.set_fuel(1_000_000).unwrap();
        let instance = Linker::new(engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        assert_eq!(fib.call(&mut store, 12).unwrap(), 144);
        1_000_000 - store.get_fuel().unwrap()
    };
    let interp = burn(&engine(|c| {
        c.consume_fuel(true);
    }));
    assert!(interp > 0);
    for mask in [TrampolineMask::All, TrampolineMask::Odd] {
        let used = burn(&engine(|c| {
            c.consume_fuel(true)
                .backend(Arc::new(Trampoline::new(mask)));
        }));
        assert_eq!(used, interp, "{mask:?}");
    }
}

/// A backend that cannot run on this host (as a JIT on a CPU without a
/// feature it needs), or that fails while compiling or linking.
struct Broken {
    available: bool,
    fail_compile: bool,
}

impl wasmbed::backend::Backend for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn available(&self, _: &Config) -> Result<(), wasmbed::backend::Refusal> {
        if self.available {
            Ok(())
        } else {
            Err(wasmbed::backend::Refusal::new(
                wasmbed::backend::RefusalReason::MissingCpuFeature,
                "needs an imaginary CPU feature",
            ))
        }
    }
    fn compile_function(
        &self,
        env: &wasmbed::backend::ModuleEnv<'_>,
        input: &wasmbed::backend::FunctionInput<'_>,
    ) -> Result<Box<dyn wasmbed::backend::CompiledFunction>, wasmbed::backend::CompileError> {
        if self.fail_compile {
            return Err(wasmbed::backend::CompileError::Failed(wasmbed::Error::msg(
                "out of registers",
            )));
        }
        RefuseAll.compile_function(env, input)
    }
    fn link(
        &self,
        _: &wasmbed::backend::ModuleEnv<'_>,
        _: Vec<(u32, Box<dyn wasmbed::backend::CompiledFunction>)>,
        _: Option<&dyn wasmbed::platform::Executable>,
    ) -> Result<Arc<dyn wasmbed::backend::ModuleCode>, wasmbed::Error> {
        Err(wasmbed::Error::msg("no code memory"))
    }
}

#[test]
fn auto_reports_why_the_backend_was_not_used() {
    let engine = engine(|c| {
        c.backend(Arc::new(Broken {
            available: false,
            fail_compile: false,
        }));
    });
    let module = Module::new(&engine, FIB).unwrap();
    let report = module.backend_report();
    assert_eq!(report.backend, "interpreter");
    let (name, why) = report.unavailable.as_ref().expect("the reason is kept");
    assert_eq!(*name, "broken");
    assert!(why.to_string().contains("imaginary CPU feature"), "{why}");
    assert!(
        report.to_string().contains("backend `broken` unavailable"),
        "{report}"
    );
    assert_eq!(fib(&engine, 10), 55);
}

#[test]
fn backend_failures_name_the_function_and_the_backend() {
    let compile = engine(|c| {
        c.backend(Arc::new(Broken {
            available: true,
            fail_compile: true,
        }));
    });
    let Err(err) = Module::new(&compile, FIB) else {
        panic!("a failing backend compiled the module");
    };
    let text = format!("{err:#}");
    assert!(
        text.contains("backend `broken` failed to compile function 0 ($fib)"),
        "{text}"
    );
    assert!(text.contains("out of registers"), "{text}");

    let link = engine(|c| {
        c.backend(Arc::new(Broken {
            available: true,
            fail_compile: false,
        }));
    });
    let Err(err) = Module::new(&link, FIB) else {
        panic!("a failing link produced a module");
    };
    let text = format!("{err:#}");
    assert!(text.contains("backend `broken` failed to link"), "{text}");
    assert!(text.contains("no code memory"), "{text}");
}

/// With `Config::parallelism`, a module's functions compile on several
/// threads; the module is the same as a sequential compile's: every
/// function compiled, in place, and a refusal reported as before.
#[test]
fn parallel_compilation_builds_the_same_module() {
    // 200 functions: $f0 returns 0, $fN returns 1 + $f(N-1).
    let mut wat = String::from("(module\n  (func $f0 (result i32) i32.const 0)\n");
    for n in 1..200 {
        wat.push_str(&format!(
            "  (func $f{n} (result i32) (i32.add (i32.const 1) (call $f{})))\n",
            n - 1
        ));
    }
    wat.push_str("  (export \"top\" (func $f199)))");
    for mask in [TrampolineMask::All, TrampolineMask::Odd] {
        let engine = engine(|c| {
            c.backend(Arc::new(Trampoline::new(mask)))
                .parallelism(Arc::new(wasmbed::StdThreads::with_threads(4)));
        });
        let module = Module::new(&engine, &wat).unwrap();
        let report = module.backend_report();
        let expect_compiled = if mask == TrampolineMask::All {
            200
        } else {
            100
        };
        assert_eq!(report.compiled, expect_compiled, "{report}");
        assert_eq!(report.fallbacks.len() as u32, 200 - expect_compiled);
        // Refusals are reported in function order, as sequentially.
        assert!(report.fallbacks.windows(2).all(|w| w[0].0 < w[1].0));
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let top = instance.get_typed_func::<(), i32>(&store, "top").unwrap();
        assert_eq!(top.call(&mut store, ()).unwrap(), 199);
    }
}

/// A compiled function calling one the JIT refused (here, for want of
/// SSE4.1) goes through the linker's thunk into the callee's array call:
/// direct calls work across tiers.
#[cfg(target_arch = "x86_64")]
#[test]
fn direct_calls_reach_refused_callees_through_the_thunk() {
    use wasmbed::jit_x64::masm::CpuFeatures;
    use wasmbed::jit_x64::JitX64;
    let wat = r#"(module
      (func $ceil (param f32) (result f32) (f32.ceil (local.get 0)))
      (func $twice (param f32) (result f32)
        (f32.add (call $ceil (local.get 0)) (call $ceil (local.get 0))))
      (func (export "run") (param f32) (result f32) (call $twice (local.get 0))))"#;
    let mut config = wasmbed::host_config();
    config
        .strategy(Strategy::Jit)
        .backend(Arc::new(JitX64::with_features(CpuFeatures {
            sse41: false,
            popcnt: false,
            lzcnt: false,
            bmi1: false,
        })));
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).unwrap();
    let report = module.backend_report();
    assert_eq!((report.compiled, report.interpreted), (2, 1), "{report}");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance.get_typed_func::<f32, f32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 1.25).unwrap(), 4.0);
}
