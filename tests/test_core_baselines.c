/* The baselines of Tables II and III (core/baselines.h): RS draws the
 * expert strategy's command of each frame, NN finds the training row nearest
 * in blendshape space, both checked against direct computations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baselines.h"
#include "expert.h"
#include "rng.h"
#include "testutil.h"

static rena_samples g_train;

/* A training split with random blendshapes and expert commands. */
static void make_split(void)
{
    long n = 3000;
    memset(&g_train, 0, sizeof g_train);
    g_train.n = n;
    g_train.commands = calloc((size_t)n * RENA_NUM_SERVOS, sizeof(float));
    g_train.blendshapes = calloc((size_t)n * RENA_NUM_BLENDSHAPES, sizeof(float));
    ck_assert(g_train.commands && g_train.blendshapes);
    for (long i = 0; i < n; i++) {
        rena_rng r;
        rena_rng_init(&r, 4, (uint64_t)i);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
            g_train.blendshapes[i * RENA_NUM_BLENDSHAPES + b] = (float)rena_rng_uniform(&r);
        rena_expert_sample(4, (uint64_t)i, g_train.commands + i * RENA_NUM_SERVOS, NULL);
    }
    /* a duplicate row: ties go to the lowest index */
    memcpy(g_train.blendshapes + 2999 * RENA_NUM_BLENDSHAPES,
           g_train.blendshapes + 10 * RENA_NUM_BLENDSHAPES, sizeof(float) * RENA_NUM_BLENDSHAPES);
}

static void free_split(void) { rena_samples_free(&g_train); }

START_TEST(baselines_answer_as_documented)
{
    rena_mimic_policy rs, nn;
    rena_error err;
    ck_assert_int_eq(rena_baseline_random(42, &rs, &err), RENA_OK);
    ck_assert_int_eq(rena_baseline_nearest(&g_train, &nn, &err), RENA_OK);
    rena_features f;
    memset(&f, 0, sizeof f);
    float cmd[RENA_NUM_SERVOS], expect[RENA_NUM_SERVOS];
    for (long k = 0; k < 20; k++) {
        ck_assert_int_eq(rs.predict(rs.ctx, &f, k, cmd, &err), RENA_OK);
        rena_expert_sample(42, (uint64_t)k, expect, NULL);
        ck_assert(memcmp(cmd, expect, sizeof cmd) == 0);
    }
    /* a training row's own blendshapes find that row (or an identical one) */
    for (long i = 0; i < g_train.n; i += g_train.n / 17) {
        memcpy(f.blendshapes, g_train.blendshapes + i * RENA_NUM_BLENDSHAPES,
               sizeof f.blendshapes);
        long row = rena_baseline_nearest_row(&g_train, f.blendshapes);
        ck_assert(memcmp(g_train.blendshapes + row * RENA_NUM_BLENDSHAPES, f.blendshapes,
                         sizeof f.blendshapes) == 0);
        ck_assert_int_eq(nn.predict(nn.ctx, &f, 0, cmd, &err), RENA_OK);
        ck_assert(memcmp(cmd, g_train.commands + row * RENA_NUM_SERVOS, sizeof cmd) == 0);
    }
    /* against a direct scan of a perturbed query */
    for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
        f.blendshapes[b] = 0.5f + 0.3f * sinf((float)b);
    long best = -1;
    double best_d = INFINITY;
    for (long i = 0; i < g_train.n; i++) {
        double d = 0.0;
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++) {
            double e = g_train.blendshapes[i * RENA_NUM_BLENDSHAPES + b] - f.blendshapes[b];
            d += e * e;
        }
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    ck_assert_int_eq(rena_baseline_nearest_row(&g_train, f.blendshapes), best);
    rena_samples empty = {0};
    ck_assert_int_eq(rena_baseline_nearest(&empty, &nn, &err), RENA_ERR_ARG);
    rena_mimic_policy_close(&rs);
}
END_TEST

START_TEST(ties_go_to_the_lowest_row)
{
    ck_assert_int_eq(rena_baseline_nearest_row(&g_train, g_train.blendshapes +
                                                              2999 * RENA_NUM_BLENDSHAPES),
                     10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_baselines");
    TCase *tc = tcase_create("baselines");
    tcase_add_unchecked_fixture(tc, make_split, free_split);
    tcase_add_test(tc, baselines_answer_as_documented);
    tcase_add_test(tc, ties_go_to_the_lowest_row);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
