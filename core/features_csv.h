/* features_csv.h: the CSV form of performer input (internal to
 * features_io; the public API is core/features_io.h, the format is described
 * there and in docs/inputs.md): a header naming the 52 blendshapes in any
 * order plus optional timestamp / timestamp_ms and yaw, pitch, roll columns,
 * then one frame per row. */
#ifndef RENA_FEATURES_CSV_H
#define RENA_FEATURES_CSV_H

#include <stdio.h>

#include "features_io.h"

/* The columns the header declared. */
typedef struct {
    int ncols;
    int *cols;       /* ncols column kinds: blendshape index >= 0, or a special kind < 0 */
    char **colnames; /* ncols header names, for messages */
    char **fields;   /* ncols field pointers into the line being parsed */
} rena_features_csv_columns;

/* Reads and checks the header row into r->csv (every blendshape present
 * once; pose all-or-nothing; one timestamp column at most) and sets
 * info.has_pose / info.has_timestamps; unknown columns go to info.unknown. */
rena_status rena_features_csv_read_header(rena_features_reader *r, rena_error *err);

/* Parses the next row into f (blendshapes, pose when the header has one) and
 * *ts (NAN without a timestamp column); *got is 0 at the end of the input. */
rena_status rena_features_csv_next(rena_features_reader *r, rena_features *f, double *ts,
                                   int *got, rena_error *err);

/* Frees what rena_features_csv_read_header allocated. */
void rena_features_csv_columns_free(rena_features_csv_columns *c);

/* Writer side; each returns non-zero when a write to fp failed. */
int rena_features_csv_write_header(FILE *fp, const rena_features_writer_options *o);
int rena_features_csv_write_row(FILE *fp, const rena_features_writer_options *o,
                                const rena_features *f, double ts);

#endif
