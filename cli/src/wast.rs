//! `wasmbed wast`: runs WebAssembly spec-test scripts (`.wast`) and reports
//! every directive that does not behave as the script says.
//!
//! This module owns the script interpreter: parsing with the `wast` crate,
//! the `spectest` host module, the per-script store and linker, how each
//! directive is checked (values, NaN patterns, trap kinds by meaning) and
//! the wording of failures. It runs one script at a time on the calling
//! thread; running many in parallel is the caller's business.
//!
//! A panic inside the runtime is caught per directive and reported as a
//! failure, so one engine bug does not end the run.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use wasmbed::{
    Config, Engine, Error, ErrorKind, Extern, ExternRef, Func, Global, GlobalType, Instance,
    Linker, Memory, MemoryType, Module, Mutability, RefType, Store, Table, TableType, TrapCode,
    Val, V128,
};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span, F32, F64};
use wast::{
    QuoteWat, QuoteWatTest, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet,
};

/// The outcome of one script: how many directives held and what went wrong
/// with the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptReport {
    /// Directives that behaved as the script says.
    pub passed: usize,
    /// Directives that did not.
    pub failed: usize,
    /// One line per failed directive: `line:col: directive: what happened`.
    pub failures: Vec<String>,
}

impl ScriptReport {
    /// The summary line for script `name`, then (up to `max_failures` of)
    /// the failure messages, each on its own indented line.
    pub fn render(&self, name: &str, max_failures: Option<usize>) -> String {
        let mut out = if self.failed == 0 {
            format!("ok   {name} ({} passed)", self.passed)
        } else {
            format!(
                "FAIL {name} ({} passed, {} failed)",
                self.passed, self.failed
            )
        };
        let shown = max_failures.unwrap_or(usize::MAX).min(self.failures.len());
        for f in &self.failures[..shown] {
            let _ = write!(out, "\n    {name}:{f}");
        }
        if shown < self.failures.len() {
            let _ = write!(
                out,
                "\n    ... and {} more failures",
                self.failures.len() - shown
            );
        }
        out
    }
}

/// Runs the script at `path`. `Err` when it cannot be read or parsed.
pub fn run_file(path: &Path) -> Result<ScriptReport, String> {
    run_file_with(path, &wasmbed::host_config())
}

/// Runs the script at `path` on an engine built from `config` (with fuel
/// metering on, the store gets unlimited fuel).
pub fn run_file_with(path: &Path, config: &Config) -> Result<ScriptReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    run_source_with(&path.display().to_string(), &text, config)
}

/// Runs script `text`; `name` is only used in parse errors. `Err` when the
/// script does not parse.
pub fn run_source(name: &str, text: &str) -> Result<ScriptReport, String> {
    run_source_with(name, text, &wasmbed::host_config())
}

/// [`run_source`] on an engine built from `config`.
pub fn run_source_with(name: &str, text: &str, config: &Config) -> Result<ScriptReport, String> {
    install_panic_hook();
    let mut lexer = Lexer::new(text);
    // names.wast uses bidirectional-text characters in names on purpose.
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| parse_error(e, name, text))?;
    let script: Wast = parser::parse(&buf).map_err(|e| parse_error(e, name, text))?;

    let mut runner = Runner::new(text, config);
    let mut report = ScriptReport::default();
    for directive in script.directives {
        let (line, col) = directive.span().linecol_in(text);
        let what = directive_name(&directive);
        let outcome = catch_panic(|| runner.run(directive));
        match outcome {
            Ok(()) => report.passed += 1,
            Err(msg) => {
                report.failed += 1;
                report
                    .failures
                    .push(format!("{}:{}: {what}: {msg}", line + 1, col + 1));
            }
        }
    }
    Ok(report)
}

