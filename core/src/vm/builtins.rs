//! The runtime operations compiled code calls out for ([`BUILTINS`], the
//! table every `VmStoreContext` points to), and the bodies behind them,
//! which the interpreter calls directly: one implementation per semantic,
//! whichever backend runs the code.
//!
//! A body reaches the store through the hooks of the running entry
//! (`func::call`); it must not keep any reference into the store across a
//! hook call, as the limiter may use the whole store.
use crate::error::Error;
use crate::func::call::{hooks_of, unwind, StoreHooks};
use crate::store::{EpochDeadline, InstanceEntity, StoreInner};
use crate::vm::context::{VmBuiltins, VmContext, VM_GROW_UNWIND};
use crate::vm::trap::{FrameInfo, Trap, TrapCode};
use core::sync::atomic::Ordering;

/// The builtins table.
pub static BUILTINS: VmBuiltins = VmBuiltins {
    memory_grow: builtin_memory_grow,
    table_grow: builtin_table_grow,
    poll: builtin_poll,
    trap: builtin_trap,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
    trap_at: builtin_trap_at,
    frame: builtin_frame,
    fault: builtin_fault,
};

/// `memory.grow` of instance `instance`'s memory 0 by `delta` pages: the
/// old size, or `u32::MAX` when the limiter or the memory says no. `Err`:
/// the limiter failed, and the run stops with that error.
///
/// # Safety
/// `hooks` is the running entry's store, `instance` one of its instances
/// with a memory; no reference into the store is live.
pub(crate) unsafe fn memory_grow<'a>(
    hooks: *mut (dyn StoreHooks + 'a),
    instance: u32,
    delta: u32,
) -> Result<u32, Error> {
    // SAFETY: the caller's promise; each borrow ends with its statement.
    let m = unsafe { (*hooks).inner().instances[instance as usize].get().memories[0] };
    // SAFETY: as above: the limiter may use the whole store.
    let allowed = delta == 0 || unsafe { (*hooks).memory_may_grow(m, delta)? };
    if !allowed {
        return Ok(u32::MAX);
    }
    // SAFETY: the memory's cell is mutated through its own pointer; running
    // code reads memories only through `VmMemory` copies taken afterwards.
    let res = unsafe { (*(*hooks).inner().memories[m as usize].ptr()).grow(delta) };
    Ok(res.unwrap_or(u32::MAX))
}

/// `table.grow` of instance `instance`'s table `t`, as [`memory_grow`].
///
/// # Safety
/// As [`memory_grow`]; `t` is a table index of the instance's module.
pub(crate) unsafe fn table_grow<'a>(
    hooks: *mut (dyn StoreHooks + 'a),
    instance: u32,
    t: u32,
    delta: u32,
    init: u64,
) -> Result<u32, Error> {
    // SAFETY: the caller's promise; each borrow ends with its statement.
    let ti = unsafe { (*hooks).inner().instances[instance as usize].get().tables[t as usize] };
    // SAFETY: as in `memory_grow`.
    let allowed = delta == 0 || unsafe { (*hooks).table_may_grow(ti, delta)? };
    if !allowed {
        return Ok(u32::MAX);
    }
    // SAFETY: the table's cell is mutated through its own pointer; running
    // code reads tables only through copies of `VmTable` taken afterwards.
    let res = unsafe { (*(*hooks).inner().tables[ti as usize].ptr()).grow(delta, init) };
    Ok(res.unwrap_or(u32::MAX))
}

/// What a poll found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Polled {
    Go,
    /// Interrupted, or a deadline passed: trap.
    Stop,
    /// An epoch deadline passed in an async run that yields on it.
    Yield,
}

/// The cold half of an interruption check: the interrupt flag (cleared
/// when seen), the epoch deadline and the clock deadline, as the store has
/// them now (host code may have moved them since the run started).
pub(crate) fn poll(inner: &StoreInner, async_mode: bool) -> Polled {
    if inner.interrupt.swap(0, Ordering::Relaxed) != 0 {
        return Polled::Stop;
    }
    if let Some(deadline) = inner.epoch_deadline {
        let now = inner.engine.current_epoch();
        if EpochDeadline::reached(deadline, now) {
            return if async_mode && inner.epoch_yield_delta.is_some() {
                Polled::Yield
            } else {
                Polled::Stop
            };
        }
    }
    if let (Some(deadline), Some(clock)) = (inner.deadline, &inner.engine.config().clock) {
        if clock.monotonic_nanos() >= deadline {
            return Polled::Stop;
        }
    }
    Polled::Go
}

