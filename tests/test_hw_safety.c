/* Calibration files and the safety layer: the mapping to ticks checked
 * against servo.h's independent implementation, 100,000 random commands
 * (NaN, Inf, huge) that must never leave the limits or the per-cycle rate,
 * the watchdog deadline, and calibration files with every kind of mistake. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibration.h"
#include "rng.h"
#include "safety.h"
#include "testutil.h"

static float random_command(rena_rng *r)
{
    switch (rena_rng_below(r, 10)) {
    case 0: return NAN;
    case 1: return rena_rng_below(r, 2) ? INFINITY : -INFINITY;
    case 2: return (float)rena_rng_range(r, -1e6, 1e6);
    case 3: return (float)rena_rng_range(r, -0.5, 1.5);
    default: return (float)rena_rng_uniform(r);
    }
}

/* A face with narrow, shifted and reversed limits and odd neutrals. */
static void odd_calibration(rena_calibration *cal)
{
    rena_calibration_default(cal);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_calibration_servo *c = &cal->servo[i];
        c->id = 100 + i;
        c->direction = i % 3 == 0 ? -1 : 1;
        c->min_ticks = 500 + 37 * i;
        c->max_ticks = c->min_ticks + 50 + 61 * i;
        c->neutral_ticks = c->min_ticks + (c->max_ticks - c->min_ticks) / 3;
    }
}

START_TEST(default_calibration_matches_servo_table)
{
    rena_calibration cal;
    rena_calibration_default(&cal);
    ck_assert_int_eq(rena_calibration_validate(&cal, "defaults", NULL), RENA_OK);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        ck_assert_int_eq(cal.servo[i].id, rena_servos[i].bus_id);
        for (int k = -2; k <= 12; k++) {
            float c = (float)k / 10.0f;
            ck_assert_int_eq(rena_calibration_to_ticks(&cal, i, c), rena_servo_to_ticks(i, c));
        }
        ck_assert_int_eq(rena_calibration_to_ticks(&cal, i, NAN),
                         rena_servo_to_ticks(i, rena_servos[i].neutral));
        float span = (float)abs(rena_servos[i].tick_max - rena_servos[i].tick_min);
        ck_assert_float_eq_tol(rena_calibration_neutral(&cal, i), rena_servos[i].neutral,
                               0.5f / span);
        ck_assert_int_eq(rena_calibration_find_id(&cal, rena_servos[i].bus_id), i);
    }
    ck_assert_int_eq(rena_calibration_find_id(&cal, 99), -1);
}
END_TEST

START_TEST(ticks_round_trip_both_directions)
{
    rena_calibration cal;
    odd_calibration(&cal);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_calibration_servo *c = &cal.servo[i];
        int zero = rena_calibration_to_ticks(&cal, i, 0.0f);
        ck_assert_int_eq(zero, c->direction > 0 ? c->min_ticks : c->max_ticks);
        int mismatches = 0;
        for (int t = c->min_ticks; t <= c->max_ticks; t++)
            mismatches +=
                rena_calibration_to_ticks(&cal, i, rena_calibration_from_ticks(&cal, i, t)) != t;
        ck_assert_int_eq(mismatches, 0);
        /* beyond the limits reads as outside [0,1], honestly */
        ck_assert_float_lt(rena_calibration_from_ticks(&cal, i, c->direction > 0 ? c->min_ticks - 10
                                                                              : c->max_ticks + 10),
                           0.0f);
    }
}
END_TEST

START_TEST(random_commands_never_leave_limits_or_rate)
{
    rena_calibration cals[2];
    rena_calibration_default(&cals[0]);
    odd_calibration(&cals[1]);
    rena_rng r;
    rena_rng_init(&r, 2024, 0);
    const float steps[] = {0.05f, 0.013f, 1.0f};
    long bad_value = 0, bad_rate = 0, bad_ticks = 0, checked = 0;
    for (int k = 0; k < 2; k++) {
        const rena_calibration *cal = &cals[k];
        float prev[RENA_NUM_SERVOS];
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            prev[i] = random_command(&r); /* even a garbage start is made safe */
        for (int n = 0; n < 50000; n++) {
            float cmd[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS], clean_prev[RENA_NUM_SERVOS];
            int ticks[RENA_NUM_SERVOS];
            float step = steps[n % 3];
            for (int i = 0; i < RENA_NUM_SERVOS; i++)
                cmd[i] = random_command(&r);
            rena_safety_sanitize(cal, prev, clean_prev);
            rena_safety_step(cal, prev, cmd, step, out);
            rena_safety_ticks(cal, out, ticks);
            /* counted, not asserted one by one: a Check assertion costs a syscall */
            for (int i = 0; i < RENA_NUM_SERVOS; i++) {
                bad_value += !(isfinite(out[i]) && out[i] >= 0.0f && out[i] <= 1.0f);
                bad_rate += fabsf(out[i] - clean_prev[i]) > step * (1.0f + 1e-6f);
                bad_ticks +=
                    ticks[i] < cal->servo[i].min_ticks || ticks[i] > cal->servo[i].max_ticks;
            }
            memcpy(prev, out, sizeof prev);
            checked += RENA_NUM_SERVOS;
        }
    }
    ck_assert_int_eq(checked, 100000L * RENA_NUM_SERVOS);
    ck_assert_int_eq(bad_value, 0);
    ck_assert_int_eq(bad_rate, 0);
    ck_assert_int_eq(bad_ticks, 0);
}
END_TEST

