//! [`Module`]: decoding and validating a binary with `wasmparser`, and the
//! immutable, shareable description that instantiation reads. A `Module` is
//! only ever built from bytes that validated completely; its function bodies
//! are translated for the interpreter on first call (or up front with
//! `Config::lazy_translation(false)`). Nothing here touches a store.
mod const_expr;

pub(crate) use const_expr::ConstExpr;

use crate::backend::{
    Backend, BackendReport, CompileError, FuncEntry, FunctionInput, ModuleCode, ModuleEnv, Refusal,
};
use crate::engine::Engine;
use crate::engine::Strategy;
use crate::error::Error;
use crate::interp::translate::Scratch;
use crate::ir::CompiledFunc;
use crate::types::{
    ExternType, FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType,
};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use wasmparser::{Parser, Payload, ValidPayload, Validator};

/// A validated, translated WebAssembly module. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// What kind of entity an import or export names, with its index space
/// position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub ty: EntityIndex,
}

pub(crate) enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Vec<ConstExpr>,
}

pub(crate) enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

pub(crate) struct DataSegment {
    pub mode: DataMode,
    pub bytes: Box<[u8]>,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub name: Option<String>,
    pub types: Vec<FuncType>,
    /// Engine-wide id of each entry of `types`.
    pub type_ids: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    /// Initialiser of each defined table (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub global_inits: Vec<ConstExpr>,
    pub num_imported_globals: u32,
    pub exports: Vec<(String, EntityIndex)>,
    /// Indices into `exports`, sorted by name: `export` finds a name by
    /// binary search (no second copy of the names, no string hashing).
    pub export_index: Box<[u32]>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// The module's bytes, kept for translating bodies on first use.
    pub bytes: Box<[u8]>,
    /// Byte range of each defined function's body in `bytes`.
    pub bodies: Vec<(usize, usize)>,
    /// Interpreter code of the defined functions.
    pub code: Box<[LazyFunc]>,
    /// Function names from the `name` section, in increasing index order
    /// as the section lists them (`read_names` drops a map that is not).
    pub func_names: Vec<(u32, String)>,
    /// The backend's code, when a backend compiled any function.
    pub native: Option<Arc<dyn ModuleCode>>,
    /// What the backend did, function by function.
    pub report: BackendReport,
    /// Keeps `native`'s code registered for fault handlers and backtraces.
    pub _registration: Option<crate::vm::code::Registration>,
}

/// A defined function's interpreter code, translated on first use (or at
/// `Module::new` with `Config::lazy_translation(false)`).
#[derive(Default)]
pub(crate) struct LazyFunc {
    code: spin::Once<Result<CompiledFunc, String>>,
}

impl LazyFunc {
    /// The code, if it has been translated.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&CompiledFunc> {
        match self.code.get() {
            Some(Ok(f)) => Some(f),
            _ => None,
        }
    }
}

impl ModuleInner {
    /// The code of defined function `def`, translating it on first use.
    /// Threads racing to translate the same function wait for one result.
    ///
    /// Every embedder call into the function comes here, so the translator's
    /// buffers are made only when it actually translates.
    pub(crate) fn compiled(&self, def: u32) -> Result<&CompiledFunc, Error> {
        self.compiled_with(def, None)
    }

    /// [`compiled`](Self::compiled), translating with `scratch`'s buffers
    /// if given: `Module::new` translating every function reuses one set; a
    /// lazy translation takes fresh ones, so that a module does not keep
    /// the translator's buffers for its whole life, which small devices
    /// notice.
    fn compiled_with(
        &self,
        def: u32,
        scratch: Option<&mut Scratch>,
    ) -> Result<&CompiledFunc, Error> {
        self.code[def as usize]
            .code
            .call_once(|| {
                let mut fresh = None;
                let scratch = match scratch {
                    Some(scratch) => scratch,
                    None => fresh.insert(Scratch::default()),
                };
                self.translate(def, scratch)
                    .map_err(|e| alloc::string::ToString::to_string(&e))
            })
            .as_ref()
            .map_err(|msg| Error::unsupported(msg.clone()))
    }

