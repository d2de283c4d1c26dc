#!/usr/bin/env python3
"""The report's HTML in a real headless browser (Debian's chromium), driven over the
DevTools protocol on a pipe (--remote-debugging-pipe: no network, no extra modules).

usage: browser_test.py FABSCALE DATA_DIR WORK_DIR

Writes a report of the two-cluster fixture (p4d/results.json, p5/results.json) and
checks, in the page as chromium renders it:
  - it loads with no console message of level warning or error, no exception, and no
    request for anything but the page itself (one self-contained file);
  - the first screen (the viewport of a 1280x800 window) shows the headline tables;
  - the ids the report promises exist: headline, headline-network, headline-training,
    comparison, comparison-summary, evidence, p2p-runs;
  - every chart is an inline SVG that renders (a non-empty box), captioned once;
  - the two files' series are named apart in the legends, and each model chart has one
    legend entry for its model curves.
Exit 0 pass, 1 fail, 77 when chromium is not installed (ctest: skipped)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FAIL = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAIL.append(what)


class Browser:
    def __init__(self, exe, profile):
        # fd 3: commands to the browser; fd 4: its replies (NUL-terminated JSON)
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            # the pipes may already sit at 3 or 4: copy both away first, then place them
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-sync",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1280,800",
             "about:blank"],
            close_fds=False, preexec_fn=fds, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        # os.pipe() fds are not inherited (PEP 446): the child keeps only the
        # inheritable copies dup2 made at 3 and 4 (close_fds would close those too)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.to_w, json.dumps(m).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            r = self._read(deadline)
            if r.get("id") == self.next_id:
                if "error" in r:
                    raise RuntimeError(f"{method}: {r['error']}")
                return r.get("result", {})
            self.events.append(r)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            e = self._read(deadline)
            self.events.append(e)
            if e.get("method") == method:
                return self.events.pop()

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main():
    fabscale, data, work = sys.argv[1:4]
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        print("chromium not installed (scripts/lib.sh installs it): skipped")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "report")
    files = [os.path.join(data, "p4d", "results.json"), os.path.join(data, "p5", "results.json")]
    env = dict(os.environ)
    subprocess.run([fabscale, "report", *files, "--out", out, "--nodes", "2,16",
                    "--gpus", "64,4096"], check=True, env=env)
    page = "file://" + os.path.abspath(os.path.join(out, "report.html"))
    profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
    b = Browser(exe, profile)
    try:
        targets = b.send("Target.getTargets")["targetInfos"]
        tid = next(t["targetId"] for t in targets if t["type"] == "page")
        sid = b.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        for dom in ("Runtime", "Log", "Page", "Network"):
            b.send(dom + ".enable", session=sid)
        b.events.clear()
        b.send("Page.navigate", {"url": page}, session=sid)
        b.wait_event("Page.loadEventFired")

        def js(expr):
            r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                       session=sid)
            if "exceptionDetails" in r:
                raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
            return r["result"].get("value")

        # let late console messages arrive
        js("new Promise(r => setTimeout(r, 300))")
        b.send("Runtime.evaluate", {"expression": "1"}, session=sid)
        msgs = [e for e in b.events if e.get("method") in
                ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")]
        bad = [e for e in msgs if e["method"] == "Runtime.exceptionThrown"
               or e["params"].get("type") in ("error", "warning", "assert")
               or e["params"].get("entry", {}).get("level") in ("error", "warning")]
        for e in bad:
            print("  console:", json.dumps(e["params"])[:300])
        check(not bad, "no console error, warning or exception")
        reqs = [e["params"]["request"]["url"] for e in b.events
                if e.get("method") == "Network.requestWillBeSent"]
        others = [u for u in reqs if u != page and not u.startswith("data:")]
        check(not others, f"self-contained: no request but the page ({others[:3]})")

        check(js("document.title") == "fabscale report", "title")
        for i in ("headline", "headline-network", "headline-training", "comparison",
                  "comparison-summary", "evidence", "p2p-runs"):
            check(js(f"!!document.getElementById('{i}')"), f"element #{i} exists")
        vh = js("window.innerHeight")
        top = js("document.getElementById('headline-network').getBoundingClientRect().bottom")
        check(top is not None and top <= vh,
              f"the network table ends on the first screen ({top} <= {vh} px)")
        rows = js("document.querySelectorAll('#headline-network tbody tr').length")
        check(rows == 2, f"one network row per file ({rows})")
        first = js("[...document.querySelectorAll('#headline-network tbody tr')]"
                   ".map(r => r.cells[0].textContent)")
        check(first == ["p4d/results.json", "p5/results.json"], f"files named apart ({first})")
        cells = js("[...document.querySelectorAll('#headline-training tbody td')]"
                   ".map(c => c.textContent).join('|')")
        check("dp-comm" in cells or "tp-comm" in cells, "training cells name their limit")
        # charts: inline, rendered, captioned once
        figs = js("[...document.querySelectorAll('figure')].map(f => ({"
                  "svg: !!f.querySelector('svg'), "
                  "w: f.querySelector('svg') ? f.querySelector('svg').getBoundingClientRect().width : 0, "
                  "h: f.querySelector('svg') ? f.querySelector('svg').getBoundingClientRect().height : 0, "
                  "cap: f.querySelector('figcaption') ? f.querySelector('figcaption').textContent : ''}))")
        check(len(figs) >= 5, f"charts drawn ({len(figs)})")
        check(all(f["svg"] and f["w"] > 100 and f["h"] > 100 for f in figs),
              "every chart is an inline SVG that renders")
        body = js("document.body.innerText")
        for f in figs:
            check(body.count(f["cap"]) == 1, f"caption once: {f['cap']!r}")
        legend = js("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
        for name in ("p4d/results.json: latency", "p5/results.json: latency"):
            check(any(t.startswith(name) for t in legend), f"legend names {name}")
        keys = [t for t in legend if t.startswith("dashed:")]
        check(len(keys) == 2, f"one model legend entry per model chart ({len(keys)})")
        check(not any("model (auto)" in t for t in legend), "no repeated 'model (auto)' entries")
    finally:
        b.close()
    print("FAILED: " + "; ".join(FAIL) if FAIL else "all checks passed")
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
