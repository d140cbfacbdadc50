/* fuzz_dataset_meta.c: a dataset's meta.json (core/dataset.h). The reader
 * only takes a folder, so each input is written to a scratch folder first.
 * Whatever it accepts must describe a consistent shard of a dataset. */
#include <math.h>

#include "dataset.h"
#include "fuzz_util.h"

rena_status fuzz_dataset_meta_one(const uint8_t *data, size_t size);

static void meta_check(const rena_dataset_meta *m)
{
    FUZZ_REQUIRE(m->total >= 2 && m->total <= RENA_DATASET_MAX_SAMPLES, "samples %ld", m->total);
    FUZZ_REQUIRE(m->test >= 1 && m->test < m->total, "test %ld of %ld", m->test, m->total);
    FUZZ_REQUIRE(m->shard_count >= 1 && m->shard_count <= m->total && m->shard_index >= 1 &&
                     m->shard_index <= m->shard_count,
                 "shard %ld/%ld of %ld samples", m->shard_index, m->shard_count, m->total);
    long begin, end;
    rena_dataset_shard_range(m->total, m->shard_index, m->shard_count, &begin, &end);
    FUZZ_REQUIRE(m->begin == begin && m->end == end, "range [%ld,%ld), shard says [%ld,%ld)",
                 m->begin, m->end, begin, end);
    FUZZ_REQUIRE(m->n_train >= 0 && m->n_test >= 0 && m->n_train + m->n_test == end - begin,
                 "rows %ld + %ld for a range of %ld", m->n_train, m->n_test, end - begin);
    FUZZ_REQUIRE(isfinite(m->landmark_noise_px) && m->landmark_noise_px >= 0.0, "noise %g",
                 m->landmark_noise_px);
    FUZZ_REQUIRE((m->features & ~7u) == 0, "features 0x%x", m->features);
    FUZZ_REQUIRE(m->images == 0 || m->images == 1, "images %d", m->images);
    FUZZ_REQUIRE_TERMINATED(m->strategy);
    FUZZ_REQUIRE_TERMINATED(m->backend);
    FUZZ_REQUIRE_TERMINATED(m->mujoco_version);
    FUZZ_REQUIRE_TERMINATED(m->rena_version);
}

rena_status fuzz_dataset_meta_one(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_scratch_file("meta.json", data, size, path, sizeof path);
    rena_dataset_meta m;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_dataset_read_meta(fuzz_scratch_dir(), &m, &err);
    fuzz_require_status(st, &err);
    if (st == RENA_OK)
        meta_check(&m);
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dataset_meta_one(data, size);
    return 0;
}
#endif
