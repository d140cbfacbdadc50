/* The hardware actuator (hw.h) against the emulator over a pty: writes reach
 * the servos inside their limits, the ramp obeys the per-cycle rate limit,
 * the watchdog parks the face, close leaves it neutral with torque off, and
 * bad calibrations or missing servos fail before anything moves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibration.h"
#include "emulator.h"
#include "hw.h"
#include "rng.h"
#include "safety.h"
#include "testutil.h"

static rena_emu *emu;

static void start_emu(const char *faults)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = 20.0;
    rena_error e;
    ck_assert_int_eq(rena_emu_faults_parse(faults, &eo.faults, &e), RENA_OK);
    ck_assert_msg(rena_emu_start(&eo, &emu, &e) == RENA_OK, "%s", e.message);
}

static void hw_opts(rena_hw_options *o)
{
    rena_hw_options_default(o);
    o->port = rena_emu_port(emu);
    o->watchdog_s = 0;
    o->cycle_s = 0.0;
    o->timeout_ms = 30;
}

static void open_hw(const rena_hw_options *o, rena_actuator *a)
{
    rena_error e;
    ck_assert_msg(rena_hw_open(o, a, &e) == RENA_OK, "%s: %s", e.where, e.message);
}

static int emu_goal(uint8_t id)
{
    rena_emu_view v;
    ck_assert(rena_emu_view_servo(emu, id, &v));
    return v.goal;
}

static void expect_parked(const rena_calibration *cal, int torque)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_emu_view v;
        ck_assert(rena_emu_view_servo(emu, (uint8_t)cal->servo[i].id, &v));
        ck_assert_msg(v.torque == torque, "servo %d torque %d", i, v.torque);
        ck_assert_int_eq(v.goal, cal->servo[i].neutral_ticks);
        ck_assert_int_le(abs(v.position - cal->servo[i].neutral_ticks), 8);
    }
}

START_TEST(write_reaches_the_face_and_reads_back)
{
    start_emu("");
    rena_hw_options o;
    hw_opts(&o);
    rena_actuator a;
    open_hw(&o, &a);
    ck_assert_str_eq(a.name, "serial");
    rena_calibration cal;
    rena_calibration_default(&cal);
    rena_rng r;
    rena_rng_init(&r, 3, 0);
    for (int n = 0; n < 5; n++) {
        float cmd[RENA_NUM_SERVOS], sent[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            cmd[i] = (float)rena_rng_uniform(&r);
        cmd[4] = NAN;
        cmd[7] = 3.0f;
        rena_error e;
        ck_assert_msg(rena_actuator_write(&a, cmd, sent, &e) == RENA_OK, "%s", e.message);
        ck_assert(sent[4] == rena_calibration_neutral(&cal, 4));
        ck_assert(sent[7] == 1.0f);
        ck_assert_int_eq(rena_actuator_read(&a, pos, &e), RENA_OK);
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            int ticks = rena_calibration_to_ticks(&cal, i, sent[i]);
            ck_assert_int_eq(emu_goal((uint8_t)cal.servo[i].id), ticks);
            float span = (float)(cal.servo[i].max_ticks - cal.servo[i].min_ticks);
            ck_assert_float_eq_tol(pos[i], sent[i], 8.5f / span);
        }
    }
    rena_observation obs;
    ck_assert_int_eq(rena_actuator_observe(&a, RENA_OBS_IMAGE | RENA_OBS_FEATURES, &obs, NULL),
                     RENA_ERR_UNSUPPORTED);
    ck_assert_int_eq(obs.has_image, 0);
    ck_assert_double_gt(obs.settle_time, 0.0);
    rena_actuator_close(&a);
    expect_parked(&cal, 0);
    rena_emu_stop(emu);
}
END_TEST

START_TEST(ramp_obeys_the_rate_limit_over_the_bus)
{
    start_emu("");
    rena_hw_options o;
    hw_opts(&o);
    o.settle_timeout_s = 0;
    o.max_step = 0.1f;
    rena_actuator a;
    open_hw(&o, &a);
    rena_calibration cal;
    rena_calibration_default(&cal);
    rena_rng r;
    rena_rng_init(&r, 9, 0);
    float prev[RENA_NUM_SERVOS];
    rena_hw_stats st0, st1;
    ck_assert_int_eq(rena_hw_get_stats(&a, &st0, NULL), RENA_OK);
    /* where the open left the goals: the horns' start position, 2048 */
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        prev[i] = rena_calibration_from_ticks(&cal, i, 2048);
    int runs = rena_test_sanitized() ? 40 : 150, outside = 0;
    for (int n = 0; n < runs; n++) {
        float cmd[RENA_NUM_SERVOS], sent[RENA_NUM_SERVOS];
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            int kind = (int)rena_rng_below(&r, 6);
            cmd[i] = kind == 0 ? NAN : kind == 1 ? -INFINITY : (float)rena_rng_range(&r, -2, 3);
        }
        int cycles = rena_safety_cycles(&cal, prev, cmd, o.max_step);
        ck_assert_int_eq(rena_actuator_write(&a, cmd, sent, NULL), RENA_OK);
        ck_assert_int_eq(rena_hw_get_stats(&a, &st1, NULL), RENA_OK);
        ck_assert_int_eq(st1.cycles - st0.cycles, cycles > 0 ? cycles : 1);
        st0 = st1;
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            int g = emu_goal((uint8_t)cal.servo[i].id);
            outside += g < cal.servo[i].min_ticks || g > cal.servo[i].max_ticks;
        }
        memcpy(prev, sent, sizeof prev);
    }
    ck_assert_int_eq(outside, 0);
    rena_actuator_close(&a);
    rena_emu_stop(emu);
}
END_TEST

