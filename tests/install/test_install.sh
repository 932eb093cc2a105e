#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the build tree into a scratch prefix, then build and run the consumer programs against it
# with pkg-config and find_package, shared and static (consume.sh).
# Usage: test_install.sh <build-dir> <source-dir-of-consumer> <c-compiler>
set -euo pipefail
build=$1
consumer=$2
cc=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

DESTDIR= cmake --install "$build" --prefix "$work/prefix" >/dev/null
spdir=""
[ -f "$work/prefix/share/ffa-mediator/sp/echo.elf" ] && spdir="$work/prefix/share/ffa-mediator/sp"
"$here/consume.sh" "$work/prefix" "$consumer" "$cc" "$work/build" $spdir
