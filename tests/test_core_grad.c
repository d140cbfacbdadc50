/* Finite-difference checks of every layer's backward pass, and checks that
 * the checker itself catches a wrong gradient (a flipped sign, a 10% error,
 * a swapped pair of entries).
 *
 * The layers compute in float32, so the numerical derivative uses central
 * differences of a scalar objective L = sum_k r_k y_k (r random, summed in
 * double) with step 1e-3; its error is about 1e-4, far below the 2% + 2e-3
 * tolerance, while the mutation tests show that tolerance still rejects
 * gradients that are wrong by 10%. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "attention.h"
#include "dense.h"
#include "embed.h"
#include "kan.h"
#include "layernorm.h"
#include "loss.h"
#include "network.h"
#include "rng.h"
#include "testutil.h"

#define STEP 1e-3f
#define RTOL 2e-2
#define ATOL 2e-3

/* A layer under test: forward fills y (and its cache); backward takes dy. */
typedef struct layer_case layer_case;
struct layer_case {
    int n_params, n_in, n_out;
    float *p, *x;
    void (*forward)(layer_case *c, const float *p, const float *x, float *y);
    void (*backward)(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                     float *dp);
    void *shape;
    float *cache, *scratch, *extra;
};

enum { MUTATE_NONE, MUTATE_FLIP, MUTATE_SCALE, MUTATE_SWAP };

static double objective(layer_case *c, const float *r, float *y)
{
    c->forward(c, c->p, c->x, y);
    double L = 0.0;
    for (int k = 0; k < c->n_out; k++)
        L += (double)r[k] * y[k];
    return L;
}

static double numeric(layer_case *c, const float *r, float *y, float *v)
{
    float keep = *v;
    *v = keep + STEP;
    double lp = objective(c, r, y);
    *v = keep - STEP;
    double lm = objective(c, r, y);
    *v = keep;
    return (lp - lm) / (2.0 * (double)STEP);
}

static int largest(const float *g, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (fabsf(g[i]) > fabsf(g[best]))
            best = i;
    return best;
}

static void mutate(float *g, int n, int how)
{
    int k = largest(g, n);
    if (how == MUTATE_FLIP)
        g[k] = -g[k];
    else if (how == MUTATE_SCALE)
        for (int i = 0; i < n; i++)
            g[i] *= 1.1f;
    else if (how == MUTATE_SWAP)
        for (int i = 0; i < n; i++)
            if (fabsf(g[i] - g[k]) > 0.2f * fabsf(g[k])) {
                float t = g[i];
                g[i] = g[k];
                g[k] = t;
                break;
            }
}

static int mismatch(double num, double ana)
{
    return fabs(num - ana) > ATOL + RTOL * fmax(fabs(num), fabs(ana));
}

typedef struct {
    int bad;         /* entries outside tolerance */
    int significant; /* entries whose gradient is clearly non-zero */
    int checked;
} check_result;

/* Compares backward against central differences for every parameter and
 * every input; `how` corrupts the analytic parameter gradient first. */
static check_result check_layer(layer_case *c, uint64_t seed, int how)
{
    check_result res = {0, 0, 0};
    rena_rng rng;
    rena_rng_init(&rng, seed, 99);
    float *r = malloc(sizeof(float) * (size_t)c->n_out);
    float *y = malloc(sizeof(float) * (size_t)c->n_out);
    float *dp = calloc((size_t)c->n_params, sizeof(float));
    float *dx = calloc((size_t)c->n_in, sizeof(float));
    for (int k = 0; k < c->n_out; k++)
        r[k] = (float)rena_rng_range(&rng, -1.0, 1.0);
    c->forward(c, c->p, c->x, y);
    c->backward(c, c->p, c->x, r, dx, dp);
    mutate(dp, c->n_params, how);
    for (int i = 0; i < c->n_params; i++) {
        double num = numeric(c, r, y, &c->p[i]);
        res.bad += mismatch(num, dp[i]);
        res.significant += fabs(num) > 0.01;
        res.checked++;
    }
    for (int i = 0; i < c->n_in && how == MUTATE_NONE; i++) {
        double num = numeric(c, r, y, &c->x[i]);
        res.bad += mismatch(num, dx[i]);
        res.significant += fabs(num) > 0.01;
        res.checked++;
    }
    free(r);
    free(y);
    free(dp);
    free(dx);
    return res;
}

