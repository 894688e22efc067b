"""Shared pieces of the `wasmcap serve` socket tests (serve_test.py, serve_load.py): starting a
server on a free port, reading its stderr, bounded HTTP helpers and the process's RSS."""

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time

SOCKET_TIMEOUT = 20.0  # every socket gets a timeout: nothing here may hang


class Failure(AssertionError):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Server:
    """`wasmcap serve --addr 127.0.0.1:0 ARGS HANDLER`, its port read from stderr; stderr is kept
    (lines()) for the failure log checks. `Server.last` is the newest one, whose stderr a failing
    test prints (the trap behind a 500 is only in the server's log)."""

    last = None

    def __init__(self, wasmcap, handler, tier, args=(), start_timeout=60.0):
        Server.last = self
        self.cmd = [wasmcap, "serve", "--addr", "127.0.0.1:0", "--tier", tier, *args, handler]
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._lines = []
        self._mu = threading.Lock()
        self._ready = threading.Event()
        self.port = None
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        if not self._ready.wait(start_timeout) or self.port is None:
            self.kill()
            raise Failure("wasmcap serve did not print 'Serving HTTP on ...' within %.0f s; "
                          "stderr:\n%s" % (start_timeout, self.stderr()))

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._mu:
                self._lines.append(line)
            m = re.match(r"Serving HTTP on http://127\.0\.0\.1:(\d+)/$", line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()  # exited before listening

    def lines(self):
        with self._mu:
            return list(self._lines)

    def stderr(self):
        return "\n".join(self.lines())

    def wait_for_line(self, pattern, timeout=5.0):
        """The first stderr line matching `pattern` (a regex), waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines():
                if re.search(pattern, line):
                    return line
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)

    def conn(self, timeout=SOCKET_TIMEOUT):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def raw(self, timeout=SOCKET_TIMEOUT):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return s

    def alive(self):
        return self.proc.poll() is None

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise Failure("no VmRSS in /proc/%d/status" % self.proc.pid)

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends `sig` and returns (exit status, seconds to exit)."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure("wasmcap serve did not exit within %.0f s of %s; stderr:\n%s" %
                          (timeout, signal.Signals(sig).name, self.stderr()))
        self._reader.join(5)
        return code, time.monotonic() - t0

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def get(server, path, method="GET", body=None, headers=None, timeout=SOCKET_TIMEOUT):
    """One request on a new connection: (status, headers message, body)."""
    c = server.conn(timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.msg, r.read()
    finally:
        c.close()


def read_raw_response(sock, limit=1 << 20):
    """Reads from `sock` until the peer closes it or `limit` bytes: the raw bytes."""
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def raw_status(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    return int(m.group(1)) if m else None
