#!/usr/bin/env bash
# a2a-predict-test.sh - fabscale's all-to-all model against emulated hosts.
#
#   a2a-predict-test.sh EMULATE_CLUSTER FABSCALE_BENCH FABSCALE OUTDIR
#
# Issue 16's goal: the all-to-all predicted from 2 hosts within PREDICT_TOL
# (15%) of the one measured on 4, 5 and 6 hosts joined by links shaped to
# RATE (scripts/emulate-cluster: one veth per host, tbf in both directions).
#
# First principles.  In a pairwise (or linear) all-to-all every host sends
# (p-1)/p of its n-byte buffer, n/p to each other host, and receives as much;
# its send and its receive direction are each one shaped link, and the
# switch (a bridge) carries p of them at once without contention.  So the
# time is (p-1)/p n / B: the p-1 blocks leave one after the other or
# interleaved, through the same link, at B = RATE x framing (bytes of TCP
# payload per byte tbf counts).  The model's pairwise exchange charges
# (p-1) steps of T(n/p) = alpha + n/p / B on the link fitted from the 2-host
# point-to-point runs: the same bandwidth term, plus (p-1) alpha, calibrated
# by a measured 2-host all-to-all (both directions of the link busy at once,
# the reverse direction's TCP acknowledgements, an overhead per message).
#
# The measurement: Open MPI's MPI_Alltoall over ob1/tcp (the "native"
# algorithm, calibrating the model's auto/pairwise terms), one rank per
# host, blocks (n/p, the message size) of 64 KiB and 96 KiB at every host
# count.  ob1/tcp sends them eagerly (btl_tcp_eager_limit raised to 1 MiB,
# for the point-to-point fit as for the all-to-alls): by default it sends
# blocks from 64 KiB by rendezvous, whose acknowledgement leaves through
# the same TCP connection and shaped queue as the receiver's own bulk data;
# in an exchange it waits behind it and the two directions serialise (seen:
# a 2-host MPI_Alltoall of 128-256 KiB blocks at 3.1x the link time, 1.1x
# with the eager limit raised).  That is the handshake meeting TCP's one
# stream per peer and the emulated link's deep FIFO queue, which no
# point-to-point run shows.
#
# What the model leaves out: on p hosts every link direction carries p - 1
# TCP flows at once (one per peer), and TCP shares a link among them
# imperfectly: the hosts' congestion control (BBR here) paces each flow at
# the rate it measured while sharing, so when some flows finish early the
# others are slow to take up the freed capacity.  The loss grows with the
# block: measured / link time 1.06-1.12 on 2 hosts (one flow per
# direction), 1.13-1.20 on 4-6 hosts at 64 KiB blocks, 1.26-1.41 at 256 KiB
# blocks (load 13-17; tcp_slow_start_after_idle=0 changed nothing).  A
# fabric's link does not do that, so the model does not either, and the
# test stays at blocks where the emulated hosts' TCP still carries the link
# rate: the model's error there is -5% to -10%.  Smaller blocks make the
# per-message CPU work (which grows with the host count on this machine's 2
# cores, unlike a real cluster's) a larger share of the time.
#
# Rate: 20 Mbit/s, where 6 hosts' twelve busy link directions still leave
# the 2 cores time for the packets (at 100 Mbit/s 6 hosts are CPU-bound).  tc must count no drop on any link.  Exit 77
# (skipped) without namespaces.
set -uo pipefail

EC=$1
BENCH=$2
FABSCALE=$3
OUT=$4
NAME=${FSC_TEST_NAME:-a$(printf '%s' "$OUT" | md5sum | cut -c1-5)}
RATE=${FSC_TEST_RATE:-20mbit}
PREDICT_TOL=${FSC_TEST_PREDICT_TOL:-0.15}
HOSTS=${FSC_TEST_HOSTS:-4 5 6}
BLOCKS=(65536 98304) # bytes per peer, sent eagerly
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}
# shellcheck disable=SC2054 # (commas are Open MPI list syntax)
MCA=(--mca pml ob1 --mca btl tcp,self --mca btl_tcp_eager_limit 1048576
     --mca btl_tcp_max_send_size 1048576)

