#include "sim_render.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"

struct rena_sim_renderer {
    EGLDisplay display;
    EGLContext context;
    int width, height;
    mjvScene scene;
    mjvOption option;
    mjvCamera camera;
    mjrContext con;
    int scene_made, con_made;
    unsigned char *pixels; /* bottom-up, as OpenGL reads them */
    unsigned char *rgb;    /* top-down, handed out */
};

/* MuJoCo loads its GL entry points into process-wide tables the first time a
 * render context is made; creating and freeing contexts is serialised so two
 * threads never race there. Drawing is not serialised. */
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;

static EGLDisplay surfaceless_display(void)
{
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_display)
        return EGL_NO_DISPLAY;
    return get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
}

static rena_status make_egl_context(rena_sim_renderer *r, rena_error *err)
{
    r->display = surfaceless_display();
    if (r->display == EGL_NO_DISPLAY)
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL",
                              "no surfaceless EGL display (EGL_MESA_platform_surfaceless)");
    EGLint major = 0, minor = 0;
    if (!eglInitialize(r->display, &major, &minor))
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL", "eglInitialize failed (0x%x)",
                              (unsigned)eglGetError());
    static const EGLint config_attr[] = {EGL_SURFACE_TYPE,
                                         EGL_PBUFFER_BIT,
                                         EGL_RED_SIZE,
                                         8,
                                         EGL_GREEN_SIZE,
                                         8,
                                         EGL_BLUE_SIZE,
                                         8,
                                         EGL_ALPHA_SIZE,
                                         8,
                                         EGL_DEPTH_SIZE,
                                         24,
                                         EGL_RENDERABLE_TYPE,
                                         EGL_OPENGL_BIT,
                                         EGL_NONE};
    EGLConfig config;
    EGLint count = 0;
    if (!eglChooseConfig(r->display, config_attr, &config, 1, &count) || count < 1)
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL", "no RGBA8/depth24 OpenGL config");
    if (!eglBindAPI(EGL_OPENGL_API))
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL", "desktop OpenGL not available");
    r->context = eglCreateContext(r->display, config, EGL_NO_CONTEXT, NULL);
    if (r->context == EGL_NO_CONTEXT)
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL", "eglCreateContext failed (0x%x)",
                              (unsigned)eglGetError());
    return RENA_OK;
}

static rena_status make_current(rena_sim_renderer *r, rena_error *err)
{
    eglBindAPI(EGL_OPENGL_API);
    if (!eglMakeCurrent(r->display, EGL_NO_SURFACE, EGL_NO_SURFACE, r->context))
        return rena_error_set(err, RENA_ERR_BACKEND, "EGL", "eglMakeCurrent failed (0x%x)",
                              (unsigned)eglGetError());
    return RENA_OK;
}

static void release_current(rena_sim_renderer *r)
{
    eglMakeCurrent(r->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

typedef struct {
    rena_sim_renderer *r;
    const mjModel *m;
} make_job;

static void make_mujoco_context(void *arg)
{
    make_job *job = arg;
    rena_sim_renderer *r = job->r;
    mjv_defaultScene(&r->scene);
    mjv_makeScene(job->m, &r->scene, 2000);
    r->scene_made = 1;
    mjr_defaultContext(&r->con);
    mjr_makeContext(job->m, &r->con, mjFONTSCALE_100);
    r->con_made = 1;
    mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
}

rena_status rena_sim_renderer_open(const mjModel *m, int width, int height,
                                   rena_sim_renderer **out, rena_error *err)
{
    *out = NULL;
    if (width <= 0 || height <= 0 || width > m->vis.global.offwidth ||
        height > m->vis.global.offheight)
        return rena_error_set(err, RENA_ERR_ARG, "render",
                              "image %dx%d does not fit the offscreen buffer %dx%d", width, height,
                              m->vis.global.offwidth, m->vis.global.offheight);
    rena_sim_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return rena_error_set(err, RENA_ERR_NOMEM, "render", "out of memory");
    r->width = width;
    r->height = height;
    r->pixels = malloc((size_t)width * height * 3);
    r->rgb = malloc((size_t)width * height * 3);
    if (!r->pixels || !r->rgb) {
        rena_sim_renderer_close(r);
        return rena_error_set(err, RENA_ERR_NOMEM, "render", "out of memory");
    }
    mjv_defaultOption(&r->option);
    mjv_defaultCamera(&r->camera);
    pthread_mutex_lock(&context_lock);
    rena_status st = make_egl_context(r, err);
    if (st == RENA_OK)
        st = make_current(r, err);
    if (st == RENA_OK) {
        make_job job = {r, m};
        st = rena_sim_guard(make_mujoco_context, &job, "render", err);
        if (st == RENA_OK && r->con.currentBuffer != mjFB_OFFSCREEN)
            st = rena_error_set(err, RENA_ERR_BACKEND, "render", "no offscreen framebuffer");
        release_current(r);
    }
    pthread_mutex_unlock(&context_lock);
    if (st != RENA_OK) {
        rena_sim_renderer_close(r);
        return st;
    }
    *out = r;
    return RENA_OK;
}

typedef struct {
    rena_sim_renderer *r;
    const mjModel *m;
    mjData *d;
} draw_job;

static void draw_scene(void *arg)
{
    draw_job *job = arg;
    rena_sim_renderer *r = job->r;
    mjrRect viewport = {0, 0, r->width, r->height};
    mjv_updateScene(job->m, job->d, &r->option, NULL, &r->camera, mjCAT_ALL, &r->scene);
    mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
    mjr_render(viewport, &r->scene, &r->con);
    mjr_readPixels(r->pixels, NULL, viewport, &r->con);
}

rena_status rena_sim_renderer_draw(rena_sim_renderer *r, const mjModel *m, mjData *d, int camera,
                                   rena_image *img, rena_error *err)
{
    r->camera.type = mjCAMERA_FIXED;
    r->camera.fixedcamid = camera;
    rena_status st = make_current(r, err);
    if (st != RENA_OK)
        return st;
    draw_job job = {r, m, d};
    st = rena_sim_guard(draw_scene, &job, "render", err);
    release_current(r);
    if (st != RENA_OK)
        return st;
    /* OpenGL rows run bottom-up; images are top-down */
    size_t row = (size_t)r->width * 3;
    for (int y = 0; y < r->height; y++)
        memcpy(r->rgb + (size_t)y * row, r->pixels + (size_t)(r->height - 1 - y) * row, row);
    img->width = r->width;
    img->height = r->height;
    img->rgb = r->rgb;
    return RENA_OK;
}

static void free_mujoco_context(void *arg)
{
    rena_sim_renderer *r = arg;
    if (r->con_made)
        mjr_freeContext(&r->con);
    if (r->scene_made)
        mjv_freeScene(&r->scene);
    r->con_made = r->scene_made = 0;
}

void rena_sim_renderer_close(rena_sim_renderer *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&context_lock);
    if (r->context && r->context != EGL_NO_CONTEXT) {
        if (make_current(r, NULL) == RENA_OK) {
            rena_sim_guard(free_mujoco_context, r, "render", NULL);
            release_current(r);
        }
        eglDestroyContext(r->display, r->context);
    } else if (r->scene_made) {
        mjv_freeScene(&r->scene);
    }
    /* The display is shared by every renderer of the process and is never
     * terminated: eglTerminate would pull it from under the others. */
    pthread_mutex_unlock(&context_lock);
    free(r->pixels);
    free(r->rgb);
    free(r);
}
