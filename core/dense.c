#include "dense.h"

#include <math.h>

#include "vecops.h"

long rena_dense_param_count(rena_dense_shape s) { return (long)s.n_in * s.n_out + s.n_out; }

void rena_dense_init(rena_dense_shape s, float *p, rena_rng *rng)
{
    double bound = 1.0 / sqrt((double)s.n_in);
    long n = rena_dense_param_count(s);
    for (long i = 0; i < n; i++)
        p[i] = (float)rena_rng_range(rng, -bound, bound);
}

void rena_dense_forward(rena_dense_shape s, const float *p, const float *x, float *y)
{
    const float *w = p, *b = p + (long)s.n_in * s.n_out;
    rena_vec_copy(s.n_out, b, y);
    rena_vec_gemm(1, s.n_in, s.n_out, x, 0, 1, w, NULL, 1, y);
}

void rena_dense_backward(rena_dense_shape s, const float *p, const float *x, const float *dy,
                         float *dx, float *dp)
{
    float *dw = dp, *db = dp + (long)s.n_in * s.n_out;
    for (int o = 0; o < s.n_out; o++)
        db[o] += dy[o];
    for (int i = 0; i < s.n_in; i++) {
        rena_vec_axpy(s.n_out, x[i], dy, dw + (long)i * s.n_out);
        if (dx)
            dx[i] = rena_vec_dot(s.n_out, p + (long)i * s.n_out, dy);
    }
}
