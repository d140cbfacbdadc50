/* `rena mimic` and `rena evaluate` as a user runs them, on the simulated
 * face with a small model trained here: outputs, standard input that stops,
 * the filter, bad inputs and exit codes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "atomicfile.h"
#include "blendshape.h"
#include "servo.h"
#include "testutil.h"

static char root[512];      /* dataset and model, shared by every test */
static char output[1 << 16];

#define sh(...) rena_test_shell(output, sizeof output, __VA_ARGS__)

static void setup_model(void)
{
    rena_test_tmpdir(root, sizeof root);
    int rc = sh("\"$R\" generate --out %s/data --samples 400 --seed 3 && "
                "\"$R\" train --data %s/data --out %s/model.rena --arch mlp --epochs 40 "
                "--threads 1",
                root, root, root);
    if (rc != 0) {
        fprintf(stderr, "making the test model failed:\n%s\n", output);
        abort();
    }
}

static void teardown_model(void) { rena_remove_tree(root); }

static cJSON *read_json(const char *path)
{
    unsigned char *data;
    size_t size;
    ck_assert_msg(rena_read_file(path, &data, &size, NULL) == RENA_OK, "cannot read %s", path);
    cJSON *j = cJSON_Parse((const char *)data);
    free(data);
    ck_assert_msg(j, "%s is not JSON", path);
    return j;
}

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number '%s'", key);
    return v->valuedouble;
}

static long count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp, "no %s", path);
    long n = 0;
    for (int c; (c = fgetc(fp)) != EOF;)
        n += c == '\n';
    fclose(fp);
    return n;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A MediaPipe CSV of n frames: a smile growing, then held. */
static void write_csv(const char *path, int n)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "timestamp");
    for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++)
        fprintf(fp, ",%s", rena_blendshape_names[b]);
    fprintf(fp, "\n");
    for (int k = 0; k < n; k++) {
        double s = k < n / 2 ? 2.0 * k / n : 1.0;
        fprintf(fp, "%.4f", k / 30.0);
        for (int b = 0; b < RENA_NUM_BLENDSHAPES; b++) {
            int smile = b == RENA_BS_MOUTH_SMILE_LEFT || b == RENA_BS_MOUTH_SMILE_RIGHT;
            fprintf(fp, ",%.4f", smile ? 0.8 * s : b == RENA_BS_JAW_OPEN ? 0.2 * s : 0.0);
        }
        fprintf(fp, "\n");
    }
    fclose(fp);
}

/* ---- tests ------------------------------------------------------------------- */

START_TEST(performer_run_writes_commands_landmarks_renders_summary)
{
    char out[600], path[700];
    snprintf(out, sizeof out, "%s/happy", root);
    /* renders and SSIM take ~30 s of CPU at -O0 under ASan: landmarks only there */
    int renders = !rena_test_sanitized();
    int rc = sh("\"$R\" mimic --model %s/model.rena --input performer:ben/happiness --out %s%s",
                root, out, renders ? "" : " --no-renders");
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    long frames = 70; /* ben's emotions: 8 + 20 + 10 + 24 + 8 frames */
    snprintf(path, sizeof path, "%s/commands.csv", out);
    ck_assert_int_eq(count_lines(path), frames + 1);
    snprintf(path, sizeof path, "%s/robot_landmarks.csv", out);
    ck_assert_int_eq(count_lines(path), frames + 1);
    snprintf(path, sizeof path, "%s/target_landmarks.csv", out);
    ck_assert_int_eq(count_lines(path), frames + 1);
    snprintf(path, sizeof path, "%s/robot/%06ld.png", out, frames - 1);
    ck_assert_int_eq(exists(path), renders);
    snprintf(path, sizeof path, "%s/target/%06ld.png", out, frames - 1);
    ck_assert_int_eq(exists(path), renders);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *s = read_json(path);
    ck_assert_int_eq((long)number(s, "frames"), frames);
    ck_assert_double_gt(number(s, "ld"), 0.0);
    ck_assert_double_lt(number(s, "ld"), 0.2);
    ck_assert_double_gt(number(s, "gs"), 50.0);
    ck_assert_double_le(number(s, "gd"), 100.0);
    if (renders)
        ck_assert_double_gt(number(s, "ssim"), 0.5);
    else
        ck_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "ssim")));
    ck_assert_double_ge(number(s, "ease_frames"), 1.0);
    cJSON_Delete(s);
    /* every command a valid servo value */
    snprintf(path, sizeof path, "%s/commands.csv", out);
    FILE *fp = fopen(path, "r");
    char line[4096];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
    ck_assert_ptr_nonnull(strstr(line, "frame,timestamp,eye_h_l"));
    while (fgets(line, sizeof line, fp)) {
        char *p = line;
        strtol(p, &p, 10);
        strtod(p + 1, &p);
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            double v = strtod(p + 1, &p);
            ck_assert(v >= 0.0 && v <= 1.0);
        }
    }
    fclose(fp);
}
END_TEST

