/* The expert strategy (Algorithm 1) and the random-babbling baseline. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expert.h"
#include "testutil.h"

#define N_SAMPLES 10000

/* Check's assertions cost a system call each (they mark progress through a
 * pipe), so the per-sample checks count violations and assert once. */
static long violations;
static char first_violation[256];

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond) && violations++ == 0)                                                          \
            snprintf(first_violation, sizeof first_violation, __VA_ARGS__);                        \
    } while (0)

static int neutral(const float *cmd, int s) { return cmd[s] == rena_servos[s].neutral; }

static int mirrored(const float *cmd, int left) { return cmd[left] == cmd[rena_servos[left].mirror]; }

static void assert_in_unit_range(const float *cmd)
{
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        EXPECT(isfinite(cmd[s]) && cmd[s] >= 0.0f && cmd[s] <= 1.0f, "%s = %g outside [0,1]",
               rena_servos[s].name, (double)cmd[s]);
}

static void assert_brow(const float *cmd, rena_brow_action a)
{
    const int in[2] = {RENA_SERVO_BROW_IN_L, RENA_SERVO_BROW_IN_R};
    const int out[2] = {RENA_SERVO_BROW_OUT_L, RENA_SERVO_BROW_OUT_R};
    EXPECT(mirrored(cmd, RENA_SERVO_BROW_IN_L) && mirrored(cmd, RENA_SERVO_BROW_OUT_L),
           "brows not symmetric");
    for (int k = 0; k < 2; k++) {
        float n_in = rena_servos[in[k]].neutral, n_out = rena_servos[out[k]].neutral;
        if (a == RENA_BROW_NONE)
            EXPECT(neutral(cmd, in[k]) && neutral(cmd, out[k]), "brow moved without the brow group");
        else if (a == RENA_BROW_FROWN) /* inner ends down, nothing raised */
            EXPECT(cmd[in[k]] <= n_in && cmd[out[k]] <= n_out && cmd[in[k]] <= cmd[out[k]],
                   "frown raised a brow end");
        else /* both ends up, nothing lowered */
            EXPECT(cmd[in[k]] >= n_in && cmd[out[k]] >= n_out, "raise lowered a brow end");
    }
}

static void assert_mouth(const float *cmd, rena_mouth_action a)
{
    /* Which left servos each action may move (the right mirror follows). */
    int up = 0, out = 0, ulip = 0, dn = 0, llip = 0, jaw = 0;
    if (a == RENA_MOUTH_SMILE)
        up = out = ulip = jaw = 1;
    else if (a == RENA_MOUTH_SADNESS)
        dn = llip = jaw = 1;
    else if (a == RENA_MOUTH_CORNERS_UP)
        up = 1;
    const struct {
        int servo, may_move;
    } m[] = {{RENA_SERVO_CORNER_UP_L, up},    {RENA_SERVO_CORNER_OUT_L, out},
             {RENA_SERVO_UPPER_LIP_L, ulip},  {RENA_SERVO_CORNER_DN_L, dn},
             {RENA_SERVO_LOWER_LIP_L, llip},  {RENA_SERVO_JAW_L, jaw}};
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        int l = m[k].servo, r = rena_servos[l].mirror;
        if (!m[k].may_move)
            EXPECT(neutral(cmd, l) && neutral(cmd, r), "%s moved during %s", rena_servos[l].name,
                   rena_mouth_action_name(a));
        else if (a != RENA_MOUTH_CORNERS_UP) /* smile and sadness are symmetric */
            EXPECT(mirrored(cmd, l), "%s not synchronised in %s", rena_servos[l].name,
                   rena_mouth_action_name(a));
    }
}

/* Every servo outside the applied groups stays at its neutral. */
static void assert_untouched_outside_groups(const float *cmd, unsigned groups)
{
    uint32_t movable = 0;
    for (int g = 0; g < RENA_EXPERT_NUM_GROUPS; g++)
        if (groups & (1u << g))
            movable |= rena_expert_group_servos((rena_expert_group)g);
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        if (!(movable & (1u << s)))
            EXPECT(neutral(cmd, s), "%s moved outside its groups", rena_servos[s].name);
}

