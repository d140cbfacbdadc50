#include "layernorm.h"

#include <math.h>
#include <string.h>

#include "vecops.h"

#define LN_EPS 1e-5f

long rena_layernorm_param_count(rena_layernorm_shape s) { return 2L * s.d; }
long rena_layernorm_cache_size(rena_layernorm_shape s) { return (long)s.n * s.d + 2L * s.n; }
long rena_layernorm_scratch_size(rena_layernorm_shape s) { return 2L * s.n; }

void rena_layernorm_init(rena_layernorm_shape s, float *p)
{
    for (int c = 0; c < s.d; c++) {
        p[c] = 1.0f;
        p[s.d + c] = 0.0f;
    }
}

void rena_layernorm_forward(rena_layernorm_shape s, const float *p, const float *x, float *y,
                            float *cache)
{
    const float *gamma = p, *beta = p + s.d;
    int n = s.n;
    float *xhat = cache, *rstd = cache + (long)n * s.d, *mean = rstd + n;
    float inv_d = 1.0f / (float)s.d;
    memset(mean, 0, sizeof(float) * (size_t)n);
    memset(rstd, 0, sizeof(float) * (size_t)n);
    for (int c = 0; c < s.d; c++)
        rena_vec_add(n, x + (long)c * n, mean);
    for (int j = 0; j < n; j++)
        mean[j] *= inv_d;
    for (int c = 0; c < s.d; c++) {
        float *hc = xhat + (long)c * n;
        const float *xc = x + (long)c * n;
        for (int j = 0; j < n; j++)
            hc[j] = xc[j] - mean[j];
        rena_vec_mul_add(n, hc, hc, rstd);
    }
    for (int j = 0; j < n; j++)
        rstd[j] = 1.0f / sqrtf(rstd[j] * inv_d + LN_EPS);
    for (int c = 0; c < s.d; c++) {
        float *hc = xhat + (long)c * n, *yc = y + (long)c * n;
        for (int j = 0; j < n; j++) {
            hc[j] *= rstd[j];
            yc[j] = gamma[c] * hc[j] + beta[c];
        }
    }
}

void rena_layernorm_backward(rena_layernorm_shape s, const float *p, const float *cache,
                             const float *dy, float *dx, float *dp, float *scratch)
{
    const float *gamma = p;
    int n = s.n;
    const float *xhat = cache, *rstd = cache + (long)n * s.d;
    float *dgamma = dp, *dbeta = dp + s.d;
    float *mean_g = scratch, *mean_gh = scratch + n;
    float inv_d = 1.0f / (float)s.d;
    memset(scratch, 0, sizeof(float) * 2 * (size_t)n);
    for (int c = 0; c < s.d; c++) {
        const float *hc = xhat + (long)c * n, *dyc = dy + (long)c * n;
        float *gc = dx + (long)c * n; /* dx holds g = dy * gamma until the end */
        for (int j = 0; j < n; j++)
            gc[j] = dyc[j] * gamma[c];
        rena_vec_add(n, gc, mean_g);
        rena_vec_mul_add(n, gc, hc, mean_gh);
        dgamma[c] += rena_vec_dot(n, dyc, hc);
        dbeta[c] += rena_vec_sum(n, dyc);
    }
    for (int c = 0; c < s.d; c++) {
        const float *hc = xhat + (long)c * n;
        float *dxc = dx + (long)c * n;
        for (int j = 0; j < n; j++)
            dxc[j] = rstd[j] * (dxc[j] - inv_d * (mean_g[j] + hc[j] * mean_gh[j]));
    }
}
