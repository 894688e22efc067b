#!/usr/bin/env python3
"""Relaxed SIMD, interpreter against LLVM tier: Debian's binaryen (tiers.py's 2.0 set) emits no
relaxed SIMD and binaryen 132 (the 3.0 set) little, so this writes its own module. Every relaxed instruction runs on operands loaded from a seeded
memory full of edge values (NaNs with and without payloads, signed zeros, infinities, the
integer conversions' bounds, values whose fused and unfused multiply-add differ, swizzle indexes
past 15, bytes and halves at their extremes), once through v128.load (computed at run time) and
again as v128.const operands (which LLVM may fold at compile time). Each export is called by
wasmcap_diff on both tiers; the outputs must be equal (fuzz/differential/compare.py). Exit 0
agree, 1 disagree or error."""
import argparse
import os
import random
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "..", "..", "fuzz", "differential", "compare.py")

# (0xFD sub-opcode, operand count)
OPS = [(0x100, 2), (0x101, 1), (0x102, 1), (0x103, 1), (0x104, 1), (0x105, 3), (0x106, 3),
       (0x107, 3), (0x108, 3), (0x109, 3), (0x10A, 3), (0x10B, 3), (0x10C, 3), (0x10D, 2),
       (0x10E, 2), (0x10F, 2), (0x110, 2), (0x111, 2), (0x112, 2), (0x113, 3)]

# Float results, by the lane comparison that finds their NaN lanes (f32x4.eq, f64x2.eq).
FLOAT_RESULT = {0x105: 0x41, 0x106: 0x41, 0x10D: 0x41, 0x10E: 0x41,
                0x107: 0x47, 0x108: 0x47, 0x10F: 0x47, 0x110: 0x47}

F32 = [0x7FC00000, 0xFFC00000, 0x7FC12345, 0x7F800001, 0x00000000, 0x80000000, 0x7F800000,
       0xFF800000, 0x3F800000, 0xBF800000, 0x4F000000, 0xCF000000, 0x4F800000, 0x4F7FFFFF,
       0xBFC00000, 0x3F000000, 0x00000001, 0x7F7FFFFF, 0x3F800800, 0xBF801000, 0x5F000000]
F64 = [0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001, 0, 0x8000000000000000,
       0x7FF0000000000000, 0xFFF0000000000000, 0x3FF0000000000000, 0x41E0000000000000,
       0xC1E0000000000000, 0x41F0000000000000, 0x41EFFFFFFFE00000, 0x3FF0000002000000,
       0xBFF0000004000000, 0xC1E0000000200000, 0x0000000000000001]
BYTES = [0, 1, 15, 16, 17, 31, 0x70, 0x7F, 0x80, 0x81, 0xF0, 0xFF]
HALVES = [0x8000, 0x7FFF, 0xC000, 0x4000, 0xFFFF, 0, 1]


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


def vec(items):
    return leb(len(items)) + b"".join(items)


def chunk(rnd):
    kind = rnd.randrange(5)
    if kind == 0:
        return b"".join(struct.pack("<I", rnd.choice(F32)) for _ in range(4))
    if kind == 1:
        return b"".join(struct.pack("<Q", rnd.choice(F64)) for _ in range(2))
    if kind == 2:
        return bytes(rnd.choice(BYTES) for _ in range(16))
    if kind == 3:
        return b"".join(struct.pack("<H", rnd.choice(HALVES)) for _ in range(8))
    return rnd.randbytes(16)


def build(seed, cases):
    rnd = random.Random(f"relaxed-{seed}")
    chunks = [chunk(rnd) for _ in range(256)]
    bodies = []
    for op, arity in OPS:
        for case in range(cases):
            picks = [rnd.randrange(len(chunks)) for _ in range(arity)]
            code = bytearray()
            for p in picks:
                if case % 4 == 3:  # constant operands
                    code += b"\xFD\x0C" + chunks[p]
                else:
                    code += b"\x41" + sleb(p * 16) + b"\xFD\x00\x04\x00"  # i32.const; v128.load
            code += b"\xFD" + leb(op)
            if op in FLOAT_RESULT:
                # NaN lanes made canonical: a NaN's sign and payload are the spec's own
                # nondeterminism (on every float instruction), and wasmcap_diff's v128 text would
                # otherwise show an f32 NaN's sign through the f64 view of its lane.
                eq = FLOAT_RESULT[op]
                canon = (struct.pack("<I", 0x7FC00000) * 4 if eq == 0x41
                         else struct.pack("<Q", 0x7FF8000000000000) * 2)
                code += (b"\x22\x00\xFD\x0C" + canon + b"\x20\x00\x20\x00\xFD" + leb(eq) +
                         b"\xFD" + leb(0x52))  # tee; const; get; get; eq; v128.bitselect
            code += b"\x0B"
            body = b"\x01\x01\x7B" + bytes(code)  # one v128 local
            bodies.append(leb(len(body)) + body)
    n = len(bodies)
    types = section(1, vec([b"\x60\x00\x01\x7B"]))
    funcs = section(3, vec([b"\x00"] * n))
    memory = section(5, vec([b"\x00\x01"]))
    exports = section(7, vec([leb(len(f"f{i}")) + f"f{i}".encode() + b"\x00" + leb(i)
                              for i in range(n)]))
    code = section(10, vec(bodies))
    data_bytes = b"".join(chunks)
    data = section(11, vec([b"\x00\x41\x00\x0B" + leb(len(data_bytes)) + data_bytes]))
    return b"\x00asm\x01\x00\x00\x00" + types + funcs + memory + exports + code + data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--cases", type=int, default=40, help="calls per instruction and seed")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for seed in range(args.seeds):
        wasm = os.path.join(args.work, f"relaxed-{seed}.wasm")
        with open(wasm, "wb") as f:
            f.write(build(seed, args.cases))
        outs = {}
        for tier in ("interp", "jit"):
            p = subprocess.run([args.driver, "--tier", tier, wasm], capture_output=True,
                               timeout=300)
            out = p.stdout.decode(errors="replace")
            if p.returncode != 0 or "module rejected" in out or " trap " in out:
                print(f"seed {seed}: wasmcap_diff --tier {tier} exited {p.returncode}: "
                      f"{p.stderr.decode(errors='replace').strip()} {out[:200]}")
                return 1
            outs[tier] = os.path.join(args.work, f"relaxed-{seed}.{tier}.txt")
            with open(outs[tier], "w") as f:
                f.write(out)
        if subprocess.run([sys.executable, COMPARE, outs["interp"], outs["jit"]]).returncode:
            print(f"seed {seed}: the tiers disagree, see {outs['interp']} and {outs['jit']}")
            return 1
        calls = open(outs["jit"]).read().count(" -> ")
        print(f"seed {seed}: {calls} calls agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
