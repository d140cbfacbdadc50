#include "expert.h"

#include "rng.h"

/* Ranges of the actions (normalised commands; see docs/dataset.md). */
#define HEAD_YAW_LO 0.2 /* +-42 deg of the +-70 deg travel keeps the face in a front camera */
#define HEAD_YAW_HI 0.8
#define FROWN_OUTER_FOLLOW 0.3 /* outer brow ends sink this fraction of the inner ends */
#define RAISE_OUTER_LO 0.6     /* outer brow ends rise 60..100% of the inner ends */
#define SMILE_OUT_LO 0.3       /* corner_out = smile * U(lo,hi): corners pull back too */
#define SMILE_OUT_HI 0.8
#define SMILE_UPPER_LIP_HI 0.4 /* upper lip lifts a little with a broad smile */
#define SMILE_JAW_HI 0.5       /* open-mouth smiles, at most half the jaw travel */
#define SAD_LOWER_LIP_LO 0.2   /* lower lip follows the corners down */
#define SAD_LOWER_LIP_HI 0.8
#define SAD_JAW_HI 0.25        /* a sad mouth opens only slightly */

static float clamp01(double v) { return v < 0.0 ? 0.0f : v > 1.0 ? 1.0f : (float)v; }

static void set_pair(float cmd[RENA_NUM_SERVOS], int left, int right, double v)
{
    cmd[left] = clamp01(v);
    cmd[right] = clamp01(v);
}

static unsigned draw_groups(rena_rng *r)
{
    unsigned groups = 0;
    while (groups == 0)
        for (int g = 0; g < RENA_EXPERT_NUM_GROUPS; g++)
            if (rena_rng_uniform(r) < RENA_EXPERT_GROUP_PROB)
                groups |= 1u << g;
    return groups;
}

static rena_brow_action apply_brow(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    double neutral = rena_servos[RENA_SERVO_BROW_IN_L].neutral;
    if (rena_rng_uniform(r) < 0.5) {
        double f = rena_rng_uniform(r);
        double inner = neutral * (1.0 - f);
        double outer = neutral * (1.0 - FROWN_OUTER_FOLLOW * f);
        set_pair(cmd, RENA_SERVO_BROW_IN_L, RENA_SERVO_BROW_IN_R, inner);
        set_pair(cmd, RENA_SERVO_BROW_OUT_L, RENA_SERVO_BROW_OUT_R, outer);
        return RENA_BROW_FROWN;
    }
    double lift = rena_rng_uniform(r);
    double outer_share = rena_rng_range(r, RAISE_OUTER_LO, 1.0);
    set_pair(cmd, RENA_SERVO_BROW_IN_L, RENA_SERVO_BROW_IN_R, neutral + (1.0 - neutral) * lift);
    set_pair(cmd, RENA_SERVO_BROW_OUT_L, RENA_SERVO_BROW_OUT_R,
             neutral + (1.0 - neutral) * lift * outer_share);
    return RENA_BROW_RAISE;
}

static void apply_smile(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    double s = rena_rng_uniform(r);
    set_pair(cmd, RENA_SERVO_CORNER_UP_L, RENA_SERVO_CORNER_UP_R, s);
    set_pair(cmd, RENA_SERVO_CORNER_OUT_L, RENA_SERVO_CORNER_OUT_R,
             s * rena_rng_range(r, SMILE_OUT_LO, SMILE_OUT_HI));
    set_pair(cmd, RENA_SERVO_UPPER_LIP_L, RENA_SERVO_UPPER_LIP_R,
             s * rena_rng_range(r, 0.0, SMILE_UPPER_LIP_HI));
    set_pair(cmd, RENA_SERVO_JAW_L, RENA_SERVO_JAW_R, rena_rng_range(r, 0.0, SMILE_JAW_HI));
}

static void apply_sadness(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    double d = rena_rng_uniform(r);
    set_pair(cmd, RENA_SERVO_CORNER_DN_L, RENA_SERVO_CORNER_DN_R, d);
    set_pair(cmd, RENA_SERVO_LOWER_LIP_L, RENA_SERVO_LOWER_LIP_R,
             d * rena_rng_range(r, SAD_LOWER_LIP_LO, SAD_LOWER_LIP_HI));
    set_pair(cmd, RENA_SERVO_JAW_L, RENA_SERVO_JAW_R, rena_rng_range(r, 0.0, SAD_JAW_HI));
}

static void apply_corners_up(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    cmd[RENA_SERVO_CORNER_UP_L] = clamp01(rena_rng_uniform(r));
    cmd[RENA_SERVO_CORNER_UP_R] = clamp01(rena_rng_uniform(r));
}

static rena_mouth_action apply_mouth(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    rena_mouth_action a = (rena_mouth_action)(RENA_MOUTH_SMILE + rena_rng_below(r, 3));
    if (a == RENA_MOUTH_SMILE)
        apply_smile(r, cmd);
    else if (a == RENA_MOUTH_SADNESS)
        apply_sadness(r, cmd);
    else
        apply_corners_up(r, cmd);
    return a;
}

