/* The B-spline KAN layer: bases against an independent closed form, the
 * partition of unity, and the layer's output against a hand evaluation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kan.h"
#include "testutil.h"

/* Uniform cubic B-spline B_0 on knots 0,1,2,3,4 (unit spacing), in closed
 * form, piece by piece (de Boor, "A Practical Guide to Splines"). */
static double cubic_closed(double t)
{
    if (t < 0 || t >= 4)
        return 0.0;
    if (t < 1)
        return t * t * t / 6.0;
    if (t < 2)
        return (-3 * t * t * t + 12 * t * t - 12 * t + 4) / 6.0;
    if (t < 3)
        return (3 * t * t * t - 24 * t * t + 60 * t - 44) / 6.0;
    return (4 - t) * (4 - t) * (4 - t) / 6.0;
}

/* Basis k of the extended grid: knots t_m = lo + (m - 3) h, B_k starts at t_k. */
static double reference_basis(rena_kan_shape s, int k, double u)
{
    double h = (s.hi - s.lo) / s.grid_size;
    double t0 = s.lo + (k - 3) * h;
    return cubic_closed((u - t0) / h);
}

static const rena_kan_shape DEFAULT = {1, 1, 5, 3, -1.0f, 1.0f};

START_TEST(cox_de_boor_matches_closed_form)
{
    ck_assert_int_eq(rena_kan_num_bases(DEFAULT), 8);
    float b[8];
    for (double u = -2.5; u <= 2.5; u += 0.0173) {
        rena_kan_bases(DEFAULT, (float)u, b);
        for (int k = 0; k < 8; k++)
            ck_assert_msg(fabs(b[k] - reference_basis(DEFAULT, k, u)) < 2e-6,
                          "u=%g basis %d: %g vs %g", u, k, (double)b[k],
                          reference_basis(DEFAULT, k, u));
    }
}
END_TEST

START_TEST(bases_sum_to_one_inside_grid)
{
    rena_kan_shape shapes[] = {DEFAULT, {1, 1, 7, 2, -0.5f, 2.0f}, {1, 1, 3, 4, 0.0f, 1.0f}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        rena_kan_shape s = shapes[i];
        int nb = rena_kan_num_bases(s);
        float b[64];
        for (double u = s.lo; u < s.hi; u += (s.hi - s.lo) / 97.0) {
            rena_kan_bases(s, (float)u, b);
            double sum = 0;
            int nonzero = 0;
            for (int k = 0; k < nb; k++) {
                ck_assert(b[k] >= -1e-7f);
                sum += b[k];
                nonzero += b[k] > 1e-7f;
            }
            ck_assert_double_eq_tol(sum, 1.0, 1e-5);
            ck_assert_int_le(nonzero, s.order + 1);
        }
        /* beyond the extended knots every basis vanishes */
        rena_kan_bases(s, s.hi + 10.0f, b);
        for (int k = 0; k < nb; k++)
            ck_assert(b[k] == 0.0f);
    }
}
END_TEST

/* Layer with one input and G+p outputs, wb = 0, ws = 1 and coefficient
 * c[k][o] = (k == o): output o is basis o at the spline input. */
static void one_hot_layer(rena_kan_shape s, float *p)
{
    int nb = rena_kan_num_bases(s), no = s.n_out;
    memset(p, 0, sizeof(float) * (size_t)rena_kan_param_count(s));
    float *c = p + no, *ws = p + no + (long)nb * no;
    for (int k = 0; k < nb; k++)
        c[k * no + k] = 1.0f;
    for (int o = 0; o < no; o++)
        ws[o] = 1.0f;
}

START_TEST(layer_evaluates_splines_of_tanh)
{
    rena_kan_shape orders[] = {{1, 8, 5, 3, -1.0f, 1.0f}, {1, 9, 6, 3, -1.0f, 1.0f},
                               {1, 9, 7, 2, -1.0f, 1.0f}};
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
        rena_kan_shape s = orders[i];
        int nb = rena_kan_num_bases(s);
        ck_assert_int_eq(nb, s.n_out);
        float *p = malloc(sizeof(float) * (size_t)rena_kan_param_count(s));
        float *cache = malloc(sizeof(float) * (size_t)rena_kan_cache_size(s));
        one_hot_layer(s, p);
        float y[16], b[16];
        for (double x = -6.0; x <= 6.0; x += 0.031) {
            float xf = (float)x;
            rena_kan_forward(s, p, &xf, y, cache);
            double u = tanh((double)xf); /* grid [-1,1]: tanh lands inside it */
            rena_kan_bases(s, (float)u, b);
            double sum = 0;
            for (int k = 0; k < nb; k++) {
                ck_assert_msg(fabs(y[k] - b[k]) < 3e-6, "x=%g k=%d: %g vs %g", x, k,
                              (double)y[k], (double)b[k]);
                if (s.order == 3)
                    ck_assert(fabs(y[k] - reference_basis(s, k, u)) < 3e-6);
                sum += y[k];
            }
            /* the spline term never vanishes, however far out x is */
            ck_assert_double_eq_tol(sum, 1.0, 1e-5);
        }
        free(p);
        free(cache);
    }
}
END_TEST

START_TEST(layer_adds_silu_branch_per_edge)
{
    rena_kan_shape s = {2, 1, 5, 3, -1.0f, 1.0f};
    float p[2 + 2 * 8 + 2] = {0};
    /* wb[i][0] */
    p[0] = 0.5f;
    p[1] = -2.0f;
    /* c[1][k][0] = k, ws[1][0] = 3, ws[0][0] = 0 */
    for (int k = 0; k < 8; k++)
        p[2 + 8 + k] = (float)k;
    p[2 + 16 + 1] = 3.0f;
    float cache[256], y;
    float x[2] = {0.7f, -1.3f};
    rena_kan_forward(s, p, x, &y, cache);
    float b[8];
    rena_kan_bases(s, (float)tanh(-1.3), b);
    double spline = 0;
    for (int k = 0; k < 8; k++)
        spline += k * b[k];
    double silu0 = 0.7 / (1 + exp(-0.7)), silu1 = -1.3 / (1 + exp(1.3));
    ck_assert_double_eq_tol(y, 0.5 * silu0 - 2.0 * silu1 + 3.0 * spline, 1e-5);
    ck_assert_int_le(rena_kan_cache_size(s), 256);
}
END_TEST

START_TEST(param_count_matches_efficient_kan)
{
    /* efficient-kan: base_weight (out,in) + spline_weight (out,in,G+p) + spline_scaler (out,in) */
    rena_kan_shape s = {55, 16, 5, 3, -1.0f, 1.0f};
    ck_assert_int_eq(rena_kan_param_count(s), 55 * 16 * (1 + 8 + 1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_kan");
    TCase *tc = tcase_create("kan");
    tcase_add_test(tc, cox_de_boor_matches_closed_form);
    tcase_add_test(tc, bases_sum_to_one_inside_grid);
    tcase_add_test(tc, layer_evaluates_splines_of_tanh);
    tcase_add_test(tc, layer_adds_silu_branch_per_edge);
    tcase_add_test(tc, param_count_matches_efficient_kan);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
