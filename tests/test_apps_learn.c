/* `rena train`, `rena eval` and `rena ablation` as users run them: the files
 * they leave, and clear refusals of bad flags and bad files. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "dataset.h"
#include "rng.h"
#include "servo.h"
#include "synthdata.h"
#include "testutil.h"

static char tmp[512], data[600], log_path[600];

/* Runs the CLI with output in log_path; returns the exit code. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    const char *bin = getenv("RENA_BINARY");
    ck_assert_msg(bin && *bin, "RENA_BINARY is not set");
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s > %s 2>&1", bin, args, log_path);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int log_has(const char *text)
{
    FILE *f = fopen(log_path, "r");
    char buf[65536];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

static int exists(const char *fmt, const char *a)
{
    char path[1200];
    snprintf(path, sizeof path, fmt, a);
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* A small dataset: commands a smooth function of the blendshapes. */
static void make_dataset(long total) { rena_test_make_dataset(data, total, 0); }

static void setup(void)
{
    rena_test_tmpdir(tmp, sizeof tmp);
    snprintf(data, sizeof data, "%s/data", tmp);
    snprintf(log_path, sizeof log_path, "%s/log.txt", tmp);
    make_dataset(200);
}

START_TEST(train_then_eval_writes_every_file)
{
    ck_assert_int_eq(run("train --data %s --out %s/m.rena --epochs 4 --batch 32 --arch kan-attn "
                         "--threads 2",
                         data, tmp),
                     0);
    ck_assert(log_has("kan-attn"));
    ck_assert(exists("%s/m.rena", tmp));
    ck_assert(exists("%s/m.rena.curves.csv", tmp));
    ck_assert(exists("%s/m.rena.loss.png", tmp));
    ck_assert_int_eq(run("eval --model %s/m.rena --data %s --out %s/ev --json", tmp, data, tmp), 0);
    ck_assert(log_has("\"error_rate_percent\""));
    ck_assert(log_has("\"head_yaw\""));
    ck_assert(exists("%s/ev/metrics.json", tmp));
    ck_assert(exists("%s/ev/ced.csv", tmp));
    ck_assert(exists("%s/ev/ced.png", tmp));
    ck_assert(exists("%s/ev/per_servo.csv", tmp));
    ck_assert_int_eq(run("eval --model %s/m.rena --data %s", tmp, data), 0);
    ck_assert(log_has("servo error rate"));
}
END_TEST

START_TEST(bad_flags_refused)
{
    ck_assert_int_eq(run("train --data %s --out %s/x.rena --arch transformer", data, tmp), 2);
    ck_assert(log_has("--arch"));
    ck_assert_int_eq(run("train --data %s --out %s/x.rena --epochs 0", data, tmp), 2);
    ck_assert(log_has("--epochs"));
    ck_assert_int_eq(run("train --data %s --out %s/x.rena --batch -3", data, tmp), 2);
    ck_assert(log_has("--batch"));
    ck_assert_int_eq(run("train --data %s --out %s/x.rena --lambda nan", data, tmp), 2);
    ck_assert_int_eq(run("train --data %s", data), 2);
    ck_assert_int_eq(run("eval --model %s/none.rena", tmp), 2);
    ck_assert_int_eq(run("ablation --data %s --out %s/ab --epochs -1", data, tmp), 2);
    ck_assert_int_eq(run("train --data %s/nowhere --out %s/x.rena", tmp, tmp), 1);
    ck_assert(log_has("nowhere"));
    ck_assert(!exists("%s/x.rena", tmp));
}
END_TEST

START_TEST(damaged_model_refused_by_name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/broken.rena", tmp);
    FILE *f = fopen(path, "wb");
    fputs("RENAMODL but not really a model", f);
    fclose(f);
    ck_assert_int_eq(run("eval --model %s --data %s", path, data), 1);
    ck_assert(log_has("broken.rena"));
}
END_TEST

