/* Adversarial inputs on the hw safety layer (hw/safety.h), the last code
 * between a command and the servos: 100,000 command vectors of NaN (both
 * signs), +-Inf, huge, negative, denormal, all-zero and random bits, with
 * adversarial rate limits, against the default calibration and random valid
 * calibrations (reversed horns, narrow and wide limits). Whatever comes in:
 * commands stay finite in [0,1], a goal moves at most max_step per cycle,
 * no tick value leaves the calibrated limits, and a ramp reaches its target
 * in the cycles rena_safety_cycles announces. Seeded (core/rng.h). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibration.h"
#include "rng.h"
#include "safety.h"
#include "testutil.h"

/* ck_assert records a checkpoint (a write to Check's log) on every call;
 * in loops of millions of checks that alone took most of the run. */
#define REQUIRE(cond, ...)                 \
    do {                                   \
        if (!(cond))                       \
            ck_abort_msg(__VA_ARGS__);     \
    } while (0)

#define SEED 0x5AFEu
#define VECTORS 100000L

static const float specials[] = {
    NAN,   -NAN,  INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 1e30f, -1e30f, FLT_MIN, -FLT_MIN,
    1e-45f, -1e-45f, 0.0f, -0.0f,   1.0f,    -1.0f,    0.5f,  1.0000001f, 0.99999994f, 2.0f,
    -2.0f, 1e-7f, -1e-7f, 4095.0f, 2048.0f,
};
#define N_SPECIALS ((uint32_t)(sizeof specials / sizeof specials[0]))

static const float steps[] = {NAN, INFINITY, -INFINITY, -1.0f, 0.0f, -0.0f, 1e-45f, 1e-30f,
                              1e-7f, 1e-3f, 0.05f, 0.3f, 1.0f, 2.0f, FLT_MAX};
#define N_STEPS ((uint32_t)(sizeof steps / sizeof steps[0]))

static float special(rena_rng *r) { return specials[rena_rng_below(r, N_SPECIALS)]; }

/* Command vector i: the kinds of tests/test_core_adversarial.c. */
static void adversarial_command(rena_rng *r, long i, float cmd[RENA_NUM_SERVOS])
{
    float same = special(r);
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        uint32_t bits = (uint32_t)rena_rng_next(r);
        float v;
        switch (i % 6) {
        case 0: v = special(r); break;
        case 1: memcpy(&v, &bits, sizeof v); break;
        case 2: v = 0.0f; break;
        case 3: v = same; break;
        case 4: v = rena_rng_below(r, 10) ? (float)rena_rng_uniform(r) : special(r); break;
        default: v = (float)rena_rng_range(r, -1e3, 1e3); break;
        }
        cmd[s] = v;
    }
}

/* A calibration that rena_calibration_validate accepts: shuffled IDs,
 * random directions, limits from 1 tick wide to the whole circle. */
static void random_calibration(rena_rng *r, rena_calibration *cal)
{
    int ids[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ids[i] = (int)rena_rng_below(r, 10) + i * 10;
    for (int i = RENA_NUM_SERVOS - 1; i > 0; i--) {
        int j = (int)rena_rng_below(r, (uint32_t)i + 1), t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
    }
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_calibration_servo *c = &cal->servo[i];
        c->id = ids[i];
        c->direction = rena_rng_below(r, 2) ? 1 : -1;
        int a = (int)rena_rng_below(r, RENA_STS_TICK_MAX + 1);
        int b = (int)rena_rng_below(r, RENA_STS_TICK_MAX + 1);
        if (a == b)
            b = a == 0 ? 1 : a - 1;
        c->min_ticks = a < b ? a : b;
        c->max_ticks = a < b ? b : a;
        uint32_t span = (uint32_t)(c->max_ticks - c->min_ticks + 1);
        c->neutral_ticks = c->min_ticks + (int)rena_rng_below(r, span);
    }
    ck_assert_int_eq(rena_calibration_validate(cal, "random", NULL), RENA_OK);
}

/* Calibration used for vector i: the default for the first block, then a
 * new random one every 1000 vectors. */
static void calibration_for(long i, rena_calibration *cal)
{
    if (i < 1000) {
        rena_calibration_default(cal);
        return;
    }
    rena_rng r;
    rena_rng_init(&r, SEED + 1, (uint64_t)(i / 1000));
    random_calibration(&r, cal);
}

static void assert_safe(const float *cmd, const char *what, long i)
{
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        REQUIRE(isfinite(cmd[s]) && cmd[s] >= 0.0f && cmd[s] <= 1.0f,
                      "%s, vector %ld: servo %d = %g", what, i, s, (double)cmd[s]);
}

static void assert_ticks_inside(const rena_calibration *cal, const int *ticks, const char *what,
                                long i)
{
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        REQUIRE(ticks[s] >= cal->servo[s].min_ticks && ticks[s] <= cal->servo[s].max_ticks,
                      "%s, vector %ld: servo %d at %d ticks, limits %d..%d", what, i, s, ticks[s],
                      cal->servo[s].min_ticks, cal->servo[s].max_ticks);
}

START_TEST(sanitize_replaces_garbage_by_calibrated_neutral_and_clamps)
{
    rena_calibration cal;
    for (long i = 0; i < VECTORS; i++) {
        if (i % 1000 == 0)
            calibration_for(i, &cal);
        rena_rng r;
        rena_rng_init(&r, SEED, (uint64_t)i);
        float in[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS];
        adversarial_command(&r, i, in);
        int changed = rena_safety_sanitize(&cal, in, out), expect = 0;
        assert_safe(out, "sanitize", i);
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            float n = rena_calibration_neutral(&cal, s);
            float want = !isfinite(in[s]) ? n : in[s] < 0.0f ? 0.0f : in[s] > 1.0f ? 1.0f : in[s];
            REQUIRE(fabsf(out[s] - want) <= 1e-6f, "vector %ld servo %d: %g -> %g, want %g", i,
                          s, (double)in[s], (double)out[s], (double)want);
            expect += !(out[s] == in[s]);
        }
        REQUIRE(changed == expect, "vector %ld: %d changed, %d expected", i, changed, expect);
    }
}
END_TEST

