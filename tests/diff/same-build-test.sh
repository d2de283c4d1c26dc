#!/usr/bin/env bash
# same-build-test.sh - `fabscale diff` on real measurements of one build.
#
#   same-build-test.sh FABSCALE_BENCH FABSCALE OUTDIR
#
# 1. Two files of the same build, each LAUNCHES launches of fabscale-bench
#    (latency and bw over MPI, 2 ranks, a few sizes) appended with --append,
#    launched alternately A, B, A, B, ... so that a change in the machine's
#    load over the minute of the test falls on both files alike.  diff must
#    say "no significant change" and exit 0 with --fail-on-regression.
#    The sizes are Open MPI vader's eager ones (<= 4 KiB): above, its
#    rendezvous needs both ranks on a core at once, and at load 20 on this
#    2-core machine most such points came out disturbed (median 10-150x the
#    fastest iteration), which diff shows but cannot judge.
#    Five launches each, not three: this VM's latency at these sizes runs
#    for seconds at one of two levels (0.15-0.25 us or 0.5-0.7 us at 128 B;
#    osu_latency shows the same), so a file's launches are draws from two
#    levels.  With three, all of A at one level and all of B at the other
#    happened in CI (a 2.8x "regression" of one build); a simulation of the
#    two levels (a slow launch 10-50% of the time, independent launches)
#    put diff's false alarms at 4-19% with three launches and its spread
#    as (worst - best) / median, 1-7% with the spread as a factor
#    (run_compare.c), and 0.05-0.6% with five launches and the factor.
# 2. A with every bw point's bandwidth halved (its times doubled): diff must
#    call it a regression, name worse every bw size whose own noise can
#    resolve a halving, change no latency size, and exit 1 with
#    --fail-on-regression (0 without).
# 3. Bad input: one clear line and exit 2.
# Needs mpirun and jq.
set -uo pipefail

BENCH=$1
FABSCALE=$2
OUT=$3
LAUNCHES=${FS_DIFF_LAUNCHES:-5}
SIZES=${FS_DIFF_SIZES:-128,256,512,1K,2K}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

fails=0
check() { # STATUS TEXT
    if [ "$1" = 0 ]; then echo "ok   - $2"; else
        echo "FAIL - $2"
        fails=$((fails + 1))
    fi
}
command -v jq >/dev/null || {
    echo "jq is needed to read the JSON output (apt-get install jq)"
    exit 1
}
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.txt

# launch FILE: one fabscale-bench launch, the first one creating FILE.
launch() {
    local f=$1 how=--force
    [ -e "$f" ] && how=--append
    mpirun -n 2 "$BENCH" -q -b latency,bw -s "$SIZES" --time-per-size 0.2 -o "$f" "$how" \
        >/dev/null 2>>"$OUT/bench.txt"
}
A=$OUT/a.json
B=$OUT/b.json
for i in $(seq 1 "$LAUNCHES"); do
    launch "$A" || check 1 "fabscale-bench launch $i of A: $(tail -1 "$OUT/bench.txt")"
    launch "$B" || check 1 "fabscale-bench launch $i of B: $(tail -1 "$OUT/bench.txt")"
done
echo "# load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# 1. Same build: quiet.
"$FABSCALE" diff "$A" "$B" | sed 's/^/#   /'
"$FABSCALE" diff --fail-on-regression --json "$A" "$B" >"$OUT/same.json"
check $? "same build: diff --fail-on-regression exits 0"
verdict=$(jq -r .verdict "$OUT/same.json")
[ "$verdict" = "no significant change" ]
check $? "same build: verdict '$verdict' (want 'no significant change')"
n=$(jq '[.runs[].points[] | select(.launches_a >= 1 and .launches_b >= 1)] | length' "$OUT/same.json")
want=$((2 * $(tr ',' '\n' <<<"$SIZES" | wc -l)))
[ "$n" = "$want" ]
check $? "same build: $n matched points (want $want: latency and bw at every size)"

