"""binaryen's own interpreter as a third opinion for tiers.py: parses what `wasm-opt
--fuzz-exec-before` prints for a module and compares it with wasmcap_diff's canonical output
(fuzz/differential/driver.cpp), export by export.

What is compared, and why only that:
- each function export's outcome: a trap on both sides (binaryen words traps its own way, so
  only "trapped" is compared), an uncaught exception on both sides, or results;
- results by value: i32/i64 exactly, f32/f64 by bits (any NaN matches any NaN; binaryen prints
  decimals, which read back exactly), v128 by lanes with the driver's NaN rules; references only
  by kind, since the two harnesses import different reference values (binaryen's
  `__fuzz_import` externref global is not null, the driver's is);
- the number of `log-*` import calls per export (binaryen prints an i64 as two 32-bit halves and
  floats as decimals, so the values themselves are left to the tier comparison).
The comparison stops at the first export that calls any other `fuzzing-support` import (`throw`,
`sleep`, `call-export`, ...): binaryen runs those (a throw throws, a call-export calls), while the
driver answers every import with zeros, so from there on the runs legitimately part. It also
stops where either side exhausts its stack (their depths differ) or binaryen's own JavaScript
build crashes (it runs on node and can overflow node's stack on deep recursion)."""
import math
import struct

CONTINUE, MATCH = "continue", "match"


def parse_binaryen(text):
    """-> (exports {name: {"outcome", "values", "logs"}} in order, crashed?). Log calls before the
    first export (the start function's) are the pseudo-export "" (the driver prints them before
    its first export's line, so compare() adds them to that export's)."""
    start = {"outcome": "return", "values": [], "logs": 0}
    exports, cur, order = {"": start}, start, [""]
    crashed = False
    for line in text.splitlines():
        if line.startswith("[fuzz-exec] export "):
            cur = {"outcome": "return", "values": [], "logs": 0}
            name = line[len("[fuzz-exec] export "):]
            exports[name] = cur
            order.append(name)
        elif line.startswith("[LoggingExternalInterface logging"):
            cur["logs"] += 1
        elif line.startswith("[fuzz-exec] note result: "):
            cur["values"].append(line.split(" => ", 1)[1] if " => " in line else "")
        elif line.startswith("[trap "):
            cur["outcome"] = "trap"
        elif line.startswith("[exception thrown"):
            cur["outcome"] = "exception"
        elif line.startswith("[") or line.startswith("warning:"):
            continue
        elif "RangeError" in line or "Aborted(" in line or line.startswith("Node.js"):
            crashed = True
        elif cur["values"] and not line.startswith(" "):
            cur["values"].append(line)  # a multivalue result's further values, one a line
    return {n: exports[n] for n in order}, crashed


def parse_wasmcap(text):
    """-> [(name, outcome, values, log calls, other import calls)] in call order."""
    out, logs, others = [], 0, []
    for line in text.splitlines():
        if line.startswith("import "):
            name = line.split()[1]
            if name.startswith("log-"):
                logs += 1
            else:
                others.append(name)
            continue
        if not line.startswith("export "):
            continue
        parts = _values_of(line.split())
        name, rest = parts[1], parts[2:]
        if rest and rest[0] == "->":
            out.append((name, "return", rest[1:], logs, others))
        elif rest and rest[0] == "trap":
            out.append((name, "trap", [], logs, others))
        elif rest and rest[0] == "exhausted":
            out.append((name, "exhausted", [], logs, others))
        elif rest[:2] == ["error", "exception:"]:
            out.append((name, "exception", [], logs, others))
        else:
            out.append((name, "other: " + " ".join(rest), [], logs, others))
        logs, others = 0, []
    return out


def _values_of(words):
    """Words of a driver line with a reference type's spaces put back: `(ref $6):nonnull` and
    `(ref null struct):null` are one value each."""
    out = []
    for w in words:
        if out and out[-1].startswith("(") and ")" not in out[-1]:
            out[-1] += " " + w
        else:
            out.append(w)
    return out


def _bits_of(decimal, fmt):
    s = decimal.strip()
    if "nan" in s:
        return "nan"
    value = {"inf": math.inf, "-inf": -math.inf}.get(s)
    if value is None:
        value = float(s)
    return struct.unpack("<I" if fmt == "f" else "<Q", struct.pack("<" + fmt, value))[0]


def _v128_text(lanes):
    """The driver's v128 text for four u32 lanes (lane 0 first)."""
    parts = []
    for lo, hi in ((lanes[0], lanes[1]), (lanes[2], lanes[3])):
        bits = (hi << 32) | lo
        if (bits >> 52) & 0x7FF == 0x7FF and bits & ((1 << 52) - 1):
            parts.append("nan")
            continue
        halves = []
        for h in (hi, lo):
            halves.append("nan" if (h >> 23) & 0xFF == 0xFF and h & 0x7FFFFF else f"{h:08x}")
        parts.append(":".join(halves))
    return "v128:" + ",".join(parts)


def value_matches(ours, theirs):
    kind, _, text = ours.partition(":")
    try:
        if kind in ("i32", "i64"):
            width = 32 if kind == "i32" else 64
            return int(text) == int(theirs) % (1 << width)
        if kind in ("f32", "f64"):
            bits = _bits_of(theirs, "f" if kind == "f32" else "d")
            return text == "nan" if bits == "nan" else (text != "nan" and int(text, 16) == bits)
        if kind == "v128":
            words = theirs.split()
            if len(words) != 5 or words[0] != "i32x4":
                return False
            return ours == _v128_text([int(w, 16) for w in words[1:]])
    except ValueError:
        return False
    return True  # references: by kind only (see above)


def compare(binaryen_text, wasmcap_text):
    """-> (exports compared, None) or (exports compared, the first disagreement's description)."""
    theirs, crashed = parse_binaryen(binaryen_text)
    start_logs = theirs.pop("")["logs"]
    compared = 0
    for i, (name, outcome, values, logs, others) in enumerate(parse_wasmcap(wasmcap_text)):
        if i == 0:
            logs -= start_logs
        if others or outcome == "exhausted":
            break
        t = theirs.get(name)
        if t is None:
            if crashed:
                break  # binaryen stopped before this export
            return compared, f"export {name}: missing from binaryen's output"
        if outcome != t["outcome"]:
            if crashed and t is list(theirs.values())[-1]:
                break
            return compared, f"export {name}: wasmcap {outcome}, binaryen {t['outcome']}"
        if outcome == "return":
            if len(values) != len(t["values"]):
                return compared, (f"export {name}: wasmcap {' '.join(values)}, "
                                  f"binaryen {' | '.join(t['values'])}")
            for ours, other in zip(values, t["values"]):
                if not value_matches(ours, other):
                    return compared, f"export {name}: wasmcap {ours}, binaryen {other}"
        if logs != t["logs"]:
            return compared, f"export {name}: {logs} log calls in wasmcap, {t['logs']} in binaryen"
        compared += 1
    return compared, None


if __name__ == "__main__":
    # binaryen_exec.py BINARYEN_OUTPUT WASMCAP_OUTPUT: exit 0 when they agree (fuzz/differential/run).
    import sys
    n, why = compare(open(sys.argv[1], errors="replace").read(),
                     open(sys.argv[2], errors="replace").read())
    if why is not None:
        print(why)
    sys.exit(0 if why is None else 1)
