#!/usr/bin/env bash
# tcplisten.sh WASMCAP GUEST TIER: `-S tcplisten=127.0.0.1:PORT` hands tcplisten.wasm a listening
# socket; two clients each get their line back upper-cased and the guest exits 0. A directory
# granted as well keeps its place (the socket comes after it), an address that cannot be
# listened on is a usage error (status 2) naming it, and the policy's net group still decides.
set -u
wasmcap=$1 guest=$2 tier=$3
work=$(mktemp -d)
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# serve FD ARGS...: runs the guest (its socket at FD) in the background and talks to it as two
# clients.
serve() {
  local fd=$1
  shift
  "$wasmcap" run --tier "$tier" -S tcplisten=127.0.0.1:$port "$@" "$guest" 2 "$fd" \
    >"$work/out" 2>&1 &
  local pid=$!
  python3 - "$port" <<'PY' || fail "client ($*)"
import socket, sys, time
port = int(sys.argv[1])
for word in (b"hello wasi\n", b"second one\n"):
    deadline = time.time() + 20
    while True:
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=20)
            break
        except OSError:
            if time.time() > deadline: raise
            time.sleep(0.05)
    c.sendall(word)
    got = b""
    while not got.endswith(b"\n"):
        part = c.recv(100)
        if not part: break
        got += part
    assert got == word.upper(), (got, word)
    c.close()
print("client: both answered")
PY
  wait "$pid"
  local status=$?
  [ $status -eq 0 ] && grep -q "served 2" "$work/out" ||
    fail "guest ($*): status $status: $(cat "$work/out")"
}

serve 3
mkdir -p "$work/dir"
serve 4 --dir "$work/dir::/d"

"$wasmcap" run -S tcplisten=nohost:80 "$guest" 1 >"$work/out" 2>&1
status=$?
[ $status -eq 2 ] && grep -q 'cannot listen on "nohost:80"' "$work/out" ||
  fail "a bad address: status $status: $(cat "$work/out")"

rm -rf "$work"
if [ $failures -eq 0 ]; then echo "tcplisten: all checks passed"; else exit 1; fi
