/* report_html.c: the HTML page builder of `rena report` (report_html.h). */
#include "report_html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

/* The whole style of the page: readable without any external resource. */
static const char PAGE_CSS[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1240px;"
    "padding:16px 28px 60px;color:#1d232a;background:#fff;line-height:1.45}"
    "h1{font-size:26px;margin:18px 0 2px}h2{font-size:21px;margin:34px 0 8px;padding-top:8px;"
    "border-top:2px solid #e3e7ec}h3{font-size:16px;margin:20px 0 6px}"
    "p.sub{color:#5b6570;margin:0 0 14px}"
    "nav{margin:10px 0 6px;font-size:14px}nav a{margin-right:14px;color:#1f77b4}"
    "dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 18px;margin:8px 0;"
    "font-size:14px}dl.facts dt{color:#5b6570}dl.facts dd{margin:0}"
    "div.note{background:#fff8e1;border-left:4px solid #f0b400;padding:8px 12px;margin:10px 0;"
    "font-size:14px}"
    "table{border-collapse:collapse;margin:10px 0;font-size:14px}"
    "th,td{border:1px solid #d5dbe1;padding:4px 9px;text-align:left}"
    "th{background:#f1f4f7}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:10px 12px 10px 0;display:inline-block;vertical-align:top}"
    "figure img{max-width:100%;height:auto;border:1px solid #e3e7ec;display:block}"
    "figcaption{font-size:12.5px;color:#5b6570;max-width:100%;margin-top:3px}"
    "div.grid{display:flex;flex-wrap:wrap;gap:4px}div.grid figure{margin:4px}"
    "code{background:#f1f4f7;padding:1px 4px;border-radius:3px;font-size:13px}";

void rena_html_init(rena_html *h)
{
    memset(h, 0, sizeof *h);
}

void rena_html_free(rena_html *h)
{
    free(h->s);
    memset(h, 0, sizeof *h);
}

static int reserve(rena_html *h, size_t more)
{
    if (h->failed)
        return 0;
    if (h->len + more + 1 <= h->cap)
        return 1;
    size_t cap = h->cap ? h->cap : 16384;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *s = realloc(h->s, cap);
    if (!s) {
        h->failed = 1;
        return 0;
    }
    h->s = s;
    h->cap = cap;
    return 1;
}

static void append(rena_html *h, const char *text, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->s + h->len, text, n);
    h->len += n;
    h->s[h->len] = '\0';
}

static void vraw(rena_html *h, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (need < 0) {
        h->failed = 1;
        return;
    }
    if (!reserve(h, (size_t)need))
        return;
    vsnprintf(h->s + h->len, (size_t)need + 1, fmt, ap);
    h->len += (size_t)need;
}

void rena_html_raw(rena_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vraw(h, fmt, ap);
    va_end(ap);
}

static void escaped(rena_html *h, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&': append(h, "&amp;", 5); break;
        case '<': append(h, "&lt;", 4); break;
        case '>': append(h, "&gt;", 4); break;
        case '"': append(h, "&quot;", 6); break;
        case '\'': append(h, "&#39;", 5); break;
        default: append(h, p, 1);
        }
    }
}

static void vtext(rena_html *h, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *buf = need >= 0 ? malloc((size_t)need + 1) : NULL;
    if (!buf) {
        h->failed = 1;
        return;
    }
    vsnprintf(buf, (size_t)need + 1, fmt, ap);
    escaped(h, buf);
    free(buf);
}

void rena_html_text(rena_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vtext(h, fmt, ap);
    va_end(ap);
}

