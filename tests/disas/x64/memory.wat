;; Memory: explicit bounds checks against the pinned length.
(module
  (memory 1)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=4 (local.get 0)))
  (func (export "store") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
