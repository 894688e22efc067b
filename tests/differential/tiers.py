#!/usr/bin/env python3
"""Differential test of the two tiers: generates modules with `wasm-opt -ttf` from seeded random
bytes (seed = the module's number, so a failure replays exactly), runs each with
`wasmcap_diff --tier interp` and `--tier jit`, and compares the canonical outputs with
fuzz/differential/compare.py. Then fuel: each module again on both tiers with --fuel set to a few
seeded fractions of what the interpreter's run used, so each runs out somewhere inside it; the
run-out export, every result before it and the fuel left after each export must agree.
Disagreements are kept under --work/diff-N/. Exit status: 0 all agree, 1 a disagreement, 77
wasm-opt is missing (CTest: skipped)."""
import argparse
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "fuzz", "differential", "compare.py")
# SIMD too: the LLVM tier compiles every v128 instruction (the driver fails a module it leaves to
# the interpreter).
FEATURES = ["--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
            "--enable-mutable-globals", "--enable-multivalue", "--enable-simd"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--modules", type=int, default=40)
    ap.add_argument("--first", type=int, default=1, help="seed of the first module")
    ap.add_argument("--work", required=True)
    ap.add_argument("--fuel-points", type=int, default=3,
                    help="fuel run-out points tried per module (0: none)")
    args = ap.parse_args()
    if shutil.which("wasm-opt") is None:
        print("wasm-opt (binaryen) not found: skipped")
        return 77
    os.makedirs(args.work, exist_ok=True)
    agree = disagree = skipped = compiled = fuel_runs = 0
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
        def run_both(extra):
            outs = {}
            for tier in ("interp", "jit"):
                p = subprocess.run([args.driver, "--tier", tier, *extra, wasm],
                                   capture_output=True, timeout=120)
                if p.returncode != 0:
                    print(f"module {n}: wasmcap_diff --tier {tier} {' '.join(extra)} exited "
                          f"{p.returncode}: {p.stderr.decode(errors='replace').strip()}")
                    return None, None
                outs[tier] = os.path.join(args.work, f"{tier}.txt")
                with open(outs[tier], "wb") as f:
                    f.write(p.stdout)
            same = subprocess.run([sys.executable, COMPARE, outs["interp"], outs["jit"]]).returncode == 0
            return same, outs

        same, outs = run_both([])
        if same is None:
            return 1
        if b"module rejected" not in open(outs["jit"], "rb").read():
            compiled += 1
        # Fuel: how much the whole run takes on the interpreter, then a few amounts below it.
        fuel_args = []
        if same and args.fuel_points > 0:
            big = 2_000_000_000
            p = subprocess.run([args.driver, "--tier", "interp", "--fuel", str(big), wasm],
                               capture_output=True, timeout=120)
            lefts = [int(l.split()[1]) for l in p.stdout.decode().splitlines()
                     if l.startswith("fuel-left ")]
            used = big - lefts[-1] if lefts else 0
            if used > 1:
                fuel_args = [["--fuel", str(rnd.randrange(0, used))] for _ in range(args.fuel_points)]
        for extra in fuel_args:
            same, outs = run_both(extra)
            if same is None:
                return 1
            fuel_runs += 1
            if not same:
                print(f"module {n}: the tiers disagree with {' '.join(extra)}")
                break
        if same:
            agree += 1
            continue
        disagree += 1
        keep = os.path.join(args.work, f"diff-{n}")
        os.makedirs(keep, exist_ok=True)
        for path in (wasm, outs["interp"], outs["jit"]):
            shutil.copy(path, keep)
        print(f"module {n}: the tiers disagree, see {keep}")
    print(f"modules: {args.modules}, agree: {agree}, disagree: {disagree}, "
          f"ttf failures: {skipped}, accepted by wasmcap: {compiled}, fuel runs: {fuel_runs}")
    return 0 if disagree == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
