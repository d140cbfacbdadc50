/* layernorm.h: layer normalisation of each of n tokens over its d channels,
 * y = gamma * (x - mean) / sqrt(var + 1e-5) + beta, used before the
 * attention of the attention block (pre-norm).
 *
 * Arrays are feature-major, [d][n], like every token array (embed.h), so
 * the statistics of all tokens are computed side by side in vector lanes.
 * Parameters: gamma[d] then beta[d]. The cache keeps the normalised values,
 * each token's 1/std and a mean buffer; backward needs 2n scratch floats. */
#ifndef RENA_LAYERNORM_H
#define RENA_LAYERNORM_H

typedef struct {
    int n, d; /* tokens, channels */
} rena_layernorm_shape;

long rena_layernorm_param_count(rena_layernorm_shape s);
long rena_layernorm_cache_size(rena_layernorm_shape s);
long rena_layernorm_scratch_size(rena_layernorm_shape s);
/* gamma = 1, beta = 0. */
void rena_layernorm_init(rena_layernorm_shape s, float *p);
void rena_layernorm_forward(rena_layernorm_shape s, const float *p, const float *x, float *y,
                            float *cache);
/* Accumulates into dp, overwrites dx. */
void rena_layernorm_backward(rena_layernorm_shape s, const float *p, const float *cache,
                             const float *dy, float *dx, float *dp, float *scratch);

#endif
