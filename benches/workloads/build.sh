#!/usr/bin/env bash
# Builds the C workloads in c/ into build/NAME.wasm and computes each one's
# expected checksum natively into build/expected.txt ("NAME CHECKSUM" lines).
#
# The checksum comes from the same C source compiled by the host's C
# compiler (cc, normally gcc) and run natively, so it is independent of
# every runtime under test. It must also equal the value committed in
# expected.txt (a guard against a host compiler that disagrees).
#
# Needs: python3 with the ziglang package (`pip install ziglang==0.17.1`)
# for `python3 -m ziglang cc`, which compiles C to wasm32; and cc.
# Rebuilds only what changed. Usage: workloads/build.sh [-f]  (-f: rebuild all)
set -euo pipefail
cd "$(dirname "$0")"
FORCE=${1:-}
mkdir -p build
ZIGCC=(python3 -m ziglang cc)
CC=${CC:-cc}

# Same flags for both targets. -fno-builtin keeps the hand-written
# memcpy/memset-style loops loops (no calls into a libc that is not there);
# -ffp-contract=off keeps floating point bit-identical (no fused multiply-add);
# -fno-math-errno makes sqrt one instruction on both sides.
COMMON=(-O2 -fno-builtin -fno-strict-aliasing -ffp-contract=off -fno-math-errno -std=c11 -Wall -Werror)
WASM_FLAGS=(--target=wasm32-freestanding -mcpu=generic -nostdlib
    -Wl,--no-entry -Wl,--export=run -Wl,-z,stack-size=1048576)

# The generated large module (compile/instantiate cost).
if [[ ! -e build/large.c || c/gen_large.py -nt build/large.c || -n "$FORCE" ]]; then
    python3 c/gen_large.py > build/large.c.tmp && mv build/large.c.tmp build/large.c
fi

newer() { # newer OUT IN... : true if OUT is missing or older than any IN
    local out=$1; shift
    [[ -n "$FORCE" || ! -e "$out" ]] && return 0
    local f; for f in "$@"; do [[ "$f" -nt "$out" ]] && return 0; done
    return 1
}

: > build/expected.txt.tmp
for src in c/*.c build/large.c; do
    name=$(basename "$src" .c)
    [[ $name == native_main ]] && continue
    # A source that mentions simd128 is built twice for wasm: NAME-scalar
    # without -msimd128 and NAME-v128 with it, both checked against the one
    # native checksum.
    if grep -q simd128 "$src"; then
        variants=("$name-scalar:" "$name-v128:-msimd128")
    else
        variants=("$name:")
    fi
    for v in "${variants[@]}"; do
        out=${v%%:*}
        flags=${v#*:}
        if newer "build/$out.wasm" "$src" c/common.h build.sh; then
            echo "wasm   $out" >&2
            # shellcheck disable=SC2086 # $flags is empty or one flag
            "${ZIGCC[@]}" "${WASM_FLAGS[@]}" "${COMMON[@]}" $flags -Ic -o "build/$out.wasm" "$src"
        fi
    done
    if newer "build/$name.native" "$src" c/common.h c/native_main.c build.sh; then
        echo "native $name" >&2
        "$CC" "${COMMON[@]}" -Ic -o "build/$name.native" "$src" c/native_main.c -lm
    fi
    sum=$("./build/$name.native")
    for v in "${variants[@]}"; do
        echo "${v%%:*} $sum" >> build/expected.txt.tmp
    done
done
mv build/expected.txt.tmp build/expected.txt

# Compare with the committed values.
status=0
while read -r name sum; do
    want=$(awk -v n="$name" '$1 == n { print $2 }' expected.txt)
    if [[ -z "$want" ]]; then
        echo "note: $name: native checksum $sum is not in workloads/expected.txt yet" >&2
    elif [[ "$want" != "$sum" ]]; then
        echo "error: $name: native checksum $sum differs from workloads/expected.txt ($want)" >&2
        status=1
    fi
done < build/expected.txt
exit $status
