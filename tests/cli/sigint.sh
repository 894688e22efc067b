#!/usr/bin/env bash
# sigint.sh WASMCAP CLI_DIR LLVM: Ctrl-C as a user presses it, on every tier. While the guest
# runs wasm, the first SIGINT stops it with the trap "interrupted" and its wasm backtrace, and
# the status is 130; compiled code does so without any check compiled in (LLVM=1: the tier is
# built, so `--tier jit` and .cwasm runs are compiled code and -v must say "checks: none"). In a
# loop of host calls the guest stops when the call returns. While it blocks in a host call, the
# first SIGINT waits (the call restarts) and a second one kills the process at once (killed by
# SIGINT: the shell's 130, and no trap printed).
set -u
# Job control: without it, bash starts background commands with SIGINT ignored.
set -m
wasmcap=$1 dir=$2 llvm=${3:-0}
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

# interrupts NAME CHECKS FRAME ARGS...: runs `wasmcap run -v ARGS`, waits until -v printed
# "checks: CHECKS", lets it run 0.5 s, sends one SIGINT and expects status 130, the trap
# "interrupted" and a backtrace whose frames include FRAME.
interrupts() {
  local name=$1 checks=$2 frame=$3
  shift 3
  local out=$work/$name.out
  "$wasmcap" run -v "$@" > "$out" 2>&1 &
  local pid=$!
  wait_for "$out" "wasmcap: checks: $checks" ||
    fail "$name: the guest never started with checks $checks: $(cat "$out")"
  sleep 0.5
  kill -INT "$pid"
  wait "$pid"
  local status=$?
  [ "$status" = 130 ] || fail "$name: status $status, expected 130: $(cat "$out")"
  grep -Ezq "wasm trap: interrupted.*wasm backtrace:.*0x[0-9a-f]+ - [^\n]*$frame" "$out" ||
    fail "$name: no interrupted trap with a backtrace naming $frame: $(cat "$out")"
}

interrupts interp "fuel and interruption" spin --no-cache --tier interp "$dir/spin.wat"
interrupts auto "" spin --no-cache --tier auto "$dir/spin.wat"
interrupts host-loop-interp "" sleep_forever --tier interp "$dir/host_loop.wat"
if [ "$llvm" = 1 ]; then
  # No check compiled: the signal handler leaves the loop at the interrupted instruction.
  interrupts jit none spin --no-cache --tier jit "$dir/spin.wat"
  "$wasmcap" compile "$dir/spin.wat" -o "$work/spin.cwasm" || fail "compile spin.wat"
  interrupts cwasm none spin "$work/spin.cwasm"
  # Mostly in poll_oneoff: stopped on the way back from the host.
  interrupts host-loop-jit none sleep_forever --no-cache --tier jit "$dir/host_loop.wat"
  # Through the code cache (a miss, then a hit) it is the same code.
  interrupts cached-jit none spin --tier jit "$dir/spin.wat"
  interrupts cache-hit-jit none spin --tier jit "$dir/spin.wat"
fi

# Blocked in fd_read on a pipe nobody writes to: the first Ctrl-C cannot stop it, the second
# kills the process.
mkfifo "$work/stdin"
exec 3<>"$work/stdin" # held open for writing, never written: the read blocks
for tier in interp jit; do
  out=$work/blocked-$tier.out
  "$wasmcap" run -v --no-cache --tier $tier "$dir/read_stdin.wat" < "$work/stdin" > "$out" 2>&1 &
  pid=$!
  wait_for "$out" "wasmcap: checks:" || fail "blocked: the guest never started: $(cat "$out")"
  sleep 0.2
  kill -INT "$pid"
  sleep 0.3
  kill -0 "$pid" 2>/dev/null || fail "blocked $tier: the first Ctrl-C ended the process"
  kill -INT "$pid"
  wait "$pid"
  status=$?
  [ "$status" = 130 ] || fail "blocked $tier: status $status after the second Ctrl-C, expected 130"
  grep -q "wasm trap" "$out" && fail "blocked $tier: a trap was printed: $(cat "$out")"
done
exec 3>&-

# --no-interrupt: the interpreter does not poll, and Ctrl-C kills at once.
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
