/* cmd_render.c: `rena render` draws one face of the simulated robot to PNG. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "image.h"

static const char *const CMD = "render";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena render (--command FILE | --neutral) --out FACE.png [options]\n"
            "\n"
            "Renders the simulated face holding one servo command.\n"
            "\n"
            "  --command FILE   the command: either a JSON object of servo names and\n"
            "                   normalised values, e.g. {\"jaw_l\": 0.8, \"jaw_r\": 0.8}\n"
            "                   (servos left out keep their neutral value), or 25 numbers\n"
            "                   in servo order separated by spaces, commas or newlines\n"
            "                   ('#' starts a comment). Values must be in [0,1].\n"
            "  --neutral        the neutral face\n"
            "  --set NAME=V     set one servo (repeatable; applied after --command)\n"
            "  --out FILE       PNG to write (written atomically)\n"
            "  --scene FILE     MJCF scene (default: the shipped scenes/face.xml)\n"
            "  --width W        image width in pixels (default 640)\n"
            "  --height H       image height in pixels (default 480)\n"
            "  --landmarks      draw the 68 landmarks on the image\n"
            "  --print          print the blendshapes that are not zero and the head pose\n"
            "\n"
            "Servos, in the order of a 25-number command:\n ");
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        fprintf(out, " %s%s", rena_servos[i].name, i % 8 == 7 ? "\n " : "");
    fprintf(out, "\n");
}

/* ---- command files -------------------------------------------------------- */

static rena_status check_value(const char *where, double v, rena_error *err)
{
    if (!isfinite(v) || v < 0.0 || v > 1.0)
        return rena_error_set(err, RENA_ERR_RANGE, where, "%g is not in [0,1]", v);
    return RENA_OK;
}

static rena_status parse_json_command(const char *path, const char *text,
                                      float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    cJSON *root = cJSON_Parse(text);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return rena_error_set(err, RENA_ERR_FORMAT, path,
                              "not a JSON object of servo names to values");
    }
    rena_status st = RENA_OK;
    char where[4200];
    for (const cJSON *item = root->child; item && st == RENA_OK; item = item->next) {
        snprintf(where, sizeof where, "%s: %s", path, item->string);
        int servo = rena_servo_index(item->string);
        if (servo < 0)
            st = rena_error_set(err, RENA_ERR_FORMAT, where, "unknown servo name");
        else if (!cJSON_IsNumber(item))
            st = rena_error_set(err, RENA_ERR_FORMAT, where, "value must be a number");
        else if ((st = check_value(where, item->valuedouble, err)) == RENA_OK)
            cmd[servo] = (float)item->valuedouble;
    }
    cJSON_Delete(root);
    return st;
}

static rena_status parse_number_command(const char *path, char *text, float cmd[RENA_NUM_SERVOS],
                                        rena_error *err)
{
    int n = 0, line = 1;
    char where[4200];
    for (char *p = text; *p;) {
        if (*p == '\n')
            line++;
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',') {
            p++;
            continue;
        }
        snprintf(where, sizeof where, "%s:%d", path, line);
        char *end = NULL;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "expected a number near '%.12s'", p);
        if (*end && !strchr(" \t\r\n,#", *end))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "expected a number near '%.12s'", p);
        if (n == RENA_NUM_SERVOS)
            return rena_error_set(err, RENA_ERR_SHAPE, where, "more than %d numbers",
                                  RENA_NUM_SERVOS);
        snprintf(where, sizeof where, "%s:%d: value %d (%s)", path, line, n + 1,
                 rena_servos[n].name);
        rena_status st = check_value(where, v, err);
        if (st != RENA_OK)
            return st;
        cmd[n++] = (float)v;
        p = end;
    }
    if (n != RENA_NUM_SERVOS)
        return rena_error_set(err, RENA_ERR_SHAPE, path, "expected %d numbers, found %d",
                              RENA_NUM_SERVOS, n);
    return RENA_OK;
}

static rena_status load_command(const char *path, float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    char *text = (char *)data;
    if (strlen(text) != size) {
        free(data);
        return rena_error_set(err, RENA_ERR_FORMAT, path, "binary data in a command file");
    }
    const char *first = text + strspn(text, " \t\r\n");
    st = *first == '{' ? parse_json_command(path, text, cmd, err)
                       : parse_number_command(path, text, cmd, err);
    free(data);
    return st;
}

static rena_status apply_set(const char *arg, float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    if (!eq || (size_t)(eq - arg) >= sizeof name)
        return rena_error_set(err, RENA_ERR_ARG, "--set", "expected NAME=VALUE, got '%s'", arg);
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    int servo = rena_servo_index(name);
    if (servo < 0)
        return rena_error_set(err, RENA_ERR_ARG, "--set", "unknown servo '%s'", name);
    char *end = NULL;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end)
        return rena_error_set(err, RENA_ERR_ARG, "--set", "'%s' is not a number", eq + 1);
    char where[128];
    snprintf(where, sizeof where, "--set %s", name);
    rena_status st = check_value(where, v, err);
    if (st == RENA_OK)
        cmd[servo] = (float)v;
    return st;
}

