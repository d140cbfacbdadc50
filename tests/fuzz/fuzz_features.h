/* fuzz_features.h: the read loop both performer-input harnesses share
 * (fuzz_features_csv.c, fuzz_features_jsonl.c). The bytes are read as a
 * stream through fmemopen, as a pipe from a MediaPipe process would be. */
#ifndef RENA_FUZZ_FEATURES_H
#define RENA_FUZZ_FEATURES_H

#include <math.h>

#include "features_io.h"
#include "fuzz_util.h"

/* Frames read from one input at most; enough to reach every state the
 * reader keeps (previous timestamp, unknown names, counters). */
#define FUZZ_FEATURES_MAX_FRAMES 10000

/* Every frame handed back is usable as is: blendshape scores finite and in
 * [0,1], pose in radians within +-pi, timestamps finite and increasing. */
static void fuzz_features_check_frame(const rena_features *f, double ts, double prev_ts,
                                      long index)
{
    FUZZ_REQUIRE(f->valid & RENA_FEAT_BLENDSHAPES, "frame %ld without blendshapes", index);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        FUZZ_REQUIRE(isfinite(f->blendshapes[k]) && f->blendshapes[k] >= 0.0f &&
                         f->blendshapes[k] <= 1.0f,
                     "frame %ld blendshape %d = %g", index, k, (double)f->blendshapes[k]);
    if (f->valid & RENA_FEAT_POSE)
        for (int k = 0; k < 3; k++)
            FUZZ_REQUIRE(isfinite(f->head_pose[k]) && fabsf(f->head_pose[k]) <= 3.1416f,
                         "frame %ld pose %d = %g", index, k, (double)f->head_pose[k]);
    FUZZ_REQUIRE(isfinite(ts), "frame %ld timestamp %g", index, ts);
    FUZZ_REQUIRE(index == 0 || ts > prev_ts, "frame %ld timestamp %g after %g", index, ts, prev_ts);
}

static void fuzz_features_check_info(const rena_features_reader_info *info, long frames,
                                     rena_features_format format)
{
    FUZZ_REQUIRE(info != NULL, "no reader info");
    FUZZ_REQUIRE(info->format == format, "format %d, asked for %d", (int)info->format, (int)format);
    FUZZ_REQUIRE(info->frames == frames, "info says %ld frames, %ld were returned", info->frames,
                 frames);
    FUZZ_REQUIRE(info->n_unknown >= 0 && info->clamped >= 0 && info->skipped_no_face >= 0,
                 "negative counters");
    int listed = info->n_unknown < 64 ? info->n_unknown : 64;
    for (int i = 0; i < listed; i++)
        FUZZ_REQUIRE(info->unknown[i] != NULL && strlen(info->unknown[i]) < 1u << 20,
                     "unknown name %d", i);
}

/* Reads every frame of the input; returns the status that ended it
 * (RENA_ERR_NOT_FOUND at a clean end). */
static rena_status fuzz_features_read(const uint8_t *data, size_t size,
                                      rena_features_format format, int strict)
{
    /* fmemopen refuses an empty buffer, and an exact-size copy lets ASan
     * see a read past the end. */
    uint8_t *copy = fuzz_exact_copy(data, size);
    FILE *fp = size ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
    FUZZ_REQUIRE(fp != NULL, "cannot open the input as a stream");
    rena_features_reader_options opt = rena_features_reader_options_default();
    opt.format = format;
    opt.strict = strict;
    rena_features_reader *r = NULL;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_features_reader_open_stream(fp, "fuzz", &opt, &r, &err);
    fuzz_require_status(st, &err);
    FUZZ_REQUIRE((st == RENA_OK) == (r != NULL), "status %d with reader %p", (int)st, (void *)r);
    long frames = 0;
    double prev_ts = 0.0;
    while (st == RENA_OK && frames < FUZZ_FEATURES_MAX_FRAMES) {
        rena_features f;
        double ts = NAN;
        rena_error_clear(&err);
        st = rena_features_reader_next(r, &f, &ts, &err);
        fuzz_require_status(st, &err);
        if (st != RENA_OK)
            break;
        fuzz_features_check_frame(&f, ts, prev_ts, frames);
        prev_ts = ts;
        frames++;
    }
    if (r)
        fuzz_features_check_info(rena_features_reader_get_info(r), frames, format);
    rena_features_reader_close(r);
    fclose(fp);
    free(copy);
    return st;
}

#endif
