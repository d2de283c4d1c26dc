#!/usr/bin/env bash
# nics-emulator-test.sh - emulate-cluster --nics K gives every host K
# separately shaped NICs (issue 18), with ground truth independent of fabscale.
#
#   nics-emulator-test.sh EMULATE_CLUSTER NIC_STREAM_PY
#
# 2 hosts x 2 NICs at FSC_TEST_RATE (default 100mbit): the NICs are named
# fsc0, fsc1 in every host, each in its own rail prefix; the mpirun prefix
# hands both to libfabric's tcp provider; plain TCP streams on both rails at
# once (nic_stream.py) load each NIC, and tc's byte counters, sampled while
# the streams run, show each NIC at its own rate within FSC_TEST_NIC_TOL
# (default 5 %), so the host's aggregate is two NICs' worth; `shape --degrade
# 1:fsc1=50%` halves that one NIC in both directions and leaves the others at
# the full rate.  Exit 77 (ctest: skipped) where namespaces cannot be made.
set -uo pipefail

EC=$1
STREAM=$2
NAME=${FSC_TEST_NAME:-n$(printf '%s' "$PWD" | md5sum | cut -c1-5)}
RATE=${FSC_TEST_RATE:-100mbit}
TOL=${FSC_TEST_NIC_TOL:-0.05}
# Jumbo frames, as EFA's (8 KiB MTU): three 100 Mbit/s streams of 1500-byte
# packets through veth, tbf and two bridges cost the loaded 2-core machine
# more softirq time than it had (85-95 % of the rate at load 12-15);
# 9000-byte packets cost a sixth of that.
MTU=${FSC_TEST_MTU:-9000}
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}
# The system's python3 first: a version manager's shim takes seconds to
# start on a loaded machine.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || {
    echo "SKIP: python3 not found (the load generator)"
    exit 77
}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
leftovers() { { ip netns list | awk '{print $1}' | grep -E "^$NAME-h"; ip -o link show | grep -oE "$NAME-(v[0-9]+(n[0-9]+)?|br[0-9]+)\\b"; ls -d "$FSC_STATE_ROOT/$NAME" 2>/dev/null; } | tr '\n' ' '; }
expect_err() {
    local want=$1 pattern=$2
    shift 2
    local err rc
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -eq "$want" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == *"$pattern"* ]]; then
        ok "exit $want: $*"
    else
        bad "expected exit $want and one line with '$pattern' from: $* (got exit $rc: $err)"
    fi
}

if ! why=$("$EC" check); then
    echo "SKIP: $why"
    exit 77
fi
trap 'ec down >/dev/null 2>&1' EXIT
ec down >/dev/null 2>&1

# --- bad input -------------------------------------------------------------
expect_err 2 "--nics must be 1..8" ec up --hosts 2 --nics 0
expect_err 2 "--nics must be 1..8" ec up --hosts 2 --nics 9
expect_err 2 "--hosts must be 2..61 with --nics 4" ec up --hosts 62 --nics 4
expect_err 2 "no NIC 'fsc2'" ec up --hosts 2 --nics 2 --degrade 1:fsc2=10mbit
expect_err 2 "no host '3'" ec up --hosts 2 --nics 2 --degrade 3:fsc1=10mbit
expect_err 2 "--degrade: rate must be" ec up --hosts 2 --nics 2 --degrade 1:fsc1=0.1%
[ -z "$(leftovers)" ] && ok "bad input left nothing behind" || bad "bad input left: $(leftovers)"

# --- 2 hosts x 2 NICs -------------------------------------------------------
prefix=$(ec up --hosts 2 --nics 2 --rate "$RATE" --mtu "$MTU" 2>/dev/null)
rc=$?
[ $rc -eq 0 ] || {
    bad "up --hosts 2 --nics 2: exit $rc"
    exit 1
}
# shellcheck disable=SC1090,SC1091
. "$FSC_STATE_ROOT/$NAME/env"
[ "$FSC_NICS" = 2 ] && [ "$FSC_IFACES" = "fsc0 fsc1" ] && ok "env: FSC_NICS=2, FSC_IFACES='fsc0 fsc1'" ||
    bad "env: FSC_NICS=$FSC_NICS FSC_IFACES=$FSC_IFACES"
