#!/usr/bin/env bash
# One command for the whole benchmark, on a fresh machine:
#
#   benches/run.sh [HARNESS ARGS...]
#
# 1. installs what is missing: the ziglang Python package, whose
#    `python3 -m ziglang cc` compiles C to wasm32 (pip, pinned to 0.17.1;
#    no Rust wasm target is needed, the workloads are C and .wat);
# 2. builds the C workloads to wasm and computes their expected checksums by
#    compiling the same sources natively with `cc` and running them
#    (workloads/build.sh);
# 3. builds the harness in release mode and runs it: every workload on
#    wasmbed, wasmi, wasmtime-cranelift and wasmtime-winch, each result
#    checked against its checksum, and writes benches/RESULTS.md (when run
#    without a filter or --runtime/--no-rss options).
#
# Needs beforehand: cargo (Rust 1.95+), python3 with pip, a C compiler (`cc`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! python3 -m ziglang version >/dev/null 2>&1; then
    echo "run.sh: installing ziglang (C to wasm32 compiler)" >&2
    python3 -m pip install --user ziglang==0.17.1 ||
        python3 -m pip install --user --break-system-packages ziglang==0.17.1
fi
command -v "${CC:-cc}" >/dev/null || { echo "run.sh: need a C compiler (cc) for the native checksums" >&2; exit 1; }

"$here/workloads/build.sh"
cargo build --release --manifest-path "$here/Cargo.toml"
exec "$here/target/release/wasmbed-benches" "$@"
