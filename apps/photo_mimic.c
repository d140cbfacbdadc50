/* photo_mimic.c: real photos -> landmarks -> blendshapes -> model -> robot
 * face -> side-by-side PNG (photo_mimic.h, docs/vision.md). */
#include "photo_mimic.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "atomicfile.h"
#include "backend.h"
#include "cli.h"
#include "image.h"
#include "model.h"
#include "modelfile.h"
#include "servo.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- perception ------------------------------------------------------------- */

void rena_photo_calib(const rena_perception_calib *sim,
                      const float neutral[RENA_PERCEPTION_NUM_MEASURES],
                      rena_perception_calib *out)
{
    *out = *sim;
    for (int i = 0; neutral && i < RENA_PERCEPTION_NUM_MEASURES; i++)
        if (isfinite(neutral[i]))
            out->ref[i] = neutral[i];
    memset(out->lid_slope, 0, sizeof out->lid_slope);
}

void rena_photo_result_free(rena_photo_result *r)
{
    if (r)
        rena_image_free(&r->photo);
}

rena_status rena_photo_perceive_file(rena_face_detector *d, const rena_perception_calib *calib,
                                     const char *path, rena_photo_result *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    rena_status st = rena_face_image_read(path, &out->photo, err);
    if (st != RENA_OK)
        return st;
    rena_face_stats stats;
    int n = 0;
    st = rena_face_detect(d, &out->photo, &out->face, 1, &n, &stats, err);
    if (st == RENA_OK) {
        out->timing.detect_ms = 1e3 * stats.detect_seconds;
        out->timing.landmark_ms = 1e3 * stats.landmark_seconds;
        out->found = n > 0;
    }
    if (st == RENA_OK && out->found) {
        double t0 = now_s();
        rena_face_to_features(&out->face, &out->features);
        /* dlib gives no pupils: the eye-gaze coefficients stay 0 */
        st = rena_perception_blendshapes(calib, out->features.landmarks, NULL,
                                         out->features.blendshapes, err);
        out->features.valid |= RENA_FEAT_BLENDSHAPES;
        out->timing.model_ms = 1e3 * (now_s() - t0);
        if (st != RENA_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", err ? err->message : "bad landmarks");
            rena_error_set(err, st, path, "%s", why);
        }
    }
    if (st != RENA_OK)
        rena_photo_result_free(out);
    return st;
}

rena_status rena_photo_calib_from_photo(rena_face_detector *d, const rena_perception_calib *sim,
                                        const char *path, rena_perception_calib *out,
                                        rena_error *err)
{
    rena_photo_result r;
    rena_status st = rena_photo_perceive_file(d, sim, path, &r, err);
    if (st != RENA_OK)
        return st;
    float m[RENA_PERCEPTION_NUM_MEASURES];
    if (!r.found)
        st = rena_error_set(err, RENA_ERR_NOT_FOUND, path,
                            "no face found in the neutral photo (upright, frontal, at least "
                            "about 80x80 pixels)");
    else if ((st = rena_perception_measure(r.features.landmarks, NULL, m, err)) == RENA_OK)
        rena_photo_calib(sim, m, out);
    rena_photo_result_free(&r);
    return st;
}

/* ---- the side-by-side picture ---------------------------------------------- */

/* Bilinear, pixel centres mapped onto pixel centres. */
static void scale_into(const rena_image *src, unsigned char *dst, int dst_stride, int w, int h)
{
    double sx = (double)src->width / w, sy = (double)src->height / h;
    for (int y = 0; y < h; y++) {
        double fy = fmax(0.0, (y + 0.5) * sy - 0.5);
        int y0 = (int)fy, y1 = y0 + 1 < src->height ? y0 + 1 : y0;
        double ay = fy - y0;
        for (int x = 0; x < w; x++) {
            double fx = fmax(0.0, (x + 0.5) * sx - 0.5);
            int x0 = (int)fx, x1 = x0 + 1 < src->width ? x0 + 1 : x0;
            double ax = fx - x0;
            const unsigned char *p00 = src->rgb + 3 * ((size_t)y0 * src->width + x0);
            const unsigned char *p01 = src->rgb + 3 * ((size_t)y0 * src->width + x1);
            const unsigned char *p10 = src->rgb + 3 * ((size_t)y1 * src->width + x0);
            const unsigned char *p11 = src->rgb + 3 * ((size_t)y1 * src->width + x1);
            unsigned char *q = dst + (size_t)y * dst_stride + 3 * (size_t)x;
            for (int c = 0; c < 3; c++) {
                double top = p00[c] + ax * (p01[c] - p00[c]);
                double bot = p10[c] + ax * (p11[c] - p10[c]);
                q[c] = (unsigned char)lround(top + ay * (bot - top));
            }
        }
    }
}

