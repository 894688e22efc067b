#!/usr/bin/env bash
# aot_cli.sh WASMCAP EXAMPLES_DIR WORK_DIR: `wasmcap compile` and the code cache as a user sees
# them: a .cwasm runs like the JIT and the interpreter; a second JIT run maps cached code without
# loading the plugin (WASMCAP_LLVM_TIER points nowhere, LD_DEBUG shows no libLLVM); damaged,
# truncated and foreign files are refused with the reason (never a crash), and a damaged cache
# entry is recompiled. Guard pages: a .cwasm compiled with them faults and traps in loaded code,
# runs on the explicit-check variant when they are disabled (or says clearly that it needs the
# plugin for that), and the cache keeps guarded and explicit code apart.
set -u
wasmcap=$1 examples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
export XDG_CACHE_HOME=$work/cache
fac=$examples/factorial.wat
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
# expect STATUS PATTERN CMD...: exit status and a regex over stdout+stderr.
expect() {
  local want=$1 pattern=$2
  shift 2
  out=$("$@" 2>&1)
  local status=$?
  [ "$status" = "$want" ] || fail "$* -> status $status, expected $want: $out"
  if [ -z "$out" ]; then
    [[ "" =~ $pattern ]] || fail "$* -> no output, expected /$pattern/"
  elif ! printf '%s' "$out" | grep -Ezq -- "$pattern"; then
    fail "$* -> output does not match /$pattern/: $out"
  fi
}

want=2432902008176640000
expect 0 "^$want$" "$wasmcap" run --invoke fac "$fac" 20
expect 0 "^$want$" "$wasmcap" run --tier jit --no-cache --invoke fac "$fac" 20
expect 0 "^$" "$wasmcap" compile "$fac" -o "$work/fac.cwasm"
expect 0 "^$want$" "$wasmcap" run --invoke fac "$work/fac.cwasm" 20
# A .cwasm never loads the plugin, whatever the tier option says.
expect 0 "^$want$" env WASMCAP_LLVM_TIER=/nonexistent "$wasmcap" run --invoke fac "$work/fac.cwasm" 20
# ... even with --tier jit, which then neither warns nor reads the file through the code cache.
expect 0 "^$want$" env WASMCAP_LLVM_TIER=/nonexistent "$wasmcap" run --tier jit --invoke fac \
  "$work/fac.cwasm" 20
out=$(LD_DEBUG=files "$wasmcap" run --invoke fac "$work/fac.cwasm" 20 2>&1)
if printf '%s' "$out" | grep -Eq 'libLLVM|libwasmcap-llvm'; then fail ".cwasm run loaded LLVM"; fi
# A trap in precompiled code has the spec's text and the wasm frame.
expect 0 "^$" "$wasmcap" compile "$examples/../tests/cli/trap.wat" -o "$work/trap.cwasm"
expect 134 "wasm trap: unreachable.*boom" "$wasmcap" run "$work/trap.cwasm"

# The cache: a miss compiles and writes the entry, a hit maps it with no plugin at all.
expect 0 "code cache miss: $work/cache/wasmcap/[0-9a-f]{32}[.]cwasm.*$want" \
  "$wasmcap" run --tier jit --verbose --invoke fac "$fac" 20