/* Ctrl-C during training: exit 130 and the previous model file untouched. */
START_TEST(interrupt_keeps_previous_model)
{
    char model[700];
    snprintf(model, sizeof model, "%s/keep.rena", tmp);
    ck_assert_int_eq(run("train --data %s --out %s --epochs 2 --batch 64", data, model), 0);
    FILE *f = fopen(model, "rb");
    static unsigned char before[1 << 18], after[1 << 18];
    size_t nb = fread(before, 1, sizeof before, f);
    ck_assert_uint_lt(nb, sizeof before); /* read whole */
    fclose(f);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!freopen(log_path, "w", stderr))
            _exit(126);
        execl(getenv("RENA_BINARY"), "rena", "train", "--data", data, "--out", model, "--epochs",
              "100000", "--patience", "100000", "--batch", "8", (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {1, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    /* 130 once the handler is in place; on a machine so loaded that the
     * signal beat it, the default action must still leave the file alone */
    ck_assert(WIFEXITED(status) ? WEXITSTATUS(status) == 130
                                : WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    f = fopen(model, "rb");
    size_t na = fread(after, 1, sizeof after, f);
    fclose(f);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(before, after, nb), 0);
}
END_TEST

/* The log (the command's stdout and stderr) from its first '{' on, parsed. */
static cJSON *log_json(void)
{
    unsigned char *text;
    size_t size;
    ck_assert_int_eq(rena_read_file(log_path, &text, &size, NULL), RENA_OK);
    const char *open = memchr(text, '{', size);
    ck_assert_msg(open != NULL, "no JSON in the log: %.*s", (int)size, (const char *)text);
    cJSON *j = cJSON_ParseWithLength(open, size - (size_t)(open - (const char *)text));
    free(text);
    ck_assert_msg(j != NULL, "the log's JSON does not parse");
    return j;
}

static cJSON *file_json(const char *path)
{
    unsigned char *text;
    size_t size;
    ck_assert_int_eq(rena_read_file(path, &text, &size, NULL), RENA_OK);
    cJSON *j = cJSON_ParseWithLength((const char *)text, size);
    free(text);
    ck_assert_msg(j != NULL, "%s does not parse", path);
    return j;
}

static double json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number '%s'", key);
    return v->valuedouble;
}

static double servo_rmse(const cJSON *metrics, int servo)
{
    const cJSON *servos = cJSON_GetObjectItemCaseSensitive(metrics, "servos");
    return json_num(cJSON_GetObjectItemCaseSensitive(servos, rena_servos[servo].name), "rmse");
}

/* The format version of a model file (the u32 after the 8-byte magic). */
static unsigned model_version(const char *path)
{
    unsigned char *b;
    size_t size;
    ck_assert_int_eq(rena_read_file(path, &b, &size, NULL), RENA_OK);
    ck_assert_uint_gt(size, 12);
    unsigned v = (unsigned)b[8] | (unsigned)b[9] << 8 | (unsigned)b[10] << 16 |
                 (unsigned)b[11] << 24;
    free(b);
    return v;
}

/* Like synthdata.h's, but the performer turns the head: the yaw varies and
 * the head-yaw command is exactly linear in it, so a head map fits it to
 * float rounding while a network trained for a few epochs cannot. */
static void make_turning_dataset(const char *dir, long total)
{
    rena_dataset_meta meta;
    rena_dataset_meta_default(&meta);
    meta.total = total;
    meta.test = total / 5;
    meta.features = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    snprintf(meta.backend, sizeof meta.backend, "synthetic");
    rena_dataset_writer w;
    rena_error err;
    ck_assert_msg(rena_dataset_writer_open(&w, dir, &meta, &err) == RENA_OK, "%s", err.message);
    for (long i = 0; i < total; i++) {
        rena_rng r;
        rena_rng_init(&r, 11, (uint64_t)i);
        rena_features f;
        float cmd[RENA_NUM_SERVOS];
        memset(&f, 0, sizeof f);
        f.valid = meta.features;
        for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
            f.blendshapes[k] = (float)rena_rng_uniform(&r);
        for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
            f.landmarks[k][0] = 300.0f + 4.0f * k + 10.0f * f.blendshapes[k % 52];
            f.landmarks[k][1] = 200.0f + 3.0f * (k % 7) + 10.0f * f.blendshapes[(k + 9) % 52];
        }
        for (int k = 0; k < 3; k++)
            f.head_pose[k] = (float)rena_rng_range(&r, -0.5, 0.5);
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            cmd[k] = 0.2f + 0.6f * f.blendshapes[(k * 3) % 52];
        cmd[RENA_SERVO_HEAD_YAW] = 0.5f + 0.8f * f.head_pose[0];
        ck_assert_int_eq(rena_dataset_writer_put(&w, i, cmd, &f, &err), RENA_OK);
    }
    ck_assert_msg(rena_dataset_writer_commit(&w, &err) == RENA_OK, "%s", err.message);
}

/* --head-map reaches training: with the map (the default) the model file is
 * version 2 and the head-yaw servo follows the yaw exactly; with it off the
 * file is version 1 and the network drives the head, while every other
 * servo's error is the same bit for bit (the network trains alike). */
