/* `rena mimic` and `rena evaluate` as a user runs them, on the simulated
 * face with a small model trained here: outputs, standard input that stops,
 * the filter, bad inputs and exit codes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "blendshape.h"
#include "calibration.h"
#include "emulator.h"
#include "emuwatch.h"
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

/* ---- live processes ----------------------------------------------------------- */

/* Starts `rena args...` with stdout and stderr into files under root and, when
 * in_fd is given, stdin from a pipe whose write end comes back there. */
static pid_t spawn_rena(const char *const *args, int *in_fd)
{
    int ip[2] = {-1, -1};
    if (in_fd)
        ck_assert_int_eq(pipe(ip), 0);
    char out_path[700], err_path[700];
    snprintf(out_path, sizeof out_path, "%s/child.out", root);
    snprintf(err_path, sizeof err_path, "%s/child.err", root);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, STDOUT_FILENO);
        dup2(e, STDERR_FILENO);
        if (in_fd) {
            dup2(ip[0], STDIN_FILENO);
            close(ip[0]);
            close(ip[1]);
        }
        char *argv[40];
        int n = 0;
        argv[n++] = (char *)rena_test_binary();
        for (; args[n - 1] && n < 39; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execv(argv[0], argv);
        _exit(127);
    }
    if (in_fd) {
        close(ip[0]);
        *in_fd = ip[1];
    }
    return pid;
}

static int exit_code(int status)
{
    ck_assert_msg(WIFEXITED(status), "rena did not exit (status %d)", status);
    return WEXITSTATUS(status);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (30 s at most) until the child has drained the pipe behind fd and
 * sleeps reading it again: every frame sent so far has been handled. */
static void wait_blocked_on_stdin(pid_t pid, int fd)
{
    char path[64], wchan[128];
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
    for (int k = 0; k < 3000; k++) {
        int pending = -1;
        ck_assert_int_eq(ioctl(fd, FIONREAD, &pending), 0);
        FILE *fp = fopen(path, "r");
        size_t n = fp ? fread(wchan, 1, sizeof wchan - 1, fp) : 0;
        if (fp)
            fclose(fp);
        wchan[n] = '\0';
        if (pending == 0 && strstr(wchan, "pipe"))
            return;
        ck_assert_msg(waitpid(pid, NULL, WNOHANG) == 0, "rena exited early");
        sleep_ms(10);
    }
    ck_abort_msg("rena never waited on its standard input");
}

/* The child's stderr, or its stdout (where the summary goes with --out). */
static const char *child_file(const char *which)
{
    static char buf[8192];
    char path[700];
    snprintf(path, sizeof path, "%s/child.%s", root, which);
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    buf[n] = '\0';
    return buf;
}

static const char *child_stderr(void) { return child_file("err"); }

/* Ctrl-C while a live producer pauses: like the end of a file, the frames
 * so far are kept, and the exit code says it was interrupted. */
START_TEST(ctrl_c_on_live_stdin_keeps_the_recording)
{
    char csv[600], out[600], path[700];
    snprintf(csv, sizeof csv, "%s/live.csv", root);
    write_csv(csv, 5);
    snprintf(out, sizeof out, "%s/live", root);
    char model[600];
    snprintf(model, sizeof model, "%s/model.rena", root);
    const char *args[] = {"mimic", "--model", model, "--input", "-", "--backend", "sim",
                          "--out", out, "--no-renders", NULL};
    int fd;
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = spawn_rena(args, &fd);
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(csv, &data, &size, NULL), RENA_OK);
    ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
    free(data);
    wait_blocked_on_stdin(pid, fd); /* the producer stalls */
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(fd);
    const char *errs = child_stderr();
    ck_assert_msg(exit_code(status) == 130, "exit %d: %s", exit_code(status), errs);
    ck_assert_msg(strstr(errs, "stopped after 5 frames") && !strstr(errs, "read failed"), "%s",
                  errs);
    snprintf(path, sizeof path, "%s/commands.csv", out);
    ck_assert_int_eq(count_lines(path), 6);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *s = read_json(path);
    ck_assert_int_eq((long)number(s, "frames"), 5);
    ck_assert_ptr_null(cJSON_GetObjectItem(s, "hw")); /* no bus in sim */
    cJSON_Delete(s);
}
END_TEST

