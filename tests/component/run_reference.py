#!/usr/bin/env python3
"""The component model's reference tests (../shared/component-model/test), run by `wasmcap wast`
on one tier, against a ratchet: expected.txt records, per file, how many assertions pass. A file
that passes fewer than recorded fails the test; one that passes more says so (update the file).
Files in nyi.txt (the suite's own list of tests ahead of implementations) are skipped.

usage: run_reference.py WASMCAP TEST_DIR EXPECTED_FILE [--tier TIER]
"""
import os
import re
import subprocess
import sys


def main() -> int:
    wasmcap, test_dir, expected_file = sys.argv[1:4]
    tier = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--tier" else "interp"
    nyi = set()
    nyi_path = os.path.join(test_dir, "nyi.txt")
    if os.path.exists(nyi_path):
        for line in open(nyi_path):
            line = line.strip()
            if line and not line.startswith("#"):
                nyi.add(os.path.normpath(line))
    expected = {}
    for line in open(expected_file):
        line = line.split("#")[0].strip()
        if line:
            name, passed = line.split()
            expected[name] = int(passed)
    total_pass = total_fail = 0
    problems = []
    for root, _, files in sorted(os.walk(test_dir)):
        for f in sorted(files):
            if not f.endswith(".wast"):
                continue
            rel = os.path.normpath(os.path.relpath(os.path.join(root, f), test_dir))
            if rel in nyi:
                continue
            p = subprocess.run([wasmcap, "wast", "--tier", tier, os.path.join(root, f)],
                               capture_output=True, text=True, timeout=300)
            m = re.search(r"(\d+) passed, (\d+) failed", p.stdout + p.stderr)
            if not m:
                problems.append(f"{rel}: no totals (exit {p.returncode}): {p.stderr[-300:]}")
                continue
            passed, failed = int(m.group(1)), int(m.group(2))
            total_pass += passed
            total_fail += failed
            want = expected.get(rel)
            if want is None:
                problems.append(f"{rel}: not in {os.path.basename(expected_file)} ({passed} pass)")
            elif passed < want:
                problems.append(f"{rel}: {passed} pass, {want} expected (a regression)")
            elif passed > want:
                print(f"{rel}: {passed} pass, more than the {want} recorded: update expected.txt")
    for p in problems:
        print(p)
    print(f"reference tests ({tier}): {total_pass} passed, {total_fail} failed"
          f" (failures are the known gaps listed in expected.txt)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
