#!/usr/bin/env python3
# Oracle check: every text module of the spec scripts, encoded by our parser (via the wast_check
# tool) and by wabt's wast2json, must disassemble to the same text with `wasm2wat --no-debug-names`.
# Usage: compare_with_wabt.py BUILD/tests/unit/text/text_wast_check SPEC_CORE_DIR [PATTERN]
import json, os, subprocess, sys, tempfile, glob

def wat(path):
    r = subprocess.run(["wasm2wat", "--no-debug-names", path], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else "ERROR: " + r.stderr

def main():
    tool, core = sys.argv[1], sys.argv[2]
    pattern = sys.argv[3] if len(sys.argv) > 3 else "*.wast"
    total = same = 0
    for wast in sorted(glob.glob(os.path.join(core, pattern))):
        with tempfile.TemporaryDirectory() as d:
            ours, theirs = os.path.join(d, "ours"), os.path.join(d, "theirs")
            os.mkdir(ours); os.mkdir(theirs)
            subprocess.run([tool, wast, ours], capture_output=True)
            r = subprocess.run(["wast2json", wast, "-o", os.path.join(theirs, "x.json")], capture_output=True, text=True)
            if r.returncode != 0:
                print("SKIP (wabt fails)", os.path.basename(wast)); continue
            cmds = json.load(open(os.path.join(theirs, "x.json")))["commands"]
            for c in cmds:
                if c.get("type") != "module" or "filename" not in c: continue
                mine = os.path.join(ours, "line%d.wasm" % c["line"])
                if not os.path.exists(mine): continue  # binary/quote modules are not dumped
                total += 1
                a, b = wat(mine), wat(os.path.join(theirs, c["filename"]))
                if a == b: same += 1
                else:
                    print("DIFF %s:%d" % (os.path.basename(wast), c["line"]))
                    if os.environ.get("VERBOSE"):
                        import difflib
                        print("".join(list(difflib.unified_diff(b.splitlines(1), a.splitlines(1)))[:40]))
    print("matched %d / %d modules" % (same, total))

main()
