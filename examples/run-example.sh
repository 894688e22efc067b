#!/usr/bin/env bash
# The quickstart's example: runs examples/factorial.wat with the freshly built wasmcap.
# Usage: examples/run-example.sh PATH/TO/wasmcap
set -euo pipefail
wasmcap=${1:?usage: run-example.sh PATH/TO/wasmcap}
here=$(dirname "$0")
echo "\$ wasmcap run --invoke fac examples/factorial.wat 20"
"$wasmcap" run --invoke fac "$here/factorial.wat" 20
