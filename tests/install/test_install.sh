#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the build tree into a scratch prefix, then build and run a consumer against it twice:
# with pkg-config and with find_package(ffa-mediator).
# Usage: test_install.sh <build-dir> <source-dir-of-consumer> <c-compiler>
set -euo pipefail
build=$1
consumer=$2
cc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
pcdir=$(dirname "$(find "$work/prefix" -name ffa-mediator.pc | head -n1)")
test -f "$work/prefix/include/ffa/mediator.h"

echo "== pkg-config"
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs ffa-backend-mock ffa-mediator)
echo "flags: $flags"
"$cc" -std=c11 -Wall -Wextra -Werror "$consumer/consumer.c" -o "$work/consumer-pc" $flags -pthread
"$work/consumer-pc"
if [ -f "$pcdir/ffa-backend-unicorn.pc" ]; then
  flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs --static ffa-backend-unicorn)
  echo "flags (unicorn, static): $flags"
  "$cc" -std=c11 -Wall -Wextra -Werror "$consumer/consumer_unicorn.c" -o "$work/consumer-uc" $flags
  "$work/consumer-uc"
fi

echo "== find_package"
cmake -S "$consumer" -B "$work/cmake-build" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$work/cmake-build/consumer"
if [ -x "$work/cmake-build/consumer_unicorn" ]; then
  "$work/cmake-build/consumer_unicorn"
fi