/// Runs every script in `paths`, printing one line per script, its
/// failures, and a closing `N passed, N failed` line (directive counts).
/// Returns the exit code: 0 iff every directive passed.
pub fn main(paths: &[PathBuf], backend: crate::backend::BackendChoice) -> i32 {
    // The host platform's memories (guard pages), as `wasmbed run` uses.
    let mut config = wasmbed::host_config();
    backend.configure(&mut config);
    let (mut passed, mut failed) = (0, 0);
    for path in paths {
        let name = path.display().to_string();
        match run_file_with(path, &config) {
            Ok(report) => {
                passed += report.passed;
                failed += report.failed;
                println!("{}", report.render(&name, None));
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {name} (0 passed, 1 failed)\n    {e}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    i32::from(failed != 0)
}

fn parse_error(mut e: wast::Error, name: &str, text: &str) -> String {
    e.set_path(Path::new(name));
    e.set_text(text);
    format!("cannot parse script: {e}")
}

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Set while a directive runs: the hook then records the panic here
    /// instead of printing it.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Chains a hook in front of the current one that captures panics raised
/// while [`catch_panic`] runs on this thread; other panics print as before.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                let msg = format!("panicked{location}: {}", panic_text(info.payload()));
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_text(payload: &dyn std::any::Any) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Runs `f`, turning a panic into `Err` with its message and location.
fn catch_panic(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let was = CAPTURING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(was));
    match result {
        Ok(r) => r,
        Err(payload) => Err(LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| format!("panicked: {}", panic_text(&*payload)))),
    }
}

// ---------------------------------------------------------------------------
// The script interpreter

struct Runner<'t> {
    text: &'t str,
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recent module's instance; `Err` says why there is none.
    current: Result<Instance, String>,
    named: HashMap<String, Result<Instance, String>>,
    /// `module definition`s, by name.
    definitions: HashMap<String, Module>,
    /// One `ref.extern N` per `N`, so equal numbers are equal references.
    externrefs: HashMap<u32, ExternRef>,
}

