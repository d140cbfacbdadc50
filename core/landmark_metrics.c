#include "landmark_metrics.h"

#include <math.h>
#include <stdlib.h>

rena_ld_options rena_ld_options_default(void)
{
    rena_ld_options o = {RENA_LD_ALIGN_SIMILARITY, NULL, 0};
    return o;
}

double rena_landmark_rms_radius(const float *points, int n)
{
    if (!points || n < 1)
        return 0.0;
    double cx = 0.0, cy = 0.0;
    for (int i = 0; i < n; i++) {
        cx += points[2 * i];
        cy += points[2 * i + 1];
    }
    cx /= n;
    cy /= n;
    double ss = 0.0;
    for (int i = 0; i < n; i++) {
        double dx = points[2 * i] - cx, dy = points[2 * i + 1] - cy;
        ss += dx * dx + dy * dy;
    }
    return sqrt(ss / n);
}

/* Copies the selected points of one set into out (m pairs, double),
 * checking that every coordinate is finite. */
static rena_status gather(const float *pts, int n, const rena_ld_options *opt, const char *name,
                          double *out, rena_error *err)
{
    int m = opt->subset ? opt->n_subset : n;
    for (int k = 0; k < m; k++) {
        int i = opt->subset ? opt->subset[k] : k;
        if (i < 0 || i >= n)
            return rena_error_set(err, RENA_ERR_ARG, "landmark subset",
                                  "index %d (entry %d) is outside 0..%d", i, k, n - 1);
        for (int c = 0; c < 2; c++) {
            double v = pts[2 * i + c];
            if (!isfinite(v))
                return rena_error_set(err, RENA_ERR_RANGE, name, "%s[%d].%c is not finite", name,
                                      i, c ? 'y' : 'x');
            out[2 * k + c] = v;
        }
    }
    return RENA_OK;
}

/* Centres m points on their centroid and scales them to unit RMS radius. */
static rena_status normalise(double *p, int m, const char *name, rena_error *err)
{
    double cx = 0.0, cy = 0.0;
    for (int k = 0; k < m; k++) {
        cx += p[2 * k];
        cy += p[2 * k + 1];
    }
    cx /= m;
    cy /= m;
    double ss = 0.0;
    for (int k = 0; k < m; k++) {
        p[2 * k] -= cx;
        p[2 * k + 1] -= cy;
        ss += p[2 * k] * p[2 * k] + p[2 * k + 1] * p[2 * k + 1];
    }
    double r = sqrt(ss / m);
    /* relative test: coincident points can leave rounding noise behind */
    double scale = fabs(cx) + fabs(cy) + 1.0;
    if (!(r > 1e-12 * scale))
        return rena_error_set(err, RENA_ERR_RANGE, name,
                              "all %s points coincide; the face has no size", name);
    for (int k = 0; k < 2 * m; k++)
        p[k] /= r;
    return RENA_OK;
}

/* Rotates `act` about the origin by the angle that best maps it onto `tgt`
 * in least squares: maximise sum tgt . R act, i.e. theta = atan2(B, A). */
static void rotate_onto(const double *tgt, double *act, int m)
{
    double a = 0.0, b = 0.0;
    for (int k = 0; k < m; k++) {
        double xt = tgt[2 * k], yt = tgt[2 * k + 1], xa = act[2 * k], ya = act[2 * k + 1];
        a += xa * xt + ya * yt;
        b += xa * yt - ya * xt;
    }
    double theta = atan2(b, a), c = cos(theta), s = sin(theta);
    for (int k = 0; k < m; k++) {
        double x = act[2 * k], y = act[2 * k + 1];
        act[2 * k] = c * x - s * y;
        act[2 * k + 1] = s * x + c * y;
    }
}

rena_status rena_landmark_align(const float *target, const float *actual, int n,
                                const rena_ld_options *opt, double *target_out,
                                double *actual_out, rena_error *err)
{
    rena_ld_options def = rena_ld_options_default();
    if (!opt)
        opt = &def;
    if (!target || !actual || !target_out || !actual_out)
        return rena_error_set(err, RENA_ERR_ARG, "landmarks", "missing point set");
    if (n < 2)
        return rena_error_set(err, RENA_ERR_ARG, "landmarks", "need at least 2 points, got %d", n);
    if (opt->align != RENA_LD_ALIGN_SIMILARITY && opt->align != RENA_LD_ALIGN_SCALE)
        return rena_error_set(err, RENA_ERR_ARG, "landmarks", "unknown alignment %d",
                              (int)opt->align);
    int m = opt->subset ? opt->n_subset : n;
    if (m < 2)
        return rena_error_set(err, RENA_ERR_ARG, "landmark subset",
                              "need at least 2 points, got %d", m);
    rena_status st = gather(target, n, opt, "target", target_out, err);
    if (st == RENA_OK)
        st = gather(actual, n, opt, "actual", actual_out, err);
    if (st == RENA_OK)
        st = normalise(target_out, m, "target", err);
    if (st == RENA_OK)
        st = normalise(actual_out, m, "actual", err);
    if (st == RENA_OK && opt->align == RENA_LD_ALIGN_SIMILARITY)
        rotate_onto(target_out, actual_out, m);
    return st;
}

rena_status rena_landmark_distance(const float *target, const float *actual, int n,
                                   const rena_ld_options *opt, double *ld, rena_error *err)
{
    if (!ld)
        return rena_error_set(err, RENA_ERR_ARG, "landmarks", "missing output");
    int m = opt && opt->subset ? opt->n_subset : n;
    if (m < 2 || n < 2)
        return rena_error_set(err, RENA_ERR_ARG, opt && opt->subset ? "landmark subset" : "landmarks",
                              "need at least 2 points, got %d", m < n ? m : n);
    double *buf = malloc(sizeof(double) * 4 * (size_t)m);
    if (!buf)
        return rena_error_set(err, RENA_ERR_NOMEM, "landmarks", "no memory for %d points", m);
    double *t = buf, *a = buf + 2 * (size_t)m;
    rena_status st = rena_landmark_align(target, actual, n, opt, t, a, err);
    if (st == RENA_OK) {
        double sum = 0.0;
        for (int k = 0; k < m; k++)
            sum += hypot(t[2 * k] - a[2 * k], t[2 * k + 1] - a[2 * k + 1]);
        *ld = sum / m;
    }
    free(buf);
    return st;
}
