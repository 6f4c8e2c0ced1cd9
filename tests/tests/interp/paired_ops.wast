;; Two copies in a row run as one `Copy2`, two adds of small constants in a
;; row as one `I32AddSi2`, an add of a small constant and a branch on its
;; result as one `I32AddSiBrNez` (`fast-ops`). Each half runs in order, so a second
;; half that reads what the first wrote sees the new value; adds on either
;; side of a label stay apart, or a branch to the label would skip one.
(module
  ;; a = x + 1; b = a + 4 (the second reads the first's result)
  (func (export "add_pair") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    (local.set 2 (i32.add (local.get 1) (i32.const 4)))
    (i32.mul (local.get 1) (local.get 2)))
  ;; immediates at the ends of a byte, and one past it (not paired)
  (func (export "add_pair_edges") (param i32) (result i32) (local i32 i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 127)))
    (local.set 2 (i32.add (local.get 0) (i32.const -128)))
    (local.set 3 (i32.add (local.get 0) (i32.const 128)))
    (i32.xor (i32.xor (local.get 1) (i32.shl (local.get 2) (i32.const 8)))
      (i32.shl (local.get 3) (i32.const 16))))
  ;; wrap-around in both halves
  (func (export "add_pair_wraps") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 100)))
    (local.set 2 (i32.add (local.get 0) (i32.const -100)))
    (i32.sub (local.get 1) (local.get 2)))
  ;; The loop's head is a label between the two adds: each iteration runs
  ;; the second add only, so they must not be joined.
  (func (export "adds_across_label") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 3)))
      (br_if $l (i32.lt_u (local.get 2) (i32.const 30))))
    (i32.add (local.get 1) (local.get 2)))
  ;; a three-way rotation of locals through a temp: each copy reads what the
  ;; copy before it wrote
  (func (export "rotate3") (param i32 i32 i32) (result i32) (local i32)
    (local.set 3 (local.get 0))
    (local.set 0 (local.get 1))
    (local.set 1 (local.get 2))
    (local.set 2 (local.get 3))
    (i32.add (i32.add (i32.mul (local.get 0) (i32.const 100))
      (i32.mul (local.get 1) (i32.const 10))) (local.get 2)))
  ;; a swap: the lazy operands are copied out before being overwritten
  (func (export "swap") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (local.set 0) (local.set 1)
    (i32.sub (local.get 0) (local.get 1)))

  ;; A counted loop's `n -= 1; br_if n` runs as one `I32AddSiBrNez`.
  (func (export "countdown") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  ;; the same through `local.tee`, by 2 (xor-ing the values seen: an add
  ;; there would pair with the decrement first, as an `I32AddSi2`)
  (func (export "countdown_tee") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.xor (local.get 1) (local.get 0)))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -2)))))
    (local.get 1))
  ;; steps at the ends of a byte (-128 is `sub 128`, 127 an add), and one
  ;; past it (`sub 129`, not joined); iterations of each, in base 16
  (func (export "count_edges") (param i32 i32 i32) (result i32) (local i32 i32 i32)
    (loop $a
      (local.set 3 (i32.add (local.get 3) (i32.const 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 128)))
      (br_if $a (local.get 0)))
    (loop $b
      (local.set 4 (i32.sub (local.get 4) (i32.const -1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 127)))
      (br_if $b (local.get 1)))
    (loop $c
      (local.set 5 (i32.add (local.get 5) (i32.const 1)))
      (local.set 2 (i32.sub (local.get 2) (i32.const 129)))
      (br_if $c (local.get 2)))
    (i32.add (i32.add (i32.shl (local.get 3) (i32.const 8))
      (i32.shl (local.get 4) (i32.const 4))) (local.get 5)))
  ;; counting up through the wrap to zero
  (func (export "count_up_wraps") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.sub (local.get 1) (i32.const -1)))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const 1)))))
    (local.get 1))
  ;; a forward branch on the decremented value (patched when the block ends)
  (func (export "dec_skip") (param i32) (result i32)
    (block $b
      (br_if $b (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))
      (return (i32.const 100)))
    (local.get 0))
  ;; the branch tests another slot than the add writes: not joined
  (func (export "branch_other_slot") (param i32) (result i32) (local i32)
    (block $b
      (local.set 1 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $b (local.get 0))
      (return (i32.const -1)))
    (local.get 1))
  ;; The loop's head is a label between the decrement and the branch: the
  ;; second iteration must test 7, not decrement it, so they stay apart.
  (func (export "dec_across_label") (param i32) (result i32) (local i32)
    (block $done
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (loop $l
        (br_if $done (local.get 0))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (local.set 0 (i32.const 7))
        (br $l)))
    (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 10))))
)

(assert_return (invoke "add_pair" (i32.const 5)) (i32.const 60))
(assert_return (invoke "add_pair" (i32.const -1)) (i32.const 0))
(assert_return (invoke "add_pair_edges" (i32.const 0))
  (i32.const 0xff7f807f))
(assert_return (invoke "add_pair_wraps" (i32.const 0x7fffffff)) (i32.const 200))
(assert_return (invoke "add_pair_wraps" (i32.const 0x80000000)) (i32.const 200))
(assert_return (invoke "adds_across_label" (i32.const 10)) (i32.const 41))
(assert_return (invoke "rotate3" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 231))
(assert_return (invoke "swap" (i32.const 7) (i32.const 2)) (i32.const -5))
(assert_return (invoke "countdown" (i32.const 5)) (i32.const 15))
(assert_return (invoke "countdown" (i32.const 1)) (i32.const 3))
(assert_return (invoke "countdown_tee" (i32.const 10)) (i32.const 2))
(assert_return (invoke "count_edges" (i32.const 384) (i32.const -254) (i32.const 258))
  (i32.const 0x322))
(assert_return (invoke "count_up_wraps" (i32.const -3)) (i32.const 3))
(assert_return (invoke "dec_skip" (i32.const 1)) (i32.const 100))
(assert_return (invoke "dec_skip" (i32.const 5)) (i32.const 4))
(assert_return (invoke "branch_other_slot" (i32.const 0)) (i32.const -1))
(assert_return (invoke "branch_other_slot" (i32.const 5)) (i32.const 4))
(assert_return (invoke "dec_across_label" (i32.const 1)) (i32.const 17))
