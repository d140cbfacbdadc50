#include "network.h"

#include <math.h>
#include <string.h>

#include "activation.h"
#include "blendshape.h"
#include "rng.h"
#include "servo.h"
#include "vecops.h"

#define POSE_INPUTS 3

static const char *const arch_names[] = {"?", "kan-attn", "kan", "mlp-attn", "mlp",
                                         "landmark-mlp"};

const char *rena_arch_name(rena_arch arch)
{
    return arch >= RENA_ARCH_FIRST && arch <= RENA_ARCH_LAST ? arch_names[arch] : "?";
}

int rena_arch_parse(const char *name, rena_arch *arch)
{
    for (int a = RENA_ARCH_FIRST; name && a <= RENA_ARCH_LAST; a++)
        if (!strcmp(name, arch_names[a])) {
            *arch = (rena_arch)a;
            return 0;
        }
    return -1;
}

int rena_arch_has_attention(rena_arch a) { return a == RENA_ARCH_KAN_ATTN || a == RENA_ARCH_MLP_ATTN; }
int rena_arch_has_kan(rena_arch a) { return a == RENA_ARCH_KAN_ATTN || a == RENA_ARCH_KAN; }
int rena_arch_uses_landmarks(rena_arch a) { return a == RENA_ARCH_LANDMARK_MLP; }

int rena_model_input_count(rena_arch arch)
{
    return rena_arch_uses_landmarks(arch) ? 2 * RENA_NUM_LANDMARKS
                                          : RENA_NUM_BLENDSHAPES + POSE_INPUTS;
}

void rena_model_hparams_default(rena_arch arch, rena_model_hparams *hp)
{
    memset(hp, 0, sizeof *hp);
    hp->arch = arch;
    hp->d_model = 8;
    hp->token_out = 1;
    hp->grid_size = 5;
    hp->spline_order = 3;
    hp->grid_lo = -1.0f;
    hp->grid_hi = 1.0f;
    int kan = rena_arch_has_kan(arch);
    hp->hidden[0] = kan ? 16 : 64;
    hp->hidden[1] = kan ? 16 : 64;
}

static int in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

rena_status rena_model_hparams_check(const rena_model_hparams *hp, rena_error *err)
{
    if (hp->arch < RENA_ARCH_FIRST || hp->arch > RENA_ARCH_LAST)
        return rena_error_set(err, RENA_ERR_ARG, "arch", "unknown architecture id %d",
                              (int)hp->arch);
    if (rena_arch_has_attention(hp->arch) &&
        (!in_range(hp->d_model, 2, 64) || !in_range(hp->token_out, 1, 16)))
        return rena_error_set(err, RENA_ERR_ARG, "d_model",
                              "token width %d must be 2..64 and token outputs %d 1..16",
                              hp->d_model, hp->token_out);
    if (!in_range(hp->hidden[0], 1, 1024) || !in_range(hp->hidden[1], 1, 1024))
        return rena_error_set(err, RENA_ERR_ARG, "hidden", "hidden widths %d, %d must be 1..1024",
                              hp->hidden[0], hp->hidden[1]);
    if (rena_arch_has_kan(hp->arch) &&
        (!in_range(hp->grid_size, 1, 32) || !in_range(hp->spline_order, 1, RENA_KAN_MAX_ORDER) ||
         !isfinite(hp->grid_lo) || !isfinite(hp->grid_hi) || !(hp->grid_lo < hp->grid_hi)))
        return rena_error_set(err, RENA_ERR_ARG, "grid",
                              "KAN grid %d intervals, order %d, range [%g,%g] unsupported "
                              "(1..32, 1..%d, lo < hi)",
                              hp->grid_size, hp->spline_order, (double)hp->grid_lo,
                              (double)hp->grid_hi, RENA_KAN_MAX_ORDER);
    return RENA_OK;
}

static rena_kan_shape kan_shape(const rena_model_hparams *hp, int n_in, int n_out)
{
    rena_kan_shape k = {n_in, n_out, hp->grid_size, hp->spline_order, hp->grid_lo, hp->grid_hi};
    return k;
}

