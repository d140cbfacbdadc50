/* plot_axis.c: tick placement and tick labels. Every axis gets at least two
 * labelled ticks, and labels are printed with just enough precision that
 * each reads back as its tick and no two look alike. */
#include "plot_axis.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TICKS RENA_PLOT_AXIS_MAX_TICKS
#define LABEL_SIZE RENA_PLOT_AXIS_LABEL_SIZE
#define MAX_DECIMALS 15
/* Below this relative spread, data is treated as constant: ticks finer than
 * that would no longer be distinct doubles, let alone distinct labels. */
#define MIN_RELATIVE_RANGE 1e-9
#define MIN_ABSOLUTE_RANGE 1e-250

typedef enum { LABEL_FIXED, LABEL_SCI, LABEL_SHORTEST } label_style;

/* ---- numbers to text ---- */

/* "2.5e-05" -> "2.5e-5", "1e+06" -> "1e6". */
static void tidy_exponent(char *s)
{
    char *e = strchr(s, 'e');
    if (!e)
        return;
    char *p = e + 1;
    int negative = *p == '-';
    if (*p == '+' || *p == '-')
        p++;
    while (*p == '0' && p[1])
        p++;
    memmove(e + 1 + negative, p, strlen(p) + 1);
}

/* A fixed-point rounding of a tiny negative value must not read "-0.00". */
static void drop_negative_zero(char *s)
{
    if (s[0] == '-' && strspn(s + 1, "0.") == strlen(s + 1))
        memmove(s, s + 1, strlen(s));
}

/* Plain decimals for everyday magnitudes, scientific notation elsewhere. */
static int wants_fixed(double mag)
{
    return mag == 0.0 || (mag >= 1e-4 && mag < 1e6);
}

static void format_value(double v, label_style style, int decimals, char *buf)
{
    if (style == LABEL_SHORTEST)
        style = wants_fixed(fabs(v)) ? LABEL_FIXED : LABEL_SCI;
    if (style == LABEL_FIXED) {
        snprintf(buf, LABEL_SIZE, "%.*f", decimals, v);
        drop_negative_zero(buf);
    } else if (v == 0.0) {
        snprintf(buf, LABEL_SIZE, "0");
    } else {
        snprintf(buf, LABEL_SIZE, "%.*e", decimals, v);
        tidy_exponent(buf);
    }
}

/* The fewest decimals that print v so it reads back within tol. */
static void format_shortest(double v, double tol, char *buf)
{
    for (int d = 0; d <= MAX_DECIMALS; d++) {
        format_value(v, LABEL_SHORTEST, d, buf);
        if (fabs(strtod(buf, NULL) - v) <= tol)
            return;
    }
}

/* Labels every tick with one shared precision: the smallest at which each
 * label reads back as its tick (to a thousandth of the step) and adjacent
 * labels differ. Returns the longest label's length. */
static size_t label_uniform(rena_plot_axis *a, label_style style, double step)
{
    size_t longest = 0;
    for (int d = 0; d <= MAX_DECIMALS; d++) {
        int ok = 1;
        longest = 0;
        for (int i = 0; i < a->nticks; i++) {
            format_value(a->ticks[i], style, d, a->labels[i]);
            ok &= fabs(strtod(a->labels[i], NULL) - a->ticks[i]) <= 1e-3 * step;
            ok &= i == 0 || strcmp(a->labels[i], a->labels[i - 1]) != 0;
            size_t n = strlen(a->labels[i]);
            longest = n > longest ? n : longest;
        }
        if (ok)
            break;
    }
    return longest;
}

/* Evenly stepped ticks: decimals for ordinary magnitudes; for large ones
 * whichever of decimals and scientific notation is shorter. */
static void label_stepped(rena_plot_axis *a, double step)
{
    double mag = 0.0;
    for (int i = 0; i < a->nticks; i++)
        mag = fmax(mag, fabs(a->ticks[i]));
    if (wants_fixed(mag)) {
        label_uniform(a, LABEL_FIXED, step);
        return;
    }
    size_t sci = label_uniform(a, LABEL_SCI, step);
    if (mag < 1e6 || mag >= 1e12)
        return;
    char saved[MAX_TICKS][LABEL_SIZE];
    memcpy(saved, a->labels, sizeof saved);
    if (label_uniform(a, LABEL_FIXED, step) > sci)
        memcpy(a->labels, saved, sizeof saved);
}

/* 1 x 10^k, 2 x 10^k ...: each label as short as it can be ("0.02", "5e-6"). */
static void label_each(rena_plot_axis *a)
{
    for (int i = 0; i < a->nticks; i++)
        format_shortest(a->ticks[i], 1e-9 * fabs(a->ticks[i]), a->labels[i]);
}

/* ---- tick placement ---- */

/* 1, 2, 2.5 or 5 times a power of ten, at least raw. */
static double nice_step(double raw)
{
    double p = pow(10.0, floor(log10(raw))), m = raw / p;
    double mult = m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 2.5 ? 2.5 : m <= 5.0 ? 5.0 : 10.0;
    return mult * p;
}

/* Multiples of a nice step inside [lo, hi] (data units); returns the step. */
static double ticks_stepped(rena_plot_axis *a, double lo, double hi)
{
    double step = nice_step((hi - lo) / 6.0);
    a->nticks = 0;
    if (!(step > 0.0 && isfinite(step)))
        return step;
    for (double k = ceil(lo / step - 1e-9); a->nticks < MAX_TICKS; k += 1.0) {
        double v = k * step;
        if (v > hi + 1e-9 * step)
            break;
        a->ticks[a->nticks++] = fabs(v) < 1e-9 * step ? 0.0 : v;
    }
    return step;
}

