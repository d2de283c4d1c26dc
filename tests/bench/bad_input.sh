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
# A good run, then --append adds runs and keeps the file valid.
expect 0 "" -- -q -b latency --sizes 1:8 --time-per-size 0.05 -o "$dir/a.json"
expect 0 "" -- -q -b bw --sizes 1:8 --time-per-size 0.05 -o "$dir/a.json" --append
"$check" "$dir/a.json" --run latency:mpi --run bw:mpi --points 4 || fails=$((fails + 1))
# A bad second transport fails after the first measured: the results stay.
expect 2 "" -- -q -t mpi,ofi -p no-such-provider -b latency --sizes 1:8 --time-per-size 0.05 -o "$dir/p.json"
"$check" "$dir/p.json" --run latency:mpi --points 4 --incomplete || fails=$((fails + 1))

[ "$fails" = 0 ] && echo "all bad-input cases passed"
exit $((fails > 0))
