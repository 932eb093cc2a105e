#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run the demonstration from a fresh Debian 12 machine: a hypervisor-side program
# drives the mediator over the emulated secure world (the Unicorn backend running the example
# AArch64 secure partitions) and prints every FF-A call and reply, decoded.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ffa_install_deps

cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_TESTS=OFF \
  -DFFA_BUILD_BENCH=OFF >/dev/null
cmake --build build/demo -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/demo/examples/demo/unicorn_demo
