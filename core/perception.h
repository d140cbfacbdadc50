/* perception.h: MediaPipe-style blendshape coefficients estimated
 * geometrically from 68 iBUG landmarks (plus optional pupil centres).
 *
 * A stand-in for MediaPipe that works on any landmark source: the simulated
 * face (sim/) and, later, a landmark detector on real photos. No MuJoCo here.
 *
 * Two steps:
 *  1. rena_perception_measure: landmarks -> a small vector of geometric
 *     measures (lid openings, brow heights, chin drop, corner positions...),
 *     after normalising position, scale and in-plane rotation: the origin is
 *     the midpoint of the two eye centres (each the midpoint of its corners,
 *     which the lids do not move), the x axis runs from the subject's right
 *     eye to its left eye, y points down the face. Horizontal offsets are in
 *     inter-ocular distances (IOD), vertical ones in eye-to-nose heights (the
 *     eye line to the nose base, landmark 33): a turned head shortens the
 *     first and not the second, so heights are not inflated by head yaw.
 *  2. rena_perception_apply: each coefficient the face can make reads one
 *     measure, coefficient = clamp(gain * sign * (measure - neutral), 0, 1),
 *     with the neutral measures and gains of a rena_perception_calib (less
 *     the share the jaw explains for lower-lip measures, the share the lower
 *     lid explains for the upper lid, the share a head turn explains).
 *
 * "Left"/"Right" in coefficient names mean the subject's own left/right (as
 * the servos' _l/_r). Every formula is documented in docs/sim.md. */
#ifndef RENA_PERCEPTION_H
#define RENA_PERCEPTION_H

#include "blendshape.h"
#include "status.h"

/* The geometric measures: heights (y) in eye-to-nose units, widths (x) in
 * inter-ocular units, sideways positions relative to the nose base (33). */
enum {
    RENA_PM_LID_UP_L = 0, /* upper lid height above the eye-corner line, left eye */
    RENA_PM_LID_UP_R,
    RENA_PM_LID_LO_L,     /* lower lid depth below the eye-corner line */
    RENA_PM_LID_LO_R,
    RENA_PM_PUPIL_X_L,    /* pupil offset from the eye's centre / eye width, + toward x */
    RENA_PM_PUPIL_X_R,
    RENA_PM_PUPIL_Y_L,    /* pupil height above the eye-corner line */
    RENA_PM_PUPIL_Y_R,
    RENA_PM_BROW_IN_L,    /* inner brow end height above the eye line */
    RENA_PM_BROW_IN_R,
    RENA_PM_BROW_IN_MEAN, /* mean of the two */
    RENA_PM_BROW_OUT_L,   /* outer brow end height above the eye line */
    RENA_PM_BROW_OUT_R,
    RENA_PM_CHIN_DROP,    /* chin (landmark 8) below the eye line */
    RENA_PM_CHIN_X,       /* chin sideways, + toward the subject's left */
    RENA_PM_MOUTH_X,      /* mouth centre (mean of the corners) sideways */
    RENA_PM_UPPER_LIP_L,  /* upper lip (52 / 50) height above the eye line (negative) */
    RENA_PM_UPPER_LIP_R,
    RENA_PM_LOWER_LIP_L,  /* lower lip (56 / 58) depth relative to the chin */
    RENA_PM_LOWER_LIP_R,
    RENA_PM_CORNER_Y_L,   /* mouth corner (54 / 48) height above the eye line */
    RENA_PM_CORNER_Y_R,
    RENA_PM_CORNER_X_L,   /* mouth corner distance out from the midline */
    RENA_PM_CORNER_X_R,
    RENA_PM_SMILE_L,      /* corner rise + 0.3 x corner widening */
    RENA_PM_SMILE_R,
    RENA_PM_LIP_GAP,      /* inner lip gap, 66 below 62 */
    RENA_PM_NOSE_X,       /* nose tip (30) sideways from the eye midpoint: the head-turn cue */
    RENA_PERCEPTION_NUM_MEASURES
};

/* Calibration: what the neutral face measures, and how much each coefficient
 * grows per unit of its measure. gain 0 = the coefficient is always 0. */
