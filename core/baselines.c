#include "baselines.h"

#include <stdlib.h>
#include <string.h>

#include "expert.h"

/* ---- RS ----------------------------------------------------------------------- */

static rena_status random_predict(void *ctx, const rena_features *f, long frame,
                                  float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    (void)f;
    (void)err;
    rena_expert_sample(*(const uint64_t *)ctx, (uint64_t)frame, cmd, NULL);
    return RENA_OK;
}

rena_status rena_baseline_random(uint64_t seed, rena_mimic_policy *out, rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "rs baseline", "no policy to fill");
    memset(out, 0, sizeof *out);
    uint64_t *s = malloc(sizeof *s);
    if (!s)
        return rena_error_set(err, RENA_ERR_NOMEM, "rs baseline", "out of memory");
    *s = seed;
    *out = (rena_mimic_policy){"rs", 0, s, random_predict, free};
    return RENA_OK;
}

/* ---- NN ----------------------------------------------------------------------- */

long rena_baseline_nearest_row(const rena_samples *train, const float bs[RENA_NUM_BLENDSHAPES])
{
    long best = -1;
    float best_d = 0.0f;
    for (long i = 0; train && i < train->n; i++) {
        const float *row = train->blendshapes + i * RENA_NUM_BLENDSHAPES;
        float d = 0.0f;
        for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
            float e = row[k] - bs[k];
            d += e * e;
        }
        if (best < 0 || d < best_d) {
            best = i;
            best_d = d;
        }
    }
    return best;
}

static rena_status nearest_predict(void *ctx, const rena_features *f, long frame,
                                   float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    (void)frame;
    (void)err;
    const rena_samples *train = ctx;
    long row = rena_baseline_nearest_row(train, f->blendshapes);
    memcpy(cmd, train->commands + row * RENA_NUM_SERVOS, sizeof(float) * RENA_NUM_SERVOS);
    return RENA_OK;
}

rena_status rena_baseline_nearest(const rena_samples *train, rena_mimic_policy *out,
                                  rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "nn baseline", "no policy to fill");
    memset(out, 0, sizeof *out);
    if (!train || train->n < 1 || !train->blendshapes || !train->commands)
        return rena_error_set(err, RENA_ERR_ARG, "nn baseline", "the training split is empty");
    /* the split is only read, so the policy can point straight at it */
    *out = (rena_mimic_policy){"nn", RENA_FEAT_BLENDSHAPES, (void *)train, nearest_predict, NULL};
    return RENA_OK;
}
