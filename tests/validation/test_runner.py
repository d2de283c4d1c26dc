#!/usr/bin/env python3
"""The runner's own verdicts and refusals, on case files written here from one
real case: a broken case is refused (one line naming it, exit 2), a published
figure the model misses fails (exit 1), a known miss passes while its error stays
within its margin and fails (MOVED) once it leaves it.

usage: test_runner.py FABSCALE WORKDIR    (one Python process: quick on a loaded machine)
"""

import contextlib
import copy
import io
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

SRC = os.path.join(run.HERE, "cases", "nccl-allreduce-p5-4nodes-8GiB.json")


def main(fabscale, workdir):
    base = json.load(open(SRC))
    base.pop("known_miss", None)
    failures = 0

    def runner(case, *extra):
        d = os.path.join(workdir, "case")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        path = os.path.join(d, "c.json")
        with open(path, "w") as f:
            if isinstance(case, str):
                f.write(case)
            else:
                json.dump(case, f)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            st = run.cli_main(["--fabscale", fabscale, "--cases", d] + list(extra))
        return st, out.getvalue(), err.getvalue()

    def check(name, case, want, text):
        nonlocal failures
        st, out, err = runner(case)
        problem = None
        if st != want:
            problem = "exit %d, wanted %d" % (st, want)
        elif text not in out + err:
            problem = "output lacks '%s'" % text
        elif want == 2 and len(err.strip().splitlines()) != 1:
            problem = "wanted one line on stderr"
        if problem:
            failures += 1
            print("FAIL %s: %s\n%s%s" % (name, problem, out, err))
        else:
            print("ok   %s" % name)

    def edited(fn):
        c = copy.deepcopy(base)
        fn(c)
        return c

    check("input without a source", edited(lambda c: c["input_sources"].pop("nic_Gbps")),
          2, "input 'nic_Gbps' has no source")
    check("unknown kind", edited(lambda c: c.update(kind="guess")), 2, "unknown kind")
    check("not JSON", '{"schema":', 2, "c.json")
    check("input of the wrong type",
          edited(lambda c: c["inputs"].update(nic_Gbps="fast")),
          2, "input 'nic_Gbps' must be a number")
    check("input fabscale refuses", edited(lambda c: c["inputs"].update(nic_Gbps=-800)),
          2, "exited 2")
    check("published figure far from the model",
          edited(lambda c: c["published"].update(value=1e6)), 1, "MISS")

    # The report lists every input with its source.
    st, out, _ = runner(base, "--markdown")
    missing = [k for k in base["inputs"]
               if "| `%s` |" % k not in out or base["input_sources"][k] not in out]
    if st != 0 or missing:
        failures += 1
        print("FAIL report lists every input: exit %d, missing %s" % (st, missing))
    else:
        print("ok   report lists every input")

    st, out, _ = runner(base, "--json")
    real = json.loads(out)[0]["error"]
    check("known miss at its recorded error",
          edited(lambda c: c.update(known_miss={"reason": "t", "error": real, "margin": 0.01})),
          0, "known miss")
    check("known miss that moved",
          edited(lambda c: c.update(known_miss={"reason": "t", "error": real + 0.05,
                                                "margin": 0.01})), 1, "MOVED")
    check("known miss without margin",
          edited(lambda c: c.update(known_miss={"reason": "t", "error": real})),
          2, "known_miss lacks 'margin'")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
