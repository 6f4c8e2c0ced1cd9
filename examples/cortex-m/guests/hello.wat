;; The host-function demo. The guest's memory has 1-byte pages (the
;; custom-page-sizes proposal): 64 bytes instead of a 64 KiB page. It
;; writes "memory.size = <n> bytes" after a greeting and hands the text to
;; the host's `env.print`, then returns how many bytes it printed.
(module
  (import "env" "print" (func $print (param i32 i32)))
  (memory (export "memory") 64 64 (pagesize 1))
  (data (i32.const 0) "Hello from WebAssembly! memory.size = ")

  ;; Writes the decimal digits of $n at $at; returns the end.
  (func $utoa (param $n i32) (param $at i32) (result i32)
    (local $len i32) (local $i i32) (local $t i32)
    ;; count the digits
    (local.set $t (local.get $n))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (br_if $count (local.get $t)))
    ;; write them from the last
    (local.set $i (local.get $len))
    (loop $write
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $at) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $write (local.get $i)))
    (i32.add (local.get $at) (local.get $len)))

  (func (export "greet") (result i32)
    (local $end i32)
    (local.set $end (call $utoa (memory.size) (i32.const 38)))
    ;; " bytes"
    (i32.store8 (local.get $end) (i32.const 32))
    (i32.store8 offset=1 (local.get $end) (i32.const 98))
    (i32.store8 offset=2 (local.get $end) (i32.const 121))
    (i32.store8 offset=3 (local.get $end) (i32.const 116))
    (i32.store8 offset=4 (local.get $end) (i32.const 101))
    (i32.store8 offset=5 (local.get $end) (i32.const 115))
    (local.set $end (i32.add (local.get $end) (i32.const 6)))
    (call $print (i32.const 0) (local.get $end))
    (local.get $end)))
