/* Positional encoding (paper eqs. 2-3) and self-attention (eq. 4) against
 * plain double-precision evaluations written straight from the formulas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attention.h"
#include "embed.h"
#include "rng.h"
#include "testutil.h"
#include "vecops.h"

START_TEST(positional_encoding_is_eqs_2_and_3)
{
    rena_embed_shape s = {52, 8};
    float pe[52 * 8];
    rena_embed_positional(s, pe);
    for (int pos = 0; pos < 52; pos++)
        for (int i = 0; i < 4; i++) {
            double w = pos / pow(10000.0, 2.0 * i / 8.0);
            ck_assert_double_eq_tol(pe[(2 * i) * 52 + pos], sin(w), 1e-6);
            ck_assert_double_eq_tol(pe[(2 * i + 1) * 52 + pos], cos(w), 1e-6);
        }
    /* every token gets its own code */
    for (int a = 0; a < 52; a++)
        for (int b = a + 1; b < 52; b++) {
            double d2 = 0;
            for (int c = 0; c < 8; c++)
                d2 += pow(pe[c * 52 + a] - pe[c * 52 + b], 2);
            ck_assert_double_gt(d2, 1e-4);
        }
}
END_TEST

START_TEST(embedding_adds_value_vector_bias_and_position)
{
    rena_embed_shape s = {5, 4};
    float p[5 * 4 + 4], pe[20], x[5] = {0.1f, -2, 0, 3, 0.5f}, t[20];
    for (int i = 0; i < 24; i++)
        p[i] = 0.1f * (float)(i - 7);
    rena_embed_positional(s, pe);
    rena_embed_forward(s, p, pe, x, t);
    for (int c = 0; c < 4; c++)
        for (int j = 0; j < 5; j++)
            ck_assert_float_eq_tol(t[c * 5 + j], x[j] * p[c * 5 + j] + p[20 + c] + pe[c * 5 + j],
                                   1e-6f);
}
END_TEST

/* q = u Wq + bq etc. with u token-major, W input-major (dense.h layout). */
static void reference_attention(int n, int d, const float *p, const double *u, double *y)
{
    long m = (long)d * d + d;
    double *q = calloc((size_t)(n * d), sizeof(double)), *k = calloc((size_t)(n * d), sizeof(double));
    double *v = calloc((size_t)(n * d), sizeof(double)), *av = calloc((size_t)(n * d), sizeof(double));
    double *proj[3] = {q, k, v};
    for (int w = 0; w < 3; w++)
        for (int j = 0; j < n; j++)
            for (int o = 0; o < d; o++) {
                double s = p[w * m + d * d + o];
                for (int i = 0; i < d; i++)
                    s += u[j * d + i] * p[w * m + i * d + o];
                proj[w][j * d + o] = s;
            }
    for (int j = 0; j < n; j++) {
        double *sc = calloc((size_t)n, sizeof(double)), z = 0;
        for (int l = 0; l < n; l++) {
            for (int c = 0; c < d; c++)
                sc[l] += q[j * d + c] * k[l * d + c];
            sc[l] = exp(sc[l] / sqrt((double)d));
            z += sc[l];
        }
        for (int l = 0; l < n; l++)
            for (int c = 0; c < d; c++)
                av[j * d + c] += sc[l] / z * v[l * d + c];
        free(sc);
    }
    for (int j = 0; j < n; j++)
        for (int o = 0; o < d; o++) {
            double s = p[3 * m + d * d + o];
            for (int i = 0; i < d; i++)
                s += av[j * d + i] * p[3 * m + i * d + o];
            y[j * d + o] = s;
        }
    free(q);
    free(k);
    free(v);
    free(av);
}

