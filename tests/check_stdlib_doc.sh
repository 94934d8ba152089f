#!/usr/bin/env bash
# Checks that docs/stdlib.md is what `ward rules --format markdown` prints
# today (the file is generated; regenerate it with the command below).
# Prints "1 passed, 0 failed" or a diff and "0 passed, 1 failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ward="${WARD:-build/tools/ward}"
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
if ! "$ward" rules --format markdown >"$actual"; then
  echo "FAIL ward rules --format markdown exited non-zero"
  echo "0 passed, 1 failed"
  exit 1
fi
if diff -u docs/stdlib.md "$actual"; then
  echo "1 passed, 0 failed"
else
  echo "FAIL docs/stdlib.md is out of date: run '$ward rules --format markdown > docs/stdlib.md'"
  echo "0 passed, 1 failed"
  exit 1
fi
