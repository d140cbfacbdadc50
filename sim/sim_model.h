/* sim_model.h: loading the MJCF face and finding what rena needs in it
 * (servo actuators, landmark sites, pupils, camera, head), plus the guard
 * that turns MuJoCo's fatal errors into rena_status instead of exit(). */
#ifndef RENA_SIM_MODEL_H
#define RENA_SIM_MODEL_H

#include <mujoco/mujoco.h>

#include "blendshape.h"
#include "servo.h"
#include "status.h"

#define RENA_SIM_MAX_BLEND 8 /* sites blended into one landmark */

/* One landmark: the weighted mean of up to RENA_SIM_MAX_BLEND sites (the
 * same linear blend as the skin vertex it rides on; see assets/gen_face.py). */
typedef struct {
    int count;
    int site[RENA_SIM_MAX_BLEND];
    double weight[RENA_SIM_MAX_BLEND]; /* normalised to sum 1 */
} rena_sim_landmark;

typedef struct {
    mjModel *m;                              /* owned */
    int actuator[RENA_NUM_SERVOS];           /* actuator id of each servo */
    rena_sim_landmark landmark[RENA_NUM_LANDMARKS];
    int pupil_site[2];                       /* [0] left eye, [1] right eye; -1 if absent */
    int camera;                              /* the fixed camera framing the face */
    int head_body;                           /* body whose orientation is the head pose */
} rena_sim_model;

/* Loads and checks a scene. Errors: RENA_ERR_NOT_FOUND (no such file),
 * RENA_ERR_FORMAT (MuJoCo rejected it, with its message and line, or a
 * required element is missing: named in the message). */
rena_status rena_sim_model_load(const char *path, rena_sim_model *out, rena_error *err);
void rena_sim_model_free(rena_sim_model *sm);

/* Normalised command at which servo i's actuator is in equilibrium for the
 * given actuator length (inverse of the affine position actuator). */
double rena_sim_model_command_of(const rena_sim_model *sm, int servo, double length);

/* Runs fn(arg) so that a MuJoCo fatal error (mju_error) inside it comes back
 * as RENA_ERR_BACKEND with MuJoCo's message (where = `where`) instead of
 * terminating the process. MuJoCo's error and warning hooks are process-wide;
 * they are installed once and route to the calling thread's guard. */
rena_status rena_sim_guard(void (*fn)(void *arg), void *arg, const char *where, rena_error *err);

/* The last MuJoCo warning text seen on this thread ("" if none). */
const char *rena_sim_last_warning(void);

#endif
