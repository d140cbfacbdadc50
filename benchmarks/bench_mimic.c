/* bench_mimic.c: per-frame latency of the mimic loop without rendering.
 *
 *   bench_mimic [MODEL.rena] [frames]
 *
 * Measures, on one thread, the time from a frame's features to the command
 * (rena_mimic_step: input checks, optional 1-euro filter, policy, limiter)
 * for the model (a kan-attn with the default shape and random weights when
 * no file is given: inference costs the same whatever the weights), against
 * its peers measured in the same run: the bare rena_model_predict, the NN
 * baseline over 8,000 rows and RS. Then one full frame of the loop on the
 * simulated face without rendering (step + write with one frame period of
 * physics + observe landmarks and blendshapes). Prints figures and ratios;
 * asserts nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baselines.h"
#include "expert.h"
#include "mimic.h"
#include "modelfile.h"
#include "rng.h"
#include "sim.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void fail(const char *what, const rena_error *err)
{
    char buf[1200];
    fprintf(stderr, "bench_mimic: %s: %s\n", what, rena_error_format(err, buf, sizeof buf));
    exit(1);
}

/* A performance-like stream: slowly varying blendshapes with noise. */
static void make_frames(rena_features *f, long n)
{
    for (long k = 0; k < n; k++) {
        rena_rng r;
        rena_rng_init(&r, 5, (uint64_t)k);
        memset(&f[k], 0, sizeof f[k]);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++) {
            double v = 0.5 + 0.4 * sin(0.05 * (double)k + b) + 0.02 * rena_rng_normal(&r);
            f[k].blendshapes[b] = (float)(v < 0 ? 0 : v > 1 ? 1 : v);
        }
        for (int p = 0; p < RENA_NUM_LANDMARKS; p++) {
            double a = 6.283185307179586 * p / RENA_NUM_LANDMARKS;
            f[k].landmarks[p][0] = (float)(320.0 + 120.0 * cos(a) + rena_rng_normal(&r));
            f[k].landmarks[p][1] = (float)(240.0 + 150.0 * sin(a) + rena_rng_normal(&r));
        }
        f[k].valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE | RENA_FEAT_LANDMARKS;
    }
}

/* Mean microseconds per rena_mimic_step over the frames, best of 5 passes. */
static double time_steps(const rena_mimic_policy *p, rena_mimic_filter filter,
                         const rena_features *frames, long n)
{
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.filter = filter;
    rena_mimic *mm;
    rena_error err;
    if (rena_mimic_create(&opt, p, &mm, &err) != RENA_OK)
        fail("mimic", &err);
    float cmd[RENA_NUM_SERVOS];
    double best = INFINITY, sink = 0.0;
    for (int pass = 0; pass < 5; pass++) {
        rena_mimic_restart(mm);
        double t0 = now_s();
        for (long k = 0; k < n; k++) {
            if (rena_mimic_step(mm, &frames[k], (double)k / 30.0, cmd, &err) != RENA_OK)
                fail("step", &err);
            sink += cmd[k % RENA_NUM_SERVOS];
        }
        double us = 1e6 * (now_s() - t0) / (double)n;
        best = us < best ? us : best;
    }
    rena_mimic_free(mm);
    return sink > -1.0 ? best : 0.0;
}

static double time_predict(const rena_model *m, const rena_features *frames, long n)
{
    rena_workspace *ws = rena_workspace_create(m);
    float cmd[RENA_NUM_SERVOS];
    double best = INFINITY;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now_s();
        for (long k = 0; k < n; k++)
            rena_model_predict(m, ws, &frames[k], cmd);
        double us = 1e6 * (now_s() - t0) / (double)n;
        best = us < best ? us : best;
    }
    rena_workspace_free(ws);
    return best;
}

static void fake_training_split(rena_samples *s, long n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->blendshapes = malloc(sizeof(float) * (size_t)n * RENA_NUM_BLENDSHAPES);
    s->commands = malloc(sizeof(float) * (size_t)n * RENA_NUM_SERVOS);
    for (long i = 0; i < n; i++) {
        rena_rng r;
        rena_rng_init(&r, 9, (uint64_t)i);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
            s->blendshapes[i * RENA_NUM_BLENDSHAPES + b] = (float)rena_rng_uniform(&r);
        rena_expert_sample(9, (uint64_t)i, s->commands + i * RENA_NUM_SERVOS, NULL);
    }
}

