/* cmd_demo.c: `rena demo`, the whole pipeline in one command: generate the
 * dataset with images, train the paper's model, run the ablation (every
 * architecture and lambda, Table I; its landmark-mlp is the Eva baseline of
 * the evaluation), measure the model's errors, compare it with the
 * baselines, let it mimic a performer, and write the report. Each step runs
 * the same code as its subcommand, in this process (rena_cmd_* with a
 * constructed argv), and is timed; the times go into DIR/timings.json and
 * onto the report. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "learn_report.h"

#define CMD "demo"
#define MAX_ARGS 32
#define N_STEPS 7

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena demo [--out DIR] [--samples N] [--epochs E] [--quick] [--jobs J]\n"
            "\n"
            "Runs the whole pipeline into DIR (default rena-demo), printing each step, where\n"
            "its output goes and how long it took:\n"
            "  1 generate  the expert dataset with images          DIR/data\n"
            "  2 train     kan-attn, the paper's model             DIR/models/kan-attn.rena\n"
            "  3 ablation  every architecture and lambda, Table I  DIR/ablation\n"
            "              (its landmark-mlp is step 5's Eva baseline)\n"
            "  4 eval      test-split errors, CED curve            DIR/eval\n"
            "  5 evaluate  every method, Tables II and III         DIR/evaluate\n"
            "  6 mimic     one performer sequence, frame by frame  DIR/mimic\n"
            "  7 report    the HTML report                         DIR/report/index.html\n"
            "Full size: about 7 minutes on 2 idle cores (12 on a busy machine), 580 MB.\n"
            "\n"
            "  --out DIR     output folder (default rena-demo)\n"
            "  --samples N   dataset size (default 9000; 600 with --quick)\n"
            "  --epochs E    most training epochs per model (default 60; 8 with --quick)\n"
            "  --quick       a first look in about a minute: small dataset, few epochs, a\n"
            "                short closed set, one performer, evaluation without renders\n"
            "  --jobs J      generation threads (default: all cores)\n");
}

typedef struct {
    const char *out;
    long samples, epochs, jobs;
    int quick;
} demo_args;

/* An argv built from formatted pieces, with its own storage. */
typedef struct {
    int argc;
    char *argv[MAX_ARGS + 1];
    char store[8192];
    size_t used;
} arg_list;

