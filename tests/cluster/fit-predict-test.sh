#!/usr/bin/env bash
# fit-predict-test.sh - fabscale's analysis against a network whose truth we know.
#
#   fit-predict-test.sh EMULATE_CLUSTER FABSCALE_BENCH FABSCALE OUTDIR
#
# On emulated hosts joined by links shaped to RATE (scripts/emulate-cluster):
#  0. fabscale-bench runs across two hosts over MPI ob1/tcp, MPI cm/ofi and
#     its own libfabric transport ("tcp;ofi_rxm"); the results name both hosts.
#  1. 2 hosts, libfabric "tcp;ofi_rxm": latency + bw sweep; `fabscale fit`
#     must recover the link's bandwidth within FIT_TOL (7%) of
#     RATE x framing.  Framing (MTU 1500): tbf counts every packet's bytes
#     from the Ethernet header on, 14 + 20 (IPv4) + 20 (TCP) + 12 (TCP
#     timestamps) + 1448 payload = 1514, so payload is 1448/1514 = 0.9564 of
#     the shaped rate (checked against tc's byte counters: 0.956405).
#  2. 4 hosts: ring all-reduce 1 MiB..8 MiB; `fabscale predict`, fitted on
#     the 2-host point-to-point data only, must give every measured size
#     >= 1 MiB within PREDICT_TOL (15%).
# Prints the 4-host ring busbw at 4 MiB against the configured rate (the
# performance figure of issue 7).  Exit 77 (skipped) without namespaces.
set -uo pipefail

