#!/usr/bin/env bash
# perfmap.sh WASMCAP CLI_DIR: `wasmcap run --profile=perfmap` names compiled wasm functions in
# /tmp/perf-PID.map, Linux perf's convention for JIT code: one "START SIZE NAME" line (hex, no
# 0x) per function and per entry wrapper, for code compiled now and for code loaded from the
# cache. Without the option no map is written. --profile=jitdump writes perf's jitdump file,
# which `perf inject --jit` turns into symbols (that part runs where perf can record).
set -u
wasmcap=$1 dir=$2
work=$(mktemp -d)
export XDG_CACHE_HOME=$work/cache
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

# Runs wasmcap with ARGS in the background to learn its pid; echoes the map's path.
run_for_map() {
  "$wasmcap" "$@" >"$work/out" 2>&1 &
  local pid=$!
  wait "$pid" || fail "wasmcap $* exited with $?: $(cat "$work/out")"
  echo "/tmp/perf-$pid.map"
}

for how in "--no-cache" "--cache" "--cache"; do # compiled, written to the cache, loaded from it
  map=$(run_for_map run --tier jit $how --profile=perfmap --invoke fib "$dir/fib.wat" 20)
  grep -q '^6765$' "$work/out" || fail "fib(20) ($how): $(cat "$work/out")"
  grep -Eq '^[0-9a-f]+ [0-9a-f]+ fib$' "$map" 2>/dev/null || fail "no fib line in $map ($how)"
  grep -Eq '^[0-9a-f]+ [0-9a-f]+ wasm-entry\[fib\]$' "$map" 2>/dev/null ||
    fail "no entry wrapper line in $map ($how)"
  grep -Evq '^[0-9a-f]+ [0-9a-f]+ .+$' "$map" 2>/dev/null && fail "a malformed line in $map"
  rm -f "$map"
done

map=$(run_for_map run --tier jit --no-cache --invoke fib "$dir/fib.wat" 5)
[ -e "$map" ] && fail "a map without --profile" && rm -f "$map"

# --profile=jitdump: jit-PID.dump in $JITDUMPDIR, perf's binary format: the header, then one
# JIT_CODE_LOAD record per function and entry wrapper, with its name and a copy of its code.
for how in "--no-cache" "--cache"; do
  rm -f "$work"/jit-*.dump
  JITDUMPDIR=$work "$wasmcap" run --tier jit $how --profile=jitdump --invoke fib "$dir/fib.wat" 20 \
    >"$work/out" 2>&1 || fail "jitdump ($how): $(cat "$work/out")"
  dump=$(ls "$work"/jit-*.dump 2>/dev/null | head -n 1)
  [ -n "$dump" ] || { fail "no jit-PID.dump ($how)"; continue; }
  python3 - "$dump" <<'PY' || fail "jitdump ($how): malformed $dump"
import struct, sys
data = open(sys.argv[1], "rb").read()
magic, version, size, mach, _, pid = struct.unpack_from("<6I", data, 0)
assert (magic, version, size, mach) == (0x4A695444, 1, 40, 62), (magic, version, size, mach)
assert sys.argv[1].endswith(f"jit-{pid}.dump")
at, names = 40, {}
while at < len(data):
    rid, total, _ = struct.unpack_from("<IIQ", data, at)
    assert rid == 0 and total > 56 and at + total <= len(data), (rid, total, at)
    rpid, tid, vma, addr, code_size, index = struct.unpack_from("<IIQQQQ", data, at + 16)
    end = data.index(b"\0", at + 56)
    name = data[at + 56:end].decode()
    assert rpid == pid and vma == addr and code_size > 0
    assert end + 1 + code_size == at + total, "the code bytes do not fill the record"
    names[name] = code_size
    at += total
assert "fib" in names and "wasm-entry[fib]" in names, names
print("jitdump:", names)
PY
done

# With perf, the whole way: record, inject, and the report names the wasm function.
if perf record -q -e cpu-clock -k mono -o "$work/probe.data" -- true >/dev/null 2>&1; then
  rm -f "$work"/jit-*.dump
  (cd "$work" && JITDUMPDIR=$work perf record -q -e cpu-clock -k mono -o "$work/perf.data" -- \
    "$wasmcap" run --tier jit --no-cache --profile=jitdump --invoke fib "$dir/fib.wat" 32 \
    >/dev/null 2>&1) &&
    perf inject --jit -i "$work/perf.data" -o "$work/perf.jit.data" >/dev/null 2>&1 &&
    perf report --stdio -i "$work/perf.jit.data" --sort sym 2>/dev/null | grep -q ' fib$' ||
    fail "perf inject --jit: no fib in the report"
else
  echo "SKIPPED: perf record -> inject -> report (perf cannot record here)"
fi

rm -rf "$work"
if [ $failures -eq 0 ]; then echo "perfmap: all checks passed"; else exit 1; fi
