//! `differential`: the same generated module run on wasmbed and on wasmi.
//!
//! Each export is called in the same order with the same arguments on
//! both; per call the results (floats bit for bit, except that any NaN
//! equals any NaN) or the trap codes must agree, and at the end the
//! contents of every memory, table and global the module exports or
//! imports. Termination does not depend on either engine's fuel:
//! `wasm-smith`'s `ensure_termination` makes every function and loop
//! decrement a global and trap (`unreachable`) when it reaches zero, so
//! both engines stop at the same point. Engine fuel is only a safety net:
//! if either engine runs out, or reports stack exhaustion (their limits
//! differ), the rest of the case is not compared. Later backends (the JITs)
//! join as further columns next to `wasmbed` here.
use super::run::arbitrary_val;
use super::smith::{generate, SmithPurpose};
use arbitrary::Unstructured;
use std::fmt;
use std::sync::OnceLock;

/// Engine fuel per call: the safety net, far above what the budget allows.
const ENGINE_FUEL: u64 = 50_000_000;

/// What one differential case did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffOutcome {
    /// Both engines instantiated the module.
    pub instantiated: bool,
    /// Calls whose outcomes were compared.
    pub compared: usize,
    /// Of those, calls that trapped (on both).
    pub traps: usize,
    /// Trap codes seen (on both engines, at instantiation or in calls), by
    /// name, for the smoke test's coverage check.
    pub trap_codes: std::collections::BTreeMap<String, usize>,
    /// The case stopped early: engine fuel or stack exhaustion on either
    /// engine (why, for statistics), or an op wasmi gets wrong.
    pub cut_short: Option<&'static str>,
}

/// A value as both engines can report it. References compare by
/// null-ness only (function identities are checked through what calling
/// them does).
#[derive(Clone, Debug)]
enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    FuncRef { null: bool },
    ExternRef { null: bool },
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (I32(a), I32(b)) => a == b,
            (I64(a), I64(b)) => a == b,
            (F32(a), F32(b)) => {
                a == b || (f32::from_bits(*a).is_nan() && f32::from_bits(*b).is_nan())
            }
            (F64(a), F64(b)) => {
                a == b || (f64::from_bits(*a).is_nan() && f64::from_bits(*b).is_nan())
            }
            (V128(a), V128(b)) => a == b,
            (FuncRef { null: a }, FuncRef { null: b }) => a == b,
            (ExternRef { null: a }, ExternRef { null: b }) => a == b,
            _ => false,
        }
    }
}

/// The trap codes of both engines, mapped onto one list. wasmi reports a
/// `call_indirect` index beyond the table as a table access out of bounds
/// (wasmbed: `UndefinedElement`), so both map to `TableOutOfBounds`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Trap {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UninitializedElement,
    BadSignature,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    StackOverflow,
    OutOfFuel,
    Other(String),
}

/// One call's (or the instantiation's) outcome.
type Outcome = Result<Vec<Value>, Trap>;

/// The state of one memory, table or global.
#[derive(Clone, PartialEq)]
enum State {
    Memory(Vec<u8>),
    Table(Vec<Value>),
    Global(Value),
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Memory(bytes) => {
                let nonzero = bytes.iter().filter(|b| **b != 0).count();
                write!(f, "Memory({} bytes, {nonzero} non-zero)", bytes.len())
            }
            State::Table(t) => write!(f, "Table({t:?})"),
            State::Global(g) => write!(f, "Global({g:?})"),
        }
    }
}

/// Generates a module from `u` and runs [`check_differential_module`] on
/// the backend of [`fuzz_backend`].
pub fn check_differential(u: &mut Unstructured<'_>) -> arbitrary::Result<DiffOutcome> {
    check_differential_on(u, fuzz_backend())
}

