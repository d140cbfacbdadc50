/* sim.h: the MuJoCo digital twin of the rena face as an actuator backend.
 * An immutable face model (scenes/face.xml) plus per-instance state; each
 * instance owns its own offscreen GL context, so several can run in one
 * process (one per worker thread). */
#ifndef RENA_SIM_H
#define RENA_SIM_H

#include "actuator.h"
#include "perception.h"

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

/* The MuJoCo library version in use, e.g. "2.2.2" (recorded in dataset metadata). */
const char *rena_sim_mujoco_version(void);

/* Opens a simulated face and fills `out` with its actuator interface.
 * Loading runs the face once through its calibration poses (see
 * rena_sim_perception_calib) and leaves it reset to neutral.
 *
 * write: sanitises the command, sets it as the actuators' targets and steps
 *   the physics (2 ms steps) until every joint is still or settle_cap_s
 *   (default 1 s simulated) has passed; observe() reports the time taken.
 * reset: mj_resetData + neutral command + settle: the exact same state every
 *   time, so a sample never depends on the samples before it.
 * read: the horn angles mapped back to normalised commands.
 * observe: features (68 landmarks in pixels, head pose, 52 blendshapes from
 *   core/perception) and/or a width x height RGB image from the fixed camera.
 * Landmark noise (landmark_noise_px > 0) is drawn from core/rng keyed by
 * (seed, hash of the command on the face + observations since the reset). */
rena_status rena_sim_open(const rena_sim_options *opt, rena_actuator *out, rena_error *err);

/* The perception calibration an open simulated face uses: the measures of its
 * neutral face and, for each coefficient the face can make, the gain that
 * makes it read 1 at the servo extreme producing it (table in docs/sim.md).
 * RENA_ERR_ARG if `sim` is not a simulated face. */
rena_status rena_sim_perception_calib(const rena_actuator *sim, rena_perception_calib *out,
                                      rena_error *err);

#endif
