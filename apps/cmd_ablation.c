/* cmd_ablation.c: `rena ablation`, every architecture and the kan-attn
 * lambda sweep under one seed: the paper's Table I, Fig. 6 and Fig. 7. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "learn_report.h"
#include "modelfile.h"
#include "plot.h"
#include "train.h"

#define CMD "ablation"

typedef struct {
    rena_arch arch;
    float lambda;
    const char *name;  /* file stem */
    int in_figures;    /* one of the paper's three Fig. 6/7 models */
} row_spec;

static const row_spec ROWS[] = {
    {RENA_ARCH_LANDMARK_MLP, 0.01f, "landmark-mlp", 1},
    {RENA_ARCH_MLP, 0.01f, "mlp", 1},
    {RENA_ARCH_MLP_ATTN, 0.01f, "mlp-attn", 0},
    {RENA_ARCH_KAN, 0.01f, "kan", 0},
    {RENA_ARCH_KAN_ATTN, 0.0f, "kan-attn-l0", 0},
    {RENA_ARCH_KAN_ATTN, 0.1f, "kan-attn-l0.1", 0},
    {RENA_ARCH_KAN_ATTN, 0.01f, "kan-attn", 1},
    {RENA_ARCH_KAN_ATTN, 0.001f, "kan-attn-l0.001", 0},
};
#define N_ROWS ((int)(sizeof ROWS / sizeof ROWS[0]))

typedef struct {
    rena_model *model;
    rena_train_history hist;
    rena_eval_result eval;
    int done;
} row_result;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena ablation --data DIR --out DIR [options]\n"
            "\n"
            "Trains landmark-mlp, mlp, mlp-attn, kan and kan-attn (lambda 0.01), and kan-attn\n"
            "with lambda 0, 0.1 and 0.001, all with the same seed, then writes\n"
            "ablation.md and ablation.json (paper Table I), loss.png (Fig. 6) and ced.png\n"
            "(Fig. 7) for landmark-mlp, mlp and kan-attn, and models/<row>.rena.\n"
            "The test figures are of each model as it predicts (head yaw from its head\n"
            "map, as `rena eval`); the loss curves are the networks' own outputs.\n"
            "\n"
            "  --epochs E     most epochs per model (default 300)\n"
            "  --patience P   early-stopping patience (default 40)\n"
            "  --seed S       one seed for every model (default 1)\n"
            "  --threads T    threads (default: all cores)\n");
}

static const char *backbone(rena_arch a)
{
    return rena_arch_uses_landmarks(a) ? "MLP (landmarks)" : rena_arch_has_kan(a) ? "KAN" : "MLP";
}

static char *table_markdown(const row_result *res)
{
    size_t cap = 8192;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int len = snprintf(s, cap,
                       "# Ablation (paper Table I)\n\n"
                       "Test split; error rate = RMSE of the normalised commands in %%. Every\n"
                       "figure is of the saved model as it predicts (`rena eval` of\n"
                       "models/<row>.rena gives the same): where the model has a head map (every\n"
                       "row but landmark-mlp), its head-yaw command comes from the map, not from\n"
                       "the network. loss.png and models/*.curves.csv are the training record\n"
                       "instead: per epoch, the loss of the network's own outputs, head yaw\n"
                       "included.\n\n"
                       "| Backbone | Attention | Input | lambda | Params | Epochs (kept) | Test MSE "
                       "| Error (%%) | MAE | L/R disagreement |\n"
                       "|---|---|---|---|---|---|---|---|---|---|\n");
    for (int r = 0; r < N_ROWS && len > 0 && (size_t)len < cap; r++) {
        const row_result *x = &res[r];
        if (!x->done)
            continue;
        rena_arch a = ROWS[r].arch;
        len += snprintf(s + len, cap - (size_t)len,
                        "| %s | %s | %s | %g | %ld | %d (%d) | %.6f | %.2f | %.4f | %.4f |\n",
                        backbone(a), rena_arch_has_attention(a) ? "yes" : "no",
                        rena_arch_uses_landmarks(a) ? "68 landmarks" : "52 blendshapes + pose",
                        (double)ROWS[r].lambda, x->model->n_params, x->hist.n_epochs,
                        x->hist.best_epoch, x->eval.err.rmse * x->eval.err.rmse,
                        100.0 * x->eval.err.rmse, x->eval.err.mae, x->eval.err.pair_disagreement);
    }
    return s;
}

