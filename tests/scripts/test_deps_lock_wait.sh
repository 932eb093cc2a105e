#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/deps.sh waits for the package manager's lock: a command that fails because another
# process holds the dpkg/apt lock is retried, with one message naming the holder, until it works or
# the time limit passes (then a clear message and a failure); any other failure is not retried.
# The "package manager" here is a fake command; nothing is installed.
# Usage: test_deps_lock_wait.sh <source-root>
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../../scripts/deps.sh
source "$src/scripts/deps.sh"
FFA_APT_LOCK_POLL=0.1

# fake <lock-failures> <final-rc> <final-message>: fails with apt's lock message <lock-failures>
# times, then exits <final-rc> printing <final-message> on stderr. Counts its runs in $work/runs.
fake() {
  local n
  n=$(($(cat "$work/runs" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$work/runs"
  if [ "$n" -le "$1" ]; then
    echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
    return 100
  fi
  [ -n "$3" ] && echo "$3" >&2
  return "$2"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

echo "== the lock is released after two tries: the command runs again and succeeds"
rm -f "$work/runs"
FFA_APT_LOCK_TIMEOUT=30 ffa_with_lock_wait fake 2 0 "" 2>"$work/err" || fail "returned $?"
cat "$work/err"
[ "$(cat "$work/runs")" = 3 ] || fail "ran $(cat "$work/runs") times, expected 3"
[ "$(grep -c 'waiting for it' "$work/err")" = 1 ] || fail "the wait is not announced exactly once"
grep -q '(process 4242 (apt-get))' "$work/err" || fail "the message does not name the holder"

echo "== the lock is never released: gives up after the time limit, saying why"
rm -f "$work/runs"
rc=0
FFA_APT_LOCK_TIMEOUT=1 ffa_with_lock_wait fake 1000 0 "" 2>"$work/err" || rc=$?
cat "$work/err"
[ "$rc" -ne 0 ] || fail "succeeded although the lock was never released"
grep -q 'still holds the dpkg/apt lock after 1 s' "$work/err" || fail "no time-out message"
[ "$(cat "$work/runs")" -ge 2 ] || fail "did not retry"

echo "== another failure is returned at once, with its message"
rm -f "$work/runs"
rc=0
FFA_APT_LOCK_TIMEOUT=30 ffa_with_lock_wait fake 0 100 "E: Unable to locate package nope" \
  2>"$work/err" || rc=$?
cat "$work/err"
[ "$rc" = 100 ] || fail "returned $rc, expected the command's 100"
[ "$(cat "$work/runs")" = 1 ] || fail "retried a failure that is not the lock"
grep -q 'Unable to locate package nope' "$work/err" || fail "the command's error was hidden"
if grep -q 'waiting' "$work/err"; then fail "announced a wait for a failure that is not the lock"; fi

echo "== dpkg's own lock message is recognised too"
rm -f "$work/runs"
dpkg_locked() {
  local n
  n=$(($(cat "$work/runs" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$work/runs"
  [ "$n" -gt 1 ] && return 0
  echo "dpkg: error: dpkg frontend lock was locked by another process with pid 77" >&2
  return 2
}
FFA_APT_LOCK_TIMEOUT=30 ffa_with_lock_wait dpkg_locked 2>"$work/err" || fail "returned $?"
grep -q '(process with pid 77)' "$work/err" || fail "the dpkg lock holder is not named"
[ "$(cat "$work/runs")" = 2 ] || fail "dpkg's lock message was not retried"
echo "OK"
