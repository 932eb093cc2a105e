#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run the demonstration from a fresh Debian 12 machine: a hypervisor-side program
# drives the mediator over the emulated secure world (the Unicorn backend running the example
# AArch64 secure partitions) and prints every FF-A call and reply, decoded.
# Installs only what the demonstration needs (scripts/deps.sh demo): the compiler, CMake, Unicorn,
# libfdt, dtc and the AArch64 cross compiler for the partitions. Build tree: build/demo.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ffa_install_deps demo

log=build/demo.log
mkdir -p build
echo "Building the demonstration in build/demo (log: $log)"
if ! { cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_TESTS=OFF \
  -DFFA_BUILD_BENCH=OFF && cmake --build build/demo -j"$(nproc 2>/dev/null || echo 2)"; } \
  >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "scripts/demo.sh: the build failed (whole log: $log)" >&2
  exit 1
fi
exec build/demo/examples/demo/unicorn_demo
