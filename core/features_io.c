#include "features_io.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomicfile.h"

#define MAX_UNKNOWN 64
#define ANGLE_LIMIT (M_PI + 1e-6) /* radians; beyond this the input is probably in degrees */

/* What a CSV column holds: a blendshape index (>= 0) or one of these. */
enum { COL_IGNORED = -1, COL_TS_S = -2, COL_TS_MS = -3, COL_YAW = -4, COL_PITCH = -5, COL_ROLL = -6 };

struct rena_features_reader {
    FILE *fp;
    int owns_fp;
    char name[512];
    rena_features_reader_options opt;
    rena_features_reader_info info;
    char *unknown[MAX_UNKNOWN];
    char *line;
    size_t line_cap;
    long lineno;
    int pending;      /* r->line holds a line not yet consumed */
    int ncols;        /* CSV */
    int *cols;        /* CSV: ncols column kinds */
    char **colnames;  /* CSV: ncols header names, for messages */
    char **fields;    /* CSV: ncols field pointers into line */
    int have_prev_ts;
    double prev_ts;
};

rena_features_reader_options rena_features_reader_options_default(void)
{
    rena_features_reader_options o = {RENA_FEATURES_AUTO, 0, 30.0};
    return o;
}

/* ---- small helpers shared by both formats ---- */

static const char *at_line(const rena_features_reader *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%ld", r->name, r->lineno);
    return buf;
}

static void note_unknown(rena_features_reader *r, const char *name)
{
    for (int i = 0; i < r->info.n_unknown && i < MAX_UNKNOWN; i++)
        if (strcmp(r->unknown[i], name) == 0)
            return;
    if (r->info.n_unknown < MAX_UNKNOWN) {
        char *copy = strdup(name);
        if (!copy)
            return; /* the warning list is best effort; parsing goes on */
        r->unknown[r->info.n_unknown] = copy;
    }
    r->info.n_unknown++;
}

/* Builds "missing blendshapes: a, b (and 3 more)" for a message. */
static void list_missing(const int *seen, char *buf, size_t size)
{
    int missing = 0, shown = 0;
    size_t len = (size_t)snprintf(buf, size, "missing blendshape");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        missing += !seen[k];
    len += (size_t)snprintf(buf + len, size - len, "%s:", missing > 1 ? "s" : "");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES && len < size; k++) {
        if (seen[k])
            continue;
        if (shown == 8) {
            snprintf(buf + len, size - len, " (and %d more)", missing - shown);
            return;
        }
        len += (size_t)snprintf(buf + len, size - len, "%s %s", shown ? "," : "",
                                rena_blendshape_names[k]);
        shown++;
    }
}

/* A blendshape score into [0, 1]: clamped and counted, or refused. */
static rena_status take_score(rena_features_reader *r, double v, const char *where,
                              const char *field, float *out, rena_error *err)
{
    if (isfinite(v) && v >= 0.0 && v <= 1.0) {
        *out = (float)v;
        return RENA_OK;
    }
    if (r->opt.strict)
        return rena_error_set(err, RENA_ERR_RANGE, where, "%s: score %g is outside [0, 1]", field, v);
    *out = isnan(v) ? 0.0f : v < 0.0 ? 0.0f : 1.0f;
    r->info.clamped++;
    return RENA_OK;
}

static rena_status take_angle(double v, const char *where, const char *field, float *out,
                              rena_error *err)
{
    if (!isfinite(v))
        return rena_error_set(err, RENA_ERR_RANGE, where, "%s: angle is not finite", field);
    if (fabs(v) > ANGLE_LIMIT)
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "%s: %g is beyond +-pi; angles are radians, not degrees", field, v);
    *out = (float)v;
    return RENA_OK;
}

