#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run the libFuzzer harnesses (docs/fuzzing.md).
#
#   fuzz/run.sh <harness> [seconds] [jobs] [-- libFuzzer options...]
#       Fuzz one harness for `seconds` (default 60) with `jobs` parallel processes (default 1),
#       starting from its corpus fuzz/corpus/<harness>/. New inputs go to
#       build/fuzz/work/<harness>/; at the end they are merged (minimised: only inputs that add
#       coverage) into fuzz/corpus/<harness>/, ready to commit. Crashes and invariant failures
#       are saved under build/fuzz/artifacts/<harness>/ and the run exits non-zero.
#       Hours on every core:  fuzz/run.sh fuzz_mediator 14400 $(nproc)
#   fuzz/run.sh --ci [seconds]
#       What CI runs: every harness for `seconds` (default 20) from a scratch copy of its corpus
#       (the repository is not written), after replaying its corpus and its known-defect
#       reproducers (fuzz/known/<defect>/<harness>-*, tolerated while the defect is open).
#   fuzz/run.sh --replay <harness> <file|dir>...
#       Run inputs once (a crash reproducer, a corpus). FFA_FUZZ_STRICT=1 makes known, still
#       open defects fatal; FFA_FUZZ_TRACE=1 prints every call fuzz_mediator makes.
#   fuzz/run.sh --list
#
# The harnesses are built by: cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DFFA_FUZZ=ON
# (this script configures and builds that tree when it is missing; FFA_FUZZ_BUILD overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${FFA_FUZZ_BUILD:-build/fuzz}

die() {
  echo "fuzz/run.sh: $*" >&2
  exit 2
}

ensure_built() {
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DFFA_FUZZ=ON -DFFA_WERROR=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_TESTS=OFF -DFFA_BUILD_BENCH=OFF \
      -DFFA_BUILD_EXAMPLES=OFF -DFFA_STRESS=OFF >/dev/null
  fi
  cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
}

harnesses() {
  find "$build/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort
}

# Every harness runs under ASan+UBSan; a report, an abort or a leak is a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=20 -rss_limit_mb=4096 -print_final_stats=1)

replay() {
  local h=$1
  shift
  "$build/fuzz/$h" "${common[@]}" -runs=0 "$@"
}

fuzz_one() {
  local h=$1 secs=$2 jobs=$3
  shift 3
  local corpus=fuzz/corpus/$h work=$build/work/$h art=$build/artifacts/$h
  mkdir -p "$corpus" "$work" "$art"
  [ -x "$build/fuzz/$h" ] || die "no harness $h in $build/fuzz (fuzz/run.sh --list)"
  local par=()
  if [ "$jobs" -gt 1 ]; then
    par=(-jobs="$jobs" -workers="$jobs")
  fi
  echo "== $h: ${secs} s, $jobs job(s); corpus $corpus, new inputs in $work"
  local rc=0
  (cd "$art" && "$root/$build/fuzz/$h" "${common[@]}" -max_total_time="$secs" "${par[@]}" \
    "$@" "$root/$work" "$root/$corpus") || rc=$?
  echo "== $h: merging new inputs into $corpus"
  local merged=$build/work/$h.merge
  rm -rf "$merged"
  mkdir -p "$merged"
  # Minimised by edge coverage (-use_counters=0): small enough to commit.
  "$build/fuzz/$h" -merge=1 -use_counters=0 "$merged" "$corpus" "$work" >/dev/null 2>&1 || true
  if [ -n "$(ls -A "$merged")" ]; then
    rm -rf "$corpus"
    mv "$merged" "$corpus"
  fi
  echo "== $h: corpus now $(ls "$corpus" | wc -l) inputs, $(du -sh "$corpus" | cut -f1)"
  [ "$rc" -eq 0 ] || die "$h failed (exit $rc): see $art"
}

ci() {
  local secs=$1 h known
  local total=0 start
  for h in $(harnesses); do
    start=$(date +%s)
    echo "==== $h: replay corpus and known-defect reproducers"
    mkdir -p "fuzz/corpus/$h"
    replay "$h" "fuzz/corpus/$h" 2>&1 | tail -n 3
    for known in fuzz/known/*/"$h"-*; do
      [ -e "$known" ] || continue
      replay "$h" "$known" >/dev/null 2>&1 || die "$h: $known fails (a tolerated defect fixed? see fuzz/known/README.md)"
    done
    echo "==== $h: ${secs} s of fuzzing"
    local scratch=$build/ci/$h
    rm -rf "$scratch"
    mkdir -p "$scratch"
    cp -r "fuzz/corpus/$h/." "$scratch/"
    (cd "$scratch" && "$root/$build/fuzz/$h" "${common[@]}" -max_total_time="$secs" \
      -artifact_prefix="$root/$build/ci/$h-" . 2>&1) | grep -E '^(stat::|#[0-9]+ *DONE|INVARIANT|known|FATAL|==[0-9]+==ERROR|SUMMARY)' ||
      true
    if ls "$build/ci/$h-"* >/dev/null 2>&1; then
      ls "$build/ci/$h-"*
      die "$h found a failure; the input is saved above (fuzz/run.sh --replay $h <file>)"
    fi
    total=$((total + $(date +%s) - start))
  done
  echo "fuzzing stage: $total s"
}

case ${1:-} in
--list)
  ensure_built
  harnesses
  ;;
--ci)
  ensure_built
  ci "${2:-20}"
  ;;
--replay)
  [ $# -ge 3 ] || die "usage: fuzz/run.sh --replay <harness> <file|dir>..."
  ensure_built
  h=$2
  shift 2
  replay "$h" "$@"
  ;;
"" | -h | --help)
  sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'
  ;;
*)
  h=$1
  secs=${2:-60}
  jobs=${3:-1}
  shift $(($# < 3 ? $# : 3))
  [ "${1:-}" = "--" ] && shift
  ensure_built
  fuzz_one "$h" "$secs" "$jobs" "$@"
  ;;
esac
