#include "synthdata.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "rng.h"
#include "servo.h"

static void synthetic_sample(long i, unsigned valid, rena_features *f, float cmd[RENA_NUM_SERVOS])
{
    rena_rng r;
    rena_rng_init(&r, 4, (uint64_t)i);
    memset(f, 0, sizeof *f);
    f->valid = valid;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        f->blendshapes[k] = (float)rena_rng_uniform(&r);
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        f->landmarks[k][0] = 300.0f + 4.0f * k + 10.0f * f->blendshapes[k % 52];
        f->landmarks[k][1] = 200.0f + 3.0f * (k % 7) + 10.0f * f->blendshapes[(k + 9) % 52];
    }
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        cmd[k] = 0.2f + 0.6f * f->blendshapes[(k * 3) % 52];
}

void rena_test_make_dataset(const char *dir, long total, int images)
{
    rena_dataset_meta meta;
    rena_dataset_meta_default(&meta);
    meta.total = total;
    meta.test = total / 5;
    meta.images = images;
    meta.features = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    snprintf(meta.backend, sizeof meta.backend, "synthetic");
    rena_dataset_writer w;
    rena_error err;
    ck_assert_msg(rena_dataset_writer_open(&w, dir, &meta, &err) == RENA_OK, "%s", err.message);
    rena_image img = {64, 48, images ? malloc(64 * 48 * 3) : NULL};
    for (long i = 0; i < total; i++) {
        rena_features f;
        float cmd[RENA_NUM_SERVOS];
        synthetic_sample(i, meta.features, &f, cmd);
        ck_assert_int_eq(rena_dataset_writer_put(&w, i, cmd, &f, &err), RENA_OK);
        if (!images)
            continue;
        for (int k = 0; k < 64 * 48 * 3; k++)
            img.rgb[k] = (unsigned char)((k * 7 + i * 13) & 0xff);
        ck_assert_int_eq(rena_dataset_writer_put_image(&w, i, &img, &err), RENA_OK);
    }
    free(img.rgb);
    ck_assert_msg(rena_dataset_writer_commit(&w, &err) == RENA_OK, "%s", err.message);
}