/* ---- drawing and printing ------------------------------------------------- */

static void draw_dot(rena_image *img, float x, float y, const unsigned char rgb[3])
{
    if (!(x > -2.0f && y > -2.0f && x < (float)img->width + 2.0f && y < (float)img->height + 2.0f))
        return; /* off the image (or NaN): nothing to draw */
    int cx = (int)floorf(x), cy = (int)floorf(y);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int px = cx + dx, py = cy + dy;
            if (px < 0 || py < 0 || px >= img->width || py >= img->height)
                continue;
            memcpy(img->rgb + ((size_t)py * img->width + px) * 3, rgb, 3);
        }
}

static void draw_landmarks(rena_image *img, const rena_features *f)
{
    static const unsigned char green[3] = {40, 255, 60}, yellow[3] = {255, 230, 0};
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++)
        draw_dot(img, f->landmarks[k][0], f->landmarks[k][1], (k >= 36 && k < 48) ? yellow : green);
}

static void print_features(const rena_features *f)
{
    printf("head_pose yaw %.4f pitch %.4f roll %.4f\n", f->head_pose[0], f->head_pose[1],
           f->head_pose[2]);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (f->blendshapes[k] > 0.0005f)
            printf("%-22s %.3f\n", rena_blendshape_names[k], f->blendshapes[k]);
}

/* ---- the command ---------------------------------------------------------- */

typedef struct {
    const char *command_file, *out, *scene;
    const char *sets[RENA_NUM_SERVOS * 2];
    int nsets, neutral, landmarks, print;
    long width, height;
} render_args;

static int parse_args(int argc, char **argv, render_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(o, "--neutral")) {
            a->neutral = 1;
        } else if (!strcmp(o, "--landmarks")) {
            a->landmarks = 1;
        } else if (!strcmp(o, "--print")) {
            a->print = 1;
        } else if (!strcmp(o, "--command") || !strcmp(o, "--out") || !strcmp(o, "--scene") ||
                   !strcmp(o, "--width") || !strcmp(o, "--height") || !strcmp(o, "--set")) {
            if (!has_value)
                return rena_cli_usage_error(CMD, "%s needs a value", o);
            const char *v = argv[++i];
            if (!strcmp(o, "--command"))
                a->command_file = v;
            else if (!strcmp(o, "--out"))
                a->out = v;
            else if (!strcmp(o, "--scene"))
                a->scene = v;
            else if (!strcmp(o, "--set")) {
                if (a->nsets == (int)(sizeof a->sets / sizeof a->sets[0]))
                    return rena_cli_usage_error(CMD, "too many --set options");
                a->sets[a->nsets++] = v;
            } else if (rena_cli_parse_long(CMD, o, v, 1, 4096,
                                           !strcmp(o, "--width") ? &a->width : &a->height))
                return RENA_EXIT_USAGE;
        } else {
            return rena_cli_usage_error(CMD, "unknown option '%s'", o);
        }
    }
    if (!a->command_file && !a->neutral)
        return rena_cli_usage_error(CMD, "give --command FILE or --neutral");
    if (a->command_file && a->neutral)
        return rena_cli_usage_error(CMD, "--command and --neutral exclude each other");
    if (!a->out)
        return rena_cli_usage_error(CMD, "--out FILE is required");
    if ((a->width == 0) != (a->height == 0))
        return rena_cli_usage_error(CMD, "give both --width and --height, or neither");
    return 0;
}

static int render_face(const render_args *a, const float cmd[RENA_NUM_SERVOS])
{
    rena_error err;
    rena_error_clear(&err);
    rena_backend_options bo;
    rena_backend_options_default(&bo);
    bo.sim.scene_path = a->scene;
    bo.sim.width = (int)a->width;
    bo.sim.height = (int)a->height;
    rena_actuator act;
    if (rena_backend_open("sim", &bo, &act, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    rena_observation obs;
    rena_status st = rena_actuator_write(&act, cmd, NULL, &err);
    if (st == RENA_OK)
        st = rena_actuator_observe(&act, RENA_OBS_FEATURES | RENA_OBS_IMAGE, &obs, &err);
    if (st == RENA_OK && !obs.has_image)
        st = rena_error_set(&err, RENA_ERR_BACKEND, "render", "the backend returned no image");
    if (st == RENA_OK) {
        if (a->landmarks)
            draw_landmarks(&obs.image, &obs.features);
        st = rena_png_write(a->out, &obs.image, &err);
    }
    if (st == RENA_OK && a->print)
        print_features(&obs.features);
    rena_actuator_close(&act);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}

int rena_cmd_render(int argc, char **argv)
{
    render_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? RENA_EXIT_OK : rc;
    float cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(cmd);
    rena_error err;
    rena_error_clear(&err);
    if (a.command_file && load_command(a.command_file, cmd, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    for (int i = 0; i < a.nsets; i++)
        if (apply_set(a.sets[i], cmd, &err) != RENA_OK)
            return rena_cli_fail(CMD, &err);
    return render_face(&a, cmd);
}
