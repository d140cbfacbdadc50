/* mimic.h: the imitation loop (paper Fig. 3, right): for every frame of a
 * performer, features -> (filter) -> policy -> (limiter) -> command ->
 * actuator -> (observe the robot).
 *
 *   rena_mimic_policy policy;   rena_mimic_policy_model(model, "kan-attn", &policy, &err);
 *   rena_mimic_source src;      rena_mimic_source_reader(reader, 1, "-", &src, &err);
 *   rena_mimic *mm;             rena_mimic_create(&opt, &policy, &mm, &err);
 *   rena_mimic_run(mm, &src, &face, on_frame, user, progress, &stats, &err);
 *
 * Three parts, each an interface so the loop does not care where frames come
 * from or what turns them into commands:
 *  - a source yields target frames: a MediaPipe CSV / JSON Lines file or
 *    standard input (core/features_io.h), a scripted performer driven on its
 *    own face (core/performer.h; the face is any rena_actuator, in practice a
 *    second simulator on scenes/performer_*.xml), or frames in memory;
 *  - a policy maps one frame's features to 25 commands: a trained model
 *    here, the baselines in core/baselines.h;
 *  - the controller (rena_mimic) holds the optional temporal filter: the 1-euro
 *    filter on the blendshapes and head pose before the policy, and after it
 *    a limiter on each command's per-frame step (the rate, at most max_step)
 *    and on how much that step may grow from one frame to the next (at most
 *    max_step_growth). With the growth bound under the hop threshold T_D of
 *    the paper's eq. 16 an abrupt change of expression starts as a smooth
 *    ramp instead of a jump (docs/mimic.md measures the cost in lag).
 * rena_mimic_step, the per-frame path from features to command, allocates
 * nothing; everything is sized by rena_mimic_create.
 *
 * Input checks, per frame: a blendshape or head-pose value that is NaN or
 * outside its range is clamped (NaN -> 0, the neutral value; blendshapes to
 * [0,1]; angles to [-pi, pi]) and counted, or refused with options.strict. A
 * frame without a head pose is taken as facing the camera (0, 0, 0). A frame
 * lacking what the policy needs (landmarks for landmark-mlp, blendshapes
 * otherwise) is an error naming the frame. A source with no frames at all is
 * an error (RENA_ERR_FORMAT). When the source ends (a file's last line,
 * standard input closed) the face is eased back to neutral at the rate limit
 * and reset, and the run returns RENA_OK. */
#ifndef RENA_MIMIC_H
#define RENA_MIMIC_H

#include "actuator.h"
#include "features_io.h"
#include "model.h"
#include "oneeuro.h"
#include "performer.h"
#include "progress.h"
#include "ssim.h"

#define RENA_MIMIC_FPS 30.0
/* Default bound on the growth of a command's per-frame step: under the hop
 * threshold RENA_SEQ_T_D (0.05) of core/sequence_metrics.h. */
#define RENA_MIMIC_STEP_GROWTH 0.04f
/* Blendshapes and yaw, pitch, roll: the channels the 1-euro filter smooths. */
#define RENA_MIMIC_FILTER_CHANNELS (RENA_NUM_BLENDSHAPES + 3)

/* ---- policies ------------------------------------------------------------- */

typedef struct {
    const char *name; /* for reports: "kan-attn", "rs", "nn"... */
    unsigned needs;   /* RENA_FEAT_* the policy reads */
    void *ctx;
    /* One frame -> 25 commands. `frame` counts from 0 in the current run. */
    rena_status (*predict)(void *ctx, const rena_features *f, long frame,
                           float cmd[RENA_NUM_SERVOS], rena_error *err);
    void (*close)(void *ctx); /* may be NULL */
} rena_mimic_policy;

/* A trained model as a policy (model borrowed, must outlive the policy; the
 * policy owns one workspace). needs = landmarks for landmark-mlp, else
 * blendshapes + pose. name is borrowed too (NULL = the architecture's). */
rena_status rena_mimic_policy_model(const rena_model *m, const char *name,
                                    rena_mimic_policy *out, rena_error *err);
/* Releases what the policy owns; NULL-safe, safe twice. */
void rena_mimic_policy_close(rena_mimic_policy *p);

/* ---- sources ------------------------------------------------------------- */

