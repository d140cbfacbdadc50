/* features_io_internal.h: what the format modules (features_csv.c,
 * features_jsonl.c) share with the dispatch in features_io.c -- the reader's
 * state, line reading, and the checks every value read goes through (scores
 * clamped or refused, angles in radians, increasing timestamps). Not part of
 * the public API, which is core/features_io.h. */
#ifndef RENA_FEATURES_IO_INTERNAL_H
#define RENA_FEATURES_IO_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "features_csv.h"
#include "features_io.h"

/* Distinct unknown column / category names kept for info.unknown. */
#define RENA_FEATURES_MAX_UNKNOWN 64

struct rena_features_reader {
    FILE *fp;
    int owns_fp;
    char name[512];
    rena_features_reader_options opt;
    rena_features_reader_info info;
    char *unknown[RENA_FEATURES_MAX_UNKNOWN];
    char *line;
    size_t line_cap;
    long lineno;
    int pending;                   /* line holds a line not yet consumed */
    rena_features_csv_columns csv; /* CSV only: the header's columns */
    int have_prev_ts;
    double prev_ts;
};

/* "name:lineno" of the line last read, into buf. */
const char *rena_features_io_at_line(const rena_features_reader *r, char *buf, size_t size);

/* Next non-blank line into r->line, line ending and UTF-8 BOM removed; *got
 * is 0 at the end of the input. A line left pending is handed back first. */
rena_status rena_features_io_next_line(rena_features_reader *r, int *got, rena_error *err);

/* Records an ignored column or category name for info.unknown (once each). */
void rena_features_io_note_unknown(rena_features_reader *r, const char *name);

/* "missing blendshapes: a, b (and 3 more)" for the names not seen. */
void rena_features_io_list_missing(const int *seen, char *buf, size_t size);

/* A blendshape score into [0, 1]: clamped (NaN to 0) and counted in
 * info.clamped, or refused with options.strict. where/field name it. */
rena_status rena_features_io_take_score(rena_features_reader *r, double v, const char *where,
                                        const char *field, float *out, rena_error *err);

/* A head pose angle: finite and within +-pi (larger is probably degrees). */
rena_status rena_features_io_take_angle(double v, const char *where, const char *field,
                                        float *out, rena_error *err);

/* A timestamp in seconds: finite and after the previous one. */
rena_status rena_features_io_take_timestamp(rena_features_reader *r, double ts, const char *where,
                                            const char *field, double *out, rena_error *err);

#endif
