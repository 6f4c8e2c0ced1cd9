//! Functions as the embedder sees them: [`Func`] (a store handle to a wasm
//! or host function), [`Caller`] (what a host function gets), and the call
//! path that turns [`Val`]s into slots and back. Typed calls live in
//! `typed`, closure wrapping in `wrap`.
mod async_;
pub(crate) mod call;
mod typed;
mod wrap;

pub(crate) use async_::async_host_func;

pub use typed::{TypedFunc, WasmParams, WasmResults, WasmTy};
pub use wrap::{IntoFunc, WasmRet};

use crate::error::Error;
use crate::extern_::Extern;
use crate::store::{AsContext, AsContextMut, FuncEntity, Store, StoreId, StoreInner};
use crate::types::{FuncType, ValType};
use crate::value::Val;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use call::StoreHooks;

/// The erased body of a host function: params in `slots[..np]`, results
/// written to `slots[..nr]`.
pub(crate) type HostFn<T> =
    dyn Fn(Caller<'_, T>, &mut [u64]) -> Result<(), Error> + Send + Sync + 'static;

/// A host function before it is placed in a store. Opaque.
pub struct HostFunc<T> {
    pub(crate) ty: FuncType,
    pub(crate) call: Box<HostFn<T>>,
    /// The async body, for functions defined with `func_wrap_async` (whose
    /// `call` is then the usage error of a sync call).
    pub(crate) call_async: Option<Box<async_::AsyncHostFn<T>>>,
}

/// A function in a store: defined by a module or by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// The context a host function runs in: the store (and its data) and the
/// instance that called it.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    /// The store's host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The store's host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// An export of the calling instance (how WASI finds `memory`).
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let inst = self.instance?;
        crate::instance::export_of(&self.store.inner, inst, name)
    }

    /// The engine.
    pub fn engine(&self) -> &crate::Engine {
        self.store.engine()
    }

    /// The fuel left ([`Store::get_fuel`]).
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.store.get_fuel()
    }

    /// Sets the fuel left ([`Store::set_fuel`]): the running guest
    /// continues with it when this host function returns.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.store.set_fuel(fuel)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

impl<T> StoreHooks for Store<T> {
    fn inner(&mut self) -> &mut StoreInner {
        &mut self.inner
    }

    fn call_host(
        &mut self,
        host: u32,
        caller: Option<u32>,
        slots: &mut [u64],
    ) -> Result<(), Error> {
        let f = self.host_funcs[host as usize].clone();
        let caller = Caller {
            store: self,
            instance: caller,
        };
        catch_host_panic(|| (f.call)(caller, slots))?
    }

    fn memory_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error> {
        catch_host_panic(|| self.memory_may_grow_by(index, delta))?
    }

    fn table_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error> {
        catch_host_panic(|| self.table_may_grow_by(index, delta))?
    }
}

/// Runs host code called from the executor. With `std`, a panic is caught
/// here and returned as an error that `call::call` turns back into a
/// panic once the store is consistent: unwinding through interpreter frames
/// would skip the bookkeeping that keeps the store usable. Without `std`
/// there is nothing to catch with (and bare-metal panics abort).
#[inline]
fn catch_host_panic<R>(f: impl FnOnce() -> R) -> Result<R, Error> {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(Error::from_panic)
    }
    #[cfg(not(feature = "std"))]
    {
        Ok(f())
    }
}

impl<T> Store<T> {
    /// Asks the limiter whether memory `index` (a store index) may grow by
    /// `delta` pages.
    pub(crate) fn memory_may_grow_by(&mut self, index: u32, delta: u32) -> Result<bool, Error> {
        let m = self.inner.memories[index as usize].get();
        let current = m.vm.length;
        let page = m.ty.page_size() as usize;
        let desired = current.saturating_add((delta as usize).saturating_mul(page));
        let max = m.ty.max.map(|p| (p as usize).saturating_mul(page));
        self.memory_growing(current, desired, max)
    }

    /// Asks the limiter whether table `index` may grow by `delta`.
    pub(crate) fn table_may_grow_by(&mut self, index: u32, delta: u32) -> Result<bool, Error> {
        let t = self.inner.tables[index as usize].get();
        let current = t.elements.len() as u32;
        let max = t.ty.max;
        self.table_growing(current, current.saturating_add(delta), max)
    }
}

impl Func {
    pub(crate) fn from_raw(store: StoreId, index: u32) -> Func {
        Func { store, index }
    }

    /// A host function of dynamic type: `f` gets the params as `Val`s and
    /// fills `results` (pre-filled with zero values of the result types).
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Func {
        let store = store.as_context_mut();
        let host = dynamic_host_func(ty, f);
        store.alloc_host_func(Arc::new(host))
    }

