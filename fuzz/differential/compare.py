#!/usr/bin/env python3
# Compares two canonical outputs (wasmcap, V8) call by call. A call that exhausts the stack on
# either side ends the comparison there: the engines' stack depths legitimately differ.
import sys


def calls(path):
    out, cur = [], []
    for line in open(path, errors="replace").read().splitlines():
        cur.append(line)
        if not line.startswith("import "):
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


a, b = calls(sys.argv[1]), calls(sys.argv[2])
for x, y in zip(a, b):
    if x[-1].endswith(" exhausted") or y[-1].endswith(" exhausted"):
        sys.exit(0)
    if x != y:
        sys.exit(1)
sys.exit(0 if len(a) == len(b) else 1)
