/* mimic.c: the controller (filter + policy + limiter), the run loop and the
 * model policy. The sources live in mimic_source.c. */
#include "mimic.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PI 3.14159265358979323846

/* ---- model policy ---------------------------------------------------------- */

typedef struct {
    const rena_model *model;
    rena_workspace *ws;
} model_policy;

static rena_status model_predict(void *ctx, const rena_features *f, long frame,
                                 float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    model_policy *mp = ctx;
    rena_status st = rena_model_predict(mp->model, mp->ws, f, cmd);
    if (st != RENA_OK)
        return rena_error_set(err, st, "model", "frame %ld: %s cannot predict from this frame",
                              frame, rena_arch_name(mp->model->hp.arch));
    return RENA_OK;
}

static void model_close(void *ctx)
{
    model_policy *mp = ctx;
    if (mp)
        rena_workspace_free(mp->ws);
    free(mp);
}

rena_status rena_mimic_policy_model(const rena_model *m, const char *name,
                                    rena_mimic_policy *out, rena_error *err)
{
    if (!m || !out)
        return rena_error_set(err, RENA_ERR_ARG, "mimic policy", "no model or policy given");
    memset(out, 0, sizeof *out);
    model_policy *mp = calloc(1, sizeof *mp);
    if (mp)
        mp->ws = rena_workspace_create(m);
    if (!mp || !mp->ws) {
        model_close(mp);
        return rena_error_set(err, RENA_ERR_NOMEM, "mimic policy", "out of memory");
    }
    mp->model = m;
    out->name = name ? name : rena_arch_name(m->hp.arch);
    out->needs = rena_arch_uses_landmarks(m->hp.arch) ? RENA_FEAT_LANDMARKS
                                                      : RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE;
    out->ctx = mp;
    out->predict = model_predict;
    out->close = model_close;
    return RENA_OK;
}

void rena_mimic_policy_close(rena_mimic_policy *p)
{
    if (!p)
        return;
    if (p->close)
        p->close(p->ctx);
    p->ctx = NULL;
    p->close = NULL;
}

/* ---- options --------------------------------------------------------------- */

const char *rena_mimic_filter_name(rena_mimic_filter f)
{
    return f == RENA_MIMIC_FILTER_ONEEURO ? "oneeuro" : f == RENA_MIMIC_FILTER_NONE ? "none" : "?";
}

int rena_mimic_filter_parse(const char *name, rena_mimic_filter *out)
{
    if (name && !strcmp(name, "none"))
        *out = RENA_MIMIC_FILTER_NONE;
    else if (name && !strcmp(name, "oneeuro"))
        *out = RENA_MIMIC_FILTER_ONEEURO;
    else
        return -1;
    return 0;
}

void rena_mimic_options_default(rena_mimic_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->filter = RENA_MIMIC_FILTER_NONE;
    opt->oneeuro = rena_oneeuro_params_default();
    opt->max_step = RENA_RATE_LIMIT_STEP;
    opt->max_step_growth = RENA_MIMIC_STEP_GROWTH;
    opt->fps = RENA_MIMIC_FPS;
    opt->ease_to_neutral = 1;
}

rena_status rena_mimic_options_check(const rena_mimic_options *opt, rena_error *err)
{
    if (!opt)
        return rena_error_set(err, RENA_ERR_ARG, "mimic options", "none given");
    if (opt->filter != RENA_MIMIC_FILTER_NONE && opt->filter != RENA_MIMIC_FILTER_ONEEURO)
        return rena_error_set(err, RENA_ERR_ARG, "mimic options: filter", "unknown filter %d",
                              (int)opt->filter);
    if (!(opt->max_step > 0.0f && opt->max_step <= 1.0f))
        return rena_error_set(err, RENA_ERR_ARG, "mimic options: max_step",
                              "must be in (0, 1], got %g", (double)opt->max_step);
    if (!(opt->max_step_growth >= 0.0f && opt->max_step_growth <= 1.0f))
        return rena_error_set(err, RENA_ERR_ARG, "mimic options: max_step_growth",
                              "must be in [0, 1], got %g", (double)opt->max_step_growth);
    if (!(opt->fps > 0.0 && opt->fps <= 1000.0))
        return rena_error_set(err, RENA_ERR_ARG, "mimic options: fps",
                              "must be in (0, 1000], got %g", opt->fps);
    if (opt->observe & ~(unsigned)(RENA_OBS_FEATURES | RENA_OBS_IMAGE))
        return rena_error_set(err, RENA_ERR_ARG, "mimic options: observe", "unknown bits 0x%x",
                              opt->observe);
    if (opt->filter == RENA_MIMIC_FILTER_ONEEURO)
        return rena_oneeuro_params_check(&opt->oneeuro, err);
    return RENA_OK;
}