static void arg_add(arg_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg_add(arg_list *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof l->store - l->used;
    int n = vsnprintf(l->store + l->used, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room || l->argc >= MAX_ARGS)
        return; /* paths are bounded by the --out check; never reached in practice */
    l->argv[l->argc++] = l->store + l->used;
    l->argv[l->argc] = NULL;
    l->used += (size_t)n + 1;
}

typedef struct {
    const char *name;    /* "generate" */
    const char *what;    /* one line for the user */
    char output[4200];   /* where its result goes */
    int (*run)(int argc, char **argv);
    arg_list args;       /* args.argv[0] is the subcommand */
    double seconds;      /* wall time */
    double cpu_seconds;  /* CPU time of this process (all its threads) */
    int rc;
} step;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void step_init(step *s, const char *name, const char *what,
                      int (*run)(int argc, char **argv))
{
    s->name = name;
    s->what = what;
    s->run = run;
    arg_add(&s->args, "%s", name);
}

/* User + system CPU time of the process so far: with the wall time it tells
 * how much a busy machine slowed a step down. */
static double cpu_time(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0.0;
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static void plan(step *s, const demo_args *a)
{
    const char *d = a->out;
    char model[4200], lm[4200];
    snprintf(model, sizeof model, "%s/models/kan-attn.rena", d);
    snprintf(lm, sizeof lm, "%s/ablation/models/landmark-mlp.rena", d);
    memset(s, 0, sizeof *s * N_STEPS);
    step_init(&s[0], "generate", "the expert-strategy dataset with 640x480 renders",
              rena_cmd_generate);
    arg_add(&s[0].args, "--out=%s/data", d);
    arg_add(&s[0].args, "--samples=%ld", a->samples);
    arg_add(&s[0].args, "--images");
    arg_add(&s[0].args, "--jobs=%ld", a->jobs);
    snprintf(s[0].output, sizeof s[0].output, "%s/data", d);

    step_init(&s[1], "train", "kan-attn, the paper's model", rena_cmd_train);
    arg_add(&s[1].args, "--data=%s/data", d);
    arg_add(&s[1].args, "--out=%s", model);
    arg_add(&s[1].args, "--arch=kan-attn");
    arg_add(&s[1].args, "--epochs=%ld", a->epochs);
    snprintf(s[1].output, sizeof s[1].output, "%s", model);

    /* The ablation trains landmark-mlp among its rows, so the Eva baseline of
     * step 5 comes from it rather than from a training of its own. */
    step_init(&s[2], "ablation",
              "every architecture and lambda (Table I), the Eva baseline landmark-mlp among them",
              rena_cmd_ablation);
    arg_add(&s[2].args, "--data");
    arg_add(&s[2].args, "%s/data", d);
    arg_add(&s[2].args, "--out");
    arg_add(&s[2].args, "%s/ablation", d);
    arg_add(&s[2].args, "--epochs");
    arg_add(&s[2].args, "%ld", a->epochs);
    snprintf(s[2].output, sizeof s[2].output, "%s/ablation", d);

    step_init(&s[3], "eval", "the model's servo errors on the test split", rena_cmd_eval);
    arg_add(&s[3].args, "--model");
    arg_add(&s[3].args, "%s", model);
    arg_add(&s[3].args, "--data");
    arg_add(&s[3].args, "%s/data", d);
    arg_add(&s[3].args, "--out");
    arg_add(&s[3].args, "%s/eval", d);
    snprintf(s[3].output, sizeof s[3].output, "%s/eval", d);

    step_init(&s[4], "evaluate", "every method against the targets (Tables II, III)",
              rena_cmd_evaluate);
    arg_add(&s[4].args, "--model=%s", model);
    arg_add(&s[4].args, "--landmark-model=%s", lm);
    arg_add(&s[4].args, "--data=%s/data", d);
    arg_add(&s[4].args, "--out=%s/evaluate", d);
    arg_add(&s[4].args, "--limit=%d", a->quick ? 20 : 300);
    if (a->quick) {
        arg_add(&s[4].args, "--performers=ana");
        arg_add(&s[4].args, "--no-images");
    }
    snprintf(s[4].output, sizeof s[4].output, "%s/evaluate", d);

    step_init(&s[5], "mimic", "the model mimics performer ana's happiness, with the filter",
              rena_cmd_mimic);
    arg_add(&s[5].args, "--model=%s", model);
    arg_add(&s[5].args, "--input=performer:ana/happiness");
    arg_add(&s[5].args, "--filter=oneeuro");
    arg_add(&s[5].args, "--out=%s/mimic", d);
    snprintf(s[5].output, sizeof s[5].output, "%s/mimic", d);

    step_init(&s[6], "report", "the HTML report of all of the above", rena_cmd_report);
    arg_add(&s[6].args, "--out=%s/report", d);
    arg_add(&s[6].args, "--data=%s/data", d);
    arg_add(&s[6].args, "--model=%s", model);
    arg_add(&s[6].args, "--eval=%s/eval", d);
    arg_add(&s[6].args, "--evaluate=%s/evaluate", d);
    arg_add(&s[6].args, "--ablation=%s/ablation", d);
    arg_add(&s[6].args, "--mimic=%s/mimic", d);
    arg_add(&s[6].args, "--timings=%s/timings.json", d);
    snprintf(s[6].output, sizeof s[6].output, "%s/report/index.html", d);
}

static double load_average(void)
{
    double l[3];
    return getloadavg(l, 3) >= 1 ? l[0] : -1.0;
}

/* DIR/timings.json: the steps finished so far (the report shows them). */
static rena_status write_timings(const demo_args *a, const step *s, int done, double total,
                                 double load0, rena_error *err)
{
    cJSON *root = cJSON_CreateObject(), *steps = cJSON_AddArrayToObject(root, "steps");
    for (int k = 0; k < done; k++) {
        char line[8192] = "rena";
        for (int i = 0; i < s[k].args.argc; i++)
            snprintf(line + strlen(line), sizeof line - strlen(line), " %s", s[k].args.argv[i]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "step", s[k].name);
        cJSON_AddStringToObject(o, "what", s[k].what);
        cJSON_AddStringToObject(o, "command", line);
        cJSON_AddStringToObject(o, "output", s[k].output);
        cJSON_AddNumberToObject(o, "seconds", s[k].seconds);
        cJSON_AddNumberToObject(o, "cpu_seconds", s[k].cpu_seconds);
        cJSON_AddItemToArray(steps, o);
    }
    cJSON_AddNumberToObject(root, "total_seconds", total);
    cJSON_AddNumberToObject(root, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
    cJSON_AddNumberToObject(root, "load_average_start", load0);
    cJSON_AddNumberToObject(root, "load_average_now", load_average());
    cJSON_AddBoolToObject(root, "quick", a->quick);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char path[4200];
    snprintf(path, sizeof path, "%s/timings.json", a->out);
    rena_status st = text ? rena_report_write_text(path, text, err)
                          : rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    cJSON_free(text);
    return st;
}

static void print_step_header(const step *s, int k)
{
    printf("\n[%d/%d] %s: %s\n      -> %s\n      $ rena", k + 1, N_STEPS, s->name, s->what,
           s->output);
    for (int i = 0; i < s->args.argc; i++)
        printf(" %s", s->args.argv[i]);
    printf("\n");
    fflush(stdout);
}

static void print_summary(const demo_args *a, const step *s, double total, double load0)
{
    printf("\nrena demo: finished in %.0f s (%.1f min); load average %.2f at the start, %.2f now, "
           "%ld cores\n",
           total, total / 60.0, load0, load_average(), (long)sysconf(_SC_NPROCESSORS_ONLN));
    printf("  step             wall        CPU  output\n");
    for (int k = 0; k < N_STEPS; k++)
        printf("  %d %-9s %8.1f s %8.1f s  %s\n", k + 1, s[k].name, s[k].seconds, s[k].cpu_seconds,
               s[k].output);
    char abs[PATH_MAX], rel[4200];
    snprintf(rel, sizeof rel, "%s/report/index.html", a->out);
    const char *page = realpath(rel, abs) ? abs : rel;
    printf("\nThe report: %s\nOpen it with:  xdg-open %s\n          or:  file://%s in a "
           "browser\n",
           page, page, page);
}

static int parse_args(int argc, char **argv, demo_args *a)
{
    *a = (demo_args){"rena-demo", 0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(arg, "--quick")) {
            a->quick = 1;
            continue;
        }
        if (strcmp(arg, "--out") && strcmp(arg, "--samples") && strcmp(arg, "--epochs") &&
            strcmp(arg, "--jobs"))
            return arg[0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                                 : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
        if (i + 1 >= argc)
            return rena_cli_usage_error(CMD, "%s needs a value", arg);
        const char *v = argv[++i];
        if (!strcmp(arg, "--out")) {
            if (!*v || strlen(v) > 1024)
                return rena_cli_usage_error(CMD, "--out needs a folder of at most 1024 "
                                                 "characters");
            a->out = v;
        } else if (rena_cli_parse_long(CMD, arg, v, !strcmp(arg, "--samples") ? 20 : 1,
                                       !strcmp(arg, "--samples") ? 10000000 : 100000,
                                       !strcmp(arg, "--samples")  ? &a->samples
                                       : !strcmp(arg, "--epochs") ? &a->epochs
                                                                  : &a->jobs)) {
            return RENA_EXIT_USAGE;
        }
    }
    if (!a->samples)
        a->samples = a->quick ? 600 : 9000;
    if (!a->epochs)
        a->epochs = a->quick ? 8 : 60;
    if (!a->jobs)
        a->jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
    return 0;
}

static int run_steps(const demo_args *a, step *steps, rena_error *err)
{
    char models[4200];
    snprintf(models, sizeof models, "%s/models", a->out);
    if (rena_report_mkdir(a->out, err) != RENA_OK || rena_report_mkdir(models, err) != RENA_OK)
        return rena_cli_fail(CMD, err);
    double load0 = load_average(), t0 = now();
    printf("rena demo: %d steps into %s%s (%ld samples, %ld epochs, %ld generation jobs)\n",
           N_STEPS, a->out, a->quick ? ", quick" : "", a->samples, a->epochs, a->jobs);
    for (int k = 0; k < N_STEPS; k++) {
        if (k == N_STEPS - 1 && write_timings(a, steps, k, now() - t0, load0, err) != RENA_OK)
            return rena_cli_fail(CMD, err);
        print_step_header(&steps[k], k);
        double t = now(), c = cpu_time();
        steps[k].rc = steps[k].run(steps[k].args.argc, steps[k].args.argv);
        steps[k].seconds = now() - t;
        steps[k].cpu_seconds = cpu_time() - c;
        fflush(stdout);
        if (steps[k].rc != RENA_EXIT_OK) {
            fprintf(stderr, "rena demo: step %d (%s) failed with exit code %d after %.1f s\n",
                    k + 1, steps[k].name, steps[k].rc, steps[k].seconds);
            return steps[k].rc;
        }
        printf("      done in %.1f s, %.1f s of CPU (%.1f s since the start)\n", steps[k].seconds,
               steps[k].cpu_seconds, now() - t0);
        fflush(stdout);
        if (rena_cli_interrupted())
            return RENA_EXIT_INTERRUPTED;
    }
    double total = now() - t0;
    if (write_timings(a, steps, N_STEPS, total, load0, err) != RENA_OK)
        return rena_cli_fail(CMD, err);
    print_summary(a, steps, total, load0);
    return RENA_EXIT_OK;
}

int rena_cmd_demo(int argc, char **argv)
{
    demo_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? RENA_EXIT_OK : rc;
    rena_error err;
    rena_error_clear(&err);
    step *steps = calloc(N_STEPS, sizeof *steps); /* 13 KB each */
    if (!steps) {
        rena_error_set(&err, RENA_ERR_NOMEM, CMD, "out of memory");
        return rena_cli_fail(CMD, &err);
    }
    plan(steps, &a);
    rc = run_steps(&a, steps, &err);
    free(steps);
    return rc;
}