/* A model that reads landmarks cannot follow blendshape files: refused
 * before a single byte of output. */
START_TEST(landmark_model_on_blendshape_input_writes_nothing)
{
    char csv[600], out[700];
    snprintf(csv, sizeof csv, "%s/lm.csv", root);
    write_csv(csv, 5);
    int rc = sh("\"$R\" train --data %s/data --out %s/lm.rena --arch landmark-mlp --epochs 1 "
                "--threads 1",
                root, root);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, output);
    snprintf(out, sizeof out, "%s/lm.stdout", root);
    rc = sh("\"$R\" mimic --model %s/lm.rena --input %s > %s", root, csv, out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, output);
    ck_assert_msg(strstr(output, "landmarks") && strstr(output, "lm.csv"), "%s", output);
    ck_assert_int_eq(count_lines(out), 0);
    rc = sh("\"$R\" mimic --model %s/lm.rena --input - --out %s/lmdir < %s", root, root, csv);
    ck_assert_msg(rc == 1 && strstr(output, "standard input"), "exit %d: %s", rc, output);
    snprintf(out, sizeof out, "%s/lmdir", root);
    ck_assert(!exists(out));
}
END_TEST

/* ---- the servo bus ------------------------------------------------------------ */

/* Runs rena to its end while watching every goal the emulator receives. */
static int run_watching_goals(rena_emu *emu, const char *const *args, int lo[RENA_NUM_SERVOS],
                              int hi[RENA_NUM_SERVOS])
{
    return exit_code(rena_test_watch_goals(emu, spawn_rena(args, NULL), lo, hi));
}

START_TEST(calibration_bounds_the_goals_on_the_bus)
{
    char csv[600], cal[600], bad[600], out[600], model[600], port[600], path[700];
    snprintf(csv, sizeof csv, "%s/bus.csv", root);
    write_csv(csv, 30);
    snprintf(cal, sizeof cal, "%s/narrow.json", root);
    rena_test_write_narrow_calibration(cal);
    snprintf(bad, sizeof bad, "%s/broken-cal.json", root);
    ck_assert_int_eq(rena_atomic_write(bad, "{\"format\": \"rena-calibration\"", 30, NULL),
                     RENA_OK);
    snprintf(model, sizeof model, "%s/model.rena", root);
    rena_emu *emu = rena_test_start_emulator(50); /* horns keep up with 30 commands a second */
    snprintf(port, sizeof port, "serial:%s", rena_emu_port(emu));

    /* a broken file: refused before a byte reaches the bus, nothing written */
    snprintf(out, sizeof out, "%s/badcal", root);
    const char *broken[] = {"mimic", "--model", model, "--input", csv, "--backend", port,
                            "--calibration", bad, "--out", out, NULL};
    int lo[RENA_NUM_SERVOS], hi[RENA_NUM_SERVOS];
    int rc = run_watching_goals(emu, broken, lo, hi);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, child_stderr());
    ck_assert_msg(strstr(child_stderr(), "broken-cal.json"), "%s", child_stderr());
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);
    ck_assert(!exists(out));

    /* the narrow file: every goal inside it, and the face rests at its neutral */
    snprintf(out, sizeof out, "%s/narrow", root);
    const char *narrow[] = {"mimic", "--model", model, "--input", csv, "--backend", port,
                            "--calibration", cal, "--baud", "1000000", "--out", out, NULL};
    rc = run_watching_goals(emu, narrow, lo, hi);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, child_stderr());
    int moved = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        ck_assert_msg(lo[i] >= RENA_TEST_NARROW_MIN && hi[i] <= RENA_TEST_NARROW_MAX,
                      "%s: goals %d..%d",
                      rena_servos[i].name, lo[i], hi[i]);
        moved += hi[i] > lo[i];
        rena_emu_view v;
        ck_assert(rena_emu_view_servo(emu, (uint8_t)(i + 1), &v));
        ck_assert_int_eq(v.goal, RENA_TEST_NARROW_NEUTRAL);
    }
    ck_assert_int_gt(moved, 0);
    ck_assert_msg(strstr(child_file("out"), "watchdog fired 0"), "%s", child_file("out"));
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *s = read_json(path);
    const cJSON *h = cJSON_GetObjectItem(s, "hw");
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq((long)number(h, "watchdog_fired"), 0);
    ck_assert_int_eq((long)number(h, "timeouts"), 0);
    ck_assert_int_gt((long)number(h, "bus_cycles"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(h, "calibration")->valuestring, cal);
    cJSON_Delete(s);
    rena_emu_stop(emu);

    /* the simulated face has no bus to calibrate */
    ck_assert_int_eq(sh("\"$R\" mimic --model %s --input %s --calibration %s", model, csv, cal),
                     2);
    ck_assert_ptr_nonnull(strstr(output, "--calibration"));
    ck_assert_int_eq(sh("\"$R\" mimic --model %s --input %s --backend emu --baud 12", model, csv),
                     2);
    ck_assert_ptr_nonnull(strstr(output, "--baud"));
}
END_TEST

