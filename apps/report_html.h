/* report_html.h: a small HTML document builder for `rena report`: one
 * self-contained page (inline CSS, no JavaScript, no network), text escaped
 * on the way in, written atomically. Out of memory is remembered and
 * reported once, by rena_html_write, so callers need not check every call. */
#ifndef RENA_REPORT_HTML_H
#define RENA_REPORT_HTML_H

#include <stddef.h>

#include "status.h"

typedef struct {
    char *s;        /* the page so far, NUL-terminated */
    size_t len, cap;
    int failed;     /* an append ran out of memory: rena_html_write refuses */
} rena_html;

void rena_html_init(rena_html *h);
void rena_html_free(rena_html *h);

/* Markup the caller wrote itself (never user data: no escaping). */
void rena_html_raw(rena_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text, formatted then escaped (& < > " '). */
void rena_html_text(rena_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* <!DOCTYPE html>, <head> with the title and the page's CSS, <body>, <h1>. */
void rena_html_begin(rena_html *h, const char *title, const char *subtitle);
/* Closes <body> and <html>. */
void rena_html_end(rena_html *h);

/* <hN id=...> text </hN>; id may be NULL. */
void rena_html_heading(rena_html *h, int level, const char *id, const char *text);
/* A paragraph of escaped, formatted text. */
void rena_html_para(rena_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A boxed note for a part that is left out (escaped, formatted). */
void rena_html_note(rena_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Key-value facts as a two-column list. */
void rena_html_facts_begin(rena_html *h);
void rena_html_fact(rena_html *h, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rena_html_facts_end(rena_html *h);

/* A figure: <img src alt> (src relative to the page) with a caption;
 * width in CSS pixels, 0 = the image's own width capped to the page. */
void rena_html_figure(rena_html *h, const char *src, const char *alt, const char *caption,
                      int width);
/* Figures placed side by side, wrapping (small multiples, image grids). */
void rena_html_grid_begin(rena_html *h);
void rena_html_grid_end(rena_html *h);

/* Tables: every cell is escaped text; numeric columns are right-aligned
 * when the cell parses as a number. */
void rena_html_table_begin(rena_html *h, const char *const *headers, int n);
void rena_html_table_row(rena_html *h, const char *const *cells, int n);
void rena_html_table_end(rena_html *h);

/* Writes the page to path atomically (temp + rename). */
rena_status rena_html_write(const rena_html *h, const char *path, rena_error *err);

#endif
