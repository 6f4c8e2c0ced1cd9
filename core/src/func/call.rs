//! The backend-neutral call path: how the embedder's calls (`Func::call`,
//! `TypedFunc::call`, start functions) enter wasm, and how a host function
//! is entered through the VM ABI's array call.
//!
//! Every call goes through the callee's `VmFuncRef::array_call`, whatever
//! compiled it: the interpreter's entry (`interp::exec::array_call`), a
//! backend's compiled entry, or [`host_array_call`]. This module owns what
//! is the same for all of them: the [`StoreHooks`] the entries reach the
//! store through, the chain of active entries, the native stack limit, and
//! turning a `VM_UNWIND` back into the `Error` (a trap with its backtrace,
//! or a host error) the embedder sees. It knows nothing of how any backend
//! runs code.
use crate::error::Error;
use crate::store::{StoreInner, StoreVm};
use crate::vm::context::{
    VmContext, VmEntry, VmFuncRef, VmStoreContext, ENTRY_EMBEDDER, VM_OK, VM_UNWIND,
};
use crate::vm::trap::TrapCode;
use core::ptr::{self, NonNull};

/// How the call path and the entries reach the typed store: its untyped
/// part and host functions. Implemented by `Store<T>`.
pub(crate) trait StoreHooks {
    fn inner(&mut self) -> &mut StoreInner;
    /// Calls host function `host`; params in `slots[..np]`, results to
    /// `slots[..nr]`.
    fn call_host(&mut self, host: u32, caller: Option<u32>, slots: &mut [u64])
        -> Result<(), Error>;
    /// Asks the store's resource limiter whether memory `index` (a store
    /// index) may grow by `delta` pages. `Err` stops the run (the limiter
    /// panicked: the panic travels out as an error and is resumed where
    /// the embedder called in).
    fn memory_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error>;
    /// Asks the store's resource limiter whether table `index` may grow.
    fn table_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error>;
}

/// The address of a local: how deep the host stack is here, for the
/// native stack limit. Never inlined, so it measures a real frame.
#[inline(never)]
pub(crate) fn approx_sp() -> usize {
    let marker = 0u8;
    core::hint::black_box(&marker) as *const u8 as usize
}

/// Calls store function `func` with `slots` holding the params on entry and
/// the results on return (`slots.len() >= max(params, results)`).
///
/// This is where the embedder's calls enter wasm, so it is also where a
/// host panic caught during the run (see `Error::take_panic`) resumes
/// unwinding on the host side: the store is consistent again by then.
pub(crate) fn call(hooks: &mut dyn StoreHooks, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    let result = call_inner(hooks, func, slots);
    #[cfg(feature = "std")]
    if let Err(e) = &result {
        if let Some(payload) = e.take_panic() {
            std::panic::resume_unwind(payload);
        }
    }
    result
}

/// Restores the entry chain and the hooks when a call ends, also if it
/// unwinds (a no-std target whose host function panicked).
struct EntryGuard {
    vm: *mut StoreVm,
    prev_entry: *mut VmEntry,
    prev_hooks: Option<NonNull<dyn StoreHooks>>,
}

impl Drop for EntryGuard {
    fn drop(&mut self) {
        // SAFETY: `vm` is the store's pinned execution context, alive as
        // long as the store, which the entry borrows.
        unsafe {
            (*self.vm).abi.entry = self.prev_entry;
            (*self.vm).hooks = self.prev_hooks;
            #[cfg(miri)]
            {
                (*self.vm).depth -= 1;
            }
        }
    }
}

