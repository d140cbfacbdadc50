/* sim_observe.h: what the simulated camera sees, computed from the physics
 * state without rendering: the 68 landmarks and the pupils projected through
 * the fixed camera (pinhole with the camera's fovy, pixels x right, y down,
 * (0,0) the top-left corner of the image), and the head pose. */
#ifndef RENA_SIM_OBSERVE_H
#define RENA_SIM_OBSERVE_H

#include "sim_model.h"

/* Pixel position of world point p seen by camera `cam` in a width x height
 * image. Points behind the camera come out NaN. */
void rena_sim_project(const mjModel *m, const mjData *d, int cam, int width, int height,
                      const double p[3], float px[2]);

/* The 68 landmarks (each the weighted mean of its sites) in pixels. */
void rena_sim_landmarks(const rena_sim_model *sm, const mjData *d, int width, int height,
                        float landmarks[RENA_NUM_LANDMARKS][2]);

/* Pupil centres in pixels ([0] left eye, [1] right eye). Returns 0 when the
 * scene has no pupil sites. */
int rena_sim_pupils(const rena_sim_model *sm, const mjData *d, int width, int height,
                    float pupils[2][2]);

/* Head orientation in the world (= camera) frame: yaw positive when the face
 * turns toward its own left, pitch positive when it looks up, roll positive
 * when its left side rises. Radians. */
void rena_sim_head_pose(const rena_sim_model *sm, const mjData *d, float pose[3]);

#endif
