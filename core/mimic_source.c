/* mimic_source.c: where target frames come from (mimic.h): a features
 * reader, a scripted performer on its own face, or frames in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimic.h"

static rena_status alloc_ctx(size_t size, void **ctx, rena_mimic_source *out, rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "mimic source", "no source to fill");
    memset(out, 0, sizeof *out);
    if (!(*ctx = calloc(1, size)))
        return rena_error_set(err, RENA_ERR_NOMEM, "mimic source", "out of memory");
    return RENA_OK;
}

void rena_mimic_source_close(rena_mimic_source *s)
{
    if (!s)
        return;
    if (s->close)
        s->close(s->ctx);
    s->ctx = NULL;
    s->close = NULL;
}

/* ---- features reader -------------------------------------------------------- */

typedef struct {
    rena_features_reader *reader;
    int own;
} reader_source;

static rena_status reader_next(void *ctx, rena_mimic_frame *frame, rena_error *err)
{
    reader_source *rs = ctx;
    memset(frame, 0, sizeof *frame);
    return rena_features_reader_next(rs->reader, &frame->features, &frame->timestamp, err);
}

static void reader_close(void *ctx)
{
    reader_source *rs = ctx;
    if (rs && rs->own)
        rena_features_reader_close(rs->reader);
    free(rs);
}

rena_status rena_mimic_source_reader(rena_features_reader *reader, int own, const char *name,
                                     rena_mimic_source *out, rena_error *err)
{
    if (!reader)
        return rena_error_set(err, RENA_ERR_ARG, "mimic source", "no reader given");
    reader_source *rs;
    rena_status st = alloc_ctx(sizeof *rs, (void **)&rs, out, err);
    if (st != RENA_OK)
        return st;
    rs->reader = reader;
    rs->own = own;
    out->name = name ? name : "features";
    out->ctx = rs;
    out->next = reader_next;
    out->close = reader_close;
    return RENA_OK;
}

/* ---- scripted performer ------------------------------------------------------ */

typedef struct {
    const rena_performer *p;
    int seq;
    rena_actuator *face;
    unsigned want;
    long frame, frames;
    rena_observation obs;
    char name[128];
} performer_source;

static rena_status performer_next(void *ctx, rena_mimic_frame *frame, rena_error *err)
{
    performer_source *ps = ctx;
    if (ps->frame >= ps->frames)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, ps->name, "end after %ld frames",
                              ps->frames);
    memset(frame, 0, sizeof *frame);
    rena_status st = RENA_OK;
    if (ps->frame == 0)
        st = rena_actuator_reset(ps->face, err);
    if (st == RENA_OK)
        st = rena_performer_command(ps->p, ps->seq, ps->frame, frame->command, err);
    if (st == RENA_OK)
        st = rena_actuator_write(ps->face, frame->command, frame->command, err);
    if (st == RENA_OK)
        st = rena_actuator_observe(ps->face, ps->want | RENA_OBS_FEATURES, &ps->obs, err);
    if (st != RENA_OK)
        return st;
    frame->features = ps->obs.features;
    frame->timestamp = (double)ps->frame / RENA_PERFORMER_FPS;
    frame->has_command = 1;
    frame->has_image = ps->obs.has_image;
    frame->image = ps->obs.image;
    ps->frame++;
    return RENA_OK;
}

rena_status rena_mimic_source_performer(const rena_performer *p, int seq, rena_actuator *face,
                                        unsigned want, rena_mimic_source *out, rena_error *err)
{
    if (!p || !face)
        return rena_error_set(err, RENA_ERR_ARG, "mimic source", "no performer or face given");
    long frames = rena_performer_frames(p, seq);
    if (frames <= 0)
        return rena_error_set(err, RENA_ERR_ARG, p->name, "unknown sequence %d", seq);
    performer_source *ps;
    rena_status st = alloc_ctx(sizeof *ps, (void **)&ps, out, err);
    if (st != RENA_OK)
        return st;
    ps->p = p;
    ps->seq = seq;
    ps->face = face;
    ps->want = want & (RENA_OBS_FEATURES | RENA_OBS_IMAGE);
    ps->frames = frames;
    snprintf(ps->name, sizeof ps->name, "performer:%s/%s", p->name,
             rena_performer_sequence_name(seq));
    out->name = ps->name;
    out->ctx = ps;
    out->next = performer_next;
    out->close = free;
    return RENA_OK;
}

/* ---- frames in memory -------------------------------------------------------- */

typedef struct {
    const rena_mimic_frame *frames;
    long n, next;
} frames_source;

static rena_status frames_next(void *ctx, rena_mimic_frame *frame, rena_error *err)
{
    frames_source *fs = ctx;
    if (fs->next >= fs->n)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, "frames", "end after %ld frames", fs->n);
    *frame = fs->frames[fs->next++];
    return RENA_OK;
}

rena_status rena_mimic_source_frames(const rena_mimic_frame *frames, long n, const char *name,
                                     rena_mimic_source *out, rena_error *err)
{
    if (n < 0 || (n > 0 && !frames))
        return rena_error_set(err, RENA_ERR_ARG, "mimic source", "bad frames (n = %ld)", n);
    frames_source *fs;
    rena_status st = alloc_ctx(sizeof *fs, (void **)&fs, out, err);
    if (st != RENA_OK)
        return st;
    fs->frames = frames;
    fs->n = n;
    out->name = name ? name : "frames";
    out->ctx = fs;
    out->next = frames_next;
    out->close = free;
    return RENA_OK;
}