typedef struct {
    float ref[RENA_PERCEPTION_NUM_MEASURES];
    float gain[RENA_NUM_BLENDSHAPES];
    /* How much a measure moves per unit of chin drop when only the jaw opens
     * (0 = not compensated). A rotating jaw shortens the projected lip-to-chin
     * distance; lower-lip measures subtract that share so that mouthLowerDown
     * reads the lip depressor, not the jaw. */
    float jaw_slope[RENA_PERCEPTION_NUM_MEASURES];
    /* How much a measure moves per unit of nose_x when only the head turns
     * (0 = not compensated): a 2D picture of a turned head shifts the pupils
     * and the mouth against the eye corners; this share is subtracted. */
    float yaw_slope[RENA_PERCEPTION_NUM_MEASURES];
    /* ... and per unit of nose_x squared: what a turn either way does alike
     * (perspective makes a turned face look longer). */
    float yaw_curve[RENA_PERCEPTION_NUM_MEASURES];
    /* How much an eye measure moves per unit of the same eye's lower-lid
     * depth (lid_lo) when only the lower lids move (0 = not compensated).
     * On the robot the lower lid drags the upper lid along (widening lifts
     * it, squinting lowers it); lid_up subtracts that share so that
     * eyeBlink reads the upper lid's own motion, not the lower lid's. */
    float lid_slope[RENA_PERCEPTION_NUM_MEASURES];
} rena_perception_calib;

/* Name of a measure ("lid_up_l"...), NULL if out of range. */
const char *rena_perception_measure_name(int measure);

/* The measure a coefficient reads and its direction (+1/-1), or -1 for the
 * coefficients no formula produces (cheekPuff, mouthPucker...). */
int rena_perception_source(int blendshape, int *sign);

/* Landmarks in pixels (x right, y down), pupils[0] = left eye, pupils[1] =
 * right eye, or NULL when unknown (pupil measures become NaN). Fails with
 * RENA_ERR_RANGE on a non-finite landmark or eyes on top of each other. */
rena_status rena_perception_measure(const float landmarks[RENA_NUM_LANDMARKS][2],
                                    const float pupils[2][2],
                                    float measures[RENA_PERCEPTION_NUM_MEASURES], rena_error *err);

/* Coefficients from measures; NaN measures give 0. Never NaN, always in [0,1]. */
void rena_perception_apply(const rena_perception_calib *calib,
                           const float measures[RENA_PERCEPTION_NUM_MEASURES],
                           float blendshapes[RENA_NUM_BLENDSHAPES]);

/* measure + apply. */
rena_status rena_perception_blendshapes(const rena_perception_calib *calib,
                                        const float landmarks[RENA_NUM_LANDMARKS][2],
                                        const float pupils[2][2],
                                        float blendshapes[RENA_NUM_BLENDSHAPES], rena_error *err);

/* Starts a calibration from the neutral face's measures (all gains 0). */
void rena_perception_calib_init(rena_perception_calib *calib,
                                const float neutral[RENA_PERCEPTION_NUM_MEASURES]);

/* Sets one coefficient's gain so that the face measured at `extreme` reads 1.
 * RENA_ERR_RANGE (gain left 0) when the measure moved the wrong way or by
 * less than `min_change` inter-ocular units. */
rena_status rena_perception_calib_extreme(rena_perception_calib *calib, int blendshape,
                                          const float extreme[RENA_PERCEPTION_NUM_MEASURES],
                                          float min_change, rena_error *err);

/* Sets jaw_slope[measure] from the face measured with only the jaw open.
 * RENA_ERR_RANGE if the chin did not drop. */
rena_status rena_perception_calib_jaw_slope(rena_perception_calib *calib, int measure,
                                            const float jaw_open[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err);

/* Sets lid_slope[measure] from the face measured with only the lower lids
 * moved (no blink): the measure's change per unit change of the same eye's
 * lid_lo. `measure` must belong to one eye (lid_up, pupil_x, pupil_y;
 * RENA_ERR_ARG otherwise); RENA_ERR_RANGE if that eye's lower lid did not
 * move. */
rena_status rena_perception_calib_lid_slope(rena_perception_calib *calib, int measure,
                                            const float lids_moved[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err);

/* Sets yaw_slope and yaw_curve of every measure (but nose_x) from the face
 * measured with the head turned one way and the other, nothing else moved:
 * the parabola through neutral and the two turns. RENA_ERR_RANGE if nose_x
 * did not move both ways. */
rena_status rena_perception_calib_yaw_slope(rena_perception_calib *calib,
                                            const float turned_a[RENA_PERCEPTION_NUM_MEASURES],
                                            const float turned_b[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err);

/* JSON files: {"ref": {"lid_up_l": ...}, "gain": {"eyeBlinkLeft": ...},
 * "jaw_slope": {"lid_up_l": ...}, "yaw_slope": {...}, "yaw_curve": {...},
 * "lid_slope": {...}}. Loading checks every name and value and names the
 * field at fault; a file without "lid_slope" (written before it existed)
 * loads with every lid_slope 0. */
rena_status rena_perception_calib_save(const char *path, const rena_perception_calib *calib,
                                       rena_error *err);
rena_status rena_perception_calib_load(const char *path, rena_perception_calib *calib,
                                       rena_error *err);

#endif
