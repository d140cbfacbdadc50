/* cmd_eval.c: `rena eval`, a model's servo errors on a dataset's test split
 * (paper Sec. V.B: error rate, CED curve of Fig. 7). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "learn_report.h"
#include "modelfile.h"

#define CMD "eval"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena eval --model MODEL --data DIR [--json] [--out DIR] [--threads T]\n"
            "\n"
            "Predicts every sample of DIR/test and reports the servo error rate (RMSE of\n"
            "the normalised commands, in percent: the paper's 4.4%% is sqrt(0.0020)), the\n"
            "MAE, per-servo and per-group errors and the CED curve.\n"
            "\n"
            "  --json        print the metrics as JSON on stdout instead of a table\n"
            "  --out DIR     also write metrics.json, per_servo.csv/png, ced.csv/png there\n"
            "  --threads T   threads (default: all cores)\n");
}

static void print_table(const rena_model *m, const rena_eval_result *r)
{
    printf("%s (%ld parameters) on %ld test samples\n", rena_arch_name(m->hp.arch), m->n_params,
           r->err.n);
    printf("servo error rate %.2f%%  (RMSE %.5f, MSE %.6f)\n", 100.0 * r->err.rmse, r->err.rmse,
           r->err.rmse * r->err.rmse);
    printf("MAE %.5f  max |error| %.4f  left/right disagreement %.4f\n", r->err.mae,
           r->err.max_abs, r->err.pair_disagreement);
    if (r->nonfinite)
        printf("non-finite inputs replaced by the training mean: %ld\n", r->nonfinite);
    printf("\n%-10s %8s %8s\n", "group", "RMSE", "MAE");
    for (int g = 0; g < RENA_NUM_REGIONS; g++)
        printf("%-10s %8.4f %8.4f\n", rena_servo_region_name(g), r->err.region_rmse[g],
               r->err.region_mae[g]);
    printf("\n%-14s %8s %8s\n", "servo", "RMSE", "MAE");
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        printf("%-14s %8.4f %8.4f\n", rena_servos[s].name, r->err.servo_rmse[s],
               r->err.servo_mae[s]);
    printf("\nCED: error <= 0.02: %.1f%%  <= 0.05: %.1f%%  <= 0.10: %.1f%% of samples\n",
           100 * r->ced_y[4], 100 * r->ced_y[10], 100 * r->ced_y[20]);
}

int rena_cmd_eval(int argc, char **argv)
{
    const char *model_path = NULL, *data = NULL, *out = NULL;
    int json = 0;
    long threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return RENA_EXIT_OK;
        } else if (!strcmp(arg, "--json")) {
            json = 1;
        } else if (!strcmp(arg, "--model") || !strcmp(arg, "--data") || !strcmp(arg, "--out") ||
                   !strcmp(arg, "--threads")) {
            if (i + 1 >= argc)
                return rena_cli_usage_error(CMD, "%s needs a value", arg);
            const char *v = argv[++i];
            if (!strcmp(arg, "--model"))
                model_path = v;
            else if (!strcmp(arg, "--data"))
                data = v;
            else if (!strcmp(arg, "--out"))
                out = v;
            else if (rena_cli_parse_long(CMD, arg, v, 0, 4096, &threads))
                return RENA_EXIT_USAGE;
        } else {
            return arg[0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                                 : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
        }
    }
    if (!model_path || !data)
        return rena_cli_usage_error(CMD, "--model and --data are required");
    rena_error err;
    rena_error_clear(&err);
    rena_model *m = NULL;
    rena_samples test;
    memset(&test, 0, sizeof test);
    rena_eval_result r;
    rena_status st = rena_model_load(model_path, &m, &err);
    if (st == RENA_OK)
        st = rena_dataset_load_split(data, "test", &test, &err);
    if (st == RENA_OK)
        st = rena_report_evaluate(m, &test, (int)threads, &r, &err);
    if (st == RENA_OK && out)
        st = rena_report_eval_files(out, m, &r, &err);
    if (st == RENA_OK && json) {
        cJSON *j = rena_report_eval_json(m, &r);
        char *s = j ? cJSON_Print(j) : NULL;
        if (s)
            printf("%s\n", s);
        cJSON_free(s);
        cJSON_Delete(j);
    } else if (st == RENA_OK) {
        print_table(m, &r);
    }
    rena_model_free(m);
    rena_samples_free(&test);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
