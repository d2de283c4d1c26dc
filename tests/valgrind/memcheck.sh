#!/bin/sh
# memcheck.sh FABSCALE DATA_DIR WORK_DIR - valgrind memcheck over the
# analysis program: `fabscale import`, `fit`, `predict` and `report` on
# every sample in DATA_DIR (tests/data: OSU, nccl-tests text and -J JSON,
# fabscale JSON, and the malformed bad_* files, whose error paths must not
# leak either) and on small_results.json next to this script (a real
# fabscale-bench run: latency, bw and allreduce, 1 B to 64 KiB, 2 ranks);
# then `train`, `compare` and `plan`, which read the catalogues (shipped,
# a user one, and the malformed ones of tests/fuzz/regressions/catalog).
# Passes when valgrind reports zero errors (invalid reads/writes, uses of
# uninitialised values, definite leaks) in every run and each command exits
# with the status it should: 0 on good input, 2 on bad input.
#
# valgrind's own error status is 99 so that it cannot be confused with the
# program's 1 (runtime failure) and 2 (bad input).
set -u
F=$1
D=$2
W=$3
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W"
mkdir -p "$W"
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-origins=yes --num-callers=30"
fail=0
runs=0

# vg NAME WANT CMD... : run CMD under memcheck; exit status WANT (0 or 2;
# "same": whatever the command returns without valgrind, which must be 0 or 2)
vg() {
    name=$1
    want=$2
    shift 2
    if [ "$want" = same ]; then
        "$@" >/dev/null 2>&1
        want=$?
        if [ "$want" -ne 0 ] && [ "$want" -ne 2 ]; then
            echo "FAIL $name: exit $want without valgrind"
            fail=1
            return
        fi
    fi
    runs=$((runs + 1))
    [ "$want" = 0 ] && good_runs=$((good_runs + 1))
    # shellcheck disable=SC2086
    $VG --log-file="$W/$name.vg" "$@" >"$W/$name.out" 2>"$W/$name.err"
    rc=$?
    if [ "$rc" -eq 99 ] || [ -s "$W/$name.vg" ]; then
        echo "FAIL $name: valgrind errors:"
        cat "$W/$name.vg"
        fail=1
    elif [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"
        cat "$W/$name.err"
        fail=1
    else
        echo "ok   $name (exit $rc)"
    fi
}

SMALL=$HERE/small_results.json
good=""
for f in "$D"/*.json "$D"/*.txt; do
    case $(basename "$f") in
    bad_*) ;;
    *) [ -f "$f" ] && good="$good $f" ;;
    esac
done
[ -n "$good" ] || { echo "FAIL: no sample files in $D"; exit 1; }
good_runs=0

# One file at a time: each reader's path through each subcommand.  Not
# every sample has what every subcommand needs (fit wants latency or bw
# runs): those must refuse with status 2, cleanly.
for f in $good "$SMALL"; do
    b=$(basename "$f")
    vg "import-$b" 0 "$F" import "$f" -o "$W/imported-$b.json" --osu-ranks 8
    vg "fit-$b" same "$F" fit --points "$f"
    vg "predict-$b" same "$F" predict "$f" --ranks 2,16,1024 --sizes 8,64K,16M \
        --collective all --osu-ranks 8
    vg "predict-link-$b" same "$F" predict "$f" --link 20:12.5 --ranks 8 --osu-ranks 8 --json
done

# Everything at once (several formats merged, links matched across files),
# with charts when gnuplot is there; the machine-readable outputs.
# shellcheck disable=SC2086
vg import-all 0 "$F" import $good "$SMALL" -o "$W/all.json" --osu-ranks 8
vg fit-all-json 0 "$F" fit --json "$W/all.json"
vg predict-all-csv 0 "$F" predict --csv "$W/all.json" --ranks 4,64 --collective all
vg predict-hier 0 "$F" predict "$SMALL" --ranks 16,1024 --ranks-per-node 8 --intra-GBps 300 \
    --algorithm hier,auto --json
vg report-small 0 "$F" report "$SMALL" --out "$W/report-small"
# shellcheck disable=SC2086
vg report-all 0 "$F" report $good "$SMALL" --osu-ranks 8 --out "$W/report-all" --json
FS_GNUPLOT=/nonexistent/gnuplot vg report-no-gnuplot 0 "$F" report "$SMALL" --out "$W/report-ng"

# The subcommands that read the catalogues (shipped instances, workloads,
# example prices, and a user catalogue) when this fabscale has them.
CAT=$HERE/../fuzz/corpus/catalog/user_catalog.json
if "$F" train --help >/dev/null 2>&1; then
    vg train 0 "$F" train "$SMALL" --model bert-large --instance p4d.24xlarge --gpus 8,64,512
    vg train-link-json 0 "$F" train --model gpt3-175b --link 20,12.5 --instance p5.48xlarge \
        --gpus 1024 --tp 8 --pp 8 --json
    vg compare 0 "$F" compare "$SMALL" --instance "$SMALL=p4d.24xlarge" --model gpt3-175b \
        --gpus 1024 --prices example
    vg plan 0 "$F" plan --model resnet50 --samples 90M --deadline 2d "$SMALL" \
        --instance "$SMALL=p5.48xlarge" --prices example
    vg plan-user-catalog 0 "$F" plan --model resnet50 --samples 90M --deadline 2d \
        --instance p5.48xlarge,my.cluster --nominal 20 --prices example --catalog "$CAT"
    # (most are refused, some are odd but valid: either way, cleanly)
    for f in "$HERE"/../fuzz/regressions/catalog/*.json; do
        vg "catalog-$(basename "$f")" same "$F" train --model resnet50 --link 20,12.5 \
            --instance p4d.24xlarge --gpus 8 --catalog "$f"
    done
fi

# Malformed input: refused with status 2, and nothing leaks on the way out.
for f in "$D"/bad_*; do
    b=$(basename "$f")
    vg "bad-fit-$b" 2 "$F" fit "$f"
    vg "bad-import-$b" 2 "$F" import "$SMALL" "$f" -o "$W/never.json"
done
vg bad-usage 2 "$F" predict "$SMALL" --ranks 4,x
vg bad-missing 2 "$F" report "$W/nope.json" --out "$W/r-nope"

[ -s "$W/report-small/report.md" ] || { echo "FAIL report-small: no report.md"; fail=1; }
[ -e "$W/never.json" ] && { echo "FAIL bad-import: wrote output for bad input"; fail=1; }
# the good paths must be most of it, or this test proves little
[ "$good_runs" -ge 20 ] || { echo "FAIL: only $good_runs runs on the good path"; fail=1; }
echo "memcheck: $runs runs under valgrind ($good_runs on good input), \
$([ $fail = 0 ] && echo "zero errors" || echo FAILED)"
exit $fail
