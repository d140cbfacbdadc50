#include "servo_error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *rena_servo_region_name(int region)
{
    static const char *const names[RENA_NUM_REGIONS] = {"eyeball", "eyelid", "eyebrow", "mouth",
                                                         "head"};
    return region >= 0 && region < RENA_NUM_REGIONS ? names[region] : "?";
}

static rena_status check_finite(const float *a, long n, const char *what, rena_error *err)
{
    for (long i = 0; i < n * RENA_NUM_SERVOS; i++)
        if (!isfinite(a[i]))
            return rena_error_set(err, RENA_ERR_RANGE, what, "row %ld servo %s is not finite",
                                  i / RENA_NUM_SERVOS, rena_servos[i % RENA_NUM_SERVOS].name);
    return RENA_OK;
}

rena_status rena_servo_error_compute(const float *pred, const float *truth, long n,
                                     rena_servo_error *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    if (n < 1)
        return rena_error_set(err, RENA_ERR_ARG, "servo error", "no samples");
    rena_status st = check_finite(pred, n, "predictions", err);
    if (st == RENA_OK)
        st = check_finite(truth, n, "targets", err);
    if (st != RENA_OK)
        return st;
    double sq[RENA_NUM_SERVOS] = {0}, ab[RENA_NUM_SERVOS] = {0};
    int left[RENA_NUM_SERVOS], right[RENA_NUM_SERVOS];
    int np = rena_servo_consistency_pairs(left, right);
    double disagree = 0.0;
    for (long i = 0; i < n; i++) {
        const float *p = pred + i * RENA_NUM_SERVOS, *t = truth + i * RENA_NUM_SERVOS;
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            double e = (double)p[s] - t[s];
            sq[s] += e * e;
            ab[s] += fabs(e);
            out->max_abs = fabs(e) > out->max_abs ? fabs(e) : out->max_abs;
        }
        for (int k = 0; k < np; k++)
            disagree += fabs((double)p[left[k]] - p[right[k]]);
    }
    double rsq[RENA_NUM_REGIONS] = {0}, rab[RENA_NUM_REGIONS] = {0};
    int rcount[RENA_NUM_REGIONS] = {0};
    double tsq = 0, tab = 0;
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        out->servo_rmse[s] = sqrt(sq[s] / n);
        out->servo_mae[s] = ab[s] / n;
        int r = rena_servos[s].region;
        rsq[r] += sq[s];
        rab[r] += ab[s];
        rcount[r]++;
        tsq += sq[s];
        tab += ab[s];
    }
    for (int r = 0; r < RENA_NUM_REGIONS; r++) {
        out->region_rmse[r] = rcount[r] ? sqrt(rsq[r] / ((double)n * rcount[r])) : 0.0;
        out->region_mae[r] = rcount[r] ? rab[r] / ((double)n * rcount[r]) : 0.0;
    }
    out->n = n;
    out->rmse = sqrt(tsq / ((double)n * RENA_NUM_SERVOS));
    out->mae = tab / ((double)n * RENA_NUM_SERVOS);
    out->pair_disagreement = np ? disagree / ((double)n * np) : 0.0;
    return RENA_OK;
}

void rena_servo_error_per_sample(const float *pred, const float *truth, long n,
                                 double *per_sample)
{
    for (long i = 0; i < n; i++) {
        double s2 = 0;
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            double e = (double)pred[i * RENA_NUM_SERVOS + s] - truth[i * RENA_NUM_SERVOS + s];
            s2 += e * e;
        }
        per_sample[i] = sqrt(s2 / RENA_NUM_SERVOS);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

rena_status rena_servo_error_ced(const double *per_sample, long n, const double *thresholds,
                                 int nt, double *fraction, rena_error *err)
{
    if (n < 1)
        return rena_error_set(err, RENA_ERR_ARG, "CED", "no samples");
    double *sorted = malloc(sizeof(double) * (size_t)n);
    if (!sorted)
        return rena_error_set(err, RENA_ERR_NOMEM, "CED", "no memory for %ld errors", n);
    memcpy(sorted, per_sample, sizeof(double) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof(double), cmp_double);
    long below = 0;
    for (int k = 0; k < nt; k++) {
        /* thresholds are usually increasing; restart the count when not */
        if (k > 0 && thresholds[k] < thresholds[k - 1])
            below = 0;
        while (below < n && sorted[below] <= thresholds[k])
            below++;
        fraction[k] = (double)below / (double)n;
    }
    free(sorted);
    return RENA_OK;
}
