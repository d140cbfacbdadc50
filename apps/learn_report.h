/* learn_report.h: the files `rena train`, `rena eval` and `rena ablation`
 * leave behind: loss curves (CSV + PNG, paper Fig. 6), test-split errors
 * (JSON, per-servo CSV, CED curve CSV + PNG, paper Fig. 7). */
#ifndef RENA_LEARN_REPORT_H
#define RENA_LEARN_REPORT_H

#include <cjson/cJSON.h>

#include "dataset.h"
#include "model.h"
#include "servo_error.h"
#include "train.h"

/* CED thresholds: 0 to 0.30 of the servo range in steps of 0.005. */
#define RENA_CED_STEPS 61
#define RENA_CED_MAX 0.30

/* Writes <model>.curves.csv (epoch, lr, train/val/test loss, val/test MSE,
 * seconds) and <model>.loss.png (train and test loss per epoch). */
rena_status rena_report_curves(const char *model_path, const rena_train_history *h,
                               rena_error *err);

/* A model's errors on a test split. */
typedef struct {
    rena_servo_error err;
    long nonfinite;                 /* non-finite inputs replaced during prediction */
    double ced_x[RENA_CED_STEPS];   /* thresholds */
    double ced_y[RENA_CED_STEPS];   /* fraction of samples with error <= threshold */
} rena_eval_result;

rena_status rena_report_evaluate(const rena_model *m, const rena_samples *test, int threads,
                                 rena_eval_result *out, rena_error *err);
/* {"samples", "error_rate_percent", "rmse", "mae", "max_abs", "servos": {...},
 *  "groups": {...}, "ced": [[x, y]...], "pair_disagreement"} */
cJSON *rena_report_eval_json(const rena_model *m, const rena_eval_result *r);
/* metrics.json, per_servo.csv, ced.csv, ced.png and per_servo.png in dir
 * (created if missing). */
rena_status rena_report_eval_files(const char *dir, const rena_model *m,
                                   const rena_eval_result *r, rena_error *err);
/* Writes text to path atomically. */
rena_status rena_report_write_text(const char *path, const char *text, rena_error *err);
/* mkdir -p for one level; fine if it exists. */
rena_status rena_report_mkdir(const char *dir, rena_error *err);

#endif
