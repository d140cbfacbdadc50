/* The mimic loop on the analytic fake face (tests/support/fakeface.h): a
 * model trained here beats the random baseline in closed loop, the filter
 * removes servo hops on abrupt transitions, inputs are checked, a stream that
 * stops leaves the face at neutral, and the per-frame path allocates
 * nothing. */
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baselines.h"
#include "expert.h"
#include "fakeface.h"
#include "features_io.h"
#include "landmark_metrics.h"
#include "mimic.h"
#include "modelfile.h"
#include "rng.h"
#include "sequence_metrics.h"
#include "testutil.h"
#include "train.h"

/* ---- a small model trained on the fake face, shared by the tests ----------- */

static rena_model *g_model;
static rena_samples g_train;

static void fake_samples(long n, uint64_t seed, rena_samples *s)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->commands = calloc((size_t)n * RENA_NUM_SERVOS, sizeof(float));
    s->blendshapes = calloc((size_t)n * RENA_NUM_BLENDSHAPES, sizeof(float));
    s->landmarks = calloc((size_t)n * RENA_NUM_LANDMARKS * 2, sizeof(float));
    s->head_pose = calloc((size_t)n * 3, sizeof(float));
    s->index = calloc((size_t)n, sizeof(int32_t));
    ck_assert(s->commands && s->blendshapes && s->landmarks && s->head_pose && s->index);
    for (long i = 0; i < n; i++) {
        float *cmd = s->commands + i * RENA_NUM_SERVOS;
        rena_features f;
        rena_expert_sample(seed, (uint64_t)i, cmd, NULL);
        rena_fakeface_features(cmd, &f);
        memcpy(s->blendshapes + i * RENA_NUM_BLENDSHAPES, f.blendshapes, sizeof f.blendshapes);
        memcpy(s->landmarks + i * RENA_NUM_LANDMARKS * 2, f.landmarks, sizeof f.landmarks);
        memcpy(s->head_pose + i * 3, f.head_pose, sizeof f.head_pose);
        s->index[i] = (int32_t)i;
    }
}

static void train_shared_model(void)
{
    /* smaller under sanitizers (-O0 + ASan trains ~10x slower); the margin
     * asserted below holds for both */
    int small = rena_test_sanitized();
    fake_samples(small ? 1000 : 3000, 11, &g_train);
    rena_model_hparams hp;
    rena_model_hparams_default(RENA_ARCH_MLP, &hp);
    rena_train_options opt;
    rena_train_options_default(&opt);
    opt.max_epochs = small ? 80 : 150;
    opt.batch = 64;
    opt.threads = 1;
    opt.patience = 20;
    rena_error err;
    if (rena_train(&hp, &opt, &g_train, NULL, &g_model, NULL, NULL, &err) != RENA_OK) {
        char buf[1200];
        fprintf(stderr, "training failed: %s\n", rena_error_format(&err, buf, sizeof buf));
        abort();
    }
}

static void free_shared_model(void)
{
    rena_model_free(g_model);
    rena_samples_free(&g_train);
}

/* ---- helpers ------------------------------------------------------------------ */

#define MAX_FRAMES 256

typedef struct {
    long frames;
    float target[MAX_FRAMES][RENA_NUM_LANDMARKS][2];
    float robot[MAX_FRAMES][RENA_NUM_LANDMARKS][2];
    float sent[MAX_FRAMES][RENA_NUM_SERVOS];
    double ld_sum;
    rena_mimic_record *rec; /* also fed when set */
} recording;

