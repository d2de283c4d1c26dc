#!/usr/bin/env python3
"""Integration test of the alltoall and alltoallv benchmarks.

a2a_integration.py MPIEXEC BENCH NP TRANSPORT PROVIDER DTYPE OUTDIR

Runs fabscale-bench under mpirun: alltoall with every algorithm that has it
(plus native on transport mpi), alltoallv the same with a Zipf skew, and
alltoallv from a matrix file, all validated; checks the JSON: one run per
algorithm with the right labels, every point measured, busbw = algbw x
(n-1)/n, algbw = bytes / p50, the slowest rank a real rank, alltoall's bytes
rounded to whole blocks, and alltoallv's bytes, skew and imbalance against
this file's own implementation of the model (common/skew.h).
PROVIDER is "-" for transport mpi.
"""
import json
import math
import os
import re
import subprocess
import sys

import integration  # the --help parsing the reductions' test uses (same folder)

SIZES = [2, 1001, 4096, 65536, 1048576]
ITERS = 5
SCHEMA_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common",
                            "check_schema.py")
ESIZE = {"float32": 4, "float64": 8, "bfloat16": 2}
# 60 experts place evenly on 2, 3, 4 and 5 ranks.
ZIPF = "zipf:s=1.2,experts=60,topk=2,capacity=1.5"
BENCHES = ["alltoall", "alltoallv"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)


def algorithms(exe):
    """Per benchmark, the registered algorithms that have it, then auto."""
    return integration.algorithms(exe, BENCHES)


def zipf_bytes(n, per_rank, s=1.2, experts=60, topk=2, capacity=1.5):
    """Expected bytes src -> dst (one row: every source alike): inclusion
    pi_e = min(1, lambda w_e) with sum pi = topk, w_e = (e+1)^-s, expert e on
    rank e % n, capped at capacity x the mean per expert."""
    w = [(e + 1.0) ** -s for e in range(experts)]
    tail = [0.0] * (experts + 1)  # summed from the smallest weight up, as skew.c
    for e in range(experts - 1, -1, -1):
        tail[e] = tail[e + 1] + w[e]
    capped, lam = 0, topk / tail[0]
    while capped < topk and lam * w[capped] > 1.0:
        capped += 1
        lam = (topk - capped) / tail[capped] if capped < experts and tail[capped] > 0 else 0.0
    pi = [1.0 if e < capped else min(1.0, lam * w[e]) for e in range(experts)]
    cap = capacity * per_rank / experts
    row = [0.0] * n
    for e in range(experts):
        row[e % n] += min(per_rank * pi[e] / topk, cap)
    return [list(row) for _ in range(n)]


def matrix_bytes(m, per_rank):
    total = sum(map(sum, m))
    scale = per_rank * len(m) / total
    return [[x * scale for x in r] for r in m]


def layout(model, es):
    """Element counts as the benchmark rounds them."""
    cnt = [[int(math.floor(x / es)) for x in r] for r in model]
    if sum(map(sum, cnt)) == 0:
        cnt = [[1] * len(model) for _ in model]
    return cnt


def imbalance(cnt, es):
    n = len(cnt)
    total = sum(map(sum, cnt)) * es
    if total == 0:
        return 1.0, 0.0
    peak = max(max(sum(cnt[r]) * es, sum(cnt[o][r] for o in range(n)) * es) for r in range(n))
    return peak / (total / n), peak


def rounded_a2a(nbytes, es, n):
    count = nbytes // es
    count -= count % n
    return (count if count else n) * es


