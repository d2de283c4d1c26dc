#!/usr/bin/env bash
# watchdog-cluster.sh EMULATE_CLUSTER FABSCALE_BENCH CHECK OUTDIR
#
# The watchdog on slow links (issue 17): 3 emulated hosts joined at 20
# Mbit/s, one rank each, a pair benchmark (ranks 0 and 1 measure, rank 2 is
# idle and waits at each batch's reduction).
#  1. bw at 1 MiB with a window of 16: one iteration moves 16 MiB, ~7 s on
#     the link, more than --timeout 4, while its messages complete every
#     ~0.45 s.  The launch ends normally, within its budget (one warm-up
#     and one timed iteration), with no watchdog message.
#  2. The same launch with rank 1 stopped (SIGSTOP) at that size: rank 0
#     names rank 1 within a few timeouts; idle rank 2 is not blamed.
# Exit 77 (skipped) where network namespaces are missing.
set -uo pipefail
EC=$1 BENCH=$2 CHECK=$3 OUT=$4
NAME=${FSC_TEST_NAME:-wd$(printf '%s' "$OUT" | md5sum | cut -c1-4)}
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }

if ! why=$("$EC" check); then
    echo "SKIP: $why"
    exit 77
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.err
trap 'ec down >/dev/null 2>&1' EXIT
ec down >/dev/null 2>&1
ec up --hosts 3 --rate 20mbit ${FSC_TEST_SUBNET:+--subnet "$FSC_TEST_SUBNET"} >/dev/null 2>"$OUT/up.err" || {
    cat "$OUT/up.err"
    fail "up --hosts 3"
    exit 1
}

run() { # NAME FAULT ARGS...: sets rc, secs
    local name=$1 fault=$2 t0
    shift 2
    t0=$(date +%s.%N)
    timeout 300 "$EC" --name "$NAME" run -- --mca pml ob1 --mca btl tcp,self -x FS_FAULT="$fault" \
        "$BENCH" --bind none -q -o "$OUT/$name.json" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    rc=$?
    secs=$(echo "$(date +%s.%N) - $t0" | bc)
    echo "== $name: FS_FAULT=$fault -> status $rc in ${secs}s"
    grep '^fabscale-bench' "$OUT/$name.err" | head -3
}

run slow "" -t mpi -b bw --sizes 1M -w 16 --time-per-size 1 --timeout 4
[ "$rc" = 0 ] || fail "slow: status $rc on a healthy slow link"
grep -q watchdog "$OUT/slow.err" && fail "slow: the watchdog fired"
"$CHECK" "$OUT/slow.json" --run bw:mpi --points 1 --ranks 3 || fail "slow: results"
iters=$(grep -o '"iterations": *[0-9]*' "$OUT/slow.json" | grep -o '[0-9]*$' | head -1)
[ "${iters:-0}" -ge 1 ] && [ "${iters:-99}" -le 2 ] || fail "slow: $iters timed iterations (budget 1 s)"

run hang hang:rank=1:bytes=1048576 -t mpi -b bw --sizes 1M -w 16 --time-per-size 1 --timeout 4
[ "$rc" != 0 ] || fail "hang: status 0"
grep -q "watchdog: rank 0 made no progress for [0-9]* s in bw over mpi/mpi at 1048576 bytes: rank 1 did not answer" "$OUT/hang.err" ||
    fail "hang: rank 0 did not name rank 1"
grep -q "watchdog: rank 2" "$OUT/hang.err" && fail "hang: idle rank 2 was taken for hung"

[ "$fails" = 0 ] && echo "all watchdog cluster cases passed"
exit $((fails > 0))
