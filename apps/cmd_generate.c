/* cmd_generate.c: `rena generate`, the expert-strategy dataset on a face
 * backend (paper Sec. IV.B). */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cli.h"
#include "sim.h"
#include "commands.h"
#include "dataset.h"
#include "generate.h"
#include "mpi_run.h"

#define CMD "generate"

/* The emulator's servos move in emulated time this much faster than the
 * wall clock, so a horn reaches its goal within microseconds and a sample
 * costs a few bus round trips instead of two ~0.2 s moves. */
#define EMU_SPEEDUP 1e5

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena generate --out DIR [options]\n"
            "\n"
            "Drives the face with the expert strategy (paper Algorithm 1), reads the servo\n"
            "positions back, observes the face and writes a dataset folder (train/, test/,\n"
            "meta.json, optional images/).\n"
            "\n"
            "  --out DIR         dataset folder; built aside and renamed into place at the end\n"
            "  --samples N       samples in the whole dataset (default %ld)\n"
            "  --test T          of which in the test split (default N/9: 1000 of 9000)\n"
            "  --seed S          seed of the strategy, the split and the noise (default 0)\n"
            "  --images          also save images/NNNNNN.png (640x480 camera)\n"
            "  --shard I/N       generate only shard I of N; join shards with 'rena merge'\n"
            "  --noise PX        Gaussian noise on the landmarks, sigma in pixels (default 0)\n"
            "  --backend SPEC    sim | sim:SCENE.xml | emu | serial:PORT (default sim);\n"
            "                    emu and serial have no camera: they record commands and\n"
            "                    read-back positions only (meta.json \"features\": false)\n"
            "  --jobs J          worker threads, each with its own face (default 1; serial:PORT\n"
            "                    is one bus and takes 1)\n"
            "  --strategy NAME   expert (default) | random (uniform babbling baseline)\n"
            RENA_BACKEND_HW_USAGE,
            RENA_DATASET_DEFAULT_SAMPLES);
}

typedef struct {
    const char *out, *backend;
    long samples, test, shard_index, shard_count, jobs;
    uint64_t seed;
    double noise;
    int images;
    const char *strategy;
    rena_backend_hw_args hw; /* --calibration, --baud */
} gen_args;

/* The value of `--flag VALUE` or `--flag=VALUE`; NULL (after a message) if missing. */
static int parse_one(int argc, char **argv, int *i, gen_args *a)
{
    const char *arg = argv[*i], *v;
    if (!strcmp(arg, "--images")) {
        a->images = 1;
        return 0;
    }
    int hw = rena_backend_parse_hw_flag(CMD, argc, argv, i, &a->hw);
    if (hw)
        return hw == 1 ? 0 : RENA_EXIT_USAGE;
    static const char *const valued[] = {"--out",   "--samples", "--test",  "--seed",    "--shard",
                                         "--noise", "--backend", "--jobs", "--strategy"};
    int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
    while (k < n && !rena_cli_is_flag(arg, valued[k]))
        k++;
    if (k == n)
        return arg[0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                             : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
    if (!(v = rena_cli_flag_value(CMD, argc, argv, i, valued[k])))
        return RENA_EXIT_USAGE;
    switch (k) {
    case 0: a->out = v; return *v ? 0 : rena_cli_usage_error(CMD, "--out needs a folder");
    case 1: return rena_cli_parse_long(CMD, "--samples", v, 2, RENA_DATASET_MAX_SAMPLES, &a->samples);
    case 2: return rena_cli_parse_long(CMD, "--test", v, 1, RENA_DATASET_MAX_SAMPLES - 1, &a->test);
    case 3: return rena_cli_parse_u64(CMD, "--seed", v, &a->seed);
    case 4: return rena_cli_parse_shard(CMD, "--shard", v, &a->shard_index, &a->shard_count);
    case 5: return rena_cli_parse_double(CMD, "--noise", v, 0.0, 1000.0, &a->noise);
    case 6: a->backend = v; return 0;
    case 7: return rena_cli_parse_long(CMD, "--jobs", v, 1, RENA_GENERATE_MAX_JOBS, &a->jobs);
    default:
        a->strategy = v;
        if (strcmp(v, "expert") && strcmp(v, "random"))
            return rena_cli_usage_error(CMD, "--strategy expects expert or random, got '%s'", v);
        return 0;
    }
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, gen_args *a)
{
    *a = (gen_args){NULL, "sim", RENA_DATASET_DEFAULT_SAMPLES, 0, 1, 1, 1, 0, 0.0, 0, "expert",
                    {NULL, 0}};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return RENA_EXIT_OK;
        }
        if (parse_one(argc, argv, &i, a) != 0)
            return RENA_EXIT_USAGE;
    }
    if (!a->out)
        return rena_cli_usage_error(CMD, "--out DIR is required");
    if (a->test == 0)
        a->test = rena_dataset_default_test(a->samples);
    if (a->test >= a->samples)
        return rena_cli_usage_error(CMD, "--test %ld leaves no training samples out of --samples %ld",
                                    a->test, a->samples);
    if (a->shard_count > a->samples)
        return rena_cli_usage_error(CMD, "--shard %ld/%ld: more shards than samples (%ld)",
                                    a->shard_index, a->shard_count, a->samples);
    if (rena_backend_check_hw_args(CMD, a->backend, &a->hw))
        return RENA_EXIT_USAGE;
    if (a->jobs > 1 && !strncmp(a->backend, "serial:", 7))
        return rena_cli_usage_error(CMD,
                                    "--jobs %ld: %s is one servo bus that only one worker can "
                                    "drive; use --jobs 1 (or one --shard per robot and port)",
                                    a->jobs, a->backend);
    return -1;
}

