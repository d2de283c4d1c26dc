#!/usr/bin/env python3
"""Make the report tests' two-cluster fixture from tests/data/fabscale_synthetic.json:
data/p4d/results.json (as measured, two hosts, p4d.24xlarge) and data/p5/results.json
(p5.48xlarge: small messages 3 % faster, within the files' own spread; messages of 4 KiB
and above take 0.6x the time, far outside it).  The same base name in two folders is
what the report must tell apart.  Run from this folder; the output is committed."""
import copy
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
base = json.load(open(os.path.join(here, "..", "data", "fabscale_synthetic.json")))


def cluster(name, itype, factor):
    d = copy.deepcopy(base)
    hosts = [f"{name}-a", f"{name}-b"]
    d["meta"]["hosts"] = hosts
    d["meta"]["rank_host"] = [hosts[i % 2] for i in range(d["meta"]["ranks"])]
    d["meta"]["instance_type"] = itype
    d["meta"]["command"] = d["meta"]["command"].replace("fabscale_synthetic.json", "results.json")
    for run in d["runs"]:
        if run.get("peer_hosts"):
            run["peer_hosts"] = hosts
        for p in run["points"]:
            f = factor(p["bytes"])
            for k, v in p.get("time_us", {}).items():
                if isinstance(v, (int, float)) and k != "n":
                    p["time_us"][k] = v * f
            for k in ("bandwidth_GBps", "algbw_GBps", "busbw_GBps", "msg_rate_Mps"):
                if isinstance(p.get(k), (int, float)):
                    p[k] = p[k] / f
    os.makedirs(os.path.join(here, "data", name), exist_ok=True)
    with open(os.path.join(here, "data", name, "results.json"), "w") as out:
        json.dump(d, out, indent=1)
        out.write("\n")


cluster("p4d", "p4d.24xlarge", lambda b: 1.0)
cluster("p5", "p5.48xlarge", lambda b: 0.97 if b < 4096 else 0.6)
