#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Every global symbol a library defines starts with one of the given prefixes, so the library
# links into a hypervisor without name clashes.
# Usage: check_symbols.sh NM LIBRARY PREFIX...
set -eu
nm=$1
lib=$2
shift 2
syms=$("$nm" -g --defined-only "$lib" | awk 'NF >= 3 { print $3 }' | sort -u)
[ -n "$syms" ] || { echo "check_symbols: $lib defines no global symbol (wrong nm?)" >&2; exit 1; }
bad=0
for s in $syms; do
  ok=0
  for p in "$@"; do
    case $s in "$p"*) ok=1 ;; esac
  done
  if [ $ok -eq 0 ]; then
    echo "$(basename "$lib"): global symbol $s lacks the prefixes $*"
    bad=1
  fi
done
[ $bad -eq 0 ] && echo "check_symbols: $(echo "$syms" | wc -l) global symbols of $(basename "$lib"), all prefixed"
exit $bad
