/* plot.c: line and bar charts with cairo, styled after matplotlib's defaults
 * (white background, boxed axes, light grid, tab10 colours, legend at the
 * upper right), written as PNG through core/atomicfile.h. */
#include "plot.h"

#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"

#define MAX_TICKS 64

typedef struct {
    double r, g, b;
} rgb;

/* matplotlib's "tab10" cycle. */
static const rgb palette[10] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
    {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812}};

/* One axis: data range mapped to a pixel range, with its ticks. */
typedef struct {
    double lo, hi;      /* data limits (log10 of them for a log axis) */
    int log;
    double p0, p1;      /* pixels of lo and hi */
    double ticks[MAX_TICKS];
    int nticks;
    double step;        /* linear tick spacing (for label precision) */
} axis;

/* Everything a chart needs while it is drawn. */
typedef struct {
    cairo_t *cr;
    int width, height;
    double scale;                 /* font, line and margin scale relative to 800x500 */
    double left, right, top, bottom; /* plot area in pixels */
    axis x, y;
} chart;

static double axis_map(const axis *a, double v)
{
    double t = a->log ? log10(v) : v;
    return a->p0 + (t - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

/* 1, 2, 2.5 or 5 times a power of ten, at least raw. */
static double nice_step(double raw)
{
    double p = pow(10.0, floor(log10(raw))), m = raw / p;
    double mult = m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 2.5 ? 2.5 : m <= 5.0 ? 5.0 : 10.0;
    return mult * p;
}

/* Data limits with a 5 % margin (matplotlib's default), then ticks at
 * multiples of a nice step inside them. */
static void axis_linear(axis *a, double lo, double hi, int include_zero)
{
    if (include_zero) {
        lo = lo > 0.0 ? 0.0 : lo;
        hi = hi < 0.0 ? 0.0 : hi;
    }
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0.0 ? fabs(lo) * 0.1 : 0.5;
        lo -= pad;
        hi += pad;
    }
    double margin = 0.05 * (hi - lo);
    a->lo = (include_zero && lo == 0.0) ? 0.0 : lo - margin;
    a->hi = (include_zero && hi == 0.0) ? 0.0 : hi + margin;
    a->log = 0;
    a->step = nice_step((a->hi - a->lo) / 6.0);
    a->nticks = 0;
    for (double k = ceil(a->lo / a->step - 1e-9); a->nticks < MAX_TICKS; k += 1.0) {
        double v = k * a->step;
        if (v > a->hi + 1e-9 * a->step)
            break;
        a->ticks[a->nticks++] = fabs(v) < 1e-12 * a->step ? 0.0 : v;
    }
}

/* Limits at the data (padded by a few percent of a decade); ticks at
 * decades, or 1-2-5 within a decade when the range is short. */
static void axis_log(axis *a, double lo, double hi)
{
    double l0 = log10(lo), l1 = log10(hi);
    if (!(l1 > l0)) {
        l0 -= 0.5;
        l1 += 0.5;
    }
    double margin = 0.05 * (l1 - l0);
    a->lo = l0 - margin;
    a->hi = l1 + margin;
    a->log = 1;
    a->nticks = 0;
    /* mantissas per decade: every digit, 1-2-5, or decades only */
    static const double digits[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, onetwofive[3] = {1, 2, 5};
    double span = a->hi - a->lo;
    const double *mant = span < 1.0 ? digits : onetwofive;
    int nmant = span < 1.0 ? 9 : span < 3.0 ? 3 : 1;
    int stride = (int)ceil(span / 8.0); /* at most ~8 decade labels */
    for (int e = (int)floor(a->lo); e <= (int)ceil(a->hi) && a->nticks < MAX_TICKS; e++) {
        for (int m = 0; m < nmant && a->nticks < MAX_TICKS; m++) {
            double v = mant[m] * pow(10.0, e);
            double lv = log10(v);
            if (lv >= a->lo - 1e-9 && lv <= a->hi + 1e-9 && (nmant > 1 || e % stride == 0))
                a->ticks[a->nticks++] = v;
        }
    }
}

static void tick_label(const axis *a, double v, char *buf, size_t size)
{
    if (a->log) {
        snprintf(buf, size, "%g", v);
        return;
    }
    double mag = fmax(fabs(a->lo), fabs(a->hi));
    if (mag >= 1e6 || (mag < 1e-3 && mag > 0.0)) {
        snprintf(buf, size, "%.3g", v);
        return;
    }
    int decimals = 0;
    for (double s = a->step; decimals < 8 && fabs(s - round(s)) > 1e-9 * a->step; s *= 10.0)
        decimals++;
    snprintf(buf, size, "%.*f", decimals, v);
}

/* On a log axis spanning 3 or more decades, ticks are labelled 10^k. */
static int tick_is_power(const axis *a, double v, int *exponent)
{
    if (!a->log || a->hi - a->lo < 3.0)
        return 0;
    *exponent = (int)lround(log10(v));
    return 1;
}

static void set_font(chart *c, double px, int bold)
{
    cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(c->cr, px * c->scale);
}

static double text_width(chart *c, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(c->cr, s, &e);
    return e.x_advance;
}

/* Draws s with its anchor point at (x, y): ax, ay in {0, .5, 1} pick the
 * left/centre/right and top/middle/baseline-ish of the text box. */
static void draw_text(chart *c, const char *s, double x, double y, double ax, double ay,
                      double angle)
{
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    cairo_text_extents(c->cr, s, &e);
    cairo_font_extents(c->cr, &fe);
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    cairo_rotate(c->cr, angle);
    cairo_move_to(c->cr, -ax * e.x_advance, -ay * fe.ascent + fe.ascent);
    cairo_show_text(c->cr, s);
    cairo_restore(c->cr);
}

/* Width of a y tick label, and drawing it right-aligned at (x, y). Powers
 * of ten get a raised, smaller exponent. */
static double y_label_width(chart *c, double v)
{
    char base[64], ex[16];
    int e;
    if (!tick_is_power(&c->y, v, &e)) {
        tick_label(&c->y, v, base, sizeof base);
        return text_width(c, base);
    }
    snprintf(ex, sizeof ex, "%d", e);
    double w = text_width(c, "10");
    cairo_set_font_size(c->cr, 8 * c->scale);
    w += text_width(c, ex);
    cairo_set_font_size(c->cr, 11 * c->scale);
    return w;
}

static void draw_y_label(chart *c, double v, double x, double y)
{
    char buf[64];
    int e;
    if (!tick_is_power(&c->y, v, &e)) {
        tick_label(&c->y, v, buf, sizeof buf);
        draw_text(c, buf, x, y, 1.0, 0.5, 0.0);
        return;
    }
    snprintf(buf, sizeof buf, "%d", e);
    cairo_set_font_size(c->cr, 8 * c->scale);
    double wex = text_width(c, buf);
    draw_text(c, buf, x, y - 5 * c->scale, 1.0, 0.5, 0.0);
    cairo_set_font_size(c->cr, 11 * c->scale);
    draw_text(c, "10", x - wex, y, 1.0, 0.5, 0.0);
}

static void set_rgb(cairo_t *cr, rgb col)
{
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
}

/* Grid, box, ticks, tick labels, title and axis labels. x tick labels are
 * skipped when `categorical` (bar charts label their own slots). */
static void draw_frame(chart *c, const rena_plot_options *o, int categorical)
{
    cairo_t *cr = c->cr;
    cairo_set_line_width(cr, 1.0 * c->scale);
    cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
    for (int i = 0; i < c->y.nticks; i++) {
        double py = round(axis_map(&c->y, c->y.ticks[i])) + 0.5;
        cairo_move_to(cr, c->left, py);
        cairo_line_to(cr, c->right, py);
    }
    for (int i = 0; !categorical && i < c->x.nticks; i++) {
        double px = round(axis_map(&c->x, c->x.ticks[i])) + 0.5;
        cairo_move_to(cr, px, c->top);
        cairo_line_to(cr, px, c->bottom);
    }
    cairo_stroke(cr);

    double tick = 4.0 * c->scale;
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_rectangle(cr, c->left + 0.5, c->top + 0.5, c->right - c->left, c->bottom - c->top);
    cairo_stroke(cr);
    set_font(c, 11, 0);
    char buf[64];
    for (int i = 0; i < c->y.nticks; i++) {
        double py = round(axis_map(&c->y, c->y.ticks[i])) + 0.5;
        cairo_move_to(cr, c->left, py);
        cairo_line_to(cr, c->left - tick, py);
        draw_y_label(c, c->y.ticks[i], c->left - tick - 3 * c->scale, py);
    }
    if (c->y.log) { /* minor ticks at 2..9 x 10^k */
        for (int e = (int)floor(c->y.lo); e <= (int)ceil(c->y.hi); e++)
            for (int m = 2; m <= 9; m++) {
                double lv = log10(m * pow(10.0, e));
                if (lv < c->y.lo || lv > c->y.hi)
                    continue;
                double py = round(axis_map(&c->y, pow(10.0, lv))) + 0.5;
                cairo_move_to(cr, c->left, py);
                cairo_line_to(cr, c->left - tick * 0.5, py);
            }
    }
    for (int i = 0; !categorical && i < c->x.nticks; i++) {
        double px = round(axis_map(&c->x, c->x.ticks[i])) + 0.5;
        cairo_move_to(cr, px, c->bottom);
        cairo_line_to(cr, px, c->bottom + tick);
        tick_label(&c->x, c->x.ticks[i], buf, sizeof buf);
        draw_text(c, buf, px, c->bottom + tick + 3 * c->scale, 0.5, 0.0, 0.0);
    }
    cairo_stroke(cr);

    if (o->title && *o->title) {
        set_font(c, 15, 1);
        draw_text(c, o->title, (c->left + c->right) / 2, c->top / 2, 0.5, 0.5, 0.0);
    }
    set_font(c, 13, 0);
    if (o->xlabel && *o->xlabel)
        draw_text(c, o->xlabel, (c->left + c->right) / 2, c->height - 8 * c->scale, 0.5, 1.0, 0.0);
    if (o->ylabel && *o->ylabel)
        draw_text(c, o->ylabel, 8 * c->scale, (c->top + c->bottom) / 2, 0.5, 0.0, -M_PI / 2);
}

/* A point the chart can show: finite, and positive on a log axis. */
static int usable(double x, double y, int log_y)
{
    return isfinite(x) && isfinite(y) && (!log_y || y > 0.0);
}

/* How much of the data a box would hide: points, and a few samples along
 * each segment so sparse lines count too. */
static long covered(const chart *c, const rena_plot_series *series, int nseries, double x0,
                    double y0, double w, double h)
{
    long hits = 0;
    for (int i = 0; i < nseries; i++) {
        const rena_plot_series *s = &series[i];
        for (int k = 0; k < s->n; k++) {
            if (!usable(s->x[k], s->y[k], c->y.log))
                continue;
            double px = axis_map(&c->x, s->x[k]), py = axis_map(&c->y, s->y[k]);
            int has_next = k + 1 < s->n && usable(s->x[k + 1], s->y[k + 1], c->y.log);
            double qx = has_next ? axis_map(&c->x, s->x[k + 1]) : px;
            double qy = has_next ? axis_map(&c->y, s->y[k + 1]) : py;
            for (int j = 0; j < 8; j++) {
                double x = px + (qx - px) * j / 8.0, y = py + (qy - py) * j / 8.0;
                hits += x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
            }
        }
    }
    return hits;
}

/* matplotlib's loc="best", reduced to the four corners: the first corner
 * (upper right, upper left, lower right, lower left) hiding the least. */
static void legend_place(const chart *c, const rena_plot_series *series, int nseries, double w,
                         double h, double *x0, double *y0)
{
    double inset = 8 * c->scale;
    double xs[2] = {c->right - w - inset, c->left + inset};
    double ys[2] = {c->top + inset, c->bottom - h - inset};
    long best = -1;
    for (int corner = 0; corner < 4; corner++) {
        double x = xs[corner % 2], y = ys[corner / 2];
        long hits = covered(c, series, nseries, x, y, w, h);
        if (best < 0 || hits < best) {
            best = hits;
            *x0 = x;
            *y0 = y;
        }
    }
}

static void draw_legend(chart *c, const rena_plot_series *series, int nseries)
{
    int entries = 0;
    double wmax = 0.0;
    set_font(c, 11, 0);
    for (int i = 0; i < nseries; i++)
        if (series[i].label && *series[i].label) {
            entries++;
            wmax = fmax(wmax, text_width(c, series[i].label));
        }
    if (!entries)
        return;
    cairo_t *cr = c->cr;
    double s = c->scale, row = 18 * s, sample = 24 * s, pad = 7 * s;
    double w = pad * 3 + sample + wmax, h = pad * 2 + row * entries;
    double x0 = c->left, y0 = c->top;
    legend_place(c, series, nseries, w, h, &x0, &y0);
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 1.0 * s);
    cairo_stroke(cr);
    int k = 0;
    for (int i = 0; i < nseries; i++) {
        if (!series[i].label || !*series[i].label)
            continue;
        double cy = y0 + pad + row * (k++ + 0.5);
        set_rgb(cr, palette[i % 10]);
        cairo_set_line_width(cr, 2.0 * s);
        cairo_move_to(cr, x0 + pad, cy);
        cairo_line_to(cr, x0 + pad + sample, cy);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        draw_text(c, series[i].label, x0 + pad * 2 + sample, cy, 0.0, 0.5, 0.0);
    }
}

static void draw_series(chart *c, const rena_plot_series *s, rgb col)
{
    cairo_t *cr = c->cr;
    set_rgb(cr, col);
    cairo_set_line_width(cr, 2.0 * c->scale);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    int run = 0; /* points in the current unbroken stretch */
    double lx = 0, ly = 0;
    for (int i = 0; i <= s->n; i++) {
        int ok = i < s->n && usable(s->x[i], s->y[i], c->y.log);
        if (ok) {
            double px = axis_map(&c->x, s->x[i]), py = axis_map(&c->y, s->y[i]);
            if (run == 0)
                cairo_move_to(cr, px, py);
            else
                cairo_line_to(cr, px, py);
            lx = px;
            ly = py;
            run++;
            continue;
        }
        if (run == 1) { /* an isolated point would not show as a line */
            cairo_new_path(cr);
            cairo_arc(cr, lx, ly, 2.5 * c->scale, 0, 2 * M_PI);
            cairo_fill(cr);
        } else if (run > 1) {
            cairo_stroke(cr);
        }
        run = 0;
    }
}

/* ---- canvas, margins, PNG output ---- */

static rena_status check_options(const char *path, const rena_plot_options *o, int *w, int *h,
                                 rena_error *err)
{
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty plot path");
    *w = o && o->width ? o->width : 800;
    *h = o && o->height ? o->height : 500;
    if (*w < 100 || *h < 80 || *w > 10000 || *h > 10000)
        return rena_error_set(err, RENA_ERR_ARG, path,
                              "plot size %dx%d outside 100x80 .. 10000x10000", *w, *h);
    return RENA_OK;
}

static rena_status chart_begin(chart *c, cairo_surface_t **surf, int w, int h, const char *path,
                               rena_error *err)
{
    memset(c, 0, sizeof *c);
    *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(*surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(*surf);
        return rena_error_set(err, RENA_ERR_NOMEM, path, "cannot create a %dx%d image", w, h);
    }
    c->cr = cairo_create(*surf);
    c->width = w;
    c->height = h;
    /* text stays readable on small charts and grows on large ones */
    c->scale = fmin(3.0, fmax(0.9, fmin(w / 800.0, h / 500.0)));
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return RENA_OK;
}

/* Margins leave room for the widest y tick label, the title and labels. */
static void chart_layout(chart *c, const rena_plot_options *o, double bottom_extra)
{
    set_font(c, 11, 0);
    double wmax = 0.0;
    for (int i = 0; i < c->y.nticks; i++)
        wmax = fmax(wmax, y_label_width(c, c->y.ticks[i]));
    double s = c->scale;
    c->left = round(wmax + (o && o->ylabel && *o->ylabel ? 34 : 16) * s);
    c->right = c->width - round(20 * s);
    c->top = round((o && o->title && *o->title ? 40 : 16) * s);
    c->bottom = c->height - round((o && o->xlabel && *o->xlabel ? 48 : 28) * s + bottom_extra);
    if (c->bottom < c->top + 20)
        c->bottom = c->top + 20;
    c->x.p0 = c->left;
    c->x.p1 = c->right;
    c->y.p0 = c->bottom;
    c->y.p1 = c->top;
}

static cairo_status_t write_chunk(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS
                                                              : CAIRO_STATUS_WRITE_ERROR;
}

static rena_status chart_finish(chart *c, cairo_surface_t *surf, const char *path,
                                rena_error *err)
{
    cairo_status_t cs = cairo_status(c->cr);
    cairo_destroy(c->cr);
    rena_status st = RENA_OK;
    if (cs != CAIRO_STATUS_SUCCESS) {
        st = rena_error_set(err, RENA_ERR_BACKEND, path, "drawing failed: %s",
                            cairo_status_to_string(cs));
    } else {
        rena_atomic_file f;
        st = rena_atomic_open(&f, path, err);
        if (st == RENA_OK) {
            cs = cairo_surface_write_to_png_stream(surf, write_chunk, f.fp);
            if (cs != CAIRO_STATUS_SUCCESS) {
                int saved = errno;
                rena_atomic_abort(&f);
                st = rena_error_set(err, RENA_ERR_IO, path, "cannot write PNG: %s (%s)",
                                    cairo_status_to_string(cs), strerror(saved));
            } else {
                st = rena_atomic_commit(&f, err);
            }
        }
    }
    cairo_surface_destroy(surf);
    return st;
}

/* ---- public API ---- */

rena_status rena_plot_lines(const char *path, const rena_plot_options *opt,
                            const rena_plot_series *series, int nseries, rena_error *err)
{
    int w, h;
    rena_status st = check_options(path, opt, &w, &h, err);
    if (st != RENA_OK)
        return st;
    if (nseries < 0 || (nseries > 0 && !series))
        return rena_error_set(err, RENA_ERR_ARG, path, "bad series count %d", nseries);
    int log_y = opt && opt->log_y;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int i = 0; i < nseries; i++) {
        if (series[i].n < 0 || (series[i].n > 0 && (!series[i].x || !series[i].y)))
            return rena_error_set(err, RENA_ERR_ARG, path, "series %d has no data arrays", i);
        for (int k = 0; k < series[i].n; k++)
            if (usable(series[i].x[k], series[i].y[k], log_y)) {
                xlo = fmin(xlo, series[i].x[k]);
                xhi = fmax(xhi, series[i].x[k]);
                ylo = fmin(ylo, series[i].y[k]);
                yhi = fmax(yhi, series[i].y[k]);
            }
    }
    if (isfinite(xlo) && (!isfinite(xhi - xlo) || !isfinite(yhi - ylo)))
        return rena_error_set(err, RENA_ERR_RANGE, path, "data range too large to plot");
    int empty = !(xlo <= xhi);
    if (empty) { /* still a chart, so a run that diverged leaves a picture */
        xlo = 0.0;
        xhi = 1.0;
        ylo = log_y ? 0.1 : 0.0;
        yhi = 1.0;
    }
    chart c;
    cairo_surface_t *surf;
    st = chart_begin(&c, &surf, w, h, path, err);
    if (st != RENA_OK)
        return st;
    axis_linear(&c.x, xlo, xhi, 0);
    if (log_y)
        axis_log(&c.y, ylo, yhi);
    else
        axis_linear(&c.y, ylo, yhi, 0);
    chart_layout(&c, opt, 0.0);
    rena_plot_options none = {0};
    draw_frame(&c, opt ? opt : &none, 0);
    cairo_save(c.cr);
    cairo_rectangle(c.cr, c.left, c.top, c.right - c.left, c.bottom - c.top);
    cairo_clip(c.cr);
    for (int i = 0; i < nseries; i++)
        draw_series(&c, &series[i], palette[i % 10]);
    cairo_restore(c.cr);
    if (empty) {
        set_font(&c, 13, 0);
        cairo_set_source_rgb(c.cr, 0.5, 0.5, 0.5);
        draw_text(&c, "no finite data", (c.left + c.right) / 2, (c.top + c.bottom) / 2, 0.5, 0.5,
                  0.0);
    }
    draw_legend(&c, series, nseries);
    return chart_finish(&c, surf, path, err);
}

