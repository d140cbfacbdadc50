/* viewer.c: see viewer.h. */
#define _GNU_SOURCE /* dl_iterate_phdr, RTLD_NOLOAD, RTLD_NODELETE */
#include "viewer.h"

#include <GLFW/glfw3.h>
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viewer_panes.h"

#define DEFAULT_WIDTH 1280
#define DEFAULT_HEIGHT 520
#define MAX_SIDE 8192
#define MAX_GEOMS 4000       /* the face has ~100 geoms; landmarks add 70 */
#define LANDMARK_RADIUS 0.0013
#define STATUS_PAD 10        /* pixels around the status line's text */

typedef struct {
    const mjModel *m;
    mjvScene scn;
    mjrContext con;
    int scn_made, con_made;
} face_slot;

struct rena_viewer {
    GLFWwindow *win;
    face_slot face[RENA_VIEWER_MAX_FACES];
    int n_faces;
    mjvOption opt;
    mjvCamera cam;
    mjvFigure *fig;
    /* input gathered by the GLFW callbacks, consumed by rena_viewer_poll */
    rena_viewer_action queue[RENA_VIEWER_MAX_ACTIONS];
    int n_queued;
    int button[3];
    double cursor[2];
    double rotate[2], pan[2], zoom;
    int redraw;
    /* pixel buffers, grown as needed */
    unsigned char *raw, *grab, *scaled;
    size_t raw_size, grab_size, scaled_size;
};

void rena_viewer_options_default(rena_viewer_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->width = DEFAULT_WIDTH;
    opt->height = DEFAULT_HEIGHT;
    opt->title = "rena";
}

static int grow(unsigned char **buf, size_t *size, size_t need)
{
    if (*size >= need)
        return 1;
    unsigned char *p = realloc(*buf, need);
    if (!p)
        return 0;
    *buf = p;
    *size = need;
    return 1;
}

/* ---- input ---------------------------------------------------------------- */

static void push(rena_viewer *v, rena_viewer_action a)
{
    if (v->n_queued < RENA_VIEWER_MAX_ACTIONS)
        v->queue[v->n_queued++] = a;
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods)
{
    (void)scancode;
    (void)mods;
    rena_viewer *v = glfwGetWindowUserPointer(w);
    if (key == GLFW_KEY_ESCAPE && action == GLFW_PRESS)
        push(v, RENA_VIEW_QUIT);
    else if (key == GLFW_KEY_RIGHT && (action == GLFW_PRESS || action == GLFW_REPEAT))
        push(v, RENA_VIEW_STEP);
}

/* Letters come from the character typed, so they follow the keyboard layout. */
static void on_char(GLFWwindow *w, unsigned int c)
{
    rena_viewer *v = glfwGetWindowUserPointer(w);
    static const struct {
        unsigned int c;
        rena_viewer_action a;
    } map[] = {{' ', RENA_VIEW_PLAY_PAUSE}, {'n', RENA_VIEW_NEXT},      {'p', RENA_VIEW_PREV},
               {'l', RENA_VIEW_LANDMARKS},  {'f', RENA_VIEW_FILTER},    {'r', RENA_VIEW_RESET},
               {'q', RENA_VIEW_QUIT}};
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].c == c)
            push(v, map[i].a);
}

static void on_button(GLFWwindow *w, int button, int action, int mods)
{
    (void)mods;
    rena_viewer *v = glfwGetWindowUserPointer(w);
    if (button >= 0 && button < 3)
        v->button[button] = action == GLFW_PRESS;
    glfwGetCursorPos(w, &v->cursor[0], &v->cursor[1]);
}

static void on_cursor(GLFWwindow *w, double x, double y)
{
    rena_viewer *v = glfwGetWindowUserPointer(w);
    double dx = x - v->cursor[0], dy = y - v->cursor[1];
    v->cursor[0] = x;
    v->cursor[1] = y;
    if (v->button[GLFW_MOUSE_BUTTON_LEFT]) {
        v->rotate[0] += dx;
        v->rotate[1] += dy;
    } else if (v->button[GLFW_MOUSE_BUTTON_RIGHT]) {
        v->pan[0] += dx;
        v->pan[1] += dy;
    } else if (v->button[GLFW_MOUSE_BUTTON_MIDDLE]) {
        v->zoom -= dy / 20.0;
    }
}

static void on_scroll(GLFWwindow *w, double xoff, double yoff)
{
    (void)xoff;
    rena_viewer *v = glfwGetWindowUserPointer(w);
    v->zoom += yoff;
}

