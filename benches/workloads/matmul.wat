;; Dense f64 matrix multiply C = A * B for 128x128 matrices in linear memory
;; (naive i-j-k order, so B is walked column-wise with a stride of one row):
;; f64 loads, stores, multiplies and adds plus address arithmetic.
;; Every element is a small multiple of 1/8 or 1/4, so all sums are exact
;; and the checksum does not depend on evaluation order.
(module
  (memory 8) ;; A at 0, B at 128 KiB, C at 256 KiB (3 x 128 KiB)

  (func $addr (param $base i32) (param $n i32) (param $row i32) (param $col i32) (result i32)
    (i32.add (local.get $base)
      (i32.shl
        (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col))
        (i32.const 3))))

  ;; A[i][j] = (((31i + 17j) mod 23) - 11) / 8, B[i][j] = (((13i + 7j) mod 19) - 9) / 4
  (func $init (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $j i32)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
            (f64.store
              (call $addr (local.get $a) (local.get $n) (local.get $i) (local.get $j))
              (f64.mul
                (f64.convert_i32_s
                  (i32.sub
                    (i32.rem_u
                      (i32.add (i32.mul (local.get $i) (i32.const 31))
                               (i32.mul (local.get $j) (i32.const 17)))
                      (i32.const 23))
                    (i32.const 11)))
                (f64.const 0.125)))
            (f64.store
              (call $addr (local.get $b) (local.get $n) (local.get $i) (local.get $j))
              (f64.mul
                (f64.convert_i32_s
                  (i32.sub
                    (i32.rem_u
                      (i32.add (i32.mul (local.get $i) (i32.const 13))
                               (i32.mul (local.get $j) (i32.const 7)))
                      (i32.const 19))
                    (i32.const 9)))
                (f64.const 0.25)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; C = A * B; the inner loop walks pointers instead of recomputing indices.
  (func $matmul (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $j i32) (local $k i32)
    (local $pa i32) (local $pb i32) (local $stride i32) (local $sum f64)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sum (f64.const 0))
            (local.set $pa (call $addr (local.get $a) (local.get $n) (local.get $i) (i32.const 0)))
            (local.set $pb (call $addr (local.get $b) (local.get $n) (i32.const 0) (local.get $j)))
            (local.set $k (local.get $n))
            (loop $k_loop
              (local.set $sum
                (f64.add (local.get $sum)
                  (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
              (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $k_loop (local.get $k)))
            (f64.store
              (call $addr (local.get $c) (local.get $n) (local.get $i) (local.get $j))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop))))

  ;; FNV-style hash of every C element scaled by 32 (an exact integer).
  (func $checksum (param $c i32) (param $n i32) (result i64)
    (local $p i32) (local $end i32) (local $h i64)
    (local.set $p (local.get $c))
    (local.set $end
      (i32.add (local.get $c)
        (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3))))
    (local.set $h (i64.const 0xCBF29CE484222325))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $h
          (i64.mul
            (i64.xor (local.get $h)
              (i64.trunc_f64_s (f64.mul (f64.load (local.get $p)) (f64.const 32))))
            (i64.const 0x100000001B3)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $each)))
    (local.get $h))

  (func (export "run") (result i64)
    (call $init (i32.const 0) (i32.const 131072) (i32.const 128))
    (call $matmul (i32.const 0) (i32.const 131072) (i32.const 262144) (i32.const 128))
    (call $checksum (i32.const 262144) (i32.const 128))))
