#!/bin/sh
# cli_test.sh FABSCALE DATA_DIR WORK_DIR - `fabscale` end to end: bad input
# exits 2 with one line naming file, line and why; the good samples import,
# fit, predict and report (with and without gnuplot).
set -u
F=$1
D=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
fail=0

# check_bad NAME PATTERN CMD... : exit status 2, exactly one stderr line containing PATTERN
check_bad() {
    name=$1
    pattern=$2
    shift 2
    "$@" >"$W/out" 2>"$W/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL $name: exit $rc, want 2"; cat "$W/err"; fail=1; return
    fi
    if [ "$(wc -l <"$W/err")" -ne 1 ]; then
        echo "FAIL $name: want one line on stderr, got:"; cat "$W/err"; fail=1; return
    fi
    if ! grep -qF -- "$pattern" "$W/err"; then
        echo "FAIL $name: message lacks '$pattern':"; cat "$W/err"; fail=1; return
    fi
    echo "ok   $name: $(cat "$W/err")"
}

# check_ok NAME PATTERN CMD... : exit 0 and stdout containing PATTERN
check_ok() {
    name=$1
    pattern=$2
    shift 2
    "$@" >"$W/out" 2>"$W/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: exit $rc"; cat "$W/err"; fail=1; return
    fi
    if ! grep -qF -- "$pattern" "$W/out"; then
        echo "FAIL $name: output lacks '$pattern':"; head -20 "$W/out"; fail=1; return
    fi
    echo "ok   $name"
}

# bad input files, through each subcommand
check_bad schema "bad_schema.json:2: unknown schema \"fabscale.results/2\"" "$F" fit "$D/bad_schema.json"
check_bad truncated "bad_truncated.json:999: not valid JSON" "$F" predict "$D/bad_truncated.json"
check_bad no-runs "bad_no_runs.json:50: no usable runs" "$F" import "$D/bad_no_runs.json" -o "$W/x.json"
check_bad unrecognised "bad_unrecognised.txt:1: not a results file: neither fabscale JSON, OSU" \
    "$F" report "$D/bad_unrecognised.txt" --out "$W/r0"
check_bad osu-row "bad_osu_row.txt:13: expected 2 columns" "$F" fit "$D/bad_osu_row.txt"
check_bad nccl-row "bad_nccl_row.txt:33: column 9 (#wrong)" "$F" predict "$D/bad_nccl_row.txt"
check_bad wrong-type "bad_type.json:170: runs[0].points[5].bytes: expected a number" "$F" fit "$D/bad_type.json"
check_bad missing "nope.json: cannot open" "$F" fit "$W/nope.json"
check_bad good-then-bad "bad_schema.json:2" "$F" fit "$D/fabscale_synthetic.json" "$D/bad_schema.json"
check_bad nothing-to-fit "no latency or bw runs" "$F" fit "$D/osu_mbw_mr_7.4.txt"
[ -e "$W/x.json" ] && { echo "FAIL no-runs: import wrote output"; fail=1; }

# bad usage
check_bad no-subcommand "unknown subcommand \"frobnicate\"" "$F" frobnicate
check_bad unknown-option "unknown option --bogus" "$F" fit --bogus "$D/fabscale_synthetic.json"
check_bad needs-value "option --ranks needs a value" "$F" predict "$D/fabscale_synthetic.json" --ranks
check_bad no-files "no RESULTS file given" "$F" fit
check_bad bad-ranks "--ranks: \"x\" in \"4,x\" is not an integer" "$F" predict "$D/fabscale_synthetic.json" --ranks 4,x
check_bad bad-algo "--algorithm: unknown \"fast\"" "$F" predict "$D/fabscale_synthetic.json" --algorithm fast
check_bad hier-needs-g "--algorithm hier needs --ranks-per-node" "$F" predict --link 2:10 --algorithm hier
check_bad intra-needed "needs the intra-node bandwidth" "$F" predict "$D/fabscale_synthetic.json" --ranks-per-node 8
check_bad import-no-out "give -o OUT.json" "$F" import "$D/osu_latency_7.4.txt"
check_bad report-no-out "give --out DIR" "$F" report "$D/osu_latency_7.4.txt"

# good paths
check_ok version "fabscale " "$F" --version
check_ok fit-help "bw runs: time per message = time_us.p50 / window" "$F" fit --help
check_ok import "nccl-tests-json" "$F" import "$D"/osu_*.txt "$D"/nccl_*.txt "$D/nccl_reduce_scatter.json" \
    "$D/fabscale_synthetic.json" -o "$W/all.json" --osu-ranks 16
check_ok fit-imported "node-a<->node-a" "$F" fit "$W/all.json"
check_ok fit-json "\"segments\"" "$F" fit --json --points "$D/fabscale_synthetic.json"
check_ok fit-csv "link,transport,provider,host_a" "$F" fit --csv "$D/fabscale_synthetic.json"
check_ok predict "median |error|" "$F" predict "$D/fabscale_synthetic.json" --ranks 4,1024 --sizes 1K,1G
check_ok predict-json "\"measured_vs_model\"" "$F" predict --json "$D/fabscale_synthetic.json" --ranks 8
check_ok predict-csv "collective,ranks,bytes,algorithm,chosen,time_us" "$F" predict --csv \
    "$D/fabscale_synthetic.json" --collective all