START_TEST(watchdog_parks_the_face_when_input_stops)
{
    start_emu("");
    rena_hw_options o;
    hw_opts(&o);
    o.watchdog_s = 0.15;
    rena_actuator a;
    open_hw(&o, &a);
    rena_calibration cal;
    rena_calibration_default(&cal);
    float cmd[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = 0.9f;
    ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, NULL), RENA_OK);
    rena_hw_stats st;
    ck_assert_int_eq(rena_hw_get_stats(&a, &st, NULL), RENA_OK);
    ck_assert_int_eq(st.watchdog_fired, 0);
    ck_assert_int_eq(st.torque_on, 1);
    usleep(700000);
    ck_assert_int_eq(rena_hw_get_stats(&a, &st, NULL), RENA_OK);
    ck_assert_int_eq(st.watchdog_fired, 1);
    ck_assert_int_eq(st.torque_on, 0);
    expect_parked(&cal, 0);
    /* the stream resumes: torque comes back and the face follows again */
    ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, NULL), RENA_OK);
    ck_assert_int_eq(rena_hw_get_stats(&a, &st, NULL), RENA_OK);
    ck_assert_int_eq(st.torque_on, 1);
    ck_assert_int_eq(emu_goal(1), rena_calibration_to_ticks(&cal, 0, 0.9f));
    rena_actuator_close(&a);
    expect_parked(&cal, 0);
    rena_emu_stop(emu);
}
END_TEST

START_TEST(hold_torque_keeps_torque_at_close)
{
    start_emu("");
    rena_hw_options o;
    hw_opts(&o);
    o.hold_torque = 1;
    rena_actuator a;
    open_hw(&o, &a);
    rena_calibration cal;
    rena_calibration_default(&cal);
    ck_assert_int_eq(rena_actuator_reset(&a, NULL), RENA_OK);
    rena_actuator_close(&a);
    expect_parked(&cal, 1);
    rena_emu_stop(emu);
}
END_TEST

