#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian 12 packages a command needs, if they are missing. Before installing, it lists
# each missing package and why the command needs it; when another process (apt, dpkg, unattended
# upgrades) holds the package manager's lock, it waits for it, up to FFA_APT_LOCK_TIMEOUT seconds
# (default 600), saying so.
#
# Usage: scripts/deps.sh [demo|bench|test|dev] [--list]
#   demo    what scripts/demo.sh needs: compiler, CMake, Unicorn, libfdt, dtc and the AArch64 cross
#           compiler for the example partitions
#   bench   demo's, plus valgrind (the README's benchmark commands)
#   test    (default) what scripts/test.sh (CI) needs: bench's, plus clang, cmocka, libffi,
#           qemu-user, the Debian packaging tools, and cmocka/libffi for arm64 (multiarch: this adds
#           the arm64 architecture to dpkg)
#   dev     test's, plus clang-format (for contributors)
#   --list  print the packages of that set, installed or not, and exit
# scripts/demo.sh and scripts/test.sh source this file and call ffa_install_deps <set>.
#
# To add a package: put "<package>|<why>" in the group of the command that needs it below.
set -euo pipefail

# ---- the packages, by what needs them ----
FFA_DEPS_BUILD=(
  "build-essential|the C compiler (gcc) and make"
  "cmake|the build system (CMake 3.25)"
  "pkg-config|finds Unicorn, libffi and cmocka"
)
FFA_DEPS_EMULATED=(
  "libunicorn-dev|the emulated secure world runs the partitions in Unicorn"
  "libfdt-dev|reads the partitions' FF-A manifests"
  "device-tree-compiler|compiles the manifests (dtc: .dts to .dtb)"
  "gcc-aarch64-linux-gnu|cross-compiles the example AArch64 partitions"
)
FFA_DEPS_BENCH=(
  "valgrind|instruction counts of the benchmarks (bench/callgrind.sh)"
)
FFA_DEPS_TEST=(
  "clang|the second compiler, and the AddressSanitizer/UBSan build"
  "libcmocka-dev|the unit tests"
  "libffi-dev|ffa::plain_smc (plain SMC function pointers) and its tests"
  "libc6-dev-arm64-cross|the C library for the cross-built AArch64 tests"
  "qemu-user|runs the AArch64 tests (qemu-aarch64)"
  "dpkg-dev|dpkg-shlibdeps: the Debian packages' dependencies (cpack)"
  "file|cpack finds the ELF files of the Debian packages"
)
# Fuzzing and stress (scripts/test.sh stages 6 and 7): clang's sanitizer runtimes.
FFA_DEPS_FUZZ=(
  "libclang-rt-14-dev|libFuzzer and the ASan/UBSan/TSan runtimes: fuzz/ harnesses, the TSan stress stage"
  "llvm-14|llvm-profdata and llvm-cov: coverage of lib/ by the fuzz corpora (fuzz/coverage.sh)"
)
# Target libraries of the cross-built tests, from Debian multiarch (dpkg --add-architecture arm64):
# installed beside the amd64 ones under /usr/lib/aarch64-linux-gnu. They pull in libc6:arm64,
# whose loader /lib/ld-linux-aarch64.so.1 lets qemu-aarch64 run the tests without QEMU_LD_PREFIX.
FFA_DEPS_TEST_ARM64=(
  "libcmocka-dev:arm64|the unit tests, cross-built for AArch64"
  "libffi-dev:arm64|ffa::plain_smc, cross-built for AArch64"
)
FFA_DEPS_DEV=(
  "clang-format|formats C sources before a commit (.clang-format)"
)

# ffa_deps_of <set>: the "<package>|<why>" entries of a set, one per line.
ffa_deps_of() {
  local e
  case $1 in
  demo) for e in "${FFA_DEPS_BUILD[@]}" "${FFA_DEPS_EMULATED[@]}"; do echo "$e"; done ;;
  bench)
    ffa_deps_of demo
    for e in "${FFA_DEPS_BENCH[@]}"; do echo "$e"; done
    ;;
  test)
    ffa_deps_of bench
    for e in "${FFA_DEPS_TEST[@]}" "${FFA_DEPS_FUZZ[@]}" "${FFA_DEPS_TEST_ARM64[@]}"; do
      echo "$e"
    done
    ;;
  dev)
    ffa_deps_of test
    for e in "${FFA_DEPS_DEV[@]}"; do echo "$e"; done
    ;;
  *)
    echo "scripts/deps.sh: unknown set '$1' (demo, bench, test or dev)" >&2
    return 2
    ;;
  esac
}

# ffa_is_installed <package[:arch]>: installed for the native architecture (or "all"), or for the
# architecture named.
ffa_is_installed() {
  local p=$1 want
  if [[ $p == *:* ]]; then
    grep -qx "install ok installed" <<<"$(dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null)"
    return
  fi
  want=$(dpkg --print-architecture)
  grep -qE "^($want|all) install ok installed$" \
    <<<"$(dpkg-query -W -f='${Architecture} ${Status}\n' "$p" 2>/dev/null)"
}

