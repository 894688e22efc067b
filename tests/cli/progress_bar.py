#!/usr/bin/env python3
"""The compile progress bar (tools/wasmcap/progress_bar.h): drawn on a terminal during
`wasmcap compile` and a `--tier jit` run, erased at the end, and never written when stderr is not
a terminal. WASMCAP_PROGRESS_AFTER_MS=0 draws at once, so a module that compiles in a fraction
of a second shows it.

usage: progress_bar.py WASMCAP SCRATCH_DIR
"""
import os
import pty
import subprocess
import sys


def module(count):
    funcs = []
    for i in range(count):
        funcs.append(f"""(func $f{i} (export "f{i}") (param i32) (result i32) (local i32)
  (loop $l
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const {2 * i + 3})) (local.get 0)))
    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
    (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))
  (local.get 1))""")
    return "(module\n" + "\n".join(funcs) + ")\n"


def on_terminal(argv, env):
    """Runs argv with stdout and stderr on a new pseudo-terminal: (status, everything written)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def main():
    wasmcap, scratch = sys.argv[1], sys.argv[2]
    os.makedirs(scratch, exist_ok=True)
    wat = os.path.join(scratch, "many.wat")
    with open(wat, "w") as f:
        f.write(module(400))
    env = dict(os.environ, WASMCAP_PROGRESS_AFTER_MS="0", TERM="xterm")
    failures = []

    def check(what, ok):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    # wasmcap compile on a terminal: bar lines, then the line erased.
    out_file = os.path.join(scratch, "many.cwasm")
    status, out = on_terminal([wasmcap, "compile", wat, "-o", out_file], env)
    check("compile exits 0 on a terminal", status == 0)
    check("compile draws the bar", "compiling [" in out and "/400 functions" in out)
    check("compile erases the bar at the end", out.endswith("\r\x1b[K"))
    percents = [int(p.split("%")[0].split("]")[-1]) for p in out.split("\r\x1b[K") if "%" in p]
    check("the share done never goes back", percents == sorted(percents) and len(percents) > 0)

    # Not a terminal: nothing on stderr.
    p = subprocess.run([wasmcap, "compile", wat, "-o", out_file], env=env,
                       capture_output=True, text=True)
    check("compile into a pipe writes nothing on stderr", p.returncode == 0 and p.stderr == "")

    # A run that waits for the JIT: the bar, then the result.
    status, out = on_terminal([wasmcap, "run", "--tier", "jit", "--no-cache", "--invoke", "f7",
                               wat, "3"], env)
    check("--tier jit run draws the bar and prints the result",
          status == 0 and "compiling [" in out and out.rstrip().endswith("902"))
    p = subprocess.run([wasmcap, "run", "--tier", "jit", "--no-cache", "--invoke", "f7", wat,
                        "3"], env=env, capture_output=True, text=True)
    check("--tier jit run into a pipe: no bar", p.stderr == "" and p.stdout.strip() == "902")

    if failures:
        print(f"progress_bar: {len(failures)} check(s) failed")
        return 1
    print("progress_bar: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
