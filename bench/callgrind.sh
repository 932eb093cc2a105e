#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per mediated call, counted by valgrind --tool=callgrind (stable on noisy machines).
# For each case it collects three figures, each divided by the number of calls:
#   mediator  - ffa_mediator_handle() and everything it calls, minus the null backend
#   backend   - the null backend (the stand-in secure world)
#   round trip - the whole loop iteration: guest register setup + mediator + backend
# Usage: bench/callgrind.sh [path/to/bench_mediator] [iterations]
set -euo pipefail
bin=${1:-build/gcc/bench/core/bench_mediator}
n=${2:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

# Ir inside function $2 (inclusive) when running case $1.
count() {
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="$2" \
    --callgrind-out-file="$out/cg" "$bin" --iterations "$n" --case "$1" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$out/cg"
}

# The loop runs once for warm-up (n/10+1 calls) and five timed times (5n calls).
calls=$(( n / 10 + 1 + 5 * n ))
printf '%-18s %10s %10s %12s   (instructions per call, callgrind, %d calls)\n' \
  case mediator backend "round trip" "$calls"
for c in version direct_req direct_req_listed; do
  med=$(count "$c" ffa_mediator_handle)
  be=$(count "$c" null_call)
  all=$(count "$c" "bench_loop_$c")
  awk -v m="$med" -v b="$be" -v a="$all" -v c="$calls" -v name="$c" \
    'BEGIN { printf "%-18s %10.1f %10.1f %12.1f\n", name, (m - b) / c, b / c, a / c }'
done
