/* actuator.h: the one interface through which the core drives a face, be it
 * the MuJoCo twin (sim/) or the Feetech STS bus (hw/). Shaped after
 * ros2_control's hardware interface and lerobot's Robot: write returns the
 * command actually sent (clamped), so callers learn what the face was told.
 *
 * A backend is opened by its own constructor (rena_sim_open, rena_hw_open...)
 * which fills a rena_actuator; apps/backend.c picks one from a string
 * ("sim", "emu", "serial:/dev/ttyUSB0") in one place only. */
#ifndef RENA_ACTUATOR_H
#define RENA_ACTUATOR_H

#include "blendshape.h"
#include "servo.h"
#include "status.h"

/* An RGB image, rows top-down, 3 bytes per pixel, tightly packed. */
typedef struct {
    int width, height;
    unsigned char *rgb; /* width*height*3 bytes */
} rena_image;

/* What observe() may be asked for. */
enum { RENA_OBS_FEATURES = 1, RENA_OBS_IMAGE = 2 };

typedef struct {
    rena_features features; /* .valid says which parts are filled */
    int has_image;
    rena_image image;       /* owned by the backend; valid until its next observe/close */
    double settle_time;     /* seconds of simulated/real time the face took to settle */
} rena_observation;

typedef struct rena_actuator {
    const char *name; /* "sim", "emu", "serial" */
    void *ctx;        /* backend state, passed to every call */

    /* Sends one 25-servo command (normalised). The backend sanitises it
     * (rena_servo_sanitize plus its own limits) and writes what it actually
     * sent to `sent` (may be NULL). Blocks until the face has settled where
     * the backend can tell (sim: steps until still or a time cap). */
    rena_status (*write)(void *ctx, const float cmd[RENA_NUM_SERVOS],
                         float sent[RENA_NUM_SERVOS], rena_error *err);

    /* Returns the face to its neutral rest state and waits until it is there
     * (sim: an exact reset of the physics state, so what follows does not
     * depend on what came before; hw: drive to neutral and wait). */
    rena_status (*reset)(void *ctx, rena_error *err);

    /* Reads back the present positions, normalised. */
    rena_status (*read)(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err);

    /* Observes the face: `want` is a mask of RENA_OBS_*. A backend that has no
     * camera leaves has_image 0 and returns RENA_OK if features were asked
     * too, RENA_ERR_UNSUPPORTED if nothing asked for can be observed. */
    rena_status (*observe)(void *ctx, unsigned want, rena_observation *obs, rena_error *err);

    /* Releases everything; ctx is invalid afterwards. NULL-safe. */
    void (*close)(void *ctx);
} rena_actuator;

/* Convenience wrappers that check for a missing function pointer. */
rena_status rena_actuator_write(rena_actuator *a, const float cmd[RENA_NUM_SERVOS],
                                float sent[RENA_NUM_SERVOS], rena_error *err);
rena_status rena_actuator_reset(rena_actuator *a, rena_error *err);
rena_status rena_actuator_read(rena_actuator *a, float pos[RENA_NUM_SERVOS], rena_error *err);
rena_status rena_actuator_observe(rena_actuator *a, unsigned want, rena_observation *obs,
                                  rena_error *err);
void rena_actuator_close(rena_actuator *a);

#endif