/* One target frame. */
typedef struct {
    rena_features features; /* what the policy sees; landmarks too when valid */
    double timestamp;       /* seconds */
    int has_command;        /* 1 when the command that made the target face is known */
    float command[RENA_NUM_SERVOS];
    int has_image;          /* 1 when image holds the target face */
    rena_image image;       /* owned by the source; valid until its next call */
} rena_mimic_frame;

typedef struct {
    const char *name; /* for messages: the file, "-", "performer:ana/fear" */
    void *ctx;
    /* Next frame: RENA_OK, RENA_ERR_NOT_FOUND when the input has ended, or an
     * error naming where the input is bad. */
    rena_status (*next)(void *ctx, rena_mimic_frame *frame, rena_error *err);
    void (*close)(void *ctx); /* may be NULL */
} rena_mimic_source;

/* Frames from a features reader (CSV, JSON Lines, "-" for stdin). With own
 * = 1 the source closes the reader. name is borrowed. */
rena_status rena_mimic_source_reader(rena_features_reader *reader, int own, const char *name,
                                     rena_mimic_source *out, rena_error *err);

/* A scripted performer on its own face: frame k resets the face (k = 0),
 * sends the performer's command of frame k, lets the face settle as its
 * backend does, and observes features (plus an image when want has
 * RENA_OBS_IMAGE). The face's image is passed on as the frame's image. face
 * and p are borrowed; the source is named "performer:NAME/SEQ". */
rena_status rena_mimic_source_performer(const rena_performer *p, int seq, rena_actuator *face,
                                        unsigned want, rena_mimic_source *out, rena_error *err);

/* Frames held in memory (borrowed, n >= 0), in order. */
rena_status rena_mimic_source_frames(const rena_mimic_frame *frames, long n, const char *name,
                                     rena_mimic_source *out, rena_error *err);

/* Closes the source; NULL-safe, safe twice. */
void rena_mimic_source_close(rena_mimic_source *s);

/* ---- the controller ------------------------------------------------------- */

typedef enum { RENA_MIMIC_FILTER_NONE = 0, RENA_MIMIC_FILTER_ONEEURO = 1 } rena_mimic_filter;

/* "none", "oneeuro"; parse returns 0 on success, -1 for an unknown name. */
const char *rena_mimic_filter_name(rena_mimic_filter f);
int rena_mimic_filter_parse(const char *name, rena_mimic_filter *out);

typedef struct {
    rena_mimic_filter filter;     /* NONE: features and commands pass unchanged */
    rena_oneeuro_params oneeuro;  /* for blendshapes and head pose */
    float max_step;               /* largest per-frame command change, RENA_RATE_LIMIT_STEP */
    float max_step_growth;        /* largest growth of that change per frame,
                                     RENA_MIMIC_STEP_GROWTH; 0 = no growth bound */
    double fps;                   /* frame period when timestamps do not say, 30 */
    int strict;                   /* 1: out-of-range or NaN inputs are errors */
    unsigned observe;             /* RENA_OBS_* to observe the face after each frame; 0 none */
    int pace;                     /* 1: wait for each frame's timestamp (real hardware) */
    int ease_to_neutral;          /* 1: at the end, ramp to neutral and reset the face */
} rena_mimic_options;

/* Defaults: no filter, 1-euro defaults, rate 0.1, growth 0.04, 30 fps,
 * clamp, observe nothing, no pacing, ease to neutral. */
void rena_mimic_options_default(rena_mimic_options *opt);
/* RENA_ERR_ARG naming the bad field. */
rena_status rena_mimic_options_check(const rena_mimic_options *opt, rena_error *err);

typedef struct rena_mimic rena_mimic;

/* Sizes everything the per-frame path needs. The policy is borrowed. */
rena_status rena_mimic_create(const rena_mimic_options *opt, const rena_mimic_policy *policy,
                              rena_mimic **out, rena_error *err);
void rena_mimic_free(rena_mimic *mm);
/* Forgets the history (filter state, previous commands = neutral, frame
 * counter): the next frame is treated as the first of a new performance. */
void rena_mimic_restart(rena_mimic *mm);

/* One frame: features -> filter -> policy -> limiter -> cmd (finite, in
 * [0,1]). timestamp in seconds (non-finite: previous + 1/fps). No
 * allocation. On error no command is produced and the previous commands
 * and frame counter are kept. */
rena_status rena_mimic_step(rena_mimic *mm, const rena_features *f, double timestamp,
                            float cmd[RENA_NUM_SERVOS], rena_error *err);

