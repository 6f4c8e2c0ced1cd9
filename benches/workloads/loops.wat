;; Loop-heavy integer kernels: a byte-per-number sieve of Eratosthenes over
;; linear memory, a bitwise (table-free) CRC-32 of the sieve, and an
;; xorshift64 stream. Tight loops of i32/i64 arithmetic, compares,
;; conditional branches and byte loads/stores; almost no calls.
(module
  (memory 16) ;; 1 MiB: one flag byte per number below $n

  ;; Marks composites below $n (byte = 1) and returns the number of primes.
  (func $sieve (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    ;; Clear the flags byte by byte, so reruns start from a clean slate.
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $clear)))
    (i32.store8 (i32.const 0) (i32.const 1))
    (i32.store8 (i32.const 1) (i32.const 1))
    ;; Strike out multiples of every prime up to sqrt(n).
    (local.set $i (i32.const 2))
    (block $marked
      (loop $outer
        (br_if $marked
          (i32.ge_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $row_done
              (loop $row
                (br_if $row_done (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $row)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    ;; Count the survivors.
    (local.set $i (i32.const 0))
    (block $counted
      (loop $count_loop
        (br_if $counted (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $count
          (i32.add (local.get $count) (i32.eqz (i32.load8_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count_loop)))
    (local.get $count))

  ;; CRC-32 (IEEE, reflected, polynomial 0xEDB88320) of [$ptr, $ptr + $len),
  ;; computed bit by bit: eight dependent shift/xor/mask steps per byte.
  (func $crc32 (param $ptr i32) (param $len i32) (result i32)
    (local $crc i32) (local $end i32) (local $bit i32)
    (local.set $crc (i32.const -1))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $crc
          (i32.xor (local.get $crc) (i32.load8_u (local.get $ptr))))
        (local.set $bit (i32.const 8))
        (loop $bits
          ;; crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1))
          (local.set $crc
            (i32.xor
              (i32.shr_u (local.get $crc) (i32.const 1))
              (i32.and
                (i32.const 0xEDB88320)
                (i32.sub (i32.const 0)
                  (i32.and (local.get $crc) (i32.const 1))))))
          (local.set $bit (i32.sub (local.get $bit) (i32.const 1)))
          (br_if $bits (local.get $bit)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $bytes)))
    (i32.xor (local.get $crc) (i32.const -1)))

  ;; Runs xorshift64 $iters times from $x and folds every state into a
  ;; rotate/add/xor accumulator.
  (func $xorshift (param $x i64) (param $iters i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $iters)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (local.set $acc
          (i64.xor
            (i64.add (i64.rotl (local.get $acc) (i64.const 5)) (local.get $x))
            (i64.shr_u (local.get $x) (i64.const 29))))
        (local.set $iters (i32.sub (local.get $iters) (i32.const 1)))
        (br $step)))
    (local.get $acc))

  ;; Checksum: (primes below 10^6 << 32 | crc32 of the sieve) ^ xorshift mix.
  (func (export "run") (result i64)
    (i64.xor
      (i64.or
        (i64.shl
          (i64.extend_i32_u (call $sieve (i32.const 1000000)))
          (i64.const 32))
        (i64.extend_i32_u (call $crc32 (i32.const 0) (i32.const 1000000))))
      (call $xorshift (i64.const 0x9E3779B97F4A7C15) (i32.const 2000000)))))
