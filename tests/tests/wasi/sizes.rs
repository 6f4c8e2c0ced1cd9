//! Sizes and offsets at the top of the `u64` range, through a guest that
//! calls the WASI imports with them (a guest's `-1` is `u64::MAX`): on a
//! host directory and on an in-memory filesystem (what `--tmpfs` mounts),
//! `fd_filestat_set_size`, `fd_pwrite`, `fd_write` after a seek,
//! `fd_allocate` and `fd_seek` get `EFBIG` / `EINVAL` / `ENOSPC` and leave
//! the file as it was. These used to overflow in the in-memory filesystem
//! (a debug build aborted, a release build wrapped).
use crate::harness::{scratch_dir, Backend};
use std::sync::Arc;
use wasmbed::{Engine, Instance, Linker, Module, Store};
use wasmbed_wasi::fs::host::HostFs;
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::FileSystem;
use wasmbed_wasi::{Errno, WasiCtx};

/// Each export returns the errno of one call (or, for `open`, the new
/// descriptor). The file name is at 0, an iovec of the two bytes "XY" at
/// 32, results at 64.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size"
    (func $set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite"
    (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread"
    (func $pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek"
    (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate"
    (func $allocate (param i32 i64 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "f.txt")
  (data (i32.const 16) "XY")
  (data (i32.const 32) "\10\00\00\00\02\00\00\00")
  (func (export "open") (result i32)
    (local $errno i32)
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5)
        (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 64)))
    (if (result i32) (local.get $errno)
      (then (i32.sub (i32.const 0) (local.get $errno)))
      (else (i32.load (i32.const 64)))))
  (func (export "set_size") (param i32 i64) (result i32)
    (call $set_size (local.get 0) (local.get 1)))
  (func (export "pwrite") (param i32 i64) (result i32)
    (call $pwrite (local.get 0) (i32.const 32) (i32.const 1) (local.get 1) (i32.const 64)))
  (func (export "pread") (param i32 i64) (result i32)
    (call $pread (local.get 0) (i32.const 32) (i32.const 1) (local.get 1) (i32.const 64)))
  (func (export "write") (param i32) (result i32)
    (call $write (local.get 0) (i32.const 32) (i32.const 1) (i32.const 64)))
  (func (export "seek") (param i32 i64 i32) (result i32)
    (call $seek (local.get 0) (local.get 1) (local.get 2) (i32.const 64)))
  (func (export "allocate") (param i32 i64 i64) (result i32)
    (call $allocate (local.get 0) (local.get 1) (local.get 2)))
  (func (export "result") (result i32) (i32.load (i32.const 64)))
  (func (export "result64") (result i64) (i64.load (i32.const 64))))"#;

const CONTENTS: &[u8] = b"hello";

/// Reads `f.txt` back from outside the guest.
type ReadBack = Box<dyn Fn() -> Vec<u8>>;
const SET: i32 = 0;
const CUR: i32 = 1;

/// The guest with `fs` mounted at `/`.
struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
}

impl Guest {
    fn new(engine: &Engine, module: &Module, fs: Arc<dyn FileSystem>) -> Guest {
        let mut builder = WasiCtx::builder();
        builder.preopen_arc(fs, "/").expect("mount the filesystem");
        let mut store = Store::new(engine, builder.build());
        let mut linker = Linker::new(engine);
        wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
        let instance = linker.instantiate(&mut store, module).unwrap();
        Guest { store, instance }
    }

    /// Calls an export; a trap (a host panic included) fails the test.
    fn call<P: wasmbed::WasmParams, R: wasmbed::WasmResults>(&mut self, name: &str, p: P) -> R {
        let f = self
            .instance
            .get_typed_func::<P, R>(&self.store, name)
            .unwrap();
        f.call(&mut self.store, p)
            .unwrap_or_else(|e| panic!("{name} trapped: {e}"))
    }

    fn errno<P: wasmbed::WasmParams>(&mut self, name: &str, p: P) -> Option<Errno> {
        let raw: i32 = self.call(name, p);
        (raw != 0)
            .then(|| Errno::from_raw(raw as u16).unwrap_or_else(|| panic!("{name}: errno {raw}")))
    }
}