/* Standard input that pauses and then closes: every frame is answered on
 * stdout as it comes, and the run ends cleanly after easing to neutral. */
START_TEST(stdin_stream_that_stops_ends_cleanly)
{
    char csv[600], out[600], path[700];
    snprintf(csv, sizeof csv, "%s/smile.csv", root);
    write_csv(csv, 40);
    int rc = sh("(head -n 21 %s; sleep 0.3; tail -n +22 %s) | \"$R\" mimic --model %s/model.rena "
                "--input - > %s/stdout.csv",
                csv, csv, root, root);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    ck_assert_ptr_nonnull(strstr(output, "40 frames"));
    snprintf(path, sizeof path, "%s/stdout.csv", root);
    ck_assert_int_eq(count_lines(path), 41);

    snprintf(out, sizeof out, "%s/stream", root);
    rc = sh("cat %s | \"$R\" mimic --model %s/model.rena --input - --backend emu --out %s", csv,
            root, out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *s = read_json(path);
    ck_assert_int_eq((long)number(s, "frames"), 40);
    /* the smile was held to the end, so easing back took frames */
    ck_assert_double_ge(number(s, "ease_frames"), 2.0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "ld"))); /* no landmarks on the bus */
    cJSON_Delete(s);
}
END_TEST

START_TEST(filter_removes_hops_on_abrupt_sequence)
{
    long hops[2];
    double gd[2];
    for (int f = 0; f < 2; f++) {
        char out[600], path[700];
        snprintf(out, sizeof out, "%s/abrupt%d", root, f);
        int rc = sh("\"$R\" mimic --model %s/model.rena --input performer:ana/abrupt --out %s "
                    "--no-renders --filter %s",
                    root, out, f ? "oneeuro" : "none");
        ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
        snprintf(path, sizeof path, "%s/summary.json", out);
        cJSON *s = read_json(path);
        hops[f] = (long)number(s, "hops");
        gd[f] = number(s, "gd");
        cJSON_Delete(s);
        snprintf(path, sizeof path, "%s/robot", out);
        ck_assert(!exists(path));
    }
    ck_assert_int_gt(hops[0], 0);
    ck_assert_int_lt(hops[1], hops[0]);
    ck_assert_double_gt(gd[1], gd[0]);
}
END_TEST