START_TEST(ramp_reaches_target_in_the_predicted_cycles)
{
    rena_calibration cal;
    odd_calibration(&cal);
    rena_rng r;
    rena_rng_init(&r, 5, 0);
    for (int trial = 0; trial < 200; trial++) {
        float prev[RENA_NUM_SERVOS], target[RENA_NUM_SERVOS], clean[RENA_NUM_SERVOS];
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            prev[i] = (float)rena_rng_uniform(&r);
            target[i] = random_command(&r);
        }
        float step = (float)rena_rng_range(&r, 0.01, 0.3);
        int predicted = rena_safety_cycles(&cal, prev, target, step);
        int n = 0;
        while (!rena_safety_step(&cal, prev, target, step, prev))
            n++;
        n++;
        ck_assert_int_eq(n, predicted > 0 ? predicted : 1);
        rena_safety_sanitize(&cal, target, clean);
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            ck_assert(prev[i] == clean[i]);
    }
}
END_TEST

START_TEST(nan_becomes_calibrated_neutral)
{
    rena_calibration cal;
    odd_calibration(&cal);
    float in[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        in[i] = NAN;
    ck_assert_int_eq(rena_safety_sanitize(&cal, in, out), RENA_NUM_SERVOS);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_int_eq(rena_calibration_to_ticks(&cal, i, out[i]), cal.servo[i].neutral_ticks);
}
END_TEST

START_TEST(watchdog_fires_once_per_silence)
{
    rena_safety_watchdog w;
    rena_safety_watchdog_init(&w, 0.5, 10.0);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 20.0), 0); /* never fed: nothing to stop */
    rena_safety_watchdog_feed(&w, 20.0);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 20.4), 0);
    ck_assert_double_eq_tol(rena_safety_watchdog_remaining(&w, 20.4), 0.1, 1e-9);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 20.6), 1);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 25.0), 0);
    rena_safety_watchdog_feed(&w, 30.0);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 30.51), 1);
    rena_safety_watchdog_init(&w, 0.0, 0.0);
    rena_safety_watchdog_feed(&w, 0.0);
    ck_assert_int_eq(rena_safety_watchdog_check(&w, 1e6), 0);
}
END_TEST

