#!/usr/bin/env bash
# Builds the firmware, runs it under QEMU's mps2-an386 (Cortex-M4F) with
# semihosting, and checks its output: every line but the `info:` ones must
# match expected-output.txt, the exit code must be 0, and the run must end
# within the timeout (a hang fails). Used by .ci/run.
#
#   ./run.sh              build and run with the guests
#   ./run.sh --no-guests  the firmware without guests (not checked)
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
features=()
[ "${1:-}" = --no-guests ] && features=(--no-default-features)
cargo build --release --locked "${features[@]}"
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/wasmbed-cortex-m"
out="$CARGO_TARGET_DIR/qemu-output.txt"
status=0
# -icount shift=5: every instruction takes 32 ns of virtual time, so the
# times the firmware prints count instructions (about a 30 MHz core at one
# instruction per cycle) instead of following the host's speed.
timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -icount shift=5 \
  -kernel "$elf" >"$out" 2>&1 || status=$?
cat "$out"
if [ "$status" = 124 ]; then
  echo "run.sh: the firmware did not finish within 120 s" >&2
  exit 1
elif [ "$status" != 0 ]; then
  echo "run.sh: the firmware exited with $status" >&2
  exit 1
fi
[ "${1:-}" = --no-guests ] && exit 0
if ! grep -v '^info:' "$out" | diff -u expected-output.txt -; then
  echo "run.sh: the output differs from expected-output.txt (diff above)" >&2
  exit 1
fi
echo "run.sh: output as expected"
