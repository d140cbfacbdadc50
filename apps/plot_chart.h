/* plot_chart.h: the canvas every chart in plot.h is drawn on: size checks,
 * measured margins, the frame (grid, box, ticks, tick labels, titles) and
 * the atomic PNG write. Shared by the line (plot.c) and bar (plot_bars.c)
 * charts; not meant for other callers. */
#ifndef RENA_PLOT_CHART_H
#define RENA_PLOT_CHART_H

#include <cairo.h>

#include "plot.h"
#include "plot_axis.h"
#include "status.h"

typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    int width, height;
    double scale;                    /* font, line and margin scale relative to 800x500 */
    double left, right, top, bottom; /* plot area (the frame) in pixels */
    rena_plot_axis x, y;             /* the caller builds them; the layout sets p0/p1 */
} rena_plot_chart;

/* Image size from the options (0 = 800 x 500), checked against 100x80 ..
 * 10000x10000; errors name the path. */
rena_status rena_plot_chart_size(const char *path, const rena_plot_options *o, int *w, int *h,
                                 rena_error *err);

/* A white w x h canvas; the chart's axes are left untouched. */
rena_status rena_plot_chart_begin(rena_plot_chart *c, int w, int h, const char *path,
                                  rena_error *err);

/* Margins from the measured tick labels: the widest y label on the left,
 * half the last x label on the right (unless `categorical`), `below` pixels
 * of x labels under the frame, plus room for the title and axis titles. */
void rena_plot_chart_layout(rena_plot_chart *c, const rena_plot_options *o, double below,
                            int categorical);

/* After the frame edges moved: keeps the frame at least 20 px wide and
 * tall, and points the axes at it. */
void rena_plot_chart_place_axes(rena_plot_chart *c);

/* Grid, box, ticks, tick labels (x ones only unless `categorical`), title
 * and axis titles, each shortened to the room it has. */
void rena_plot_chart_frame(rena_plot_chart *c, const rena_plot_options *o, int categorical);

/* Writes the PNG atomically unless drawing failed; frees the canvas. */
rena_status rena_plot_chart_finish(rena_plot_chart *c, const char *path, rena_error *err);

/* The sans-serif font at px pixels (times the chart scale). */
void rena_plot_chart_font(rena_plot_chart *c, double px, int bold);

/* Frees cairo's font caches and fontconfig's static data, so a memory
 * checker sees no leak at exit. Only for the very end of the process (main,
 * after the subcommand returned): every cairo surface, context and font must
 * already be destroyed (cairo asserts otherwise), and no cairo or fontconfig
 * call may follow. */
void rena_plot_chart_release_fonts(void);

/* Source colour: series i of matplotlib's tab10 cycle. */
void rena_plot_chart_colour(rena_plot_chart *c, int i);

/* Text shortened to max_width, then drawn like rena_plot_text_draw. */
void rena_plot_chart_text_fitted(rena_plot_chart *c, const char *s, double max_width, double x,
                                 double y, double ax, double ay, double angle);

/* An axis error re-filed under the plot's path. */
rena_status rena_plot_chart_axis_status(rena_status st, const rena_error *axis_err,
                                        const char *path, rena_error *err);

/* A point a chart can show: finite, and positive on a log axis. */
int rena_plot_chart_usable(double x, double y, int log_y);

#endif