/* A filled green disc at (cx, cy) in continuous pixels, clipped to w x h. */
static void draw_dot(unsigned char *img, int stride, int w, int h, double cx, double cy, int r)
{
    int px = (int)floor(cx), py = (int)floor(cy);
    for (int y = py - r; y <= py + r; y++)
        for (int x = px - r; x <= px + r; x++) {
            if (x < 0 || y < 0 || x >= w || y >= h || (x - px) * (x - px) + (y - py) * (y - py) > r * r)
                continue;
            unsigned char *q = img + (size_t)y * stride + 3 * (size_t)x;
            q[0] = 40, q[1] = 255, q[2] = 40;
        }
}

rena_status rena_photo_side_by_side(const rena_image *photo, const rena_face_landmarks *face,
                                    const rena_image *robot, rena_image *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    if (!photo->rgb || photo->width <= 0 || photo->height <= 0 ||
        (robot && (!robot->rgb || robot->width <= 0 || robot->height <= 0)))
        return rena_error_set(err, RENA_ERR_ARG, "side-by-side", "empty image");
    int h = robot ? robot->height : photo->height;
    long pw = robot ? lround((double)photo->width * h / photo->height) : photo->width;
    if (pw < 1)
        pw = 1;
    long w = pw + (robot ? robot->width : 0);
    if (w > RENA_PNG_MAX_SIDE || (size_t)w * (size_t)h * 3 > RENA_PNG_MAX_RGB_BYTES)
        return rena_error_set(err, RENA_ERR_RANGE, "side-by-side",
                              "a %ldx%d picture is too large", w, h);
    out->rgb = malloc((size_t)w * (size_t)h * 3);
    if (!out->rgb)
        return rena_error_set(err, RENA_ERR_NOMEM, "side-by-side", "out of memory");
    out->width = (int)w, out->height = h;
    int stride = 3 * (int)w;
    scale_into(photo, out->rgb, stride, (int)pw, h);
    double s = (double)h / photo->height;
    int r = h >= 360 ? 2 : 1;
    for (int p = 0; face && p < RENA_NUM_LANDMARKS; p++)
        draw_dot(out->rgb, stride, (int)pw, h, s * face->landmarks[p][0],
                 s * face->landmarks[p][1], r);
    for (int y = 0; robot && y < h; y++)
        memcpy(out->rgb + (size_t)y * stride + 3 * (size_t)pw,
               robot->rgb + (size_t)y * robot->width * 3, (size_t)robot->width * 3);
    return RENA_OK;
}

/* ---- the list of photos ------------------------------------------------------ */

typedef struct {
    char **paths;
    int n;
    int folder; /* the input was a folder */
} photo_list;

static void photo_list_free(photo_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    memset(l, 0, sizeof *l);
}

static int is_photo_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return name[0] != '.' && dot &&
           (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static rena_status list_add(photo_list *l, const char *dir, const char *name, rena_error *err)
{
    char **grown = realloc(l->paths, (size_t)(l->n + 1) * sizeof *grown);
    if (!grown)
        return rena_error_set(err, RENA_ERR_NOMEM, dir, "out of memory");
    l->paths = grown;
    size_t len = strlen(dir) + strlen(name) + 2;
    if (!(l->paths[l->n] = malloc(len)))
        return rena_error_set(err, RENA_ERR_NOMEM, dir, "out of memory");
    snprintf(l->paths[l->n++], len, "%s%s%s", dir, *name ? "/" : "", name);
    return RENA_OK;
}

/* A file is a list of one; a folder lists its photos, sorted by name. */
static rena_status list_photos(const char *path, photo_list *l, rena_error *err)
{
    memset(l, 0, sizeof *l);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, path, "no such photo or folder");
    if (!S_ISDIR(sb.st_mode))
        return list_add(l, path, "", err);
    l->folder = 1;
    DIR *dir = opendir(path);
    if (!dir)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot read the folder");
    rena_status st = RENA_OK;
    for (struct dirent *e; st == RENA_OK && (e = readdir(dir));)
        if (is_photo_name(e->d_name))
            st = list_add(l, path, e->d_name, err);
    closedir(dir);
    if (st == RENA_OK && l->n == 0)
        st = rena_error_set(err, RENA_ERR_NOT_FOUND, path, "no .png or .jpg photo in the folder");
    if (st != RENA_OK)
        photo_list_free(l);
    else
        qsort(l->paths, (size_t)l->n, sizeof *l->paths, cmp_paths);
    return st;
}

/* ---- the run ----------------------------------------------------------------- */

