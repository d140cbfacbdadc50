#!/bin/bash
# slurm_generate.sh: a rena dataset made by a Slurm array job, one shard per
# array task, joined by a dependent `rena merge` job (docs/cluster.md).
#
# On the login node:
#   docs/slurm_generate.sh OUT [SAMPLES] [SEED] [SHARDS]
# submits the array (tasks 1..SHARDS, each `rena generate --shard I/SHARDS`)
# and a merge job that runs only if every task succeeded. A failed task
# leaves its siblings' shards in OUT.shards/: resubmit just that index with
#   sbatch --array=I --export=ALL,RENA_OUT=OUT,RENA_SAMPLES=...,RENA_SEED=...,RENA_SHARDS=... \
#          docs/slurm_generate.sh
# then submit the merge by hand: rena merge --out OUT OUT.shards/shard-*.
#
# OUT must be on a file system every node sees (the shards are read back by
# the merge job). Each task drives its own simulator; --images renders
# through EGL, so image datasets need nodes with a GPU or Mesa's EGL.
#SBATCH --job-name=rena-generate
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=rena-generate-%A_%a.log
set -euo pipefail

RENA=${RENA:-rena}

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    # Login node: submit the array and the merge that depends on it.
    out=${1:?usage: slurm_generate.sh OUT [SAMPLES] [SEED] [SHARDS]}
    samples=${2:-9000}
    seed=${3:-0}
    shards=${4:-16}
    out=$(realpath -m "$out")
    mkdir -p "$out.shards"
    job=$(sbatch --parsable --array="1-$shards" \
        --export="ALL,RENA_OUT=$out,RENA_SAMPLES=$samples,RENA_SEED=$seed,RENA_SHARDS=$shards" \
        "$0")
    job=${job%%;*}
    merge=$(sbatch --parsable --job-name=rena-merge --dependency="afterok:$job" \
        --cpus-per-task=1 --time=00:30:00 --output=rena-merge-%j.log \
        --wrap="$RENA merge --out '$out' '$out.shards'/shard-* && rm -rf '$out.shards'")
    echo "submitted array job $job ($shards shards of $samples samples) and merge job" \
        "${merge%%;*} into $out"
    exit 0
fi

# Array task I of N: the samples [total*(I-1)/N, total*I/N), seeded per
# sample, so the merged dataset is the one a single `rena generate` writes.
: "${RENA_OUT:?} ${RENA_SAMPLES:?} ${RENA_SEED:?} ${RENA_SHARDS:?}"
i=$SLURM_ARRAY_TASK_ID
exec "$RENA" generate --out "$RENA_OUT.shards/shard-$(printf %05d "$i")" \
    --samples "$RENA_SAMPLES" --seed "$RENA_SEED" \
    --shard "$i/$RENA_SHARDS" --jobs "${SLURM_CPUS_PER_TASK:-1}"