static void fill(float *a, int n, rena_rng *rng, double lo, double hi)
{
    for (int i = 0; i < n; i++)
        a[i] = (float)rena_rng_range(rng, lo, hi);
}

static void assert_gradient_ok(layer_case *c, const char *what)
{
    check_result r = check_layer(c, 7, MUTATE_NONE);
    ck_assert_msg(r.bad == 0, "%s: %d of %d gradient entries disagree with finite differences",
                  what, r.bad, r.checked);
    /* a check of mostly-zero gradients would prove nothing */
    ck_assert_msg(r.significant > r.checked / 3, "%s: only %d of %d entries are significant",
                  what, r.significant, r.checked);
}

/* ---- dense ---- */
static void dense_fwd(layer_case *c, const float *p, const float *x, float *y)
{
    rena_dense_forward(*(rena_dense_shape *)c->shape, p, x, y);
}
static void dense_bwd(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                      float *dp)
{
    rena_dense_backward(*(rena_dense_shape *)c->shape, p, x, dy, dx, dp);
}

static layer_case make_dense(rena_dense_shape *s, rena_rng *rng)
{
    layer_case c = {0};
    c.shape = s;
    c.n_params = (int)rena_dense_param_count(*s);
    c.n_in = s->n_in;
    c.n_out = s->n_out;
    c.p = malloc(sizeof(float) * (size_t)c.n_params);
    c.x = malloc(sizeof(float) * (size_t)c.n_in);
    fill(c.p, c.n_params, rng, -1, 1);
    fill(c.x, c.n_in, rng, -1, 1);
    c.forward = dense_fwd;
    c.backward = dense_bwd;
    return c;
}

static void free_case(layer_case *c)
{
    free(c->p);
    free(c->x);
    free(c->cache);
    free(c->scratch);
    free(c->extra);
}

START_TEST(dense_gradient)
{
    rena_rng rng;
    rena_rng_init(&rng, 1, 0);
    rena_dense_shape s = {7, 5};
    layer_case c = make_dense(&s, &rng);
    assert_gradient_ok(&c, "dense");
    free_case(&c);
}
END_TEST

/* ---- embedding + positional encoding ---- */
static void embed_fwd(layer_case *c, const float *p, const float *x, float *y)
{
    rena_embed_forward(*(rena_embed_shape *)c->shape, p, c->extra, x, y);
}
static void embed_bwd(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                      float *dp)
{
    rena_embed_backward(*(rena_embed_shape *)c->shape, p, x, dy, dx, dp);
}

START_TEST(embed_gradient)
{
    rena_rng rng;
    rena_rng_init(&rng, 2, 0);
    rena_embed_shape s = {6, 4};
    layer_case c = {0};
    c.shape = &s;
    c.n_params = (int)rena_embed_param_count(s);
    c.n_in = s.n;
    c.n_out = s.n * s.d;
    c.p = malloc(sizeof(float) * (size_t)c.n_params);
    c.x = malloc(sizeof(float) * (size_t)c.n_in);
    c.extra = malloc(sizeof(float) * (size_t)c.n_out);
    rena_embed_positional(s, c.extra);
    fill(c.p, c.n_params, &rng, -1, 1);
    fill(c.x, c.n_in, &rng, -1, 1);
    c.forward = embed_fwd;
    c.backward = embed_bwd;
    assert_gradient_ok(&c, "embed");
    free_case(&c);
}
END_TEST

/* ---- layer norm ---- */
static void ln_fwd(layer_case *c, const float *p, const float *x, float *y)
{
    rena_layernorm_forward(*(rena_layernorm_shape *)c->shape, p, x, y, c->cache);
}
static void ln_bwd(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                   float *dp)
{
    (void)x;
    rena_layernorm_backward(*(rena_layernorm_shape *)c->shape, p, c->cache, dy, dx, dp,
                            c->scratch);
}

