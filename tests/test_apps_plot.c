/* Charts: valid PNGs of the requested size, with the data actually drawn,
 * written atomically, and errors that name the path. */
#include <cairo.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"
#include "testutil.h"

static char tmp[512];

static void setup(void)
{
    rena_test_tmpdir(tmp, sizeof tmp);
}

static const char *tmp_path(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", tmp, name);
    return buf;
}

typedef struct {
    int width, height;
    long ink;       /* pixels that are not white */
    long colour[3]; /* pixels close to tab:blue, tab:orange, tab:green */
} png_stats;

/* Reads the PNG back with cairo and counts what was drawn. */
static png_stats inspect(const char *path)
{
    static const int ref[3][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}};
    png_stats st = {0};
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    ck_assert_msg(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "%s: %s", path,
                  cairo_status_to_string(cairo_surface_status(s)));
    st.width = cairo_image_surface_get_width(s);
    st.height = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    for (int y = 0; y < st.height; y++)
        for (int x = 0; x < st.width; x++) {
            unsigned px = *(const unsigned *)(data + (size_t)y * stride + (size_t)x * 4);
            int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
            st.ink += r < 250 || g < 250 || b < 250;
            for (int k = 0; k < 3; k++)
                st.colour[k] += abs(r - ref[k][0]) + abs(g - ref[k][1]) + abs(b - ref[k][2]) < 30;
        }
    cairo_surface_destroy(s);
    return st;
}

static int leftovers(void)
{
    int n = 0;
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp") != NULL;
    if (d)
        closedir(d);
    return n;
}

START_TEST(line_chart_draws_every_series)
{
    enum { N = 200 };
    double x[N], train[N], test[N], third[N];
    for (int i = 0; i < N; i++) {
        x[i] = i + 1;
        train[i] = 0.3 * exp(-i / 40.0) + 0.002;
        test[i] = 0.35 * exp(-i / 50.0) + 0.003;
        third[i] = i == 100 ? NAN : 0.1 + 0.05 * sin(i / 10.0); /* a gap */
    }
    rena_plot_series s[3] = {{"train", x, train, N}, {"test", x, test, N}, {"other", x, third, N}};
    rena_plot_options o = {"Loss", "epoch", "MSE", 0, 640, 400};
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("loss.png", path, sizeof path), &o, s, 3, NULL),
                     RENA_OK);
    png_stats st = inspect(path);
    ck_assert_int_eq(st.width, 640);
    ck_assert_int_eq(st.height, 400);
    for (int k = 0; k < 3; k++)
        ck_assert_int_gt(st.colour[k], 300); /* each series visible as lines */
    ck_assert_int_gt(st.ink, 640 * 400 / 50);
    ck_assert_int_eq(leftovers(), 0);
}
END_TEST

START_TEST(log_axis_skips_values_it_cannot_show)
{
    double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {1e-1, 0.0, -3.0, 1e-3, INFINITY, 1e-5};
    rena_plot_series s = {"loss", x, y, 6};
    rena_plot_options o = {"log", NULL, NULL, 1, 0, 0};
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("log.png", path, sizeof path), &o, &s, 1, NULL),
                     RENA_OK);
    png_stats st = inspect(path);
    ck_assert_int_eq(st.width, 800); /* defaults */
    ck_assert_int_eq(st.height, 500);
    ck_assert_int_gt(st.colour[0], 50);
}
END_TEST

START_TEST(bar_chart_with_long_labels)
{
    static const char *names[25];
    double v[25];
    char buf[25][32];
    for (int i = 0; i < 25; i++) {
        snprintf(buf[i], sizeof buf[i], "servo_name_%02d", i);
        names[i] = buf[i];
        v[i] = 0.01 + 0.002 * i;
    }
    v[7] = NAN; /* skipped, the rest still drawn */
    rena_plot_options o = {"Per-servo error", NULL, "RMSE", 0, 900, 450};
    char path[600];
    ck_assert_int_eq(
        rena_plot_bars(tmp_path("bars.png", path, sizeof path), &o, names, v, 25, NULL), RENA_OK);
    png_stats st = inspect(path);
    ck_assert_int_eq(st.width, 900);
    ck_assert_int_gt(st.colour[0], 900 * 450 / 20); /* blue bars fill a good share */
}
END_TEST

START_TEST(chart_without_finite_data_is_still_written)
{
    double x[2] = {0, 1}, y[2] = {NAN, NAN};
    rena_plot_series s = {NULL, x, y, 2}; /* no legend: no blue at all */
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("empty.png", path, sizeof path), NULL, &s, 1, NULL),
                     RENA_OK);
    png_stats st = inspect(path);
    ck_assert_int_gt(st.ink, 0); /* axes and the note */
    ck_assert_int_eq(st.colour[0], 0);
}
END_TEST

START_TEST(replaces_an_existing_file_atomically)
{
    char path[600];
    tmp_path("again.png", path, sizeof path);
    FILE *fp = fopen(path, "w");
    fputs("old", fp);
    fclose(fp);
    double x[2] = {0, 1}, y[2] = {0, 1};
    rena_plot_series s = {NULL, x, y, 2};
    ck_assert_int_eq(rena_plot_lines(path, NULL, &s, 1, NULL), RENA_OK);
    ck_assert_int_eq(inspect(path).width, 800);
    ck_assert_int_eq(leftovers(), 0);
}
END_TEST

START_TEST(errors_name_the_path)
{
    double x[2] = {0, 1}, y[2] = {0, 1};
    rena_plot_series s = {"a", x, y, 2};
    rena_error e;
    const char *bad = "/nonexistent-rena-dir/plot.png";
    ck_assert_int_eq(rena_plot_lines(bad, NULL, &s, 1, &e), RENA_ERR_IO);
    ck_assert_ptr_nonnull(strstr(e.where, bad));
    const char *names[1] = {"x"};
    ck_assert_int_eq(rena_plot_bars(bad, NULL, names, y, 1, &e), RENA_ERR_IO);
    ck_assert_ptr_nonnull(strstr(e.where, bad));
    rena_plot_options tiny = {NULL, NULL, NULL, 0, 10, 10};
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("t.png", path, sizeof path), &tiny, &s, 1, &e),
                     RENA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "10x10"));
    double huge[2] = {-1e308, 1e308};
    rena_plot_series wide = {"w", x, huge, 2};
    ck_assert_int_eq(rena_plot_lines(path, NULL, &wide, 1, &e), RENA_ERR_RANGE);
    rena_plot_series broken = {"b", NULL, y, 2};
    ck_assert_int_eq(rena_plot_lines(path, NULL, &broken, 1, &e), RENA_ERR_ARG);
    ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_plot");
    TCase *tc = tcase_create("plot");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, line_chart_draws_every_series);
    tcase_add_test(tc, log_axis_skips_values_it_cannot_show);
    tcase_add_test(tc, bar_chart_with_long_labels);
    tcase_add_test(tc, chart_without_finite_data_is_still_written);
    tcase_add_test(tc, replaces_an_existing_file_atomically);
    tcase_add_test(tc, errors_name_the_path);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
