/* Sequential indicators Gs, Gt, Gd (eqs. 13-16): perfect imitation scores
 * 100, hand-computed small cases, injected servo hops counted exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sequence_metrics.h"
#include "testutil.h"

#define NPTS 6
#define FRAMES 40

/* A face of NPTS points whose mouth corners (points 4, 5) move
 * neutral-peak-neutral over the sequence, as the paper's performer does. */
static void performer(float *pts, int frames, double scale, double ox, double oy, int lag)
{
    const double base[NPTS][2] = {{-1, -1}, {1, -1}, {-0.4, 0}, {0.4, 0}, {-0.6, 0.8}, {0.6, 0.8}};
    for (int t = 0; t < frames; t++) {
        int tt = t - lag < 0 ? 0 : t - lag;
        double phase = sin(M_PI * tt / (frames - 1)); /* 0 -> 1 -> 0 */
        for (int i = 0; i < NPTS; i++) {
            double x = base[i][0], y = base[i][1];
            if (i >= 4) {
                x += (i == 4 ? -0.25 : 0.25) * phase;
                y -= 0.2 * phase;
            }
            pts[((size_t)t * NPTS + i) * 2] = (float)(scale * x + ox);
            pts[((size_t)t * NPTS + i) * 2 + 1] = (float)(scale * y + oy);
        }
    }
}

START_TEST(identical_trajectories_score_100)
{
    static float h[FRAMES * NPTS * 2];
    performer(h, FRAMES, 80, 320, 240, 0);
    rena_seq_metrics m;
    ck_assert_int_eq(rena_seq_evaluate(h, h, NPTS, NULL, 0, FRAMES, NULL, &m, NULL), RENA_OK);
    ck_assert(m.gs == 100.0);
    ck_assert(m.gt == 100.0);
    ck_assert_int_eq(m.frames, FRAMES);
}
END_TEST

START_TEST(independent_of_image_size_and_position)
{
    /* the robot's face is smaller and elsewhere in its own image */
    static float h[FRAMES * NPTS * 2], r[FRAMES * NPTS * 2];
    performer(h, FRAMES, 80, 320, 240, 0);
    performer(r, FRAMES, 23, 100, 60, 0);
    rena_seq_metrics m;
    ck_assert_int_eq(rena_seq_evaluate(h, r, NPTS, NULL, 0, FRAMES, NULL, &m, NULL), RENA_OK);
    ck_assert_double_eq_tol(m.gs, 100.0, 1e-6);
    ck_assert_double_eq_tol(m.gt, 100.0, 1e-6);
}
END_TEST

START_TEST(a_lagging_robot_scores_lower)
{
    static float h[FRAMES * NPTS * 2], r1[FRAMES * NPTS * 2], r4[FRAMES * NPTS * 2];
    performer(h, FRAMES, 80, 320, 240, 0);
    performer(r1, FRAMES, 80, 320, 240, 1);
    performer(r4, FRAMES, 80, 320, 240, 4);
    rena_seq_metrics m1, m4;
    ck_assert_int_eq(rena_seq_evaluate(h, r1, NPTS, NULL, 0, FRAMES, NULL, &m1, NULL), RENA_OK);
    ck_assert_int_eq(rena_seq_evaluate(h, r4, NPTS, NULL, 0, FRAMES, NULL, &m4, NULL), RENA_OK);
    ck_assert_double_lt(m1.gs, 100.0);
    ck_assert_double_lt(m4.gs, m1.gs);
    ck_assert_double_lt(m4.gt, 100.0);
    ck_assert_double_gt(m4.gs, 0.0);
}
END_TEST