START_TEST(calibration_file_round_trip)
{
    char dir[256], path[512], ex[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cal.json", dir);
    rena_calibration a, b;
    odd_calibration(&a);
    ck_assert_int_eq(rena_calibration_save(path, &a, NULL), RENA_OK);
    ck_assert_int_eq(rena_calibration_load(path, &b, NULL), RENA_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    /* the shipped example is the uncalibrated table */
    rena_error e;
    ck_assert_msg(rena_calibration_load(rena_test_source_path("assets/calibration.example.json", ex,
                                                              sizeof ex),
                                        &b, &e) == RENA_OK,
                  "%s", e.message);
    rena_calibration_default(&a);
    ck_assert_mem_eq(&a, &b, sizeof a);
    remove(path);
    rmdir(dir);
}
END_TEST

/* The default file text with one substitution applied. */
static char *default_json_with(const char *from, const char *to)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/c.json", dir);
    rena_calibration cal;
    rena_calibration_default(&cal);
    ck_assert_int_eq(rena_calibration_save(path, &cal, NULL), RENA_OK);
    FILE *f = fopen(path, "rb");
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    remove(path);
    rmdir(dir);
    char *at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    char *out = malloc(n + strlen(to) + 1);
    memcpy(out, text, (size_t)(at - text));
    strcpy(out + (at - text), to);
    strcat(out, at + strlen(from));
    return out;
}

static void expect_error(const char *from, const char *to, rena_status code, const char *where)
{
    char *json = default_json_with(from, to);
    rena_calibration cal;
    rena_calibration_default(&cal);
    rena_calibration before = cal;
    rena_error e;
    ck_assert_int_eq(rena_calibration_parse(json, strlen(json), "calib.json", &cal, &e), code);
    ck_assert_msg(strcmp(e.where, where) == 0, "where '%s', wanted '%s' (%s)", e.where, where,
                  e.message);
    ck_assert_mem_eq(&cal, &before, sizeof cal); /* untouched on failure */
    free(json);
}

START_TEST(bad_calibration_files_name_the_field)
{
    /* servo 13 (upper_lip_l) is the 14th entry: servos[13] */
    expect_error(
        "{\"name\": \"jaw_r\", \"id\": 24, \"direction\": -1, \"min\": 1596, \"max\": 2796, "
        "\"neutral\": 2796},\n",
        "", RENA_ERR_FORMAT, "calib.json: servos");
    expect_error("\"id\": 14,", "\"id\": 13,", RENA_ERR_FORMAT, "calib.json: servos[13].id");
    expect_error("\"min\": 1500, \"max\": 2300, \"neutral\": 1500}",
                 "\"min\": 2400, \"max\": 2300, "
                 "\"neutral\": 1500}",
                 RENA_ERR_RANGE, "calib.json: servos[12].min");
    expect_error("\"neutral\": 2048}", "\"neutral\": 3000}", RENA_ERR_RANGE,
                 "calib.json: servos[0].neutral");
    expect_error("\"eye_h_r\"", "\"eye_h_x\"", RENA_ERR_FORMAT, "calib.json: servos[1].name");
    expect_error("\"eye_h_r\"", "\"eye_h_l\"", RENA_ERR_FORMAT, "calib.json: servos[1].name");
    expect_error("\"id\": 3,", "", RENA_ERR_FORMAT, "calib.json: servos[2].id");
    expect_error("\"id\": 3,", "\"id\": 3.5,", RENA_ERR_FORMAT, "calib.json: servos[2].id");
    expect_error("\"id\": 3,", "\"id\": 300,", RENA_ERR_RANGE, "calib.json: servos[2].id");
    expect_error("\"direction\": 1, \"min\": 1820", "\"direction\": 0, \"min\": 1820",
                 RENA_ERR_RANGE, "calib.json: servos[2].direction");
    expect_error("\"rena-calibration\"", "\"other\"", RENA_ERR_FORMAT, "calib.json: format");
    expect_error("\"version\": 1", "\"version\": 2", RENA_ERR_VERSION, "calib.json: version");
    expect_error("  ]\n}", "  ]\n", RENA_ERR_FORMAT, "calib.json");
    rena_calibration cal;
    rena_error e;
    ck_assert_int_eq(rena_calibration_load("/nonexistent/cal.json", &cal, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, "/nonexistent/cal.json");
}
END_TEST

/* A rate limit far below the float resolution of a command: the ramp takes
 * (or, once a step rounds away, would take) longer than an int counts, and
 * says so with INT_MAX rather than overflowing the int (it once announced 0
 * cycles for max_step 1e-45). Every step still moves at most max_step. */
START_TEST(tiny_rate_limits_announce_int_max_cycles)
{
    rena_calibration cal;
    rena_calibration_default(&cal);
    float prev[RENA_NUM_SERVOS], target[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        prev[i] = 0.5f;
        target[i] = i % 2 ? 0.0f : 1.0f;
    }
    const float tiny[] = {1e-45f, 1e-40f, 1e-30f, 1e-10f};
    for (size_t k = 0; k < sizeof tiny / sizeof tiny[0]; k++) {
        ck_assert_int_eq(rena_safety_cycles(&cal, prev, target, tiny[k]), INT_MAX);
        rena_safety_step(&cal, prev, target, tiny[k], out);
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            ck_assert(fabsf(out[i] - prev[i]) <= tiny[k]);
    }
    /* small but countable: 0.5 / 1e-7 cycles, give or take the float division */
    int n = rena_safety_cycles(&cal, prev, target, 1e-7f);
    ck_assert_int_ge(n, 4999999);
    ck_assert_int_le(n, 5000001);
    ck_assert_int_eq(rena_safety_cycles(&cal, prev, prev, 1e-45f), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_safety");
    TCase *tc = tcase_create("safety");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, default_calibration_matches_servo_table);
    tcase_add_test(tc, ticks_round_trip_both_directions);
    tcase_add_test(tc, random_commands_never_leave_limits_or_rate);
    tcase_add_test(tc, ramp_reaches_target_in_the_predicted_cycles);
    tcase_add_test(tc, tiny_rate_limits_announce_int_max_cycles);
    tcase_add_test(tc, nan_becomes_calibrated_neutral);
    tcase_add_test(tc, watchdog_fires_once_per_silence);
    tcase_add_test(tc, calibration_file_round_trip);
    tcase_add_test(tc, bad_calibration_files_name_the_field);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
