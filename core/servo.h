/* servo.h: the 25 servos of the rena face, their groups and limits.
 *
 * Every servo is driven by a normalised command in [0,1]. 0 and 1 map to the
 * servo's region limits in Feetech STS position ticks (4096 ticks per 360 deg,
 * 2048 = horn centred, 180 deg usable = ticks 1024..3072); the region limits
 * are narrower still so that linkages never interfere (paper Fig. 2(d)).
 * The table is documented in docs/servos.md. */
#ifndef RENA_SERVO_H
#define RENA_SERVO_H

#include <stdint.h>

#define RENA_NUM_SERVOS 25
#define RENA_STS_TICKS_PER_REV 4096
#define RENA_STS_TICK_CENTER 2048
#define RENA_STS_TICK_USABLE_MIN 1024
#define RENA_STS_TICK_USABLE_MAX 3072

/* Servo indices, in the order of every command vector. */
enum {
    RENA_SERVO_EYE_H_L = 0,  /* left eyeball horizontal: 0 looks to the robot's right, 1 to its left */
    RENA_SERVO_EYE_H_R,      /* right eyeball horizontal, same convention */
    RENA_SERVO_EYE_V_L,      /* left eyeball vertical: 0 down, 1 up */
    RENA_SERVO_EYE_V_R,
    RENA_SERVO_BLINK_L,      /* left upper lid: 0 open, 1 closed */
    RENA_SERVO_BLINK_R,
    RENA_SERVO_EYEOPEN_L,    /* left lower lid / lid aperture: 0 squint, 1 wide */
    RENA_SERVO_EYEOPEN_R,
    RENA_SERVO_BROW_IN_L,    /* left brow inner end: 0 down (frown), 1 up */
    RENA_SERVO_BROW_OUT_L,   /* left brow outer end: 0 down, 1 up */
    RENA_SERVO_BROW_IN_R,
    RENA_SERVO_BROW_OUT_R,
    RENA_SERVO_UPPER_LIP_L,  /* upper lip raiser, left: 0 rest, 1 raised */
    RENA_SERVO_UPPER_LIP_R,
    RENA_SERVO_LOWER_LIP_L,  /* lower lip depressor, left: 0 rest, 1 pulled down */
    RENA_SERVO_LOWER_LIP_R,
    RENA_SERVO_CORNER_UP_L,  /* mouth corner up-and-back (smile), left: 0 rest, 1 full */
    RENA_SERVO_CORNER_UP_R,
    RENA_SERVO_CORNER_DN_L,  /* mouth corner down (sadness), left: 0 rest, 1 full */
    RENA_SERVO_CORNER_DN_R,
    RENA_SERVO_CORNER_OUT_L, /* mouth corner outward (stretch), left: 0 rest, 1 full */
    RENA_SERVO_CORNER_OUT_R,
    RENA_SERVO_JAW_L,        /* jaw, left drive servo: 0 closed, 1 open (coupled to corners) */
    RENA_SERVO_JAW_R,        /* jaw, right drive servo */
    RENA_SERVO_HEAD_YAW      /* head rotation: 0 turned to robot's right, 0.5 front, 1 left */
};

/* The paper's anatomical groups (Sec. III.A). */
typedef enum {
    RENA_REGION_EYEBALL = 0,
    RENA_REGION_EYELID,
    RENA_REGION_EYEBROW,
    RENA_REGION_MOUTH,
    RENA_REGION_HEAD
} rena_servo_region;

typedef enum { RENA_SIDE_CENTER = 0, RENA_SIDE_LEFT, RENA_SIDE_RIGHT } rena_servo_side;

typedef struct {
    const char *name;          /* stable snake_case name, used in files and CLI */
    rena_servo_region region;
    rena_servo_side side;      /* the robot's own left/right */
    int mirror;                /* index of the same servo on the other side, or -1 */
    int bus_id;                /* default Feetech bus ID (1..25) */
    float neutral;             /* normalised command of the neutral face */
    int16_t tick_min;          /* STS ticks at command 0 */
    int16_t tick_max;          /* STS ticks at command 1 (may be < tick_min: reversed horn) */
} rena_servo_info;

/* The table, indexed by the RENA_SERVO_* enum. */
extern const rena_servo_info rena_servos[RENA_NUM_SERVOS];

/* Index of a servo by name, or -1. */
int rena_servo_index(const char *name);

/* Neutral command vector. */
void rena_servo_neutral(float cmd[RENA_NUM_SERVOS]);

/* Makes a command safe to send: non-finite values become the servo's neutral,
 * everything is clamped to [0,1]. Writes the result to out (may alias in) and
 * returns how many values had to be changed. */
int rena_servo_sanitize(const float in[RENA_NUM_SERVOS], float out[RENA_NUM_SERVOS]);

/* Normalised command <-> STS ticks with the default (uncalibrated) limits.
 * cmd is clamped to [0,1] first; NaN maps to the neutral. */
int rena_servo_to_ticks(int servo, float cmd);
float rena_servo_from_ticks(int servo, int ticks);

/* Pairs whose left/right disagreement the consistency loss (paper eq. 8)
 * penalises: eye and brow servos. Fills left[] and right[] with servo indices
 * and returns the number of pairs (at most RENA_NUM_SERVOS / 2). */
int rena_servo_consistency_pairs(int left[], int right[]);

#endif
