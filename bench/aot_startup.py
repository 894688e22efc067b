#!/usr/bin/env python3
"""Start-up of `wasmcap run` with compiled code (docs/llvm.md, AOT): for each module, the CPU
time (user+system, from wait4) and wall time, median of --runs, of
  interp   wasmcap run M ARG                       (the interpreter: decode + lower)
  jit      wasmcap run --tier jit --no-cache M ARG (a fresh compile with ORC)
  compile  wasmcap compile M -o M.cwasm            (once; its time and the .cwasm size)
  cwasm    wasmcap run M.cwasm ARG
  cached   wasmcap run --tier jit M ARG            (a cache hit; the cache is in a temp dir)
ARG is the work size (default 1, so the figures are start-up, not the benchmark's work;
MODULE:ARG overrides it for one module).

  bench/aot_startup.py [--runs N] [--arg A] bench/build/fib.wasm:20 bench/build/big.wasm ...
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASMCAP = os.environ.get("WASMCAP", os.path.join(ROOT, "build", "default", "tools", "wasmcap", "wasmcap"))


def timed(cmd, env):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return usage.ru_utime + usage.ru_stime, wall


def median_of(cmd, env, runs):
    cpu, wall = zip(*(timed(cmd, env) for _ in range(runs)))
    return statistics.median(cpu), statistics.median(wall)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--arg", default="1")
    ap.add_argument("--skip-jit", action="store_true", help="no fresh-compile runs (slow for big modules)")
    ap.add_argument("modules", nargs="+")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        print("module        wasm KB  cwasm KB | compile s | CPU ms: interp    jit  cwasm cached | wall ms: interp    jit  cwasm cached")
        for spec in args.modules:
            m, _, arg = spec.partition(":")
            arg = arg or args.arg
            name = os.path.splitext(os.path.basename(m))[0]
            out = os.path.join(tmp, name + ".cwasm")
            compile_cpu, _ = timed([WASMCAP, "compile", m, "-o", out], env)
            rows = {}
            rows["interp"] = median_of([WASMCAP, "run", m, arg], env, args.runs)
            rows["jit"] = (float("nan"), float("nan")) if args.skip_jit else median_of(
                [WASMCAP, "run", "--tier", "jit", "--no-cache", m, arg], env, min(args.runs, 3))
            rows["cwasm"] = median_of([WASMCAP, "run", out, arg], env, args.runs)
            timed([WASMCAP, "run", "--tier", "jit", m, arg], env)  # fills the cache
            rows["cached"] = median_of([WASMCAP, "run", "--tier", "jit", m, arg], env, args.runs)
            cpu = " ".join(f"{rows[k][0] * 1000:6.1f}" for k in ("interp", "jit", "cwasm", "cached"))
            wall = " ".join(f"{rows[k][1] * 1000:6.1f}" for k in ("interp", "jit", "cwasm", "cached"))
            print(f"{name:12} {os.path.getsize(m) / 1024:8.0f} {os.path.getsize(out) / 1024:9.0f} | "
                  f"{compile_cpu:9.2f} |      {cpu} |       {wall}", flush=True)


if __name__ == "__main__":
    main()