static rena_status write_tables(const char *dir, const row_result *res, rena_error *err)
{
    char path[4096];
    char *md = table_markdown(res);
    if (!md)
        return rena_error_set(err, RENA_ERR_NOMEM, dir, "no memory");
    snprintf(path, sizeof path, "%s/ablation.md", dir);
    rena_status st = rena_report_write_text(path, md, err);
    free(md);
    cJSON *rows = cJSON_CreateArray();
    for (int r = 0; r < N_ROWS; r++) {
        if (!res[r].done)
            continue;
        cJSON *j = rena_report_eval_json(res[r].model, &res[r].eval);
        cJSON_AddStringToObject(j, "row", ROWS[r].name);
        cJSON_AddNumberToObject(j, "lambda", ROWS[r].lambda);
        cJSON_AddNumberToObject(j, "epochs", res[r].hist.n_epochs);
        cJSON_AddNumberToObject(j, "best_epoch", res[r].hist.best_epoch);
        cJSON_AddNumberToObject(j, "train_seconds", res[r].hist.seconds);
        /* the figures above take the head-yaw servo from the map when this is true */
        cJSON_AddBoolToObject(j, "head_map", rena_model_uses_head_map(res[r].model));
        cJSON_DeleteItemFromObject(j, "ced");
        cJSON_AddItemToArray(rows, j);
    }
    char *text = cJSON_Print(rows);
    snprintf(path, sizeof path, "%s/ablation.json", dir);
    if (st == RENA_OK)
        st = text ? rena_report_write_text(path, text, err)
                  : rena_error_set(err, RENA_ERR_NOMEM, path, "no memory");
    cJSON_free(text);
    cJSON_Delete(rows);
    return st;
}