/// [`check_differential`] with the wasmbed side on `backend` (see
/// [`configure_backend`]).
pub fn check_differential_on(
    u: &mut Unstructured<'_>,
    backend: &str,
) -> arbitrary::Result<DiffOutcome> {
    // Arguments come from their own stream: wasm-smith may use up `u`.
    let args = super::seeded_bytes(u.arbitrary()?, 4096);
    let bytes = generate(u, SmithPurpose::Differential)?;
    // For reproducing a finding outside the harness (`wasm-tools print`).
    if let Some(path) = std::env::var_os("WASMBED_FUZZ_DUMP") {
        let _ = std::fs::write(path, &bytes);
    }
    Ok(check_differential_module_on(
        &bytes,
        &mut Unstructured::new(&args),
        backend,
    ))
}

/// Runs one binary module on wasmbed (on the backend of [`fuzz_backend`])
/// and on wasmi, with call arguments drawn from `u`, and panics on any
/// difference.
pub fn check_differential_module(bytes: &[u8], u: &mut Unstructured<'_>) -> DiffOutcome {
    check_differential_module_on(bytes, u, fuzz_backend())
}

/// [`check_differential_module`] with the wasmbed side on `backend`.
pub fn check_differential_module_on(
    bytes: &[u8],
    u: &mut Unstructured<'_>,
    backend: &str,
) -> DiffOutcome {
    if uses_wasmi_broken_ops(bytes) {
        return DiffOutcome {
            cut_short: Some("v128.store*_lane"),
            ..DiffOutcome::default()
        };
    }
    let mut a = WasmbedSide::new(bytes, backend);
    let mut b = WasmiSide::new(bytes);
    let mut outcome = DiffOutcome::default();
    let (ia, ib) = (a.instantiate(), b.instantiate());
    if let Some(why) = cut_short(&ia, &ib) {
        outcome.cut_short = Some(why);
        return outcome;
    }
    assert_eq!(
        ia, ib,
        "instantiation: wasmbed (left) and wasmi (right) differ"
    );
    if ia.is_err() {
        return outcome;
    }
    outcome.instantiated = true;
    for (name, params) in a.exported_funcs() {
        let Some(args) = params
            .iter()
            .map(|t| arbitrary_val(u, *t))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let ra = a.call(&name, &args);
        let rb = b.call(&name, &args);
        if let Some(why) = cut_short(&ra, &rb) {
            outcome.cut_short = Some(why);
            return outcome;
        }
        assert_eq!(
            ra, rb,
            "call {name:?} with {args:?}: wasmbed (left) and wasmi (right) differ"
        );
        outcome.compared += 1;
        if let Err(trap) = &ra {
            outcome.traps += 1;
            *outcome.trap_codes.entry(format!("{trap:?}")).or_default() += 1;
        }
    }
    let (sa, sb) = (a.state(), b.state());
    let names_a: Vec<&String> = sa.iter().map(|(n, _)| n).collect();
    let names_b: Vec<&String> = sb.iter().map(|(n, _)| n).collect();
    assert_eq!(names_a, names_b, "the engines list different items");
    for ((name, x), (_, y)) in sa.iter().zip(&sb) {
        if x != y {
            let detail = match (x, y) {
                (State::Memory(x), State::Memory(y)) if x.len() == y.len() => {
                    let at = x.iter().zip(y).position(|(p, q)| p != q).unwrap_or(0);
                    let end = (at + 16).min(x.len());
                    format!(
                        "first difference at byte {at}: {:02x?} vs {:02x?}",
                        &x[at..end],
                        &y[at..end]
                    )
                }
                _ => String::new(),
            };
            panic!("final state of {name}: wasmbed {x:?}, wasmi {y:?} {detail}");
        }
    }
    outcome
}

/// A name for an import that both engines agree on: wasmi lists a module's
/// imports grouped by kind, so position is no key, and a generated module
/// may import one name several times.
fn import_key<E>(before: &[(String, E)], kind: &str, module: &str, name: &str) -> String {
    let key = format!("import {kind} {module:?}::{name:?}");
    let n = before
        .iter()
        .filter(|(k, _)| k.rsplit_once(" #").is_some_and(|(k, _)| k == key))
        .count();
    format!("{key} #{n}")
}

