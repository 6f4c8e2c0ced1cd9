//! `instantiate_run`: generated modules instantiated with dummy imports and
//! every exported function called under fuel.
use super::smith::{generate, SmithPurpose};
use arbitrary::Unstructured;
use std::sync::OnceLock;
use wasmbed::{
    Config, Engine, Error, Extern, ExternType, Func, Global, Instance, Memory, Module, RefType,
    Store, Table, TrapCode, Val, ValType,
};

/// Engine fuel per call (and for instantiation, which runs the start
/// function).
pub(crate) const FUEL: u64 = 200_000;

/// What one case did, for the smoke test's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// The module instantiated.
    pub instantiated: bool,
    /// Exported functions called.
    pub calls: usize,
    /// Calls (or the instantiation) that trapped.
    pub traps: usize,
}

/// The eight engine variants a case can pick: lazy or eager translation,
/// the alloc-only default memories or the host platform's guard-paged
/// ones, and with or without interruption checks. All consume fuel.
fn engine(variant: u8) -> &'static Engine {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    let engines = ENGINES.get_or_init(|| {
        (0..8u8)
            .map(|v| {
                let mut config = if v & 2 != 0 {
                    platform_config()
                } else {
                    Config::new()
                };
                config
                    .consume_fuel(true)
                    .lazy_translation(v & 1 == 0)
                    .interruptible(v & 4 != 0)
                    // Deep enough for real programs, shallow enough that a
                    // runaway recursion ends quickly.
                    .max_call_depth(10_000);
                Engine::new(&config)
            })
            .collect()
    });
    &engines[usize::from(variant & 7)]
}

/// The host platform, with small reservations (initial size plus a
/// 64 KiB guard, memories moving as they grow) when
/// `WASMBED_TEST_SMALL_RESERVATIONS` is set. `.ci/run` sets it for the
/// aarch64 leg: qemu-user keeps about 37 MB of bookkeeping for every 6 GiB
/// reservation after it is unmapped, and these checks make thousands.
fn platform_config() -> Config {
    let mut config = wasmbed::host_config();
    #[cfg(unix)]
    if std::env::var_os("WASMBED_TEST_SMALL_RESERVATIONS").is_some() {
        use wasmbed::host_platform::{GuardedMemoryCreator, MemoryConfig};
        config.memory_creator(std::sync::Arc::new(GuardedMemoryCreator::new(
            MemoryConfig::small(),
        )));
    }
    config
}

/// Generates a module from `u` and runs [`check_instantiate_run_module`].
pub fn check_instantiate_run(u: &mut Unstructured<'_>) -> arbitrary::Result<RunOutcome> {
    // Arguments come from their own stream: wasm-smith may use up `u`.
    let args = super::seeded_bytes(u.arbitrary()?, 4096);
    let variant = u.arbitrary()?;
    let bytes = generate(u, SmithPurpose::Run)?;
    Ok(check_instantiate_run_module(
        &bytes,
        variant,
        &mut Unstructured::new(&args),
    ))
}

/// Edge values arguments are drawn from a third of the time: zeros, ones,
/// extremes, memory-end addresses, and (as bits) NaNs, infinities, -0.0
/// and the limits of float-to-int conversions.
const I32_EDGES: &[i32] = &[
    0,
    1,
    -1,
    2,
    i32::MIN,
    i32::MAX,
    31,
    32,
    65535,
    65536,
    65532,
    65528,
    131072,
    -65536,
];
const I64_EDGES: &[i64] = &[
    0,
    1,
    -1,
    i64::MIN,
    i64::MAX,
    63,
    64,
    65536,
    1 << 32,
    -(1 << 32),
];
const F32_EDGES: &[f32] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MAX,
    f32::MIN,
    f32::MIN_POSITIVE,
    2147483648.0,
    -2147483904.0,
    4294967296.0,
    9.223372e18,
    1.8446744e19,
    f32::NAN,
];
const F64_EDGES: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    2147483647.9,
    -2147483648.9,
    4294967295.9,
    9.223372036854775e18,
    -9.223372036854777e18,
    1.8446744073709552e19,
    f64::NAN,
];

