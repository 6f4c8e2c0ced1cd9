//! [`TypedFunc`]: a function whose signature was checked once, so each call
//! moves Rust values straight into slots without `Val` boxing or per-call
//! type checks. The traits here map Rust types to wasm value types.
use super::Func;
use crate::error::Error;
use crate::interp::exec;
use crate::store::{AsContextMut, StoreId};
use crate::types::ValType;
use crate::value::ExternRef;
use core::marker::PhantomData;

/// Passed to [`WasmTy`] conversions so references can be rebuilt for the
/// right store. Opaque.
#[derive(Clone, Copy)]
pub struct StoreToken(pub(crate) StoreId);

/// A Rust type that is a wasm value type.
pub trait WasmTy: Sized + Send + Sync + 'static {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Into the slot encoding.
    #[doc(hidden)]
    fn into_slot(self) -> u64;
    /// From the slot encoding.
    #[doc(hidden)]
    fn from_slot(slot: u64, store: StoreToken) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$v:ident| $into:expr, |$s:ident| $from:expr) => {
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            fn into_slot(self) -> u64 {
                let $v = self;
                $into
            }
            fn from_slot($s: u64, _: StoreToken) -> Self {
                $from
            }
        }
    };
}

wasm_ty!(i32, I32, |v| v as u32 as u64, |s| s as u32 as i32);
wasm_ty!(u32, I32, |v| v as u64, |s| s as u32);
wasm_ty!(i64, I64, |v| v as u64, |s| s as i64);
wasm_ty!(u64, I64, |v| v, |s| s);
wasm_ty!(f32, F32, |v| v.to_bits() as u64, |s| f32::from_bits(
    s as u32
));
wasm_ty!(f64, F64, |v| v.to_bits(), |s| f64::from_bits(s));

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FuncRef
    }
    fn into_slot(self) -> u64 {
        self.map_or(0, |f| f.index as u64 + 1)
    }
    fn from_slot(slot: u64, store: StoreToken) -> Self {
        (slot != 0).then(|| Func::from_raw(store.0, (slot - 1) as u32))
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::ExternRef
    }
    fn into_slot(self) -> u64 {
        self.map_or(0, |e| e.index as u64 + 1)
    }
    fn from_slot(slot: u64, store: StoreToken) -> Self {
        (slot != 0).then(|| ExternRef {
            store: store.0,
            index: (slot - 1) as u32,
        })
    }
}

/// Parameter lists: `()`, a single `WasmTy`, or tuples of them.
pub trait WasmParams: Sized + Send + Sync + 'static {
    /// True when `types` is exactly this list.
    fn matches(types: &[ValType]) -> bool;
    /// Number of values.
    fn len() -> usize;
    /// Writes the values into `slots[..len]`.
    #[doc(hidden)]
    fn store(self, slots: &mut [u64]);
}

/// Result lists: `()`, a single `WasmTy`, or tuples of them.
pub trait WasmResults: Sized + Send + Sync + 'static {
    /// True when `types` is exactly this list.
    fn matches(types: &[ValType]) -> bool;
    /// The types.
    #[doc(hidden)]
    fn types() -> alloc::vec::Vec<ValType>;
    /// Number of values.
    fn len() -> usize;
    /// Reads the values from `slots[..len]`.
    #[doc(hidden)]
    fn load(slots: &[u64], store: StoreToken) -> Self;
    /// Writes the values into `slots[..len]`.
    #[doc(hidden)]
    fn store(self, slots: &mut [u64]);
}

impl<A: WasmTy> WasmParams for A {
    fn matches(types: &[ValType]) -> bool {
        types == [A::valtype()]
    }
    fn len() -> usize {
        1
    }
    fn store(self, slots: &mut [u64]) {
        slots[0] = self.into_slot();
    }
}

impl<A: WasmTy> WasmResults for A {
    fn matches(types: &[ValType]) -> bool {
        types == [A::valtype()]
    }
    fn types() -> alloc::vec::Vec<ValType> {
        alloc::vec![A::valtype()]
    }
    fn len() -> usize {
        1
    }
    fn load(slots: &[u64], store: StoreToken) -> Self {
        A::from_slot(slots[0], store)
    }
    fn store(self, slots: &mut [u64]) {
        slots[0] = self.into_slot();
    }
}

macro_rules! tuples {
    ($n:expr; $($a:ident $i:tt),*) => {
        impl<$($a: WasmTy),*> WasmParams for ($($a,)*) {
            fn matches(types: &[ValType]) -> bool {
                types == [$($a::valtype()),*]
            }
            fn len() -> usize {
                $n
            }
            #[allow(unused_variables)]
            fn store(self, slots: &mut [u64]) {
                $( slots[$i] = self.$i.into_slot(); )*
            }
        }

        impl<$($a: WasmTy),*> WasmResults for ($($a,)*) {
            fn matches(types: &[ValType]) -> bool {
                types == [$($a::valtype()),*]
            }
            fn types() -> alloc::vec::Vec<ValType> {
                alloc::vec![$($a::valtype()),*]
            }
            fn len() -> usize {
                $n
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn load(slots: &[u64], store: StoreToken) -> Self {
                ($($a::from_slot(slots[$i], store),)*)
            }
            #[allow(unused_variables)]
            fn store(self, slots: &mut [u64]) {
                $( slots[$i] = self.$i.into_slot(); )*
            }
        }
    };
}

tuples!(0;);
tuples!(1; A 0);
tuples!(2; A 0, B 1);
tuples!(3; A 0, B 1, C 2);
tuples!(4; A 0, B 1, C 2, D 3);
tuples!(5; A 0, B 1, C 2, D 3, E 4);
tuples!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuples!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuples!(9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuples!(10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuples!(11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuples!(12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// A [`Func`] with a signature checked once at creation.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc {
            func,
            _marker: PhantomData,
        }
    }

    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Calls the function.
    pub fn call<T>(&self, mut store: impl AsContextMut<Data = T>, params: P) -> Result<R, Error> {
        let store = store.as_context_mut();
        store.inner.check_id(self.func.store);
        let n = P::len().max(R::len());
        let mut buf = [0u64; 16];
        let mut heap;
        let slots: &mut [u64] = if n <= buf.len() {
            &mut buf[..n]
        } else {
            heap = alloc::vec![0u64; n];
            &mut heap
        };
        params.store(slots);
        exec::call_func(store, self.func.index, slots)?;
        Ok(R::load(slots, StoreToken(store.inner.id)))
    }
}
