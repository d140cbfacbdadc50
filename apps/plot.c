/* plot.c: line charts (loss curves, CED curves, servo traces) with a
 * legend in the corner that hides the least data. The canvas, margins and
 * frame are plot_chart.h's; bar charts are in plot_bars.c. */
#include "plot.h"

#include <math.h>

#include "plot_chart.h"
#include "plot_text.h"

#define LEGEND_TEXT_SIZE 256

/* How much of the data a box would hide: points, and a few samples along
 * each segment so sparse lines count too. */
static long covered(const rena_plot_chart *c, const rena_plot_series *series, int nseries,
                    double x0, double y0, double w, double h)
{
    long hits = 0;
    for (int i = 0; i < nseries; i++) {
        const rena_plot_series *s = &series[i];
        for (int k = 0; k < s->n; k++) {
            if (!rena_plot_chart_usable(s->x[k], s->y[k], c->y.log))
                continue;
            double px = rena_plot_axis_map(&c->x, s->x[k]);
            double py = rena_plot_axis_map(&c->y, s->y[k]);
            int has_next =
                k + 1 < s->n && rena_plot_chart_usable(s->x[k + 1], s->y[k + 1], c->y.log);
            double qx = has_next ? rena_plot_axis_map(&c->x, s->x[k + 1]) : px;
            double qy = has_next ? rena_plot_axis_map(&c->y, s->y[k + 1]) : py;
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
static void legend_place(const rena_plot_chart *c, const rena_plot_series *series, int nseries,
                         double w, double h, double *x0, double *y0)
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

static int has_label(const rena_plot_series *s)
{
    return s->label && *s->label;
}

/* Legend entries are shortened so the box takes at most half the frame. */
static void draw_legend(rena_plot_chart *c, const rena_plot_series *series, int nseries)
{
    int entries = 0;
    double s = c->scale, wmax = 0.0, row = 18 * s, sample = 24 * s, pad = 7 * s;
    double wcap = fmax(40 * s, 0.5 * (c->right - c->left) - pad * 3 - sample);
    char buf[LEGEND_TEXT_SIZE];
    rena_plot_chart_font(c, 11, 0);
    for (int i = 0; i < nseries; i++)
        if (has_label(&series[i])) {
            entries++;
            rena_plot_text_elide(c->cr, series[i].label, wcap, buf, sizeof buf);
            wmax = fmax(wmax, rena_plot_text_width(c->cr, buf));
        }
    if (!entries)
        return;
    cairo_t *cr = c->cr;
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
        if (!has_label(&series[i]))
            continue;
        double cy = y0 + pad + row * (k++ + 0.5);
        rena_plot_chart_colour(c, i);
        cairo_set_line_width(cr, 2.0 * s);
        cairo_move_to(cr, x0 + pad, cy);
        cairo_line_to(cr, x0 + pad + sample, cy);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        rena_plot_chart_text_fitted(c, series[i].label, wcap, x0 + pad * 2 + sample, cy, 0.0, 0.5,
                                    0.0);
    }
}

static void draw_series(rena_plot_chart *c, const rena_plot_series *s, int colour)
{
    cairo_t *cr = c->cr;
    rena_plot_chart_colour(c, colour);
    cairo_set_line_width(cr, 2.0 * c->scale);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    int run = 0; /* points in the current unbroken stretch */
    double lx = 0, ly = 0;
    for (int i = 0; i <= s->n; i++) {
        if (i < s->n && rena_plot_chart_usable(s->x[i], s->y[i], c->y.log)) {
            double px = rena_plot_axis_map(&c->x, s->x[i]);
            double py = rena_plot_axis_map(&c->y, s->y[i]);
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

static rena_status check_series(const char *path, const rena_plot_series *series, int nseries,
                                rena_error *err)
{
    if (nseries < 0 || (nseries > 0 && !series))
        return rena_error_set(err, RENA_ERR_ARG, path, "bad series count %d", nseries);
    for (int i = 0; i < nseries; i++)
        if (series[i].n < 0 || (series[i].n > 0 && (!series[i].x || !series[i].y)))
            return rena_error_set(err, RENA_ERR_ARG, path, "series %d has no data arrays", i);
    return RENA_OK;
}

/* Axes around every usable point; *empty when there is none (the chart
 * is still drawn, so a run that diverged leaves a picture). */
static rena_status line_axes(rena_plot_chart *c, const rena_plot_series *series, int nseries,
                             int log_y, int *empty, const char *path, rena_error *err)
{
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int i = 0; i < nseries; i++)
        for (int k = 0; k < series[i].n; k++)
            if (rena_plot_chart_usable(series[i].x[k], series[i].y[k], log_y)) {
                xlo = fmin(xlo, series[i].x[k]);
                xhi = fmax(xhi, series[i].x[k]);
                ylo = fmin(ylo, series[i].y[k]);
                yhi = fmax(yhi, series[i].y[k]);
            }
    *empty = !(xlo <= xhi);
    if (*empty) {
        xlo = 0.0;
        xhi = 1.0;
        ylo = log_y ? 0.1 : 0.0;
        yhi = 1.0;
    }
    rena_error e;
    rena_status st = rena_plot_axis_linear(&c->x, xlo, xhi, 0, &e);
    if (st == RENA_OK)
        st = log_y ? rena_plot_axis_log(&c->y, ylo, yhi, &e)
                   : rena_plot_axis_linear(&c->y, ylo, yhi, 0, &e);
    return rena_plot_chart_axis_status(st, &e, path, err);
}

rena_status rena_plot_lines(const char *path, const rena_plot_options *opt,
                            const rena_plot_series *series, int nseries, rena_error *err)
{
    int w, h, empty = 0;
    rena_plot_chart c = {0};
    rena_status st = rena_plot_chart_size(path, opt, &w, &h, err);
    if (st == RENA_OK)
        st = check_series(path, series, nseries, err);
    if (st == RENA_OK)
        st = line_axes(&c, series, nseries, opt && opt->log_y, &empty, path, err);
    if (st == RENA_OK)
        st = rena_plot_chart_begin(&c, w, h, path, err);
    if (st != RENA_OK)
        return st;
    rena_plot_options none = {0};
    const rena_plot_options *o = opt ? opt : &none;
    rena_plot_chart_layout(&c, o, 20 * c.scale, 0); /* x tick and its label */
    rena_plot_chart_frame(&c, o, 0);
    cairo_save(c.cr);
    cairo_rectangle(c.cr, c.left, c.top, c.right - c.left, c.bottom - c.top);
    cairo_clip(c.cr);
    for (int i = 0; i < nseries; i++)
        draw_series(&c, &series[i], i);
    cairo_restore(c.cr);
    if (empty) {
        rena_plot_chart_font(&c, 13, 0);
        cairo_set_source_rgb(c.cr, 0.5, 0.5, 0.5);
        rena_plot_text_draw(c.cr, "no finite data", (c.left + c.right) / 2,
                            (c.top + c.bottom) / 2, 0.5, 0.5, 0.0);
    }
    draw_legend(&c, series, nseries);
    return rena_plot_chart_finish(&c, path, err);
}
