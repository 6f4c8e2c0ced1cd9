//! Async host functions and async calls: [`Func::wrap_async`],
//! [`Func::call_async`], [`TypedFunc::call_async`] (and
//! `Linker::func_wrap_async`). The executor suspends an async run where it
//! calls an async host function (`exec::start_async`/`resume_async`); this
//! module awaits the host function's future between the two with the store
//! lent to it, so no executor or thread is needed. Core futures only:
//! any executor (or a hand-written `block_on`) can drive these calls.
//!
//! An async run also suspends at yield points, so a long guest shares its
//! thread with other tasks: every `Store::fuel_async_yield_interval` units
//! of fuel, and at an epoch deadline under
//! `Store::epoch_deadline_async_yield_and_update`. The future then returns
//! `Pending` once, having woken its task.
use super::typed::{StoreToken, WasmParams, WasmResults};
use super::{Caller, Func, HostFunc, TypedFunc};
use crate::error::Error;
use crate::interp::exec::{self, Step, Why};
use crate::store::{AsContextMut, EpochDeadline, FuncEntity, Store};
use crate::types::FuncType;
use crate::value::Val;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// The future of an erased async host function: the result slots.
pub(crate) type HostFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u64>, Error>> + Send + 'a>>;

/// The erased body of an async host function: takes the param slots
/// (at least as many as its results need) and returns the result slots.
pub(crate) type AsyncHostFn<T> =
    dyn for<'a> Fn(Caller<'a, T>, Vec<u64>) -> HostFuture<'a> + Send + Sync + 'static;

/// The message of a sync call that reaches an async host function.
const SYNC_CALL_OF_ASYNC: &str = "an async host function (defined with `func_wrap_async` or \
     `Func::wrap_async`) was reached by a synchronous call: call with `call_async` instead";

/// Builds a host function whose body is an async closure taking its params
/// as a tuple `P` and resolving to results `R`.
pub(crate) fn async_host_func<T, P, R, F>(f: F) -> HostFunc<T>
where
    T: Send + 'static,
    P: WasmResults,
    R: WasmResults,
    F: for<'a> Fn(Caller<'a, T>, P) -> Box<dyn Future<Output = Result<R, Error>> + Send + 'a>
        + Send
        + Sync
        + 'static,
{
    HostFunc {
        ty: FuncType::new(P::types(), R::types()),
        call: Box::new(|_caller: Caller<'_, T>, _slots: &mut [u64]| {
            Err(Error::usage(SYNC_CALL_OF_ASYNC))
        }),
        call_async: Some(Box::new(move |caller: Caller<'_, T>, args: Vec<u64>| {
            let token = StoreToken(caller.store.inner.id);
            let params = P::load(&args, token);
            let fut = Box::into_pin(f(caller, params));
            Box::pin(async move {
                let r = fut.await?;
                let mut out = vec![0u64; R::slots()];
                r.store(&mut out, token)?;
                Ok(out)
            })
        })),
    }
}

/// Starts async host function `host` of `store` with `args`.
fn host_future<T>(
    store: &mut Store<T>,
    host: u32,
    caller: Option<u32>,
    args: Vec<u64>,
) -> Result<HostFuture<'_>, Error> {
    let f = store.host_funcs[host as usize].clone();
    let call = f
        .call_async
        .as_ref()
        .ok_or_else(|| Error::msg("wasmbed: suspended at a sync host function"))?;
    Ok(call(
        Caller {
            store,
            instance: caller,
        },
        args,
    ))
}

/// Calls store function `func` asynchronously: `slots` holds the params on
/// entry and the results on return, as for `func::call::call`.
pub(crate) async fn call_func_async<T>(
    store: &mut Store<T>,
    func: u32,
    slots: &mut [u64],
) -> Result<(), Error> {
    let result = drive(store, func, slots).await;
    // As in `func::call::call`: a host panic caught during a run resumes
    // here, where the store is consistent again. (A panic while polling a
    // host future unwinds straight out of this future: no run is on the
    // host stack then, and the suspended one is simply dropped.)
    #[cfg(feature = "std")]
    if let Err(e) = &result {
        if let Some(payload) = e.take_panic() {
            std::panic::resume_unwind(payload);
        }
    }
    result
}

async fn drive<T>(store: &mut Store<T>, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    if let FuncEntity::Host {
        host,
        is_async: true,
        ..
    } = store.inner.funcs[func as usize]
    {
        let results = host_future(store, host, None, slots.to_vec())?.await?;
        let n = results.len().min(slots.len());
        slots[..n].copy_from_slice(&results[..n]);
        return Ok(());
    }
    let mut step = exec::start_async(store, func, slots);
    loop {
        match step {
            Step::Finished(result) => return result,
            Step::Suspended(s) => match s.why() {
                Why::Host => {
                    let args = s.args().to_vec();
                    // The store is lent to the host future until it
                    // completes; the suspended run holds no reference into
                    // it meanwhile.
                    let results =
                        host_future(store, s.host(), Some(s.caller_instance()), args)?.await?;
                    step = exec::resume_async(store, s, &results, slots);
                }
                why @ (Why::Fuel | Why::Epoch) => {
                    YieldNow(false).await;
                    if why == Why::Epoch {
                        // Measured from the epoch at resumption, as the
                        // executor may have run other tasks for a while.
                        if let Some(delta) = store.inner.epoch_yield_delta {
                            store.inner.epoch_deadline = Some(EpochDeadline {
                                start: store.inner.engine.current_epoch(),
                                ticks: usize::try_from(delta).unwrap_or(usize::MAX),
                            });
                        }
                    }
                    step = exec::resume_async(store, s, &[], slots);
                }
            },
        }
    }
}

/// Pending once (waking its task at once), then ready: hands the thread
/// back to the executor at a yield point.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Func {
    /// An async host function from a closure taking a [`Caller`] and its
    /// params as a tuple, returning a boxed future of its results. Only
    /// [`call_async`](Func::call_async) and
    /// [`TypedFunc::call_async`] may reach it; a sync call fails with a
    /// usage error.
    pub fn wrap_async<T, P, R, F>(mut store: impl AsContextMut<Data = T>, f: F) -> Func
    where
        T: Send + 'static,
        P: WasmResults,
        R: WasmResults,
        F: for<'a> Fn(Caller<'a, T>, P) -> Box<dyn Future<Output = Result<R, Error>> + Send + 'a>
            + Send
            + Sync
            + 'static,
    {
        let store = store.as_context_mut();
        store.alloc_host_func(Arc::new(async_host_func(f)))
    }

    /// [`call`](Func::call), run asynchronously: async host functions the
    /// call reaches are awaited, suspending the guest meanwhile.
    pub async fn call_async<T: Send>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut();
        let (ty, mut slots) = self.prepare_call(store, params, results)?;
        call_func_async(store, self.index, &mut slots).await?;
        Func::read_results(store, &ty, &slots, results);
        Ok(())
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// [`call`](TypedFunc::call), run asynchronously: async host functions
    /// the call reaches are awaited, suspending the guest meanwhile.
    pub async fn call_async<T: Send>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: P,
    ) -> Result<R, Error> {
        let store = store.as_context_mut();
        store.inner.owns(self.func().store, "function")?;
        let token = StoreToken(store.inner.id);
        let mut slots = vec![0u64; P::slots().max(R::slots())];
        params.store(&mut slots, token)?;
        call_func_async(store, self.func().index, &mut slots).await?;
        Ok(R::load(&slots, token))
    }
}
