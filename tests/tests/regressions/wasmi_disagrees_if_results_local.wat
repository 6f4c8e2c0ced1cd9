;; fuzz_smoke differential_at_length, seeded case 196165, shrunk with
;; `wasm-tools shrink` (the harness's dummy imports: mutable globals of 0):
;; after `"2"(f32 bits 1532003293)`, wasmi 2.0 reports global "f" as 7 (and
;; other values in the unshrunk module); wasmtime 48 (Cranelift) and wasmbed
;; report 0.
;;
;; By hand: local 2 is 0, so `i32.eqz` is 1 and the `if`'s then arm runs
;; (the else arm, which calls the function again, does not). Under the
;; `if` stays the first `local.get 2` (0); the arm's four results feed
;; globals 2, 4 and 2 again and `i64.const 1` xor `i64.const 1` into global
;; 5, and that 0 is xor-ed with global 3 (0) into global 3: 0.
(module
  (type (;0;) (func (param f32) (result i64 f64 v128 f64)))
  (import "K-|c" "o" (global (;0;) (mut i64)))
  (import "" "" (global (;1;) (mut f32)))
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;5;) (mut i64) i64.const 0)
  (global (;6;) (mut i32) i32.const 0)
  (global (;7;) (mut i32) i32.const 2)
  (export "2" (func 0))
  (export "f" (global 3))
  (func (;0;) (type 0) (param f32) (result i64 f64 v128 f64)
    (local externref i32 f32 f32 f64 v128)
    i32.const 0
    if ;; label = @1
      unreachable
    end
    i32.const 0
    global.set 7
    local.get 2
    global.get 1
    local.get 2
    i32.eqz
    if (type 0) (param f32) (result i64 f64 v128 f64) ;; label = @1
      i32.reinterpret_f32
      i32.const 1
      i32.xor
      global.set 6
      i64.const 1
      f64.const -0x1p+1017 (;=-1404447761611184300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
      v128.const i32x4 0xffffffff 0x03ffffff 0x7fffffff 0xffffffff
      f64.const -0x1p+1023 (;=-89884656743115800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    else
      f32.abs
      f32.nearest
      local.tee 3
      f32.const 0x1.1e18dap+75 (;=42220476000000000000000;)
      i32.const 0
      select
      f32.nearest
      local.tee 4
      f32.const 0x1.1f2d18p+46 (;=78938380000000;)
      i32.const 0
      select
      i32.reinterpret_f32
      f64.const -0x1.fffffffffffffp+768 (;=-3105036184601417500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
      ref.null extern
      f32.const 0x1p+0 (;=1;)
      call 0
      block ;; label = @2
        i32.const 0
        i32.const 0
        i32.const 1
        i64.const 0
        global.get 0
        block (result v128) ;; label = @3
          local.get 6
        end
        global.get 4
        v128.xor
        global.set 4
        global.get 5
        i64.xor
        global.set 5
        global.get 5
        i64.xor
        global.set 5
        drop
        global.get 3
        i32.xor
        global.set 3
        global.get 3
        i32.xor
        global.set 3
      end
      i64.reinterpret_f64
      i64.const 0
      i64.xor
      global.set 2
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      v128.xor
      global.set 4
      i64.reinterpret_f64
      i64.const 1
      i64.xor
      global.set 2
      global.get 5
      i64.xor
      global.set 5
      drop
      i64.reinterpret_f64
      i64.const 1
      i64.xor
      global.set 2
      i32.const 0
      i32.xor
      global.set 3
      i64.const 1
      f64.const 0x1.15d8eb8975907p+836 (;=497327711816678700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
      v128.const i32x4 0x00000000 0x00000100 0x000007ff 0x00000000
      f64.const -nan:0xffffe00000000 (;=NaN;)
    end
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    global.get 4
    v128.xor
    global.set 4
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    i64.const 1
    i64.xor
    global.set 5
    global.get 3
    i32.xor
    global.set 3
    i64.const 0
    f64.const 0x1.f3d4741003cebp+665 (;=298902384711312880000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    v128.const i32x4 0x78817cd1 0xaf5e4a10 0x75a249e6 0x92bf1d01
    f64.const -0x1.2cc9b43a9ffebp-284 (;=-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000037800856201914395;)
  )
)
