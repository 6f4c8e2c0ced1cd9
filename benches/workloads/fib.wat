;; Recursive Fibonacci: call-heavy. fib(30) makes 2,692,537 calls, each
;; doing a compare, a branch, two subtractions and an add, so the cost is
;; dominated by call/return and frame setup.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Checksum: fib(30) = 832040.
  (func (export "run") (result i64)
    (i64.extend_i32_u (call $fib (i32.const 30)))))
