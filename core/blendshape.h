/* blendshape.h: MediaPipe Face Landmarker's 52 blendshape categories, in
 * MediaPipe's output order, and the per-frame face feature vector. */
#ifndef RENA_BLENDSHAPE_H
#define RENA_BLENDSHAPE_H

#define RENA_NUM_BLENDSHAPES 52
#define RENA_NUM_LANDMARKS 68 /* iBUG 68-point convention */

enum {
    RENA_BS_NEUTRAL = 0,
    RENA_BS_BROW_DOWN_LEFT = 1,
    RENA_BS_BROW_DOWN_RIGHT = 2,
    RENA_BS_BROW_INNER_UP = 3,
    RENA_BS_BROW_OUTER_UP_LEFT = 4,
    RENA_BS_BROW_OUTER_UP_RIGHT = 5,
    RENA_BS_CHEEK_PUFF = 6,
    RENA_BS_CHEEK_SQUINT_LEFT = 7,
    RENA_BS_CHEEK_SQUINT_RIGHT = 8,
    RENA_BS_EYE_BLINK_LEFT = 9,
    RENA_BS_EYE_BLINK_RIGHT = 10,
    RENA_BS_EYE_LOOK_DOWN_LEFT = 11,
    RENA_BS_EYE_LOOK_DOWN_RIGHT = 12,
    RENA_BS_EYE_LOOK_IN_LEFT = 13,
    RENA_BS_EYE_LOOK_IN_RIGHT = 14,
    RENA_BS_EYE_LOOK_OUT_LEFT = 15,
    RENA_BS_EYE_LOOK_OUT_RIGHT = 16,
    RENA_BS_EYE_LOOK_UP_LEFT = 17,
    RENA_BS_EYE_LOOK_UP_RIGHT = 18,
    RENA_BS_EYE_SQUINT_LEFT = 19,
    RENA_BS_EYE_SQUINT_RIGHT = 20,
    RENA_BS_EYE_WIDE_LEFT = 21,
    RENA_BS_EYE_WIDE_RIGHT = 22,
    RENA_BS_JAW_FORWARD = 23,
    RENA_BS_JAW_LEFT = 24,
    RENA_BS_JAW_OPEN = 25,
    RENA_BS_JAW_RIGHT = 26,
    RENA_BS_MOUTH_CLOSE = 27,
    RENA_BS_MOUTH_DIMPLE_LEFT = 28,
    RENA_BS_MOUTH_DIMPLE_RIGHT = 29,
    RENA_BS_MOUTH_FROWN_LEFT = 30,
    RENA_BS_MOUTH_FROWN_RIGHT = 31,
    RENA_BS_MOUTH_FUNNEL = 32,
    RENA_BS_MOUTH_LEFT = 33,
    RENA_BS_MOUTH_LOWER_DOWN_LEFT = 34,
    RENA_BS_MOUTH_LOWER_DOWN_RIGHT = 35,
    RENA_BS_MOUTH_PRESS_LEFT = 36,
    RENA_BS_MOUTH_PRESS_RIGHT = 37,
    RENA_BS_MOUTH_PUCKER = 38,
    RENA_BS_MOUTH_RIGHT = 39,
    RENA_BS_MOUTH_ROLL_LOWER = 40,
    RENA_BS_MOUTH_ROLL_UPPER = 41,
    RENA_BS_MOUTH_SHRUG_LOWER = 42,
    RENA_BS_MOUTH_SHRUG_UPPER = 43,
    RENA_BS_MOUTH_SMILE_LEFT = 44,
    RENA_BS_MOUTH_SMILE_RIGHT = 45,
    RENA_BS_MOUTH_STRETCH_LEFT = 46,
    RENA_BS_MOUTH_STRETCH_RIGHT = 47,
    RENA_BS_MOUTH_UPPER_UP_LEFT = 48,
    RENA_BS_MOUTH_UPPER_UP_RIGHT = 49,
    RENA_BS_NOSE_SNEER_LEFT = 50,
    RENA_BS_NOSE_SNEER_RIGHT = 51
};

/* MediaPipe category names, index 0 "_neutral" ... 51 "noseSneerRight". */
extern const char *const rena_blendshape_names[RENA_NUM_BLENDSHAPES];

/* Index of a category name, or -1. */
int rena_blendshape_index(const char *name);

/* What a rena_features holds (bit flags in .valid). */
enum { RENA_FEAT_BLENDSHAPES = 1, RENA_FEAT_LANDMARKS = 2, RENA_FEAT_POSE = 4 };

/* One frame of a face, as perception (simulated or real) reports it. */
typedef struct {
    float blendshapes[RENA_NUM_BLENDSHAPES]; /* each in [0,1], 0 at the neutral face */
    float landmarks[RENA_NUM_LANDMARKS][2];  /* image pixels (x right, y down) */
    float head_pose[3];                      /* yaw, pitch, roll in radians */
    unsigned valid;                          /* RENA_FEAT_* flags */
} rena_features;

#endif
