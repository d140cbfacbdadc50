#include "attention.h"

#include <math.h>
#include <string.h>

#include "activation.h"
#include "dense.h"
#include "vecops.h"

typedef struct {
    const float *q, *k, *v, *o; /* the four projections' parameter blocks */
} projections;

/* q[c][j] is channel c of token j; at[l][j] the weight of key l for query j. */
typedef struct {
    float *q, *k, *v, *at, *av, *colmax, *colsum, *stage; /* stage: n*n exp inputs */
} cache_view;

static long proj_size(rena_attention_shape s) { return (long)s.d * s.d + s.d; }

static projections split_params(rena_attention_shape s, const float *p)
{
    long m = proj_size(s);
    projections pr = {p, p + m, p + 2 * m, p + 3 * m};
    return pr;
}

static cache_view split_cache(rena_attention_shape s, float *c)
{
    long nd = (long)s.n * s.d;
    cache_view v;
    v.q = c;
    v.k = c + nd;
    v.v = c + 2 * nd;
    v.at = c + 3 * nd;
    v.av = v.at + (long)s.n * s.n;
    v.colmax = v.av + nd;
    v.colsum = v.colmax + s.n;
    v.stage = v.colsum + s.n;
    return v;
}

long rena_attention_param_count(rena_attention_shape s) { return 4 * proj_size(s); }

long rena_attention_cache_size(rena_attention_shape s)
{
    return 4L * s.n * s.d + 2L * s.n * s.n + 2L * s.n;
}

long rena_attention_scratch_size(rena_attention_shape s)
{
    return 4L * s.n * s.d + (long)s.n * s.n + s.n;
}

void rena_attention_init(rena_attention_shape s, float *p, rena_rng *rng)
{
    rena_dense_shape ds = {s.d, s.d};
    for (int i = 0; i < 4; i++)
        rena_dense_init(ds, p + i * proj_size(s), rng);
}

/* y[o] = b[o] + sum_i W[i][o] x[i], on feature-major rows of n tokens. */
static void project(rena_attention_shape s, const float *w, const float *x, float *y)
{
    rena_vec_gemm(s.d, s.d, s.n, w, 1, s.d, x, w + (long)s.d * s.d, 0, y);
}

/* Backward of project: accumulates dW, db and (+=) dx. */
static void project_backward(rena_attention_shape s, const float *w, const float *x,
                             const float *dy, float *dx, float *dw)
{
    float *db = dw + (long)s.d * s.d;
    for (int o = 0; o < s.d; o++) {
        const float *drow = dy + (long)o * s.n;
        db[o] += rena_vec_sum(s.n, drow);
        for (int i = 0; i < s.d; i++)
            dw[(long)i * s.d + o] += rena_vec_dot(s.n, x + (long)i * s.n, drow);
    }
    rena_vec_gemm(s.d, s.d, s.n, w, s.d, 1, dy, NULL, 1, dx);
}

/* At[l][j] = softmax over keys l of Q_j . K_l / sqrt(d). Each query's
 * scores are shifted by their maximum so every exponent is <= 0; all n*n
 * exponentials then go through one call, in full vector blocks. */
static void attention_weights(rena_attention_shape s, const cache_view *c)
{
    int n = s.n;
    long nn = (long)n * n;
    float scale = 1.0f / sqrtf((float)s.d);
    float *st = c->stage;
    /* raw scores St[l][j] = K_l . Q_j; the scale joins in the exponent */
    rena_vec_gemm(n, s.d, n, c->k, 1, n, c->q, NULL, 0, st);
    memcpy(c->colmax, st, sizeof(float) * (size_t)n);
    for (int l = 1; l < n; l++)
        rena_vec_max(n, st + (long)l * n, c->colmax);
    for (int l = 0; l < n; l++) {
        float *sl = st + (long)l * n;
        for (int j = 0; j < n; j++)
            sl[j] = (c->colmax[j] - sl[j]) * scale;
    }
    rena_act_exp_neg(st, c->at, (int)nn);
    memset(c->colsum, 0, sizeof(float) * (size_t)n);
    for (int l = 0; l < n; l++)
        rena_vec_add(n, c->at + (long)l * n, c->colsum);
    for (int j = 0; j < n; j++)
        c->colsum[j] = 1.0f / c->colsum[j];
    for (int l = 0; l < n; l++)
        rena_vec_mul(n, c->colsum, c->at + (long)l * n);
}

void rena_attention_forward(rena_attention_shape s, const float *p, const float *u, float *y,
                            float *cache)
{
    projections pr = split_params(s, p);
    cache_view c = split_cache(s, cache);
    int n = s.n;
    project(s, pr.q, u, c.q);
    project(s, pr.k, u, c.k);
    project(s, pr.v, u, c.v);
    attention_weights(s, &c);
    /* av[c][j] = sum_l v[c][l] At[l][j] */
    rena_vec_gemm(s.d, n, n, c.v, n, 1, c.at, NULL, 0, c.av);
    project(s, pr.o, c.av, y);
}

void rena_attention_backward(rena_attention_shape s, const float *p, const float *u,
                             const float *cache, const float *dy, float *du, float *dp,
                             float *scratch)
{
    projections pr = split_params(s, p);
    long m = proj_size(s), nd = (long)s.n * s.d;
    int n = s.n;
    cache_view c = split_cache(s, (float *)cache);
    float *dav = scratch, *dq = dav + nd, *dk = dq + nd, *dv = dk + nd;
    float *dst = dv + nd, *w = dst + (long)n * n;
    float scale = 1.0f / sqrtf((float)s.d);
    memset(scratch, 0, sizeof(float) * (size_t)(4 * nd + (long)n * n + n));
    project_backward(s, pr.o, c.av, dy, dav, dp + 3 * m);
    /* from av[c][j] = sum_l v[c][l] At[l][j] */
    rena_vec_gemm(n, s.d, n, c.v, 1, n, dav, NULL, 0, dst);
    for (int l = 0; l < n; l++) {
        const float *al = c.at + (long)l * n;
        for (int ch = 0; ch < s.d; ch++)
            dv[(long)ch * n + l] = rena_vec_dot(n, dav + (long)ch * n, al);
        rena_vec_mul_add(n, al, dst + (long)l * n, w);
    }
    /* softmax backward per query j: dS = A (dA - sum_l A dA), times the
     * score scale; then S[l][j] = scale * K_l . Q_j */
    for (int l = 0; l < n; l++) {
        const float *al = c.at + (long)l * n;
        float *dsl = dst + (long)l * n;
        for (int j = 0; j < n; j++)
            dsl[j] = al[j] * (dsl[j] - w[j]) * scale;
        for (int ch = 0; ch < s.d; ch++)
            dk[(long)ch * n + l] = rena_vec_dot(n, c.q + (long)ch * n, dsl);
    }
    rena_vec_gemm(s.d, n, n, c.k, n, 1, dst, NULL, 0, dq);
    memset(du, 0, sizeof(float) * (size_t)nd);
    project_backward(s, pr.q, u, dq, du, dp);
    project_backward(s, pr.k, u, dk, du, dp + m);
    project_backward(s, pr.v, u, dv, du, dp + 2 * m);
}