START_TEST(missing_servo_fails_open_and_moves_nothing)
{
    start_emu("absent=7+23");
    rena_hw_options o;
    hw_opts(&o);
    rena_actuator a;
    rena_error e;
    ck_assert_int_eq(rena_hw_open(&o, &a, &e), RENA_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.message, "2 of 25 servos do not answer"));
    ck_assert_ptr_nonnull(strstr(e.message, "eyeopen_l (ID 7)"));
    ck_assert_ptr_nonnull(strstr(e.message, "jaw_l (ID 23)"));
    for (uint8_t id = 1; id <= 25; id++) {
        rena_emu_view v;
        if (id == 7 || id == 23)
            continue;
        ck_assert(rena_emu_view_servo(emu, id, &v));
        ck_assert_int_eq(v.torque, 0);
        ck_assert_int_eq(v.goal, 2048);
    }
    rena_emu_stop(emu);
}
END_TEST

START_TEST(bad_calibration_sends_no_bytes)
{
    start_emu("");
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cal.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"format\": \"rena-calibration\", \"version\": 1, \"servos\": []}", f);
    fclose(f);
    rena_hw_options o;
    hw_opts(&o);
    o.calibration = path;
    rena_actuator a;
    rena_error e;
    ck_assert_int_eq(rena_hw_open(&o, &a, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.where, "cal.json: servos"));
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);
    o.calibration = NULL;
    o.port = "/dev/rena-no-such-port";
    ck_assert_int_eq(rena_hw_open(&o, &a, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, "/dev/rena-no-such-port");
    o.port = rena_emu_port(emu);
    o.max_step = 0.0f;
    ck_assert_int_eq(rena_hw_open(&o, &a, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_emu_get_stats(emu).packets, 0);
    remove(path);
    rmdir(dir);
    rena_emu_stop(emu);
}
END_TEST

START_TEST(custom_calibration_ids_and_limits_are_used)
{
    rena_calibration cal;
    rena_calibration_default(&cal);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        cal.servo[i].id = 101 + i;
        cal.servo[i].min_ticks = 2100;
        cal.servo[i].max_ticks = 2200;
        cal.servo[i].neutral_ticks = 2150;
    }
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cal.json", dir);
    ck_assert_int_eq(rena_calibration_save(path, &cal, NULL), RENA_OK);
    rena_hw_options o;
    rena_hw_options_default(&o);
    o.emulate = 1; /* the in-process emulator takes its IDs from the calibration */
    o.emu_speedup = 20;
    o.calibration = path;
    o.watchdog_s = 0;
    o.cycle_s = 0;
    rena_actuator a;
    open_hw(&o, &a);
    ck_assert_str_eq(a.name, "emu");
    float cmd[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = 1.0f;
    ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, NULL), RENA_OK);
    ck_assert_int_eq(rena_actuator_read(&a, pos, NULL), RENA_OK);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_float_eq_tol(pos[i], 1.0f, 0.09f);
    rena_actuator_close(&a);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(stuck_servo_is_reported_by_name)
{
    start_emu("stuck=23");
    rena_hw_options o;
    hw_opts(&o);
    rena_actuator a;
    open_hw(&o, &a);
    float cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(cmd);
    cmd[RENA_SERVO_JAW_L] = 1.0f;
    rena_error e;
    ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, &e), RENA_ERR_BACKEND);
    ck_assert_ptr_nonnull(strstr(e.message, "jaw_l (ID 23) reports overload"));
    rena_actuator_close(&a);
    rena_emu_stop(emu);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_backend");
    TCase *tc = tcase_create("backend");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, write_reaches_the_face_and_reads_back);
    tcase_add_test(tc, ramp_obeys_the_rate_limit_over_the_bus);
    tcase_add_test(tc, watchdog_parks_the_face_when_input_stops);
    tcase_add_test(tc, hold_torque_keeps_torque_at_close);
    tcase_add_test(tc, missing_servo_fails_open_and_moves_nothing);
    tcase_add_test(tc, bad_calibration_sends_no_bytes);
    tcase_add_test(tc, custom_calibration_ids_and_limits_are_used);
    tcase_add_test(tc, stuck_servo_is_reported_by_name);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
