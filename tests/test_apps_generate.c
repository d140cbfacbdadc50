/* `rena generate` and `rena merge` as a user runs them: flags, exit codes,
 * and small end-to-end runs on the simulated face and on the servo bus
 * emulator, sharded and merged. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "calibration.h"
#include "dataset.h"
#include "emulator.h"
#include "emuwatch.h"
#include "testutil.h"

static char root[512];
static char output[16384];

static void setup(void) { rena_test_tmpdir(root, sizeof root); }
static void teardown(void) { rena_remove_tree(root); }

/* Runs `rena <args>`; stdout+stderr go to output. */
#define run(fmt, ...) rena_test_shell(output, sizeof output, "\"$R\" " fmt, ##__VA_ARGS__)

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return d ? n : -1;
}

static void assert_usage_error(const char *args, const char *mention)
{
    int rc = run("%s", args);
    ck_assert_msg(rc == 2, "'rena %s' exited %d: %s", args, rc, output);
    ck_assert_msg(strstr(output, mention), "'rena %s' does not mention '%s': %s", args, mention,
                  output);
    ck_assert_msg(entries(root) == 0, "'rena %s' left files behind", args);
}

START_TEST(bad_flags_exit_2_and_create_nothing)
{
    char a[2048];
#define BAD(mention, ...)                                                                          \
    do {                                                                                           \
        snprintf(a, sizeof a, __VA_ARGS__);                                                        \
        assert_usage_error(a, mention);                                                            \
    } while (0)
    BAD("--bogus", "generate --out %s/d --bogus", root);
    BAD("--samples", "generate --out %s/d --samples abc", root);
    BAD("--samples", "generate --out %s/d --samples 1", root);
    BAD("--out", "generate --samples 10");
    BAD("--test", "generate --out %s/d --samples 10 --test 10", root);
    BAD("--shard", "generate --out %s/d --shard 3/2", root);
    BAD("--shard", "generate --out %s/d --samples 4 --shard 1/5", root);
    BAD("--jobs", "generate --out %s/d --jobs 0", root);
    BAD("one servo bus", "generate --out %s/d --backend serial:/dev/ttyUSB9 --jobs 2", root);
    BAD("--noise", "generate --out %s/d --noise -1", root);
    BAD("--strategy", "generate --out %s/d --strategy chaos", root);
    BAD("--seed", "generate --out %s/d --seed", root);
    BAD("extra", "generate --out %s/d extra", root);
    BAD("--calibration", "generate --out %s/d --calibration %s/cal.json", root, root);
    BAD("--calibration", "generate --out %s/d --backend sim:x.xml --calibration=c.json", root);
    BAD("--baud", "generate --out %s/d --baud 1000000", root);
    BAD("--baud", "generate --out %s/d --backend emu --baud 1234", root);
    BAD("no shard", "merge --out %s/d", root);
    BAD("--out", "merge %s/a %s/b", root, root);
    BAD("--x", "merge --out %s/d --x %s/a", root, root);
#undef BAD
    ck_assert_int_eq(run("generate --help"), 0);
    ck_assert(strstr(output, "--samples"));
    ck_assert_int_eq(run("merge --help"), 0);
}
END_TEST

START_TEST(unusable_output_or_backend_exit_1_and_write_nothing)
{
    char file[600];
    snprintf(file, sizeof file, "%s/plain-file", root);
    ck_assert_int_eq(rena_atomic_write(file, "x", 1, NULL), RENA_OK);
    ck_assert_int_eq(run("generate --out %s/ds --samples 10", file), 1);
    ck_assert_msg(strstr(output, "plain-file/ds"), "message does not name the folder: %s", output);
    ck_assert_int_eq(run("generate --out %s --samples 10", file), 1);
    ck_assert(strstr(output, "not a folder"));
    ck_assert_int_eq(run("generate --out %s/ds --samples 10 --backend nowhere", root), 1);
    ck_assert(strstr(output, "nowhere"));
    ck_assert_int_eq(entries(root), 1);
    ck_assert_int_eq(run("merge --out %s/m %s/missing-shard", root, root), 1);
    ck_assert(strstr(output, "missing-shard"));
    ck_assert_int_eq(entries(root), 1);
}
END_TEST

