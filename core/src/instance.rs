//! [`Instance`]: instantiation (import matching, allocation, segment
//! initialisation, the start function) and export lookup. Follows the 2.0
//! rules: segments are applied in order and a trap part-way leaves the
//! effects already made on imported tables and memories.
use crate::error::Error;
use crate::extern_::{Extern, Global, Memory, Table};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::module::{DataMode, ElemMode, EntityIndex, Module};
use crate::store::{
    AsContext, AsContextMut, FuncEntity, FuncRefSlice, InstanceEntity, Pinned, StoreId, StoreInner,
};
use crate::types::{limits_match, ExternType};
use crate::vm::context::{FuncKind, VmContext, VmFuncRef};
use crate::vm::trap::TrapCode;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// An instantiated module in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

pub(crate) fn export_of(inner: &StoreInner, instance: u32, name: &str) -> Option<Extern> {
    let inst = inner.instances[instance as usize].get();
    let m = &inst.module.inner;
    Some(entity_extern(inner.id, inst, m.export(name)?))
}

fn entity_extern(id: StoreId, inst: &InstanceEntity, e: EntityIndex) -> Extern {
    match e {
        EntityIndex::Func(i) => Extern::Func(Func::from_raw(id, inst.funcs[i as usize])),
        EntityIndex::Table(i) => Extern::Table(Table {
            store: id,
            index: inst.tables[i as usize],
        }),
        EntityIndex::Memory(i) => Extern::Memory(Memory {
            store: id,
            index: inst.memories[i as usize],
        }),
        EntityIndex::Global(i) => Extern::Global(Global {
            store: id,
            index: inst.globals[i as usize],
        }),
    }
}

fn check_import(
    inner: &StoreInner,
    module: &Module,
    i: usize,
    expected: &ExternType,
    actual: &Extern,
) -> Result<(), Error> {
    let imp = &module.inner.imports[i];
    let ok = match (expected, actual) {
        (ExternType::Func(ft), Extern::Func(f)) => {
            inner.funcs[f.index as usize].type_id() == inner.engine.intern_type(ft)
        }
        (ExternType::Table(tt), Extern::Table(t)) => {
            let t = inner.tables[t.index as usize].get();
            t.ty.element == tt.element
                && limits_match(
                    t.elements.len() as u64,
                    t.ty.max.map(u64::from),
                    tt.min as u64,
                    tt.max.map(u64::from),
                )
        }
        (ExternType::Memory(mt), Extern::Memory(m)) => {
            let m = inner.memories[m.index as usize].get();
            m.ty.page_size_log2 == mt.page_size_log2
                && limits_match(
                    m.pages() as u64,
                    m.ty.max.map(u64::from),
                    mt.min as u64,
                    mt.max.map(u64::from),
                )
        }
        (ExternType::Global(gt), Extern::Global(g)) => {
            inner.globals[g.index as usize].get().ty == *gt
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::link(format!(
            "incompatible import type for `{}::{}`: expected {}, found a {}",
            imp.module,
            imp.name,
            describe(expected),
            match actual {
                Extern::Func(_) => "function",
                Extern::Table(_) => "table",
                Extern::Memory(_) => "memory",
                Extern::Global(_) => "global",
            }
        )))
    }
}

