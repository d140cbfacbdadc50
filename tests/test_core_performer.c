/* Scripted performer trajectories: shape, timing, range, determinism, and
 * the claim that they hold faces the expert strategy never makes. */
#include <math.h>
#include <string.h>

#include "expert.h"
#include "performer.h"
#include "testutil.h"

static float max_abs_dev(const float a[RENA_NUM_SERVOS], const float b[RENA_NUM_SERVOS])
{
    float m = 0.0f;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void command(const rena_performer *p, int seq, long f, float cmd[RENA_NUM_SERVOS])
{
    rena_error err;
    ck_assert_int_eq(rena_performer_command(p, seq, f, cmd, &err), RENA_OK);
}

START_TEST(emotions_go_neutral_peak_neutral)
{
    float neutral[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS], peak[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        for (int e = 0; e < RENA_NUM_EMOTIONS; e++) {
            long n = rena_performer_frames(p, e);
            command(p, e, 0, cmd);
            ck_assert(max_abs_dev(cmd, neutral) == 0.0f);
            command(p, e, n - 1, cmd);
            ck_assert(max_abs_dev(cmd, neutral) == 0.0f);
            /* the middle frame is the apex, and the apex is a real expression */
            rena_performer_peak(p, (rena_emotion)e, peak);
            command(p, e, n / 2, cmd);
            ck_assert_float_eq(rena_performer_envelope(p, n / 2), 1.0);
            ck_assert(max_abs_dev(cmd, peak) == 0.0f);
            ck_assert_float_ge(max_abs_dev(peak, neutral), 0.3f);
        }
    }
}
END_TEST

START_TEST(frames_are_thirty_per_second_and_seconds_long)
{
    ck_assert_int_eq(RENA_PERFORMER_FPS, 30);
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        for (int s = 0; s < RENA_PERFORMER_NUM_SEQUENCES; s++) {
            double seconds = (double)rena_performer_frames(p, s) / RENA_PERFORMER_FPS;
            ck_assert_double_ge(seconds, 1.5);
            ck_assert_double_le(seconds, 5.0);
        }
        /* an expression takes about half a second to rise, as a person's does */
        ck_assert_int_ge(p->rise, 10);
        ck_assert_int_le(p->rise, 25);
    }
    ck_assert_int_eq(rena_performer_frames(&rena_performers[0], -1), 0);
    ck_assert_int_eq(rena_performer_frames(&rena_performers[0], RENA_PERFORMER_NUM_SEQUENCES), 0);
}
END_TEST

/* The envelope against smoothstep computed here, independently. */
START_TEST(envelope_is_smoothstep_in_and_out)
{
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        for (long f = 0; f < rena_performer_frames(p, 0); f++) {
            double expect;
            long r = f - p->lead, h = r - p->rise, d = h - p->hold;
            if (r < 0)
                expect = 0.0;
            else if (h < 0) {
                double u = (double)r / p->rise;
                expect = u * u * (3.0 - 2.0 * u);
            } else if (d < 0)
                expect = 1.0;
            else if (d < p->fall) {
                double u = (double)(d + 1) / p->fall;
                expect = 1.0 - u * u * (3.0 - 2.0 * u);
            } else
                expect = 0.0;
            ck_assert_double_eq_tol(rena_performer_envelope(p, f), expect, 1e-12);
        }
    }
}
END_TEST

START_TEST(every_command_in_range_and_deterministic)
{
    float a[RENA_NUM_SERVOS], b[RENA_NUM_SERVOS];
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        for (int s = 0; s < RENA_PERFORMER_NUM_SEQUENCES; s++)
            for (long f = 0; f < rena_performer_frames(p, s); f++) {
                command(p, s, f, a);
                command(p, s, f, b);
                ck_assert(memcmp(a, b, sizeof a) == 0);
                for (int i = 0; i < RENA_NUM_SERVOS; i++) {
                    ck_assert(isfinite(a[i]));
                    ck_assert_float_ge(a[i], 0.0f);
                    ck_assert_float_le(a[i], 1.0f);
                }
            }
    }
}
END_TEST

