/* Charts: valid PNGs of the requested size, with the data actually drawn,
 * written atomically, and errors that name the path. */
#include <cairo.h>
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"
#include "plot_axis.h"
#include "plot_text.h"
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


/* Darkest-pixel helpers over a PNG read back with cairo. */
typedef struct {
    cairo_surface_t *s;
    int width, height, stride;
    const unsigned char *data;
} png_image;

static png_image png_load(const char *path)
{
    png_image im;
    im.s = cairo_image_surface_create_from_png(path);
    ck_assert_msg(cairo_surface_status(im.s) == CAIRO_STATUS_SUCCESS, "%s", path);
    im.width = cairo_image_surface_get_width(im.s);
    im.height = cairo_image_surface_get_height(im.s);
    im.stride = cairo_image_surface_get_stride(im.s);
    im.data = cairo_image_surface_get_data(im.s);
    return im;
}

/* Not the white background. */
static int png_ink(const png_image *im, int x, int y)
{
    unsigned px = *(const unsigned *)(im->data + (size_t)y * im->stride + (size_t)x * 4);
    return ((px >> 16) & 255) < 250 || ((px >> 8) & 255) < 250 || (px & 255) < 250;
}

static long png_ink_in(const png_image *im, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += png_ink(im, x, y);
    return n;
}

/* Column of the plot frame's left edge: the first dark pixel on the middle row. */
static int frame_left(const png_image *im)
{
    int y = im->height / 2;
    for (int x = 0; x < im->width; x++) {
        unsigned px = *(const unsigned *)(im->data + (size_t)y * im->stride + (size_t)x * 4);
        if (((px >> 8) & 255) < 80)
            return x;
    }
    return -1;
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


START_TEST(log_axis_inside_one_decade_is_labelled)
{
    /* a loss curve that only moves from 0.013 to 0.011: no axis title, so
     * any ink left of the frame is tick labels */
    enum { N = 50 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = 0.013 - 0.002 * i / (N - 1);
    }
    rena_plot_series s = {NULL, x, y, N};
    rena_plot_options o = {NULL, NULL, NULL, 1, 600, 400};
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("decade.png", path, sizeof path), &o, &s, 1, NULL),
                     RENA_OK);
    png_image im = png_load(path);
    int left = frame_left(&im);
    ck_assert_int_gt(left, 10);
    ck_assert_int_gt(png_ink_in(&im, 0, 0, left - 6, im.height), 40);
    cairo_surface_destroy(im.s);
}
END_TEST

START_TEST(rotated_bar_labels_stay_inside_the_image)
{
    static const char *names[6] = {"a_really_long_category_name_for_the_first_bar", "b", "c", "d",
                                   "e", "f_also_long_enough_to_turn"};
    double v[6] = {1, 2, 3, 4, 5, 6};
    rena_plot_options o = {"Bars", NULL, NULL, 0, 400, 300};
    char path[600];
    ck_assert_int_eq(
        rena_plot_bars(tmp_path("longbars.png", path, sizeof path), &o, names, v, 6, NULL),
        RENA_OK);
    png_image im = png_load(path);
    int left = frame_left(&im);
    ck_assert_int_gt(left, 0);
    /* the labels were drawn (ink under the frame, left of the first bar) ... */
    ck_assert_int_gt(png_ink_in(&im, 0, im.height / 2, left, im.height), 50);
    /* ... and none of it touches the image border */
    ck_assert_int_eq(png_ink_in(&im, 0, 0, 2, im.height), 0);
    ck_assert_int_eq(png_ink_in(&im, 0, im.height - 2, im.width, im.height), 0);
    cairo_surface_destroy(im.s);
}
END_TEST