# 2. Bandwidth halved: one launch of A (the one with the most undisturbed bw
#    sizes) and the same launch with half the bandwidth and message rate and
#    twice every time statistic (the relative spread unchanged).  One
#    launch, not three: the copy is not a second measurement, so the
#    launches' disagreement (at load 15 up to 4x at small bw sizes) would
#    be counted twice in the noise and could hide the halving.  Sizes
#    disturbed in A (median 3x its best iteration) stay disturbed in the
#    copy and are not counted; the others are.
best=0 most=-1
for k in $(seq 0 $((LAUNCHES - 1))); do
    u=$(jq --argjson k "$k" '[.runs[] | select(.benchmark == "bw")][$k].points
        | map(select(.time_us.p50 < 3 * .time_us.min)) | length' "$A")
    [ "$u" -gt "$most" ] && best=$k most=$u
done
A1=$OUT/a-launch$((best + 1)).json
jq --argjson k "$best" '.runs = [(.runs | map(select(.benchmark == "latency")))[$k],
                                 (.runs | map(select(.benchmark == "bw")))[$k]]' "$A" >"$A1"
H=$OUT/a-launch$((best + 1))-halved.json
jq '.runs |= map(if .benchmark == "bw" then .points |= map(
        .bandwidth_GBps /= 2 | .msg_rate_Mps /= 2 | .time_us |= map_values(. * 2)) else . end)' \
    "$A1" >"$H"
echo "# launch $((best + 1)) of A: $most of $(tr ',' '\n' <<<"$SIZES" | wc -l) bw sizes undisturbed"
A=$A1
"$FABSCALE" diff "$A" "$H" | sed 's/^/#   /'
"$FABSCALE" diff "$A" "$H" >/dev/null
check $? "bandwidth halved: diff without --fail-on-regression exits 0"
"$FABSCALE" diff --fail-on-regression --json "$A" "$H" >"$OUT/halved.json"
rc=$?
[ "$rc" = 1 ]
check $? "bandwidth halved: diff --fail-on-regression exits 1 (got $rc)"
verdict=$(jq -r .verdict "$OUT/halved.json")
[ "$verdict" = regression ]
check $? "bandwidth halved: verdict '$verdict' (want regression)"
clean='[.runs[] | select(.benchmark == "bw") | .points[] | select(.disturbed_a | not)]'
n=$(jq "$clean | length" "$OUT/halved.json")
jq -e "$clean | map(.worse and .ratio > 0.49 and .ratio < 0.51) | all" "$OUT/halved.json" >/dev/null
check $? "bandwidth halved: all $n undisturbed bw sizes worse, B/A 0.5"
jq -e '[.runs[] | select(.benchmark == "latency") | .points[] | .significant] | any | not' \
    "$OUT/halved.json" >/dev/null
check $? "bandwidth halved: no latency size changed (latency was not touched)"

# 3. Bad input.
bad_input() { # TEXT ARGS...: exit 2 and one line on stderr
    local what=$1
    shift
    "$FABSCALE" diff "$@" >/dev/null 2>"$OUT/err.txt"
    local rc=$? lines
    lines=$(wc -l <"$OUT/err.txt")
    [ "$rc" = 2 ] && [ "$lines" = 1 ]
    check $? "$what: exit $rc (want 2), $lines line(s): $(head -1 "$OUT/err.txt")"
}
bad_input "a missing file" "$A" "$OUT/none.json"
bad_input "one file" "$A"
bad_input "three files" "$A" "$B" "$B"
bad_input "a bad --threshold" --threshold ten "$A" "$B"
jq '.runs |= map(.provider = "elsewhere")' "$B" >"$OUT/other.json"
bad_input "no run in common" "$A" "$OUT/other.json"
printf 'not a results file\n' >"$OUT/junk.txt"
bad_input "an unreadable format" "$A" "$OUT/junk.txt"

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
