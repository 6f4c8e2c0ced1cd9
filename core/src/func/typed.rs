//! [`TypedFunc`]: a function whose signature was checked once, so each call
//! moves Rust values straight into slots without `Val` boxing or per-call
//! type checks. The traits here map Rust types to wasm value types.
use super::Func;
use crate::error::Error;
use crate::store::{AsContextMut, StoreId};
use crate::types::ValType;
use crate::value::{ExternRef, V128};
use core::marker::PhantomData;

/// Passed to [`WasmTy`] conversions so references can be rebuilt for the
/// right store. Opaque.
#[derive(Clone, Copy)]
pub struct StoreToken(pub(crate) StoreId);

fn foreign(what: &str) -> Error {
    Error::usage(alloc::format!(
        "a {what} value belongs to another store: references cannot move between stores"
    ))
}

/// A Rust type that is a wasm value type.
pub trait WasmTy: Sized + Send + Sync + 'static {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Slots the value takes (two for `v128`).
    #[doc(hidden)]
    const SLOTS: usize = 1;
    /// Into the slot encoding, `out[..Self::SLOTS]`, for `store`: a
    /// reference of another store is an error (its index would name some
    /// unrelated object of this one).
    #[doc(hidden)]
    fn into_slots(self, out: &mut [u64], store: StoreToken) -> Result<(), Error>;
    /// From the slot encoding, `slots[..Self::SLOTS]`.
    #[doc(hidden)]
    fn from_slots(slots: &[u64], store: StoreToken) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$v:ident| $into:expr, |$s:ident| $from:expr) => {
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            #[inline]
            fn into_slots(self, out: &mut [u64], _: StoreToken) -> Result<(), Error> {
                let $v = self;
                out[0] = $into;
                Ok(())
            }
            #[inline]
            fn from_slots(slots: &[u64], _: StoreToken) -> Self {
                let $s = slots[0];
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
    #[inline]
    fn into_slots(self, out: &mut [u64], store: StoreToken) -> Result<(), Error> {
        out[0] = match self {
            None => 0,
            Some(f) if f.store == store.0 => f.index as u64 + 1,
            Some(_) => return Err(foreign("funcref")),
        };
        Ok(())
    }
    #[inline]
    fn from_slots(slots: &[u64], store: StoreToken) -> Self {
        let slot = slots[0];
        (slot != 0).then(|| Func::from_raw(store.0, (slot - 1) as u32))
    }
}

impl WasmTy for V128 {
    fn valtype() -> ValType {
        ValType::V128
    }
    const SLOTS: usize = 2;
    #[inline]
    fn into_slots(self, out: &mut [u64], _: StoreToken) -> Result<(), Error> {
        let v = self.as_u128();
        out[0] = v as u64;
        out[1] = (v >> 64) as u64;
        Ok(())
    }
    #[inline]
    fn from_slots(slots: &[u64], _: StoreToken) -> Self {
        V128::from(slots[0] as u128 | (slots[1] as u128) << 64)
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::ExternRef
    }
    #[inline]
    fn into_slots(self, out: &mut [u64], store: StoreToken) -> Result<(), Error> {
        out[0] = match self {
            None => 0,
            Some(e) if e.store == store.0 => e.index as u64 + 1,
            Some(_) => return Err(foreign("externref")),
        };
        Ok(())
    }
    #[inline]
    fn from_slots(slots: &[u64], store: StoreToken) -> Self {
        let slot = slots[0];
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
    /// Number of slots the values take.
    #[doc(hidden)]
    fn slots() -> usize;
    /// Writes the values into `slots[..Self::slots()]` for `store`.
    #[doc(hidden)]
    fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error>;
}

/// Result lists: `()`, a single `WasmTy`, or tuples of them.
pub trait WasmResults: Sized + Send + Sync + 'static {
    /// True when `types` is exactly this list.
    fn matches(types: &[ValType]) -> bool;
    /// The types.
    #[doc(hidden)]
    fn types() -> alloc::vec::Vec<ValType>;
    /// Number of slots the values take.
    #[doc(hidden)]
    fn slots() -> usize;
    /// Reads the values from `slots[..Self::slots()]`.
    #[doc(hidden)]
    fn load(slots: &[u64], store: StoreToken) -> Self;
    /// Writes the values into `slots[..Self::slots()]` for `store`.
    #[doc(hidden)]
    fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error>;
}

impl<A: WasmTy> WasmParams for A {
    fn matches(types: &[ValType]) -> bool {
        types == [A::valtype()]
    }
    fn slots() -> usize {
        A::SLOTS
    }
    fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error> {
        self.into_slots(slots, store)
    }
}

impl<A: WasmTy> WasmResults for A {
    fn matches(types: &[ValType]) -> bool {
        types == [A::valtype()]
    }
    fn types() -> alloc::vec::Vec<ValType> {
        alloc::vec![A::valtype()]
    }
    fn slots() -> usize {
        A::SLOTS
    }
    fn load(slots: &[u64], store: StoreToken) -> Self {
        A::from_slots(slots, store)
    }
    fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error> {
        self.into_slots(slots, store)
    }
}

macro_rules! tuples {
    ($($a:ident $i:tt),*) => {
        impl<$($a: WasmTy),*> WasmParams for ($($a,)*) {
            fn matches(types: &[ValType]) -> bool {
                types == [$($a::valtype()),*]
            }
            fn slots() -> usize {
                0 $(+ $a::SLOTS)*
            }
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error> {
                let mut at = 0;
                $( self.$i.into_slots(&mut slots[at..], store)?; at += $a::SLOTS; )*
                Ok(())
            }
        }

        impl<$($a: WasmTy),*> WasmResults for ($($a,)*) {
            fn matches(types: &[ValType]) -> bool {
                types == [$($a::valtype()),*]
            }
            fn types() -> alloc::vec::Vec<ValType> {
                alloc::vec![$($a::valtype()),*]
            }
            fn slots() -> usize {
                0 $(+ $a::SLOTS)*
            }
            #[allow(unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
            fn load(slots: &[u64], store: StoreToken) -> Self {
                let mut at = 0;
                ($({
                    let v = $a::from_slots(&slots[at..], store);
                    at += $a::SLOTS;
                    v
                },)*)
            }
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn store(self, slots: &mut [u64], store: StoreToken) -> Result<(), Error> {
                let mut at = 0;
                $( self.$i.into_slots(&mut slots[at..], store)?; at += $a::SLOTS; )*
                Ok(())
            }
        }
    };
}

tuples!();
tuples!(A 0);
tuples!(A 0, B 1);
tuples!(A 0, B 1, C 2);
tuples!(A 0, B 1, C 2, D 3);
tuples!(A 0, B 1, C 2, D 3, E 4);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

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

impl<P, R> core::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("TypedFunc").field(&self.func).finish()
    }
}

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
    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R, Error> {
        let store = store.as_context_mut();
        store.inner.owns(self.func.store, "function")?;
        let n = P::slots().max(R::slots());
        let mut buf = [0u64; 16];
        let mut heap;
        let slots: &mut [u64] = if n <= buf.len() {
            &mut buf[..n]
        } else {
            heap = alloc::vec![0u64; n];
            &mut heap
        };
        params.store(slots, StoreToken(store.inner.id))?;
        crate::func::call::call(store, self.func.index, slots)?;
        Ok(R::load(slots, StoreToken(store.inner.id)))
    }
}