typedef struct {
    const char *spec;
    rena_backend_options opt;
} backend_factory;

static rena_status open_backend(void *user, int worker, rena_actuator *out, rena_error *err)
{
    (void)worker;
    const backend_factory *f = user;
    return rena_backend_open(f->spec, &f->opt, out, err);
}

static void fill_meta(const gen_args *a, rena_dataset_meta *m)
{
    rena_dataset_meta_default(m);
    m->total = a->samples;
    m->test = a->test;
    m->seed = a->seed;
    m->shard_index = a->shard_index;
    m->shard_count = a->shard_count;
    m->images = a->images;
    m->landmark_noise_px = a->noise;
    snprintf(m->strategy, sizeof m->strategy, "%s", a->strategy);
    snprintf(m->backend, sizeof m->backend, "%s", a->backend);
    if (!strncmp(a->backend, "sim", 3))
        snprintf(m->mujoco_version, sizeof m->mujoco_version, "%s", rena_sim_mujoco_version());
}

/* The emulator needs no real-time pacing: no sleep between ramp cycles and
 * fast emulated servos. A real bus keeps the safe defaults. */
static void backend_options(const gen_args *a, rena_backend_options *opt)
{
    rena_backend_options_default(opt);
    opt->sim.render = a->images;       /* no GL context unless images are wanted */
    opt->sim.landmark_noise_px = 0.0;  /* noise is added per sample index by the loop */
    if (!strcmp(a->backend, "emu")) {
        opt->hw.cycle_s = 0.0;
        opt->hw.emu_speedup = EMU_SPEEDUP;
    }
    rena_backend_apply_hw_args(&a->hw, opt);
}

static void print_summary(const gen_args *a, const rena_generate_stats *s)
{
    printf("rena generate: wrote %ld samples (%ld train, %ld test", s->samples, s->n_train, s->n_test);
    if (s->images)
        printf(", %ld images", s->images);
    printf(") to %s", a->out);
    if (a->shard_count > 1)
        printf(" [shard %ld/%ld]", a->shard_index, a->shard_count);
    printf(" in %.1f s (%.1f samples/s)\n", s->seconds,
           s->seconds > 0 ? (double)s->samples / s->seconds : 0.0);
    if (!s->features)
        printf("rena generate: %s has no perception; the dataset holds commands and read-back "
               "positions only (\"features\": false)\n",
               a->backend);
    if (s->adjusted)
        printf("rena generate: the backend clamped %ld commands; the stored ones are what it sent\n",
               s->adjusted);
}

int rena_cmd_generate(int argc, char **argv)
{
    gen_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    backend_factory factory;
    factory.spec = a.backend;
    backend_options(&a, &factory.opt);
    rena_generate_options opt;
    rena_generate_options_default(&opt);
    fill_meta(&a, &opt.meta);
    opt.jobs = (int)a.jobs;
    opt.open_actuator = open_backend;
    opt.open_user = &factory;
#ifdef RENA_MPI
    if (rena_mpi_launched()) /* one shard per rank, joined by rank 0 (docs/cluster.md) */
        return rena_mpi_generate(CMD, a.out, &opt);
#endif
    rena_progress progress = rena_cli_progress(CMD);
    rena_generate_stats stats;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_generate(a.out, &opt, &progress, &stats, &err);
    rena_cli_progress_done();
    if (st != RENA_OK)
        return rena_cli_fail(CMD, &err);
    print_summary(&a, &stats);
    return RENA_EXIT_OK;
}
