/* `rena servo` and `rena emu` as a user runs them: the rena binary (env
 * RENA_BINARY) against an emulator in this process, and `rena emu` as a
 * process that this test talks to through its pty. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calibration.h"
#include "emulator.h"
#include "sts_bus.h"
#include "testutil.h"

static char tmp[256];
static char out_path[512], err_path[512];
static rena_emu *emu;

static const char *binary(void)
{
    const char *b = getenv("RENA_BINARY");
    return b && *b ? b : "rena";
}

static void setup(void)
{
    rena_test_tmpdir(tmp, sizeof tmp);
    snprintf(out_path, sizeof out_path, "%s/out.txt", tmp);
    snprintf(err_path, sizeof err_path, "%s/err.txt", tmp);
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = 20;
    rena_error e;
    ck_assert_msg(rena_emu_start(&eo, &emu, &e) == RENA_OK, "%s", e.message);
}

static void teardown(void)
{
    rena_emu_stop(emu);
    emu = NULL;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
}

/* Starts rena with argv (NULL-terminated, without the program); stdout and
 * stderr go to files unless err_pipe is given. Returns the child's pid. */
static pid_t spawn(const char *const *args, int *err_pipe, int *in_pipe)
{
    int ep[2] = {-1, -1}, ip[2] = {-1, -1};
    if (err_pipe)
        ck_assert_int_eq(pipe(ep), 0);
    if (in_pipe)
        ck_assert_int_eq(pipe(ip), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = err_pipe ? ep[1] : open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, STDOUT_FILENO);
        dup2(e, STDERR_FILENO);
        if (in_pipe) {
            dup2(ip[0], STDIN_FILENO);
            close(ip[1]); /* or stdin never reaches its end */
        }
        if (err_pipe)
            close(ep[0]);
        char *argv[32];
        int n = 0;
        argv[n++] = (char *)binary();
        for (; args[n - 1] && n < 31; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execv(binary(), argv);
        _exit(127);
    }
    if (err_pipe) {
        close(ep[1]);
        *err_pipe = ep[0];
    }
    if (in_pipe) {
        close(ip[0]);
        *in_pipe = ip[1];
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int run(const char *const *args) { return wait_exit(spawn(args, NULL, NULL)); }

static char *slurp(const char *path)
{
    static char buf[16384];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Reads from fd until `needle` shows up (5 s at most). */
static void wait_for_text(int fd, const char *needle, char *seen, size_t size)
{
    size_t have = 0;
    seen[0] = '\0';
    for (int k = 0; k < 500 && !strstr(seen, needle); k++) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0)
            continue;
        ssize_t n = read(fd, seen + have, size - 1 - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        seen[have] = '\0';
    }
    ck_assert_msg(strstr(seen, needle) != NULL, "never saw '%s' in '%s'", needle, seen);
}

static int emu_torque(uint8_t id)
{
    rena_emu_view v;
    ck_assert(rena_emu_view_servo(emu, id, &v));
    return v.torque;
}

START_TEST(scan_lists_the_face)
{
    const char *args[] = {"servo", "scan", "--port", rena_emu_port(emu), "--first", "1", "--last",
                          "30", "--timeout-ms", "20", NULL};
    ck_assert_int_eq(run(args), 0);
    const char *out = slurp(out_path);
    ck_assert_ptr_nonnull(strstr(out, "  23    521  jaw_l\n"));
    ck_assert_ptr_nonnull(strstr(out, "25 servo(s) answered; 0 face servo(s) missing"));
}
END_TEST

START_TEST(write_read_and_torque)
{
    const char *w[] = {"servo", "write", "--port", rena_emu_port(emu), "--servo", "jaw_l",
                       "--value", "1", "--wait", NULL};
    ck_assert_int_eq(run(w), 0);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "jaw_l (ID 23) at 2500 ticks (goal 2500)"));
    ck_assert_int_eq(emu_torque(23), 1);
    const char *r[] = {"servo", "read", "--port", rena_emu_port(emu), NULL};
    ck_assert_int_eq(run(r), 0);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "jaw_l          23   2500   1.000  on"));
    /* out-of-range ticks are clamped to the calibrated limit, with a note */
    const char *t[] = {"servo", "write", "--port", rena_emu_port(emu), "--id", "1", "--ticks",
                       "4000", NULL};
    ck_assert_int_eq(run(t), 0);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "outside eye_h_l's limits 1750..2346"));
    rena_emu_view v;
    ck_assert(rena_emu_view_servo(emu, 1, &v));
    ck_assert_int_eq(v.goal, 2346);
    const char *on[] = {"servo", "torque", "on", "--port", rena_emu_port(emu), NULL};
    ck_assert_int_eq(run(on), 0);
    for (uint8_t id = 1; id <= 25; id++)
        ck_assert_int_eq(emu_torque(id), 1);
    /* broadcast off needs no calibration: a missing file cannot stop it */
    const char *off[] = {"servo", "torque", "off", "--port", rena_emu_port(emu),
                         "--calibration", "/nonexistent/cal.json", NULL};
    ck_assert_int_eq(run(off), 0);
    usleep(20000);
    for (uint8_t id = 1; id <= 25; id++)
        ck_assert_int_eq(emu_torque(id), 0);
}
END_TEST

