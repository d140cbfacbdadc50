/* sim_access.h: the MuJoCo model and state behind an open simulated face, for
 * code that draws the face itself through a GL context it owns (sim/viewer.h)
 * instead of through the instance's offscreen EGL renderer. */
#ifndef RENA_SIM_ACCESS_H
#define RENA_SIM_ACCESS_H

#include "actuator.h"
#include "sim_model.h"
#include "status.h"

/* The face's loaded model (servos, landmark sites, camera, head) and its
 * physics state. Both stay owned by the face and valid until it is closed;
 * the state changes on every write/reset. Callers only read them (drawing
 * calls such as mjv_updateScene take a non-const mjData but do not step it).
 * RENA_ERR_ARG if `face` is not an open simulated face. */
rena_status rena_sim_access(const rena_actuator *face, const rena_sim_model **model,
                            mjData **data, rena_error *err);

#endif