static rena_status range_error(rena_error *err, const char *what, double lo, double hi)
{
    return rena_error_set(err, RENA_ERR_RANGE, "plot axis", "%s [%g, %g]", what, lo, hi);
}

rena_status rena_plot_axis_linear(rena_plot_axis *a, double lo, double hi, int include_zero,
                                  rena_error *err)
{
    memset(a, 0, sizeof *a);
    if (!isfinite(lo) || !isfinite(hi) || lo > hi)
        return range_error(err, "cannot plot the data range", lo, hi);
    if (include_zero) {
        lo = fmin(lo, 0.0);
        hi = fmax(hi, 0.0);
    }
    double mag = fmax(fabs(lo), fabs(hi));
    if (!(hi - lo > MIN_RELATIVE_RANGE * mag) || hi - lo < MIN_ABSOLUTE_RANGE) {
        double centre = lo / 2 + hi / 2;
        double pad = fmax(0.1 * fabs(centre), centre == 0.0 ? 0.5 : MIN_ABSOLUTE_RANGE);
        if (include_zero && lo == 0.0 && hi > 0.0) { /* bars keep growing from zero */
            hi += 2 * pad;
        } else if (include_zero && hi == 0.0 && lo < 0.0) {
            lo -= 2 * pad;
        } else {
            lo = centre - pad;
            hi = centre + pad;
        }
    }
    double margin = 0.05 * (hi - lo);
    a->lo = (include_zero && lo == 0.0) ? 0.0 : lo - margin;
    a->hi = (include_zero && hi == 0.0) ? 0.0 : hi + margin;
    if (!isfinite(a->hi - a->lo))
        return range_error(err, "data range too large to plot", lo, hi);
    double step = ticks_stepped(a, a->lo, a->hi);
    label_stepped(a, step);
    return RENA_OK;
}

/* Mantissas m x 10^e inside the limits; decades only every `stride`. */
static void ticks_mantissas(rena_plot_axis *a, const double *mant, int nmant, int stride)
{
    a->nticks = 0;
    for (int e = (int)floor(a->lo); e <= (int)ceil(a->hi) && a->nticks < MAX_TICKS; e++) {
        if (e % stride != 0)
            continue;
        for (int m = 0; m < nmant && a->nticks < MAX_TICKS; m++) {
            double v = e < 0 ? mant[m] / pow(10.0, -e) : mant[m] * pow(10.0, e);
            double lv = log10(v);
            if (lv >= a->lo - 1e-9 && lv <= a->hi + 1e-9)
                a->ticks[a->nticks++] = v;
        }
    }
}

/* The last resort: the two ends of the axis. */
static void ticks_ends(rena_plot_axis *a)
{
    a->ticks[0] = pow(10.0, a->lo);
    a->ticks[1] = pow(10.0, a->hi);
    a->nticks = 2;
    label_stepped(a, a->ticks[1] - a->ticks[0]);
}

/* Coarsest first: decades (labelled 10^k when they span three or more),
 * 1-2-5, every digit, then nice linear steps in data units; the first
 * giving three ticks wins. */
static void ticks_log(rena_plot_axis *a)
{
    static const double decade[1] = {1}, onetwofive[3] = {1, 2, 5};
    static const double digits[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double span = a->hi - a->lo;
    if (span >= 3.0) {
        ticks_mantissas(a, decade, 1, (int)ceil(span / 8.0));
        a->powers = 1;
        label_each(a);
        return;
    }
    ticks_mantissas(a, onetwofive, 3, 1);
    if (a->nticks < 3)
        ticks_mantissas(a, digits, 9, 1);
    if (a->nticks >= 3) {
        label_each(a);
        return;
    }
    double step = ticks_stepped(a, pow(10.0, a->lo), pow(10.0, a->hi));
    if (a->nticks >= 2)
        label_stepped(a, step);
    else
        ticks_ends(a);
}

rena_status rena_plot_axis_log(rena_plot_axis *a, double lo, double hi, rena_error *err)
{
    memset(a, 0, sizeof *a);
    if (!(lo > 0.0) || !(hi >= lo) || !isfinite(hi))
        return range_error(err, "a log axis needs 0 < lo <= hi < inf, not", lo, hi);
    /* subnormal values would make subnormal ticks: the axis starts at DBL_MIN */
    double l0 = log10(fmax(lo, DBL_MIN)), l1 = log10(fmax(hi, DBL_MIN));
    if (!(l1 - l0 > MIN_RELATIVE_RANGE)) { /* constant data: a decade around it */
        l0 -= 0.5;
        l1 += 0.5;
    }
    double margin = 0.05 * (l1 - l0);
    a->lo = fmax(l0 - margin, log10(DBL_MIN));
    /* near DBL_MAX the margin gives way rather than the tick values */
    a->hi = fmin(l1 + margin, fmax(l1, log10(DBL_MAX) - 1e-12));
    if (!isfinite(pow(10.0, a->hi)))
        return range_error(err, "data range too large to plot", lo, hi);
    a->log = 1;
    ticks_log(a);
    return RENA_OK;
}

double rena_plot_axis_map(const rena_plot_axis *a, double v)
{
    double t = a->log ? log10(v) : v;
    return a->p0 + (t - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

int rena_plot_axis_exponent(const rena_plot_axis *a, int i)
{
    return (int)lround(log10(a->ticks[i]));
}
