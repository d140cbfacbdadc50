/* report_learn.c: the report's learning sections: the training run (loss
 * per epoch, paper Fig. 6), the test-split servo errors (CED curve as in
 * Fig. 7, per-servo bars, groups) and the ablation (Table I). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn_report.h"
#include "modelfile.h"
#include "plot.h"
#include "report_page.h"
#include "servo.h"

#define MAX_ROWS 16

/* ---- training ---------------------------------------------------------------- */

static void model_facts(rena_page *p, const rena_model *m)
{
    rena_html *h = &p->html;
    rena_html_facts_begin(h);
    rena_html_fact(h, "file", "%s", p->a->model);
    rena_html_fact(h, "architecture", "%s, %ld parameters", rena_arch_name(m->hp.arch),
                   m->n_params);
    if (rena_arch_has_attention(m->hp.arch))
        rena_html_fact(h, "attention", "token width %d, %d value(s) per token to the head",
                       m->hp.d_model, m->hp.token_out);
    rena_html_fact(h, "head", "%s %d -> %d -> %d -> 25",
                   rena_arch_has_kan(m->hp.arch) ? "KAN" : "MLP", m->net.n_head_in,
                   m->hp.hidden[0], m->hp.hidden[1]);
    if (rena_arch_has_kan(m->hp.arch))
        rena_html_fact(h, "splines", "grid %d on [%g, %g], order %d", m->hp.grid_size,
                       (double)m->hp.grid_lo, (double)m->hp.grid_hi, m->hp.spline_order);
    rena_html_fact(h, "training", "%d epochs, kept epoch %d (validation loss %.6f), lambda %g, "
                                  "seed %llu, %d samples fitted",
                   m->info.epochs, m->info.best_epoch, (double)m->info.val_loss,
                   (double)m->info.lambda, (unsigned long long)m->info.seed, m->info.n_train);
    rena_html_facts_end(h);
}

/* Loss curves from MODEL.curves.csv (rena train). */
static rena_status loss_plot(rena_page *p, const char *csv_path, rena_error *err)
{
    rena_page_csv csv;
    rena_status st = rena_page_read_csv(csv_path, &csv, err);
    if (st != RENA_OK)
        return st;
    static const char *const cols[3] = {"train_loss", "val_loss", "test_loss"};
    static const char *const labels[3] = {"train", "validation", "test"};
    int ce = rena_page_csv_col(&csv, "epoch");
    rena_plot_series s[3];
    double *buf[4] = {ce >= 0 ? rena_page_csv_column(&csv, ce) : NULL, NULL, NULL, NULL};
    int n = 0;
    for (int k = 0; k < 3 && buf[0]; k++) {
        int c = rena_page_csv_col(&csv, cols[k]);
        if (c >= 0 && (buf[n + 1] = rena_page_csv_column(&csv, c)))
            s[n] = (rena_plot_series){labels[k], buf[0], buf[n + 1], (int)csv.rows}, n++;
    }
    if (!buf[0] || !n)
        st = rena_error_set(err, RENA_ERR_FORMAT, csv_path, "needs the columns epoch, train_loss, "
                                                            "val_loss and test_loss");
    char path[4700];
    rena_page_image_path(p, "training-loss.png", path, sizeof path);
    rena_plot_options o = {"Loss per epoch (paper Fig. 6)", "epoch", "loss (MSE + lambda L_con)",
                           1, 900, 480};
    if (st == RENA_OK)
        st = rena_plot_lines(path, &o, s, n, err);
    for (int k = 0; k < 4; k++)
        free(buf[k]);
    rena_page_csv_free(&csv);
    if (st == RENA_OK)
        rena_page_figure(p, "training-loss.png", "loss per epoch",
                         "Training, validation (a tenth of the training split, which picks the "
                         "kept epoch) and test loss per epoch; log scale.",
                         820);
    return st;
}

rena_status rena_page_training(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "training", "Training");
    if (!p->a->model) {
        rena_html_note(&p->html, "No model given (--model): run rena train --data DATA --out "
                                 "MODEL.");
        return RENA_OK;
    }
    rena_status st = rena_model_load(p->a->model, &p->model, err);
    if (st != RENA_OK)
        return st;
    model_facts(p, p->model);
    char csv[4200];
    snprintf(csv, sizeof csv, "%s.curves.csv", p->a->model);
    if (!rena_page_is_file(csv)) {
        rena_html_note(&p->html, "%s is missing: loss curves are written by rena train next to "
                                 "the model.", csv);
        return RENA_OK;
    }
    return loss_plot(p, csv, err);
}

