/* dataset_merge.c: joining the shard folders of one dataset into one folder
 * (rena_dataset_merge), through the writer of dataset_write.c. */
#include "dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rena_status shards_agree(const rena_dataset_meta *a, const rena_dataset_meta *b,
                                const char *dir, rena_error *err)
{
    const char *field = NULL;
    if (a->total != b->total)
        field = "samples";
    else if (a->test != b->test)
        field = "test";
    else if (a->seed != b->seed)
        field = "seed";
    else if (a->shard_count != b->shard_count)
        field = "shard";
    else if (a->images != b->images)
        field = "images";
    else if (strcmp(a->strategy, b->strategy))
        field = "strategy";
    else if (strcmp(a->backend, b->backend))
        field = "backend";
    else if (strcmp(a->mujoco_version, b->mujoco_version))
        field = "mujoco_version";
    else if (strcmp(a->rena_version, b->rena_version))
        field = "rena_version";
    else if (a->landmark_noise_px != b->landmark_noise_px)
        field = "landmark_noise_px";
    else if (a->features != b->features)
        field = "features";
    if (!field)
        return RENA_OK;
    char where[4300];
    snprintf(where, sizeof where, "%s/meta.json: %s", dir, field);
    return rena_error_set(err, RENA_ERR_SHAPE, where,
                          "differs from the first shard: these shards are not parts of one dataset");
}

static rena_status put_split_rows(rena_dataset_writer *w, const char *dir, const char *split,
                                  unsigned features, rena_error *err)
{
    rena_samples s;
    rena_status st = rena_dataset_load_shard_split(dir, split, &s, err);
    for (long i = 0; st == RENA_OK && i < s.n; i++) {
        rena_features f;
        memcpy(f.blendshapes, s.blendshapes + i * RENA_NUM_BLENDSHAPES, sizeof f.blendshapes);
        memcpy(f.landmarks, s.landmarks + i * RENA_NUM_LANDMARKS * 2, sizeof f.landmarks);
        memcpy(f.head_pose, s.head_pose + i * 3, sizeof f.head_pose);
        f.valid = features;
        st = rena_dataset_writer_put_sample(w, s.index[i], s.commands + i * RENA_NUM_SERVOS,
                                            s.positions + i * RENA_NUM_SERVOS, &f, err);
    }
    rena_samples_free(&s);
    return st;
}

static rena_status merge_shard(rena_dataset_writer *w, const char *dir, const rena_dataset_meta *m,
                               const rena_progress *progress, rena_error *err)
{
    rena_status st = put_split_rows(w, dir, "train", m->features, err);
    if (st == RENA_OK)
        st = put_split_rows(w, dir, "test", m->features, err);
    for (long i = m->begin; st == RENA_OK && m->images && i < m->end; i++) {
        char src[4200];
        snprintf(src, sizeof src, "%s/images/%06ld.png", dir, i);
        st = rena_dataset_writer_put_image_file(w, i, src, err);
        if (rena_progress_cancelled(progress))
            st = rena_error_set(err, RENA_ERR_INTERRUPTED, dir, "merge interrupted");
    }
    return st;
}

static rena_status read_shard_metas(const char *const *shards, int n, rena_dataset_meta *metas,
                                    int *order, rena_error *err)
{
    for (int k = 0; k < n; k++)
        order[k] = -1;
    for (int k = 0; k < n; k++) {
        rena_status st = rena_dataset_read_meta(shards[k], &metas[k], err);
        if (st == RENA_OK && k > 0)
            st = shards_agree(&metas[0], &metas[k], shards[k], err);
        if (st != RENA_OK)
            return st;
        if (metas[k].shard_count != n)
            return rena_error_set(err, RENA_ERR_SHAPE, shards[k],
                                  "is shard %ld/%ld but %d shard folders were given",
                                  metas[k].shard_index, metas[k].shard_count, n);
        int slot = (int)metas[k].shard_index - 1;
        if (order[slot] >= 0)
            return rena_error_set(err, RENA_ERR_SHAPE, shards[k], "shard %ld/%ld given twice (also %s)",
                                  metas[k].shard_index, metas[k].shard_count, shards[order[slot]]);
        order[slot] = k;
    }
    return RENA_OK;
}

rena_status rena_dataset_merge(const char *out, const char *const *shards, int n_shards,
                               const rena_progress *progress, rena_error *err)
{
    if (!out || !shards || n_shards < 1)
        return rena_error_set(err, RENA_ERR_ARG, "merge", "needs an output folder and shard folders");
    rena_dataset_meta *metas = calloc((size_t)n_shards, sizeof *metas);
    int *order = calloc((size_t)n_shards, sizeof *order);
    if (!metas || !order) {
        free(metas);
        free(order);
        return rena_error_set(err, RENA_ERR_NOMEM, "merge", "out of memory");
    }
    rena_status st = read_shard_metas(shards, n_shards, metas, order, err);
    rena_dataset_writer w;
    memset(&w, 0, sizeof w);
    if (st == RENA_OK) {
        rena_dataset_meta whole = metas[0];
        whole.shard_index = whole.shard_count = 1;
        st = rena_dataset_writer_open(&w, out, &whole, err);
    }
    for (int s = 0; st == RENA_OK && s < n_shards; s++) {
        rena_progress_report(progress, "merging", s, n_shards, shards[order[s]]);
        st = merge_shard(&w, shards[order[s]], &metas[order[s]], progress, err);
    }
    if (st == RENA_OK) {
        rena_progress_report(progress, "merging", n_shards, n_shards, NULL);
        st = rena_dataset_writer_commit(&w, err);
    }
    rena_dataset_writer_abort(&w);
    free(metas);
    free(order);
    return st;
}
