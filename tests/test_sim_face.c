/* The simulated face as an actuator: commands move the right landmarks the
 * right way, perception reads them, reset makes samples independent, and
 * everything is deterministic under a seed. Features only (no GL). */
#include <math.h>
#include <string.h>

#include "rng.h"
#include "sim.h"
#include "testutil.h"

static rena_actuator face;

static void open_face(void)
{
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    opt.render = 0;
    rena_error e;
    ck_assert_int_eq(rena_sim_open(&opt, &face, &e), RENA_OK);
}

static void close_face(void)
{
    rena_actuator_close(&face);
}

/* reset, then hold `cmd` (neutral with `n` servos changed), observe */
static rena_features pose(int n, const int *servo, const float *value)
{
    float cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(cmd);
    for (int i = 0; i < n; i++)
        cmd[servo[i]] = value[i];
    rena_error e;
    ck_assert_int_eq(rena_actuator_reset(&face, &e), RENA_OK);
    ck_assert_int_eq(rena_actuator_write(&face, cmd, NULL, &e), RENA_OK);
    rena_observation obs;
    ck_assert_int_eq(rena_actuator_observe(&face, RENA_OBS_FEATURES, &obs, &e), RENA_OK);
    ck_assert_uint_eq(obs.features.valid,
                      RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE);
    ck_assert_int_eq(obs.has_image, 0);
    return obs.features;
}

static rena_features neutral(void)
{
    return pose(0, NULL, NULL);
}

static float dy(const rena_features *a, const rena_features *b, int k)
{
    return b->landmarks[k][1] - a->landmarks[k][1];
}

START_TEST(neutral_face_reads_near_zero)
{
    rena_features f = neutral();
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        ck_assert_msg(f.blendshapes[k] < 0.02f, "%s = %g at neutral", rena_blendshape_names[k],
                      (double)f.blendshapes[k]);
    for (int a = 0; a < 3; a++)
        ck_assert_float_eq_tol(f.head_pose[a], 0.0f, 1e-4f);
    /* a frontal face: the subject's right eye (36-41) on the image's left */
    ck_assert_float_lt(f.landmarks[36][0], f.landmarks[45][0]);
    ck_assert_float_lt(f.landmarks[19][1], f.landmarks[37][1]); /* brows above eyes */
    ck_assert_float_lt(f.landmarks[30][1], f.landmarks[51][1]); /* nose above mouth */
    ck_assert_float_lt(f.landmarks[57][1], f.landmarks[8][1]);  /* mouth above chin */
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        ck_assert(f.landmarks[k][0] > 0 && f.landmarks[k][0] < 640);
        ck_assert(f.landmarks[k][1] > 0 && f.landmarks[k][1] < 480);
    }
}
END_TEST

START_TEST(jaw_opens_lips_and_drags_the_corners)
{
    rena_features n = neutral();
    const int jaw[] = {RENA_SERVO_JAW_L, RENA_SERVO_JAW_R};
    const float open[] = {1, 1};
    rena_features f = pose(2, jaw, open);
    ck_assert_float_gt(f.blendshapes[RENA_BS_JAW_OPEN], 0.8f);
    /* inner lips part: 66 goes down, 62 stays */
    float gap0 = n.landmarks[66][1] - n.landmarks[62][1];
    float gap1 = f.landmarks[66][1] - f.landmarks[62][1];
    ck_assert_float_gt(gap1 - gap0, 10.0f);
    ck_assert_float_lt(fabsf(dy(&n, &f, 62)), 2.0f);
    /* no corner servo moved, yet the corners go down with the jaw */
    ck_assert_float_gt(dy(&n, &f, 48), 1.0f);
    ck_assert_float_gt(dy(&n, &f, 54), 1.0f);
    ck_assert_float_gt(f.blendshapes[RENA_BS_MOUTH_FROWN_LEFT], 0.1f);
    /* the eyes and brows do not care */
    for (int k = 17; k < 48; k++)
        ck_assert_float_lt(fabsf(dy(&n, &f, k)), 0.5f);
    ck_assert_float_lt(f.blendshapes[RENA_BS_EYE_BLINK_LEFT], 0.02f);
    ck_assert_float_lt(f.blendshapes[RENA_BS_MOUTH_LOWER_DOWN_LEFT], 0.1f);
}
END_TEST

