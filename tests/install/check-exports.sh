#!/bin/sh
# Checks libwasmcap.so's dynamic symbol table against its promise (cmake/libwasmcap.map): only the
# C API (wasm_*, wasmcap_*) and the C++ API of include/wasmcap/ (wasmcap::Capitalised classes,
# their vtables and typeinfo, and the free functions the headers declare) are exported; nothing of
# the engine's own namespaces (wasmcap::runtime, ::interp, ::wasi, ...). Also that the API is
# there at all: a few symbols every embedder uses.
# Usage: check-exports.sh LIBWASMCAP_SO
set -eu
so=$1
syms=$(nm -D --defined-only --without-symbol-versions --format=just-symbols "$so" | c++filt)
bad=$(printf '%s\n' "$syms" | grep -v \
  -e '^wasm_' -e '^wasmcap_' -e '^WASMCAP_0$' \
  -e '^wasmcap::[A-Z]' -e '^\(vtable\|typeinfo\|typeinfo name\) for wasmcap::[A-Z]' \
  -e '^wasmcap::[a-z_]*\(\[abi:cxx11\]\)\{0,1\}(' || true)
internal=$(printf '%s\n' "$syms" |
  grep -E '^(wasmcap::)?(runtime|interp|wasi|component|text|binary|validate|ir|support|llvm_tier|wit|capi|detail|http|profile)::' || true)
if [ -n "$bad" ] || [ -n "$internal" ]; then
  echo "libwasmcap.so exports symbols outside the public API:" >&2
  printf '%s\n%s\n' "$bad" "$internal" | grep . | head -n 20 >&2
  exit 1
fi
for want in 'wasm_engine_new' 'wasm_module_new' 'wasm_instance_new' 'wasmcap_wasi_config_new' \
    'wasmcap::Store::Store(' 'wasmcap::Module::from_binary(' 'wasmcap::Linker::' \
    'wasmcap::error_kind_name('; do
  printf '%s\n' "$syms" | grep -qF "$want" ||
    { echo "libwasmcap.so does not export $want" >&2; exit 1; }
done
count=$(printf '%s\n' "$syms" | wc -l)
echo "libwasmcap.so exports $count symbols, all of the public API"