START_TEST(long_titles_and_legends_stay_inside_the_image)
{
    static const char *longer = "a title or label far too long for any chart of this size, "
                                "written by someone who likes to explain everything at once";
    double x[3] = {0, 1, 2}, y[3] = {1, 3, 2};
    rena_plot_series s = {longer, x, y, 3};
    rena_plot_options o = {longer, longer, longer, 0, 320, 240};
    char path[600];
    ck_assert_int_eq(rena_plot_lines(tmp_path("wordy.png", path, sizeof path), &o, &s, 1, NULL),
                     RENA_OK);
    png_image im = png_load(path);
    ck_assert_int_gt(png_ink_in(&im, 0, 0, im.width, 30), 100); /* the (shortened) title */
    ck_assert_int_eq(png_ink_in(&im, 0, 0, 2, im.height), 0);
    ck_assert_int_eq(png_ink_in(&im, im.width - 2, 0, im.width, im.height), 0);
    ck_assert_int_eq(png_ink_in(&im, 0, 0, im.width, 2), 0);
    ck_assert_int_eq(png_ink_in(&im, 0, im.height - 2, im.width, im.height), 0);
    cairo_surface_destroy(im.s);
}
END_TEST

/* ---- axis ticks and labels (plot_axis.h, no drawing) ---- */

/* Digits after the decimal point of a label's mantissa. */
static int label_decimals(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return 0;
    const char *end = strchr(s, 'e');
    return (int)((end ? end : s + strlen(s)) - dot - 1);
}

/* What every axis promises, whatever the data: finite limits around the
 * data, at least two ascending ticks inside them, and distinct labels that
 * read back as their ticks. */
static void check_axis(const rena_plot_axis *a, double lo, double hi)
{
    double vlo = a->log ? pow(10.0, a->lo) : a->lo, vhi = a->log ? pow(10.0, a->hi) : a->hi;
    ck_assert_msg(isfinite(a->lo) && isfinite(a->hi) && a->lo < a->hi, "limits %g %g", a->lo,
                  a->hi);
    ck_assert_msg(vlo <= lo && vhi >= hi, "[%g, %g] does not hold the data [%g, %g]", vlo, vhi,
                  lo, hi);
    ck_assert_msg(a->nticks >= 2, "[%g, %g]: %d ticks", lo, hi, a->nticks);
    ck_assert_int_le(a->nticks, 16);
    double slack = 1e-9 * (vhi - vlo);
    for (int i = 0; i < a->nticks; i++) {
        double t = a->ticks[i];
        const char *l = a->labels[i];
        ck_assert_msg(isfinite(t) && t >= vlo - slack && t <= vhi + slack,
                      "[%g, %g]: tick %.17g outside [%g, %g]", lo, hi, t, vlo, vhi);
        ck_assert_msg(i == 0 || t > a->ticks[i - 1], "ticks not ascending");
        ck_assert_msg(i == 0 || strcmp(l, a->labels[i - 1]) != 0, "[%g, %g]: label %s twice", lo,
                      hi, l);
        char *end;
        double back = strtod(l, &end);
        ck_assert_msg(*l && *end == '\0', "label '%s' is not a number", l);
        ck_assert_msg(fabs(back - t) <= 1e-6 * (vhi - vlo) + 1e-12 * fabs(t),
                      "label '%s' for tick %.17g", l, t);
        ck_assert_msg(strncmp(l, "-0", 2) != 0 || back != 0.0, "negative zero label '%s'", l);
        /* ordinary magnitudes read as plain decimals, never "2e-02" */
        if (fabs(t) >= 1e-3 && fabs(t) < 1e5)
            ck_assert_msg(!strchr(l, 'e'), "label '%s' for %g", l, t);
    }
}

/* Evenly spaced ticks share one precision ("0.0110", "0.0115", ...). */
static int evenly_spaced(const rena_plot_axis *a)
{
    for (int i = 2; i < a->nticks; i++) {
        double d0 = a->ticks[1] - a->ticks[0], d = a->ticks[i] - a->ticks[i - 1];
        if (fabs(d - d0) > 1e-6 * d0)
            return 0;
    }
    return 1;
}

