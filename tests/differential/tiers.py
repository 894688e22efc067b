#!/usr/bin/env python3
"""Differential test of the two tiers: generates modules with `wasm-opt -ttf` from seeded random
bytes (seed = the module's number, so a failure replays exactly), runs each with
`wasmcap_diff --tier interp` and `--tier jit`, and compares the canonical outputs with
fuzz/differential/compare.py. Then fuel: each module again on both tiers with --fuel set to a few
seeded fractions of what the interpreter's run used, so each runs out somewhere inside it; the
run-out export, every result before it and the fuel left after each export must agree.

Two feature sets. `--features 2.0` (the default): WebAssembly 2.0's, which Debian's binaryen
(108) emits. `--features 3.0`: the 3.0 features wasmcap runs besides (tail calls, extended
constant expressions, multiple memories, 64-bit memories, exception handling, relaxed SIMD),
which need binaryen 132 (npm, pinned in tests/wasi_p2/package.json: `--wasm-opt` points at its
node_modules/.bin/wasm-opt). Not GC, typed function references, strings, threads or stack
switching (`--features gc` adds GC and typed references); binaryen 132 still emits a few typed-reference instructions (`ref.as_non_null`,
`(ref (exact ...))` locals) with reference types on, so a module wasmcap rejects is dropped as
"typed references" when its text shows them, and any other rejection is a failure (binaryen
made a module of supported features that wasmcap refuses). A module the LLVM tier leaves to the
interpreter (wasmcap_diff --tier jit exits 4; e.g. multiple memories, until compiled code has
them) is counted with its reason and compared only with binaryen.

`--fuzz-exec` adds binaryen's own interpreter (`wasm-opt --fuzz-exec-before`) as a third opinion
on the interpreter's run: binaryen_exec.py says what it compares and where it stops.

Disagreements are kept under --work/diff-N/. Exit status: 0 all agree, 1 a disagreement, 77
wasm-opt is missing or too old for the feature set (CTest: skipped)."""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys

import binaryen_exec

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "fuzz", "differential", "compare.py")
# SIMD too: the LLVM tier compiles every v128 instruction (the driver fails a module it leaves to
# the interpreter).
FEATURES = {
    "2.0": ["--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
            "--enable-mutable-globals", "--enable-multivalue", "--enable-simd"],
}
# binaryen 132 splits bulk memory (memory.copy/fill are --enable-bulk-memory-opt) and knows
# 3.0's overlong call_indirect table index.
FEATURES["3.0"] = FEATURES["2.0"] + [
    "--enable-bulk-memory-opt", "--enable-call-indirect-overlong", "--enable-reference-types",
    "--enable-tail-call", "--enable-extended-const", "--enable-multimemory",
    "--enable-memory64", "--enable-exception-handling", "--enable-relaxed-simd"]
# `--features gc`: the 3.0 set with GC (structs, arrays, i31, casts, typed function references),
# all of which wasmcap runs on both tiers (docs/gc.md): no module is dropped for its types.
FEATURES["gc"] = FEATURES["3.0"] + ["--enable-gc"]
MIN_VERSION = {"2.0": 0, "3.0": 132, "gc": 132}
# Typed-reference constructs in wasm-opt's text of a module (see the docstring).
TYPED_REFS = re.compile(r"ref\.as_non_null|br_on_(non_)?null|call_ref|\(ref (exact )?\$|\(ref (exact )?\(")