# ---- the package manager's lock ----
FFA_APT_LOCK_TIMEOUT=${FFA_APT_LOCK_TIMEOUT:-600}
FFA_APT_LOCK_POLL=${FFA_APT_LOCK_POLL:-5}
# What apt-get (dpkg frontend lock, lists lock) and dpkg print when another process holds a lock.
FFA_APT_LOCK_MESSAGES='Could not get lock|Unable to acquire the dpkg frontend lock'
FFA_APT_LOCK_MESSAGES+='|Unable to lock (the administration )?directory'
FFA_APT_LOCK_MESSAGES+='|lock was locked by another process|frontend lock is locked'

# ffa_with_lock_wait <command>...: runs a package-manager command. While it fails because another
# process holds the dpkg or apt lock (it then changes nothing), says so once and tries again every
# FFA_APT_LOCK_POLL seconds, for up to FFA_APT_LOCK_TIMEOUT seconds. Any other failure is returned
# at once.
ffa_now_ms() {
  local us=${EPOCHREALTIME//[.,]/}
  echo $((us / 1000))
}

ffa_with_lock_wait() {
  local start=$SECONDS start_ms err rc holder waited=0
  start_ms=$(ffa_now_ms)
  err=$(mktemp)
  while true; do
    rc=0
    "$@" 2>"$err" || rc=$?
    if [ "$rc" -eq 0 ] || ! grep -qE "$FFA_APT_LOCK_MESSAGES" "$err"; then
      cat "$err" >&2
      rm -f "$err"
      [ "$waited" = 1 ] && [ "$rc" -eq 0 ] &&
        echo "scripts/deps.sh: the lock was released after $((SECONDS - start)) s" >&2
      return "$rc"
    fi
    holder=$(sed -nE 's/.*(process( with pid)? [0-9]+( \([^)]*\))?).*/\1/p' "$err")
    holder=${holder%%$'\n'*}
    if (($(ffa_now_ms) - start_ms >= FFA_APT_LOCK_TIMEOUT * 1000)); then
      cat "$err" >&2
      rm -f "$err"
      echo "scripts/deps.sh: another package manager (${holder:-another process}) still holds" \
        "the dpkg/apt lock after ${FFA_APT_LOCK_TIMEOUT} s: giving up. Let it finish (or stop it)," \
        "then run this command again; FFA_APT_LOCK_TIMEOUT=<seconds> waits longer." >&2
      return 1
    fi
    if [ "$waited" = 0 ]; then
      echo "scripts/deps.sh: another package manager (${holder:-another process}) holds the" \
        "dpkg/apt lock; waiting for it, up to ${FFA_APT_LOCK_TIMEOUT} s" \
        "(FFA_APT_LOCK_TIMEOUT)..." >&2
      waited=1
    fi
    sleep "$FFA_APT_LOCK_POLL"
  done
}

# ---- installing ----
ffa_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "scripts/deps.sh: installing packages needs root: run as root, or install sudo" >&2
    return 1
  fi
}

# ffa_install_deps <set>: installs the missing packages of a set (demo, bench, test, dev), saying which
# and why first; nothing to do when all are installed.
ffa_install_deps() {
  local set=${1:-test} entries missing=() reasons=() p why arm64=0
  entries=$(ffa_deps_of "$set")
  while IFS='|' read -r p why; do
    [ -n "$p" ] || continue
    if ! ffa_is_installed "$p"; then
      missing+=("$p")
      reasons+=("$why")
      [[ $p == *:arm64 ]] && arm64=1
    fi
  done <<<"$entries"
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "scripts/deps.sh: the '$set' set needs these Debian packages, not installed yet:"
  for i in "${!missing[@]}"; do
    printf '  %-24s %s\n' "${missing[$i]}" "${reasons[$i]}"
  done
  if [ "$arm64" = 1 ] && ! grep -qx arm64 <<<"$(dpkg --print-foreign-architectures)"; then
    echo "Adding the arm64 architecture to dpkg (multiarch), for the arm64 packages above."
    ffa_with_lock_wait ffa_as_root dpkg --add-architecture arm64
  fi
  echo "Installing them: apt-get update, then apt-get install ${missing[*]}"
  ffa_with_lock_wait ffa_as_root apt-get update -qq
  ffa_with_lock_wait ffa_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ffa_list_deps <set>: every package of a set, whether it is installed, and why it is there.
ffa_list_deps() {
  local p why state
  ffa_deps_of "$1" | while IFS='|' read -r p why; do
    state="missing"
    ffa_is_installed "$p" && state="installed"
    printf '%-24s %-9s %s\n' "$p" "$state" "$why"
  done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set_name=test
  list=0
  for arg in "$@"; do
    case $arg in
    --list) list=1 ;;
    demo | bench | test | dev) set_name=$arg ;;
    -h | --help)
      sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "usage: scripts/deps.sh [demo|bench|test|dev] [--list]" >&2
      exit 2
      ;;
    esac
  done
  if [ "$list" = 1 ]; then
    ffa_list_deps "$set_name"
  else
    ffa_install_deps "$set_name"
  fi
fi
