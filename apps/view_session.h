/* view_session.h: what `rena view` shows, frame by frame, apart from drawing
 * it: the robot face, where its commands come from (expert samples, the
 * neutral face, or with a model the mimic loop on a performer or a features
 * file) and the per-frame figures. apps/cmd_view.c draws it and handles the
 * keys; docs/viewer.md describes both. */
#ifndef RENA_VIEW_SESSION_H
#define RENA_VIEW_SESSION_H

#include <stdint.h>

#include "mimic.h"
#include "sim_access.h"
#include "viewer.h"

#define RENA_VIEW_EXPERT_HOLD 45   /* frames each expert sample is commanded (1.5 s) */
#define RENA_VIEW_SERIES_MAX 1000  /* error values kept for the plot */

typedef enum {
    RENA_VIEW_SRC_EXPERT = 0, /* no model: expert samples, one after another */
    RENA_VIEW_SRC_NEUTRAL,    /* no model, --neutral */
    RENA_VIEW_SRC_PERFORMER,  /* mimic loop on performer:NAME/SEQ */
    RENA_VIEW_SRC_FILE        /* mimic loop on a CSV / JSON Lines file or "-" */
} rena_view_kind;

typedef struct {
    const char *model, *input, *scene; /* NULL: none / none / the shipped face */
    int camera_target;                 /* performer seen through its camera (EGL render) */
    int neutral;                       /* without a model: hold the neutral face */
    rena_mimic_filter filter;          /* at the start */
    uint64_t seed;                     /* expert samples */
} rena_view_config;

/* A simulated face and what is needed to draw it. */
typedef struct {
    rena_actuator face;
    const rena_sim_model *sm;
    mjData *d;
} rena_view_face;

typedef struct {
    rena_view_config cfg;
    rena_view_kind kind;
    rena_viewer *viewer;          /* borrowed: performer faces are attached to it */
    rena_view_face robot, performer[RENA_NUM_PERFORMERS]; /* performers opened when shown */
    rena_model *model;
    rena_mimic_policy policy;
    rena_mimic *mm[2];            /* [0] no filter, [1] 1-euro; both see every frame */
    int filter_on;                /* which one drives the face */
    int seq;                      /* performer: performer * sequences + sequence; expert: sample */
    long frame, frames;           /* frames shown of the sequence; its length (-1 unknown) */
    int ended;                    /* standard input closed */
    rena_features_reader *reader;
    rena_mimic_source source;
    rena_mimic_frame target;      /* the current target frame */
    int has_target;
    float cmd[RENA_NUM_SERVOS];   /* last command sent */
    float pos[RENA_NUM_SERVOS];   /* servo positions read back (expert, neutral) */
    float robot_bs[RENA_NUM_BLENDSHAPES]; /* what perception reads on the robot (mimic) */
    double ld, bs_rmse, servo_rmse;       /* this frame's figures, NaN when unknown */
    float series[RENA_VIEW_SERIES_MAX];   /* LD per frame (blendshape RMSE for files) */
    int n_series;
} rena_view_session;

/* RENA_ERR_ARG when `input` is a photo (by extension or magic bytes): the
 * viewer takes blendshape streams, and a photo would otherwise be read as a
 * CSV and fail with a header error that does not say what is wrong. */
rena_status rena_view_input_check(const char *input, rena_error *err);

/* Loads the model (if any), opens the robot face (attached to viewer) and
 * the source, at the first frame of its first sequence. s is zeroed first;
 * on error it is left for rena_view_session_close. */
rena_status rena_view_session_open(rena_view_session *s, const rena_view_config *cfg,
                                   rena_viewer *viewer, rena_error *err);
void rena_view_session_close(rena_view_session *s);

/* One frame forward: command the robot (and drive the target). *moved is 0
 * when standard input has ended and there is nothing new. A performer or a
 * file starts over after its last frame. */
rena_status rena_view_session_advance(rena_view_session *s, int *moved, rena_error *err);

/* Back to the first frame of the current sequence (the robot reset). */
rena_status rena_view_session_restart(rena_view_session *s, rena_error *err);

/* Next (+1) or previous (-1) sequence: expert sample, or performer sequence
 * over every performer; files have one sequence. */
rena_status rena_view_session_change(rena_view_session *s, int delta, rena_error *err);

#endif