static rena_status take_timestamp(rena_features_reader *r, double ts, const char *where,
                                  const char *field, double *out, rena_error *err)
{
    if (!isfinite(ts))
        return rena_error_set(err, RENA_ERR_RANGE, where, "%s: timestamp is not finite", field);
    if (r->have_prev_ts && !(ts > r->prev_ts))
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "%s: timestamp %.6f s is not after the previous %.6f s", field, ts,
                              r->prev_ts);
    r->have_prev_ts = 1;
    r->prev_ts = ts;
    *out = ts;
    return RENA_OK;
}

/* Next non-blank line into r->line, line ending and UTF-8 BOM removed. */
static rena_status next_line(rena_features_reader *r, int *got, rena_error *err)
{
    if (r->pending) {
        r->pending = 0;
        *got = 1;
        return RENA_OK;
    }
    for (;;) {
        errno = 0;
        ssize_t n = getline(&r->line, &r->line_cap, r->fp);
        if (n < 0) {
            *got = 0;
            if (ferror(r->fp))
                return rena_error_set(err, RENA_ERR_IO, r->name, "read failed: %s",
                                      strerror(errno ? errno : EIO));
            return RENA_OK;
        }
        r->lineno++;
        while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
            r->line[--n] = '\0';
        if (r->lineno == 1 && strncmp(r->line, "\xEF\xBB\xBF", 3) == 0)
            memmove(r->line, r->line + 3, (size_t)n - 2);
        const char *p = r->line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p) {
            *got = 1;
            return RENA_OK;
        }
    }
}

/* ---- CSV ---- */

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