START_TEST(constraints_hold_on_10000_samples)
{
    long group_count[RENA_EXPERT_NUM_GROUPS] = {0}, brow_count[3] = {0}, mouth_count[4] = {0};
    long corners_asym = 0;
    float lo[RENA_NUM_SERVOS], hi[RENA_NUM_SERVOS];
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        lo[s] = 1.0f, hi[s] = 0.0f;
    for (long i = 0; i < N_SAMPLES; i++) {
        float cmd[RENA_NUM_SERVOS];
        rena_expert_info info;
        rena_expert_sample(7, (uint64_t)i, cmd, &info);
        assert_in_unit_range(cmd);
        EXPECT(info.groups != 0 && (info.groups >> RENA_EXPERT_NUM_GROUPS) == 0,
               "sample %ld: groups %#x", i, info.groups);
        /* groups 1-4: eyes synchronised (also when untouched: both neutral) */
        EXPECT(mirrored(cmd, RENA_SERVO_EYE_H_L) && mirrored(cmd, RENA_SERVO_EYE_V_L),
               "sample %ld: eyeballs not synchronised", i);
        EXPECT(mirrored(cmd, RENA_SERVO_BLINK_L) && mirrored(cmd, RENA_SERVO_EYEOPEN_L),
               "sample %ld: lids not synchronised", i);
        EXPECT((info.brow != RENA_BROW_NONE) == !!(info.groups & (1u << RENA_EXPERT_BROW)),
               "sample %ld: brow action without the brow group", i);
        EXPECT((info.mouth != RENA_MOUTH_NONE) == !!(info.groups & (1u << RENA_EXPERT_MOUTH)),
               "sample %ld: mouth action without the mouth group", i);
        assert_brow(cmd, info.brow);
        assert_mouth(cmd, info.mouth);
        assert_untouched_outside_groups(cmd, info.groups);
        corners_asym += info.mouth == RENA_MOUTH_CORNERS_UP &&
                        !mirrored(cmd, RENA_SERVO_CORNER_UP_L);
        for (int g = 0; g < RENA_EXPERT_NUM_GROUPS; g++)
            group_count[g] += (info.groups >> g) & 1;
        brow_count[info.brow]++;
        mouth_count[info.mouth]++;
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            lo[s] = fminf(lo[s], cmd[s]);
            hi[s] = fmaxf(hi[s], cmd[s]);
        }
    }
    ck_assert_msg(violations == 0, "%ld violations, first: %s", violations, first_violation);
    /* Each group with probability 0.5, conditioned on at least one: 64/127. */
    for (int g = 0; g < RENA_EXPERT_NUM_GROUPS; g++)
        ck_assert_msg(fabs(group_count[g] / (double)N_SAMPLES - 64.0 / 127.0) < 0.03,
                      "group %s applied %ld times", rena_expert_group_name(g), group_count[g]);
    ck_assert(labs(brow_count[RENA_BROW_FROWN] - brow_count[RENA_BROW_RAISE]) <
              group_count[RENA_EXPERT_BROW] / 10);
    for (int a = RENA_MOUTH_SMILE; a <= RENA_MOUTH_CORNERS_UP; a++)
        ck_assert(fabs(mouth_count[a] / (double)group_count[RENA_EXPERT_MOUTH] - 1.0 / 3.0) < 0.04);
    /* Corners-up sides are drawn independently, so they (almost) never agree. */
    ck_assert_int_eq(corners_asym, mouth_count[RENA_MOUTH_CORNERS_UP]);
    /* Eyes, lids, brows and the smiling corners cover (nearly) their whole range. */
    const int wide[] = {RENA_SERVO_EYE_H_L, RENA_SERVO_EYE_V_R, RENA_SERVO_BLINK_L,
                        RENA_SERVO_EYEOPEN_R, RENA_SERVO_BROW_IN_L, RENA_SERVO_CORNER_UP_R,
                        RENA_SERVO_CORNER_DN_L};
    for (size_t k = 0; k < sizeof wide / sizeof wide[0]; k++)
        ck_assert_msg(lo[wide[k]] < 0.01f && hi[wide[k]] > 0.99f, "%s spans only [%g,%g]",
                      rena_servos[wide[k]].name, lo[wide[k]], hi[wide[k]]);
}
END_TEST

