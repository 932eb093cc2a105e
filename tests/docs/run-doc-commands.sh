#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every command in the documentation works as written: this runs each command of every ```sh block
# of README.md and docs/*.md, from the repository root, in document order (scripts/test.sh, the CI,
# runs it as its last stage).
#
#   - A block is a shell session: its commands run one after another in one bash (variables carry
#     over), stopping at the first failure. A command is a complete shell statement: continuation
#     lines (\) and multi-line loops are one command. Comment lines are not commands.
#   - Commands that must not run here are listed in tests/docs/commands.skip with the reason,
#     keyed by the command's first line (trailing comment removed). An entry that matches no
#     command fails the check, so a changed command cannot keep an old exclusion.
#   - Commands must not write outside the repository (install into build/... prefixes): they run
#     on the CI machine as they are.
#   - Output and other text belong in plain ``` blocks (or ```text): only ```sh is run.
#
# Usage: tests/docs/run-doc-commands.sh [--list]   (--list: print the commands and what happens
#        to each, run nothing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
skipfile=tests/docs/commands.skip
list_only=0
[ "${1:-}" = "--list" ] && list_only=1

docs=(README.md docs/*.md)
c_file=() c_line=() c_block=() c_text=() c_key=()

# key <command>: its first line without the trailing comment, trimmed.
key() {
  local first=${1%%$'\n'*}
  sed -E -e 's/[[:space:]]+#[^"'\'']*$//' -e 's/^[[:space:]]+//' -e 's/[[:space:]]+$//' <<<"$first"
}

# ---- extract the commands ----
for md in "${docs[@]}"; do
  n=0 in_block=0 block_id="" buf="" buf_line=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    if [ "$in_block" = 0 ]; then
      if [[ $line =~ ^\`\`\`(sh|bash|shell)[[:space:]]*$ ]]; then
        in_block=1
        block_id="$md:$n"
      fi
      continue
    fi
    if [[ $line =~ ^\`\`\` ]]; then
      if [ -n "$buf" ]; then
        echo "FAIL: $md:$buf_line: the command does not end before the block does" >&2
        exit 1
      fi
      in_block=0
      continue
    fi
    if [ -z "$buf" ]; then
      [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
      buf=$line
      buf_line=$n
    else
      buf+=$'\n'$line
    fi
    # Complete when the line does not continue and bash can parse what we have.
    if [[ $buf != *\\ ]] && bash -n <<<"$buf" 2>/dev/null; then
      c_file+=("$md") c_line+=("$buf_line") c_block+=("$block_id") c_text+=("$buf")
      c_key+=("$(key "$buf")")
      buf=""
    fi
  done <"$md"
done

# ---- the exclusions ----
declare -A skip_reason skip_used
while IFS= read -r line || [ -n "$line" ]; do
  [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
  if [[ $line != *" ## "* ]]; then
    echo "FAIL: $skipfile: '$line' has no ' ## <reason>'" >&2
    exit 1
  fi
  k=$(sed -E 's/[[:space:]]+$//' <<<"${line%% ## *}")
  skip_reason[$k]=${line#* ## }
  skip_used[$k]=0
done <"$skipfile"

for i in "${!c_text[@]}"; do
  if [ -n "${skip_reason[${c_key[$i]}]+x}" ]; then
    skip_used[${c_key[$i]}]=1
  fi
done
stale=0
for k in "${!skip_used[@]}"; do
  if [ "${skip_used[$k]}" = 0 ]; then
    echo "FAIL: $skipfile lists '$k', which is no command of README.md or docs/*.md" >&2
    stale=1
  fi
done
[ "$stale" = 0 ] || exit 1

if [ "$list_only" = 1 ]; then
  for i in "${!c_text[@]}"; do
    k=${c_key[$i]}
    if [ -n "${skip_reason[$k]+x}" ]; then
      printf '%s:%s  SKIP  %s\n        (%s)\n' "${c_file[$i]}" "${c_line[$i]}" "$k" "${skip_reason[$k]}"
    else
      printf '%s:%s  RUN   %s\n' "${c_file[$i]}" "${c_line[$i]}" "$k"
    fi
  done
  exit 0
fi

# ---- run them, one bash per block ----
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
blocks=()
for i in "${!c_text[@]}"; do
  [[ " ${blocks[*]} " == *" ${c_block[$i]} "* ]] || blocks+=("${c_block[$i]}")
done
ran=0 skipped=0 failed=()
for b in "${blocks[@]}"; do
  script=$scratch/block.sh
  {
    echo "set -eo pipefail"
    echo "cd '$root'"
    echo "trap 'rc=\$?; [ \$rc -eq 0 ] || echo \"FAIL (exit \$rc): \$ffa_doc_at\" >&2' EXIT"
  } >"$script"
  for i in "${!c_text[@]}"; do
    [ "${c_block[$i]}" = "$b" ] || continue
    at="${c_file[$i]}:${c_line[$i]}"
    k=${c_key[$i]}
    if [ -n "${skip_reason[$k]+x}" ]; then
      printf 'printf "\\n--- %%s: not run (%%s)\\n    %%s\\n" %q %q %q\n' "$at" "${skip_reason[$k]}" \
        "$k" >>"$script"
      skipped=$((skipped + 1))
      continue
    fi
    printf 'ffa_doc_at=%q\nprintf "\\n>>> %%s\\n%%s\\n" %q %q\n' "$at" "$at" "${c_text[$i]}" \
      >>"$script"
    printf '%s\n' "${c_text[$i]}" >>"$script"
    ran=$((ran + 1))
  done
  echo
  echo "=== block $b"
  if ! bash "$script"; then
    failed+=("$b")
  fi
done

echo
echo "=== documentation commands: $ran run, $skipped not run (tests/docs/commands.skip)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAIL: commands failed in the blocks at: ${failed[*]}" >&2
  exit 1
fi
echo "every command of README.md and docs/*.md works as written"
