/* plot_chart.c: canvas, measured margins, frame and PNG output, styled
 * after matplotlib's defaults (white background, boxed axes, light grid,
 * tab10 colours). */
#include "plot_chart.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "plot_text.h"

#define TEXT_SIZE 256 /* bytes of one elided title or axis label */

/* matplotlib's "tab10" cycle. */
static const double palette[10][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
    {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812}};

void rena_plot_chart_font(rena_plot_chart *c, double px, int bold)
{
    cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(c->cr, px * c->scale);
}

/* cairo keeps the fonts it picked (and, through them, fontconfig's
 * configuration and caches) for the life of the process; memory checkers
 * report some of it as lost. Dropping cairo's caches first releases its
 * fontconfig patterns, which FcFini requires. */
void rena_plot_chart_release_fonts(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

void rena_plot_chart_colour(rena_plot_chart *c, int i)
{
    const double *p = palette[(i % 10 + 10) % 10];
    cairo_set_source_rgb(c->cr, p[0], p[1], p[2]);
}

void rena_plot_chart_text_fitted(rena_plot_chart *c, const char *s, double max_width, double x,
                                 double y, double ax, double ay, double angle)
{
    char buf[TEXT_SIZE];
    rena_plot_text_elide(c->cr, s, max_width, buf, sizeof buf);
    rena_plot_text_draw(c->cr, buf, x, y, ax, ay, angle);
}

int rena_plot_chart_usable(double x, double y, int log_y)
{
    return isfinite(x) && isfinite(y) && (!log_y || y > 0.0);
}

rena_status rena_plot_chart_axis_status(rena_status st, const rena_error *axis_err,
                                        const char *path, rena_error *err)
{
    return st == RENA_OK ? RENA_OK : rena_error_set(err, st, path, "%s", axis_err->message);
}

/* ---- y tick labels: plain text, or 10 with a raised smaller exponent ---- */

static double y_label_width(rena_plot_chart *c, int i)
{
    if (!c->y.powers)
        return rena_plot_text_width(c->cr, c->y.labels[i]);
    char ex[16];
    snprintf(ex, sizeof ex, "%d", rena_plot_axis_exponent(&c->y, i));
    double w = rena_plot_text_width(c->cr, "10");
    cairo_set_font_size(c->cr, 8 * c->scale);
    w += rena_plot_text_width(c->cr, ex);
    cairo_set_font_size(c->cr, 11 * c->scale);
    return w;
}

static void draw_y_label(rena_plot_chart *c, int i, double x, double y)
{
    if (!c->y.powers) {
        rena_plot_text_draw(c->cr, c->y.labels[i], x, y, 1.0, 0.5, 0.0);
        return;
    }
    char ex[16];
    snprintf(ex, sizeof ex, "%d", rena_plot_axis_exponent(&c->y, i));
    cairo_set_font_size(c->cr, 8 * c->scale);
    double wex = rena_plot_text_width(c->cr, ex);
    rena_plot_text_draw(c->cr, ex, x, y - 5 * c->scale, 1.0, 0.5, 0.0);
    cairo_set_font_size(c->cr, 11 * c->scale);
    rena_plot_text_draw(c->cr, "10", x - wex, y, 1.0, 0.5, 0.0);
}

/* ---- frame ---- */

static double tick_pixel(const rena_plot_axis *a, double v)
{
    return round(rena_plot_axis_map(a, v)) + 0.5;
}

static void draw_grid(rena_plot_chart *c, int categorical)
{
    cairo_t *cr = c->cr;
    cairo_set_line_width(cr, 1.0 * c->scale);
    cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
    for (int i = 0; i < c->y.nticks; i++) {
        double py = tick_pixel(&c->y, c->y.ticks[i]);
        cairo_move_to(cr, c->left, py);
        cairo_line_to(cr, c->right, py);
    }
    for (int i = 0; !categorical && i < c->x.nticks; i++) {
        double px = tick_pixel(&c->x, c->x.ticks[i]);
        cairo_move_to(cr, px, c->top);
        cairo_line_to(cr, px, c->bottom);
    }
    cairo_stroke(cr);
}

/* Short unlabelled ticks at 2..9 x 10^k on a log axis. */
static void draw_log_minor_ticks(rena_plot_chart *c, double len)
{
    const rena_plot_axis *a = &c->y;
    for (int e = (int)floor(a->lo); e <= (int)ceil(a->hi); e++)
        for (int m = 2; m <= 9; m++) {
            double lv = log10(m) + e;
            if (lv < a->lo || lv > a->hi)
                continue;
            double py = round(a->p0 + (lv - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0)) + 0.5;
            cairo_move_to(c->cr, c->left, py);
            cairo_line_to(c->cr, c->left - len, py);
        }
}

static void draw_axes(rena_plot_chart *c, int categorical)
{
    cairo_t *cr = c->cr;
    double tick = 4.0 * c->scale;
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_rectangle(cr, c->left + 0.5, c->top + 0.5, c->right - c->left, c->bottom - c->top);
    cairo_stroke(cr);
    rena_plot_chart_font(c, 11, 0);
    for (int i = 0; i < c->y.nticks; i++) {
        double py = tick_pixel(&c->y, c->y.ticks[i]);
        cairo_move_to(cr, c->left, py);
        cairo_line_to(cr, c->left - tick, py);
        draw_y_label(c, i, c->left - tick - 3 * c->scale, py);
    }
    if (c->y.log)
        draw_log_minor_ticks(c, tick * 0.5);
    for (int i = 0; !categorical && i < c->x.nticks; i++) {
        double px = tick_pixel(&c->x, c->x.ticks[i]);
        cairo_move_to(cr, px, c->bottom);
        cairo_line_to(cr, px, c->bottom + tick);
        rena_plot_text_draw(cr, c->x.labels[i], px, c->bottom + tick + 3 * c->scale, 0.5, 0.0,
                            0.0);
    }
    cairo_stroke(cr);
}

static double y_labels_width(rena_plot_chart *c)
{
    double wmax = 0.0;
    rena_plot_chart_font(c, 11, 0);
    for (int i = 0; i < c->y.nticks; i++)
        wmax = fmax(wmax, y_label_width(c, i));
    return wmax;
}

/* The y axis title sits just left of the tick labels, even when the frame
 * moved right to make room for turned bar labels. */
static double ylabel_x(rena_plot_chart *c)
{
    double wmax = y_labels_width(c);
    rena_plot_chart_font(c, 13, 0);
    return fmax(8 * c->scale, c->left - wmax - 26 * c->scale);
}

static void draw_titles(rena_plot_chart *c, const rena_plot_options *o)
{
    double s = c->scale;
    /* titles are centred over the frame, so they may use twice the
     * distance from its middle to the nearer image edge */
    double mid = (c->left + c->right) / 2, room = 2 * fmin(mid, c->width - mid) - 16 * s;
    if (o->title && *o->title) {
        rena_plot_chart_font(c, 15, 1);
        rena_plot_chart_text_fitted(c, o->title, room, mid, c->top / 2, 0.5, 0.5, 0.0);
    }
    rena_plot_chart_font(c, 13, 0);
    if (o->xlabel && *o->xlabel)
        rena_plot_chart_text_fitted(c, o->xlabel, room, mid, c->height - 8 * s, 0.5, 1.0, 0.0);
    if (o->ylabel && *o->ylabel)
        rena_plot_chart_text_fitted(c, o->ylabel, c->bottom - c->top + 20 * s, ylabel_x(c),
                                    (c->top + c->bottom) / 2, 0.5, 0.0, -M_PI / 2);
}

void rena_plot_chart_frame(rena_plot_chart *c, const rena_plot_options *o, int categorical)
{
    draw_grid(c, categorical);
    draw_axes(c, categorical);
    draw_titles(c, o);
}

/* ---- canvas and layout ---- */

rena_status rena_plot_chart_size(const char *path, const rena_plot_options *o, int *w, int *h,
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

rena_status rena_plot_chart_begin(rena_plot_chart *c, int w, int h, const char *path,
                                  rena_error *err)
{
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(c->surface);
        c->surface = NULL;
        return rena_error_set(err, RENA_ERR_NOMEM, path, "cannot create a %dx%d image", w, h);
    }
    c->cr = cairo_create(c->surface);
    c->width = w;
    c->height = h;
    /* text stays readable on small charts and grows on large ones */
    c->scale = fmin(3.0, fmax(0.9, fmin(w / 800.0, h / 500.0)));
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return RENA_OK;
}

void rena_plot_chart_place_axes(rena_plot_chart *c)
{
    if (c->bottom < c->top + 20)
        c->bottom = c->top + 20;
    if (c->left > c->right - 20)
        c->left = c->right - 20;
    c->x.p0 = c->left;
    c->x.p1 = c->right;
    c->y.p0 = c->bottom;
    c->y.p1 = c->top;
}

void rena_plot_chart_layout(rena_plot_chart *c, const rena_plot_options *o, double below,
                            int categorical)
{
    double s = c->scale, wmax = y_labels_width(c);
    double half_last = 0.0;
    if (!categorical && c->x.nticks > 0)
        half_last = rena_plot_text_width(c->cr, c->x.labels[c->x.nticks - 1]) / 2 + 4 * s;
    c->left = round(wmax + (o->ylabel && *o->ylabel ? 34 : 16) * s);
    c->right = c->width - round(fmax(20 * s, half_last));
    c->top = round((o->title && *o->title ? 40 : 16) * s);
    c->bottom = c->height - round(below + (o->xlabel && *o->xlabel ? 28 : 8) * s);
    rena_plot_chart_place_axes(c);
}

/* ---- output ---- */

static cairo_status_t write_chunk(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS
                                                              : CAIRO_STATUS_WRITE_ERROR;
}

static rena_status write_png(cairo_surface_t *surf, const char *path, rena_error *err)
{
    rena_atomic_file f;
    rena_status st = rena_atomic_open(&f, path, err);
    if (st != RENA_OK)
        return st;
    cairo_status_t cs = cairo_surface_write_to_png_stream(surf, write_chunk, f.fp);
    if (cs != CAIRO_STATUS_SUCCESS) {
        int saved = errno;
        rena_atomic_abort(&f);
        return rena_error_set(err, RENA_ERR_IO, path, "cannot write PNG: %s (%s)",
                              cairo_status_to_string(cs), strerror(saved));
    }
    return rena_atomic_commit(&f, err);
}

static void discard(rena_plot_chart *c)
{
    cairo_destroy(c->cr);
    cairo_surface_destroy(c->surface);
    c->cr = NULL;
    c->surface = NULL;
}

rena_status rena_plot_chart_finish(rena_plot_chart *c, const char *path, rena_error *err)
{
    cairo_status_t cs = cairo_status(c->cr);
    rena_status st = RENA_OK;
    if (cs != CAIRO_STATUS_SUCCESS)
        st = rena_error_set(err, RENA_ERR_BACKEND, path, "drawing failed: %s",
                            cairo_status_to_string(cs));
    else
        st = write_png(c->surface, path, err);
    discard(c);
    return st;
}
