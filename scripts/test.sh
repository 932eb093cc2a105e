#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build everything and run every test, from a fresh Debian 12 machine (this is what CI runs):
#   1. gcc build (RelWithDebInfo), all unit tests (ctest), the installed-library checks
#   2. clang build with AddressSanitizer + UndefinedBehaviorSanitizer (Debug), all unit tests
#   3. lib/ cross-compiled freestanding for AArch64; its objects may need only mem* symbols
#   4. AArch64: everything cross-built (gcc-aarch64-linux-gnu, multiarch arm64 cmocka/libffi) and
#      the unit tests run under qemu-aarch64 user mode, including the SMC/HVC conduit tests;
#      once with gcc, once with clang --target=aarch64-linux-gnu
#   5. gcc Release (-O3) build for /usr, all unit tests; the Debian packages (cpack), checked,
#      unpacked into a scratch root, and programs built and run against them (shared and static)
#   6. fuzzing: every libFuzzer harness (fuzz/, clang, ASan+UBSan) replays its corpus and the
#      known-defect reproducers, then fuzzes for FFA_FUZZ_SECONDS (default 20) seconds
#   7. ThreadSanitizer: the multi-threaded unit tests (ctest label `threads`) and the Unicorn
#      tests (threads on several PEs among them), then ffa_stress for FFA_STRESS_SECONDS (default
#      20) seconds against the secure-world model and against the emulated SPMC (on 4 PEs)
#   8. every command of README.md and docs/*.md, as written (tests/docs/run-doc-commands.sh)
# Every build has -DFFA_WERROR=ON. Installs what it needs first (scripts/deps.sh test). Build
# trees go under build/. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ffa_install_deps test

jobs=$(nproc 2>/dev/null || echo 2)
t0=$SECONDS
stage_start=$SECONDS
stage_name=""
timings=()
stage() {
  [ -n "$stage_name" ] && timings+=("$(printf '%4d s  %s' $((SECONDS - stage_start)) "$stage_name")")
  stage_name=$*
  stage_start=$SECONDS
  printf '\n==== %s ====\n' "$*"
}

stage "gcc: build and unit tests"
cmake -S . -B build/gcc -DFFA_WERROR=ON -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/gcc -j"$jobs"
ctest --test-dir build/gcc --output-on-failure -j"$jobs"

stage "clang: AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/clang-asan -DFFA_WERROR=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DFFA_SANITIZE=address,undefined -DFFA_BUILD_BENCH=OFF
cmake --build build/clang-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/clang-asan --output-on-failure -j"$jobs"

stage "lib/ freestanding for AArch64"
cmake/check-freestanding.sh build/freestanding-aarch64

stage "AArch64: cross-built unit tests under qemu-aarch64"
cmake -S . -B build/aarch64 -DFFA_WERROR=ON -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_BENCH=OFF -DFFA_BUILD_EXAMPLES=OFF
cmake --build build/aarch64 -j"$jobs"
# The conduit and plain-function tests must exist: a missing libffi (amd64 or arm64) or a wrong
# processor check would otherwise drop them without a failure.
a64_tests=$(ctest --test-dir build/aarch64 -N)
host_tests=$(ctest --test-dir build/gcc -N)
for t in test_backend_smc test_smc_discover backend_smc_is_freestanding test_plain_smc \
  test_plain_smc_conduit symbols_ffa-backend-smc_shared; do
  grep -q " $t\$" <<<"$a64_tests" || { echo "FAIL: the AArch64 build has no $t" >&2; exit 1; }
done
for t in test_plain_smc install_consumer symbols_ffa-mediator_shared; do
  grep -q " $t\$" <<<"$host_tests" || { echo "FAIL: the host build has no $t" >&2; exit 1; }
done
ctest --test-dir build/aarch64 --output-on-failure -j"$jobs"
# The same with clang as the cross compiler: the inline asm and the ucontext code stay clean.
cmake -S . -B build/aarch64-clang -DFFA_WERROR=ON \
  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_BENCH=OFF -DFFA_BUILD_EXAMPLES=OFF
cmake --build build/aarch64-clang -j"$jobs"
ctest --test-dir build/aarch64-clang --output-on-failure -j"$jobs"

stage "gcc Release: unit tests, Debian packages, programs built against the unpacked packages"
# build/deb is also the tree of the README's package commands (stage 8 reuses it).
cmake -S . -B build/deb -DFFA_WERROR=ON -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/usr -DFFA_BUILD_TESTS=ON -DFFA_BUILD_BENCH=OFF
cmake --build build/deb -j"$jobs"
ctest --test-dir build/deb --output-on-failure -j"$jobs"
rm -rf build/deb/packages
(cd build/deb && cpack -G DEB)
tests/install/test_debs.sh build/deb/packages build/deb-root . gcc

stage "fuzzing: libFuzzer harnesses under ASan+UBSan, ${FFA_FUZZ_SECONDS:-20} s each"
cmake -S . -B build/fuzz -DFFA_WERROR=ON -DCMAKE_C_COMPILER=clang -DFFA_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_TESTS=OFF -DFFA_BUILD_BENCH=OFF \
  -DFFA_BUILD_EXAMPLES=OFF -DFFA_STRESS=OFF
cmake --build build/fuzz -j"$jobs"
FFA_FUZZ_BUILD=build/fuzz fuzz/run.sh --ci "${FFA_FUZZ_SECONDS:-20}"

stage "ThreadSanitizer: the multi-threaded and Unicorn tests, then the stress program ${FFA_STRESS_SECONDS:-20} s per secure world"
cmake -S . -B build/tsan -DFFA_WERROR=ON -DCMAKE_C_COMPILER=clang -DFFA_SANITIZE=thread \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_BENCH=OFF -DFFA_BUILD_EXAMPLES=OFF
cmake --build build/tsan -j"$jobs" --target ffa_stress ffa_tsan_tests ffa_unicorn_tests
# Unit tests labelled `threads` drive the mediator from several threads at once
# (tests/CMakeLists.txt); a data race there, even one no assertion sees, fails them. The emulated
# SPMC's own tests follow, several PEs on host threads (test_unicorn_mp) among them.
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build/tsan --output-on-failure -j"$jobs" -L threads
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build/tsan --output-on-failure -j"$jobs" -R '^test_unicorn_'
# stress/tsan-known.supp names the known, open data races only (one line per defect).
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/stress/tsan-known.supp" \
  build/tsan/stress/ffa_stress --backend model --seconds "${FFA_STRESS_SECONDS:-20}"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/stress/tsan-known.supp" \
  build/tsan/stress/ffa_stress --backend unicorn --seconds "${FFA_STRESS_SECONDS:-20}"

stage "README.md and docs/*.md: every command as written"
tests/docs/run-doc-commands.sh

stage "done"
printf '\n'
printf '%s\n' "${timings[@]}"
printf '%4d s  total\n' $((SECONDS - t0))
printf '\n==== all tests passed ====\n'
