#!/usr/bin/env bash
# Rebuilds the committed guest binaries from their sources:
#   crc32.wasm        crc32/ (Rust, wasm32-unknown-unknown)
#   wasi-lines.wasm   wasi-lines/main.c (C, zig cc --target=wasm32-wasi)
# hello.wat needs no step: the firmware's build.rs assembles it.
# Needs: rustup, and zig (`pip install ziglang` gives `python3 -m ziglang`).
set -euo pipefail
cd "$(dirname "$0")"
rustup target add wasm32-unknown-unknown >/dev/null
# One 64 KiB page: 16 KiB of shadow stack plus the 5 KiB of statics.
RUSTFLAGS="-C link-arg=-zstack-size=16384 -C link-arg=--initial-memory=65536 -C link-arg=--max-memory=65536" \
  cargo build --release --target wasm32-unknown-unknown \
  --manifest-path crc32/Cargo.toml --target-dir "${TMPDIR:-/tmp}/wasmbed-crc32-guest"
cp "${TMPDIR:-/tmp}/wasmbed-crc32-guest/wasm32-unknown-unknown/release/crc32_guest.wasm" crc32.wasm
zig=(zig)
command -v zig >/dev/null || zig=(python3 -m ziglang)
# A 16 KiB stack (printf needs more than 8); the C library's malloc grows the memory as it needs.
"${zig[@]}" cc --target=wasm32-wasi -Os -s -Wl,-z,stack-size=16384 \
  -o wasi-lines.wasm wasi-lines/main.c
ls -l crc32.wasm wasi-lines.wasm
