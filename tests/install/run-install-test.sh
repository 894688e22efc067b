#!/bin/sh
# Installs wasmcap from BUILD_DIR into a temporary prefix and builds the embedding examples
# against that prefix only: a fresh CMake project (find_package(wasmcap)), then pkg-config with
# the C compiler (a C program; the .pc file carries -lstdc++) and with the C++ compiler. With the
# LLVM tier built, the installed CLI must load the installed plugin (lib/wasmcap/) for --tier jit
# and neither it nor the library may link libLLVM.
# Usage: run-install-test.sh BUILD_DIR SOURCE_DIR CC CXX GENERATOR
set -eu
build=$1 src=$2 cc=$3 cxx=$4 generator=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
examples=$src/examples

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log"
# The public headers must stand alone: nothing of src/ may be needed (or installed).
if grep -rn '#include "\(support\|ir\|binary\|validate\|text\|runtime\|interp\|wasi\|api\|llvm\)/' \
    "$tmp/prefix/include"; then
  echo "installed headers include engine (src/) headers" >&2
  exit 1
fi

cmake -S "$examples/embed-c" -B "$tmp/embed-c" -G "$generator" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$tmp/configure.log" || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/embed-c" >"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
"$tmp/embed-c/embed-c" "$examples/embed-c/plugin.wat" "$examples/embed-c/data" |
  grep -q "result: HELLO FROM THE PREOPENED DIRECTORY"
echo "find_package: ok"

pcdir=$(dirname "$(find "$tmp/prefix" -name wasmcap.pc)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs wasmcap)
# shellcheck disable=SC2086 # the flags are words
"$cc" -std=c11 -o "$tmp/embed-c-pc" "$examples/embed-c/embed.c" $flags
"$tmp/embed-c-pc" "$examples/embed-c/plugin.wat" "$examples/embed-c/data" |
  grep -q "result: HELLO FROM THE PREOPENED DIRECTORY"
echo "pkg-config C: ok"

# shellcheck disable=SC2086
"$cxx" -std=c++20 -o "$tmp/embed-cpp-pc" "$examples/embed-cpp/embed.cpp" $flags
"$tmp/embed-cpp-pc" "$examples/embed-cpp/plugin.wat" "$examples/embed-cpp/data" |
  grep -q "result: HELLO FROM THE PREOPENED DIRECTORY"
echo "pkg-config C++: ok"

if ldd "$tmp/prefix/bin/wasmcap" | grep -q libLLVM || grep -q LLVM "$pcdir/wasmcap.pc"; then
  echo "the installed wasmcap or wasmcap.pc links libLLVM" >&2
  exit 1
fi
if [ -e "$build/lib/wasmcap/libwasmcap-llvm.so" ]; then
  plugin=$tmp/prefix/lib/wasmcap/libwasmcap-llvm.so
  [ -e "$plugin" ] || { echo "the LLVM tier plugin was not installed" >&2; exit 1; }
  wast=$src/tests/unit/llvm/answer.wast
  LD_DEBUG=files "$tmp/prefix/bin/wasmcap" wast --tier jit "$wast" >"$tmp/jit.log" 2>&1 ||
    { cat "$tmp/jit.log"; exit 1; }
  grep -q "file=$plugin .*dynamically loaded" "$tmp/jit.log" ||
    { echo "the installed wasmcap did not load $plugin" >&2; grep -i "wasmcap-llvm\|warning" "$tmp/jit.log" >&2; exit 1; }
  echo "installed LLVM tier plugin: ok"
fi
