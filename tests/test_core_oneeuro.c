/* One Euro filter and the command rate limiter. */
#include <math.h>
#include <string.h>

#include "oneeuro.h"
#include "rng.h"
#include "testutil.h"

START_TEST(constant_input_passes_unchanged)
{
    rena_oneeuro_params p = rena_oneeuro_params_default();
    rena_oneeuro_state s;
    ck_assert_int_eq(rena_oneeuro_init(&s, 3, NULL), RENA_OK);
    const float in[3] = {0.37f, 0.0f, 1.0f};
    rena_rng rng;
    rena_rng_init(&rng, 1, 0);
    for (int t = 0; t < 200; t++) {
        float out[3];
        double dt = rena_rng_range(&rng, 0.005, 0.1);
        ck_assert_int_eq(rena_oneeuro_filter(&p, &s, dt, in, out, NULL), RENA_OK);
        for (int i = 0; i < 3; i++)
            ck_assert(out[i] == in[i]);
    }
    rena_oneeuro_free(&s);
}
END_TEST

START_TEST(reduces_noise_on_a_still_signal)
{
    rena_oneeuro_params p = rena_oneeuro_params_default();
    rena_oneeuro_state s;
    ck_assert_int_eq(rena_oneeuro_init(&s, 1, NULL), RENA_OK);
    rena_rng rng;
    rena_rng_init(&rng, 2, 0);
    double vin = 0, vout = 0;
    int n = 0;
    for (int t = 0; t < 3000; t++) {
        float x = (float)(0.5 + 0.02 * rena_rng_normal(&rng)), y;
        ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 1.0 / 30, &x, &y, NULL), RENA_OK);
        if (t >= 100) { /* past the start-up transient */
            vin += (x - 0.5) * (x - 0.5);
            vout += (y - 0.5) * (y - 0.5);
            n++;
        }
    }
    vin /= n;
    vout /= n;
    ck_assert_double_lt(vout, 0.25 * vin);
    rena_oneeuro_free(&s);
}
END_TEST

/* Frames until a unit step is followed to within tol, or -1. Checks that
 * the output never overshoots and never moves backwards on the way. */
static int frames_to_follow_step(const rena_oneeuro_params *p, double tol)
{
    rena_oneeuro_state s;
    ck_assert_int_eq(rena_oneeuro_init(&s, 1, NULL), RENA_OK);
    float x = 0.0f, y = 0.0f, prev = 0.0f;
    ck_assert_int_eq(rena_oneeuro_filter(p, &s, 1.0 / 30, &x, &y, NULL), RENA_OK);
    int reached = -1;
    x = 1.0f;
    for (int k = 1; k <= 300 && reached < 0; k++) {
        ck_assert_int_eq(rena_oneeuro_filter(p, &s, 1.0 / 30, &x, &y, NULL), RENA_OK);
        ck_assert_float_le(y, 1.0f);
        ck_assert_float_ge(y, prev);
        prev = y;
        if (1.0 - y < tol)
            reached = k;
    }
    rena_oneeuro_free(&s);
    return reached;
}

START_TEST(follows_a_step_with_bounded_lag)
{
    /* beta = 0 is a fixed exponential filter: after k frames the remaining
     * error is (1 - alpha)^k, so 5 % is reached at ceil(log .05 / log(1 - alpha)). */
    rena_oneeuro_params slow = {1.0, 0.0, 1.0};
    double alpha = (1.0 / 30) / (1.0 / 30 + 1.0 / (2 * M_PI * 1.0));
    int bound = (int)ceil(log(0.05) / log(1.0 - alpha));
    ck_assert_int_eq(frames_to_follow_step(&slow, 0.05), bound);
    /* speed raises the cutoff: the default filter follows much sooner */
    rena_oneeuro_params fast = rena_oneeuro_params_default();
    int k = frames_to_follow_step(&fast, 0.05);
    ck_assert_int_gt(k, 0);
    ck_assert_int_lt(k * 2, bound);
}
END_TEST

START_TEST(variable_dt_matches_the_definition)
{
    /* With beta = 0 the filter is x += alpha(dt) (in - x); recompute that
     * independently with random frame intervals. */
    rena_oneeuro_params p = {2.0, 0.0, 1.0};
    rena_oneeuro_state s;
    ck_assert_int_eq(rena_oneeuro_init(&s, 1, NULL), RENA_OK);
    rena_rng rng;
    rena_rng_init(&rng, 3, 0);
    double ref = 0;
    for (int t = 0; t < 100; t++) {
        float x = (float)rena_rng_uniform(&rng), y;
        double dt = rena_rng_range(&rng, 0.002, 0.2);
        ck_assert_int_eq(rena_oneeuro_filter(&p, &s, dt, &x, &y, NULL), RENA_OK);
        if (t == 0) {
            ref = x;
        } else {
            double rc = 1.0 / (2 * M_PI * 2.0);
            ref += dt / (dt + rc) * (x - ref);
        }
        ck_assert_double_eq_tol(y, ref, 1e-6);
    }
    rena_oneeuro_free(&s);
}
END_TEST