START_TEST(layernorm_gradient)
{
    rena_rng rng;
    rena_rng_init(&rng, 3, 0);
    rena_layernorm_shape s = {3, 6};
    layer_case c = {0};
    c.shape = &s;
    c.n_params = (int)rena_layernorm_param_count(s);
    c.n_in = c.n_out = s.n * s.d;
    c.p = malloc(sizeof(float) * (size_t)c.n_params);
    c.x = malloc(sizeof(float) * (size_t)c.n_in);
    c.cache = malloc(sizeof(float) * (size_t)rena_layernorm_cache_size(s));
    c.scratch = malloc(sizeof(float) * (size_t)rena_layernorm_scratch_size(s));
    fill(c.p, c.n_params, &rng, 0.5, 1.5);
    fill(c.x, c.n_in, &rng, -2, 2);
    c.forward = ln_fwd;
    c.backward = ln_bwd;
    assert_gradient_ok(&c, "layernorm");
    free_case(&c);
}
END_TEST

/* ---- attention ---- */
static void att_fwd(layer_case *c, const float *p, const float *x, float *y)
{
    rena_attention_forward(*(rena_attention_shape *)c->shape, p, x, y, c->cache);
}
static void att_bwd(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                    float *dp)
{
    rena_attention_backward(*(rena_attention_shape *)c->shape, p, x, c->cache, dy, dx, dp,
                            c->scratch);
}

static layer_case make_attention(rena_attention_shape *s, rena_rng *rng)
{
    layer_case c = {0};
    c.shape = s;
    c.n_params = (int)rena_attention_param_count(*s);
    c.n_in = c.n_out = s->n * s->d;
    c.p = malloc(sizeof(float) * (size_t)c.n_params);
    c.x = malloc(sizeof(float) * (size_t)c.n_in);
    c.cache = malloc(sizeof(float) * (size_t)rena_attention_cache_size(*s));
    c.scratch = malloc(sizeof(float) * (size_t)rena_attention_scratch_size(*s));
    /* weights large enough that the softmax is far from uniform */
    fill(c.p, c.n_params, rng, -1, 1);
    fill(c.x, c.n_in, rng, -1.5, 1.5);
    c.forward = att_fwd;
    c.backward = att_bwd;
    return c;
}

START_TEST(attention_gradient)
{
    rena_rng rng;
    rena_rng_init(&rng, 4, 0);
    rena_attention_shape s = {5, 4};
    layer_case c = make_attention(&s, &rng);
    assert_gradient_ok(&c, "attention");
    free_case(&c);
}
END_TEST

/* ---- KAN ---- */
static void kan_fwd(layer_case *c, const float *p, const float *x, float *y)
{
    rena_kan_forward(*(rena_kan_shape *)c->shape, p, x, y, c->cache);
}
static void kan_bwd(layer_case *c, const float *p, const float *x, const float *dy, float *dx,
                    float *dp)
{
    rena_kan_backward(*(rena_kan_shape *)c->shape, p, x, c->cache, dy, dx, dp, c->scratch);
}

static void check_kan(rena_kan_shape s, uint64_t seed)
{
    rena_rng rng;
    rena_rng_init(&rng, seed, 0);
    layer_case c = {0};
    c.shape = &s;
    c.n_params = (int)rena_kan_param_count(s);
    c.n_in = s.n_in;
    c.n_out = s.n_out;
    c.p = malloc(sizeof(float) * (size_t)c.n_params);
    c.x = malloc(sizeof(float) * (size_t)c.n_in);
    c.cache = malloc(sizeof(float) * (size_t)rena_kan_cache_size(s));
    c.scratch = malloc(sizeof(float) * (size_t)rena_kan_scratch_size(s));
    fill(c.p, c.n_params, &rng, -1, 1);
    /* inputs inside and well outside the grid: tanh keeps the splines alive */
    fill(c.x, c.n_in, &rng, -2.5, 2.5);
    c.forward = kan_fwd;
    c.backward = kan_bwd;
    check_result r = check_layer(&c, 11, MUTATE_NONE);
    ck_assert_msg(r.bad == 0, "kan G=%d p=%d: %d of %d entries disagree", s.grid_size, s.order,
                  r.bad, r.checked);
    /* only p+1 of the G+p coefficients per edge are active for one input */
    ck_assert_int_gt(r.significant, r.checked / 5);
    free_case(&c);
}

