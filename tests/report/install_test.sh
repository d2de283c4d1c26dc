#!/bin/sh
# install_test.sh BUILD_DIR WORK_DIR - `cmake --install` is relocatable.
# Installs into a staging DESTDIR under prefix /opt/fabscale, moves the
# prefix elsewhere, and runs the installed programs from another directory
# with FABSCALE_DATADIR unset.  Proof that the data files are read from the
# moved prefix and never from the source tree (which still exists beside the
# build): an instance type added only to the moved copy of the catalogue is
# found; with the moved copy taken away the program fails, naming the moved
# location, instead of falling back to the source tree's catalogue.
set -u
B=$1
W=$2
fail=0
rm -rf "$W"
mkdir -p "$W/cwd"
DESTDIR="$W/stage" cmake --install "$B" --prefix /opt/fabscale > "$W/install.log" 2>&1 ||
    { cat "$W/install.log"; echo "FAIL: cmake --install"; exit 1; }
mv "$W/stage/opt/fabscale" "$W/moved" || exit 1
rm -rf "$W/stage"
P=$W/moved
for f in bin/fabscale bin/fabscale-bench share/fabscale/instances.json \
    share/fabscale/workloads.json share/man/man1/fabscale.1 share/man/man1/fabscale-bench.1 \
    share/doc/fabscale/README.md share/doc/fabscale/results.schema.json; do
    [ -s "$P/$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
grep -q "subcommands" "$P/share/man/man1/fabscale.1" ||
    { echo "FAIL: fabscale.1 does not hold fabscale --help"; fail=1; }
grep -q "transport" "$P/share/man/man1/fabscale-bench.1" ||
    { echo "FAIL: fabscale-bench.1 does not hold fabscale-bench --help"; fail=1; }

# an instance type only the moved catalogue has
python3 - "$P/share/fabscale/instances.json" <<'PY' || exit 1
import json, sys
p = sys.argv[1]
d = json.load(open(p))
e = dict(next(i for i in d["instances"] if i["name"] == "p5.48xlarge"))
e["name"] = "relocated.test"
d["instances"].append(e)
json.dump(d, open(p, "w"))
PY
cd "$W/cwd" || exit 1
run() { env -u FABSCALE_DATADIR "$P/bin/fabscale" train --link 17,12.5 --instance relocated.test \
    --model resnet50 --gpus 16 > "$W/out.txt" 2>&1; }
if run && grep -q "relocated.test" "$W/out.txt"; then
    echo "ok: the moved prefix's catalogue is read"
else
    cat "$W/out.txt"
    echo "FAIL: fabscale from the moved prefix did not read its own data files"
    fail=1
fi
mv "$P/share/fabscale" "$P/share/fabscale.away"
if run; then
    cat "$W/out.txt"
    echo "FAIL: with the moved catalogue gone fabscale still found one (the source tree?)"
    fail=1
elif grep -qF "$P/bin/../share/fabscale" "$W/out.txt"; then
    echo "ok: without it the error names the moved prefix: $(head -1 "$W/out.txt")"
else
    cat "$W/out.txt"
    echo "FAIL: the error does not name the moved prefix's data directory"
    fail=1
fi
mv "$P/share/fabscale.away" "$P/share/fabscale"
"$P/bin/fabscale-bench" --version | grep -q "fabscale-bench" ||
    { echo "FAIL: the moved fabscale-bench does not run"; fail=1; }
exit $fail
