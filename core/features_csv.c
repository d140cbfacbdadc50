/* features_csv.c: parsing and writing performer CSV (see features_csv.h). */
#include "features_csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features_io_internal.h"

/* What a CSV column holds: a blendshape index (>= 0) or one of these. */
enum { COL_IGNORED = -1, COL_TS_S = -2, COL_TS_MS = -3, COL_YAW = -4, COL_PITCH = -5, COL_ROLL = -6 };

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Splits line in place at commas; returns the field count (<= max). */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        char *comma = strchr(p, ',');
        if (n < max)
            fields[n] = p;
        n++;
        if (!comma)
            break;
        *comma = '\0';
        p = comma;
    }
    for (int i = 0; i < n && i < max; i++)
        fields[i] = trim(fields[i]);
    return n;
}

static int count_fields(const char *line)
{
    int n = 1;
    for (const char *p = line; *p; p++)
        n += *p == ',';
    return n;
}

static int column_kind(const char *name)
{
    static const struct { const char *name; int kind; } special[] = {
        {"timestamp", COL_TS_S}, {"timestamp_ms", COL_TS_MS}, {"yaw", COL_YAW},
        {"pitch", COL_PITCH},    {"roll", COL_ROLL}};
    int k = rena_blendshape_index(name);
    if (k >= 0)
        return k;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (strcmp(name, special[i].name) == 0)
            return special[i].kind;
    return COL_IGNORED;
}

static rena_status check_header(rena_features_reader *r, const int *seen, const int *special,
                                rena_error *err)
{
    char where[600], msg[400];
    rena_features_io_at_line(r, where, sizeof where);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (!seen[k]) {
            rena_features_io_list_missing(seen, msg, sizeof msg);
            return rena_error_set(err, RENA_ERR_FORMAT, where, "header: %s", msg);
        }
    int npose = special[-COL_YAW] + special[-COL_PITCH] + special[-COL_ROLL];
    if (npose != 0 && npose != 3)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "header: head pose needs all of yaw, pitch, roll (missing %s%s%s)",
                              special[-COL_YAW] ? "" : "yaw ", special[-COL_PITCH] ? "" : "pitch ",
                              special[-COL_ROLL] ? "" : "roll");
    if (special[-COL_TS_S] && special[-COL_TS_MS])
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "header: both timestamp and timestamp_ms; keep one");
    r->info.has_pose = npose == 3;
    r->info.has_timestamps = special[-COL_TS_S] || special[-COL_TS_MS];
    return RENA_OK;
}

static rena_status alloc_columns(rena_features_reader *r, int n, rena_error *err)
{
    rena_features_csv_columns *c = &r->csv;
    c->ncols = n;
    c->cols = calloc((size_t)n, sizeof *c->cols);
    c->colnames = calloc((size_t)n, sizeof *c->colnames);
    c->fields = calloc((size_t)n, sizeof *c->fields);
    if (!c->cols || !c->colnames || !c->fields)
        return rena_error_set(err, RENA_ERR_NOMEM, r->name, "no memory for %d columns", n);
    return RENA_OK;
}

rena_status rena_features_csv_read_header(rena_features_reader *r, rena_error *err)
{
    int got = 0;
    rena_status st = rena_features_io_next_line(r, &got, err);
    if (st != RENA_OK)
        return st;
    if (!got)
        return rena_error_set(err, RENA_ERR_FORMAT, r->name, "empty input: no CSV header row");
    rena_features_csv_columns *c = &r->csv;
    int n = count_fields(r->line);
    if ((st = alloc_columns(r, n, err)) != RENA_OK)
        return st;
    split_fields(r->line, c->fields, n);
    int seen[RENA_NUM_BLENDSHAPES] = {0}, special[7] = {0};
    char where[600];
    for (int i = 0; i < n; i++) {
        char unnamed[48];
        const char *name = c->fields[i];
        if (!*name) {
            snprintf(unnamed, sizeof unnamed, "(unnamed column %d)", i + 1);
            name = unnamed;
        }
        c->colnames[i] = strdup(name);
        if (!c->colnames[i])
            return rena_error_set(err, RENA_ERR_NOMEM, r->name, "no memory for the header");
        int kind = column_kind(c->fields[i]);
        c->cols[i] = kind;
        int *count = kind >= 0 ? &seen[kind] : kind != COL_IGNORED ? &special[-kind] : NULL;
        if (count && (*count)++)
            return rena_error_set(err, RENA_ERR_FORMAT,
                                  rena_features_io_at_line(r, where, sizeof where),
                                  "header: column %d (%s) appears more than once", i + 1, name);
        if (kind == COL_IGNORED)
            rena_features_io_note_unknown(r, name);
    }
    return check_header(r, seen, special, err);
}