START_TEST(head_map_flag_reaches_training)
{
    ck_assert_int_eq(run("train --data %s --out %s/x.rena --head-map maybe", data, tmp), 2);
    ck_assert(log_has("--head-map"));
    ck_assert(log_has("maybe"));
    ck_assert(!exists("%s/x.rena", tmp));

    char turning[700], on[700], off[700];
    snprintf(turning, sizeof turning, "%s/turning", tmp);
    snprintf(on, sizeof on, "%s/on.rena", tmp);
    snprintf(off, sizeof off, "%s/off.rena", tmp);
    make_turning_dataset(turning, 200);
    const char *common = "--epochs 3 --batch 32 --threads 1 --seed 3";
    ck_assert_int_eq(run("train --data %s --out %s %s", turning, on, common), 0);
    ck_assert(log_has("head map: head_yaw ="));
    ck_assert(log_has("test error with the head map"));
    ck_assert_int_eq(run("train --data %s --out %s %s --head-map off", turning, off, common), 0);
    ck_assert(log_has("head map: off"));
    ck_assert_uint_eq(model_version(on), 2);
    ck_assert_uint_eq(model_version(off), 1);

    ck_assert_int_eq(run("eval --model %s --data %s --json --threads 1", on, turning), 0);
    cJSON *with = log_json();
    ck_assert_int_eq(run("eval --model %s --data %s --json --threads 1", off, turning), 0);
    cJSON *without = log_json();
    double hy_with = servo_rmse(with, RENA_SERVO_HEAD_YAW);
    double hy_without = servo_rmse(without, RENA_SERVO_HEAD_YAW);
    ck_assert_msg(hy_with < 1e-4, "head yaw RMSE %g with an exactly linear map", hy_with);
    ck_assert_msg(hy_without > 10 * hy_with + 1e-3, "network's head yaw RMSE %g vs map %g",
                  hy_without, hy_with);
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        if (s != RENA_SERVO_HEAD_YAW)
            ck_assert_msg(servo_rmse(with, s) == servo_rmse(without, s), "%s: %.17g vs %.17g",
                          rena_servos[s].name, servo_rmse(with, s), servo_rmse(without, s));
    cJSON_Delete(with);
    cJSON_Delete(without);
}
END_TEST

/* The ablation table reports each model as it predicts (head yaw from its
 * map), exactly what `rena eval` of the saved model says, not the
 * training record's network-only test loss. */
START_TEST(ablation_reports_models_as_they_predict)
{
    char turning[700], ab[700], path[800];
    snprintf(turning, sizeof turning, "%s/turning", tmp);
    snprintf(ab, sizeof ab, "%s/ab", tmp);
    make_turning_dataset(turning, 150);
    ck_assert_int_eq(run("ablation --data %s --out %s --epochs 2 --threads 1", turning, ab), 0);
    ck_assert(exists("%s/ablation.md", ab));
    ck_assert(exists("%s/loss.png", ab));
    ck_assert(exists("%s/ced.png", ab));
    snprintf(path, sizeof path, "%s/ablation.json", ab);
    cJSON *rows = file_json(path);
    ck_assert_int_eq(cJSON_GetArraySize(rows), 8);
    int checked = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        const char *row = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "row"));
        ck_assert_ptr_nonnull(row);
        int landmarks = !strcmp(row, "landmark-mlp");
        ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "head_map")) == !landmarks,
                      "%s: head_map flag", row);
        if (!landmarks)
            ck_assert_msg(servo_rmse(r, RENA_SERVO_HEAD_YAW) < 1e-4,
                          "%s: head yaw RMSE %g, not the map's", row,
                          servo_rmse(r, RENA_SERVO_HEAD_YAW));
        if (strcmp(row, "kan-attn") && !landmarks)
            continue;
        ck_assert_int_eq(run("eval --model %s/models/%s.rena --data %s --json --threads 1", ab,
                             row, turning),
                         0);
        cJSON *ev = log_json();
        ck_assert_msg(fabs(json_num(r, "mse") - json_num(ev, "mse")) <= 1e-12 * json_num(ev, "mse"),
                      "%s: ablation MSE %.17g, rena eval %.17g", row, json_num(r, "mse"),
                      json_num(ev, "mse"));
        cJSON_Delete(ev);
        checked++;
    }
    ck_assert_int_eq(checked, 2);
    cJSON_Delete(rows);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_learn");
    TCase *tc = tcase_create("learn");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, train_then_eval_writes_every_file);
    tcase_add_test(tc, bad_flags_refused);
    tcase_add_test(tc, damaged_model_refused_by_name);
    tcase_add_test(tc, interrupt_keeps_previous_model);
    tcase_add_test(tc, head_map_flag_reaches_training);
    tcase_add_test(tc, ablation_reports_models_as_they_predict);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
