/* kan_edges.c: single edges of a KAN layer, evaluated and ranked
 * (kan_edges.h). */
#include "kan_edges.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blendshape.h"
#include "servo.h"

static const char *const POSE_NAMES[3] = {"yaw", "pitch", "roll"};

const float *rena_kan_edges_layer(const rena_model *m, int layer, rena_kan_shape *shape)
{
    if (!m || !rena_arch_has_kan(m->hp.arch) || layer < 0 || layer > 2)
        return NULL;
    *shape = m->net.kan[layer];
    return m->params + m->net.off_head[layer];
}

/* The edge's parameters laid out as a 1x1 layer: wb, c[G+p], ws
 * (core/kan.h's input-major layout with n_in = n_out = 1). */
static void edge_params(rena_kan_shape s, const float *p, int in, int out, float *one)
{
    long io = (long)s.n_in * s.n_out, nb = rena_kan_num_bases(s);
    one[0] = p[(long)in * s.n_out + out];
    for (long k = 0; k < nb; k++)
        one[1 + k] = p[io + ((long)in * nb + k) * s.n_out + out];
    one[1 + nb] = p[io + io * nb + (long)in * s.n_out + out];
}

rena_status rena_kan_edge_eval(rena_kan_shape s, const float *params, int in, int out,
                               const double *x, double *y, int n, rena_error *err)
{
    if (in < 0 || in >= s.n_in || out < 0 || out >= s.n_out)
        return rena_error_set(err, RENA_ERR_ARG, "kan edge",
                              "edge %d -> %d outside a %d x %d layer", in, out, s.n_in, s.n_out);
    rena_kan_shape one = s;
    one.n_in = one.n_out = 1;
    float *p = malloc(sizeof(float) * (size_t)rena_kan_param_count(one));
    float *cache = malloc(sizeof(float) * (size_t)rena_kan_cache_size(one));
    if (!p || !cache) {
        free(p);
        free(cache);
        return rena_error_set(err, RENA_ERR_NOMEM, "kan edge", "out of memory");
    }
    edge_params(s, params, in, out, p);
    for (int k = 0; k < n; k++) {
        float xf = (float)x[k], yf = 0.0f;
        rena_kan_forward(one, p, &xf, &yf, cache);
        y[k] = yf;
    }
    free(p);
    free(cache);
    return RENA_OK;
}

static int by_strength(const void *a, const void *b)
{
    const rena_kan_edge *x = a, *y = b;
    if (x->l1 != y->l1)
        return x->l1 > y->l1 ? -1 : 1;
    if (x->in != y->in)
        return x->in < y->in ? -1 : 1;
    return (x->out > y->out) - (x->out < y->out);
}

rena_status rena_kan_edges_strongest(rena_kan_shape s, const float *params, int k,
                                     rena_kan_edge *out, int *found, rena_error *err)
{
    *found = 0;
    long n = (long)s.n_in * s.n_out;
    rena_kan_edge *all = n > 0 ? malloc(sizeof *all * (size_t)n) : NULL;
    if (!all)
        return rena_error_set(err, RENA_ERR_NOMEM, "kan edges", "out of memory");
    double x[RENA_KAN_EDGE_SAMPLES], y[RENA_KAN_EDGE_SAMPLES];
    for (int j = 0; j < RENA_KAN_EDGE_SAMPLES; j++)
        x[j] = s.lo + (s.hi - s.lo) * j / (RENA_KAN_EDGE_SAMPLES - 1.0);
    rena_status st = RENA_OK;
    for (long e = 0; e < n && st == RENA_OK; e++) {
        all[e] = (rena_kan_edge){(int)(e / s.n_out), (int)(e % s.n_out), 0.0};
        st = rena_kan_edge_eval(s, params, all[e].in, all[e].out, x, y, RENA_KAN_EDGE_SAMPLES, err);
        for (int j = 0; j < RENA_KAN_EDGE_SAMPLES; j++)
            all[e].l1 += fabs(y[j]) / RENA_KAN_EDGE_SAMPLES;
    }
    if (st == RENA_OK) {
        qsort(all, (size_t)n, sizeof *all, by_strength);
        *found = k < n ? k : (int)n;
        memcpy(out, all, sizeof *all * (size_t)*found);
    }
    free(all);
    return st;
}

void rena_kan_edges_input_name(const rena_model *m, int layer, int in, char *buf, size_t size)
{
    if (layer > 0) {
        snprintf(buf, size, "h%d.%d", layer, in);
        return;
    }
    int per_token = rena_arch_has_attention(m->hp.arch) ? m->hp.token_out : 1;
    int n_bs = RENA_NUM_BLENDSHAPES * per_token;
    if (in >= n_bs) {
        int k = in - n_bs;
        snprintf(buf, size, "%s", k < 3 ? POSE_NAMES[k] : "?");
    } else if (per_token == 1) {
        snprintf(buf, size, "%s", rena_blendshape_names[in]);
    } else {
        /* feature-major: z[k][j] of token j sits at k * 52 + j (network.h) */
        snprintf(buf, size, "%s.%d", rena_blendshape_names[in % RENA_NUM_BLENDSHAPES],
                 in / RENA_NUM_BLENDSHAPES);
    }
}

void rena_kan_edges_output_name(const rena_model *m, int layer, int out, char *buf, size_t size)
{
    (void)m;
    if (layer >= 2 && out >= 0 && out < RENA_NUM_SERVOS)
        snprintf(buf, size, "%s", rena_servos[out].name);
    else
        snprintf(buf, size, "h%d.%d", layer + 1, out);
}
