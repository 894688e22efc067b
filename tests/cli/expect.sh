#!/usr/bin/env bash
# expect.sh STATUS PATTERN CMD...: runs CMD, checks its exit status and that its combined output
# matches the extended regex PATTERN. Used by the CLI tests to check what a user would see.
set -u
want_status=$1 pattern=$2
shift 2
out=$("$@" 2>&1)
status=$?
if [ "$status" != "$want_status" ]; then
  printf 'exit status %s, expected %s; output:\n%s\n' "$status" "$want_status" "$out"
  exit 1
fi
# grep sees no record in empty output, so "^$" (no output at all) is checked by bash instead.
if [ -z "$out" ]; then
  [[ "" =~ $pattern ]] || { printf 'no output, expected /%s/\n' "$pattern"; exit 1; }
elif ! printf '%s' "$out" | grep -Ezq -- "$pattern"; then
  printf 'output does not match /%s/:\n%s\n' "$pattern" "$out"
  exit 1
fi
exit 0
