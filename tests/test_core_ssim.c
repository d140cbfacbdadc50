/* SSIM (eq. 11): identity, symmetry, monotone in noise, and agreement with a
 * direct 2-D double-precision evaluation of Wang et al.'s definition. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"
#include "ssim.h"
#include "testutil.h"

/* A smooth scene with edges: gradients, a disc and a few stripes. */
static rena_image make_scene(int w, int h, uint64_t seed)
{
    rena_image img = {w, h, malloc((size_t)w * h * 3)};
    ck_assert_ptr_nonnull(img.rgb);
    rena_rng rng;
    rena_rng_init(&rng, seed, 0);
    double cx = w * (0.3 + 0.4 * rena_rng_uniform(&rng)), cy = h * 0.5, r = h * 0.3;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *p = img.rgb + ((size_t)y * w + x) * 3;
            int inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
            p[0] = (unsigned char)(inside ? 220 : 40 + 150 * x / w);
            p[1] = (unsigned char)(inside ? 90 : 30 + 180 * y / h);
            p[2] = (unsigned char)(((x / 7) % 2) ? 200 : 60);
        }
    return img;
}

static rena_image add_noise(const rena_image *src, double sigma, uint64_t seed)
{
    size_t n = (size_t)src->width * src->height * 3;
    rena_image img = {src->width, src->height, malloc(n)};
    ck_assert_ptr_nonnull(img.rgb);
    rena_rng rng;
    rena_rng_init(&rng, seed, 1);
    for (size_t i = 0; i < n; i++) {
        double v = src->rgb[i] + sigma * rena_rng_normal(&rng);
        img.rgb[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
    }
    return img;
}

/* Wang et al. 2004 written out directly: the 2-D window, every moment in
 * double, valid region only, per channel then averaged. */
static double reference_ssim(const rena_image *a, const rena_image *b)
{
    double g1[11], sum = 0;
    for (int k = 0; k < 11; k++) {
        g1[k] = exp(-(k - 5.0) * (k - 5.0) / (2 * 1.5 * 1.5));
        sum += g1[k];
    }
    double win[11][11], wsum = 0;
    for (int i = 0; i < 11; i++)
        for (int j = 0; j < 11; j++)
            wsum += win[i][j] = exp(-((i - 5.0) * (i - 5.0) + (j - 5.0) * (j - 5.0)) / 4.5);
    for (int i = 0; i < 11; i++)
        for (int j = 0; j < 11; j++)
            win[i][j] /= wsum;
    double c1 = pow(0.01 * 255, 2), c2 = pow(0.03 * 255, 2), total = 0;
    for (int c = 0; c < 3; c++) {
        double acc = 0;
        int count = 0;
        for (int y = 5; y < a->height - 5; y++)
            for (int x = 5; x < a->width - 5; x++) {
                double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
                for (int i = -5; i <= 5; i++)
                    for (int j = -5; j <= 5; j++) {
                        size_t o = ((size_t)(y + i) * a->width + (x + j)) * 3 + c;
                        double wgt = win[i + 5][j + 5], u = a->rgb[o], v = b->rgb[o];
                        mx += wgt * u;
                        my += wgt * v;
                        sxx += wgt * u * u;
                        syy += wgt * v * v;
                        sxy += wgt * u * v;
                    }
                sxx -= mx * mx;
                syy -= my * my;
                sxy -= mx * my;
                acc += (2 * mx * my + c1) * (2 * sxy + c2) /
                       ((mx * mx + my * my + c1) * (sxx + syy + c2));
                count++;
            }
        total += acc / count;
    }
    return total / 3;
}

START_TEST(identical_images_score_exactly_one)
{
    rena_image a = make_scene(64, 48, 1);
    double s = 0;
    ck_assert_int_eq(rena_ssim_rgb(&a, &a, NULL, &s, NULL), RENA_OK);
    ck_assert(s == 1.0);
    free(a.rgb);
}
END_TEST

START_TEST(matches_direct_two_dimensional_definition)
{
    rena_image a = make_scene(37, 23, 2);
    rena_image b = add_noise(&a, 25.0, 3);
    /* shift b's disc too so the structure term matters, not only noise */
    for (int y = 0; y < 23; y++)
        b.rgb[((size_t)y * 37 + 20) * 3] = 255;
    double fast = 0, ref = reference_ssim(&a, &b);
    ck_assert_int_eq(rena_ssim_rgb(&a, &b, NULL, &fast, NULL), RENA_OK);
    ck_assert_double_lt(ref, 0.9);
    ck_assert_double_eq_tol(fast, ref, 1e-5);
    free(a.rgb);
    free(b.rgb);
}
END_TEST

START_TEST(symmetric)
{
    rena_image a = make_scene(50, 40, 4);
    rena_image b = add_noise(&a, 30.0, 5);
    double ab = 0, ba = 0;
    ck_assert_int_eq(rena_ssim_rgb(&a, &b, NULL, &ab, NULL), RENA_OK);
    ck_assert_int_eq(rena_ssim_rgb(&b, &a, NULL, &ba, NULL), RENA_OK);
    ck_assert_double_eq_tol(ab, ba, 1e-12);
    free(a.rgb);
    free(b.rgb);
}
END_TEST

START_TEST(drops_monotonically_with_noise)
{
    rena_image a = make_scene(96, 72, 6);
    rena_ssim_workspace ws;
    ck_assert_int_eq(rena_ssim_workspace_init(&ws, 96, NULL), RENA_OK);
    double prev = 1.0;
    const double sigmas[] = {2, 5, 10, 20, 40, 80};
    for (size_t i = 0; i < sizeof sigmas / sizeof sigmas[0]; i++) {
        rena_image b = add_noise(&a, sigmas[i], 7);
        double s = 0;
        ck_assert_int_eq(rena_ssim_rgb(&a, &b, &ws, &s, NULL), RENA_OK);
        ck_assert_double_lt(s, prev);
        ck_assert_double_gt(s, -1.0);
        prev = s;
        free(b.rgb);
    }
    ck_assert_double_lt(prev, 0.5);
    rena_ssim_workspace_free(&ws);
    free(a.rgb);
}
END_TEST

START_TEST(single_channel_with_strides)
{
    /* channel 1 of an RGB buffer equals the same data packed on its own */
    rena_image a = make_scene(40, 30, 8), b = add_noise(&a, 15, 9);
    unsigned char *pa = malloc(40 * 30), *pb = malloc(40 * 30);
    for (int i = 0; i < 40 * 30; i++) {
        pa[i] = a.rgb[i * 3 + 1];
        pb[i] = b.rgb[i * 3 + 1];
    }
    double s_rgb = 0, s_packed = 0;
    ck_assert_int_eq(rena_ssim_channel(a.rgb + 1, b.rgb + 1, 40, 30, 3, 120, NULL, &s_rgb, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_ssim_channel(pa, pb, 40, 30, 1, 40, NULL, &s_packed, NULL), RENA_OK);
    ck_assert(s_rgb == s_packed);
    free(pa);
    free(pb);
    free(a.rgb);
    free(b.rgb);
}
END_TEST

START_TEST(rejects_bad_sizes)
{
    rena_image a = make_scene(20, 20, 1), b = make_scene(20, 21, 1), tiny = make_scene(10, 30, 1);
    double s = 0;
    rena_error e;
    ck_assert_int_eq(rena_ssim_rgb(&a, &b, NULL, &s, &e), RENA_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(e.message, "20x21"));
    ck_assert_int_eq(rena_ssim_rgb(&tiny, &tiny, NULL, &s, &e), RENA_ERR_ARG);
    rena_ssim_workspace ws;
    ck_assert_int_eq(rena_ssim_workspace_init(&ws, 21, NULL), RENA_OK);
    ck_assert_int_eq(rena_ssim_rgb(&b, &b, &ws, &s, &e), RENA_ERR_SHAPE);
    rena_ssim_workspace_free(&ws);
    free(a.rgb);
    free(b.rgb);
    free(tiny.rgb);
}
END_TEST

START_TEST(full_size_frames_through_one_workspace)
{
    /* 640x480 is the paper's image size; one workspace serves many pairs. */
    rena_image a = make_scene(640, 480, 10), b = add_noise(&a, 10, 11);
    rena_ssim_workspace ws;
    ck_assert_int_eq(rena_ssim_workspace_init(&ws, 640, NULL), RENA_OK);
    int pairs = rena_test_sanitized() ? 1 : 5;
    double s = 0;
    for (int i = 0; i < pairs; i++)
        ck_assert_int_eq(rena_ssim_rgb(&a, &b, &ws, &s, NULL), RENA_OK);
    ck_assert_double_gt(s, 0.2);
    ck_assert_double_lt(s, 0.99);
    rena_ssim_workspace_free(&ws);
    free(a.rgb);
    free(b.rgb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_ssim");
    TCase *tc = tcase_create("ssim");
    tcase_add_test(tc, identical_images_score_exactly_one);
    tcase_add_test(tc, matches_direct_two_dimensional_definition);
    tcase_add_test(tc, symmetric);
    tcase_add_test(tc, drops_monotonically_with_noise);
    tcase_add_test(tc, single_channel_with_strides);
    tcase_add_test(tc, rejects_bad_sizes);
    tcase_add_test(tc, full_size_frames_through_one_workspace);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
