#!/usr/bin/env python3
"""End-to-end tests of `wasmcap serve` over real sockets with the C handler (handler.c):
functional HTTP, handler faults, server limits, outgoing requests and grants, the access and
audit logs, shutdown on SIGTERM/SIGINT, and `wasmcap run` refusing a proxy component.
Python standard library only. Usage: serve_test.py WASMCAP HANDLER_WASM TIER SCRATCH_DIR"""

import json
import os
import signal
import socket
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (Failure, Server, check, get, raw_status,  # noqa: E402
                          read_raw_response)

WASMCAP, HANDLER, TIER, SCRATCH = sys.argv[1:5]
HELLO = b"hello from a wasm handler\n"


def test_functional():
    access_log = os.path.join(SCRATCH, "access.log")
    audit_log = os.path.join(SCRATCH, "audit.jsonl")
    for p in (access_log, audit_log):
        if os.path.exists(p):
            os.unlink(p)
    requests = 0
    with Server(WASMCAP, HANDLER, TIER, ["--access-log", access_log, "--audit", audit_log]) as s:
        # GET /: status, body, one Content-Length, a Date.
        status, msg, body = get(s, "/")
        requests += 1
        check(status == 200, "GET /: status %d, want 200" % status)
        check(body == HELLO, "GET /: body %r" % body)
        lengths = msg.get_all("Content-Length") or []
        check(lengths == [str(len(HELLO))],
              "GET /: want exactly one Content-Length: %d, got %r" % (len(HELLO), lengths))
        check(msg.get("Date"), "GET /: no Date header")
        check(msg.get("Content-Type") == "text/plain",
              "GET /: Content-Type %r" % msg.get("Content-Type"))

        # A query string is not routed on.
        status, _, body = get(s, "/?a=1&b=2")
        requests += 1
        check(status == 200 and body == HELLO, "GET /?a=1&b=2: %d %r" % (status, body))

        # POST /echo, 5 MiB with a Content-Length.
        payload = bytes((i * 7 + 3) % 251 for i in range(5 << 20))
        status, msg, body = get(s, "/echo", "POST", payload)
        requests += 1
        check(status == 200, "POST /echo 5 MiB: status %d" % status)
        check(len(body) == len(payload), "POST /echo 5 MiB: %d bytes back" % len(body))
        check(body == payload, "POST /echo 5 MiB: the body came back different")
        check(msg.get("x-method") == "POST", "POST /echo: x-method %r" % msg.get("x-method"))

        # POST /echo, chunked.
        chunks = [b"chunk-%d;" % i * (i + 1) for i in range(50)]
        c = s.conn()
        c.request("POST", "/echo", body=iter(chunks), encode_chunked=True)
        r = c.getresponse()
        body = r.read()
        c.close()
        requests += 1
        check(r.status == 200 and body == b"".join(chunks),
              "POST /echo chunked: %d, %d bytes (want %d)" %
              (r.status, len(body), len(b"".join(chunks))))

        # A chunked body by hand on a raw socket, with odd chunk sizes.
        raw = s.raw()
        raw.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                    b"Connection: close\r\n\r\n"
                    b"3\r\nabc\r\n1a\r\n" + b"z" * 26 + b"\r\n0\r\n\r\n")
        data = read_raw_response(raw)
        raw.close()
        requests += 1
        check(raw_status(data) == 200, "raw chunked POST: %r" % data[:80])
        head, _, rest = data.partition(b"\r\n\r\n")
        check(b"abc" in rest and b"z" * 26 in rest, "raw chunked POST: body %r" % rest)

        # Multi-valued headers, names lower-cased.
        c = s.conn()
        c.putrequest("GET", "/headers")
        c.putheader("X-Multi", "one")
        c.putheader("X-Multi", "two")
        c.putheader("X-Mixed-CASE", "Value")
        c.endheaders()
        r = c.getresponse()
        lines = r.read().decode().splitlines()
        c.close()
        requests += 1
        check(r.status == 200, "GET /headers: status %d" % r.status)
        check("x-multi: one" in lines and "x-multi: two" in lines,
              "GET /headers: want both x-multi values, got %r" % lines)
        check("x-mixed-case: Value" in lines, "GET /headers: names not lower-cased: %r" % lines)

        # Status-only responses.
        for code in (204, 404):
            status, _, body = get(s, "/status/%d" % code)
            requests += 1
            check(status == code and body == b"", "/status/%d: %d %r" % (code, status, body))

        # /big/10000000: streamed (chunked), arrives whole.
        c = s.conn()
        c.request("GET", "/big/10000000")
        r = c.getresponse()
        check(r.getheader("Transfer-Encoding") == "chunked",
              "/big: want a chunked (streamed) response, headers %r" % r.getheaders())
        total = 0
        while True:
            block = r.read(1 << 20)
            if not block:
                break
            check(block.count(b"x") == len(block), "/big: a byte that is not 'x'")
            total += len(block)
        c.close()
        requests += 1
        check(total == 10000000, "/big/10000000: %d bytes arrived" % total)

        # Keep-alive: several requests on one connection; and HEAD.
        c = s.conn()
        c.request("GET", "/")
        r = c.getresponse()
        r.read()
        sock = c.sock
        for i in range(5):
            method = "HEAD" if i == 2 else "GET"
            c.request(method, "/")
            r = c.getresponse()
            body = r.read()
            check(c.sock is sock, "keep-alive: request %d needed a new connection" % i)
            check(r.status == 200, "keep-alive %s: %d" % (method, r.status))
            if method == "HEAD":
                check(body == b"", "HEAD /: a body %r" % body)
                check(r.getheader("Content-Length") == str(len(HELLO)),
                      "HEAD /: Content-Length %r" % r.getheader("Content-Length"))
            else:
                check(body == HELLO, "keep-alive GET: %r" % body)
        c.close()
        requests += 6

        # Handler faults: 500, and the server keeps serving.
        for path in ("/trap", "/silent"):
            status, _, _ = get(s, path)
            requests += 1
            check(status == 500, "%s: status %d, want 500" % (path, status))
            status, _, body = get(s, "/")
            requests += 1
            check(status == 200 and body == HELLO, "GET / after %s: %d" % (path, status))
        # /unfinished: the client sees a cut response, not a hang.
        c = s.conn(timeout=10)
        t0 = time.monotonic()
        truncated = False
        try:
            c.request("GET", "/unfinished")
            r = c.getresponse()
            r.read()
        except (http_client_errors()) as e:
            truncated = True
            what = repr(e)
        else:
            what = "a complete %d response" % r.status
        c.close()
        requests += 1
        check(truncated, "/unfinished: want a truncated response, got %s" % what)
        check(time.monotonic() - t0 < 5, "/unfinished: took %.1f s" % (time.monotonic() - t0))
        status, _, _ = get(s, "/")
        requests += 1
        check(status == 200, "GET / after /unfinished: %d" % status)
        for path in ("/trap", "/silent", "/unfinished"):
            check(s.wait_for_line(r"wasmcap serve: GET %s: " % path),
                  "no stderr line for the failed %s; stderr:\n%s" % (path, s.stderr()))

        # Outgoing requests are denied without a grant, and audited.
        status, _, body = get(s, "/outgoing/example.com")
        requests += 1
        check(status == 403 and body == b"denied\n",
              "/outgoing/example.com without a grant: %d %r" % (status, body))
        deadline = time.monotonic() + 5
        audit = []
        while time.monotonic() < deadline:
            with open(audit_log) as f:
                audit = [json.loads(line) for line in f if line.strip()]
            if any(e.get("module") == "wasi:http/outgoing-handler" for e in audit):
                break
            time.sleep(0.05)
        named = [e for e in audit if e.get("module") == "wasi:http/outgoing-handler"]
        check(named, "--audit: no JSON line names wasi:http/outgoing-handler: %r" % audit)
        check(named[0].get("event") == "refused" and "example.com" in json.dumps(named[0]),
              "--audit: the outgoing-handler line is not a refusal naming example.com: %r" %
              named[0])

        # The access log: one line per request, with method, path and status.
        deadline = time.monotonic() + 5
        while True:
            with open(access_log) as f:
                lines = f.read().splitlines()
            if len(lines) >= requests or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        check(len(lines) == requests,
              "--access-log: %d lines for %d requests:\n%s" %
              (len(lines), requests, "\n".join(lines)))
        for want in ("GET / ", "POST /echo ", "GET /headers ", "HEAD / ", "GET /trap ",
                     "GET /status/204 ", "GET /outgoing/example.com "):
            check(any(want in line for line in lines),
                  "--access-log: no line with %r:\n%s" % (want, "\n".join(lines)))
        check(any("GET /trap " in ln and " 500 " in ln for ln in lines),
              "--access-log: the /trap line lacks its status 500:\n%s" % "\n".join(lines))
        check(any("GET /status/404 " in ln and " 404 " in ln for ln in lines),
              "--access-log: the /status/404 line lacks its status:\n%s" % "\n".join(lines))
        code, _ = s.stop()
        check(code == 0, "exit status %d after SIGTERM" % code)


