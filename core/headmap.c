#include "headmap.h"

#include <math.h>
#include <string.h>

static long row_of(const long *rows, long i) { return rows ? rows[i] : i; }

static rena_status check_rows(const float *yaw, long yaw_stride, const float *command,
                              long command_stride, const long *rows, long n, rena_error *err)
{
    for (long i = 0; i < n; i++) {
        long r = row_of(rows, i);
        float y = yaw[r * yaw_stride], c = command[r * command_stride];
        if (!isfinite(y))
            return rena_error_set(err, RENA_ERR_RANGE, "head map",
                                  "row %ld: the head yaw is not finite", r);
        if (!(c >= 0.0f && c <= 1.0f))
            return rena_error_set(err, RENA_ERR_RANGE, "head map",
                                  "row %ld: head-yaw command %g is outside [0,1]", r, (double)c);
    }
    return RENA_OK;
}

rena_status rena_headmap_fit(const float *yaw, long yaw_stride, const float *command,
                             long command_stride, const long *rows, long n, rena_headmap *hm,
                             rena_error *err)
{
    memset(hm, 0, sizeof *hm);
    if (n < 1)
        return rena_error_set(err, RENA_ERR_SHAPE, "head map", "no rows to fit");
    rena_status st = check_rows(yaw, yaw_stride, command, command_stride, rows, n, err);
    if (st != RENA_OK)
        return st;
    /* centred sums: the yaw's mean is far from 0 on some data, and raw sums
     * of squares would cancel */
    double mx = 0, my = 0;
    for (long i = 0; i < n; i++) {
        long r = row_of(rows, i);
        mx += yaw[r * yaw_stride];
        my += command[r * command_stride];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0, sxy = 0, syy = 0;
    for (long i = 0; i < n; i++) {
        long r = row_of(rows, i);
        double dx = yaw[r * yaw_stride] - mx, dy = command[r * command_stride] - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    double b = 0.0, sse = syy;
    if (sqrt(sxx / (double)n) >= RENA_HEADMAP_MIN_YAW_SD) {
        b = sxy / sxx;
        sse = syy - b * sxy; /* residual sum of squares of the fitted line */
    } else {
        hm->degenerate = 1;
    }
    hm->a = (float)(my - b * mx);
    hm->b = (float)b;
    hm->rmse = (float)sqrt((sse > 0 ? sse : 0.0) / (double)n);
    hm->n = n > INT32_MAX ? INT32_MAX : (int32_t)n;
    return RENA_OK;
}

float rena_headmap_apply(const rena_headmap *hm, float yaw)
{
    if (!isfinite(yaw))
        yaw = 0.0f;
    float v = hm->a + hm->b * yaw;
    /* written so that a NaN (a corrupted map) lands on 0, never passes on */
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}

rena_status rena_headmap_check(const rena_headmap *hm, const char *where, rena_error *err)
{
    if (!isfinite(hm->a) || !isfinite(hm->b))
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "head map command = %g + %g * yaw is not finite", (double)hm->a,
                              (double)hm->b);
    if (!isfinite(hm->rmse) || hm->rmse < 0.0f)
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "head map residual RMSE %g is not finite and >= 0",
                              (double)hm->rmse);
    if (hm->n < 1)
        return rena_error_set(err, RENA_ERR_RANGE, where, "head map fitted on %d rows",
                              (int)hm->n);
    return RENA_OK;
}
