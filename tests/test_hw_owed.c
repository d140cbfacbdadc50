/* The owed-reply table on its own, with time passed in: what a late STS
 * reply can and cannot be taken for. */
#include "sts_owed.h"
#include "testutil.h"

START_TEST(a_debt_is_found_by_servo_and_length_only)
{
    rena_sts_owed_table t = {0};
    rena_sts_owed_add(&t, 5, 2, 10.0);
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 5, 2));
    ck_assert_ptr_null(rena_sts_owed_find(&t, 5, 3)); /* a longer read is not owed */
    ck_assert_ptr_null(rena_sts_owed_find(&t, 6, 2));
}
END_TEST

START_TEST(each_unanswered_read_needs_its_own_late_reply)
{
    rena_sts_owed_table t = {0};
    rena_sts_owed_add(&t, 5, 2, 10.0);
    rena_sts_owed_add(&t, 5, 2, 11.0);
    ck_assert_int_eq(t.n, 1);
    ck_assert_int_eq(rena_sts_owed_pay(&t, 5, 2), 1);
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 5, 2)); /* one reply still owed */
    ck_assert_int_eq(rena_sts_owed_pay(&t, 5, 2), 1);
    ck_assert_ptr_null(rena_sts_owed_find(&t, 5, 2));
    ck_assert_int_eq(rena_sts_owed_pay(&t, 5, 2), 0); /* now it is just a stray packet */
    ck_assert_int_eq(t.n, 0);
}
END_TEST

START_TEST(debts_expire_at_their_time_and_not_before)
{
    rena_sts_owed_table t = {0};
    rena_sts_owed_add(&t, 1, 2, 1.0);
    rena_sts_owed_add(&t, 2, 2, 2.0);
    rena_sts_owed_add(&t, 3, 2, 3.0);
    rena_sts_owed_expire(&t, 1.9);
    ck_assert_ptr_null(rena_sts_owed_find(&t, 1, 2));
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 2, 2));
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 3, 2));
    rena_sts_owed_add(&t, 2, 2, 5.0); /* asked again: the debt lives longer */
    rena_sts_owed_expire(&t, 3.0);
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 2, 2));
    ck_assert_ptr_null(rena_sts_owed_find(&t, 3, 2));
}
END_TEST

START_TEST(a_full_table_forgets_the_debt_closest_to_expiring)
{
    rena_sts_owed_table t = {0};
    for (int i = 0; i < RENA_STS_MAX_OWED; i++)
        rena_sts_owed_add(&t, (uint8_t)i, 2, 100.0 + (i == 7 ? -50.0 : i));
    ck_assert_int_eq(t.n, RENA_STS_MAX_OWED);
    rena_sts_owed_add(&t, 200, 2, 500.0);
    ck_assert_int_eq(t.n, RENA_STS_MAX_OWED);
    ck_assert_ptr_null(rena_sts_owed_find(&t, 7, 2));
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 200, 2));
    ck_assert_ptr_nonnull(rena_sts_owed_find(&t, 6, 2));
}
END_TEST

START_TEST(the_shift_avoids_every_owed_length)
{
    rena_sts_owed_table t = {0};
    uint8_t ids[3] = {1, 2, 3};
    size_t owing = 99;
    /* nothing owed: the read is asked as it is */
    ck_assert_int_eq(rena_sts_owed_pick_shift(&t, ids, 3, 56, 2, &owing), 0);
    ck_assert_uint_eq(owing, 0);
    /* servo 2 owes 2- and 3-byte replies: the first free length is 4 */
    rena_sts_owed_add(&t, 2, 2, 9.0);
    rena_sts_owed_add(&t, 2, 3, 9.0);
    ck_assert_int_eq(rena_sts_owed_pick_shift(&t, ids, 3, 56, 2, &owing), 2);
    ck_assert_uint_eq(owing, 0);
    ck_assert_uint_eq(rena_sts_shifted_addr(56, 2), 54);
    ck_assert_uint_eq(rena_sts_shifted_skip(56, 2), 2);
    /* every length owed by someone: the least-owing length, and how many owe it */
    for (int v = 0; v <= RENA_STS_MAX_SHIFT; v++)
        rena_sts_owed_add(&t, 1, (size_t)(2 + v), 9.0);
    int v = rena_sts_owed_pick_shift(&t, ids, 3, 56, 2, &owing);
    ck_assert_uint_eq(owing, 1);
    ck_assert_int_ge(v, 2);
}
END_TEST

START_TEST(a_shift_at_the_table_start_reads_later_registers)
{
    /* address 1 has no two earlier registers: the read grows forwards */
    ck_assert_uint_eq(rena_sts_shifted_addr(1, 2), 1);
    ck_assert_uint_eq(rena_sts_shifted_skip(1, 2), 0);
    rena_sts_owed_table t = {0};
    uint8_t id = 4;
    size_t owing;
    rena_sts_owed_add(&t, id, 2, 9.0);
    ck_assert_int_eq(rena_sts_owed_pick_shift(&t, &id, 1, 1, 2, &owing), 1);
    ck_assert_uint_eq(owing, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_owed");
    TCase *tc = tcase_create("owed");
    tcase_add_test(tc, a_debt_is_found_by_servo_and_length_only);
    tcase_add_test(tc, each_unanswered_read_needs_its_own_late_reply);
    tcase_add_test(tc, debts_expire_at_their_time_and_not_before);
    tcase_add_test(tc, a_full_table_forgets_the_debt_closest_to_expiring);
    tcase_add_test(tc, the_shift_avoids_every_owed_length);
    tcase_add_test(tc, a_shift_at_the_table_start_reads_later_registers);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
