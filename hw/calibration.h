/* calibration.h: where each of the 25 servos of one physical face really is.
 *
 * Per servo: its bus ID, direction, the calibrated limits in STS ticks and
 * the neutral (rest) position. A normalised command c in [0,1] maps to
 * min + c (max - min) ticks when direction is +1 and to max - c (max - min)
 * when it is -1 (a horn mounted the other way round). Defaults come from
 * servo.h's table (bus_id, tick_min, tick_max, neutral); a JSON file
 * (assets/calibration.example.json, written by `rena servo calibrate`)
 * replaces them:
 *
 *   {"format": "rena-calibration", "version": 1,
 *    "servos": [{"name": "eye_h_l", "id": 1, "direction": 1,
 *                "min": 1750, "max": 2346, "neutral": 2048}, ...]}
 *
 * Every one of the 25 servos must appear once; errors name the file and
 * field ("calib.json: servos[3].min"). */
#ifndef RENA_CALIBRATION_H
#define RENA_CALIBRATION_H

#include "servo.h"
#include "status.h"

#define RENA_CALIBRATION_FORMAT "rena-calibration"
#define RENA_CALIBRATION_VERSION 1
#define RENA_STS_TICK_MAX 4095

typedef struct {
    int id;            /* bus ID, 0..253 */
    int direction;     /* +1: command 0 at min_ticks; -1: command 0 at max_ticks */
    int min_ticks;     /* lower limit, 0 <= min_ticks < max_ticks */
    int max_ticks;     /* upper limit, <= 4095 */
    int neutral_ticks; /* rest position, inside [min_ticks, max_ticks] */
} rena_calibration_servo;

typedef struct {
    rena_calibration_servo servo[RENA_NUM_SERVOS]; /* indexed by RENA_SERVO_* */
} rena_calibration;

/* The uncalibrated face of servo.h. */
void rena_calibration_default(rena_calibration *cal);

/* Checks IDs (unique, 0..253), limits (0 <= min < max <= 4095), neutral
 * inside the limits and direction +-1. `where` prefixes the field names. */
rena_status rena_calibration_validate(const rena_calibration *cal, const char *where,
                                      rena_error *err);

/* Parses JSON text; `where` (a file name) prefixes error fields. */
rena_status rena_calibration_parse(const char *json, size_t len, const char *where,
                                   rena_calibration *cal, rena_error *err);
rena_status rena_calibration_load(const char *path, rena_calibration *cal, rena_error *err);
/* Writes the file atomically (core/atomicfile.h). */
rena_status rena_calibration_save(const char *path, const rena_calibration *cal,
                                  rena_error *err);

/* Command -> ticks: NaN/Inf become the neutral, the rest is clamped to
 * [0,1], so the result is always inside [min_ticks, max_ticks]. */
int rena_calibration_to_ticks(const rena_calibration *cal, int servo, float cmd);
/* Ticks -> command; outside [0,1] when the horn stands beyond the limits. */
float rena_calibration_from_ticks(const rena_calibration *cal, int servo, int ticks);
/* The neutral position as a normalised command. */
float rena_calibration_neutral(const rena_calibration *cal, int servo);
/* Servo index of a bus ID, or -1. */
int rena_calibration_find_id(const rena_calibration *cal, int id);

/* Recording a calibration by hand (`rena servo calibrate`): with torque off
 * the user sweeps every horn through its safe range and leaves the face at
 * rest; the extremes become the limits and the last position the neutral. */
typedef struct {
    int min[RENA_NUM_SERVOS], max[RENA_NUM_SERVOS], last[RENA_NUM_SERVOS];
    long samples;
} rena_calibration_recorder;

void rena_calibration_recorder_init(rena_calibration_recorder *r);
void rena_calibration_recorder_add(rena_calibration_recorder *r, const int ticks[RENA_NUM_SERVOS]);
/* Builds `out` from the recording: IDs and directions from `base`; a servo
 * swept less than min_span ticks keeps base's limits (kept[i] = 1) and its
 * neutral is clamped into them. Returns how many servos were kept. */
int rena_calibration_recorder_finish(const rena_calibration_recorder *r,
                                     const rena_calibration *base, int min_span,
                                     rena_calibration *out, int kept[RENA_NUM_SERVOS]);

#endif
