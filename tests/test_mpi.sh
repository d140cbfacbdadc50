#!/bin/sh
# test_mpi.sh: `rena generate` and `rena train` under mpirun with 2 ranks on
# this machine (loopback/shared memory only, never a network address).
# Usage: test_mpi.sh RENA_BINARY MPIEXEC   (registered by tests/mpi.cmake)
#
# What users rely on:
#  1. sharded generation over 2 ranks writes the dataset a single process
#     writes, byte for byte;
#  2. data-parallel training over 2 ranks matches the single-process run:
#     bit for bit against 2 threads (same split of each batch, and a sum of
#     two floats does not depend on order), and within a relative 1e-4 per
#     epoch loss against 1 thread (summation order differs); 1 rank is bit
#     for bit the plain run;
#  3. a rank that fails (RENA_MPI_FAULT, docs/cluster.md) or dies by SIGKILL
#     fails the job with a non-zero exit, names the rank, and leaves neither
#     a dataset folder nor the scratch folder behind; in training, neither
#     the model, its curves nor a temporary file;
#  4. --shard under mpirun is refused (the ranks already shard the run).
set -eu
RENA=$1
MPIEXEC=$2

# Loopback only: shared memory + self, no launcher daemons over ssh, no
# single-copy (ptrace may be forbidden in containers).
export OMPI_MCA_btl=self,vader
export OMPI_MCA_plm=isolated
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="$MPIEXEC --allow-run-as-root --oversubscribe"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rena-mpi-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir logs
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

no_leftovers() { # name: no dataset, no scratch folder, no temporary sibling
    for f in "$1" "$1".*; do
        [ -e "$f" ] && fail "$2: left behind: $f"
    done
    return 0
}

section_ok() { # message: printed only if the section added no failure
    if [ "$failures" = "$section_start" ]; then echo "ok $1"; fi
    section_start=$failures
}
section_start=0

# ---- 1. sharded generation equals the single-process dataset -------------
"$RENA" generate --out single --samples 40 --seed 11 >/dev/null
$MPIRUN -np 2 "$RENA" generate --out ranks2 --samples 40 --seed 11 >gen2.out
grep -q "with 2 MPI ranks" gen2.out || fail "generate: rank 0 summary missing: $(cat gen2.out)"
[ "$(grep -c 'rena generate: wrote' gen2.out)" = 1 ] || fail "generate: more than one rank printed"
diff -r single ranks2 >/dev/null || fail "generate: 2 ranks differ from 1 process"
ls -d ranks2.* >/dev/null 2>&1 && fail "generate: scratch folder left: $(ls -d ranks2.*)"
section_ok "1 - 2-rank generation is byte-identical to the single-process run"

# ---- 2. data-parallel training ---------------------------------------------
TRAIN="train --data single --epochs 6 --batch 8 --seed 5"
"$RENA" $TRAIN --threads 1 --out t1.rmodel >/dev/null
"$RENA" $TRAIN --threads 2 --out t2.rmodel >/dev/null
$MPIRUN -np 2 "$RENA" $TRAIN --threads 1 --out r2.rmodel >train2.out
$MPIRUN -np 1 "$RENA" $TRAIN --threads 1 --out r1.rmodel >/dev/null
grep -q "2 MPI ranks x 1 threads" train2.out || fail "train: rank 0 summary missing"
grep -q "head map: head_yaw" train2.out || fail "train: rank 0 does not print the fitted head map: $(cat train2.out)"
cmp -s r1.rmodel t1.rmodel || fail "train: 1 rank differs from the plain run"
cmp -s r2.rmodel t2.rmodel || fail "train: 2 ranks x 1 thread differ from 1 process x 2 threads"
[ -s r2.rmodel.curves.csv ] || fail "train: rank 0 wrote no curves"
# Every epoch's train/val/test loss (columns 3-5) within a relative 1e-4.
if ! awk -F, 'NR == FNR { if (FNR > 1) for (c = 3; c <= 5; c++) ref[FNR, c] = $c; next }
     FNR > 1 { for (c = 3; c <= 5; c++) {
                   d = $c - ref[FNR, c]; d = d < 0 ? -d : d
                   if (d > 1e-4 * ref[FNR, c] + 1e-9) { print "epoch " $1 " col " c ": " $c " vs " ref[FNR, c]; bad = 1 } }
               n++ }
     END { exit bad || n < 6 }' t1.rmodel.curves.csv r2.rmodel.curves.csv; then
    fail "train: 2 ranks and 1 thread disagree beyond 1e-4"
fi
section_ok "2 - 2-rank training matches 1 process (bitwise vs 2 threads, 1e-4 vs 1 thread)"

# ---- 3. a failing or dying rank fails the whole job -------------------------
if $MPIRUN -np 2 -x RENA_MPI_FAULT=1:5 "$RENA" generate --out bad --samples 40 --seed 11 \
    >logs/bad.out 2>logs/bad.err; then
    fail "fault: the job succeeded"
fi
grep -q "rank 1 of 2: RENA_MPI_FAULT: injected failure at sample 5" logs/bad.err ||
    fail "fault: message does not name rank 1: $(head -3 logs/bad.err)"
no_leftovers bad "fault"
if $MPIRUN -np 2 -x RENA_MPI_FAULT=1:5:kill "$RENA" generate --out dead --samples 40 \
    --seed 11 >logs/dead.out 2>logs/dead.err; then
    fail "kill: the job succeeded"
fi
grep -q "rank 1" logs/dead.err || fail "kill: mpirun does not name rank 1: $(head -5 logs/dead.err)"
no_leftovers dead "kill"
section_ok "3 - a failing or killed rank fails the job and leaves nothing"

# ---- 3b. the same for training: no model, no curves, no temporary file ------
# (2 ranks x 6 epochs of 4 batches: step 10 is in the third epoch)
if $MPIRUN -np 2 -x RENA_MPI_FAULT=1:10 "$RENA" $TRAIN --threads 1 --out tbad.rmodel \
    >logs/tbad.out 2>logs/tbad.err; then
    fail "train fault: the job succeeded"
fi
grep -q "rank 1 of 2: RENA_MPI_FAULT: injected failure at step 10" logs/tbad.err ||
    fail "train fault: message does not name rank 1: $(head -3 logs/tbad.err)"
no_leftovers tbad.rmodel "train fault"
if $MPIRUN -np 2 -x RENA_MPI_FAULT=1:10:kill "$RENA" $TRAIN --threads 1 --out tdead.rmodel \
    >logs/tdead.out 2>logs/tdead.err; then
    fail "train kill: the job succeeded"
fi
grep -q "rank 1" logs/tdead.err || fail "train kill: mpirun does not name rank 1: $(head -5 logs/tdead.err)"
no_leftovers tdead.rmodel "train kill"
section_ok "3b - a failing or killed rank fails training and leaves no model"

# ---- 4. --shard does not mix with mpirun --------------------------------------
if $MPIRUN -np 2 "$RENA" generate --out mixed --samples 40 --shard 1/2 >/dev/null 2>logs/mixed.err; then
    fail "shard: --shard under mpirun was accepted"
fi
grep -q -- "--shard" logs/mixed.err || fail "shard: error does not name --shard: $(head -2 logs/mixed.err)"
no_leftovers mixed "shard"
section_ok "4 - --shard under mpirun is refused"

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