static void check_uniform_precision(const rena_plot_axis *a)
{
    int d = -1;
    for (int i = 0; i < a->nticks; i++) {
        if (strcmp(a->labels[i], "0") == 0)
            continue;
        if (d < 0)
            d = label_decimals(a->labels[i]);
        ck_assert_msg(label_decimals(a->labels[i]) == d, "'%s' next to %d decimals",
                      a->labels[i], d);
    }
}

START_TEST(log_ticks_inside_one_decade)
{
    static const double ranges[][2] = {{0.011, 0.013}, {0.02, 0.05}, {0.02, 0.035},
                                       {1.5, 1.6},     {3e-7, 4e-7}, {2e5, 9e5},
                                       {123.4, 123.5}, {0.0123, 0.0123000001}};
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        rena_plot_axis a;
        ck_assert_int_eq(rena_plot_axis_log(&a, ranges[k][0], ranges[k][1], NULL), RENA_OK);
        ck_assert_int_eq(a.log, 1);
        ck_assert_int_eq(a.powers, 0);
        check_axis(&a, ranges[k][0], ranges[k][1]);
        if (evenly_spaced(&a))
            check_uniform_precision(&a);
    }
    /* the usual 0.02 .. 0.05 reads as 0.02, 0.03, ... */
    rena_plot_axis a;
    ck_assert_int_eq(rena_plot_axis_log(&a, 0.02, 0.05, NULL), RENA_OK);
    ck_assert_str_eq(a.labels[0], "0.02");
    ck_assert_str_eq(a.labels[a.nticks - 1], "0.05");
}
END_TEST

START_TEST(log_ticks_across_decades)
{
    rena_plot_axis a;
    ck_assert_int_eq(rena_plot_axis_log(&a, 0.002, 0.3, NULL), RENA_OK); /* 1-2-5 */
    check_axis(&a, 0.002, 0.3);
    ck_assert_int_eq(a.powers, 0);
    for (int i = 0; i < a.nticks; i++) {
        double m = a.ticks[i] / pow(10.0, floor(log10(a.ticks[i]) + 1e-9));
        ck_assert_msg(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9, "%g",
                      a.ticks[i]);
    }
    static const double wide[][2] = {{1e-5, 0.3}, {1e-300, 1e300}, {3.0, 4e6}};
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(rena_plot_axis_log(&a, wide[k][0], wide[k][1], NULL), RENA_OK);
        check_axis(&a, wide[k][0], wide[k][1]);
        ck_assert_int_ge(a.nticks, 3);
        ck_assert_int_eq(a.powers, 1);
        for (int i = 0; i < a.nticks; i++) {
            int e = rena_plot_axis_exponent(&a, i);
            ck_assert_double_eq_tol(log10(a.ticks[i]), e, 1e-9);
        }
    }
}
END_TEST

START_TEST(log_axis_constant_and_bad_ranges)
{
    rena_plot_axis a;
    ck_assert_int_eq(rena_plot_axis_log(&a, 0.0123, 0.0123, NULL), RENA_OK);
    check_axis(&a, 0.0123, 0.0123);
    /* subnormal data: the axis stops at DBL_MIN instead of inventing ticks */
    ck_assert_int_eq(rena_plot_axis_log(&a, 5e-324, 5e-324, NULL), RENA_OK);
    check_axis(&a, DBL_MIN * 1.001, DBL_MIN);
    ck_assert_int_eq(rena_plot_axis_log(&a, 5e-324, 1e-300, NULL), RENA_OK);
    check_axis(&a, DBL_MIN * 1.001, 1e-300);
    /* right under DBL_MAX the margin shrinks instead of overflowing */
    ck_assert_int_eq(rena_plot_axis_log(&a, 1.7e308, 1.79e308, NULL), RENA_OK);
    check_axis(&a, 1.7e308, 1.79e308);
    static const double bad[][2] = {{0.0, 1.0}, {-1.0, 1.0}, {1.0, INFINITY}, {NAN, 1.0},
                                    {1.0, NAN}, {2.0, 1.0}};
    for (int k = 0; k < 6; k++) {
        rena_error e;
        ck_assert_int_eq(rena_plot_axis_log(&a, bad[k][0], bad[k][1], &e), RENA_ERR_RANGE);
        ck_assert(strlen(e.message) > 0);
    }
}
END_TEST