static rena_status csv_check_header(rena_features_reader *r, const int *seen, const int *special,
                                    rena_error *err)
{
    char where[600], msg[400];
    at_line(r, where, sizeof where);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (!seen[k]) {
            list_missing(seen, msg, sizeof msg);
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

static rena_status csv_read_header(rena_features_reader *r, rena_error *err)
{
    int got = 0;
    rena_status st = next_line(r, &got, err);
    if (st != RENA_OK)
        return st;
    if (!got)
        return rena_error_set(err, RENA_ERR_FORMAT, r->name, "empty input: no CSV header row");
    int n = count_fields(r->line);
    r->ncols = n;
    r->cols = calloc((size_t)n, sizeof *r->cols);
    r->colnames = calloc((size_t)n, sizeof *r->colnames);
    r->fields = calloc((size_t)n, sizeof *r->fields);
    if (!r->cols || !r->colnames || !r->fields)
        return rena_error_set(err, RENA_ERR_NOMEM, r->name, "no memory for %d columns", n);
    split_fields(r->line, r->fields, n);
    int seen[RENA_NUM_BLENDSHAPES] = {0}, special[7] = {0};
    char where[600];
    for (int c = 0; c < n; c++) {
        char unnamed[48];
        const char *name = r->fields[c];
        if (!*name) {
            snprintf(unnamed, sizeof unnamed, "(unnamed column %d)", c + 1);
            name = unnamed;
        }
        r->colnames[c] = strdup(name);
        if (!r->colnames[c])
            return rena_error_set(err, RENA_ERR_NOMEM, r->name, "no memory for the header");
        int kind = column_kind(r->fields[c]);
        r->cols[c] = kind;
        int *count = kind >= 0 ? &seen[kind] : kind != COL_IGNORED ? &special[-kind] : NULL;
        if (count && (*count)++)
            return rena_error_set(err, RENA_ERR_FORMAT, at_line(r, where, sizeof where),
                                  "header: column %d (%s) appears more than once", c + 1, name);
        if (kind == COL_IGNORED)
            note_unknown(r, name);
    }
    return csv_check_header(r, seen, special, err);
}

static rena_status csv_parse_number(const rena_features_reader *r, int c, const char *text,
                                    double *v, rena_error *err)
{
    char where[600];
    char *end = NULL;
    errno = 0;
    *v = strtod(text, &end);
    if (!*text || !end || *end || (errno == ERANGE && isinf(*v)))
        return rena_error_set(err, RENA_ERR_FORMAT, at_line(r, where, sizeof where),
                              "column %d (%s): '%.40s' is not a number", c + 1, r->colnames[c],
                              text);
    return RENA_OK;
}

static rena_status csv_next(rena_features_reader *r, rena_features *f, double *ts, int *got,
                            rena_error *err)
{
    rena_status st = next_line(r, got, err);
    if (st != RENA_OK || !*got)
        return st;
    char where[600];
    at_line(r, where, sizeof where);
    int n = count_fields(r->line);
    if (n != r->ncols)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "expected %d columns, found %d",
                              r->ncols, n);
    split_fields(r->line, r->fields, n);
    double stamp = NAN;
    for (int c = 0; c < n && st == RENA_OK; c++) {
        int kind = r->cols[c];
        double v;
        if (kind == COL_IGNORED)
            continue;
        st = csv_parse_number(r, c, r->fields[c], &v, err);
        if (st != RENA_OK)
            break;
        char field[96];
        snprintf(field, sizeof field, "column %d (%s)", c + 1, r->colnames[c]);
        if (kind >= 0)
            st = take_score(r, v, where, field, &f->blendshapes[kind], err);
        else if (kind == COL_TS_S || kind == COL_TS_MS)
            st = take_timestamp(r, kind == COL_TS_MS ? v / 1000.0 : v, where, field, &stamp, err);
        else
            st = take_angle(v, where, field, &f->head_pose[COL_YAW - kind], err);
    }
    if (st == RENA_OK && r->info.has_pose)
        f->valid |= RENA_FEAT_POSE;
    *ts = stamp;
    return st;
}

/* ---- JSON Lines ---- */

static const cJSON *member(const cJSON *obj, const char *a, const char *b, const char *c,
                           const char **used)
{
    const char *names[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        const cJSON *v = names[i] ? cJSON_GetObjectItemCaseSensitive(obj, names[i]) : NULL;
        if (v) {
            *used = names[i];
            return v;
        }
    }
    return NULL;
}

/* Descends MediaPipe's nestings (faces, {"categories": [...]}) to the list
 * of category objects; *list is NULL when the frame has no face. `path`
 * tracks the field name for messages. */
static rena_status json_find_categories(const cJSON *v, char *path, size_t size, const char *where,
                                        const cJSON **list, rena_error *err)
{
    for (int depth = 0; depth < 4; depth++) {
        if (cJSON_IsObject(v)) {
            const cJSON *cats = cJSON_GetObjectItemCaseSensitive(v, "categories");
            if (!cJSON_IsArray(cats))
                break;
            strncat(path, ".categories", size - strlen(path) - 1);
            v = cats;
            continue;
        }
        if (!cJSON_IsArray(v))
            break;
        const cJSON *first = v->child;
        if (!first) {
            *list = NULL;
            return RENA_OK;
        }
        if (cJSON_IsArray(first) ||
            (cJSON_IsObject(first) && cJSON_GetObjectItemCaseSensitive(first, "categories"))) {
            strncat(path, "[0]", size - strlen(path) - 1);
            v = first;
            continue;
        }
        *list = v;
        return RENA_OK;
    }
    return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: expected a list of blendshape categories",
                          path[0] ? path : "line");
}

static rena_status json_read_categories(rena_features_reader *r, const cJSON *list,
                                        const char *path, const char *where, rena_features *f,
                                        rena_error *err)
{
    int seen[RENA_NUM_BLENDSHAPES] = {0}, i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char field[160];
        snprintf(field, sizeof field, "%s[%d]", path, i++);
        const char *key;
        const cJSON *name =
            cJSON_IsObject(item) ? member(item, "category_name", "categoryName", NULL, &key) : NULL;
        if (!cJSON_IsString(name))
            return rena_error_set(err, RENA_ERR_FORMAT, where,
                                  "%s: expected an object with a category_name string", field);
        const cJSON *score = cJSON_GetObjectItemCaseSensitive(item, "score");
        if (!cJSON_IsNumber(score))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s.score: missing or not a number",
                                  field);
        int k = rena_blendshape_index(name->valuestring);
        if (k < 0) {
            note_unknown(r, name->valuestring);
            continue;
        }
        if (seen[k]++)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: %s appears more than once",
                                  field, name->valuestring);
        snprintf(field + strlen(field), sizeof field - strlen(field), ".score");
        rena_status st = take_score(r, score->valuedouble, where, field, &f->blendshapes[k], err);
        if (st != RENA_OK)
            return st;
    }
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (!seen[k]) {
            char msg[400];
            list_missing(seen, msg, sizeof msg);
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: %s", path[0] ? path : "list",
                                  msg);
        }
    return RENA_OK;
}

