#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run the demonstration from a fresh Debian 12 machine.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ffa_install_deps

cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFFA_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/demo/examples/mock_hypervisor examples/mock_hypervisor/secure-world.ffa
