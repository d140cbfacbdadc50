/* plot_text.h: placing, measuring and shortening chart text with cairo.
 * Text is anchored at a point and may be turned; its ink box (what the
 * glyphs actually cover) is what layouts reserve room for. */
#ifndef RENA_PLOT_TEXT_H
#define RENA_PLOT_TEXT_H

#include <cairo.h>
#include <stddef.h>

/* An axis-aligned box in user-space pixels: x0 <= x1, y0 <= y1. */
typedef struct {
    double x0, y0, x1, y1;
} rena_plot_box;

/* Draws s in the current font and colour with its anchor at (x, y), then
 * turned by angle (radians, clockwise on screen as in cairo). ax picks the
 * left (0), centre (.5) or right (1) end; ay the top (0), middle of the
 * capitals (.5) or baseline (1). */
void rena_plot_text_draw(cairo_t *cr, const char *s, double x, double y, double ax, double ay,
                         double angle);

/* The ink box rena_plot_text_draw would cover with the same arguments. */
rena_plot_box rena_plot_text_box(cairo_t *cr, const char *s, double x, double y, double ax,
                                 double ay, double angle);

/* Advance width of s in the current font. */
double rena_plot_text_width(cairo_t *cr, const char *s);

/* s copied into buf (size bytes), cut at a character boundary and ended
 * with an ellipsis when it is wider than max_width or longer than buf. The
 * ellipsis alone is kept even when max_width is narrower than it (buf is
 * left empty only when it cannot hold the ellipsis). */
void rena_plot_text_elide(cairo_t *cr, const char *s, double max_width, char *buf, size_t size);

#endif