EC=$1
BENCH=$2
FABSCALE=$3
OUT=$4
# A cluster name per output directory: two builds' tests may run at once.
NAME=${FSC_TEST_NAME:-f$(printf '%s' "$OUT" | md5sum | cut -c1-5)}
# 100 Mbit/s: ring steps long enough that other work on the machine's two
# cores moves the 4-host times by a few percent only.
RATE=${FSC_TEST_RATE:-100mbit}
FIT_TOL=${FSC_TEST_FIT_TOL:-0.07}
PREDICT_TOL=${FSC_TEST_PREDICT_TOL:-0.15}
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
# bench [MPIRUN-OPTIONS...] -- BENCH-OPTIONS...
bench() {
    local mpi=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do mpi+=("$1") && shift; done
    shift
    ec run -- "${mpi[@]}" "$BENCH" --bind none --quiet "$@"
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
ec down >/dev/null 2>&1

# ---- 2 hosts ----------------------------------------------------------------
ec up --hosts 2 --rate "$RATE" >/dev/null 2>"$OUT/up.err" || {
    cat "$OUT/up.err"
    bad "up --hosts 2"
    exit 1
}
# shellcheck disable=SC1090,SC1091
. "$FSC_STATE_ROOT/$NAME/env"
want_GBps=$(awk -v r="$FSC_RATE_BPS" -v f="$FSC_FRAMING" 'BEGIN { printf "%.6f", r / 8 * f / 1e9 }')
echo "# $RATE links, framing $FSC_FRAMING: payload capacity $want_GBps GB/s"

# 0. Every way of running fabscale-bench crosses the hosts.
for how in "mpi ob1/tcp|--mca pml ob1 --mca btl tcp,self,vader|-t mpi" \
    "mpi cm/ofi|--mca pml cm --mca mtl ofi --mca mtl_ofi_provider_include tcp;ofi_rxm|-t mpi" \
    "ofi tcp;ofi_rxm||-t ofi -p tcp;ofi_rxm"; do
    IFS='|' read -r label mca sel <<<"$how"
    f="$OUT/smoke-${label//[^a-z0-9]/_}.json"
    # shellcheck disable=SC2086
    if bench $mca -- $sel --bench latency --sizes 8,64K --time-per-size 0.1 -o "$f" >/dev/null 2>"$f.err" &&
        [ "$(jq -r '.meta.rank_host | unique | join(",")' "$f")" = "$NAME-h0,$NAME-h1" ] &&
        [ "$(jq '[.runs[0].points[] | select(.time_us.p50 > 0)] | length' "$f")" = 2 ]; then
        ok "fabscale-bench latency over $label between $NAME-h0 and $NAME-h1"
    else
        bad "fabscale-bench over $label: $(tail -3 "$f.err" 2>/dev/null)"
    fi
done

# One measurement and its checks.  The links are shaped, but the ranks and
# the kernel's packet work share this machine's cores with whatever else
# runs; when a check fails while the machine is overloaded (1-minute load
# above its core count), measure once more and judge that.  A wrong model
# fails both times.
overloaded() { awk -v n="$(nproc)" '{ exit !($1 > n) }' /proc/loadavg; }
attempt() { # NAME FUNCTION: run FUNCTION (returns the number of failed checks)
    local name=$1 fn=$2 f
    "$fn"
    f=$?
    if [ "$f" -gt 0 ] && overloaded; then
        echo "#    machine overloaded (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores): measuring $name again"
        "$fn"
        f=$?
    fi
    fails=$((fails + f))
}
check() { # OK-OR-NOT LINE: print, count a failure in $nf
    if [ "$1" = 0 ]; then echo "ok   - $2"; else
        echo "FAIL - $2"
        nf=$((nf + 1))
    fi
}

# 1. The link fit, from 16 KiB up: the emulated link has a rate but no
#    latency of its own, so below that the times are this machine's CPU
#    scheduling (on a busy 2-core VM a 64-byte p50 can be 30x the idle one)
#    and say nothing about the link.  bw windows of 8 keep the large sizes
#    quick; every size runs at least 5 timed iterations.
P2P=$OUT/p2p-2hosts.json
fit_check() {
    local nf=0 got err
    bench -- -t ofi -p "tcp;ofi_rxm" --bench latency,bw --sizes 16K:4M --window 8 \
        --min-iters 5 --time-per-size 0.3 -o "$P2P" --force >/dev/null || check 1 "2-host latency,bw sweep"
    if "$FABSCALE" fit --json "$P2P" >"$OUT/fit.json"; then
        "$FABSCALE" fit "$P2P" | sed 's/^/     /'
        got=$(jq '.links[0].segments[-1].bandwidth_GBps' "$OUT/fit.json")
        err=$(awk -v g="$got" -v w="$want_GBps" 'BEGIN { printf "%+.2f", 100 * (g - w) / w }')
        awk -v g="$got" -v w="$want_GBps" -v t="$FIT_TOL" 'BEGIN { d = (g - w) / w; exit !(d <= t && d >= -t) }'
        check $? "fit: bandwidth $got GB/s vs $want_GBps GB/s configured x framing: $err% (limit $FIT_TOL)"
    else
        check 1 "fabscale fit $P2P"
    fi
    return "$nf"
}
attempt "the 2-host link" fit_check

# ---- 4 hosts ----------------------------------------------------------------
ec down >/dev/null
ec up --hosts 4 --rate "$RATE" >/dev/null 2>"$OUT/up.err" || {
    cat "$OUT/up.err"
    bad "up --hosts 4"
    exit 1
}
RING=$OUT/ring-4hosts.json
# 2. Prediction from the 2-host fit against the 4-host measurement.
#    64 KiB ring chunks (the prefix's choice too, stated here because the
#    check depends on it): they go eagerly, so both directions of a link
#    stream at once.  Larger chunks use rendezvous, whose control message
#    can queue behind the peer's bulk data in the same TCP stream and
#    serialise the two directions of a step (1 MiB chunks: the 4-host ring
#    at 1 MiB reaches ~60% of the link instead of ~87%) - a transport
#    effect the link model rightly does not contain.
predict_check() {
    local nf=0 n=0 bytes measured model rel line
    bench -x FS_COLL_CHUNK=65536 -- -t ofi -p "tcp;ofi_rxm" --bench allreduce --algorithm ring \
        --sizes 1M:8M --min-iters 5 --time-per-size 0.5 -o "$RING" --force >/dev/null ||
        check 1 "4-host ring all-reduce"
    if "$FABSCALE" predict --json "$P2P" "$RING" --ranks 4 --algorithm ring --sizes 1M:8M \
        >"$OUT/predict.json"; then
        while IFS=' ' read -r bytes measured model rel; do
            n=$((n + 1))
            line=$(awk -v b="$bytes" -v m="$measured" -v p="$model" -v e="$rel" \
                'BEGIN { printf "4 hosts ring %4.0f KiB: measured %.0f us, predicted %.0f us, error %+.1f%%", b / 1024, m, p, 100 * e }')
            awk -v e="$rel" -v t="$PREDICT_TOL" 'BEGIN { exit !(e <= t && e >= -t) }'
            check $? "$line (limit $PREDICT_TOL)"
        done < <(jq -r '.measured_vs_model[] | select(.ranks == 4 and .bytes >= 1048576)
                        | "\(.bytes) \(.measured_us) \(.model_us) \(.rel_error)"' "$OUT/predict.json")
        [ "$n" -ge 3 ]
        check $? "predict compared $n measured sizes >= 1 MiB (want >= 3)"
    else
        check 1 "fabscale predict"
    fi
    return "$nf"
}
attempt "the 4-host ring" predict_check

# The performance figure: busbw at 4 MiB against the configured rate.
busbw=$(jq '[.runs[] | select(.benchmark == "allreduce") | .points[] | select(.bytes == 4194304) | .busbw_GBps][0]' "$RING")
echo "# 4-host ring all-reduce at 4 MiB: busbw $busbw GB/s = $(awk -v b="$busbw" -v r="$FSC_RATE_BPS" \
    'BEGIN { printf "%.1f", 100 * b * 1e9 * 8 / r }')% of the configured $RATE"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
