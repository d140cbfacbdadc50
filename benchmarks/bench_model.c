/* bench_model: size and speed of every architecture.
 *
 *   parameters; single-frame latency (rena_model_predict, one core, median
 *   and p99 over many frames); batched throughput (rena_model_predict_samples
 *   on 1 and 2 threads); training seconds per epoch on 8,000 synthetic
 *   samples (7,200 fitted, batch 256, 2 threads, including the validation
 *   pass).
 *
 * Usage: bench_model [--json] [--frames N] [--arch NAME]
 * Timings are printed, never asserted; benchmarks/bench_vs_torch.sh runs
 * this and the PyTorch peer (torch_peer.py) in one go and prints ratios. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "rng.h"
#include "train.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static rena_samples synthetic(long n)
{
    rena_samples s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.commands = calloc((size_t)n * RENA_NUM_SERVOS, sizeof(float));
    s.blendshapes = calloc((size_t)n * RENA_NUM_BLENDSHAPES, sizeof(float));
    s.landmarks = calloc((size_t)n * RENA_NUM_LANDMARKS * 2, sizeof(float));
    s.head_pose = calloc((size_t)n * 3, sizeof(float));
    for (long i = 0; i < n; i++) {
        rena_rng r;
        rena_rng_init(&r, 3, (uint64_t)i);
        for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
            s.blendshapes[i * RENA_NUM_BLENDSHAPES + k] = (float)rena_rng_uniform(&r);
        for (int k = 0; k < RENA_NUM_LANDMARKS * 2; k++)
            s.landmarks[i * RENA_NUM_LANDMARKS * 2 + k] = 300.0f + 50.0f * (float)rena_rng_normal(&r);
        for (int k = 0; k < 3; k++)
            s.head_pose[i * 3 + k] = (float)rena_rng_range(&r, -0.3, 0.3);
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            s.commands[i * RENA_NUM_SERVOS + k] =
                0.5f + 0.4f * sinf(3.0f * s.blendshapes[i * RENA_NUM_BLENDSHAPES + (k * 7) % 52]);
    }
    return s;
}

static void free_samples(rena_samples *s)
{
    free(s->commands);
    free(s->blendshapes);
    free(s->landmarks);
    free(s->head_pose);
}

typedef struct {
    long params;
    double median_us, p99_us, batch1_fps, batch2_fps, epoch_s;
} figures;

static void measure_latency(const rena_model *m, const rena_samples *s, int frames, figures *f)
{
    rena_workspace *ws = rena_workspace_create(m);
    double *t = malloc(sizeof(double) * (size_t)frames);
    float c[RENA_NUM_SERVOS];
    rena_features feat;
    memset(&feat, 0, sizeof feat);
    feat.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    for (int i = 0; i < frames; i++) {
        long row = i % s->n;
        memcpy(feat.blendshapes, s->blendshapes + row * RENA_NUM_BLENDSHAPES, sizeof feat.blendshapes);
        memcpy(feat.landmarks, s->landmarks + row * RENA_NUM_LANDMARKS * 2, sizeof feat.landmarks);
        memcpy(feat.head_pose, s->head_pose + row * 3, sizeof feat.head_pose);
        double t0 = now();
        rena_model_predict(m, ws, &feat, c);
        t[i] = (now() - t0) * 1e6;
    }
    qsort(t, (size_t)frames, sizeof(double), cmp_double);
    f->median_us = t[frames / 2];
    f->p99_us = t[(int)(frames * 0.99)];
    free(t);
    rena_workspace_free(ws);
}

static double throughput(const rena_model *m, const rena_samples *s, int threads)
{
    float *out = malloc(sizeof(float) * (size_t)s->n * RENA_NUM_SERVOS);
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        rena_model_predict_samples(m, s, threads, out, NULL);
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    free(out);
    return (double)s->n / best;
}

static double epoch_seconds(rena_arch arch, const rena_samples *train)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_train_options o;
    rena_train_options_default(&o);
    o.max_epochs = 3;
    o.threads = 2;
    rena_model *m = NULL;
    rena_train_history h;
    if (rena_train(&hp, &o, train, NULL, &m, &h, NULL, NULL) != RENA_OK)
        return NAN;
    double best = 1e30;
    for (int e = 0; e < h.n_epochs; e++)
        best = h.epochs[e].seconds < best ? h.epochs[e].seconds : best;
    rena_train_history_free(&h);
    rena_model_free(m);
    return best;
}

int main(int argc, char **argv)
{
    int json = 0, frames = 20000;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--arch") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_model [--json] [--frames N] [--arch NAME]\n");
            return 2;
        }
    }
    frames = frames < 100 ? 100 : frames;
    rena_samples data = synthetic(8000), batch = synthetic(4096);
    if (!json)
        printf("%-13s %7s %10s %8s %12s %12s %9s\n", "arch", "params", "median_us", "p99_us",
               "frames/s@1t", "frames/s@2t", "s/epoch@2t");
    else
        printf("[\n");
    int first = 1;
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        if (only && strcmp(only, rena_arch_name((rena_arch)a)))
            continue;
        rena_model_hparams hp;
        rena_model_hparams_default((rena_arch)a, &hp);
        rena_model *m = NULL;
        rena_model_create(&hp, 1, &m, NULL);
        figures f = {m->n_params, 0, 0, 0, 0, 0};
        measure_latency(m, &data, frames, &f);
        f.batch1_fps = throughput(m, &batch, 1);
        f.batch2_fps = throughput(m, &batch, 2);
        f.epoch_s = epoch_seconds((rena_arch)a, &data);
        if (json)
            printf("%s  {\"arch\": \"%s\", \"params\": %ld, \"median_us\": %.3f, \"p99_us\": %.3f, "
                   "\"fps_1t\": %.0f, \"fps_2t\": %.0f, \"epoch_s_2t\": %.4f}",
                   first ? "" : ",\n", rena_arch_name((rena_arch)a), f.params, f.median_us,
                   f.p99_us, f.batch1_fps, f.batch2_fps, f.epoch_s);
        else
            printf("%-13s %7ld %10.2f %8.2f %12.0f %12.0f %9.3f\n", rena_arch_name((rena_arch)a),
                   f.params, f.median_us, f.p99_us, f.batch1_fps, f.batch2_fps, f.epoch_s);
        first = 0;
        rena_model_free(m);
    }
    if (json)
        printf("\n]\n");
    free_samples(&data);
    free_samples(&batch);
    return 0;
}