START_TEST(blink_closes_the_lids_one_side_at_a_time)
{
    rena_features n = neutral();
    const int lid[] = {RENA_SERVO_BLINK_L};
    const float shut[] = {1};
    rena_features f = pose(1, lid, shut);
    ck_assert_float_gt(f.blendshapes[RENA_BS_EYE_BLINK_LEFT], 0.9f);
    ck_assert_float_lt(f.blendshapes[RENA_BS_EYE_BLINK_RIGHT], 0.05f);
    /* the robot's left eye is 42-47: its upper lid drops below the corners */
    ck_assert_float_gt(dy(&n, &f, 43), 3.0f);
    ck_assert_float_gt(dy(&n, &f, 44), 3.0f);
    ck_assert_float_gt(f.landmarks[43][1], 0.5f * (f.landmarks[42][1] + f.landmarks[45][1]));
    ck_assert_float_lt(fabsf(dy(&n, &f, 37)), 0.5f);
}
END_TEST

static rena_features eyes(float eyeopen, float blink)
{
    const int servo[] = {RENA_SERVO_EYEOPEN_L, RENA_SERVO_EYEOPEN_R, RENA_SERVO_BLINK_L,
                         RENA_SERVO_BLINK_R};
    const float value[] = {eyeopen, eyeopen, blink, blink};
    return pose(4, servo, value);
}

/* The lower lids (eyeopen) read as eyeWide above neutral and eyeSquint below,
 * monotonically, whatever the upper lids (blink) do; eyeBlink reads the upper
 * lids only, although the linkage drags them along with the lower lids. */
START_TEST(eyeopen_reads_wide_and_squint_apart_from_blink)
{
    const float blinks[] = {0.0f, 0.5f};
    float wide_at[2][11], squint_at[2][11];
    float half = rena_servos[RENA_SERVO_EYEOPEN_L].neutral;
    for (int b = 0; b < 2; b++) {
        float blink_neutral = eyes(half, blinks[b]).blendshapes[RENA_BS_EYE_BLINK_LEFT];
        for (int i = 0; i <= 10; i++) {
            float open = 0.1f * (float)i;
            rena_features f = eyes(open, blinks[b]);
            const float *bs = f.blendshapes;
            for (int side = 0; side < 2; side++) {
                int wide = side ? RENA_BS_EYE_WIDE_RIGHT : RENA_BS_EYE_WIDE_LEFT;
                int squint = side ? RENA_BS_EYE_SQUINT_RIGHT : RENA_BS_EYE_SQUINT_LEFT;
                int blink = side ? RENA_BS_EYE_BLINK_RIGHT : RENA_BS_EYE_BLINK_LEFT;
                ck_assert_msg(fabsf(bs[blink] - blink_neutral) < 0.06f,
                              "eyeopen %g blink %g: eyeBlink %g, %g at eyeopen %g", (double)open,
                              (double)blinks[b], (double)bs[blink], (double)blink_neutral,
                              (double)half);
                if (open < half - 0.05f)
                    ck_assert_float_eq(bs[wide], 0.0f);
                if (open > half + 0.05f)
                    ck_assert_float_eq(bs[squint], 0.0f);
            }
            wide_at[b][i] = bs[RENA_BS_EYE_WIDE_LEFT];
            squint_at[b][i] = bs[RENA_BS_EYE_SQUINT_LEFT];
            if (i > 0) {
                ck_assert_float_ge(wide_at[b][i], wide_at[b][i - 1]);
                ck_assert_float_le(squint_at[b][i], squint_at[b][i - 1]);
            }
            /* half closing the upper lid leaves the lower lid's reading alone */
            if (b == 1) {
                ck_assert_float_eq_tol(wide_at[1][i], wide_at[0][i], 0.03f);
                ck_assert_float_eq_tol(squint_at[1][i], squint_at[0][i], 0.03f);
            }
        }
        ck_assert_float_gt(wide_at[b][10], 0.9f);
        ck_assert_float_gt(squint_at[b][0], 0.9f);
        ck_assert_float_lt(wide_at[b][5], 0.05f);
        ck_assert_float_lt(squint_at[b][5], 0.05f);
    }
    /* blink alone: eyeBlink rises, eyeWide and eyeSquint stay 0 */
    for (int i = 0; i <= 4; i++) {
        rena_features f = eyes(half, 0.25f * (float)i);
        ck_assert_float_lt(f.blendshapes[RENA_BS_EYE_WIDE_LEFT], 0.02f);
        ck_assert_float_lt(f.blendshapes[RENA_BS_EYE_WIDE_RIGHT], 0.02f);
        ck_assert_float_lt(f.blendshapes[RENA_BS_EYE_SQUINT_LEFT], 0.02f);
        ck_assert_float_eq_tol(f.blendshapes[RENA_BS_EYE_BLINK_LEFT], 0.25f * (float)i, 0.15f);
    }
}
END_TEST