START_TEST(displacements_hand_computed)
{
    /* frame 0: (0,0), (2,0): centroid (1,0), RMS radius 1.
     * frame 1: (0,3), (2,0) -> d = (3, 0); frame 2: (3,4), (2,1) -> (5, 1).
     * Ten times larger coordinates give the same normalised values. */
    const float small[] = {0, 0, 2, 0, 0, 3, 2, 0, 3, 4, 2, 1};
    float big[12];
    for (int k = 0; k < 12; k++)
        big[k] = small[k] * 10.0f + 7.0f;
    const double expect[] = {0, 0, 3, 0, 5, 1};
    double d[6], db[6];
    ck_assert_int_eq(rena_seq_displacements(small, 3, 2, d, NULL), RENA_OK);
    ck_assert_int_eq(rena_seq_displacements(big, 3, 2, db, NULL), RENA_OK);
    for (int k = 0; k < 6; k++) {
        ck_assert_double_eq_tol(d[k], expect[k], 1e-12);
        ck_assert_double_eq_tol(db[k], expect[k], 1e-6);
    }
}
END_TEST

START_TEST(similarity_hand_computed)
{
    /* one point, 3 frames: dh = 0, .1, .3 and dr = 0, 0, .1.
     * Gs: F(.1) and F(.2) with b = .01 -> (e^-1 + e^-4) / 2.
     * Gt: Δh = .1, .2; Δr = 0, .1; both differ by .1 -> e^-1 with b = .01. */
    const double dh[] = {0, 0.1, 0.3}, dr[] = {0, 0, 0.1};
    rena_seq_params p = {0.01, 0.01, 0.05};
    double gs = 0, gt = 0;
    ck_assert_int_eq(rena_seq_similarity(dh, dr, 3, 1, &p, &gs, &gt, NULL), RENA_OK);
    ck_assert_double_eq_tol(gs, 100.0 * (exp(-1.0) + exp(-4.0)) / 2.0, 1e-9);
    ck_assert_double_eq_tol(gt, 100.0 * exp(-1.0), 1e-9);
    /* two points average per point: the second matches perfectly */
    const double dh2[] = {0, 0, 0.1, 0.5, 0.3, 0.5}, dr2[] = {0, 0, 0, 0.5, 0.1, 0.5};
    ck_assert_int_eq(rena_seq_similarity(dh2, dr2, 3, 2, &p, &gs, &gt, NULL), RENA_OK);
    ck_assert_double_eq_tol(gs, 100.0 * ((exp(-1.0) + exp(-4.0)) / 2.0 + 1.0) / 2.0, 1e-9);
    ck_assert_double_eq_tol(gt, 100.0 * (exp(-1.0) + 1.0) / 2.0, 1e-9);
}
END_TEST

START_TEST(smoothness_counts_injected_hops_exactly)
{
    enum { M = 5, T = 60 };
    static float c[T * M];
    rena_rng rng;
    rena_rng_init(&rng, 11, 0);
    for (int trial = 0; trial < 20; trial++) {
        long injected = 0;
        for (int j = 0; j < M; j++) {
            float level = (float)rena_rng_range(&rng, 0.2, 0.8);
            int next_step = 2 + (int)rena_rng_below(&rng, 6);
            for (int t = 0; t < T; t++) {
                if (t == next_step) {
                    /* a jump of >= 0.15 after >= 3 still frames: one hop */
                    level = level > 0.5f ? level - 0.3f : level + 0.3f;
                    injected++;
                    next_step = t + 3 + (int)rena_rng_below(&rng, 8);
                }
                c[t * M + j] = level;
            }
        }
        long hops = -1;
        double gd = 0;
        ck_assert_int_eq(rena_seq_smoothness(c, T, M, RENA_SEQ_T_D, &gd, &hops, NULL), RENA_OK);
        ck_assert_int_eq(hops, injected);
        ck_assert_double_eq_tol(gd, 100.0 * (1.0 - (double)injected / (M * (T - 2))), 1e-12);
    }
}
END_TEST

