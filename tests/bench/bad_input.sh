#!/usr/bin/env bash
# bad_input.sh MPIEXEC BENCH CHECK: every kind of bad input gets one clear
# line on stderr and exit status 2, and nothing already measured is lost.
set -uo pipefail
mpiexec=$1 bench=$2 check=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0

expect() { # expect STATUS FRAGMENT -- ARGS...
    local want=$1 frag=$2
    shift 3
    "$mpiexec" -n 2 "$bench" "$@" > "$dir/out" 2> "$dir/err"
    local rc=$?
    local lines
    lines=$(grep -c '^fabscale-bench: ' "$dir/err")
    if [ "$rc" != "$want" ] || { [ -n "$frag" ] && ! grep -q -- "$frag" "$dir/err"; }; then
        echo "FAIL: $* -> status $rc (want $want); stderr:"; cat "$dir/err"; fails=$((fails + 1))
    elif [ "$want" = 2 ] && [ "$lines" -lt 1 ]; then
        echo "FAIL: $*: no error line"; fails=$((fails + 1))
    else
        echo "ok: $* -> $rc: $(grep '^fabscale-bench: ' "$dir/err" | head -1)"
    fi
}

expect 2 'unknown benchmark "pong"' -- -b pong
expect 2 'size "12Q": unknown suffix' -- --sizes 12Q
expect 2 'MIN greater than MAX' -- --sizes 8:1
expect 2 'unknown option "--frobnicate"' -- --frobnicate
expect 2 'unknown transport "ucx"' -- -t ucx
expect 2 'message size 4294967296 exceeds' -- -b latency --sizes 4G
# An existing results file is never overwritten without --force.
echo '{"keep": true}' > "$dir/r.json"
expect 2 "r.json exists: use --force" -- -b latency --sizes 8 -o "$dir/r.json"
grep -q '"keep": true' "$dir/r.json" || { echo "FAIL: existing file was changed"; fails=$((fails + 1)); }
# --append to something that is not a results file is refused.
expect 2 "not a fabscale.results/1 results file" -- -b latency --sizes 8 -o "$dir/r.json" --append
# Outputs are checked before anything is measured: a missing directory, a
# directory in place of a file, a CSV path under a file.
expect 2 "cannot write /proc/nope/x.json: directory /proc/nope does not exist" -- --output /proc/nope/x.json
expect 2 "cannot write /proc/nope/x.csv" -- -b latency --csv /proc/nope/x.csv
expect 2 "is a directory" -- -b latency -o "$dir"
expect 2 "cannot write $dir/r.json/x.csv" -- -b latency --csv "$dir/r.json/x.csv"
[ -z "$(ls "$dir"/*.tmp.* 2> /dev/null)" ] || { echo "FAIL: the write probe left a file"; fails=$((fails + 1)); }
# An output that fails mid-run (its directory taken away after the first
# size): the results stay in memory and go to a fallback file, named.
mkdir -p "$dir/gone" "$dir/tmp"
TMPDIR="$dir/tmp" "$mpiexec" -n 2 "$bench" -q -b latency --sizes 1:4K --time-per-size 0.3 \
    -o "$dir/gone/r.json" --csv "$dir/gone/r.csv" > "$dir/out" 2> "$dir/err" &
pid=$!
for _ in $(seq 300); do [ -e "$dir/gone/r.json" ] && break; sleep 0.1; done
# Renamed away in one step: removing it raced with the writer's next
# temporary file ("Directory not empty"), and the run then wrote on.
mv "$dir/gone" "$dir/gone.away"
wait "$pid"
rc=$?
fb=$(ls "$dir"/tmp/fabscale-bench.*.r.json 2> /dev/null | head -1)
if [ "$rc" != 1 ] || [ -z "$fb" ] || ! grep -q "the results are in $fb instead" "$dir/err" ||
    ! grep -q "the results stay in memory" "$dir/err" || ! ls "$dir"/tmp/fabscale-bench.*.r.csv > /dev/null 2>&1; then
    echo "FAIL: mid-run write failure: status $rc, fallback '$fb'; stderr:"; cat "$dir/err"; fails=$((fails + 1))
else
    "$check" "$fb" --run latency:mpi --points 13 || fails=$((fails + 1))
    echo "ok: mid-run write failure -> $rc, results in $fb"
fi
[ "$(grep -c 'the results stay in memory' "$dir/err")" -le 2 ] || { echo "FAIL: the write failure was said more than once per file"; fails=$((fails + 1)); }
# A good run, then --append adds runs and keeps the file valid.
expect 0 "" -- -q -b latency --sizes 1:8 --time-per-size 0.05 -o "$dir/a.json"
expect 0 "" -- -q -b bw --sizes 1:8 --time-per-size 0.05 -o "$dir/a.json" --append
"$check" "$dir/a.json" --run latency:mpi --run bw:mpi --points 4 || fails=$((fails + 1))
# A bad second transport fails after the first measured: the results stay.
expect 2 "" -- -q -t mpi,ofi -p no-such-provider -b latency --sizes 1:8 --time-per-size 0.05 -o "$dir/p.json"
"$check" "$dir/p.json" --run latency:mpi --points 4 --incomplete || fails=$((fails + 1))

[ "$fails" = 0 ] && echo "all bad-input cases passed"
exit $((fails > 0))
