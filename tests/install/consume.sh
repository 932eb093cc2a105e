#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run the consumer programs (tests/install/consumer) against an installed tree, the four
# ways a user links it, and check with readelf which of the project's libraries each one loads:
#   pkg-config                shared libraries          (needs libffa-*.so.N)
#   pkg-config --static       a fully static program    (needs no libffa-*)
#   find_package              ffa::<library>: shared    (needs libffa-*.so.N)
#   find_package + FFA_MEDIATOR_USE_STATIC_LIBS=ON: static (needs no libffa-*)
# The Unicorn consumer also boots the installed echo partition when sp-dir is given.
# Usage: consume.sh <prefix> <consumer-source-dir> <c-compiler> <work-dir> [sp-dir]
set -euo pipefail
prefix=$(realpath "$1") src=$(realpath "$2") cc=$3 work=$(realpath -m "$4") spdir=${5:-}
[ -n "$spdir" ] && spdir=$(realpath "$spdir")

pcfile=$(find "$prefix" -path '*/pkgconfig/ffa-mediator.pc' -print -quit)
if [ -z "$pcfile" ]; then
  echo "FAIL: no pkgconfig/ffa-mediator.pc under $prefix" >&2
  exit 1
fi
pcdir=$(dirname "$pcfile")
libdir=$(dirname "$pcdir")
test -f "$prefix/include/ffa/mediator.h" -a -f "$prefix/include/ffa/library_version.h" ||
  { echo "FAIL: headers missing under $prefix/include/ffa" >&2; exit 1; }
# pkg-config sees this tree's modules (and the system's, for unicorn and libffi); programs load
# this tree's shared libraries, never an installed copy elsewhere.
export PKG_CONFIG_PATH="$pcdir"
export LD_LIBRARY_PATH="$libdir"
mkdir -p "$work"
unicorn=0
[ -f "$pcdir/ffa-backend-unicorn.pc" ] && unicorn=1
cflags=(-std=c11 -Wall -Wextra -Werror)

run() {
  echo "\$ ${*/#$work\//}"
  "$@"
}

# loads <program> <kind: shared|static> <library>...: the libffa-* it needs, from its dynamic section.
loads() {
  local prog=$1 kind=$2 needed
  shift 2
  needed=$(readelf -d "$prog" | sed -n 's/.*Shared library: \[\(libffa-[^]]*\)\]/\1/p' | sort | xargs)
  echo "  $(basename "$prog") loads: ${needed:-no libffa-* library}"
  if [ "$kind" = static ]; then
    [ -z "$needed" ] || { echo "FAIL: $prog should link the static libraries" >&2; exit 1; }
    return 0
  fi
  for lib in "$@"; do
    grep -q "\b$lib\.so\.[0-9]" <<<"$needed" ||
      { echo "FAIL: $prog does not load $lib.so" >&2; exit 1; }
  done
}

unicorn_args=()
[ -n "$spdir" ] && unicorn_args=("$spdir")

echo "== pkg-config (shared libraries)"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
"$cc" "${cflags[@]}" "$src/consumer.c" -o "$work/pc-shared" \
  $(pkg-config --cflags --libs ffa-backend-mock ffa-mediator)
run "$work/pc-shared"
loads "$work/pc-shared" shared libffa-backend-mock libffa-mediator
if [ $unicorn = 1 ]; then
  # shellcheck disable=SC2046
  "$cc" "${cflags[@]}" "$src/consumer_unicorn.c" -o "$work/pc-shared-uc" \
    $(pkg-config --cflags --libs ffa-backend-unicorn)
  run "$work/pc-shared-uc" "${unicorn_args[@]}"
  loads "$work/pc-shared-uc" shared libffa-backend-unicorn libffa-mediator
fi

echo "== pkg-config --static (a fully static program)"
# shellcheck disable=SC2046
"$cc" "${cflags[@]}" -static "$src/consumer.c" -o "$work/pc-static" \
  $(pkg-config --static --cflags --libs ffa-backend-mock)
run "$work/pc-static"
loads "$work/pc-static" static
if [ $unicorn = 1 ]; then
  # shellcheck disable=SC2046
  "$cc" "${cflags[@]}" -static "$src/consumer_unicorn.c" -o "$work/pc-static-uc" \
    $(pkg-config --static --cflags --libs ffa-backend-unicorn)
  run "$work/pc-static-uc" "${unicorn_args[@]}"
  loads "$work/pc-static-uc" static
fi

for kind in shared static; do
  echo "== find_package(ffa-mediator), $kind libraries"
  use_static=OFF
  [ $kind = static ] && use_static=ON
  cmake -S "$src" -B "$work/cmake-$kind" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
    -DFFA_MEDIATOR_USE_STATIC_LIBS=$use_static >/dev/null
  cmake --build "$work/cmake-$kind" >/dev/null
  run "$work/cmake-$kind/consumer"
  loads "$work/cmake-$kind/consumer" $kind libffa-backend-mock libffa-mediator
  if [ $unicorn = 1 ]; then
    test -x "$work/cmake-$kind/consumer_unicorn" ||
      { echo "FAIL: find_package did not offer ffa::backend_unicorn" >&2; exit 1; }
    run "$work/cmake-$kind/consumer_unicorn" "${unicorn_args[@]}"
    loads "$work/cmake-$kind/consumer_unicorn" $kind libffa-backend-unicorn libffa-mediator
  fi
done
echo "== the installed tree works with pkg-config and find_package, shared and static"