/* Counters since create (or the last restart for `frames`). */
typedef struct {
    long frames;         /* frames turned into commands */
    long clamped;        /* input values clamped (NaN or out of range) */
    long nonfinite;      /* input values the model replaced (landmark NaNs) */
    long limited;        /* command values held back by the rate/growth limiter */
    double compute_s;    /* total time of rena_mimic_step (features -> command) */
    double compute_max_s;/* the longest one */
    long ease_frames;    /* frames spent easing back to neutral at the end */
} rena_mimic_stats;

void rena_mimic_get_stats(const rena_mimic *mm, rena_mimic_stats *stats);

/* What the loop hands to its callback after each frame. */
typedef struct {
    long index;                     /* 0-based frame */
    const rena_mimic_frame *target; /* the source's frame */
    const float *command;           /* [25] what the face was sent */
    const rena_observation *robot;  /* the face afterwards; NULL if options.observe == 0 */
    double compute_s;               /* this frame's rena_mimic_step time */
} rena_mimic_tick;

/* Returning an error stops the run with that error. */
typedef rena_status (*rena_mimic_callback)(void *user, const rena_mimic_tick *tick,
                                           rena_error *err);

/* Runs the source to its end on the face: restarts the controller, then per
 * frame step, write, observe (options.observe), callback. At the end, and on
 * any error or cancellation, eases the face to neutral (options.
 * ease_to_neutral). A source without frames is RENA_ERR_FORMAT. cb and
 * progress may be NULL; stats (may be NULL) is filled in every case. */
rena_status rena_mimic_run(rena_mimic *mm, rena_mimic_source *src, rena_actuator *face,
                           rena_mimic_callback cb, void *user, const rena_progress *progress,
                           rena_mimic_stats *stats, rena_error *err);

/* Ramps the face from `from` to the neutral command at `max_step` per frame
 * (one write per frame; waits 1/fps between writes when pace), then resets
 * it. frames (may be NULL) receives the writes made. */
rena_status rena_mimic_ease_to_neutral(rena_actuator *face, const float from[RENA_NUM_SERVOS],
                                       float max_step, double fps, int pace, long *frames,
                                       rena_error *err);

/* ---- recording and scoring a run (mimic_record.c) ----------------------------
 * A record keeps, per frame, what the paper's metrics need: the commands
 * sent, the target's and the robot's landmarks, LD between them (eq. 12) and
 * the SSIM of their images (eq. 11). Add it from the run's callback. It
 * grows as frames come (a live stream has no known length); it is not on the
 * per-frame path of the controller. */

typedef struct {
    long frames, capacity;
    float *commands;        /* frames x 25, as sent */
    float *target_lm;       /* frames x 68 x 2 */
    float *robot_lm;        /* frames x 68 x 2 */
    double *ld;             /* frames: LD, NaN when a side had no landmarks */
    double *ssim;           /* frames: SSIM, NaN when a side had no image */
    long with_landmarks;    /* frames where both sides had landmarks */
    long with_images;       /* frames where both sides had images */
    rena_ssim_workspace ws; /* made for the first image's width */
} rena_mimic_record;

/* An empty record. Never fails; memory comes with the frames. */
void rena_mimic_record_init(rena_mimic_record *r);
void rena_mimic_record_free(rena_mimic_record *r);
/* Appends one tick; with_ssim = 0 skips the image comparison (10 ms per
 * 640x480 pair). Errors: out of memory, images of different sizes. */
rena_status rena_mimic_record_add(rena_mimic_record *r, const rena_mimic_tick *tick,
                                  int with_ssim, rena_error *err);

/* The paper's figures for a record. NaN where the record cannot say. */
typedef struct {
    long frames;
    double ld;        /* mean LD over frames with landmarks (eq. 12; face RMS radii) */
    double ssim;      /* mean SSIM over frames with images (eq. 11) */
    double id;        /* 100 (1 - ssim): the distance of docs/metrics.md */
    double gs, gt;    /* eqs. 13, 15 in percent; need every frame's landmarks, >= 2 frames */
    double gd;        /* eqs. 14, 16 in percent; >= 3 frames */
    long hops;        /* servo hops counted for gd */
} rena_mimic_scores;

rena_status rena_mimic_record_scores(const rena_mimic_record *r, rena_mimic_scores *out,
                                     rena_error *err);

#endif
