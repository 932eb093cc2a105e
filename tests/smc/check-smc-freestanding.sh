#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# backends/smc is linked into hypervisors next to the freestanding core, so it obeys the same
# rules (cmake/check-freestanding.sh does this for lib/): it compiles with no libc header at all,
# and its objects reference nothing but the core's ffa_* functions and memcpy/memset/memmove/memcmp.
# Usage: check-smc-freestanding.sh <aarch64-cc> <aarch64-nm> <source-root> <out-dir> [cc-flag...]
# (clang needs --target=aarch64-linux-gnu as the extra flag)
set -euo pipefail
cc=$1 nm=$2 src=$3 out=$4
shift 4
ccflags=("$@")
mkdir -p "$out"
inc=$("$cc" "${ccflags[@]}" -print-file-name=include)
for f in "$src"/backends/smc/*.c; do
  "$cc" "${ccflags[@]}" -std=c11 -O2 -ffreestanding -nostdinc -isystem "$inc" -mgeneral-regs-only \
    -Wall -Wextra -Werror -I"$src/include" -c "$f" -o "$out/$(basename "${f%.c}").o"
done
undefined=$("$nm" -u "$out"/*.o | awk 'NF && $NF !~ /:$/ {print $NF}' | sort -u)
bad=$(echo "$undefined" | grep -v -x -E 'memcpy|memset|memmove|memcmp|ffa_[a-z0-9_]+|' || true)
echo "backends/smc: undefined symbols: $(echo $undefined)"
if [ -n "$bad" ]; then
  echo "FAIL: backends/smc needs symbols outside the core and mem*: $bad" >&2
  exit 1
fi
echo "backends/smc is freestanding: OK"