/// The instance's store hooks and index.
///
/// # Safety
/// `vmctx` is a live instance context whose store has an active entry.
unsafe fn entry_of(vmctx: *mut VmContext) -> (*mut dyn StoreHooks, u32) {
    // SAFETY: the caller's promise.
    unsafe { (hooks_of((*vmctx).store), (*vmctx).instance) }
}

/// [`VmBuiltins::memory_grow`].
unsafe extern "C-unwind" fn builtin_memory_grow(vmctx: *mut VmContext, delta: u32) -> u64 {
    // SAFETY: compiled code passes its own live context, inside an entry.
    unsafe {
        let (hooks, instance) = entry_of(vmctx);
        match memory_grow(hooks, instance, delta) {
            Ok(old) => old as u64,
            Err(e) => {
                unwind((*vmctx).store, e);
                VM_GROW_UNWIND
            }
        }
    }
}

/// [`VmBuiltins::table_grow`].
unsafe extern "C-unwind" fn builtin_table_grow(
    vmctx: *mut VmContext,
    table: u32,
    delta: u32,
    init: u64,
) -> u64 {
    // SAFETY: as in `builtin_memory_grow`.
    unsafe {
        let (hooks, instance) = entry_of(vmctx);
        match table_grow(hooks, instance, table, delta, init) {
            Ok(old) => old as u64,
            Err(e) => {
                unwind((*vmctx).store, e);
                VM_GROW_UNWIND
            }
        }
    }
}

/// [`VmBuiltins::poll`]: compiled code never runs async, so it never
/// yields.
unsafe extern "C-unwind" fn builtin_poll(vmctx: *mut VmContext) -> u32 {
    // SAFETY: as in `builtin_memory_grow`; the borrow ends with the poll.
    let polled = unsafe {
        let (hooks, _) = entry_of(vmctx);
        poll((*hooks).inner(), false)
    };
    match polled {
        Polled::Go => 0,
        Polled::Stop | Polled::Yield => TrapCode::Interrupt as u32,
    }
}

/// [`VmBuiltins::trap`]: records trap `code` as the pending unwind; the
/// caller then unwinds to its entry and returns `VM_UNWIND`.
unsafe extern "C-unwind" fn builtin_trap(vmctx: *mut VmContext, code: u32) {
    let code = TrapCode::from_u8(code as u8).unwrap_or(TrapCode::Unreachable);
    // SAFETY: as in `builtin_memory_grow`.
    unsafe { unwind((*vmctx).store, Trap::new(code).into()) };
}

/// The backtrace entry of module byte `offset` in function `func_index`
/// of the instance whose context `vmctx` is.
///
/// # Safety
/// `vmctx` is the `vmctx` field of a live instance cell.
unsafe fn frame_of(vmctx: *mut VmContext, func_index: u32, offset: u32) -> FrameInfo {
    // SAFETY: the caller's promise; the module outlives the call.
    let module = unsafe { &(*instance_of(vmctx)).module.inner };
    FrameInfo {
        func_index,
        func_name: module
            .func_name(func_index)
            .map(alloc::string::String::from),
        offset,
    }
}

/// [`VmBuiltins::trap_at`].
unsafe extern "C-unwind" fn builtin_trap_at(
    vmctx: *mut VmContext,
    code: u32,
    func_index: u32,
    offset: u32,
) {
    let code = TrapCode::from_u8(code as u8).unwrap_or(TrapCode::Unreachable);
    let mut trap = Trap::new(code);
    // SAFETY: compiled code passes its own live context, inside an entry.
    unsafe {
        trap.extend_backtrace([frame_of(vmctx, func_index, offset)]);
        unwind((*vmctx).store, trap.into());
    }
}

