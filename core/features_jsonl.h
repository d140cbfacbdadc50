/* features_jsonl.h: the JSON Lines form of performer input (internal to
 * features_io; the public API is core/features_io.h, the format is described
 * there and in docs/inputs.md): one JSON value per line, a list of
 * {category_name, score} objects or an object holding such a list with an
 * optional timestamp and head pose, in MediaPipe's nestings. */
#ifndef RENA_FEATURES_JSONL_H
#define RENA_FEATURES_JSONL_H

#include <stdio.h>

#include "features_io.h"

/* Parses the next line that has a face into f and *ts (NAN without a
 * timestamp); lines without a face are skipped and counted in
 * info.skipped_no_face. *got is 0 at the end of the input. */
rena_status rena_features_jsonl_next(rena_features_reader *r, rena_features *f, double *ts,
                                     int *got, rena_error *err);

/* Writes one frame as a JSON line; non-zero when a write to fp failed. */
int rena_features_jsonl_write_line(FILE *fp, const rena_features_writer_options *o,
                                   const rena_features *f, double ts);

#endif
