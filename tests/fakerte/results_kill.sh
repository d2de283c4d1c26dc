#!/usr/bin/env bash
# results_kill.sh MPIEXEC BENCH
# Results written between points (in place, only the runs) parse after
# every point: the file is read while the run goes, and after the job is
# killed (SIGKILL, no chance to save) once it holds k >= 6 points it still
# parses, says complete: false, and holds every point it held before the
# kill (at most the rows the table printed).
set -uo pipefail
mpiexec=$1 bench=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/r.json
"$mpiexec" -n 2 "$bench" -b latency -s 1:1M --time-per-size 0.3 --precision 0.000001 -o "$out" > "$dir/table" 2> "$dir/err" &
job=$!
count() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r['points']) for r in d['runs']))" "$out"; }
k=0 reads=0 bad=0
for _ in $(seq 600); do
    sleep 0.05
    [ -s "$out" ] || continue
    if n=$(count 2> /dev/null); then
        reads=$((reads + 1))
        k=$n
        [ "$k" -ge 6 ] && break
    else
        bad=$((bad + 1))
    fi
done
ranks=$(pgrep -P "$job")
kill -9 $ranks "$job" 2> /dev/null
wait "$job" 2> /dev/null
after=$(count) || { echo "FAIL: the file does not parse after the kill"; exit 1; }
rows=$(grep -c '^[0-9]' "$dir/table")
complete=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['meta']['complete'])" "$out")
echo "read $reads times while running ($bad did not parse); $k points before the kill, $after after, $rows table rows, complete $complete"
fails=0
[ "$bad" = 0 ] || { echo "FAIL: $bad reads did not parse"; fails=1; }
[ "$k" -ge 6 ] || { echo "FAIL: never saw 6 points"; fails=1; }
[ "$after" -ge "$k" ] && [ "$after" -le "$rows" ] || { echo "FAIL: $after points after the kill"; fails=1; }
[ "$complete" = False ] || { echo "FAIL: complete is $complete"; fails=1; }
exit $fails