impl<'t> Runner<'t> {
    fn new(text: &'t str, config: &Config) -> Runner<'t> {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, ());
        // Metering is exercised, not limiting: the scripts expect to finish.
        let _ = store.set_fuel(u64::MAX);
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store).expect("the spectest module links");
        Runner {
            text,
            engine,
            store,
            linker,
            current: Err("no module has been defined yet".to_string()),
            named: HashMap::new(),
            definitions: HashMap::new(),
            externrefs: HashMap::new(),
        }
    }

    fn at(&self, span: Span) -> String {
        let (line, col) = span.linecol_in(self.text);
        format!("{}:{}", line + 1, col + 1)
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut module) => {
                let span = module.span();
                let name = module.name().map(|id| id.name().to_string());
                let result = self
                    .compile_quote(&mut module)
                    .and_then(|m| self.instantiate(&m).map_err(|e| describe_error(&e)));
                let recorded = result.clone().map_err(|e| {
                    format!("the module at {} did not instantiate: {e}", self.at(span))
                });
                self.current = recorded.clone();
                if let Some(name) = name {
                    self.named.insert(name, recorded);
                }
                result.map(|_| ())
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let m = self.compile_quote(&mut module)?;
                if let Some(name) = name {
                    self.definitions.insert(name, m);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                span,
                instance,
                module,
            } => {
                let def = module
                    .and_then(|id| self.definitions.get(id.name()).cloned())
                    .ok_or_else(|| "no such module definition".to_string())?;
                let result = self.instantiate(&def).map_err(|e| describe_error(&e));
                let recorded = result.clone().map_err(|e| {
                    format!("the instance at {} did not instantiate: {e}", self.at(span))
                });
                self.current = recorded.clone();
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), recorded);
                }
                result.map(|_| ())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&self.store, name, instance)
                    .map(|_| ())
                    .map_err(|e| format!("cannot register as \"{name}\": {}", describe_error(&e)))
            }
            WastDirective::Invoke(invoke) => self.invoke(&invoke).map(|_| ()).map_err(|e| e.0),
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => {
                let expected = expected_trap(message)?;
                let call_text = self.describe_invoke(&call);
                match self.invoke(&call) {
                    Ok(values) => Err(format!(
                        "{call_text}: expected trap \"{message}\" ({expected:?}), got {}",
                        show_vals(&values, &self.store)
                    )),
                    Err(e) => check_trap(&call_text, message, expected, e.1.as_ref(), &e.0),
                }
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => self.assert_rejected(module, message, "invalid"),
            WastDirective::AssertMalformed {
                module, message, ..
            } => self.assert_rejected(module, message, "malformed"),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module
                    .encode()
                    .map_err(|e| format!("cannot encode the module: {}", one_line(&e)))?;
                let m = Module::from_binary(&self.engine, &bytes)
                    .map_err(|e| format!("module does not compile: {}", describe_error(&e)))?;
                match self.instantiate(&m) {
                    Ok(_) => Err(format!(
                        "module instantiated; expected a link error (\"{message}\")"
                    )),
                    Err(e) if matches!(e.kind(), ErrorKind::Link(_)) => Ok(()),
                    Err(e) => Err(format!(
                        "expected a link error (\"{message}\"), got {}",
                        describe_error(&e)
                    )),
                }
            }
            other => Err(format!(
                "directive not supported by this runner: {}",
                directive_name(&other)
            )),
        }
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        self.linker.instantiate(&mut self.store, module)
    }

    /// Encodes (parsing quoted text) and compiles a module.
    fn compile_quote(&self, module: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = encode_quote(module).map_err(|e| format!("cannot encode the module: {e}"))?;
        Module::from_binary(&self.engine, &bytes)
            .map_err(|e| format!("module does not compile: {}", describe_error(&e)))
    }

    fn assert_rejected(
        &self,
        mut module: QuoteWat<'_>,
        message: &str,
        what: &str,
    ) -> Result<(), String> {
        // A quoted module that does not parse as text is malformed: pass.
        let Ok(bytes) = encode_quote(&mut module) else {
            return Ok(());
        };
        match Module::from_binary(&self.engine, &bytes) {
            Ok(_) => Err(format!(
                "module compiled; expected it to be rejected as {what} (\"{message}\")"
            )),
            Err(_) => Ok(()),
        }
    }

    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            None => self.current.clone(),
            Some(id) => self
                .named
                .get(id.name())
                .cloned()
                .unwrap_or_else(|| Err(format!("no module named ${}", id.name()))),
        }
    }

    fn describe_invoke(&self, invoke: &WastInvoke<'_>) -> String {
        let mut s = String::from("invoke ");
        if let Some(id) = invoke.module {
            let _ = write!(s, "${} ", id.name());
        }
        let _ = write!(s, "{:?}(", invoke.name);
        for (i, a) in invoke.args.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            match a {
                WastArg::Core(a) => s.push_str(&show_arg(a)),
                _ => s.push_str("<component value>"),
            }
        }
        s.push(')');
        s
    }

    fn arg(&mut self, arg: &WastArg<'_>) -> Result<Val, String> {
        let WastArg::Core(arg) = arg else {
            return Err("component-model arguments are not supported".to_string());
        };
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(V128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Func,
                ..
            }) => Val::FuncRef(None),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Extern,
                ..
            }) => Val::ExternRef(None),
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(self.externref(*n))),
            other => return Err(format!("unsupported argument {}", show_arg(other))),
        })
    }

    fn externref(&mut self, n: u32) -> ExternRef {
        let store = &mut self.store;
        *self
            .externrefs
            .entry(n)
            .or_insert_with(|| ExternRef::new(&mut *store, n))
    }

    /// Calls an export. On failure: a description, and the error if the
    /// call itself failed (rather than the lookup).
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, (String, Option<Error>)> {
        let text = self.describe_invoke(invoke);
        let fail = |msg: String| (format!("{text}: {msg}"), None);
        let instance = self.instance(invoke.module).map_err(fail)?;
        let func = match instance.get_export(&self.store, invoke.name) {
            Some(Extern::Func(f)) => f,
            Some(other) => return Err(fail(format!("the export is a {other:?}, not a function"))),
            None => return Err(fail("no such export".to_string())),
        };
        let args = invoke
            .args
            .iter()
            .map(|a| self.arg(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        self.call(func, &args)
            .map_err(|e| (format!("{text}: {}", describe_error(&e)), Some(e)))
    }

    fn call(&mut self, func: Func, args: &[Val]) -> Result<Vec<Val>, Error> {
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
            .collect();
        func.call(&mut self.store, args, &mut results)?;
        Ok(results)
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), String> {
        let (what, values) = match exec {
            WastExecute::Invoke(invoke) => {
                let what = self.describe_invoke(&invoke);
                let values = self.invoke(&invoke).map_err(|e| e.0)?;
                (what, values)
            }
            WastExecute::Get { module, global, .. } => {
                let what = match module {
                    Some(id) => format!("get ${} {global:?}", id.name()),
                    None => format!("get {global:?}"),
                };
                let instance = self.instance(module).map_err(|e| format!("{what}: {e}"))?;
                match instance.get_export(&self.store, global) {
                    Some(Extern::Global(g)) => (what, vec![g.get(&self.store)]),
                    Some(other) => return Err(format!("{what}: {other:?} is not a global")),
                    None => return Err(format!("{what}: no such export")),
                }
            }
            WastExecute::Wat(mut wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| format!("cannot encode the module: {}", one_line(&e)))?;
                let m = Module::from_binary(&self.engine, &bytes)
                    .map_err(|e| format!("module does not compile: {}", describe_error(&e)))?;
                self.instantiate(&m).map_err(|e| describe_error(&e))?;
                ("module".to_string(), Vec::new())
            }
        };
        let ok = values.len() == expected.len()
            && values.iter().zip(expected).all(|(v, e)| self.matches(v, e));
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{what}: expected {}, got {}",
                show_expected(expected),
                show_vals(&values, &self.store)
            ))
        }
    }

    fn matches(&self, actual: &Val, expected: &WastRet<'_>) -> bool {
        let WastRet::Core(expected) = expected else {
            return false;
        };
        match (actual, expected) {
            (Val::I32(a), WastRetCore::I32(e)) => a == e,
            (Val::I64(a), WastRetCore::I64(e)) => a == e,
            (Val::F32(a), WastRetCore::F32(e)) => f32_matches(*a, e),
            (Val::F64(a), WastRetCore::F64(e)) => f64_matches(*a, e),
            (Val::V128(a), WastRetCore::V128(e)) => v128_matches(a.as_u128(), e),
            (Val::FuncRef(a), WastRetCore::RefNull(ty)) => {
                a.is_none()
                    && ty
                        .as_ref()
                        .is_none_or(|t| heap_is(t, AbstractHeapType::Func))
            }
            (Val::ExternRef(a), WastRetCore::RefNull(ty)) => {
                a.is_none()
                    && ty
                        .as_ref()
                        .is_none_or(|t| heap_is(t, AbstractHeapType::Extern))
            }
            (Val::FuncRef(a), WastRetCore::RefFunc(_)) => a.is_some(),
            (Val::ExternRef(Some(r)), WastRetCore::RefExtern(n)) => {
                let data = r.data(&self.store).downcast_ref::<u32>();
                match n {
                    Some(n) => data == Some(n),
                    None => true,
                }
            }
            (_, WastRetCore::Either(options)) => options
                .iter()
                .any(|o| self.matches(actual, &WastRet::Core(clone_ret(o)))),
            _ => false,
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), String> {
        let expected = expected_trap(message)?;
        match exec {
            WastExecute::Invoke(invoke) => {
                let what = self.describe_invoke(&invoke);
                match self.invoke(&invoke) {
                    Ok(values) => Err(format!(
                        "{what}: expected trap \"{message}\" ({expected:?}), got {}",
                        show_vals(&values, &self.store)
                    )),
                    Err(e) => check_trap(&what, message, expected, e.1.as_ref(), &e.0),
                }
            }
            WastExecute::Wat(mut wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| format!("cannot encode the module: {}", one_line(&e)))?;
                let m = Module::from_binary(&self.engine, &bytes)
                    .map_err(|e| format!("module does not compile: {}", describe_error(&e)))?;
                match self.instantiate(&m) {
                    Ok(_) => Err(format!(
                        "module instantiated; expected trap \"{message}\" ({expected:?})"
                    )),
                    Err(e) => {
                        let text = format!("instantiation: {}", describe_error(&e));
                        check_trap("instantiation", message, expected, Some(&e), &text)
                    }
                }
            }
            WastExecute::Get { global, .. } => Err(format!(
                "get {global:?} cannot trap; the script expects \"{message}\""
            )),
        }
    }
}

