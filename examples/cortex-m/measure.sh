#!/usr/bin/env bash
# Prints the firmware's footprint with and without the guests: flash
# (.vector_table + .text + .rodata), static RAM (.data + .bss, which holds
# the heap arena and the linear-memory region) and, from a run under QEMU,
# the peak heap and linear-memory use.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/wasmbed-cortex-m"
for build in --no-guests ""; do
  log=$(./run.sh $build 2>/dev/null)
  echo "== firmware ${build:-with guests}"
  size -A "$elf" | awk '
    /^\.vector_table|^\.text|^\.rodata/ { flash += $2; printf "  %-14s %8d\n", $1, $2 }
    /^\.data|^\.bss/ { ram += $2; printf "  %-14s %8d\n", $1, $2 }
    END { printf "  flash %d bytes (%.1f KiB), static RAM %d bytes (%.1f KiB)\n", flash, flash / 1024, ram, ram / 1024 }'
  echo "$log" | grep '^info:' | sed 's/^/  /'
done
