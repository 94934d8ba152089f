# Shared shell helpers for bench/run and bench/smoke.sh: loading a snapshot into
# sqlite, running the peers, and checking answers against expected.json.
PEERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# snapshot_files DIR: every snapshot file of an estate, one per line.
snapshot_files() { find "$1/accounts" -name '*.json' | sort; }

# sqlite_import ESTATE DB: a fresh database with the snapshot imported.
sqlite_import() {
  rm -f "$2"
  {
    echo "CREATE TABLE raw(file TEXT, doc TEXT);"
    echo "BEGIN;"
    snapshot_files "$1" | while read -r f; do echo "INSERT INTO raw VALUES('$f', CAST(readfile('$f') AS TEXT));"; done
    cat "$PEERS_DIR/import.sql"
    echo "COMMIT;"
  } | sqlite3 "$2"
}

# sqlite_answers DB: the queries' answers as {"rule": [ids]}.
sqlite_answers() {
  sqlite3 "$1" < "$PEERS_DIR/queries.sql" | lines_to_json
}

# lines_to_json: "rule|id" lines on stdin to {"rule": [sorted ids]}.
lines_to_json() {
  jq -R -s -c 'split("\n") | map(select(length > 0) | split("|")) | group_by(.[0])
               | map({key: .[0][0], value: (map(.[1]) | unique)}) | from_entries'
}

# jq_answers ESTATE: the jq program's answers.
# The files go to one jq as one stream (xargs could split a long list of
# arguments over several jq processes, each seeing only part of the estate).
jq_answers() { snapshot_files "$1" | xargs cat | jq -n -c -f "$PEERS_DIR/answers.jq"; }

# ward_answers WARD ESTATE: the ward CLI's JSON report reduced to {"rule": [ids]}.
ward_answers() {
  "$1" check --facts "$2/accounts" --format json 2>/dev/null \
    | jq -c '[.findings[] | {r: .rule, id: .resource.id}] | group_by(.r) | map({key: .[0].r, value: (map(.id) | unique)}) | from_entries'
}

# check_answers NAME ESTATE JSON: prints PASS/FAIL per bench rule; returns the
# number of failures.
check_answers() {
  local name=$1 estate=$2 got=$3 fails=0 rule ok gotfile
  # Through a file: at size L the answers are too long for an argument.
  gotfile=$(mktemp /tmp/ward-answers.XXXXXX)
  printf '%s\n' "${got:-null}" > "$gotfile"
  for rule in aws.sg.no_unrestricted_ssh aws.sagemaker.training_private_subnets aws.endpoints.sagemaker_api; do
    ok=$(jq -n --slurpfile got "$gotfile" --slurpfile e "$estate/expected.json" --arg r "$rule" \
           '((($got[0]) // {})[$r] // []) == ($e[0].ids[$r] | unique)')
    if [ "$ok" = true ]; then echo "PASS $name $rule"; else echo "FAIL $name $rule"; fails=$((fails + 1)); fi
  done
  rm -f "$gotfile"
  return $fails
}
