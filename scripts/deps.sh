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

# ---- AArch64 cross-built unit tests (scripts/test.sh stage "AArch64 under qemu-aarch64") ----
# Target libraries come from Debian multiarch: the arm64 builds of cmocka and libffi, installed
# beside the amd64 ones under /usr/lib/aarch64-linux-gnu. They pull in libc6:arm64, whose loader
# /lib/ld-linux-aarch64.so.1 lets qemu-aarch64 run the tests without QEMU_LD_PREFIX.
FFA_DEB_PACKAGES_ARM64=(libcmocka-dev:arm64 libffi-dev:arm64)

ffa_install_arm64_deps() {
  local missing=() sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  for p in "${FFA_DEB_PACKAGES_ARM64[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "Adding the arm64 architecture to dpkg (multiarch) for the AArch64 test libraries"
    $sudo dpkg --add-architecture arm64
  fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

ffa_install_deps() {
  ffa_install_host_deps
  ffa_install_arm64_deps
}

ffa_install_host_deps() {
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
