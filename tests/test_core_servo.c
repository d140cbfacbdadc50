/* The servo table, command sanitising and the status/RNG basics. */
#include <math.h>
#include <string.h>

#include "blendshape.h"
#include "rng.h"
#include "servo.h"
#include "status.h"
#include "testutil.h"

START_TEST(table_has_paper_groups)
{
    int count[5] = {0};
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        count[rena_servos[i].region]++;
    ck_assert_int_eq(count[RENA_REGION_EYEBALL], 4);
    ck_assert_int_eq(count[RENA_REGION_EYELID], 4);
    ck_assert_int_eq(count[RENA_REGION_EYEBROW], 4);
    ck_assert_int_eq(count[RENA_REGION_MOUTH], 12);
    ck_assert_int_eq(count[RENA_REGION_HEAD], 1);
}
END_TEST

START_TEST(limits_inside_usable_range_and_ids_unique)
{
    int seen[26] = {0};
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_servo_info *s = &rena_servos[i];
        ck_assert_int_ge(s->tick_min, RENA_STS_TICK_USABLE_MIN);
        ck_assert_int_le(s->tick_min, RENA_STS_TICK_USABLE_MAX);
        ck_assert_int_ge(s->tick_max, RENA_STS_TICK_USABLE_MIN);
        ck_assert_int_le(s->tick_max, RENA_STS_TICK_USABLE_MAX);
        ck_assert_int_ne(s->tick_min, s->tick_max);
        ck_assert_int_ge(s->bus_id, 1);
        ck_assert_int_le(s->bus_id, 25);
        ck_assert_int_eq(seen[s->bus_id]++, 0);
        ck_assert_int_eq(rena_servo_index(s->name), i);
        if (s->mirror >= 0)
            ck_assert_int_eq(rena_servos[s->mirror].mirror, i);
    }
    ck_assert_int_eq(rena_servo_index("no_such_servo"), -1);
}
END_TEST

START_TEST(sanitize_clamps_and_replaces_nonfinite)
{
    float in[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS];
    rena_servo_neutral(in);
    in[0] = NAN;
    in[1] = INFINITY;
    in[2] = -3.0f;
    in[3] = 7.0f;
    in[4] = 0.25f;
    ck_assert_int_eq(rena_servo_sanitize(in, out), 4);
    ck_assert(out[0] == rena_servos[0].neutral);
    ck_assert(out[1] == rena_servos[1].neutral);
    ck_assert(out[2] == 0.0f);
    ck_assert(out[3] == 1.0f);
    ck_assert(out[4] == 0.25f);
}
END_TEST

START_TEST(ticks_round_trip_and_never_leave_limits)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_servo_info *s = &rena_servos[i];
        int lo = s->tick_min < s->tick_max ? s->tick_min : s->tick_max;
        int hi = s->tick_min < s->tick_max ? s->tick_max : s->tick_min;
        ck_assert_int_eq(rena_servo_to_ticks(i, 0.0f), s->tick_min);
        ck_assert_int_eq(rena_servo_to_ticks(i, 1.0f), s->tick_max);
        float probes[] = {-1e9f, NAN, INFINITY, -INFINITY, 2.0f, 0.3f};
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            int t = rena_servo_to_ticks(i, probes[k]);
            ck_assert_int_ge(t, lo);
            ck_assert_int_le(t, hi);
        }
        ck_assert_float_eq_tol(rena_servo_from_ticks(i, rena_servo_to_ticks(i, 0.3f)), 0.3f,
                               1.0f / (float)(hi - lo));
    }
}
END_TEST

START_TEST(consistency_pairs_are_eye_and_brow_mirrors)
{
    int l[RENA_NUM_SERVOS], r[RENA_NUM_SERVOS];
    int n = rena_servo_consistency_pairs(l, r);
    ck_assert_int_eq(n, 6);
    for (int k = 0; k < n; k++) {
        ck_assert_int_eq(rena_servos[l[k]].side, RENA_SIDE_LEFT);
        ck_assert_int_eq(rena_servos[l[k]].mirror, r[k]);
        ck_assert_int_ne(rena_servos[l[k]].region, RENA_REGION_MOUTH);
    }
}
END_TEST

START_TEST(blendshape_names_in_mediapipe_order)
{
    ck_assert_str_eq(rena_blendshape_names[0], "_neutral");
    ck_assert_str_eq(rena_blendshape_names[RENA_BS_JAW_OPEN], "jawOpen");
    ck_assert_int_eq(RENA_BS_JAW_OPEN, 25);
    ck_assert_str_eq(rena_blendshape_names[51], "noseSneerRight");
    ck_assert_int_eq(rena_blendshape_index("mouthSmileLeft"), 44);
    ck_assert_int_eq(rena_blendshape_index("nope"), -1);
}
END_TEST

START_TEST(rng_streams_keyed_by_seed_and_index)
{
    rena_rng a, b, c;
    rena_rng_init(&a, 42, 7);
    rena_rng_init(&b, 42, 7);
    rena_rng_init(&c, 42, 8);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rena_rng_next(&a);
        ck_assert_uint_eq(x, rena_rng_next(&b));
        differ += x != rena_rng_next(&c);
    }
    ck_assert_int_gt(differ, 95);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 20000; i++) {
        double u = rena_rng_uniform(&a);
        ck_assert(u >= 0.0 && u < 1.0);
        double z = rena_rng_normal(&a);
        sum += z;
        sum2 += z * z;
    }
    ck_assert_double_lt(fabs(sum / 20000), 0.05);
    ck_assert_double_lt(fabs(sum2 / 20000 - 1.0), 0.05);
}
END_TEST

START_TEST(error_record_names_where)
{
    rena_error e;
    rena_error_clear(&e);
    ck_assert_int_eq(rena_error_set(&e, RENA_ERR_FORMAT, "x.npy", "bad magic %d", 3), RENA_ERR_FORMAT);
    char buf[256];
    ck_assert_str_eq(rena_error_format(&e, buf, sizeof buf), "x.npy: bad magic 3 (malformed input)");
    for (int c = 0; c >= RENA_ERR_UNSUPPORTED; c--)
        ck_assert_str_ne(rena_status_str((rena_status)c), "unknown status");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_servo");
    TCase *tc = tcase_create("servo");
    tcase_add_test(tc, table_has_paper_groups);
    tcase_add_test(tc, limits_inside_usable_range_and_ids_unique);
    tcase_add_test(tc, sanitize_clamps_and_replaces_nonfinite);
    tcase_add_test(tc, ticks_round_trip_and_never_leave_limits);
    tcase_add_test(tc, consistency_pairs_are_eye_and_brow_mirrors);
    tcase_add_test(tc, blendshape_names_in_mediapipe_order);
    tcase_add_test(tc, rng_streams_keyed_by_seed_and_index);
    tcase_add_test(tc, error_record_names_where);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