START_TEST(kan_gradient)
{
    rena_kan_shape cubic = {4, 3, 5, 3, -1.0f, 1.0f};
    check_kan(cubic, 5);
    rena_kan_shape other = {3, 2, 4, 2, -0.5f, 1.5f};
    check_kan(other, 6);
}
END_TEST

/* ---- the checker rejects wrong gradients ---- */
START_TEST(checker_catches_wrong_gradients)
{
    rena_rng rng;
    rena_rng_init(&rng, 4, 0);
    rena_attention_shape s = {5, 4};
    layer_case c = make_attention(&s, &rng);
    for (int how = MUTATE_FLIP; how <= MUTATE_SWAP; how++) {
        check_result r = check_layer(&c, 7, how);
        ck_assert_msg(r.bad > 0, "mutation %d went unnoticed", how);
    }
    free_case(&c);
    rena_dense_shape ds = {7, 5};
    layer_case d = make_dense(&ds, &rng);
    for (int how = MUTATE_FLIP; how <= MUTATE_SWAP; how++)
        ck_assert_int_gt(check_layer(&d, 7, how).bad, 0);
    free_case(&d);
}
END_TEST

/* ---- activations ---- */
START_TEST(activations_match_libm_and_derivatives)
{
    for (double v = -30.0; v <= 30.0; v += 0.037) {
        float x = (float)v;
        double xd = (double)x; /* compare at the float actually passed */
        ck_assert_double_le(fabs(rena_act_sigmoid1(x) - 1.0 / (1.0 + exp(-xd))), 2e-7);
        ck_assert_double_le(fabs(rena_act_tanh1(x) - tanh(xd)), 3e-7);
        if (v <= 0)
            ck_assert_double_le(fabs(rena_act_exp_neg1(-x) / exp(xd) - 1.0), 3e-7);
        double h = 1e-3;
        float s = rena_act_sigmoid1(x);
        double dsig = (1.0 / (1.0 + exp(-(v + h))) - 1.0 / (1.0 + exp(-(v - h)))) / (2 * h);
        ck_assert_double_le(fabs(rena_act_sigmoid_grad(s) - dsig), 1e-6);
        double silu_p = (v + h) / (1.0 + exp(-(v + h))), silu_m = (v - h) / (1.0 + exp(-(v - h)));
        ck_assert_double_le(fabs(rena_act_silu_grad(x, s) - (silu_p - silu_m) / (2 * h)), 1e-5);
        ck_assert_double_le(fabs(rena_act_tanh_grad(rena_act_tanh1(x)) -
                                 (tanh(v + h) - tanh(v - h)) / (2 * h)),
                            1e-6);
    }
    ck_assert(rena_act_sigmoid1(1e30f) == 1.0f && rena_act_sigmoid1(-1e30f) == 0.0f);
    float in[11], out[11], sig[11];
    for (int i = 0; i < 11; i++)
        in[i] = (float)(i - 5) * 0.7f;
    rena_act_silu(in, out, sig, 11);
    for (int i = 0; i < 11; i++)
        ck_assert_float_eq_tol(out[i], in[i] / (1.0f + expf(-in[i])), 1e-6f);
}
END_TEST

/* ---- loss ---- */
START_TEST(loss_gradient)
{
    rena_loss l;
    rena_loss_init(&l, 0.3f);
    rena_rng rng;
    rena_rng_init(&rng, 8, 0);
    float y[RENA_NUM_SERVOS], t[RENA_NUM_SERVOS], dy[RENA_NUM_SERVOS];
    for (int k = 0; k < RENA_NUM_SERVOS; k++) {
        y[k] = (float)rena_rng_uniform(&rng);
        t[k] = (float)rena_rng_uniform(&rng);
    }
    /* keep every pair at least 0.05 apart: |.| is smooth there */
    for (int k = 0; k < l.n_pairs; k++)
        if (fabsf(y[l.left[k]] - y[l.right[k]]) < 0.05f)
            y[l.left[k]] = y[l.right[k]] + (k % 2 ? 0.1f : -0.1f);
    rena_loss_terms base = rena_loss_sample(&l, y, t, 0.5f, dy);
    double expect_con = 0.0;
    for (int k = 0; k < l.n_pairs; k++)
        expect_con += fabs((double)y[l.left[k]] - y[l.right[k]]);
    ck_assert_double_eq_tol(base.con, expect_con, 1e-6);
    int significant = 0;
    for (int k = 0; k < RENA_NUM_SERVOS; k++) {
        float keep = y[k];
        y[k] = keep + STEP;
        double lp = rena_loss_total(&l, rena_loss_sample(&l, y, t, 1.0f, NULL));
        y[k] = keep - STEP;
        double lm = rena_loss_total(&l, rena_loss_sample(&l, y, t, 1.0f, NULL));
        y[k] = keep;
        double num = 0.5 * (lp - lm) / (2.0 * (double)STEP);
        ck_assert_msg(!mismatch(num, dy[k]), "servo %d: %g vs %g", k, num, (double)dy[k]);
        significant += fabs(num) > 0.01;
    }
    ck_assert_int_ge(significant, 6);
}
END_TEST

