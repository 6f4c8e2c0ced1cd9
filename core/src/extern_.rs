//! Store handles for memories, tables and globals, and [`Extern`], the sum
//! of everything that can be imported or exported. Each method checks the
//! handle's store and reports misuse as an [`Error`], not a panic; only
//! the accessors that return no `Result` (`ty`, `size`, `get`, `data`)
//! panic on a handle of another store (a programming error, as in
//! wasmtime). A reference value of another store is always an error.
use crate::error::Error;
use crate::func::Func;
use crate::store::{AsContext, AsContextMut, StoreId};
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, TableType, ValType};
use crate::value::Val;
use crate::vm::trap::TrapCode;

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// Anything that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The type.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(&store)),
            Extern::Table(t) => ExternType::Table(t.ty(&store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(&store)),
            Extern::Global(g) => ExternType::Global(g.ty(&store)),
        }
    }

    pub(crate) fn store_id(&self) -> StoreId {
        match self {
            Extern::Func(f) => f.store,
            Extern::Table(t) => t.store,
            Extern::Memory(m) => m.store,
            Extern::Global(g) => g.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

impl Memory {
    /// A new memory of type `ty`.
    ///
    /// The store's [`ResourceLimiter`](crate::ResourceLimiter) is asked
    /// first, as for a memory an instance defines.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory, Error> {
        let store = store.as_context_mut();
        let limit = ty.max_pages();
        if !matches!(ty.page_size_log2, 0 | 16)
            || ty.min as u64 > limit
            || ty.max.is_some_and(|m| m as u64 > limit || m < ty.min)
        {
            return Err(Error::usage(alloc::format!(
                "memory limits {}..{:?} in pages of 2^{} bytes are outside 0..={limit} pages",
                ty.min,
                ty.max,
                ty.page_size_log2
            )));
        }
        store.check_host_memory(&ty)?;
        let index = store.inner.alloc_memory(ty)?;
        Ok(Memory {
            store: store.inner.id,
            index,
        })
    }

    /// The type, with the current size as its minimum.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        let m = inner.memories[self.index as usize].get();
        MemoryType {
            min: m.pages(),
            ..m.ty
        }
    }

    /// Size in pages of its type (64 KiB unless it has custom pages).
    pub fn size(&self, store: impl AsContext) -> u64 {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        inner.memories[self.index as usize].get().pages() as u64
    }

    /// Size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        inner.memories[self.index as usize].get().vm.length
    }

    /// Grows by `delta` pages, returning the old size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64, Error> {
        let store = store.as_context_mut();
        store.inner.owns(self.store, "memory")?;
        let d = u32::try_from(delta).unwrap_or(u32::MAX);
        if !store.memory_may_grow_by(self.index, d)? {
            return Err(Error::usage(alloc::format!(
                "the store's resource limiter denied growing memory by {delta} pages"
            )));
        }
        let m = store.inner.memories[self.index as usize].get_mut();
        u32::try_from(delta)
            .ok()
            .and_then(|d| m.grow(d))
            .map(|old| old as u64)
            .ok_or_else(|| Error::usage(alloc::format!("cannot grow memory by {delta} pages")))
    }

    /// The bytes of the memory.
    ///
    /// `store` is anything that gives read access to the store: `&store`,
    /// `&caller`, `&mut store`.
    pub fn data<'a, S: AsContext + ?Sized>(&self, store: &'a S) -> &'a [u8] {
        let store = store.as_context();
        store.inner.check_id(self.store);
        let m = store.inner.memories[self.index as usize].get();
        if m.vm.length == 0 {
            return &[];
        }
        // SAFETY: `base` points to `length` initialised bytes owned by the
        // memory, which the shared borrow of the store keeps unchanged.
        unsafe { core::slice::from_raw_parts(m.vm.base, m.vm.length) }
    }

    /// The bytes of the memory, mutably.
    pub fn data_mut<'a, S: AsContextMut + ?Sized>(&self, store: &'a mut S) -> &'a mut [u8] {
        let store = store.as_context_mut();
        store.inner.check_id(self.store);
        let m = store.inner.memories[self.index as usize].get_mut();
        if m.vm.length == 0 {
            return &mut [];
        }
        // SAFETY: as in `data`; the exclusive borrow of the store makes this
        // the only access.
        unsafe { core::slice::from_raw_parts_mut(m.vm.base, m.vm.length) }
    }

    /// The bytes of the memory and the store's host data, both mutably (a
    /// host function can then move data between guest memory and its own
    /// state without copying twice).
    pub fn data_and_store_mut<'a, S: AsContextMut + ?Sized>(
        &self,
        store: &'a mut S,
    ) -> (&'a mut [u8], &'a mut S::Data) {
        let store = store.as_context_mut();
        store.inner.check_id(self.store);
        let m = store.inner.memories[self.index as usize].get_mut();
        let bytes: &'a mut [u8] = if m.vm.length == 0 {
            &mut []
        } else {
            // SAFETY: `base` points to `length` bytes owned by the memory;
            // the exclusive borrow of the store makes this the only access,
            // and the host data is a disjoint field of the store.
            unsafe { core::slice::from_raw_parts_mut(m.vm.base, m.vm.length) }
        };
        (bytes, store.data_mut())
    }

    /// Copies `buf.len()` bytes from `offset` into `buf`.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        store.as_context().inner.owns(self.store, "memory")?;
        let data = self.data(&store);
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::from(TrapCode::MemoryOutOfBounds))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        offset: usize,
        buf: &[u8],
    ) -> Result<(), Error> {
        store.as_context().inner.owns(self.store, "memory")?;
        let data = self.data_mut(&mut store);
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or_else(|| Error::from(TrapCode::MemoryOutOfBounds))?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}

