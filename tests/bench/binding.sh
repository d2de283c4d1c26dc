#!/usr/bin/env bash
# binding.sh MPIEXEC BENCH: fabscale-bench honours the launcher's binding.
# mpirun binds 2 ranks to a core each by default: kept (rank_bound_by
# "launcher"); with --bind-to none the launcher says the ranks stay unbound
# (OMPI_MCA_hwloc_base_binding_policy=none), and --bind core (the default)
# leaves them so; a launcher that leaves ranks unbound without saying so
# (that variable removed) gets each bound to its own core by --bind core;
# with --bind none, nobody binds and the mask stays every CPU.
set -uo pipefail
mpiexec=$1 bench=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
case_() { # NAME WANT_BY WANT_DISTINCT MPIRUN-OPTS -- [WRAPPER... --] BENCH-OPTS
    local name=$1 want=$2 distinct=$3
    shift 3
    local mpi=() wrap=()
    while [ "$1" != -- ]; do mpi+=("$1") && shift; done
    shift
    if [ "${1:-}" = env ]; then
        while [ "$1" != -- ]; do wrap+=("$1") && shift; done
        shift
    fi
    "$mpiexec" "${mpi[@]}" -n 2 "${wrap[@]}" "$bench" -q -b latency --sizes 8 --time-per-size 0.02 \
        -o "$dir/$name.json" "$@" > /dev/null 2> "$dir/$name.err" || {
        echo "FAIL: $name: status $?: $(cat "$dir/$name.err")"
        fails=$((fails + 1))
        return
    }
    local by bindings
    by=$(jq -r '.meta.rank_bound_by | unique | join(",")' "$dir/$name.json")
    bindings=$(jq -r '.meta.rank_binding | unique | length' "$dir/$name.json")
    if [ "$by" != "$want" ] || { [ "$distinct" = yes ] && [ "$bindings" != 2 ]; } ||
        { [ "$distinct" = no ] && [ "$bindings" != 1 ]; }; then
        echo "FAIL: $name: rank_bound_by $by (want $want), $bindings distinct bindings:" \
            "$(jq -c .meta.rank_binding "$dir/$name.json")"
        fails=$((fails + 1))
    else
        echo "ok: $name: $by, $(jq -c .meta.rank_binding "$dir/$name.json")"
    fi
}
if [ "$(nproc)" -lt 2 ]; then
    echo "SKIP: needs 2 CPUs"
    exit 77
fi
case_ launcher launcher yes --bind-to core --
case_ told-none none no --bind-to none --
case_ unbound fabscale-bench yes --bind-to none -- env -u OMPI_MCA_hwloc_base_binding_policy --
case_ none none no --bind-to none -- env -u OMPI_MCA_hwloc_base_binding_policy -- --bind none
[ "$fails" = 0 ] && echo "all binding cases passed"
exit $((fails > 0))