static void compare_with_reference(int n, int d, double weight_range)
{
    rena_attention_shape s = {n, d};
    rena_rng rng;
    rena_rng_init(&rng, 5, (uint64_t)(n * 100 + d));
    long np = rena_attention_param_count(s);
    float *p = malloc(sizeof(float) * (size_t)np), *u = malloc(sizeof(float) * (size_t)(n * d));
    float *y = malloc(sizeof(float) * (size_t)(n * d));
    float *cache = malloc(sizeof(float) * (size_t)rena_attention_cache_size(s));
    double *ud = malloc(sizeof(double) * (size_t)(n * d)), *yd = malloc(sizeof(double) * (size_t)(n * d));
    for (long i = 0; i < np; i++)
        p[i] = (float)rena_rng_range(&rng, -weight_range, weight_range);
    for (int j = 0; j < n; j++)
        for (int c = 0; c < d; c++) {
            u[c * n + j] = (float)rena_rng_range(&rng, -2, 2);
            ud[j * d + c] = u[c * n + j];
        }
    rena_attention_forward(s, p, u, y, cache);
    reference_attention(n, d, p, ud, yd);
    for (int j = 0; j < n; j++)
        for (int c = 0; c < d; c++)
            ck_assert_msg(fabs(y[c * n + j] - yd[j * d + c]) < 2e-4 * (1 + fabs(yd[j * d + c])),
                          "n=%d d=%d token %d ch %d: %g vs %g", n, d, j, c, (double)y[c * n + j],
                          yd[j * d + c]);
    free(p);
    free(u);
    free(y);
    free(cache);
    free(ud);
    free(yd);
}

START_TEST(attention_matches_reference)
{
    compare_with_reference(52, 8, 0.5);
    compare_with_reference(52, 4, 1.5); /* peaked softmax */
    compare_with_reference(7, 3, 1.0);  /* sizes off the 8-wide blocks */
    compare_with_reference(1, 2, 1.0);
}
END_TEST

START_TEST(attention_survives_extreme_scores)
{
    /* huge scores: the max-shifted softmax must not overflow to NaN */
    rena_attention_shape s = {6, 2};
    float p[4 * 6], u[12], y[12], cache[512];
    for (int i = 0; i < 24; i++)
        p[i] = 40.0f;
    for (int i = 0; i < 12; i++)
        u[i] = (float)(i % 5) * 30.0f - 50.0f;
    ck_assert_int_le(rena_attention_cache_size(s), 512);
    rena_attention_forward(s, p, u, y, cache);
    for (int i = 0; i < 12; i++)
        ck_assert(isfinite(y[i]));
}
END_TEST

/* The blocked kernels (SSE, AVX where the CPU has it) must give exactly
 * what the plain loop gives: same operations in the same order, so a model
 * predicts the same bits on every x86 machine. */
START_TEST(gemm_kernel_bitwise_equals_plain_loop)
{
    rena_rng rng;
    rena_rng_init(&rng, 12, 0);
    int shapes[][3] = {{52, 8, 52}, {8, 52, 52}, {5, 3, 13}, {4, 7, 8}, {1, 55, 64}, {9, 2, 3}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        int rows = shapes[t][0], inner = shapes[t][1], n = shapes[t][2];
        float *a = malloc(sizeof(float) * (size_t)(rows * inner));
        float *b = malloc(sizeof(float) * (size_t)(inner * n));
        float *init = malloc(sizeof(float) * (size_t)rows);
        float *y = malloc(sizeof(float) * (size_t)(rows * n));
        float *ref = malloc(sizeof(float) * (size_t)(rows * n));
        for (int i = 0; i < rows * inner; i++)
            a[i] = (float)rena_rng_normal(&rng);
        for (int i = 0; i < inner * n; i++)
            b[i] = (float)rena_rng_normal(&rng);
        for (int i = 0; i < rows; i++)
            init[i] = (float)rena_rng_normal(&rng);
        for (int accumulate = 0; accumulate < 2; accumulate++) {
            for (int i = 0; i < rows * n; i++)
                y[i] = ref[i] = (float)i * 0.01f;
            /* a read row-major (ars = inner, aks = 1) */
            rena_vec_gemm(rows, inner, n, a, inner, 1, b, init, accumulate, y);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++) {
                    float acc = (accumulate ? ref[r * n + j] : 0.0f) + init[r];
                    for (int k = 0; k < inner; k++)
                        acc += a[r * inner + k] * b[k * n + j];
                    ref[r * n + j] = acc;
                }
            ck_assert_msg(memcmp(y, ref, sizeof(float) * (size_t)(rows * n)) == 0,
                          "shape %d x %d x %d differs from the plain loop", rows, inner, n);
        }
        free(a);
        free(b);
        free(init);
        free(y);
        free(ref);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_attention");
    TCase *tc = tcase_create("attention");
    tcase_add_test(tc, positional_encoding_is_eqs_2_and_3);
    tcase_add_test(tc, embedding_adds_value_vector_bias_and_position);
    tcase_add_test(tc, attention_matches_reference);
    tcase_add_test(tc, attention_survives_extreme_scores);
    tcase_add_test(tc, gemm_kernel_bitwise_equals_plain_loop);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