START_TEST(linear_ticks_for_degenerate_ranges)
{
    static const double ranges[][2] = {
        {0, 0},       {5, 5},         {-3, -3},         {1e300, 1e300},       {1.0, 1.0 + 1e-15},
        {1e-12, 2e-12}, {1e15, 1e15 + 3}, {-0.5, -0.1}, {-1e-7, 1e-7},        {0, 200},
        {1234567, 1234567.6}, {-1e200, 1e200}, {0.1, 0.30000000000000004}, {1e-300, 1e-300}};
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
        for (int zero = 0; zero < 2; zero++) {
            rena_plot_axis a;
            rena_error e;
            ck_assert_msg(rena_plot_axis_linear(&a, ranges[k][0], ranges[k][1], zero, &e) ==
                              RENA_OK,
                          "[%g, %g]: %s", ranges[k][0], ranges[k][1], e.message);
            ck_assert_int_eq(a.log, 0);
            check_axis(&a, zero ? fmin(ranges[k][0], 0) : ranges[k][0],
                       zero ? fmax(ranges[k][1], 0) : ranges[k][1]);
            check_uniform_precision(&a);
            if (zero && ranges[k][0] >= 0 && ranges[k][1] > 0)
                ck_assert(a.lo == 0.0); /* bars grow from the frame */
        }
}
END_TEST

START_TEST(linear_axis_rejects_what_it_cannot_show)
{
    static const double bad[][2] = {
        {NAN, 1}, {0, INFINITY}, {-INFINITY, 0}, {2, 1}, {-1e308, 1e308}, {1.7e308, 1.7e308}};
    for (int k = 0; k < 6; k++) {
        rena_plot_axis a;
        rena_error e;
        ck_assert_int_eq(rena_plot_axis_linear(&a, bad[k][0], bad[k][1], 0, &e), RENA_ERR_RANGE);
    }
}
END_TEST

START_TEST(axis_maps_limits_to_pixels)
{
    rena_plot_axis a;
    ck_assert_int_eq(rena_plot_axis_log(&a, 0.01, 10.0, NULL), RENA_OK);
    a.p0 = 400;
    a.p1 = 40;
    ck_assert_double_eq_tol(rena_plot_axis_map(&a, pow(10.0, a.lo)), 400, 1e-9);
    ck_assert_double_eq_tol(rena_plot_axis_map(&a, pow(10.0, a.hi)), 40, 1e-9);
    double mid = pow(10.0, (a.lo + a.hi) / 2); /* geometric middle */
    ck_assert_double_eq_tol(rena_plot_axis_map(&a, mid), 220, 1e-9);
    ck_assert_int_eq(rena_plot_axis_linear(&a, -2, 6, 0, NULL), RENA_OK);
    a.p0 = 50;
    a.p1 = 750;
    ck_assert_double_eq_tol(rena_plot_axis_map(&a, (a.lo + a.hi) / 2), 400, 1e-9);
}
END_TEST

/* ---- text boxes and elision (plot_text.h) ---- */

