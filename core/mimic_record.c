/* mimic_record.c: what a mimic run did, frame by frame, and the paper's
 * metrics of it (mimic.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "landmark_metrics.h"
#include "mimic.h"
#include "sequence_metrics.h"

#define LM_FLOATS (RENA_NUM_LANDMARKS * 2)

void rena_mimic_record_init(rena_mimic_record *r)
{
    memset(r, 0, sizeof *r);
}

void rena_mimic_record_free(rena_mimic_record *r)
{
    if (!r)
        return;
    free(r->commands);
    free(r->target_lm);
    free(r->robot_lm);
    free(r->ld);
    free(r->ssim);
    rena_ssim_workspace_free(&r->ws);
    memset(r, 0, sizeof *r);
}

static int grow(void **p, size_t elem, long cap)
{
    void *q = realloc(*p, elem * (size_t)cap);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static rena_status reserve(rena_mimic_record *r, long need, rena_error *err)
{
    if (need <= r->capacity)
        return RENA_OK;
    long cap = r->capacity ? r->capacity : 64;
    while (cap < need)
        cap *= 2;
    if (grow((void **)&r->commands, sizeof(float) * RENA_NUM_SERVOS, cap) ||
        grow((void **)&r->target_lm, sizeof(float) * LM_FLOATS, cap) ||
        grow((void **)&r->robot_lm, sizeof(float) * LM_FLOATS, cap) ||
        grow((void **)&r->ld, sizeof(double), cap) || grow((void **)&r->ssim, sizeof(double), cap))
        return rena_error_set(err, RENA_ERR_NOMEM, "mimic record", "out of memory at %ld frames",
                              need);
    r->capacity = cap;
    return RENA_OK;
}

static rena_status compare_images(rena_mimic_record *r, const rena_image *a, const rena_image *b,
                                  double *ssim, rena_error *err)
{
    if (!r->ws.width) {
        rena_status st = rena_ssim_workspace_init(&r->ws, a->width, err);
        if (st != RENA_OK)
            return st;
    }
    if (a->width != r->ws.width)
        return rena_error_set(err, RENA_ERR_SHAPE, "mimic record",
                              "image width %d differs from the first frame's %d", a->width,
                              r->ws.width);
    return rena_ssim_rgb(a, b, &r->ws, ssim, err);
}

rena_status rena_mimic_record_add(rena_mimic_record *r, const rena_mimic_tick *t, int with_ssim,
                                  rena_error *err)
{
    if (!r || !t || !t->target || !t->command)
        return rena_error_set(err, RENA_ERR_ARG, "mimic record", "nothing to record");
    long k = r->frames;
    rena_status st = reserve(r, k + 1, err);
    if (st != RENA_OK)
        return st;
    memcpy(r->commands + k * RENA_NUM_SERVOS, t->command, sizeof(float) * RENA_NUM_SERVOS);
    float *tl = r->target_lm + k * LM_FLOATS, *rl = r->robot_lm + k * LM_FLOATS;
    r->ld[k] = r->ssim[k] = NAN;
    memset(tl, 0, sizeof(float) * LM_FLOATS);
    memset(rl, 0, sizeof(float) * LM_FLOATS);
    const rena_features *tf = &t->target->features;
    const rena_observation *ro = t->robot;
    if ((tf->valid & RENA_FEAT_LANDMARKS) && ro && (ro->features.valid & RENA_FEAT_LANDMARKS)) {
        memcpy(tl, tf->landmarks, sizeof(float) * LM_FLOATS);
        memcpy(rl, ro->features.landmarks, sizeof(float) * LM_FLOATS);
        if ((st = rena_landmark_distance(tl, rl, RENA_NUM_LANDMARKS, NULL, &r->ld[k], err)))
            return st;
        r->with_landmarks++;
    }
    if (with_ssim && t->target->has_image && ro && ro->has_image) {
        if ((st = compare_images(r, &t->target->image, &ro->image, &r->ssim[k], err)))
            return st;
        r->with_images++;
    }
    r->frames = k + 1;
    return RENA_OK;
}

static double mean_finite(const double *v, long n)
{
    double s = 0.0;
    long m = 0;
    for (long i = 0; i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            m++;
        }
    return m ? s / (double)m : NAN;
}

rena_status rena_mimic_record_scores(const rena_mimic_record *r, rena_mimic_scores *out,
                                     rena_error *err)
{
    if (!r || !out)
        return rena_error_set(err, RENA_ERR_ARG, "mimic record", "nothing to score");
    *out = (rena_mimic_scores){r->frames, NAN, NAN, NAN, NAN, NAN, NAN, 0};
    out->ld = mean_finite(r->ld, r->frames);
    out->ssim = mean_finite(r->ssim, r->frames);
    out->id = 100.0 * (1.0 - out->ssim);
    if (r->frames >= 3) {
        rena_status st = rena_seq_smoothness(r->commands, (int)r->frames, RENA_NUM_SERVOS,
                                             RENA_SEQ_T_D, &out->gd, &out->hops, err);
        if (st != RENA_OK)
            return st;
    }
    if (r->frames >= 2 && r->with_landmarks == r->frames) {
        rena_seq_metrics m;
        rena_status st = rena_seq_evaluate(r->target_lm, r->robot_lm, RENA_NUM_LANDMARKS, NULL,
                                           0, (int)r->frames, NULL, &m, err);
        if (st != RENA_OK)
            return st;
        out->gs = m.gs;
        out->gt = m.gt;
    }
    return RENA_OK;
}
