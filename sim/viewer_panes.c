/* viewer_panes.c: see viewer_panes.h. */
#include "viewer_panes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_HEIGHT 110

/* Nearest-neighbour scaling into a bottom-up buffer, as glDrawPixels reads. */
void rena_viewer_pane_image(const mjrContext *con, mjrRect r, const rena_image *img,
                            unsigned char **buf, size_t *size)
{
    mjr_rectangle(r, 0.1f, 0.1f, 0.12f, 1);
    if (!img || !img->rgb || img->width <= 0 || img->height <= 0)
        return;
    double s = fmin((double)r.width / img->width, (double)r.height / img->height);
    int w = (int)(img->width * s), h = (int)(img->height * s);
    size_t need = (size_t)w * h * 3;
    if (w < 1 || h < 1)
        return;
    if (*size < need) {
        unsigned char *p = realloc(*buf, need);
        if (!p)
            return; /* out of memory: the pane stays empty this frame */
        *buf = p;
        *size = need;
    }
    for (int y = 0; y < h; y++) {
        int sy = (int)((h - 1 - y) / s);
        sy = sy < img->height ? sy : img->height - 1;
        for (int x = 0; x < w; x++) {
            int sx = (int)(x / s);
            sx = sx < img->width ? sx : img->width - 1;
            memcpy(*buf + ((size_t)y * w + x) * 3,
                   img->rgb + ((size_t)sy * img->width + sx) * 3, 3);
        }
    }
    mjrRect at = {r.left + (r.width - w) / 2, r.bottom + (r.height - h) / 2, w, h};
    mjr_drawPixels(*buf, NULL, at, con);
}

static int text_width(const mjrContext *con, const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += (unsigned char)*s < 127 ? con->charWidth[(unsigned char)*s] : 0;
    return w;
}

static void format_value(char *text, size_t size, float v)
{
    if (isfinite(v))
        snprintf(text, size, "%.2f", (double)v);
    else
        snprintf(text, size, "-");
}

/* One row: name on the left, value(s) on the right of the label cell, then
 * the bar. mjr_text places text relative to the viewport mjr_rectangle
 * has just set, i.e. the cell; a raster position outside it would be
 * dropped, hence the clamps. */
static void draw_bar(const mjrContext *con, mjrRect row, int label_w, const char *name,
                     float value, const float *ref)
{
    char text[48], v[16], r[16];
    mjrRect label = {row.left, row.bottom, label_w, row.height};
    mjrRect track = {row.left + label_w + 4, row.bottom + 2, row.width - label_w - 4,
                     row.height - 4};
    float ty = (float)(row.height - con->charHeight) / 2.0f / (float)row.height + 0.05f;
    ty = ty < 0 ? 0 : ty;
    mjr_rectangle(label, 0.16f, 0.16f, 0.19f, 1);
    mjr_text(mjFONT_NORMAL, name ? name : "?", con, 4.0f / (float)label_w, ty, 0.85f, 0.85f,
             0.85f);
    format_value(v, sizeof v, value);
    format_value(r, sizeof r, ref ? *ref : NAN);
    snprintf(text, sizeof text, ref ? "%s / %s" : "%s", v, r);
    float tx = (float)(label_w - 6 - text_width(con, text)) / (float)label_w;
    mjr_text(mjFONT_NORMAL, text, con, tx > 0 ? tx : 0, ty, 1, 1, 1);
    if (track.width <= 0 || track.height <= 0)
        return;
    mjr_rectangle(track, 0.22f, 0.22f, 0.25f, 1);
    int full = track.width;
    if (isfinite(value) && value > 0) {
        track.width = (int)((float)full * (value > 1 ? 1.0f : value) + 0.5f);
        mjr_rectangle(track, 0.95f, 0.62f, 0.2f, 1);
    }
    if (ref && isfinite(*ref)) {
        float x = *ref < 0 ? 0 : *ref > 1 ? 1 : *ref;
        mjrRect mark = {track.left + (int)((float)(full - 3) * x), track.bottom - 2, 3,
                        track.height + 4};
        mjr_rectangle(mark, 1, 1, 1, 1);
    }
}

