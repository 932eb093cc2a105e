#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Cross-compile lib/ for AArch64 as a hypervisor would (freestanding, no libc headers at all:
# only the compiler's own <stdint.h>/<stddef.h>/<stdbool.h>), then check that the objects
# reference no symbol beyond memcpy/memset/memmove/memcmp.
# Usage: cmake/check-freestanding.sh <out-dir> [cross-prefix]
set -euo pipefail
out=${1:-build/freestanding-aarch64}
cross=${2:-aarch64-linux-gnu-}
src=$(cd "$(dirname "$0")/.." && pwd)
cc="${cross}gcc"
mkdir -p "$out"
inc=$("$cc" -print-file-name=include)
# <ffa/library_version.h> is generated from the project version, as a build without CMake does it.
cmake -D OUT="$out/include/ffa/library_version.h" -P "$src/cmake/library-version.cmake"
# -mno-outline-atomics: the core's compare-and-swap (the claims of resume_rights.c) is inline, as a
# hypervisor without libgcc's __aarch64_* helpers needs it (gcc and clang default to calling them
# on aarch64-linux targets).
for f in "$src"/lib/*.c; do
  o="$out/$(basename "${f%.c}").o"
  "$cc" -std=c11 -O2 -ffreestanding -fno-builtin-printf -nostdinc -isystem "$inc" \
    -mgeneral-regs-only -mno-outline-atomics -Wall -Wextra -Werror -I"$src/include" \
    -I"$out/include" -c "$f" -o "$o"
done
# Link the objects into one relocatable object so that only external references remain.
rm -f "$out/libffa-core.o"
"${cross}ld" -r -o "$out/libffa-core.o" "$out"/*.o
undefined=$("${cross}nm" -u "$out/libffa-core.o" | awk '{print $NF}' | sort -u)
bad=$(echo "$undefined" | grep -v -x -E 'memcpy|memset|memmove|memcmp|' || true)
echo "lib/ for AArch64: undefined symbols: $(echo $undefined)"
if [ -n "$bad" ]; then
  echo "FAIL: lib/ needs symbols outside memcpy/memset/memmove/memcmp: $bad" >&2
  exit 1
fi
# No global mutable state: no object in a writable section. Constant tables live in .rodata, or
# in .data.rel.ro when they hold pointers in position-independent code (read-only after
# relocation).
mutable=$("${cross}objdump" -t "$out/libffa-core.o" |
  awk '$0 ~ / O / && $4 !~ /^\.rodata/ && $4 !~ /^\.data\.rel\.ro/ {print $4 ":" $NF}')
if [ -n "$mutable" ]; then
  echo "FAIL: lib/ has writable globals: $mutable" >&2
  exit 1
fi
# No libc header may appear in lib/ sources beyond the three freestanding ones.
if grep -n '#include <' "$src"/lib/*.c "$src"/lib/*.h | grep -v -E '<(stdint|stddef|stdbool)\.h>'; then
  echo "FAIL: lib/ includes a header outside <stdint.h>/<stddef.h>/<stdbool.h>" >&2
  exit 1
fi
echo "lib/ is freestanding: OK"
