/* features_io.c: performer input and output (features_io.h): picks the
 * format (features_csv.c, features_jsonl.c), holds the reader and writer
 * state, and the checks shared by both formats -- scores clamped or refused,
 * angles in radians, increasing timestamps -- so CSV and JSON Lines treat
 * every value alike. */
#include "features_io.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomicfile.h"
#include "features_csv.h"
#include "features_io_internal.h"
#include "features_jsonl.h"

#define ANGLE_LIMIT (M_PI + 1e-6) /* radians; beyond this the input is probably in degrees */

rena_features_reader_options rena_features_reader_options_default(void)
{
    rena_features_reader_options o = {RENA_FEATURES_AUTO, 0, 30.0};
    return o;
}

/* ---- shared by both formats (features_io_internal.h) ---- */

const char *rena_features_io_at_line(const rena_features_reader *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%ld", r->name, r->lineno);
    return buf;
}

void rena_features_io_note_unknown(rena_features_reader *r, const char *name)
{
    for (int i = 0; i < r->info.n_unknown && i < RENA_FEATURES_MAX_UNKNOWN; i++)
        if (strcmp(r->unknown[i], name) == 0)
            return;
    if (r->info.n_unknown < RENA_FEATURES_MAX_UNKNOWN) {
        char *copy = strdup(name);
        if (!copy)
            return; /* the warning list is best effort; parsing goes on */
        r->unknown[r->info.n_unknown] = copy;
    }
    r->info.n_unknown++;
}

void rena_features_io_list_missing(const int *seen, char *buf, size_t size)
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

rena_status rena_features_io_take_score(rena_features_reader *r, double v, const char *where,
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

rena_status rena_features_io_take_angle(double v, const char *where, const char *field,
                                        float *out, rena_error *err)
{
    if (!isfinite(v))
        return rena_error_set(err, RENA_ERR_RANGE, where, "%s: angle is not finite", field);
    if (fabs(v) > ANGLE_LIMIT)
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "%s: %g is beyond +-pi; angles are radians, not degrees", field, v);
    *out = (float)v;
    return RENA_OK;
}

rena_status rena_features_io_take_timestamp(rena_features_reader *r, double ts, const char *where,
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

rena_status rena_features_io_next_line(rena_features_reader *r, int *got, rena_error *err)
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
            if (ferror(r->fp) && errno == EINTR) {
                /* A signal (Ctrl-C) while waiting for a live producer: a stop,
                 * not a broken input. The flag is cleared so the caller may
                 * read on if it chooses to ignore the signal. */
                clearerr(r->fp);
                return rena_error_set(err, RENA_ERR_INTERRUPTED, r->name,
                                      "stopped after %ld frames (interrupted while waiting "
                                      "for input)",
                                      r->info.frames);
            }
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
    rena_status st = rena_features_io_next_line(r, &got, err);
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
        st = rena_features_csv_read_header(r, err);
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
    rena_status st = r->info.format == RENA_FEATURES_CSV
                         ? rena_features_csv_next(r, &f, &ts, &got, err)
                         : rena_features_jsonl_next(r, &f, &ts, &got, err);
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
    for (int i = 0; i < r->info.n_unknown && i < RENA_FEATURES_MAX_UNKNOWN; i++)
        free(r->unknown[i]);
    rena_features_csv_columns_free(&r->csv);
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
    if (w->opt.format == RENA_FEATURES_CSV && rena_features_csv_write_header(w->fp, &w->opt)) {
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

rena_status rena_features_writer_write(rena_features_writer *w, const rena_features *frame,
                                       double timestamp, rena_error *err)
{
    if (!w || !frame)
        return rena_error_set(err, RENA_ERR_ARG, "features writer", "missing writer or frame");
    rena_status st = check_frame(w, frame, timestamp, err);
    if (st != RENA_OK)
        return st;
    int bad = w->opt.format == RENA_FEATURES_CSV
                  ? rena_features_csv_write_row(w->fp, &w->opt, frame, timestamp)
                  : rena_features_jsonl_write_line(w->fp, &w->opt, frame, timestamp);
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
