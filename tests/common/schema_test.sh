#!/bin/sh
# schema_test.sh CHECK_SCHEMA DATA_DIR WORK_DIR FORMAT_DOC
# docs/results.schema.json accepts fabscale's own results files (and the
# example of docs/results-format.md, which names every member) and refuses
# documents that are wrong in one member each: the validation the
# integration tests run can fail.
check=$1 data=$2 work=$3 doc=$4
mkdir -p "$work"
fails=0
python3 "$check" "$data/fabscale_synthetic.json" || { echo "FAIL: good file refused"; fails=$((fails + 1)); }

good='{"schema": "fabscale.results/1", "meta": {"ranks": 2}, "runs": [{"benchmark": "bw",
 "kind": "bandwidth", "points": [{"bytes": 8, "time_us": {"p50": 1.5}}]}]}'
printf '%s\n' "$good" > "$work/good.json"
python3 "$check" "$work/good.json" || { echo "FAIL: minimal document refused"; fails=$((fails + 1)); }

# The format page: its example is a valid document, and it documents every
# member the schema (the field table) has.
python3 - "$doc" "$work/example.json" "$(dirname "$check")/../../docs/results.schema.json" <<'PY' ||
import json, re, sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.search(r"```json\n(.*?)```", text, re.S).group(1))
schema = json.load(open(sys.argv[3]))
names = set()
def walk(s):
    for k, v in s.get("properties", {}).items():
        names.add(k)
        walk(v)
    if isinstance(s.get("items"), dict):
        walk(s["items"])
walk(schema)
missing = sorted(n for n in names if "`%s`" % n not in text)
if missing:
    sys.exit("results-format.md does not document: " + ", ".join(missing))
PY
    { echo "FAIL: docs/results-format.md"; fails=$((fails + 1)); }
python3 "$check" "$work/example.json" || { echo "FAIL: the example of results-format.md is refused"; fails=$((fails + 1)); }

n=0
bad() { # WHAT DOCUMENT: one member wrong
    n=$((n + 1))
    printf '%s\n' "$2" > "$work/bad$n.json"
    echo "$work/bad$n.json: $1" >> "$work/bad.list"
}
: > "$work/bad.list"
bad "bytes a string" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw", "points": [{"bytes": "8"}]}]}'
bad "negative bytes" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw", "points": [{"bytes": -8}]}]}'
bad "unknown kind" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw", "kind": "fast", "points": []}]}'
bad "no runs" '{"schema": "fabscale.results/1", "meta": {}}'
bad "other schema" '{"schema": "fabscale.results/2", "runs": []}'
bad "run without points" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw"}]}'
bad "ranks not integer" '{"schema": "fabscale.results/1", "meta": {"ranks": 2.5}, "runs": []}'
bad "p50 a boolean" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw", "points": [{"bytes": 8, "time_us": {"p50": true}}]}]}'
bad "notes not strings" '{"schema": "fabscale.results/1", "runs": [{"benchmark": "bw", "notes": [1], "points": []}]}'
bad "not JSON" '{"schema": '
files=$(sed 's/: .*//' "$work/bad.list")
# shellcheck disable=SC2086
python3 "$check" --invalid $files || { echo "FAIL: the schema accepts a wrong document"; cat "$work/bad.list"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "ok: schema accepts 3 documents, refuses $n"
exit "$fails"