/// Checks that `error` is a trap with code `expected`.
fn check_trap(
    what: &str,
    message: &str,
    expected: TrapCode,
    error: Option<&Error>,
    error_text: &str,
) -> Result<(), String> {
    match error.and_then(Error::trap_code) {
        Some(code) if code == expected => Ok(()),
        Some(code) => Err(format!(
            "{what}: expected trap \"{message}\" ({expected:?}), got trap \"{}\" ({code:?})",
            code.message()
        )),
        None => Err(format!(
            "expected trap \"{message}\" ({expected:?}), got {error_text}"
        )),
    }
}

/// The trap code the reference interpreter's `message` means.
fn expected_trap(message: &str) -> Result<TrapCode, String> {
    const CODES: &[(&str, TrapCode)] = &[
        ("out of bounds memory access", TrapCode::MemoryOutOfBounds),
        ("out of bounds table access", TrapCode::TableOutOfBounds),
        ("undefined element", TrapCode::UndefinedElement),
        ("uninitialized element", TrapCode::UninitializedElement),
        ("indirect call type mismatch", TrapCode::BadSignature),
        ("integer divide by zero", TrapCode::IntegerDivisionByZero),
        ("integer overflow", TrapCode::IntegerOverflow),
        (
            "invalid conversion to integer",
            TrapCode::BadConversionToInteger,
        ),
        ("unreachable", TrapCode::Unreachable),
        ("call stack exhausted", TrapCode::StackOverflow),
        ("null reference", TrapCode::NullReference),
    ];
    CODES
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|(_, code)| *code)
        .ok_or_else(|| format!("the runner does not know the trap message \"{message}\""))
}