static rena_status json_read_pose(const cJSON *pose, const char *where, rena_features *f,
                                  rena_error *err)
{
    static const char *const axes[3] = {"yaw", "pitch", "roll"};
    if (!cJSON_IsObject(pose))
        return rena_error_set(err, RENA_ERR_FORMAT, where, "head_pose: expected an object");
    for (int a = 0; a < 3; a++) {
        char field[32];
        snprintf(field, sizeof field, "head_pose.%s", axes[a]);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(pose, axes[a]);
        if (!cJSON_IsNumber(v))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: missing or not a number", field);
        rena_status st = take_angle(v->valuedouble, where, field, &f->head_pose[a], err);
        if (st != RENA_OK)
            return st;
    }
    f->valid |= RENA_FEAT_POSE;
    return RENA_OK;
}

/* The frame-level fields of an object line: timestamp, pose, the list. */
static rena_status json_read_object(rena_features_reader *r, const cJSON *root, const char *where,
                                    rena_features *f, double *ts, const cJSON **list, char *path,
                                    size_t size, rena_error *err)
{
    const char *key = NULL;
    const cJSON *t = member(root, "timestamp_ms", "timestampMs", "timestamp", &key);
    int first = r->info.frames == 0 && r->info.skipped_no_face == 0;
    if (t && !cJSON_IsNumber(t))
        return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: not a number", key);
    if (first)
        r->info.has_timestamps = t != NULL;
    else if (t && !r->info.has_timestamps)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: earlier frames had no timestamp",
                              key);
    else if (!t && r->info.has_timestamps)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "timestamp_ms: missing, earlier frames had one");
    rena_status st = RENA_OK;
    if (t)
        st = take_timestamp(r, strcmp(key, "timestamp") ? t->valuedouble / 1000.0 : t->valuedouble,
                            where, key, ts, err);
    const cJSON *pose = cJSON_GetObjectItemCaseSensitive(root, "head_pose");
    if (st == RENA_OK && pose)
        st = json_read_pose(pose, where, f, err);
    if (st != RENA_OK)
        return st;
    const cJSON *bs = member(root, "blendshapes", "face_blendshapes", "faceBlendshapes", &key);
    if (!bs)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "no \"blendshapes\" (or \"face_blendshapes\") list");
    snprintf(path, size, "%s", key);
    return json_find_categories(bs, path, size, where, list, err);
}

static rena_status json_next(rena_features_reader *r, rena_features *f, double *ts, int *got,
                             rena_error *err)
{
    for (;;) {
        rena_status st = next_line(r, got, err);
        if (st != RENA_OK || !*got)
            return st;
        char where[600], path[128] = "";
        at_line(r, where, sizeof where);
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithOpts(r->line, &end, 1); /* 1: nothing may follow */
        if (!root)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "not valid JSON (near byte %ld)",
                                  end ? (long)(end - r->line) + 1 : 0L);
        const cJSON *list = NULL;
        *ts = NAN;
        if (cJSON_IsObject(root))
            st = json_read_object(r, root, where, f, ts, &list, path, sizeof path, err);
        else
            st = json_find_categories(root, path, sizeof path, where, &list, err);
        if (st == RENA_OK && list)
            st = json_read_categories(r, list, path, where, f, err);
        cJSON_Delete(root);
        if (st != RENA_OK || list)
            return st;
        r->info.skipped_no_face++; /* a frame without a face: nothing to imitate */
        f->valid &= ~(unsigned)RENA_FEAT_POSE;
    }
}