static rena_status record(void *user, const rena_mimic_tick *t, rena_error *err)
{
    recording *r = user;
    ck_assert_int_lt(t->index, MAX_FRAMES);
    memcpy(r->sent[t->index], t->command, sizeof r->sent[0]);
    if (t->robot && (t->target->features.valid & RENA_FEAT_LANDMARKS)) {
        memcpy(r->target[t->index], t->target->features.landmarks, sizeof r->target[0]);
        memcpy(r->robot[t->index], t->robot->features.landmarks, sizeof r->robot[0]);
        double ld;
        rena_status st = rena_landmark_distance(&r->target[t->index][0][0],
                                                &r->robot[t->index][0][0], RENA_NUM_LANDMARKS,
                                                NULL, &ld, err);
        if (st != RENA_OK)
            return st;
        r->ld_sum += ld;
    }
    r->frames = t->index + 1;
    return r->rec ? rena_mimic_record_add(r->rec, t, 1, err) : RENA_OK;
}

static rena_actuator open_fake(long fail_after)
{
    rena_fakeface_options fo = {0, 0, fail_after};
    rena_actuator a;
    ck_assert_int_eq(rena_fakeface_open(&fo, &a, NULL), RENA_OK);
    return a;
}

/* Runs `policy` on performer ana's sequence seq; fills rec. */
static rena_status run_performer(rena_mimic_policy *policy, int seq, rena_mimic_filter filter,
                                 recording *rec, rena_mimic_stats *stats, rena_error *err)
{
    rena_actuator performer = open_fake(0), robot = open_fake(0);
    rena_mimic_source src;
    ck_assert_int_eq(rena_mimic_source_performer(&rena_performers[0], seq, &performer,
                                                 RENA_OBS_FEATURES, &src, err),
                     RENA_OK);
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.filter = filter;
    opt.observe = RENA_OBS_FEATURES;
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(&opt, policy, &mm, err), RENA_OK);
    rena_mimic_record *keep = rec->rec;
    memset(rec, 0, sizeof *rec);
    rec->rec = keep;
    rena_status st = rena_mimic_run(mm, &src, &robot, record, rec, NULL, stats, err);
    rena_mimic_free(mm);
    rena_mimic_source_close(&src);
    rena_actuator_close(&performer);
    rena_actuator_close(&robot);
    return st;
}

static void assert_face_neutral(rena_actuator *a)
{
    float pos[RENA_NUM_SERVOS], neutral[RENA_NUM_SERVOS];
    ck_assert_int_eq(rena_actuator_read(a, pos, NULL), RENA_OK);
    rena_servo_neutral(neutral);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_float_eq(pos[i], neutral[i]);
}

/* ---- closed-loop accuracy ------------------------------------------------------- */

START_TEST(trained_model_beats_random_by_wide_margin)
{
    rena_mimic_policy model, rs;
    rena_error err;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, &err), RENA_OK);
    ck_assert_int_eq(rena_baseline_random(3, &rs, &err), RENA_OK);
    static recording rec;
    double ld_model = 0.0, ld_rs = 0.0;
    long frames = 0;
    for (int seq = 0; seq < RENA_PERFORMER_NUM_SEQUENCES; seq++) {
        ck_assert_int_eq(run_performer(&model, seq, RENA_MIMIC_FILTER_NONE, &rec, NULL, &err),
                         RENA_OK);
        ck_assert_int_eq(rec.frames, rena_performer_frames(&rena_performers[0], seq));
        ld_model += rec.ld_sum;
        frames += rec.frames;
        ck_assert_int_eq(run_performer(&rs, seq, RENA_MIMIC_FILTER_NONE, &rec, NULL, &err),
                         RENA_OK);
        ld_rs += rec.ld_sum;
    }
    ld_model /= (double)frames;
    ld_rs /= (double)frames;
    fprintf(stderr, "closed loop LD on the fake face: model %.4f, RS %.4f\n", ld_model, ld_rs);
    ck_assert_double_lt(ld_model, 0.4 * ld_rs); /* 2.5 times better at least */
    rena_mimic_policy_close(&model);
    rena_mimic_policy_close(&rs);
}
END_TEST

