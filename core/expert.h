/* expert.h: the facial expression expert strategy (paper Sec. IV.B,
 * Algorithm 1) that proposes natural servo commands for the dataset, and the
 * random-babbling baseline it is contrasted with.
 *
 * Each sample starts from the neutral face, picks a random non-empty subset
 * of the 7 constraint groups and sets only the servos those groups govern.
 * Sample i depends on (seed, i) alone (rena_rng_init(&r, seed, i)), so any
 * shard, thread or process draws the same command for it. The exact servo
 * sets and value ranges of every action are documented in docs/dataset.md. */
#ifndef RENA_EXPERT_H
#define RENA_EXPERT_H

#include <stdint.h>

#include "servo.h"

/* The 7 constraint groups of Algorithm 1, in the paper's order. */
typedef enum {
    RENA_EXPERT_EYE_H = 0, /* 1. horizontal eye servos synchronised */
    RENA_EXPERT_EYE_V,     /* 2. vertical eye servos synchronised */
    RENA_EXPERT_BLINK,     /* 3. blink (upper lid) servos synchronised */
    RENA_EXPERT_EYEOPEN,   /* 4. eye-opening (lower lid) servos synchronised */
    RENA_EXPERT_BROW,      /* 5. one eyebrow action: frown or raise */
    RENA_EXPERT_HEAD,      /* 6. head moved at random */
    RENA_EXPERT_MOUTH,     /* 7. one mouth action: smile, sadness or corners up */
    RENA_EXPERT_NUM_GROUPS
} rena_expert_group;

typedef enum { RENA_BROW_NONE = 0, RENA_BROW_FROWN, RENA_BROW_RAISE } rena_brow_action;

typedef enum {
    RENA_MOUTH_NONE = 0,
    RENA_MOUTH_SMILE,     /* corner up + out, upper lip, jaw; left = right */
    RENA_MOUTH_SADNESS,   /* corner down, lower lip, jaw; left = right */
    RENA_MOUTH_CORNERS_UP /* corner up only, left and right drawn separately */
} rena_mouth_action;

/* What one sample chose (tests and statistics use it). */
typedef struct {
    unsigned groups;         /* bit (1u << g) set for each applied rena_expert_group */
    rena_brow_action brow;   /* RENA_BROW_NONE unless the brow group was applied */
    rena_mouth_action mouth; /* RENA_MOUTH_NONE unless the mouth group was applied */
} rena_expert_info;

/* Probability with which each group is applied to a sample (a draw with no
 * group at all is redrawn, so every sample changes something). */
#define RENA_EXPERT_GROUP_PROB 0.5

/* Expert command for sample `index` under `seed`; every value in [0,1].
 * info may be NULL. */
void rena_expert_sample(uint64_t seed, uint64_t index, float cmd[RENA_NUM_SERVOS],
                        rena_expert_info *info);

/* Random babbling (the paper's contrast, later the RS baseline): every servo
 * uniform in [0,1], independently. Keyed by (seed, index) like the expert. */
void rena_expert_random(uint64_t seed, uint64_t index, float cmd[RENA_NUM_SERVOS]);

/* Bit mask (1u << servo) of the servos a group can move; for the brow and
 * mouth groups, the union over their actions. */
uint32_t rena_expert_group_servos(rena_expert_group g);

/* Short stable names: "eye_h", "eye_v", "blink", "eyeopen", "brow", "head",
 * "mouth"; "none", "frown", "raise"; "none", "smile", "sadness", "corners_up". */
const char *rena_expert_group_name(rena_expert_group g);
const char *rena_brow_action_name(rena_brow_action a);
const char *rena_mouth_action_name(rena_mouth_action a);

#endif
