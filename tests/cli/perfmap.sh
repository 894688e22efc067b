#!/usr/bin/env bash
# perfmap.sh WASMCAP CLI_DIR: `wasmcap run --profile=perfmap` names compiled wasm functions in
# /tmp/perf-PID.map, Linux perf's convention for JIT code: one "START SIZE NAME" line (hex, no
# 0x) per function and per entry wrapper, for code compiled now and for code loaded from the
# cache. Without the option no map is written; an unknown profiler is a usage error.
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

"$wasmcap" run --profile=jitdump "$dir/fib.wat" >"$work/out" 2>&1
status=$?
[ $status -eq 2 ] && grep -q 'expected perfmap, guest or guest,FILE' "$work/out" ||
  fail "--profile=jitdump: status $status, $(cat "$work/out")"

rm -rf "$work"
if [ $failures -eq 0 ]; then echo "perfmap: all checks passed"; else exit 1; fi