typedef struct {
    const char *cmd;
    const rena_photo_mimic_options *o;
    rena_face_detector *detector;
    rena_model *model;
    rena_workspace *ws;
    rena_actuator robot;
    int camera;          /* the robot can render itself */
    rena_perception_calib calib;
    char tmp[4096];      /* output folder being built; "" without --out */
    FILE *csv;           /* commands.csv, or stdout */
    FILE *log;           /* latency lines */
    int with_face, skipped;
} photo_run;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The name as one CSV field: quoted when it holds a comma, quote or newline. */
static void write_name_field(FILE *fp, const char *name)
{
    if (!strpbrk(name, ",\"\n\r")) {
        fputs(name, fp);
        return;
    }
    fputc('"', fp);
    for (const char *c = name; *c; c++) {
        if (*c == '"')
            fputc('"', fp);
        fputc(*c, fp);
    }
    fputc('"', fp);
}

static rena_status open_run(photo_run *r, rena_error *err)
{
    rena_status st = rena_model_load(r->o->model, &r->model, err);
    if (st == RENA_OK && !(r->ws = rena_workspace_create(r->model)))
        st = rena_error_set(err, RENA_ERR_NOMEM, r->o->model, "out of memory");
    rena_backend_options bo;
    rena_backend_options_default(&bo);
    bo.sim.render = r->o->out != NULL;
    const char *spec = r->o->backend ? r->o->backend : "sim";
    if (st == RENA_OK && (st = rena_backend_open(spec, &bo, &r->robot, err)) == RENA_OK)
        r->camera = r->o->out && r->robot.name && !strcmp(r->robot.name, "sim");
    rena_perception_calib sim;
    if (st == RENA_OK) {
        /* a hardware face has no perception of its own: the twin defines "1.0" */
        rena_actuator twin = {0};
        int own = !(r->robot.name && !strcmp(r->robot.name, "sim"));
        rena_sim_options so;
        rena_sim_options_default(&so);
        so.render = 0;
        if (own)
            st = rena_sim_open(&so, &twin, err);
        if (st == RENA_OK)
            st = rena_sim_perception_calib(own ? &twin : &r->robot, &sim, err);
        if (own)
            rena_actuator_close(&twin);
    }
    if (st == RENA_OK)
        st = rena_face_detector_open(NULL, &r->detector, err);
    if (st == RENA_OK && r->o->neutral_image)
        st = rena_photo_calib_from_photo(r->detector, &sim, r->o->neutral_image, &r->calib, err);
    else if (st == RENA_OK)
        rena_photo_calib(&sim, NULL, &r->calib);
    return st;
}

static rena_status open_outputs(photo_run *r, rena_error *err)
{
    r->log = r->o->out ? stdout : stderr; /* stdout may carry the commands */
    if (!r->o->out)
        r->csv = stdout;
    else {
        rena_status st = rena_atomic_dir_begin(r->o->out, r->tmp, sizeof r->tmp, err);
        if (st != RENA_OK)
            return st;
        char path[4200];
        snprintf(path, sizeof path, "%s/commands.csv", r->tmp);
        if (!(r->csv = fopen(path, "w")))
            return rena_error_set(err, RENA_ERR_IO, path, "cannot create the file");
    }
    fprintf(r->csv, "photo");
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        fprintf(r->csv, ",%s", rena_servos[i].name);
    fprintf(r->csv, ",detect_ms,landmark_ms,model_ms\n");
    return RENA_OK;
}

static rena_status drive_robot(photo_run *r, const float cmd[RENA_NUM_SERVOS],
                               rena_observation *obs, rena_error *err)
{
    /* every photo starts from the same rest state, so its picture does not
     * depend on the photos before it */
    rena_status st = rena_actuator_reset(&r->robot, err);
    if (st == RENA_OK)
        st = rena_actuator_write(&r->robot, cmd, NULL, err);
    if (st == RENA_OK && r->camera)
        st = rena_actuator_observe(&r->robot, RENA_OBS_IMAGE, obs, err);
    return st;
}

static rena_status save_picture(photo_run *r, const char *path, const rena_photo_result *p,
                                const rena_observation *obs, rena_error *err)
{
    char out[4096 + 256 + 8], stem[256]; /* a file name is at most 255 bytes */
    snprintf(stem, sizeof stem, "%s", base_name(path));
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    snprintf(out, sizeof out, "%s/%s.png", r->tmp, stem);
    rena_image pic;
    rena_status st = rena_photo_side_by_side(&p->photo, &p->face,
                                             r->camera && obs->has_image ? &obs->image : NULL,
                                             &pic, err);
    if (st == RENA_OK)
        st = rena_png_write(out, &pic, err);
    rena_image_free(&pic);
    return st;
}

static void write_row(photo_run *r, const char *path, const float cmd[RENA_NUM_SERVOS],
                      const rena_photo_timing *t)
{
    write_name_field(r->csv, base_name(path));
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        fprintf(r->csv, ",%.6f", (double)cmd[i]);
    fprintf(r->csv, ",%.3f,%.3f,%.4f\n", t->detect_ms, t->landmark_ms, t->model_ms);
}