static void on_refresh(GLFWwindow *w)
{
    rena_viewer *v = glfwGetWindowUserPointer(w);
    v->redraw = 1;
}

static void on_size(GLFWwindow *w, int width, int height)
{
    (void)width;
    (void)height;
    on_refresh(w);
}

/* Mouse moves are applied here, outside GLFW's callbacks, so MuJoCo is never
 * entered from inside the event loop. Relative moves are in window heights,
 * as MuJoCo's own simulate does. */
static void apply_camera_moves(rena_viewer *v)
{
    int moved = v->rotate[0] || v->rotate[1] || v->pan[0] || v->pan[1] || v->zoom;
    if (moved && v->n_faces > 0) {
        int w = 1, h = 1;
        glfwGetFramebufferSize(v->win, &w, &h);
        double H = h > 0 ? h : 1;
        const mjModel *m = v->face[0].m;
        mjvScene *scn = &v->face[0].scn;
        if (v->rotate[0] || v->rotate[1])
            mjv_moveCamera(m, mjMOUSE_ROTATE_V, v->rotate[0] / H, v->rotate[1] / H, scn, &v->cam);
        if (v->pan[0] || v->pan[1])
            mjv_moveCamera(m, mjMOUSE_MOVE_V, v->pan[0] / H, v->pan[1] / H, scn, &v->cam);
        if (v->zoom)
            mjv_moveCamera(m, mjMOUSE_ZOOM, 0, -0.05 * v->zoom, scn, &v->cam);
        v->redraw = 1;
    }
    v->rotate[0] = v->rotate[1] = v->pan[0] = v->pan[1] = v->zoom = 0;
}

void rena_viewer_poll(rena_viewer *v, double wait_s, rena_viewer_events *ev)
{
    memset(ev, 0, sizeof *ev);
    if (wait_s > 0)
        glfwWaitEventsTimeout(wait_s);
    else
        glfwPollEvents();
    if (glfwWindowShouldClose(v->win)) {
        glfwSetWindowShouldClose(v->win, GLFW_FALSE);
        push(v, RENA_VIEW_QUIT);
    }
    apply_camera_moves(v);
    ev->n = v->n_queued;
    memcpy(ev->action, v->queue, sizeof v->queue);
    ev->redraw = v->redraw;
    v->n_queued = 0;
    v->redraw = 0;
}

/* ---- opening and closing --------------------------------------------------- */

static rena_status glfw_failure(rena_error *err, const char *what)
{
    const char *why = NULL;
    glfwGetError(&why);
    return rena_error_set(err, RENA_ERR_BACKEND, "display", "%s%s%s", what, why ? ": " : "",
                          why ? why : "");
}

static rena_status make_window(rena_viewer *v, const rena_viewer_options *o, rena_error *err)
{
    const char *display = getenv("DISPLAY");
    if (!display || !*display)
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, "",
                              "no display: run under xvfb-run or set DISPLAY");
    if (!glfwInit())
        return glfw_failure(err, "cannot open the display");
    glfwDefaultWindowHints();
    /* multisampling costs tens of ms a frame on software GL (llvmpipe) */
    glfwWindowHint(GLFW_SAMPLES, 0);
    glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);
    v->win = glfwCreateWindow(o->width, o->height, o->title ? o->title : "rena", NULL, NULL);
    if (!v->win) {
        rena_status st = glfw_failure(err, "cannot create an OpenGL window");
        glfwTerminate();
        return st;
    }
    glfwMakeContextCurrent(v->win);
    glfwSwapInterval(o->vsync ? 1 : 0);
    glfwMakeContextCurrent(NULL);
    glfwSetWindowUserPointer(v->win, v);
    glfwSetKeyCallback(v->win, on_key);
    glfwSetCharCallback(v->win, on_char);
    glfwSetMouseButtonCallback(v->win, on_button);
    glfwSetCursorPosCallback(v->win, on_cursor);
    glfwSetScrollCallback(v->win, on_scroll);
    glfwSetWindowRefreshCallback(v->win, on_refresh);
    glfwSetFramebufferSizeCallback(v->win, on_size);
    return RENA_OK;
}