static int same_file(const char *a_dir, const char *b_dir, const char *rel)
{
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/%s", a_dir, rel);
    snprintf(b, sizeof b, "%s/%s", b_dir, rel);
    unsigned char *da = NULL, *db = NULL;
    size_t sa = 0, sb = 0;
    int same = rena_read_file(a, &da, &sa, NULL) == RENA_OK &&
               rena_read_file(b, &db, &sb, NULL) == RENA_OK && sa == sb && !memcmp(da, db, sa);
    free(da);
    free(db);
    return same;
}

static void assert_same_dataset(const char *a, const char *b)
{
    char rel[64];
    ck_assert_msg(same_file(a, b, "meta.json"), "meta.json of %s and %s differ", a, b);
    for (int split = 0; split < 2; split++)
        for (int f = 0; f < RENA_DATASET_NUM_FILES; f++) {
            snprintf(rel, sizeof rel, "%s/%s", split ? "test" : "train", rena_dataset_files[f]);
            ck_assert_msg(same_file(a, b, rel), "%s of %s and %s differ", rel, a, b);
        }
}

START_TEST(sim_shards_merge_into_the_unsharded_dataset)
{
    char whole[600], s1[600], s2[600], merged[600];
    snprintf(whole, sizeof whole, "%s/whole", root);
    snprintf(s1, sizeof s1, "%s/s1", root);
    snprintf(s2, sizeof s2, "%s/s2", root);
    snprintf(merged, sizeof merged, "%s/merged", root);
    int rc = run("generate --out %s --samples 40 --seed 3", whole);
    ck_assert_msg(rc == 0, "generate failed: %s", output);
    ck_assert_msg(strstr(output, "40 samples (36 train, 4 test)"), "summary: %s", output);
    ck_assert_msg(strstr(output, "samples/s"), "summary: %s", output);
    ck_assert_int_eq(run("generate --out %s --samples 40 --seed 3 --shard 1/2", s1), 0);
    ck_assert_int_eq(run("generate --out %s --samples 40 --seed 3 --shard 2/2 --jobs 2", s2), 0);
    rc = run("merge --out %s %s %s", merged, s2, s1);
    ck_assert_msg(rc == 0, "merge failed: %s", output);
    assert_same_dataset(whole, merged);
    rena_dataset_meta m;
    rena_error e;
    ck_assert_int_eq(rena_dataset_read_meta(merged, &m, &e), RENA_OK);
    ck_assert_str_eq(m.backend, "sim");
    ck_assert_str_ne(m.mujoco_version, "");
    ck_assert_uint_eq(m.features & RENA_FEAT_BLENDSHAPES, RENA_FEAT_BLENDSHAPES);
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(merged, "train", &s, &e), RENA_OK);
    ck_assert_int_eq(s.n, 36);
    /* the face moved: blendshapes are not all the same */
    int varied = 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        varied += s.blendshapes[k] != s.blendshapes[RENA_NUM_BLENDSHAPES + k];
    ck_assert_int_gt(varied, 0);
    /* the simulated horns settle on their commands (measured: within 0.001) */
    for (long k = 0; k < s.n * RENA_NUM_SERVOS; k++)
        ck_assert_msg(fabsf(s.positions[k] - s.commands[k]) <= 0.01f, "row %ld servo %s: %g vs %g",
                      k / RENA_NUM_SERVOS, rena_servos[k % RENA_NUM_SERVOS].name,
                      (double)s.positions[k], (double)s.commands[k]);
    rena_samples_free(&s);
}
END_TEST

