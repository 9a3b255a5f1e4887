#!/usr/bin/env bash
# Progress output: ≤ 12 plain lines (every 10 %) into a pipe, a carriage-return bar on a terminal
# (a pseudo-terminal made by `script`), nothing with --quiet.
set -u
fixture=$1
fail=0
lines=$("$fixture" 2>&1 >/dev/null | wc -l)
plain=$("$fixture" 2>&1 >/dev/null)
{ [ "$lines" -ge 2 ] && [ "$lines" -le 12 ]; } || { echo "FAIL: $lines plain lines"; fail=1; }
grep -qE "frames: 100% 1000/1000 in [0-9]+(\.[0-9])? s$" <<<"$plain" || { echo "FAIL: no final line: $plain"; fail=1; }
grep -q $'\r' <<<"$plain" && { echo "FAIL: carriage return in plain output"; fail=1; }
[ -z "$("$fixture" --quiet 2>&1)" ] || { echo "FAIL: --quiet printed"; fail=1; }
if command -v script >/dev/null; then
  tty_out=$(script -qec "$fixture" /dev/null)
  grep -q $'\r' <<<"$tty_out" || { echo "FAIL: no bar on a terminal"; fail=1; }
  grep -q '\[##############################\] 100%' <<<"$tty_out" || { echo "FAIL: bar never full"; fail=1; }
fi
[ $fail -eq 0 ] && echo "progress output OK"
exit $fail