/* One loop frame on the simulated face, rendering off. */
static void time_sim_loop(const rena_mimic_policy *p, const rena_features *frames, long n)
{
    rena_sim_options so;
    rena_sim_options_default(&so);
    so.render = 0;
    so.settle_cap_s = 1.0 / RENA_MIMIC_FPS;
    rena_actuator face;
    rena_error err;
    if (rena_sim_open(&so, &face, &err) != RENA_OK) {
        char buf[1200];
        printf("sim loop: skipped (%s)\n", rena_error_format(&err, buf, sizeof buf));
        return;
    }
    rena_mimic_source src;
    static rena_mimic_frame mf[600];
    long m = n < 600 ? n : 600;
    for (long k = 0; k < m; k++) {
        memset(&mf[k], 0, sizeof mf[k]);
        mf[k].features = frames[k];
        mf[k].timestamp = (double)k / 30.0;
    }
    rena_mimic_options opt;
    rena_mimic_options_default(&opt);
    opt.observe = RENA_OBS_FEATURES;
    opt.ease_to_neutral = 0;
    rena_mimic *mm;
    rena_mimic_stats stats;
    if (rena_mimic_source_frames(mf, m, "bench", &src, &err) ||
        rena_mimic_create(&opt, p, &mm, &err))
        fail("sim loop", &err);
    double t0 = now_s();
    if (rena_mimic_run(mm, &src, &face, NULL, NULL, NULL, &stats, &err) != RENA_OK)
        fail("sim loop", &err);
    double frame_us = 1e6 * (now_s() - t0) / (double)m;
    double step_us = 1e6 * stats.compute_s / (double)stats.frames;
    printf("sim loop (no render), %ld frames: %.1f us per frame, of which features -> command "
           "%.1f us (%.1f%%); the rest is %.0f physics steps + perception\n",
           m, frame_us, step_us, 100.0 * step_us / frame_us, (1.0 / RENA_MIMIC_FPS) / 0.002);
    rena_mimic_free(mm);
    rena_mimic_source_close(&src);
    rena_actuator_close(&face);
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? atol(argv[2]) : 20000;
    if (n < 100)
        n = 100;
    rena_error err;
    rena_model *m;
    if (argc > 1) {
        if (rena_model_load(argv[1], &m, &err) != RENA_OK)
            fail(argv[1], &err);
    } else {
        rena_model_hparams hp;
        rena_model_hparams_default(RENA_ARCH_KAN_ATTN, &hp);
        if (rena_model_create(&hp, 1, &m, &err) != RENA_OK)
            fail("model", &err);
    }
    rena_features *frames = malloc(sizeof *frames * (size_t)n);
    make_frames(frames, n);
    rena_mimic_policy model, rs, nn;
    rena_samples train;
    fake_training_split(&train, 8000);
    if (rena_mimic_policy_model(m, NULL, &model, &err) || rena_baseline_random(1, &rs, &err) ||
        rena_baseline_nearest(&train, &nn, &err))
        fail("policies", &err);

    printf("mimic per-frame latency, one thread, %ld frames (%s, %ld parameters)\n", n,
           rena_arch_name(m->hp.arch), m->n_params);
    double predict = time_predict(m, frames, n);
    double bare = time_steps(&model, RENA_MIMIC_FILTER_NONE, frames, n);
    double filtered = time_steps(&model, RENA_MIMIC_FILTER_ONEEURO, frames, n);
    double t_rs = time_steps(&rs, RENA_MIMIC_FILTER_NONE, frames, n);
    double t_nn = time_steps(&nn, RENA_MIMIC_FILTER_NONE, frames, n < 2000 ? n : 2000);
    printf("  rena_model_predict alone           %8.2f us\n", predict);
    printf("  mimic step, no filter              %8.2f us  (%.2fx predict)\n", bare,
           bare / predict);
    printf("  mimic step, 1-euro + limiter       %8.2f us  (%.2fx predict; filter costs %.2f us)\n",
           filtered, filtered / predict, filtered - bare);
    rena_model_hparams lhp;
    rena_model_hparams_default(RENA_ARCH_LANDMARK_MLP, &lhp);
    rena_model *lm;
    rena_mimic_policy eva;
    if (rena_model_create(&lhp, 1, &lm, &err) || rena_mimic_policy_model(lm, NULL, &eva, &err))
        fail("landmark-mlp", &err);
    double t_eva = time_steps(&eva, RENA_MIMIC_FILTER_NONE, frames, n);
    rena_mimic_policy_close(&eva);
    rena_model_free(lm);
    printf("  Eva (landmark-mlp, default shape)  %8.2f us\n", t_eva);
    printf("  RS baseline step                   %8.2f us\n", t_rs);
    printf("  NN baseline step (8,000 rows)      %8.2f us  (%.1fx the model step)\n", t_nn,
           t_nn / bare);
    printf("  goal < 100 us per frame: the filtered model step uses %.0f%% of it\n",
           filtered);
    time_sim_loop(&model, frames, n);

    rena_mimic_policy_close(&model);
    rena_mimic_policy_close(&rs);
    rena_mimic_policy_close(&nn);
    free(train.blendshapes);
    free(train.commands);
    free(frames);
    rena_model_free(m);
    return 0;
}
