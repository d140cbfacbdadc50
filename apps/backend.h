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

/* 1 when spec names the MuJoCo twin ("sim" or "sim:PATH"). */
int rena_backend_is_sim(const char *spec);

/* ---- the hardware flags every face-driving command takes ---------------------
 * `--calibration FILE` and `--baud B` mean the same to generate, mimic and
 * servo; they are parsed here so the commands cannot drift apart. CLI code:
 * these print usage messages (rena_cli_usage_error). */
typedef struct {
    const char *calibration; /* --calibration FILE; NULL = servo.h's uncalibrated table */
    long baud;               /* --baud B; 0 = not given (the bus default, 1000000) */
} rena_backend_hw_args;

/* The --help lines of the two flags (for the commands' usage texts). */
#define RENA_BACKEND_HW_USAGE                                                                      \
    "  --calibration FILE  emu/serial: the robot's calibration JSON (limits, neutral,\n"            \
    "                    directions; 'rena servo calibrate' writes it); default: the\n"          \
    "                    uncalibrated table of servo.h\n"                                        \
    "  --baud B          emu/serial: bus baud rate (default 1000000)\n"

/* If argv[*i] is --calibration or --baud (or --flag=value), consumes it and
 * its value: returns 1. Returns 0 when argv[*i] is neither, and
 * RENA_EXIT_USAGE (2) after a message when the value is missing or bad. */
int rena_backend_parse_hw_flag(const char *cmd, int argc, char **argv, int *i,
                               rena_backend_hw_args *a);
/* Checks a --baud value: a number STS servos use. 0 or RENA_EXIT_USAGE after a message. */
int rena_backend_parse_baud(const char *cmd, const char *flag, const char *text, long *out);
/* RENA_EXIT_USAGE (after a message naming the flag) when hardware flags were
 * given for a sim backend, which has no bus; else 0. */
int rena_backend_check_hw_args(const char *cmd, const char *spec, const rena_backend_hw_args *a);
/* Copies the given flags into opt->hw (the others keep their values). */
void rena_backend_apply_hw_args(const rena_backend_hw_args *a, rena_backend_options *opt);

#endif
