#!/usr/bin/env python3
"""Policy, audit, trace, strict, learn and inspect tests: runs `wasmcap` as a user would.

policy_test.py CASE WASMCAP SRC_DIR SCRATCH [COPY_WASM]. Each case checks exit statuses, output
and that every log line is valid JSON (json.loads), then exits 0 or prints why it failed.
"""
import json
import os
import shutil
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, code, cwd):
    p = subprocess.run([WASMCAP] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != code:
        fail(f"{args}: exit {p.returncode}, expected {code}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def json_lines(path):
    """Every line parses as one JSON object; the file ends with a newline (no torn line)."""
    with open(path) as f:
        text = f.read()
    if text and not text.endswith("\n"):
        fail(f"{path}: last line is not terminated")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            fail(f"{path}:{n}: not JSON ({e}): {line}")
    return out


def scratch_tree():
    shutil.rmtree(SCRATCH, ignore_errors=True)
    for d in ("ro", "rw", "outside", "in", "out", "unused"):
        os.makedirs(os.path.join(SCRATCH, d))
    with open(os.path.join(SCRATCH, "ro", "keep.txt"), "w") as f:
        f.write("keep")
    with open(os.path.join(SCRATCH, "ro", "in.txt"), "w") as f:
        f.write("twelve bytes")
    with open(os.path.join(SCRATCH, "outside", "secret"), "w") as f:
        f.write("SECRET")
    with open(os.path.join(SCRATCH, "in", "src.txt"), "w") as f:
        f.write("round trip")


def wat(name):
    return os.path.join(SRC, name + ".wat")


def case_net_denied():
    # sock_accept without net: ENOTCAPABLE (the exit code) and one audit line naming it.
    run(["run", "--deny", "net", "--audit", "audit.jsonl", wat("net")], 76, SCRATCH)
    lines = json_lines(os.path.join(SCRATCH, "audit.jsonl"))
    if len(lines) != 1:
        fail(f"expected one audit line, got {lines}")
    e = lines[0]
    if (e["func"], e["errno"], e["group"], e["event"]) != ("sock_accept", 76, "net", "refused"):
        fail(f"unexpected audit line {e}")
    if e["args"]["fd"] != 3 or "time" not in e:
        fail(f"arguments or time missing: {e}")
    # An allow list without net is the same refusal.
    run(["run", "--allow", "proc,stdio", wat("net")], 76, SCRATCH)
    # With net allowed, the call runs: fd 3 does not exist (badf = 8).
    run(["run", wat("net")], 8, SCRATCH)


def case_strict():
    p = run(["run", "--strict", "--deny", "net", "--audit", "audit.jsonl", wat("net")], 7, SCRATCH)
    for want in ("wasi_snapshot_preview1.sock_accept (group net)",
                 "wasi_snapshot_preview1.sock_send (group net)", "nothing was run"):
        if want not in p.stderr:
            fail(f"strict message lacks {want!r}:\n{p.stderr}")
    if json_lines(os.path.join(SCRATCH, "audit.jsonl")):
        fail("strict mode ran something")
    # Descriptor functions serve stdio and files too: denying stdio alone refuses none of them.
    run(["run", "--strict", "--deny", "stdio", "--dir", "ro::/ro::ro", wat("reader")], 12, SCRATCH)
    # A policy that allows everything the module imports passes strict mode.
    run(["run", "--strict", "--allow", "net,proc", wat("net")], 8, SCRATCH)


def case_readonly():
    run(["run", "--dir", "ro::/ro::ro", "--audit", "audit.jsonl", wat("readonly")], 6, SCRATCH)
    lines = json_lines(os.path.join(SCRATCH, "audit.jsonl"))
    got = [(e["func"], e["args"].get("path", e["args"].get("old_path")), e["reason"]) for e in lines]
    want = [("path_open", "new.txt", "read-only grant"),
            ("path_open", "keep.txt", "read-only grant"),
            ("path_rename", "keep.txt", "read-only grant"),
            ("path_unlink_file", "keep.txt", "read-only grant"),
            ("path_create_directory", "newdir", "read-only grant"),
            ("path_open", "../outside/secret", "path escapes the grant")]
    if got != want:
        fail(f"audit lines {got}, expected {want}")
    for e in lines:
        if e["errno"] != 76 or e["args"]["fd_preopen"] != "/ro":
            fail(f"errno or preopen name wrong: {e}")
        # A read-only grant's refusals are refused writes.
        if e["reason"] == "read-only grant" and e.get("group") != "fs-write":
            fail(f"a read-only refusal is not logged as fs-write: {e}")
    if sorted(os.listdir(os.path.join(SCRATCH, "ro"))) != ["in.txt", "keep.txt"]:
        fail("the read-only grant changed")


def case_exit_keeps_log():
    run(["run", "--deny", "clock,random,net", "--audit", "audit.jsonl", "--trace-wasi",
         "trace.jsonl", "--invoke", "exit", wat("refusals")], 7, SCRATCH)
    check_refusals(exit_line=True)


def case_trap_keeps_log():
    run(["run", "--deny", "clock,random,net", "--audit", "audit.jsonl", "--trace-wasi",
         "trace.jsonl", "--invoke", "trap", wat("refusals")], 134, SCRATCH)
    check_refusals(exit_line=False)


def check_refusals(exit_line):
    audit = json_lines(os.path.join(SCRATCH, "audit.jsonl"))
    if [(e["func"], e["group"]) for e in audit] != [("clock_time_get", "clock"),
                                                    ("random_get", "random"),
                                                    ("sock_accept", "net")]:
        fail(f"audit lost events: {audit}")
    trace = json_lines(os.path.join(SCRATCH, "trace.jsonl"))
    funcs = [e["func"] for e in trace]
    want = ["clock_time_get", "random_get", "sock_accept"] + (["proc_exit"] if exit_line else [])
    if funcs != want:
        fail(f"trace {funcs}, expected {want}")
    if any("duration_ns" not in e for e in trace):
        fail("trace lines need a duration")
    if exit_line and trace[-1].get("code") != 7:
        fail(f"exit line lacks the code: {trace[-1]}")


def case_proc_denied():
    # proc_exit refused: the guest ends as a trap (it cannot continue), audited.
    p = run(["run", "--deny", "proc", "--audit", "audit.jsonl", "--invoke", "exit",
             wat("refusals")], 134, SCRATCH)
    if "proc_exit(7) refused" not in p.stderr:
        fail(f"trap message: {p.stderr}")
    funcs = [e["func"] for e in json_lines(os.path.join(SCRATCH, "audit.jsonl"))]
    if funcs != ["proc_exit"]:
        fail(f"audit {funcs}")


def case_learn_round_trip():
    guest = COPY_WASM
    learned = os.path.join(SCRATCH, "learned.policy")
    first = run(["run", "--dir", "in::/in", "--dir", "out::/out", "--dir", "unused::/unused",
                 "--learn-policy", learned, guest], 0, SCRATCH)
    with open(learned) as f:
        text = f.read()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    if lines != ["allow stdio,fs-read,fs-write", "dir in::/in::ro", "dir out::/out::rw"]:
        fail(f"learned policy:\n{text}")
    os.remove(os.path.join(SCRATCH, "out", "dst.txt"))
    second = run(["run", "--policy", learned, guest], 0, SCRATCH)
    if second.stdout != first.stdout or "copied 10 bytes: round trip" not in second.stdout:
        fail(f"outputs differ:\n{first.stdout}\n{second.stdout}")
    # The same run with the written group denied is refused where it writes, and audited. The
    # guest then exits with 2, which needs proc: the successful learn run never exited that way.
    third = run(["run", "--policy", learned, "--allow", "proc", "--deny", "fs-write", "--audit",
                 "audit.jsonl", guest], 2, SCRATCH)
    if "Capabilities insufficient" not in third.stderr:
        fail(f"expected a refusal:\n{third.stderr}")
    audit = json_lines(os.path.join(SCRATCH, "audit.jsonl"))
    if [(e["func"], e["args"]["path"], e["group"]) for e in audit] != [
            ("path_open", "dst.txt", "fs-write")]:
        fail(f"audit {audit}")
    # Without proc, that proc_exit(2) is refused too: the guest ends as a trap.
    fourth = run(["run", "--policy", learned, "--deny", "fs-write", guest], 134, SCRATCH)
    if "proc_exit(2) refused" not in fourth.stderr:
        fail(f"expected the refused exit:\n{fourth.stderr}")
    # Learning again under the learned policy gives the same policy.
    again = os.path.join(SCRATCH, "again.policy")
    run(["run", "--policy", learned, "--learn-policy", again, guest], 0, SCRATCH)
    with open(again) as f:
        if f.read() != text:
            fail("learning under the learned policy changed it")


def case_policy_errors():
    with open(os.path.join(SCRATCH, "bad.policy"), "w") as f:
        f.write("allow fs-read\nallow sockets\n")
    p = run(["run", "--policy", "bad.policy", wat("compute")], 2, SCRATCH)
    if "line 2" not in p.stderr or "sockets" not in p.stderr:
        fail(f"policy error message: {p.stderr}")
    run(["run", "--deny", "nope", wat("compute")], 2, SCRATCH)


def case_net_grants():
    # Network grants: flags, -S settings and policy lines are accepted (a module has no
    # wasi:sockets, so it runs as before); a bad rule names the option or the line.
    with open(os.path.join(SCRATCH, "net.policy"), "w") as f:
        f.write("# network\ntcp-connect 127.0.0.1:8080\ntcp-listen 0.0.0.0:8000-8010\n"
                "udp 10.0.0.0/8:53\nudp [::1]:*\nip-name-lookup\n")
    run(["run", "--policy", "net.policy", wat("compute")], 0, SCRATCH)
    run(["run", "--tcp-connect", "127.0.0.1:80", "--tcp-listen", "[::]/0:0", "--udp", "*:53",
         "--allow-ip-name-lookup", "-S", "inherit-network", "-S", "allow-ip-name-lookup=y",
         wat("compute")], 0, SCRATCH)
    # wasmtime's other -S keys: accepted (interface switches) or granted (inherit-env).
    run(["run", "-S", "inherit-env", "-S", "cli", "-S", "preview2=y", "-S", "http", "-S", "tcp=n",
         "-S", "udp=no", "--allow-http", "*.example.com", wat("compute")], 0, SCRATCH)
    for args, words in (
        (["--tcp-connect", "127.0.0.1"], ["--tcp-connect", "PORT"]),
        (["--udp", "10.0.0.0/33:53"], ["--udp", "prefix length"]),
        (["--tcp-listen", "::1:80"], ["--tcp-listen", "brackets"]),
        (["-S", "inherit-envv"], ["-S", "unknown WASI setting", "did you mean inherit-env"]),
        (["-S", "tcplisten"], ["-S tcplisten needs an address", "HOST:PORT"]),
        (["-S", "tcplisten=localhost:80"], ["cannot listen on", "expected an IP address"]),
        (["--allow-http", "a*.com"], ["--allow-http", "host pattern"]),
        (["-S", "inherit-network=maybe"], ["boolean"]),
    ):
        p = run(["run"] + args + [wat("compute")], 2, SCRATCH)
        if not all(w in p.stderr for w in words):
            fail(f"{args}: message {p.stderr}")
    with open(os.path.join(SCRATCH, "badnet.policy"), "w") as f:
        f.write("allow net\ntcp-connect 127.0.0.1:99999\n")
    p = run(["run", "--policy", "badnet.policy", wat("compute")], 2, SCRATCH)
    if "line 2" not in p.stderr or "tcp-connect" not in p.stderr:
        fail(f"policy error message: {p.stderr}")


def inspect(name):
    p = run(["inspect", "--json", wat(name)], 0, SCRATCH)
    return json.loads(p.stdout)


def case_inspect():
    want = {
        "compute": [],
        "reader": ["stdio", "fs-read", "proc"],
        "writer": ["stdio", "fs-read", "fs-write", "proc"],
        "net": ["net", "proc"],
    }
    for name, groups in want.items():
        got = inspect(name)["capabilities"]["groups"]
        if got != groups:
            fail(f"inspect {name}: groups {got}, expected {groups}")
    text = run(["inspect", wat("writer")], 0, SCRATCH).stdout
    if "this module can: use stdin/stdout/stderr, read files, write files" not in text:
        fail(f"inspect text:\n{text}")
    if "can only compute" not in run(["inspect", wat("compute")], 0, SCRATCH).stdout:
        fail("compute summary")
    if "write files" in run(["inspect", wat("reader")], 0, SCRATCH).stdout:
        fail("a reader is not a writer")
    if COPY_WASM:
        c = run(["inspect", "--json", COPY_WASM], 0, SCRATCH)
        info = json.loads(c.stdout)
        if "processed-by" not in info["producers"] and "language" not in info["producers"]:
            fail(f"no producers in a clang-built module: {info['producers']}")


def main():
    global WASMCAP, SRC, SCRATCH, COPY_WASM
    case, WASMCAP, SRC, SCRATCH = sys.argv[1:5]
    COPY_WASM = sys.argv[5] if len(sys.argv) > 5 else ""
    scratch_tree()
    globals()["case_" + case]()
    # Whatever ran, nothing outside the grants changed.
    with open(os.path.join(SCRATCH, "outside", "secret")) as f:
        if f.read() != "SECRET":
            fail("outside changed")
    print("ok")


if __name__ == "__main__":
    main()
