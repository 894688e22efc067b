#!/usr/bin/env python3
"""`wasmcap serve` with the JavaScript handler (tests/http/js/handler.js, made by componentize-js:
a 13 MB component whose engine is SpiderMonkey): a fresh instance answers each request.

Usage: js_serve_test.py WASMCAP HANDLER.wasm TIER
"""
import http.client
import re
import subprocess
import sys
import time


def main() -> int:
    wasmcap, handler, tier = sys.argv[1:4]
    server = subprocess.Popen(
        [wasmcap, "serve", "--tier", tier, "--addr", "127.0.0.1:0", handler],
        stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        m = re.search(r"Serving HTTP on http://127\.0\.0\.1:(\d+)/", line)
        assert m, f"no 'Serving HTTP' line, got: {line!r}"
        port = int(m.group(1))

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/some/path?q=1")
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status == 200, f"GET: status {r.status}, body {body!r}"
        assert body == "hello from javascript: get /some/path?q=1\n", f"GET body {body!r}"
        assert r.getheader("x-handler") == "js", f"x-handler: {r.getheader('x-handler')!r}"

        payload = bytes(i % 251 for i in range(100_000))
        conn.request("POST", "/echo", body=payload)
        r = conn.getresponse()
        echoed = r.read()
        assert r.status == 200 and echoed == payload, \
            f"POST /echo: status {r.status}, {len(echoed)} bytes back of {len(payload)}"

        # Each request is a fresh instance: a handler that answers once per instance keeps
        # answering.
        start = time.monotonic()
        for i in range(10):
            conn.request("GET", f"/n/{i}")
            r = conn.getresponse()
            body = r.read().decode()
            assert body == f"hello from javascript: get /n/{i}\n", f"request {i}: {body!r}"
        per = (time.monotonic() - start) / 10
        print(f"js handler ({tier}): {per * 1000:.1f} ms per request")
        return 0
    finally:
        server.terminate()
        try:
            rc = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("wasmcap serve did not exit within 30 s of SIGTERM")
        rest = server.stderr.read()
        if rc != 0:
            print(rest, file=sys.stderr)
            raise AssertionError(f"wasmcap serve exited with {rc} after SIGTERM")


if __name__ == "__main__":
    sys.exit(main())
