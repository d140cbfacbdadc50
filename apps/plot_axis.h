/* plot_axis.h: one chart axis as numbers only: its limits, where its ticks
 * go and how they are labelled. No drawing, so the tick rules can be tested
 * directly; apps/plot.c maps the axis to pixels and draws it. */
#ifndef RENA_PLOT_AXIS_H
#define RENA_PLOT_AXIS_H

#include "status.h"

#define RENA_PLOT_AXIS_MAX_TICKS 64
#define RENA_PLOT_AXIS_LABEL_SIZE 32

typedef struct {
    double lo, hi; /* limits in axis space: data units, or log10 of them on a log axis */
    int log;       /* 1 = logarithmic (base 10) */
    double p0, p1; /* pixels of lo and hi; set by the caller's layout, used by _map */
    int nticks;    /* >= 2 after a successful _linear or _log */
    double ticks[RENA_PLOT_AXIS_MAX_TICKS]; /* data units, ascending, inside the limits */
    char labels[RENA_PLOT_AXIS_MAX_TICKS][RENA_PLOT_AXIS_LABEL_SIZE]; /* one per tick, distinct */
    int powers;    /* 1 = every tick is an exact power of ten best drawn as 10^k */
} rena_plot_axis;

/* A linear axis around the data range [lo, hi] with a 5 % margin (none at a
 * zero bound when include_zero pulls the range to zero, as for bars). A
 * constant or tiny range is widened so it still has ticks. Fails with
 * RENA_ERR_RANGE when lo/hi are not finite, lo > hi, or the padded range
 * does not fit in a double. */
rena_status rena_plot_axis_linear(rena_plot_axis *a, double lo, double hi, int include_zero,
                                  rena_error *err);

/* A log axis around the positive data range [lo, hi]: ticks at decades,
 * 1-2-5 or 1..9 x 10^k, or nice linear steps when the range sits inside a
 * decade, always at least two. The axis never reaches below DBL_MIN
 * (subnormal data sits on its lower edge). Fails with RENA_ERR_RANGE
 * unless 0 < lo <= hi < inf. */
rena_status rena_plot_axis_log(rena_plot_axis *a, double lo, double hi, rena_error *err);

/* Pixel of data value v (log10 taken on a log axis; v must be > 0 there). */
double rena_plot_axis_map(const rena_plot_axis *a, double v);

/* Exponent k of tick i when the axis labels powers (tick = 10^k). */
int rena_plot_axis_exponent(const rena_plot_axis *a, int i);

#endif