START_TEST(text_box_holds_the_rendered_ink)
{
    static const double angles[4] = {0.0, -M_PI / 4, -M_PI / 2, 0.3};
    for (int k = 0; k < 4; k++) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 400);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 14);
        const char *text = "Mouth_smile_left (gJ)";
        rena_plot_box b = rena_plot_text_box(cr, text, 200, 200, 1.0, 0.0, angles[k]);
        rena_plot_text_draw(cr, text, 200, 200, 1.0, 0.0, angles[k]);
        cairo_surface_flush(s);
        png_image im = {s, 400, 400, cairo_image_surface_get_stride(s),
                        cairo_image_surface_get_data(s)};
        int x0 = 400, y0 = 400, x1 = -1, y1 = -1;
        for (int y = 0; y < 400; y++)
            for (int x = 0; x < 400; x++)
                if (png_ink(&im, x, y)) {
                    x0 = x < x0 ? x : x0;
                    x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0;
                    y1 = y > y1 ? y : y1;
                }
        ck_assert_int_ge(x1, 0);
        /* the box holds every inked pixel (1 px of antialiasing) and is tight */
        ck_assert_msg(x0 >= b.x0 - 1 && x1 + 1 <= b.x1 + 1 && y0 >= b.y0 - 1 && y1 + 1 <= b.y1 + 1,
                      "angle %g: ink [%d,%d]x[%d,%d] box [%g,%g]x[%g,%g]", angles[k], x0, x1 + 1,
                      y0, y1 + 1, b.x0, b.x1, b.y0, b.y1);
        ck_assert(x0 <= b.x0 + 3 && x1 + 1 >= b.x1 - 3 && y0 <= b.y0 + 3 && y1 + 1 >= b.y1 - 3);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
}
END_TEST

START_TEST(elide_shortens_at_character_boundaries)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t *cr = cairo_create(s);
    cairo_set_font_size(cr, 12);
    char buf[64];
    rena_plot_text_elide(cr, "jaw", 100, buf, sizeof buf);
    ck_assert_str_eq(buf, "jaw"); /* fits: untouched */
    const char *longer = "orbicularis_oculi_left_upper_eyelid";
    rena_plot_text_elide(cr, longer, 80, buf, sizeof buf);
    ck_assert_double_le(rena_plot_text_width(cr, buf), 80);
    size_t n = strlen(buf);
    ck_assert_uint_gt(n, 3);
    ck_assert_str_eq(buf + n - 3, "\xe2\x80\xa6");
    ck_assert_int_eq(strncmp(buf, longer, n - 3), 0);
    /* multi-byte characters are never cut in half */
    const char *accents = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    for (double w = 16; w < 80; w += 3) { /* from a bit more than the ellipsis */
        rena_plot_text_elide(cr, accents, w, buf, sizeof buf);
        n = strlen(buf);
        ck_assert_double_le(rena_plot_text_width(cr, buf), w);
        if (strcmp(buf, accents) != 0)
            ck_assert_uint_eq((n - 3) % 2, 0);
    }
    /* a small buffer cuts too, and stays terminated */
    char small[8];
    rena_plot_text_elide(cr, longer, 1000, small, sizeof small);
    ck_assert_uint_le(strlen(small), 7);
    ck_assert_str_eq(small + strlen(small) - 3, "\xe2\x80\xa6");
    rena_plot_text_elide(cr, longer, 1000, small, 3);
    ck_assert_str_eq(small, "");
    cairo_destroy(cr);
    cairo_surface_destroy(s);
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
    tcase_add_test(tc, log_axis_inside_one_decade_is_labelled);
    tcase_add_test(tc, rotated_bar_labels_stay_inside_the_image);
    tcase_add_test(tc, long_titles_and_legends_stay_inside_the_image);
    tcase_add_test(tc, log_ticks_inside_one_decade);
    tcase_add_test(tc, log_ticks_across_decades);
    tcase_add_test(tc, log_axis_constant_and_bad_ranges);
    tcase_add_test(tc, linear_ticks_for_degenerate_ranges);
    tcase_add_test(tc, linear_axis_rejects_what_it_cannot_show);
    tcase_add_test(tc, axis_maps_limits_to_pixels);
    tcase_add_test(tc, text_box_holds_the_rendered_ink);
    tcase_add_test(tc, elide_shortens_at_character_boundaries);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
