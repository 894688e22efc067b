#!/usr/bin/env bash
# run_cwasm.sh WASMCAP WAT OUT: a .cwasm of a module with an i64 memory (cli.wat) loads and runs:
# `wasmcap compile` writes it, `wasmcap run -v` runs it without compiling, gets the same result as
# the interpreter (65536) and reports explicit bounds checks for the memory (an i64 memory never
# has guard pages, so the file's code must carry them whatever the host allows).
set -u
wasmcap=$1 wat=$2 out=$3
"$wasmcap" compile "$wat" -o "$out" || { echo "compile failed"; exit 1; }
result=$("$wasmcap" run -v --invoke grow_and_touch "$out" 2>"$out.err")
status=$?
if [ "$status" != 0 ] || [ "$result" != 65536 ]; then
  printf 'run: exit status %s, output %s (expected 65536), stderr:\n' "$status" "$result"
  cat "$out.err"
  exit 1
fi
if ! grep -q "memory 0: explicit bounds checks (64-bit memory" "$out.err"; then
  echo "run -v does not report explicit checks for the i64 memory:"
  cat "$out.err"
  exit 1
fi
if grep -q "runs on the interpreter\|code cache" "$out.err"; then
  echo "the .cwasm was not run as precompiled code:"
  cat "$out.err"
  exit 1
fi
exit 0
