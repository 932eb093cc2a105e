#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian 12 packages the build, the tests and the demonstration need, if missing.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run on its own.
set -euo pipefail

FFA_DEB_PACKAGES=(
  build-essential cmake pkg-config       # the build
  clang clang-format                     # the second compiler; formatting
  libcmocka-dev                          # unit tests
  libunicorn-dev libfdt-dev device-tree-compiler  # emulated secure world, SP manifests
  libffi-dev                             # plain SMC function pointers
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user  # AArch64 SPs, cross-built tests
  valgrind                               # instruction counts for the benchmarks
)

ffa_install_deps() {
  local missing=()
  for p in "${FFA_DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ffa_install_deps
fi
