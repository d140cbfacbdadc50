/* sim.c: the MuJoCo twin as a rena_actuator (write / reset / read / observe). */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sim_instance.h"
#include "sim_observe.h"

#define DEFAULT_WIDTH 640
#define DEFAULT_HEIGHT 480
#define DEFAULT_SETTLE_CAP_S 1.0
#define MAX_IMAGE_SIDE 4096
/* A joint is still below this speed (rad/s; a slide joint's m/s count 50x,
 * so 1 mm/s weighs like 0.05 rad/s). The face is settled after
 * SETTLE_STILL_STEPS consecutive still steps, at least SETTLE_MIN_STEPS in. */
#define SETTLE_SPEED 0.02
#define SLIDE_WEIGHT 50.0
#define SETTLE_MIN_STEPS 5
#define SETTLE_STILL_STEPS 3

void rena_sim_options_default(rena_sim_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->render = 1;
}

/* ---- settling ------------------------------------------------------------- */

static int is_still(const mjModel *m, const mjData *d)
{
    for (int j = 0; j < m->njnt; j++) {
        int adr = m->jnt_dofadr[j];
        int n = m->jnt_type[j] == mjJNT_FREE ? 6 : m->jnt_type[j] == mjJNT_BALL ? 3 : 1;
        double w = m->jnt_type[j] == mjJNT_SLIDE ? SLIDE_WEIGHT : 1.0;
        for (int k = 0; k < n; k++)
            if (fabs(d->qvel[adr + k]) * w > SETTLE_SPEED)
                return 0;
    }
    return 1;
}

typedef struct {
    const mjModel *m;
    mjData *d;
    double cap;
    int settled, unstable;
} settle_job;

static void settle(void *arg)
{
    settle_job *job = arg;
    const mjModel *m = job->m;
    mjData *d = job->d;
    double t0 = d->time;
    int steps = 0, still = 0;
    job->settled = job->unstable = 0;
    while (d->time - t0 < job->cap) {
        mj_step(m, d);
        steps++;
        if (d->warning[mjWARN_BADQACC].number > 0) {
            job->unstable = 1;
            break;
        }
        still = is_still(m, d) ? still + 1 : 0;
        if (steps >= SETTLE_MIN_STEPS && still >= SETTLE_STILL_STEPS) {
            job->settled = 1;
            break;
        }
    }
    /* positions, sites and camera consistent with the final qpos */
    mj_forward(m, d);
}

static rena_status run_settle(rena_sim_instance *s, rena_error *err)
{
    double t0 = s->d->time;
    settle_job job = {s->model.m, s->d, s->opt.settle_cap_s, 0, 0};
    rena_status st = rena_sim_guard(settle, &job, s->scene_path, err);
    s->settle_time = s->d->time - t0;
    s->settled = job.settled;
    if (st == RENA_OK && job.unstable)
        st = rena_error_set(err, RENA_ERR_BACKEND, s->scene_path,
                            "simulation became unstable (MuJoCo: %s)", rena_sim_last_warning());
    return st;
}

/* ---- instance operations -------------------------------------------------- */

static void apply_ctrl(rena_sim_instance *s, const float cmd[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        s->d->ctrl[s->model.actuator[i]] = cmd[i];
    memcpy(s->sent, cmd, sizeof s->sent);
}

rena_status rena_sim_instance_reset(rena_sim_instance *s, rena_error *err)
{
    float neutral[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    mj_resetData(s->model.m, s->d);
    apply_ctrl(s, neutral);
    s->observations = 0;
    return run_settle(s, err);
}

rena_status rena_sim_instance_write(rena_sim_instance *s, const float cmd[RENA_NUM_SERVOS],
                                    float sent[RENA_NUM_SERVOS], rena_error *err)
{
    if (!cmd)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "no command given");
    float safe[RENA_NUM_SERVOS];
    rena_servo_sanitize(cmd, safe);
    apply_ctrl(s, safe);
    if (sent)
        memcpy(sent, safe, sizeof safe);
    rena_status st = run_settle(s, err);
    if (st != RENA_OK) {
        /* leave a usable face behind: back to the exact neutral state */
        rena_sim_instance_reset(s, NULL);
    }
    return st;
}

rena_status rena_sim_instance_measure(rena_sim_instance *s, float lm[RENA_NUM_LANDMARKS][2],
                                      float pupils[2][2], int *has_pupils,
                                      float measures[RENA_PERCEPTION_NUM_MEASURES],
                                      rena_error *err)
{
    rena_sim_landmarks(&s->model, s->d, s->opt.width, s->opt.height, lm);
    *has_pupils = rena_sim_pupils(&s->model, s->d, s->opt.width, s->opt.height, pupils);
    return rena_perception_measure(lm, *has_pupils ? (const float(*)[2])pupils : NULL, measures,
                                   err);
}

/* ---- actuator interface --------------------------------------------------- */

static rena_status sim_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                             float sent[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_sim_instance_write(ctx, cmd, sent, err);
}

static rena_status sim_reset(void *ctx, rena_error *err)
{
    return rena_sim_instance_reset(ctx, err);
}

static rena_status sim_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    rena_sim_instance *s = ctx;
    if (!pos)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "no output for positions");
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        double c = rena_sim_model_command_of(&s->model, i,
                                             s->d->actuator_length[s->model.actuator[i]]);
        pos[i] = (float)(c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c);
    }
    return RENA_OK;
}