/// [`VmBuiltins::frame`]: only traps get backtraces; a host function's
/// error passes through as the host returned it.
unsafe extern "C-unwind" fn builtin_frame(vmctx: *mut VmContext, func_index: u32, offset: u32) {
    // SAFETY: compiled code passes its own live context, inside an entry;
    // the pending error is the store's, borrowed for the statement.
    unsafe {
        let frame = frame_of(vmctx, func_index, offset);
        let vm = (*vmctx).store.cast::<crate::store::StoreVm>();
        if let Some(t) = (*vm).pending.as_mut().and_then(|e| e.bare_trap_mut()) {
            t.extend_backtrace([frame]);
        }
    }
}

/// [`VmBuiltins::fault`].
unsafe extern "C-unwind" fn builtin_fault(vmctx: *mut VmContext, code: u32, pc: usize) {
    let code = TrapCode::from_u8(code as u8).unwrap_or(TrapCode::MemoryOutOfBounds);
    let mut trap = Trap::new(code);
    // SAFETY: the fault stub passes the faulting function's live context,
    // inside an entry; the module outlives the call.
    unsafe {
        if let Some((def, offset)) = crate::vm::code::frame_at(pc) {
            let module = &(*instance_of(vmctx)).module.inner;
            let imported = module.num_imported_funcs;
            trap.extend_backtrace([frame_of(vmctx, imported + def, offset)]);
        }
        unwind((*vmctx).store, trap.into());
    }
}

/// The instance whose context `vmctx` is.
///
/// # Safety
/// `vmctx` is the `vmctx` field of a live instance cell.
#[inline(always)]
unsafe fn instance_of(vmctx: *mut VmContext) -> *mut InstanceEntity {
    // SAFETY: the caller's promise: stepping back by the field's offset
    // stays inside the instance's allocation.
    unsafe {
        vmctx
            .cast::<u8>()
            .sub(core::mem::offset_of!(InstanceEntity, vmctx))
            .cast::<InstanceEntity>()
    }
}

/// Memory 0's base and length, read by value (no reference into the cell).
///
/// # Safety
/// `vmctx` is a live instance context whose module has a memory.
#[inline(always)]
unsafe fn memory0(vmctx: *mut VmContext) -> (*mut u8, usize) {
    // SAFETY: the caller's promise.
    unsafe { ((*(*vmctx).memory).base, (*(*vmctx).memory).length) }
}

/// `memory.fill` of memory 0: `n` bytes of `v` at `d`.
///
/// # Safety
/// `vmctx` is a live instance context whose module has a memory.
#[inline]
pub(crate) unsafe extern "C-unwind" fn memory_fill(
    vmctx: *mut VmContext,
    d: u32,
    v: u32,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise.
    let (mem, len) = unsafe { memory0(vmctx) };
    if d as u64 + n as u64 > len as u64 {
        return TrapCode::MemoryOutOfBounds as u32;
    }
    // SAFETY: `d + n <= len`, checked above: the bytes are in memory 0.
    unsafe { core::ptr::write_bytes(mem.add(d as usize), v as u8, n as usize) };
    0
}

/// `memory.copy` within memory 0 (ranges may overlap).
///
/// # Safety
/// As [`memory_fill`].
#[inline]
pub(crate) unsafe extern "C-unwind" fn memory_copy(
    vmctx: *mut VmContext,
    d: u32,
    s: u32,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise.
    let (mem, len) = unsafe { memory0(vmctx) };
    if d as u64 + n as u64 > len as u64 || s as u64 + n as u64 > len as u64 {
        return TrapCode::MemoryOutOfBounds as u32;
    }
    // SAFETY: both ranges end at or below `len`, checked above; `copy`
    // allows them to overlap, as `memory.copy` does.
    unsafe { core::ptr::copy(mem.add(s as usize), mem.add(d as usize), n as usize) };
    0
}

/// `memory.init` of memory 0 from data segment `seg`.
///
/// # Safety
/// As [`memory_fill`]; `seg` is a data segment index of the module.
pub(crate) unsafe extern "C-unwind" fn memory_init(
    vmctx: *mut VmContext,
    seg: u32,
    d: u32,
    s: u32,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise; the shared borrow of the instance lasts
    // until the copy below, which touches only linear memory (a data
    // segment is module bytes, never linear memory).
    unsafe {
        let (mem, len) = memory0(vmctx);
        let inst = &*instance_of(vmctx);
        let bytes: &[u8] = if inst.data_dropped[seg as usize] {
            &[]
        } else {
            &inst.module.inner.datas[seg as usize].bytes
        };
        if d as u64 + n as u64 > len as u64 || s as u64 + n as u64 > bytes.len() as u64 {
            return TrapCode::MemoryOutOfBounds as u32;
        }
        core::ptr::copy_nonoverlapping(
            bytes.as_ptr().add(s as usize),
            mem.add(d as usize),
            n as usize,
        );
    }
    0
}

