/* plot.h: the pictures people look at (loss curves, CED curves, per-servo
 * error bars), drawn with cairo and written as PNG atomically. Every axis
 * gets at least two readable tick labels (plot_axis.h), and margins are
 * measured from the rendered text so nothing is cut off at the edges. */
#ifndef RENA_PLOT_H
#define RENA_PLOT_H

#include "status.h"

typedef struct {
    const char *label;   /* legend text; NULL = no legend entry */
    const double *x;     /* n values */
    const double *y;     /* n values; non-finite points are skipped */
    int n;
} rena_plot_series;

typedef struct {
    const char *title;
    const char *xlabel;
    const char *ylabel;
    int log_y;           /* logarithmic y axis (values <= 0 skipped) */
    int width, height;   /* pixels; 0 = 800 x 500 */
} rena_plot_options;

/* Line chart of one or more series with axes, ticks, labels and legend. */
rena_status rena_plot_lines(const char *path, const rena_plot_options *opt,
                            const rena_plot_series *series, int nseries, rena_error *err);

/* Bar chart: one bar per label. Labels that would collide are turned 45
 * degrees, and very long ones end in an ellipsis. */
rena_status rena_plot_bars(const char *path, const rena_plot_options *opt,
                           const char *const *labels, const double *values, int n,
                           rena_error *err);

#endif