/* ---- servo errors ---------------------------------------------------------------- */

static rena_status ced_plot(rena_page *p, const cJSON *metrics, const char *label,
                            rena_error *err)
{
    const cJSON *ced = cJSON_GetObjectItemCaseSensitive(metrics, "ced"), *pt;
    int n = cJSON_GetArraySize(ced), k = 0;
    double *x = malloc(sizeof(double) * (size_t)(n + 1));
    double *y = malloc(sizeof(double) * (size_t)(n + 1));
    cJSON_ArrayForEach(pt, ced)
    {
        if (!x || !y || cJSON_GetArraySize(pt) != 2)
            continue;
        x[k] = cJSON_GetArrayItem(pt, 0)->valuedouble;
        y[k++] = cJSON_GetArrayItem(pt, 1)->valuedouble;
    }
    rena_status st = x && y ? RENA_OK : rena_error_set(err, RENA_ERR_NOMEM, "ced", "out of memory");
    rena_plot_series s = {label, x, y, k};
    rena_plot_options o = {"Cumulative error distribution (paper Fig. 7)",
                           "per-sample RMSE (fraction of servo range)", "fraction of test samples",
                           0, 620, 420};
    char path[4700];
    rena_page_image_path(p, "errors-ced.png", path, sizeof path);
    if (st == RENA_OK && k > 0)
        st = rena_plot_lines(path, &o, &s, 1, err);
    free(x);
    free(y);
    if (st == RENA_OK && k > 0)
        rena_page_figure(p, "errors-ced.png", "CED curve",
                         "Share of test samples whose own error (RMSE over the 25 servos) is at "
                         "most each threshold; higher and further left is better.",
                         600);
    return st;
}

static rena_status servo_bars(rena_page *p, const cJSON *metrics, rena_error *err)
{
    const cJSON *servos = cJSON_GetObjectItemCaseSensitive(metrics, "servos");
    double v[RENA_NUM_SERVOS];
    const char *labels[RENA_NUM_SERVOS];
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        labels[s] = rena_servos[s].name;
        v[s] = rena_page_num(cJSON_GetObjectItemCaseSensitive(servos, labels[s]), "rmse");
    }
    char path[4700];
    rena_page_image_path(p, "errors-servos.png", path, sizeof path);
    rena_plot_options o = {"Per-servo RMSE on the test split", "servo", "RMSE (fraction of range)",
                           0, 1000, 440};
    rena_status st = rena_plot_bars(path, &o, labels, v, RENA_NUM_SERVOS, err);
    if (st == RENA_OK)
        rena_page_figure(p, "errors-servos.png", "per-servo error",
                         "Test-split RMSE of every servo, as a fraction of its range.", 820);
    return st;
}

static void error_tables(rena_page *p, const cJSON *m)
{
    char rate[32], rmse[32], mae[32], mx[32], lr[32];
    rena_page_fmt(rate, sizeof rate, "%.2f %%", rena_page_num(m, "error_rate_percent"));
    rena_page_fmt(rmse, sizeof rmse, "%.5f", rena_page_num(m, "rmse"));
    rena_page_fmt(mae, sizeof mae, "%.5f", rena_page_num(m, "mae"));
    rena_page_fmt(mx, sizeof mx, "%.4f", rena_page_num(m, "max_abs"));
    rena_page_fmt(lr, sizeof lr, "%.4f", rena_page_num(m, "pair_disagreement"));
    rena_html_facts_begin(&p->html);
    rena_html_fact(&p->html, "model", "%s, %.0f parameters", rena_page_str(m, "arch"),
                   rena_page_num(m, "params"));
    rena_html_fact(&p->html, "test samples", "%.0f", rena_page_num(m, "samples"));
    rena_html_fact(&p->html, "servo error rate", "%s (RMSE %s; the paper reports 4.4 %%)", rate,
                   rmse);
    rena_html_fact(&p->html, "MAE / max |error|", "%s / %s", mae, mx);
    rena_html_fact(&p->html, "left/right disagreement", "%s", lr);
    rena_html_facts_end(&p->html);
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(m, "groups"), *g;
    static const char *const head[] = {"servo group", "RMSE", "MAE"};
    rena_html_table_begin(&p->html, head, 3);
    cJSON_ArrayForEach(g, groups)
    {
        char a[32], b[32];
        rena_page_fmt(a, sizeof a, "%.4f", rena_page_num(g, "rmse"));
        rena_page_fmt(b, sizeof b, "%.4f", rena_page_num(g, "mae"));
        const char *row[] = {g->string, a, b};
        rena_html_table_row(&p->html, row, 3);
    }
    rena_html_table_end(&p->html);
}

