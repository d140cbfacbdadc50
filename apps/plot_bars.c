/* plot_bars.c: bar charts, one bar per category (per-servo errors, method
 * comparisons). Category labels turn 45 degrees when they would collide,
 * and the frame moves so their measured ink stays inside the image. */
#include <math.h>
#include <stdlib.h>

#include "plot.h"
#include "plot_chart.h"
#include "plot_text.h"

#define BAR_LABEL_SIZE 160 /* bytes of one elided category label */

typedef struct {
    char (*text)[BAR_LABEL_SIZE];
    int n, turned;
} bar_labels;

static double bar_slot(const rena_plot_chart *c, int n)
{
    return (c->right - c->left) / (n > 0 ? n : 1);
}

/* Turned when the widest label would not fit its slot; turned labels are
 * then shortened to take at most about a third of the image. */
static void labels_fit(rena_plot_chart *c, bar_labels *b, const char *const *labels)
{
    rena_plot_chart_font(c, 11, 0);
    double wmax = 0.0;
    for (int i = 0; i < b->n; i++)
        wmax = fmax(wmax, rena_plot_text_width(c->cr, labels && labels[i] ? labels[i] : ""));
    b->turned = wmax > bar_slot(c, b->n) * 0.9;
    cairo_font_extents_t fe;
    cairo_font_extents(c->cr, &fe);
    double cap = b->turned ? fmin(0.3 * c->height, 0.4 * c->width) / M_SQRT1_2 - fe.height
                           : INFINITY;
    cap = fmax(cap, 20 * c->scale);
    for (int i = 0; i < b->n; i++)
        rena_plot_text_elide(c->cr, labels && labels[i] ? labels[i] : "", cap, b->text[i],
                             BAR_LABEL_SIZE);
}

/* Label i's ink box with its anchor at (x, y). */
static rena_plot_box label_box(rena_plot_chart *c, const bar_labels *b, int i, double x, double y)
{
    return b->turned ? rena_plot_text_box(c->cr, b->text[i], x, y, 1.0, 0.0, -M_PI / 4)
                     : rena_plot_text_box(c->cr, b->text[i], x, y, 0.5, 0.0, 0.0);
}

/* Under the slot's centre; a turned label ends a little right of it so
 * the text leads up to its bar. */
static double label_offset(const rena_plot_chart *c, const bar_labels *b)
{
    return b->turned ? 3 * c->scale : 0.0;
}

/* Moves the frame's left and bottom edges so every label's ink stays
 * `pad` inside the image. Label i is anchored at
 * left + (right - left) f + offset, f = (i + .5) / n, so the left edge it
 * needs is solved for directly rather than searched. */
static void labels_layout(rena_plot_chart *c, const rena_plot_options *o, const bar_labels *b)
{
    double s = c->scale, pad = 4 * s, off = label_offset(c, b), left = c->left, below = 0.0;
    rena_plot_chart_font(c, 11, 0);
    for (int i = 0; i < b->n; i++) {
        rena_plot_box box = label_box(c, b, i, 0.0, 0.0);
        double f = (i + 0.5) / b->n;
        left = fmax(left, (pad - off - box.x0 - c->right * f) / (1.0 - f));
        below = fmax(below, 6 * s + box.y1);
    }
    c->left = ceil(left);
    c->bottom = c->height - ceil(below + pad + (o->xlabel && *o->xlabel ? 24 : 0) * s);
    rena_plot_chart_place_axes(c);
}

static void labels_draw(rena_plot_chart *c, const bar_labels *b)
{
    rena_plot_chart_font(c, 11, 0);
    cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
    double slot = bar_slot(c, b->n), y = c->bottom + 6 * c->scale;
    for (int i = 0; i < b->n; i++) {
        double x = c->left + slot * (i + 0.5) + label_offset(c, b);
        if (b->turned)
            rena_plot_text_draw(c->cr, b->text[i], x, y, 1.0, 0.0, -M_PI / 4);
        else
            rena_plot_text_draw(c->cr, b->text[i], x, y, 0.5, 0.0, 0.0);
    }
}

static void draw_bars(rena_plot_chart *c, const double *values, int n, int log_y)
{
    double slot = bar_slot(c, n);
    double base = log_y ? c->bottom : rena_plot_axis_map(&c->y, 0.0);
    rena_plot_chart_colour(c, 0);
    for (int i = 0; i < n; i++) {
        if (!rena_plot_chart_usable(0.0, values[i], log_y))
            continue;
        double top = rena_plot_axis_map(&c->y, values[i]);
        cairo_rectangle(c->cr, c->left + slot * (i + 0.1), fmin(top, base), slot * 0.8,
                        fabs(base - top));
        cairo_fill(c->cr);
    }
}

/* The value axis always shows zero on a linear scale (bars grow from it). */
static rena_status value_axis(rena_plot_chart *c, const double *values, int n, int log_y,
                              const char *path, rena_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (rena_plot_chart_usable(0.0, values[i], log_y)) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    if (!(lo <= hi)) {
        lo = log_y ? 0.1 : 0.0;
        hi = 1.0;
    }
    rena_error e;
    rena_status st = log_y ? rena_plot_axis_log(&c->y, lo, hi, &e)
                           : rena_plot_axis_linear(&c->y, lo, hi, 1, &e);
    return rena_plot_chart_axis_status(st, &e, path, err);
}

rena_status rena_plot_bars(const char *path, const rena_plot_options *opt,
                           const char *const *labels, const double *values, int n,
                           rena_error *err)
{
    int w, h, log_y = opt && opt->log_y;
    rena_plot_chart c = {0};
    rena_status st = rena_plot_chart_size(path, opt, &w, &h, err);
    if (st == RENA_OK && (n < 0 || (n > 0 && !values)))
        st = rena_error_set(err, RENA_ERR_ARG, path, "bad bar count %d", n);
    if (st == RENA_OK)
        st = value_axis(&c, values, n, log_y, path, err);
    bar_labels b = {NULL, n, 0};
    if (st == RENA_OK && !(b.text = calloc(n > 0 ? (size_t)n : 1, BAR_LABEL_SIZE)))
        st = rena_error_set(err, RENA_ERR_NOMEM, path, "no memory for %d bar labels", n);
    if (st == RENA_OK)
        st = rena_plot_chart_begin(&c, w, h, path, err);
    if (st != RENA_OK) {
        free(b.text);
        return st;
    }
    rena_plot_options none = {0};
    const rena_plot_options *o = opt ? opt : &none;
    rena_plot_chart_layout(&c, o, 0.0, 1);
    labels_fit(&c, &b, labels);
    labels_layout(&c, o, &b);
    rena_plot_chart_frame(&c, o, 1);
    draw_bars(&c, values, n, log_y);
    labels_draw(&c, &b);
    free(b.text);
    return rena_plot_chart_finish(&c, path, err);
}
