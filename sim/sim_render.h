/* sim_render.h: headless rendering of the face with an offscreen OpenGL
 * context of its own (EGL, surfaceless Mesa platform, llvmpipe on machines
 * without a GPU). Each renderer owns its context and makes it current only
 * while it draws, so renderers can live in different threads. */
#ifndef RENA_SIM_RENDER_H
#define RENA_SIM_RENDER_H

#include <mujoco/mujoco.h>

#include "actuator.h"
#include "status.h"

typedef struct rena_sim_renderer rena_sim_renderer;

/* Creates the GL context and MuJoCo's render context for images of
 * width x height. The model's offscreen buffer must be at least that big
 * (m->vis.global.offwidth/offheight; the caller sets them before). */
rena_status rena_sim_renderer_open(const mjModel *m, int width, int height,
                                   rena_sim_renderer **out, rena_error *err);

/* Renders the state in d through `camera` into the renderer's own image
 * (RGB, rows top-down); *img points at it until the next draw or close. */
rena_status rena_sim_renderer_draw(rena_sim_renderer *r, const mjModel *m, mjData *d, int camera,
                                   rena_image *img, rena_error *err);

/* NULL-safe. */
void rena_sim_renderer_close(rena_sim_renderer *r);

#endif