/// `data.drop`.
///
/// # Safety
/// `vmctx` is a live instance context, no reference into its instance is
/// live, and `seg` is a data segment index of the module.
pub(crate) unsafe extern "C-unwind" fn data_drop(vmctx: *mut VmContext, seg: u32) {
    // SAFETY: the caller's promise: a write through the cell's own pointer.
    unsafe { (&mut (*instance_of(vmctx)).data_dropped)[seg as usize] = true };
}

/// Table `t`'s element pointer and length, read by value.
///
/// # Safety
/// `vmctx` is a live instance context and `t` a table index of its module.
#[inline(always)]
unsafe fn table_of(vmctx: *mut VmContext, t: u32) -> (*mut u64, u32) {
    // SAFETY: the caller's promise.
    unsafe {
        // Through the instance's own list, as the interpreter reads it.
        let vm = (&(*instance_of(vmctx)).table_ptrs)[t as usize];
        ((*vm).base, (*vm).length)
    }
}

/// `table.fill` of table `t`.
///
/// # Safety
/// As [`table_of`].
pub(crate) unsafe extern "C-unwind" fn table_fill(
    vmctx: *mut VmContext,
    t: u32,
    d: u32,
    v: u64,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise.
    let (base, length) = unsafe { table_of(vmctx, t) };
    if d as u64 + n as u64 > length as u64 {
        return TrapCode::TableOutOfBounds as u32;
    }
    // SAFETY: `d + n <= length`, checked above; only raw pointers are used.
    unsafe { core::slice::from_raw_parts_mut(base.add(d as usize), n as usize).fill(v) };
    0
}

/// `table.copy` from table `st` to table `dt` (possibly the same table).
///
/// # Safety
/// As [`table_of`], for both tables.
pub(crate) unsafe extern "C-unwind" fn table_copy(
    vmctx: *mut VmContext,
    dt: u32,
    st: u32,
    d: u32,
    s: u32,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise.
    let ((dbase, dlen), (sbase, slen)) = unsafe { (table_of(vmctx, dt), table_of(vmctx, st)) };
    if d as u64 + n as u64 > dlen as u64 || s as u64 + n as u64 > slen as u64 {
        return TrapCode::TableOutOfBounds as u32;
    }
    // SAFETY: both ranges are in bounds, checked above; `copy` allows the
    // overlap of a copy within one table.
    unsafe { core::ptr::copy(sbase.add(s as usize), dbase.add(d as usize), n as usize) };
    0
}

/// `table.init` of table `t` from element segment `seg`.
///
/// # Safety
/// As [`table_of`]; `seg` is an element segment index of the module.
pub(crate) unsafe extern "C-unwind" fn table_init(
    vmctx: *mut VmContext,
    t: u32,
    seg: u32,
    d: u32,
    s: u32,
    n: u32,
) -> u32 {
    // SAFETY: the caller's promise; the shared borrow of the segment lasts
    // until the copy, which writes only the table's elements (a segment is
    // its own allocation).
    unsafe {
        let (base, length) = table_of(vmctx, t);
        let items: &[u64] = &(&(*instance_of(vmctx)).elems)[seg as usize];
        if d as u64 + n as u64 > length as u64 || s as u64 + n as u64 > items.len() as u64 {
            return TrapCode::TableOutOfBounds as u32;
        }
        core::ptr::copy_nonoverlapping(
            items.as_ptr().add(s as usize),
            base.add(d as usize),
            n as usize,
        );
    }
    0
}

/// `elem.drop`.
///
/// # Safety
/// As [`data_drop`], for an element segment.
pub(crate) unsafe extern "C-unwind" fn elem_drop(vmctx: *mut VmContext, seg: u32) {
    // SAFETY: the caller's promise: a write through the cell's own pointer
    // (tables hold copies of the segment's references, never pointers into
    // it).
    unsafe { (&mut (*instance_of(vmctx)).elems)[seg as usize] = Default::default() };
}