#[test]
fn sizes_and_offsets_past_the_largest_file_fail_and_change_nothing() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).expect("the guest compiles");
    for &backend in Backend::ALL {
        let (fs, read_back): (Arc<dyn FileSystem>, ReadBack) = match backend {
            Backend::Host => {
                let dir = scratch_dir("sizes");
                std::fs::write(dir.join("f.txt"), CONTENTS).unwrap();
                let fs = HostFs::open(&dir).unwrap();
                (
                    Arc::new(fs),
                    Box::new(move || std::fs::read(dir.join("f.txt")).unwrap()),
                )
            }
            Backend::Memory => {
                let mem = MemoryFs::new();
                // Other data in the filesystem made the capacity sum overflow.
                mem.add_file("other.txt", "0123456789").unwrap();
                mem.add_file("f.txt", CONTENTS).unwrap();
                let m = mem.clone();
                (
                    Arc::new(mem),
                    Box::new(move || m.read_file("f.txt").unwrap()),
                )
            }
        };
        let name = backend.name();
        let mut g = Guest::new(&engine, &module, fs);
        let fd: i32 = g.call("open", ());
        assert!(fd > 3, "{name}: path_open gave {fd}");

        let max = i64::MAX;
        for size in [-1i64, -2, i64::MIN] {
            assert_eq!(
                g.errno("set_size", (fd, size)),
                Some(Errno::Fbig),
                "{name}: fd_filestat_set_size({})",
                size as u64
            );
        }
        // -2 is u64::MAX - 1.
        for offset in [-2i64, -1, max, max - 1, i64::MIN] {
            assert_eq!(
                g.errno("pwrite", (fd, offset)),
                Some(Errno::Fbig),
                "{name}: fd_pwrite at {}",
                offset as u64
            );
        }
        for (offset, len) in [(-1i64, 2i64), (max, 1), (1, -1)] {
            assert_eq!(
                g.errno("allocate", (fd, offset, len)),
                Some(Errno::Fbig),
                "{name}: fd_allocate({}, {})",
                offset as u64,
                len as u64
            );
        }
        // Reading past the largest offset is reading past the end.
        assert_eq!(g.errno("pread", (fd, -1i64)), None, "{name}: fd_pread");
        assert_eq!(g.call::<(), i32>("result", ()), 0, "{name}: bytes read");

        // The cursor may sit at the largest offset, but not beyond it or
        // before 0, and a write there would pass the largest size.
        assert_eq!(g.errno("seek", (fd, max, SET)), None, "{name}");
        assert_eq!(
            g.errno("seek", (fd, 1i64, CUR)),
            Some(Errno::Inval),
            "{name}"
        );
        assert_eq!(
            g.errno("seek", (fd, max, CUR)),
            Some(Errno::Inval),
            "{name}"
        );
        assert_eq!(g.errno("write", fd), Some(Errno::Fbig), "{name}: fd_write");
        assert_eq!(
            g.errno("seek", (fd, -1i64, SET)),
            Some(Errno::Inval),
            "{name}"
        );
        assert_eq!(g.errno("seek", (fd, 0i64, CUR)), None, "{name}");
        assert_eq!(g.call::<(), i64>("result64", ()), max, "{name}: the cursor");

        if backend == Backend::Memory {
            // Within the largest size but beyond the capacity (on a host
            // directory this would make a sparse file of a terabyte).
            assert_eq!(
                g.errno("set_size", (fd, 1i64 << 40)),
                Some(Errno::Nospc),
                "{name}"
            );
            assert_eq!(
                g.errno("pwrite", (fd, 1i64 << 40)),
                Some(Errno::Nospc),
                "{name}"
            );
        }
        assert_eq!(read_back(), CONTENTS, "{name}: the file changed");
        // The descriptor still works.
        assert_eq!(g.errno("pwrite", (fd, 5i64)), None, "{name}");
        assert_eq!(read_back(), b"helloXY", "{name}");
    }
}
