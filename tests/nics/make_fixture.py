#!/usr/bin/env python3
"""make_fixture.py - the per-NIC fixture of test_nic_links (documented
fields of fabscale-bench --nics, benchmarks/core/nics.h: a run's "nics"
{"hosts": [{"host", "rails": [{"rail", "domain"}]}]} and a point's "nics"
{"hosts": [{"host", "tx_bytes", "bandwidth_GBps", "rails": [{"rail",
"tx_bytes", "share", "rx_stream_bytes", "rx_GBps"}]}]}).

Ground truth (the test asserts the fit recovers it): host h0 sends to h1
over two NICs; the path into h1's fsc0 runs at 0.0125 GB/s with a 40 us
gap per message, into fsc1 at half of that (degraded), each NIC's time per
message gap + m / bandwidth; the node's aggregate is the sum of the NICs'
rates.  The sender's NICs stream nothing in (rx_GBps null), the
receiver's carry the rates, as real runs record them.

  make_fixture.py > tests/nics/data/bw-2nics.json
"""
import json

RAILS = [("fsc0", 0.0125, 40.0), ("fsc1", 0.00625, 40.0)]


def rate(bw, gap, m):  # GB/s of one NIC's stream of m-byte messages
    return m / ((gap + m / (bw * 1e3)) * 1e3)


points = []
for k in range(12, 23):  # 4 KiB .. 4 MiB
    m = float(2**k)
    rails, inbound, total = [], [], 0.0
    for i, (dom, bw, gap) in enumerate(RAILS):
        r = rate(bw, gap, m)
        rails.append({"rail": i, "tx_bytes": int(m * 64), "share": 0.5, "rx_stream_bytes": 0,
                      "rx_GBps": None})
        inbound.append({"rail": i, "tx_bytes": 6, "share": 3e-8,
                        "rx_stream_bytes": int(m * 63), "rx_GBps": r})
        total += r
    t = m / (total * 1e3) * 64  # a window of 64 messages
    points.append({
        "bytes": m, "iterations": 10,
        "time_us": {"min": t, "p50": t, "mean": t, "p90": t, "p99": t, "max": t, "stdev": 0, "ci95": 0},
        "bandwidth_GBps": total,
        "nics": {"tx_bytes": int(m * 128) + 12, "bandwidth_GBps": total, "hosts": [
            {"host": "h0", "tx_bytes": int(m * 128), "bandwidth_GBps": total, "rails": rails},
            # The receiver sends a few bytes (acknowledgements), as real runs show.
            {"host": "h1", "tx_bytes": 12, "bandwidth_GBps": 1e-9, "rails": inbound},
        ]},
    })

doc = {
    "schema": "fabscale.results/1",
    "meta": {"version": "0.1.0", "command": "fabscale-bench -t ofi --nics all -b bw", "ranks": 2,
             "hosts": ["h0", "h1"], "complete": True},
    "runs": [{
        "benchmark": "bw", "kind": "bandwidth", "transport": "ofi", "provider": "tcp;ofi_rxm",
        "fabric": "10.84.0.0/25", "domain": "fsc0", "ranks": 2, "pairs": 1, "window": 64,
        "peer_hosts": ["h0", "h1"], "validated": False,
        "nics": {"count": 2, "hosts": [
            {"host": h, "rails": [{"rail": i, "domain": d, "provider": "tcp;ofi_rxm",
                                   "fabric": "10.84.0.%d/25" % (128 * i), "pci": None, "numa": None}
                                  for i, (d, _, _) in enumerate(RAILS)]} for h in ("h0", "h1")]},
        "points": points,
    }],
}
print(json.dumps(doc, indent=1))
