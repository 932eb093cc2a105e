#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian packages that cpack made, checked as a user would meet them, without touching the
# system: their control fields and contents, that apt could install them (apt-get --simulate), then
# all of them unpacked into a clean root (dpkg -x) and the consumer programs built against that
# root with pkg-config and find_package, shared and static, and run (consume.sh).
# Usage: test_debs.sh <packages-dir> <work-dir> <source-root> <c-compiler>
set -euo pipefail
debs=$1 work=$(realpath -m "$2") src=$(realpath "$3") cc=$4
# shellcheck source=../../scripts/deps.sh
source "$src/scripts/deps.sh" # ffa_with_lock_wait

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

mapfile -t files < <(find "$(realpath "$debs")" -maxdepth 1 -name '*.deb' | sort)
[ ${#files[@]} -gt 0 ] || fail "no .deb in $debs"
declare -A pkg_file
for f in "${files[@]}"; do
  pkg_file[$(dpkg-deb -f "$f" Package)]=$f
done
version=$(dpkg-deb -f "${files[0]}" Version)
echo "== ${#files[@]} packages, version $version"

# field <package> <field>
field() { dpkg-deb -f "${pkg_file[$1]}" "$2"; }
# contents <package>: the paths it installs (files and links), without the leading "."
contents() { dpkg-deb -c "${pkg_file[$1]}" | awk '$1 !~ /^d/ {print $6}' | sed 's/^\.//'; }

dev=libffa-mediator-dev
runtime=()
for p in "${!pkg_file[@]}"; do
  [[ $p =~ ^libffa-.*[0-9]$ ]] && runtime+=("$p")
done
[ -n "${pkg_file[$dev]:-}" ] || fail "no $dev package"
[ -n "${pkg_file[ffa-mediator-examples]:-}" ] || fail "no ffa-mediator-examples package"
printf '%s\n' "${runtime[@]}" | grep -q '^libffa-mediator[0-9]' || fail "no libffa-mediator runtime package"

for p in $(printf '%s\n' "${!pkg_file[@]}" | sort); do
  for fld in Maintainer Section Priority Description Architecture; do
    [ -n "$(field "$p" "$fld")" ] || fail "$p has no $fld"
  done
  [ "$(field "$p" Version)" = "$version" ] || fail "$p has version $(field "$p" Version)"
  synopsis=$(field "$p" Description)
  synopsis=${synopsis%%$'\n'*}
  [ ${#synopsis} -lt 80 ] || fail "$p: synopsis longer than 79 characters"
  contents "$p" | grep -qx "/usr/share/doc/$p/copyright" || fail "$p has no copyright file"
  printf '  %-28s %-9s %-8s %s\n' "$p" "$(field "$p" Section)" "$(field "$p" Architecture)" \
    "$(field "$p" Depends)"
done

echo "== runtime packages: one shared library each, named after its SONAME"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for p in "${runtime[@]}"; do
  libs=$(contents "$p" | grep -v '^/usr/share/doc/')
  # The SONAME is the link the package installs beside the library (lib<x>.so.<n> -> ...).
  so=$(dpkg-deb -c "${pkg_file[$p]}" | awk '$1 ~ /^l/ {print $6}' | sed 's/^\.//')
  [ "$(wc -w <<<"$so")" = 1 ] || fail "$p should hold one SONAME link, holds: $so"
  [ "$(dirname "$so")" = "/usr/lib/$multiarch" ] || fail "$p: $so is not in /usr/lib/$multiarch"
  soname=$(basename "$so")
  expected=$(sed -E 's/\.so\.//' <<<"$soname")
  # Debian's rule: a name ending in a digit takes a hyphen before the SONAME version.
  [[ ${soname%%.so.*} =~ [0-9]$ ]] && expected=$(sed -E 's/\.so\./-/' <<<"$soname")
  [ "$p" = "$expected" ] || fail "$p holds $soname: the package should be $expected"
  [ "$(field "$p" Section)" = libs ] || fail "$p is not in section libs"
  if grep -qvE '\.so\.[0-9.]+$' <<<"$libs"; then fail "$p holds more than its library: $libs"; fi
  dpkg-deb -I "${pkg_file[$p]}" shlibs | grep -q "^${soname%%.so.*} " || fail "$p has no shlibs entry"
  field "$dev" Depends | grep -q "$p (= $version)" || fail "$dev does not depend on $p (= $version)"
  contents "$dev" | grep -qx "/usr/lib/$multiarch/${soname%%.so.*}.a" ||
    fail "$dev has no static ${soname%%.so.*}.a"
  contents "$dev" | grep -qx "/usr/lib/$multiarch/${soname%%.so.*}.so" ||
    fail "$dev has no ${soname%%.so.*}.so link"
  echo "  $p: $soname"
done

echo "== $dev: headers, pkg-config modules, CMake package"
for f in /usr/include/ffa/mediator.h /usr/include/ffa/library_version.h \
  "/usr/lib/$multiarch/pkgconfig/ffa-mediator.pc" \
  "/usr/lib/$multiarch/cmake/ffa-mediator/ffa-mediator-config.cmake"; do
  contents "$dev" | grep -qx "$f" || fail "$dev has no $f"
done

echo "== ffa-mediator-examples: partitions, manifests and their sources"
for f in echo.elf echo.dtb echo.dts; do
  contents ffa-mediator-examples | grep -qx "/usr/share/ffa-mediator/sp/$f" ||
    fail "ffa-mediator-examples has no /usr/share/ffa-mediator/sp/$f"
done
[ "$(field ffa-mediator-examples Architecture)" = all ] || fail "ffa-mediator-examples is not Architecture: all"

echo "== ffa-mediator-tools: the programs"
contents ffa-mediator-tools | grep -qx /usr/bin/ffa-transcript ||
  fail "ffa-mediator-tools has no /usr/bin/ffa-transcript"

echo "== apt could install them all (simulated: the system is not changed)"
ffa_with_lock_wait apt-get install --simulate --no-install-recommends "${files[@]}" >"$work.apt" ||
  { cat "$work.apt"; fail "apt-get cannot install the packages"; }
grep -E '^Inst (lib)?ffa' "$work.apt" | sed 's/^/  /'
rm -f "$work.apt"

echo "== unpacked into a clean root: $work/root"
rm -rf "$work"
mkdir -p "$work/root"
for f in "${files[@]}"; do
  dpkg-deb -x "$f" "$work/root"
done
"$src/tests/install/consume.sh" "$work/root/usr" "$src/tests/install/consumer" "$cc" \
  "$work/consumer" "$work/root/usr/share/ffa-mediator/sp"

echo "== ffa-transcript from the unpacked root decodes the example recording"
"$work/root/usr/bin/ffa-transcript" "$src/examples/recordings/messaging.ffa" >"$work/transcript" ||
  fail "ffa-transcript failed"
grep -q "SP 0x8001 1 vCPU UUID b4b5671e-4a90-4fe1-b81f-fb13dae1dacb" "$work/transcript" ||
  fail "ffa-transcript did not decode the partition list"
