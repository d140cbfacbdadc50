/* attention.h: single-head scaled dot-product self-attention over n tokens
 * of width d (paper eq. 4), with learned projections:
 *
 *   Q = u Wq + bq,  K = u Wk + bk,  V = u Wv + bv
 *   y = softmax(Q K^T / sqrt(d)) V Wo + bo
 *
 * Each token's output mixes all tokens' values, weighted by how well its
 * query matches their keys: this is what lets a servo's command draw on the
 * blendshapes that matter for it. The model wraps it as a pre-norm residual
 * block, h = t + attention(layernorm(t)).
 *
 * Token arrays are feature-major, [d][n] (see embed.h), and the attention
 * weights are kept transposed, At[l][j] = weight of key l for query j, so
 * every inner loop (scores, softmax, mixing) runs across the n tokens in
 * vector lanes with no horizontal reductions: that is what brings a frame
 * under 10 us. Parameters: four dense d->d layers (dense.h layout) in the
 * order q, k, v, o. The cache holds Q, K, V, At and the mixed values for the
 * backward pass; scratch is backward-only. */
#ifndef RENA_ATTENTION_H
#define RENA_ATTENTION_H

#include "rng.h"

typedef struct {
    int n, d; /* tokens, token width */
} rena_attention_shape;

long rena_attention_param_count(rena_attention_shape s);
long rena_attention_cache_size(rena_attention_shape s);
long rena_attention_scratch_size(rena_attention_shape s);
void rena_attention_init(rena_attention_shape s, float *p, rena_rng *rng);
/* u[d][n] -> y[d][n]; u and y must not overlap. */
void rena_attention_forward(rena_attention_shape s, const float *p, const float *u, float *y,
                            float *cache);
/* Accumulates into dp; overwrites du[d][n]. */
void rena_attention_backward(rena_attention_shape s, const float *p, const float *u,
                             const float *cache, const float *dy, float *du, float *dp,
                             float *scratch);

#endif
