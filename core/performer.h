/* performer.h: scripted performers for the open-set experiments (paper
 * Sec. V.C, Table III) in simulation.
 *
 * A performer is a face other than the robot's (scenes/performer_<name>.xml,
 * made by assets/gen_performers.py: other eye spacing, mouth width, jaw
 * length and skin colour) with the same 25 servos, so a performance is a
 * sequence of 25-servo commands at 30 fps driven on that face and observed
 * through the same simulated perception as the robot. No MuJoCo here: this
 * module only says which command the performer's face holds at each frame.
 *
 * Each performer has a style the expert strategy never produces: one side of
 * the face acts more strongly than the other (asymmetric smiles, sneers and
 * brows), brow and mouth act together, the inner brow rises while the outer
 * falls (sadness, fear), the mouth stretches without smiling (fear) and the
 * upper lip rises on its own (disgust). Its sequences:
 *   - one per basic emotion (happiness, sadness, surprise, fear, anger,
 *     disgust): neutral -> peak -> neutral, eased in and out (smoothstep),
 *     with the peak held in the middle of the sequence;
 *   - "abrupt": the six emotions in a row, each switched on at full
 *     intensity from one frame to the next, then back to neutral at once
 *     (the paper's stated limitation).
 * Every sequence starts and ends with neutral frames. Commands are a pure
 * function of (performer, sequence, frame): deterministic, always in [0,1].
 * docs/mimic.md lists the peak of every emotion. */
#ifndef RENA_PERFORMER_H
#define RENA_PERFORMER_H

#include "servo.h"
#include "status.h"

#define RENA_PERFORMER_FPS 30

typedef enum {
    RENA_EMOTION_HAPPINESS = 0,
    RENA_EMOTION_SADNESS,
    RENA_EMOTION_SURPRISE,
    RENA_EMOTION_FEAR,
    RENA_EMOTION_ANGER,
    RENA_EMOTION_DISGUST,
    RENA_NUM_EMOTIONS
} rena_emotion;

/* Sequence ids: 0..RENA_NUM_EMOTIONS-1 are the emotions (rena_emotion), then: */
#define RENA_PERFORMER_SEQ_ABRUPT RENA_NUM_EMOTIONS
#define RENA_PERFORMER_NUM_SEQUENCES (RENA_NUM_EMOTIONS + 1)

typedef struct {
    const char *name;   /* "ana", "ben": used in "performer:NAME/SEQUENCE" */
    const char *scene;  /* MJCF file name inside scenes/ */
    float asymmetry;    /* in [-1,1]: left-side deviations scaled by (1 + a), right by (1 - a) */
    float intensity;    /* scale of every deviation from neutral at the peak */
    float brow_gain;    /* extra scale of the brow servos (expressive brows > 1) */
    float mouth_gain;   /* extra scale of the lip, corner and jaw servos */
    int lead;           /* neutral frames before the expression */
    int rise;           /* frames from neutral to peak */
    int hold;           /* frames at the peak */
    int fall;           /* frames from peak back to neutral */
    int tail;           /* neutral frames after */
    int abrupt_hold;    /* frames each emotion is held in the abrupt sequence */
} rena_performer;

#define RENA_NUM_PERFORMERS 2
extern const rena_performer rena_performers[RENA_NUM_PERFORMERS];

/* The performer of that name, or NULL. */
const rena_performer *rena_performer_find(const char *name);

/* "happiness", "sadness", "surprise", "fear", "anger", "disgust"; "?" if out of range. */
const char *rena_emotion_name(rena_emotion e);
/* Emotion names plus "abrupt" for RENA_PERFORMER_SEQ_ABRUPT; "?" if out of range. */
const char *rena_performer_sequence_name(int seq);
/* Sequence id of a name, or -1. */
int rena_performer_sequence_parse(const char *name);

/* Parses "NAME/SEQUENCE" or "SEQUENCE" (the first performer): the text after
 * "performer:" in an --input. RENA_ERR_NOT_FOUND names the unknown part and
 * lists the known ones. */
rena_status rena_performer_parse(const char *spec, const rena_performer **performer, int *seq,
                                 rena_error *err);

/* Frames in a sequence (at RENA_PERFORMER_FPS); 0 for an unknown sequence. */
long rena_performer_frames(const rena_performer *p, int seq);

/* The performer's face at the apex of an emotion (every value in [0,1]). */
void rena_performer_peak(const rena_performer *p, rena_emotion e, float cmd[RENA_NUM_SERVOS]);

/* How far frame `frame` of an emotion sequence is from neutral (0) to the
 * peak (1); 0 outside the sequence. */
double rena_performer_envelope(const rena_performer *p, long frame);

/* The command of frame `frame` (0-based) of sequence `seq`. RENA_ERR_ARG for
 * a NULL performer or an unknown sequence, RENA_ERR_RANGE for a frame outside
 * [0, rena_performer_frames). */
rena_status rena_performer_command(const rena_performer *p, int seq, long frame,
                                   float cmd[RENA_NUM_SERVOS], rena_error *err);

#endif