fn encode_quote(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    match module.to_test().map_err(|e| one_line(&e))? {
        QuoteWatTest::Binary(bytes) => Ok(bytes),
        QuoteWatTest::Text(text) => {
            let text =
                std::str::from_utf8(&text).map_err(|_| "malformed UTF-8 encoding".to_string())?;
            let mut lexer = Lexer::new(text);
            lexer.allow_confusing_unicode(true);
            let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| one_line(&e))?;
            let mut wat: wast::Wat = parser::parse(&buf).map_err(|e| one_line(&e))?;
            wat.encode().map_err(|e| one_line(&e))
        }
    }
}

fn define_spectest(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    let m = "spectest";
    linker.func_wrap(m, "print", || {})?;
    linker.func_wrap(m, "print_i32", |_: i32| {})?;
    linker.func_wrap(m, "print_i64", |_: i64| {})?;
    linker.func_wrap(m, "print_f32", |_: f32| {})?;
    linker.func_wrap(m, "print_f64", |_: f64| {})?;
    linker.func_wrap(m, "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap(m, "print_f64_f64", |_: f64, _: f64| {})?;
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, val) in globals {
        let g = Global::new(
            &mut *store,
            GlobalType::new(val.ty(), Mutability::Const),
            val,
        )?;
        linker.define(&*store, m, name, g)?;
    }
    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FuncRef, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(&*store, m, "table", table)?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, m, "memory", memory)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Matching and describing values

/// Lane by lane: integer lanes exactly, float lanes by their NaN pattern.
fn v128_matches(actual: u128, expected: &V128Pattern) -> bool {
    let lane =
        |i: usize, bits: u32| (actual >> (i as u32 * bits)) as u64 & (u64::MAX >> (64 - bits));
    match expected {
        V128Pattern::I8x16(v) => v
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 8) == *x as u8 as u64),
        V128Pattern::I16x8(v) => v
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 16) == *x as u16 as u64),
        V128Pattern::I32x4(v) => v
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 32) == *x as u32 as u64),
        V128Pattern::I64x2(v) => v.iter().enumerate().all(|(i, x)| lane(i, 64) == *x as u64),
        V128Pattern::F32x4(v) => v
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(lane(i, 32) as u32, p)),
        V128Pattern::F64x2(v) => v
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(lane(i, 64), p)),
    }
}

