#!/usr/bin/env python3
"""Writes a C program with many distinct functions (default 6000) for start-up measurements of
big modules: `wasmcap compile`, the code cache and a fresh JIT compile (docs/llvm.md, AOT).
Each function mixes integer and float arithmetic, a loop and a switch so that the compiled
module is large (about 1.5 MB of wasm with the default count); main calls every function once
and prints a checksum, so every tier must agree on the output.

  bench/gen_big.py [COUNT [REPEAT]] > big.c
  clang-19 --target=wasm32-wasi -O1 big.c -o big.wasm

With REPEAT (default 0), main then calls the first 16 functions REPEAT times more in a loop: a
big module with a small hot part, for per-function tier-up (docs/tiering.md).
"""
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 0
out = sys.stdout
out.write("#include <stdio.h>\n#include <stdint.h>\n\n")
out.write(f"#define REPEAT {repeat}u\n\n")
for i in range(count):
    a, b, c = (i * 7 + 3) % 31 + 1, (i * 13 + 5) % 29 + 1, (i * 17 + 11) % 23 + 1
    out.write(f"""__attribute__((noinline)) uint32_t f{i}(uint32_t x) {{
  uint32_t acc = x ^ {i}u;
  double d = (double)x * {a}.5;
  for (uint32_t k = 0; k < {b}u; ++k) {{
    acc = acc * {2 * a + 1}u + (k ^ {c}u);
    switch ((acc >> 3) & 7) {{
    case 0: acc += {a}u; break;
    case 1: acc ^= acc >> {b % 16 + 1}; break;
    case 2: d = d * 0.5 + k; break;
    case 3: acc -= {c}u * k; break;
    case 4: acc = (acc << {a % 31 + 1}) | (acc >> {32 - (a % 31 + 1)}); break;
    default: d += acc & 255; break;
    }}
  }}
  return acc + (uint32_t)(d / {b}.0);
}}
""")
out.write("\ntypedef uint32_t (*fn)(uint32_t);\nstatic const fn table[] = {\n")
for i in range(count):
    out.write(f"  f{i},\n")
out.write("""};

int main(void) {
  uint32_t sum = 0;
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; ++i) sum = sum * 31u + table[i](i);
  for (unsigned r = 0; r < REPEAT; ++r)
    for (unsigned i = 0; i < 16 && i < sizeof table / sizeof table[0]; ++i)
      sum = sum * 31u + table[i](i + r);
  printf("checksum: %08x\\n", sum);
  return 0;
}
""")
