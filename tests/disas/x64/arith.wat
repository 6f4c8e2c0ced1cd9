;; Integer arithmetic: immediates fold into the operation, constants stay
;; constants until used, locals are read lazily.
(module
  (func (export "add_imm") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 7)))
  (func (export "mix64") (param i64 i64) (result i64)
    (i64.xor (i64.mul (local.get 0) (local.get 1))
             (i64.shr_u (local.get 0) (i64.const 3))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "cmp") (param i32 i32) (result i32)
    (i32.lt_u (local.get 0) (local.get 1))))
