;; instantiate_run fuzzer, crash-6ac3fef7: a long run of v128 ops
;; overflowed the host stack in the sanitizer build, because handlers with
;; a local lane array (here i32x4.trunc_sat_f64x2_s_zero) were not tail
;; calls there. Fixed in core/build.rs (sanitizer builds dispatch from a
;; loop); this loop must run in a 256 KiB thread in every build.
(module
  (func (export "spin") (param $n i32) (result i32) (local $v v128)
    (local.set $v (v128.const f64x2 1.5 -2.5))
    (loop $l
      (local.set $v (i32x4.trunc_sat_f64x2_s_zero (f64x2.convert_low_i32x4_s (local.get $v))))
      (local.set $v (f64x2.convert_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero
        (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.convert_low_i32x4_s (local.get $v)))))))
      (local.set $v (i16x8.narrow_i32x4_s (local.get $v) (i32x4.extend_low_i16x8_s (local.get $v))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 0 (local.get $v))))
