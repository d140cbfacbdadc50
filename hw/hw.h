/* hw.h: the physical Feetech STS servo bus as an actuator backend.
 * The same interface as sim.h: rena_hw_open fills a rena_actuator.
 *
 * What the backend does (docs/hw.md has the details):
 *  open   loads the calibration (before any byte is sent), pings all 25
 *         servos, sets each goal to where its horn stands, enables torque;
 *  write  sanitises (NaN -> neutral), clamps to the calibrated limits, then
 *         ramps there with at most max_step per bus cycle (one SYNC_WRITE of
 *         25 goals per cycle), then waits up to settle_timeout_s for the
 *         horns to arrive; `sent` = the sanitised target;
 *  reset  the same toward the calibrated neutral;
 *  read   present positions (SYNC_READ, or READ per servo), normalised;
 *  observe RENA_ERR_UNSUPPORTED: the bus has no camera and no perception;
 *  close  eases to neutral, then torque off (or on, with hold_torque).
 * A watchdog thread eases to neutral and disables torque when no call came
 * for watchdog_s; the next write enables torque again from where the horns
 * stand. A servo reporting error bits (overload, overheat, voltage...)
 * makes read/write fail with RENA_ERR_BACKEND naming it. */
#ifndef RENA_HW_H
#define RENA_HW_H

#include "actuator.h"

typedef struct {
    const char *port;        /* "/dev/ttyUSB0", a pty path, or NULL with emulate=1 */
    int emulate;             /* 1: start an in-process 25-servo emulator on a pty */
    int baud;                /* 0 = 1000000 */
    const char *calibration; /* JSON calibration file, NULL = defaults from servo.h */
    double watchdog_s;       /* ease to neutral then torque off after this silence; 0 = off */

    int transport;           /* rena_transport_kind (transport.h); 0 = pick by path */
    int timeout_ms;          /* reply timeout beyond wire time; default 20 */
    int retries;             /* extra tries after a timeout/corrupt reply; default 2 */
    float max_step;          /* largest goal change per bus cycle (normalised); default 0.05 */
    double cycle_s;          /* bus cycle period while ramping; default 0.01 */
    double settle_timeout_s; /* write/reset wait at most this for the horns; 0 = no wait */
    int settle_ticks;        /* a horn within this many ticks of its goal has arrived; 8 */
    int goal_speed;          /* ticks/s written to every servo at open; 0 = servo maximum */
    int hold_torque;         /* 1: close leaves torque on (at neutral); default 0: off */

    const char *emu_faults;  /* emulate: fault spec (emu_faults.h); NULL = none */
    int emu_pace;            /* emulate: pace bytes at the baud rate */
    double emu_speedup;      /* emulate: emulated time runs this much faster; default 1 */
} rena_hw_options;

void rena_hw_options_default(rena_hw_options *opt);

/* Opens the bus and fills `out` with its actuator interface. Bad options or
 * a bad calibration file fail before the port is opened. */
rena_status rena_hw_open(const rena_hw_options *opt, rena_actuator *out, rena_error *err);

/* Counters of an open hw actuator (zeros for any other backend). */
typedef struct {
    long watchdog_fired;  /* times the watchdog eased to neutral and cut torque */
    long cycles;          /* SYNC_WRITEs of goals */
    long retries, timeouts, corrupt; /* from the bus driver */
    int torque_on;        /* what the backend last told the servos */
    const char *port;     /* the port in use (the emulator's pty with emulate=1) */
} rena_hw_stats;

rena_status rena_hw_get_stats(const rena_actuator *a, rena_hw_stats *stats, rena_error *err);

#endif
