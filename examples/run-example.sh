#!/usr/bin/env bash
# The quickstart's example: builds examples/wasi/textutil.c for wasm32-wasi and runs it under
# wasmcap with one preopened directory, then shows that nothing else is reachable.
# Usage: examples/run-example.sh PATH/TO/wasmcap
set -euo pipefail
wasmcap=$(realpath "${1:?usage: run-example.sh PATH/TO/wasmcap}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -o "$work/textutil.wasm" "$here/wasi/textutil.c"
mkdir "$work/data"
printf 'apples\nbananas\ncherries\n' > "$work/data/fruit.txt"

show() {
  echo "\$ wasmcap $*"
  "$wasmcap" "$@" 2>&1 || echo "(exit status $?)"
  echo
}
cd "$work"
show run --dir data::/data textutil.wasm cp /data/fruit.txt /data/copy.txt
show run --dir data::/data textutil.wasm grep an /data/copy.txt
show run --dir data::/data textutil.wasm ls /data
echo "# the same module cannot reach anything that was not granted:"
show run --dir data::/data textutil.wasm cat /etc/passwd
show run --dir data::/data textutil.wasm cat /data/../../etc/passwd
show run --dir data::/data::ro textutil.wasm cp /data/fruit.txt /data/again.txt
echo "# the host now holds the copy the guest made: $(ls "$work/data" | tr '\n' ' ')"
echo
echo "# and the pure-compute example, with --invoke:"
show run --invoke fac "$here/factorial.wat" 20
