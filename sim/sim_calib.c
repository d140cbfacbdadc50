/* sim_calib.c: perception calibration of the simulated face. The neutral face
 * gives the reference measures; each coefficient the face can make gets the
 * gain that makes it read 1 at the servo command that drives it hardest
 * (docs/sim.md, "Calibration"). Computed when a face is opened, so it always
 * matches the scene that is loaded. */
#include <string.h>

#include "sim_instance.h"

#define MAX_SETTINGS 4
/* A coefficient whose measure moves less than this (inter-ocular units) at
 * its extreme is one the face cannot make: its gain stays 0. */
#define MIN_CHANGE 0.004f

typedef struct {
    int servo;
    float value;
} setting;

typedef struct {
    int blendshapes[2];        /* coefficients calibrated on this pose (-1 = none) */
    setting set[MAX_SETTINGS]; /* servos moved away from neutral; servo -1 ends */
} pose;

#define END {-1, 0}
static const pose poses[] = {
    {{RENA_BS_BROW_DOWN_LEFT, RENA_BS_BROW_DOWN_RIGHT},
     {{RENA_SERVO_BROW_IN_L, 0}, {RENA_SERVO_BROW_IN_R, 0}, END}},
    {{RENA_BS_BROW_INNER_UP, -1}, {{RENA_SERVO_BROW_IN_L, 1}, {RENA_SERVO_BROW_IN_R, 1}, END}},
    {{RENA_BS_BROW_OUTER_UP_LEFT, RENA_BS_BROW_OUTER_UP_RIGHT},
     {{RENA_SERVO_BROW_OUT_L, 1}, {RENA_SERVO_BROW_OUT_R, 1}, END}},
    {{RENA_BS_EYE_BLINK_LEFT, RENA_BS_EYE_BLINK_RIGHT},
     {{RENA_SERVO_BLINK_L, 1}, {RENA_SERVO_BLINK_R, 1}, END}},
    {{RENA_BS_EYE_LOOK_DOWN_LEFT, RENA_BS_EYE_LOOK_DOWN_RIGHT},
     {{RENA_SERVO_EYE_V_L, 0}, {RENA_SERVO_EYE_V_R, 0}, END}},
    {{RENA_BS_EYE_LOOK_UP_LEFT, RENA_BS_EYE_LOOK_UP_RIGHT},
     {{RENA_SERVO_EYE_V_L, 1}, {RENA_SERVO_EYE_V_R, 1}, END}},
    /* eye_h 0 looks to the robot's right: the left eye looks in, the right out */
    {{RENA_BS_EYE_LOOK_IN_LEFT, RENA_BS_EYE_LOOK_OUT_RIGHT},
     {{RENA_SERVO_EYE_H_L, 0}, {RENA_SERVO_EYE_H_R, 0}, END}},
    {{RENA_BS_EYE_LOOK_OUT_LEFT, RENA_BS_EYE_LOOK_IN_RIGHT},
     {{RENA_SERVO_EYE_H_L, 1}, {RENA_SERVO_EYE_H_R, 1}, END}},
    {{RENA_BS_EYE_SQUINT_LEFT, RENA_BS_EYE_SQUINT_RIGHT},
     {{RENA_SERVO_EYEOPEN_L, 0}, {RENA_SERVO_EYEOPEN_R, 0}, END}},
    {{RENA_BS_EYE_WIDE_LEFT, RENA_BS_EYE_WIDE_RIGHT},
     {{RENA_SERVO_EYEOPEN_L, 1}, {RENA_SERVO_EYEOPEN_R, 1}, END}},
    {{RENA_BS_JAW_OPEN, -1}, {{RENA_SERVO_JAW_L, 1}, {RENA_SERVO_JAW_R, 1}, END}},
    /* one jaw servo alone rolls the jaw: the chin swings to that side */
    {{RENA_BS_JAW_LEFT, -1}, {{RENA_SERVO_JAW_L, 1}, END}},
    {{RENA_BS_JAW_RIGHT, -1}, {{RENA_SERVO_JAW_R, 1}, END}},
    {{RENA_BS_MOUTH_FROWN_LEFT, RENA_BS_MOUTH_FROWN_RIGHT},
     {{RENA_SERVO_CORNER_DN_L, 1}, {RENA_SERVO_CORNER_DN_R, 1}, END}},
    {{RENA_BS_MOUTH_LEFT, -1}, {{RENA_SERVO_CORNER_OUT_L, 1}, END}},
    {{RENA_BS_MOUTH_RIGHT, -1}, {{RENA_SERVO_CORNER_OUT_R, 1}, END}},
    {{RENA_BS_MOUTH_LOWER_DOWN_LEFT, RENA_BS_MOUTH_LOWER_DOWN_RIGHT},
     {{RENA_SERVO_LOWER_LIP_L, 1}, {RENA_SERVO_LOWER_LIP_R, 1}, END}},
    {{RENA_BS_MOUTH_SMILE_LEFT, RENA_BS_MOUTH_SMILE_RIGHT},
     {{RENA_SERVO_CORNER_UP_L, 1}, {RENA_SERVO_CORNER_UP_R, 1}, END}},
    {{RENA_BS_MOUTH_STRETCH_LEFT, RENA_BS_MOUTH_STRETCH_RIGHT},
     {{RENA_SERVO_CORNER_OUT_L, 1}, {RENA_SERVO_CORNER_OUT_R, 1}, END}},
    {{RENA_BS_MOUTH_UPPER_UP_LEFT, RENA_BS_MOUTH_UPPER_UP_RIGHT},
     {{RENA_SERVO_UPPER_LIP_L, 1}, {RENA_SERVO_UPPER_LIP_R, 1}, END}},
};
#undef END

