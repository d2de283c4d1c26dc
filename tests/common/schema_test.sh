#!/bin/sh
# schema_test.sh CHECK_SCHEMA DATA_DIR WORK_DIR
# docs/results.schema.json accepts fabscale's own results files and refuses
# documents that are wrong in one member each: the validation the
# integration tests run can fail.
check=$1 data=$2 work=$3
mkdir -p "$work"
fails=0
python3 "$check" "$data/fabscale_synthetic.json" || { echo "FAIL: good file refused"; fails=$((fails + 1)); }

good='{"schema": "fabscale.results/1", "meta": {"ranks": 2}, "runs": [{"benchmark": "bw",
 "kind": "bandwidth", "points": [{"bytes": 8, "time_us": {"p50": 1.5}}]}]}'
printf '%s\n' "$good" > "$work/good.json"
python3 "$check" "$work/good.json" || { echo "FAIL: minimal document refused"; fails=$((fails + 1)); }

n=0
bad() { # WHAT DOCUMENT
    n=$((n + 1))
    printf '%s\n' "$2" > "$work/bad$n.json"
    python3 "$check" "$work/bad$n.json" 2> "$work/bad$n.err"
    rc=$?
    if [ "$rc" != 1 ]; then
        echo "FAIL: $1: status $rc, expected 1"; cat "$work/bad$n.err"; fails=$((fails + 1))
    fi
}
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
[ "$fails" = 0 ] && echo "ok: schema accepts 2 documents, refuses $n"
exit "$fails"