START_TEST(bad_input_fails_before_any_byte)
{
    char cal[600];
    snprintf(cal, sizeof cal, "%s/dup.json", tmp);
    rena_calibration c;
    rena_calibration_default(&c);
    ck_assert_int_eq(rena_calibration_save(cal, &c, NULL), RENA_OK);
    char *text = slurp(cal);
    char *at = strstr(text, "\"id\": 2,");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "\"id\": 1,", 8);
    FILE *f = fopen(cal, "w");
    fputs(text, f);
    fclose(f);
    const char *r[] = {"servo", "read", "--port", rena_emu_port(emu), "--calibration", cal, NULL};
    ck_assert_int_eq(run(r), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "dup.json: servos[1].id: duplicate bus ID 1"));
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);

    const char *nop[] = {"servo", "scan", "--port", "/dev/rena-no-such-port", NULL};
    ck_assert_int_eq(run(nop), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "/dev/rena-no-such-port: no such serial port"));

    rena_sts_bus bus; /* hold the port: the CLI must find it busy */
    ck_assert_int_eq(rena_sts_bus_open(&bus, rena_emu_port(emu), 1000000, NULL, NULL), RENA_OK);
    const char *busy[] = {"servo", "ping", "--id", "1", "--port", rena_emu_port(emu), NULL};
    ck_assert_int_eq(run(busy), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "port is busy"));
    rena_sts_bus_close(&bus);
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);

    const char *usage1[] = {"servo", "frob", "--port", "x", NULL};
    const char *usage2[] = {"servo", "write", "--port", "x", "--servo", "nose", "--value", "1",
                            NULL};
    const char *usage3[] = {"servo", "write", "--port", "x", "--id", "1", "--value", "nan", NULL};
    const char *usage4[] = {"emu", "--faults", "drop=2", NULL};
    ck_assert_int_eq(run(usage1), 2);
    ck_assert_int_eq(run(usage2), 2);
    ck_assert_int_eq(run(usage3), 2);
    ck_assert_int_eq(run(usage4), 2);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "drop=2"));
}
END_TEST

START_TEST(calibrate_records_the_sweep)
{
    char cal[600];
    snprintf(cal, sizeof cal, "%s/new.json", tmp);
    const char *args[] = {"servo", "calibrate", "--port", rena_emu_port(emu), "--out", cal,
                          "--duration", "1.5", NULL};
    int err_fd;
    pid_t pid = spawn(args, &err_fd, NULL);
    char seen[4096];
    wait_for_text(err_fd, "torque is off", seen, sizeof seen);
    /* sweep all but head_yaw: low, high, then rest; 0.25 s each */
    const int phases = 3;
    for (int ph = 0; ph < phases; ph++) {
        for (int i = 0; i < RENA_NUM_SERVOS - 1; i++) {
            int t = ph == 0 ? 1500 + i : ph == 1 ? 2600 - i : 2000 + i;
            ck_assert(rena_emu_move_horn(emu, (uint8_t)(i + 1), t));
        }
        usleep(250000);
    }
    ck_assert_int_eq(wait_exit(pid), 0);
    close(err_fd);
    rena_calibration got, base;
    rena_calibration_default(&base);
    rena_error e;
    ck_assert_msg(rena_calibration_load(cal, &got, &e) == RENA_OK, "%s", e.message);
    for (int i = 0; i < RENA_NUM_SERVOS - 1; i++) {
        ck_assert_int_eq(got.servo[i].id, base.servo[i].id);
        ck_assert_int_eq(got.servo[i].direction, base.servo[i].direction);
        ck_assert_int_eq(got.servo[i].min_ticks, 1500 + i);
        ck_assert_int_eq(got.servo[i].max_ticks, 2600 - i);
        ck_assert_int_eq(got.servo[i].neutral_ticks, 2000 + i);
    }
    const rena_calibration_servo *head = &got.servo[RENA_SERVO_HEAD_YAW];
    ck_assert_int_eq(head->min_ticks, base.servo[RENA_SERVO_HEAD_YAW].min_ticks);
    ck_assert_int_eq(head->max_ticks, base.servo[RENA_SERVO_HEAD_YAW].max_ticks);
    ck_assert_int_eq(head->neutral_ticks, 2048);
    ck_assert_ptr_nonnull(
        strstr(slurp(out_path), "head_yaw       25   1248   2848     2048  (not swept"));
}
END_TEST