START_TEST(filter_removes_hops_on_abrupt_sequence)
{
    rena_mimic_policy model;
    rena_error err;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, &err), RENA_OK);
    static recording raw, smooth;
    int seq = RENA_PERFORMER_SEQ_ABRUPT;
    ck_assert_int_eq(run_performer(&model, seq, RENA_MIMIC_FILTER_NONE, &raw, NULL, &err),
                     RENA_OK);
    rena_mimic_stats st;
    ck_assert_int_eq(run_performer(&model, seq, RENA_MIMIC_FILTER_ONEEURO, &smooth, &st, &err),
                     RENA_OK);
    ck_assert_int_gt(st.limited, 0);
    double gd_raw, gd_smooth;
    long hops_raw, hops_smooth;
    ck_assert_int_eq(rena_seq_smoothness(&raw.sent[0][0], (int)raw.frames, RENA_NUM_SERVOS,
                                         RENA_SEQ_T_D, &gd_raw, &hops_raw, &err),
                     RENA_OK);
    ck_assert_int_eq(rena_seq_smoothness(&smooth.sent[0][0], (int)smooth.frames,
                                         RENA_NUM_SERVOS, RENA_SEQ_T_D, &gd_smooth,
                                         &hops_smooth, &err),
                     RENA_OK);
    fprintf(stderr, "abrupt sequence: hops %ld unfiltered, %ld filtered\n", hops_raw,
            hops_smooth);
    ck_assert_int_ge(hops_raw, 10);
    /* the growth bound (0.04) is under T_D (0.05): no hop can remain */
    ck_assert_int_eq(hops_smooth, 0);
    ck_assert_double_eq(gd_smooth, 100.0);
    rena_mimic_policy_close(&model);
}
END_TEST

/* The record's scores against the metrics computed here from the same run. */
START_TEST(record_scores_match_direct_computation)
{
    rena_mimic_policy model;
    rena_error err;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, &err), RENA_OK);
    static recording rec;
    rena_mimic_record r;
    rena_mimic_record_init(&r);
    rec.rec = &r;
    ck_assert_int_eq(run_performer(&model, RENA_EMOTION_FEAR, RENA_MIMIC_FILTER_NONE, &rec, NULL,
                                   &err),
                     RENA_OK);
    rena_mimic_scores sc;
    ck_assert_int_eq(rena_mimic_record_scores(&r, &sc, &err), RENA_OK);
    ck_assert_int_eq(sc.frames, rec.frames);
    ck_assert_double_eq_tol(sc.ld, rec.ld_sum / (double)rec.frames, 1e-12);
    ck_assert(isnan(sc.ssim) && isnan(sc.id)); /* the fake faces had no camera */
    double gd;
    long hops;
    ck_assert_int_eq(rena_seq_smoothness(&rec.sent[0][0], (int)rec.frames, RENA_NUM_SERVOS,
                                         RENA_SEQ_T_D, &gd, &hops, &err),
                     RENA_OK);
    ck_assert_double_eq(sc.gd, gd);
    ck_assert_int_eq(sc.hops, hops);
    rena_seq_metrics m;
    ck_assert_int_eq(rena_seq_evaluate(&rec.target[0][0][0], &rec.robot[0][0][0],
                                       RENA_NUM_LANDMARKS, NULL, 0, (int)rec.frames, NULL, &m,
                                       &err),
                     RENA_OK);
    ck_assert_double_eq(sc.gs, m.gs);
    ck_assert_double_eq(sc.gt, m.gt);
    ck_assert_double_gt(sc.gs, 0.0);
    rena_mimic_record_free(&r);
    rec.rec = NULL;
    rena_mimic_policy_close(&model);
}
END_TEST

/* ---- the limiter and the feature filter ---------------------------------------- */

typedef struct {
    long calls;
    float bs[MAX_FRAMES][RENA_NUM_BLENDSHAPES];
    float pose[MAX_FRAMES][3];
    unsigned valid[MAX_FRAMES];
} probe;