def http_client_errors():
    import http.client
    return (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionError,
            socket.timeout, http.client.HTTPException)


def test_limits_and_timeout():
    with Server(WASMCAP, HANDLER, TIER,
                ["--timeout", "300ms", "--max-request-body", "1KiB"]) as s:
        # /loop with --timeout 300ms: 500 within ~2 s, logged.
        t0 = time.monotonic()
        status, _, _ = get(s, "/loop")
        took = time.monotonic() - t0
        check(status == 500, "/loop with --timeout 300ms: status %d" % status)
        check(took < 2.5, "/loop with --timeout 300ms: answered after %.2f s" % took)
        check(s.wait_for_line(r"wasmcap serve: GET /loop: "),
              "no stderr line for /loop; stderr:\n%s" % s.stderr())
        check(get(s, "/")[0] == 200, "GET / after /loop")

        # A 70 KiB header: 431.
        raw = s.raw()
        try:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * (70 << 10) +
                        b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = read_raw_response(raw)
        raw.close()
        check(raw_status(data) == 431, "70 KiB header: want 431, got %r" % data[:100])

        # A body over --max-request-body 1KiB: 413, by Content-Length and chunked.
        status, _, _ = get(s, "/echo", "POST", b"y" * 2048)
        check(status == 413, "2 KiB body with Content-Length: status %d, want 413" % status)
        # Chunked: /echo starts its response before it reads, so the limit is found too late
        # for a 413 and the response is cut (docs/serve.md): the client must not see it whole.
        # The server may also close while the client still sends (a broken pipe): cut as well.
        c = s.conn()
        status = None
        try:
            c.request("POST", "/echo", body=iter([b"y" * 700] * 3), encode_chunked=True)
            r = c.getresponse()
            status = r.status
            body = r.read()
            outcome = "a complete %d response of %d bytes" % (r.status, len(body))
        except http_client_errors() as e:  # ConnectionError: a broken pipe too
            outcome = "cut: " + repr(e)
        c.close()
        check(status == 413 or outcome.startswith("cut"),
              "2.1 KiB chunked body: want 413 or a cut response, got %s" % outcome)
        status, _, body = get(s, "/echo", "POST", b"small")
        check(status == 200 and body == b"small", "a body under the limit: %d %r" % (status, body))
        code, _ = s.stop()
        check(code == 0, "exit status %d" % code)


