/* `rena train`, `rena eval` and `rena ablation` as users run them: the files
 * they leave, and clear refusals of bad flags and bad files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "rng.h"
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
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
