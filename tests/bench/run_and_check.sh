#!/usr/bin/env bash
# run_and_check.sh MPIEXEC NP OUT -- BENCH_CMD... -- CHECK_CMD...
# Runs the benchmark under mpirun writing OUT, then the checker on OUT.
set -euo pipefail
mpiexec=$1 np=$2 out=$3
shift 3
[ "$1" = "--" ] && shift
bench=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bench+=("$1"); shift; done
shift
rm -f "$out"
extra=()
[ "$np" -gt "$(nproc)" ] && extra+=(--oversubscribe)
"$mpiexec" "${extra[@]}" -n "$np" "${bench[@]}" -q -o "$out" --force > "$out.txt"
cat "$out.txt"
python3 "$(dirname "$0")/../common/check_schema.py" "$out"
check=$1
shift
"$check" "$out" "$@"
