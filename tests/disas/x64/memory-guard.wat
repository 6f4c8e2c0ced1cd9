;; config: guard
;; Memory behind a 4 GiB reservation and guard: no bounds checks; the
;; accesses are in the trap table instead (except beyond the guard).
(module
  (memory 1)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=4 (local.get 0)))
  (func (export "store") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))
  (func (export "far") (param i32) (result i32)
    (i32.load offset=3000000000 (local.get 0))))
