#!/usr/bin/env bash
# cli-test.sh - `fabscale screen` on recorded pairwise runs: the verdict, the
# JSON contract, exit statuses (0 verdict, 1 --fail-on-suspect with a
# suspect, 2 bad input) and the report's heatmap section.
#
#   cli-test.sh FABSCALE DATADIR OUTDIR
#
# The files are runs of this code on 6 emulated hosts at 40 Mbit/s
# (scripts/emulate-cluster): screen-h3's cable at 16 Mbit/s (--quick), and
# the same cluster restored (full screen).
set -uo pipefail
FABSCALE=$1
DATA=$2
OUT=$3
mkdir -p "$OUT"
fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
deg=$DATA/emulated-6hosts-quick-degraded.json
good=$DATA/emulated-6hosts-full-healthy.json

"$FABSCALE" screen --json "$deg" >"$OUT/deg.json"
rc=$?
got=$(jq -c '[.healthy, [.suspects[] | [.kind, .host, .peer]]]' "$OUT/deg.json")
[ "$rc" = 0 ] && [ "$got" = '[false,[["node","screen-h3",null]]]' ] &&
    ok "degraded: $got" || bad "degraded: exit $rc, $got"
ev=$(jq -c '.suspects[0].evidence | [.slow_measurements >= 2, .ratio_to_cluster < 0.6, .robust_z > 3.5]' "$OUT/deg.json")
[ "$ev" = '[true,true,true]' ] && ok "degraded: evidence $ev" || bad "degraded: evidence $ev"
sched=$(jq -c '.runs[0].schedule | [.hosts, .rounds_before_confirm <= 5, .all_pairs]' "$OUT/deg.json")
[ "$sched" = '[6,true,15]' ] && ok "degraded: schedule $sched" || bad "degraded: schedule $sched"
"$FABSCALE" screen --fail-on-suspect "$deg" >/dev/null
rc=$?
[ "$rc" = 1 ] && ok "--fail-on-suspect with a suspect: exit 1" || bad "--fail-on-suspect: exit $rc"

"$FABSCALE" screen --json --fail-on-suspect "$good" >"$OUT/good.json"
rc=$?
got=$(jq -c '[.healthy, (.suspects | length)]' "$OUT/good.json")
[ "$rc" = 0 ] && [ "$got" = '[true,0]' ] && ok "healthy: $got" || bad "healthy: exit $rc, $got"

# Bad input: exit 2 with one line.
for args in "" "--bogus $good" "/nonexistent.json" "--instance nope $good" "$DATA/../cli-test.sh"; do
    # shellcheck disable=SC2086
    "$FABSCALE" screen $args >/dev/null 2>"$OUT/err"
    rc=$?
    lines=$(wc -l <"$OUT/err")
    [ "$rc" = 2 ] && [ "$lines" = 1 ] && ok "bad input '$args': exit 2, $(cat "$OUT/err")" ||
        bad "bad input '$args': exit $rc, $lines lines"
done
# A results file without a pairwise run (latency, bw, ... of one pair).
"$FABSCALE" screen "$DATA/../../data/fabscale_synthetic.json" >/dev/null 2>"$OUT/err"
rc=$?
[ "$rc" = 2 ] && grep -q "no pairwise run" "$OUT/err" && ok "no pairwise run: exit 2" ||
    bad "no pairwise run: exit $rc: $(cat "$OUT/err")"

# An all-reduce held to the catalogue's published busbw (p4d, 4 nodes, 1 GiB:
# 29.61 GB/s, NVIDIA/nccl#527).  Synthetic files: 19.4 GB/s is below it by
# more than the floor, 29.0 within it.
for busbw in 19.4 29.0; do
    cat >"$OUT/ar-$busbw.json" <<JSON
{"schema": "fabscale.results/1", "meta": {"version": "test", "hosts": ["n0","n1","n2","n3"], "ranks": 32, "complete": true},
 "runs": [{"benchmark": "allreduce", "transport": "nccl", "ranks": 32,
           "points": [{"bytes": 1073741824, "iterations": 20, "time_us": {"mean": 70253, "p50": 70253}, "busbw_GBps": $busbw}]}]}
JSON
    "$FABSCALE" screen --json --fail-on-suspect --instance p4d.24xlarge "$OUT/ar-$busbw.json" >"$OUT/ar.json"
    rc=$?
    got=$(jq -c '[.healthy, [.expected_checks[] | [.nodes, .bytes, .expected_busbw_GBps, .below_expected]]]' "$OUT/ar.json")
    want='[false,[[4,1073741824,29.61,true]]]' want_rc=1
    [ "$busbw" = 29.0 ] && want='[true,[[4,1073741824,29.61,false]]]' want_rc=0
    [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ] && ok "all-reduce $busbw GB/s vs expected: $got, exit $rc" ||
        bad "all-reduce $busbw GB/s: exit $rc, $got (want $want, exit $want_rc)"
done

# The report draws the matrix with the suspect (when gnuplot is there).
rm -rf "$OUT/report"
if "$FABSCALE" report "$deg" --out "$OUT/report" >/dev/null 2>&1; then
    grep -q "Cluster screen" "$OUT/report/report.md" && grep -q "| node | screen-h3 |" "$OUT/report/report.md" &&
        ok "report: cluster-screen section names screen-h3" || bad "report: no cluster-screen section"
    if command -v gnuplot >/dev/null; then
        [ -s "$OUT/report/pairs_0.svg" ] && grep -q "3 3 node" "$OUT/report/pairs_0_suspects.dat" &&
            ok "report: heatmap drawn, screen-h3 marked" || bad "report: heatmap missing or unmarked"
    fi
else
    bad "fabscale report failed"
fi
[ "$fails" = 0 ] && echo PASS || echo "$fails check(s) failed"
[ "$fails" = 0 ]