void rena_html_begin(rena_html *h, const char *title, const char *subtitle)
{
    rena_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>");
    escaped(h, title);
    rena_html_raw(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", PAGE_CSS);
    escaped(h, title);
    rena_html_raw(h, "</h1>\n");
    if (subtitle) {
        rena_html_raw(h, "<p class=\"sub\">");
        escaped(h, subtitle);
        rena_html_raw(h, "</p>\n");
    }
}

void rena_html_end(rena_html *h)
{
    rena_html_raw(h, "</body>\n</html>\n");
}

void rena_html_heading(rena_html *h, int level, const char *id, const char *text)
{
    level = level < 1 ? 1 : level > 6 ? 6 : level;
    rena_html_raw(h, "<h%d", level);
    if (id) {
        rena_html_raw(h, " id=\"");
        escaped(h, id);
        rena_html_raw(h, "\"");
    }
    rena_html_raw(h, ">");
    escaped(h, text);
    rena_html_raw(h, "</h%d>\n", level);
}

void rena_html_para(rena_html *h, const char *fmt, ...)
{
    rena_html_raw(h, "<p>");
    va_list ap;
    va_start(ap, fmt);
    vtext(h, fmt, ap);
    va_end(ap);
    rena_html_raw(h, "</p>\n");
}

void rena_html_note(rena_html *h, const char *fmt, ...)
{
    rena_html_raw(h, "<div class=\"note\">");
    va_list ap;
    va_start(ap, fmt);
    vtext(h, fmt, ap);
    va_end(ap);
    rena_html_raw(h, "</div>\n");
}

void rena_html_facts_begin(rena_html *h)
{
    rena_html_raw(h, "<dl class=\"facts\">\n");
}

void rena_html_fact(rena_html *h, const char *key, const char *fmt, ...)
{
    rena_html_raw(h, "<dt>");
    escaped(h, key);
    rena_html_raw(h, "</dt><dd>");
    va_list ap;
    va_start(ap, fmt);
    vtext(h, fmt, ap);
    va_end(ap);
    rena_html_raw(h, "</dd>\n");
}

void rena_html_facts_end(rena_html *h)
{
    rena_html_raw(h, "</dl>\n");
}

void rena_html_figure(rena_html *h, const char *src, const char *alt, const char *caption,
                      int width)
{
    rena_html_raw(h, "<figure");
    if (width > 0)
        rena_html_raw(h, " style=\"width:%dpx\"", width);
    rena_html_raw(h, "><img src=\"");
    escaped(h, src);
    rena_html_raw(h, "\" alt=\"");
    escaped(h, alt ? alt : "");
    rena_html_raw(h, "\">");
    if (caption) {
        rena_html_raw(h, "<figcaption>");
        escaped(h, caption);
        rena_html_raw(h, "</figcaption>");
    }
    rena_html_raw(h, "</figure>\n");
}

void rena_html_grid_begin(rena_html *h)
{
    rena_html_raw(h, "<div class=\"grid\">\n");
}

void rena_html_grid_end(rena_html *h)
{
    rena_html_raw(h, "</div>\n");
}

void rena_html_table_begin(rena_html *h, const char *const *headers, int n)
{
    rena_html_raw(h, "<table>\n<tr>");
    for (int i = 0; i < n; i++) {
        rena_html_raw(h, "<th>");
        escaped(h, headers[i]);
        rena_html_raw(h, "</th>");
    }
    rena_html_raw(h, "</tr>\n");
}

/* A cell that reads as one number (or n/a) is aligned right. */
static int numeric(const char *s)
{
    if (!s || !*s)
        return 0;
    if (!strcmp(s, "n/a"))
        return 1;
    char *end = NULL;
    strtod(s, &end);
    return end != s && (*end == '\0' || !strcmp(end, "%"));
}

void rena_html_table_row(rena_html *h, const char *const *cells, int n)
{
    rena_html_raw(h, "<tr>");
    for (int i = 0; i < n; i++) {
        rena_html_raw(h, numeric(cells[i]) ? "<td class=\"num\">" : "<td>");
        escaped(h, cells[i] ? cells[i] : "");
        rena_html_raw(h, "</td>");
    }
    rena_html_raw(h, "</tr>\n");
}

void rena_html_table_end(rena_html *h)
{
    rena_html_raw(h, "</table>\n");
}

rena_status rena_html_write(const rena_html *h, const char *path, rena_error *err)
{
    if (h->failed || !h->s)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory while building the page");
    return rena_atomic_write(path, h->s, h->len, err);
}
