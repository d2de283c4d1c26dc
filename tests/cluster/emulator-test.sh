#!/usr/bin/env bash
# emulator-test.sh - scripts/emulate-cluster keeps its promises.
#
#   emulator-test.sh EMULATE_CLUSTER LINKBW
#
# Bad input gets one line and exit 2; up builds hosts that mpirun reaches
# (one daemon per namespace, each under its own hostname), with ob1/tcp and
# with cm/ofi over "tcp;ofi_rxm"; an identical up reuses, a different one
# refuses and leaves the cluster intact; a failure or a crash in the middle
# of up never leaves half a cluster behind; down is idempotent and quiet.
# The links carry what they were shaped to: a plain MPI stream between two
# hosts reaches rate x framing (payload share of TCP/IPv4 over Ethernet)
# within FSC_TEST_STREAM_TOL (default 5%).
# Exit 77 (ctest: skipped) where network namespaces cannot be made.
set -uo pipefail

EC=$1
LINKBW=$2
# A cluster name per build directory: two builds' tests may run at once.
NAME=${FSC_TEST_NAME:-e$(printf '%s' "$PWD" | md5sum | cut -c1-5)}
# 40 Mbit/s: link-bound even when the two cores are busy with other work
# (at 100 Mbit/s a cm/ofi stream fell 12 % short with two test suites
# running beside it: CPU-bound, not the link).
RATE=${FSC_TEST_RATE:-40mbit}
TOL=${FSC_TEST_STREAM_TOL:-0.05}
export FSC_STATE_ROOT=${FSC_STATE_ROOT:-/run/fabscale-cluster}

fails=0
ok() { echo "ok   - $*"; }
bad() {
    echo "FAIL - $*"
    fails=$((fails + 1))
}
ec() { "$EC" --name "$NAME" "$@"; }
leftovers() { { ip netns list | awk '{print $1}' | grep -E "^$NAME-h"; ip -o link show | grep -oE "$NAME-(v[0-9]+|br0)\\b"; ls -d "$FSC_STATE_ROOT/$NAME" 2>/dev/null; } | tr '\n' ' '; }

# Expect exit status $1 and exactly one line on stderr mentioning $2.
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
expect_err 2 "--hosts must be 2..64" ec up --hosts 1
expect_err 2 "--hosts N is required" ec up
expect_err 2 "--rate must be" ec up --hosts 2 --rate fast
expect_err 2 "--rate must be 1mbit..40gbit" ec up --hosts 2 --rate 50gbit
expect_err 2 "--subnet must be an IPv4 /24" ec up --hosts 2 --subnet 10.0.0.0/8
expect_err 2 "--ranks-per-host must be" ec up --hosts 2 --ranks-per-host 0
expect_err 2 "unknown option '--frobnicate'" ec up --hosts 2 --frobnicate
expect_err 2 "--name must be" "$EC" --name BAD up --hosts 2
expect_err 2 "unknown command" ec frobnicate
expect_err 2 "--degrade wants HOST=RATE" ec up --hosts 2 --degrade slow
expect_err 2 "no host '5'" ec up --hosts 2 --degrade 5=10mbit
expect_err 2 "--degrade: rate must be" ec up --hosts 2 --degrade 1=fast
expect_err 2 "a link joins two different hosts" ec up --hosts 2 --degrade 1-1=10mbit
expect_err 2 "--delay wants HOST=MS" ec up --hosts 2 --delay 1=soon
expect_err 1 "no cluster '$NAME' is up" ec shape --degrade 1=10mbit
expect_err 1 "no cluster '$NAME' is up" ec run -- hostname
# The machine's own routes are off limits.
own=$(ip -4 -o addr show scope global | awk '{print $4; exit}')
if [ -n "$own" ]; then
    IFS=. read -r a b c _ <<<"${own%/*}"
    expect_err 2 "which this machine already uses" ec up --hosts 2 --subnet "$a.$b.$c.0/24"
fi
if command -v setpriv >/dev/null; then
    expect_err 2 "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$EC" --name "$NAME" up --hosts 2
fi
if out=$(ec down 2>&1) && [ -z "$out" ]; then ok "down with nothing up: quiet, exit 0"; else bad "down with nothing up said '$out'"; fi
[ -z "$(leftovers)" ] && ok "bad input left nothing behind" || bad "bad input left: $(leftovers)"

# --- failures in the middle of up --------------------------------------------
FSC_FAULT=fail:2 ec up --hosts 4 --rate "$RATE" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && [ -z "$(leftovers)" ] && ok "failure at host 2 of 4: exit 1, rolled back" ||
    bad "failure at host 2: exit $rc, left: $(leftovers)"
FSC_FAULT=kill:2 ec up --hosts 4 --rate "$RATE" >/dev/null 2>&1
[ -n "$(leftovers)" ] && ok "crash at host 2 of 4 leaves leftovers (as a crash would)" || bad "crash left nothing?"
ec status >/dev/null 2>&1 && bad "status after a crash says healthy" || ok "status after a crash: exit 1"
ec down >/dev/null 2>&1
[ -z "$(leftovers)" ] && ok "down after a crash removes everything" || bad "down after crash left: $(leftovers)"
FSC_FAULT=kill:1 ec up --hosts 3 --rate "$RATE" >/dev/null 2>&1

