//! Turning Rust closures into host functions: [`IntoFunc`] for closures of
//! up to twelve [`WasmTy`] parameters, with or without a leading
//! [`Caller`], returning a [`WasmRet`].
use super::typed::{StoreToken, WasmResults, WasmTy};
use super::{Caller, HostFunc};
use crate::engine::Engine;
use crate::error::Error;
use crate::types::{FuncType, ValType};
use alloc::boxed::Box;
use alloc::vec::Vec;

/// What a host closure may return: results, or `Result` of them.
pub trait WasmRet: Sized + 'static {
    /// The results type.
    #[doc(hidden)]
    type Results: WasmResults;
    /// The result types.
    #[doc(hidden)]
    fn types() -> Vec<ValType> {
        <Self::Results as WasmResults>::types()
    }
    /// Splits off an error.
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Results, Error>;
}

impl<R: WasmResults> WasmRet for R {
    type Results = R;
    fn into_result(self) -> Result<R, Error> {
        Ok(self)
    }
}

/// Any error that converts into [`Error`] (so `wasmbed::Result`, an
/// `io::Result`, or a result of your own error type).
impl<R: WasmResults, E: Into<Error> + 'static> WasmRet for Result<R, E> {
    type Results = R;
    fn into_result(self) -> Result<R, Error> {
        self.map_err(Into::into)
    }
}

/// Marks closures whose first parameter is a [`Caller`].
pub struct WithCaller<P>(P);

/// A closure usable as a host function with `Linker::func_wrap` or
/// `Func::wrap`.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self, engine: &Engine) -> HostFunc<T>;
}

macro_rules! into_func {
    ($($a:ident),*) => {
        impl<T, F, R, $($a,)*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            $($a: WasmTy,)*
            R: WasmRet,
        {
            #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
            fn into_host_func(self, _engine: &Engine) -> HostFunc<T> {
                HostFunc {
                    ty: FuncType::new([$($a::valtype()),*], R::types()),
                    call: Box::new(move |caller: Caller<'_, T>, slots: &mut [u64]| {
                        let token = StoreToken(caller.store.inner.id);
                        let mut i = 0;
                        $( let $a = $a::from_slots(&slots[i..], token); i += $a::SLOTS; )*
                        let r = (self)($($a),*).into_result()?;
                        r.store(slots, token)
                    }),
                    call_async: None,
                }
            }
        }

        impl<T, F, R, $($a,)*> IntoFunc<T, WithCaller<($($a,)*)>, R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            $($a: WasmTy,)*
            R: WasmRet,
        {
            #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
            fn into_host_func(self, _engine: &Engine) -> HostFunc<T> {
                HostFunc {
                    ty: FuncType::new([$($a::valtype()),*], R::types()),
                    call: Box::new(move |caller: Caller<'_, T>, slots: &mut [u64]| {
                        let token = StoreToken(caller.store.inner.id);
                        let mut i = 0;
                        $( let $a = $a::from_slots(&slots[i..], token); i += $a::SLOTS; )*
                        let r = (self)(caller, $($a),*).into_result()?;
                        r.store(slots, token)
                    }),
                    call_async: None,
                }
            }
        }
    };
}

into_func!();
into_func!(A1);
into_func!(A1, A2);
into_func!(A1, A2, A3);
into_func!(A1, A2, A3, A4);
into_func!(A1, A2, A3, A4, A5);
into_func!(A1, A2, A3, A4, A5, A6);
into_func!(A1, A2, A3, A4, A5, A6, A7);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8, A9);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12);
