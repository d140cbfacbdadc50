/* features_io.h: performer input, one rena_features frame at a time, from
 * the files a MediaPipe Face Landmarker process writes, and writers for the
 * same formats (so everything round-trips). Reading is streaming: "-" reads
 * standard input frame by frame as another process produces it.
 *
 * CSV (docs/inputs.md has examples):
 *   - a header row naming the 52 MediaPipe blendshapes in any order (every
 *     one required; the error lists the missing names);
 *   - optional `timestamp` (seconds) or `timestamp_ms` (milliseconds);
 *   - optional head pose `yaw`, `pitch`, `roll` in radians (all three or
 *     none; |angle| <= pi, larger values are refused as probable degrees);
 *   - any other column is ignored and reported through
 *     rena_features_reader_get_info (never printed);
 *   - one frame per row; every malformed row fails naming line and column.
 * JSON Lines, as MediaPipe's blendshape output is usually dumped: one JSON
 * value per line, either
 *   - a list of {"category_name" | "categoryName", "score"} objects, or
 *   - an object with that list under "blendshapes", "face_blendshapes" or
 *     "faceBlendshapes", optional "timestamp_ms" | "timestampMs"
 *     (milliseconds) or "timestamp" (seconds), and optional "head_pose":
 *     {"yaw", "pitch", "roll"} in radians.
 *   The list may also be MediaPipe's per-face nesting (a list of faces, each
 *   a list or a {"categories": [...]} object): the first face is used, and a
 *   line with no face (empty list) is skipped and counted. Errors name the
 *   line and the field ("line 12: blendshapes[3].score").
 * Blendshape scores that are NaN or outside [0, 1]: by default clamped (NaN
 * to 0, the neutral value) and counted in info.clamped; with
 * options.strict they are refused (RENA_ERR_RANGE). Timestamps must be
 * finite and strictly increasing; a stream without them gets
 * timestamp = frame index / options.fps. */
#ifndef RENA_FEATURES_IO_H
#define RENA_FEATURES_IO_H

#include <stdio.h>

#include "blendshape.h"
#include "status.h"

typedef enum {
    RENA_FEATURES_AUTO = 0, /* reader: by extension (.csv / .jsonl .ndjson .json), else by the
                               first character ('[' or '{' = JSON Lines); writer: by extension,
                               CSV otherwise */
    RENA_FEATURES_CSV = 1,
    RENA_FEATURES_JSONL = 2
} rena_features_format;

typedef struct {
    rena_features_format format;
    int strict;  /* 1: NaN or out-of-range scores are errors; 0: clamp and count */
    double fps;  /* frame rate assumed when the stream has no timestamps; 0 = 30 */
} rena_features_reader_options;

/* Defaults: AUTO, clamp, 30 fps. */
rena_features_reader_options rena_features_reader_options_default(void);

/* What the reader has learnt so far; valid until the next call on it. */
typedef struct {
    rena_features_format format; /* the format in use (never AUTO) */
    int has_timestamps;          /* the stream carries its own timestamps */
    int has_pose;                /* CSV: yaw/pitch/roll columns present */
    int n_unknown;               /* distinct ignored CSV columns / JSON category names */
    const char *const *unknown;  /* their names (the first 64 kept) */
    long frames;                 /* frames returned so far */
    long clamped;                /* scores clamped into [0, 1] so far */
    long skipped_no_face;        /* JSON lines with no face, skipped */
} rena_features_reader_info;

typedef struct rena_features_reader rena_features_reader;

/* Opens a file, or standard input for "-". For CSV, or when the format has
 * to be sniffed, the first line is read (and a CSV header checked) here, so
 * on a pipe this waits for the producer's first line. opt may be NULL. */
rena_status rena_features_reader_open(const char *path, const rena_features_reader_options *opt,
                                      rena_features_reader **out, rena_error *err);
/* Same on an open stream; `name` is used in messages. The stream is not
 * closed by rena_features_reader_close. */
rena_status rena_features_reader_open_stream(FILE *fp, const char *name,
                                             const rena_features_reader_options *opt,
                                             rena_features_reader **out, rena_error *err);
/* Reads the next frame. frame->valid gets RENA_FEAT_BLENDSHAPES, plus
 * RENA_FEAT_POSE when the frame has a head pose; landmarks are zeroed.
 * timestamp (may be NULL) receives seconds. Returns RENA_OK, or
 * RENA_ERR_NOT_FOUND at the end of the input (err says how many frames were
 * read), RENA_ERR_INTERRUPTED when a signal handler interrupted the wait for
 * input (EINTR: Ctrl-C on a live stream; err names the input and the frames
 * read so far), or an error naming line and column/field. */
rena_status rena_features_reader_next(rena_features_reader *r, rena_features *frame,
                                      double *timestamp, rena_error *err);
const rena_features_reader_info *rena_features_reader_get_info(const rena_features_reader *r);
/* Closes the file (not a stream passed in, not stdin). NULL-safe. */
void rena_features_reader_close(rena_features_reader *r);

typedef struct {
    rena_features_format format; /* AUTO: by extension, CSV otherwise */
    int with_timestamps;         /* write timestamp (CSV, seconds) / timestamp_ms (JSON) */
    int with_pose;               /* write yaw, pitch, roll (radians) */
} rena_features_writer_options;

typedef struct rena_features_writer rena_features_writer;

/* Creates path atomically (nothing appears until close succeeds), or
 * writes to standard output for "-" (flushed after every frame). */
rena_status rena_features_writer_open(const char *path, const rena_features_writer_options *opt,
                                      rena_features_writer **out, rena_error *err);
/* Writes one frame. Refuses (RENA_ERR_RANGE, naming frame and blendshape)
 * a score that is NaN or outside [0, 1], a non-finite or non-increasing
 * timestamp, and (RENA_ERR_ARG) a frame without blendshapes or, when the
 * writer has pose columns, without a pose. */
rena_status rena_features_writer_write(rena_features_writer *w, const rena_features *frame,
                                       double timestamp, rena_error *err);
/* Finishes the file and moves it into place; frees w in every case. */
rena_status rena_features_writer_close(rena_features_writer *w, rena_error *err);
/* Drops the unfinished file; frees w. NULL-safe. */
void rena_features_writer_abort(rena_features_writer *w);

#endif