/* Floats of the head's per-sample activations and caches. */
static long head_cache_size(const rena_network *n)
{
    long size = 0;
    for (int l = 0; l < 3; l++)
        size += rena_arch_has_kan(n->hp.arch)
                    ? rena_kan_cache_size(n->kan[l]) + n->kan[l].n_out
                    : 3L * n->mlp[l].n_out; /* pre-activation, sigmoid, output */
    return size;
}

static long attn_cache_size(const rena_network *n)
{
    long nd = (long)n->embed.n * n->embed.d;
    return 4 * nd + rena_layernorm_cache_size(n->norm) + rena_attention_cache_size(n->attn);
}

static long attn_scratch_size(const rena_network *n)
{
    return 3L * n->embed.n * n->embed.d + rena_layernorm_scratch_size(n->norm) +
           rena_attention_scratch_size(n->attn);
}

void rena_network_plan(const rena_model_hparams *hp, rena_network *n)
{
    memset(n, 0, sizeof *n);
    n->hp = *hp;
    n->n_in = rena_model_input_count(hp->arch);
    int attn = rena_arch_has_attention(hp->arch);
    n->n_head_in = attn ? RENA_NUM_BLENDSHAPES * hp->token_out + POSE_INPUTS : n->n_in;
    long off = 0;
    if (attn) {
        int d = hp->d_model;
        n->embed = (rena_embed_shape){RENA_NUM_BLENDSHAPES, d};
        n->norm = (rena_layernorm_shape){RENA_NUM_BLENDSHAPES, d};
        n->attn = (rena_attention_shape){RENA_NUM_BLENDSHAPES, d};
        n->proj = (rena_dense_shape){d, hp->token_out};
        n->off_embed = off;
        off += rena_embed_param_count(n->embed);
        n->off_norm = off;
        off += rena_layernorm_param_count(n->norm);
        n->off_attn = off;
        off += rena_attention_param_count(n->attn);
        n->off_proj = off;
        off += rena_dense_param_count(n->proj);
    }
    int widths[4] = {n->n_head_in, hp->hidden[0], hp->hidden[1], RENA_NUM_SERVOS};
    for (int l = 0; l < 3; l++) {
        n->off_head[l] = off;
        if (rena_arch_has_kan(hp->arch)) {
            n->kan[l] = kan_shape(hp, widths[l], widths[l + 1]);
            off += rena_kan_param_count(n->kan[l]);
        } else {
            n->mlp[l] = (rena_dense_shape){widths[l], widths[l + 1]};
            off += rena_dense_param_count(n->mlp[l]);
        }
    }
    n->n_params = off;
    n->cache_size = (attn ? attn_cache_size(n) : 0) + n->n_head_in + head_cache_size(n) +
                    2L * RENA_NUM_SERVOS;
    /* backward: two ping-pong gradient vectors as wide as any layer, plus the
     * attention block's gradients and scratch */
    long widest = n->n_head_in;
    for (int l = 0; l < 2; l++)
        widest = hp->hidden[l] > widest ? hp->hidden[l] : widest;
    widest = widest > RENA_NUM_SERVOS ? widest : RENA_NUM_SERVOS;
    n->scratch_size = 3 * widest;
    if (attn)
        n->scratch_size += attn_scratch_size(n);
}

void rena_network_init(const rena_network *n, float *params, uint64_t seed)
{
    rena_rng rng;
    rena_rng_init(&rng, seed, 0x6e6574); /* a stream of its own, apart from data shuffles */
    if (rena_arch_has_attention(n->hp.arch)) {
        rena_embed_init(n->embed, params + n->off_embed, &rng);
        rena_layernorm_init(n->norm, params + n->off_norm);
        rena_attention_init(n->attn, params + n->off_attn, &rng);
        rena_dense_init(n->proj, params + n->off_proj, &rng);
    }
    for (int l = 0; l < 3; l++) {
        if (rena_arch_has_kan(n->hp.arch))
            rena_kan_init(n->kan[l], params + n->off_head[l], &rng);
        else
            rena_dense_init(n->mlp[l], params + n->off_head[l], &rng);
    }
}