/* ---- reader API ---- */

static rena_features_format format_from_extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return RENA_FEATURES_AUTO;
    if (strcasecmp(dot, ".csv") == 0)
        return RENA_FEATURES_CSV;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
        strcasecmp(dot, ".json") == 0)
        return RENA_FEATURES_JSONL;
    return RENA_FEATURES_AUTO;
}

/* Format from the first non-blank line, kept pending for the parser. */
static rena_status sniff_format(rena_features_reader *r, rena_error *err)
{
    int got = 0;
    rena_status st = next_line(r, &got, err);
    if (st != RENA_OK)
        return st;
    if (!got)
        return rena_error_set(err, RENA_ERR_FORMAT, r->name,
                              "empty input: neither a CSV header nor a JSON line");
    r->pending = 1;
    const char *p = r->line;
    while (isspace((unsigned char)*p))
        p++;
    r->info.format = (*p == '[' || *p == '{') ? RENA_FEATURES_JSONL : RENA_FEATURES_CSV;
    return RENA_OK;
}

rena_status rena_features_reader_open_stream(FILE *fp, const char *name,
                                             const rena_features_reader_options *opt,
                                             rena_features_reader **out, rena_error *err)
{
    *out = NULL;
    if (!fp)
        return rena_error_set(err, RENA_ERR_ARG, name ? name : "", "no input stream");
    rena_features_reader *r = calloc(1, sizeof *r);
    if (!r)
        return rena_error_set(err, RENA_ERR_NOMEM, name ? name : "", "no memory for a reader");
    r->fp = fp;
    snprintf(r->name, sizeof r->name, "%s", name && *name ? name : "<stream>");
    r->opt = opt ? *opt : rena_features_reader_options_default();
    r->info.unknown = (const char *const *)r->unknown;
    rena_status st = RENA_OK;
    if (!isfinite(r->opt.fps) || r->opt.fps < 0.0)
        st = rena_error_set(err, RENA_ERR_ARG, "fps", "must be finite and > 0 (got %g)", r->opt.fps);
    if (r->opt.fps == 0.0)
        r->opt.fps = 30.0;
    r->info.format = r->opt.format;
    if (st == RENA_OK && r->info.format == RENA_FEATURES_AUTO)
        st = sniff_format(r, err);
    if (st == RENA_OK && r->info.format == RENA_FEATURES_CSV)
        st = csv_read_header(r, err);
    if (st != RENA_OK) {
        rena_features_reader_close(r);
        return st;
    }
    *out = r;
    return RENA_OK;
}

rena_status rena_features_reader_open(const char *path, const rena_features_reader_options *opt,
                                      rena_features_reader **out, rena_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty input path");
    rena_features_reader_options o = opt ? *opt : rena_features_reader_options_default();
    int is_stdin = strcmp(path, "-") == 0;
    if (o.format == RENA_FEATURES_AUTO && !is_stdin)
        o.format = format_from_extension(path);
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return rena_error_set(err, errno == ENOENT ? RENA_ERR_NOT_FOUND : RENA_ERR_IO, path,
                              "cannot open: %s", strerror(errno));
    rena_status st = rena_features_reader_open_stream(fp, is_stdin ? "<stdin>" : path, &o, out, err);
    if (st != RENA_OK) {
        if (!is_stdin)
            fclose(fp);
        return st;
    }
    (*out)->owns_fp = !is_stdin;
    return RENA_OK;
}