/* --eval DIR/metrics.json, or the same figures computed from --model on
 * --data's test split. */
static rena_status load_metrics(rena_page *p, cJSON **out, const char **source, rena_error *err)
{
    *out = NULL;
    if (p->a->eval) {
        char path[4200];
        snprintf(path, sizeof path, "%s/metrics.json", p->a->eval);
        *source = "rena eval --out";
        return rena_page_read_json(path, out, err);
    }
    const rena_samples *test = NULL;
    rena_status st = p->model ? rena_page_test_split(p, &test, err) : RENA_OK;
    if (st != RENA_OK || !test)
        return st;
    rena_eval_result r;
    st = rena_report_evaluate(p->model, test, p->a->threads, &r, err);
    if (st == RENA_OK && !(*out = rena_report_eval_json(p->model, &r)))
        st = rena_error_set(err, RENA_ERR_NOMEM, "metrics", "out of memory");
    *source = "computed from --model on --data's test split";
    return st;
}

rena_status rena_page_errors(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "errors", "Servo errors on the test split");
    cJSON *m = NULL;
    const char *source = "";
    rena_status st = load_metrics(p, &m, &source, err);
    if (st != RENA_OK || !m) {
        if (st == RENA_OK)
            rena_html_note(&p->html, "No test-split errors: give --eval (a rena eval --out "
                                     "folder) or both --model and --data.");
        return st;
    }
    rena_html_para(&p->html, "How far the predicted commands are from those that made each test "
                             "face, in fractions of each servo's range (%s).",
                   source);
    error_tables(p, m);
    rena_html_grid_begin(&p->html);
    st = ced_plot(p, m, rena_page_str(m, "arch"), err);
    rena_html_grid_end(&p->html);
    if (st == RENA_OK)
        st = servo_bars(p, m, err);
    cJSON_Delete(m);
    return st;
}

/* ---- ablation (Table I) ------------------------------------------------------------ */

static void table_one(rena_page *p, const cJSON *rows)
{
    static const char *const head[] = {"row", "backbone", "attention", "input", "lambda",
                                       "params", "epochs (kept)", "test MSE", "error (%)",
                                       "MAE", "L/R disagreement"};
    rena_html_table_begin(&p->html, head, 11);
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        rena_arch arch = RENA_ARCH_KAN_ATTN;
        int known = rena_arch_parse(rena_page_str(r, "arch"), &arch) == 0;
        char c[8][32];
        snprintf(c[0], 32, "%g", rena_page_num(r, "lambda"));
        rena_page_fmt(c[1], 32, "%.0f", rena_page_num(r, "params"));
        snprintf(c[2], 32, "%.0f (%.0f)", rena_page_num(r, "epochs"),
                 rena_page_num(r, "best_epoch"));
        rena_page_fmt(c[3], 32, "%.6f", rena_page_num(r, "mse"));
        rena_page_fmt(c[4], 32, "%.2f", rena_page_num(r, "error_rate_percent"));
        rena_page_fmt(c[5], 32, "%.4f", rena_page_num(r, "mae"));
        rena_page_fmt(c[6], 32, "%.4f", rena_page_num(r, "pair_disagreement"));
        const char *row[] = {rena_page_str(r, "row"),
                             !known ? "?" : rena_arch_has_kan(arch) ? "KAN" : "MLP",
                             known && rena_arch_has_attention(arch) ? "yes" : "no",
                             known && rena_arch_uses_landmarks(arch) ? "68 landmarks"
                                                                     : "52 blendshapes + pose",
                             c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        rena_html_table_row(&p->html, row, 11);
    }
    rena_html_table_end(&p->html);
}