/* Emotion sequences move at most as fast as smoothstep's steepest slope
 * (1.5 per rise or fall) times the largest unclamped deviation from
 * neutral (at most 1, times the performer's largest gain) allows; the abrupt
 * one jumps. */
START_TEST(smooth_emotions_abrupt_jumps)
{
    float prev[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS], neutral[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        int slow = p->rise < p->fall ? p->rise : p->fall;
        float gain = p->intensity * fmaxf(1.0f, fmaxf(p->brow_gain, p->mouth_gain)) *
                     (1.0f + fabsf(p->asymmetry));
        for (int e = 0; e < RENA_NUM_EMOTIONS; e++) {
            float bound = 1.5f * gain / (float)slow + 1e-6f;
            ck_assert_float_lt(bound, 0.2f);
            command(p, e, 0, prev);
            for (long f = 1; f < rena_performer_frames(p, e); f++) {
                command(p, e, f, cmd);
                ck_assert_float_le(max_abs_dev(cmd, prev), bound);
                memcpy(prev, cmd, sizeof cmd);
            }
        }
        long n = rena_performer_frames(p, RENA_PERFORMER_SEQ_ABRUPT);
        int jumps = 0, distinct = 0;
        float seen[RENA_NUM_EMOTIONS][RENA_NUM_SERVOS];
        command(p, RENA_PERFORMER_SEQ_ABRUPT, 0, prev);
        ck_assert(max_abs_dev(prev, neutral) == 0.0f);
        for (long f = 1; f < n; f++) {
            command(p, RENA_PERFORMER_SEQ_ABRUPT, f, cmd);
            if (max_abs_dev(cmd, prev) >= 0.5f)
                jumps++;
            if (max_abs_dev(cmd, neutral) > 0.0f) {
                int found = 0;
                for (int k = 0; k < distinct; k++)
                    found |= max_abs_dev(cmd, seen[k]) == 0.0f;
                if (!found && distinct < RENA_NUM_EMOTIONS)
                    memcpy(seen[distinct++], cmd, sizeof cmd);
            }
            memcpy(prev, cmd, sizeof cmd);
        }
        ck_assert(max_abs_dev(prev, neutral) == 0.0f);
        ck_assert_int_ge(jumps, 5);
        /* the six apexes, each held at full intensity */
        ck_assert_int_eq(distinct, RENA_NUM_EMOTIONS);
        for (int k = 0; k < distinct; k++) {
            int match = 0;
            for (int e = 0; e < RENA_NUM_EMOTIONS; e++) {
                rena_performer_peak(p, (rena_emotion)e, cmd);
                match |= max_abs_dev(cmd, seen[k]) == 0.0f;
            }
            ck_assert(match);
        }
    }
}
END_TEST

/* The features of the performer style, and that the expert strategy indeed
 * never produces them (checked on many of its samples). */
static int asymmetric_mouth(const float c[RENA_NUM_SERVOS])
{
    return fabsf(c[RENA_SERVO_CORNER_OUT_L] - c[RENA_SERVO_CORNER_OUT_R]) > 0.05f ||
           fabsf(c[RENA_SERVO_UPPER_LIP_L] - c[RENA_SERVO_UPPER_LIP_R]) > 0.05f;
}

static int inner_up_outer_down(const float c[RENA_NUM_SERVOS])
{
    return c[RENA_SERVO_BROW_IN_L] > 0.55f && c[RENA_SERVO_BROW_OUT_L] < 0.45f;
}

static int stretch_without_smile(const float c[RENA_NUM_SERVOS])
{
    return c[RENA_SERVO_CORNER_OUT_L] > 0.2f && c[RENA_SERVO_CORNER_UP_L] < 0.01f;
}

