#include "learn_report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "plot.h"

rena_status rena_report_write_text(const char *path, const char *text, rena_error *err)
{
    return rena_atomic_write(path, text, strlen(text), err);
}

rena_status rena_report_mkdir(const char *dir, rena_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return rena_error_set(err, RENA_ERR_IO, dir, "cannot create folder: %s", strerror(errno));
    return RENA_OK;
}

/* A growing text buffer for CSV files. */
typedef struct {
    char *s;
    size_t len, cap;
} text;

static void text_printf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0 || !t)
        return;
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = (t->cap + (size_t)need + 1) * 2;
        char *s = realloc(t->s, cap);
        if (!s)
            return;
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)need;
}

static rena_status text_commit(text *t, const char *path, rena_error *err)
{
    rena_status st = t->s ? rena_report_write_text(path, t->s, err)
                          : rena_error_set(err, RENA_ERR_NOMEM, path, "no memory");
    free(t->s);
    t->s = NULL;
    return st;
}

rena_status rena_report_curves(const char *model_path, const rena_train_history *h,
                               rena_error *err)
{
    char path[4096];
    text t = {0};
    text_printf(&t, "epoch,lr,train_loss,val_loss,test_loss,val_mse,test_mse,seconds\n");
    for (int e = 0; e < h->n_epochs; e++) {
        const rena_train_epoch *r = &h->epochs[e];
        text_printf(&t, "%d,%.6g,%.8g,%.8g,%.8g,%.8g,%.8g,%.4f\n", r->epoch, r->lr, r->train_loss,
                    r->val_loss, r->test_loss, r->val_mse, r->test_mse, r->seconds);
    }
    snprintf(path, sizeof path, "%s.curves.csv", model_path);
    rena_status st = text_commit(&t, path, err);
    if (st != RENA_OK)
        return st;
    int n = h->n_epochs;
    double *x = malloc(sizeof(double) * (size_t)(n + 1)), *tr = malloc(sizeof(double) * (size_t)(n + 1));
    double *te = malloc(sizeof(double) * (size_t)(n + 1));
    if (!x || !tr || !te) {
        free(x);
        free(tr);
        free(te);
        return rena_error_set(err, RENA_ERR_NOMEM, model_path, "no memory");
    }
    for (int e = 0; e < n; e++) {
        x[e] = h->epochs[e].epoch;
        tr[e] = h->epochs[e].train_loss;
        te[e] = h->epochs[e].test_loss;
    }
    rena_plot_series s[2] = {{"train loss", x, tr, n}, {"test loss", x, te, n}};
    rena_plot_options o = {"Training (paper Fig. 6)", "epoch", "loss (MSE + lambda L_con)", 1, 0, 0};
    snprintf(path, sizeof path, "%s.loss.png", model_path);
    st = rena_plot_lines(path, &o, s, 2, err);
    free(x);
    free(tr);
    free(te);
    return st;
}

rena_status rena_report_evaluate(const rena_model *m, const rena_samples *test, int threads,
                                 rena_eval_result *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    float *pred = malloc(sizeof(float) * (size_t)test->n * RENA_NUM_SERVOS);
    double *per = malloc(sizeof(double) * (size_t)test->n);
    float *raw = malloc(sizeof(float) * (size_t)m->n_in);
    rena_status st = pred && per && raw ? RENA_OK
                                        : rena_error_set(err, RENA_ERR_NOMEM, "eval", "no memory");
    for (long i = 0; st == RENA_OK && i < test->n; i++) {
        rena_model_raw_input_sample(m->hp.arch, test, i, raw);
        for (int k = 0; k < m->n_in; k++)
            out->nonfinite += !isfinite(raw[k]);
    }
    if (st == RENA_OK)
        st = rena_model_predict_samples(m, test, threads, pred, err);
    if (st == RENA_OK)
        st = rena_servo_error_compute(pred, test->commands, test->n, &out->err, err);
    if (st == RENA_OK) {
        rena_servo_error_per_sample(pred, test->commands, test->n, per);
        for (int k = 0; k < RENA_CED_STEPS; k++)
            out->ced_x[k] = RENA_CED_MAX * k / (RENA_CED_STEPS - 1);
        st = rena_servo_error_ced(per, test->n, out->ced_x, RENA_CED_STEPS, out->ced_y, err);
    }
    free(pred);
    free(per);
    free(raw);
    return st;
}

