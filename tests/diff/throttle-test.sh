#!/usr/bin/env bash
# throttle-test.sh - `fabscale diff` against a bandwidth truly halved.
#
#   throttle-test.sh EMULATE_CLUSTER FABSCALE_BENCH FABSCALE OUTDIR
#
# Two emulated hosts (scripts/emulate-cluster, a cluster of its own in
# a free subnet) joined by a link shaped to RATE_A, then to half of it.
# fabscale-bench measures bw over libfabric "tcp;ofi_rxm" at sizes where
# the link, not the CPU, sets the time (64-256 KiB, windows of 2):
#  1. twice at RATE_A (A and A2): diff must find no significant change;
#  2. once at RATE_A / 2 (B): diff A B must call it a regression with every
#     size worse and B/A within 0.40-0.60 (tbf halves the payload rate:
#     0.5), and exit 1 with --fail-on-regression;
#  3. what differs: the rate is not in the files, so diff must list no
#     setting or library change between A and B (same build, same hosts'
#     names, same provider) -- the regression is the network's alone.
# Exit 77 (skipped) where namespaces cannot be made.
set -uo pipefail

EC=$1
BENCH=$2
FABSCALE=$3
OUT=$4
# A name and subnet of its own per build tree (like the other cluster
# tests), so two builds testing at once never share a cluster.
NAME=${FSC_TEST_NAME:-d$(printf '%s' "$OUT" | md5sum | cut -c1-5)}
SUBNET=${FSC_TEST_SUBNET:-}
RATE_A=${FS_DIFF_RATE:-40}
RATE_B=$((RATE_A / 2))
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
check() {
    if [ "$1" = 0 ]; then echo "ok   - $2"; else
        echo "FAIL - $2"
        fails=$((fails + 1))
    fi
}
ec() { "$EC" --name "$NAME" "$@"; }

if ! why=$("$EC" check); then
    echo "SKIP: $why"
    exit 77
fi
command -v jq >/dev/null || {
    echo "jq is needed to read the JSON output (apt-get install jq)"
    exit 1
}
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.err
trap 'ec down >/dev/null 2>&1' EXIT
ec down >/dev/null 2>&1

up() { # RATE_MBIT
    ec down >/dev/null 2>&1
    ec up --hosts 2 --rate "${1}mbit" ${SUBNET:+--subnet "$SUBNET"} >/dev/null 2>"$OUT/up.err" || {
        cat "$OUT/up.err"
        check 1 "emulate-cluster up at ${1}mbit"
        exit 1
    }
}
# The ranks at nice -19, as in the cluster tests: on their own cores on a
# real cluster; here they share 2 with other work.
measure() { # FILE
    ec run -- nice -n -19 "$BENCH" --bind none --quiet -t ofi -p "tcp;ofi_rxm" --bench bw \
        --sizes 64K,128K,256K --window 2 --min-iters 3 --time-per-size 0.5 -o "$1" --force \
        >/dev/null 2>"$1.err"
    check $? "fabscale-bench bw between 2 hosts -> $(basename "$1")"
}

A=$OUT/a-${RATE_A}mbit.json
A2=$OUT/a2-${RATE_A}mbit.json
B=$OUT/b-${RATE_B}mbit.json
up "$RATE_A"
measure "$A"
measure "$A2"
# Half the rate on the same cluster: host 1's cable shaped down (both
# directions), which the stream from host 0 crosses.  A second `up` could
# take another free subnet while another build's cluster is up, and the
# subnet is in the results (OMPI_MCA_*_if_include, the provider's fabric):
# diff then rightly reports a difference the test says is not there.
ec shape --degrade "1=${RATE_B}mbit" >/dev/null 2>"$OUT/up.err" || {
    cat "$OUT/up.err"
    check 1 "emulate-cluster shape host 1 to ${RATE_B}mbit"
    exit 1
}
measure "$B"
ec down >/dev/null 2>&1

# 1. Same rate: quiet.
"$FABSCALE" diff --fail-on-regression --json "$A" "$A2" >"$OUT/same.json"
check $? "${RATE_A} vs ${RATE_A} Mbit/s: diff --fail-on-regression exits 0"
v=$(jq -r .verdict "$OUT/same.json")
[ "$v" = "no significant change" ]
check $? "${RATE_A} vs ${RATE_A} Mbit/s: verdict '$v'"

# 2. Half the rate: a regression.
"$FABSCALE" diff "$A" "$B" | sed 's/^/#   /'
"$FABSCALE" diff --fail-on-regression --json "$A" "$B" >"$OUT/halved.json"
rc=$?
[ "$rc" = 1 ]
check $? "${RATE_A} vs ${RATE_B} Mbit/s: diff --fail-on-regression exits 1 (got $rc)"
v=$(jq -r .verdict "$OUT/halved.json")
[ "$v" = regression ]
check $? "${RATE_A} vs ${RATE_B} Mbit/s: verdict '$v' (want regression)"
jq -e '[.runs[].points[] | .worse and .confirmed and .ratio > 0.40 and .ratio < 0.60]
       | length == 3 and all' "$OUT/halved.json" >/dev/null
check $? "${RATE_A} vs ${RATE_B} Mbit/s: every size worse, B/A $(jq -c '[.runs[].points[].ratio | . * 1000 | round / 1000]' "$OUT/halved.json") (want 0.40-0.60)"

# 3. Nothing recorded differs but the time: no setting, library or provider.
changes=$(jq -r '[.changes[].what] | join(", ")' "$OUT/halved.json")
[ -z "$changes" ]
check $? "what differs between A and B: '${changes}' (want nothing: the rate is not recorded)"

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
