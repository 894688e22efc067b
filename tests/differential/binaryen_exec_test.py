#!/usr/bin/env python3
"""binaryen_exec.compare on hand-written outputs: what agrees (values in binaryen's and the
driver's notations, traps of any wording, multivalue results, references by kind) and what must
not (another value, a trap against a result, a different number of log calls, a NaN against a
number), and where the comparison stops (a non-log import call, exhaustion); log calls of the start function. Exit 0 when every
case gives the expected verdict."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binaryen_exec  # noqa: E402

BINARYEN = """[LoggingExternalInterface logging 3]
[fuzz-exec] export global$_1
[fuzz-exec] export f
[LoggingExternalInterface logging 7]
[LoggingExternalInterface logging 4096 0]
[fuzz-exec] note result: f => -1
[fuzz-exec] export g
[trap RuntimeTable::set out of bounds]
[fuzz-exec] export h
[fuzz-exec] note result: h => i32x4 0x4035e354 0xc4000000 0x4380ae56 0xffffffd2
9223372036854775808
-nan:0xfffffffffffe5
function
[fuzz-exec] export e
[exception thrown: tag$0 7]
[fuzz-exec] export v
[fuzz-exec] export t
[exception thrown: imported-js-tag jserror]
"""

WASMCAP = """import log-i32 i32:3
import log-i32 i32:7
import log-i64 i64:4096
export f -> i32:4294967295
export g trap table-oob
export h -> v128:c4000000:4035e354,nan f32:0x5f000000 f64:nan funcref:nonnull
export e error exception: uncaught exception
export v ->
import throw i32:0
export t ->
"""


def verdict(binaryen, wasmcap):
    return binaryen_exec.compare(binaryen, wasmcap)


def main():
    failures = []

    def expect(what, got, want_count, want_ok):
        count, why = got
        if count != want_count or (why is None) != want_ok:
            failures.append(f"{what}: got {count} compared, {why!r}")

    # Everything agrees; `t` called `throw`, so the comparison stops before it.
    expect("agreeing outputs", verdict(BINARYEN, WASMCAP), 5, True)
    expect("another i32", verdict(BINARYEN, WASMCAP.replace("i32:4294967295", "i32:1")), 0, False)
    expect("a result for a trap", verdict(BINARYEN, WASMCAP.replace("export g trap table-oob",
                                                                    "export g ->")), 1, False)
    expect("a lost log call", verdict(BINARYEN, WASMCAP.replace("import log-i32 i32:7\n", "")),
           0, False)
    expect("a number for a NaN", verdict(BINARYEN, WASMCAP.replace("f64:nan", "f64:0x0")), 2,
           False)
    expect("another v128 lane", verdict(BINARYEN, WASMCAP.replace("c4000000:4035e354",
                                                                  "c4000000:4035e355")), 2, False)
    expect("another f32", verdict(BINARYEN, WASMCAP.replace("f32:0x5f000000", "f32:0x5f000001")),
           2, False)
    expect("no exception", verdict(BINARYEN, WASMCAP.replace(
        "export e error exception: uncaught exception", "export e ->")), 3, False)
    # The start function's log calls come before the first export in both.
    expect("a lost start log call", verdict(BINARYEN, WASMCAP.replace("import log-i32 i32:3\n", "")),
           0, False)
    # GC results: the driver's concrete reference types have spaces, binaryen prints objects as
    # `object(null)`; one value each, compared by kind.
    gc_binaryen = "[fuzz-exec] export s\n[fuzz-exec] note result: s => object(null)\nfunction\n"
    expect("GC references", verdict(gc_binaryen, "export s -> (ref $6):nonnull (ref null $2):null\n"),
           1, True)
    expect("a GC reference too many", verdict(gc_binaryen, "export s -> (ref $6):nonnull "
                                                           "(ref null $2):null i32:1\n"), 0, False)
    # Exhaustion ends the comparison, whatever follows.
    expect("exhaustion", verdict(BINARYEN, WASMCAP.replace("export g trap table-oob",
                                                           "export g exhausted")), 1, True)
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
