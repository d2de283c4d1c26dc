#!/bin/sh
# import_cli_test.sh FABSCALE DATA WORKDIR - `fabscale import` and `fit` on
# real logs as users have them (issue 14) and the sanity bounds (issue 17):
# exit statuses, the one error line, nothing overwritten without --force.
F=$1
D=$2
W=$3
rm -rf "$W" && mkdir -p "$W" || exit 1
fail=0
no() { echo "FAIL $*"; fail=1; }

# run NAME WANT_STATUS CMD...: status, and stderr in $W/NAME.err
run() {
    name=$1 want=$2
    shift 2
    "$@" > "$W/$name.out" 2> "$W/$name.err"
    got=$?
    [ "$got" = "$want" ] || no "$name: exit $got, want $want: $(cat "$W/$name.err")"
}
err_has() { grep -qF -- "$2" "$W/$1.err" || no "$1: stderr lacks '$2': $(cat "$W/$1.err")"; }
one_line() { [ "$(wc -l < "$W/$1.err")" -eq 1 ] || no "$1: stderr is not one line"; }
out_has() { grep -qF -- "$2" "$W/$1.out" || no "$1: stdout lacks '$2'"; }

L=$D/logs
out=$W/all.json
run first 0 "$F" import "$L/osu7_latency_tag_output.txt" "$L/osu7_bw_timestamp_output.txt" -o "$out"
cp "$out" "$W/before.json"
run exists 2 "$F" import "$L/osu7_mbw_mr.txt" -o "$out"
err_has exists "exists: give --force to overwrite it or --append"
one_line exists
cmp -s "$out" "$W/before.json" || no "exists: the output changed"
run append 0 "$F" import "$L/osu7_mbw_mr.txt" "$L/osu7_allgather_n4.txt" --osu-ranks 4 -o "$out" --append
runs=$(grep -c '"benchmark"' "$out")
[ "$runs" = 4 ] || no "append: $runs runs, want 4"
grep -q '"osu_size": 65536' "$out" || no "append: allgather sizes not per process x ranks"
run force 0 "$F" import "$L/osu7_mbw_mr.txt" -o "$out" --force
[ "$(grep -c '"benchmark"' "$out")" = 1 ] || no "force: not overwritten"
run both 2 "$F" import "$L/osu7_mbw_mr.txt" -o "$out" --force --append
run append-foreign 2 "$F" import "$L/osu7_bw.txt" -o "$L/osu7_latency.txt" --append
err_has append-foreign "not a fabscale results file"

# warnings name the line where the file ends; the rows before it are kept
run cut 0 "$F" import "$D/logs/nccl_all_reduce_truncated.txt" -o "$W/cut.json"
err_has cut "nccl_all_reduce_truncated.txt:40: the file ends inside the nccl-tests table"
run fail-rows 0 "$F" import "$L/osu7_latency_c_fail.txt" -o "$W/fail.json"
err_has fail-rows "osu7_latency_c_fail.txt:8: OSU validation says \"Fail\" at 8 B"

# fit lat bw mbw: one link; nccl-tests alone: a derived link, said so
run merge 0 "$F" fit "$L/osu7_latency.txt" "$L/osu7_bw.txt" "$L/osu7_mbw_mr.txt"
[ "$(grep -c '^link ' "$W/merge.out")" = 1 ] || no "merge: not one link"
out_has merge "(from msgrate)"
out_has merge "taken as one mpi/mpi link"
run nccl-fit 0 "$F" fit "$D/nccl_all_reduce_perf.txt"
out_has nccl-fit "derived from the measured allreduce at 16 ranks"
run own-table 0 "$F" fit "$L/fabscale_bench_table.txt"

# sanity bounds: one line naming file:line, exit 2
printf '# OSU MPI Bandwidth Test v7.4\n# Size      Bandwidth (MB/s)\n1   4.0\n2   200000000000\n' > "$W/huge_bw.txt"
run huge-bw 2 "$F" import "$W/huge_bw.txt" -o "$W/x.json"
err_has huge-bw "huge_bw.txt:4: bandwidth_GBps 2e+08 is above 100 TB/s"
one_line huge-bw
printf '{"schema": "fabscale.results/1",\n "runs": [ {"benchmark": "latency",\n  "points": [ {"bytes": 1e300, "time_us": {"p50": 1}} ] } ] }\n' > "$W/huge_size.json"
run huge-size 2 "$F" fit "$W/huge_size.json"
err_has huge-size "huge_size.json:3: runs[0].points[0]: size 1e+300 B is above 2^50 B"
one_line huge-size
[ -e "$W/x.json" ] && no "bounds: import wrote output"
exit $fail
