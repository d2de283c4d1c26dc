#!/usr/bin/env bash
# screen-test.sh - the pairwise screen names the host whose link is slow, and
# nothing on a healthy cluster.
#
#   screen-test.sh EMULATE_CLUSTER FABSCALE_BENCH FABSCALE OUTDIR
#
# On 6 emulated hosts at RATE (40 Mbit/s: link-bound on 2 cores, REFERENCE.md)
# with host 3's cable at 40 % of it (tbf both directions, emulate-cluster
# --degrade):
#  1. fabscale-bench --bench pairwise --quick: the schedule it recorded has at
#     most ceil(log2 6) + 2 = 5 rounds before confirmation, and confirmation
#     only re-measures pairs that involve a suspect;
#  2. fabscale screen names host 3 (kind node, or a link with host 3 at one
#     end) and nothing else; --fail-on-suspect exits 1;
#  3. the links restored (emulate-cluster shape --reset), a full screen names
#     nobody and --fail-on-suspect exits 0.
# Sizes: 8 B (latency) and 64 KiB x window 4 (bandwidth; 52 ms per iteration
# on a healthy link), 0.3 s per measurement.  Exit 77 (skipped) without
# namespaces.
set -uo pipefail

EC=$1
BENCH=$2
FABSCALE=$3
OUT=$4
NAME=${FSC_TEST_NAME:-s$(printf '%s' "$OUT" | md5sum | cut -c1-5)}
SUBNET=${FSC_TEST_SUBNET:-}
RATE=${FSC_TEST_RATE:-40mbit}
SLOW=${FSC_TEST_SLOW:-16mbit} # 40 % of RATE
BAD=3
HOSTS=6
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
# Ranks at nice -19: 6 hosts share 2 cores with whatever else runs (see
# fit-predict-test.sh).
bench() {
    ec run -- nice -n -19 "$BENCH" --bind none --quiet --bench pairwise --sizes 8,64K \
        --window 4 --time-per-size 0.3 --timeout 120 "$@"
}

if ! why=$("$EC" check); then
    echo "SKIP: $why"
    exit 77
fi
command -v jq >/dev/null || {
    echo "jq is needed to read the JSON results (apt-get install jq)"
    exit 1
}
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.err
trap 'ec down >/dev/null 2>&1' EXIT

up_args=(--hosts "$HOSTS" --rate "$RATE" --degrade "$BAD=$SLOW")
[ -n "$SUBNET" ] && up_args+=(--subnet "$SUBNET")
ec down >/dev/null 2>&1
if ! ec up "${up_args[@]}" >/dev/null 2>"$OUT/up.err"; then
    cat "$OUT/up.err"
    echo "FAIL - emulate-cluster up"
    exit 1
fi

# ---- 1. quick screen with host 3 degraded ----------------------------------
t0=$(date +%s.%N)
if ! bench --quick -o "$OUT/quick-degraded.json" >"$OUT/quick-degraded.out" 2>"$OUT/quick-degraded.err"; then
    tail -5 "$OUT/quick-degraded.err"
    bad "pairwise --quick on the degraded cluster failed"
fi
t1=$(date +%s.%N)
sched='.runs[] | select(.benchmark == "pairwise") | .pairwise'
before=$(jq "[$sched | .rounds[] | select(.phase != \"confirm\")] | length" "$OUT/quick-degraded.json")
limit=$(($(awk -v n=$HOSTS 'BEGIN { k = 0; while (2 ^ k < n) k++; print k }') + 2))
recorded=$(jq "$sched | .rounds_before_confirm" "$OUT/quick-degraded.json")
if [ "$before" -le "$limit" ] && [ "$before" = "$recorded" ]; then
    ok "quick: $before rounds before confirmation (limit ceil(log2 $HOSTS)+2 = $limit)"
else
    bad "quick: $before rounds before confirmation (recorded $recorded), limit $limit"