impl Table {
    /// A new table of type `ty` with every element `init`. The store's
    /// [`ResourceLimiter`](crate::ResourceLimiter) is asked first.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table, Error> {
        let store = store.as_context_mut();
        check_value(
            &init,
            ty.element.into(),
            store.inner.id,
            "table initial value",
        )?;
        store.check_host_table(&ty)?;
        let inner = &mut store.inner;
        let index = inner.alloc_table(ty, init.to_slot());
        Ok(Table {
            store: inner.id,
            index,
        })
    }

    /// The type, with the current size as its minimum.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        let t = inner.tables[self.index as usize].get();
        TableType {
            element: t.ty.element,
            min: t.elements.len() as u32,
            max: t.ty.max,
        }
    }

    /// Number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        inner.tables[self.index as usize].get().elements.len() as u64
    }

    /// Element `index`, or `None` past the end.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        let t = inner.tables[self.index as usize].get();
        let slot = *t.elements.get(usize::try_from(index).ok()?)?;
        Some(Val::from_slot(slot, t.ty.element.into(), inner.id))
    }

    /// Sets element `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, val: Val) -> Result<(), Error> {
        let inner = &mut store.as_context_mut().inner;
        inner.owns(self.store, "table")?;
        let id = inner.id;
        let t = inner.tables[self.index as usize].get_mut();
        check_value(&val, t.ty.element.into(), id, "table element")?;
        let e = usize::try_from(index)
            .ok()
            .and_then(|i| t.elements.get_mut(i))
            .ok_or_else(|| Error::from(TrapCode::TableOutOfBounds))?;
        *e = val.to_slot();
        Ok(())
    }

    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64, Error> {
        let store = store.as_context_mut();
        store.inner.owns(self.store, "table")?;
        let element = store.inner.tables[self.index as usize].get().ty.element;
        check_value(&init, element.into(), store.inner.id, "table element")?;
        let d = u32::try_from(delta).unwrap_or(u32::MAX);
        if !store.table_may_grow_by(self.index, d)? {
            return Err(Error::usage(alloc::format!(
                "the store's resource limiter denied growing the table by {delta}"
            )));
        }
        let inner = &mut store.inner;
        let t = inner.tables[self.index as usize].get_mut();
        u32::try_from(delta)
            .ok()
            .and_then(|d| t.grow(d, init.to_slot()))
            .map(|old| old as u64)
            .ok_or_else(|| Error::usage(alloc::format!("cannot grow table by {delta}")))
    }
}

impl Global {
    /// A new global of type `ty` holding `val`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global, Error> {
        let inner = &mut store.as_context_mut().inner;
        check_value(&val, ty.content, inner.id, "global value")?;
        let mut cell = [0u64; 2];
        val.to_slots(&mut cell);
        let index = inner.alloc_global(ty, cell);
        Ok(Global {
            store: inner.id,
            index,
        })
    }

    /// The type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        inner.globals[self.index as usize].get().ty
    }

    /// The current value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        let g = inner.globals[self.index as usize].get();
        Val::from_slots(&g.value, g.ty.content, inner.id)
    }

    /// Sets the value of a mutable global.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<(), Error> {
        let inner = &mut store.as_context_mut().inner;
        inner.owns(self.store, "global")?;
        let id = inner.id;
        let g = inner.globals[self.index as usize].get_mut();
        if g.ty.mutability != Mutability::Var {
            return Err(Error::usage("cannot set an immutable global"));
        }
        check_value(&val, g.ty.content, id, "global value")?;
        val.to_slots(&mut g.value);
        Ok(())
    }
}

/// A value stored into a table or global must have its type and, for a
/// reference, come from the same store (its index would name an unrelated
/// object otherwise).
fn check_value(val: &Val, ty: ValType, store: StoreId, what: &str) -> Result<(), Error> {
    if val.ty() != ty {
        return Err(Error::usage(alloc::format!(
            "{what} must be {ty}, got {}",
            val.ty()
        )));
    }
    if !val.belongs_to(store) {
        return Err(Error::usage(alloc::format!(
            "{what} is a reference of another store: references cannot move between stores"
        )));
    }
    Ok(())
}