/* The label cell fits the longest name and the widest value text. */
static int label_width(const mjrContext *con, const rena_viewer_pane *p, int n, int col_w)
{
    int w = 0;
    for (int k = 0; k < n; k++) {
        int t = p->bar_name && p->bar_name[k] ? text_width(con, p->bar_name[k]) : 0;
        w = t > w ? t : w;
    }
    w += text_width(con, p->bar_ref ? "0.00 / 0.00" : "0.00") + 20;
    return w < col_w * 7 / 10 ? w : col_w * 7 / 10;
}

/* Rows of one text line each, in as many columns as it takes to fit. */
void rena_viewer_pane_bars(const mjrContext *con, mjrRect r, const rena_viewer_pane *p)
{
    mjr_rectangle(r, 0.1f, 0.1f, 0.12f, 1);
    int n = p->n_bars < RENA_VIEWER_MAX_BARS ? p->n_bars : RENA_VIEWER_MAX_BARS;
    if (n <= 0 || !p->bar_value)
        return;
    int top = r.bottom + r.height - 3 * con->charHeightBig / 2 - 16, bottom = r.bottom + 8;
    int rh = con->charHeight + 10, per_col = (top - bottom) / rh;
    if (per_col < 1)
        return;
    int cols = (n + per_col - 1) / per_col, rows = (n + cols - 1) / cols;
    int col_w = (r.width - 16) / cols - 8;
    if (col_w < 40)
        return;
    int label_w = label_width(con, p, n, col_w);
    for (int k = 0; k < n; k++) {
        int c = k / rows, row_i = k % rows;
        mjrRect row = {r.left + 8 + c * (col_w + 8), top - (row_i + 1) * rh, col_w, rh - 3};
        draw_bar(con, row, label_w, p->bar_name ? p->bar_name[k] : NULL, p->bar_value[k],
                 p->bar_ref ? &p->bar_ref[k] : NULL);
    }
}

void rena_viewer_pane_series(const mjrContext *con, mjrRect r, const rena_viewer_pane *p,
                             mjvFigure *fig)
{
    int first = p->n_series > mjMAXLINEPNT ? p->n_series - mjMAXLINEPNT : 0, n = 0;
    for (int k = first; k < p->n_series; k++)
        if (isfinite(p->series[k])) {
            fig->linedata[0][2 * n] = (float)k;
            fig->linedata[0][2 * n + 1] = p->series[k];
            n++;
        }
    if (n < 2 || r.height < 3 * PLOT_HEIGHT / 2)
        return;
    fig->linepnt[0] = n;
    fig->flg_extend = 1;
    fig->flg_ticklabel[0] = fig->flg_ticklabel[1] = 1;
    fig->gridsize[0] = 5;
    fig->gridsize[1] = 3;
    fig->range[0][0] = fig->range[0][1] = 0; /* automatic */
    fig->range[1][0] = 0;
    fig->range[1][1] = 0;
    fig->figurergba[3] = 0.5f;
    fig->panergba[3] = 0.35f;
    snprintf(fig->xformat, sizeof fig->xformat, "%%.0f");
    snprintf(fig->yformat, sizeof fig->yformat, "%%.3f");
    snprintf(fig->title, sizeof fig->title, "%s", p->series_name ? p->series_name : "");
    mjrRect at = {r.left + 8, r.bottom + 8, r.width - 16, PLOT_HEIGHT};
    mjr_figure(at, fig, con);
}

void rena_viewer_pane_text(const mjrContext *con, mjrRect r, const rena_viewer_pane *p)
{
    if (p->labels && p->labels[0])
        mjr_overlay(mjFONT_NORMAL, mjGRID_TOPLEFT, r, p->labels, p->values, con);
    if (p->title && p->title[0])
        mjr_overlay(mjFONT_BIG, mjGRID_TOPRIGHT, r, p->title, NULL, con);
}
