#!/usr/bin/env bash
# profile_guest.sh WASMCAP CLI_DIR LLVM(0|1): `wasmcap run --profile=guest[,FILE]` samples the
# guest's wasm stacks on every tier and writes a Firefox Profiler file and a flame-graph SVG:
# the JSON is well formed (Gecko format: samples, stack and frame tables, strings) and puts the
# hot function where it is; the SVG is well-formed XML, and in headless Chromium its script runs,
# and a click on the hot function's box zooms it to the full width. Chromium is installed by
# `./dev test`; without it that part is reported as skipped.
set -u
wasmcap=$1 dir=$2 llvm=$3
work=$(mktemp -d)
export XDG_CACHE_HOME=$work/cache
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

# check_json FILE TIER: samples, and hot innermost under warm under main in most of them.
check_json() {
  python3 - "$1" "$2" <<'PY' || fail "profile $1 ($2)"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["meta"]["version"] >= 24 and p["meta"]["interval"] > 0, p["meta"]
t = p["threads"][0]
strings, frames, stacks = t["stringTable"], t["frameTable"]["data"], t["stackTable"]["data"]
loc = t["frameTable"]["schema"]["location"]
prefix, frame = t["stackTable"]["schema"]["prefix"], t["stackTable"]["schema"]["frame"]
samples = t["samples"]["data"]
assert len(samples) >= 30, f"only {len(samples)} samples"
def names(stack):
    out = []
    while stack is not None:
        assert stack < len(stacks)
        out.append(strings[frames[stacks[stack][frame]][loc]])
        nxt = stacks[stack][prefix]
        assert nxt is None or nxt < stack, "a prefix after its stack"
        stack = nxt
    return out  # innermost first
hot = sum(1 for s in samples if s[0] is not None and names(s[0])[:3] == ["hot", "warm", "main"])
assert hot >= 0.7 * len(samples), f"{sys.argv[2]}: hot/warm/main in {hot} of {len(samples)}"
times = [s[1] for s in samples]
assert times == sorted(times), "sample times go backwards"
print(f"{sys.argv[2]}: {len(samples)} samples, {hot} in hot")
PY
}

tiers="interp"
[ "$llvm" = 1 ] && tiers="interp jit auto"
for tier in $tiers; do
  # Compiled rounds take ~10 us: 12000 of them give ~120 samples, well above the 30 a check
  # needs even when a loaded machine (ctest -j) leaves the guest less CPU (3000 gave 29 once).
  rounds=400
  [ "$tier" != interp ] && rounds=12000
  out=$work/$tier.json
  "$wasmcap" run --tier $tier --no-cache --profile=guest,"$out" --invoke main \
    "$dir/profile_hot.wat" $rounds >"$work/stdout" 2>"$work/stderr"
  status=$?
  [ $status -eq 0 ] || fail "$tier: status $status: $(cat "$work/stderr")"
  grep -q "guest profile: [0-9]* samples in $out .* and $work/$tier.svg" "$work/stderr" ||
    fail "$tier: no line naming the files: $(cat "$work/stderr")"
  check_json "$out" "$tier"
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$work/$tier.svg" ||
    fail "$tier: the SVG is not well-formed XML"
done

# Compiled code with the profiler's checks goes through the code cache too (their flag bit in
# the .cwasm): the second run loads it and still samples inside hot's loop.
if [ "$llvm" = 1 ]; then
  for round in 1 2; do
    "$wasmcap" run -v --tier jit --cache --profile=guest,"$work/cached.json" --invoke main \
      "$dir/profile_hot.wat" 12000 >"$work/stdout" 2>"$work/stderr" ||
      fail "cached run $round: $(cat "$work/stderr")"
    check_json "$work/cached.json" "jit, cache round $round"
  done
  grep -q "code cache hit" "$work/stderr" || fail "the second run missed the cache: $(cat "$work/stderr")"
fi

# The default file name, in the working directory, and a trap still writes the profile.
(cd "$work" && "$wasmcap" run --profile=guest "$dir/trap.wat" >/dev/null 2>&1)
[ -s "$work/wasmcap-guest-profile.json" ] && [ -s "$work/wasmcap-guest-profile.svg" ] ||
  fail "no wasmcap-guest-profile.json/.svg after a trapping run"

"$wasmcap" run --profile=flamegraph "$dir/fib.wat" >"$work/out" 2>&1
status=$?
[ $status -eq 2 ] && grep -q 'expected perfmap, jitdump, guest or guest,FILE' "$work/out" ||
  fail "--profile=flamegraph: status $status, $(cat "$work/out")"

# The flame graph in a browser: the script ran, and clicking hot's box zoomed it to the whole
# width (1200 px less the half-pixel gap) with "Reset zoom" shown.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIPPED: the flame graph in a browser (no chromium; ./dev test installs it)"
else
  svg=$work/interp.svg
  id=$(python3 -c '
import re, sys
m = re.search(r"<g class=\"f\" id=\"(n[0-9]+)\" data-name=\"hot\"", open(sys.argv[1]).read())
print(m.group(1) if m else "")' "$svg")
  [ -n "$id" ] || fail "no box named hot in $svg"
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
    --dump-dom "file://$svg#click=$id" >"$work/dom" 2>/dev/null
  python3 - "$work/dom" "$id" <<'PY' || fail "the flame graph in chromium: $(head -c 300 "$work/dom")"
import re, sys
dom, box = open(sys.argv[1]).read(), sys.argv[2]
assert 'data-ready="yes"' in dom, "the script did not run"
assert f'data-zoomed="{box}"' in dom, "the click did not zoom"
g = re.search(r'<g class="f" id="%s"[^>]*>.*?</g>' % box, dom, re.S).group(0)
width = float(re.search(r'<rect[^>]* width="([0-9.]+)"', g).group(1))
assert abs(width - 1199.5) < 0.01, f"zoomed box is {width} px wide"
assert ">hot<" in g, "the zoomed box has no label"
reset = re.search(r'<text id="reset"[^>]*>', dom).group(0)
assert "display: none" not in reset and "display:none" not in reset, reset
print("chromium: zoomed", box)
PY
fi

rm -rf "$work"
if [ $failures -eq 0 ]; then echo "profile_guest: all checks passed"; else exit 1; fi
