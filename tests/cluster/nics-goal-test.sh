#!/usr/bin/env bash
# nics-goal-test.sh - issue 18's goal on 2 emulated hosts x 2 NICs.
#
#   nics-goal-test.sh EMULATE_CLUSTER FABSCALE_BENCH FABSCALE WORKDIR
#
# At FSC_TEST_RATE (default 100mbit) per NIC, with fabscale-bench's ofi
# transport over tcp;ofi_rxm from host 0 to host 1 at 4 MiB:
#  1. --nics all moves at least 1.8x what --nics fsc0 moves (aggregate);
#  2. each NIC's payload as fabscale-bench records it (attributes.rails
#     tx_bytes) matches what tc counted on that NIC of the sending host,
#     divided by the framing of a full TCP segment, within 5 %; the proof of
#     path (path_proof) finds both NICs carried the run;
#     and the rate bytes streamed in on each NIC of host 1 (rx_GBps) is the
#     link's payload capacity within 5 %;
#  3. with host 1's fsc1 at 50 % (emulate-cluster shape --degrade 1:fsc1=50%),
#     the aggregate falls to half the healthy one, as even striping over a
#     NIC at half rate implies (the slow NIC sets the pace of both), and
#     the per-NIC record shows it: fsc1's rate 0.45-0.55x fsc0's, fsc0's
#     still the capacity within 5 %, and fabscale screen names h1:fsc1.
# Exit 77 (skipped) without namespaces or when fabscale-bench has no --nics.
set -uo pipefail

EC=$1
BENCH=$2
FS=$3
WORK=$4
NAME=${FSC_TEST_NAME:-g$(printf '%s' "$PWD" | md5sum | cut -c1-5)}
RATE=${FSC_TEST_RATE:-100mbit}
MTU=${FSC_TEST_MTU:-9000} # as nics-emulator-test.sh: EFA-like, a sixth of the packets
SIZE=4194304
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }

if ! why=$("$EC" check); then
    echo "SKIP: $why"
    exit 77
fi
if [[ $("$BENCH" --help 2>/dev/null) != *--nics* ]]; then
    echo "SKIP: $BENCH has no --nics option (the multi-NIC transport of issue 18)"
    exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'ec down >/dev/null 2>&1' EXIT
ec down >/dev/null 2>&1
ec up --hosts 2 --nics 2 --rate "$RATE" --mtu "$MTU" >/dev/null 2>"$WORK/up.err" || {
    cat "$WORK/up.err"
    bad "up --hosts 2 --nics 2"
    exit 1
}
# shellcheck disable=SC1090,SC1091
. "$FSC_STATE_ROOT/$NAME/env"

tx() { tc -n "$NAME-h0" -s qdisc show dev "$1" | awk '/Sent/{print $2; exit}'; }
# bw from host 0 to host 1 over NICS; prints the 4 MiB bandwidth (GB/s) and
# leaves the results in $WORK/$2.json and tc's deltas in $WORK/$2.tc.
bw() { # NICS LABEL [SIZES]
    local a0 a1 b0 b1
    a0=$(tx fsc0) a1=$(tx fsc1)
    ec run -- --map-by node "$BENCH" -t ofi --provider "tcp;ofi_rxm" --nics "$1" -b bw \
        -s "${3:-$SIZE}" --time-per-size 6 -o "$WORK/$2.json" --force >"$WORK/$2.out" 2>&1 || {
        tail -5 "$WORK/$2.out"
        return 1
    }
    b0=$(tx fsc0) b1=$(tx fsc1)
    echo "$((b0 - a0)) $((b1 - a1))" >"$WORK/$2.tc"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["points"][-1]["bandwidth_GBps"])' "$WORK/$2.json"
}