rena_status rena_viewer_open(const rena_viewer_options *opt, rena_viewer **out, rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "viewer", "no viewer to fill");
    *out = NULL;
    rena_viewer_options o;
    rena_viewer_options_default(&o);
    if (opt)
        o = *opt;
    if (o.width == 0 && o.height == 0) {
        o.width = DEFAULT_WIDTH;
        o.height = DEFAULT_HEIGHT;
    }
    if (o.width < 64 || o.height < 64 || o.width > MAX_SIDE || o.height > MAX_SIDE)
        return rena_error_set(err, RENA_ERR_RANGE, "viewer options: width/height",
                              "window %dx%d must be 64..%d on each side", o.width, o.height,
                              MAX_SIDE);
    rena_viewer *v = calloc(1, sizeof *v);
    if (!v || !(v->fig = calloc(1, sizeof *v->fig))) {
        free(v);
        return rena_error_set(err, RENA_ERR_NOMEM, "viewer", "out of memory");
    }
    mjv_defaultOption(&v->opt);
    mjv_defaultCamera(&v->cam);
    mjv_defaultFigure(v->fig);
    rena_status st = make_window(v, &o, err);
    if (st != RENA_OK) {
        free(v->fig);
        free(v);
        return st;
    }
    *out = v;
    return RENA_OK;
}

static void free_slot(void *arg)
{
    face_slot *f = arg;
    if (f->con_made)
        mjr_freeContext(&f->con);
    if (f->scn_made)
        mjv_freeScene(&f->scn);
    f->con_made = f->scn_made = 0;
}

static int pin_library(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    (void)arg;
    void *h = info->dlpi_name && info->dlpi_name[0]
                  ? dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE)
                  : NULL;
    if (h)
        dlclose(h); /* the count goes back; the no-delete mark stays */
    return 0;
}

/* Closing the display makes GLFW unload the X extension libraries it opened
 * and Mesa unload its GL driver. Their globals still point at what they
 * allocated, which LeakSanitizer then reports as leaks it cannot even name
 * the library of (suppressions cannot match it). Keeping every library that
 * is loaded now in memory until the process ends avoids that, and a viewer
 * opened again later does not reload the driver. */
static void keep_libraries_loaded(void)
{
    dl_iterate_phdr(pin_library, NULL);
}

void rena_viewer_close(rena_viewer *v)
{
    if (!v)
        return;
    glfwMakeContextCurrent(v->win);
    for (int i = 0; i < v->n_faces; i++)
        rena_sim_guard(free_slot, &v->face[i], "viewer", NULL);
    glfwMakeContextCurrent(NULL);
    glfwDestroyWindow(v->win);
    keep_libraries_loaded();
    glfwTerminate();
    free(v->fig);
    free(v->raw);
    free(v->grab);
    free(v->scaled);
    free(v);
}

/* ---- faces and camera ------------------------------------------------------ */

static void make_slot(void *arg)
{
    face_slot *f = arg;
    mjv_defaultScene(&f->scn);
    mjv_makeScene(f->m, &f->scn, MAX_GEOMS);
    f->scn_made = 1;
    mjr_defaultContext(&f->con);
    mjr_makeContext(f->m, &f->con, mjFONTSCALE_100);
    f->con_made = 1;
    /* mjr_render restores con->currentBuffer after its shadow passes */
    mjr_setBuffer(mjFB_WINDOW, &f->con);
}

static face_slot *find_slot(rena_viewer *v, const mjModel *m)
{
    for (int i = 0; i < v->n_faces; i++)
        if (v->face[i].m == m)
            return &v->face[i];
    return NULL;
}

rena_status rena_viewer_attach(rena_viewer *v, const rena_sim_model *face, rena_error *err)
{
    if (!v || !face || !face->m)
        return rena_error_set(err, RENA_ERR_ARG, "viewer", "no viewer or face model");
    if (find_slot(v, face->m))
        return RENA_OK;
    if (v->n_faces >= RENA_VIEWER_MAX_FACES)
        return rena_error_set(err, RENA_ERR_RANGE, "viewer", "at most %d face models",
                              RENA_VIEWER_MAX_FACES);
    face_slot *f = &v->face[v->n_faces];
    memset(f, 0, sizeof *f);
    f->m = face->m;
    glfwMakeContextCurrent(v->win);
    rena_status st = rena_sim_guard(make_slot, f, "viewer", err);
    if (st == RENA_OK)
        v->n_faces++;
    else
        rena_sim_guard(free_slot, f, "viewer", NULL);
    glfwMakeContextCurrent(NULL);
    return st;
}