/// wasmi 2.0.0 cannot run `v128.store{8,16,32,64}_lane` reliably: with
/// some operand shapes its executor decodes an invalid op and hits an
/// `unreachable_unchecked` (a panic with debug assertions, undefined
/// behaviour without). Modules using them are left to `instantiate_run`.
fn uses_wasmi_broken_ops(bytes: &[u8]) -> bool {
    use wasmparser::{Operator, Parser, Payload};
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let Ok(mut ops) = body.get_operators_reader() else {
            return true;
        };
        while !ops.eof() {
            match ops.read() {
                Ok(
                    Operator::V128Store8Lane { .. }
                    | Operator::V128Store16Lane { .. }
                    | Operator::V128Store32Lane { .. }
                    | Operator::V128Store64Lane { .. },
                )
                | Err(_) => return true,
                Ok(_) => {}
            }
        }
    }
    false
}

/// Why the rest of a case cannot be compared, if it cannot.
fn cut_short(wasmbed: &Outcome, wasmi: &Outcome) -> Option<&'static str> {
    match (wasmbed, wasmi) {
        (Err(Trap::StackOverflow), _) => Some("wasmbed: stack overflow"),
        (_, Err(Trap::StackOverflow)) => Some("wasmi: stack overflow"),
        (Err(Trap::OutOfFuel), _) => Some("wasmbed: out of fuel"),
        (_, Err(Trap::OutOfFuel)) => Some("wasmi: out of fuel"),
        _ => None,
    }
}

// ---------------------------------------------------------------- wasmbed

struct WasmbedSide {
    store: wasmbed::Store<()>,
    module: wasmbed::Module,
    imports: Vec<(String, wasmbed::Extern)>,
    instance: Option<wasmbed::Instance>,
}

/// The backend the wasmbed side runs on: `$WASMBED_FUZZ_BACKEND`, one of
/// `interp` (the default), `refuse-all`, `trampoline` (strict: every call
/// of a defined function crosses the VM ABI), `trampoline-odd` (mixed
/// tiers) or, on x86-64, `jit-x64`. An unknown name is a panic, not a
/// silent default.
pub fn fuzz_backend() -> &'static str {
    static BACKEND: OnceLock<String> = OnceLock::new();
    BACKEND
        .get_or_init(|| std::env::var("WASMBED_FUZZ_BACKEND").unwrap_or_else(|_| "interp".into()))
}

/// Applies backend `name` to `config`.
pub fn configure_backend(config: &mut wasmbed::Config, name: &str) {
    use std::sync::Arc;
    use wasmbed::backend::testing::{RefuseAll, Trampoline, TrampolineMask};
    use wasmbed::Strategy;
    match name {
        "interp" => {
            config.strategy(Strategy::Interpreter);
        }
        "refuse-all" => {
            config.strategy(Strategy::Jit).backend(Arc::new(RefuseAll));
        }
        "trampoline" => {
            config
                .strategy(Strategy::Jit)
                .strict_backend(true)
                .backend(Arc::new(Trampoline::new(TrampolineMask::All)));
        }
        "trampoline-odd" => {
            config
                .strategy(Strategy::Jit)
                .backend(Arc::new(Trampoline::new(TrampolineMask::Odd)));
        }
        // The host's JIT on the host platform; what it refuses (v128
        // functions, for now) falls back, so tiers mix.
        #[cfg(target_arch = "x86_64")]
        "jit-x64" => {
            wasmbed::use_host_platform(config);
            wasmbed::use_host_jit(config);
            config.strategy(Strategy::Jit);
        }
        other => panic!(
            "unknown backend {other:?}: use interp, refuse-all, trampoline, trampoline-odd \
             or (x86-64) jit-x64"
        ),
    }
}

