;; Calls: arguments in place in the caller's homes, through the callee's
;; function reference; call_indirect checks bounds, null and signature.
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (func $f (type $t) (local.get 0))
  (func (export "direct") (param i32) (result i32)
    (call $f (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))