/* A policy that records what it is given and answers random commands. */
static rena_status probe_predict(void *ctx, const rena_features *f, long frame,
                                 float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    (void)err;
    probe *p = ctx;
    if (p->calls < MAX_FRAMES) {
        memcpy(p->bs[p->calls], f->blendshapes, sizeof p->bs[0]);
        memcpy(p->pose[p->calls], f->head_pose, sizeof p->pose[0]);
        p->valid[p->calls] = f->valid;
    }
    p->calls++;
    rena_expert_random(99, (uint64_t)frame, cmd);
    return RENA_OK;
}

static void random_frames(rena_mimic_frame *frames, long n, uint64_t seed)
{
    for (long k = 0; k < n; k++) {
        rena_rng r;
        rena_rng_init(&r, seed, (uint64_t)k);
        memset(&frames[k], 0, sizeof frames[k]);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
            frames[k].features.blendshapes[b] = (float)rena_rng_uniform(&r);
        for (int a = 0; a < 3; a++)
            frames[k].features.head_pose[a] = (float)rena_rng_range(&r, -0.3, 0.3);
        frames[k].features.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE;
        /* uneven frame times */
        frames[k].timestamp = k ? frames[k - 1].timestamp + rena_rng_range(&r, 0.02, 0.05) : 0.0;
    }
}

START_TEST(limiter_bounds_step_and_step_growth)
{
    static probe pr;
    memset(&pr, 0, sizeof pr);
    rena_mimic_policy policy = {"probe", RENA_FEAT_BLENDSHAPES, &pr, probe_predict, NULL};
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.filter = RENA_MIMIC_FILTER_ONEEURO;
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(&opt, &policy, &mm, NULL), RENA_OK);
    static rena_mimic_frame frames[200];
    random_frames(frames, 200, 5);
    float prev[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS], step[RENA_NUM_SERVOS] = {0};
    rena_servo_neutral(prev);
    for (long k = 0; k < 200; k++) {
        float target[RENA_NUM_SERVOS];
        rena_expert_random(99, (uint64_t)k, target);
        ck_assert_int_eq(rena_mimic_step(mm, &frames[k].features, frames[k].timestamp, cmd, NULL),
                         RENA_OK);
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            float s = cmd[i] - prev[i];
            ck_assert_float_le(fabsf(s), opt.max_step + 1e-6f);
            ck_assert_float_le(fabsf(s) - fabsf(step[i]), opt.max_step_growth + 1e-6f);
            /* towards the policy's command, never past it */
            ck_assert_float_le(fabsf(target[i] - cmd[i]), fabsf(target[i] - prev[i]) + 1e-6f);
            ck_assert(cmd[i] >= 0.0f && cmd[i] <= 1.0f);
            step[i] = s;
            prev[i] = cmd[i];
        }
    }
    rena_mimic_free(mm);
}
END_TEST

START_TEST(oneeuro_filters_blendshapes_and_pose_before_the_policy)
{
    static probe pr;
    memset(&pr, 0, sizeof pr);
    rena_mimic_policy policy = {"probe", RENA_FEAT_BLENDSHAPES, &pr, probe_predict, NULL};
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.filter = RENA_MIMIC_FILTER_ONEEURO;
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(&opt, &policy, &mm, NULL), RENA_OK);
    static rena_mimic_frame frames[100];
    random_frames(frames, 100, 6);
    rena_oneeuro_state ref;
    ck_assert_int_eq(rena_oneeuro_init(&ref, RENA_MIMIC_FILTER_CHANNELS, NULL), RENA_OK);
    float cmd[RENA_NUM_SERVOS], ch[RENA_MIMIC_FILTER_CHANNELS];
    for (long k = 0; k < 100; k++) {
        ck_assert_int_eq(rena_mimic_step(mm, &frames[k].features, frames[k].timestamp, cmd, NULL),
                         RENA_OK);
        memcpy(ch, frames[k].features.blendshapes, sizeof frames[k].features.blendshapes);
        memcpy(ch + RENA_NUM_BLENDSHAPES, frames[k].features.head_pose, 3 * sizeof(float));
        double dt = k ? frames[k].timestamp - frames[k - 1].timestamp : 0.0;
        ck_assert_int_eq(rena_oneeuro_filter(&opt.oneeuro, &ref, dt, ch, ch, NULL), RENA_OK);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
            ck_assert_float_eq_tol(pr.bs[k][b], ch[b], 1e-6f);
        for (int a = 0; a < 3; a++)
            ck_assert_float_eq_tol(pr.pose[k][a], ch[RENA_NUM_BLENDSHAPES + a], 1e-6f);
    }
    /* smoothing happened: the filtered input differs from the raw one */
    ck_assert_float_ne(pr.bs[50][0], frames[50].features.blendshapes[0]);
    rena_oneeuro_free(&ref);
    rena_mimic_free(mm);
}
END_TEST

