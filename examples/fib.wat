;; Recursive Fibonacci: `wasmbed run examples/fib.wat --invoke fib 25`
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; `wasmbed run examples/fib.wat` runs `_start`: it traps on a wrong answer.
  (func (export "_start")
    (if (i32.ne (call $fib (i32.const 20)) (i32.const 6765))
      (then unreachable))))
