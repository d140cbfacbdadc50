/* fakeface.h: an analytic stand-in for the robot face, for tests that need
 * an actuator but not MuJoCo. observe() maps the last command through a
 * fixed smooth nonlinear function to blendshapes, landmarks and head pose
 * (and, if asked, a small synthetic image), so the same command always gives
 * the same features and different commands give different ones. */
#ifndef RENA_FAKEFACE_H
#define RENA_FAKEFACE_H

#include "actuator.h"

typedef struct {
    int width, height; /* camera image size; 0 = no camera (observe gives no image) */
    long fail_after;   /* observe fails with RENA_ERR_BACKEND after this many calls; 0 = never */
} rena_fakeface_options;

/* How the fake face departs from a perfect one (kept apart from the options
 * so that their positional initialisers stay valid). */
typedef struct {
    int no_perception;  /* 1: observe() is RENA_ERR_UNSUPPORTED, as on the servo bus */
    float position_lag; /* read() reports each servo this fraction of the way from the
                           command back to its neutral; 0 = exactly the command */
} rena_fakeface_mode;

/* Opens a fake face (name "fake") and fills out. */
rena_status rena_fakeface_open(const rena_fakeface_options *opt, rena_actuator *out,
                               rena_error *err);
/* The same with a mode (NULL = a perfect face). */
rena_status rena_fakeface_open_mode(const rena_fakeface_options *opt,
                                    const rena_fakeface_mode *mode, rena_actuator *out,
                                    rena_error *err);

/* The map observe() applies: features of a face holding command cmd. */
void rena_fakeface_features(const float cmd[RENA_NUM_SERVOS], rena_features *f);

#endif