/* ---- whole networks ---- */
static void check_network(rena_arch arch)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    hp.hidden[0] = 6;
    hp.hidden[1] = 5;
    hp.d_model = 4;
    hp.token_out = 2;
    rena_network net;
    rena_network_plan(&hp, &net);
    float *p = malloc(sizeof(float) * (size_t)net.n_params);
    float *dp = calloc((size_t)net.n_params, sizeof(float));
    float *cache = malloc(sizeof(float) * (size_t)net.cache_size);
    float *scratch = malloc(sizeof(float) * (size_t)net.scratch_size);
    float *pe = malloc(sizeof(float) * (size_t)(rena_network_pe_size(&net) + 1));
    float *x = malloc(sizeof(float) * (size_t)net.n_in);
    rena_network_pe(&net, pe);
    rena_rng rng;
    rena_rng_init(&rng, 9, (uint64_t)arch);
    /* random weights rather than the initialisation, whose tiny spline
     * coefficients would leave most gradients near zero */
    fill(p, (int)net.n_params, &rng, -0.6, 0.6);
    fill(x, net.n_in, &rng, -1.5, 1.5);
    float target[RENA_NUM_SERVOS], y[RENA_NUM_SERVOS], dy[RENA_NUM_SERVOS];
    fill(target, RENA_NUM_SERVOS, &rng, 0, 1);
    rena_loss l;
    rena_loss_init(&l, 0.0f);
    rena_network_forward(&net, p, pe, x, y, cache);
    rena_loss_sample(&l, y, target, 1.0f, dy);
    /* the loss's gradient is small; scale it so finite differences resolve it */
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        dy[k] *= 100.0f;
    rena_network_backward(&net, p, x, cache, dy, dp, scratch);
    int bad = 0, significant = 0, checked = 0;
    for (long i = 0; i < net.n_params; i += 1 + net.n_params / 400) {
        float keep = p[i];
        double lv[2];
        for (int side = 0; side < 2; side++) {
            p[i] = keep + (side ? -STEP : STEP);
            rena_network_forward(&net, p, pe, x, y, cache);
            lv[side] = 100.0 * rena_loss_sample(&l, y, target, 1.0f, NULL).mse;
        }
        p[i] = keep;
        double num = (lv[0] - lv[1]) / (2.0 * (double)STEP);
        bad += mismatch(num, dp[i]);
        significant += fabs(num) > 0.01;
        checked++;
    }
    ck_assert_msg(bad == 0, "%s: %d of %d parameters disagree", rena_arch_name(arch), bad, checked);
    ck_assert_msg(significant > checked / 6, "%s: %d of %d significant", rena_arch_name(arch),
                  significant, checked);
    free(p);
    free(dp);
    free(cache);
    free(scratch);
    free(pe);
    free(x);
}

START_TEST(network_gradient)
{
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++)
        check_network((rena_arch)a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_grad");
    TCase *tc = tcase_create("grad");
    tcase_add_test(tc, dense_gradient);
    tcase_add_test(tc, embed_gradient);
    tcase_add_test(tc, layernorm_gradient);
    tcase_add_test(tc, attention_gradient);
    tcase_add_test(tc, kan_gradient);
    tcase_add_test(tc, checker_catches_wrong_gradients);
    tcase_add_test(tc, activations_match_libm_and_derivatives);
    tcase_add_test(tc, loss_gradient);
    tcase_add_test(tc, network_gradient);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