fn f32_matches(actual: u32, expected: &NanPattern<F32>) -> bool {
    const EXP: u32 = 0x7f80_0000;
    const QUIET: u32 = 0x0040_0000;
    match expected {
        NanPattern::CanonicalNan => actual & !0x8000_0000 == EXP | QUIET,
        NanPattern::ArithmeticNan => actual & (EXP | QUIET) == EXP | QUIET,
        NanPattern::Value(v) => actual == v.bits,
    }
}

fn f64_matches(actual: u64, expected: &NanPattern<F64>) -> bool {
    const EXP: u64 = 0x7ff0_0000_0000_0000;
    const QUIET: u64 = 0x0008_0000_0000_0000;
    match expected {
        NanPattern::CanonicalNan => actual & !(1 << 63) == EXP | QUIET,
        NanPattern::ArithmeticNan => actual & (EXP | QUIET) == EXP | QUIET,
        NanPattern::Value(v) => actual == v.bits,
    }
}

fn heap_is(ty: &HeapType<'_>, want: AbstractHeapType) -> bool {
    matches!(ty, HeapType::Abstract { ty, .. } if std::mem::discriminant(ty) == std::mem::discriminant(&want))
}

/// A shallow copy of the patterns `Either` can hold (the `wast` type is
/// not `Clone`).
fn clone_ret<'a>(r: &WastRetCore<'a>) -> WastRetCore<'a> {
    match r {
        WastRetCore::I32(v) => WastRetCore::I32(*v),
        WastRetCore::I64(v) => WastRetCore::I64(*v),
        WastRetCore::F32(p) => WastRetCore::F32(match p {
            NanPattern::CanonicalNan => NanPattern::CanonicalNan,
            NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
            NanPattern::Value(v) => NanPattern::Value(F32 { bits: v.bits }),
        }),
        WastRetCore::F64(p) => WastRetCore::F64(match p {
            NanPattern::CanonicalNan => NanPattern::CanonicalNan,
            NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
            NanPattern::Value(v) => NanPattern::Value(F64 { bits: v.bits }),
        }),
        WastRetCore::V128(p) => WastRetCore::V128(p.clone()),
        WastRetCore::RefNull(t) => WastRetCore::RefNull(*t),
        WastRetCore::RefExtern(n) => WastRetCore::RefExtern(*n),
        WastRetCore::RefFunc(i) => WastRetCore::RefFunc(*i),
        WastRetCore::Either(v) => WastRetCore::Either(v.iter().map(clone_ret).collect()),
        // Patterns this runner never matches; any stand-in that fails.
        _ => WastRetCore::RefAny,
    }
}

fn show_f32(bits: u32) -> String {
    format!("f32 {} ({bits:#010x})", f32::from_bits(bits))
}

fn show_f64(bits: u64) -> String {
    format!("f64 {} ({bits:#018x})", f64::from_bits(bits))
}

fn show_val(v: &Val, store: &Store<()>) -> String {
    match v {
        Val::I32(x) => format!("i32 {x} ({:#x})", *x as u32),
        Val::I64(x) => format!("i64 {x} ({:#x})", *x as u64),
        Val::F32(b) => show_f32(*b),
        Val::F64(b) => show_f64(*b),
        Val::V128(v) => format!("v128 {:#034x}", v.as_u128()),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(f)) => format!("ref.func {:?}", f.ty(store)),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(r)) => match r.data(store).downcast_ref::<u32>() {
            Some(n) => format!("ref.extern {n}"),
            None => "ref.extern <non-u32 payload>".to_string(),
        },
    }
}

fn show_vals(vals: &[Val], store: &Store<()>) -> String {
    let items: Vec<String> = vals.iter().map(|v| show_val(v, store)).collect();
    format!("[{}]", items.join(", "))
}

fn show_heap(t: &HeapType<'_>) -> String {
    match t {
        HeapType::Abstract { ty, .. } => format!("{ty:?}").to_lowercase(),
        other => format!("{other:?}"),
    }
}

