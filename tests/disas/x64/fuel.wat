;; config: fuel interrupt
;; Fuel charged per basic block, poll countdown on entry and back-edges.
(module
  (func (export "spin") (param $n i32)
    (loop $l
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
