#!/usr/bin/env bash
# many_ranks.sh MPIEXEC NP BENCH CHECK OUTDIR - every benchmark at NP
# oversubscribed ranks (FS_YIELD=1: waiting ranks give the core away), with
# --validate, one size and a short budget, in one launch over
# libfabric's shm provider (the only transport here with the RMA writes;
# the collectives run the harness's own algorithms, auto).  Start-up, not
# the points, is most of the time: a 64-rank launch that only prints
# --version takes ~60 s on a loaded 2-core machine.  (pairwise screens host
# pairs: one host has none; tests/cluster runs it.)  The results must pass
# the schema and check_results: every run, one point each, NP ranks,
# validated.
set -euo pipefail
mpiexec=$1 np=$2 bench=$3 check=$4 out=$5
here=$(dirname "$0")
mkdir -p "$out"
export FS_YIELD=1
common=(--sizes 4K --window 8 --time-per-size 0.05 --min-time 0 --validate -q --force)

launch() { # name transport-args...
    local name=$1 t0 t1
    shift
    rm -f "$out/$name.json"
    t0=$(date +%s.%N)
    "$mpiexec" --oversubscribe -n "$np" "$bench" "$@" "${common[@]}" -o "$out/$name.json" \
        > "$out/$name.txt"
    t1=$(date +%s.%N)
    printf '%s: %d ranks, %.1f s\n' "$name" "$np" "$(echo "$t1 - $t0" | bc)"
    python3 "$here/../common/check_schema.py" "$out/$name.json"
}

benches=(latency bw bibw msgrate write_lat write_bw allreduce reduce_scatter allgather alltoall
    alltoallv)
launch ofi -t ofi -p shm -b "$(IFS=,; echo "${benches[*]}")"
runs=()
for b in "${benches[@]}"; do runs+=(--run "$b:ofi:shm"); done
"$check" "$out/ofi.json" "${runs[@]}" --points 1 --ranks "$np" --validated
echo "many_ranks: every benchmark at $np ranks validated"
