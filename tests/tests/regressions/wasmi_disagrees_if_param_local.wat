;; fuzz_smoke differential_at_length, seeded case 182265, shrunk with
;; `wasm-tools shrink`: after `H(487452691888066299)`, wasmi 2.0 reports
;; global ".\u{1f}#" as 1 (other values in other runs of the unshrunk
;; module); wasmtime 48 (Cranelift) and wasmbed report 487452691888066298.
;;
;; By hand: `table.size 0` is 0, so the `else` arm of the `if` with an i64
;; parameter runs (the then arm, which would `local.set 0`, does not). The
;; `local.get 0` pushed before the `if` is the argument; after the `if`,
;; `i64.const 1`, `i64.xor` and `global.set 3` store argument ^ 1 =
;; 487452691888066298 (the else arm's own store to global 3 is overwritten).
(module
  (type (;0;) (func (param i64) (result v128 funcref)))
  (table (;0;) 0 34 funcref)
  (global (;0;) (mut i32) i32.const 0)
  (global (;1;) (mut i64) i64.const 0)
  (global (;2;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut i32) i32.const 0)
  (export "H" (func 0))
  (export ".\u{1f}#" (global 3))
  (func (;0;) (type 0) (param i64) (result v128 funcref)
    (local f32 v128)
    i32.const 0
    if ;; label = @1
      unreachable
    end
    i32.const 0
    global.set 5
    i32.const 0
    f32.const 0x1.9a2976p-6 (;=0.0250343;)
    block (result f64) ;; label = @1
      local.get 0
      i64.const 2769722394418901562
      table.size 0
      if (type 0) (param i64) (result v128 funcref) ;; label = @2
        local.set 0
        local.get 1
        i32.const 0
        if ;; label = @3
          i64.const 1
          block (result v128) ;; label = @4
            loop ;; label = @5
              global.get 5
              if ;; label = @6
                unreachable
              end
              global.get 5
              global.set 5
              f32.const -0x1.22d4a8p-6 (;=-0.017750897;)
              i32.const 0
              i32.const 1
              br 0 (;@5;)
              i32.eqz
              if (result i32) ;; label = @6
                i32.const 1
              else
                ref.null extern
                local.get 0
                i32.const 0
                local.get 0
                i32.const 1
                br 1 (;@5;)
                br_if 3 (;@3;)
                i64.popcnt
                i64.ctz
                call 1
                br 3 (;@3;)
                i32.const 1
                local.get 0
                local.get 0
                i32.const 0
                ref.null func
                block (result i64) ;; label = @7
                  i32.const 0
                  br 1 (;@6;)
                  v128.const i32x4 0x092c3b95 0x6097fe91 0xaae6a72f 0xfaa28a34
                  block (result v128) ;; label = @8
                    block ;; label = @9
                    end
                    ref.null func
                    block ;; label = @9
                      block ;; label = @10
                        global.get 5
                        if ;; label = @11
                          unreachable
                        end
                        global.get 5
                        global.set 5
                        br 1 (;@9;)
                      end
                      loop ;; label = @10
                        global.get 5
                        if ;; label = @11
                          unreachable
                        end
                        global.get 5
                        global.set 5
                      end
                    end
                    drop
                    v128.const i32x4 0xffffffff 0x00000003 0xffffffff 0x1fffffff
                  end
                  global.get 2
                  v128.xor
                  global.set 2
                  global.get 2
                  v128.xor
                  global.set 2
                  i64.const 0
                end
                global.get 3
                i64.xor
                global.set 3
                drop
                global.get 4
                i32.xor
                global.set 4
                global.get 3
                i64.xor
                global.set 3
                drop
                global.get 4
                i32.xor
                global.set 4
                drop
                global.get 2
                v128.xor
                global.set 2
                i32.const 0
                i32.xor
                global.set 4
                global.get 3
                i64.xor
                global.set 3
                drop
                i32.const 0
              end
              i32.const 1
              i32.xor
              global.set 4
              global.get 4
              i32.xor
              global.set 4
              i32.reinterpret_f32
              global.get 0
              i32.xor
              global.set 0
            end
            v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          end
          global.get 2
          v128.xor
          global.set 2
          global.get 3
          i64.xor
          global.set 3
        end
        i32.reinterpret_f32
        global.get 0
        i32.xor
        global.set 0
        v128.const i32x4 0xffffffff 0xffffbfff 0x00000080 0x00000000
        ref.null func
      else
        global.get 3
        i64.xor
        global.set 3
        v128.const i32x4 0xd10d41f0 0x61911851 0x439c03ef 0xea7f5e4e
        ref.null func
      end
      drop
      global.get 2
      v128.xor
      global.set 2
      i64.const 1
      i64.xor
      global.set 3
      f64.const -0x1p+961 (;=-19490628022800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    end
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    i32.reinterpret_f32
    global.get 0
    i32.xor
    global.set 0
    global.get 4
    i32.xor
    global.set 4
    v128.const i32x4 0xfffffdff 0xffffffff 0x08000000 0x00000000
    ref.null func
  )
  (func (;1;) (type 0) (param i64) (result v128 funcref)
    unreachable
  )
)
