#!/usr/bin/env python3
"""Bad input to the collective benchmarks: one clear line, exit status 2.

bad_input.py MPIEXEC BENCH
"""
import os
import shutil
import subprocess
import sys
import tempfile

TMP = tempfile.mkdtemp(prefix="fs_coll_bad_")


def matrix(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return "matrix:" + path


CASES = [
    # (ranks, args, text the error line must contain)
    (2, ["-t", "ofi", "-p", "shm", "-b", "allreduce", "-a", "native"],
     "needs --transport mpi"),
    # Refusals name the registered algorithms that do have the operation
    # (the unit test checks the whole list against the registry).
    (3, ["-t", "mpi", "-b", "reduce_scatter", "-a", "rd"],
     "algorithm rd has no reduce_scatter form; use ring, rabenseifner, "),
    (2, ["-t", "ofi", "-p", "shm", "-b", "allgather", "-a", "rabenseifner"],
     "algorithm rabenseifner has no allgather form; use ring, rd, "),
    (2, ["-t", "ofi", "-p", "shm", "-b", "allreduce", "-a", "butterfly"],
     'unknown algorithm "butterfly" (use ring, rd, rabenseifner, '),
    (2, ["-t", "mpi", "-b", "allreduce", "-a", "butterfly"],
     'unknown algorithm "butterfly" (use native, ring, rd, rabenseifner, '),
    # All-to-all: the reducing algorithms have no form; Bruck has no v form.
    (3, ["-t", "ofi", "-p", "shm", "-b", "alltoall", "-a", "ring"],
     "algorithm ring has no alltoall form; use pairwise, bruck or auto"),
    (2, ["-t", "mpi", "-b", "alltoallv", "-a", "bruck"],
     "algorithm bruck has no alltoallv form; use pairwise or auto"),
    (2, ["-t", "ofi", "-p", "shm", "-b", "alltoall", "-a", "native"],
     "needs --transport mpi"),
    # A plan whose later run cannot be done is refused before the first
    # measures anything: no table on stdout, no results file.
    (2, ["-t", "mpi,ofi", "-p", "shm", "-b", "alltoall", "-a", "native",
         "-o", os.path.join(TMP, "never.json")], "needs --transport mpi"),
    (2, ["-t", "mpi", "-b", "allreduce,alltoall", "-a", "ring",
         "-o", os.path.join(TMP, "never2.json")], "algorithm ring has no alltoall form"),
    # The skew model: out of range, not fitting the run, bad matrix files.
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", "zipf:s=-0.5"],
     "alltoallv: --skew zipf s=-0.5 out of range"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", "zipf:capacity=0.5"],
     "alltoallv: --skew capacity=0.5 out of range"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", "zipf:experts=4,topk=9"],
     "alltoallv: --skew topk=9 above experts=4"),
    (3, ["-t", "ofi", "-p", "shm", "-b", "alltoallv", "--skew", "zipf:experts=8"],
     "alltoallv: --skew 8 experts cannot be placed evenly on 3 ranks"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", "poisson"],
     'alltoallv: --skew unknown spec "poisson"'),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", matrix("m3", "1 2 3\n4 5 6\n7 8 9\n")],
     "is 3x3, the run has 2 ranks"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", matrix("neg", "1 2\n-3 4\n")],
     "line 2: negative entry -3"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", matrix("nan", "1 2\n3 x4\n")],
     'line 2: "x4" is not a number'),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", matrix("ragged", "1 2\n3\n")],
     "line 2: 1 entry, the first row has 2"),
    (2, ["-t", "mpi", "-b", "alltoallv", "--skew", "matrix:" + TMP + "/absent"],
     "No such file or directory"),
]


def main():
    mpiexec, exe = sys.argv[1:3]
    bad = 0
    for n, args, text in CASES:
        cmd = [mpiexec, "-n", str(n), exe] + args + ["--sizes", "1K", "--iterations", "2", "-q"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
        lines = [l for l in p.stderr.splitlines() if "fabscale-bench" in l and text in l]
        ok = p.returncode == 2 and len(lines) >= 1
        if "-o" in args:
            # Refused before measuring: nothing ran, nothing was written.
            ok = ok and "fabscale-bench" not in p.stdout and \
                not os.path.exists(args[args.index("-o") + 1])
        print("%s: %s -> exit %d, %r" % ("ok" if ok else "FAIL", " ".join(args), p.returncode,
                                         p.stderr.strip().splitlines()[:3]))
        bad += not ok
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
