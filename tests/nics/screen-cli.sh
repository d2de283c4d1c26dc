#!/usr/bin/env bash
# screen-cli.sh FABSCALE FIXTURE - fabscale screen names the degraded NIC of
# the --nics fixture (text, JSON, --fail-on-suspect) and, with the NICs
# equal, nobody.
set -uo pipefail
FS=$1
FIX=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; fails=$((fails + 1)); fi; }

out=$("$FS" screen "$FIX")
rc=$?
check "text names h1:fsc1 at 50% (exit $rc)" '[ $rc = 0 ] && grep -q "^nic   h1:fsc1 0.00625 GB/s inbound, 50% of its host" <<<"$out" && grep -q "verdict: UNHEALTHY (1 suspect)" <<<"$out"'
"$FS" screen --fail-on-suspect "$FIX" >/dev/null
rc=$?
check "--fail-on-suspect exits 1 (got $rc)" '[ $rc = 1 ]'
js=$("$FS" screen --json "$FIX")
check "JSON suspect kind nic, nic fsc1" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); s=d[\"suspects\"]; assert not d[\"healthy\"] and len(s)==1 and s[0][\"kind\"]==\"nic\" and s[0][\"nic\"]==\"fsc1\" and s[0][\"host\"]==\"h1\"" "$js"'
# The same run with fsc1 at fsc0's rate: healthy.
python3 - "$FIX" "$TMP/equal.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["runs"][0]["points"]:
    r = p["nics"]["hosts"][1]["rails"]
    r[1]["rx_GBps"] = r[0]["rx_GBps"]
json.dump(d, open(sys.argv[2], "w"))
PY
out=$("$FS" screen --fail-on-suspect "$TMP/equal.json")
rc=$?
check "equal NICs: healthy, exit 0 (got $rc)" '[ $rc = 0 ] && grep -q "verdict: healthy" <<<"$out" && ! grep -q SLOW <<<"$out"'
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