START_TEST(performers_make_faces_the_expert_never_makes)
{
    float c[RENA_NUM_SERVOS];
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        rena_performer_peak(p, RENA_EMOTION_HAPPINESS, c);
        ck_assert(asymmetric_mouth(c));
        rena_performer_peak(p, RENA_EMOTION_DISGUST, c);
        ck_assert(asymmetric_mouth(c));
        rena_performer_peak(p, RENA_EMOTION_SADNESS, c);
        ck_assert(inner_up_outer_down(c));
        rena_performer_peak(p, RENA_EMOTION_FEAR, c);
        ck_assert(stretch_without_smile(c));
    }
    for (uint64_t i = 0; i < 20000; i++) {
        rena_expert_sample(7, i, c, NULL);
        ck_assert(!asymmetric_mouth(c));
        ck_assert(!inner_up_outer_down(c));
        ck_assert(!stretch_without_smile(c));
    }
}
END_TEST

START_TEST(performers_differ)
{
    float a[RENA_NUM_SERVOS], b[RENA_NUM_SERVOS];
    ck_assert_int_ge(RENA_NUM_PERFORMERS, 2);
    for (int e = 0; e < RENA_NUM_EMOTIONS; e++) {
        rena_performer_peak(&rena_performers[0], (rena_emotion)e, a);
        rena_performer_peak(&rena_performers[1], (rena_emotion)e, b);
        ck_assert_float_ge(max_abs_dev(a, b), 0.05f);
    }
    ck_assert_str_ne(rena_performers[0].scene, rena_performers[1].scene);
}
END_TEST

START_TEST(names_parse_and_errors_say_what_is_wrong)
{
    const rena_performer *p;
    int seq;
    rena_error err;
    ck_assert_int_eq(rena_performer_parse("ben/fear", &p, &seq, &err), RENA_OK);
    ck_assert_str_eq(p->name, "ben");
    ck_assert_int_eq(seq, RENA_EMOTION_FEAR);
    ck_assert_int_eq(rena_performer_parse("abrupt", &p, &seq, &err), RENA_OK);
    ck_assert_ptr_eq(p, &rena_performers[0]);
    ck_assert_int_eq(seq, RENA_PERFORMER_SEQ_ABRUPT);
    for (int s = 0; s < RENA_PERFORMER_NUM_SEQUENCES; s++)
        ck_assert_int_eq(rena_performer_sequence_parse(rena_performer_sequence_name(s)), s);

    ck_assert_int_eq(rena_performer_parse("zed/fear", &p, &seq, &err), RENA_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "'zed'"));
    ck_assert_ptr_nonnull(strstr(err.message, "ana"));
    ck_assert_int_eq(rena_performer_parse("ana/grin", &p, &seq, &err), RENA_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "'grin'"));
    ck_assert_int_eq(rena_performer_parse("ana/", &p, &seq, &err), RENA_ERR_NOT_FOUND);

    float cmd[RENA_NUM_SERVOS];
    const rena_performer *ana = rena_performer_find("ana");
    ck_assert_ptr_nonnull(ana);
    ck_assert_ptr_null(rena_performer_find("nobody"));
    long n = rena_performer_frames(ana, 0);
    ck_assert_int_eq(rena_performer_command(ana, 0, n, cmd, &err), RENA_ERR_RANGE);
    ck_assert_int_eq(rena_performer_command(ana, 0, -1, cmd, &err), RENA_ERR_RANGE);
    ck_assert_int_eq(rena_performer_command(ana, 99, 0, cmd, &err), RENA_ERR_ARG);
    ck_assert_int_eq(rena_performer_command(NULL, 0, 0, cmd, &err), RENA_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_performer");
    TCase *tc = tcase_create("performer");
    tcase_add_test(tc, emotions_go_neutral_peak_neutral);
    tcase_add_test(tc, frames_are_thirty_per_second_and_seconds_long);
    tcase_add_test(tc, envelope_is_smoothstep_in_and_out);
    tcase_add_test(tc, every_command_in_range_and_deterministic);
    tcase_add_test(tc, smooth_emotions_abrupt_jumps);
    tcase_add_test(tc, performers_make_faces_the_expert_never_makes);
    tcase_add_test(tc, performers_differ);
    tcase_add_test(tc, names_parse_and_errors_say_what_is_wrong);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