/// Erases the lifetime of the hooks pointer to keep it in the store.
fn erase<'a>(hooks: *mut (dyn StoreHooks + 'a)) -> NonNull<dyn StoreHooks> {
    // SAFETY: the pointer is only stored for the duration of the entry that
    // holds the `'a` borrow (`EntryGuard` restores the previous value before
    // the borrow ends), so it is never used after `'a`. The transmute only
    // changes the trait object's lifetime bound.
    let p: *mut (dyn StoreHooks + 'static) = unsafe { core::mem::transmute(hooks) };
    // SAFETY: derived from a reference, so non-null.
    unsafe { NonNull::new_unchecked(p) }
}

fn call_inner(hooks: &mut dyn StoreHooks, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    // Everything below reaches the store through this one raw pointer, so
    // that the entries' own uses of it (through `StoreVm::hooks`) never
    // invalidate it.
    let hooks: *mut (dyn StoreHooks + '_) = hooks;
    // SAFETY: `hooks` is the caller's exclusive borrow; the `&mut` ends
    // with the statement.
    let (fr, vm) = unsafe {
        let inner = (*hooks).inner();
        (inner.func_refs[func as usize], inner.vm.ptr())
    };
    let rc = with_entry(hooks, || {
        // SAFETY: `fr` is a live function reference of this store (store
        // indices in handles are checked by the callers); `slots` is sized
        // by the caller for `max(params, results)` slots.
        unsafe { ((*fr).array_call)(fr, ptr::null_mut(), slots.as_mut_ptr(), slots.len()) }
    })?;
    finish(vm, rc)
}

/// Runs `f` as an embedder entry into the store behind `hooks`: links an
/// entry into the chain, makes `hooks` what array calls reach the store
/// through, and checks the native stack limit (the outermost entry sets
/// it). Everything is restored when `f` returns or unwinds.
pub(crate) fn with_entry<'h, R>(
    hooks: *mut (dyn StoreHooks + 'h),
    f: impl FnOnce() -> R,
) -> Result<R, Error> {
    // SAFETY: `hooks` is an exclusive borrow the caller holds for the whole
    // call; the `&mut` ends with the statement.
    let vm = unsafe { (*hooks).inner().vm.ptr() };
    let sp = approx_sp();
    // SAFETY: `vm` is the store's pinned context; plain field accesses.
    let prev_entry = unsafe { (*vm).abi.entry };
    // SAFETY: `vm` is live (see above), `abi` its first field.
    let exhausted = !prev_entry.is_null() && unsafe { native_stack_exhausted(vm.cast()) };
    if prev_entry.is_null() {
        // The outermost entry: wasm may use this much host stack below it,
        // and no activation holds value-stack slots (one that unwound
        // without returning cannot have left `stack_top` raised).
        // SAFETY: as above.
        unsafe {
            (*vm).abi.stack_limit = sp.saturating_sub((*vm).max_native_stack);
            (*hooks).inner().stack_top = 0;
        }
    } else if exhausted {
        // A host function re-entering wasm too deep: each re-entry takes
        // host stack.
        return Err(TrapCode::StackOverflow.into());
    }
    let mut entry = VmEntry {
        prev: prev_entry,
        kind: ENTRY_EMBEDDER,
        entry_sp: 0,
        entry_fp: 0,
        resume_pc: 0,
    };
    let guard = EntryGuard {
        vm,
        prev_entry,
        // SAFETY: as above.
        prev_hooks: unsafe { (*vm).hooks },
    };
    // SAFETY: as above; `entry` outlives `f`, and the guard unlinks it on
    // every way out.
    unsafe {
        (*vm).hooks = Some(erase(hooks));
        (*vm).abi.entry = &mut entry;
        (*vm).abi.poll_countdown = 1;
        #[cfg(miri)]
        {
            (*vm).depth += 1;
        }
    }
    let r = f();
    drop(guard);
    Ok(r)
}

/// Whether the host stack has reached the store's native stack limit.
///
/// Miri gives locals no stack-ordered addresses, so there the limit is a
/// count of nested entries instead (`StoreVm::depth`).
///
/// # Safety
/// `store` is a live store context.
#[inline]
pub(crate) unsafe fn native_stack_exhausted(store: *mut VmStoreContext) -> bool {
    #[cfg(miri)]
    {
        // SAFETY: the caller's promise; see `unwind` for the cast.
        unsafe { (*store.cast::<StoreVm>()).depth >= 64 }
    }
    #[cfg(not(miri))]
    {
        // SAFETY: the caller's promise.
        approx_sp() < unsafe { (*store).stack_limit }
    }
}

/// Turns an array call's status into a `Result`, taking the pending unwind.
pub(crate) fn finish(vm: *mut StoreVm, rc: u32) -> Result<(), Error> {
    if rc == VM_OK {
        return Ok(());
    }
    // SAFETY: `vm` is the store's pinned context.
    let pending = unsafe { (*vm).pending.take() };
    Err(pending.unwrap_or_else(|| Error::msg("wasmbed: a call unwound without saying why (a bug)")))
}

/// Records `e` as the reason of an unwind and returns [`VM_UNWIND`].
///
/// # Safety
/// `store` is a live store context (one inside a `StoreVm`).
pub(crate) unsafe fn unwind(store: *mut VmStoreContext, e: Error) -> u32 {
    // SAFETY: `abi` is the first field of the `#[repr(C)]` `StoreVm`, so
    // the pointers coincide (the caller's promise).
    unsafe { (*store.cast::<StoreVm>()).pending = Some(e) };
    VM_UNWIND
}

/// The store's hooks as the entry that is running set them.
///
/// # Safety
/// `store` is a live store context, and an embedder entry is active (every
/// array call runs inside one).
pub(crate) unsafe fn hooks_of(store: *mut VmStoreContext) -> *mut dyn StoreHooks {
    // SAFETY: the caller's promise; see `unwind` for the cast.
    match unsafe { (*store.cast::<StoreVm>()).hooks } {
        Some(h) => h.as_ptr(),
        None => unreachable!("an array call outside an embedder entry"),
    }
}

/// The array-call entry of host functions (`FuncKind::Host`/`HostAsync`).
///
/// # Safety
/// The array-call contract: `callee` is a live host function reference,
/// `caller` null or a live instance context of the same store, `slots`
/// valid for `len` slots, and an embedder entry of that store is active.
pub(crate) unsafe extern "C-unwind" fn host_array_call(
    callee: *const VmFuncRef,
    caller: *mut VmContext,
    slots: *mut u64,
    len: usize,
) -> u32 {
    // SAFETY: the contract; host references' `vmctx` is the store's host
    // context, whose `store` is set.
    unsafe {
        let store = (*(*callee).vmctx).store;
        let hooks = hooks_of(store);
        let caller = if caller.is_null() {
            None
        } else {
            Some((*caller).instance)
        };
        let slots = core::slice::from_raw_parts_mut(slots, len);
        match (*hooks).call_host((*callee).index, caller, slots) {
            Ok(()) => VM_OK,
            Err(e) => unwind(store, e),
        }
    }
}