    /// What a backend (or the interpreter's translator) may know about
    /// this module.
    pub(crate) fn env(&self) -> ModuleEnv<'_> {
        let config = self.engine.config();
        ModuleEnv {
            types: &self.types,
            func_types: &self.func_types,
            globals: &self.globals,
            num_imported_funcs: self.num_imported_funcs,
            memories: &self.memories,
            tables: &self.tables,
            consume_fuel: config.consume_fuel,
            guaranteed_reservation: if config.fault_traps {
                config.memory_creator.guaranteed_reservation()
            } else {
                0
            },
            interruptible: config.interruptible,
        }
    }

    /// The backend's entry of defined function `def`, or `None` when the
    /// interpreter runs it.
    pub(crate) fn native_entry(&self, def: u32) -> Option<FuncEntry> {
        self.native.as_ref()?.entry(def)
    }

    /// Runs defined function `def` through the interpreter's translator.
    fn translate(&self, def: u32, scratch: &mut Scratch) -> Result<CompiledFunc, Error> {
        let env = self.env();
        let (start, end) = self.bodies[def as usize];
        let input = FunctionInput {
            func_index: self.num_imported_funcs + def,
            body: &self.bytes[start..end],
            offset: start,
        };
        crate::interp::translate::translate_function(
            &env,
            input.func_index,
            &input.reader(),
            scratch,
        )
    }

    /// The name section's name of function `func_index`.
    pub(crate) fn func_name(&self, func_index: u32) -> Option<&str> {
        crate::sorted::get(&self.func_names, &func_index).map(|n| n.as_str())
    }

    /// The entity the module exports as `name`.
    pub(crate) fn export(&self, name: &str) -> Option<EntityIndex> {
        let at = self
            .export_index
            .binary_search_by(|&i| self.exports[i as usize].0.as_str().cmp(name))
            .ok()?;
        Some(self.exports[self.export_index[at] as usize].1)
    }

    pub(crate) fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    pub(crate) fn entity_type(&self, e: EntityIndex) -> ExternType {
        match e {
            EntityIndex::Func(i) => ExternType::Func(self.func_type(i).clone()),
            EntityIndex::Table(i) => ExternType::Table(self.tables[i as usize]),
            EntityIndex::Memory(i) => ExternType::Memory(self.memories[i as usize]),
            EntityIndex::Global(i) => ExternType::Global(self.globals[i as usize]),
        }
    }
}

/// An import a module declares.
#[derive(Debug, Clone)]
pub struct ImportType<'a> {
    /// The module name.
    pub module: &'a str,
    /// The item name.
    pub name: &'a str,
    /// The expected type.
    pub ty: ExternType,
}

/// An export a module declares.
#[derive(Debug, Clone)]
pub struct ExportType<'a> {
    /// The export name.
    pub name: &'a str,
    /// The exported type.
    pub ty: ExternType,
}

impl<'a> ImportType<'a> {
    /// The module name (wasmtime's accessor).
    pub fn module(&self) -> &'a str {
        self.module
    }

    /// The item name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The expected type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

impl<'a> ExportType<'a> {
    /// The export name (wasmtime's accessor).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The exported type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

fn werr(e: wasmparser::BinaryReaderError) -> Error {
    Error::from(e)
}

fn table_type(t: &wasmparser::TableType, offset: usize) -> Result<TableType, Error> {
    let element = RefType::from_wasmparser(t.element_type)
        .map_err(|m| Error::unsupported(format!("{m} (at offset {offset:#x})")))?;
    if t.table64 {
        return Err(Error::unsupported("64-bit tables"));
    }
    Ok(TableType {
        element,
        min: t.initial as u32,
        max: t.maximum.map(|m| m as u32),
    })
}

fn memory_type(m: &wasmparser::MemoryType) -> Result<MemoryType, Error> {
    if m.memory64 || m.shared {
        return Err(Error::unsupported("64-bit or shared memories"));
    }
    // The validator allows only 1-byte and 64 KiB pages, and only with
    // `Config::custom_page_sizes`; it also bounds the limits to `u32`.
    let page_size_log2 = match m.page_size_log2 {
        None | Some(16) => 16,
        Some(0) => 0,
        Some(n) => return Err(Error::unsupported(format!("a page size of 2^{n} bytes"))),
    };
    Ok(MemoryType {
        min: m.initial as u32,
        max: m.maximum.map(|m| m as u32),
        page_size_log2,
    })
}

fn global_type(g: &wasmparser::GlobalType) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: ValType::from_wasmparser(g.content_type).map_err(Error::unsupported)?,
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

impl Module {
    /// Which backend compiled this module's functions, how many it
    /// compiled, and why any fell back to the interpreter.
    pub fn backend_report(&self) -> &BackendReport {
        &self.inner.report
    }

