#!/usr/bin/env python3
"""Runs a WASI command under wasmtime (the `wasmtime` package from PyPI)
with the subset of `wasmbed run`'s flags that the compatibility suite uses:
`--dir HOST[::GUEST]`, `--mount HOST:GUEST[:ro]`, `--env K=V`, `--env K`, `--inherit-env`, then the
module and its arguments. `run.py --runtime wasmtime` swaps it in for
wasmbed, to tell a wasmbed bug from a test that fails everywhere.
wasmtime's default wasm stack limit (512 KiB) applies: Go's own runner asks
for 8 MiB, which wasmtime-py 51 crashes on here.
Exit code: the guest's exit code, or 134 for a trap (as `wasmbed run`)."""
import os
import sys

import wasmtime


def main(argv):
    dirs, mounts, env, inherit_env = [], [], [], False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--dir":
            dirs.append(argv[i + 1])
            i += 2
        elif a.startswith("--dir="):
            dirs.append(a[len("--dir="):])
            i += 1
        elif a == "--mount":
            spec = argv[i + 1]
            ro = spec.endswith(":ro")
            host, _, guest = spec[: -3 if ro else None].rpartition(":")
            mounts.append((host, guest, not ro))
            i += 2
        elif a == "--env":
            k, sep, v = argv[i + 1].partition("=")
            env.append((k, v if sep else os.environ[k]))
            i += 2
        elif a == "--inherit-env":
            inherit_env = True
            i += 1
        elif a == "--":
            i += 1
            break
        else:
            break
    module, args = argv[i], argv[i + 1:]
    engine = wasmtime.Engine()
    wasi = wasmtime.WasiConfig()
    wasi.argv = [module] + args
    merged = dict(os.environ) if inherit_env else {}
    merged.update(env)
    wasi.env = list(merged.items())
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    wasi.inherit_stdin()
    for d in dirs:
        host, _, guest = d.partition("::")
        wasi.preopen_dir(host, guest or host)
    for host, guest, mutable in mounts:
        wasi.preopen_dir(host, guest, mutable)
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, module))
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        print(f"error: {e}", file=sys.stderr)
        return 134
    return 0


if __name__ == "__main__":
    # wasmtime's wasm stack lives on the calling thread's stack, and 8 MiB
    # of it does not fit in the main thread's 8 MiB: run on a bigger one.
    import threading

    threading.stack_size(256 * 1024 * 1024)
    result = []
    t = threading.Thread(target=lambda: result.append(main(sys.argv[1:])))
    t.start()
    t.join()
    sys.stdout.flush()
    sys.exit(result[0] if result else 1)