fn describe(t: &ExternType) -> String {
    match t {
        ExternType::Func(f) => format!("function {f}"),
        ExternType::Table(t) => format!("table {:?}", t),
        ExternType::Memory(m) => format!("memory {:?}", m),
        ExternType::Global(g) => format!("global {:?}", g),
    }
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import
    /// order, then runs its start function.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut();
        store.check_instance_limits(module)?;
        let instance = Instance::allocate(&mut store.inner, module, imports)?;
        if let Some(start) = module.inner.start {
            let f = store.inner.instances[instance.index as usize].get().funcs[start as usize];
            crate::func::call::call(store, f, &mut [])?;
        }
        Ok(instance)
    }

    fn allocate(
        inner: &mut StoreInner,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        if !crate::Engine::same(&inner.engine, module.engine()) {
            return Err(Error::usage("module was compiled for a different engine"));
        }
        let m = &module.inner;
        if imports.len() != m.imports.len() {
            return Err(Error::link(format!(
                "module needs {} imports, {} given",
                m.imports.len(),
                imports.len()
            )));
        }
        let mut funcs = Vec::with_capacity(m.func_types.len());
        let mut tables = Vec::with_capacity(m.tables.len());
        let mut memories = Vec::with_capacity(m.memories.len());
        let mut globals = Vec::with_capacity(m.globals.len());
        for (i, (imp, ext)) in m.imports.iter().zip(imports).enumerate() {
            if ext.store_id() != inner.id {
                return Err(Error::usage("an import belongs to another store"));
            }
            check_import(inner, module, i, &m.entity_type(imp.ty), ext)?;
            match ext {
                Extern::Func(f) => funcs.push(f.index),
                Extern::Table(t) => tables.push(t.index),
                Extern::Memory(mm) => memories.push(mm.index),
                Extern::Global(g) => globals.push(g.index),
            }
        }
        let instance_index = inner.instances.len() as u32;
        inner.add_func_types(&m.type_ids, &m.types);
        // The only fallible allocation comes first, so that a failure leaves
        // no function entity behind whose reference would dangle.
        for ty in &m.memories[m.num_imported_memories as usize..] {
            memories.push(inner.alloc_memory(*ty)?);
        }
        // Defined functions' references; `vmctx` is filled in once the
        // instance has its fixed address. The boxed slice never moves.
        let first = inner.funcs.len() as u32;
        let defined: Box<[VmFuncRef]> = m.func_types[m.num_imported_funcs as usize..]
            .iter()
            .enumerate()
            .map(|(def, &ty)| {
                // A function the backend compiled is entered through its
                // entries; the rest run on the interpreter.
                let (array_call, wasm_call, kind) = match m.native_entry(def as u32) {
                    Some(e) => (e.array_call, e.wasm_call, FuncKind::Native),
                    None => (
                        crate::interp::exec::array_call as crate::vm::context::VmArrayCall,
                        core::ptr::null(),
                        FuncKind::Interp,
                    ),
                };
                VmFuncRef {
                    array_call,
                    wasm_call,
                    vmctx: core::ptr::null_mut(),
                    type_id: m.type_ids[ty as usize],
                    kind,
                    index: def as u32,
                    store_index: first + def as u32,
                }
            })
            .collect();
        let defined = FuncRefSlice::new(defined);
        for def in 0..defined.len() {
            let r = defined.ptr(def);
            // SAFETY: `r` is in bounds of the fresh slice; a plain read.
            let (type_id, store_index) = unsafe { ((*r).type_id, (*r).store_index) };
            inner.funcs.push(FuncEntity::Wasm {
                instance: instance_index,
                def: def as u32,
                type_id,
            });
            inner.push_func_ref(r);
            funcs.push(store_index);
        }
        let func_refs: Box<[*const VmFuncRef]> =
            funcs.iter().map(|&f| inner.func_refs[f as usize]).collect();
        let id = inner.id;
        let funcref = |funcs: &[u32], i: u32| funcs[i as usize] as u64 + 1;
        let cell = |v: [u64; 2]| v[0] as u128 | (v[1] as u128) << 64;
        for (gi, init) in m.global_inits.iter().enumerate() {
            let value = init.eval(
                |g| cell(inner.globals[globals[g as usize] as usize].get().value),
                |f| funcref(&funcs, f),
            );
            let value = [value as u64, (value >> 64) as u64];
            let ty = m.globals[m.num_imported_globals as usize + gi];
            globals.push(inner.alloc_global(ty, value));
        }
        for (ti, init) in m.table_inits.iter().enumerate() {
            let value = init.as_ref().map_or(0, |e| {
                e.eval(
                    |g| cell(inner.globals[globals[g as usize] as usize].get().value),
                    |f| funcref(&funcs, f),
                ) as u64
            });
            let ty = m.tables[m.num_imported_tables as usize + ti];
            tables.push(inner.alloc_table(ty, value));
        }
        // Segment items and offsets are never `v128`: the low half is all.
        let eval = |e: &crate::module::ConstExpr| {
            e.eval(
                |g| cell(inner.globals[globals[g as usize] as usize].get().value),
                |f| funcref(&funcs, f),
            ) as u64
        };
        let elems: Vec<Box<[u64]>> = m
            .elems
            .iter()
            .map(|seg| seg.items.iter().map(eval).collect())
            .collect();
        let elem_offsets: Vec<Option<u64>> = m
            .elems
            .iter()
            .map(|seg| match &seg.mode {
                ElemMode::Active { offset, .. } => Some(eval(offset)),
                _ => None,
            })
            .collect();
        let data_offsets: Vec<Option<u64>> = m
            .datas
            .iter()
            .map(|seg| match &seg.mode {
                DataMode::Active { offset, .. } => Some(eval(offset)),
                DataMode::Passive => None,
            })
            .collect();
        let global_ptrs: Box<[*mut u64]> = globals
            .iter()
            .map(|&g| {
                let cell = inner.globals[g as usize].ptr();
                // SAFETY: `cell` is a live `Pinned` allocation; taking a
                // field address creates no reference.
                unsafe { core::ptr::addr_of_mut!((*cell).value).cast::<u64>() }
            })
            .collect();
        let table_ptrs: Box<[*mut crate::vm::context::VmTable]> = tables
            .iter()
            .map(|&t| {
                let cell = inner.tables[t as usize].ptr();
                // SAFETY: as above.
                unsafe { core::ptr::addr_of_mut!((*cell).vm) }
            })
            .collect();
        let memory0 = memories.first().map_or(core::ptr::null_mut(), |&mi| {
            let cell = inner.memories[mi as usize].ptr();
            // SAFETY: as above.
            unsafe { core::ptr::addr_of_mut!((*cell).vm) }
        });
        let funcs: Box<[u32]> = funcs.into();
        let entity = InstanceEntity {
            module: module.clone(),
            vmctx: VmContext {
                magic: crate::vm::context::VMCTX_MAGIC,
                instance: instance_index,
                store: inner.vm_store(),
                memory: memory0,
                globals: core::ptr::null(),
                tables: core::ptr::null(),
                func_refs: core::ptr::null(),
                type_ids: m.type_ids.as_ptr(),
            },
            funcs,
            defined,
            func_refs,
            tables: tables.into(),
            memories: memories.into(),
            globals: globals.into(),
            global_ptrs,
            table_ptrs,
            elems,
            data_dropped: alloc::vec![false; m.datas.len()].into(),
        };
        let cell = Pinned::new(entity);
        let p = cell.ptr();
        // SAFETY: `p` is the fresh cell, not yet shared; the defined
        // references learn its (now fixed) context address. Writes go
        // through the cell's own pointer.
        // The context's array pointers are taken here too, from the boxes
        // in their final place: taken before the move into the cell, they
        // would derive from a `Box` that moving retags (Miri).
        unsafe {
            (*p).vmctx.globals = (*p).global_ptrs.as_ptr();
            (*p).vmctx.tables = (*p).table_ptrs.as_ptr();
            (*p).vmctx.func_refs = (*p).func_refs.as_ptr();
            let vmctx = core::ptr::addr_of_mut!((*p).vmctx);
            let defined = &(*p).defined;
            for def in 0..defined.len() {
                (*defined.ptr(def)).vmctx = vmctx;
            }
        }
        inner.instances.push(cell);
        let instance = Instance {
            store: id,
            index: instance_index,
        };
        // Segment initialisation, in order; a failure traps.
        let inst = inner.instances[instance_index as usize].ptr();
        // SAFETY: `inst` is the live instance just pushed; nothing else
        // references it during initialisation.
        let inst = unsafe { &mut *inst };
        for (i, seg) in m.elems.iter().enumerate() {
            match &seg.mode {
                ElemMode::Active { table, .. } => {
                    let offset = elem_offsets[i].unwrap_or(0) as u32 as u64;
                    let t = inner.tables[inst.tables[*table as usize] as usize].get_mut();
                    let items = &inst.elems[i];
                    let end = offset + items.len() as u64;
                    if end > t.elements.len() as u64 {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    t.elements[offset as usize..end as usize].copy_from_slice(items);
                    inst.elems[i] = Box::default();
                }
                ElemMode::Declared => inst.elems[i] = Box::default(),
                ElemMode::Passive => {}
            }
        }
        for (i, seg) in m.datas.iter().enumerate() {
            if let DataMode::Active { memory, .. } = &seg.mode {
                let offset = data_offsets[i].unwrap_or(0) as u32 as u64;
                let mem = inner.memories[inst.memories[*memory as usize] as usize].get_mut();
                let end = offset + seg.bytes.len() as u64;
                if end > mem.vm.length as u64 {
                    return Err(TrapCode::MemoryOutOfBounds.into());
                }
                if !seg.bytes.is_empty() {
                    // SAFETY: `offset..end` lies inside the memory.
                    unsafe {
                        core::ptr::copy_nonoverlapping(
                            seg.bytes.as_ptr(),
                            mem.vm.base.add(offset as usize),
                            seg.bytes.len(),
                        )
                    };
                }
                inst.data_dropped[i] = true;
            }
        }
        Ok(instance)
    }

    /// The module it was instantiated from.
    pub fn module(&self, store: impl AsContext) -> Module {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        inner.instances[self.index as usize].get().module.clone()
    }

    /// The export `name`.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        export_of(inner, self.index, name)
    }

    /// All exports, in module order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let inner = &store.as_context().inner;
        inner.check_id(self.store);
        let inst = inner.instances[self.index as usize].get();
        inst.module
            .inner
            .exports
            .iter()
            .map(|(n, e)| (n.clone(), entity_extern(inner.id, inst, *e)))
            .collect()
    }

    /// The exported function `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function `name` with a checked static signature.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        let f = self
            .get_func(&store, name)
            .ok_or_else(|| Error::usage(format!("no exported function named `{name}`")))?;
        f.typed(&store)
    }

    /// The exported memory `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
}
