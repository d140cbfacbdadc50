#!/bin/sh
# bench_mpi.sh: throughput of `rena generate` and `rena train` at 1 and 2
# MPI ranks (speed-up, parallel efficiency), and the allreduce traffic per
# training step as the model grows (payload counted by the reduce hook vs
# the ring formula 2 (P-1)/P x params x 4 bytes).
# Usage: benchmarks/bench_mpi.sh [RENA_BINARY] [SAMPLES] [EPOCHS]
# Needs a -DRENA_MPI=ON build. Prints figures; asserts nothing.
set -eu
RENA=${1:-build/rena}
SAMPLES=${2:-400}
EPOCHS=${3:-20}
export OMPI_MCA_btl=self,vader
export OMPI_MCA_plm=isolated
export OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN="mpirun --allow-run-as-root --oversubscribe"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rena-bench-mpi.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

echo "== generation: $SAMPLES samples, sim backend, 1 job per rank"
t0=$(now); "$RENA" generate --out "$WORK/g0" --samples "$SAMPLES" >/dev/null; t1=$(now)
plain=$(rate "$SAMPLES" "$t0" "$t1")
for np in 1 2; do
    t0=$(now); $MPIRUN -np $np "$RENA" generate --out "$WORK/g$np" --samples "$SAMPLES" >/dev/null
    t1=$(now)
    eval "gen$np=$(rate "$SAMPLES" "$t0" "$t1")"
    cmp -s "$WORK/g0/train/commands.npy" "$WORK/g$np/train/commands.npy" ||
        echo "  WARNING: $np-rank dataset differs from the plain run"
done
awk -v p="$plain" -v a="$gen1" -v b="$gen2" 'BEGIN {
    printf "  plain process   %8.1f samples/s (wall, incl. start-up)\n", p
    printf "  mpirun -np 1    %8.1f samples/s\n", a
    printf "  mpirun -np 2    %8.1f samples/s   speed-up %.2fx vs -np 1, efficiency %.0f%%\n", b, b / a, 50 * b / a }'

echo "== training: $EPOCHS epochs on the $SAMPLES-sample dataset, batch 64"
TRAIN="train --data $WORK/g0 --epochs $EPOCHS --patience $EPOCHS --batch 64"
epoch_time() { sed -n 's/.*epochs in .* s (\([0-9.]*\) s\/epoch).*/\1/p' "$1"; }
"$RENA" $TRAIN --threads 1 --out "$WORK/p.rmodel" >"$WORK/p.out"
"$RENA" $TRAIN --threads 2 --out "$WORK/p2.rmodel" >"$WORK/p2.out"
$MPIRUN -np 1 "$RENA" $TRAIN --threads 1 --out "$WORK/m1.rmodel" >"$WORK/m1.out"
$MPIRUN -np 2 "$RENA" $TRAIN --threads 1 --out "$WORK/m2.rmodel" >"$WORK/m2.out"
awk -v a="$(epoch_time "$WORK/p.out")" -v t="$(epoch_time "$WORK/p2.out")" \
    -v b="$(epoch_time "$WORK/m1.out")" -v c="$(epoch_time "$WORK/m2.out")" 'BEGIN {
    printf "  1 process x 1 thread   %.4f s/epoch\n", a
    printf "  1 process x 2 threads  %.4f s/epoch   speed-up %.2fx (OpenMP peer)\n", t, a / t
    printf "  1 rank x 1 thread      %.4f s/epoch\n", b
    printf "  2 ranks x 1 thread     %.4f s/epoch   speed-up %.2fx vs 1 rank, efficiency %.0f%%\n", c, b / c, 50 * b / c }'
grep allreduce "$WORK/m2.out" | sed 's/^/  /'

echo "== allreduce traffic per step vs model size (2 ranks, kan-attn, 3 epochs)"
printf "  %8s %10s %14s %14s %12s\n" hidden params "payload B" "ring B/rank" "ms/step"
for h in 8 16 64 256; do
    $MPIRUN -np 2 "$RENA" train --data "$WORK/g0" --epochs 3 --batch 64 --threads 1 \
        --hidden $h --out "$WORK/h$h.rmodel" >"$WORK/h$h.out"
    params=$(sed -n 's/.*, \([0-9]*\) parameters.*/\1/p' "$WORK/h$h.out")
    sed -n 's/.*steps, \([0-9]*\) gradient bytes per step (ring: \([0-9]*\) sent per rank), \([0-9.]*\) ms.*/\1 \2 \3/p' \
        "$WORK/h$h.out" | {
        read -r payload ring ms
        awk -v h=$h -v p="$params" -v pay="$payload" -v ring="$ring" -v ms="$ms" 'BEGIN {
            printf "  %8d %10d %14d %14d %12.3f   computed 4p=%d, ring 2(P-1)/P*4p=%d\n",
                   h, p, pay, ring, ms, 4 * p, 4 * p }'
    }
done
