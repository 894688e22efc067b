#!/usr/bin/env bash
# sigint.sh WASMCAP CLI_DIR: Ctrl-C as a user presses it, on every tier. While the guest runs
# wasm, the first SIGINT stops it with the trap "interrupted" and its wasm backtrace, and the
# status is 130; while it blocks in a host call, the first SIGINT waits (the call restarts) and a
# second one kills the process at once (killed by SIGINT: the shell's 130, and no trap printed).
set -u
# Job control: without it, bash starts background commands with SIGINT ignored.
set -m
wasmcap=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

# Waits (up to 20 s) until FILE holds PATTERN: the guest is running once -v printed its checks.
wait_for() {
  for _ in $(seq 200); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

for tier in interp jit auto; do
  out=$work/$tier.out
  "$wasmcap" run -v --no-cache --tier "$tier" "$dir/forever.wat" > "$out" 2>&1 &
  pid=$!
  wait_for "$out" "wasmcap: checks:" || fail "$tier: the guest never started: $(cat "$out")"
  sleep 0.2
  kill -INT "$pid"
  wait "$pid"
  status=$?
  [ "$status" = 130 ] || fail "$tier: status $status, expected 130: $(cat "$out")"
  grep -Ezq "wasm trap: interrupted.*wasm backtrace:.*0x[0-9a-f]+ - " "$out" ||
    fail "$tier: no interrupted trap with its backtrace: $(cat "$out")"
done

# Blocked in fd_read on a pipe nobody writes to: the first Ctrl-C cannot stop it, the second
# kills the process.
mkfifo "$work/stdin"
exec 3<>"$work/stdin" # held open for writing, never written: the read blocks
out=$work/blocked.out
"$wasmcap" run -v --tier interp "$dir/read_stdin.wat" < "$work/stdin" > "$out" 2>&1 &
pid=$!
wait_for "$out" "wasmcap: checks:" || fail "blocked: the guest never started: $(cat "$out")"
sleep 0.2
kill -INT "$pid"
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "blocked: the first Ctrl-C ended the process"
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" = 130 ] || fail "blocked: status $status after the second Ctrl-C, expected 130"
grep -q "wasm trap" "$out" && fail "blocked: a trap was printed: $(cat "$out")"
exec 3>&-

# --no-interrupt: no checks, and Ctrl-C kills at once.
out=$work/nointerrupt.out
"$wasmcap" run -v --no-interrupt --tier interp "$dir/forever.wat" > "$out" 2>&1 &
pid=$!
wait_for "$out" "wasmcap: checks: none" || fail "--no-interrupt: $(cat "$out")"
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" = 130 ] || fail "--no-interrupt: status $status, expected 130"
grep -q "wasm trap" "$out" && fail "--no-interrupt: a trap was printed: $(cat "$out")"

[ "$failures" = 0 ] && echo "sigint: all checks passed"
exit "$failures"
