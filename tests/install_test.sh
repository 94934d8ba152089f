#!/usr/bin/env bash
# Installs libward into a temporary destdir and builds and runs examples/embed-c
# (and embed-cpp) against it using only `pkg-config --cflags --libs ward`.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="${WARD_BUILD_DIR:-build}"
dest=$(mktemp -d /tmp/ward-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; [ -f "$dest/log" ] && tail -n 30 "$dest/log"; }
check() {
  local name="$1"; shift
  if "$@" >"$dest/log" 2>&1; then ok "$name"; else bad "$name"; fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# --destdir keeps the build's configured prefix; pkg-config's sysroot
# variable maps the .pc file's paths into the destdir.
if ! meson install -C "$build" --destdir "$dest" >"$dest/install.log" 2>&1; then
  bad "meson install"; tail -n 30 "$dest/install.log"; finish
fi
ok "meson install"

pc=$(find "$dest" -name ward.pc | head -n 1)
if [ -z "$pc" ]; then bad "ward.pc installed"; finish; fi
ok "ward.pc installed"
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
libdir="$(pkg-config --variable=libdir ward)"  # pkg-config already prefixes the sysroot
incdir="$(pkg-config --variable=includedir ward)"

check "headers installed" test -f "$incdir/ward/ward.h" -a -f "$incdir/ward/ward.hpp" -a -f "$incdir/ward/export.h"
check "static library installed" test -f "$libdir/libward.a"
check "shared library has a versioned soname" sh -c "readelf -d '$libdir/libward.so' | grep -q 'SONAME.*libward.so.0'"
# A host that links libward gets its declared dependencies (fmt, simdjson,
# yaml-cpp for CloudFormation templates: all MIT-licensed) and the C and C++
# runtimes, nothing else (the REPL's line editor, say).
check "shared library needs only fmt, simdjson, yaml-cpp and the C/C++ runtimes" sh -c "
  readelf -d '$libdir/libward.so' | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' > '$dest/needed'
  grep -q '^libfmt\.so' '$dest/needed' && grep -q '^libsimdjson\.so' '$dest/needed' &&
  ! grep -vE '^(libfmt|libsimdjson|libyaml-cpp|libstdc\+\+|libm|libgcc_s|libc|ld-linux[-a-z0-9_]*)\.so' '$dest/needed' | grep -q ."
# Only the C functions and ward::api are exported; the engine's internals
# (ward::FactBase, ward::evaluate, ...) stay hidden.
check "only the API is exported" sh -c "
  nm -D --defined-only -C '$libdir/libward.so' | awk '{ \$1 = \"\"; \$2 = \"\"; print }' | sed 's/^ *//' > '$dest/syms'
  grep -q '^ward_engine_new$' '$dest/syms' && grep -q '^ward::api::Engine::compile() const$' '$dest/syms' &&
  ! grep -E '^ward::' '$dest/syms' | grep -v '^ward::api::' | grep -q . &&
  ! grep -E '^(simdjson|fmt|tao)::' '$dest/syms' | grep -q ."

check "embed-c compiles with pkg-config alone" \
  sh -c "cc -std=c11 -Wall -Werror '$root/examples/embed-c/main.c' -o '$dest/embed-c' \$(pkg-config --cflags --libs ward)"
check "embed-cpp compiles with pkg-config alone" \
  sh -c "c++ -std=c++20 -Wall '$root/examples/embed-cpp/main.cpp' -o '$dest/embed-cpp' \$(pkg-config --cflags --libs ward)"
estate="$root/examples/estates/sagemaker-no-egress"
for ex in embed-c embed-cpp; do
  if LD_LIBRARY_PATH="$libdir" "$dest/$ex" "$estate" >"$dest/$ex.out" 2>"$dest/log"; then
    if grep -qE '^deny [1-9][0-9]*$' "$dest/$ex.out" && grep -qE '^warn [0-9]+$' "$dest/$ex.out" &&
       grep -qE '^advisory [0-9]+$' "$dest/$ex.out"; then
      ok "$ex runs and counts findings"
    else
      cat "$dest/$ex.out" >"$dest/log"; bad "$ex runs and counts findings"
    fi
  else
    bad "$ex runs"
  fi
done
# Both examples must agree with each other, and with `ward check`.
check "embed-c and embed-cpp agree" cmp "$dest/embed-c.out" "$dest/embed-cpp.out"
if [ -x "$build/tools/ward" ]; then
  "$build/tools/ward" check --facts "$estate" --format json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin)["summary"]; print(*(f"{k} {d[k]}" for k in ("advisory", "warn", "deny")), sep="\n")' \
    >"$dest/check.counts"
  grep -E '^(deny|warn|advisory) ' "$dest/embed-c.out" >"$dest/embed-c.counts"
  check "embed-c counts match ward check ($(tr '\n' ' ' <"$dest/check.counts"))" \
    sh -c "[ -s '$dest/check.counts' ] && cmp '$dest/check.counts' '$dest/embed-c.counts'"
else
  bad "ward check is built ($build/tools/ward), to compare the counts with"
fi
finish
