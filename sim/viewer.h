/* viewer.h: an on-screen window that shows simulated faces live.
 *
 * A GLFW window with an OpenGL context (GLX on X11; Xvfb works), MuJoCo's
 * renderer on it (one mjvScene + mjrContext per face model, one shared free
 * camera) and two panes side by side: the robot on the left and, on the
 * right, a target: another face, an image or a bar chart. Keys and the
 * window's close button come back as actions; mouse orbit, pan and zoom of
 * the camera are handled here.
 *
 *   rena_viewer *v;  rena_viewer_open(NULL, &v, &err);
 *   rena_viewer_attach(v, robot_model, &err);      // once per face model
 *   rena_viewer_reset_camera(v, robot_model, robot_data);
 *   loop: rena_viewer_poll(v, 0, &ev);  ...step the faces...
 *         rena_viewer_draw(v, &frame, NULL, &err);
 *   rena_viewer_close(v);
 *
 * The window's context is current only inside the viewer's own calls, so
 * simulated faces that render offscreen through EGL (sim_render.h) can draw
 * in the same thread between frames: libglvnd refuses to make an EGL context
 * current while a GLX context is (docs/viewer.md). GLFW is process-wide and
 * main-thread only: one viewer at a time, from the main thread. */
#ifndef RENA_VIEWER_H
#define RENA_VIEWER_H

#include "actuator.h"
#include "sim_model.h"
#include "status.h"

#define RENA_VIEWER_MAX_FACES 4   /* face models attached at once */
#define RENA_VIEWER_MAX_BARS 32   /* bars in one bar pane */
#define RENA_VIEWER_MAX_ACTIONS 16

typedef struct {
    int width, height; /* window size in pixels; 0 = 1280 x 520 */
    const char *title; /* NULL = "rena" */
    int vsync;         /* 1: swaps wait for the display's refresh */
} rena_viewer_options;

void rena_viewer_options_default(rena_viewer_options *opt);

typedef struct rena_viewer rena_viewer;

/* Opens the window. Without a display (DISPLAY unset or empty) this is
 * RENA_ERR_UNSUPPORTED "no display: run under xvfb-run or set DISPLAY";
 * a display that cannot be opened, or no OpenGL context on it, is
 * RENA_ERR_BACKEND with GLFW's reason. opt may be NULL (defaults). */
rena_status rena_viewer_open(const rena_viewer_options *opt, rena_viewer **out, rena_error *err);

/* NULL-safe; frees every attached model's render context. */
void rena_viewer_close(rena_viewer *v);

/* Makes a scene and render context for this face model (meshes, skin and
 * textures uploaded once). Attaching the same model again does nothing.
 * The model must outlive the viewer or the next rena_viewer_close. */
rena_status rena_viewer_attach(rena_viewer *v, const rena_sim_model *face, rena_error *err);

/* Points the shared free camera as the face's fixed camera looks at it:
 * same position, direction and vertical field of view. */
void rena_viewer_reset_camera(rena_viewer *v, const rena_sim_model *face, const mjData *d);

/* Framebuffer size in pixels (what a screenshot holds). */
void rena_viewer_size(const rena_viewer *v, int *width, int *height);

typedef enum {
    RENA_PANE_EMPTY = 0, /* nothing; the other pane takes the whole window */
    RENA_PANE_FACE,      /* an attached face model in its present state */
    RENA_PANE_IMAGE,     /* an RGB image, scaled to fit with its aspect kept */
    RENA_PANE_BARS       /* named values in [0,1] as horizontal bars */
} rena_pane_kind;

typedef struct {
    rena_pane_kind kind;
    /* FACE */
    const rena_sim_model *face; /* attached with rena_viewer_attach */
    mjData *data;               /* its state; only read */
    int landmarks;              /* draw the 68 landmarks (eyes yellow) and pupils */
    /* IMAGE */
    const rena_image *image;
    /* BARS: values clamped to [0,1] for drawing; NaN draws no bar. bar_ref
     * (may be NULL) marks a second value per bar with a thin line, e.g. what
     * the robot shows against the target's bar; its value is printed too. */
    int n_bars;
    const char *const *bar_name;
    const float *bar_value;
    const float *bar_ref;
    /* text over the pane (each may be NULL): a title at the top right, and
     * two columns at the top left, labels and values, one per line */
    const char *title;
    const char *labels, *values;
    /* a time series plotted along the bottom of the pane; non-finite
     * values are left out; the last 1000 points are drawn */
    const float *series;
    int n_series;
    const char *series_name;
} rena_viewer_pane;

typedef struct {
    rena_viewer_pane pane[2]; /* [0] left, [1] right */
    const char *status;       /* one line along the bottom of the window; may be NULL */
} rena_viewer_frame;

/* Draws a frame and shows it. With grab != NULL the window's pixels are
 * read back first (RGB, rows top-down, the framebuffer size); grab->rgb is
 * owned by the viewer until the next draw or close. Errors: a FACE pane
 * whose model is not attached (RENA_ERR_ARG), MuJoCo failing (RENA_ERR_BACKEND). */
rena_status rena_viewer_draw(rena_viewer *v, const rena_viewer_frame *frame, rena_image *grab,
                             rena_error *err);

typedef enum {
    RENA_VIEW_QUIT = 1,   /* Esc, Q or the window closed */
    RENA_VIEW_PLAY_PAUSE, /* space */
    RENA_VIEW_STEP,       /* right arrow (repeats while held) */
    RENA_VIEW_NEXT,       /* N */
    RENA_VIEW_PREV,       /* P */
    RENA_VIEW_LANDMARKS,  /* L */
    RENA_VIEW_FILTER,     /* F */
    RENA_VIEW_RESET       /* R */
} rena_viewer_action;

typedef struct {
    int n;                                              /* actions since the last poll */
    rena_viewer_action action[RENA_VIEWER_MAX_ACTIONS]; /* in the order they came */
    int redraw; /* the camera moved or the window changed */
} rena_viewer_events;

/* Handles the window's pending events, waiting up to wait_s seconds for one
 * when there is none (0 = do not wait), applies mouse moves to the camera
 * (left drag orbits, right drag pans, scroll zooms) and returns the actions.
 * Letters follow the keyboard layout (the character typed, either case). */
void rena_viewer_poll(rena_viewer *v, double wait_s, rena_viewer_events *ev);

#endif
