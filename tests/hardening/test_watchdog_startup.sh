#!/usr/bin/env bash
# test_watchdog_startup.sh MPIEXEC BENCH
# Start-up is not a hang: a run whose set-up touches two 64 MiB buffers per
# rank (seconds on a loaded virtual machine, where first touch runs at
# ~60 MB/s) and validates them, under a 1 s --timeout, finishes with its
# point.  Before issue 19 nothing advanced the heartbeat between start-up
# and the first point, and this aborted "in start-up" (as did issue 19's
# `-n 4 --bench allreduce --sizes 256M --iterations 3 --timeout 2`).  The
# watchdog still ends a hung job: tests/hardening/faults.sh.
set -uo pipefail
mpiexec=$1 bench=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for args in "-b allreduce --sizes 64M" "-b bw --sizes 64M --window 1"; do
    name=${args// /_}
    timeout 300 "$mpiexec" -n 2 "$bench" $args --iterations 1 --warmup 0 --timeout 1 --validate \
        -q -o "$dir/$name.json" > "$dir/$name.out" 2> "$dir/$name.err"
    rc=$?
    echo "== $args: status $rc"
    grep '^fabscale-bench' "$dir/$name.err" | head -3
    [ "$rc" = 0 ] || fail "$args: exit status $rc"
    grep -q "watchdog" "$dir/$name.err" && fail "$args: the watchdog fired"
    python3 - "$dir/$name.json" <<'PY' || fail "$args: results"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["meta"]["complete"] is True, "incomplete"
pts = d["runs"][0]["points"]
assert len(pts) == 1 and pts[0]["bytes"] == 64 << 20, pts
PY
done
[ "$fails" = 0 ] && echo "PASS" || { echo "$fails failure(s)"; exit 1; }
