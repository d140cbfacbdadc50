/* plot_text.c: anchored, turned text and its measured extents. */
#include "plot_text.h"

#include <math.h>
#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one glyph instead of three dots */

/* Where the baseline starts, relative to the anchor, before turning. */
static void text_origin(cairo_t *cr, const char *s, double ax, double ay, double *ox, double *oy)
{
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, s, &e);
    cairo_font_extents(cr, &fe);
    *ox = -ax * e.x_advance;
    *oy = (1.0 - ay) * fe.ascent;
}

void rena_plot_text_draw(cairo_t *cr, const char *s, double x, double y, double ax, double ay,
                         double angle)
{
    double ox, oy;
    text_origin(cr, s, ax, ay, &ox, &oy);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, ox, oy);
    cairo_show_text(cr, s);
    cairo_restore(cr);
}

rena_plot_box rena_plot_text_box(cairo_t *cr, const char *s, double x, double y, double ax,
                                 double ay, double angle)
{
    double ox, oy;
    text_origin(cr, s, ax, ay, &ox, &oy);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double cx[2] = {ox + e.x_bearing, ox + e.x_bearing + e.width};
    double cy[2] = {oy + e.y_bearing, oy + e.y_bearing + e.height};
    double c = cos(angle), sn = sin(angle);
    rena_plot_box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < 4; i++) {
        double px = cx[i % 2], py = cy[i / 2];
        double rx = x + px * c - py * sn, ry = y + px * sn + py * c;
        b.x0 = fmin(b.x0, rx);
        b.x1 = fmax(b.x1, rx);
        b.y0 = fmin(b.y0, ry);
        b.y1 = fmax(b.y1, ry);
    }
    return b;
}

double rena_plot_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Bytes of s[0..len) up to the start of its last UTF-8 character. */
static size_t previous_boundary(const char *s, size_t len)
{
    while (len > 0 && ((unsigned char)s[--len] & 0xC0) == 0x80)
        ;
    return len;
}

void rena_plot_text_elide(cairo_t *cr, const char *s, double max_width, char *buf, size_t size)
{
    if (size == 0)
        return;
    size_t len = strlen(s);
    if (len < size && rena_plot_text_width(cr, s) <= max_width) {
        memcpy(buf, s, len + 1);
        return;
    }
    if (size < sizeof ELLIPSIS) {
        buf[0] = '\0';
        return;
    }
    size_t room = size - sizeof ELLIPSIS, cut = len;
    while (cut > room)
        cut = previous_boundary(s, cut);
    for (;;) {
        while (cut > 0 && s[cut - 1] == ' ')
            cut--;
        memcpy(buf, s, cut);
        memcpy(buf + cut, ELLIPSIS, sizeof ELLIPSIS);
        if (cut == 0 || rena_plot_text_width(cr, buf) <= max_width)
            return;
        cut = previous_boundary(s, cut);
    }
}
