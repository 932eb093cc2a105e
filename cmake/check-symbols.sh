#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# An installed library links into a hypervisor without name clashes: every symbol it defines for
# others starts with the project's prefix.
#   static: every defined global symbol of lib<name>.a starts with ffa_ (public API) or with the
#           library's own internal prefix (ffam_, ffau_, ffamk_, ffas_, ffag_: never ffa_).
#   shared: every symbol lib<name>.so exports starts with ffa_ (the internal ones are local), and
#           its SONAME is the expected one.
#   static-pending: the static check, for a library whose internal names are being renamed on
#           another branch (FFA_SYMBOLS_PENDING in CMakeLists.txt): a strict expected failure that
#           lists what is still unprefixed, and fails once everything is prefixed (then take the
#           library off FFA_SYMBOLS_PENDING so that the plain static check guards it).
# Usage: check-symbols.sh static|static-pending <nm> <objdump> <lib.a> <internal-prefix>
#        check-symbols.sh shared <nm> <objdump> <lib.so.N> <soname>
set -euo pipefail
kind=$1 nm=$2 objdump=$3 lib=$4 arg=$5

if [ ! -f "$lib" ]; then
  echo "FAIL: $lib is not installed" >&2
  exit 1
fi
case $kind in
static | static-pending)
  # nm -g --defined-only: "<value> <type> <name>" per symbol, "<member>:" headers per object.
  syms=$("$nm" -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u)
  allowed="^(ffa_|${arg})"
  ;;
shared)
  syms=$("$nm" -D --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u)
  allowed="^ffa_"
  soname=$("$objdump" -p "$lib" | awk '$1 == "SONAME" {print $2}')
  if [ "$soname" != "$arg" ]; then
    echo "FAIL: $lib has SONAME '$soname', expected '$arg'" >&2
    exit 1
  fi
  echo "$lib: SONAME $soname"
  ;;
*)
  echo "usage: $0 static|static-pending|shared <nm> <objdump> <library> <prefix|soname>" >&2
  exit 2
  ;;
esac

total=$(grep -c . <<<"$syms" || true)
bad=$(grep -v -E "$allowed" <<<"$syms" || true)
if [ "$total" -eq 0 ]; then
  echo "FAIL: $lib defines no global symbol (wrong nm for this file?)" >&2
  exit 1
fi
if [ "$kind" = static-pending ]; then
  if [ -z "$bad" ]; then
    echo "FAIL: $lib: all $total global symbols match $allowed now: take this library off" \
      "FFA_SYMBOLS_PENDING (CMakeLists.txt) so that symbols_*_static checks it" >&2
    exit 1
  fi
  echo "PENDING (expected failure): $lib defines $(grep -c . <<<"$bad") global symbol(s)" \
    "outside $allowed, renamed on another branch:"
  sed 's/^/  /' <<<"$bad"
  exit 0
fi
if [ -n "$bad" ]; then
  echo "FAIL: $lib ($kind) defines $(grep -c . <<<"$bad") global symbol(s) outside $allowed:" >&2
  sed 's/^/  /' <<<"$bad" >&2
  exit 1
fi
echo "$lib ($kind): $total global symbols, all match $allowed"
