;; A tiny WASI command: copies /greeting.txt (through preopen fd 3) to
;; stdout. `cargo run -p wasmbed-wasi --example wasi_memfs` runs it with an
;; in-memory filesystem; `wasmbed run --dir DIR::/ examples/wasi_cat.wat`
;; runs it on a host directory. Exits with 100 + errno if the file cannot
;; be opened.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; The path, at 16 (12 bytes).
  (data (i32.const 16) "greeting.txt")
  ;; 64: read iovec {1024, 4096}; 72: write iovec; 80: nread; 84: fd;
  ;; 88: nwritten; 1024..5120: the buffer.
  (func (export "_start")
    (local $err i32)
    ;; path_open(3, SYMLINK_FOLLOW, path, len, no oflags, FD_READ, 0, 0, &fd)
    (local.set $err
      (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 12)
        (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 84)))
    (if (local.get $err)
      (then (call $proc_exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 64) (i32.const 1024))
    (i32.store (i32.const 68) (i32.const 4096))
    (loop $copy
      (if (call $fd_read (i32.load (i32.const 84)) (i32.const 64) (i32.const 1) (i32.const 80))
        (then (call $proc_exit (i32.const 1))))
      (if (i32.load (i32.const 80))
        (then
          (i32.store (i32.const 72) (i32.const 1024))
          (i32.store (i32.const 76) (i32.load (i32.const 80)))
          (drop (call $fd_write (i32.const 1) (i32.const 72) (i32.const 1) (i32.const 88)))
          (br $copy))))))