long rena_network_pe_size(const rena_network *n) { return (long)n->embed.n * n->embed.d; }

void rena_network_pe(const rena_network *n, float *pe)
{
    if (rena_arch_has_attention(n->hp.arch))
        rena_embed_positional(n->embed, pe);
}

/* Named views into one sample's cache. */
typedef struct {
    float *t, *ln, *u, *att, *a, *h; /* attention front end */
    float *head_in;
    float *head[3];       /* per head layer: KAN cache or MLP pre-activation */
    float *head_sig[3];   /* MLP: sigmoid of the pre-activation */
    float *head_out[3];   /* per head layer output (after SiLU for MLP hidden layers) */
    float *y;             /* [25] output */
} cache_view;

static cache_view split_cache(const rena_network *n, float *c)
{
    cache_view v;
    memset(&v, 0, sizeof v);
    if (rena_arch_has_attention(n->hp.arch)) {
        long nd = (long)n->embed.n * n->embed.d;
        v.t = c;
        v.ln = v.t + nd;
        v.u = v.ln + rena_layernorm_cache_size(n->norm);
        v.att = v.u + nd;
        v.a = v.att + rena_attention_cache_size(n->attn);
        v.h = v.a + nd;
        c = v.h + nd;
    }
    v.head_in = c;
    c += n->n_head_in;
    for (int l = 0; l < 3; l++) {
        if (rena_arch_has_kan(n->hp.arch)) {
            v.head[l] = c;
            c += rena_kan_cache_size(n->kan[l]);
            v.head_out[l] = c;
            c += n->kan[l].n_out;
        } else {
            v.head[l] = c;
            v.head_sig[l] = c + n->mlp[l].n_out;
            v.head_out[l] = c + 2L * n->mlp[l].n_out;
            c += 3L * n->mlp[l].n_out;
        }
    }
    v.y = c;
    return v;
}

/* z[k][j] = bp[k] + sum_c Wp[c][k] h[c][j]: the shared d -> p projection of
 * every token, on feature-major arrays. */
static void project_tokens(const rena_network *n, const float *w, const float *h, float *z)
{
    int nt = n->embed.n, d = n->embed.d, np = n->proj.n_out;
    const float *b = w + (long)d * np;
    for (int k = 0; k < np; k++) {
        float *zk = z + (long)k * nt;
        rena_vec_set(nt, b[k], zk);
        for (int c = 0; c < d; c++)
            rena_vec_axpy(nt, w[(long)c * np + k], h + (long)c * nt, zk);
    }
}

static void project_tokens_backward(const rena_network *n, const float *w, const float *h,
                                    const float *dz, float *dh, float *dw)
{
    int nt = n->embed.n, d = n->embed.d, np = n->proj.n_out;
    float *db = dw + (long)d * np;
    memset(dh, 0, sizeof(float) * (size_t)nt * (size_t)d);
    for (int k = 0; k < np; k++) {
        const float *dzk = dz + (long)k * nt;
        db[k] += rena_vec_sum(nt, dzk);
        for (int c = 0; c < d; c++) {
            dw[(long)c * np + k] += rena_vec_dot(nt, h + (long)c * nt, dzk);
            rena_vec_axpy(nt, w[(long)c * np + k], dzk, dh + (long)c * nt);
        }
    }
}

static void attention_forward(const rena_network *n, const float *p, const float *pe,
                              const float *x, const cache_view *v)
{
    long nd = (long)n->embed.n * n->embed.d;
    int np = n->proj.n_out;
    rena_embed_forward(n->embed, p + n->off_embed, pe, x, v->t);
    rena_layernorm_forward(n->norm, p + n->off_norm, v->t, v->u, v->ln);
    rena_attention_forward(n->attn, p + n->off_attn, v->u, v->a, v->att);
    for (long i = 0; i < nd; i++)
        v->h[i] = v->t[i] + v->a[i];
    project_tokens(n, p + n->off_proj, v->h, v->head_in);
    for (int k = 0; k < POSE_INPUTS; k++)
        v->head_in[(long)n->embed.n * np + k] = x[RENA_NUM_BLENDSHAPES + k];
}

