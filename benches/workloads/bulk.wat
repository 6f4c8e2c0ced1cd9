;; Bulk memory: 256 rounds of memory.fill (64-68 KiB) and overlapping
;; memory.copy (1 MiB) at scattered offsets in a 4 MiB memory, then an
;; FNV-style hash over the whole memory with i64 loads. Checks that the
;; bulk instructions run as native memset/memmove rather than byte loops,
;; plus a 512 Ki-iteration load loop.
(module
  (memory 64) ;; 4 MiB

  (func (export "run") (result i64)
    (local $round i32) (local $off i32) (local $p i32) (local $h i64)
    (block $rounds_done
      (loop $rounds
        (br_if $rounds_done (i32.ge_u (local.get $round) (i32.const 256)))
        ;; off in [0, 2 MiB)
        (local.set $off
          (i32.and (i32.mul (local.get $round) (i32.const 40961)) (i32.const 0x1FFFFF)))
        (memory.fill
          (local.get $off)
          (i32.add (local.get $round) (i32.const 1))
          (i32.add (i32.const 65536) (i32.and (i32.mul (local.get $round) (i32.const 17)) (i32.const 0xFFF))))
        ;; dst in [0, 2 MiB), len = 1 MiB + round: source and destination often overlap
        (memory.copy
          (i32.and
            (i32.add (i32.mul (local.get $off) (i32.const 3)) (i32.const 12345))
            (i32.const 0x1FFFFF))
          (local.get $off)
          (i32.add (i32.const 0x100000) (local.get $round)))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br $rounds)))
    ;; h = (h ^ word) * FNV prime, over all 4 MiB.
    (local.set $h (i64.const 0xCBF29CE484222325))
    (block $hashed
      (loop $hash
        (br_if $hashed (i32.ge_u (local.get $p) (i32.const 0x400000)))
        (local.set $h
          (i64.mul
            (i64.xor (local.get $h) (i64.load (local.get $p)))
            (i64.const 0x100000001B3)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $hash)))
    (local.get $h)))
