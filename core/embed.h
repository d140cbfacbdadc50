/* embed.h: the blendshape tokens. Each of the n coefficients becomes a
 * d-wide token: its (normalised) value times a learned per-token vector,
 * plus a learned bias shared by all tokens, plus the fixed sinusoidal
 * positional encoding of paper eqs. 2-3 (Vaswani et al.'s form,
 *   PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(same);
 * the paper's printed exponent 2i drops the /d, which would make every
 * column past the first two constant).
 *
 *   t[c][j] = x[j] * w[c][j] + b[c] + PE(j, c)
 *
 * The position code is what tells tokens apart before attention mixes them.
 * Token arrays are feature-major, [d][n] (channel c of token j at c*n + j),
 * as in attention.h and layernorm.h. Parameters: w[d][n] then b[d]. */
#ifndef RENA_EMBED_H
#define RENA_EMBED_H

#include "rng.h"

typedef struct {
    int n, d; /* tokens, token width */
} rena_embed_shape;

long rena_embed_param_count(rena_embed_shape s);
/* w ~ N(0,1) (as torch.nn.Embedding), b = 0. */
void rena_embed_init(rena_embed_shape s, float *p, rena_rng *rng);
/* Fills pe[d][n] with eqs. 2-3. */
void rena_embed_positional(rena_embed_shape s, float *pe);
void rena_embed_forward(rena_embed_shape s, const float *p, const float *pe, const float *x,
                        float *t);
/* Accumulates into dp; overwrites dx[n] unless dx is NULL. */
void rena_embed_backward(rena_embed_shape s, const float *p, const float *x, const float *dt,
                         float *dx, float *dp);

#endif