one=$(bw fsc0 one) || bad "bw --nics fsc0 failed"
two=$(bw all two) || bad "bw --nics all failed"
if [ -n "$one" ] && [ -n "$two" ]; then
    ratio=$(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
    msg="aggregate over 2 NICs $(awk -v v="$two" 'BEGIN { printf "%.2f", v * 1e3 }') MB/s = ${ratio}x one NIC's $(awk -v v="$one" 'BEGIN { printf "%.2f", v * 1e3 }') MB/s"
    if awk -v r="$ratio" 'BEGIN { exit !(r >= 1.8) }'; then ok "$msg (>= 1.8x)"; else bad "$msg (want >= 1.8x)"; fi
fi

# The rate each NIC of the receiving host recorded at the largest size:
# RESULTS CAPACITY LO HI -> checks that every NIC's rate / capacity is
# within [LO, HI]; with a 4th argument NIC=LO2-HI2, that NIC's rate over the
# other's within [LO2, HI2] instead.
nic_rates() {
    python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cap, lo, hi = map(float, sys.argv[2:5])
slow = sys.argv[5] if len(sys.argv) > 5 else None
run = d["runs"][0]
host = run["nics"]["hosts"][1]
dom = {r["rail"]: r["domain"] for r in host["rails"]}
big = run["points"][-1]
h = [x for x in big["nics"]["hosts"] if x["host"] == host["host"]][0]
rate = {dom[r["rail"]]: r["rx_GBps"] for r in h["rails"]}
bad = 0
for nic, v in sorted(rate.items()):
    if slow and nic == slow.split("=")[0]:
        other = [w for n, w in rate.items() if n != nic][0]
        a, b = map(float, slow.split("=")[1].split("-"))
        r = v / other if v and other else float("nan")
        good = a <= r <= b
        print("%s - %s's %s inbound %.3f MB/s = %.3fx its other NIC's (want %.2f-%.2f)"
              % ("ok  " if good else "FAIL", host["host"], nic, (v or 0) * 1e3, r, a, b))
    else:
        r = v / cap if v else float("nan")
        good = lo <= r <= hi
        print("%s - %s's %s inbound %.3f MB/s = %.3fx the link's payload capacity %.3f MB/s (want %.2f-%.2f)"
              % ("ok  " if good else "FAIL", host["host"], nic, (v or 0) * 1e3, r, cap * 1e3, lo, hi))
    bad += not good
sys.exit(bad)
PY
}

# Per NIC: fabscale-bench's payload per rail vs tc's bytes on that NIC.
if [ -f "$WORK/two.json" ]; then
    nic_rates "$WORK/two.json" "$FSC_PAYLOAD_GBPS" 0.95 1.05
    fails=$((fails + $?))
    python3 - "$WORK/two.json" "$WORK/two.tc" "$FSC_FRAMING" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
tc = dict(zip(["fsc0", "fsc1"], map(int, open(sys.argv[2]).read().split())))
framing = float(sys.argv[3])
bad = 0
for r in run["attributes"]["rails"]:
    want = tc[r["domain"]] * framing
    err = r["tx_bytes"] / want - 1
    ok = abs(err) <= 0.05
    bad += not ok
    print("%s - NIC %s: fabscale-bench %d payload bytes, tc %d bytes x framing %.4f = %.0f (%+.2f%%)"
          % ("ok  " if ok else "FAIL", r["domain"], r["tx_bytes"], tc[r["domain"]], framing, want, 100 * err))
pp = run.get("path_proof") or {}
v = pp.get("verdict")
print("%s - path_proof verdict %s (%s)" % ("ok  " if v == "ok" else "FAIL", v, pp.get("message")))
bad += v != "ok"
sys.exit(bad)
PY
    fails=$((fails + $?))
fi

# One NIC of the receiving host at half rate.
if ec shape --degrade 1:fsc1=50% >/dev/null 2>&1; then
    # Three sizes: enough for fabscale fit's per-NIC links.
    half=$(bw all half 1048576,2097152,$SIZE) || bad "bw --nics all with fsc1 degraded failed"
    [ -n "$half" ] && echo "     degraded: aggregate $(awk -v v="$half" 'BEGIN { printf "%.2f", v * 1e3 }') MB/s"
    # The rails are striped evenly, so the transfer runs at the slow NIC's
    # pace on both: 2 x (rate / 2) = one full NIC, half the healthy
    # aggregate; each NIC's own rate tells them apart.
    if [ -n "$half" ] && [ -n "$two" ]; then
        hr=$(awk -v a="$half" -v b="$two" 'BEGIN { printf "%.3f", a / b }')
        if awk -v r="$hr" 'BEGIN { exit !(r >= 0.45 && r <= 0.55) }'; then
            ok "degraded aggregate ${hr}x the healthy one (even striping: 0.5 expected, 0.45-0.55)"
        else
            bad "degraded aggregate ${hr}x the healthy one (even striping: 0.5 expected, 0.45-0.55)"
        fi
    fi
    if [ -f "$WORK/half.json" ]; then
        nic_rates "$WORK/half.json" "$FSC_PAYLOAD_GBPS" 0.95 1.05 fsc1=0.45-0.55
        fails=$((fails + $?))
        out=$("$FS" screen "$WORK/half.json" 2>&1)
        if grep -q "^nic   $NAME-h1:fsc1 " <<<"$out"; then
            ok "fabscale screen names $NAME-h1:fsc1: $(grep "^nic   " <<<"$out" | head -1 | cut -c7-)"
        else
            bad "fabscale screen does not name $NAME-h1:fsc1:"
            sed 's/^/     /' <<<"$out"
        fi
        "$FS" fit "$WORK/half.json" 2>&1 | grep -E '^link' | sed 's/^/     /'
    fi
else
    bad "shape --degrade 1:fsc1=50% failed"
fi

ec down >/dev/null 2>&1
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