/// A value of type `ty` for an argument, from `u` (zero once it runs dry).
pub(crate) fn arbitrary_val(u: &mut Unstructured<'_>, ty: ValType) -> Option<Val> {
    let edge = u.ratio(1, 3).unwrap_or(false);
    let pick = |u: &mut Unstructured<'_>, n: usize| u.choose_index(n).unwrap_or(0);
    Some(match ty {
        ValType::I32 if edge => Val::I32(I32_EDGES[pick(u, I32_EDGES.len())]),
        ValType::I64 if edge => Val::I64(I64_EDGES[pick(u, I64_EDGES.len())]),
        ValType::F32 if edge => Val::F32(F32_EDGES[pick(u, F32_EDGES.len())].to_bits()),
        ValType::F64 if edge => Val::F64(F64_EDGES[pick(u, F64_EDGES.len())].to_bits()),
        ValType::I32 => Val::I32(u.arbitrary().unwrap_or(0)),
        ValType::I64 => Val::I64(u.arbitrary().unwrap_or(0)),
        ValType::F32 => Val::F32(u.arbitrary().unwrap_or(0)),
        ValType::F64 => Val::F64(u.arbitrary().unwrap_or(0)),
        ValType::V128 => Val::V128(u.arbitrary::<u128>().unwrap_or(0).into()),
        other => return Val::default_for(other),
    })
}

/// A dummy for every import of `module`, in import order: functions that
/// return zeros, and fresh globals, tables and memories of the required
/// types holding zeros and nulls. (Given by position, not through a
/// `Linker`: generated modules may import one name twice with two types.)
pub(crate) fn dummy_imports(store: &mut Store<()>, module: &Module) -> Vec<(String, Extern)> {
    let mut items = Vec::new();
    for (n, import) in module.imports().enumerate() {
        let item: Extern = match import.ty {
            ExternType::Func(ty) => {
                let result_types: Vec<ValType> = ty.results().to_vec();
                Func::new(&mut *store, ty, move |_, _, results| {
                    for (r, t) in results.iter_mut().zip(&result_types) {
                        *r = Val::default_for(*t).unwrap_or(Val::I32(0));
                    }
                    Ok(())
                })
                .into()
            }
            ExternType::Global(ty) => {
                let init = Val::default_for(ty.content).expect("a global's default value");
                Global::new(&mut *store, ty, init)
                    .expect("create a dummy global")
                    .into()
            }
            ExternType::Table(ty) => {
                let init = match ty.element {
                    RefType::FuncRef => Val::FuncRef(None),
                    RefType::ExternRef => Val::ExternRef(None),
                };
                Table::new(&mut *store, ty, init)
                    .expect("create a dummy table")
                    .into()
            }
            ExternType::Memory(ty) => Memory::new(&mut *store, ty)
                .expect("create a dummy memory")
                .into(),
        };
        items.push((
            format!("import {n:03} {}::{}", import.module, import.name),
            item,
        ));
    }
    items
}

/// `Ok`, or an error that must be a trap: anything else is a finding.
fn trap_of(result: Result<(), Error>, what: &str) -> Option<TrapCode> {
    match result {
        Ok(()) => None,
        Err(e) => match e.trap_code() {
            Some(code) => Some(code),
            None => panic!("{what} failed with an error that is not a trap: {e}"),
        },
    }
}

/// Validates, instantiates and runs one binary module on the engine
/// variant `variant` (see [`engine`]), with arguments drawn from `u`. A
/// module `wasm-smith` generated must validate; running it may only return
/// results or trap. Panics on a finding.
pub fn check_instantiate_run_module(
    bytes: &[u8],
    variant: u8,
    u: &mut Unstructured<'_>,
) -> RunOutcome {
    let engine = engine(variant);
    let module = match Module::from_binary(engine, bytes) {
        Ok(m) => m,
        Err(e) => panic!("a generated module does not validate: {e}"),
    };
    let mut store = Store::new(engine, ());
    store.set_fuel(FUEL).unwrap();
    let imports: Vec<Extern> = dummy_imports(&mut store, &module)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    let mut outcome = RunOutcome::default();
    let instance = match Instance::new(&mut store, &module, &imports) {
        Ok(i) => i,
        Err(e) => {
            trap_of(Err(e), "instantiation");
            outcome.traps += 1;
            return outcome;
        }
    };
    outcome.instantiated = true;
    for (_, ext) in instance.exports(&store) {
        let Some(func) = ext.into_func() else {
            continue;
        };
        let ty = func.ty(&store);
        let Some(params) = ty
            .params()
            .iter()
            .map(|t| arbitrary_val(u, *t))
            .collect::<Option<Vec<Val>>>()
        else {
            continue;
        };
        let Some(mut results) = ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect::<Option<Vec<Val>>>()
        else {
            continue;
        };
        store.set_fuel(FUEL).unwrap();
        let result = func.call(&mut store, &params, &mut results);
        outcome.calls += 1;
        match trap_of(result, "a call") {
            None => {
                for (r, t) in results.iter().zip(ty.results()) {
                    assert_eq!(r.ty(), *t, "a result of the wrong type");
                }
            }
            Some(TrapCode::Interrupt) => panic!("interrupted without an interrupt"),
            Some(_) => outcome.traps += 1,
        }
    }
    outcome
}