[[ $prefix == *"FI_TCP_IFACE=fsc0,fsc1 "* ]] && ok "prefix gives libfabric both NICs" || bad "prefix: $prefix"
read -r rail0 rail1 <<<"$FSC_NIC_SUBNETS"
base=${FSC_SUBNET%.0/24}
[ "$rail0" = "$base.0/25" ] && [ "$rail1" = "$base.128/25" ] && ok "rails split the /24: $FSC_NIC_SUBNETS" ||
    bad "rails: $FSC_NIC_SUBNETS"
# Each host's NIC k holds base + k*128 + host + 1 in its own prefix.
for h in 0 1; do
    for k in 0 1; do
        want="$base.$((k * 128 + h + 1))/25"
        got=$(ip -n "$NAME-h$h" -4 -o addr show dev "fsc$k" 2>/dev/null | awk '{print $4}')
        [ "$got" = "$want" ] && ok "host $h fsc$k: $got" || bad "host $h fsc$k: '$got', want $want"
    done
done
hosts=$(ec run -- --map-by node hostname 2>/dev/null | sort | tr '\n' ' ')
[ "$hosts" = "$NAME-h0 $NAME-h1 " ] && ok "mpirun reaches both hosts over rail 0" || bad "run hostname gave '$hosts'"
# libfabric's tcp provider, as the prefix sets it, offers one domain per NIC.
doms=$(ip netns exec "$NAME-h0" env FI_TCP_IFACE=fsc0,fsc1 fi_info -p tcp -t FI_EP_RDM 2>/dev/null |
    awk '/domain:/{print $2}' | grep fsc | sort -u | tr '\n' ' ')
if command -v fi_info >/dev/null; then
    [ "$doms" = "fsc0 fsc1 " ] && ok "fi_info -p tcp: domains $doms" || bad "fi_info domains: '$doms'"
fi