/// The wasmbed side's engine for `backend`, built once per backend.
fn wasmbed_engine(backend: &str) -> wasmbed::Engine {
    static ENGINES: std::sync::Mutex<Vec<(String, wasmbed::Engine)>> =
        std::sync::Mutex::new(Vec::new());
    let mut engines = ENGINES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, e)) = engines.iter().find(|(b, _)| b == backend) {
        return e.clone();
    }
    let mut config = wasmbed::Config::new();
    config.consume_fuel(true).max_call_depth(10_000);
    configure_backend(&mut config, backend);
    let engine = wasmbed::Engine::new(&config);
    engines.push((backend.to_string(), engine.clone()));
    engine
}

impl WasmbedSide {
    fn new(bytes: &[u8], backend: &str) -> WasmbedSide {
        let engine = &wasmbed_engine(backend);
        let module = match wasmbed::Module::from_binary(engine, bytes) {
            Ok(m) => m,
            Err(e) => panic!("a generated module does not validate on wasmbed: {e}"),
        };
        WasmbedSide {
            store: wasmbed::Store::new(engine, ()),
            module,
            imports: Vec::new(),
            instance: None,
        }
    }

    fn instantiate(&mut self) -> Outcome {
        self.store.set_fuel(ENGINE_FUEL).unwrap();
        let items: Vec<wasmbed::Extern> = super::run::dummy_imports(&mut self.store, &self.module)
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        for (import, item) in self.module.imports().zip(&items) {
            let key = import_key(
                &self.imports,
                import.ty.kind_name(),
                import.module,
                import.name,
            );
            self.imports.push((key, *item));
        }
        match wasmbed::Instance::new(&mut self.store, &self.module, &items) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(Vec::new())
            }
            Err(e) => Err(wasmbed_trap(&e)),
        }
    }

    /// Exported functions, in export order, with their parameter types.
    fn exported_funcs(&self) -> Vec<(String, Vec<wasmbed::ValType>)> {
        let instance = self.instance.expect("instantiated");
        instance
            .exports(&self.store)
            .into_iter()
            .filter_map(|(name, ext)| {
                let f = ext.into_func()?;
                Some((name, f.ty(&self.store).params().to_vec()))
            })
            .collect()
    }

    fn call(&mut self, name: &str, args: &[wasmbed::Val]) -> Outcome {
        let instance = self.instance.expect("instantiated");
        let func = instance.get_func(&self.store, name).expect("an export");
        let ty = func.ty(&self.store);
        let mut results: Vec<wasmbed::Val> = ty
            .results()
            .iter()
            .map(|t| wasmbed::Val::default_for(*t).unwrap_or(wasmbed::Val::I32(0)))
            .collect();
        self.store.set_fuel(ENGINE_FUEL).unwrap();
        match func.call(&mut self.store, args, &mut results) {
            Ok(()) => Ok(results.iter().map(wasmbed_value).collect()),
            Err(e) => Err(wasmbed_trap(&e)),
        }
    }

    fn state(&self) -> Vec<(String, State)> {
        let mut items = self.imports.clone();
        if let Some(instance) = self.instance {
            for (name, ext) in instance.exports(&self.store) {
                items.push((format!("export {name}"), ext));
            }
        }
        items.sort_by(|x, y| x.0.cmp(&y.0));
        items
            .into_iter()
            .filter_map(|(name, ext)| {
                let state = if let Some(m) = ext.into_memory() {
                    State::Memory(m.data(&self.store).to_vec())
                } else if let Some(t) = ext.into_table() {
                    let size = t.size(&self.store);
                    State::Table(
                        (0..size)
                            .map(|i| wasmbed_value(&t.get(&self.store, i).expect("in bounds")))
                            .collect(),
                    )
                } else if let Some(g) = ext.into_global() {
                    State::Global(wasmbed_value(&g.get(&self.store)))
                } else {
                    return None;
                };
                Some((name, state))
            })
            .collect()
    }
}

fn wasmbed_value(v: &wasmbed::Val) -> Value {
    use wasmbed::Val;
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(*x),
        Val::F64(x) => Value::F64(*x),
        Val::FuncRef(f) => Value::FuncRef { null: f.is_none() },
        Val::ExternRef(e) => Value::ExternRef { null: e.is_none() },
        Val::V128(x) => Value::V128(x.as_u128()),
    }
}