void rena_network_forward(const rena_network *n, const float *p, const float *pe, const float *x,
                          float *y, float *cache)
{
    cache_view v = split_cache(n, cache);
    if (rena_arch_has_attention(n->hp.arch))
        attention_forward(n, p, pe, x, &v);
    else
        memcpy(v.head_in, x, sizeof(float) * (size_t)n->n_in);
    const float *in = v.head_in;
    for (int l = 0; l < 3; l++) {
        if (rena_arch_has_kan(n->hp.arch)) {
            rena_kan_forward(n->kan[l], p + n->off_head[l], in, v.head_out[l], v.head[l]);
        } else {
            rena_dense_forward(n->mlp[l], p + n->off_head[l], in, v.head[l]);
            if (l < 2)
                rena_act_silu(v.head[l], v.head_out[l], v.head_sig[l], n->mlp[l].n_out);
            else
                memcpy(v.head_out[l], v.head[l], sizeof(float) * RENA_NUM_SERVOS);
        }
        in = v.head_out[l];
    }
    rena_act_sigmoid(in, v.y, RENA_NUM_SERVOS);
    memcpy(y, v.y, sizeof(float) * RENA_NUM_SERVOS);
}

static void attention_backward(const rena_network *n, const float *p, const float *x,
                               const cache_view *v, const float *dhead, float *dp, float *scratch)
{
    long nd = (long)n->embed.n * n->embed.d;
    float *dh = scratch, *du = dh + nd, *dt = du + nd;
    float *ln_scratch = dt + nd, *att_scratch = ln_scratch + rena_layernorm_scratch_size(n->norm);
    project_tokens_backward(n, p + n->off_proj, v->h, dhead, dh, dp + n->off_proj);
    /* h = t + a: the residual sends dh to both */
    rena_attention_backward(n->attn, p + n->off_attn, v->u, v->att, dh, du, dp + n->off_attn,
                            att_scratch);
    rena_layernorm_backward(n->norm, p + n->off_norm, v->ln, du, dt, dp + n->off_norm,
                            ln_scratch);
    for (long i = 0; i < nd; i++)
        dt[i] += dh[i];
    rena_embed_backward(n->embed, p + n->off_embed, x, dt, NULL, dp + n->off_embed);
}

void rena_network_backward(const rena_network *n, const float *p, const float *x,
                           const float *cache, const float *dy, float *dp, float *scratch)
{
    cache_view v = split_cache(n, (float *)cache);
    long widest = n->scratch_size;
    if (rena_arch_has_attention(n->hp.arch))
        widest -= attn_scratch_size(n);
    widest /= 3;
    float *g = scratch, *g_in = scratch + widest, *layer_scratch = scratch + 2 * widest;
    for (int o = 0; o < RENA_NUM_SERVOS; o++)
        g[o] = dy[o] * rena_act_sigmoid_grad(v.y[o]);
    int need_input_grad = rena_arch_has_attention(n->hp.arch);
    for (int l = 2; l >= 0; l--) {
        const float *in = l > 0 ? v.head_out[l - 1] : v.head_in;
        float *dx = (l > 0 || need_input_grad) ? g_in : NULL;
        if (rena_arch_has_kan(n->hp.arch)) {
            rena_kan_backward(n->kan[l], p + n->off_head[l], in, v.head[l], g, dx,
                              dp + n->off_head[l], layer_scratch);
        } else {
            rena_dense_backward(n->mlp[l], p + n->off_head[l], in, g, dx, dp + n->off_head[l]);
        }
        if (l > 0 && !rena_arch_has_kan(n->hp.arch)) {
            /* through the SiLU that produced this layer's input */
            const float *pre = v.head[l - 1], *sig = v.head_sig[l - 1];
            for (int i = 0; i < n->mlp[l - 1].n_out; i++)
                g_in[i] *= rena_act_silu_grad(pre[i], sig[i]);
        }
        float *tmp = g;
        g = g_in;
        g_in = tmp;
    }
    if (need_input_grad)
        attention_backward(n, p, x, &v, g, dp, scratch + 3 * widest);
}
