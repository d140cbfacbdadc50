/* hw.h: the physical Feetech STS servo bus as an actuator backend.
 * The same interface as sim.h: rena_hw_open fills a rena_actuator. */
#ifndef RENA_HW_H
#define RENA_HW_H

#include "actuator.h"

typedef struct {
    const char *port;        /* "/dev/ttyUSB0", a pty path, or NULL with emulate=1 */
    int emulate;             /* 1: start an in-process 25-servo emulator on a pty */
    int baud;                /* 0 = 1000000 */
    const char *calibration; /* JSON calibration file, NULL = defaults from servo.h */
    double watchdog_s;       /* ease to neutral then torque off after this silence; 0 = off */
} rena_hw_options;

void rena_hw_options_default(rena_hw_options *opt);

/* Opens the bus and fills `out` with its actuator interface. */
rena_status rena_hw_open(const rena_hw_options *opt, rena_actuator *out, rena_error *err);

#endif
