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
#  2. 2 hosts: a 2-rank ring all-reduce, 64 KiB..2 MiB, calibrates the
#     model (calibrate.h): what the point-to-point fit cannot see - both
#     directions of the link busy at once, chunk hand-offs, an overhead per
#     step.  From 64 KiB: the 6-host 256 KiB all-reduce moves blocks of one
#     chunk (43.7 KiB), whose steps cannot overlap; 64 and 128 KiB make such
#     steps on 2 hosts, larger sizes pipelined ones (64 KiB chunks, up to 16
#     per block).  Up to 2 MiB the chunks go eagerly; a 4 MiB vector makes
#     128 KiB chunks, which ofi_rxm sends
#     by rendezvous, whose control message queues behind the peer's bulk
#     data (REFERENCE.md: the 2-host all-reduce halves its busbw at 4 MiB):
#     a transport effect, not the link's, left out of the calibration.
#  3. 6 hosts: ring all-reduce at 256 KiB, 1 MiB, 4 MiB (blocks <= 699 KiB:
#     eager).  tc must count no drop on any link (else the measurement holds
#     TCP retransmission timeouts, not the network) and `fabscale predict`,
#     from the 2-host files only, must give every size within PREDICT_TOL
#     (10%).  The errors of the point-to-point fit alone are printed beside.
# 6 hosts share this machine's 2 cores: at 100 Mbit/s they are CPU-bound, at
# 40 Mbit/s link-bound (REFERENCE.md), and a loaded machine (other builds)
# adds ~2 ms to every ring step, 17% of a 256 KiB all-reduce at 40 Mbit/s;
# at 20 Mbit/s the steps are twice as long.  Exit 77 (skipped) without
# namespaces.
set -uo pipefail