def check(doc, bench, algs, n, transport, provider, dtype, skew, matrix):
    if doc.get("schema") != "fabscale.results/1":
        fail("schema is %r" % doc.get("schema"))
    meta = doc["meta"]
    if meta.get("complete") is not True or meta.get("ranks") != n:
        fail("meta: complete=%r ranks=%r" % (meta.get("complete"), meta.get("ranks")))
    runs = doc["runs"]
    if [r["algorithm"] for r in runs] != algs:
        fail("%s: runs for %r, expected %r" % (bench, [r["algorithm"] for r in runs], algs))
    es = ESIZE[dtype]
    for run in runs:
        where = "%s/%s/%s" % (bench, run["algorithm"], run["provider"])
        want = {"benchmark": bench, "transport": transport, "dtype": dtype, "ranks": n,
                "validated": True}
        for k, v in want.items():
            if run.get(k) != v:
                fail("%s: %s is %r, expected %r" % (where, k, run.get(k), v))
        if transport == "ofi" and run["provider"] != provider:
            fail("%s: provider %r, expected %r" % (where, run["provider"], provider))
        if bench == "alltoallv" and run.get("skew") != skew:
            fail("%s: skew %r, expected %r" % (where, run.get("skew"), skew))
        pts = run["points"]
        if len(pts) != len(SIZES):
            fail("%s: %d points, expected %d" % (where, len(pts), len(SIZES)))
        for size, pt in zip(SIZES, pts):
            if bench == "alltoall":
                moved = rounded_a2a(size, es, n)
            else:
                model = (matrix_bytes(matrix, size) if matrix else zipf_bytes(n, size))
                cnt = layout(model, es)
                moved = sum(map(sum, cnt)) * es // n
                imb, peak = imbalance(cnt, es)
                if not close(pt.get("imbalance", -1), imb, 1e-9):
                    fail("%s %d: imbalance %r, expected %r" % (where, size, pt.get("imbalance"),
                                                               imb))
                if not close(pt.get("max_rank_bytes", -1), peak, 1e-9):
                    fail("%s %d: max_rank_bytes %r, expected %r"
                         % (where, size, pt.get("max_rank_bytes"), peak))
                if n > 1 and size >= 4096 and not pt["imbalance"] > 1.0:
                    fail("%s %d: a skewed layout with imbalance %r" % (where, size, imb))
            if pt["bytes"] != moved:
                fail("%s: point bytes %r for a request of %d, expected %d moved"
                     % (where, pt["bytes"], size, moved))
            t = pt["time_us"]
            if pt["iterations"] != ITERS:
                fail("%s %d: %r iterations" % (where, size, pt["iterations"]))
            if not (0 < t["min"] <= t["p50"] <= t["max"]):
                fail("%s %d: time_us %r" % (where, size, t))
            algbw = pt["algbw_GBps"]
            if not close(algbw, pt["bytes"] / (t["p50"] * 1e-6) * 1e-9, 1e-3):
                fail("%s %d: algbw %r != bytes / p50" % (where, size, algbw))
            if n > 1 and not close(pt["busbw_GBps"], algbw * (n - 1) / n):
                fail("%s %d: busbw %r != algbw %r x (n-1)/n" % (where, size, pt["busbw_GBps"],
                                                                algbw))
            if not (0 <= pt["slowest_rank"] < n):
                fail("%s %d: slowest_rank %r" % (where, size, pt["slowest_rank"]))


os.environ.setdefault("FI_TCP_IFACE", "lo")  # see integration.py


def main():
    mpiexec, exe, np_, transport, provider, dtype, outdir = sys.argv[1:8]
    n = int(np_)
    os.makedirs(outdir, exist_ok=True)
    launch = [mpiexec, "-n", str(n)]
    if n > os.cpu_count():
        launch += ["--oversubscribe", "-x", "FS_YIELD=1"]
    # A matrix file: rank 0 hears from everyone, the last rank sends nothing
    # to itself, weights in bytes of several magnitudes.
    matrix = [[(0 if s == d == n - 1 else (s + 1) * 100 + (5000 if d == 0 else d))
               for d in range(n)] for s in range(n)]
    mpath = os.path.join(outdir, "matrix.txt")
    with open(mpath, "w") as f:
        f.write("# bytes from row to column\n")
        for r in matrix:
            f.write(" ".join(map(str, r)) + "\n")
    cases = []
    for bench, algs in algorithms(exe).items():
        algs = (["native"] if transport == "mpi" else []) + algs
        if bench == "alltoall":
            cases.append((bench, algs, None, None))
        else:
            cases.append((bench, algs, ZIPF, None))
            cases.append((bench, ["auto"], "matrix:" + mpath, matrix))
    for k, (bench, algs, skew, mat) in enumerate(cases):
        out = os.path.join(outdir, "%s-%d.json" % (bench, k))
        cmd = launch + [exe, "-t", transport, "-b", bench, "-a", ",".join(algs),
                        "--dtype", dtype, "--sizes", ",".join(map(str, SIZES)),
                        "--iterations", str(ITERS), "--warmup", "2", "--validate",
                        "--timeout", "60", "-q", "-o", out, "--force"]
        if skew:
            cmd += ["--skew", skew]
        if transport == "ofi":
            cmd[cmd.index("-t") + 2:cmd.index("-t") + 2] = ["-p", provider]
        print(" ".join("'%s'" % a if ";" in a else a for a in cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=600)
        print(p.stdout)
        if p.returncode != 0:
            fail("%s exited with %d" % (bench, p.returncode))
        with open(out) as f:
            check(json.load(f), bench, algs, n, transport, provider, dtype, skew, mat)
        if subprocess.run([sys.executable, SCHEMA_CHECK, out]).returncode != 0:
            fail("%s: %s does not match docs/results.schema.json" % (bench, out))
        print("ok: %s%s, %d runs checked" % (bench, " " + skew if skew else "", len(algs)))


if __name__ == "__main__":
    main()