cJSON *rena_report_eval_json(const rena_model *m, const rena_eval_result *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "arch", rena_arch_name(m->hp.arch));
    cJSON_AddNumberToObject(j, "params", (double)m->n_params);
    cJSON_AddNumberToObject(j, "samples", (double)r->err.n);
    cJSON_AddNumberToObject(j, "error_rate_percent", 100.0 * r->err.rmse);
    cJSON_AddNumberToObject(j, "rmse", r->err.rmse);
    cJSON_AddNumberToObject(j, "mse", r->err.rmse * r->err.rmse);
    cJSON_AddNumberToObject(j, "mae", r->err.mae);
    cJSON_AddNumberToObject(j, "max_abs", r->err.max_abs);
    cJSON_AddNumberToObject(j, "pair_disagreement", r->err.pair_disagreement);
    cJSON_AddNumberToObject(j, "nonfinite_inputs", (double)r->nonfinite);
    cJSON *servos = cJSON_AddObjectToObject(j, "servos");
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        cJSON *o = cJSON_AddObjectToObject(servos, rena_servos[s].name);
        cJSON_AddNumberToObject(o, "rmse", r->err.servo_rmse[s]);
        cJSON_AddNumberToObject(o, "mae", r->err.servo_mae[s]);
    }
    cJSON *groups = cJSON_AddObjectToObject(j, "groups");
    for (int g = 0; g < RENA_NUM_REGIONS; g++) {
        cJSON *o = cJSON_AddObjectToObject(groups, rena_servo_region_name(g));
        cJSON_AddNumberToObject(o, "rmse", r->err.region_rmse[g]);
        cJSON_AddNumberToObject(o, "mae", r->err.region_mae[g]);
    }
    cJSON *ced = cJSON_AddArrayToObject(j, "ced");
    for (int k = 0; k < RENA_CED_STEPS; k++) {
        double xy[2] = {r->ced_x[k], r->ced_y[k]};
        cJSON_AddItemToArray(ced, cJSON_CreateDoubleArray(xy, 2));
    }
    return j;
}

static rena_status write_json(const char *path, cJSON *j, rena_error *err)
{
    char *s = cJSON_Print(j);
    if (!s)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "no memory");
    rena_status st = rena_report_write_text(path, s, err);
    cJSON_free(s);
    return st;
}

rena_status rena_report_eval_files(const char *dir, const rena_model *m,
                                   const rena_eval_result *r, rena_error *err)
{
    char path[4096];
    rena_status st = rena_report_mkdir(dir, err);
    if (st != RENA_OK)
        return st;
    cJSON *j = rena_report_eval_json(m, r);
    snprintf(path, sizeof path, "%s/metrics.json", dir);
    st = j ? write_json(path, j, err) : rena_error_set(err, RENA_ERR_NOMEM, path, "no memory");
    cJSON_Delete(j);
    text t = {0};
    text_printf(&t, "servo,group,rmse,mae\n");
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        text_printf(&t, "%s,%s,%.6f,%.6f\n", rena_servos[s].name,
                    rena_servo_region_name(rena_servos[s].region), r->err.servo_rmse[s],
                    r->err.servo_mae[s]);
    snprintf(path, sizeof path, "%s/per_servo.csv", dir);
    if (st == RENA_OK)
        st = text_commit(&t, path, err);
    free(t.s);
    text c = {0};
    text_printf(&c, "threshold,fraction\n");
    for (int k = 0; k < RENA_CED_STEPS; k++)
        text_printf(&c, "%.4f,%.6f\n", r->ced_x[k], r->ced_y[k]);
    snprintf(path, sizeof path, "%s/ced.csv", dir);
    if (st == RENA_OK)
        st = text_commit(&c, path, err);
    free(c.s);
    if (st == RENA_OK) {
        rena_plot_series s = {rena_arch_name(m->hp.arch), r->ced_x, r->ced_y, RENA_CED_STEPS};
        rena_plot_options o = {"Cumulative error distribution (paper Fig. 7)",
                               "per-sample RMSE (fraction of servo range)", "fraction of samples",
                               0, 0, 0};
        snprintf(path, sizeof path, "%s/ced.png", dir);
        st = rena_plot_lines(path, &o, &s, 1, err);
    }
    if (st == RENA_OK) {
        const char *labels[RENA_NUM_SERVOS];
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            labels[s] = rena_servos[s].name;
        rena_plot_options o = {"Per-servo RMSE", "servo", "RMSE (fraction of range)", 0, 1000, 500};
        snprintf(path, sizeof path, "%s/per_servo.png", dir);
        st = rena_plot_bars(path, &o, labels, r->err.servo_rmse, RENA_NUM_SERVOS, err);
    }
    return st;
}
