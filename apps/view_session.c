/* view_session.c: see view_session.h. */
#include "view_session.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expert.h"
#include "landmark_metrics.h"
#include "modelfile.h"
#include "sim.h"

static rena_status open_face(const char *scene, int render, double settle_cap, rena_view_face *f,
                             rena_error *err)
{
    rena_sim_options so;
    rena_sim_options_default(&so);
    so.scene_path = scene;
    so.render = render;
    so.settle_cap_s = settle_cap;
    rena_status st = rena_sim_open(&so, &f->face, err);
    if (st == RENA_OK)
        st = rena_sim_access(&f->face, &f->sm, &f->d, err);
    return st;
}

/* Performer faces are opened when first shown; their scenes sit beside the robot's. */
static rena_status performer_face(rena_view_session *s, int p, rena_error *err)
{
    rena_view_face *f = &s->performer[p];
    if (f->face.ctx)
        return RENA_OK;
    char robot[4096], scene[4200];
    snprintf(robot, sizeof robot, "%s", rena_sim_default_scene());
    snprintf(scene, sizeof scene, "%s/%s", dirname(robot), rena_performers[p].scene);
    rena_status st = open_face(scene, s->cfg.camera_target, 0.0, f, err);
    if (st == RENA_OK && !s->cfg.camera_target)
        st = rena_viewer_attach(s->viewer, f->sm, err);
    if (st != RENA_OK)
        rena_actuator_close(&f->face); /* tried again next time */
    return st;
}

static rena_status open_mimic(rena_view_session *s, rena_error *err)
{
    rena_status st = rena_model_load(s->cfg.model, &s->model, err);
    if (st == RENA_OK)
        st = rena_mimic_policy_model(s->model, NULL, &s->policy, err);
    for (int k = 0; k < 2 && st == RENA_OK; k++) {
        rena_mimic_options mo;
        rena_mimic_options_default(&mo);
        mo.filter = k ? RENA_MIMIC_FILTER_ONEEURO : RENA_MIMIC_FILTER_NONE;
        st = rena_mimic_create(&mo, &s->policy, &s->mm[k], err);
    }
    s->filter_on = s->cfg.filter == RENA_MIMIC_FILTER_ONEEURO;
    return st;
}

static void clear_errors(rena_view_session *s)
{
    s->ld = s->bs_rmse = s->servo_rmse = NAN;
    s->n_series = 0;
}

/* (Re)starts the current sequence from its first frame. */
rena_status rena_view_session_restart(rena_view_session *s, rena_error *err)
{
    s->frame = 0;
    s->ended = 0;
    s->has_target = 0;
    clear_errors(s);
    if (s->kind == RENA_VIEW_SRC_EXPERT || s->kind == RENA_VIEW_SRC_NEUTRAL) {
        s->frames = s->kind == RENA_VIEW_SRC_EXPERT ? RENA_VIEW_EXPERT_HOLD : -1;
        return RENA_OK;
    }
    rena_mimic_source_close(&s->source);
    rena_features_reader_close(s->reader);
    s->reader = NULL;
    for (int k = 0; k < 2; k++)
        rena_mimic_restart(s->mm[k]);
    rena_status st = rena_actuator_reset(&s->robot.face, err);
    if (st != RENA_OK)
        return st;
    if (s->kind == RENA_VIEW_SRC_PERFORMER) {
        int p = s->seq / RENA_PERFORMER_NUM_SEQUENCES, q = s->seq % RENA_PERFORMER_NUM_SEQUENCES;
        /* the performer shows neutral too until its first frame comes */
        if ((st = performer_face(s, p, err)) != RENA_OK ||
            (st = rena_actuator_reset(&s->performer[p].face, err)) != RENA_OK)
            return st;
        s->frames = rena_performer_frames(&rena_performers[p], q);
        return rena_mimic_source_performer(&rena_performers[p], q, &s->performer[p].face,
                                           s->cfg.camera_target ? RENA_OBS_IMAGE : 0, &s->source,
                                           err);
    }
    s->frames = -1;
    rena_features_reader_options ro = rena_features_reader_options_default();
    st = rena_features_reader_open(s->cfg.input, &ro, &s->reader, err);
    return st == RENA_OK ? rena_mimic_source_reader(s->reader, 0, s->cfg.input, &s->source, err)
                         : st;
}