/* Test loss of every row (models/<row>.rena.curves.csv) in one chart. */
static rena_status ablation_curves(rena_page *p, const cJSON *rows, rena_error *err)
{
    rena_plot_series s[MAX_ROWS];
    double *buf[2 * MAX_ROWS] = {0};
    rena_page_csv csv[MAX_ROWS];
    int n = 0;
    const cJSON *r;
    rena_status st = RENA_OK;
    cJSON_ArrayForEach(r, rows)
    {
        char path[4400];
        snprintf(path, sizeof path, "%s/models/%s.rena.curves.csv", p->a->ablation,
                 rena_page_str(r, "row"));
        if (n == MAX_ROWS || !rena_page_is_file(path))
            continue;
        if ((st = rena_page_read_csv(path, &csv[n], err)) != RENA_OK)
            break;
        int ce = rena_page_csv_col(&csv[n], "epoch"), ct = rena_page_csv_col(&csv[n], "test_loss");
        buf[2 * n] = ce >= 0 && ct >= 0 ? rena_page_csv_column(&csv[n], ce) : NULL;
        buf[2 * n + 1] = ce >= 0 && ct >= 0 ? rena_page_csv_column(&csv[n], ct) : NULL;
        s[n] = (rena_plot_series){rena_page_str(r, "row"), buf[2 * n], buf[2 * n + 1],
                                  buf[2 * n] && buf[2 * n + 1] ? (int)csv[n].rows : 0};
        n++;
    }
    char path[4700];
    rena_page_image_path(p, "ablation-loss.png", path, sizeof path);
    rena_plot_options o = {"Test loss per epoch, every ablation row", "epoch", "test loss", 1, 900,
                           480};
    if (st == RENA_OK && n > 0 && (st = rena_plot_lines(path, &o, s, n, err)) == RENA_OK)
        rena_page_figure(p, "ablation-loss.png", "ablation test loss",
                         "Test loss per epoch of every row of Table I (log scale).", 820);
    for (int k = 0; k < n; k++)
        rena_page_csv_free(&csv[k]);
    for (int k = 0; k < 2 * MAX_ROWS; k++)
        free(buf[k]);
    return st;
}

/* CED curve of every row's model, recomputed on --data's test split. */
static rena_status ablation_ced(rena_page *p, const cJSON *rows, const rena_samples *test,
                                rena_error *err)
{
    rena_eval_result *res = calloc(MAX_ROWS, sizeof *res);
    rena_plot_series s[MAX_ROWS];
    int n = 0;
    const cJSON *r;
    if (!res)
        return rena_error_set(err, RENA_ERR_NOMEM, "ablation", "out of memory");
    rena_status st = RENA_OK;
    cJSON_ArrayForEach(r, rows)
    {
        char path[4400];
        snprintf(path, sizeof path, "%s/models/%s.rena", p->a->ablation, rena_page_str(r, "row"));
        if (n == MAX_ROWS || !rena_page_is_file(path))
            continue;
        rena_model *m = NULL;
        st = rena_model_load(path, &m, err);
        if (st == RENA_OK)
            st = rena_report_evaluate(m, test, p->a->threads, &res[n], err);
        rena_model_free(m);
        if (st != RENA_OK) {
            free(res);
            return st;
        }
        s[n] = (rena_plot_series){rena_page_str(r, "row"), res[n].ced_x, res[n].ced_y,
                                  RENA_CED_STEPS};
        n++;
    }
    char path[4700];
    rena_page_image_path(p, "ablation-ced.png", path, sizeof path);
    rena_plot_options o = {"Cumulative error distribution, every ablation row",
                           "per-sample RMSE (fraction of servo range)", "fraction of test samples",
                           0, 900, 480};
    if (n > 0 && (st = rena_plot_lines(path, &o, s, n, err)) == RENA_OK)
        rena_page_figure(p, "ablation-ced.png", "ablation CED",
                         "CED curves of every row's model on the test split of --data.", 820);
    free(res);
    return st;
}

rena_status rena_page_ablation(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "ablation", "Ablation (paper Table I)");
    if (!p->a->ablation) {
        rena_html_note(&p->html, "No ablation given (--ablation): rena ablation --data DATA --out "
                                 "DIR trains every architecture and lambda (it takes a while).");
        return RENA_OK;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/ablation.json", p->a->ablation);
    cJSON *rows = NULL;
    rena_status st = rena_page_read_json(path, &rows, err);
    if (st == RENA_OK && !cJSON_IsArray(rows))
        st = rena_error_set(err, RENA_ERR_FORMAT, path, "expected an array of rows");
    if (st != RENA_OK) {
        cJSON_Delete(rows);
        return st;
    }
    rena_html_para(&p->html, "Every architecture trained under one seed, and kan-attn with "
                             "several consistency weights lambda; errors on the test split.");
    table_one(p, rows);
    st = ablation_curves(p, rows, err);
    const rena_samples *test = NULL;
    if (st == RENA_OK)
        st = rena_page_test_split(p, &test, err);
    if (st == RENA_OK && test)
        st = ablation_ced(p, rows, test, err);
    else if (st == RENA_OK)
        rena_html_note(&p->html, "No CED curves for the rows: they are computed on the test "
                                 "split of --data, which was not given.");
    cJSON_Delete(rows);
    return st;
}