# Egress bytes tc counted on a device: "" for the switch's side, else a host.
sent() { # NS DEV
    if [ -n "$1" ]; then tc -n "$1" -s qdisc show dev "$2"; else tc -s qdisc show dev "$2"; fi |
        awk '/Sent/{print $2; exit}'
}
# Streams from host FROM to host TO on both rails at once; tc's counters of
# each rail's sending NIC (host side) and of the switch port towards TO must
# show that rail's rate: WANT[k] bits/s.  One direction at a time: a
# degraded NIC's deep queue (8 MiB, 1.3 s at 50 Mbit/s) would hold the ACKs
# of a stream the other way and starve it by its window (a real effect of
# bufferbloat, not of the shaping under test).
declare -A WANT
measure() { # LABEL FROM TO
    local label=$1 from=$2 to=$3 port=$((20000 + RANDOM % 20000)) secs=30 pids=() d k
    local devs=()
    for k in 0 1; do
        devs+=("$NAME-h$from:fsc$k" ":$(if [ $k = 0 ]; then echo "$NAME-v$to"; else echo "$NAME-v${to}n$k"; fi)")
        ip netns exec "$NAME-h$to" "$PY" "$STREAM" serve "$base.$((k * 128 + to + 1))" $((port + k)) "$secs" &
        pids+=($!)
    done
    sleep 0.5
    for k in 0 1; do
        ip netns exec "$NAME-h$from" "$PY" "$STREAM" send "$base.$((k * 128 + to + 1))" $((port + k)) "$secs" >/dev/null &
        pids+=($!)
    done
    # Sample once every stream runs (each device has sent 1 MB) and TCP is
    # past its start; the senders stop when sampled (secs is a bound only).
    declare -A b0 b1 start t0 t1
    local waited=0 moving
    for d in "${devs[@]}"; do start[$d]=$(sent "${d%%:*}" "${d#*:}"); done
    while :; do
        moving=0
        for d in "${devs[@]}"; do
            [ $(($(sent "${d%%:*}" "${d#*:}") - start[$d])) -lt 1000000 ] || moving=$((moving + 1))
        done
        [ "$moving" -lt ${#devs[@]} ] || break
        [ "$waited" -lt 100 ] || break
        sleep 0.2
        waited=$((waited + 1))
    done
    sleep 1
    # Each counter has its own clock: the middle of its read (forking tc
    # takes tens of ms on a loaded machine, which would skew a shared one).
    stamp() { # ARRAY-OF-BYTES ARRAY-OF-TIMES DEVICE
        # shellcheck disable=SC2034
        local -n bytes=$1 times=$2
        local a=$EPOCHREALTIME
        # shellcheck disable=SC2034
        bytes[$3]=$(sent "${3%%:*}" "${3#*:}")
        # shellcheck disable=SC2034
        times[$3]=$(awk -v a="$a" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f", (a + b) / 2 }')
    }
    for d in "${devs[@]}"; do stamp b0 t0 "$d"; done
    sleep 5
    for d in "${devs[@]}"; do stamp b1 t1 "$d"; done
    kill "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
    local agg=0
    for d in "${devs[@]}"; do
        local bps want
        bps=$(awk -v a="${b0[$d]}" -v b="${b1[$d]}" -v t0="${t0[$d]}" -v t1="${t1[$d]}" 'BEGIN { printf "%.0f", (b - a) * 8 / (t1 - t0) }')
        k=0
        [[ $d == *fsc1 || $d == *n1 ]] && k=1
        want=${WANT[$k]}
        if awk -v g="$bps" -v w="$want" -v t="$TOL" 'BEGIN { exit !(g >= w * (1 - t) && g <= w * (1 + t)) }'; then
            ok "$label, host $from -> $to: ${d#:} carries $((bps / 1000)) kbit/s (tc counters), shaped $((want / 1000)) kbit/s +-$TOL"
        else
            bad "$label, host $from -> $to: ${d#:} carries $((bps / 1000)) kbit/s (tc counters), want $((want / 1000)) kbit/s +-$TOL"
        fi
        [[ $d == "$NAME-h$from:"* ]] && agg=$((agg + bps))
    done
    echo "     $label: host $from sends $((agg / 1000)) kbit/s over its 2 NICs ($(awk -v a="$agg" -v r="$FSC_RATE_BPS" 'BEGIN { printf "%.2f", a / r }')x one NIC's rate)"
}

WANT[0]=$FSC_RATE_BPS WANT[1]=$FSC_RATE_BPS
measure "2 NICs at $RATE" 0 1
measure "2 NICs at $RATE" 1 0

# One NIC of one host at half rate: only its own cable, both directions.
if ec shape --degrade 1:fsc1=50% >/dev/null 2>&1; then
    ok "shape --degrade 1:fsc1=50%"
    # shellcheck disable=SC1090,SC1091
    . "$FSC_STATE_ROOT/$NAME/env"
    [ "$FSC_DEGRADE" = "1:1=$((FSC_RATE_BPS / 2))" ] && ok "recorded: FSC_DEGRADE=$FSC_DEGRADE" || bad "FSC_DEGRADE=$FSC_DEGRADE"
    WANT[1]=$((FSC_RATE_BPS / 2))
    measure "host 1 fsc1 at 50%" 0 1 # into host 1's fsc1 (its sender is held to what that takes)
    measure "host 1 fsc1 at 50%" 1 0 # out of host 1's fsc1
else
    bad "shape --degrade 1:fsc1=50% failed"
fi
st=$(ec status)
[ "$(grep -cE "^$NAME-h[01] +fsc[01] " <<<"$st")" = 4 ] && ok "status lists every NIC" || bad "status: $st"

ec down >/dev/null 2>&1
[ -z "$(leftovers)" ] && ok "down removes every rail" || bad "down left: $(leftovers)"
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
