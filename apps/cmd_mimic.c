/* cmd_mimic.c: `rena mimic`, drive the face from a performer's expressions,
 * frame by frame (paper Fig. 3, right; docs/mimic.md). */
#include <cjson/cJSON.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "image.h"
#include "mimic.h"
#include "modelfile.h"
#include "photo_mimic.h"

#define CMD "mimic"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena mimic --model MODEL --input SRC [options]\n"
            "       rena mimic --model MODEL --image PHOTO|FOLDER [--neutral-image PHOTO]\n"
            "                  [--out DIR] [--backend SPEC]\n"
            "\n"
            "Turns each frame of a performer into a servo command with a trained model and\n"
            "sends it to the face: features -> model -> command -> face, 30 times a second.\n"
            "When the input ends (or stdin closes) the face eases back to neutral.\n"
            "\n"
            "  --model FILE      model made by 'rena train'\n"
            "  --input SRC       FILE.csv | FILE.jsonl  MediaPipe blendshapes (docs/inputs.md)\n"
            "                    -                      the same on standard input, as it arrives\n"
            "                    performer:[NAME/]SEQ   a simulated performer (ana, ben) doing\n"
            "                                           happiness, sadness, surprise, fear,\n"
            "                                           anger, disgust or abrupt\n"
            "  --backend SPEC    sim | sim:SCENE.xml | emu | serial:PORT (default sim)\n"
            "  --out DIR         write commands.csv, summary.json and, in sim, the robot's (and\n"
            "                    target's) landmarks and renders; without it the commands go to\n"
            "                    standard output as CSV, one line per frame\n"
            "  --filter NAME     none (default) | oneeuro: 1-euro filter on the blendshapes and a\n"
            "                    rate and step-growth limit on the commands\n"
            "  --max-step S      oneeuro: largest command change per frame (default %.2f)\n"
            "  --max-growth G    oneeuro: largest growth of that change per frame (default %.2f)\n"
            "  --fps F           frame rate for inputs without timestamps (default 30)\n"
            "  --strict          refuse NaN or out-of-range inputs instead of clamping them\n"
            "  --no-renders      with --out in sim: landmarks only, no PNG per frame\n"
            "  --watchdog S      emu/serial: ease to neutral after S s without input (default 1)\n"
            RENA_BACKEND_HW_USAGE
            "\n"
            "Real photos (docs/vision.md): each photo's largest face -> 68 landmarks (dlib) ->\n"
            "52 blendshapes (the simulated face's estimator) -> model -> face.\n"
            "  --image PATH      a .png/.jpg photo, or a folder of them (sorted by name); with\n"
            "                    --out, DIR/<photo>.png shows the photo with its landmarks beside\n"
            "                    the robot, and DIR/commands.csv one row per photo\n"
            "  --neutral-image P the same person's neutral photo: the zero of every blendshape\n"
            "                    (default: the robot's neutral face)\n",
            (double)RENA_RATE_LIMIT_STEP, (double)RENA_MIMIC_STEP_GROWTH);
}

typedef struct {
    const char *model, *input, *backend, *out, *image, *neutral_image;
    rena_mimic_filter filter;
    double max_step, max_growth, fps, watchdog;
    int strict, renders;
    rena_backend_hw_args hw; /* --calibration, --baud */
} mimic_args;

