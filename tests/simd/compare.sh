#!/usr/bin/env bash
# compare.sh NATIVE WASMCAP GUEST.wasm [TIER]: runs the native build and the wasm guest under
# `wasmcap run [--tier TIER]`; both must succeed and print the same output (the checksum line
# included).
set -u
native=$("$1" 2>&1) || { printf 'native build failed:\n%s\n' "$native"; exit 1; }
guest=$("$2" run ${4:+--tier "$4"} "$3" 2>&1) || { printf 'wasm guest failed:\n%s\n' "$guest"; exit 1; }
printf 'native:\n%s\nwasm:\n%s\n' "$native" "$guest"
if [ "$native" != "$guest" ] || ! printf '%s' "$guest" | grep -q '^checksum '; then
  echo "MISMATCH"
  exit 1
fi
exit 0