EC=$1
BENCH=$2
FABSCALE=$3
OUT=$4
# A cluster name per output directory: two builds' tests may run at once.
NAME=${FSC_TEST_NAME:-f$(printf '%s' "$OUT" | md5sum | cut -c1-5)}
RATE=${FSC_TEST_RATE:-20mbit}
FIT_TOL=${FSC_TEST_FIT_TOL:-0.07}
PREDICT_TOL=${FSC_TEST_PREDICT_TOL:-0.10}
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
# bench [MPIRUN-OPTIONS...] -- BENCH-OPTIONS...
# On a cluster every rank owns its cores; here 6 hosts' ranks share 2 cores
# with whatever else runs (CI builds).  The ranks run at nice -19 so that
# they take the CPU ahead of that work, as on cores of their own (the
# packets' kernel work runs in softirq context, unaffected).  Seen at load
# 11-16: a 6-host 256 KiB ring all-reduce at 40 Mbit/s took 137 ms at nice 0,
# 120 ms at -10 (the link alone: 91 ms); a 2-host 64 KiB one at 20 Mbit/s
# 62 ms (+-46%) at -10, 31 ms (+-7%) at -19 (the link: 29 ms).
bench() {
    local mpi=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do mpi+=("$1") && shift; done
    shift
    ec run -- "${mpi[@]}" nice -n -19 "$BENCH" --bind none --quiet "$@"
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
#    and say nothing about the link.  Up to 1 MiB (the largest ring block
#    predicted below is 699 KiB), bw windows of 2 keep the sizes quick;
#    every size runs at least 3 timed iterations.
P2P=$OUT/p2p-2hosts.json
fit_check() {
    local nf=0 got err
    bench -- -t ofi -p "tcp;ofi_rxm" --bench latency,bw --sizes 16K:1M --window 2 \
        --min-iters 3 --time-per-size 0.3 -o "$P2P" --force >/dev/null || check 1 "2-host latency,bw sweep"
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

# 2. The calibrating collective: a 2-rank ring all-reduce on the same link.
AR2=$OUT/ring-2hosts.json
ar2_check() {
    local nf=0
    bench -- -t ofi -p "tcp;ofi_rxm" --bench allreduce --algorithm ring --sizes 64K:2M \
        --min-iters 3 --time-per-size 0.5 -o "$AR2" --force >/dev/null ||
        check 1 "2-host ring all-reduce"
    if "$FABSCALE" predict --json "$P2P" "$AR2" --ranks 2 --sizes 1M >"$OUT/calibration.json"; then
        jq -r '.calibration | "#    calibrated on 2 hosts: \(.points) points; error out of sample median \(.out_of_sample.median * 1000 | round / 10)% (\(.out_of_sample.kind)), in sample \(.in_sample.median * 1000 | round / 10)%, point-to-point only \(.uncalibrated.median * 1000 | round / 10)%; ring \(.terms[] | select(.algorithm == "ring") | "\(.bw_efficiency * 1000 | round / 10)% of the link, \(.step_overhead_us | round) us per step, band \(.rel_lo * 100 | round / 100)-\(.rel_hi * 100 | round / 100)")"' \
            "$OUT/calibration.json"
        [ "$(jq '.calibration.calibrated and .calibration.points >= 4' "$OUT/calibration.json")" = true ]
        check $? "the 2-rank all-reduce calibrates the model (>= 4 points)"
    else
        check 1 "fabscale predict (calibration)"
    fi
    return "$nf"
}
attempt "the 2-host all-reduce" ar2_check

# ---- 6 hosts ----------------------------------------------------------------
ec down >/dev/null
ec up --hosts 6 --rate "$RATE" >/dev/null 2>"$OUT/up.err" || {
    cat "$OUT/up.err"
    bad "up --hosts 6"
    exit 1
}
RING=$OUT/ring-6hosts.json
SIZES=256K,1M,4M
# The sum of the drop counters of every shaped link.
# Drops are the last column of `status`; the header is checked so that a new
# column cannot make this sum read another figure (bytes out was once read as
# drops after the nic column was added).
drops() {
    ec status | awk '$1 == "host" { ok = ($NF == "drops") }
                     ok && $1 ~ /-h[0-9]+$/ { s += $NF }
                     END { if (!ok) { print "status: no drops column" > "/dev/stderr"; exit 1 } print s + 0 }'
}
# 3. Prediction from the 2-host files against the 6-host measurement.
predict_check() {
    local nf=0 n=0 d0 d1 bytes measured model lo hi base line
    d0=$(drops)
    bench -- -t ofi -p "tcp;ofi_rxm" --bench allreduce --algorithm ring --sizes "$SIZES" \
        --min-iters 3 --time-per-size 0.5 -o "$RING" --force >/dev/null ||
        check 1 "6-host ring all-reduce"
    d1=$(drops)
    [ "$d1" = "$d0" ]
    check $? "tc: $((d1 - d0)) packets dropped on the 6 hosts' links during the measurement (want 0)"
    if "$FABSCALE" predict --json "$P2P" "$AR2" --ranks 6 --algorithm ring --sizes "$SIZES" \
        >"$OUT/predict.json" &&
        "$FABSCALE" predict --json "$P2P" --ranks 6 --algorithm ring --sizes "$SIZES" \
            >"$OUT/predict-p2p.json"; then
        while IFS=' ' read -r bytes measured model lo hi base; do
            n=$((n + 1))
            line=$(awk -v b="$bytes" -v m="$measured" -v p="$model" -v l="$lo" -v h="$hi" -v u="$base" \
                'BEGIN { printf "6 hosts ring %4.0f KiB: measured %.0f us, predicted %.0f us (%.0f-%.0f), error %+.1f%% (point-to-point only %+.1f%%)", b / 1024, m, p, l, h, 100 * (p - m) / m, 100 * (u - m) / m }')
            awk -v m="$measured" -v p="$model" -v t="$PREDICT_TOL" 'BEGIN { e = (p - m) / m; exit !(e <= t && e >= -t) }'
            check $? "$line (limit $PREDICT_TOL)"
        done < <(jq -r --slurpfile base "$OUT/predict-p2p.json" --slurpfile ring "$RING" '
                  .predictions[] | . as $p
                  | ($ring[0].runs[] | select(.benchmark == "allreduce") | .points[]
                     | select(.bytes == $p.bytes) | .time_us.p50) as $m
                  | ($base[0].predictions[] | select(.bytes == $p.bytes) | .time_us) as $u
                  | "\(.bytes) \($m) \(.time_us) \(.lo.time_us) \(.hi.time_us) \($u)"' "$OUT/predict.json")
        [ "$n" -eq 3 ]
        check $? "predict compared $n measured sizes (want 3)"
    else
        check 1 "fabscale predict"
    fi
    return "$nf"
}
attempt "the 6-host ring" predict_check

# The performance figure: busbw at 4 MiB against the configured rate.
busbw=$(jq '[.runs[] | select(.benchmark == "allreduce") | .points[] | select(.bytes == 4194304) | .busbw_GBps][0]' "$RING")
echo "# 6-host ring all-reduce at 4 MiB: busbw $busbw GB/s = $(awk -v b="$busbw" -v r="$FSC_RATE_BPS" \
    'BEGIN { printf "%.1f", 100 * b * 1e9 * 8 / r }')% of the configured $RATE"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