fn show_arg(a: &WastArgCore<'_>) -> String {
    match a {
        WastArgCore::I32(v) => format!("i32 {v}"),
        WastArgCore::I64(v) => format!("i64 {v}"),
        WastArgCore::F32(v) => show_f32(v.bits),
        WastArgCore::F64(v) => show_f64(v.bits),
        WastArgCore::V128(v) => format!("v128 {:#034x}", u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(t) => format!("ref.null {}", show_heap(t)),
        WastArgCore::RefExtern(n) => format!("ref.extern {n}"),
        WastArgCore::RefHost(n) => format!("ref.host {n}"),
    }
}

fn show_nan_pattern<T>(p: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => value(v),
    }
}

fn show_ret(r: &WastRetCore<'_>) -> String {
    match r {
        WastRetCore::I32(v) => format!("i32 {v} ({:#x})", *v as u32),
        WastRetCore::I64(v) => format!("i64 {v} ({:#x})", *v as u64),
        WastRetCore::F32(p) => format!("f32 {}", show_nan_pattern(p, |v| show_f32(v.bits))),
        WastRetCore::F64(p) => format!("f64 {}", show_nan_pattern(p, |v| show_f64(v.bits))),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(t)) => format!("ref.null {}", show_heap(t)),
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::Either(v) => {
            let items: Vec<String> = v.iter().map(show_ret).collect();
            format!("either({})", items.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

fn show_expected(rets: &[WastRet<'_>]) -> String {
    let items: Vec<String> = rets
        .iter()
        .map(|r| match r {
            WastRet::Core(r) => show_ret(r),
            _ => "<component value>".to_string(),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// An error on one line: the kind, the message and, for a trap, where in
/// the wasm it happened.
fn describe_error(e: &Error) -> String {
    match e.kind() {
        ErrorKind::Trap(t) => {
            let mut s = format!("trap \"{}\" ({:?})", t.code().message(), t.code());
            if let Some(frame) = t.backtrace().first() {
                let _ = write!(s, " in wasm function {}", frame.func_index);
                if let Some(name) = &frame.func_name {
                    let _ = write!(s, " ({name})");
                }
                let _ = write!(s, " at offset {:#x}", frame.offset);
                if t.backtrace_depth() > 1 {
                    let _ = write!(s, ", {} frames deep", t.backtrace_depth());
                }
            }
            s
        }
        ErrorKind::InvalidModule { .. } => format!("InvalidModule error: {e}"),
        ErrorKind::Unsupported(_) => format!("Unsupported error: {e}"),
        ErrorKind::Link(_) => format!("Link error: {e}"),
        ErrorKind::Instantiation(_) => format!("Instantiation error: {e}"),
        ErrorKind::Usage(_) => format!("Usage error: {e}"),
        ErrorKind::Host(_) => format!("Host error: {e}"),
        _ => one_line(e),
    }
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().replace('\n', " | ")
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(QuoteWat::QuoteModule(..)) => "module quote",
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_failure_with_its_location() {
        install_panic_hook();
        let err = catch_panic(|| panic!("boom {}", 7)).unwrap_err();
        assert!(err.contains("boom 7"), "{err}");
        assert!(err.contains("wast.rs:"), "{err}");
        assert_eq!(catch_panic(|| Ok(())), Ok(()));
    }

    #[test]
    fn trap_messages_map_by_meaning() {
        assert_eq!(
            expected_trap("uninitialized element 2"),
            Ok(TrapCode::UninitializedElement)
        );
        assert_eq!(
            expected_trap("undefined element"),
            Ok(TrapCode::UndefinedElement)
        );
        assert!(expected_trap("something new").is_err());
    }

    #[test]
    fn nan_patterns() {
        assert!(f32_matches(0xffc0_0000, &NanPattern::CanonicalNan));
        assert!(!f32_matches(0x7fc0_0001, &NanPattern::CanonicalNan));
        assert!(f32_matches(0x7fc0_0001, &NanPattern::ArithmeticNan));
        assert!(!f32_matches(0x7fa0_0000, &NanPattern::ArithmeticNan));
        assert!(f64_matches(
            0x7ff8_0000_0000_0000,
            &NanPattern::CanonicalNan
        ));
        assert!(!f64_matches(
            0x7ff4_0000_0000_0000,
            &NanPattern::ArithmeticNan
        ));
    }
}