static int parse_one(int argc, char **argv, int *i, mimic_args *a)
{
    const char *arg = argv[*i], *v;
    if (!strcmp(arg, "--strict"))
        return a->strict = 1, 0;
    if (!strcmp(arg, "--no-renders"))
        return a->renders = 0, 0;
    int hw = rena_backend_parse_hw_flag(CMD, argc, argv, i, &a->hw);
    if (hw)
        return hw == 1 ? 0 : RENA_EXIT_USAGE;
    static const char *const valued[] = {"--model",     "--input",      "--backend",
                                         "--out",       "--filter",     "--max-step",
                                         "--max-growth", "--fps",       "--watchdog",
                                         "--image",     "--neutral-image"};
    int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
    while (k < n && !rena_cli_is_flag(arg, valued[k]))
        k++;
    if (k == n)
        return arg[0] == '-' && arg[1] ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                                       : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
    if (!(v = rena_cli_flag_value(CMD, argc, argv, i, valued[k])))
        return RENA_EXIT_USAGE;
    switch (k) {
    case 0: a->model = v; return 0;
    case 1: a->input = v; return *v ? 0 : rena_cli_usage_error(CMD, "--input needs a source");
    case 2: a->backend = v; return 0;
    case 3: a->out = v; return *v ? 0 : rena_cli_usage_error(CMD, "--out needs a folder");
    case 4:
        return rena_mimic_filter_parse(v, &a->filter)
                   ? rena_cli_usage_error(CMD, "--filter expects none or oneeuro, got '%s'", v)
                   : 0;
    case 5: return rena_cli_parse_double(CMD, "--max-step", v, 1e-3, 1.0, &a->max_step);
    case 6: return rena_cli_parse_double(CMD, "--max-growth", v, 0.0, 1.0, &a->max_growth);
    case 7: return rena_cli_parse_double(CMD, "--fps", v, 1.0, 1000.0, &a->fps);
    case 9: a->image = v; return *v ? 0 : rena_cli_usage_error(CMD, "--image needs a photo");
    case 10:
        a->neutral_image = v;
        return *v ? 0 : rena_cli_usage_error(CMD, "--neutral-image needs a photo");
    default: return rena_cli_parse_double(CMD, "--watchdog", v, 0.0, 3600.0, &a->watchdog);
    }
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, mimic_args *a)
{
    *a = (mimic_args){NULL, NULL, "sim", NULL, NULL, NULL, RENA_MIMIC_FILTER_NONE, RENA_RATE_LIMIT_STEP,
                      RENA_MIMIC_STEP_GROWTH, RENA_MIMIC_FPS, 1.0, 0, 1, {NULL, 0}};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return RENA_EXIT_OK;
        }
        if (parse_one(argc, argv, &i, a) != 0)
            return RENA_EXIT_USAGE;
    }
    if (!a->model)
        return rena_cli_usage_error(CMD, "--model FILE is required");
    if (a->input && a->image)
        return rena_cli_usage_error(CMD, "--input and --image cannot be used together");
    if (a->neutral_image && !a->image)
        return rena_cli_usage_error(CMD, "--neutral-image goes with --image");
    if (!a->input && !a->image)
        return rena_cli_usage_error(CMD, "--input SRC is required (a file, - or performer:SEQ), "
                                         "or --image PHOTO");
    if (rena_backend_check_hw_args(CMD, a->backend, &a->hw))
        return RENA_EXIT_USAGE;
    if (a->image && (a->hw.calibration || a->hw.baud))
        return rena_cli_usage_error(CMD, "--calibration and --baud go with --input, not --image");
    return -1;
}

/* ---- the run ------------------------------------------------------------------ */

typedef struct {
    const mimic_args *a;
    int sim;                    /* the robot is simulated: landmarks and renders */
    char tmp[4096];             /* output folder being built; "" without --out */
    FILE *commands;             /* commands.csv, or stdout */
    FILE *robot_lm, *target_lm; /* landmark CSVs (NULL when not written) */
    rena_mimic_record record;
    rena_actuator robot, performer;
    rena_features_reader *reader;
    rena_mimic_source source;
    rena_model *model;
    rena_mimic_policy policy;
    rena_mimic *mm;
} mimic_run;

/* Write errors surface when the file is closed (close_file). */
static void write_landmarks(FILE *fp, long k, const float lm[RENA_NUM_LANDMARKS][2])
{
    fprintf(fp, "%ld", k);
    for (int p = 0; p < RENA_NUM_LANDMARKS; p++)
        fprintf(fp, ",%.3f,%.3f", (double)lm[p][0], (double)lm[p][1]);
    fprintf(fp, "\n");
}

static rena_status save_render(const mimic_run *r, const char *who, long k, const rena_image *img,
                               rena_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/%06ld.png", r->tmp, who, k);
    return rena_png_write(path, img, err);
}

