/* Landmark distance (eq. 12 after Procrustes alignment): zero for identical
 * shapes, invariant to where and how large either face is, hand-computed
 * values, and errors for degenerate input. */
#include <math.h>
#include <string.h>

#include "blendshape.h"
#include "landmark_metrics.h"
#include "rng.h"
#include "testutil.h"

/* A face-like random cloud of 68 points. */
static void random_face(float pts[RENA_NUM_LANDMARKS][2], uint64_t seed)
{
    rena_rng r;
    rena_rng_init(&r, seed, 0);
    for (int i = 0; i < RENA_NUM_LANDMARKS; i++) {
        pts[i][0] = (float)rena_rng_range(&r, 200, 440);
        pts[i][1] = (float)rena_rng_range(&r, 120, 380);
    }
}

/* p' = s R(theta) p + t, about the origin. */
static void transform(float in[][2], float out[][2], int n, double s, double theta, double tx,
                      double ty)
{
    double c = cos(theta), sn = sin(theta);
    for (int i = 0; i < n; i++) {
        double x = in[i][0], y = in[i][1];
        out[i][0] = (float)(s * (c * x - sn * y) + tx);
        out[i][1] = (float)(s * (sn * x + c * y) + ty);
    }
}

START_TEST(identical_sets_give_zero)
{
    float a[RENA_NUM_LANDMARKS][2];
    random_face(a, 1);
    double ld = -1;
    ck_assert_int_eq(rena_landmark_distance(&a[0][0], &a[0][0], RENA_NUM_LANDMARKS, NULL, &ld, NULL),
                     RENA_OK);
    ck_assert_double_lt(ld, 1e-12);
}
END_TEST

START_TEST(invariant_to_translation_and_scale_of_either_set)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    float t2[RENA_NUM_LANDMARKS][2], a2[RENA_NUM_LANDMARKS][2];
    random_face(t, 2);
    random_face(a, 3);
    for (int mode = 0; mode < 2; mode++) {
        rena_ld_options o = rena_ld_options_default();
        o.align = mode ? RENA_LD_ALIGN_SCALE : RENA_LD_ALIGN_SIMILARITY;
        double base = 0, moved = 0;
        ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, &o, &base, NULL), RENA_OK);
        ck_assert_double_gt(base, 0.1);
        transform(t, t2, 68, 0.37, 0.0, -150.0, 900.0);
        transform(a, a2, 68, 2.9, 0.0, 35.0, -12.0);
        ck_assert_int_eq(rena_landmark_distance(&t2[0][0], &a[0][0], 68, &o, &moved, NULL), RENA_OK);
        ck_assert_double_eq_tol(moved, base, 1e-5);
        ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a2[0][0], 68, &o, &moved, NULL), RENA_OK);
        ck_assert_double_eq_tol(moved, base, 1e-5);
    }
}
END_TEST

START_TEST(similarity_mode_ignores_rotation_scale_mode_does_not)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    random_face(t, 4);
    transform(t, a, 68, 1.7, 0.4, 20.0, -30.0);
    rena_ld_options o = rena_ld_options_default();
    double ld = -1;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, &o, &ld, NULL), RENA_OK);
    ck_assert_double_lt(ld, 1e-5);
    o.align = RENA_LD_ALIGN_SCALE;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, &o, &ld, NULL), RENA_OK);
    ck_assert_double_gt(ld, 0.2);
}
END_TEST

START_TEST(hand_computed_two_points)
{
    /* target (-1,0),(1,0); actual (0,-1),(0,1): both already unit RMS radius.
     * Without rotation each point is sqrt(2) away; a quarter turn aligns them. */
    const float t[] = {-1, 0, 1, 0}, a[] = {5, 3, 5, 7}; /* centre (5,5), radius 2 */
    rena_ld_options o = rena_ld_options_default();
    double ld = -1;
    o.align = RENA_LD_ALIGN_SCALE;
    ck_assert_int_eq(rena_landmark_distance(t, a, 2, &o, &ld, NULL), RENA_OK);
    ck_assert_double_eq_tol(ld, sqrt(2.0), 1e-12);
    o.align = RENA_LD_ALIGN_SIMILARITY;
    ck_assert_int_eq(rena_landmark_distance(t, a, 2, &o, &ld, NULL), RENA_OK);
    ck_assert_double_lt(ld, 1e-12);
}
END_TEST

START_TEST(hand_computed_square_against_rectangle)
{
    /* square (+-1,+-1) has RMS radius sqrt(2); rectangle (+-2,+-1) sqrt(5).
     * By symmetry the best rotation is 0, so every corner is
     * |(2/sqrt5 - 1/sqrt2, 1/sqrt5 - 1/sqrt2)| away. */
    const float t[] = {1, 1, -1, 1, -1, -1, 1, -1};
    const float a[] = {12, 11, 8, 11, 8, 9, 12, 9}; /* rectangle centred at (10,10) */
    double expect = hypot(2 / sqrt(5.0) - 1 / sqrt(2.0), 1 / sqrt(5.0) - 1 / sqrt(2.0));
    double ld = -1;
    ck_assert_int_eq(rena_landmark_distance(t, a, 4, NULL, &ld, NULL), RENA_OK);
    ck_assert_double_eq_tol(ld, expect, 1e-12);
    ck_assert_double_eq_tol(ld, 0.3203644, 1e-6);
}
END_TEST