/* The landmark noise stream is keyed by (seed, index), the index mixing the
 * command that is on the face with the number of observations since the last
 * reset: the same command observed the same way gets the same noise in any
 * process, shard or thread, and different commands get independent noise. */
static uint64_t noise_index(const rena_sim_instance *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the command's bits */
    const unsigned char *b = (const unsigned char *)s->sent;
    for (size_t i = 0; i < sizeof s->sent; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h + s->observations * 0x9E3779B97F4A7C15ull;
}

static void add_noise(const rena_sim_instance *s, float lm[RENA_NUM_LANDMARKS][2],
                      float pupils[2][2])
{
    if (!(s->opt.landmark_noise_px > 0.0))
        return;
    rena_rng rng;
    rena_rng_init(&rng, s->opt.seed, noise_index(s));
    double sigma = s->opt.landmark_noise_px;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++)
        for (int a = 0; a < 2; a++)
            lm[k][a] += (float)(sigma * rena_rng_normal(&rng));
    for (int e = 0; e < 2; e++)
        for (int a = 0; a < 2; a++)
            pupils[e][a] += (float)(sigma * rena_rng_normal(&rng));
}

static rena_status observe_features(rena_sim_instance *s, rena_features *f, rena_error *err)
{
    float pupils[2][2] = {{NAN, NAN}, {NAN, NAN}};
    rena_sim_landmarks(&s->model, s->d, s->opt.width, s->opt.height, f->landmarks);
    int has_pupils = rena_sim_pupils(&s->model, s->d, s->opt.width, s->opt.height, pupils);
    add_noise(s, f->landmarks, pupils);
    rena_status st = rena_perception_blendshapes(
        &s->calib, f->landmarks, has_pupils ? (const float(*)[2])pupils : NULL, f->blendshapes, err);
    if (st != RENA_OK)
        return st;
    rena_sim_head_pose(&s->model, s->d, f->head_pose);
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    return RENA_OK;
}

static rena_status sim_observe(void *ctx, unsigned want, rena_observation *obs, rena_error *err)
{
    rena_sim_instance *s = ctx;
    if (!obs)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "no observation to fill");
    memset(obs, 0, sizeof *obs);
    obs->settle_time = s->settle_time;
    if (!(want & (RENA_OBS_FEATURES | RENA_OBS_IMAGE)))
        return rena_error_set(err, RENA_ERR_ARG, "sim", "nothing asked for (want = %u)", want);
    if ((want & RENA_OBS_IMAGE) && !s->renderer && !(want & RENA_OBS_FEATURES))
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, "sim",
                              "images need rendering (opened with render = 0)");
    if (want & RENA_OBS_FEATURES) {
        rena_status st = observe_features(s, &obs->features, err);
        if (st != RENA_OK)
            return st;
    }
    if ((want & RENA_OBS_IMAGE) && s->renderer) {
        rena_status st = rena_sim_renderer_draw(s->renderer, s->model.m, s->d, s->model.camera,
                                                &obs->image, err);
        if (st != RENA_OK)
            return st;
        obs->has_image = 1;
    }
    s->observations++;
    return RENA_OK;
}

static void sim_close(void *ctx)
{
    rena_sim_instance *s = ctx;
    if (!s)
        return;
    rena_sim_renderer_close(s->renderer);
    if (s->d)
        mj_deleteData(s->d);
    rena_sim_model_free(&s->model);
    free(s);
}

/* ---- opening -------------------------------------------------------------- */