# --- a working cluster --------------------------------------------------------
prefix=$(ec up --hosts 2 --rate "$RATE" 2>/dev/null)
rc=$?
[ $rc -eq 0 ] && [[ $prefix == *mpirun*--hostfile* ]] && ok "up after a crash clears leftovers; prints the prefix" ||
    bad "up: exit $rc, stdout '$prefix'"
# shellcheck disable=SC1090,SC1091
. "$FSC_STATE_ROOT/$NAME/env"
grep -qx "$(echo "$FSC_SUBNET" | sed 's/\.0\/24$//').1 slots=1" "$FSC_HOSTFILE" && ok "hostfile lists host addresses with slots" ||
    bad "hostfile: $(cat "$FSC_HOSTFILE")"
hosts=$(ec run -- --map-by node hostname 2>/dev/null | sort | tr '\n' ' ')
[ "$hosts" = "$NAME-h0 $NAME-h1 " ] && ok "run: one rank per host, own hostnames" || bad "run hostname gave '$hosts'"
[ "$(ec prefix)" = "$prefix" ] && ok "prefix prints what up printed" || bad "prefix differs"
ec status >/dev/null && ok "status: healthy" || bad "status says unhealthy"

ec up --hosts 2 --rate "$RATE" >/dev/null 2>&1 && ok "identical up: reused, exit 0" || bad "identical up failed"
expect_err 2 "already up with different settings" ec up --hosts 3 --rate "$RATE"
ec status >/dev/null && ok "refused up left the cluster intact" || bad "refused up damaged the cluster"

# The links: an MPI stream crosses hosts at the shaped rate minus framing.
expect=$(awk -v r="$FSC_RATE_BPS" -v f="$FSC_FRAMING" 'BEGIN { printf "%.3f", r / 8 * f / 1e6 }')
for pml in "ob1/tcp:--mca pml ob1 --mca btl tcp,self" \
    "cm/ofi tcp;ofi_rxm:--mca pml cm --mca mtl ofi --mca mtl_ofi_provider_include tcp;ofi_rxm"; do
    label=${pml%%:*}
    # shellcheck disable=SC2086
    out=$(ec run -- ${pml#*:} "$LINKBW" --mode stream --seconds 2 --expect-MBps "$expect" --tolerance "$TOL" 2>&1)
    rc=$?
    echo "$out" | grep -E '^(stream|PASS|FAIL)' | sed 's/^/     /'
    if [ $rc -eq 0 ] && echo "$out" | grep -q "stream $NAME-h0->$NAME-h1"; then
        ok "$label stream between hosts at $RATE x $FSC_FRAMING = $expect MB/s (+-$TOL)"
    else
        bad "$label stream (exit $rc)"
    fi
done

# Ground truth for the pairwise screen: one host's cable, then only the link
# between two hosts, at 40 % of the rate (shape on the running cluster).
# Messages at 40 % of linkbw's 4 MiB keep a round (16 of them, then an
# acknowledgement) as long as at the full rate, 14 s, so the per-round
# overhead weighs the same in both checks; 4 MiB ones took 35 s a round,
# 140 s of this test's 400 s limit for the warm-up and timed round of the two.
slow=$((FSC_RATE_BPS * 2 / 5000))kbit
slow_bytes=$((4194304 * 2 / 5))
slow_expect=$(awk -v r="$FSC_RATE_BPS" -v f="$FSC_FRAMING" 'BEGIN { printf "%.3f", r * 0.4 / 8 * f / 1e6 }')
for spec in "1=$slow" "$NAME-h0-$NAME-h1=$slow"; do
    if ! ec shape --reset --degrade "$spec" >/dev/null 2>&1; then
        bad "shape --degrade $spec failed"
        continue
    fi
    out=$(ec run -- --mca pml ob1 --mca btl tcp,self "$LINKBW" --mode stream --seconds 2 \
        --bytes "$slow_bytes" --expect-MBps "$slow_expect" --tolerance "$TOL" 2>&1)
    rc=$?
    echo "$out" | grep -E '^(stream|PASS|FAIL)' | sed 's/^/     /'
    [ $rc -eq 0 ] && ok "degraded $spec: stream at 40 % = $slow_expect MB/s (+-$TOL)" ||
        bad "degraded $spec: stream (exit $rc)"
done
ec shape --reset >/dev/null 2>&1 && ec status >/dev/null && ok "shape --reset: links restored, status healthy" ||
    bad "shape --reset"
# A fixed delay needs netem; where the kernel lacks it, one clear line.
if err=$(ec shape --delay 1=5 2>&1 >/dev/null); then
    ok "delay applied (netem available)"
    ec shape --reset >/dev/null 2>&1
else
    [[ $err == *netem* ]] && ok "delay without netem: '$err'" || bad "delay failed without saying why: '$err'"
fi

# Several ranks per host: hostfile slots and mapping.
ec down >/dev/null 2>&1
ec up --hosts 2 --ranks-per-host 2 --rate "$RATE" >/dev/null 2>&1
hosts=$(ec run -- hostname 2>/dev/null | sort | tr '\n' ' ')
[ "$hosts" = "$NAME-h0 $NAME-h0 $NAME-h1 $NAME-h1 " ] && ok "--ranks-per-host 2: two ranks on each host" ||
    bad "--ranks-per-host 2 gave '$hosts'"

out=$(ec down 2>&1)
[ -z "$(leftovers)" ] && ok "down removes everything ($out)" || bad "down left: $(leftovers)"
out=$(ec down 2>&1)
[ -z "$out" ] && ok "second down: quiet" || bad "second down said '$out'"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
