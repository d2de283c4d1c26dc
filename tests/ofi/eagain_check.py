#!/usr/bin/env python3
"""Injected EAGAIN on tcp;ofi_rxm: no rank may strand its peer.

eagain_check.py MPIEXEC BENCH SHIM OUTDIR

Runs fabscale-bench's reduce_scatter and allgather (every algorithm,
validated) and the pair bw benchmark over tcp;ofi_rxm with 3 ranks, with
tests/ofi/eagain_shim.c preloaded so 30 % of the small socket sends fail
with EAGAIN.  libfabric's tcp provider then buffers bytes of sends it has
already reported done until the endpoint is progressed again; before the
runtime drove the endpoint while a rank waited in its barriers and
reductions, this hung at 2 bytes ("no progress ... a receive from rank 0
of 4 bytes").  Checks: every run exits 0 with every point measured and
validated, and the shim refused sends in every rank (so the fault was
really in the path).
"""
import json
import os
import re
import subprocess
import sys


# tcp over loopback only: by default libfabric's tcp provider takes the first
# non-loopback interface, and on a shared machine other jobs add and remove
# interfaces (emulated clusters' bridges); when the chosen address goes away
# mid-run, rxm's next connect fails ("fi_tinject ... Cannot assign requested
# address").  The caller may still choose another interface.
os.environ.setdefault("FI_TCP_IFACE", "lo")
# Under AddressSanitizer the preloaded shim comes before ASan's runtime in
# the library list, which ASan refuses by default; the shim only wraps
# send/sendmsg, so the order is harmless here.
if "ASAN_OPTIONS" in os.environ:
    os.environ["ASAN_OPTIONS"] += ":verify_asan_link_order=0"


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def main():
    mpiexec, exe, shim, outdir = sys.argv[1:5]
    os.makedirs(outdir, exist_ok=True)
    n = 3
    launch = [mpiexec, "-n", str(n), "--oversubscribe", "-x", "FS_YIELD=1",
              "-x", "LD_PRELOAD=" + shim, "-x", "FS_EAGAIN_PERCENT=30"]
    runs = [("reduce_scatter,allgather", "2,1001,65536", ["-a", "ring,auto"]),
            ("bw", "1,64,4096,65536", [])]
    for bench, sizes, extra in runs:
        out = os.path.join(outdir, bench.replace(",", "_") + ".json")
        cmd = launch + [exe, "-t", "ofi", "-p", "tcp;ofi_rxm", "-b", bench] + extra + [
            "--sizes", sizes, "--iterations", "5", "--warmup", "2", "--validate",
            "--timeout", "30", "-q", "-o", out, "--force"]
        print(" ".join("'%s'" % a if ";" in a else a for a in cmd), flush=True)
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=300)
        except subprocess.TimeoutExpired:
            fail("%s did not finish in 300 s" % bench)
        print(p.stdout)
        if p.returncode != 0:
            fail("%s exited with %d under injected EAGAIN" % (bench, p.returncode))
        refused = [int(m) for m in re.findall(r"eagain_shim: pid \d+ refused (\d+) of", p.stdout)]
        # bw is a pair benchmark: the third rank sends nothing.
        senders = n if "," in bench else 2
        if len(refused) < senders or sorted(refused)[-senders] == 0:
            fail("%s: the shim refused no sends in some rank (%r): the fault was not injected"
                 % (bench, refused))
        with open(out) as f:
            doc = json.load(f)
        npts = 0
        for run in doc["runs"]:
            if run.get("validated") is not True:
                fail("%s: run %s/%s not validated" % (bench, run["benchmark"],
                                                      run.get("algorithm")))
            npts += len(run["points"])
        want = len(sizes.split(",")) * (4 if "," in bench else 1)
        if npts < want:
            fail("%s: %d points measured, expected at least %d" % (bench, npts, want))
        print("ok: %s, %d points, sends refused per rank %r" % (bench, npts, refused), flush=True)


if __name__ == "__main__":
    main()