/* ---- input checks ------------------------------------------------------------- */

START_TEST(bad_values_are_clamped_or_refused)
{
    static probe pr;
    memset(&pr, 0, sizeof pr);
    rena_mimic_policy policy = {"probe", RENA_FEAT_BLENDSHAPES, &pr, probe_predict, NULL};
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(&opt, &policy, &mm, NULL), RENA_OK);
    rena_features f;
    memset(&f, 0, sizeof f);
    f.valid = RENA_FEAT_BLENDSHAPES; /* no pose: facing the camera */
    f.blendshapes[RENA_BS_JAW_OPEN] = NAN;
    f.blendshapes[RENA_BS_MOUTH_SMILE_LEFT] = 1.7f;
    f.blendshapes[RENA_BS_MOUTH_SMILE_RIGHT] = -0.2f;
    float cmd[RENA_NUM_SERVOS];
    rena_error err;
    ck_assert_int_eq(rena_mimic_step(mm, &f, 0.0, cmd, &err), RENA_OK);
    ck_assert_float_eq(pr.bs[0][RENA_BS_JAW_OPEN], 0.0f);
    ck_assert_float_eq(pr.bs[0][RENA_BS_MOUTH_SMILE_LEFT], 1.0f);
    ck_assert_float_eq(pr.bs[0][RENA_BS_MOUTH_SMILE_RIGHT], 0.0f);
    ck_assert_uint_eq(pr.valid[0] & RENA_FEAT_POSE, RENA_FEAT_POSE);
    for (int a = 0; a < 3; a++)
        ck_assert_float_eq(pr.pose[0][a], 0.0f);
    rena_mimic_stats stats;
    rena_mimic_get_stats(mm, &stats);
    ck_assert_int_eq(stats.clamped, 3);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert(isfinite(cmd[i]) && cmd[i] >= 0.0f && cmd[i] <= 1.0f);
    rena_mimic_free(mm);

    opt.strict = 1;
    ck_assert_int_eq(rena_mimic_create(&opt, &policy, &mm, NULL), RENA_OK);
    ck_assert_int_eq(rena_mimic_step(mm, &f, 0.0, cmd, &err), RENA_ERR_RANGE);
    ck_assert_str_eq(err.where, "jawOpen");
    ck_assert_ptr_nonnull(strstr(err.message, "frame 0"));
    f.blendshapes[RENA_BS_JAW_OPEN] = 0.5f;
    f.blendshapes[RENA_BS_MOUTH_SMILE_LEFT] = 0.5f;
    f.blendshapes[RENA_BS_MOUTH_SMILE_RIGHT] = 0.5f;
    f.valid |= RENA_FEAT_POSE;
    f.head_pose[1] = INFINITY;
    ck_assert_int_eq(rena_mimic_step(mm, &f, 0.0, cmd, &err), RENA_ERR_RANGE);
    ck_assert_str_eq(err.where, "head_pose.pitch");
    rena_mimic_free(mm);
}
END_TEST