START_TEST(each_calibrated_servo_drives_its_coefficient)
{
    static const struct {
        int servo;
        float value;
        int blendshape;
    } cases[] = {
        {RENA_SERVO_CORNER_UP_L, 1, RENA_BS_MOUTH_SMILE_LEFT},
        {RENA_SERVO_CORNER_DN_R, 1, RENA_BS_MOUTH_FROWN_RIGHT},
        {RENA_SERVO_CORNER_OUT_L, 1, RENA_BS_MOUTH_STRETCH_LEFT},
        {RENA_SERVO_UPPER_LIP_R, 1, RENA_BS_MOUTH_UPPER_UP_RIGHT},
        {RENA_SERVO_LOWER_LIP_L, 1, RENA_BS_MOUTH_LOWER_DOWN_LEFT},
        {RENA_SERVO_BROW_OUT_L, 1, RENA_BS_BROW_OUTER_UP_LEFT},
        {RENA_SERVO_BROW_IN_R, 0, RENA_BS_BROW_DOWN_RIGHT},
        {RENA_SERVO_EYEOPEN_L, 1, RENA_BS_EYE_WIDE_LEFT},
        {RENA_SERVO_EYEOPEN_R, 0, RENA_BS_EYE_SQUINT_RIGHT},
        {RENA_SERVO_EYE_V_L, 1, RENA_BS_EYE_LOOK_UP_LEFT},
        {RENA_SERVO_EYE_H_R, 1, RENA_BS_EYE_LOOK_IN_RIGHT},
        {RENA_SERVO_JAW_L, 1, RENA_BS_JAW_LEFT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rena_features f = pose(1, &cases[i].servo, &cases[i].value);
        ck_assert_msg(f.blendshapes[cases[i].blendshape] > 0.7f, "%s=%g gives %s %g",
                      rena_servos[cases[i].servo].name, (double)cases[i].value,
                      rena_blendshape_names[cases[i].blendshape],
                      (double)f.blendshapes[cases[i].blendshape]);
    }
    /* the face cannot puff or pucker whatever it does */
    const int all[] = {RENA_SERVO_JAW_L, RENA_SERVO_CORNER_UP_L, RENA_SERVO_BLINK_R};
    const float v[] = {1, 1, 1};
    rena_features f = pose(3, all, v);
    ck_assert(f.blendshapes[RENA_BS_CHEEK_PUFF] == 0.0f);
    ck_assert(f.blendshapes[RENA_BS_MOUTH_PUCKER] == 0.0f);
}
END_TEST

START_TEST(head_yaw_turns_the_face_and_foreshortens_it)
{
    rena_features n = neutral();
    const int yaw[] = {RENA_SERVO_HEAD_YAW};
    const float left[] = {1}, right[] = {0};
    rena_features l = pose(1, yaw, left), r = pose(1, yaw, right);
    ck_assert_float_gt(l.head_pose[0], 0.3f);
    ck_assert_float_lt(r.head_pose[0], -0.3f);
    ck_assert_float_eq_tol(l.head_pose[0], -r.head_pose[0], 1e-3f);
    /* turned to its left, the face moves to the image's right and the
     * inter-ocular distance shrinks */
    ck_assert_float_gt(l.landmarks[30][0], n.landmarks[30][0] + 10.0f);
    float iod_n = n.landmarks[45][0] - n.landmarks[36][0];
    float iod_l = l.landmarks[45][0] - l.landmarks[36][0];
    ck_assert_float_lt(iod_l, 0.95f * iod_n);
    /* perception discounts a pure turn */
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        ck_assert_msg(l.blendshapes[k] < 0.1f, "%s = %g with the head turned",
                      rena_blendshape_names[k], (double)l.blendshapes[k]);
}
END_TEST

/* The map from command to landmarks is not linear: half the jaw command
 * does not give half the chin travel (crank linkages, rotation). */
START_TEST(command_to_landmark_map_is_nonlinear)
{
    rena_features n = neutral();
    const int jaw[] = {RENA_SERVO_JAW_L, RENA_SERVO_JAW_R};
    const float half[] = {0.5f, 0.5f}, full[] = {1, 1};
    rena_features h = pose(2, jaw, half), f = pose(2, jaw, full);
    float ratio = dy(&n, &h, 8) / dy(&n, &f, 8);
    ck_assert_msg(fabsf(ratio - 0.5f) > 0.03f, "chin travel ratio %g looks linear",
                  (double)ratio);
    const int lid[] = {RENA_SERVO_BLINK_R};
    const float q[] = {0.5f}, one[] = {1};
    rena_features lh = pose(1, lid, q), lf = pose(1, lid, one);
    ratio = dy(&n, &lh, 37) / dy(&n, &lf, 37);
    ck_assert_msg(fabsf(ratio - 0.5f) > 0.03f, "lid travel ratio %g looks linear", (double)ratio);
}
END_TEST

START_TEST(write_sanitises_and_read_reports_the_horns)
{
    rena_rng rng;
    rena_rng_init(&rng, 5, 0);
    float cmd[RENA_NUM_SERVOS], sent[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = (float)rena_rng_range(&rng, 0.1, 0.9);
    rena_error e;
    ck_assert_int_eq(rena_actuator_reset(&face, &e), RENA_OK);
    ck_assert_int_eq(rena_actuator_write(&face, cmd, sent, &e), RENA_OK);
    ck_assert_mem_eq(cmd, sent, sizeof cmd);
    ck_assert_int_eq(rena_actuator_read(&face, pos, &e), RENA_OK);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_msg(fabsf(pos[i] - cmd[i]) < 0.02f, "%s read %g for %g", rena_servos[i].name,
                      (double)pos[i], (double)cmd[i]);
    rena_observation obs;
    ck_assert_int_eq(rena_actuator_observe(&face, RENA_OBS_FEATURES, &obs, &e), RENA_OK);
    ck_assert(obs.settle_time > 0.0 && obs.settle_time <= 1.0 + 1e-9);

    cmd[0] = NAN, cmd[1] = 3.0f, cmd[2] = -1.0f;
    ck_assert_int_eq(rena_actuator_write(&face, cmd, sent, &e), RENA_OK);
    ck_assert(sent[0] == rena_servos[0].neutral);
    ck_assert(sent[1] == 1.0f && sent[2] == 0.0f);
    ck_assert_int_eq(rena_actuator_read(&face, pos, &e), RENA_OK);
    ck_assert_float_eq_tol(pos[1], 1.0f, 0.02f);
    /* holding a command already reached settles almost at once */
    ck_assert_int_eq(rena_actuator_write(&face, sent, NULL, &e), RENA_OK);
    ck_assert_int_eq(rena_actuator_observe(&face, RENA_OBS_FEATURES, &obs, &e), RENA_OK);
    ck_assert_double_lt(obs.settle_time, 0.05);
    ck_assert_int_eq(rena_actuator_observe(&face, RENA_OBS_IMAGE, &obs, &e), RENA_ERR_UNSUPPORTED);
}
END_TEST

/* After reset, a sample depends on its command only, not on what came before. */
START_TEST(reset_makes_samples_independent)
{
    const int s[] = {RENA_SERVO_CORNER_UP_L, RENA_SERVO_EYE_H_L, RENA_SERVO_HEAD_YAW};
    const float x[] = {0.7f, 0.2f, 0.8f}, y[] = {0.0f, 1.0f, 0.0f};
    rena_features a = pose(3, s, x);
    pose(3, s, y);
    rena_features b = pose(3, s, x);
    ck_assert_mem_eq(&a, &b, sizeof a);
}
END_TEST

static rena_features noisy(double sigma, unsigned long long seed, int disturb)
{
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    opt.render = 0;
    opt.landmark_noise_px = sigma;
    opt.seed = seed;
    rena_actuator a;
    rena_error e;
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_OK);
    float cmd[RENA_NUM_SERVOS];
    rena_observation obs;
    if (disturb) {
        rena_servo_neutral(cmd);
        cmd[RENA_SERVO_JAW_L] = 1.0f;
        ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, &e), RENA_OK);
        ck_assert_int_eq(rena_actuator_observe(&a, RENA_OBS_FEATURES, &obs, &e), RENA_OK);
        ck_assert_int_eq(rena_actuator_reset(&a, &e), RENA_OK);
    }
    rena_servo_neutral(cmd);
    cmd[RENA_SERVO_BROW_IN_L] = 0.9f;
    ck_assert_int_eq(rena_actuator_write(&a, cmd, NULL, &e), RENA_OK);
    ck_assert_int_eq(rena_actuator_observe(&a, RENA_OBS_FEATURES, &obs, &e), RENA_OK);
    rena_actuator_close(&a);
    return obs.features;
}