    /// Decodes, validates and translates a binary module.
    ///
    /// (The `wasmbed` facade also accepts the text format here.)
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        Module::from_binary(engine, bytes.as_ref())
    }

    /// Decodes, validates and translates a binary module.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let inner = parse(engine, bytes)?;
        Ok(Module {
            inner: Arc::new(inner),
        })
    }

    /// Checks that `bytes` is a valid module for this engine without
    /// keeping anything.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        let mut v = Validator::new_with_features(engine.config().features);
        v.validate_all(bytes).map_err(werr)?;
        Ok(())
    }

    /// The engine it was built for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from the `name` section, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> + '_ {
        self.inner.imports.iter().map(move |i| ImportType {
            module: &i.module,
            name: &i.name,
            ty: self.inner.entity_type(i.ty),
        })
    }

    /// The exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> + '_ {
        self.inner.exports.iter().map(move |(name, e)| ExportType {
            name,
            ty: self.inner.entity_type(*e),
        })
    }

    /// The interpreter code of function `func_index`, one op per line (for
    /// debugging the translator; the format is not stable).
    #[doc(hidden)]
    pub fn debug_ir(&self, func_index: u32) -> Option<String> {
        use core::fmt::Write;
        let def = func_index.checked_sub(self.inner.num_imported_funcs)?;
        if def as usize >= self.inner.code.len() {
            return None;
        }
        let f = self.inner.compiled(def).ok()?;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "params {} locals {} consts {:?} frame {}",
            f.num_params, f.num_locals, f.consts, f.frame_size
        );
        for (i, op) in f.decoded_ops().iter().enumerate() {
            let _ = writeln!(out, "{i:4}: {op:?}");
        }
        Some(out)
    }

    /// The names of the interpreter ops function `func_index` translates
    /// to, in code order (`None` for an import, an index out of range or a
    /// body the interpreter cannot run). For tests that check every op of
    /// the list is produced by something; see [`crate::__ir_op_names`].
    #[doc(hidden)]
    pub fn __op_names_of(&self, func_index: u32) -> Option<Vec<&'static str>> {
        let def = func_index.checked_sub(self.inner.num_imported_funcs)?;
        if def as usize >= self.inner.code.len() {
            return None;
        }
        let f = self.inner.compiled(def).ok()?;
        Some(f.decoded_ops().iter().map(|op| op.name()).collect())
    }

    /// The type of the export `name`, if there is one.
    pub fn get_export(&self, name: &str) -> Option<ExternType> {
        let e = self.inner.export(name)?;
        Some(self.inner.entity_type(e))
    }
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.name)
            .field("imports", &self.inner.imports.len())
            .field("exports", &self.inner.exports.len())
            .field("functions", &self.inner.func_types.len())
            .finish()
    }
}