entry=$(ls "$work"/cache/wasmcap/*.cwasm)
expect 0 "code cache hit: $entry.*$want" env WASMCAP_LLVM_TIER=/nonexistent \
  "$wasmcap" run --tier jit --verbose --invoke fac "$fac" 20
out=$(LD_DEBUG=files "$wasmcap" run --tier jit --invoke fac "$fac" 20 2>&1)
if printf '%s' "$out" | grep -Eq 'libLLVM|libwasmcap-llvm'; then fail "cache hit loaded LLVM"; fi
printf '%s' "$out" | grep -q "$want" || fail "cache hit under LD_DEBUG: $out"
# A damaged entry is ignored and rewritten, never fatal.
head -c 200 "$entry" > "$work/short" && mv "$work/short" "$entry"
expect 0 "code cache miss.*ignored the cache entry: truncated.*$want" \
  "$wasmcap" run --tier jit --verbose --invoke fac "$fac" 20
expect 0 "code cache hit.*$want" "$wasmcap" run --tier jit --verbose --invoke fac "$fac" 20
# A component's core modules go through the cache one by one, and -v says so for each.
cat > "$work/comp.wat" <<'WAT'
(component
  (core module $a (func (export "six") (result i32) (i32.const 6)))
  (core instance $ia (instantiate $a))
  (core module $b (import "a" "six" (func $six (result i32)))
    (func (export "f") (result i32) (i32.mul (call $six) (i32.const 7))))
  (core instance $ib (instantiate $b (with "a" (instance $ia))))
  (func (export "f") (result u32) (canon lift (core func $ib "f"))))
WAT
expect 0 "code cache [(]core module 0[)] miss: $work/cache/wasmcap/[0-9a-f]{32}[.]cwasm.*code cache [(]core module 1[)] miss.*42" \
  "$wasmcap" run --tier jit --verbose --invoke 'f()' "$work/comp.wat"
expect 0 "code cache [(]core module 0[)] hit.*code cache [(]core module 1[)] hit.*42" \
  env WASMCAP_LLVM_TIER=/nonexistent "$wasmcap" run --tier jit --verbose --invoke 'f()' "$work/comp.wat"
# A precompiled component: every core module's code in one file, run without LLVM.
expect 0 "" "$wasmcap" compile "$work/comp.wat" -o "$work/comp.cwasm"
expect 0 "^42$" env WASMCAP_LLVM_TIER=/nonexistent "$wasmcap" run --invoke 'f()' "$work/comp.cwasm"
out=$(LD_DEBUG=files "$wasmcap" run --invoke 'f()' "$work/comp.cwasm" 2>&1)
if printf '%s' "$out" | grep -Eq 'libLLVM|libwasmcap-llvm'; then fail "a .cwasm component loaded LLVM"; fi
head -c 300 "$work/comp.cwasm" > "$work/comp_short.cwasm"
expect 4 "precompiled component: checksum mismatch" \
  "$wasmcap" run --invoke 'f()' "$work/comp_short.cwasm"
expect 2 "^Error: $work/comp.cwasm is already compiled: run it with .wasmcap run $work/comp.cwasm.$" "$wasmcap" compile "$work/comp.cwasm" -o "$work/again.cwasm"

# --no-cache neither reads nor writes it.
rm -rf "$work/cache"
expect 0 "^wasmcap: memory 0: no memory"$'\n'"$want$" \
  "$wasmcap" run --tier jit --no-cache --verbose --invoke fac "$fac" 20
[ -e "$work/cache" ] && fail "--no-cache wrote the cache"

# Refusals, each naming its reason (exit 4: not a loadable module).
cwasm=$work/fac.cwasm
size=$(stat -c %s "$cwasm")
head -c 100 "$cwasm" > "$work/truncated.cwasm"
expect 4 "truncated precompiled module" "$wasmcap" run --invoke fac "$work/truncated.cwasm" 20
head -c $((size - 1)) "$cwasm" > "$work/truncated2.cwasm"
expect 4 "truncated precompiled module" "$wasmcap" run --invoke fac "$work/truncated2.cwasm" 20
cp "$cwasm" "$work/corrupt.cwasm"
printf '\xff' | dd of="$work/corrupt.cwasm" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect 4 "corrupted precompiled module [(]checksum mismatch[)]" \
  "$wasmcap" run --invoke fac "$work/corrupt.cwasm" 20
cp "$cwasm" "$work/version.cwasm"
printf '\x07' | dd of="$work/version.cwasm" bs=1 seek=8 conv=notrunc 2>/dev/null
expect 4 "precompiled module format version 7, this wasmcap reads version 6" \
  "$wasmcap" run --invoke fac "$work/version.cwasm" 20
# Checks (docs/llvm.md, "Interruption and fuel"): a .cwasm carries none by default, which a
# plain run (Ctrl-C included: tests/cli/sigint.sh) needs; --timeout needs interruption checks
# and --fuel fuel checks, and each says so rather than running unmetered.
expect 0 "checks: none" "$wasmcap" run -v --invoke fac "$cwasm" 20
expect 2 "precompiled without interruption checks.*--checks interrupt" \
  "$wasmcap" run --timeout 10s --invoke fac "$cwasm" 20
expect 2 "precompiled without fuel checks.*--checks fuel" \
  "$wasmcap" run --fuel 1000 --invoke fac "$cwasm" 20
expect 0 "^$" "$wasmcap" compile --checks interrupt "$fac" -o "$work/fac-interrupt.cwasm"
expect 0 "checks: interruption" \
  "$wasmcap" run -v --timeout 10s --invoke fac "$work/fac-interrupt.cwasm" 20
expect 0 "^$" "$wasmcap" compile --checks fuel "$fac" -o "$work/fac-fuel.cwasm"
expect 134 "all fuel consumed" "$wasmcap" run --fuel 10 --invoke fac "$work/fac-fuel.cwasm" 20
expect 0 "$want" "$wasmcap" run --fuel 100000 --invoke fac "$work/fac-fuel.cwasm" 20
expect 0 "^$" "$wasmcap" compile --checks none "$fac" -o "$work/fac-none.cwasm"
expect 0 "checks: none" "$wasmcap" run -v --no-interrupt --invoke fac "$work/fac-none.cwasm" 20
# SIMD compiles ahead of time and runs from the .cwasm.
printf '(module (func (export "f") (result i32) (i32x4.extract_lane 2 (i32x4.mul (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))))' > "$work/simd.wat"
expect 0 "^$" "$wasmcap" compile "$work/simd.wat" -o "$work/simd.cwasm"
expect 0 "^21$" "$wasmcap" run --invoke f "$work/simd.cwasm"
# What the tier cannot compile is refused by compile (run falls back to the interpreter, and
# says so). Nothing in WebAssembly 2.0 is refused: the testing hook WASMCAP_LLVM_REFUSE=v128
# (src/llvm/codegen.cpp) stands in for it.
printf '(module (func (export "f") (result v128) (v128.const i32x4 1 2 3 4)))' > "$work/v128.wat"
expect 2 "does not support v128" \
  env WASMCAP_LLVM_REFUSE=v128 "$wasmcap" compile "$work/v128.wat" -o "$work/v128.cwasm"
expect 0 "code cache not used.*does not support v128" \
  env WASMCAP_LLVM_REFUSE=v128 "$wasmcap" run --tier jit --verbose --invoke f "$work/v128.wat"
expect 0 "runs on the interpreter for this module.*does not support v128" \
  env WASMCAP_LLVM_REFUSE=v128 "$wasmcap" run --tier jit --no-cache --invoke f "$work/v128.wat"
printf '(module (func (result i32) (i64.const 1)))' > "$work/invalid.wat"
expect 5 "invalid module" "$wasmcap" compile "$work/invalid.wat" -o "$work/invalid.cwasm"
[ -e "$work/invalid.cwasm" ] && fail "compile wrote output for an invalid module"

# Guard pages in precompiled code (docs/llvm.md): compiled with them by default; -v says which.
# This part sets WASMCAP_GUARD_PAGES itself (the rest of the script follows the caller's).
unset WASMCAP_GUARD_PAGES
oob=$examples/../tests/cli/oob.wat
guarded="memory 0: guard pages [(]8 GiB reserved[)]"
oob_trap="wasm trap: out of bounds memory access.*0x[0-9a-f]+ - "
expect 0 "^$" "$wasmcap" compile "$oob" -o "$work/oob.cwasm"
expect 0 "$guarded"$'\n'"0$" "$wasmcap" run -v --invoke load "$work/oob.cwasm" 65532
expect 134 "$guarded.*$oob_trap" env WASMCAP_LLVM_TIER=/nonexistent \
  "$wasmcap" run -v --invoke load "$work/oob.cwasm" 65533
# Guard pages disabled: the explicit-check variant, compiled with the plugin at instantiation...
expect 134 "explicit bounds checks [(]guard pages disabled[)].*$oob_trap" \
  env WASMCAP_GUARD_PAGES=0 "$wasmcap" run -v --invoke load "$work/oob.cwasm" 65533
# ... or, without the plugin, a clear refusal before anything runs.
expect 2 "precompiled for memories with guard pages.*the llvm tier is not available" \
  env WASMCAP_GUARD_PAGES=0 WASMCAP_LLVM_TIER=/nonexistent \
  "$wasmcap" run --invoke load "$work/oob.cwasm" 65532
# Compiled without guard pages: explicit checks wherever it runs, no plugin needed.
expect 0 "^$" env WASMCAP_GUARD_PAGES=0 "$wasmcap" compile "$oob" -o "$work/oob_explicit.cwasm"
expect 134 "explicit bounds checks [(]precompiled without guard pages[)].*$oob_trap" \
  env WASMCAP_LLVM_TIER=/nonexistent "$wasmcap" run -v --invoke load "$work/oob_explicit.cwasm" 65533
# The cache's key includes the choice: each setting compiles (and then hits) its own entry.
expect 0 "code cache miss.*$guarded" "$wasmcap" run --tier jit -v --invoke load "$oob" 0
expect 0 "code cache hit.*$guarded" "$wasmcap" run --tier jit -v --invoke load "$oob" 0
expect 0 "code cache miss.*explicit bounds checks [(]guard pages disabled[)]" \
  env WASMCAP_GUARD_PAGES=0 "$wasmcap" run --tier jit -v --invoke load "$oob" 0
expect 134 "code cache hit.*explicit bounds checks.*$oob_trap" \
  env WASMCAP_GUARD_PAGES=0 "$wasmcap" run --tier jit -v --invoke load "$oob" 65533

if [ "$failures" != 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "aot cli: all checks passed"
