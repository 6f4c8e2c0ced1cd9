//! [`Store`]: the owner of every runtime object (functions, memories,
//! tables, globals, instances, extern references) and of the host data `T`.
//! Handles such as [`Func`](crate::Func) are plain indices into one store.
//! Using a handle or reference with another store is an error from every
//! operation that returns a `Result` (calls, `set`, `grow`, `define`,
//! instantiation, values crossing a call), and a panic from the plain
//! accessors (`ty`, `size`, `get`, `data`), as in wasmtime.
//!
//! The VM structures compiled code addresses (`VmMemory`, `VmTable`, global
//! cells, `VmContext`) sit in [`Pinned`] heap cells so their addresses stay
//! fixed while the store's vectors grow.
use crate::engine::Engine;
use crate::error::Error;
use crate::func::call::StoreHooks;
use crate::func::HostFunc;
use crate::module::Module;
use crate::platform;
use crate::types::{FuncType, GlobalType, MemoryType, TableType};
use crate::vm::context::{
    FuncKind, VmContext, VmFuncRef, VmMemory, VmStoreContext, VmTable, VMCTX_MAGIC,
};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};

/// Identifies a store so handles from another store are caught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StoreId(u32);

static NEXT_STORE_ID: AtomicU32 = AtomicU32::new(1);

/// A heap cell with a fixed address, accessed only through raw pointers so
/// that the interpreter's cached pointers and the store's own accesses never
/// assert conflicting uniqueness.
pub(crate) struct Pinned<T>(NonNull<T>);

impl<T> Pinned<T> {
    pub(crate) fn new(value: T) -> Pinned<T> {
        Pinned(NonNull::from(Box::leak(Box::new(value))))
    }
    pub(crate) fn ptr(&self) -> *mut T {
        self.0.as_ptr()
    }
    pub(crate) fn get(&self) -> &T {
        // SAFETY: the cell is alive until `drop`, and mutation only happens
        // through `get_mut` (which needs `&mut self`) or while the store is
        // exclusively borrowed by the executor, which creates no `&T`.
        unsafe { self.0.as_ref() }
    }
    pub(crate) fn get_mut(&mut self) -> &mut T {
        // SAFETY: as in `get`; `&mut self` proves no other Rust reference
        // into the cell exists.
        unsafe { self.0.as_mut() }
    }
}

impl<T> Drop for Pinned<T> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `new` and is dropped
        // once.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

// SAFETY: `Pinned<T>` owns its `T` like a `Box<T>` does.
unsafe impl<T: Send> Send for Pinned<T> {}
// SAFETY: shared access only hands out `&T`.
unsafe impl<T: Sync> Sync for Pinned<T> {}

#[derive(Clone, Copy)]
pub(crate) enum FuncEntity {
    Wasm {
        instance: u32,
        /// Index among the module's defined functions.
        def: u32,
        type_id: u32,
    },
    Host {
        /// Index into `Store::host_funcs`.
        host: u32,
        type_id: u32,
        /// Slots a call needs: `max(params, results)`.
        slots: u32,
        /// Defined with `func_wrap_async`: async runs suspend at it, sync
        /// calls of it fail.
        is_async: bool,
    },
}

impl FuncEntity {
    pub(crate) fn type_id(&self) -> u32 {
        match self {
            FuncEntity::Wasm { type_id, .. } | FuncEntity::Host { type_id, .. } => *type_id,
        }
    }
}

pub(crate) struct MemoryEntity {
    pub vm: VmMemory,
    pub backing: Box<dyn platform::Memory>,
    pub ty: MemoryType,
}

// SAFETY: `vm.base` points into `backing`, which is `Send`.
unsafe impl Send for MemoryEntity {}

impl MemoryEntity {
    /// The size in pages of the memory's type.
    pub(crate) fn pages(&self) -> u32 {
        (self.vm.length as u64 >> self.ty.page_size_log2) as u32
    }

