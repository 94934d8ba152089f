#!/usr/bin/env bash
# Builds ward-unit-threads (the unit suites that run threads, see
# tests/meson.build) with ThreadSanitizer in its own build folder and runs the
# embedding API's tests (the 4-thread evaluation among them), the parallel
# evaluation tests (compiling while loading among them), the report
# writers' tests (findings written on several threads), the parallel
# loading tests (files loaded on several threads and merged) and the fact
# base's tests (derived columns and `all` lists made once from many threads)
# under it.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
default_dir=/tmp/build-tsan
dir="${WARD_TSAN_DIR:-$default_dir}"
# A folder configured for another checkout would test that checkout's code:
# the default folder is set up again, one given by WARD_TSAN_DIR is refused.
if [ -f "$dir/meson-info/meson-info.json" ] &&
   ! grep -q "\"source\": \"$(pwd)\"" "$dir/meson-info/meson-info.json"; then
  if [ "$dir" = "$default_dir" ]; then
    rm -rf "$dir"
  else
    echo "FAIL $dir is configured for another checkout; point WARD_TSAN_DIR elsewhere"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
if [ ! -f "$dir/build.ninja" ]; then
  # -g1: line tables are all a race report needs, and cost far less to build than -g.
  meson setup "$dir" --buildtype=debug -Dcpp_args=-g1 -Db_sanitize=thread -Db_lundef=false >"$dir.setup.log" 2>&1 ||
    { tail -n 30 "$dir.setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$dir" -j2 tests/ward-unit-threads >"$dir.log" 2>&1 ||
  { tail -n 40 "$dir.log"; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp /tmp/ward-tsan.XXXXXX)
trap 'rm -f "$log"' EXIT
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$dir/tests/ward-unit-threads" -ts=api,parallel,report,load-parallel,facts >"$log" 2>&1
status=$?
cat "$log"
line=$(grep -E '^\[doctest\] test cases:' "$log" | tail -n 1)
p=$(echo "$line" | sed -nE 's/.*\| *([0-9]+) passed.*/\1/p')
f=$(echo "$line" | sed -nE 's/.*\| *([0-9]+) failed.*/\1/p')
p=${p:-0}; f=${f:-1}
if grep -q 'WARNING: ThreadSanitizer' "$log" || [ "$status" -ne 0 ] || [ "$p" -eq 0 ]; then [ "$f" -eq 0 ] && f=1; fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
