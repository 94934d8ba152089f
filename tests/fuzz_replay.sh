#!/usr/bin/env bash
# Replays the fuzz harnesses (fuzz/fuzz_*.cpp, built as ordinary programs in
# build/fuzz/) on the inputs that once broke them (fuzz/regressions/<target>/)
# and on fuzz/run's seeds: the repository's policies and small JSON files.
# A harness aborts on a crash or a disagreement. This keeps the harnesses
# compiling and the old failures fixed; fuzz/run is what searches for new ones.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
build=${WARD_BUILD_DIR:-build}
passed=0
failed=0
replay() {
  local target=$1; shift
  local bin="$build/fuzz/fuzz-$target-replay" out
  if [ ! -x "$bin" ]; then
    echo "fuzz-replay: $bin is missing (scripts/build makes it)"; failed=$((failed + 1)); return
  fi
  if out=$("$bin" "$@" 2>&1); then
    local n
    n=$(echo "$out" | tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/')
    echo "PASS fuzz-$target: $n inputs"
    passed=$((passed + n))
  else
    echo "FAIL fuzz-$target; the last lines:"
    echo "$out" | tail -n 15
    failed=$((failed + 1))
  fi
}
# shellcheck disable=SC2046  # file names in the repository have no spaces
replay policy fuzz/regressions/policy $(find stdlib/aws tests/conformance examples -name '*.ward' | sort)
# shellcheck disable=SC2046
replay facts fuzz/regressions/facts $(find tests/conformance/facts examples/estates stdlib/tests -name '*.json' -size -64k | sort)
replay cfn fuzz/regressions/cfn
# The REPL harness replays the REPL conformance cases' inputs (their
# `# input:` lines, one session per case) and its own regressions.
repl_seeds=$(mktemp -d)
trap 'rm -rf "$repl_seeds"' EXIT
for f in tests/conformance/repl/*.ward; do
  sed -nE 's/^# input: ?//p' "$f" >"$repl_seeds/$(basename "$f" .ward).txt"
done
mkdir -p "$repl_seeds/regressions"
[ -d fuzz/regressions/repl ] && cp fuzz/regressions/repl/* "$repl_seeds/regressions/" 2>/dev/null
replay repl "$repl_seeds" "$repl_seeds/regressions"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