def wasm_opt_version(wasm_opt):
    try:
        p = subprocess.run([wasm_opt, "--version"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(rb"version (\d+)", p.stdout)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--modules", type=int, default=40)
    ap.add_argument("--first", type=int, default=1, help="seed of the first module")
    ap.add_argument("--work", required=True)
    ap.add_argument("--fuel-points", type=int, default=3,
                    help="fuel run-out points tried per module (0: none)")
    ap.add_argument("--features", choices=sorted(FEATURES), default="2.0")
    ap.add_argument("--wasm-opt", default="wasm-opt", help="binaryen's wasm-opt to generate with")
    ap.add_argument("--fuzz-exec", action="store_true",
                    help="compare the interpreter with binaryen's --fuzz-exec-before too")
    args = ap.parse_args()
    wasm_opt = shutil.which(args.wasm_opt)
    if wasm_opt is None:
        print(f"{args.wasm_opt} (binaryen) not found: skipped")
        return 77
    version = wasm_opt_version(wasm_opt)
    if version is None or version < MIN_VERSION[args.features]:
        print(f"{wasm_opt} is binaryen {version}; the {args.features} set needs "
              f"{MIN_VERSION[args.features]} or later: skipped")
        return 77
    features = FEATURES[args.features]
    os.makedirs(args.work, exist_ok=True)
    agree = disagree = skipped = compiled = fuel_runs = 0
    typed_refs = binaryen_checked = binaryen_exports = binaryen_crashed = all_exports = 0
    fallbacks = {}
    for n in range(args.first, args.first + args.modules):
        # The 2.0 set keeps its seeds (so old failures replay); the 3.0 set has its own.
        rnd = random.Random({"2.0": f"tiers-{n}", "3.0": f"tiers3-{n}"}.get(args.features,
                                                                             f"tiers-gc-{n}"))
        raw = os.path.join(args.work, "in.bin")
        wasm = os.path.join(args.work, "m.wasm")
        with open(raw, "wb") as f:
            f.write(rnd.randbytes(rnd.randrange(100, 8100)))
        if subprocess.run([wasm_opt, *features, "-ttf", raw, "-o", wasm],
                          capture_output=True).returncode != 0:
            skipped += 1
            continue
        problem = None  # what went wrong with this module, if anything

        def keep_module(files):
            keep = os.path.join(args.work, f"diff-{n}")
            os.makedirs(keep, exist_ok=True)
            for path in files:
                shutil.copy(path, keep)
            return keep

        def run_both(extra):
            outs = {}
            for tier in ("interp", "jit"):
                p = subprocess.run([args.driver, "--tier", tier, *extra, wasm],
                                   capture_output=True, timeout=120)
                if tier == "jit" and p.returncode == 4 and args.features == "3.0":
                    return "fallback", p.stderr.decode(errors="replace").strip()
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
        interp_txt = os.path.join(args.work, "interp.txt")
        if same == "fallback":
            # Compiled code cannot run it yet: the interpreter alone, for binaryen's opinion.
            reason = outs.split(": ", 1)[-1]
            fallbacks[reason] = fallbacks.get(reason, 0) + 1
            p = subprocess.run([args.driver, "--tier", "interp", wasm], capture_output=True,
                               timeout=120)
            with open(interp_txt, "wb") as f:
                f.write(p.stdout)
            same, outs = True, None
        rejected = b"module rejected" in open(interp_txt, "rb").read()
        if not rejected:
            compiled += 1
        elif args.features != "2.0":
            text = subprocess.run([wasm_opt, *features, wasm, "--print"], capture_output=True,
                                  timeout=120).stdout.decode(errors="replace")
            if args.features == "3.0" and TYPED_REFS.search(text):
                typed_refs += 1
                continue
            err = subprocess.run([args.driver, "--tier", "interp", wasm], capture_output=True,
                                 timeout=120).stderr.decode(errors="replace").strip()
            problem = f"wasmcap rejects a module of supported features: {err}"
        # Fuel: how much the whole run takes on the interpreter, then a few amounts below it.
        fuel_args = []
        if same and outs is not None and not rejected and args.fuel_points > 0:
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
                problem = f"the tiers disagree with {' '.join(extra)}"
                break
        if problem is None and not same:
            problem = "the tiers disagree"
        if problem is None and args.fuzz_exec and not rejected:
            p = subprocess.run([wasm_opt, *features, wasm, "--fuzz-exec-before"],
                               capture_output=True, timeout=300)
            theirs = os.path.join(args.work, "binaryen.txt")
            with open(theirs, "wb") as f:
                f.write(p.stdout + p.stderr)
            # The interpreter's plain run (a fuel run may have overwritten interp.txt).
            p = subprocess.run([args.driver, "--tier", "interp", wasm], capture_output=True,
                               timeout=120)
            with open(interp_txt, "wb") as f:
                f.write(p.stdout)
            count, why = binaryen_exec.compare(open(theirs, errors="replace").read(),
                                               p.stdout.decode(errors="replace"))
            binaryen_checked += 1
            binaryen_exports += count
            all_exports += len(binaryen_exec.parse_wasmcap(p.stdout.decode(errors="replace")))
            binaryen_crashed += binaryen_exec.parse_binaryen(open(theirs, errors="replace").read())[1]
            if why is not None:
                problem = f"wasmcap's interpreter and binaryen disagree: {why}"
                outs = {"interp": interp_txt, "binaryen": theirs}
        if problem is None:
            agree += 1
            continue
        disagree += 1
        files = [wasm] + (list(outs.values()) if isinstance(outs, dict) else [])
        print(f"module {n}: {problem}, see {keep_module(files)}")
    print(f"modules: {args.modules} ({args.features} features), agree: {agree}, "
          f"disagree: {disagree}, ttf failures: {skipped}, accepted by wasmcap: {compiled}, "
          f"fuel runs: {fuel_runs}")
    if args.features != "2.0":
        print(f"dropped for typed references: {typed_refs}; left to the interpreter on --tier "
              f"jit: {sum(fallbacks.values())} {fallbacks if fallbacks else ''}")
    if args.fuzz_exec:
        print(f"binaryen --fuzz-exec: {binaryen_checked} modules, {binaryen_exports} of "
              f"{all_exports} export calls compared (the rest after a call of another import "
              f"than log-*), {binaryen_crashed} runs where binaryen's node build crashed part way")
    return 0 if disagree == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
