#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build everything and run every test, from a fresh Debian 12 machine:
#   1. gcc build, all unit tests (ctest)
#   2. clang build with AddressSanitizer + UndefinedBehaviorSanitizer, all unit tests
#   3. lib/ cross-compiled freestanding for AArch64; its objects may need only mem* symbols
# Build trees go under build/. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ffa_install_deps

jobs=$(nproc 2>/dev/null || echo 2)

stage() { printf '\n==== %s ====\n' "$*"; }

stage "gcc: build and unit tests"
cmake -S . -B build/gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/gcc -j"$jobs"
ctest --test-dir build/gcc --output-on-failure -j"$jobs"

stage "clang: AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/clang-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DFFA_SANITIZE=address,undefined -DFFA_BUILD_BENCH=OFF
cmake --build build/clang-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/clang-asan --output-on-failure -j"$jobs"

stage "lib/ freestanding for AArch64"
cmake/check-freestanding.sh build/freestanding-aarch64

stage "all tests passed"
