#!/usr/bin/env bash
# run_big_memory.sh WASMCAP GUEST TIER [LIMIT_KIB]: runs the wasm64 guest (big_memory.c) on
# `--tier TIER` with --max-memory 6GiB. Without LIMIT_KIB the guest must grow to 5 GiB and read
# back what it wrote past 4 GiB (298), then trap one byte past the end; if the machine cannot map 5 GiB
# the test is skipped (77). With LIMIT_KIB the run is under `ulimit -v LIMIT_KIB`: the grow must
# fail cleanly (the guest returns 0), never crash the host.
set -u
wasmcap=$1 guest=$2 tier=$3 limit=${4:-}
if [ -n "$limit" ]; then
  ulimit -v "$limit" || { echo "cannot set ulimit -v $limit: skipped"; exit 77; }
  # A sanitizer build reserves terabytes of shadow memory at start: it cannot run at all here.
  "$wasmcap" --version >/dev/null 2>&1 || { echo "wasmcap cannot start under ulimit -v: skipped"; exit 77; }
  out=$("$wasmcap" run --tier "$tier" --max-memory 6GiB --invoke run "$guest" 2>&1)
  status=$?
  [ "$status" = 0 ] && [ "$out" = 0 ] && exit 0
  printf 'under ulimit -v %s: exit status %s, output:\n%s\n(expected 0: the grow fails)\n' \
    "$limit" "$status" "$out"
  exit 1
fi
out=$("$wasmcap" run --tier "$tier" --max-memory 6GiB --invoke run "$guest" 2>&1)
status=$?
if [ "$status" = 0 ] && [ "$out" = 0 ]; then
  echo "this machine cannot map a 5 GiB memory: skipped"
  exit 77
fi
if [ "$status" != 0 ] || [ "$out" != 298 ]; then
  printf 'run: exit status %s, output:\n%s\n(expected 298)\n' "$status" "$out"
  exit 1
fi
# Past the end after growing: a fresh instance is 1 page, so the byte at 64 KiB traps.
out=$("$wasmcap" run --tier "$tier" --invoke past_end "$guest" 2>&1)
status=$?
if [ "$status" != 134 ] || ! printf '%s' "$out" | grep -q "out of bounds memory access"; then
  printf 'past_end: exit status %s, output:\n%s\n(expected a trap)\n' "$status" "$out"
  exit 1
fi
exit 0