/* A producer that pauses longer than --watchdog: the bus eased the face to
 * neutral meanwhile, and the summary says so. */
START_TEST(watchdog_firing_is_reported)
{
    char csv[600], out[600], path[700], model[600];
    snprintf(csv, sizeof csv, "%s/pause.csv", root);
    write_csv(csv, 20);
    snprintf(out, sizeof out, "%s/pause", root);
    snprintf(model, sizeof model, "%s/model.rena", root);
    const char *args[] = {"mimic", "--model", model, "--input", "-", "--backend", "emu",
                          "--watchdog", "0.2", "--out", out, NULL};
    int fd;
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = spawn_rena(args, &fd);
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(csv, &data, &size, NULL), RENA_OK);
    /* header + 10 frames, then a pause of 5 watchdog periods that starts only
     * once rena has handled them (however slowly it started) */
    size_t cut = 0;
    for (int lines = 0; cut < size && lines < 11; cut++)
        lines += data[cut] == '\n';
    ck_assert_int_eq(write(fd, data, cut), (ssize_t)cut);
    wait_blocked_on_stdin(pid, fd);
    sleep_ms(1000);
    ck_assert_int_eq(write(fd, data + cut, size - cut), (ssize_t)(size - cut));
    free(data);
    close(fd);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    const char *summary = child_file("out");
    ck_assert_msg(exit_code(status) == 0, "exit %d: %s", exit_code(status), child_stderr());
    ck_assert_msg(strstr(summary, "watchdog fired") && !strstr(summary, "watchdog fired 0"), "%s",
                  summary);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *s = read_json(path);
    ck_assert_int_ge((long)number(cJSON_GetObjectItem(s, "hw"), "watchdog_fired"), 1);
    ck_assert_int_eq((long)number(s, "frames"), 20);
    cJSON_Delete(s);
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
    /* the console table marks figures a method does not have, never prints nan */
    ck_assert_msg(strstr(output, "SSIM(II)") && !strstr(output, "nan"), "%s", output);
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
    tcase_add_test(tc, ctrl_c_on_live_stdin_keeps_the_recording);
    tcase_add_test(tc, landmark_model_on_blendshape_input_writes_nothing);
    tcase_add_test(tc, calibration_bounds_the_goals_on_the_bus);
    tcase_add_test(tc, watchdog_firing_is_reported);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