rena_status rena_features_reader_next(rena_features_reader *r, rena_features *frame,
                                      double *timestamp, rena_error *err)
{
    if (!r || !frame)
        return rena_error_set(err, RENA_ERR_ARG, "features reader", "missing reader or frame");
    rena_features f;
    memset(&f, 0, sizeof f);
    f.valid = RENA_FEAT_BLENDSHAPES;
    double ts = NAN;
    int got = 0;
    rena_status st = r->info.format == RENA_FEATURES_CSV ? csv_next(r, &f, &ts, &got, err)
                                                         : json_next(r, &f, &ts, &got, err);
    if (st != RENA_OK)
        return st;
    if (!got)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, r->name, "end of input after %ld frames",
                              r->info.frames);
    if (!r->info.has_timestamps)
        ts = (double)r->info.frames / r->opt.fps;
    r->info.frames++;
    *frame = f;
    if (timestamp)
        *timestamp = ts;
    return RENA_OK;
}

const rena_features_reader_info *rena_features_reader_get_info(const rena_features_reader *r)
{
    return r ? &r->info : NULL;
}

void rena_features_reader_close(rena_features_reader *r)
{
    if (!r)
        return;
    if (r->owns_fp && r->fp)
        fclose(r->fp);
    for (int i = 0; i < r->info.n_unknown && i < MAX_UNKNOWN; i++)
        free(r->unknown[i]);
    for (int c = 0; c < r->ncols && r->colnames; c++)
        free(r->colnames[c]);
    free(r->colnames);
    free(r->cols);
    free(r->fields);
    free(r->line);
    free(r);
}

/* ---- writers ---- */

struct rena_features_writer {
    rena_atomic_file file; /* unused for standard output */
    FILE *fp;
    int to_stdout;
    rena_features_writer_options opt;
    long frames;
    double prev_ts;
};

static rena_status write_csv_header(rena_features_writer *w)
{
    int bad = w->opt.with_timestamps && fputs("timestamp,", w->fp) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(w->fp, "%s%s", k ? "," : "", rena_blendshape_names[k]) < 0;
    if (w->opt.with_pose)
        bad |= fputs(",yaw,pitch,roll", w->fp) < 0;
    bad |= fputc('\n', w->fp) < 0;
    return bad ? RENA_ERR_IO : RENA_OK;
}

rena_status rena_features_writer_open(const char *path, const rena_features_writer_options *opt,
                                      rena_features_writer **out, rena_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty output path");
    rena_features_writer *w = calloc(1, sizeof *w);
    if (!w)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "no memory for a writer");
    if (opt)
        w->opt = *opt;
    w->to_stdout = strcmp(path, "-") == 0;
    if (w->opt.format == RENA_FEATURES_AUTO)
        w->opt.format = w->to_stdout || format_from_extension(path) != RENA_FEATURES_JSONL
                            ? RENA_FEATURES_CSV
                            : RENA_FEATURES_JSONL;
    if (w->to_stdout) {
        w->fp = stdout;
    } else {
        rena_status st = rena_atomic_open(&w->file, path, err);
        if (st != RENA_OK) {
            free(w);
            return st;
        }
        w->fp = w->file.fp;
    }
    if (w->opt.format == RENA_FEATURES_CSV && write_csv_header(w) != RENA_OK) {
        rena_features_writer_abort(w);
        return rena_error_set(err, RENA_ERR_IO, path, "write failed: %s", strerror(errno));
    }
    *out = w;
    return RENA_OK;
}