START_TEST(smooth_ramps_and_single_spikes)
{
    /* servo 0 ramps 0.04 per frame (no hop: the step grows by 0.04 < T_D);
     * servo 1 holds, spikes for one frame, holds: only the way up is a hop
     * (on the way down the step is as large as the one before). */
    enum { T = 12 };
    float c[T * 2];
    for (int t = 0; t < T; t++) {
        c[t * 2] = 0.1f + 0.04f * (float)t;
        c[t * 2 + 1] = t == 6 ? 0.9f : 0.3f;
    }
    long hops = -1;
    double gd = 0;
    ck_assert_int_eq(rena_seq_smoothness(c, T, 2, RENA_SEQ_T_D, &gd, &hops, NULL), RENA_OK);
    ck_assert_int_eq(hops, 1);
    ck_assert_double_eq_tol(gd, 100.0 * (1.0 - 1.0 / (2 * (T - 2))), 1e-12);
    /* a constant command has no hops at any threshold */
    for (int t = 0; t < T * 2; t++)
        c[t] = 0.5f;
    ck_assert_int_eq(rena_seq_smoothness(c, T, 2, 0.0, &gd, &hops, NULL), RENA_OK);
    ck_assert_int_eq(hops, 0);
    ck_assert(gd == 100.0);
}
END_TEST

START_TEST(evaluate_combines_all_three)
{
    static float h[FRAMES * NPTS * 2];
    static float c[FRAMES * 3];
    performer(h, FRAMES, 80, 320, 240, 0);
    for (int t = 0; t < FRAMES; t++)
        for (int j = 0; j < 3; j++)
            c[t * 3 + j] = (j == 2 && t >= 20) ? 0.9f : 0.5f;
    rena_seq_metrics m;
    ck_assert_int_eq(rena_seq_evaluate(h, h, NPTS, c, 3, FRAMES, NULL, &m, NULL), RENA_OK);
    ck_assert_int_eq(m.hops, 1);
    ck_assert_double_eq_tol(m.gd, 100.0 * (1.0 - 1.0 / (3.0 * (FRAMES - 2))), 1e-12);
}
END_TEST

START_TEST(bad_input_names_frame_and_servo)
{
    float c[4 * 3];
    for (int k = 0; k < 12; k++)
        c[k] = 0.5f;
    c[2 * 3 + 1] = NAN;
    rena_error e;
    double gd;
    ck_assert_int_eq(rena_seq_smoothness(c, 4, 3, 0.05, &gd, NULL, &e), RENA_ERR_RANGE);
    ck_assert_str_eq(e.where, "commands, frame 2");
    ck_assert_ptr_nonnull(strstr(e.message, "servo 1"));
    ck_assert_int_eq(rena_seq_smoothness(c, 2, 3, 0.05, &gd, NULL, &e), RENA_ERR_ARG);

    static float h[FRAMES * NPTS * 2], r[FRAMES * NPTS * 2];
    performer(h, FRAMES, 80, 320, 240, 0);
    memcpy(r, h, sizeof r);
    r[(7 * NPTS + 3) * 2] = INFINITY;
    rena_seq_metrics m;
    ck_assert_int_eq(rena_seq_evaluate(h, r, NPTS, NULL, 0, FRAMES, NULL, &m, &e), RENA_ERR_RANGE);
    ck_assert_str_eq(e.where, "robot landmarks, frame 7");
    ck_assert_ptr_nonnull(strstr(e.message, "point 3"));
    rena_seq_params bad = {0.0, 0.01, 0.05};
    ck_assert_int_eq(rena_seq_evaluate(h, h, NPTS, NULL, 0, FRAMES, &bad, &m, &e), RENA_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_sequence_metrics");
    TCase *tc = tcase_create("sequence");
    tcase_add_test(tc, identical_trajectories_score_100);
    tcase_add_test(tc, independent_of_image_size_and_position);
    tcase_add_test(tc, a_lagging_robot_scores_lower);
    tcase_add_test(tc, displacements_hand_computed);
    tcase_add_test(tc, similarity_hand_computed);
    tcase_add_test(tc, smoothness_counts_injected_hops_exactly);
    tcase_add_test(tc, smooth_ramps_and_single_spikes);
    tcase_add_test(tc, evaluate_combines_all_three);
    tcase_add_test(tc, bad_input_names_frame_and_servo);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