/* Slot labels under the bars, turned 45 degrees when they would collide;
 * returns the height they need (for the layout). */
static double bar_labels(chart *c, const char *const *labels, int n, int draw, int *turned)
{
    set_font(c, 11, 0);
    double slot = (c->right - c->left) / (n > 0 ? n : 1), wmax = 0.0;
    for (int i = 0; i < n; i++)
        wmax = fmax(wmax, text_width(c, labels && labels[i] ? labels[i] : ""));
    *turned = wmax > slot * 0.9;
    double need = *turned ? wmax * 0.72 + 10 * c->scale : 16 * c->scale;
    for (int i = 0; draw && i < n; i++) {
        const char *s = labels && labels[i] ? labels[i] : "";
        double px = c->left + slot * (i + 0.5), py = c->bottom + 6 * c->scale;
        if (*turned)
            draw_text(c, s, px + 3 * c->scale, py, 1.0, 0.0, -M_PI / 4);
        else
            draw_text(c, s, px, py, 0.5, 0.0, 0.0);
    }
    return need;
}

rena_status rena_plot_bars(const char *path, const rena_plot_options *opt,
                           const char *const *labels, const double *values, int n,
                           rena_error *err)
{
    int w, h;
    rena_status st = check_options(path, opt, &w, &h, err);
    if (st != RENA_OK)
        return st;
    if (n < 0 || (n > 0 && !values))
        return rena_error_set(err, RENA_ERR_ARG, path, "bad bar count %d", n);
    int log_y = opt && opt->log_y;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (usable(0.0, values[i], log_y)) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    if (lo <= hi && !isfinite(hi - lo))
        return rena_error_set(err, RENA_ERR_RANGE, path, "data range too large to plot");
    if (!(lo <= hi)) {
        lo = log_y ? 0.1 : 0.0;
        hi = 1.0;
    }
    chart c;
    cairo_surface_t *surf;
    st = chart_begin(&c, &surf, w, h, path, err);
    if (st != RENA_OK)
        return st;
    if (log_y)
        axis_log(&c.y, lo, hi);
    else
        axis_linear(&c.y, lo, hi, 1);
    c.x.lo = 0.0;
    c.x.hi = n > 0 ? n : 1;
    int turned;
    chart_layout(&c, opt, 0.0);
    double extra = bar_labels(&c, labels, n, 0, &turned) - 16 * c.scale;
    chart_layout(&c, opt, extra > 0 ? extra : 0.0);
    rena_plot_options none = {0};
    draw_frame(&c, opt ? opt : &none, 1);
    double slot = (c.right - c.left) / (n > 0 ? n : 1);
    double base = log_y ? c.bottom : axis_map(&c.y, 0.0);
    for (int i = 0; i < n; i++) {
        if (!usable(0.0, values[i], log_y))
            continue;
        double top = axis_map(&c.y, values[i]);
        cairo_rectangle(c.cr, c.left + slot * (i + 0.1), fmin(top, base), slot * 0.8,
                        fabs(base - top));
        set_rgb(c.cr, palette[0]);
        cairo_fill(c.cr);
    }
    cairo_set_source_rgb(c.cr, 0.1, 0.1, 0.1);
    bar_labels(&c, labels, n, 1, &turned);
    return chart_finish(&c, surf, path, err);
}