START_TEST(same_seed_same_output_other_seed_differs)
{
    int differ = 0;
    for (long i = 0; i < 2000; i++) {
        float a[RENA_NUM_SERVOS], b[RENA_NUM_SERVOS], c[RENA_NUM_SERVOS];
        rena_expert_info ia, ib;
        rena_expert_sample(123, (uint64_t)i, a, &ia);
        rena_expert_sample(123, (uint64_t)i, b, &ib);
        rena_expert_sample(124, (uint64_t)i, c, NULL);
        EXPECT(!memcmp(a, b, sizeof a) && !memcmp(&ia, &ib, sizeof ia), "sample %ld differs", i);
        differ += memcmp(a, c, sizeof a) != 0;
    }
    ck_assert_msg(violations == 0, "%s", first_violation);
    ck_assert_int_gt(differ, 1990);
}
END_TEST

START_TEST(sample_does_not_depend_on_what_came_before)
{
    enum { BEGIN = 5000, COUNT = 64 };
    float fwd[COUNT][RENA_NUM_SERVOS], bwd[COUNT][RENA_NUM_SERVOS];
    for (int k = 0; k < COUNT; k++)
        rena_expert_sample(9, BEGIN + k, fwd[k], NULL);
    /* The same indices drawn in reverse, interleaved with unrelated ones. */
    for (int k = COUNT - 1; k >= 0; k--) {
        float junk[RENA_NUM_SERVOS];
        rena_expert_sample(9, (uint64_t)k * 31u, junk, NULL);
        rena_expert_sample(9, BEGIN + k, bwd[k], NULL);
    }
    ck_assert_mem_eq(fwd, bwd, sizeof fwd);
}
END_TEST

START_TEST(random_baseline_is_uniform_and_unsynchronised)
{
    double sum = 0.0;
    long sync = 0, n = 5000;
    for (long i = 0; i < n; i++) {
        float a[RENA_NUM_SERVOS], b[RENA_NUM_SERVOS];
        rena_expert_random(3, (uint64_t)i, a);
        rena_expert_random(3, (uint64_t)i, b);
        EXPECT(!memcmp(a, b, sizeof a), "random sample %ld differs", i);
        assert_in_unit_range(a);
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            sum += a[s];
        sync += mirrored(a, RENA_SERVO_EYE_H_L);
    }
    ck_assert_msg(violations == 0, "%s", first_violation);
    ck_assert_double_lt(fabs(sum / (n * RENA_NUM_SERVOS) - 0.5), 0.01);
    ck_assert_int_lt(sync, 5);
}
END_TEST

START_TEST(group_servo_sets_cover_every_servo_once)
{
    uint32_t all = 0;
    for (int g = 0; g < RENA_EXPERT_NUM_GROUPS; g++) {
        uint32_t m = rena_expert_group_servos((rena_expert_group)g);
        ck_assert_uint_ne(m, 0);
        ck_assert_uint_eq(all & m, 0);
        all |= m;
        ck_assert_str_ne(rena_expert_group_name((rena_expert_group)g), "unknown");
    }
    ck_assert_uint_eq(all, (1u << RENA_NUM_SERVOS) - 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_expert");
    TCase *tc = tcase_create("expert");
    tcase_add_test(tc, constraints_hold_on_10000_samples);
    tcase_add_test(tc, same_seed_same_output_other_seed_differs);
    tcase_add_test(tc, sample_does_not_depend_on_what_came_before);
    tcase_add_test(tc, random_baseline_is_uniform_and_unsynchronised);
    tcase_add_test(tc, group_servo_sets_cover_every_servo_once);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
