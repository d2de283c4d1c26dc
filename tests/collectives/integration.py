#!/usr/bin/env python3
"""Integration test of the allreduce / reduce_scatter / allgather benchmarks.

integration.py MPIEXEC BENCH NP TRANSPORT PROVIDER DTYPE OUTDIR

Runs fabscale-bench under mpirun once per collective, every algorithm that
applies (plus native on transport mpi), validated, and checks the JSON: one
run per algorithm with the right labels, every point measured and validated,
busbw = algbw x the nccl-tests factor, algbw = bytes / p50, the slowest rank
a real rank, and sizes that do not split rounded as fs_coll_round_bytes says,
with a note in the run.
PROVIDER is "-" for transport mpi.
"""
import json
import os
import re
import subprocess
import sys

# Sizes: tiny (fewer elements than ranks), odd (not a multiple of the
# element size nor of the rank count), a power of two, and 1 MiB.
SIZES = [2, 1001, 4096, 65536, 1048576]
ITERS = 5
SCHEMA_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common",
                            "check_schema.py")
ESIZE = {"float32": 4, "float64": 8, "bfloat16": 2}
BENCHES = ["allreduce", "reduce_scatter", "allgather"]


def algorithms(exe, benches=BENCHES):
    """Per collective in benches, the registered algorithms that have it, then auto, as
    fabscale-bench --help lists them ("NAME  summary[; not OP, OP]")."""
    text = subprocess.run([exe, "--help"], stdout=subprocess.PIPE, text=True,
                          check=True).stdout
    block = text.split("--algorithm LIST", 1)[1].split("--dtype", 1)[0]
    algs = {b: [] for b in benches}
    for line in block.splitlines():
        if not line.startswith(" " * 28) or line[28] == " ":
            continue
        name = line.split()[0]
        if name in ("native", "auto"):
            continue
        lacks = line.rsplit("; not ", 1)[1].split(", ") if "; not " in line else []
        for b in benches:
            if b not in lacks:
                algs[b].append(name)
    if not all(algs.values()):
        fail("no algorithms found in --help: %r" % algs)
    return {b: a + ["auto"] for b, a in algs.items()}


def factor(bench, n):
    return 2.0 * (n - 1) / n if bench == "allreduce" else (n - 1) / n


def rounded(bench, nbytes, es, n):
    """fs_coll_round_bytes: whole elements, whole blocks for RS/AG, >= 1 each."""
    count = nbytes // es
    if bench == "allreduce":
        return max(count, 1) * es
    count -= count % n
    return (count if count else n) * es


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)


def check(doc, bench, algs, n, transport, provider, dtype):
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
        attrs = run.get("attributes") or {}
        if transport == "mpi" and not (attrs.get("mpi_library")
                                       and re.fullmatch(r"\d+\.\d+", attrs.get("mpi_standard", ""))):
            fail("%s: attributes do not name the MPI library: %r" % (where, attrs))
        pts = run["points"]
        if len(pts) != len(SIZES):
            fail("%s: %d points, expected %d" % (where, len(pts), len(SIZES)))
        notes = " ".join(run.get("notes") or [])
        for size, pt in zip(SIZES, pts):
            moved = rounded(bench, size, es, n)
            if pt["bytes"] != moved:
                fail("%s: point bytes %r for a request of %d, expected %d moved"
                     % (where, pt["bytes"], size, moved))
            if moved != size and "%d bytes rounded to %d" % (size, moved) not in notes:
                fail("%s: %d bytes moved for a request of %d and no note says so: %r"
                     % (where, moved, size, notes))
            t = pt["time_us"]
            if pt["iterations"] != ITERS:
                fail("%s %d: %r iterations" % (where, size, pt["iterations"]))
            if not (0 < t["min"] <= t["p50"] <= t["max"]):
                fail("%s %d: time_us %r" % (where, size, t))
            algbw = pt["algbw_GBps"]
            if not close(algbw, pt["bytes"] / (t["p50"] * 1e-6) * 1e-9, 1e-3):
                fail("%s %d: algbw %r != bytes / p50" % (where, size, algbw))
            if n > 1 and not close(pt["busbw_GBps"], algbw * factor(bench, n)):
                fail("%s %d: busbw %r != algbw %r x %g"
                     % (where, size, pt["busbw_GBps"], algbw, factor(bench, n)))
            if not (0 <= pt["slowest_rank"] < n):
                fail("%s %d: slowest_rank %r" % (where, size, pt["slowest_rank"]))


# tcp over loopback only: by default libfabric's tcp provider takes the first
# non-loopback interface, and on a shared machine other jobs add and remove
# interfaces (emulated clusters' bridges); when the chosen address goes away
# mid-run, rxm's next connect fails ("fi_tinject ... Cannot assign requested
# address").  The caller may still choose another interface.
os.environ.setdefault("FI_TCP_IFACE", "lo")


def main():
    mpiexec, exe, np_, transport, provider, dtype, outdir = sys.argv[1:8]
    n = int(np_)
    os.makedirs(outdir, exist_ok=True)
    launch = [mpiexec, "-n", str(n)]
    if n > os.cpu_count():
        # More ranks than cores: the ofi transport yields while it waits
        # (as Open MPI does when oversubscribed), else every wait costs a slice.
        launch += ["--oversubscribe", "-x", "FS_YIELD=1"]
    for bench, algs in algorithms(exe).items():
        algs = (["native"] if transport == "mpi" else []) + algs
        out = os.path.join(outdir, "%s.json" % bench)
        cmd = launch + [exe, "-t", transport, "-b", bench, "-a", ",".join(algs),
                        "--dtype", dtype, "--sizes", ",".join(map(str, SIZES)),
                        "--iterations", str(ITERS), "--warmup", "2", "--validate",
                        "--timeout", "60", "-q", "-o", out, "--force"]
        if transport == "ofi":
            cmd[cmd.index("-t") + 2:cmd.index("-t") + 2] = ["-p", provider]
        print(" ".join("'%s'" % a if ";" in a else a for a in cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=600)
        print(p.stdout)
        if p.returncode != 0:
            fail("%s exited with %d" % (bench, p.returncode))
        with open(out) as f:
            check(json.load(f), bench, algs, n, transport, provider, dtype)
        if subprocess.run([sys.executable, SCHEMA_CHECK, out]).returncode != 0:
            fail("%s: %s does not match docs/results.schema.json" % (bench, out))
        print("ok: %s, %d runs checked" % (bench, len(algs)))


if __name__ == "__main__":
    main()
