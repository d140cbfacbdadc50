/* dense.h: a fully connected layer y = W x + b, the building block of the
 * MLP heads and of the attention projections.
 *
 * Parameters, in order: W as n_in rows of n_out (input-major, so the forward
 * pass is a run of axpys over contiguous outputs), then b[n_out].
 * Backward accumulates (+=) into the parameter gradient and overwrites dx. */
#ifndef RENA_DENSE_H
#define RENA_DENSE_H

#include "rng.h"

typedef struct {
    int n_in, n_out;
} rena_dense_shape;

long rena_dense_param_count(rena_dense_shape s);
/* PyTorch's nn.Linear default: W and b uniform in +-1/sqrt(n_in). */
void rena_dense_init(rena_dense_shape s, float *p, rena_rng *rng);
void rena_dense_forward(rena_dense_shape s, const float *p, const float *x, float *y);
/* dx may be NULL when the input needs no gradient. */
void rena_dense_backward(rena_dense_shape s, const float *p, const float *x, const float *dy,
                         float *dx, float *dp);

#endif