static rena_status check_frame(const rena_features_writer *w, const rena_features *f, double ts,
                               rena_error *err)
{
    char where[64];
    snprintf(where, sizeof where, "frame %ld", w->frames);
    if (!(f->valid & RENA_FEAT_BLENDSHAPES))
        return rena_error_set(err, RENA_ERR_ARG, where, "frame has no blendshapes");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (!(f->blendshapes[k] >= 0.0f && f->blendshapes[k] <= 1.0f))
            return rena_error_set(err, RENA_ERR_RANGE, where, "%s: score %g is outside [0, 1]",
                                  rena_blendshape_names[k], (double)f->blendshapes[k]);
    if (w->opt.with_pose) {
        if (!(f->valid & RENA_FEAT_POSE))
            return rena_error_set(err, RENA_ERR_ARG, where, "frame has no head pose");
        for (int a = 0; a < 3; a++)
            if (!isfinite(f->head_pose[a]) || fabs(f->head_pose[a]) > ANGLE_LIMIT)
                return rena_error_set(err, RENA_ERR_RANGE, where,
                                      "head pose angle %d (%g) is not a finite angle in radians",
                                      a, (double)f->head_pose[a]);
    }
    if (w->opt.with_timestamps && (!isfinite(ts) || (w->frames > 0 && !(ts > w->prev_ts))))
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "timestamp %g is not finite or not after the previous one", ts);
    return RENA_OK;
}

static int write_csv_row(FILE *fp, const rena_features_writer_options *o, const rena_features *f,
                         double ts)
{
    int bad = o->with_timestamps && fprintf(fp, "%.17g,", ts) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(fp, "%s%.9g", k ? "," : "", (double)f->blendshapes[k]) < 0;
    for (int a = 0; o->with_pose && a < 3; a++)
        bad |= fprintf(fp, ",%.9g", (double)f->head_pose[a]) < 0;
    return bad | (fputc('\n', fp) < 0);
}

static int write_json_line(FILE *fp, const rena_features_writer_options *o,
                           const rena_features *f, double ts)
{
    int bad = fputc('{', fp) < 0;
    if (o->with_timestamps)
        bad |= fprintf(fp, "\"timestamp_ms\": %.17g, ", ts * 1000.0) < 0;
    bad |= fputs("\"blendshapes\": [", fp) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(fp, "%s{\"category_name\": \"%s\", \"score\": %.9g}", k ? ", " : "",
                       rena_blendshape_names[k], (double)f->blendshapes[k]) < 0;
    bad |= fputc(']', fp) < 0;
    if (o->with_pose)
        bad |= fprintf(fp, ", \"head_pose\": {\"yaw\": %.9g, \"pitch\": %.9g, \"roll\": %.9g}",
                       (double)f->head_pose[0], (double)f->head_pose[1],
                       (double)f->head_pose[2]) < 0;
    return bad | (fputs("}\n", fp) < 0);
}

rena_status rena_features_writer_write(rena_features_writer *w, const rena_features *frame,
                                       double timestamp, rena_error *err)
{
    if (!w || !frame)
        return rena_error_set(err, RENA_ERR_ARG, "features writer", "missing writer or frame");
    rena_status st = check_frame(w, frame, timestamp, err);
    if (st != RENA_OK)
        return st;
    int bad = w->opt.format == RENA_FEATURES_CSV ? write_csv_row(w->fp, &w->opt, frame, timestamp)
                                                 : write_json_line(w->fp, &w->opt, frame, timestamp);
    if (w->to_stdout)
        bad |= fflush(w->fp) != 0;
    if (bad)
        return rena_error_set(err, RENA_ERR_IO, w->to_stdout ? "<stdout>" : w->file.path,
                              "write failed: %s", strerror(errno));
    w->frames++;
    w->prev_ts = timestamp;
    return RENA_OK;
}

rena_status rena_features_writer_close(rena_features_writer *w, rena_error *err)
{
    if (!w)
        return rena_error_set(err, RENA_ERR_ARG, "features writer", "missing writer");
    rena_status st = RENA_OK;
    if (w->to_stdout) {
        if (fflush(w->fp) != 0 || ferror(w->fp))
            st = rena_error_set(err, RENA_ERR_IO, "<stdout>", "write failed: %s", strerror(errno));
    } else {
        st = rena_atomic_commit(&w->file, err);
    }
    free(w);
    return st;
}

void rena_features_writer_abort(rena_features_writer *w)
{
    if (!w)
        return;
    if (!w->to_stdout)
        rena_atomic_abort(&w->file);
    free(w);
}