void rena_viewer_reset_camera(rena_viewer *v, const rena_sim_model *face, const mjData *d)
{
    const mjModel *m = face->m;
    int c = face->camera;
    const mjtNum *pos = d->cam_xpos + 3 * c, *mat = d->cam_xmat + 9 * c;
    /* a MuJoCo camera looks along its frame's -z axis */
    mjtNum fwd[3] = {-mat[2], -mat[5], -mat[8]};
    const mjtNum *head = d->xpos + 3 * face->head_body;
    mjtNum dist = 0;
    for (int k = 0; k < 3; k++)
        dist += (head[k] - pos[k]) * fwd[k];
    if (!(dist > 0))
        dist = m->stat.extent;
    v->cam.type = mjCAMERA_FREE;
    v->cam.trackbodyid = -1;
    v->cam.fixedcamid = -1;
    for (int k = 0; k < 3; k++)
        v->cam.lookat[k] = pos[k] + dist * fwd[k];
    v->cam.azimuth = atan2(fwd[1], fwd[0]) * 180.0 / M_PI;
    v->cam.elevation = asin(fwd[2] < -1 ? -1 : fwd[2] > 1 ? 1 : fwd[2]) * 180.0 / M_PI;
    /* the free camera uses the model's global fovy: same framing at another distance */
    double want = tan(m->cam_fovy[c] * M_PI / 360.0), have = tan(m->vis.global.fovy * M_PI / 360.0);
    v->cam.distance = have > 0 ? dist * want / have : dist;
    v->redraw = 1;
}

void rena_viewer_size(const rena_viewer *v, int *width, int *height)
{
    glfwGetFramebufferSize(v->win, width, height);
}

/* ---- drawing ---------------------------------------------------------------- */

typedef struct {
    rena_viewer *v;
    const rena_viewer_frame *frame;
    mjrRect whole, status, rect[2];
    face_slot *slot[2];
    int grab;
} draw_job;

/* Fonts and 2D drawing use the first face's render context. */
static mjrContext *text_context(const draw_job *j)
{
    return &j->v->face[0].con;
}

static void add_landmarks(mjvScene *scn, const rena_sim_model *face, const mjData *d)
{
    static const float green[4] = {0.16f, 1.0f, 0.24f, 1}, yellow[4] = {1.0f, 0.9f, 0, 1},
                       cyan[4] = {0, 0.85f, 1.0f, 1};
    const mjtNum size[3] = {LANDMARK_RADIUS, 0, 0};
    for (int k = 0; k < RENA_NUM_LANDMARKS + 2 && scn->ngeom < scn->maxgeom; k++) {
        mjtNum p[3] = {0, 0, 0};
        const float *rgba = (k >= 36 && k < 48) ? yellow : green;
        if (k < RENA_NUM_LANDMARKS) {
            const rena_sim_landmark *lm = &face->landmark[k];
            for (int s = 0; s < lm->count; s++)
                for (int a = 0; a < 3; a++)
                    p[a] += lm->weight[s] * d->site_xpos[3 * lm->site[s] + a];
        } else {
            int site = face->pupil_site[k - RENA_NUM_LANDMARKS];
            if (site < 0)
                continue;
            memcpy(p, d->site_xpos + 3 * site, sizeof p);
            rgba = cyan;
        }
        mjvGeom *g = &scn->geoms[scn->ngeom++];
        mjv_initGeom(g, mjGEOM_SPHERE, size, p, NULL, rgba);
        g->emission = 0.7f;
    }
}

static void draw_face(draw_job *j, int i)
{
    const rena_viewer_pane *p = &j->frame->pane[i];
    face_slot *f = j->slot[i];
    mjv_updateScene(f->m, p->data, &j->v->opt, NULL, &j->v->cam, mjCAT_ALL, &f->scn);
    if (p->landmarks)
        add_landmarks(&f->scn, p->face, p->data);
    mjr_setBuffer(mjFB_WINDOW, &f->con);
    mjr_render(j->rect[i], &f->scn, &f->con);
}

