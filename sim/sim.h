/* sim.h: the MuJoCo digital twin of the rena face as an actuator backend.
 * An immutable face model (scenes/face.xml) plus per-instance state; each
 * instance owns its own offscreen GL context, so several can run in one
 * process (one per worker thread). */
#ifndef RENA_SIM_H
#define RENA_SIM_H

#include "actuator.h"

typedef struct {
    const char *scene_path;  /* MJCF file; NULL = rena_sim_default_scene() */
    int width, height;       /* camera image size; 0 = 640x480 */
    double landmark_noise_px;/* Gaussian landmark noise sigma in pixels (0 = none) */
    unsigned long long seed; /* seeds the landmark noise */
    double settle_cap_s;     /* max simulated seconds per write; 0 = default */
    int render;              /* 0: never create a GL context (features only) */
} rena_sim_options;

/* Defaults for every field. */
void rena_sim_options_default(rena_sim_options *opt);

/* Path of the shipped face scene: $RENA_SCENE if set, else the installed or
 * source-tree scenes/face.xml. Returns a static string. */
const char *rena_sim_default_scene(void);

/* Opens a simulated face and fills `out` with its actuator interface. */
rena_status rena_sim_open(const rena_sim_options *opt, rena_actuator *out, rena_error *err);

#endif