def test_handler_outlasting_header_timeout():
    """A handler running longer than --header-timeout still answers. Regression: a request with
    a body (so on a handler thread) was kept alive only by its head's timer, so when the handler
    outlasted --header-timeout the connection closed and the client got no response at all
    (curl: "Empty reply from server"; under the sanitizers, a third of 300 simultaneous
    requests)."""
    with Server(WASMCAP, HANDLER, TIER, ["--header-timeout", "400ms", "--timeout", "1200ms"]) as s:
        for method, body in (("POST", b"x"), ("GET", None)):
            t0 = time.monotonic()
            try:
                status = get(s, "/loop", method, body)[0]
            except http_client_errors() as e:
                status = repr(e)
            took = time.monotonic() - t0
            check(status == 500, "%s /loop past --header-timeout: %s after %.2f s" %
                  (method, status, took))
            check(took >= 1.0, "%s /loop answered after %.2f s, before its --timeout" %
                  (method, took))
        check(get(s, "/")[0] == 200, "GET / afterwards")


def test_admission_503():
    with Server(WASMCAP, HANDLER, TIER,
                ["--max-concurrent", "1", "--max-queue", "0", "--timeout", "1500ms"]) as s:
        got = []
        for attempt in range(3):
            loop_status = []
            t = threading.Thread(target=lambda: loop_status.append(get(s, "/loop")[0]))
            t.start()
            time.sleep(0.3)  # the loop is admitted and running
            status, msg, _ = get(s, "/")
            got.append(status)
            t.join(10)
            check(not t.is_alive(), "/loop did not end with --timeout 1500ms")
            check(loop_status == [500], "/loop: %r" % loop_status)
            if status == 503:
                check((msg.get("Connection") or "").lower() == "close",
                      "503 without Connection: close")
                break
        check(got[-1] == 503,
              "with the only slot busy and no queue a request should get 503, got %r" % got)
        # The 500 for /loop is sent before its handler thread has let go of the slot (it still
        # drops the instance): a request right after may still get 503, but not for long.
        deadline = time.monotonic() + 2
        while True:
            try:
                status = get(s, "/")[0]
            except ConnectionError as e:  # seen once in ~50 runs on a loaded machine
                status = repr(e)
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        check(status == 200, "GET / once the slot is free: %s" % status)


