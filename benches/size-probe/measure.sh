#!/usr/bin/env bash
# Prints the flash footprint (.text + .rodata) of wasmbed-core with on-device
# validation, as linked into a minimal thumbv7em-none-eabihf program.
set -euo pipefail
cd "$(dirname "$0")"
rustup target add thumbv7em-none-eabihf >/dev/null
RUSTFLAGS="-C link-arg=--gc-sections -C link-arg=-e_start" \
  cargo build --release --target thumbv7em-none-eabihf --quiet
elf=target/thumbv7em-none-eabihf/release/wasmbed-size-probe
size -A "$elf" | awk '/^\.text|^\.rodata/ { print; total += $2 } END { printf "flash total %d bytes (%.1f KiB)\n", total, total / 1024 }'