static rena_status measure_pose(rena_sim_instance *s, const pose *p,
                                float measures[RENA_PERCEPTION_NUM_MEASURES], rena_error *err)
{
    float cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(cmd);
    for (int k = 0; k < MAX_SETTINGS && p && p->set[k].servo >= 0; k++)
        cmd[p->set[k].servo] = p->set[k].value;
    rena_status st = rena_sim_instance_reset(s, err);
    if (st == RENA_OK)
        st = rena_sim_instance_write(s, cmd, NULL, err);
    float lm[RENA_NUM_LANDMARKS][2], pupils[2][2];
    int has_pupils = 0;
    if (st == RENA_OK)
        st = rena_sim_instance_measure(s, lm, pupils, &has_pupils, measures, err);
    return st;
}

rena_status rena_sim_instance_calibrate(rena_sim_instance *s, rena_perception_calib *out,
                                        rena_error *err)
{
    float neutral[RENA_PERCEPTION_NUM_MEASURES], extreme[RENA_PERCEPTION_NUM_MEASURES];
    rena_status st = measure_pose(s, NULL, neutral, err);
    if (st != RENA_OK)
        return st;
    rena_perception_calib_init(out, neutral);
    /* first the jaw alone, so the lower-lip measures can discount it */
    static const pose jaw_open = {{-1, -1}, {{RENA_SERVO_JAW_L, 1}, {RENA_SERVO_JAW_R, 1}, {-1, 0}}};
    st = measure_pose(s, &jaw_open, extreme, err);
    if (st != RENA_OK)
        return st;
    static const int jaw_compensated[] = {RENA_PM_LOWER_LIP_L, RENA_PM_LOWER_LIP_R};
    for (size_t i = 0; i < sizeof jaw_compensated / sizeof jaw_compensated[0]; i++) {
        st = rena_perception_calib_jaw_slope(out, jaw_compensated[i], extreme, err);
        if (st != RENA_OK)
            return st;
    }
    /* then the head turned either way, so every measure can discount a turn */
    static const pose turn_right = {{-1, -1}, {{RENA_SERVO_HEAD_YAW, 0}, {-1, 0}}};
    static const pose turn_left = {{-1, -1}, {{RENA_SERVO_HEAD_YAW, 1}, {-1, 0}}};
    float turned[RENA_PERCEPTION_NUM_MEASURES];
    st = measure_pose(s, &turn_right, turned, err);
    if (st == RENA_OK)
        st = measure_pose(s, &turn_left, extreme, err);
    if (st == RENA_OK)
        st = rena_perception_calib_yaw_slope(out, turned, extreme, err);
    if (st != RENA_OK)
        return st;
    /* then the lower lids alone (eyes wide), so the upper lid can discount
     * the share of their motion the lid linkage passes on to it */
    static const pose eyes_wide = {
        {-1, -1}, {{RENA_SERVO_EYEOPEN_L, 1}, {RENA_SERVO_EYEOPEN_R, 1}, {-1, 0}}};
    st = measure_pose(s, &eyes_wide, extreme, err);
    if (st == RENA_OK)
        st = rena_perception_calib_lid_slope(out, RENA_PM_LID_UP_L, extreme, err);
    if (st == RENA_OK)
        st = rena_perception_calib_lid_slope(out, RENA_PM_LID_UP_R, extreme, err);
    if (st != RENA_OK)
        return st;
    for (size_t i = 0; i < sizeof poses / sizeof poses[0]; i++) {
        st = measure_pose(s, &poses[i], extreme, err);
        if (st != RENA_OK)
            return st;
        for (int b = 0; b < 2; b++)
            if (poses[i].blendshapes[b] >= 0)
                /* a face that cannot make it keeps gain 0: not an error */
                rena_perception_calib_extreme(out, poses[i].blendshapes[b], extreme, MIN_CHANGE,
                                              NULL);
    }
    return rena_sim_instance_reset(s, err);
}