START_TEST(landmark_noise_is_seeded_and_sized)
{
    rena_features clean = noisy(0.0, 1, 0);
    rena_features a = noisy(1.5, 7, 0), b = noisy(1.5, 7, 1), c = noisy(1.5, 8, 0);
    /* same seed and command: identical, whatever happened before the reset */
    ck_assert_mem_eq(&a, &b, sizeof a);
    double sum2 = 0;
    int differ = 0;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++)
        for (int d = 0; d < 2; d++) {
            double n = a.landmarks[k][d] - clean.landmarks[k][d];
            sum2 += n * n;
            differ += a.landmarks[k][d] != c.landmarks[k][d];
        }
    double sd = sqrt(sum2 / (2 * RENA_NUM_LANDMARKS));
    ck_assert_msg(sd > 1.1 && sd < 1.9, "noise sd %g for sigma 1.5", sd);
    ck_assert_int_gt(differ, 120);
}
END_TEST

/* Every coefficient with a formula is one the face can make: the calibration
 * found its servo extreme moving its measure the right way. */
START_TEST(calibration_covers_every_formula)
{
    rena_perception_calib c;
    rena_error e;
    ck_assert_int_eq(rena_sim_perception_calib(&face, &c, &e), RENA_OK);
    int made = 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        int formula = rena_perception_source(k, NULL) >= 0;
        ck_assert_msg(formula ? c.gain[k] > 0.0f : c.gain[k] == 0.0f, "%s gain %g",
                      rena_blendshape_names[k], (double)c.gain[k]);
        made += formula;
    }
    ck_assert_int_ge(made, 30);
    for (int m = 0; m < RENA_PERCEPTION_NUM_MEASURES; m++)
        ck_assert(isfinite(c.ref[m]));
    /* the lid linkage lifts the upper lid with the lower one */
    ck_assert_float_gt(c.lid_slope[RENA_PM_LID_UP_L], 0.1f);
    ck_assert_float_gt(c.lid_slope[RENA_PM_LID_UP_R], 0.1f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim_face");
    TCase *tc = tcase_create("face");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, open_face, close_face);
    tcase_add_test(tc, neutral_face_reads_near_zero);
    tcase_add_test(tc, jaw_opens_lips_and_drags_the_corners);
    tcase_add_test(tc, blink_closes_the_lids_one_side_at_a_time);
    tcase_add_test(tc, eyeopen_reads_wide_and_squint_apart_from_blink);
    tcase_add_test(tc, each_calibrated_servo_drives_its_coefficient);
    tcase_add_test(tc, head_yaw_turns_the_face_and_foreshortens_it);
    tcase_add_test(tc, command_to_landmark_map_is_nonlinear);
    tcase_add_test(tc, write_sanitises_and_read_reports_the_horns);
    tcase_add_test(tc, reset_makes_samples_independent);
    tcase_add_test(tc, landmark_noise_is_seeded_and_sized);
    tcase_add_test(tc, calibration_covers_every_formula);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
