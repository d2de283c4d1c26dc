#!/usr/bin/env python3
"""Bad input to the collective benchmarks: one clear line, exit status 2.

bad_input.py MPIEXEC BENCH
"""
import subprocess
import sys

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
        print("%s: %s -> exit %d, %r" % ("ok" if ok else "FAIL", " ".join(args), p.returncode,
                                         p.stderr.strip().splitlines()[:3]))
        bad += not ok
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
