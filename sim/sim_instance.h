/* sim_instance.h: one simulated face: its own model copy, physics state,
 * optional renderer and perception calibration. The actuator functions of
 * sim.c are thin wrappers around these. Not thread-safe per instance; use
 * one instance per thread. */
#ifndef RENA_SIM_INSTANCE_H
#define RENA_SIM_INSTANCE_H

#include <stdint.h>

#include "perception.h"
#include "sim.h"
#include "sim_model.h"
#include "sim_render.h"

typedef struct {
    rena_sim_model model;
    mjData *d;
    rena_sim_options opt;          /* width/height/settle cap resolved */
    char scene_path[4096];
    rena_sim_renderer *renderer;   /* NULL when opt.render == 0 */
    rena_perception_calib calib;
    float sent[RENA_NUM_SERVOS];   /* last command actually applied */
    uint64_t observations;         /* observe() calls since the last reset */
    double settle_time;            /* simulated seconds the last write/reset took */
    int settled;                   /* 1 if it came to rest before the cap */
} rena_sim_instance;

/* Applies a command (sanitised) and steps until every joint is still or the
 * settle cap passes. */
rena_status rena_sim_instance_write(rena_sim_instance *s, const float cmd[RENA_NUM_SERVOS],
                                    float sent[RENA_NUM_SERVOS], rena_error *err);
/* mj_resetData + neutral command + settle. */
rena_status rena_sim_instance_reset(rena_sim_instance *s, rena_error *err);
/* Noise-free landmarks, pupils (1 if present) and perception measures. */
rena_status rena_sim_instance_measure(rena_sim_instance *s, float landmarks[RENA_NUM_LANDMARKS][2],
                                      float pupils[2][2], int *has_pupils,
                                      float measures[RENA_PERCEPTION_NUM_MEASURES],
                                      rena_error *err);

/* Calibrates perception on this face (sim_calib.c): measures the neutral
 * face and, per coefficient, the face at the servo extreme that makes it.
 * Leaves the face reset to neutral. */
rena_status rena_sim_instance_calibrate(rena_sim_instance *s, rena_perception_calib *out,
                                        rena_error *err);

#endif