fails=0
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
# bench BENCH-OPTIONS...: one rank per host, at nice -19 so that the ranks
# take the CPU ahead of other work on the machine, as on cores of their own
# (the packets' kernel work runs in softirq context, unaffected); see
# fit-predict-test.sh.
bench() { ec run -- "${MCA[@]}" nice -n -19 "$BENCH" --bind none --quiet -t mpi "$@"; }
# sizes P: the send buffers (block x P) of the blocks, comma-separated.
sizes() {
    local b s=
    for b in "${BLOCKS[@]}"; do s+=${s:+,}$((b * $1)); done
    echo "$s"
}
up() { # HOSTS
    ec down >/dev/null 2>&1
    ec up --hosts "$1" --rate "$RATE" >/dev/null 2>"$OUT/up.err" || {
        cat "$OUT/up.err"
        bad "up --hosts $1"
        exit 1
    }
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

# The machine is shared: when a check fails while it is overloaded (1-minute
# load above its core count), measure once more and judge that.  A wrong
# model fails both times.
overloaded() { awk -v n="$(nproc)" '{ exit !($1 > n) }' /proc/loadavg; }
attempt() { # NAME FUNCTION ARGS...: run FUNCTION (returns its failed checks)
    local name=$1 f
    shift
    "$@"
    f=$?
    if [ "$f" -gt 0 ] && overloaded; then
        echo "#    machine overloaded (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores): measuring $name again"
        "$@"
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
# Drops are the last column of `status`; the header is checked so that a new
# column cannot make this sum read another figure (bytes out was once read as
# drops after the nic column was added).
drops() {
    ec status | awk '$1 == "host" { ok = ($NF == "drops") }
                     ok && $1 ~ /-h[0-9]+$/ { s += $NF }
                     END { if (!ok) { print "status: no drops column" > "/dev/stderr"; exit 1 } print s + 0 }'
}

# ---- 2 hosts: the link and the calibrating all-to-all ------------------------
up 2
# shellcheck disable=SC1090,SC1091
. "$FSC_STATE_ROOT/$NAME/env"
echo "# $RATE links, framing $FSC_FRAMING: payload capacity $FSC_PAYLOAD_GBPS GB/s per direction"
P2P=$OUT/p2p-2hosts.json
A2A2=$OUT/a2a-2hosts.json
calibrate() {
    local nf=0
    # From 16 KiB: below it the emulated link (no latency of its own) times
    # this machine's scheduling, not the link.
    bench --bench latency,bw --sizes 16K:256K --window 2 --min-iters 3 --time-per-size 0.3 \
        -o "$P2P" --force >/dev/null
    check $? "2-host latency,bw sweep over ob1/tcp"
    bench --bench alltoall --algorithm native --sizes "$(sizes 2)" --min-iters 10 \
        --time-per-size 1 -o "$A2A2" --force >/dev/null
    check $? "2-host MPI_Alltoall"
    "$FABSCALE" predict --json "$P2P" "$A2A2" --collective alltoall --ranks 2 --sizes 64K \
        >"$OUT/calibration.json"
    check $? "fabscale predict (calibration)"
    jq -r '.calibration | "#    calibrated on 2 hosts: \(.points) points; \(.terms[] | select(.algorithm == "pairwise") | "pairwise \(.bw_efficiency * 1000 | round / 10)% of the link, \(.step_overhead_us | round) us per step")"' \
        "$OUT/calibration.json"
    [ "$(jq '.calibration.calibrated and .calibration.points >= 2' "$OUT/calibration.json")" = true ]
    check $? "the 2-host MPI_Alltoall calibrates the model (>= 2 points)"
    return "$nf"
}
attempt "the 2-host link" calibrate

# ---- 4, 5, 6 hosts: prediction against measurement --------------------------
predict_check() { # HOSTS
    local p=$1 nf=0 n=0 rc d0 d1 f=$OUT/a2a-${1}hosts.json bytes measured model line
    d0=$(drops)
    bench --bench alltoall --algorithm native --sizes "$(sizes "$p")" --min-iters 5 \
        --time-per-size 1 -o "$f" --force >/dev/null
    check $? "$p-host MPI_Alltoall"
    d1=$(drops)
    [ "$d1" = "$d0" ]
    check $? "tc: $((d1 - d0)) packets dropped on the $p hosts' links during the measurement (want 0)"
    "$FABSCALE" predict --json "$P2P" "$A2A2" --collective alltoall --algorithm pairwise \
        --ranks "$p" --sizes "$(sizes "$p")" >"$OUT/predict-${p}hosts.json"
    check $? "fabscale predict --ranks $p"
    while IFS=' ' read -r bytes measured model; do
        n=$((n + 1))
        line=$(awk -v p="$p" -v b="$bytes" -v m="$measured" -v x="$model" -v B="$FSC_PAYLOAD_GBPS" \
            'BEGIN { l = (p - 1) / p * b / (B * 1e3);
                     printf "%d hosts all-to-all %4.0f KiB (%2.0f KiB per peer): measured %.0f us, predicted %.0f us, error %+.1f%% (link alone %.0f us, measured/link %.2f)", p, b / 1024, b / p / 1024, m, x, 100 * (x - m) / m, l, m / l }')
        awk -v m="$measured" -v x="$model" -v t="$PREDICT_TOL" 'BEGIN { e = (x - m) / m; exit !(e <= t && e >= -t) }'
        rc=$?
        [ "$rc" = 0 ] || missed+=($((bytes / p)))
        check "$rc" "$line (limit $PREDICT_TOL)"
    done < <(jq -r --slurpfile meas "$f" '
              .predictions[] | select(.collective == "alltoall") | . as $p
              | ($meas[0].runs[] | select(.benchmark == "alltoall") | .points[]
                 | select(.bytes == $p.bytes) | .time_us.p50) as $m
              | "\(.bytes) \($m) \(.time_us)"' "$OUT/predict-${p}hosts.json")
    [ "$n" -eq "${#BLOCKS[@]}" ]
    check $? "predict compared $n measured sizes on $p hosts (want ${#BLOCKS[@]})"
    return "$nf"
}
# Per host count; when the machine is overloaded, the sizes that missed are
# measured again (and only they: a size that held needs no second chance).
ALL_BLOCKS=("${BLOCKS[@]}")
for p in $HOSTS; do
    up "$p"
    BLOCKS=("${ALL_BLOCKS[@]}")
    missed=()
    predict_check "$p"
    f=$?
    if [ "$f" -gt 0 ] && overloaded && [ "${#missed[@]}" -gt 0 ]; then
        echo "#    machine overloaded (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores): measuring the $p-host all-to-all again at ${missed[*]} B per peer"
        BLOCKS=("${missed[@]}")
        missed=()
        predict_check "$p"
        f=$?
    fi
    fails=$((fails + f))
done

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