START_TEST(missing_parts_and_empty_inputs_are_errors)
{
    rena_mimic_policy lm = {"landmark-mlp", RENA_FEAT_LANDMARKS, NULL, probe_predict, NULL};
    rena_mimic *mm;
    rena_error err;
    ck_assert_int_eq(rena_mimic_create(NULL, &lm, &mm, &err), RENA_OK);
    rena_features f;
    memset(&f, 0, sizeof f);
    f.valid = RENA_FEAT_BLENDSHAPES;
    float cmd[RENA_NUM_SERVOS];
    ck_assert_int_eq(rena_mimic_step(mm, &f, 0.0, cmd, &err), RENA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.message, "landmarks"));
    rena_mimic_free(mm);

    static probe pr;
    rena_mimic_policy policy = {"probe", RENA_FEAT_BLENDSHAPES, &pr, probe_predict, NULL};
    ck_assert_int_eq(rena_mimic_create(NULL, &policy, &mm, &err), RENA_OK);
    f.valid = RENA_FEAT_LANDMARKS;
    ck_assert_int_eq(rena_mimic_step(mm, &f, 0.0, cmd, &err), RENA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.message, "blendshapes"));

    rena_mimic_source empty;
    ck_assert_int_eq(rena_mimic_source_frames(NULL, 0, "empty.csv", &empty, &err), RENA_OK);
    rena_actuator face = open_fake(0);
    rena_mimic_stats stats;
    ck_assert_int_eq(rena_mimic_run(mm, &empty, &face, NULL, NULL, NULL, &stats, &err),
                     RENA_ERR_FORMAT);
    ck_assert_str_eq(err.where, "empty.csv");
    ck_assert_int_eq(stats.frames, 0);
    assert_face_neutral(&face);
    rena_mimic_source_close(&empty);
    rena_actuator_close(&face);
    rena_mimic_free(mm);

    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.max_step = 0.0f;
    ck_assert_int_eq(rena_mimic_create(&opt, &policy, &mm, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "mimic options: max_step");
}
END_TEST

/* ---- streams ------------------------------------------------------------------ */

/* Records every command written, then hands it to the fake face. */
typedef struct {
    rena_actuator inner;
    long writes;
    float log[512][RENA_NUM_SERVOS];
} recorder;

static rena_status rec_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                             float sent[RENA_NUM_SERVOS], rena_error *err)
{
    recorder *r = ctx;
    rena_status st = rena_actuator_write(&r->inner, cmd, sent, err);
    if (st == RENA_OK && r->writes < 512)
        rena_servo_sanitize(cmd, r->log[r->writes++]);
    return st;
}
static rena_status rec_reset(void *ctx, rena_error *err)
{
    return rena_actuator_reset(&((recorder *)ctx)->inner, err);
}
static rena_status rec_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_actuator_read(&((recorder *)ctx)->inner, pos, err);
}
static rena_status rec_observe(void *ctx, unsigned want, rena_observation *o, rena_error *err)
{
    return rena_actuator_observe(&((recorder *)ctx)->inner, want, o, err);
}

static rena_actuator open_recorder(recorder *r)
{
    memset(r, 0, sizeof *r);
    r->inner = open_fake(0);
    return (rena_actuator){"recorder", r, rec_write, rec_reset, rec_read, rec_observe, NULL};
}

typedef struct {
    int fd;
    int frames;
} writer_job;

/* Another process's MediaPipe output, as it arrives: a header, frames of a
 * broad smile, then the pipe closes. */
static void *write_stream(void *arg)
{
    writer_job *job = arg;
    FILE *fp = fdopen(job->fd, "w");
    for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
        fprintf(fp, "%s%s", b ? "," : "", rena_blendshape_names[b]);
    fprintf(fp, "\n");
    for (int k = 0; k < job->frames; k++) {
        float cmd[RENA_NUM_SERVOS];
        rena_features f;
        rena_performer_peak(&rena_performers[0], RENA_EMOTION_SURPRISE, cmd);
        rena_fakeface_features(cmd, &f);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
            fprintf(fp, "%s%.6f", b ? "," : "", (double)f.blendshapes[b]);
        fprintf(fp, "\n");
        fflush(fp);
    }
    fclose(fp);
    return NULL;
}

