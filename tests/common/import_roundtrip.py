#!/usr/bin/env python3
"""import_roundtrip.py MPIEXEC FABSCALE_BENCH FABSCALE WORKDIR

A real 2-rank run of every benchmark -- over MPI, then appended over
libfabric shm (write_lat and write_bw need RMA: ofi only) -- is imported
with `fabscale import`, and the imported file must equal the original
member for member: same members, same JSON types (an integer stays an
integer), same values.  No difference is allowed.  Both files must match
docs/results.schema.json.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
P2P = ["latency", "bw", "bibw", "msgrate"]
COLL = ["allreduce", "reduce_scatter", "allgather"]
RMA = ["write_lat", "write_bw"]
KIND = {"latency": "latency", "write_lat": "latency", "bw": "bandwidth", "bibw": "bandwidth",
        "write_bw": "bandwidth", "msgrate": "message_rate", "allreduce": "collective",
        "reduce_scatter": "collective", "allgather": "collective"}


def diff(a, b, path="$"):
    """The first difference between two JSON trees, or None."""
    if type(a) is not type(b):
        return "%s: %s %r vs %s %r" % (path, type(a).__name__, a, type(b).__name__, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in the %s" % (path, k, "original" if k in a else "import")
            d = diff(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d elements" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def run(cmd):
    print(" ".join("'%s'" % c if ";" in c or " " in c else c for c in cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=300)
    if p.returncode != 0:
        print(p.stdout[-4000:])
        sys.exit("FAIL: exit status %d" % p.returncode)


def main(mpiexec, bench, fabscale, work):
    os.makedirs(work, exist_ok=True)
    orig, imported = os.path.join(work, "orig.json"), os.path.join(work, "imported.json")
    common = ["--sizes", "1,4K", "--iterations", "20", "--warmup", "2", "--validate",
              "--timeout", "60", "-q", "-o", orig]
    run([mpiexec, "-n", "2", bench, "-t", "mpi", "-b", ",".join(P2P + COLL), "--force"] + common)
    run([mpiexec, "-n", "2", bench, "-t", "ofi", "-p", "shm", "-b", ",".join(P2P + COLL + RMA),
         "--append"] + common)
    run([fabscale, "import", orig, "-o", imported, "--force"])  # reruns overwrite their own output
    for f in (orig, imported):
        run([sys.executable, os.path.join(HERE, "check_schema.py"), f])

    with open(orig) as f:
        a = json.load(f)
    with open(imported) as f:
        b = json.load(f)
    # The original is what the test claims it is: every benchmark on both
    # transports, with the members import used to drop.
    got = sorted((r["transport"], r["benchmark"]) for r in a["runs"])
    want = sorted([("mpi", x) for x in P2P + COLL] + [("ofi", x) for x in P2P + COLL + RMA])
    if got != want:
        sys.exit("FAIL: runs %s, expected %s" % (got, want))
    for key in ("rank_host", "rank_binding", "topology", "settings", "dmi", "appended"):
        if key not in a["meta"]:
            sys.exit("FAIL: the original lacks meta.%s" % key)
    for r in a["runs"]:
        if r.get("kind") != KIND[r["benchmark"]]:
            sys.exit("FAIL: %s/%s has kind %r" % (r["transport"], r["benchmark"], r.get("kind")))
        if not isinstance(r.get("attributes"), dict) or "notes" not in r:
            sys.exit("FAIL: %s/%s lacks attributes or notes" % (r["transport"], r["benchmark"]))
        if [p["bytes"] > 0 and "warmup" in p for p in r["points"]].count(False):
            sys.exit("FAIL: %s/%s: a point lacks warmup" % (r["transport"], r["benchmark"]))
    d = diff(a, b)
    if d:
        sys.exit("FAIL: the import differs from the original at %s" % d)
    print("ok: %d runs, %d points imported member for member" %
          (len(a["runs"]), sum(len(r["points"]) for r in a["runs"])))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