START_TEST(calibrate_ends_by_enter_and_ctrl_c_writes_nothing)
{
    char cal[600];
    snprintf(cal, sizeof cal, "%s/never.json", tmp);
    const char *args[] = {"servo", "calibrate", "--port", rena_emu_port(emu), "--out", cal, NULL};
    int err_fd, in_fd;
    pid_t pid = spawn(args, &err_fd, &in_fd);
    char seen[4096];
    wait_for_text(err_fd, "press Enter", seen, sizeof seen);
    usleep(100000);
    kill(pid, SIGINT);
    ck_assert_int_eq(wait_exit(pid), 130);
    struct stat st;
    ck_assert_int_ne(stat(cal, &st), 0);
    close(err_fd);
    close(in_fd);
    /* Enter ends the sweep; one horn moved, so a file is written */
    pid = spawn(args, &err_fd, &in_fd);
    wait_for_text(err_fd, "press Enter", seen, sizeof seen);
    ck_assert(rena_emu_move_horn(emu, 3, 1900));
    usleep(100000);
    ck_assert(rena_emu_move_horn(emu, 3, 2100));
    usleep(100000);
    ck_assert_int_eq(write(in_fd, "\n", 1), 1);
    ck_assert_int_eq(wait_exit(pid), 0);
    rena_calibration got;
    ck_assert_int_eq(rena_calibration_load(cal, &got, NULL), RENA_OK);
    ck_assert_int_eq(got.servo[2].min_ticks, 1900);
    ck_assert_int_eq(got.servo[2].max_ticks, 2100);
    close(err_fd);
    close(in_fd);
    /* nothing swept (stdin at its end at once): refused, nothing written */
    ck_assert_int_eq(unlink(cal), 0);
    pid = spawn(args, &err_fd, &in_fd);
    close(in_fd);
    ck_assert_int_eq(wait_exit(pid), 1);
    ck_assert_int_ne(stat(cal, &st), 0);
    close(err_fd);
}
END_TEST

START_TEST(emu_process_serves_until_terminated)
{
    char link[600];
    snprintf(link, sizeof link, "%s/bus", tmp);
    const char *args[] = {"emu", "--port-link", link, "--faults", "absent=5", NULL};
    int err_fd;
    pid_t pid = spawn(args, &err_fd, NULL);
    char seen[4096];
    wait_for_text(err_fd, "Ctrl-C stops", seen, sizeof seen);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "/dev/pts/"));
    rena_sts_bus bus;
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = 10;
    rena_error e;
    ck_assert_msg(rena_sts_bus_open(&bus, link, 1000000, &bo, &e) == RENA_OK, "%s", e.message);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 4, NULL, NULL), RENA_OK);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 5, NULL, NULL), RENA_ERR_TIMEOUT);
    rena_sts_bus_close(&bus);
    kill(pid, SIGTERM);
    ck_assert_int_eq(wait_exit(pid), 0);
    struct stat st;
    ck_assert_int_ne(lstat(link, &st), 0); /* the link went with it */
    close(err_fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, scan_lists_the_face);
    tcase_add_test(tc, write_read_and_torque);
    tcase_add_test(tc, bad_input_fails_before_any_byte);
    tcase_add_test(tc, calibrate_records_the_sweep);
    tcase_add_test(tc, calibrate_ends_by_enter_and_ctrl_c_writes_nothing);
    tcase_add_test(tc, emu_process_serves_until_terminated);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
