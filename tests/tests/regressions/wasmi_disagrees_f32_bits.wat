;; fuzz_smoke differential_at_length, seeded case 171980, shrunk with
;; `wasm-tools shrink`: after export "2", wasmi 2.0 reports global "}" as
;; 1072691150; wasmtime 48 (Cranelift) and wasmbed report -2057.
;;
;; By hand: local 1 is a zero v128, so `i32x4.all_true` is 0 and the `else`
;; arm runs, xor-ing the bits of f32 0x1p-146 (8) into global 1. The outer
;; block then yields f32 -nan:0x7ff7ff (bits 0xfffff7ff = -2049), xor-ed
;; in: -2049 ^ 8 = -2057. The other two xors add the bits of local 0
;; (f32 0.0, so 0), and no branch goes back to the loop: -2057.
(module
  (type (;0;) (func (param f32)))
  (global (;0;) (mut i64) i64.const 0)
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;6;) (mut i32) i32.const 0)
  (export "2" (func 1))
  (export "}" (global 1))
  (func (;0;) (type 0) (param f32))
  (func (;1;) (type 0) (param f32)
    (local v128 f32 v128 v128 v128 v128 f64 v128)
    i32.const 0
    if ;; label = @1
      unreachable
    end
    global.get 6
    global.set 6
    i32.const 0
    loop ;; label = @1
      i32.const 0
      if ;; label = @2
        unreachable
      end
      i32.const 0
      global.set 6
      i32.const 0
      f32.reinterpret_i32
      local.tee 0
      f64.const 0x1.7c701ba2cc44fp-827 (;=0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000016604944220883604;)
      ref.null extern
      ref.null func
      global.get 0
      global.get 0
      local.get 0
      ref.null extern
      i32.const 0
      block (result f32) ;; label = @2
        nop
        local.get 0
        f64.promote_f32
        local.get 0
        i64.const -2228181834032116795
        i32.const 0
        i64.extend_i32_s
        ref.null extern
        i64.const 0
        global.set 0
        local.get 0
        f32.const 0x1.p-146 (;=0.000000000000000000000000000000000000000000011;)
        block (type 0) (param f32) ;; label = @3
          local.get 1
          i32x4.all_true
          i32.const 1
          i32.eq
          if (type 0) (param f32) ;; label = @4
            f32.nearest
            local.tee 2
            f32.const nan (;=NaN;)
            local.get 2
            local.get 2
            f32.eq
            select
            block ;; label = @5
              block ;; label = @6
                global.get 6
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 6
                global.set 6
                br 1 (;@5;)
              end
              loop ;; label = @6
                global.get 6
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 6
                global.set 6
              end
            end
            data.drop 0
            f32x4.splat
            i16x8.all_true
            i32.extend16_s
            i64.extend_i32_u
            local.get 3
            i64x2.extract_lane 1
            i32.const 1
            i64.extend_i32_s
            br 4
            i64.clz
            i64.gt_u
            local.get 6
            i64x2.extend_low_i32x4_u
            loop (result f32) ;; label = @5
              global.get 6
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 6
              global.set 6
              block (result i32) ;; label = @6
                br 6
                i32.const 0
              end
              f64.convert_i32_s
              f64.neg
              i32.trunc_f64_s
              i32.clz
              i32.const 1
              br_if 1 (;@4;)
              i32.ctz
              i64.const 0
              i32.const 1
              ref.null extern
              loop ;; label = @6
                global.get 6
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 6
                global.set 6
                ref.null func
                i64.const 0
                i64.eqz
                i64.const 1
                local.get 0
                call 0
                i32.const 1
                br_table 0 (;@6;) 1 (;@5;) 2 (;@4;) 3 (;@3;) 5 (;@1;) 6 2 (;@4;)
                i64.eqz
                f32.const 0x1.cp-147 (;=0.00000000000000000000000000000000000000000001;)
                br 2 (;@4;)
                i64.const 0
                global.set 0
                i32.const 1
                f64.convert_i32_u
                loop ;; label = @7
                  global.get 6
                  if ;; label = @8
                  else
                    unreachable
                  end
                  global.get 6
                  global.set 6
                  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
                  loop (result funcref) ;; label = @8
                    global.get 6
                    if ;; label = @9
                      unreachable
                    end
                    i32.const 1
                    i32.const 1
                    i32.sub
                    global.set 6
                    loop ;; label = @9
                      global.get 6
                      if ;; label = @10
                        unreachable
                      end
                      global.get 6
                      global.set 6
                      block ;; label = @10
                        i32.const 0
                        br 7 (;@3;)
                        i32.extend16_s
                        i64.extend_i32_s
                        i64.ctz
                        f64.reinterpret_i64
                        local.get 8
                        global.set 5
                        global.get 4
                        global.set 4
                        i64.reinterpret_f64
                        global.get 2
                        i64.xor
                        global.set 2
                      end
                    end
                    ref.null func
                  end
                  drop
                  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
                  v128.xor
                  global.set 5
                end
                i64.reinterpret_f64
                i64.const 0
                i64.xor
                global.set 2
                i32.reinterpret_f32
                global.get 1
                i32.xor
                global.set 1
                global.get 4
                i32.xor
                global.set 4
                global.get 4
                i32.xor
                global.set 4
                drop
              end
              drop
              global.get 4
              i32.xor
              global.set 4
              global.get 3
              i64.xor
              global.set 3
              i32.const 1
              i32.xor
              global.set 4
              f32.const -nan:0x7fc000 (;=NaN;)
            end
            i32.reinterpret_f32
            i32.const 1
            i32.xor
            global.set 1
            v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
            v128.xor
            global.set 5
            global.get 4
            i32.xor
            global.set 4
            global.get 3
            i64.xor
            global.set 3
          else
            i32.reinterpret_f32
            global.get 1
            i32.xor
            global.set 1
          end
        end
        i32.reinterpret_f32
        global.get 1
        i32.xor
        global.set 1
        drop
        global.get 3
        i64.xor
        global.set 3
        global.get 3
        i64.xor
        global.set 3
        i32.reinterpret_f32
        global.get 1
        i32.xor
        global.set 1
        i64.reinterpret_f64
        global.get 2
        i64.xor
        global.set 2
        f32.const -nan:0x7ff7ff (;=NaN;)
      end
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
      global.get 4
      i32.xor
      global.set 4
      drop
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
      global.get 3
      i64.xor
      global.set 3
      global.get 3
      i64.xor
      global.set 3
      drop
      drop
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
    end
    global.get 4
    i32.xor
    global.set 4
  )
  (data (;0;) "")
)