fi
# Every confirmation pair involves a host that was on a slow pair: at least
# it never re-measures a pair of two hosts both far from host 3 unless one of
# them was flagged; what we can check exactly is that host 3 is in most.
nconf=$(jq "[$sched | .rounds[] | select(.phase == \"confirm\") | .pairs[]] | length" "$OUT/quick-degraded.json")
with_bad=$(jq "[$sched | .rounds[] | select(.phase == \"confirm\") | .pairs[] | select(index($BAD))] | length" "$OUT/quick-degraded.json")
meas=$(jq "$sched | .measurements" "$OUT/quick-degraded.json")
allp=$(jq "$sched | .all_pairs" "$OUT/quick-degraded.json")
if [ "$nconf" -gt 0 ] && [ "$with_bad" -ge $((nconf / 2)) ]; then
    ok "quick: $nconf confirmation pairs, $with_bad with host $BAD; $meas measurements (all pairs: $allp)"
else
    bad "quick: $nconf confirmation pairs, $with_bad with host $BAD"
fi

# ---- 2. screen names host 3 and nothing else -------------------------------
s0=$(date +%s.%N)
"$FABSCALE" screen --json "$OUT/quick-degraded.json" >"$OUT/screen-degraded.json" 2>"$OUT/screen-degraded.err"
rc=$?
s1=$(date +%s.%N)
"$FABSCALE" screen "$OUT/quick-degraded.json" || true
want="$NAME-h$BAD"
n=$(jq '.suspects | length' "$OUT/screen-degraded.json")
named=$(jq -r '.suspects[] | "\(.kind) \(.host) \(.peer)"' "$OUT/screen-degraded.json")
right=$(jq --arg h "$want" '[.suspects[] | select((.kind == "node" and .host == $h) or (.kind == "link" and (.host == $h or .peer == $h)))] | length' "$OUT/screen-degraded.json")
if [ "$rc" = 0 ] && [ "$n" = 1 ] && [ "$right" = 1 ]; then
    ok "degraded: named exactly '$named' (host $want at $SLOW of $RATE)"
else
    bad "degraded: want one suspect, $want (node, or a link at it); got $n: $named (exit $rc)"
fi
"$FABSCALE" screen --fail-on-suspect "$OUT/quick-degraded.json" >/dev/null 2>&1
rc=$?
[ "$rc" = 1 ] && ok "degraded: --fail-on-suspect exits 1" || bad "degraded: --fail-on-suspect exited $rc, want 1"

# ---- 3. healthy: no suspect -------------------------------------------------
ec shape --reset >/dev/null 2>&1 || bad "emulate-cluster shape --reset failed"
h0=$(date +%s.%N)
if ! bench -o "$OUT/full-healthy.json" >"$OUT/full-healthy.out" 2>"$OUT/full-healthy.err"; then
    tail -5 "$OUT/full-healthy.err"
    bad "pairwise (full) on the healthy cluster failed"
fi
h1=$(date +%s.%N)
"$FABSCALE" screen --json "$OUT/full-healthy.json" >"$OUT/screen-healthy.json"
"$FABSCALE" screen "$OUT/full-healthy.json" || true
healthy=$(jq '.healthy' "$OUT/screen-healthy.json")
n=$(jq '.suspects | length' "$OUT/screen-healthy.json")
if [ "$healthy" = true ] && [ "$n" = 0 ]; then
    ok "healthy: no suspect"
else
    bad "healthy: $n suspect(s): $(jq -c '.suspects' "$OUT/screen-healthy.json")"
fi
"$FABSCALE" screen --fail-on-suspect "$OUT/full-healthy.json" >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] && ok "healthy: --fail-on-suspect exits 0" || bad "healthy: --fail-on-suspect exited $rc, want 0"
fmeas=$(jq "$sched | .measurements" "$OUT/full-healthy.json")
frounds=$(jq "$sched | .rounds_total" "$OUT/full-healthy.json")
ec status | tail -n +3 | head -8

awk -v q="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    -v f="$(awk -v a="$h0" -v b="$h1" 'BEGIN { print b - a }')" \
    -v s="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" -v r="$frounds" -v m="$fmeas" \
    'BEGIN { printf "timing: quick screen (degraded) %.1f s, full screen (healthy) %.1f s (%s rounds, %s measurements), fabscale screen %.3f s\n", q, f, r, m, s }'
[ "$fails" = 0 ] && echo "PASS" || echo "$fails check(s) failed"
[ "$fails" = 0 ]