static rena_status run_photo(photo_run *r, const char *path, int folder, rena_error *err)
{
    rena_photo_result p;
    rena_status st = rena_photo_perceive_file(r->detector, &r->calib, path, &p, err);
    if (st != RENA_OK)
        return st;
    if (!p.found) {
        rena_photo_result_free(&p);
        r->skipped++;
        if (!folder)
            return rena_error_set(err, RENA_ERR_NOT_FOUND, path,
                                  "no face found (upright, frontal, at least about 80x80 pixels)");
        fprintf(stderr, "rena %s: warning: %s: no face found, skipped\n", r->cmd, path);
        return RENA_OK;
    }
    float cmd[RENA_NUM_SERVOS];
    double t0 = now_s();
    st = rena_model_predict(r->model, r->ws, &p.features, cmd);
    p.timing.model_ms += 1e3 * (now_s() - t0);
    if (st != RENA_OK)
        rena_error_set(err, st, r->o->model, "the model cannot read the photo's features");
    rena_observation obs;
    memset(&obs, 0, sizeof obs);
    if (st == RENA_OK)
        st = drive_robot(r, cmd, &obs, err);
    if (st == RENA_OK && r->tmp[0])
        st = save_picture(r, path, &p, &obs, err);
    if (st == RENA_OK) {
        write_row(r, path, cmd, &p.timing);
        fprintf(r->log, "rena %s: %s: face %.0fx%.0f px; detector %.1f ms, landmarks %.1f ms, "
                        "blendshapes+model %.3f ms\n",
                r->cmd, path, (double)p.face.width, (double)p.face.height, p.timing.detect_ms,
                p.timing.landmark_ms, p.timing.model_ms);
        r->with_face++;
    }
    rena_photo_result_free(&p);
    return st;
}

static rena_status run_all(photo_run *r, const photo_list *l, rena_error *err)
{
    rena_progress progress = rena_cli_progress(r->cmd);
    rena_status st = RENA_OK;
    for (int i = 0; st == RENA_OK && i < l->n; i++) {
        if (rena_progress_cancelled(&progress))
            st = rena_error_set(err, RENA_ERR_INTERRUPTED, l->paths[i], "interrupted");
        else {
            rena_progress_report(&progress, "photos", i, l->n, base_name(l->paths[i]));
            st = run_photo(r, l->paths[i], l->folder, err);
        }
    }
    rena_cli_progress_done();
    if (st == RENA_OK && r->with_face == 0)
        st = rena_error_set(err, RENA_ERR_NOT_FOUND, r->o->image,
                            "no face found in any of the %d photo(s)", l->n);
    return st;
}

static rena_status commit_outputs(photo_run *r, rena_error *err)
{
    FILE *fp = r->csv;
    r->csv = NULL;
    if (fp == stdout)
        return fflush(stdout) ? rena_error_set(err, RENA_ERR_IO, "stdout", "write failed")
                              : RENA_OK;
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad)
        return rena_error_set(err, RENA_ERR_IO, "commands.csv", "write failed");
    rena_status st = rena_atomic_dir_commit(r->tmp, r->o->out, err);
    if (st == RENA_OK)
        r->tmp[0] = '\0';
    return st;
}

static void close_run(photo_run *r)
{
    if (r->csv && r->csv != stdout)
        fclose(r->csv);
    if (r->tmp[0])
        rena_remove_tree(r->tmp);
    rena_face_detector_close(r->detector);
    rena_actuator_close(&r->robot);
    rena_workspace_free(r->ws);
    rena_model_free(r->model);
}

int rena_photo_mimic_cli(const char *cmd, const rena_photo_mimic_options *opt)
{
    photo_run r;
    memset(&r, 0, sizeof r);
    r.cmd = cmd;
    r.o = opt;
    rena_error err;
    rena_error_clear(&err);
    photo_list list;
    /* the photos are checked first: a typo should not wait for the model */
    rena_status st = list_photos(opt->image, &list, &err);
    if (st == RENA_OK)
        st = open_run(&r, &err);
    if (st == RENA_OK)
        st = open_outputs(&r, &err);
    if (st == RENA_OK)
        st = run_all(&r, &list, &err);
    if (st == RENA_OK)
        st = commit_outputs(&r, &err);
    if (st == RENA_OK)
        fprintf(r.log, "rena %s: %d photo(s), %d with a face, %d skipped without one%s%s\n", cmd,
                list.n, r.with_face, r.skipped, opt->out ? "; wrote " : "",
                opt->out ? opt->out : "");
    photo_list_free(&list);
    close_run(&r);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(cmd, &err);
}
