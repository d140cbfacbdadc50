#include "servo.h"

#include <math.h>
#include <string.h>

/* Limits in ticks around the horn centre (2048). Eyes need little travel,
 * lips and jaw the most; every range stays inside 1024..3072 (180 deg). */
#define S(n, reg, side, mir, id, neu, lo, hi) {n, reg, side, mir, id, neu, lo, hi}
const rena_servo_info rena_servos[RENA_NUM_SERVOS] = {
    S("eye_h_l", RENA_REGION_EYEBALL, RENA_SIDE_LEFT, RENA_SERVO_EYE_H_R, 1, 0.5f, 1750, 2346),
    S("eye_h_r", RENA_REGION_EYEBALL, RENA_SIDE_RIGHT, RENA_SERVO_EYE_H_L, 2, 0.5f, 1750, 2346),
    S("eye_v_l", RENA_REGION_EYEBALL, RENA_SIDE_LEFT, RENA_SERVO_EYE_V_R, 3, 0.5f, 1820, 2276),
    S("eye_v_r", RENA_REGION_EYEBALL, RENA_SIDE_RIGHT, RENA_SERVO_EYE_V_L, 4, 0.5f, 2276, 1820),
    S("blink_l", RENA_REGION_EYELID, RENA_SIDE_LEFT, RENA_SERVO_BLINK_R, 5, 0.0f, 1600, 2200),
    S("blink_r", RENA_REGION_EYELID, RENA_SIDE_RIGHT, RENA_SERVO_BLINK_L, 6, 0.0f, 2496, 1896),
    S("eyeopen_l", RENA_REGION_EYELID, RENA_SIDE_LEFT, RENA_SERVO_EYEOPEN_R, 7, 0.5f, 1800, 2300),
    S("eyeopen_r", RENA_REGION_EYELID, RENA_SIDE_RIGHT, RENA_SERVO_EYEOPEN_L, 8, 0.5f, 2296, 1796),
    S("brow_in_l", RENA_REGION_EYEBROW, RENA_SIDE_LEFT, RENA_SERVO_BROW_IN_R, 9, 0.5f, 1700, 2400),
    S("brow_out_l", RENA_REGION_EYEBROW, RENA_SIDE_LEFT, RENA_SERVO_BROW_OUT_R, 10, 0.5f, 1750, 2350),
    S("brow_in_r", RENA_REGION_EYEBROW, RENA_SIDE_RIGHT, RENA_SERVO_BROW_IN_L, 11, 0.5f, 2396, 1696),
    S("brow_out_r", RENA_REGION_EYEBROW, RENA_SIDE_RIGHT, RENA_SERVO_BROW_OUT_L, 12, 0.5f, 2346, 1746),
    S("upper_lip_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_UPPER_LIP_R, 13, 0.0f, 1500, 2300),
    S("upper_lip_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_UPPER_LIP_L, 14, 0.0f, 2596, 1796),
    S("lower_lip_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_LOWER_LIP_R, 15, 0.0f, 1500, 2300),
    S("lower_lip_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_LOWER_LIP_L, 16, 0.0f, 2596, 1796),
    S("corner_up_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_CORNER_UP_R, 17, 0.0f, 1400, 2400),
    S("corner_up_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_CORNER_UP_L, 18, 0.0f, 2696, 1696),
    S("corner_dn_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_CORNER_DN_R, 19, 0.0f, 1500, 2300),
    S("corner_dn_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_CORNER_DN_L, 20, 0.0f, 2596, 1796),
    S("corner_out_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_CORNER_OUT_R, 21, 0.0f, 1600, 2200),
    S("corner_out_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_CORNER_OUT_L, 22, 0.0f, 2496, 1896),
    S("jaw_l", RENA_REGION_MOUTH, RENA_SIDE_LEFT, RENA_SERVO_JAW_R, 23, 0.0f, 1300, 2500),
    S("jaw_r", RENA_REGION_MOUTH, RENA_SIDE_RIGHT, RENA_SERVO_JAW_L, 24, 0.0f, 2796, 1596),
    S("head_yaw", RENA_REGION_HEAD, RENA_SIDE_CENTER, -1, 25, 0.5f, 1248, 2848),
};
#undef S

int rena_servo_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        if (strcmp(rena_servos[i].name, name) == 0)
            return i;
    return -1;
}

void rena_servo_neutral(float cmd[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = rena_servos[i].neutral;
}

int rena_servo_sanitize(const float in[RENA_NUM_SERVOS], float out[RENA_NUM_SERVOS])
{
    int changed = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        float v = in[i];
        if (!isfinite(v))
            v = rena_servos[i].neutral;
        else if (v < 0.0f)
            v = 0.0f;
        else if (v > 1.0f)
            v = 1.0f;
        changed += (v != in[i]);
        out[i] = v;
    }
    return changed;
}

int rena_servo_to_ticks(int servo, float cmd)
{
    const rena_servo_info *s = &rena_servos[servo];
    if (!isfinite(cmd))
        cmd = s->neutral;
    cmd = cmd < 0.0f ? 0.0f : cmd > 1.0f ? 1.0f : cmd;
    return (int)lrintf((float)s->tick_min + cmd * (float)(s->tick_max - s->tick_min));
}

float rena_servo_from_ticks(int servo, int ticks)
{
    const rena_servo_info *s = &rena_servos[servo];
    return (float)(ticks - s->tick_min) / (float)(s->tick_max - s->tick_min);
}

int rena_servo_consistency_pairs(int left[], int right[])
{
    int n = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_servo_info *s = &rena_servos[i];
        int eye_or_brow = s->region == RENA_REGION_EYEBALL || s->region == RENA_REGION_EYELID ||
                          s->region == RENA_REGION_EYEBROW;
        if (eye_or_brow && s->side == RENA_SIDE_LEFT) {
            left[n] = i;
            right[n] = s->mirror;
            n++;
        }
    }
    return n;
}