static int has_photo_extension(const char *path)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg"};
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
        size_t e = strlen(ext[k]);
        if (n > e && !strcasecmp(path + n - e, ext[k]))
            return 1;
    }
    return 0;
}

/* PNG or JPEG by their first bytes, whatever the file is called. */
static int has_photo_magic(const char *path)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char jpeg[3] = {0xff, 0xd8, 0xff};
    unsigned char head[8];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return (n >= sizeof png && !memcmp(head, png, sizeof png)) ||
           (n >= sizeof jpeg && !memcmp(head, jpeg, sizeof jpeg));
}

rena_status rena_view_input_check(const char *in, rena_error *err)
{
    if (!in || !strcmp(in, "-") || !strncmp(in, "performer:", 10) ||
        (!has_photo_extension(in) && !has_photo_magic(in)))
        return RENA_OK;
    return rena_error_set(err, RENA_ERR_ARG, "",
                          "%s is a photo: rena view takes blendshape streams (CSV, JSONL, "
                          "performer:NAME); for photos use rena mimic --image %s",
                          in, in);
}

static rena_status open_source(rena_view_session *s, rena_error *err)
{
    const char *in = s->cfg.input;
    if (!in) {
        s->kind = s->cfg.neutral ? RENA_VIEW_SRC_NEUTRAL : RENA_VIEW_SRC_EXPERT;
    } else if (!strncmp(in, "performer:", 10)) {
        const rena_performer *p;
        int q;
        rena_status st = rena_performer_parse(in + 10, &p, &q, err);
        if (st != RENA_OK)
            return st;
        s->kind = RENA_VIEW_SRC_PERFORMER;
        s->seq = (int)(p - rena_performers) * RENA_PERFORMER_NUM_SEQUENCES + q;
    } else {
        s->kind = RENA_VIEW_SRC_FILE;
    }
    return rena_view_session_restart(s, err);
}

static void record_error(rena_view_session *s, double value)
{
    if (s->n_series == RENA_VIEW_SERIES_MAX) {
        memmove(s->series, s->series + 1, (RENA_VIEW_SERIES_MAX - 1) * sizeof s->series[0]);
        s->n_series--;
    }
    s->series[s->n_series++] = (float)value;
}

static double rmse(const float *a, const float *b, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return sqrt(sum / n);
}

/* The figures of one mimic frame: LD between target and robot landmarks
 * (eq. 12), RMSE of the robot's perceived blendshapes against the target's
 * and, when the target's command is known, of the commands. */
static void measure_frame(rena_view_session *s, const rena_features *robot)
{
    const rena_features *t = &s->target.features;
    s->ld = s->bs_rmse = s->servo_rmse = NAN;
    if ((t->valid & robot->valid & RENA_FEAT_LANDMARKS) &&
        rena_landmark_distance(&t->landmarks[0][0], &robot->landmarks[0][0], RENA_NUM_LANDMARKS,
                               NULL, &s->ld, NULL) != RENA_OK)
        s->ld = NAN;
    if (t->valid & robot->valid & RENA_FEAT_BLENDSHAPES)
        s->bs_rmse = rmse(t->blendshapes, robot->blendshapes, RENA_NUM_BLENDSHAPES);
    if (s->target.has_command)
        s->servo_rmse = rmse(s->target.command, s->cmd, RENA_NUM_SERVOS);
    record_error(s, isfinite(s->ld) ? s->ld : s->bs_rmse);
}

/* Next target frame; at the end a performer or file starts over, standard
 * input holds its last frame. Returns RENA_ERR_NOT_FOUND when there is none. */
static rena_status next_target(rena_view_session *s, rena_error *err)
{
    rena_status st = s->source.next(s->source.ctx, &s->target, err);
    if (st == RENA_ERR_NOT_FOUND && strcmp(s->cfg.input, "-") && s->frame > 0) {
        if ((st = rena_view_session_restart(s, err)) == RENA_OK)
            st = s->source.next(s->source.ctx, &s->target, err);
    }
    if (st == RENA_ERR_NOT_FOUND)
        s->ended = 1;
    return st;
}

