;; instantiate_run fuzz smoke test (release build): a loop around
;; memory.grow overflowed the host stack, because the inlined growth path
;; turned the MemoryGrow handler's dispatch into a call. The growth is now
;; out of line; this loop must run in a 256 KiB thread in every build.
(module
  (memory 1 2)
  (func (export "spin") (param $n i32) (result i32) (local $sum i32)
    (loop $l
      ;; grows once (to 2 pages), then fails with -1 every time after
      (local.set $sum (i32.add (local.get $sum) (memory.grow (i32.const 1))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))