static rena_status on_frame(void *user, const rena_mimic_tick *t, rena_error *err)
{
    mimic_run *r = user;
    fprintf(r->commands, "%ld,%.6f", t->index, t->target->timestamp);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        fprintf(r->commands, ",%.6f", (double)t->command[i]);
    fprintf(r->commands, "\n");
    if (!r->tmp[0])
        return fflush(r->commands) ? rena_error_set(err, RENA_ERR_IO, "stdout", "write failed")
                                   : RENA_OK; /* streaming to another process */
    rena_status st = rena_mimic_record_add(&r->record, t, r->a->renders, err);
    if (st != RENA_OK || !t->robot)
        return st;
    const rena_features *tf = &t->target->features;
    if (t->robot->features.valid & RENA_FEAT_LANDMARKS)
        write_landmarks(r->robot_lm, t->index, t->robot->features.landmarks);
    if (tf->valid & RENA_FEAT_LANDMARKS)
        write_landmarks(r->target_lm, t->index, tf->landmarks);
    if (r->a->renders && t->robot->has_image &&
        (st = save_render(r, "robot", t->index, &t->robot->image, err)))
        return st;
    if (r->a->renders && t->target->has_image &&
        (st = save_render(r, "target", t->index, &t->target->image, err)))
        return st;
    return RENA_OK;
}

static rena_status open_csv(mimic_run *r, const char *name, FILE **fp, int landmarks,
                            rena_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", r->tmp, name);
    if (!(*fp = fopen(path, "w")))
        return rena_error_set(err, RENA_ERR_IO, path, "cannot create the file");
    fprintf(*fp, "frame");
    if (landmarks)
        for (int p = 0; p < RENA_NUM_LANDMARKS; p++)
            fprintf(*fp, ",x%d,y%d", p, p);
    else {
        fprintf(*fp, ",timestamp");
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            fprintf(*fp, ",%s", rena_servos[i].name);
    }
    fprintf(*fp, "\n");
    return RENA_OK;
}

static void write_commands_header(FILE *fp)
{
    fprintf(fp, "frame,timestamp");
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        fprintf(fp, ",%s", rena_servos[i].name);
    fprintf(fp, "\n");
}

static rena_status open_outputs(mimic_run *r, rena_error *err)
{
    if (!r->a->out) {
        r->commands = stdout;
        write_commands_header(stdout);
        fflush(stdout);
        return RENA_OK;
    }
    rena_status st = rena_atomic_dir_begin(r->a->out, r->tmp, sizeof r->tmp, err);
    if (st == RENA_OK)
        st = open_csv(r, "commands.csv", &r->commands, 0, err);
    if (st == RENA_OK && r->sim)
        st = open_csv(r, "robot_landmarks.csv", &r->robot_lm, 1, err);
    if (st == RENA_OK && r->sim)
        st = open_csv(r, "target_landmarks.csv", &r->target_lm, 1, err);
    for (int k = 0; st == RENA_OK && r->sim && r->a->renders && k < 2; k++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/%s", r->tmp, k ? "target" : "robot");
        if (mkdir(dir, 0777) != 0)
            st = rena_error_set(err, RENA_ERR_IO, dir, "cannot create the folder");
    }
    return st;
}

static rena_status close_file(FILE **fp, const char *name, rena_error *err)
{
    int bad = *fp && (ferror(*fp) | fclose(*fp));
    *fp = NULL;
    return bad ? rena_error_set(err, RENA_ERR_IO, name, "write failed") : RENA_OK;
}

/* The performer's scene sits beside the robot's. */
static void performer_scene(const rena_performer *p, char *path, size_t size)
{
    char robot[4096];
    snprintf(robot, sizeof robot, "%s", rena_sim_default_scene());
    snprintf(path, size, "%s/%s", dirname(robot), p->scene);
}

