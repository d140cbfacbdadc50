/* cmd_report.c: `rena report`, one self-contained HTML page (images next to
 * it, no network, no scripts) of everything the other commands produced:
 * dataset, training, errors, learned KAN functions, ablation, mimicry.
 * report_page.h builds the page. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report_page.h"

#define CMD "report"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena report --out DIR [inputs]\n"
            "\n"
            "Writes DIR/index.html and its pictures in DIR/img/: the dataset (facts, a grid\n"
            "of sample renders), training curves, test-split errors (CED curve, per-servo\n"
            "bars), the learned KAN edge functions, Table I (ablation), Tables II and III\n"
            "with image strips (evaluate) and a performer run (mimic). The page needs no\n"
            "network and no JavaScript: open it with xdg-open DIR/index.html. Parts whose\n"
            "input is not given are left out with a note.\n"
            "\n"
            "  --out DIR        report folder (created if missing)\n"
            "  --data DIR       dataset (rena generate)\n"
            "  --model FILE     model (rena train), with FILE.curves.csv beside it\n"
            "  --eval DIR       folder of 'rena eval --out' (default: errors computed from\n"
            "                   --model on --data's test split)\n"
            "  --evaluate DIR   folder of 'rena evaluate --out'\n"
            "  --ablation DIR   folder of 'rena ablation --out'\n"
            "  --mimic DIR      folder of 'rena mimic --out'\n"
            "  --timings FILE   pipeline steps and wall times (rena demo writes one)\n"
            "  --samples N      sample renders in the dataset grid (default 12)\n"
            "  --edges N        KAN edge functions plotted (default 12)\n"
            "  --threads T      threads for recomputed errors (default: all cores)\n");
}

static int set_value(rena_page_args *a, int k, const char *flag, const char *v)
{
    const char **paths[] = {&a->out,      &a->data,     &a->model, &a->eval,
                            &a->evaluate, &a->ablation, &a->mimic, &a->timings};
    long l;
    if (k < 8) {
        if (!*v)
            return rena_cli_usage_error(CMD, "%s needs a path", flag);
        *paths[k] = v;
        return 0;
    }
    if (rena_cli_parse_long(CMD, flag, v, 0, k == 10 ? 4096 : 200, &l))
        return RENA_EXIT_USAGE;
    if (k == 8)
        a->samples = (int)l;
    else if (k == 9)
        a->edges = (int)l;
    else
        a->threads = (int)l;
    return 0;
}

/* Returns 0 to run, or the exit code (-1: --help shown). */
static int parse_args(int argc, char **argv, rena_page_args *a)
{
    static const char *const valued[] = {"--out",     "--data",    "--model",   "--eval",
                                         "--evaluate", "--ablation", "--mimic",  "--timings",
                                         "--samples", "--edges",   "--threads"};
    memset(a, 0, sizeof *a);
    a->samples = 12;
    a->edges = 12;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        }
        int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
        while (k < n && !rena_cli_is_flag(argv[i], valued[k]))
            k++;
        if (k == n)
            return argv[i][0] == '-'
                       ? rena_cli_usage_error(CMD, "unknown option '%s'", argv[i])
                       : rena_cli_usage_error(CMD, "unexpected argument '%s'", argv[i]);
        const char *v = rena_cli_flag_value(CMD, argc, argv, &i, valued[k]);
        if (!v)
            return RENA_EXIT_USAGE;
        int rc = set_value(a, k, valued[k], v);
        if (rc)
            return rc;
    }
    if (!a->out)
        return rena_cli_usage_error(CMD, "--out is required");
    if (!a->data && !a->model && !a->eval && !a->evaluate && !a->ablation && !a->mimic)
        return rena_cli_usage_error(CMD, "nothing to report: give at least one of --data, "
                                         "--model, --eval, --evaluate, --ablation, --mimic");
    return 0;
}

int rena_cmd_report(int argc, char **argv)
{
    rena_page_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? RENA_EXIT_OK : rc;
    rena_error err;
    rena_error_clear(&err);
    if (rena_page_build(&a, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    printf("rena report: wrote %s/index.html (pictures in %s/img/); open it with\n"
           "  xdg-open %s/index.html\n",
           a.out, a.out, a.out);
    return RENA_EXIT_OK;
}