/* ---- controller ------------------------------------------------------------ */

struct rena_mimic {
    rena_mimic_options opt;
    rena_mimic_policy policy;
    rena_oneeuro_state euro;
    rena_features work;                 /* the frame as the policy sees it */
    float chan[RENA_MIMIC_FILTER_CHANNELS];
    float prev[RENA_NUM_SERVOS];        /* last command produced */
    float prev_step[RENA_NUM_SERVOS];   /* its change from the one before */
    double last_t;
    long frame;
    rena_mimic_stats stats;
};

rena_status rena_mimic_create(const rena_mimic_options *opt, const rena_mimic_policy *policy,
                              rena_mimic **out, rena_error *err)
{
    if (!out || !policy || !policy->predict)
        return rena_error_set(err, RENA_ERR_ARG, "mimic", "no policy or output given");
    *out = NULL;
    rena_mimic_options def;
    if (!opt) {
        rena_mimic_options_default(&def);
        opt = &def;
    }
    rena_status st = rena_mimic_options_check(opt, err);
    if (st != RENA_OK)
        return st;
    rena_mimic *mm = calloc(1, sizeof *mm);
    if (!mm)
        return rena_error_set(err, RENA_ERR_NOMEM, "mimic", "out of memory");
    mm->opt = *opt;
    mm->policy = *policy;
    st = rena_oneeuro_init(&mm->euro, RENA_MIMIC_FILTER_CHANNELS, err);
    if (st != RENA_OK) {
        free(mm);
        return st;
    }
    rena_mimic_restart(mm);
    *out = mm;
    return RENA_OK;
}

void rena_mimic_free(rena_mimic *mm)
{
    if (!mm)
        return;
    rena_oneeuro_free(&mm->euro);
    free(mm);
}

void rena_mimic_restart(rena_mimic *mm)
{
    rena_oneeuro_reset(&mm->euro);
    rena_servo_neutral(mm->prev);
    memset(mm->prev_step, 0, sizeof mm->prev_step);
    mm->last_t = 0.0;
    mm->frame = 0;
    mm->stats.frames = 0;
}

void rena_mimic_get_stats(const rena_mimic *mm, rena_mimic_stats *stats)
{
    if (mm && stats)
        *stats = mm->stats;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Clamps one input value into [lo,hi] (NaN -> 0); counts or refuses. */
static rena_status check_value(rena_mimic *mm, float *v, float lo, float hi, const char *what,
                               int *clamped, rena_error *err)
{
    if (isfinite(*v) && *v >= lo && *v <= hi)
        return RENA_OK;
    if (mm->opt.strict)
        return rena_error_set(err, RENA_ERR_RANGE, what, "frame %ld: value %g outside [%g, %g]",
                              mm->frame, (double)*v, (double)lo, (double)hi);
    *v = isnan(*v) ? 0.0f : *v < lo ? lo : hi;
    (*clamped)++;
    return RENA_OK;
}

/* Copies f into mm->work with its blendshapes and pose made safe. */
static rena_status prepare_input(rena_mimic *mm, const rena_features *f, int *clamped,
                                 rena_error *err)
{
    static const char *const pose_names[3] = {"head_pose.yaw", "head_pose.pitch", "head_pose.roll"};
    mm->work = *f;
    rena_features *w = &mm->work;
    unsigned need = mm->policy.needs & ~(unsigned)RENA_FEAT_POSE;
    if ((w->valid & need) != need)
        return rena_error_set(err, RENA_ERR_ARG, mm->policy.name,
                              "frame %ld has no %s, which this policy needs", mm->frame,
                              need & RENA_FEAT_LANDMARKS ? "landmarks (file and stdin inputs "
                                                           "carry blendshapes only)"
                                                         : "blendshapes");
    if (w->valid & RENA_FEAT_BLENDSHAPES)
        for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
            rena_status st = check_value(mm, &w->blendshapes[k], 0.0f, 1.0f,
                                         rena_blendshape_names[k], clamped, err);
            if (st != RENA_OK)
                return st;
        }
    if (!(w->valid & RENA_FEAT_POSE)) {
        /* no head pose: facing the camera */
        memset(w->head_pose, 0, sizeof w->head_pose);
        w->valid |= RENA_FEAT_POSE;
    }
    for (int k = 0; k < 3; k++) {
        rena_status st = check_value(mm, &w->head_pose[k], (float)-PI, (float)PI, pose_names[k],
                                     clamped, err);
        if (st != RENA_OK)
            return st;
    }
    return RENA_OK;
}