    /// `memory.grow`: the old size in pages, or `None` (the wasm -1).
    pub(crate) fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old as u64 + delta as u64;
        if new > self.ty.max_or_limit() {
            return None;
        }
        let bytes = usize::try_from(new << self.ty.page_size_log2).ok()?;
        self.backing.grow_to(bytes).ok()?;
        self.vm.base = self.backing.base();
        self.vm.length = self.backing.len();
        Some(old)
    }
}

pub(crate) struct TableEntity {
    pub vm: VmTable,
    pub elements: Vec<u64>,
    pub ty: TableType,
}

// SAFETY: `vm.base` points into `elements`.
unsafe impl Send for TableEntity {}

impl TableEntity {
    pub(crate) fn new(ty: TableType, init: u64) -> TableEntity {
        let mut t = TableEntity {
            vm: VmTable {
                base: core::ptr::null_mut(),
                length: 0,
            },
            elements: alloc::vec![init; ty.min as usize],
            ty,
        };
        t.sync();
        t
    }

    fn sync(&mut self) {
        self.vm.base = self.elements.as_mut_ptr();
        self.vm.length = self.elements.len() as u32;
    }

    /// `table.grow`: the old size, or `None` (the wasm -1).
    pub(crate) fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.elements.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.ty.max.unwrap_or(u32::MAX) || new > 10_000_000 {
            return None;
        }
        self.elements.try_reserve_exact(delta as usize).ok()?;
        self.elements.resize(new as usize, init);
        self.sync();
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    /// First: compiled code and the interpreter address the cell directly.
    /// Every cell has room for a `v128` (low half first); other types use
    /// the first slot only.
    pub value: [u64; 2],
    pub ty: GlobalType,
}

pub(crate) struct InstanceEntity {
    pub module: Module,
    pub funcs: Box<[u32]>,
    /// The function references of the module's defined functions; their
    /// `vmctx` points at this instance's `vmctx`.
    pub defined: FuncRefSlice,
    /// The function reference of every function index of the module
    /// (imported first), what `vmctx.func_refs` points to.
    pub func_refs: Box<[*const VmFuncRef]>,
    pub tables: Box<[u32]>,
    pub memories: Box<[u32]>,
    pub globals: Box<[u32]>,
    pub global_ptrs: Box<[*mut u64]>,
    pub table_ptrs: Box<[*mut VmTable]>,
    pub vmctx: VmContext,
    /// Element segments as evaluated references; emptied by `elem.drop`.
    pub elems: Vec<Box<[u64]>>,
    /// Data segments still available to `memory.init`.
    pub data_dropped: Box<[bool]>,
}

// SAFETY: every raw pointer targets a `Pinned` cell of the same store, and
// the store moves between threads as a whole.
unsafe impl Send for InstanceEntity {}

/// A fixed slice of function references, owned through a raw pointer (like
/// [`Pinned`]) so that the pointers handed out to tables, contexts and the
/// store's list stay valid: no `Box` or `&mut` over the slice is ever
/// created again after they are taken.
pub(crate) struct FuncRefSlice {
    base: NonNull<VmFuncRef>,
    len: usize,
}

impl FuncRefSlice {
    pub(crate) fn new(refs: Box<[VmFuncRef]>) -> FuncRefSlice {
        let len = refs.len();
        let raw = Box::into_raw(refs).cast::<VmFuncRef>();
        FuncRefSlice {
            // SAFETY: `Box::into_raw` never returns null.
            base: unsafe { NonNull::new_unchecked(raw) },
            len,
        }
    }