fn parse(engine: &Engine, bytes: &[u8]) -> Result<ModuleInner, Error> {
    let mut validator = Validator::new_with_features(engine.config().features);
    let mut allocs = wasmparser::FuncValidatorAllocations::default();
    let mut m = ModuleInner {
        engine: engine.clone(),
        name: None,
        types: Vec::new(),
        type_ids: Vec::new(),
        imports: Vec::new(),
        func_types: Vec::new(),
        num_imported_funcs: 0,
        tables: Vec::new(),
        table_inits: Vec::new(),
        num_imported_tables: 0,
        memories: Vec::new(),
        num_imported_memories: 0,
        globals: Vec::new(),
        global_inits: Vec::new(),
        num_imported_globals: 0,
        exports: Vec::new(),
        export_index: Box::default(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        bytes: Box::default(),
        bodies: Vec::new(),
        code: Box::default(),
        func_names: Vec::new(),
        native: None,
        report: BackendReport::interpreter(0),
        _registration: None,
    };
    // Bodies are validated as they stream by. With `one-pass`, when the
    // interpreter runs every function and translates eagerly, each body is
    // translated in the same pass (one decoding of its operators instead
    // of two); a translation's failure is kept, as a lazy one is, and
    // reported once the whole module is known to be valid. Otherwise
    // bodies are compiled after parsing.
    #[cfg(feature = "one-pass")]
    let mut translated: Option<(Vec<Result<CompiledFunc, String>>, Scratch)> =
        (!engine.config().lazy_translation
            && !matches!(
                resolve_backend(engine.config()),
                Ok(Resolved::Backend(_)) | Err(_)
            ))
        .then(|| (Vec::new(), Scratch::default()));
    let mut bodies: Vec<FunctionInput<'_>> = Vec::new();
    let mut parser = Parser::new(0);
    parser.set_features(engine.config().features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(werr)?;
        if let ValidPayload::Func(to_validate, body) = validator.payload(&payload).map_err(werr)? {
            let mut fv = to_validate.into_validator(core::mem::take(&mut allocs));
            #[cfg(feature = "one-pass")]
            if let Some((done, scratch)) = &mut translated {
                use crate::interp::translate::Stop;
                let func_index = m.num_imported_funcs + bodies.len() as u32;
                let result = crate::interp::translate::validate_and_translate(
                    &m.env(),
                    func_index,
                    &body,
                    scratch,
                    &mut fv,
                );
                done.push(match result {
                    Ok(f) => Ok(f),
                    Err(Stop::Invalid(e)) => return Err(werr(e)),
                    Err(Stop::Unsupported(e)) => Err(e.to_string()),
                });
            } else {
                fv.validate(&body).map_err(werr)?;
            }
            #[cfg(not(feature = "one-pass"))]
            fv.validate(&body).map_err(werr)?;
            allocs = fv.into_allocations();
            let range = body.range();
            bodies.push(FunctionInput {
                func_index: m.num_imported_funcs + bodies.len() as u32,
                body: &bytes[range.start as usize..range.end as usize],
                offset: range.start as usize,
            });
            continue;
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(werr)?;
                    for sub in group.into_types() {
                        match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ft) => {
                                let ty =
                                    FuncType::from_wasmparser(ft).map_err(Error::unsupported)?;
                                m.types.push(ty);
                            }
                            _ => return Err(Error::unsupported("GC types")),
                        }
                    }
                }
                m.type_ids = engine.intern_types(&m.types);
            }
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports_with_offsets() {
                    let (offset, imp) = imp.map_err(werr)?;
                    let ty = match imp.ty {
                        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                            m.func_types.push(t);
                            m.num_imported_funcs += 1;
                            EntityIndex::Func(m.func_types.len() as u32 - 1)
                        }
                        wasmparser::TypeRef::Table(t) => {
                            m.tables.push(table_type(&t, offset as usize)?);
                            m.num_imported_tables += 1;
                            EntityIndex::Table(m.tables.len() as u32 - 1)
                        }
                        wasmparser::TypeRef::Memory(mt) => {
                            m.memories.push(memory_type(&mt)?);
                            m.num_imported_memories += 1;
                            EntityIndex::Memory(m.memories.len() as u32 - 1)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            m.globals.push(global_type(&g)?);
                            m.num_imported_globals += 1;
                            EntityIndex::Global(m.globals.len() as u32 - 1)
                        }
                        wasmparser::TypeRef::Tag(_) => {
                            return Err(Error::unsupported("exception-handling tags"))
                        }
                    };
                    m.imports.push(Import {
                        module: imp.module.to_string(),
                        name: imp.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    m.func_types.push(t.map_err(werr)?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader.into_iter_with_offsets() {
                    let (offset, t) = t.map_err(werr)?;
                    m.tables.push(table_type(&t.ty, offset as usize)?);
                    m.table_inits.push(match t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::decode(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mt in reader {
                    m.memories.push(memory_type(&mt.map_err(werr)?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g.map_err(werr)?;
                    m.globals.push(global_type(&g.ty)?);
                    m.global_inits.push(ConstExpr::decode(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let idx = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            EntityIndex::Func(e.index)
                        }
                        wasmparser::ExternalKind::Table => EntityIndex::Table(e.index),
                        wasmparser::ExternalKind::Memory => EntityIndex::Memory(e.index),
                        wasmparser::ExternalKind::Global => EntityIndex::Global(e.index),
                        wasmparser::ExternalKind::Tag => {
                            return Err(Error::unsupported("exception-handling tags"))
                        }
                    };
                    m.exports.push((e.name.to_string(), idx));
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: ConstExpr::decode(&offset_expr)?,
                        },
                    };
                    let mut items = Vec::new();
                    match e.items {
                        wasmparser::ElementItems::Functions(r) => {
                            for f in r {
                                items.push(ConstExpr::ref_func(f.map_err(werr)?));
                            }
                        }
                        wasmparser::ElementItems::Expressions(_, r) => {
                            for x in r {
                                items.push(ConstExpr::decode(&x.map_err(werr)?)?);
                            }
                        }
                    }
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d.map_err(werr)?;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: ConstExpr::decode(&offset_expr)?,
                        },
                    };
                    m.datas.push(DataSegment {
                        mode,
                        bytes: d.data.into(),
                    });
                }
            }
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    read_names(&mut m, names);
                }
            }
            _ => {}
        }
    }
    let mut by_name: Vec<u32> = (0..m.exports.len() as u32).collect();
    // Names are unique (validated), so an unstable sort is exact.
    crate::sorted::heapsort(&mut by_name, |&a, &b| {
        m.exports[a as usize].0 < m.exports[b as usize].0
    });
    m.export_index = by_name.into();
    m.bodies = bodies
        .iter()
        .map(|b| (b.offset, b.offset + b.body.len()))
        .collect();
    m.code = (0..bodies.len()).map(|_| LazyFunc::default()).collect();
    #[cfg(feature = "one-pass")]
    if let Some((done, _)) = translated {
        m.code = done
            .into_iter()
            .map(|f| LazyFunc {
                code: spin::Once::initialized(f),
            })
            .collect();
    }
    m.bytes = bytes.into();
    m.report = BackendReport::interpreter(m.code.len() as u32);
    match resolve_backend(engine.config())? {
        Resolved::Backend(backend) => compile_native(&mut m, &*backend)?,
        Resolved::Interpreter => {}
        Resolved::Unavailable(name, why) => m.report.unavailable = Some((name, why)),
    }
    if !engine.config().lazy_translation {
        let mut scratch = Scratch::default();
        for def in 0..m.code.len() as u32 {
            if m.native_entry(def).is_none() {
                m.compiled_with(def, Some(&mut scratch))?;
            }
        }
    }
    Ok(m)
}

