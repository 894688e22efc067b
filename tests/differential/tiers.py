#!/usr/bin/env python3
"""Differential test of the two tiers: generates modules with `wasm-opt -ttf` from seeded random
bytes (seed = the module's number, so a failure replays exactly), runs each with
`wasmcap_diff --tier interp` and `--tier jit`, and compares the canonical outputs with
fuzz/differential/compare.py. Disagreements are kept under --work/diff-N/. Exit status: 0 all
agree, 1 a disagreement, 77 wasm-opt is missing (CTest: skipped)."""
import argparse
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "fuzz", "differential", "compare.py")
FEATURES = ["--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
            "--enable-mutable-globals", "--enable-multivalue"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--modules", type=int, default=40)
    ap.add_argument("--first", type=int, default=1, help="seed of the first module")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if shutil.which("wasm-opt") is None:
        print("wasm-opt (binaryen) not found: skipped")
        return 77
    os.makedirs(args.work, exist_ok=True)
    agree = disagree = skipped = compiled = 0
    for n in range(args.first, args.first + args.modules):
        rnd = random.Random(f"tiers-{n}")
        raw = os.path.join(args.work, "in.bin")
        wasm = os.path.join(args.work, "m.wasm")
        with open(raw, "wb") as f:
            f.write(rnd.randbytes(rnd.randrange(100, 8100)))
        if subprocess.run(["wasm-opt", *FEATURES, "-ttf", raw, "-o", wasm],
                          capture_output=True).returncode != 0:
            skipped += 1
            continue
        outs = {}
        for tier in ("interp", "jit"):
            p = subprocess.run([args.driver, "--tier", tier, wasm], capture_output=True, timeout=120)
            if p.returncode != 0:
                print(f"module {n}: wasmcap_diff --tier {tier} exited {p.returncode}: "
                      f"{p.stderr.decode(errors='replace').strip()}")
                return 1
            outs[tier] = os.path.join(args.work, f"{tier}.txt")
            with open(outs[tier], "wb") as f:
                f.write(p.stdout)
        if b"module rejected" not in p.stdout:
            compiled += 1
        if subprocess.run([sys.executable, COMPARE, outs["interp"], outs["jit"]]).returncode == 0:
            agree += 1
            continue
        disagree += 1
        keep = os.path.join(args.work, f"diff-{n}")
        os.makedirs(keep, exist_ok=True)
        for path in (wasm, outs["interp"], outs["jit"]):
            shutil.copy(path, keep)
        print(f"module {n}: the tiers disagree, see {keep}")
    print(f"modules: {args.modules}, agree: {agree}, disagree: {disagree}, "
          f"ttf failures: {skipped}, accepted by wasmcap: {compiled}")
    return 0 if disagree == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
