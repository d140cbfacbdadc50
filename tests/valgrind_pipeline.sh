#!/usr/bin/env bash
# Runs the CLI pipeline on a tiny dataset under valgrind memcheck, every step
# a fresh process: generate (features only) -> train -> eval -> mimic (a
# simulated performer, no renders) -> report. Fails on any memcheck error
# (invalid access, uninitialised value, bad free) and on any definitely or
# indirectly lost block; "possibly lost" is printed but allowed (libgomp's
# worker threads are still parked in its pool at exit).
# No step renders with OpenGL, so there is no Mesa/llvmpipe noise and
# nothing is suppressed. Usage: valgrind_pipeline.sh RENA_BINARY [VALGRIND]
set -euo pipefail
rena=$1 valgrind=${2:-valgrind}
work=$(mktemp -d /tmp/rena-valgrind-XXXXXX)
trap 'rm -rf "$work"' EXIT

memcheck=("$valgrind" --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect
          --error-exitcode=9 --track-origins=no)

# step NAME ARGS...: one rena subcommand under memcheck; prints its wall time
# and error/leak summary, or the whole valgrind log when it fails.
step() {
    local name=$1
    shift
    local log="$work/$name.valgrind.log" start end code=0
    start=$(date +%s.%N)
    "${memcheck[@]}" --log-file="$log" "$rena" "$@" > "$work/$name.out" 2>&1 || code=$?
    end=$(date +%s.%N)
    local seconds errors lost
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    errors=$(grep -o 'ERROR SUMMARY: [0-9,]* errors' "$log" | tail -1 || true)
    lost=$(grep -Eo '(definitely|indirectly|possibly) lost: [0-9,]* bytes' "$log" |
           paste -sd';' - | sed 's/;/; /g' || true)
    printf '%-9s %6.1f s  %s  %s\n' "$name" "$seconds" "$errors" "${lost:-no leaks}"
    if [ "$code" -ne 0 ]; then
        echo "valgrind_pipeline: 'rena $name' exited $code (9 = memcheck errors)" >&2
        cat "$work/$name.out" "$log" >&2
        exit 1
    fi
}

cd "$work"
step generate generate --out data --samples 30 --seed 1
step train    train --data data --out model.json --epochs 3 --threads 2
step eval     eval --model model.json --data data --out eval --threads 2
step mimic    mimic --model model.json --input performer:ana/happiness --out mimic --no-renders
step report   report --out report --data data --model model.json --eval eval --mimic mimic \
                     --edges 2 --threads 2
test -s report/index.html
echo "valgrind_pipeline: 5 steps, 0 memcheck errors, no definite or indirect leaks"