/* 1 when meta.json of dir says "features": false. */
static int meta_features_false(const char *dir)
{
    char path[700];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    unsigned char *text = NULL;
    size_t size = 0;
    ck_assert_int_eq(rena_read_file(path, &text, &size, NULL), RENA_OK);
    cJSON *j = cJSON_ParseWithLength((const char *)text, size);
    int no = cJSON_IsFalse(cJSON_GetObjectItem(j, "features"));
    cJSON_Delete(j);
    free(text);
    return no;
}

/* The emulated servos reach their goals: a horn reads back the tick its
 * command maps to, so the position is the command up to the rounding to a
 * whole tick (half a tick of the servo's range). */
static void assert_positions_at_goals(const rena_samples *s)
{
    for (long k = 0; k < s->n; k++)
        for (int j = 0; j < RENA_NUM_SERVOS; j++) {
            float c = s->commands[k * RENA_NUM_SERVOS + j];
            float p = s->positions[k * RENA_NUM_SERVOS + j];
            double half_tick = 0.5 / abs(rena_servos[j].tick_max - rena_servos[j].tick_min);
            ck_assert_msg(c >= 0.0f && c <= 1.0f, "row %ld servo %d command %g", k, j, (double)c);
            ck_assert_msg(fabs(p - c) <= half_tick + 1e-6,
                          "row %ld servo %s: position %g for command %g", k, rena_servos[j].name,
                          (double)p, (double)c);
        }
}

START_TEST(emu_records_commands_and_read_back_positions)
{
    char whole[600], s1[600], s2[600], merged[600];
    snprintf(whole, sizeof whole, "%s/whole", root);
    snprintf(s1, sizeof s1, "%s/s1", root);
    snprintf(s2, sizeof s2, "%s/s2", root);
    snprintf(merged, sizeof merged, "%s/merged", root);
    int rc = run("generate --backend emu --samples 20 --seed 4 --out %s", whole);
    ck_assert_msg(rc == 0, "generate failed: %s", output);
    ck_assert_msg(strstr(output, "20 samples (18 train, 2 test)"), "summary: %s", output);
    ck_assert_msg(strstr(output, "positions only"), "summary: %s", output);
    rena_dataset_meta m;
    rena_error e;
    ck_assert_int_eq(rena_dataset_read_meta(whole, &m, &e), RENA_OK);
    ck_assert_uint_eq(m.features, 0);
    ck_assert_str_eq(m.backend, "emu");
    ck_assert_str_eq(m.mujoco_version, "");
    ck_assert(meta_features_false(whole));
    for (int split = 0; split < 2; split++) {
        rena_samples s;
        ck_assert_int_eq(rena_dataset_load_split(whole, split ? "test" : "train", &s, &e), RENA_OK);
        ck_assert_int_eq(s.n, split ? 2 : 18);
        assert_positions_at_goals(&s);
        rena_samples_free(&s);
    }
    /* every worker and shard has its own emulator; the servos land on the
     * same ticks, so shards merge into the same bytes, positions included */
    ck_assert_int_eq(run("generate --backend emu --samples 20 --seed 4 --shard 1/2 --out %s", s1), 0);
    rc = run("generate --backend emu --samples 20 --seed 4 --shard 2/2 --jobs 2 --out %s", s2);
    ck_assert_msg(rc == 0, "generate failed: %s", output);
    rc = run("merge --out %s %s %s", merged, s2, s1);
    ck_assert_msg(rc == 0, "merge failed: %s", output);
    ck_assert_msg(strstr(output, "commands and positions only"), "merge: %s", output);
    assert_same_dataset(whole, merged);
    /* the bus has no camera */
    rc = run("generate --backend emu --samples 20 --images --out %s/img", root);
    ck_assert_msg(rc == 1 && strstr(output, "--images"), "exit %d: %s", rc, output);
    ck_assert_int_eq(entries(root), 4);
}
END_TEST