static rena_status filter_input(rena_mimic *mm, double dt, rena_error *err)
{
    rena_features *w = &mm->work;
    memcpy(mm->chan, w->blendshapes, sizeof w->blendshapes);
    memcpy(mm->chan + RENA_NUM_BLENDSHAPES, w->head_pose, sizeof w->head_pose);
    rena_status st = rena_oneeuro_filter(&mm->opt.oneeuro, &mm->euro, dt, mm->chan, mm->chan, err);
    if (st != RENA_OK)
        return st;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        float v = mm->chan[k]; /* a convex mix of values in [0,1]; clamp against rounding */
        w->blendshapes[k] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
    memcpy(w->head_pose, mm->chan + RENA_NUM_BLENDSHAPES, sizeof w->head_pose);
    return RENA_OK;
}

/* Bounds each command's step by max_step and by the previous step's size
 * plus max_step_growth. Moving only part of the way towards the target never
 * overshoots it, so the output stays between prev and target, in [0,1]. */
static int limit_commands(rena_mimic *mm, float cmd[RENA_NUM_SERVOS])
{
    int limited = 0;
    rena_rate_limit(mm->prev, cmd, RENA_NUM_SERVOS, mm->opt.max_step, cmd, &limited, NULL);
    if (!(mm->opt.max_step_growth > 0.0f))
        return limited;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        float step = cmd[i] - mm->prev[i];
        float cap = fabsf(mm->prev_step[i]) + mm->opt.max_step_growth;
        if (fabsf(step) > cap) {
            cmd[i] = mm->prev[i] + (step > 0.0f ? cap : -cap);
            limited++;
        }
    }
    return limited;
}

rena_status rena_mimic_step(rena_mimic *mm, const rena_features *f, double timestamp,
                            float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    if (!mm || !f || !cmd)
        return rena_error_set(err, RENA_ERR_ARG, "mimic", "no controller, frame or output");
    double t0 = now_s();
    if (!isfinite(timestamp))
        timestamp = mm->frame ? mm->last_t + 1.0 / mm->opt.fps : 0.0;
    double dt = mm->frame ? timestamp - mm->last_t : 1.0 / mm->opt.fps;
    if (!(dt > 0.0))
        dt = 1.0 / mm->opt.fps;
    int clamped = 0;
    rena_status st = prepare_input(mm, f, &clamped, err);
    if (st == RENA_OK && mm->opt.filter == RENA_MIMIC_FILTER_ONEEURO)
        st = filter_input(mm, dt, err);
    float out[RENA_NUM_SERVOS];
    if (st == RENA_OK)
        st = mm->policy.predict(mm->policy.ctx, &mm->work, mm->frame, out, err);
    if (st != RENA_OK)
        return st;
    rena_servo_sanitize(out, out); /* whatever the policy did, only safe commands leave */
    int limited = 0;
    if (mm->opt.filter != RENA_MIMIC_FILTER_NONE)
        limited = limit_commands(mm, out);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        mm->prev_step[i] = out[i] - mm->prev[i];
        mm->prev[i] = out[i];
    }
    memcpy(cmd, out, sizeof out);
    mm->last_t = timestamp;
    mm->frame++;
    mm->stats.frames++;
    mm->stats.clamped += clamped;
    mm->stats.limited += limited;
    double dt_compute = now_s() - t0;
    mm->stats.compute_s += dt_compute;
    if (dt_compute > mm->stats.compute_max_s)
        mm->stats.compute_max_s = dt_compute;
    return RENA_OK;
}

