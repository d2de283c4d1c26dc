#!/usr/bin/env bash
# many_ranks.sh MPIEXEC NP BENCH CHECK OUTDIR - every benchmark at NP
# oversubscribed ranks (FS_YIELD=1: waiting ranks give the core away), with
# --validate, few sizes and a short budget per size:
#  - transport mpi: latency, bw, bibw, msgrate and every collective;
#  - transport ofi, provider shm: the RMA writes (mpi has none).
# (pairwise screens host pairs: one host has none; tests/cluster runs it.)
# Each results file must pass the schema and check_results: every run, two
# points each, NP ranks, validated.  Prints each launch's wall time.
set -euo pipefail
mpiexec=$1 np=$2 bench=$3 check=$4 out=$5
here=$(dirname "$0")
mkdir -p "$out"
export FS_YIELD=1
common=(--sizes 1K,16K --window 8 --time-per-size 0.05 --min-time 0 --validate -q --force)

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

p2p=(latency bw bibw msgrate)
coll=(allreduce reduce_scatter allgather alltoall alltoallv)
launch mpi -t mpi -b "$(IFS=,; echo "${p2p[*]} ${coll[*]}" | tr ' ' ,)"
runs=()
for b in "${p2p[@]}" "${coll[@]}"; do runs+=(--run "$b:mpi"); done
"$check" "$out/mpi.json" "${runs[@]}" --points 2 --ranks "$np" --validated

launch ofi -t ofi -p shm -b write_lat,write_bw
"$check" "$out/ofi.json" --run write_lat:ofi:shm --run write_bw:ofi:shm --points 2 --ranks "$np" \
    --validated
echo "many_ranks: every benchmark at $np ranks validated"