/* Runs `rena args...` to its end (output into root/child.txt) while
 * watching every goal the emulator receives. */
static int run_watching_goals(rena_emu *emu, const char *const *args, int lo[RENA_NUM_SERVOS],
                              int hi[RENA_NUM_SERVOS])
{
    char log[600];
    snprintf(log, sizeof log, "%s/child.txt", root);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        char *argv[32];
        int n = 0;
        argv[n++] = (char *)rena_test_binary();
        for (; args[n - 1] && n < 31; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execv(argv[0], argv);
        _exit(127);
    }
    int status = rena_test_watch_goals(emu, pid, lo, hi);
    FILE *fp = fopen(log, "r");
    size_t n = fp ? fread(output, 1, sizeof output - 1, fp) : 0;
    if (fp)
        fclose(fp);
    output[n] = '\0';
    ck_assert_msg(WIFEXITED(status), "rena did not exit");
    return WEXITSTATUS(status);
}

/* The robot's calibration file is what bounds the goals on a real bus; a
 * broken one stops the run before any byte is sent. */
START_TEST(calibration_bounds_the_goals_on_the_bus)
{
    char cal[600], bad[600], out[600], port[600];
    snprintf(cal, sizeof cal, "%s/narrow.json", root);
    rena_test_write_narrow_calibration(cal);
    snprintf(bad, sizeof bad, "%s/broken-cal.json", root);
    ck_assert_int_eq(rena_atomic_write(bad, "[1, 2", 5, NULL), RENA_OK);
    rena_emu *emu = rena_test_start_emulator(1000);
    rena_error e;
    snprintf(port, sizeof port, "serial:%s", rena_emu_port(emu));
    int lo[RENA_NUM_SERVOS], hi[RENA_NUM_SERVOS];

    snprintf(out, sizeof out, "%s/badcal", root);
    const char *broken[] = {"generate", "--out", out, "--samples", "6", "--backend", port,
                            "--calibration", bad, NULL};
    int rc = run_watching_goals(emu, broken, lo, hi);
    ck_assert_msg(rc == 1 && strstr(output, "broken-cal.json"), "exit %d: %s", rc, output);
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);
    ck_assert_int_eq(entries(root), 3); /* the two calibration files and child.txt */

    snprintf(out, sizeof out, "%s/narrow", root);
    const char *narrow[] = {"generate", "--out", out, "--samples", "6", "--seed", "2",
                            "--backend", port, "--calibration", cal, "--baud", "1000000", NULL};
    rc = run_watching_goals(emu, narrow, lo, hi);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    int moved = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        ck_assert_msg(lo[i] >= RENA_TEST_NARROW_MIN && hi[i] <= RENA_TEST_NARROW_MAX,
                      "%s: goals %d..%d",
                      rena_servos[i].name, lo[i], hi[i]);
        moved += hi[i] - lo[i] > (RENA_TEST_NARROW_MAX - RENA_TEST_NARROW_MIN) / 4;
        rena_emu_view v;
        ck_assert(rena_emu_view_servo(emu, (uint8_t)(i + 1), &v));
        ck_assert_int_eq(v.goal, RENA_TEST_NARROW_NEUTRAL); /* closed at the file's neutral */
    }
    ck_assert_int_gt(moved, 0);
    rena_emu_stop(emu);
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(out, "train", &s, &e), RENA_OK);
    ck_assert_int_gt(s.n, 0);
    rena_samples_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_generate");
    TCase *tc = tcase_create("generate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, bad_flags_exit_2_and_create_nothing);
    tcase_add_test(tc, unusable_output_or_backend_exit_1_and_write_nothing);
    tcase_add_test(tc, sim_shards_merge_into_the_unsharded_dataset);
    tcase_add_test(tc, emu_records_commands_and_read_back_positions);
    tcase_add_test(tc, calibration_bounds_the_goals_on_the_bus);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
