/* emuwatch.h: a robot on the in-process STS emulator whose every goal a test
 * can watch while `rena` drives it from another process, and a calibration
 * file narrow enough that goals outside it give the built-in table away.
 * Linked into the hw and apps tests only (it needs rena_hw). */
#ifndef RENA_TEST_EMUWATCH_H
#define RENA_TEST_EMUWATCH_H

#include <sys/types.h>

#include "emulator.h"
#include "servo.h"

/* Every servo squeezed into [1950, 2150] around neutral 2000: far inside
 * servo.h's table, so commands near 0 or 1 would leave the window if the
 * table were used instead of the file. */
#define RENA_TEST_NARROW_MIN 1950
#define RENA_TEST_NARROW_MAX 2150
#define RENA_TEST_NARROW_NEUTRAL 2000

void rena_test_write_narrow_calibration(const char *path);
/* An emulator with its horns at the narrow neutral, `speedup` times faster
 * than real servos; fails the test if it cannot start. */
rena_emu *rena_test_start_emulator(double speedup);
/* Polls the goal register of every servo until process `pid` exits; lo/hi
 * get the extremes seen. Returns the wait status of pid. */
int rena_test_watch_goals(rena_emu *emu, pid_t pid, int lo[RENA_NUM_SERVOS],
                          int hi[RENA_NUM_SERVOS]);

#endif