fn wasmbed_trap(e: &wasmbed::Error) -> Trap {
    use wasmbed::TrapCode as T;
    let Some(code) = e.trap_code() else {
        panic!("wasmbed failed with an error that is not a trap: {e}");
    };
    match code {
        T::Unreachable => Trap::Unreachable,
        T::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
        T::TableOutOfBounds | T::UndefinedElement => Trap::TableOutOfBounds,
        T::UninitializedElement => Trap::UninitializedElement,
        T::BadSignature => Trap::BadSignature,
        T::IntegerOverflow => Trap::IntegerOverflow,
        T::IntegerDivisionByZero => Trap::IntegerDivisionByZero,
        T::BadConversionToInteger => Trap::BadConversionToInteger,
        T::StackOverflow => Trap::StackOverflow,
        T::OutOfFuel => Trap::OutOfFuel,
        #[allow(unreachable_patterns)]
        other => Trap::Other(format!("wasmbed {other:?}")),
    }
}

// ------------------------------------------------------------------ wasmi

struct WasmiSide {
    store: wasmi::Store<()>,
    module: wasmi::Module,
    imports: Vec<(String, wasmi::Extern)>,
    instance: Option<wasmi::Instance>,
}

fn wasmi_engine() -> &'static wasmi::Engine {
    static ENGINE: OnceLock<wasmi::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmi::Config::default();
        // Limits above what the termination budget allows, so neither
        // engine runs out of stack before the budget traps.
        config
            .consume_fuel(true)
            .set_max_recursion_depth(10_000)
            .set_max_stack_height(4 << 20);
        wasmi::Engine::new(&config)
    })
}

impl WasmiSide {
    fn new(bytes: &[u8]) -> WasmiSide {
        let engine = wasmi_engine();
        let module = match wasmi::Module::new(engine, bytes) {
            Ok(m) => m,
            Err(e) => panic!("a generated module does not validate on wasmi: {e}"),
        };
        WasmiSide {
            store: wasmi::Store::new(engine, ()),
            module,
            imports: Vec::new(),
            instance: None,
        }
    }

    fn instantiate(&mut self) -> Outcome {
        use wasmi::{ExternType, Func, Global, Memory, Table, Val};
        self.store.set_fuel(ENGINE_FUEL).unwrap();
        for import in self.module.imports() {
            let (module, name) = (import.module().to_string(), import.name().to_string());
            let item: wasmi::Extern = match import.ty().clone() {
                ExternType::Func(ty) => {
                    let result_types = ty.results().to_vec();
                    Func::new(&mut self.store, ty, move |_, _, results| {
                        for (r, t) in results.iter_mut().zip(&result_types) {
                            *r = Val::default_for_ty(*t);
                        }
                        Ok(())
                    })
                    .into()
                }
                ExternType::Global(ty) => Global::new(
                    &mut self.store,
                    Val::default_for_ty(ty.content()),
                    ty.mutability(),
                )
                .into(),
                ExternType::Table(ty) => {
                    let init = wasmi::Ref::default_for_ty(ty.element());
                    Table::new(&mut self.store, ty, init)
                        .expect("create a dummy table")
                        .into()
                }
                ExternType::Memory(ty) => Memory::new(&mut self.store, ty)
                    .expect("create a dummy memory")
                    .into(),
            };
            let kind = match import.ty() {
                ExternType::Func(_) => "function",
                ExternType::Table(_) => "table",
                ExternType::Memory(_) => "memory",
                ExternType::Global(_) => "global",
            };
            self.imports
                .push((import_key(&self.imports, kind, &module, &name), item));
        }
        let items: Vec<wasmi::Extern> = self.imports.iter().map(|(_, e)| *e).collect();
        match wasmi::Instance::new(&mut self.store, &self.module, &items) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(Vec::new())
            }
            Err(e) => Err(wasmi_trap(&e)),
        }
    }

    fn call(&mut self, name: &str, args: &[wasmbed::Val]) -> Outcome {
        let instance = self.instance.expect("instantiated");
        let func = instance.get_func(&self.store, name).expect("an export");
        let ty = func.ty(&self.store);
        let args: Vec<wasmi::Val> = args
            .iter()
            .zip(ty.params())
            .map(|(v, t)| to_wasmi(v, *t))
            .collect();
        let mut results: Vec<wasmi::Val> = ty
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();
        self.store.set_fuel(ENGINE_FUEL).unwrap();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => Ok(results.iter().map(wasmi_value).collect()),
            Err(e) => Err(wasmi_trap(&e)),
        }
    }

    fn state(&self) -> Vec<(String, State)> {
        let mut items = self.imports.clone();
        if let Some(instance) = self.instance {
            for export in instance.exports(&self.store) {
                let name = format!("export {}", export.name());
                items.push((name, export.into_extern()));
            }
        }
        items.sort_by(|x, y| x.0.cmp(&y.0));
        items
            .into_iter()
            .filter_map(|(name, ext)| {
                let state = if let Some(m) = ext.into_memory() {
                    State::Memory(m.data(&self.store).to_vec())
                } else if let Some(t) = ext.into_table() {
                    let size = t.size(&self.store);
                    State::Table(
                        (0..size)
                            .map(|i| wasmi_ref(&t.get(&self.store, i).expect("in bounds")))
                            .collect(),
                    )
                } else if let Some(g) = ext.into_global() {
                    State::Global(wasmi_value(&g.get(&self.store)))
                } else {
                    return None;
                };
                Some((name, state))
            })
            .collect()
    }
}

