/* cmd_train.c: `rena train`, fit a blendshape -> servo regressor to a
 * dataset's training split (paper Sec. IV.C-D, V.B). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "learn_report.h"
#include "modelfile.h"
#include "mpi_run.h"
#include "train.h"
#include "train_print.h"

#define CMD "train"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena train --data DIR --out MODEL [options]\n"
            "\n"
            "Trains on DIR/train (a tenth held out for validation and early stopping),\n"
            "reports DIR/test loss per epoch, and writes MODEL, MODEL.curves.csv and\n"
            "MODEL.loss.png. Ctrl-C stops and leaves an existing MODEL untouched.\n"
            "\n"
            "  --arch A        kan-attn (default) | kan | mlp-attn | mlp | landmark-mlp\n"
            "  --lambda L      weight of the eye/brow consistency loss (default 0.01)\n"
            "  --epochs E      most epochs (default 300)\n"
            "  --patience P    stop after P epochs without validation gain (default 40)\n"
            "  --batch B       mini-batch size (default 256)\n"
            "  --lr LR         Adam learning rate, cosine-decayed (default 0.02)\n"
            "  --seed S        weights, validation split, batch order (default 1)\n"
            "  --threads T     threads (default: all cores)\n"
            "  --d-model D     attention token width (default 8)\n"
            "  --hidden H      width of both hidden layers of the head\n"
            "                  (default 16 for KAN heads, 64 for MLPs)\n"
            "  --head-map on|off\n"
            "                  on (default): fit head_yaw = a + b * yaw on the training\n"
            "                  rows and let predictions take the head-yaw servo from it,\n"
            "                  so the head turns only with the measured head pose (every\n"
            "                  architecture but landmark-mlp); off: the network drives\n"
            "                  it, as before (for ablations). The network trains alike.\n");
}

typedef struct {
    const char *data, *out;
    rena_model_hparams hp;
    rena_train_options opt;
} train_args;

static int parse_value(train_args *a, const char *flag, const char *v, int *hidden, int *dmodel)
{
    long l;
    double d;
    uint64_t u;
    if (!strcmp(flag, "--data"))
        a->data = v;
    else if (!strcmp(flag, "--out"))
        a->out = v;
    else if (!strcmp(flag, "--arch")) {
        if (rena_arch_parse(v, &a->hp.arch) != 0)
            return rena_cli_usage_error(CMD,
                                        "--arch expects kan-attn, kan, mlp-attn, mlp or "
                                        "landmark-mlp, got '%s'",
                                        v);
    } else if (!strcmp(flag, "--lambda")) {
        if (rena_cli_parse_double(CMD, flag, v, 0.0, 1e6, &d))
            return RENA_EXIT_USAGE;
        a->opt.lambda = (float)d;
    } else if (!strcmp(flag, "--epochs") || !strcmp(flag, "--batch") ||
               !strcmp(flag, "--patience") || !strcmp(flag, "--threads") ||
               !strcmp(flag, "--hidden") || !strcmp(flag, "--d-model")) {
        long lo = !strcmp(flag, "--threads") ? 0 : !strcmp(flag, "--d-model") ? 2 : 1;
        long hi = !strcmp(flag, "--hidden") ? 1024 : !strcmp(flag, "--d-model") ? 64 : 100000000;
        if (rena_cli_parse_long(CMD, flag, v, lo, hi, &l))
            return RENA_EXIT_USAGE;
        if (!strcmp(flag, "--epochs"))
            a->opt.max_epochs = (int)l;
        else if (!strcmp(flag, "--batch"))
            a->opt.batch = (int)l;
        else if (!strcmp(flag, "--patience"))
            a->opt.patience = (int)l;
        else if (!strcmp(flag, "--threads"))
            a->opt.threads = (int)l;
        else if (!strcmp(flag, "--hidden"))
            *hidden = (int)l;
        else
            *dmodel = (int)l;
    } else if (!strcmp(flag, "--lr")) {
        if (rena_cli_parse_double(CMD, flag, v, 1e-9, 10.0, &d))
            return RENA_EXIT_USAGE;
        a->opt.lr = (float)d;
    } else if (!strcmp(flag, "--seed")) {
        if (rena_cli_parse_u64(CMD, flag, v, &u))
            return RENA_EXIT_USAGE;
        a->opt.seed = u;
    } else if (!strcmp(flag, "--head-map")) {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return rena_cli_usage_error(CMD, "--head-map expects on or off, got '%s'", v);
        a->opt.head_map = !strcmp(v, "on");
    }
    return 0;
}

static int parse_args(int argc, char **argv, train_args *a)
{
    static const char *const valued[] = {"--data",  "--out",     "--arch",    "--lambda",
                                         "--epochs", "--batch",  "--lr",      "--seed",
                                         "--threads", "--patience", "--hidden", "--d-model",
                                         "--head-map"};
    int hidden = 0, dmodel = 0;
    rena_arch arch = RENA_ARCH_KAN_ATTN;
    memset(a, 0, sizeof *a);
    rena_train_options_default(&a->opt);
    a->hp.arch = arch;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        }
        int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
        while (k < n && !rena_cli_is_flag(argv[i], valued[k]))
            k++;
        if (k == n)
            return argv[i][0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", argv[i])
                                     : rena_cli_usage_error(CMD, "unexpected argument '%s'", argv[i]);
        const char *v = rena_cli_flag_value(CMD, argc, argv, &i, valued[k]);
        if (!v)
            return RENA_EXIT_USAGE;
        int rc = parse_value(a, valued[k], v, &hidden, &dmodel);
        if (rc)
            return rc;
    }
    if (!a->data || !a->out)
        return rena_cli_usage_error(CMD, "--data and --out are required");
    arch = a->hp.arch;
    rena_model_hparams_default(arch, &a->hp);
    if (hidden)
        a->hp.hidden[0] = a->hp.hidden[1] = hidden;
    if (dmodel)
        a->hp.d_model = dmodel;
    return 0;
}

static void print_summary(const train_args *a, const rena_model *m, const rena_train_history *h)
{
    const rena_train_epoch *best = &h->epochs[h->best_epoch - 1];
    printf("arch %s, %ld parameters, %ld fitted + %ld validation samples, %d threads\n",
           rena_arch_name(m->hp.arch), m->n_params, h->n_fit, h->n_val, h->threads);
    printf("%d epochs in %.1f s (%.3f s/epoch); kept epoch %d: val loss %.6f", h->n_epochs,
           h->seconds, h->seconds / h->n_epochs, h->best_epoch, best->val_loss);
    if (isfinite(best->test_mse))
        printf(", test MSE %.6f (error rate %.2f%%)", best->test_mse, 100.0 * sqrt(best->test_mse));
    printf("\nwrote %s, %s.curves.csv, %s.loss.png\n", a->out, a->out, a->out);
}

int rena_cmd_train(int argc, char **argv)
{
    train_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? RENA_EXIT_OK : rc;
#ifdef RENA_MPI
    if (rena_mpi_launched()) /* data-parallel over the ranks (docs/cluster.md) */
        return rena_mpi_train(CMD, a.data, a.out, &a.hp, &a.opt);
#endif
    rena_error err;
    rena_error_clear(&err);
    rena_samples train, test;
    memset(&train, 0, sizeof train);
    memset(&test, 0, sizeof test);
    if (rena_dataset_load_split(a.data, "train", &train, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    if (rena_dataset_load_split(a.data, "test", &test, &err) != RENA_OK) {
        rena_samples_free(&train);
        return rena_cli_fail(CMD, &err);
    }
    rena_progress progress = rena_cli_progress(CMD);
    rena_model *m = NULL;
    rena_train_history h;
    rena_status st = rena_train(&a.hp, &a.opt, &train, &test, &m, &h, &progress, &err);
    rena_cli_progress_done();
    if (st == RENA_OK)
        st = rena_model_save(m, a.out, &err);
    if (st == RENA_OK)
        st = rena_report_curves(a.out, &h, &err);
    if (st == RENA_OK) {
        print_summary(&a, m, &h);
        rena_train_print_head_map(stdout, m, a.opt.head_map);
        st = rena_train_print_head_map_test(stdout, m, &test, a.opt.threads, &err);
    }
    if (m)
        rena_train_history_free(&h);
    rena_model_free(m);
    rena_samples_free(&train);
    rena_samples_free(&test);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
