;; Loops tested at the top, `loop (br_if $exit cond) body (br $loop)` with
;; `$exit` right after the `br`: the translator turns the back-edge `br`
;; into the exit test negated (`thread_back_edges` in interp/translate.rs),
;; one branch per iteration. Each loop here must compute what it computes
;; without that: comparisons of two locals, of a local and a constant (an
;; immediate form), of i64s, `br_if` on a plain value, loops that never
;; run, and a loop whose exit is not right after the `br` (not threaded).
(module
  ;; Sum of 0..n, tested `i >= n` (unsigned, two locals).
  (func (export "sum_below") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))

  ;; Counts up to n by 2, tested `i == n` (a threaded `i != n` after the
  ;; increment); n odd never stops, so callers pass even ones.
  (func (export "count_up_to") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.eq (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $l)))
    (local.get $s))

  ;; Steps by 8 below a constant too large for an immediate (its slot).
  (func (export "count_up_const") (result i32)
    (local $i i32) (local $s i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (i32.const 0x400000)))
        (local.set $s (i32.xor (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $l)))
    (i32.add (local.get $s) (local.get $i)))

  ;; A `continue` that branches to the latch's test, past the increment.
  (func (export "skip_to_test") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (block $next
          (br_if $next (i32.and (local.get $s) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1))))
        (br $l)))
    (i32.add (i32.mul (local.get $s) (i32.const 1000)) (local.get $i)))

  ;; Counts down from n, tested against a constant (signed).
  (func (export "count_down") (param $n i32) (result i32)
    (local $k i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $k (i32.add (local.get $k) (i32.const 3)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $k))

  ;; 64-bit: doubles x until it exceeds the limit (unsigned compare).
  (func (export "doublings") (param $x i64) (param $limit i64) (result i32)
    (local $steps i32)
    (block $exit
      (loop $l
        (br_if $exit (i64.gt_u (local.get $x) (local.get $limit)))
        (local.set $x (i64.shl (local.get $x) (i64.const 1)))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
    (local.get $steps))

  ;; `br_if` on a value: walks until the flag is set.
  (func (export "until_flag") (param $n i32) (result i32)
    (local $i i32) (local $done i32)
    (block $exit
      (loop $l
        (br_if $exit (local.get $done))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $done (i32.ge_s (local.get $i) (local.get $n)))
        (br $l)))
    (local.get $i))

  ;; The exit is not right after the `br`: code follows inside the block.
  (func (export "exit_elsewhere") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $exit
      (block $inner
        (loop $l
          (br_if $exit (i32.ge_s (local.get $i) (local.get $n)))
          ;; Leaves for the code after the loop when i reaches 100.
          (br_if $inner (i32.eq (local.get $i) (i32.const 100)))
          (local.set $s (i32.add (local.get $s) (i32.const 2)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.set $s (i32.const -1)))
    (local.get $s))

  ;; Nested: the inner loop's exit is the outer body's next op.
  (func (export "triangle") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $row
          (loop $inner
            (br_if $row (i32.gt_u (local.get $j) (local.get $i)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $s))
)

(assert_return (invoke "sum_below" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum_below" (i32.const 1)) (i32.const 0))
(assert_return (invoke "sum_below" (i32.const 10)) (i32.const 45))
(assert_return (invoke "sum_below" (i32.const 1000)) (i32.const 499500))
(assert_return (invoke "count_down" (i32.const -5)) (i32.const 0))
(assert_return (invoke "count_down" (i32.const 0)) (i32.const 0))
(assert_return (invoke "count_down" (i32.const 7)) (i32.const 21))
(assert_return (invoke "doublings" (i64.const 1) (i64.const 1000)) (i32.const 10))
(assert_return (invoke "doublings" (i64.const 5000) (i64.const 1000)) (i32.const 0))
(assert_return (invoke "doublings" (i64.const 1) (i64.const 0x7fffffffffffffff)) (i32.const 63))
(assert_return (invoke "until_flag" (i32.const 0)) (i32.const 1))
(assert_return (invoke "until_flag" (i32.const 5)) (i32.const 5))
(assert_return (invoke "exit_elsewhere" (i32.const 0)) (i32.const 0))
(assert_return (invoke "exit_elsewhere" (i32.const 4)) (i32.const 8))
(assert_return (invoke "exit_elsewhere" (i32.const 101)) (i32.const -1))
(assert_return (invoke "triangle" (i32.const 0)) (i32.const 0))
(assert_return (invoke "triangle" (i32.const 4)) (i32.const 10))
(assert_return (invoke "triangle" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "count_up_to" (i32.const 10)) (i32.const 20))
(assert_return (invoke "count_up_to" (i32.const 0)) (i32.const 0))
(assert_return (invoke "count_up_const") (i32.const 0x400000))
(assert_return (invoke "skip_to_test" (i32.const 3)) (i32.const 6003))
(assert_return (invoke "skip_to_test" (i32.const 0)) (i32.const 0))