START_TEST(stream_that_stops_ends_cleanly_at_neutral)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    writer_job job = {fds[1], 40};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, write_stream, &job), 0);
    FILE *in = fdopen(fds[0], "r");
    rena_features_reader *reader;
    rena_error err;
    ck_assert_int_eq(rena_features_reader_open_stream(in, "-", NULL, &reader, &err), RENA_OK);
    rena_mimic_source src;
    ck_assert_int_eq(rena_mimic_source_reader(reader, 1, "-", &src, &err), RENA_OK);
    rena_mimic_policy model;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, &err), RENA_OK);
    static recorder rec;
    rena_actuator face = open_recorder(&rec);
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(NULL, &model, &mm, &err), RENA_OK);
    rena_mimic_stats stats;
    ck_assert_int_eq(rena_mimic_run(mm, &src, &face, NULL, NULL, NULL, &stats, &err), RENA_OK);
    pthread_join(th, NULL);
    ck_assert_int_eq(stats.frames, 40);
    /* the surprised face was far from neutral, so easing took several frames */
    ck_assert_int_ge(stats.ease_frames, 3);
    ck_assert_int_eq(rec.writes, 40 + stats.ease_frames);
    for (long k = 40; k < rec.writes; k++)
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            ck_assert_float_le(fabsf(rec.log[k][i] - rec.log[k - 1][i]),
                               RENA_RATE_LIMIT_STEP + 1e-6f);
    float neutral[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_float_eq(rec.log[rec.writes - 1][i], neutral[i]);
    assert_face_neutral(&face);
    rena_mimic_free(mm);
    rena_mimic_policy_close(&model);
    rena_mimic_source_close(&src);
    fclose(in);
    rena_actuator_close(&rec.inner);
}
END_TEST

START_TEST(source_failure_stops_and_eases_to_neutral)
{
    rena_actuator performer = open_fake(5), robot = open_fake(0);
    rena_mimic_source src;
    rena_error err;
    ck_assert_int_eq(rena_mimic_source_performer(&rena_performers[0], RENA_EMOTION_SURPRISE,
                                                 &performer, RENA_OBS_FEATURES, &src, &err),
                     RENA_OK);
    rena_mimic_policy model;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, &err), RENA_OK);
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(NULL, &model, &mm, &err), RENA_OK);
    rena_mimic_stats stats;
    ck_assert_int_eq(rena_mimic_run(mm, &src, &robot, NULL, NULL, NULL, &stats, &err),
                     RENA_ERR_BACKEND);
    ck_assert_int_eq(stats.frames, 5);
    assert_face_neutral(&robot);
    rena_mimic_free(mm);
    rena_mimic_policy_close(&model);
    rena_mimic_source_close(&src);
    rena_actuator_close(&performer);
    rena_actuator_close(&robot);
}
END_TEST