static void draw_all(void *arg)
{
    draw_job *j = arg;
    mjrContext *con = text_context(j);
    mjr_setBuffer(mjFB_WINDOW, con);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    mjr_rectangle(j->whole, 0.1f, 0.1f, 0.12f, 1);
    for (int i = 0; i < 2; i++) {
        const rena_viewer_pane *p = &j->frame->pane[i];
        if (j->rect[i].width <= 0)
            continue;
        if (p->kind == RENA_PANE_FACE)
            draw_face(j, i);
        else if (p->kind == RENA_PANE_IMAGE)
            rena_viewer_pane_image(con, j->rect[i], p->image, &j->v->scaled, &j->v->scaled_size);
        else if (p->kind == RENA_PANE_BARS)
            rena_viewer_pane_bars(con, j->rect[i], p);
        if (p->series && p->n_series > 0)
            rena_viewer_pane_series(con, j->rect[i], p, j->v->fig);
        rena_viewer_pane_text(con, j->rect[i], p);
    }
    if (j->status.height > 0)
        mjr_label(j->status, mjFONT_NORMAL, j->frame->status, 0.06f, 0.06f, 0.07f, 1, 0.8f, 0.8f,
                  0.8f, con);
    mjr_setBuffer(mjFB_WINDOW, con);
    if (j->grab)
        mjr_readPixels(j->v->raw, NULL, j->whole, con);
}

/* Left and right halves above the status line; an empty pane gives its
 * half to the other. */
static void layout(draw_job *j, int width, int height)
{
    const rena_viewer_frame *f = j->frame;
    int status_h = f->status && f->status[0] ? text_context(j)->charHeight + 2 * STATUS_PAD : 0;
    j->whole = (mjrRect){0, 0, width, height};
    j->status = (mjrRect){0, 0, width, status_h};
    mjrRect area = {0, status_h, width, height - status_h};
    int left = f->pane[0].kind != RENA_PANE_EMPTY, right = f->pane[1].kind != RENA_PANE_EMPTY;
    memset(j->rect, 0, sizeof j->rect);
    if (left && right) {
        j->rect[0] = (mjrRect){0, area.bottom, width / 2, area.height};
        j->rect[1] = (mjrRect){width / 2, area.bottom, width - width / 2, area.height};
    } else if (left || right) {
        j->rect[left ? 0 : 1] = area;
    }
}

static rena_status check_frame(rena_viewer *v, const rena_viewer_frame *f, draw_job *j,
                               rena_error *err)
{
    if (!v || !f)
        return rena_error_set(err, RENA_ERR_ARG, "viewer", "no viewer or frame");
    if (v->n_faces == 0)
        return rena_error_set(err, RENA_ERR_ARG, "viewer", "attach a face model first");
    for (int i = 0; i < 2; i++) {
        const rena_viewer_pane *p = &f->pane[i];
        j->slot[i] = NULL;
        if (p->kind != RENA_PANE_FACE)
            continue;
        if (!p->face || !p->data || !(j->slot[i] = find_slot(v, p->face->m)))
            return rena_error_set(err, RENA_ERR_ARG, i ? "viewer: right pane" : "viewer: left pane",
                                  "face model not attached (rena_viewer_attach)");
    }
    return RENA_OK;
}

static void flip_grab(rena_viewer *v, int width, int height, rena_image *grab)
{
    size_t row = (size_t)width * 3;
    for (int y = 0; y < height; y++)
        memcpy(v->grab + (size_t)y * row, v->raw + (size_t)(height - 1 - y) * row, row);
    grab->width = width;
    grab->height = height;
    grab->rgb = v->grab;
}

rena_status rena_viewer_draw(rena_viewer *v, const rena_viewer_frame *frame, rena_image *grab,
                             rena_error *err)
{
    draw_job j = {.v = v, .frame = frame, .grab = grab != NULL};
    rena_status st = check_frame(v, frame, &j, err);
    if (st != RENA_OK)
        return st;
    int width = 0, height = 0;
    glfwGetFramebufferSize(v->win, &width, &height);
    if (width <= 0 || height <= 0) /* minimised */
        return grab ? rena_error_set(err, RENA_ERR_BACKEND, "viewer",
                                     "the window has no pixels to read (minimised)")
                    : RENA_OK;
    size_t bytes = (size_t)width * height * 3;
    if (grab && (!grow(&v->raw, &v->raw_size, bytes) || !grow(&v->grab, &v->grab_size, bytes)))
        return rena_error_set(err, RENA_ERR_NOMEM, "viewer", "out of memory");
    layout(&j, width, height);
    glfwMakeContextCurrent(v->win);
    st = rena_sim_guard(draw_all, &j, "viewer", err);
    if (st == RENA_OK)
        glfwSwapBuffers(v->win);
    glfwMakeContextCurrent(NULL);
    if (st == RENA_OK && grab)
        flip_grab(v, width, height, grab);
    return st;
}