START_TEST(rate_limit_bounds_every_move_whatever_the_inputs)
{
    rena_calibration cal;
    for (long i = 0; i < VECTORS; i++) {
        if (i % 1000 == 0)
            calibration_for(i, &cal);
        rena_rng r;
        rena_rng_init(&r, SEED + 2, (uint64_t)i);
        float prev[RENA_NUM_SERVOS], target[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS];
        float sp[RENA_NUM_SERVOS], st[RENA_NUM_SERVOS];
        adversarial_command(&r, i, prev);
        adversarial_command(&r, i + 3, target);
        float max_step = steps[rena_rng_below(&r, N_STEPS)];
        float step = isfinite(max_step) && max_step > 0.0f ? max_step : 1.0f; /* as documented */
        int reached = rena_safety_step(&cal, prev, target, max_step, out);
        assert_safe(out, "step", i);
        rena_safety_sanitize(&cal, prev, sp);
        rena_safety_sanitize(&cal, target, st);
        int at_target = 1;
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            REQUIRE(fabsf(out[s] - sp[s]) <= step + 1e-6f,
                          "vector %ld servo %d: moved %g with max_step %g", i, s,
                          (double)fabsf(out[s] - sp[s]), (double)max_step);
            at_target &= out[s] == st[s];
        }
        REQUIRE(reached == at_target, "vector %ld: reached %d, at target %d", i, reached,
                at_target);
        int ticks_prev[RENA_NUM_SERVOS], ticks[RENA_NUM_SERVOS];
        rena_safety_ticks(&cal, sp, ticks_prev);
        rena_safety_ticks(&cal, out, ticks);
        assert_ticks_inside(&cal, ticks, "ticks after a step", i);
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            double span = cal.servo[s].max_ticks - cal.servo[s].min_ticks;
            REQUIRE(abs(ticks[s] - ticks_prev[s]) <= ceil((double)step * span) + 1,
                          "vector %ld servo %d: jumped %d ticks with max_step %g", i, s,
                          abs(ticks[s] - ticks_prev[s]), (double)max_step);
        }
    }
}
END_TEST

/* Raw garbage straight into the tick mapping: still inside the limits. */
START_TEST(ticks_never_leave_calibrated_limits)
{
    rena_calibration cal;
    for (long i = 0; i < VECTORS; i++) {
        if (i % 1000 == 0)
            calibration_for(i, &cal);
        rena_rng r;
        rena_rng_init(&r, SEED + 3, (uint64_t)i);
        float cmd[RENA_NUM_SERVOS];
        int ticks[RENA_NUM_SERVOS];
        adversarial_command(&r, i, cmd);
        rena_safety_ticks(&cal, cmd, ticks);
        assert_ticks_inside(&cal, ticks, "ticks", i);
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            if (!isfinite(cmd[s]))
                REQUIRE(ticks[s] == cal.servo[s].neutral_ticks,
                        "vector %ld servo %d: garbage -> %d ticks, not the neutral %d", i, s,
                        ticks[s], cal.servo[s].neutral_ticks);
    }
}
END_TEST

/* A ramp to any target ends, in the number of cycles announced (give or
 * take the last float rounding), and never while the announcement is 0. */
START_TEST(ramp_reaches_target_in_announced_cycles)
{
    rena_calibration cal;
    for (long i = 0; i < VECTORS / 10; i++) {
        if (i % 100 == 0)
            calibration_for(i * 10, &cal);
        rena_rng r;
        rena_rng_init(&r, SEED + 4, (uint64_t)i);
        float prev[RENA_NUM_SERVOS], target[RENA_NUM_SERVOS], sp[RENA_NUM_SERVOS],
            st[RENA_NUM_SERVOS];
        adversarial_command(&r, i, prev);
        adversarial_command(&r, i + 1, target);
        float max_step = steps[rena_rng_below(&r, N_STEPS)];
        int cycles = rena_safety_cycles(&cal, prev, target, max_step);
        rena_safety_sanitize(&cal, prev, sp);
        rena_safety_sanitize(&cal, target, st);
        int differ = 0; /* by value: -0 and 0 are one pose */
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            differ |= sp[s] != st[s];
        REQUIRE(cycles >= differ, "vector %ld: %d cycles announced from %s to %s (max_step %g)",
                      i, cycles, differ ? "one pose" : "a pose", differ ? "another" : "itself",
                      (double)max_step);
        if (cycles > 2000)
            continue; /* a crawl of tiny steps: announced, not walked */
        int n = 0;
        float cur[RENA_NUM_SERVOS];
        memcpy(cur, sp, sizeof cur);
        while (!rena_safety_step(&cal, cur, st, max_step, cur) && n <= cycles + 1)
            n++;
        n++;
        REQUIRE(n <= cycles + 1 && (n >= cycles - 1 || !differ),
                      "vector %ld: reached the target in %d cycles, %d announced (max_step %g)", i,
                      n, cycles, (double)max_step);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_adversarial");
    TCase *tc = tcase_create("safety");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sanitize_replaces_garbage_by_calibrated_neutral_and_clamps);
    tcase_add_test(tc, rate_limit_bounds_every_move_whatever_the_inputs);
    tcase_add_test(tc, ticks_never_leave_calibrated_limits);
    tcase_add_test(tc, ramp_reaches_target_in_announced_cycles);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