    /// A host function from a closure with typed parameters and results,
    /// optionally taking a [`Caller`] first.
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let store = store.as_context_mut();
        let host = f.into_host_func(store.engine());
        store.alloc_host_func(Arc::new(host))
    }

    /// The function's signature.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let store = store.as_context();
        store.inner.check_id(self.store);
        let id = store.inner.funcs[self.index as usize].type_id();
        store.inner.func_type(id)
    }

    /// Calls the function, checking `params` against its type and writing
    /// `results` (whose length must match).
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut();
        let (ty, mut slots) = self.prepare_call(store, params, results)?;
        call::call(store, self.index, &mut slots)?;
        Func::read_results(store, &ty, &slots, results);
        Ok(())
    }

    /// Checks an untyped call's arguments and result count against the
    /// function's type; returns the type and the slots holding the params.
    fn prepare_call<T>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &[Val],
    ) -> Result<(FuncType, Vec<u64>), Error> {
        store.inner.owns(self.store, "function")?;
        let ty = self.ty(&*store);
        if params.len() != ty.params().len() {
            return Err(Error::usage(alloc::format!(
                "function {ty} expects {} arguments, got {}",
                ty.params().len(),
                params.len()
            )));
        }
        for (i, (p, t)) in params.iter().zip(ty.params()).enumerate() {
            if p.ty() != *t {
                return Err(Error::usage(alloc::format!(
                    "argument {i} of {ty} must be {t}, got {}",
                    p.ty()
                )));
            }
            if !p.belongs_to(store.inner.id) {
                return Err(Error::usage(
                    "a reference argument belongs to another store",
                ));
            }
        }
        if results.len() != ty.results().len() {
            return Err(Error::usage(alloc::format!(
                "function {ty} returns {} results, {} slots given",
                ty.results().len(),
                results.len()
            )));
        }
        let n = ValType::slots_of(ty.params()).max(ValType::slots_of(ty.results()));
        let mut slots: Vec<u64> = vec![0; n];
        let mut at = 0;
        for p in params {
            at += p.to_slots(&mut slots[at..]);
        }
        Ok((ty, slots))
    }

    /// Reads an untyped call's results out of its slots.
    fn read_results<T>(store: &Store<T>, ty: &FuncType, slots: &[u64], results: &mut [Val]) {
        let id = store.inner.id;
        let mut at = 0;
        for (r, t) in results.iter_mut().zip(ty.results()) {
            *r = Val::from_slots(&slots[at..], *t, id);
            at += t.slots();
        }
    }

    /// A statically typed view, checked once here.
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>, Error> {
        store.as_context().inner.owns(self.store, "function")?;
        let ty = self.ty(&store);
        if !P::matches(ty.params()) || !R::matches(ty.results()) {
            return Err(Error::usage(alloc::format!(
                "function type {ty} does not match the requested typed signature"
            )));
        }
        Ok(TypedFunc::new(*self))
    }
}

impl<T> Store<T> {
    pub(crate) fn alloc_host_func(&mut self, f: Arc<HostFunc<T>>) -> Func {
        let type_id = self.inner.engine.intern_type(&f.ty);
        self.alloc_host_func_typed(f, type_id)
    }

    /// [`alloc_host_func`](Self::alloc_host_func) with the signature
    /// already interned in this store's engine (by a `Linker` of the same
    /// engine), so instantiating takes no registry lock.
    pub(crate) fn alloc_host_func_typed(&mut self, f: Arc<HostFunc<T>>, type_id: u32) -> Func {
        let types = &mut self.inner.func_types;
        if let Err(at) = types.binary_search_by_key(&type_id, |(id, _)| *id) {
            types.insert(at, (type_id, f.ty.clone()));
        }
        let slots = ValType::slots_of(f.ty.params()).max(ValType::slots_of(f.ty.results())) as u32;
        let is_async = f.call_async.is_some();
        self.host_funcs.push(f);
        let index = self.inner.push_host_func(FuncEntity::Host {
            host: self.host_funcs.len() as u32 - 1,
            type_id,
            slots,
            is_async,
        });
        Func::from_raw(self.inner.id, index)
    }
}

pub(crate) fn dynamic_host_func<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
) -> HostFunc<T> {
    let ty2 = ty.clone();
    HostFunc {
        ty,
        call: Box::new(move |caller: Caller<'_, T>, slots: &mut [u64]| {
            let id = caller.store.inner.id;
            let mut at = 0;
            let params: Vec<Val> = ty2
                .params()
                .iter()
                .map(|t| {
                    let v = Val::from_slots(&slots[at..], *t, id);
                    at += t.slots();
                    v
                })
                .collect();
            let mut results: Vec<Val> = ty2
                .results()
                .iter()
                .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
                .collect();
            f(caller, &params, &mut results)?;
            let mut at = 0;
            for (r, t) in results.iter().zip(ty2.results()) {
                if r.ty() != *t {
                    return Err(Error::usage(alloc::format!(
                        "host function returned {} where its type {ty2} says {t}",
                        r.ty()
                    )));
                }
                if !r.belongs_to(id) {
                    return Err(Error::usage(alloc::format!(
                        "host function of type {ty2} returned a reference of another store: \
                         references cannot move between stores"
                    )));
                }
                at += r.to_slots(&mut slots[at..]);
            }
            Ok(())
        }),
        call_async: None,
    }
}