static rena_status mimic_frame(rena_view_session *s, rena_error *err)
{
    rena_status st = next_target(s, err);
    if (st == RENA_ERR_NOT_FOUND && s->has_target)
        return RENA_OK; /* standard input closed: keep showing the last frame */
    if (st != RENA_OK)
        return st;
    s->has_target = 1;
    float cmd[2][RENA_NUM_SERVOS];
    /* both controllers see every frame, so F switches without a jump in history */
    for (int k = 0; k < 2 && st == RENA_OK; k++)
        st = rena_mimic_step(s->mm[k], &s->target.features, s->target.timestamp, cmd[k], err);
    if (st == RENA_OK)
        st = rena_actuator_write(&s->robot.face, cmd[s->filter_on], s->cmd, err);
    rena_observation obs;
    if (st == RENA_OK)
        st = rena_actuator_observe(&s->robot.face, RENA_OBS_FEATURES, &obs, err);
    if (st == RENA_OK) {
        measure_frame(s, &obs.features);
        memcpy(s->robot_bs, obs.features.blendshapes, sizeof s->robot_bs);
    }
    return st;
}

/* One frame forward. *moved stays 0 when standard input has ended and
 * there is nothing new to show. */
rena_status rena_view_session_advance(rena_view_session *s, int *moved, rena_error *err)
{
    rena_status st;
    *moved = 0;
    if (s->kind == RENA_VIEW_SRC_EXPERT || s->kind == RENA_VIEW_SRC_NEUTRAL) {
        float cmd[RENA_NUM_SERVOS];
        if (s->kind == RENA_VIEW_SRC_EXPERT && s->frame >= RENA_VIEW_EXPERT_HOLD) {
            s->seq++;
            s->frame = 0;
        }
        if (s->kind == RENA_VIEW_SRC_EXPERT)
            rena_expert_sample(s->cfg.seed, (uint64_t)s->seq, cmd, NULL);
        else
            rena_servo_neutral(cmd);
        st = rena_actuator_write(&s->robot.face, cmd, s->cmd, err);
        if (st == RENA_OK)
            st = rena_actuator_read(&s->robot.face, s->pos, err);
    } else {
        st = mimic_frame(s, err);
        if (s->ended)
            return st;
    }
    if (st == RENA_OK) {
        s->frame++;
        *moved = 1;
    }
    return st;
}

rena_status rena_view_session_change(rena_view_session *s, int delta, rena_error *err)
{
    if (s->kind == RENA_VIEW_SRC_EXPERT) {
        s->seq = s->seq + delta < 0 ? 0 : s->seq + delta;
        return rena_view_session_restart(s, err);
    }
    if (s->kind != RENA_VIEW_SRC_PERFORMER)
        return RENA_OK;
    int n = RENA_NUM_PERFORMERS * RENA_PERFORMER_NUM_SEQUENCES;
    s->seq = ((s->seq + delta) % n + n) % n;
    return rena_view_session_restart(s, err);
}

rena_status rena_view_session_open(rena_view_session *s, const rena_view_config *cfg,
                                   rena_viewer *viewer, rena_error *err)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->viewer = viewer;
    rena_servo_neutral(s->cmd);
    rena_servo_neutral(s->pos);
    clear_errors(s);
    rena_status st = rena_view_input_check(cfg->input, err); /* before the slow loading */
    if (st == RENA_OK && cfg->model)
        st = open_mimic(s, err);
    /* one frame period per command: the face moves, it does not come to rest */
    if (st == RENA_OK)
        st = open_face(cfg->scene, 0, 1.0 / RENA_MIMIC_FPS, &s->robot, err);
    if (st == RENA_OK)
        st = rena_viewer_attach(viewer, s->robot.sm, err);
    if (st == RENA_OK)
        st = open_source(s, err);
    return st;
}

void rena_view_session_close(rena_view_session *s)
{
    rena_mimic_source_close(&s->source);
    rena_features_reader_close(s->reader);
    s->reader = NULL;
    for (int k = 0; k < 2; k++) {
        rena_mimic_free(s->mm[k]);
        s->mm[k] = NULL;
    }
    rena_mimic_policy_close(&s->policy);
    rena_model_free(s->model);
    s->model = NULL;
    for (int p = 0; p < RENA_NUM_PERFORMERS; p++)
        rena_actuator_close(&s->performer[p].face);
    rena_actuator_close(&s->robot.face);
}