/* ---- run loop -------------------------------------------------------------- */

static void sleep_until(double wall)
{
    double left = wall - now_s();
    if (left <= 0.0)
        return;
    struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

rena_status rena_mimic_ease_to_neutral(rena_actuator *face, const float from[RENA_NUM_SERVOS],
                                       float max_step, double fps, int pace, long *frames,
                                       rena_error *err)
{
    if (frames)
        *frames = 0;
    if (!face || !from || !(max_step > 0.0f) || !(fps > 0.0))
        return rena_error_set(err, RENA_ERR_ARG, "mimic", "bad easing arguments");
    float cur[RENA_NUM_SERVOS], neutral[RENA_NUM_SERVOS];
    rena_servo_sanitize(from, cur);
    rena_servo_neutral(neutral);
    long n = 0;
    double next = now_s();
    for (int limited = 1; limited;) {
        rena_status st =
            rena_rate_limit(cur, neutral, RENA_NUM_SERVOS, max_step, cur, &limited, err);
        if (st != RENA_OK)
            return st;
        if (pace) {
            next += 1.0 / fps;
            sleep_until(next);
        }
        st = rena_actuator_write(face, cur, NULL, err);
        if (st != RENA_OK)
            return st;
        n++;
    }
    if (frames)
        *frames = n;
    return rena_actuator_reset(face, err);
}

/* Runs after the loop whatever happened; keeps the first error. */
static rena_status finish(rena_mimic *mm, rena_actuator *face, const float last[RENA_NUM_SERVOS],
                          rena_status st, rena_mimic_stats *stats, rena_error *err)
{
    if (mm->opt.ease_to_neutral) {
        rena_error ease_err;
        long frames = 0;
        rena_status es = rena_mimic_ease_to_neutral(face, last, mm->opt.max_step, mm->opt.fps,
                                                    mm->opt.pace, &frames, &ease_err);
        mm->stats.ease_frames = frames;
        if (st == RENA_OK && es != RENA_OK) {
            if (err)
                *err = ease_err;
            st = es;
        }
    }
    if (stats)
        *stats = mm->stats;
    return st;
}

rena_status rena_mimic_run(rena_mimic *mm, rena_mimic_source *src, rena_actuator *face,
                           rena_mimic_callback cb, void *user, const rena_progress *progress,
                           rena_mimic_stats *stats, rena_error *err)
{
    if (!mm || !src || !src->next || !face)
        return rena_error_set(err, RENA_ERR_ARG, "mimic", "no controller, source or face");
    rena_mimic_restart(mm);
    mm->stats.ease_frames = 0;
    float last[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(last);
    rena_mimic_frame frame;
    rena_observation obs;
    double wall0 = now_s(), t_first = 0.0;
    rena_status st = RENA_OK;
    for (long k = 0;; k++) {
        memset(&frame, 0, sizeof frame);
        st = src->next(src->ctx, &frame, err);
        if (st == RENA_ERR_NOT_FOUND) {
            st = k ? RENA_OK
                   : rena_error_set(err, RENA_ERR_FORMAT, src->name, "the input has no frames");
            break;
        }
        if (st != RENA_OK)
            break;
        double c0 = mm->stats.compute_s;
        if ((st = rena_mimic_step(mm, &frame.features, frame.timestamp, cmd, err)) != RENA_OK)
            break;
        if (k == 0)
            t_first = mm->last_t;
        if (mm->opt.pace)
            sleep_until(wall0 + (mm->last_t - t_first));
        if ((st = rena_actuator_write(face, cmd, last, err)) != RENA_OK)
            break;
        if (mm->opt.observe && (st = rena_actuator_observe(face, mm->opt.observe, &obs, err)))
            break;
        rena_mimic_tick tick = {k, &frame, last, mm->opt.observe ? &obs : NULL,
                                mm->stats.compute_s - c0};
        if (cb && (st = cb(user, &tick, err)) != RENA_OK)
            break;
        rena_progress_report(progress, "mimic", k + 1, 0, src->name);
        if (rena_progress_cancelled(progress)) {
            st = rena_error_set(err, RENA_ERR_INTERRUPTED, src->name, "stopped after %ld frames",
                                k + 1);
            break;
        }
    }
    return finish(mm, face, last, st, stats, err);
}
