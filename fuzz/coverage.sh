#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Line and branch coverage of lib/ (and backends/unicorn/) reached by the fuzz corpora.
#
#   fuzz/coverage.sh [harness...]     (default: every harness)
#
# Builds the harnesses once more with clang's source-based coverage (-fprofile-instr-generate
# -fcoverage-mapping) in build/fuzz-cov, runs each over its corpus (fuzz/corpus/<harness>/, once,
# no fuzzing), merges the profiles and prints llvm-cov's summary per file of lib/ and
# backends/unicorn/. The HTML report is written to build/fuzz-cov/html/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/fuzz-cov
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DFFA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFFA_BUILD_TESTS=OFF -DFFA_BUILD_BENCH=OFF -DFFA_BUILD_EXAMPLES=OFF -DFFA_STRESS=OFF \
  "-DCMAKE_C_FLAGS=-fprofile-instr-generate -fcoverage-mapping" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate" >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  mapfile -t harnesses < <(find "$build/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort)
fi
rm -rf "$build/profiles"
mkdir -p "$build/profiles"
objects=()
for h in "${harnesses[@]}"; do
  # llvm-cov takes the first binary as is, the others after -object.
  [ ${#objects[@]} -eq 0 ] && objects+=("$build/fuzz/$h") || objects+=(-object "$build/fuzz/$h")
  echo "== $h: $(ls "fuzz/corpus/$h" | wc -l) corpus inputs"
  LLVM_PROFILE_FILE="$PWD/$build/profiles/$h-%p.profraw" \
    "$build/fuzz/$h" -runs=0 "fuzz/corpus/$h" >/dev/null 2>&1 || true
done
llvm-profdata-14 merge -sparse "$build"/profiles/*.profraw -o "$build/fuzz.profdata"
llvm-cov-14 report -instr-profile="$build/fuzz.profdata" "${objects[@]}" \
  $(find lib backends/unicorn -name '*.c' | sort)
llvm-cov-14 show -format=html -output-dir="$build/html" -instr-profile="$build/fuzz.profdata" \
  "${objects[@]}" $(find lib backends/unicorn -name '*.c' | sort) >/dev/null
echo "HTML report: $build/html/index.html"
