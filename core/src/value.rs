//! Runtime values: [`Val`] as the embedding API sees it, and the untyped
//! 64-bit slot encoding the interpreter and compiled code use. This module
//! owns the mapping between the two; it does not own any store objects.
use crate::func::Func;
use crate::store::{StoreId, StoreInner};
use crate::types::ValType;
use alloc::boxed::Box;
use core::any::Any;

/// A WebAssembly value.
///
/// Floats are carried as their bit patterns so that NaN payloads survive a
/// round trip through the API exactly as the spec requires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32`, as raw bits.
    F32(u32),
    /// `f64`, as raw bits.
    F64(u64),
    /// `v128`.
    V128(V128),
    /// `funcref`; `None` is `ref.null func`.
    FuncRef(Option<Func>),
    /// `externref`; `None` is `ref.null extern`.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value (or null reference) of a type.
    pub fn default_for(ty: ValType) -> Option<Val> {
        Some(match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => Val::V128(V128(0)),
        })
    }

    /// The `i32` inside, if that is the type.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64` inside, if that is the type.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32` inside, if that is the type.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The `f64` inside, if that is the type.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }

    /// The `v128` inside, if that is the type.
    pub fn v128(&self) -> Option<V128> {
        match self {
            Val::V128(v) => Some(*v),
            _ => None,
        }
    }

    /// Encodes a scalar or reference into one slot (a `v128` gives its low
    /// half; use [`Val::to_slots`] where one may occur). The caller has
    /// checked the value belongs to `store` (see [`Val::belongs_to`]).
    pub(crate) fn to_slot(self) -> u64 {
        match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::V128(v) => v.0 as u64,
            Val::FuncRef(None) | Val::ExternRef(None) => 0,
            Val::FuncRef(Some(f)) => f.index as u64 + 1,
            Val::ExternRef(Some(e)) => e.index as u64 + 1,
        }
    }

    /// Encodes into `out[..self.ty().slots()]` (a `v128` low half first) and
    /// returns the number of slots written.
    pub(crate) fn to_slots(self, out: &mut [u64]) -> usize {
        match self {
            Val::V128(v) => {
                out[0] = v.0 as u64;
                out[1] = (v.0 >> 64) as u64;
                2
            }
            other => {
                out[0] = other.to_slot();
                1
            }
        }
    }

    /// Decodes a value of type `ty` from `slots[..ty.slots()]`.
    pub(crate) fn from_slots(slots: &[u64], ty: ValType, store: StoreId) -> Val {
        if ty == ValType::V128 {
            Val::V128(V128(slots[0] as u128 | (slots[1] as u128) << 64))
        } else {
            Val::from_slot(slots[0], ty, store)
        }
    }

    /// Decodes a slot of scalar or reference type `ty` produced by code
    /// running in `store`.
    pub(crate) fn from_slot(slot: u64, ty: ValType, store: StoreId) -> Val {
        match ty {
            ValType::I32 => Val::I32(slot as u32 as i32),
            ValType::I64 => Val::I64(slot as i64),
            ValType::F32 => Val::F32(slot as u32),
            ValType::F64 => Val::F64(slot),
            ValType::FuncRef => Val::FuncRef(if slot == 0 {
                None
            } else {
                Some(Func::from_raw(store, (slot - 1) as u32))
            }),
            ValType::ExternRef => Val::ExternRef(if slot == 0 {
                None
            } else {
                Some(ExternRef {
                    store,
                    index: (slot - 1) as u32,
                })
            }),
            // Callers that may see a v128 use `from_slots`.
            ValType::V128 => Val::V128(V128(slot as u128)),
        }
    }

    /// False when the value holds a reference owned by another store.
    pub(crate) fn belongs_to(&self, store: StoreId) -> bool {
        match self {
            Val::FuncRef(Some(f)) => f.store == store,
            Val::ExternRef(Some(e)) => e.store == store,
            _ => true,
        }
    }
}

impl From<V128> for Val {
    fn from(v: V128) -> Val {
        Val::V128(v)
    }
}

/// A `v128` value: 16 bytes, held as the little-endian integer of those
/// bytes in memory order (lane 0 of every shape in the low bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V128(u128);

impl V128 {
    /// The value as an integer (byte 0 in the low bits).
    pub fn as_u128(self) -> u128 {
        self.0
    }

    /// The 16 bytes in memory order.
    pub fn to_le_bytes(self) -> [u8; 16] {
        self.0.to_le_bytes()
    }

    /// From 16 bytes in memory order.
    pub fn from_le_bytes(bytes: [u8; 16]) -> V128 {
        V128(u128::from_le_bytes(bytes))
    }
}

impl From<u128> for V128 {
    fn from(v: u128) -> V128 {
        V128(v)
    }
}

impl From<V128> for u128 {
    fn from(v: V128) -> u128 {
        v.0
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

/// An opaque host reference (`externref`) owned by a store.
///
/// Its payload is any `Send + Sync` Rust value; the store keeps it alive as
/// long as the store lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Puts `value` into the store and returns a reference to it.
    pub fn new<T>(
        mut store: impl crate::AsContextMut<Data = T>,
        value: impl Any + Send + Sync,
    ) -> ExternRef {
        let inner = &mut store.as_context_mut().inner;
        inner.externrefs.push(Box::new(value));
        ExternRef {
            store: inner.id,
            index: (inner.externrefs.len() - 1) as u32,
        }
    }

    /// The payload this reference was created with.
    pub fn data<'a, T: 'a>(&self, store: &'a crate::Store<T>) -> &'a (dyn Any + Send + Sync) {
        let inner: &StoreInner = &store.inner;
        inner.check_id(self.store);
        &*inner.externrefs[self.index as usize]
    }
}