check_ok predict-hier "hier" "$F" predict --link 20:12 --ranks-per-node 8 --intra-GBps 300 --ranks 16,1024
check_ok predict-osu "osu_allreduce_7.4.txt" "$F" predict "$D/osu_latency_7.4.txt" "$D/osu_allreduce_7.4.txt" \
    --osu-ranks 16 --link 1
# The rd all-reduce at 0.3x its time: below one message of its link (the
# link changed between the benchmarks): a warning in the text, the JSON and
# the report; none on the file as drawn.
shifted="faster when the collectives were measured"
grep -qF "$shifted" "$W/err" && { echo "FAIL predict-osu: a shift warning without a shift"; fail=1; }
"$F" predict "$D/fabscale_synthetic.json" --ranks 4 >/dev/null 2>"$W/err"
grep -qF "$shifted" "$W/err" && { echo "FAIL predict: a shift warning on the file as drawn"; fail=1; }
if command -v jq >/dev/null 2>&1; then
    jq '.runs |= map(if .algorithm == "rd" then .points |= map(.time_us |= map_values(. * 0.3))
                     else . end)' "$D/fabscale_synthetic.json" >"$W/shifted.json"
    check_ok predict-shift "median |error|" "$F" predict "$W/shifted.json" --ranks 4
    grep -qF "warning: mpi/mpi: the rd allreduce of 16 B on 4 ranks took" "$W/err" &&
        grep -qF "$shifted" "$W/err" ||
        { echo "FAIL predict-shift: no warning naming the rd all-reduce at 16 B:"; cat "$W/err"; fail=1; }
    n=$("$F" predict --json "$W/shifted.json" --ranks 4 2>/dev/null |
        jq --arg s "$shifted" '[.warnings[] | select(contains($s))] | length')
    [ "$n" = 1 ] || { echo "FAIL predict-shift: $n shift warnings in the JSON, want 1"; fail=1; }
    FS_GNUPLOT=/nonexistent/gnuplot "$F" report "$W/shifted.json" --out "$W/rs" >/dev/null 2>&1
    grep -qF "$shifted" "$W/rs/report.md" ||
        { echo "FAIL report-shift: the report does not say the link changed"; fail=1; }
    # Link probes: the latency run's 0.25/0.27 us, the ring's 0.26/0.62 us
    # (the link 2.3x slower by the end of the run): named by the probe.
    jq '.runs |= map(if .benchmark == "latency" then .link_probe = {bytes: 8, one_way_us: [0.25, 0.27]}
                     elif .algorithm == "ring" then .link_probe = {bytes: 8, one_way_us: [0.26, 0.62]}
                     elif .algorithm == "rd" then .link_probe = {bytes: 8, one_way_us: [0.27, 0.26]}
                     else . end)' "$D/fabscale_synthetic.json" >"$W/probed.json"
    check_ok predict-probe "median |error|" "$F" predict "$W/probed.json" --ranks 4
    grep -qF "warning: mpi/mpi: its 8 B latency probe read 0.25 to 0.27 us around the point-to-point benchmarks and 0.62 us around the ring allreduce on 4 ranks (2.30x the slowest)" "$W/err" ||
        { echo "FAIL predict-probe: no warning naming the ring's probe:"; cat "$W/err"; fail=1; }
    jq '.runs |= map(if .algorithm == "ring" then .link_probe.one_way_us = [0.26, 0.3] else . end)' \
        "$W/probed.json" >"$W/probed-same.json"
    "$F" predict "$W/probed-same.json" --ranks 4 >/dev/null 2>"$W/err"
    grep -qF "latency probe" "$W/err" && { echo "FAIL predict-probe: a warning for a probe 1.11x beyond the fit's"; fail=1; }
else
    echo "skip predict-shift: no jq"
fi
FS_GNUPLOT=/nonexistent/gnuplot check_ok report-no-gnuplot "gnuplot not found" \
    "$F" report "$D/fabscale_synthetic.json" "$D/nccl_all_reduce_perf.txt" --out "$W/r1"
for f in report.md report.html; do
    [ -s "$W/r1/$f" ] || { echo "FAIL report-no-gnuplot: $f missing"; fail=1; }
done
grep -qF "| link |" "$W/r1/report.md" || { echo "FAIL report-no-gnuplot: no link table"; fail=1; }
ls "$W/r1"/*.svg >/dev/null 2>&1 && { echo "FAIL report-no-gnuplot: charts drawn"; fail=1; }
if command -v gnuplot >/dev/null 2>&1; then
    check_ok report-gnuplot "5 charts" "$F" report "$D/fabscale_synthetic.json" "$D/osu_latency_7.4.txt" \
        "$D/nccl_all_reduce_perf.txt" --out "$W/r2"
    for c in latency bandwidth busbw fit model; do
        [ -s "$W/r2/$c.svg" ] || { echo "FAIL report-gnuplot: $c.svg missing"; fail=1; }
    done
    grep -q "<svg" "$W/r2/report.html" || { echo "FAIL report-gnuplot: html without inline svg"; fail=1; }
    grep -qF "![Latency vs message size](latency.svg)" "$W/r2/report.md" ||
        { echo "FAIL report-gnuplot: md without chart"; fail=1; }
fi
exit $fail
