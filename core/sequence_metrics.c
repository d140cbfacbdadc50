#include "sequence_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "landmark_metrics.h"

rena_seq_params rena_seq_params_default(void)
{
    rena_seq_params p = {RENA_SEQ_B_S, RENA_SEQ_B_T, RENA_SEQ_T_D};
    return p;
}

/* F(x, b) of eqs. 13 and 15: maps a deviation to a similarity in (0, 1]. */
static double fit(double x, double b)
{
    return exp(-x * x / b);
}

/* rena_seq_displacements with errors located as "<label>, frame t". */
static rena_status displacements(const float *points, int frames, int n, double *d,
                                 const char *label, rena_error *err)
{
    if (!points || !d || frames < 1 || n < 2)
        return rena_error_set(err, RENA_ERR_ARG, "sequence",
                              "need >= 1 frame of >= 2 points (got %d frames, %d points)", frames,
                              n);
    for (int t = 0; t < frames; t++)
        for (int k = 0; k < 2 * n; k++)
            if (!isfinite(points[(size_t)t * 2 * n + k])) {
                char where[96];
                snprintf(where, sizeof where, "%s, frame %d", label, t);
                return rena_error_set(err, RENA_ERR_RANGE, where, "point %d %c is not finite",
                                      k / 2, k % 2 ? 'y' : 'x');
            }
    double r0 = rena_landmark_rms_radius(points, n);
    if (!(r0 > 0.0)) {
        char where[96];
        snprintf(where, sizeof where, "%s, frame 0", label);
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "all points coincide; the face has no size");
    }
    for (int t = 0; t < frames; t++) {
        const float *p = points + (size_t)t * 2 * n;
        for (int i = 0; i < n; i++)
            d[(size_t)t * n + i] = hypot((double)p[2 * i] - points[2 * i],
                                         (double)p[2 * i + 1] - points[2 * i + 1]) / r0;
    }
    return RENA_OK;
}

rena_status rena_seq_displacements(const float *points, int frames, int n, double *d,
                                   rena_error *err)
{
    return displacements(points, frames, n, d, "landmarks", err);
}

static rena_status check_params(const rena_seq_params *p, rena_error *err)
{
    if (!(p->b_s > 0.0) || !(p->b_t > 0.0) || !isfinite(p->b_s) || !isfinite(p->b_t))
        return rena_error_set(err, RENA_ERR_ARG, "sequence parameters",
                              "b_S and b_T must be finite and > 0 (got %g, %g)", p->b_s, p->b_t);
    if (!(p->t_d >= 0.0) || !isfinite(p->t_d))
        return rena_error_set(err, RENA_ERR_ARG, "sequence parameters",
                              "T_D must be finite and >= 0 (got %g)", p->t_d);
    return RENA_OK;
}

rena_status rena_seq_similarity(const double *dh, const double *dr, int frames, int n,
                                const rena_seq_params *p, double *gs, double *gt,
                                rena_error *err)
{
    rena_seq_params def = rena_seq_params_default();
    if (!p)
        p = &def;
    if (!dh || !dr || frames < 2 || n < 1)
        return rena_error_set(err, RENA_ERR_ARG, "sequence",
                              "need >= 2 frames and >= 1 point (got %d frames, %d points)",
                              frames, n);
    rena_status st = check_params(p, err);
    if (st != RENA_OK)
        return st;
    double space = 0.0, time = 0.0;
    for (int i = 0; i < n; i++) {
        double si = 0.0, ti = 0.0;
        for (int k = 1; k < frames; k++) {
            size_t now = (size_t)k * n + i, before = (size_t)(k - 1) * n + i;
            if (!isfinite(dh[now]) || !isfinite(dr[now]))
                return rena_error_set(err, RENA_ERR_RANGE, "sequence",
                                      "displacement of point %d at frame %d is not finite", i, k);
            si += fit(dh[now] - dr[now], p->b_s);
            ti += fit((dh[now] - dh[before]) - (dr[now] - dr[before]), p->b_t);
        }
        space += si / (frames - 1);
        time += ti / (frames - 1);
    }
    if (gs)
        *gs = 100.0 * space / n;
    if (gt)
        *gt = 100.0 * time / n;
    return RENA_OK;
}

rena_status rena_seq_smoothness(const float *commands, int frames, int m, double t_d,
                                double *gd, long *hops, rena_error *err)
{
    if (!commands || frames < 3 || m < 1)
        return rena_error_set(err, RENA_ERR_ARG, "sequence",
                              "smoothness needs >= 3 frames and >= 1 servo (got %d, %d)", frames,
                              m);
    if (!(t_d >= 0.0) || !isfinite(t_d))
        return rena_error_set(err, RENA_ERR_ARG, "sequence parameters",
                              "T_D must be finite and >= 0 (got %g)", t_d);
    for (int t = 0; t < frames; t++)
        for (int j = 0; j < m; j++)
            if (!isfinite(commands[(size_t)t * m + j])) {
                char where[64];
                snprintf(where, sizeof where, "commands, frame %d", t);
                return rena_error_set(err, RENA_ERR_RANGE, where, "command of servo %d is not finite",
                                      j);
            }
    long count = 0;
    for (int j = 0; j < m; j++)
        for (int k = 2; k < frames; k++) {
            double c0 = commands[(size_t)(k - 2) * m + j];
            double c1 = commands[(size_t)(k - 1) * m + j];
            double c2 = commands[(size_t)k * m + j];
            if (fabs(c2 - c1) - fabs(c1 - c0) > t_d)
                count++;
        }
    if (gd)
        *gd = 100.0 * (1.0 - (double)count / ((double)m * (frames - 2)));
    if (hops)
        *hops = count;
    return RENA_OK;
}

rena_status rena_seq_evaluate(const float *human, const float *robot, int n,
                              const float *commands, int m, int frames,
                              const rena_seq_params *p, rena_seq_metrics *out, rena_error *err)
{
    rena_seq_params def = rena_seq_params_default();
    if (!p)
        p = &def;
    if (!out || !human || !robot || frames < 2 || n < 2)
        return rena_error_set(err, RENA_ERR_ARG, "sequence",
                              "need >= 2 frames of >= 2 points (got %d frames, %d points)",
                              frames, n);
    rena_seq_metrics r = {0};
    r.frames = frames;
    double *dh = malloc(sizeof(double) * 2 * (size_t)frames * n);
    if (!dh)
        return rena_error_set(err, RENA_ERR_NOMEM, "sequence", "no memory for %d frames", frames);
    double *dr = dh + (size_t)frames * n;
    rena_status st = displacements(human, frames, n, dh, "human landmarks", err);
    if (st == RENA_OK)
        st = displacements(robot, frames, n, dr, "robot landmarks", err);
    if (st == RENA_OK)
        st = rena_seq_similarity(dh, dr, frames, n, p, &r.gs, &r.gt, err);
    if (st == RENA_OK && commands)
        st = rena_seq_smoothness(commands, frames, m, p->t_d, &r.gd, &r.hops, err);
    free(dh);
    if (st == RENA_OK)
        *out = r;
    return st;
}