/// What runs a module's functions, as `config` asks.
enum Resolved {
    /// The backend compiles what it can; the interpreter runs the rest.
    Backend(Arc<dyn Backend>),
    /// The interpreter runs everything, as asked.
    Interpreter,
    /// `Strategy::Auto` found the installed backend unable to run here
    /// (its name and why): the interpreter runs everything, and the
    /// module's report says why.
    Unavailable(&'static str, Refusal),
}

/// The backend `config` asks for: `Strategy::Jit` insists on one that can
/// run here, `Strategy::Auto` takes it when it can.
fn resolve_backend(config: &crate::engine::Config) -> Result<Resolved, Error> {
    match (config.strategy, &config.backend) {
        (Strategy::Interpreter, _) | (Strategy::Auto, None) => Ok(Resolved::Interpreter),
        (Strategy::Auto, Some(b)) => Ok(match b.available(config) {
            Ok(()) => Resolved::Backend(b.clone()),
            Err(r) => Resolved::Unavailable(b.name(), r),
        }),
        (Strategy::Jit, None) => Err(Error::unsupported(
            "Strategy::Jit: no JIT backend is installed (none is built for this host; \
             use Strategy::Auto or Strategy::Interpreter)",
        )),
        (Strategy::Jit, Some(b)) => match b.available(config) {
            Ok(()) => Ok(Resolved::Backend(b.clone())),
            Err(r) => Err(Error::unsupported(format!(
                "Strategy::Jit: backend `{}` cannot run here: {r}",
                b.name()
            ))),
        },
    }
}

/// Runs every defined function through `backend`: refusals fall back to
/// the interpreter (or fail the module in strict mode), and the compiled
/// ones are linked into the module's native code.
fn compile_native(m: &mut ModuleInner, backend: &dyn Backend) -> Result<(), Error> {
    let config = m.engine.config();
    let strict = config.strict_backend;
    let env = m.env();
    let mut compiled = Vec::new();
    let mut fallbacks = Vec::new();
    let compile_one = |def: usize| {
        let (start, end) = m.bodies[def];
        let input = FunctionInput {
            func_index: m.num_imported_funcs + def as u32,
            body: &m.bytes[start..end],
            offset: start,
        };
        backend.compile_function(&env, &input)
    };
    let outcomes: Vec<_> = match &config.parallelism {
        // Functions compile independently; results are taken in index
        // order below, so the module (and the first error) is the same as
        // a sequential compile's.
        Some(p) if m.bodies.len() > 1 => {
            let slots: Vec<spin::Mutex<Option<_>>> = (0..m.bodies.len())
                .map(|_| spin::Mutex::new(None))
                .collect();
            p.run(m.bodies.len(), &|def| {
                let outcome = compile_one(def);
                *slots[def].lock() = Some(outcome);
            });
            let mut outcomes = Vec::with_capacity(slots.len());
            for slot in slots {
                outcomes.push(slot.into_inner().ok_or_else(|| {
                    Error::msg("the engine's Parallelism skipped a compile job (a bug in it)")
                })?);
            }
            outcomes
        }
        _ => (0..m.bodies.len()).map(compile_one).collect(),
    };
    for (def, outcome) in outcomes.into_iter().enumerate() {
        let func_index = m.num_imported_funcs + def as u32;
        match outcome {
            Ok(f) => compiled.push((def as u32, f)),
            Err(CompileError::Failed(e)) => {
                let name = func_label(m, func_index);
                return Err(e.context(format!(
                    "backend `{}` failed to compile function {name}",
                    backend.name()
                )));
            }
            Err(CompileError::Refused(r)) if strict => {
                let name = func_label(m, func_index);
                return Err(Error::unsupported(format!(
                    "function {name} refused by {}: {r} (strict backend)",
                    backend.name()
                )));
            }
            Err(CompileError::Refused(r)) => fallbacks.push((func_index, r)),
        }
    }
    let count = compiled.len() as u32;
    let code = backend
        .link(&env, compiled, config.executable.as_deref())
        .map_err(|e| {
            e.context(format!(
                "backend `{}` failed to link {count} compiled functions",
                backend.name()
            ))
        })?;
    let text = code.text();
    let registration = crate::vm::code::register(code.clone());
    if registration.is_none() && text.start < text.end {
        // Unregistered code would run, but a fault in it would not be
        // recognised as a trap: refuse the module instead.
        return Err(Error::msg(format!(
            "backend `{}`: its code at {:#x}..{:#x} cannot be registered \
             (it overlaps live code or exceeds 4 GiB)",
            backend.name(),
            text.start,
            text.end
        )));
    }
    m.report = BackendReport {
        backend: backend.name(),
        compiled: count,
        interpreted: m.bodies.len() as u32 - count,
        fallbacks,
        unavailable: None,
    };
    m.native = Some(code);
    m._registration = registration;
    Ok(())
}

/// `N` or `N ($name)`: a function as diagnostics name it.
fn func_label(m: &ModuleInner, func_index: u32) -> String {
    match m.func_name(func_index) {
        Some(n) => format!("{func_index} (${n})"),
        None => format!("{func_index}"),
    }
}

/// The `name` section is advisory: a malformed one is ignored, as the spec
/// requires of custom sections.
fn read_names(m: &mut ModuleInner, names: wasmparser::NameSectionReader<'_>) {
    for n in names {
        match n {
            Ok(wasmparser::Name::Module { name, .. }) => m.name = Some(name.to_string()),
            Ok(wasmparser::Name::Function(map)) => {
                // A name map lists unique indices in increasing order; one
                // that does not is malformed, and so ignored.
                m.func_names.clear();
                for naming in map.into_iter().flatten() {
                    if m.func_names.last().is_some_and(|(i, _)| *i >= naming.index) {
                        m.func_names.clear();
                        return;
                    }
                    m.func_names.push((naming.index, naming.name.to_string()));
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}
