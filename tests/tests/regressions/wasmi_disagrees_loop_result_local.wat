;; fuzz_smoke differential_at_length, seeded case 190589, shrunk with
;; `wasm-tools shrink` (the harness's dummy import, an immutable i64 global
;; of 0): after `"1"(131072)`, wasmi 2.0 reports global "16" as 0 or as
;; other values from run to run; wasmtime 48 (Cranelift) and wasmbed report
;; 131072.
;;
;; By hand: `i32.extend16_s` of 131072 (0x20000) is 0, so the `if`'s `else`
;; arm runs: it xors its i32 parameter (0) with 0 into global 4 (0), and
;; yields an f32. The values under the `if` then feed, in order, global 1,
;; global 3 and global 2, a `drop`, and global 4 again (0 ^ 0). Nothing
;; branches back, so the loop yields the `local.get 0` it pushed first,
;; 131072: xor-ed into global 4 (131072), then xor-ed with the `i32.const
;; 0` under the loop (131072 again).
(module
  (type (;0;) (func (param i32) (result f32)))
  (type (;1;) (func (param f32)))
  (import "" "" (global (;0;) i64))
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut i64) i64.const 0)
  (global (;6;) (mut i32) i32.const 1)
  (export "1" (func 0))
  (export "16" (global 4))
  (func (;0;) (type 0) (param i32) (result f32)
    (local v128 f32 f32 f32 f32 f64 f32 v128)
    i32.const 0
    if ;; label = @1
      unreachable
    end
    global.get 6
    global.set 6
    global.get 0
    i32.const 0
    loop (result i32) ;; label = @1
      i32.const 0
      if ;; label = @2
        unreachable
      end
      global.get 6
      global.set 6
      local.get 0
      i32.const 0
      ref.null func
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64.const 0
      i32.const 0
      local.get 0
      i32.extend16_s
      if (type 0) (param i32) (result f32) ;; label = @2
        f32.reinterpret_i32
        ref.null func
        block ;; label = @3
        end
        ref.is_null
        local.tee 0
        block ;; label = @3
          i32.const 0
          block (type 0) (param i32) (result f32) ;; label = @4
            f32.convert_i32_u
            f32.trunc
            local.tee 2
            f32.const nan (;=NaN;)
            i32.const 1
            select
            f32.ceil
            local.tee 3
            f32.const nan (;=NaN;)
            i32.const 0
            select
            f64.promote_f32
            i64.const 0
            local.get 0
            i32.const 2092415330
            ref.null func
            v128.const i32x4 0xcf22f5de 0x2bf5294d 0x3aaa2b12 0x807335ef
            br 1 (;@3;)
            i16x8.extend_high_i8x16_s
            i64x2.extend_high_i32x4_u
            i8x16.bitmask
            local.tee 0
            call 1
            i32.const 0
            f32.convert_i32_u
            f32.min
            local.tee 4
            f32.const 0x0p+0 (;=0;)
            i32.const 1
            select
            local.get 0
            f32.convert_i32_s
            f32.eq
            local.set 0
            i32.const 0
            loop (type 0) (param i32) (result f32) ;; label = @5
              global.get 6
              if ;; label = @6
                unreachable
              end
              global.get 6
              global.set 6
              i32.popcnt
              i32.const 0
              global.get 0
              i32.const 0
              block (result v128) ;; label = @6
                i32.const 0
                loop ;; label = @7
                  global.get 6
                  if ;; label = @8
                    unreachable
                  end
                  i32.const 0
                  global.set 6
                  local.get 6
                  loop (result i64) ;; label = @8
                    global.get 6
                    i32.eqz
                    if ;; label = @9
                    else
                      unreachable
                    end
                    global.get 6
                    global.set 6
                    v128.const i32x4 0xa5950bc7 0x06505c3e 0xda8771ed 0x9628a1c3
                    f32.const 0x1.3607ecp+61 (;=2792510500000000000;)
                    i32.const 0
                    block ;; label = @9
                      block ;; label = @10
                        ref.null extern
                        f32.const -0x1p+1 (;=-2;)
                        f32x4.splat
                        f64.const 0x1.ffffffffffffp-1026 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002781342323133997;)
                        block ;; label = @11
                          i32.const 1
                          i16x8.splat
                          br 1 (;@10;)
                          i64x2.neg
                          i64x2.bitmask
                          block (type 0) (param i32) (result f32) ;; label = @12
                            br_table 1 (;@11;) 2 (;@10;) 3 (;@9;) 4 (;@8;) 5 (;@7;) 9 (;@3;) 11 (;@1;) 9 (;@3;)
                            i32.const 1
                            call 2
                            loop (type 1) (param f32) ;; label = @13
                              i32.const 0
                              if ;; label = @14
                                unreachable
                              end
                              i32.const 1
                              global.set 6
                              i64.trunc_f32_s
                              f32.convert_i64_s
                              i32.const 1
                              br 2 (;@11;)
                              block (result f64) ;; label = @14
                                br 7 (;@7;)
                                i32.const 1
                                global.get 0
                                local.get 0
                                i64.const 1
                                local.get 0
                                i64.const 0
                                i64.const 0
                                local.get 0
                                br_table 3 (;@11;) 4 (;@10;) 5 (;@9;) 6 (;@8;) 7 (;@7;) 11 (;@3;) 13 (;@1;) 3 (;@11;)
                                i64.extend32_s
                                i64.eqz
                                f32.convert_i32_s
                                loop (result funcref) ;; label = @15
                                  i32.const 1
                                  if ;; label = @16
                                    unreachable
                                  end
                                  i32.const 0
                                  global.set 6
                                  i32.const 0
                                  i16x8.splat
                                  block ;; label = @16
                                    global.get 2
                                    global.set 2
                                  end
                                  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
                                  v128.xor
                                  global.set 2
                                  ref.null func
                                end
                                drop
                                i32.reinterpret_f32
                                global.get 1
                                i32.xor
                                global.set 1
                                i64.const 0
                                i64.xor
                                global.set 3
                                i32.const 0
                                i32.xor
                                global.set 4
                                global.get 3
                                i64.xor
                                global.set 3
                                i32.const 0
                                i32.xor
                                global.set 4
                                global.get 3
                                i64.xor
                                global.set 3
                                global.get 4
                                i32.xor
                                global.set 4
                                f64.const 0x0p+0 (;=0;)
                              end
                              i64.reinterpret_f64
                              global.get 5
                              i64.xor
                              global.set 5
                              i32.const 0
                              i32.xor
                              global.set 4
                              i32.reinterpret_f32
                              i32.const 1
                              i32.xor
                              global.set 1
                            end
                            f32.const -0x1.5f6f5ap+60 (;=-1582722400000000000;)
                          end
                          i32.reinterpret_f32
                          global.get 1
                          i32.xor
                          global.set 1
                        end
                        i64.reinterpret_f64
                        global.get 5
                        i64.xor
                        global.set 5
                        global.get 2
                        v128.xor
                        global.set 2
                        drop
                      end
                    end
                    global.get 4
                    i32.xor
                    global.set 4
                    i32.reinterpret_f32
                    global.get 1
                    i32.xor
                    global.set 1
                    global.get 2
                    v128.xor
                    global.set 2
                    i64.const 0
                  end
                  i64.const 0
                  i64.xor
                  global.set 3
                  i64.reinterpret_f64
                  global.get 5
                  i64.xor
                  global.set 5
                end
                i32.const 0
                i32.xor
                global.set 4
                v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              end
              global.get 2
              v128.xor
              global.set 2
              global.get 4
              i32.xor
              global.set 4
              i64.const 0
              i64.xor
              global.set 3
              global.get 4
              i32.xor
              global.set 4
              i32.const 0
              i32.xor
              global.set 4
              f32.const 0x1p-119 (;=0.0000000000000000000000000000000000015046328;)
            end
            i32.reinterpret_f32
            global.get 1
            i32.xor
            global.set 1
            drop
            i32.const 0
            i32.xor
            global.set 4
            global.get 4
            i32.xor
            global.set 4
            global.get 3
            i64.xor
            global.set 3
            i64.reinterpret_f64
            i64.const 0
            i64.xor
            global.set 5
            f32.const -0x1.bfab5p-118 (;=-0.000000000000000000000000000000000005262326;)
          end
          i32.reinterpret_f32
          i32.const 0
          i32.xor
          global.set 1
        end
        i32.const 1
        i32.xor
        global.set 4
      else
        i32.const 0
        i32.xor
        global.set 4
        f32.const 0x1.p-139 (;=0.000000000000000000000000000000000000000001435;)
      end
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
      global.get 3
      i64.xor
      global.set 3
      global.get 2
      v128.xor
      global.set 2
      drop
      global.get 4
      i32.xor
      global.set 4
    end
    global.get 4
    i32.xor
    global.set 4
    global.get 4
    i32.xor
    global.set 4
    global.get 3
    i64.xor
    global.set 3
    f32.const -0x1.0cc098p+97 (;=-166349630000000000000000000000;)
  )
  (func (;1;) (type 0) (param i32) (result f32)
    unreachable
  )
  (func (;2;) (type 0) (param i32) (result f32)
    unreachable
  )
)