static rena_status open_source(mimic_run *r, rena_error *err)
{
    const mimic_args *a = r->a;
    if (!strncmp(a->input, "performer:", 10)) {
        const rena_performer *p;
        int seq;
        rena_status st = rena_performer_parse(a->input + 10, &p, &seq, err);
        if (st != RENA_OK)
            return st;
        char scene[4200];
        performer_scene(p, scene, sizeof scene);
        rena_sim_options so;
        rena_sim_options_default(&so);
        so.scene_path = scene;
        so.render = a->out && a->renders && r->sim; /* saved with the robot's renders */
        if ((st = rena_sim_open(&so, &r->performer, err)) != RENA_OK)
            return st;
        return rena_mimic_source_performer(p, seq, &r->performer,
                                           so.render ? RENA_OBS_IMAGE : 0, &r->source, err);
    }
    rena_features_reader_options ro = rena_features_reader_options_default();
    ro.strict = a->strict;
    ro.fps = a->fps;
    rena_status st = rena_features_reader_open(a->input, &ro, &r->reader, err);
    if (st != RENA_OK)
        return st;
    st = rena_mimic_source_reader(r->reader, 0, a->input, &r->source, err);
    return st;
}

static rena_status open_robot(mimic_run *r, rena_error *err)
{
    rena_backend_options bo;
    rena_backend_options_default(&bo);
    /* one frame period per command: the face moves, it does not come to rest */
    bo.sim.settle_cap_s = 1.0 / r->a->fps;
    bo.sim.render = r->a->out && r->a->renders;
    bo.hw.settle_timeout_s = 0.0;
    bo.hw.watchdog_s = r->a->watchdog;
    rena_backend_apply_hw_args(&r->a->hw, &bo);
    rena_status st = rena_backend_open(r->a->backend, &bo, &r->robot, err);
    if (st == RENA_OK)
        r->sim = r->robot.name && !strcmp(r->robot.name, "sim");
    return st;
}

static rena_status open_model(mimic_run *r, rena_error *err)
{
    rena_status st = rena_model_load(r->a->model, &r->model, err);
    return st == RENA_OK ? rena_mimic_policy_model(r->model, NULL, &r->policy, err) : st;
}

/* File and stdin inputs carry blendshapes (and pose) only: a model that
 * reads landmarks is refused before the face moves or any output appears. */
static rena_status check_model_fits_input(const mimic_run *r, rena_error *err)
{
    if (!strncmp(r->a->input, "performer:", 10) || !(r->policy.needs & RENA_FEAT_LANDMARKS))
        return RENA_OK;
    return rena_error_set(err, RENA_ERR_ARG, r->a->model,
                          "this %s model needs face landmarks, but %s gives MediaPipe "
                          "blendshapes only (use a blendshape model, or performer:SEQ)",
                          rena_arch_name(r->model->hp.arch),
                          strcmp(r->a->input, "-") ? r->a->input : "standard input");
}

static rena_status open_controller(mimic_run *r, rena_error *err)
{
    const mimic_args *a = r->a;
    rena_mimic_options mo;
    rena_mimic_options_default(&mo);
    mo.filter = a->filter;
    mo.max_step = (float)a->max_step;
    mo.max_step_growth = (float)a->max_growth;
    mo.fps = a->fps;
    mo.strict = a->strict;
    mo.observe = r->sim ? RENA_OBS_FEATURES | (a->out && a->renders ? RENA_OBS_IMAGE : 0) : 0;
    mo.pace = !r->sim; /* hardware moves in real time; the simulator in its own time */
    return rena_mimic_create(&mo, &r->policy, &r->mm, err);
}

