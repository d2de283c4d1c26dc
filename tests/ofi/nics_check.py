#!/usr/bin/env python3
"""nics_check.py - fabscale-bench --nics over tcp on this host (ctest).
Python 3 standard library only.

  nics_check.py loopback MPIEXEC BENCH
      one rail (--nics lo) under bw, bibw, msgrate and allreduce with
      --validate: the run records the one NIC (domain lo, provider, fabric),
      the transport's attributes list it as the only rail, and at every
      point the NIC's bytes are all the bytes sent, its share 1, the host's
      bandwidth the point's; the NIC's inbound stream rate (rx_GBps) is
      measured where a window streams (bw, bibw, msgrate) and no other
      bandwidth is claimed per NIC (nics.h).
"""
import json
import os
import subprocess
import sys
import tempfile

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
SCHEMA_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common",
                            "check_schema.py")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(mpiexec, bench, args, out):
    cmd = [mpiexec, "-n", "2", bench, "--transport", "ofi", "--provider", "tcp",
           "--time-per-size", "0.05", "--min-iters", "5", "--warmup", "2", "--window", "8",
           "--timeout", "60", "--validate", "--quiet", "--output", out] + args
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        print(p.stdout[-3000:], p.stderr[-3000:], sep="\n")
        failures.append(f"exit status {p.returncode}: {' '.join(cmd)}")
        return None
    check(subprocess.run([sys.executable, SCHEMA_CHECK, out]).returncode == 0, "schema")
    with open(out) as f:
        return json.load(f)


def loopback(mpiexec, bench):
    benches = ["bw", "bibw", "msgrate", "allreduce"]
    with tempfile.TemporaryDirectory() as tmp:
        doc = run(mpiexec, bench, ["--nics", "lo", "--bench", ",".join(benches), "--sizes",
                                   "8,4096,65536"], os.path.join(tmp, "r.json"))
    if doc is None:
        return 1
    check(doc["meta"]["settings"].get("nics") == "lo", "settings.nics")
    check(sorted(r["benchmark"] for r in doc["runs"]) == sorted(benches), "one run per benchmark")
    for r in doc["runs"]:
        where = r["benchmark"]
        nics = r.get("nics") or {}
        hosts = nics.get("hosts") or []
        check(nics.get("count") == 1 and len(hosts) == 1, f"{where}: one host, one NIC")
        if hosts:
            rail = hosts[0]["rails"][0]
            check(rail["domain"] == "lo" and rail["rail"] == 0, f"{where}: rail 0 is lo")
            check(rail["provider"] == r["provider"] and rail["fabric"] == r["fabric"],
                  f"{where}: the rail's provider and fabric are the run's")
        rails = r["attributes"].get("rails") or []
        check(len(rails) == 1 and rails[0]["domain"] == "lo" and rails[0]["tx_bytes"] > 0,
              f"{where}: attributes.rails")
        check(len(r["points"]) == 3, f"{where}: points")
        for p in r["points"]:
            at = f"{where}@{p['bytes']}"
            n = p.get("nics")
            check(n is not None, f"{at}: per-NIC record")
            if n is None:
                continue
            host = n["hosts"][0]
            rail = host["rails"][0]
            check(n["tx_bytes"] > 0, f"{at}: bytes counted")
            check(rail["tx_bytes"] == host["tx_bytes"] == n["tx_bytes"],
                  f"{at}: the one NIC sent every byte ({rail['tx_bytes']} vs {n['tx_bytes']})")
            check(rail["share"] == 1.0, f"{at}: share {rail['share']}")
            if r["kind"] == "collective":
                check(n["bandwidth_GBps"] is None, f"{at}: no point bandwidth")
            else:
                check(host["bandwidth_GBps"] == p["bandwidth_GBps"] == n["bandwidth_GBps"],
                      f"{at}: the host's bandwidth is the point's")
                check("bandwidth_GBps" not in rail, f"{at}: no bandwidth per NIC")
                # Stream bytes are received bytes that waited: never more
                # than were sent.  Completions read together count no
                # interval, so a small window on loopback may count nothing
                # (rate null); at 64 KiB a window of 8 takes several reads.
                rate, sb = rail.get("rx_GBps"), rail.get("rx_stream_bytes", 0)
                check(0 <= sb <= n["tx_bytes"], f"{at}: rx_stream_bytes {sb} of {n['tx_bytes']}")
                check(rate is None or rate > 0, f"{at}: rx_GBps {rate}")
                if p["bytes"] == 65536:
                    check(isinstance(rate, float) and rate > 0 and sb > 0,
                          f"{at}: the NIC's inbound stream rate is measured ({rate}, {sb} B)")
            # Every message of the point went through the transport: at
            # least one window (or one collective) per timed iteration.
            low = p["bytes"] * p["iterations"]
            check(n["tx_bytes"] >= low, f"{at}: {n['tx_bytes']} bytes < {low}")
    for f in failures:
        print("FAIL:", f)
    print("--nics lo:", "FAIL" if failures else "PASS")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "loopback":
        return loopback(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
