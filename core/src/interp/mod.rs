//! The interpreter backend: [`translate`] lowers validated wasm bodies to
//! [`crate::ir`] once per function, and [`exec`] runs that code on an
//! explicit frame stack. The two halves meet only through `ir`.
pub(crate) mod exec;
mod num;
#[cfg(feature = "simd")]
pub(crate) mod simd;
#[cfg(feature = "op-stats")]
pub(crate) mod stats;
pub(crate) mod translate;
