#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Check the emulated SPMC's layering (the table at the top of spmc_internal.h):
#  - every .c file of the directory is in the table, and every file in the table exists;
#  - a file calls only functions of its own row or of rows below it (no upward call: no cycle);
#  - a file defines non-static functions only with its own row's prefix;
#  - a file includes no local header but spmc_internal.h;
#  - an execution context's runtime state (rt_state, rt_model, rt_donor, rt_callee, rt_cpu) is
#    written only in runtime.c, inside ec_transition(); and ec_transition() is called only with the
#    context's lock held: in each function, after an ec_lock( and before its ec_unlock( (counted
#    in the order they appear), the multi-PE locking rule of spmc_internal.h;
#  - a context's lock is taken only in runtime.c (ec_lock/ec_unlock, spin_lock on an ec's lock).
# Usage: check_layers.sh [DIR]            check DIR (default: this script's directory)
#        check_layers.sh --self-test [DIR] also prove that each kind of violation is caught
set -eu

self_test=0
if [ "${1:-}" = "--self-test" ]; then
  self_test=1
  shift
fi
dir=${1:-$(dirname "$0")}
hdr=$dir/spmc_internal.h

# C source without comments and string literals (they may mention any name).
strip() {
  awk '
    {
      line = $0; out = ""
      while (length(line) > 0) {
        if (incomment) {
          i = index(line, "*/")
          if (i == 0) { line = ""; break }
          line = substr(line, i + 2); incomment = 0; continue
        }
        c = index(line, "/*"); d = index(line, "//"); q = index(line, "\"")
        first = 0
        if (c > 0) first = c
        if (d > 0 && (first == 0 || d < first)) first = d
        if (q > 0 && (first == 0 || q < first)) first = q
        if (first == 0) { out = out line; line = ""; break }
        out = out substr(line, 1, first - 1)
        if (first == c) { incomment = 1; line = substr(line, c + 2) }
        else if (first == d) { line = "" }
        else {
          rest = substr(line, q + 1)
          while (match(rest, /^([^"\\]|\\.)*"/) == 0 && length(rest) > 0) rest = ""
          if (length(rest) > 0) { out = out "\"\""; line = substr(rest, RLENGTH + 1) }
          else line = ""
        }
      }
      print out
    }' "$1"
}

check() {
  d=$1
  h=$d/spmc_internal.h
  table=$(sed -n '/^ \* ---- layers/,/^ \* ----$/p' "$h" |
    sed -n 's/^ \* \([0-9]\) \{1,\}\([a-z_0-9]*\.c\) \{1,\}\([a-z_0-9]*_\) .*/\2 \3/p')
  [ -n "$table" ] || { echo "check_layers: no layer table in $h" >&2; return 1; }
  fail=0
  for f in "$d"/*.c; do
    b=$(basename "$f")
    echo "$table" | grep -q "^$b " || { echo "$b: not in the layer table of spmc_internal.h"; fail=1; }
  done
  row=0
  for entry in $(echo "$table" | tr ' ' ':'); do
    row=$((row + 1))
    file=${entry%%:*}
    prefix=${entry#*:}
    src=$d/$file
    [ -f "$src" ] || { echo "$file: in the layer table but missing"; fail=1; continue; }
    code=$(strip "$src")
    # Calls: an identifier of any row's prefix followed by "("; its owner is the row whose prefix
    # it starts with.
    echo "$code" | grep -ao '\b\(ffau_[a-z0-9_]*\|ffa_unicorn_[a-z0-9_]*\) *(' | tr -d ' (' |
      sort -u | awk -v file="$file" -v row="$row" -v table="$table" '
        BEGIN { n = split(table, t, "\n"); for (i = 1; i <= n; i++) { split(t[i], f, " "); fl[i] = f[1]; pf[i] = f[2] } }
        {
          owner = 0
          for (i = 1; i <= n; i++) if (index($0, pf[i]) == 1) owner = i
          if (owner == 0) { print file ": calls " $0 ", whose prefix belongs to no row of the layer table"; bad = 1 }
          else if (owner < row) { print file ": calls " $0 " of " fl[owner] ", a layer above it"; bad = 1 }
        }
        END { exit bad }' || fail=1
    # Definitions of non-static functions: at column 0, not a declaration.
    for name in $(echo "$code" | grep -a '^[a-z]' | grep -av '^static' | grep -av ';[[:space:]]*$' |
      grep -ao '\b\(ffau_[a-z0-9_]*\|ffa_unicorn_[a-z0-9_]*\)(' | tr -d '(' | sort -u); do
      case $name in "$prefix"*) ;; *)
        echo "$file: defines $name without its row's prefix $prefix"
        fail=1
        ;;
      esac
    done
    # Local headers.
    for inc in $(grep -ao '^#include "[^"]*"' "$src" | sed 's/#include "\(.*\)"/\1/'); do
      case $inc in spmc_internal.h | ffa/*) ;; *)
        echo "$file: includes \"$inc\": only spmc_internal.h and public headers are allowed"
        fail=1
        ;;
      esac
    done
    # Writes of the runtime state; ec_transition() only with the context's lock held.
    echo "$code" | awk -v file="$file" '
      /^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ { fn = $0; sub(/\(.*/, "", fn); sub(/.*[ *]/, "", fn); held = 0 }
      /(^|[^A-Za-z0-9_])rt_(state|model|donor|callee|cpu)[[:space:]]*=[^=]/ {
        if (file != "runtime.c" || fn != "ec_transition") {
          printf "%s:%d: writes an execution context'"'"'s runtime state outside ec_transition()\n", file, NR
          bad = 1
        }
      }
      {
        line = $0
        while (match(line, /(^|[^A-Za-z0-9_])(ec_lock|ec_unlock|ec_transition) *\(/)) {
          call = substr(line, RSTART, RLENGTH)
          line = substr(line, RSTART + RLENGTH)
          if (call ~ /ec_unlock/) held--
          else if (call ~ /ec_lock/) held++
          else if (fn != "ec_transition" && held <= 0 && call !~ /^[a-z_ ]*int32_t/) {
            printf "%s:%d: calls ec_transition() without the context'"'"'s lock (ec_lock)\n", file, NR
            bad = 1
          }
        }
      }
      /(ec_lock|ec_unlock) *\(|spin_(lock|unlock) *\(&[a-z_]*(->|\.)(lock)\)/ {
        if (file != "runtime.c") {
          printf "%s:%d: takes an execution context'"'"'s lock outside runtime.c\n", file, NR
          bad = 1
        }
      }
      END { exit bad }' || fail=1
  done
  return $fail
}

if [ $self_test -eq 0 ]; then
  if check "$dir"; then
    echo "check_layers: the layers of $dir read top to bottom"
    exit 0
  fi
  echo "check_layers: FAILED" >&2
  exit 1
fi

# Self-test: the real tree passes; each planted violation fails.
check "$dir" >/dev/null || { echo "self-test: the tree itself fails the check" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plant() { # name, file, text appended
  rm -rf "$tmp/t"
  mkdir "$tmp/t"
  cp "$dir"/*.c "$dir"/*.h "$tmp/t/"
  printf '%s\n' "$3" >>"$tmp/t/$2"
  if check "$tmp/t" >/dev/null; then
    echo "self-test: $1 was not caught" >&2
    exit 1
  fi
  echo "self-test: $1 is caught"
}
plant "an upward call (log.c calls the run loop)" log.c \
  'static void up(void) { ffau_run_boot(0, 0, 0); }'
plant "an upward call inside a layer (ns_mem.c calls partinfo.c)" ns_mem.c \
  'static void up(void) { ffau_pinfo_sp(0, 0, 0, 0, 0, 0); }'
plant "a runtime-state write outside runtime.c" sp_abi.c \
  'static void w(struct ec *ec) { ec->rt_state = EC_WAITING; }'
plant "a runtime-state write in runtime.c outside ec_transition()" runtime.c \
  'static void w(struct ec *ec) { ec->rt_donor = NULL; }'
plant "a write of a context's PE outside ec_transition()" runtime.c \
  'static void w(struct ec *ec) { ec->rt_cpu = NULL; }'
plant "a transition without the context's lock" runtime.c \
  'static void w(struct ec *ec) { (void)ec_transition(ec, EV_ABORT, NULL, NULL); }'
plant "a transition after the context's lock is released" runtime.c \
  'static void w(struct ec *ec) { ec_lock(ec); ec_unlock(ec); (void)ec_transition(ec, EV_ABORT, NULL, NULL); }'
plant "a context's lock taken outside runtime.c" sp_abi.c \
  'static void w(struct ec *ec) { spin_lock(&ec->lock); }'
plant "a function without its row's prefix" engine.c 'int ffau_rt_bogus(void) { return 0; }'
plant "a private header" run.c '#include "other.h"'
rm -rf "$tmp/t"
mkdir "$tmp/t"
cp "$dir"/*.c "$dir"/*.h "$tmp/t/"
printf 'int x;\n' >"$tmp/t/stray.c"
if check "$tmp/t" >/dev/null; then
  echo "self-test: a file missing from the table was not caught" >&2
  exit 1
fi
echo "self-test: a file missing from the table is caught"