static rena_status parse_number(const rena_features_reader *r, int c, const char *text, double *v,
                                rena_error *err)
{
    char where[600];
    char *end = NULL;
    errno = 0;
    *v = strtod(text, &end);
    if (!*text || !end || *end || (errno == ERANGE && isinf(*v)))
        return rena_error_set(err, RENA_ERR_FORMAT, rena_features_io_at_line(r, where, sizeof where),
                              "column %d (%s): '%.40s' is not a number", c + 1,
                              r->csv.colnames[c], text);
    return RENA_OK;
}

rena_status rena_features_csv_next(rena_features_reader *r, rena_features *f, double *ts,
                                   int *got, rena_error *err)
{
    rena_status st = rena_features_io_next_line(r, got, err);
    if (st != RENA_OK || !*got)
        return st;
    const rena_features_csv_columns *cols = &r->csv;
    char where[600];
    rena_features_io_at_line(r, where, sizeof where);
    int n = count_fields(r->line);
    if (n != cols->ncols)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "expected %d columns, found %d",
                              cols->ncols, n);
    split_fields(r->line, cols->fields, n);
    double stamp = NAN;
    for (int c = 0; c < n && st == RENA_OK; c++) {
        int kind = cols->cols[c];
        double v;
        if (kind == COL_IGNORED)
            continue;
        st = parse_number(r, c, cols->fields[c], &v, err);
        if (st != RENA_OK)
            break;
        char field[96];
        snprintf(field, sizeof field, "column %d (%s)", c + 1, cols->colnames[c]);
        if (kind >= 0)
            st = rena_features_io_take_score(r, v, where, field, &f->blendshapes[kind], err);
        else if (kind == COL_TS_S || kind == COL_TS_MS)
            st = rena_features_io_take_timestamp(r, kind == COL_TS_MS ? v / 1000.0 : v, where,
                                                 field, &stamp, err);
        else
            st = rena_features_io_take_angle(v, where, field, &f->head_pose[COL_YAW - kind], err);
    }
    if (st == RENA_OK && r->info.has_pose)
        f->valid |= RENA_FEAT_POSE;
    *ts = stamp;
    return st;
}

void rena_features_csv_columns_free(rena_features_csv_columns *c)
{
    for (int i = 0; i < c->ncols && c->colnames; i++)
        free(c->colnames[i]);
    free(c->colnames);
    free(c->cols);
    free(c->fields);
    c->colnames = NULL;
    c->cols = NULL;
    c->fields = NULL;
    c->ncols = 0;
}

/* ---- writing ---- */

int rena_features_csv_write_header(FILE *fp, const rena_features_writer_options *o)
{
    int bad = o->with_timestamps && fputs("timestamp,", fp) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(fp, "%s%s", k ? "," : "", rena_blendshape_names[k]) < 0;
    if (o->with_pose)
        bad |= fputs(",yaw,pitch,roll", fp) < 0;
    return bad | (fputc('\n', fp) < 0);
}

int rena_features_csv_write_row(FILE *fp, const rena_features_writer_options *o,
                                const rena_features *f, double ts)
{
    int bad = o->with_timestamps && fprintf(fp, "%.17g,", ts) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(fp, "%s%.9g", k ? "," : "", (double)f->blendshapes[k]) < 0;
    for (int a = 0; o->with_pose && a < 3; a++)
        bad |= fprintf(fp, ",%.9g", (double)f->head_pose[a]) < 0;
    return bad | (fputc('\n', fp) < 0);
}