void rena_expert_sample(uint64_t seed, uint64_t index, float cmd[RENA_NUM_SERVOS],
                        rena_expert_info *info)
{
    rena_rng r;
    rena_rng_init(&r, seed, index);
    rena_servo_neutral(cmd);
    rena_expert_info chosen = {draw_groups(&r), RENA_BROW_NONE, RENA_MOUTH_NONE};
    unsigned g = chosen.groups;
    if (g & (1u << RENA_EXPERT_EYE_H))
        set_pair(cmd, RENA_SERVO_EYE_H_L, RENA_SERVO_EYE_H_R, rena_rng_uniform(&r));
    if (g & (1u << RENA_EXPERT_EYE_V))
        set_pair(cmd, RENA_SERVO_EYE_V_L, RENA_SERVO_EYE_V_R, rena_rng_uniform(&r));
    if (g & (1u << RENA_EXPERT_BLINK))
        set_pair(cmd, RENA_SERVO_BLINK_L, RENA_SERVO_BLINK_R, rena_rng_uniform(&r));
    if (g & (1u << RENA_EXPERT_EYEOPEN))
        set_pair(cmd, RENA_SERVO_EYEOPEN_L, RENA_SERVO_EYEOPEN_R, rena_rng_uniform(&r));
    if (g & (1u << RENA_EXPERT_BROW))
        chosen.brow = apply_brow(&r, cmd);
    if (g & (1u << RENA_EXPERT_HEAD))
        cmd[RENA_SERVO_HEAD_YAW] = clamp01(rena_rng_range(&r, HEAD_YAW_LO, HEAD_YAW_HI));
    if (g & (1u << RENA_EXPERT_MOUTH))
        chosen.mouth = apply_mouth(&r, cmd);
    if (info)
        *info = chosen;
}

void rena_expert_random(uint64_t seed, uint64_t index, float cmd[RENA_NUM_SERVOS])
{
    rena_rng r;
    rena_rng_init(&r, seed, index);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = clamp01(rena_rng_uniform(&r));
}

#define BIT(s) (1u << (s))
#define PAIR(a, b) (BIT(a) | BIT(b))

uint32_t rena_expert_group_servos(rena_expert_group g)
{
    switch (g) {
    case RENA_EXPERT_EYE_H: return PAIR(RENA_SERVO_EYE_H_L, RENA_SERVO_EYE_H_R);
    case RENA_EXPERT_EYE_V: return PAIR(RENA_SERVO_EYE_V_L, RENA_SERVO_EYE_V_R);
    case RENA_EXPERT_BLINK: return PAIR(RENA_SERVO_BLINK_L, RENA_SERVO_BLINK_R);
    case RENA_EXPERT_EYEOPEN: return PAIR(RENA_SERVO_EYEOPEN_L, RENA_SERVO_EYEOPEN_R);
    case RENA_EXPERT_BROW:
        return PAIR(RENA_SERVO_BROW_IN_L, RENA_SERVO_BROW_IN_R) |
               PAIR(RENA_SERVO_BROW_OUT_L, RENA_SERVO_BROW_OUT_R);
    case RENA_EXPERT_HEAD: return BIT(RENA_SERVO_HEAD_YAW);
    case RENA_EXPERT_MOUTH:
        return PAIR(RENA_SERVO_CORNER_UP_L, RENA_SERVO_CORNER_UP_R) |
               PAIR(RENA_SERVO_CORNER_OUT_L, RENA_SERVO_CORNER_OUT_R) |
               PAIR(RENA_SERVO_UPPER_LIP_L, RENA_SERVO_UPPER_LIP_R) |
               PAIR(RENA_SERVO_CORNER_DN_L, RENA_SERVO_CORNER_DN_R) |
               PAIR(RENA_SERVO_LOWER_LIP_L, RENA_SERVO_LOWER_LIP_R) |
               PAIR(RENA_SERVO_JAW_L, RENA_SERVO_JAW_R);
    default: return 0;
    }
}

const char *rena_expert_group_name(rena_expert_group g)
{
    static const char *const names[RENA_EXPERT_NUM_GROUPS] = {"eye_h", "eye_v", "blink", "eyeopen",
                                                              "brow",  "head",  "mouth"};
    return (unsigned)g < RENA_EXPERT_NUM_GROUPS ? names[g] : "unknown";
}

const char *rena_brow_action_name(rena_brow_action a)
{
    static const char *const names[] = {"none", "frown", "raise"};
    return (unsigned)a < 3 ? names[a] : "unknown";
}

const char *rena_mouth_action_name(rena_mouth_action a)
{
    static const char *const names[] = {"none", "smile", "sadness", "corners_up"};
    return (unsigned)a < 4 ? names[a] : "unknown";
}
