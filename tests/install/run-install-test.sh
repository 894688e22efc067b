#!/bin/sh
# Installs wasmcap from BUILD_DIR into a temporary prefix and builds the embedding examples
# against that prefix only: a fresh CMake project (find_package(wasmcap)) with the shared library
# (wasmcap::wasmcap) and with the static one (wasmcap::static), then pkg-config with the C
# compiler and the C++ compiler, again both libraries (wasmcap, wasmcap-static; the static .pc
# carries -lstdc++ for a C link). The shared library must have its soname and export only the
# public API (check-exports.sh). With the LLVM tier built, the installed CLI must load the
# installed plugin (lib/wasmcap/) for --tier jit and neither it nor the libraries may link libLLVM.
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

libdir=$(dirname "$(find "$tmp/prefix" -name libwasmcap.a)")
so=$(find "$libdir" -maxdepth 1 -name 'libwasmcap.so.*.*' | head -n 1)
[ -n "$so" ] || { echo "no libwasmcap.so.MAJOR.MINOR.PATCH installed in $libdir" >&2; exit 1; }
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case $soname in
  libwasmcap.so.[0-9]*) [ -e "$libdir/$soname" ] && [ -e "$libdir/libwasmcap.so" ] ||
    { echo "libwasmcap.so or $soname (the soname's link) missing in $libdir" >&2; exit 1; } ;;
  *) echo "libwasmcap.so has soname '$soname', expected libwasmcap.so.MAJOR" >&2; exit 1 ;;
esac
sh "$src/tests/install/check-exports.sh" "$so"
echo "shared library $soname: ok"

# The program's output, and which wasmcap library it runs on ("shared" or "static").
check_embed() { # PROGRAM PLUGIN_DIR EXPECTED_LINKAGE
  "$1" "$2/plugin.wat" "$2/data" | grep -q "result: HELLO FROM THE PREOPENED DIRECTORY" ||
    { echo "$1 did not print the plugin's result" >&2; exit 1; }
  if ldd "$1" | grep -q libwasmcap.so; then linkage=shared; else linkage=static; fi
  [ "$linkage" = "$3" ] || { echo "$1 runs on the $linkage library, expected $3" >&2; exit 1; }
}

for lib in wasmcap static; do
  cmake -S "$examples/embed-c" -B "$tmp/embed-c-$lib" -G "$generator" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release \
    -DWASMCAP_EMBED_LIBRARY=wasmcap::$lib >"$tmp/configure.log" || { cat "$tmp/configure.log"; exit 1; }
  cmake --build "$tmp/embed-c-$lib" >"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
  [ $lib = wasmcap ] && want=shared || want=static
  check_embed "$tmp/embed-c-$lib/embed-c" "$examples/embed-c" $want
  echo "find_package, wasmcap::$lib: ok"
done

pcdir=$(dirname "$(find "$tmp/prefix" -name wasmcap.pc)")
for pc in wasmcap wasmcap-static; do
  flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs $pc)
  [ $pc = wasmcap ] && want=shared rpath="-Wl,-rpath,$libdir" || want=static rpath=
  # shellcheck disable=SC2086 # the flags are words
  "$cc" -std=c11 -o "$tmp/pc-c-$pc" "$examples/embed-c/embed.c" $flags $rpath
  check_embed "$tmp/pc-c-$pc" "$examples/embed-c" $want
  echo "pkg-config $pc, C: ok"
  # shellcheck disable=SC2086
  "$cxx" -std=c++20 -o "$tmp/pc-cpp-$pc" "$examples/embed-cpp/embed.cpp" $flags $rpath
  check_embed "$tmp/pc-cpp-$pc" "$examples/embed-cpp" $want
  echo "pkg-config $pc, C++: ok"
done

if ldd "$tmp/prefix/bin/wasmcap" "$so" | grep -q libLLVM || grep -q LLVM "$pcdir"/wasmcap*.pc; then
  echo "the installed wasmcap or wasmcap.pc links libLLVM" >&2
  exit 1
fi
if [ -e "$build/lib/wasmcap/libwasmcap-llvm.so" ]; then
  plugin=$tmp/prefix/lib/wasmcap/libwasmcap-llvm.so
  [ -e "$plugin" ] || { echo "the LLVM tier plugin was not installed" >&2; exit 1; }
  wast=$src/tests/unit/llvm/answer.wast
  LD_DEBUG=files "$tmp/prefix/bin/wasmcap" wast --tier jit "$wast" >"$tmp/jit.log" 2>&1 ||
    { cat "$tmp/jit.log"; exit 1; }
  # The loader says "calling init" for an object it loaded by dlopen or, as the tier loader does,
  # dlmopen (which has no "dynamically loaded" line).
  grep -q "calling init: $plugin\( \|$\)" "$tmp/jit.log" ||
    { echo "the installed wasmcap did not load $plugin" >&2; grep -i "wasmcap-llvm\|warning" "$tmp/jit.log" >&2; exit 1; }
  echo "installed LLVM tier plugin: ok"
fi
