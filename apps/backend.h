/* backend.h: the one place a face backend is chosen by a string.
 *
 *   "sim"              the MuJoCo twin with the shipped scene (scenes/face.xml)
 *   "sim:PATH.xml"     the MuJoCo twin with another MJCF scene
 *   "emu"              the 25-servo STS bus emulator (hardware path, in-process)
 *   "serial:PORT"      a real Feetech STS bus on PORT (e.g. serial:/dev/ttyUSB0)
 *
 * Every subcommand that drives a face (generate, eval, render...) opens it
 * through rena_backend_open and then only talks to the rena_actuator. */
#ifndef RENA_BACKEND_H
#define RENA_BACKEND_H

#include "actuator.h"
#include "hw.h"
#include "sim.h"

typedef struct {
    rena_sim_options sim; /* used by "sim"; its scene_path is overridden by "sim:PATH" */
    rena_hw_options hw;   /* used by "emu" and "serial:PORT"; port/emulate come from spec */
} rena_backend_options;

/* Defaults for both sides (rena_sim_options_default, rena_hw_options_default). */
void rena_backend_options_default(rena_backend_options *opt);

/* Opens the backend named by spec and fills out. opt may be NULL (defaults).
 * An unknown spec is RENA_ERR_ARG naming it; errors of the backend itself
 * (missing scene file, bus not answering) come back as that backend reports
 * them. */
rena_status rena_backend_open(const char *spec, const rena_backend_options *opt,
                              rena_actuator *out, rena_error *err);

#endif