static void add_number(cJSON *o, const char *name, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/* Input values clamped by the reader (file inputs) and by the controller. */
static long clamped_inputs(const mimic_run *r, const rena_mimic_stats *s)
{
    const rena_features_reader_info *info =
        r->reader ? rena_features_reader_get_info(r->reader) : NULL;
    return s->clamped + (info ? info->clamped : 0);
}

/* The bus's own counters, for hardware backends; 0 (nothing to show) in sim. */
static int get_hw_stats(const mimic_run *r, rena_hw_stats *hs)
{
    memset(hs, 0, sizeof *hs);
    return !r->sim && rena_hw_get_stats(&r->robot, hs, NULL) == RENA_OK;
}

static void add_hw_stats(const mimic_run *r, cJSON *o)
{
    rena_hw_stats hs;
    if (!get_hw_stats(r, &hs))
        return;
    cJSON *h = cJSON_AddObjectToObject(o, "hw");
    if (!h)
        return;
    cJSON_AddStringToObject(h, "port", hs.port ? hs.port : "");
    cJSON_AddStringToObject(h, "calibration", r->a->hw.calibration ? r->a->hw.calibration : "");
    add_number(h, "watchdog_fired", (double)hs.watchdog_fired);
    add_number(h, "bus_cycles", (double)hs.cycles);
    add_number(h, "retries", (double)hs.retries);
    add_number(h, "timeouts", (double)hs.timeouts);
    add_number(h, "corrupt_replies", (double)hs.corrupt);
}

static rena_status write_summary(mimic_run *r, const rena_mimic_stats *s, rena_error *err)
{
    rena_mimic_scores sc;
    rena_status st = rena_mimic_record_scores(&r->record, &sc, err);
    if (st != RENA_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "input", r->a->input);
    cJSON_AddStringToObject(o, "backend", r->a->backend);
    cJSON_AddStringToObject(o, "model", r->a->model);
    cJSON_AddStringToObject(o, "arch", rena_arch_name(r->model->hp.arch));
    cJSON_AddStringToObject(o, "filter", rena_mimic_filter_name(r->a->filter));
    add_number(o, "frames", (double)s->frames);
    add_number(o, "clamped_inputs", (double)clamped_inputs(r, s));
    add_number(o, "limited_commands", (double)s->limited);
    add_number(o, "ease_frames", (double)s->ease_frames);
    add_number(o, "latency_us_mean", s->frames ? 1e6 * s->compute_s / (double)s->frames : NAN);
    add_number(o, "latency_us_max", 1e6 * s->compute_max_s);
    add_number(o, "ld", sc.ld);
    add_number(o, "ssim", sc.ssim);
    add_number(o, "id", sc.id);
    add_number(o, "gs", sc.gs);
    add_number(o, "gt", sc.gt);
    add_number(o, "gd", sc.gd);
    add_number(o, "hops", (double)sc.hops);
    add_hw_stats(r, o);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return rena_error_set(err, RENA_ERR_NOMEM, "summary.json", "out of memory");
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", r->tmp);
    st = rena_atomic_write(path, text, strlen(text), err);
    free(text);
    return st;
}

static void print_reader_notes(const mimic_run *r, FILE *fp)
{
    const rena_features_reader_info *info =
        r->reader ? rena_features_reader_get_info(r->reader) : NULL;
    if (info && info->n_unknown) {
        fprintf(fp, "rena mimic: %s: ignored %d unknown column(s)/name(s):", r->a->input,
                info->n_unknown);
        for (int k = 0; k < info->n_unknown && k < 8; k++)
            fprintf(fp, " %s", info->unknown[k]);
        fprintf(fp, "%s\n", info->n_unknown > 8 ? " ..." : "");
    }
    if (info && info->skipped_no_face)
        fprintf(fp, "rena mimic: %s: skipped %ld line(s) without a face\n", r->a->input,
                info->skipped_no_face);
}

static void print_hw_summary(const mimic_run *r, FILE *fp)
{
    rena_hw_stats hs;
    if (!get_hw_stats(r, &hs))
        return;
    fprintf(fp, "rena mimic: bus %s%s%s: watchdog fired %ld time(s)%s; %ld goal cycles, %ld "
                "timeouts, %ld retries, %ld corrupt replies\n",
            hs.port ? hs.port : r->a->backend, r->a->hw.calibration ? ", calibration " : "",
            r->a->hw.calibration ? r->a->hw.calibration : "", hs.watchdog_fired,
            hs.watchdog_fired ? " (input paused longer than --watchdog: the face eased to "
                                "neutral, torque off)"
                              : "",
            hs.cycles, hs.timeouts, hs.retries, hs.corrupt);
}

static void print_summary(const mimic_run *r, const rena_mimic_stats *s)
{
    FILE *fp = r->a->out ? stdout : stderr; /* stdout may carry the commands */
    print_reader_notes(r, fp);
    fprintf(fp, "rena mimic: %ld frames from %s on %s, filter %s; features -> command %.1f us "
                "per frame (max %.1f)",
            s->frames, r->a->input, r->a->backend, rena_mimic_filter_name(r->a->filter),
            s->frames ? 1e6 * s->compute_s / (double)s->frames : 0.0, 1e6 * s->compute_max_s);
    if (clamped_inputs(r, s))
        fprintf(fp, "; %ld input values clamped (NaN or outside [0,1])", clamped_inputs(r, s));
    if (s->limited)
        fprintf(fp, "; %ld command values held back by the rate limit", s->limited);
    fprintf(fp, "%s%s\n", r->a->out ? "; wrote " : "", r->a->out ? r->a->out : "");
    print_hw_summary(r, fp);
}

static void close_run(mimic_run *r)
{
    rena_mimic_free(r->mm);
    rena_mimic_policy_close(&r->policy);
    rena_model_free(r->model);
    rena_mimic_source_close(&r->source);
    rena_features_reader_close(r->reader);
    rena_actuator_close(&r->performer);
    rena_actuator_close(&r->robot);
    rena_mimic_record_free(&r->record);
    if (r->commands && r->commands != stdout)
        fclose(r->commands);
    if (r->robot_lm)
        fclose(r->robot_lm);
    if (r->target_lm)
        fclose(r->target_lm);
    if (r->tmp[0])
        rena_remove_tree(r->tmp);
}

/* Closes the files and moves the finished folder into place. */
static rena_status commit_outputs(mimic_run *r, const rena_mimic_stats *s, rena_error *err)
{
    if (!r->a->out)
        return fflush(stdout) ? rena_error_set(err, RENA_ERR_IO, "stdout", "write failed")
                              : RENA_OK;
    rena_status st = close_file(&r->commands, "commands.csv", err);
    if (st == RENA_OK)
        st = close_file(&r->robot_lm, "robot_landmarks.csv", err);
    if (st == RENA_OK)
        st = close_file(&r->target_lm, "target_landmarks.csv", err);
    if (st == RENA_OK)
        st = write_summary(r, s, err);
    if (st == RENA_OK && (st = rena_atomic_dir_commit(r->tmp, r->a->out, err)) == RENA_OK)
        r->tmp[0] = '\0';
    return st;
}

int rena_cmd_mimic(int argc, char **argv)
{
    mimic_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.image) {
        rena_photo_mimic_options po = {a.model, a.image, a.neutral_image, a.out, a.backend};
        return rena_photo_mimic_cli(CMD, &po);
    }
    mimic_run r;
    memset(&r, 0, sizeof r);
    r.a = &a;
    rena_mimic_record_init(&r.record);
    rena_error err;
    rena_error_clear(&err);
    rena_status st = open_model(&r, &err);
    if (st == RENA_OK)
        st = check_model_fits_input(&r, &err);
    if (st == RENA_OK)
        st = open_robot(&r, &err);
    if (st == RENA_OK)
        st = open_source(&r, &err);
    if (st == RENA_OK)
        st = open_controller(&r, &err);
    if (st == RENA_OK)
        st = open_outputs(&r, &err);
    rena_mimic_stats stats;
    memset(&stats, 0, sizeof stats);
    if (st == RENA_OK) {
        rena_progress progress = rena_cli_progress(CMD);
        st = rena_mimic_run(r.mm, &r.source, &r.robot, on_frame, &r, &progress, &stats, &err);
        rena_cli_progress_done();
    }
    /* Ctrl-C ends a live session: what was done so far is kept */
    rena_status run_st = st;
    if ((st == RENA_OK || st == RENA_ERR_INTERRUPTED) && stats.frames > 0) {
        rena_error cerr;
        rena_status cs = commit_outputs(&r, &stats, &cerr);
        if (cs != RENA_OK) {
            st = cs;
            err = cerr;
        }
    }
    if (st == RENA_OK || (run_st == RENA_ERR_INTERRUPTED && st == RENA_ERR_INTERRUPTED))
        print_summary(&r, &stats);
    close_run(&r);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