/* Fig. 6 (train and test loss of the three paper models) and Fig. 7 (CED). */
static rena_status write_figures(const char *dir, const row_result *res, rena_error *err)
{
    rena_plot_series loss[6], ced[3];
    double *buf[12] = {0};
    char labels[6][64];
    int nl = 0, nc = 0;
    for (int r = 0; r < N_ROWS; r++) {
        if (!ROWS[r].in_figures || !res[r].done)
            continue;
        const rena_train_history *h = &res[r].hist;
        for (int k = 0; k < 2; k++) {
            double *x = malloc(sizeof(double) * (size_t)h->n_epochs);
            double *y = malloc(sizeof(double) * (size_t)h->n_epochs);
            buf[2 * nl] = x;
            buf[2 * nl + 1] = y;
            for (int e = 0; x && y && e < h->n_epochs; e++) {
                x[e] = h->epochs[e].epoch;
                y[e] = k ? h->epochs[e].test_loss : h->epochs[e].train_loss;
            }
            snprintf(labels[nl], sizeof labels[nl], "%s %s", ROWS[r].name, k ? "test" : "train");
            loss[nl] = (rena_plot_series){labels[nl], x, y, x && y ? h->n_epochs : 0};
            nl++;
        }
        ced[nc++] = (rena_plot_series){ROWS[r].name, res[r].eval.ced_x, res[r].eval.ced_y,
                                       RENA_CED_STEPS};
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/loss.png", dir);
    rena_plot_options lo = {"Train and test loss (paper Fig. 6)", "epoch", "loss", 1, 0, 0};
    rena_status st = rena_plot_lines(path, &lo, loss, nl, err);
    snprintf(path, sizeof path, "%s/ced.png", dir);
    rena_plot_options co = {"Cumulative error distribution (paper Fig. 7)",
                            "per-sample RMSE (fraction of servo range)", "fraction of samples", 0,
                            0, 0};
    if (st == RENA_OK)
        st = rena_plot_lines(path, &co, ced, nc, err);
    for (int k = 0; k < 12; k++)
        free(buf[k]);
    return st;
}

static rena_status run_row(int r, const rena_train_options *base, const rena_samples *train,
                           const rena_samples *test, const char *dir, row_result *out,
                           rena_error *err)
{
    rena_model_hparams hp;
    rena_model_hparams_default(ROWS[r].arch, &hp);
    rena_train_options opt = *base;
    opt.lambda = ROWS[r].lambda;
    char stage[96];
    snprintf(stage, sizeof stage, "%s", ROWS[r].name);
    rena_progress p = rena_cli_progress(CMD);
    rena_status st = rena_train(&hp, &opt, train, test, &out->model, &out->hist, &p, err);
    rena_cli_progress_done();
    char path[4096];
    snprintf(path, sizeof path, "%s/models/%s.rena", dir, ROWS[r].name);
    if (st == RENA_OK)
        st = rena_model_save(out->model, path, err);
    if (st == RENA_OK)
        st = rena_report_curves(path, &out->hist, err);
    /* The table's figures: the model as it predicts, head map included. The
     * history's test MSE would be the network's own head yaw instead. */
    if (st == RENA_OK)
        st = rena_report_evaluate(out->model, test, opt.threads, &out->eval, err);
    if (st == RENA_OK) {
        out->done = 1;
        fprintf(stderr,
                "rena ablation: %-16s %6ld params  %3d epochs  error %.2f%%, head yaw from the "
                "%s  (%.1f s)\n",
                ROWS[r].name, out->model->n_params, out->hist.n_epochs, 100.0 * out->eval.err.rmse,
                rena_model_uses_head_map(out->model) ? "map" : "network", out->hist.seconds);
    }
    return st;
}

static int parse(int argc, char **argv, const char **data, const char **out, rena_train_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return -1;
        }
        if (strcmp(arg, "--data") && strcmp(arg, "--out") && strcmp(arg, "--epochs") &&
            strcmp(arg, "--seed") && strcmp(arg, "--threads") && strcmp(arg, "--patience"))
            return arg[0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                                 : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
        if (i + 1 >= argc)
            return rena_cli_usage_error(CMD, "%s needs a value", arg);
        const char *v = argv[++i];
        long l;
        if (!strcmp(arg, "--data"))
            *data = v;
        else if (!strcmp(arg, "--out"))
            *out = v;
        else if (!strcmp(arg, "--seed")) {
            if (rena_cli_parse_u64(CMD, arg, v, &o->seed))
                return RENA_EXIT_USAGE;
        } else {
            if (rena_cli_parse_long(CMD, arg, v, !strcmp(arg, "--threads") ? 0 : 1, 100000000, &l))
                return RENA_EXIT_USAGE;
            if (!strcmp(arg, "--epochs"))
                o->max_epochs = (int)l;
            else if (!strcmp(arg, "--patience"))
                o->patience = (int)l;
            else
                o->threads = (int)l;
        }
    }
    if (!*data || !*out)
        return rena_cli_usage_error(CMD, "--data and --out are required");
    return 0;
}

int rena_cmd_ablation(int argc, char **argv)
{
    const char *data = NULL, *out = NULL;
    rena_train_options base;
    rena_train_options_default(&base);
    int rc = parse(argc, argv, &data, &out, &base);
    if (rc)
        return rc < 0 ? RENA_EXIT_OK : rc;
    rena_error err;
    rena_error_clear(&err);
    rena_samples train, test;
    memset(&train, 0, sizeof train);
    memset(&test, 0, sizeof test);
    row_result res[N_ROWS];
    memset(res, 0, sizeof res);
    char models[4096];
    snprintf(models, sizeof models, "%s/models", out);
    rena_status st = rena_dataset_load_split(data, "train", &train, &err);
    if (st == RENA_OK)
        st = rena_dataset_load_split(data, "test", &test, &err);
    if (st == RENA_OK)
        st = rena_report_mkdir(out, &err);
    if (st == RENA_OK)
        st = rena_report_mkdir(models, &err);
    for (int r = 0; r < N_ROWS && st == RENA_OK; r++)
        st = run_row(r, &base, &train, &test, out, &res[r], &err);
    if (st == RENA_OK)
        st = write_tables(out, res, &err);
    if (st == RENA_OK)
        st = write_figures(out, res, &err);
    if (st == RENA_OK)
        printf("wrote %s/ablation.md, ablation.json, loss.png, ced.png, models/\n", out);
    for (int r = 0; r < N_ROWS; r++) {
        if (res[r].model)
            rena_train_history_free(&res[r].hist);
        rena_model_free(res[r].model);
    }
    rena_samples_free(&train);
    rena_samples_free(&test);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
