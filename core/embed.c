#include "embed.h"

#include <math.h>
#include <string.h>

#include "vecops.h"

long rena_embed_param_count(rena_embed_shape s) { return (long)s.n * s.d + s.d; }

void rena_embed_init(rena_embed_shape s, float *p, rena_rng *rng)
{
    for (long i = 0; i < (long)s.n * s.d; i++)
        p[i] = (float)rena_rng_normal(rng);
    for (int c = 0; c < s.d; c++)
        p[(long)s.n * s.d + c] = 0.0f;
}

void rena_embed_positional(rena_embed_shape s, float *pe)
{
    for (int c = 0; c < s.d; c++)
        for (int pos = 0; pos < s.n; pos++) {
            int i2 = c - (c % 2); /* the 2i of eqs. 2-3 */
            double angle = pos / pow(10000.0, (double)i2 / s.d);
            pe[(long)c * s.n + pos] = (float)(c % 2 ? cos(angle) : sin(angle));
        }
}

void rena_embed_forward(rena_embed_shape s, const float *p, const float *pe, const float *x,
                        float *t)
{
    const float *b = p + (long)s.n * s.d;
    for (int c = 0; c < s.d; c++) {
        float *tc = t + (long)c * s.n;
        const float *wc = p + (long)c * s.n, *pec = pe + (long)c * s.n;
        for (int j = 0; j < s.n; j++)
            tc[j] = x[j] * wc[j] + b[c] + pec[j];
    }
}

void rena_embed_backward(rena_embed_shape s, const float *p, const float *x, const float *dt,
                         float *dx, float *dp)
{
    float *db = dp + (long)s.n * s.d;
    if (dx)
        memset(dx, 0, sizeof(float) * (size_t)s.n);
    for (int c = 0; c < s.d; c++) {
        const float *dtc = dt + (long)c * s.n;
        rena_vec_mul_add(s.n, x, dtc, dp + (long)c * s.n);
        db[c] += rena_vec_sum(s.n, dtc);
        if (dx)
            rena_vec_mul_add(s.n, p + (long)c * s.n, dtc, dx);
    }
}
