;; The interpreter folds `i32.add` and `i32.shl` by a constant into the
;; loads and stores (and the add) that consume them. These cases pin the
;; wasm semantics of the folded forms: the sum and the shift wrap at 32
;; bits before the static offset is added, and bounds are checked on the
;; full effective address.
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (i32.const 65528) "\a1\a2\a3\a4\a5\a6\a7\a8")

  ;; add folded into loads and stores
  (func (export "load_add") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (local.get 1))))
  (func (export "load_add_off") (param i32 i32) (result i32)
    (i32.load8_u offset=4 (i32.add (local.get 0) (local.get 1))))
  (func (export "load_add_const") (param i32) (result i64)
    (i64.load (i32.add (local.get 0) (i32.const 8))))
  (func (export "store_add") (param i32 i32 i32) (result i32)
    (i32.store16 (i32.add (local.get 0) (local.get 1)) (local.get 2))
    (i32.load16_u (i32.add (local.get 0) (local.get 1))))
  (func (export "store_add_f64") (param i32 f64) (result f64)
    (f64.store offset=16 (i32.add (local.get 0) (i32.const 100)) (local.get 1))
    (f64.load offset=116 (local.get 0)))

  ;; shl by a constant folded into loads, stores and add
  (func (export "load_shl") (param i32) (result i32)
    (i32.load offset=0 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "load_shl_off") (param i32) (result i32)
    (i32.load8_u offset=3 (i32.shl (local.get 0) (i32.const 1))))
  (func (export "store_shl") (param i32 i32) (result i32)
    (i32.store offset=256 (i32.shl (local.get 0) (i32.const 2)) (local.get 1))
    (i32.load offset=256 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "add_shl") (param i32 i32) (result i32)
    (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))
  (func (export "shl_add") (param i32 i32) (result i32)
    (i32.add (i32.shl (local.get 1) (i32.const 35)) (local.get 0)))
  (func (export "add_shl_load") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))

  ;; the shift result is still needed elsewhere: not folded away
  (func (export "shl_tee") (param i32) (result i32) (local i32)
    (i32.load8_u (local.tee 1 (i32.shl (local.get 0) (i32.const 1))))
    (local.get 1)
    (i32.add))
  ;; a loop head between the add and the load: not folded across it
  (func (export "add_loop_load") (param i32 i32) (result i32) (local i32 i32)
    (i32.add (local.get 0) (local.get 1))
    (loop (param i32) (result i32)
      i32.load8_u
      local.get 3
      i32.add
      local.set 3
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (i32.add (local.get 0) (local.get 2))
      (br_if 0 (i32.lt_u (local.get 2) (i32.const 3)))
      drop
      local.get 3))
)

(assert_return (invoke "load_add" (i32.const 3) (i32.const 4)) (i32.const 8))
;; the sum wraps: 0xffffffff + 2 = 1
(assert_return (invoke "load_add" (i32.const 0xffffffff) (i32.const 2)) (i32.const 2))
(assert_return (invoke "load_add_off" (i32.const 0xfffffffe) (i32.const 3)) (i32.const 6))
(assert_return (invoke "load_add" (i32.const 65535) (i32.const 0)) (i32.const 0xa8))
(assert_trap (invoke "load_add" (i32.const 65535) (i32.const 1)) "out of bounds memory access")
;; no wrap into bounds through the offset: (0xffffffff + 0) + 4 is out of bounds
(assert_trap (invoke "load_add_off" (i32.const 0xffffffff) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "load_add_const" (i32.const 0)) (i64.const 0x100f0e0d0c0b0a09))
(assert_trap (invoke "load_add_const" (i32.const 65521)) "out of bounds memory access")
(assert_return (invoke "store_add" (i32.const 0xfffffff0) (i32.const 0x20) (i32.const 0xbeef)) (i32.const 0xbeef))
(assert_trap (invoke "store_add" (i32.const 65535) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "store_add_f64" (i32.const 8) (f64.const -1.5)) (f64.const -1.5))
(assert_return (invoke "load_shl" (i32.const 1)) (i32.const 0x08070605))
;; the shift wraps: 0x40000001 << 2 = 4
(assert_return (invoke "load_shl" (i32.const 0x40000001)) (i32.const 0x08070605))
(assert_return (invoke "load_shl" (i32.const 16383)) (i32.const 0xa8a7a6a5))
(assert_trap (invoke "load_shl" (i32.const 16384)) "out of bounds memory access")
(assert_return (invoke "load_shl_off" (i32.const 2)) (i32.const 8))
(assert_return (invoke "load_shl_off" (i32.const 0x80000002)) (i32.const 8))
(assert_return (invoke "store_shl" (i32.const 5) (i32.const -7)) (i32.const -7))
(assert_trap (invoke "store_shl" (i32.const 16320) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "add_shl" (i32.const 10) (i32.const 3)) (i32.const 34))
(assert_return (invoke "add_shl" (i32.const 1) (i32.const 0x20000000)) (i32.const 1))
;; a shift count of 35 is taken modulo 32
(assert_return (invoke "shl_add" (i32.const 1) (i32.const 3)) (i32.const 25))
(assert_return (invoke "add_shl_load" (i32.const 1) (i32.const 2)) (i32.const 10))
(assert_return (invoke "shl_tee" (i32.const 3)) (i32.const 13))
(assert_return (invoke "add_loop_load" (i32.const 0) (i32.const 5)) (i32.const 11))
