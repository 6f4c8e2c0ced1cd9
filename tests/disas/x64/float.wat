;; Floats in xmm registers; wasm's min and NaN-aware compares.
(module
  (func (export "fma") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "min") (param f32 f32) (result f32)
    (f32.min (local.get 0) (local.get 1)))
  (func (export "lt") (param f64 f64) (result i32)
    (f64.lt (local.get 0) (local.get 1))))