START_TEST(first_sample_and_reset_pass_through)
{
    rena_oneeuro_params p = rena_oneeuro_params_default();
    rena_oneeuro_state s;
    ck_assert_int_eq(rena_oneeuro_init(&s, 2, NULL), RENA_OK);
    float a[2] = {0.1f, 0.9f}, b[2] = {0.8f, 0.2f}, out[2];
    /* dt of the first sample is ignored, even if meaningless */
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 0.0, a, out, NULL), RENA_OK);
    ck_assert(out[0] == a[0] && out[1] == a[1]);
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 1.0 / 30, b, out, NULL), RENA_OK);
    ck_assert(out[0] != b[0]);
    rena_oneeuro_reset(&s);
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 1.0 / 30, b, out, NULL), RENA_OK);
    ck_assert(out[0] == b[0] && out[1] == b[1]);
    rena_oneeuro_free(&s);
}
END_TEST

START_TEST(bad_input_is_refused_and_state_kept)
{
    rena_oneeuro_params p = rena_oneeuro_params_default();
    rena_oneeuro_state s;
    rena_error e;
    ck_assert_int_eq(rena_oneeuro_init(&s, 2, NULL), RENA_OK);
    float a[2] = {0.5f, 0.5f}, bad[2] = {0.5f, NAN}, out[2];
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 0.03, a, out, NULL), RENA_OK);
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 0.03, bad, out, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "channel 1"));
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 0.0, a, out, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, NAN, a, out, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_oneeuro_filter(&p, &s, 0.03, a, out, NULL), RENA_OK);
    ck_assert(out[0] == 0.5f && out[1] == 0.5f);
    rena_oneeuro_params q = p;
    q.beta = -1;
    ck_assert_int_eq(rena_oneeuro_filter(&q, &s, 0.03, a, out, &e), RENA_ERR_ARG);
    ck_assert_str_eq(e.where, "beta");
    q = p;
    q.min_cutoff = 0;
    ck_assert_int_eq(rena_oneeuro_params_check(&q, &e), RENA_ERR_ARG);
    ck_assert_str_eq(e.where, "min_cutoff");
    rena_oneeuro_free(&s);
    ck_assert_int_eq(rena_oneeuro_init(&s, 0, &e), RENA_ERR_ARG);
    ck_assert_ptr_null(s.x);
}
END_TEST

START_TEST(rate_limiter_never_exceeds_its_step)
{
    enum { N = 25 };
    rena_rng rng;
    rena_rng_init(&rng, 4, 0);
    float prev[N], target[N], out[N];
    for (int i = 0; i < N; i++)
        prev[i] = (float)rena_rng_uniform(&rng);
    for (int cycle = 0; cycle < 2000; cycle++) {
        float step = (float)rena_rng_range(&rng, 1e-4, 0.3);
        int expect_limited = 0;
        for (int i = 0; i < N; i++) {
            target[i] = (float)rena_rng_uniform(&rng);
            expect_limited += fabs((double)target[i] - prev[i]) > step;
        }
        int limited = -1;
        ck_assert_int_eq(rena_rate_limit(prev, target, N, step, out, &limited, NULL), RENA_OK);
        ck_assert_int_eq(limited, expect_limited);
        for (int i = 0; i < N; i++) {
            double moved = (double)out[i] - prev[i], wanted = (double)target[i] - prev[i];
            ck_assert_double_le(fabs(moved), step);
            if (fabs(wanted) <= step)
                ck_assert(out[i] == target[i]);
            else /* full step towards the target, give or take one float ulp */
                ck_assert_double_gt(moved * (wanted > 0 ? 1 : -1), step - 1e-6);
        }
        memcpy(prev, out, sizeof prev);
    }
}
END_TEST

START_TEST(rate_limiter_reaches_target_in_expected_cycles)
{
    float cmd[1] = {0.0f}, target[1] = {1.0f};
    int cycles = 0;
    while (cmd[0] != target[0] && cycles < 100) {
        ck_assert_int_eq(rena_rate_limit(cmd, target, 1, RENA_RATE_LIMIT_STEP, cmd, NULL, NULL),
                         RENA_OK); /* in place */
        cycles++;
    }
    /* ten steps of 0.1 in float may leave a sliver for an eleventh */
    ck_assert_int_ge(cycles, 10);
    ck_assert_int_le(cycles, 11);
    rena_error e;
    float bad[1] = {INFINITY};
    ck_assert_int_eq(rena_rate_limit(cmd, bad, 1, 0.1f, cmd, NULL, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "target command 0"));
    ck_assert_int_eq(rena_rate_limit(cmd, target, 1, 0.0f, cmd, NULL, &e), RENA_ERR_ARG);
    ck_assert(cmd[0] == 1.0f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_oneeuro");
    TCase *tc = tcase_create("oneeuro");
    tcase_add_test(tc, constant_input_passes_unchanged);
    tcase_add_test(tc, reduces_noise_on_a_still_signal);
    tcase_add_test(tc, follows_a_step_with_bounded_lag);
    tcase_add_test(tc, variable_dt_matches_the_definition);
    tcase_add_test(tc, first_sample_and_reset_pass_through);
    tcase_add_test(tc, bad_input_is_refused_and_state_kept);
    tcase_add_test(tc, rate_limiter_never_exceeds_its_step);
    tcase_add_test(tc, rate_limiter_reaches_target_in_expected_cycles);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