START_TEST(performer_source_frames_follow_the_script)
{
    rena_actuator performer = open_fake(0);
    rena_mimic_source src;
    const rena_performer *p = &rena_performers[1];
    int seq = RENA_EMOTION_DISGUST;
    ck_assert_int_eq(rena_mimic_source_performer(p, seq, &performer, RENA_OBS_FEATURES, &src,
                                                 NULL),
                     RENA_OK);
    ck_assert_str_eq(src.name, "performer:ben/disgust");
    rena_mimic_frame fr;
    rena_error err;
    long k = 0;
    while (src.next(src.ctx, &fr, &err) == RENA_OK) {
        float cmd[RENA_NUM_SERVOS];
        rena_features expect;
        ck_assert_int_eq(rena_performer_command(p, seq, k, cmd, NULL), RENA_OK);
        rena_fakeface_features(cmd, &expect);
        ck_assert(fr.has_command);
        ck_assert(memcmp(fr.command, cmd, sizeof cmd) == 0);
        ck_assert(memcmp(fr.features.landmarks, expect.landmarks, sizeof expect.landmarks) == 0);
        ck_assert_double_eq_tol(fr.timestamp, (double)k / 30.0, 1e-12);
        k++;
    }
    ck_assert_int_eq(err.code, RENA_ERR_NOT_FOUND);
    ck_assert_int_eq(k, rena_performer_frames(p, seq));
    rena_mimic_source_close(&src);
    rena_actuator_close(&performer);
}
END_TEST

START_TEST(runs_are_deterministic)
{
    rena_mimic_policy model;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, NULL), RENA_OK);
    static recording a, b;
    ck_assert_int_eq(run_performer(&model, RENA_EMOTION_FEAR, RENA_MIMIC_FILTER_ONEEURO, &a,
                                   NULL, NULL),
                     RENA_OK);
    ck_assert_int_eq(run_performer(&model, RENA_EMOTION_FEAR, RENA_MIMIC_FILTER_ONEEURO, &b,
                                   NULL, NULL),
                     RENA_OK);
    ck_assert_int_eq(a.frames, b.frames);
    ck_assert(memcmp(a.sent, b.sent, sizeof a.sent) == 0);
    rena_mimic_policy_close(&model);
}
END_TEST

/* mallinfo2 counts the bytes malloc has handed out; under ASan it reports
 * nothing, so the check is only meaningful in the normal build. */
START_TEST(per_frame_path_allocates_nothing)
{
    rena_mimic_policy model;
    ck_assert_int_eq(rena_mimic_policy_model(g_model, NULL, &model, NULL), RENA_OK);
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.filter = RENA_MIMIC_FILTER_ONEEURO;
    rena_mimic *mm;
    ck_assert_int_eq(rena_mimic_create(&opt, &model, &mm, NULL), RENA_OK);
    static rena_mimic_frame frames[200];
    random_frames(frames, 200, 8);
    float cmd[RENA_NUM_SERVOS];
    ck_assert_int_eq(rena_mimic_step(mm, &frames[0].features, 0.0, cmd, NULL), RENA_OK);
    struct mallinfo2 before = mallinfo2();
    for (long k = 1; k < 200; k++)
        ck_assert_int_eq(rena_mimic_step(mm, &frames[k].features, frames[k].timestamp, cmd, NULL),
                         RENA_OK);
    struct mallinfo2 after = mallinfo2();
    ck_assert_uint_eq(after.uordblks, before.uordblks);
    ck_assert_uint_eq(after.hblkhd, before.hblkhd);
    rena_mimic_free(mm);
    rena_mimic_policy_close(&model);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_mimic");
    TCase *tc = tcase_create("mimic");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, train_shared_model, free_shared_model);
    tcase_add_test(tc, trained_model_beats_random_by_wide_margin);
    tcase_add_test(tc, filter_removes_hops_on_abrupt_sequence);
    tcase_add_test(tc, record_scores_match_direct_computation);
    tcase_add_test(tc, limiter_bounds_step_and_step_growth);
    tcase_add_test(tc, oneeuro_filters_blendshapes_and_pose_before_the_policy);
    tcase_add_test(tc, bad_values_are_clamped_or_refused);
    tcase_add_test(tc, missing_parts_and_empty_inputs_are_errors);
    tcase_add_test(tc, stream_that_stops_ends_cleanly_at_neutral);
    tcase_add_test(tc, source_failure_stops_and_eases_to_neutral);
    tcase_add_test(tc, performer_source_frames_follow_the_script);
    tcase_add_test(tc, runs_are_deterministic);
    tcase_add_test(tc, per_frame_path_allocates_nothing);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