    /// Reference `i` (in bounds: checked in debug builds; callers pass
    /// validated function indices).
    #[inline(always)]
    pub(crate) fn ptr(&self, i: usize) -> *mut VmFuncRef {
        debug_assert!(i < self.len);
        self.base.as_ptr().wrapping_add(i)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for FuncRefSlice {
    fn drop(&mut self) {
        let slice = core::ptr::slice_from_raw_parts_mut(self.base.as_ptr(), self.len);
        // SAFETY: the pointer and length came from `Box::into_raw` in `new`
        // and are dropped once.
        drop(unsafe { Box::from_raw(slice) });
    }
}

// SAFETY: owns its references like a `Box<[VmFuncRef]>`; their pointers
// target the same store, which moves between threads as a whole.
unsafe impl Send for FuncRefSlice {}

/// The untyped part of a store, which the executor works on.
pub(crate) struct StoreInner {
    pub id: StoreId,
    pub engine: Engine,
    pub funcs: Vec<FuncEntity>,
    pub memories: Vec<Pinned<MemoryEntity>>,
    pub tables: Vec<Pinned<TableEntity>>,
    pub globals: Vec<Pinned<GlobalEntity>>,
    pub instances: Vec<Pinned<InstanceEntity>>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
    /// The signatures of this store's functions by engine type id, so that
    /// `Func::ty` and untyped calls never take the engine's registry lock.
    /// Sorted by id; a store sees few distinct host signatures.
    pub func_types: Vec<(u32, FuncType)>,
    /// The function reference of every function by store index, what
    /// `VmStoreContext::func_refs` points to.
    pub func_refs: Vec<*const VmFuncRef>,
    /// The function references of host functions, by host index.
    pub host_refs: Vec<Pinned<VmFuncRef>>,
    /// The store's execution context: the part compiled code reads
    /// (`VmStoreContext`, fuel included) and what the call path keeps
    /// beside it.
    pub vm: Pinned<StoreVm>,
    /// The value stack, shared by every active interpreter activation:
    /// the innermost one owns it while it runs, and hands it back (with
    /// `stack_top` past its live slots) whenever it calls out.
    pub stack: Vec<u64>,
    /// Where the next interpreter activation builds its first frame.
    pub stack_top: usize,
    pub interrupt: Arc<AtomicU32>,
    /// Monotonic-clock deadline in nanoseconds.
    pub deadline: Option<u64>,
    /// The engine epoch when the deadline was set, and how many ticks
    /// after it running code stops.
    pub epoch_deadline: Option<EpochDeadline>,
    /// Async runs only: fuel an async call burns between yields
    /// (`u64::MAX` for never; see `Store::fuel_async_yield_interval`).
    pub fuel_yield_interval: u64,
    /// Async runs only: a reached epoch deadline yields and moves the
    /// deadline this many ticks past the epoch at resumption, instead of
    /// trapping (see `Store::epoch_deadline_async_yield_and_update`).
    pub epoch_yield_delta: Option<u64>,
}

// SAFETY: the raw pointers `StoreInner` holds itself (`func_refs`, and
// inside `host_refs`) point to function references in this store's own
// cells (instances' `defined` slices, `host_refs`), which move between
// threads with the store as a whole; every other field is `Send`.
unsafe impl Send for StoreInner {}

/// The store's execution context. `abi` comes first (and the struct is
/// `#[repr(C)]`) so that the `*mut VmStoreContext` in every `VmContext`
/// also points to the whole: the call path finds the rest from there.
#[repr(C)]
pub(crate) struct StoreVm {
    pub abi: VmStoreContext,
    /// The store as the call path reaches it, set by each embedder entry
    /// (`func::call`) for as long as it runs and restored after; the
    /// lifetime is erased, as the entry outlives every use.
    pub hooks: Option<NonNull<dyn StoreHooks>>,
    /// Why the innermost array call returned `VM_UNWIND`: a trap or an
    /// error, for the caller to collect or pass on.
    pub pending: Option<Error>,
    /// The `vmctx` of host functions' references: only `store` is set.
    pub host_vmctx: VmContext,
    /// `Config::max_native_stack`.
    pub max_native_stack: usize,
    /// Nested entries, the stand-in for the stack limit under Miri (see
    /// `func::call::native_stack_exhausted`).
    #[cfg(miri)]
    pub depth: u32,
}

impl StoreVm {
    fn new(max_native_stack: usize) -> Pinned<StoreVm> {
        let vm = Pinned::new(StoreVm {
            abi: VmStoreContext {
                fuel: 0,
                stack_limit: 0,
                poll_countdown: 1,
                builtins: &crate::vm::builtins::BUILTINS,
                entry: core::ptr::null_mut(),
                func_refs: core::ptr::null(),
            },
            hooks: None,
            pending: None,
            host_vmctx: VmContext {
                magic: VMCTX_MAGIC,
                instance: u32::MAX,
                store: core::ptr::null_mut(),
                memory: core::ptr::null_mut(),
                globals: core::ptr::null(),
                tables: core::ptr::null(),
                func_refs: core::ptr::null(),
                type_ids: core::ptr::null(),
            },
            max_native_stack,
            #[cfg(miri)]
            depth: 0,
        });
        let p = vm.ptr();
        // SAFETY: `p` is the fresh cell; a field write through its own
        // pointer.
        unsafe { (*p).host_vmctx.store = core::ptr::addr_of_mut!((*p).abi) };
        vm
    }
}

// SAFETY: the raw pointers point into this store's own cells (or to
// `'static` builtins); `hooks` is only set while an embedder call holds the
// store exclusively on this thread.
unsafe impl Send for StoreVm {}

impl StoreInner {
    /// The store's fuel (meaningful with `Config::consume_fuel`).
    pub(crate) fn fuel(&self) -> u64 {
        self.vm.get().abi.fuel
    }

    /// Sets the store's fuel.
    pub(crate) fn set_fuel(&mut self, fuel: u64) {
        self.vm.get_mut().abi.fuel = fuel;
    }

    /// The store's `VmStoreContext`.
    pub(crate) fn vm_store(&self) -> *mut VmStoreContext {
        // SAFETY: a field address of the live cell; no reference made.
        unsafe { core::ptr::addr_of_mut!((*self.vm.ptr()).abi) }
    }

    /// Records a new function's reference (store index = `funcs.len()`
    /// before the caller pushes its entity).
    pub(crate) fn push_func_ref(&mut self, r: *const VmFuncRef) {
        self.func_refs.push(r);
        self.vm.get_mut().abi.func_refs = self.func_refs.as_ptr();
    }

    /// Adds host function `host` (index into the typed store's list) with
    /// engine type `type_id`; returns its store index.
    pub(crate) fn push_host_func(&mut self, entity: FuncEntity) -> u32 {
        let (host, type_id, is_async) = match entity {
            FuncEntity::Host {
                host,
                type_id,
                is_async,
                ..
            } => (host, type_id, is_async),
            FuncEntity::Wasm { .. } => unreachable!("push_host_func takes host functions"),
        };
        let index = self.funcs.len() as u32;
        let r = Pinned::new(VmFuncRef {
            array_call: crate::func::call::host_array_call,
            wasm_call: core::ptr::null(),
            // SAFETY: a field address of the live cell.
            vmctx: unsafe { core::ptr::addr_of_mut!((*self.vm.ptr()).host_vmctx) },
            type_id,
            kind: if is_async {
                FuncKind::HostAsync
            } else {
                FuncKind::Host
            },
            index: host,
            store_index: index,
        });
        self.push_func_ref(r.ptr());
        self.host_refs.push(r);
        self.funcs.push(entity);
        index
    }

    /// For accessors that return no `Result`: using a handle with another
    /// store is a bug in the embedder, reported as wasmtime does.
    #[track_caller]
    pub(crate) fn check_id(&self, id: StoreId) {
        assert!(
            self.id == id,
            "wasmbed: object used with a store it does not belong to"
        );
    }

    /// For operations that return a `Result`: a handle of another store is
    /// an `ErrorKind::Usage` error, never a panic.
    pub(crate) fn owns(&self, id: StoreId, what: &str) -> Result<(), Error> {
        if self.id == id {
            Ok(())
        } else {
            Err(Error::usage(alloc::format!(
                "this {what} belongs to another store: handles and references cannot move between stores"
            )))
        }
    }

    pub(crate) fn alloc_memory(&mut self, ty: MemoryType) -> Result<u32, Error> {
        let initial = (ty.min as u64) << ty.page_size_log2;
        let maximum = ty.max_or_limit() << ty.page_size_log2;
        let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        let backing = self
            .engine
            .config()
            .memory_creator
            .new_memory(to_usize(initial), to_usize(maximum))
            .map_err(|e| Error::instantiation(alloc::format!("memory: {e}")))?;
        let vm = VmMemory {
            base: backing.base(),
            length: backing.len(),
        };
        self.memories
            .push(Pinned::new(MemoryEntity { vm, backing, ty }));
        Ok(self.memories.len() as u32 - 1)
    }

    /// Caches a module's signatures (`ids[i]` is the engine id of
    /// `tys[i]`). The new ones are sorted and merged in one pass, so a
    /// module with many signatures costs O(n log n), not n insertions.
    pub(crate) fn add_func_types(&mut self, ids: &[u32], tys: &[FuncType]) {
        let mut new: Vec<u32> = (0..ids.len() as u32)
            .filter(|&i| self.cached_func_type(ids[i as usize]).is_none())
            .collect();
        if new.is_empty() {
            return;
        }
        crate::sorted::heapsort(&mut new, |&a, &b| ids[a as usize] < ids[b as usize]);
        // A signature the module declares twice has one id.
        new.dedup_by_key(|i| ids[*i as usize]);
        let added = new
            .iter()
            .map(|&i| (ids[i as usize], tys[i as usize].clone()))
            .collect();
        let old = core::mem::take(&mut self.func_types);
        self.func_types = crate::sorted::merge(old, added, |x, y| x.0 < y.0);
    }

    /// The signature of a function of this store (cached when the function
    /// was added, so no engine lock is taken).
    pub(crate) fn func_type(&self, type_id: u32) -> FuncType {
        match self.cached_func_type(type_id) {
            Some(ty) => ty.clone(),
            None => self.engine.type_of(type_id),
        }
    }

    /// The signature `type_id` if this store caches it (no lock, no clone).
    pub(crate) fn cached_func_type(&self, type_id: u32) -> Option<&FuncType> {
        crate::sorted::get(&self.func_types, &type_id)
    }

    pub(crate) fn alloc_table(&mut self, ty: TableType, init: u64) -> u32 {
        self.tables.push(Pinned::new(TableEntity::new(ty, init)));
        self.tables.len() as u32 - 1
    }

    pub(crate) fn alloc_global(&mut self, ty: GlobalType, value: [u64; 2]) -> u32 {
        self.globals.push(Pinned::new(GlobalEntity { value, ty }));
        self.globals.len() as u32 - 1
    }
}

/// An epoch deadline: reached once the engine's counter is `ticks` past
/// `start` (by wrapping distance).
#[derive(Clone, Copy, Debug)]
pub(crate) struct EpochDeadline {
    pub start: usize,
    pub ticks: usize,
}

impl EpochDeadline {
    pub fn reached(self, now: usize) -> bool {
        now.wrapping_sub(self.start) >= self.ticks
    }
}

/// Everything wasm objects need at run time, plus the host's data `T`.
/// A `Store` is `Send` when `T` is.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) host_funcs: Vec<Arc<HostFunc<T>>>,
    limiter: Option<LimiterFn<T>>,
    data: T,
}

type LimiterFn<T> = Box<dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync>;

/// Decides how far a store's memories, tables and instances may grow; set
/// with [`Store::limiter`]. Shaped like wasmtime's: a denied
/// `memory.grow`/`table.grow` returns -1 to the guest, as the spec says; an
/// `Err` stops the running wasm code with that error; creating a memory or
/// table (by instantiation, [`Memory::new`](crate::Memory::new) or
/// [`Table::new`](crate::Table::new)) that is denied or fails is an error.
pub trait ResourceLimiter {
    /// A memory wants to grow from `current` to `desired` bytes (`current`
    /// is 0 when it is created). `Ok(false)` denies; `Err` fails the
    /// operation with that error.
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, Error>;
    /// A table wants to grow from `current` to `desired` elements.
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, Error>;
    /// Most instances the store may hold.
    fn instances(&self) -> usize {
        10_000
    }
    /// Most memories the store may hold.
    fn memories(&self) -> usize {
        10_000
    }
    /// Most tables the store may hold.
    fn tables(&self) -> usize {
        10_000
    }
}

impl<T> Store<T> {
    /// An empty store for `engine`, holding `data` for host functions.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: StoreInner {
                id: StoreId(NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed)),
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                externrefs: Vec::new(),
                func_types: Vec::new(),
                func_refs: Vec::new(),
                host_refs: Vec::new(),
                vm: StoreVm::new(engine.config().max_native_stack),
                stack: Vec::new(),
                stack_top: 0,
                interrupt: Arc::new(AtomicU32::new(0)),
                deadline: None,
                epoch_deadline: None,
                fuel_yield_interval: u64::MAX,
                epoch_yield_delta: None,
            },
            host_funcs: Vec::new(),
            limiter: None,
            data,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the host data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the fuel left for wasm code in this store. Needs
    /// `Config::consume_fuel(true)`.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.require(
            self.inner.engine.config().consume_fuel,
            "fuel",
            "consume_fuel",
        )?;
        self.inner.set_fuel(fuel);
        Ok(())
    }

    /// The fuel left. Needs `Config::consume_fuel(true)`.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.require(
            self.inner.engine.config().consume_fuel,
            "fuel",
            "consume_fuel",
        )?;
        Ok(self.inner.fuel())
    }

    /// A handle that stops this store's running wasm code from any thread
    /// (`TrapCode::Interrupt` at the next function entry or loop iteration).
    /// Needs `Config::interruptible(true)` to have an effect.
    pub fn interrupt_handle(&self) -> Result<InterruptHandle, Error> {
        self.require(
            self.inner.engine.config().interruptible,
            "interruption",
            "interruptible",
        )?;
        Ok(InterruptHandle {
            flag: self.inner.interrupt.clone(),
        })
    }

    /// Stops wasm code started after this call once `timeout` has passed
    /// (`TrapCode::Interrupt`), measured with the engine's `Clock`. Needs
    /// `Config::interruptible(true)` and `Config::clock`.
    pub fn set_deadline(&mut self, timeout: core::time::Duration) -> Result<(), Error> {
        let config = self.inner.engine.config();
        self.require(config.interruptible, "deadlines", "interruptible")?;
        let clock = config.clock.as_ref().ok_or_else(|| {
            Error::usage("deadlines need a clock: set one with `Config::clock` (the `wasmbed` crate does this on hosts with std)")
        })?;
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        self.inner.deadline = Some(clock.monotonic_nanos().saturating_add(nanos));
        Ok(())
    }

    /// Stops wasm code once the engine's epoch has advanced `ticks` beyond
    /// its value now ([`Engine::increment_epoch`]), with
    /// `TrapCode::Interrupt`. Needs `Config::interruptible(true)` (or
    /// `epoch_interruption(true)`). Unlike [`Store::set_deadline`] this
    /// needs no clock, only some thread that ticks the engine.
    pub fn set_epoch_deadline(&mut self, ticks: u64) -> Result<(), Error> {
        let config = self.inner.engine.config();
        self.require(config.interruptible, "epoch deadlines", "interruptible")?;
        self.inner.epoch_deadline = Some(EpochDeadline {
            start: self.inner.engine.current_epoch(),
            ticks: usize::try_from(ticks).unwrap_or(usize::MAX),
        });
        Ok(())
    }

    /// Removes an epoch deadline set with [`Store::set_epoch_deadline`].
    pub fn clear_epoch_deadline(&mut self) {
        self.inner.epoch_deadline = None;
    }

    /// Makes async calls ([`Func::call_async`](crate::Func::call_async),
    /// [`TypedFunc::call_async`](crate::TypedFunc::call_async)) yield to
    /// their executor each time wasm code has burnt `interval` units of
    /// fuel, so that one long-running guest cannot starve the other tasks
    /// of its thread; `None` turns yielding off. Running out of fuel still
    /// traps with `TrapCode::OutOfFuel`. Sync calls never yield. Needs
    /// `Config::consume_fuel(true)`; an interval of 0 is a usage error.
    pub fn fuel_async_yield_interval(&mut self, interval: Option<u64>) -> Result<(), Error> {
        self.require(
            self.inner.engine.config().consume_fuel,
            "fuel",
            "consume_fuel",
        )?;
        self.inner.fuel_yield_interval = match interval {
            Some(0) => return Err(Error::usage("the fuel yield interval must not be 0")),
            Some(n) => n,
            None => u64::MAX,
        };
        Ok(())
    }

    /// In async calls, a reached epoch deadline
    /// ([`Store::set_epoch_deadline`]) yields to the executor and, once
    /// polled again, continues with the deadline moved `delta` ticks past
    /// the engine's epoch at that moment, instead of trapping. Sync calls
    /// still trap with `TrapCode::Interrupt`.
    pub fn epoch_deadline_async_yield_and_update(&mut self, delta: u64) {
        self.inner.epoch_yield_delta = Some(delta);
    }

    /// Undoes [`Store::epoch_deadline_async_yield_and_update`]: a reached
    /// epoch deadline traps in async calls too (the default).
    pub fn epoch_deadline_trap(&mut self) {
        self.inner.epoch_yield_delta = None;
    }

    /// Installs a resource limiter: `f` picks it out of the host data.
    pub fn limiter(
        &mut self,
        f: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.limiter = Some(Box::new(f));
    }

    /// Asks the limiter (if any) whether a memory may grow.
    pub(crate) fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        max: Option<usize>,
    ) -> Result<bool, Error> {
        match &mut self.limiter {
            Some(f) => f(&mut self.data).memory_growing(current, desired, max),
            None => Ok(true),
        }
    }

    /// Asks the limiter (if any) whether a table may grow.
    pub(crate) fn table_growing(
        &mut self,
        current: u32,
        desired: u32,
        max: Option<u32>,
    ) -> Result<bool, Error> {
        match &mut self.limiter {
            Some(f) => f(&mut self.data).table_growing(
                current as usize,
                desired as usize,
                max.map(|m| m as usize),
            ),
            None => Ok(true),
        }
    }

    /// Asks the limiter whether `new_memories` more memories and
    /// `new_tables` more tables (and, for an instantiation, one more
    /// instance) fit in the store.
    fn check_counts(
        &mut self,
        instances: usize,
        new_memories: usize,
        new_tables: usize,
    ) -> Result<(), Error> {
        let Some(f) = &mut self.limiter else {
            return Ok(());
        };
        let l = f(&mut self.data);
        // A host-created memory or table adds no instance, so a store at
        // its instance limit can still make one.
        let instance_check = (instances > 0).then(|| {
            (
                "instances",
                self.inner.instances.len() + instances,
                l.instances(),
            )
        });
        let checks = [
            (
                "memories",
                self.inner.memories.len() + new_memories,
                l.memories(),
            ),
            ("tables", self.inner.tables.len() + new_tables, l.tables()),
        ];
        for (what, wanted, limit) in instance_check.into_iter().chain(checks) {
            if wanted > limit {
                return Err(Error::instantiation(alloc::format!(
                    "the store's resource limiter allows {limit} {what}; this needs {wanted}"
                )));
            }
        }
        Ok(())
    }

    /// Asks the limiter whether a new memory of type `ty` may be created.
    pub(crate) fn check_new_memory(&mut self, ty: &MemoryType) -> Result<(), Error> {
        let page = ty.page_size() as usize;
        let bytes = (ty.min as usize).saturating_mul(page);
        let max = ty.max.map(|p| (p as usize).saturating_mul(page));
        if !self.memory_growing(0, bytes, max)? {
            return Err(Error::instantiation(alloc::format!(
                "the store's resource limiter denied a memory of {bytes} bytes"
            )));
        }
        Ok(())
    }

    /// Asks the limiter whether a new table of type `ty` may be created.
    pub(crate) fn check_new_table(&mut self, ty: &TableType) -> Result<(), Error> {
        if !self.table_growing(0, ty.min, ty.max)? {
            return Err(Error::instantiation(alloc::format!(
                "the store's resource limiter denied a table of {} elements",
                ty.min
            )));
        }
        Ok(())
    }

    /// Checks the limiter before a memory or table is created by the host.
    pub(crate) fn check_host_memory(&mut self, ty: &MemoryType) -> Result<(), Error> {
        self.check_counts(0, 1, 0)?;
        self.check_new_memory(ty)
    }

    /// Checks the limiter before a table is created by the host.
    pub(crate) fn check_host_table(&mut self, ty: &TableType) -> Result<(), Error> {
        self.check_counts(0, 0, 1)?;
        self.check_new_table(ty)
    }

    /// Checks the limiter's counts and sizes before `module` is instantiated.
    pub(crate) fn check_instance_limits(&mut self, module: &crate::Module) -> Result<(), Error> {
        if self.limiter.is_none() {
            return Ok(());
        }
        let m = &module.inner;
        let new_memories = &m.memories[m.num_imported_memories as usize..];
        let new_tables = &m.tables[m.num_imported_tables as usize..];
        self.check_counts(1, new_memories.len(), new_tables.len())?;
        for ty in new_memories {
            self.check_new_memory(ty)?;
        }
        for ty in new_tables {
            self.check_new_table(ty)?;
        }
        Ok(())
    }

    /// Removes a deadline set with [`Store::set_deadline`].
    pub fn clear_deadline(&mut self) {
        self.inner.deadline = None;
    }

    fn require(&self, enabled: bool, what: &str, setting: &str) -> Result<(), Error> {
        if enabled {
            Ok(())
        } else {
            Err(Error::usage(alloc::format!(
                "{what} is not enabled for this engine: build it from a Config with `{setting}(true)`"
            )))
        }
    }
}

/// Stops a store's running wasm code from another thread. `Send + Sync`,
/// cheap to clone.
#[derive(Debug, Clone)]
pub struct InterruptHandle {
    flag: Arc<AtomicU32>,
}

impl InterruptHandle {
    /// Asks the code to stop at its next check point. The flag is cleared
    /// when the resulting trap is raised, so the store stays usable.
    pub fn interrupt(&self) {
        self.flag.store(1, Ordering::Relaxed);
    }
}

/// What wasmtime calls a store context: here simply a borrow of the
/// [`Store`], which [`AsContext::as_context`] returns.
pub type StoreContext<'a, T> = &'a Store<T>;

/// A mutable borrow of the [`Store`], which
/// [`AsContextMut::as_context_mut`] returns.
pub type StoreContextMut<'a, T> = &'a mut Store<T>;

/// Read access to a store: implemented by [`Store`], [`Caller`](crate::Caller)
/// and references to them, so API methods accept any of these.
pub trait AsContext {
    /// The host data type.
    type Data;
    /// The store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Write access to a store.
pub trait AsContextMut: AsContext {
    /// The store.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}

impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}

impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    fn as_context_mut(&mut self) -> &mut Store<S::Data> {
        (**self).as_context_mut()
    }
}