START_TEST(symmetric_in_its_arguments)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    random_face(t, 5);
    random_face(a, 6);
    double ab = 0, ba = 0;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, NULL, &ab, NULL), RENA_OK);
    ck_assert_int_eq(rena_landmark_distance(&a[0][0], &t[0][0], 68, NULL, &ba, NULL), RENA_OK);
    ck_assert_double_eq_tol(ab, ba, 1e-12);
}
END_TEST

START_TEST(subset_uses_only_selected_points)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    random_face(t, 7);
    memcpy(a, t, sizeof a);
    for (int i = 0; i < 17; i++) { /* wreck the jaw line only */
        a[i][0] += 40.0f * (float)((i % 3) - 1);
        a[i][1] -= 25.0f;
    }
    int inner[RENA_NUM_LANDMARKS - 17];
    for (int i = 17; i < RENA_NUM_LANDMARKS; i++)
        inner[i - 17] = i;
    rena_ld_options o = rena_ld_options_default();
    o.subset = inner;
    o.n_subset = RENA_NUM_LANDMARKS - 17;
    double all = 0, sub = 0;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, NULL, &all, NULL), RENA_OK);
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, &o, &sub, NULL), RENA_OK);
    ck_assert_double_gt(all, 0.01);
    ck_assert_double_lt(sub, 1e-6);
}
END_TEST

START_TEST(aligned_sets_have_unit_radius_and_zero_centroid)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    random_face(t, 8);
    random_face(a, 9);
    double to[2 * RENA_NUM_LANDMARKS], ao[2 * RENA_NUM_LANDMARKS];
    ck_assert_int_eq(rena_landmark_align(&t[0][0], &a[0][0], 68, NULL, to, ao, NULL), RENA_OK);
    for (int s = 0; s < 2; s++) {
        const double *p = s ? ao : to;
        double cx = 0, cy = 0, ss = 0;
        for (int i = 0; i < 68; i++) {
            cx += p[2 * i];
            cy += p[2 * i + 1];
            ss += p[2 * i] * p[2 * i] + p[2 * i + 1] * p[2 * i + 1];
        }
        ck_assert_double_lt(fabs(cx) + fabs(cy), 1e-9);
        ck_assert_double_eq_tol(ss / 68, 1.0, 1e-9);
    }
    /* the rotation found is optimal: nudging it either way does not help */
    double best = 0, nudged[2] = {0, 0};
    for (int i = 0; i < 68; i++) {
        best += pow(to[2 * i] - ao[2 * i], 2) + pow(to[2 * i + 1] - ao[2 * i + 1], 2);
        for (int d = 0; d < 2; d++) {
            double th = d ? 1e-3 : -1e-3, x = ao[2 * i], y = ao[2 * i + 1];
            double rx = cos(th) * x - sin(th) * y, ry = sin(th) * x + cos(th) * y;
            nudged[d] += pow(to[2 * i] - rx, 2) + pow(to[2 * i + 1] - ry, 2);
        }
    }
    ck_assert_double_gt(nudged[0], best);
    ck_assert_double_gt(nudged[1], best);
}
END_TEST

START_TEST(rejects_bad_input_naming_the_point)
{
    float t[RENA_NUM_LANDMARKS][2], a[RENA_NUM_LANDMARKS][2];
    random_face(t, 10);
    memcpy(a, t, sizeof a);
    a[12][1] = NAN;
    rena_error e;
    double ld = 0;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &a[0][0], 68, NULL, &ld, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "actual[12].y"));
    float flat[4][2] = {{3, 3}, {3, 3}, {3, 3}, {3, 3}};
    ck_assert_int_eq(rena_landmark_distance(&flat[0][0], &t[0][0], 4, NULL, &ld, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "coincide"));
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &t[0][0], 1, NULL, &ld, &e), RENA_ERR_ARG);
    int bad[] = {0, 68};
    rena_ld_options o = rena_ld_options_default();
    o.subset = bad;
    o.n_subset = 2;
    ck_assert_int_eq(rena_landmark_distance(&t[0][0], &t[0][0], 68, &o, &ld, &e), RENA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "68"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_landmark_metrics");
    TCase *tc = tcase_create("ld");
    tcase_add_test(tc, identical_sets_give_zero);
    tcase_add_test(tc, invariant_to_translation_and_scale_of_either_set);
    tcase_add_test(tc, similarity_mode_ignores_rotation_scale_mode_does_not);
    tcase_add_test(tc, hand_computed_two_points);
    tcase_add_test(tc, hand_computed_square_against_rectangle);
    tcase_add_test(tc, symmetric_in_its_arguments);
    tcase_add_test(tc, subset_uses_only_selected_points);
    tcase_add_test(tc, aligned_sets_have_unit_radius_and_zero_centroid);
    tcase_add_test(tc, rejects_bad_input_naming_the_point);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
