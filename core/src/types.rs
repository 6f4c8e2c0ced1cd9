//! The type vocabulary of the embedding API: value, function, table, memory
//! and global types. It owns conversions from `wasmparser`'s types and the
//! subtyping rule used when linking imports; it knows nothing of stores.
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// A WebAssembly value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector (decoded, not yet executed by the interpreter).
    V128,
    /// Nullable function reference.
    FuncRef,
    /// Nullable host reference.
    ExternRef,
}

impl ValType {
    /// How many 64-bit slots a value of this type takes in a frame, a
    /// global cell or a call buffer: two for `v128`, one for the rest.
    pub(crate) fn slots(self) -> usize {
        if self == ValType::V128 {
            2
        } else {
            1
        }
    }

    /// Total slots of a list of values (params or results).
    pub(crate) fn slots_of(types: &[ValType]) -> usize {
        types.iter().map(|t| t.slots()).sum()
    }

    /// True for `funcref` and `externref`.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Result<ValType, &'static str> {
        use wasmparser::ValType as W;
        Ok(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => RefType::from_wasmparser(r)?.into(),
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A reference type: the element type of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefType {
    /// `funcref`
    FuncRef,
    /// `externref`
    ExternRef,
}

impl RefType {
    pub(crate) fn from_wasmparser(ty: wasmparser::RefType) -> Result<RefType, &'static str> {
        if ty == wasmparser::RefType::FUNCREF {
            Ok(RefType::FuncRef)
        } else if ty == wasmparser::RefType::EXTERNREF {
            Ok(RefType::ExternRef)
        } else {
            Err("reference types beyond funcref/externref are not supported")
        }
    }
}

impl From<RefType> for ValType {
    fn from(r: RefType) -> ValType {
        match r {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ValType::from(*self).fmt(f)
    }
}

/// The signature of a function: parameter and result types.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Params followed by results, in one allocation shared by clones.
    types: Arc<[ValType]>,
    num_params: usize,
}

impl FuncType {
    /// A function type with these parameters and results.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let num_params = types.len();
        types.extend(results);
        FuncType {
            types: types.into(),
            num_params,
        }
    }

    /// A total order on signatures, for sorted indexes of them (the
    /// engine's type registry); equal exactly when the signatures are.
    pub(crate) fn order(&self, other: &FuncType) -> core::cmp::Ordering {
        let key = |t: &ValType| *t as u8;
        self.num_params
            .cmp(&other.num_params)
            .then_with(|| self.types.iter().map(key).cmp(other.types.iter().map(key)))
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.num_params]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.types[self.num_params..]
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::FuncType) -> Result<FuncType, &'static str> {
        let mut types = Vec::with_capacity(ty.params().len() + ty.results().len());
        for t in ty.params().iter().chain(ty.results()) {
            types.push(ValType::from_wasmparser(*t)?);
        }
        Ok(FuncType {
            types: types.into(),
            num_params: ty.params().len(),
        })
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params().is_empty() {
            f.write_str(" (param")?;
            for p in self.params() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results().is_empty() {
            f.write_str(" (result")?;
            for r in self.results() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// Whether a global can be written after instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The value type held.
    pub content: ValType,
    /// Whether it can be written.
    pub mutability: Mutability,
}

impl GlobalType {
    /// A global type.
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    /// Element type.
    pub element: RefType,
    /// Minimum (initial) size in elements.
    pub min: u32,
    /// Maximum size in elements, if bounded.
    pub max: Option<u32>,
}

impl TableType {
    /// A table type.
    pub fn new(element: RefType, min: u32, max: Option<u32>) -> TableType {
        TableType { element, min, max }
    }
}

/// The type of a linear memory, in pages of 64 KiB or, with the
/// custom-page-sizes proposal, of 1 byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Minimum (initial) size in pages.
    pub min: u32,
    /// Maximum size in pages, if bounded.
    pub max: Option<u32>,
    /// Log2 of the page size in bytes: 16 (64 KiB, the default) or 0.
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A memory type with 64 KiB pages.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            min,
            max,
            page_size_log2: 16,
        }
    }

    /// The same limits in pages of `1 << log2` bytes (16 or 0).
    pub fn with_page_size_log2(self, log2: u8) -> MemoryType {
        MemoryType {
            page_size_log2: log2,
            ..self
        }
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// The most pages a 32-bit memory of this page size can have: 65,536
    /// of 64 KiB, or 2^32 - 1 of 1 byte.
    pub fn max_pages(&self) -> u64 {
        ((1u64 << 32) >> self.page_size_log2).min(u32::MAX as u64)
    }

    /// The maximum in pages, or [`max_pages`](Self::max_pages) when
    /// unbounded.
    pub(crate) fn max_or_limit(&self) -> u64 {
        self.max
            .map_or(self.max_pages(), u64::from)
            .min(self.max_pages())
    }
}

/// The type of anything that can be imported or exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

impl ExternType {
    /// A short name of the kind: "function", "table", "memory", "global".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
}

/// The import-matching rule for limits: the provided range must sit inside
/// the required one.
pub(crate) fn limits_match(
    actual_min: u64,
    actual_max: Option<u64>,
    req_min: u64,
    req_max: Option<u64>,
) -> bool {
    if actual_min < req_min {
        return false;
    }
    match (actual_max, req_max) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(r)) => a <= r,
    }
}