static rena_status resolve_options(const rena_sim_options *in, rena_sim_options *out,
                                   rena_error *err)
{
    rena_sim_options def;
    rena_sim_options_default(&def);
    *out = in ? *in : def;
    if (!out->scene_path)
        out->scene_path = rena_sim_default_scene();
    if (out->width == 0 && out->height == 0) {
        out->width = DEFAULT_WIDTH;
        out->height = DEFAULT_HEIGHT;
    }
    if (out->width <= 0 || out->height <= 0 || out->width > MAX_IMAGE_SIDE ||
        out->height > MAX_IMAGE_SIDE)
        return rena_error_set(err, RENA_ERR_RANGE, "sim options: width/height",
                              "image size %dx%d must be 1..%d on each side", out->width,
                              out->height, MAX_IMAGE_SIDE);
    if (!isfinite(out->landmark_noise_px) || out->landmark_noise_px < 0.0)
        return rena_error_set(err, RENA_ERR_RANGE, "sim options: landmark_noise_px",
                              "must be a finite number >= 0, got %g", out->landmark_noise_px);
    if (!isfinite(out->settle_cap_s) || out->settle_cap_s < 0.0)
        return rena_error_set(err, RENA_ERR_RANGE, "sim options: settle_cap_s",
                              "must be a finite number >= 0, got %g", out->settle_cap_s);
    if (out->settle_cap_s == 0.0)
        out->settle_cap_s = DEFAULT_SETTLE_CAP_S;
    return RENA_OK;
}

typedef struct {
    rena_sim_instance *s;
} make_data_job;

static void make_data(void *arg)
{
    rena_sim_instance *s = ((make_data_job *)arg)->s;
    s->d = mj_makeData(s->model.m);
}


/* Perception is calibrated on faces at rest, whatever settle cap the caller
 * chose for its writes (the mimic loop settles for one frame period only). */
static rena_status calibrate_at_rest(rena_sim_instance *s, rena_error *err)
{
    double cap = s->opt.settle_cap_s;
    if (s->opt.settle_cap_s < DEFAULT_SETTLE_CAP_S)
        s->opt.settle_cap_s = DEFAULT_SETTLE_CAP_S;
    rena_status st = rena_sim_instance_calibrate(s, &s->calib, err);
    s->opt.settle_cap_s = cap;
    return st;
}

static rena_status open_instance(rena_sim_instance *s, rena_error *err)
{
    snprintf(s->scene_path, sizeof s->scene_path, "%s", s->opt.scene_path);
    s->opt.scene_path = s->scene_path;
    rena_status st = rena_sim_model_load(s->scene_path, &s->model, err);
    if (st != RENA_OK)
        return st;
    mjModel *m = s->model.m;
    if (m->vis.global.offwidth < s->opt.width)
        m->vis.global.offwidth = s->opt.width;
    if (m->vis.global.offheight < s->opt.height)
        m->vis.global.offheight = s->opt.height;
    make_data_job job = {s};
    st = rena_sim_guard(make_data, &job, s->scene_path, err);
    if (st == RENA_OK && !s->d)
        st = rena_error_set(err, RENA_ERR_NOMEM, s->scene_path, "cannot allocate MuJoCo data");
    if (st == RENA_OK)
        st = calibrate_at_rest(s, err);
    if (st == RENA_OK && s->opt.render)
        st = rena_sim_renderer_open(m, s->opt.width, s->opt.height, &s->renderer, err);
    return st;
}

rena_status rena_sim_open(const rena_sim_options *opt, rena_actuator *out, rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "no actuator to fill");
    memset(out, 0, sizeof *out);
    rena_sim_instance *s = calloc(1, sizeof *s);
    if (!s)
        return rena_error_set(err, RENA_ERR_NOMEM, "sim", "out of memory");
    rena_status st = resolve_options(opt, &s->opt, err);
    if (st == RENA_OK)
        st = open_instance(s, err);
    if (st != RENA_OK) {
        sim_close(s);
        return st;
    }
    out->name = "sim";
    out->ctx = s;
    out->write = sim_write;
    out->reset = sim_reset;
    out->read = sim_read;
    out->observe = sim_observe;
    out->close = sim_close;
    return RENA_OK;
}

rena_status rena_sim_perception_calib(const rena_actuator *sim, rena_perception_calib *out,
                                      rena_error *err)
{
    if (!sim || sim->close != sim_close || !sim->ctx || !out)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "not an open simulated face");
    *out = ((const rena_sim_instance *)sim->ctx)->calib;
    return RENA_OK;
}
