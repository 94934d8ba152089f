#!/usr/bin/env bash
# Size-S correctness smoke test of the bench engines: generates estate S, runs
# the ward CLI, the hand-written loop (ward-bench --check-only), jq and sqlite3,
# and checks every answer against expected.json. No timing. Ends with
# "N passed, N failed". WARD_BUILD picks the build dir (default build/).
set -uo pipefail
cd "$(dirname "$0")/.."
source bench/peers/lib.sh
build=${WARD_BUILD:-build}
passed=0
failed=0
tally() { # reads PASS/FAIL lines on stdin, echoes them and counts them
  local line
  while read -r line; do
    echo "$line"
    case "$line" in PASS*) passed=$((passed + 1)) ;; FAIL*) failed=$((failed + 1)) ;; esac
  done
}

# The peers come from Debian; install them if missing (needs root or sudo).
for tool in jq sqlite3; do
  if ! command -v "$tool" >/dev/null; then
    (apt-get install -y "$tool" || sudo -n apt-get install -y "$tool") >/dev/null 2>&1 || true
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$build/bench/estate-gen" --size S --seed 42 --out "$tmp/S" >"$tmp/gen.log" 2>&1; then
  cat "$tmp/gen.log"; echo "0 passed, 1 failed"; exit 1
fi

if [ -x "$build/tools/ward" ]; then
  tally < <(check_answers ward-cli "$tmp/S" "$(ward_answers "$build/tools/ward" "$tmp/S")")
else
  echo "FAIL ward-cli: $build/tools/ward is not built"; failed=$((failed + 1))
fi

if [ -x "$build/bench/ward-bench" ]; then
  # --check-only prints PASS/FAIL for the VM (through the library), the hand loop, the
  # API query, the two-thread load and the grammar alone (W2's floor) over the stdlib.
  tally < <("$build/bench/ward-bench" --estate "$tmp/S" --check-only 2>&1 | grep -E '^(PASS|FAIL)' \
            || echo "FAIL ward-bench --check-only produced no verdict")
else
  echo "FAIL hand-loop: $build/bench/ward-bench is not built"; failed=$((failed + 1))
fi

if command -v jq >/dev/null; then
  tally < <(check_answers jq "$tmp/S" "$(jq_answers "$tmp/S")")
else
  # scripts/setup installs jq: a missing peer is a failed check, not a skipped one.
  echo "FAIL jq: not installed and apt-get could not install it"; failed=$((failed + 1))
fi

if command -v sqlite3 >/dev/null; then
  if sqlite_import "$tmp/S" "$tmp/S.db"; then
    tally < <(check_answers sqlite3 "$tmp/S" "$(sqlite_answers "$tmp/S.db")")
  else
    echo "FAIL sqlite3 import"; failed=$((failed + 1))
  fi
else
  echo "FAIL sqlite3: not installed and apt-get could not install it"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
