/* safety.h: what stands between a command and the servos, as pure functions
 * (so 100,000 random commands can be thrown at them in a test).
 *
 *  1. sanitise: NaN/Inf become the servo's calibrated neutral, everything is
 *     clamped to [0,1], i.e. to the calibrated limits;
 *  2. rate limit: per bus cycle no goal moves more than max_step (normalised),
 *     so a jump in the input becomes a ramp over several cycles;
 *  3. ticks: the calibrated mapping clamps once more, so no value outside
 *     [min_ticks, max_ticks] is ever encoded into a packet;
 *  4. watchdog: a deadline fed by every call; when the input stream stops the
 *     backend (backend_hw.c, in its own thread) eases the face to neutral and
 *     then disables torque. */
#ifndef RENA_SAFETY_H
#define RENA_SAFETY_H

#include "calibration.h"
#include "servo.h"

#define RENA_SAFETY_DEFAULT_MAX_STEP 0.05f /* per cycle: full range in 20 cycles */

/* Step 1. Returns how many values had to be changed. out may alias in. */
int rena_safety_sanitize(const rena_calibration *cal, const float in[RENA_NUM_SERVOS],
                         float out[RENA_NUM_SERVOS]);

/* Step 2: one cycle from prev toward target (both sanitised first, so
 * garbage in either never leaks out). max_step <= 0 or non-finite means 1
 * (no limit). Returns 1 when out equals the (sanitised) target. */
int rena_safety_step(const rena_calibration *cal, const float prev[RENA_NUM_SERVOS],
                     const float target[RENA_NUM_SERVOS], float max_step,
                     float out[RENA_NUM_SERVOS]);

/* Cycles rena_safety_step needs to go from prev to target (0 if equal);
 * INT_MAX when that many or more (a max_step far below the commands' float
 * resolution: such a ramp may never end, as a step can round away). */
int rena_safety_cycles(const rena_calibration *cal, const float prev[RENA_NUM_SERVOS],
                       const float target[RENA_NUM_SERVOS], float max_step);

/* Step 3: goal ticks for every servo, each inside its calibrated limits. */
void rena_safety_ticks(const rena_calibration *cal, const float cmd[RENA_NUM_SERVOS],
                       int ticks[RENA_NUM_SERVOS]);

/* Step 4: a deadline. Times are seconds on any monotonic clock. */
typedef struct {
    double timeout_s; /* <= 0: never fires */
    double last_feed; /* time of the last call that fed it */
    int armed;        /* 1 after a feed, 0 after it fired (until the next feed) */
} rena_safety_watchdog;

void rena_safety_watchdog_init(rena_safety_watchdog *w, double timeout_s, double now);
void rena_safety_watchdog_feed(rena_safety_watchdog *w, double now);
/* 1 exactly once per silence longer than timeout_s (then disarms). */
int rena_safety_watchdog_check(rena_safety_watchdog *w, double now);
/* Seconds until it would fire (<= 0: due; a large number when disarmed). */
double rena_safety_watchdog_remaining(const rena_safety_watchdog *w, double now);

#endif