def test_outgoing_granted():
    with Server(WASMCAP, HANDLER, TIER, ["--allow-http", "example.com"]) as s:
        status, _, body = get(s, "/outgoing/example.com", timeout=40)
        # No network here: the request is either sent (200 "sent") or fails with an error code
        # (502); what matters is that it is not denied.
        check(status in (200, 502) and body != b"denied\n",
              "/outgoing/example.com with --allow-http example.com: %d %r" % (status, body))
        status, _, body = get(s, "/outgoing/other.example")
        check(status == 403 and body == b"denied\n",
              "/outgoing/other.example (not granted): %d %r" % (status, body))


def test_shutdown(sig, grace_s, path, read_delay):
    """Signals the server while `path` is in flight; returns what the client saw."""
    with Server(WASMCAP, HANDLER, TIER,
                ["--timeout", "10s", "--shutdown-grace", "%gs" % grace_s]) as s:
        result = {}

        def client():
            c = s.conn(timeout=15)
            total = 0
            try:
                c.request("GET", path)
                r = c.getresponse()
                result["status"] = r.status
                while True:
                    block = r.read(256 << 10)
                    if not block:
                        break
                    total += len(block)
                    if read_delay:
                        time.sleep(read_delay)
                result["complete"] = True
            except Exception as e:  # a cut response: what matters is that it ended
                result["error"] = repr(e)
            finally:
                result["bytes"] = total
                c.close()

        t = threading.Thread(target=client)
        t.start()
        time.sleep(0.5)  # in flight
        check(t.is_alive(), "%s ended before the signal: %r" % (path, result))
        code, took = s.stop(sig)
        t.join(10)
        check(not t.is_alive(), "the client of %s still hangs after the server exited" % path)
        name = signal.Signals(sig).name
        check(code == 0, "exit status %d after %s; stderr:\n%s" % (code, name, s.stderr()))
        check(took < grace_s + 2,
              "exit %.2f s after %s, want under the grace %g s + 2 s" % (took, name, grace_s))
        check(s.wait_for_line("%s: finishing requests in flight" % name, 1),
              "no 'finishing requests in flight' line; stderr:\n%s" % s.stderr())
        try:
            get(s, "/", timeout=2)
            check(False, "the server still answers after exiting")
        except (ConnectionError, OSError):
            pass
        return result, took


def test_sigterm_cuts_at_grace():
    result, took = test_shutdown(signal.SIGTERM, 1, "/loop", 0)
    # /loop never finishes: it is interrupted at the grace and gets 500 (or a closed connection).
    check(result.get("status") in (500, None),
          "SIGTERM during /loop: want 500 or a cut connection, got %r" % result)
    check(took >= 0.8, "SIGTERM with /loop in flight exited after %.2f s, before the grace" % took)


def test_sigint_lets_request_finish():
    # 8 MB read at 256 KiB per 50 ms: ~1.6 s, inside a 4 s grace: it completes.
    result, _ = test_shutdown(signal.SIGINT, 4, "/big/8000000", 0.05)
    check(result.get("complete") and result.get("bytes") == 8000000,
          "SIGINT with /big/8000000 in flight: want it completed within the grace, got %r" %
          result)


def test_run_refuses_proxy():
    import subprocess
    p = subprocess.run([WASMCAP, "run", HANDLER], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode != 0, "`wasmcap run http_handler.wasm` exited 0")
    check("wasmcap serve" in err,
          "`wasmcap run http_handler.wasm` should say to use `wasmcap serve`: %r" % err)


TESTS = [
    ("functional, faults, outgoing denied, access and audit logs", test_functional),
    ("--timeout, 431, 413", test_limits_and_timeout),
    ("a handler outlasting --header-timeout", test_handler_outlasting_header_timeout),
    ("--max-concurrent 1 --max-queue 0: 503", test_admission_503),
    ("--allow-http", test_outgoing_granted),
    ("SIGTERM cuts a request at the grace", test_sigterm_cuts_at_grace),
    ("SIGINT lets a request finish", test_sigint_lets_request_finish),
    ("wasmcap run refuses a proxy", test_run_refuses_proxy),
]


def main():
    os.makedirs(SCRATCH, exist_ok=True)
    only = os.environ.get("SERVE_TEST_ONLY")
    passed = failed = 0
    for name, fn in TESTS:
        if only and only not in name:
            continue
        t0 = time.monotonic()
        try:
            fn()
        except Exception as e:  # a Failure, or an unexpected socket error
            failed += 1
            what = str(e) if isinstance(e, Failure) else traceback.format_exc()
            print("FAIL %s (%.1f s): %s" % (name, time.monotonic() - t0, what), flush=True)
            if Server.last is not None:
                print("  the server's stderr (last 20 lines):\n    " +
                      "\n    ".join(Server.last.lines()[-20:]), flush=True)
        else:
            passed += 1
            print("ok   %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
