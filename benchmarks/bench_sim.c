/* bench_sim: the simulated face's costs, each next to a peer measured in the
 * same run: mj_step (peer: mj_forward), write+settle (peer: reset), a
 * 640x480 render (peer: 320x240) and a features-only observe. Prints
 * figures; asserts nothing.  Usage: bench_sim [samples]  (default 200) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"
#include "sim.h"
#include "sim_model.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the whole process (llvmpipe's threads included): steadier
 * than wall time on a machine shared with other work. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void random_command(rena_rng *rng, float cmd[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = (float)rena_rng_uniform(rng);
}

static int fail(const rena_error *e)
{
    char buf[1200];
    fprintf(stderr, "bench_sim: %s\n", rena_error_format(e, buf, sizeof buf));
    return 1;
}

/* mj_step and mj_forward on the bare model, commands changing every 100 steps. */
static int bench_physics(int n)
{
    rena_error e;
    rena_sim_model sm;
    if (rena_sim_model_load(rena_sim_default_scene(), &sm, &e) != RENA_OK)
        return fail(&e);
    mjData *d = mj_makeData(sm.m);
    rena_rng rng;
    rena_rng_init(&rng, 1, 0);
    float cmd[RENA_NUM_SERVOS];
    int steps = n * 100;
    double t0 = now_s(), c0 = cpu_s();
    for (int k = 0; k < steps; k++) {
        if (k % 100 == 0) {
            random_command(&rng, cmd);
            for (int i = 0; i < RENA_NUM_SERVOS; i++)
                d->ctrl[sm.actuator[i]] = cmd[i];
        }
        mj_step(sm.m, d);
    }
    double t_step = (now_s() - t0) / steps, c_step = (cpu_s() - c0) / steps;
    t0 = now_s();
    for (int k = 0; k < steps; k++)
        mj_forward(sm.m, d);
    double t_fwd = (now_s() - t0) / steps;
    printf("mj_step            %8.4f ms   (CPU %.4f ms; mj_forward %.4f ms, ratio %.2f)"
           "  nv=%d neq=%d\n",
           1e3 * t_step, 1e3 * c_step, 1e3 * t_fwd, t_step / t_fwd, sm.m->nv, sm.m->neq);
    mj_deleteData(d);
    rena_sim_model_free(&sm);
    return 0;
}

static int bench_actuator(int n)
{
    rena_error e;
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    rena_actuator a;
    double t0 = now_s();
    if (rena_sim_open(&opt, &a, &e) != RENA_OK)
        return fail(&e);
    printf("open (load, calibrate, GL context) %.1f ms\n", 1e3 * (now_s() - t0));
    rena_rng rng;
    rena_rng_init(&rng, 2, 0);
    float cmd[RENA_NUM_SERVOS];
    rena_observation obs;
    double t_write = 0, t_reset = 0, t_feat = 0, t_img = 0, sim_time = 0, c_write = 0, c_img = 0;
    for (int k = 0; k < n; k++) {
        random_command(&rng, cmd);
        double t = now_s();
        if (rena_actuator_reset(&a, &e) != RENA_OK)
            return fail(&e);
        double t1 = now_s(), c1 = cpu_s();
        if (rena_actuator_write(&a, cmd, NULL, &e) != RENA_OK)
            return fail(&e);
        double t2 = now_s(), c2 = cpu_s();
        if (rena_actuator_observe(&a, RENA_OBS_FEATURES, &obs, &e) != RENA_OK)
            return fail(&e);
        double t3 = now_s(), c3 = cpu_s();
        if (rena_actuator_observe(&a, RENA_OBS_IMAGE, &obs, &e) != RENA_OK || !obs.has_image)
            return fail(&e);
        double t4 = now_s(), c4 = cpu_s();
        c_write += c2 - c1;
        c_img += c4 - c3;
        t_reset += t1 - t;
        t_write += t2 - t1;
        t_feat += t3 - t2;
        t_img += t4 - t3;
        sim_time += obs.settle_time;
    }
    rena_actuator_close(&a);
    printf("write+settle       %8.3f ms   (CPU %.3f ms; reset %.3f ms; %.3f s simulated)\n",
           1e3 * t_write / n, 1e3 * c_write / n, 1e3 * t_reset / n, sim_time / n);
    printf("observe features   %8.3f ms\n", 1e3 * t_feat / n);
    printf("render %dx%d     %8.3f ms   (CPU of all threads %.3f ms)\n", 640, 480,
           1e3 * t_img / n, 1e3 * c_img / n);

    opt.width = 320;
    opt.height = 240;
    if (rena_sim_open(&opt, &a, &e) != RENA_OK)
        return fail(&e);
    double t_small = 0;
    for (int k = 0; k < n; k++) {
        double t = now_s();
        if (rena_actuator_observe(&a, RENA_OBS_IMAGE, &obs, &e) != RENA_OK)
            return fail(&e);
        t_small += now_s() - t;
    }
    rena_actuator_close(&a);
    printf("render 320x240     %8.3f ms   (640x480 / 320x240 = %.2f)\n", 1e3 * t_small / n,
           t_img / t_small);
    double per_sample = (t_reset + t_write + t_feat + t_img) / n;
    printf("one sample (reset+write+features+image) %.2f ms -> 9000 samples %.1f s on one thread\n",
           1e3 * per_sample, 9000 * per_sample);
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_sim [samples > 0]\n");
        return 2;
    }
    printf("bench_sim: %d samples, scene %s\n", n, rena_sim_default_scene());
    if (bench_physics(n) != 0)
        return 1;
    return bench_actuator(n);
}