START_TEST(bad_inputs_fail_clearly)
{
    char csv[600];
    ck_assert_int_eq(sh("\"$R\" mimic --input performer:ana/fear"), 2);
    ck_assert_ptr_nonnull(strstr(output, "--model"));
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input performer:zed/fear", root), 1);
    ck_assert_ptr_nonnull(strstr(output, "zed"));
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input performer:ana/fear "
                        "--filter median", root), 2);
    ck_assert_ptr_nonnull(strstr(output, "--filter"));
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/nope.rena --input -", root), 1);
    ck_assert_ptr_nonnull(strstr(output, "nope.rena"));

    /* a header and no frames */
    snprintf(csv, sizeof csv, "%s/empty.csv", root);
    write_csv(csv, 0);
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input - < %s", root, csv), 1);
    ck_assert_ptr_nonnull(strstr(output, "no frames"));
    /* nothing at all on stdin */
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input - < /dev/null", root), 1);

    /* a NaN score: clamped and counted, or refused with --strict naming line and field */
    snprintf(csv, sizeof csv, "%s/nan.csv", root);
    write_csv(csv, 5);
    ck_assert_int_eq(sh("sed -i '4s/,0.0000,/,nan,/' %s", csv), 0);
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input %s > /dev/null", root, csv),
                     0);
    ck_assert_msg(strstr(output, "clamped"), "%s", output);
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input %s --strict", root, csv), 1);
    ck_assert_msg(strstr(output, ":4") && strstr(output, "_neutral"), "%s", output);

    /* a malformed row names its line */
    snprintf(csv, sizeof csv, "%s/bad.csv", root);
    write_csv(csv, 5);
    ck_assert_int_eq(sh("sed -i '3s/.*/0.1,abc/' %s", csv), 0);
    ck_assert_int_eq(sh("\"$R\" mimic --model %s/model.rena --input %s", root, csv), 1);
    ck_assert_msg(strstr(output, ":3"), "%s", output);
}
END_TEST

START_TEST(evaluate_writes_tables_two_and_three)
{
    char out[600], path[700];
    snprintf(out, sizeof out, "%s/eval", root);
    int rc = sh("\"$R\" evaluate --model %s/model.rena --data %s/data --out %s --limit 4 "
                "--performers ana --no-images",
                root, root, out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    snprintf(path, sizeof path, "%s/evaluation.json", out);
    cJSON *j = read_json(path);
    const cJSON *closed = cJSON_GetObjectItem(j, "closed_set");
    ck_assert_int_eq((long)number(closed, "samples"), 4);
    const cJSON *cm = cJSON_GetObjectItem(closed, "methods");
    ck_assert_int_eq(cJSON_GetArraySize(cm), 3); /* RS, NN, the model */
    const cJSON *seq = cJSON_GetObjectItem(j, "sequences");
    ck_assert_int_eq((long)number(seq, "sequences"), 7);
    const cJSON *sm = cJSON_GetObjectItem(seq, "methods");
    ck_assert_int_eq(cJSON_GetArraySize(sm), 4); /* and the model with the filter */
    const cJSON *rs = cJSON_GetArrayItem(sm, 0), *model = cJSON_GetArrayItem(sm, 2),
                *filtered = cJSON_GetArrayItem(sm, 3);
    ck_assert_str_eq(cJSON_GetObjectItem(rs, "method")->valuestring, "RS");
    /* the trained model follows the performer far better than random faces */
    ck_assert_double_gt(number(model, "gs"), number(rs, "gs") + 20.0);
    ck_assert_double_lt(number(model, "ld"), number(rs, "ld"));
    /* and the filter leaves no hop */
    ck_assert_double_eq(number(cJSON_GetObjectItem(filtered, "abrupt"), "hops"), 0.0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(seq, "per_sequence")), 7);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "%s/evaluation.md", out);
    ck_assert(exists(path));
    ck_assert_int_eq(sh("grep -c '^## Table I' %s/evaluation.md", out), 0);
    ck_assert_int_eq(atoi(output), 2);

    snprintf(out, sizeof out, "%s/e2", root);
    ck_assert_int_eq(sh("\"$R\" evaluate --model %s/model.rena --data %s/data --out %s "
                        "--performers ana,zed --no-images",
                        root, root, out),
                     2);
    ck_assert_ptr_nonnull(strstr(output, "zed"));
    ck_assert(!exists(out));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_mimic");
    TCase *tc = tcase_create("mimic");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup_model, teardown_model);
    tcase_add_test(tc, performer_run_writes_commands_landmarks_renders_summary);
    tcase_add_test(tc, stdin_stream_that_stops_ends_cleanly);
    tcase_add_test(tc, filter_removes_hops_on_abrupt_sequence);
    tcase_add_test(tc, bad_inputs_fail_clearly);
    tcase_add_test(tc, evaluate_writes_tables_two_and_three);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