fn to_wasmi(v: &wasmbed::Val, ty: wasmi::ValType) -> wasmi::Val {
    use wasmbed::Val;
    match v {
        Val::I32(x) => wasmi::Val::I32(*x),
        Val::I64(x) => wasmi::Val::I64(*x),
        Val::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(*x)),
        Val::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(*x)),
        Val::V128(x) => wasmi::Val::V128(x.as_u128().into()),
        // References are null.
        _ => wasmi::Val::default_for_ty(ty),
    }
}

fn wasmi_ref(r: &wasmi::Ref) -> Value {
    match r {
        wasmi::Ref::Func(f) => Value::FuncRef { null: f.is_null() },
        wasmi::Ref::Extern(e) => Value::ExternRef { null: e.is_null() },
    }
}

fn wasmi_value(v: &wasmi::Val) -> Value {
    use wasmi::Val;
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(x.as_u128()),
        Val::FuncRef(f) => Value::FuncRef { null: f.is_null() },
        Val::ExternRef(e) => Value::ExternRef { null: e.is_null() },
    }
}

fn wasmi_trap(e: &wasmi::Error) -> Trap {
    use wasmi::TrapCode as T;
    let Some(code) = e.as_trap_code() else {
        // wasmi reports some bulk table and memory operations out of
        // bounds as table or memory errors rather than trap codes.
        let text = e.to_string();
        if text.contains("out of bounds table access") {
            return Trap::TableOutOfBounds;
        }
        if text.contains("out of bounds memory access") {
            return Trap::MemoryOutOfBounds;
        }
        panic!("wasmi failed with an error that is not a trap: {e}");
    };
    match code {
        T::UnreachableCodeReached => Trap::Unreachable,
        T::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
        T::TableOutOfBounds => Trap::TableOutOfBounds,
        T::IndirectCallToNull => Trap::UninitializedElement,
        T::BadSignature => Trap::BadSignature,
        T::IntegerOverflow => Trap::IntegerOverflow,
        T::IntegerDivisionByZero => Trap::IntegerDivisionByZero,
        T::BadConversionToInteger => Trap::BadConversionToInteger,
        T::StackOverflow => Trap::StackOverflow,
        T::OutOfFuel => Trap::OutOfFuel,
        other => Trap::Other(format!("wasmi {other:?}")),
    }
}
