/* cmd_view.c: `rena view`, the simulated face live in a window, beside the
 * target it mimics (docs/viewer.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "image.h"
#include "view_session.h"
#include "viewer.h"

#define CMD "view"
#define FILE_BARS 14 /* largest target blendshapes shown for file inputs */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena view [--model MODEL --input SRC] [options]\n"
            "\n"
            "Shows the simulated robot face live in a window. With --model and --input it runs\n"
            "the mimic loop frame by frame (target -> features -> model -> command -> face) and\n"
            "shows the target beside the robot; without them the face cycles through\n"
            "expert-strategy samples (or stays neutral with --neutral).\n"
            "\n"
            "  --model FILE        model made by 'rena train'\n"
            "  --input SRC         performer:[NAME/]SEQ | FILE.csv | FILE.jsonl | -\n"
            "                      (as for rena mimic)\n"
            "  --scene F           robot face scene (default scenes/face.xml)\n"
            "  --target live|camera  performer shown as a live 3D face (default) or as the\n"
            "                      image its camera renders (offscreen, EGL)\n"
            "  --filter NAME       none (default) | oneeuro at the start (F toggles it)\n"
            "  --seed S            expert samples' seed (default 1)\n"
            "  --neutral           without --model: hold the neutral face\n"
            "  --landmarks         show the landmarks from the start (L toggles them)\n"
            "  --frames N          run N frames as fast as possible, then exit\n"
            "  --screenshot FILE   after --frames N frames (default 1) write the window as PNG\n"
            "\n"
            "keys: space play/pause, Right step, N/P next/previous sequence, L landmarks,\n"
            "      F filter, R reset, Esc/Q quit; mouse: drag orbits, right-drag pans,\n"
            "      scroll zooms.\n"
            "Needs a display: under no X server run 'xvfb-run -a rena view ...'.\n");
}

typedef struct {
    const char *model, *input, *scene, *screenshot;
    int camera_target, neutral, landmarks;
    rena_mimic_filter filter;
    long frames;
    uint64_t seed;
} view_args;

static int parse_one(int argc, char **argv, int *i, view_args *a)
{
    const char *arg = argv[*i], *v;
    if (!strcmp(arg, "--neutral"))
        return a->neutral = 1, 0;
    if (!strcmp(arg, "--landmarks"))
        return a->landmarks = 1, 0;
    static const char *const valued[] = {"--model",  "--input", "--scene", "--screenshot",
                                         "--target", "--filter", "--seed", "--frames"};
    int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
    while (k < n && !rena_cli_is_flag(arg, valued[k]))
        k++;
    if (k == n)
        return arg[0] == '-' && arg[1] ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                                       : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
    if (!(v = rena_cli_flag_value(CMD, argc, argv, i, valued[k])))
        return RENA_EXIT_USAGE;
    if (k < 4 && !*v)
        return rena_cli_usage_error(CMD, "%s needs a value", valued[k]);
    switch (k) {
    case 0: a->model = v; return 0;
    case 1: a->input = v; return 0;
    case 2: a->scene = v; return 0;
    case 3: a->screenshot = v; return 0;
    case 4:
        if (strcmp(v, "live") && strcmp(v, "camera"))
            return rena_cli_usage_error(CMD, "--target expects live or camera, got '%s'", v);
        a->camera_target = !strcmp(v, "camera");
        return 0;
    case 5:
        return rena_mimic_filter_parse(v, &a->filter)
                   ? rena_cli_usage_error(CMD, "--filter expects none or oneeuro, got '%s'", v)
                   : 0;
    case 6: return rena_cli_parse_u64(CMD, "--seed", v, &a->seed);
    default: return rena_cli_parse_long(CMD, "--frames", v, 1, 100000000, &a->frames);
    }
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, view_args *a)
{
    memset(a, 0, sizeof *a);
    a->seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return RENA_EXIT_OK;
        }
        if (parse_one(argc, argv, &i, a) != 0)
            return RENA_EXIT_USAGE;
    }
    if (a->input && !a->model)
        return rena_cli_usage_error(CMD,
                                    "--input needs --model (the model turns it into commands)");
    if (a->model && !a->input)
        return rena_cli_usage_error(CMD, "--model needs --input SRC (a file, - or performer:SEQ)");
    if (a->neutral && a->model)
        return rena_cli_usage_error(CMD, "--neutral is for viewing without --model");
    rena_error err;
    if (a->input && rena_view_input_check(a->input, &err) != RENA_OK)
        return rena_cli_usage_error(CMD, "%s", err.message);
    if (a->screenshot && !a->frames)
        a->frames = 1;
    return -1;
}

/* What the window shows besides the session: play state and frame rate. */
typedef struct {
    const view_args *a;
    rena_view_session s;
    rena_viewer *viewer;
    int landmarks, playing;
    double fps, fps_t0;
    long fps_frames;
} view_run;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- drawing ----------------------------------------------------------------- */

typedef struct {
    char title[128], labels[512], values[512];
    const char *names[RENA_VIEWER_MAX_BARS];
    float bar[RENA_VIEWER_MAX_BARS], ref[RENA_VIEWER_MAX_BARS];
} frame_text;

static void fmt_number(char *buf, size_t size, double v, const char *f)
{
    if (isfinite(v))
        snprintf(buf, size, f, v);
    else
        snprintf(buf, size, "-");
}

static void robot_text(const view_run *r, frame_text *t)
{
    const rena_view_session *s = &r->s;
    char frame[64], fps[32], ld[32], bs[32], sv[32];
    if (s->frames > 0)
        snprintf(frame, sizeof frame, "%ld / %ld", s->frame, s->frames);
    else
        snprintf(frame, sizeof frame, "%ld", s->frame);
    const char *state = s->ended ? "input ended" : r->playing ? "playing" : "paused";
    fmt_number(fps, sizeof fps, r->playing && !s->ended ? r->fps : NAN, "%.1f");
    if (s->kind == RENA_VIEW_SRC_EXPERT || s->kind == RENA_VIEW_SRC_NEUTRAL) {
        snprintf(t->labels, sizeof t->labels, "frame\nfps\nstate");
        snprintf(t->values, sizeof t->values, "%s\n%s\n%s", frame, fps, state);
        return;
    }
    fmt_number(ld, sizeof ld, s->ld, "%.4f");
    fmt_number(bs, sizeof bs, s->bs_rmse, "%.4f");
    fmt_number(sv, sizeof sv, s->servo_rmse, "%.4f");
    snprintf(t->labels, sizeof t->labels,
             "frame\nfps\nstate\nfilter\nLD (landmarks)\nblendshape RMSE\nservo RMSE");
    snprintf(t->values, sizeof t->values, "%s\n%s\n%s\n%s\n%s\n%s\n%s", frame, fps, state,
             s->filter_on ? "oneeuro" : "none", ld, bs, sv);
}

/* File inputs: the target's largest blendshapes, largest first, against
 * what perception reads on the robot. */
static int largest_blendshapes(const rena_view_session *s, frame_text *t)
{
    int order[RENA_NUM_BLENDSHAPES];
    const float *b = s->target.features.blendshapes;
    for (int i = 0; i < RENA_NUM_BLENDSHAPES; i++)
        order[i] = i;
    for (int i = 1; i < RENA_NUM_BLENDSHAPES; i++)
        for (int k = i; k > 0 && b[order[k]] > b[order[k - 1]]; k--) {
            int tmp = order[k];
            order[k] = order[k - 1];
            order[k - 1] = tmp;
        }
    for (int i = 0; i < FILE_BARS; i++) {
        t->names[i] = rena_blendshape_names[order[i]];
        t->bar[i] = s->has_target ? b[order[i]] : 0.0f;
        t->ref[i] = s->has_target ? s->robot_bs[order[i]] : NAN;
    }
    return FILE_BARS;
}

static void target_pane(const view_run *r, rena_viewer_pane *p, frame_text *t)
{
    const rena_view_session *s = &r->s;
    p->title = t->title;
    if (s->kind == RENA_VIEW_SRC_PERFORMER) {
        int pi = s->seq / RENA_PERFORMER_NUM_SEQUENCES, q = s->seq % RENA_PERFORMER_NUM_SEQUENCES;
        snprintf(t->title, sizeof t->title, "%s/%s", rena_performers[pi].name,
                 rena_performer_sequence_name(q));
        if (s->cfg.camera_target) {
            p->kind = RENA_PANE_IMAGE;
            p->image = s->has_target && s->target.has_image ? &s->target.image : NULL;
        } else {
            p->kind = RENA_PANE_FACE;
            p->face = s->performer[pi].sm;
            p->data = s->performer[pi].d;
            p->landmarks = r->landmarks;
        }
        return;
    }
    p->kind = RENA_PANE_BARS;
    p->bar_name = t->names;
    p->bar_value = t->bar;
    p->bar_ref = t->ref;
    if (s->kind == RENA_VIEW_SRC_FILE) {
        snprintf(t->title, sizeof t->title, "%s", s->cfg.input);
        p->n_bars = largest_blendshapes(s, t);
        return;
    }
    if (s->kind == RENA_VIEW_SRC_NEUTRAL)
        snprintf(t->title, sizeof t->title, "neutral");
    else
        snprintf(t->title, sizeof t->title, "expert seed %llu, sample %d",
                 (unsigned long long)s->cfg.seed, s->seq);
    /* servo commands against where the servos are */
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        t->names[i] = rena_servos[i].name;
        t->bar[i] = s->cmd[i];
        t->ref[i] = s->pos[i];
    }
    p->n_bars = RENA_NUM_SERVOS;
}

static rena_status draw(view_run *r, rena_image *grab, rena_error *err)
{
    const rena_view_session *s = &r->s;
    frame_text t;
    memset(&t, 0, sizeof t);
    rena_viewer_frame f;
    memset(&f, 0, sizeof f);
    rena_viewer_pane *robot = &f.pane[0];
    robot->kind = RENA_PANE_FACE;
    robot->face = s->robot.sm;
    robot->data = s->robot.d;
    robot->landmarks = r->landmarks;
    robot_text(r, &t);
    robot->labels = t.labels;
    robot->values = t.values;
    int mimic = s->kind == RENA_VIEW_SRC_PERFORMER || s->kind == RENA_VIEW_SRC_FILE;
    robot->title = mimic ? "robot (mimic)" : "robot";
    if (s->n_series > 1) {
        robot->series = s->series;
        robot->n_series = s->n_series;
        robot->series_name = s->kind == RENA_VIEW_SRC_FILE ? "blendshape RMSE" : "LD per frame";
    }
    target_pane(r, &f.pane[1], &t);
    f.status = "space play/pause   Right step   N/P sequence   L landmarks   F filter   "
               "R reset   Q quit   drag orbit, scroll zoom";
    return rena_viewer_draw(r->viewer, &f, grab, err);
}

/* ---- the loop -------------------------------------------------------------------- */

/* Returns 1 when the user asked to quit. */
static int handle(view_run *r, const rena_viewer_events *ev, int *step, int *dirty,
                  rena_status *st, rena_error *err)
{
    for (int i = 0; i < ev->n && *st == RENA_OK; i++) {
        *dirty = 1;
        switch (ev->action[i]) {
        case RENA_VIEW_QUIT: return 1;
        case RENA_VIEW_PLAY_PAUSE: r->playing = !r->playing; break;
        case RENA_VIEW_STEP: r->playing = 0, *step = 1; break;
        case RENA_VIEW_NEXT: *st = rena_view_session_change(&r->s, 1, err); break;
        case RENA_VIEW_PREV: *st = rena_view_session_change(&r->s, -1, err); break;
        case RENA_VIEW_LANDMARKS: r->landmarks = !r->landmarks; break;
        case RENA_VIEW_FILTER: r->s.filter_on = !r->s.filter_on; break;
        case RENA_VIEW_RESET:
            rena_viewer_reset_camera(r->viewer, r->s.robot.sm, r->s.robot.d);
            *st = rena_view_session_restart(&r->s, err);
            break;
        }
    }
    return 0;
}

/* Frames per second over the last second or so (since the start before). */
static void count_fps(view_run *r)
{
    double t = now_s();
    r->fps_frames++;
    if (t > r->fps_t0)
        r->fps = (double)r->fps_frames / (t - r->fps_t0);
    if (t - r->fps_t0 >= 1.0) {
        r->fps_t0 = t;
        r->fps_frames = 0;
    }
}

/* Plays at the performance's 30 frames per second (as fast as it can with
 * --frames), drawing after every frame and whenever the view changed. */
static rena_status run(view_run *r, long *done, rena_error *err)
{
    const view_args *a = r->a;
    const double period = 1.0 / RENA_MIMIC_FPS;
    double next_at = now_s(), wait = 0;
    r->playing = 1;
    r->fps_t0 = now_s();
    rena_status st = RENA_OK;
    for (int dirty = 1; st == RENA_OK;) {
        rena_viewer_events ev;
        rena_viewer_poll(r->viewer, wait, &ev);
        int step = 0;
        if (handle(r, &ev, &step, &dirty, &st, err) || st != RENA_OK)
            break;
        if (rena_cli_interrupted())
            return rena_error_set(err, RENA_ERR_INTERRUPTED, "", "stopped after %ld frames", *done);
        int go = (a->frames || (r->playing && now_s() >= next_at) || step) && !r->s.ended;
        int moved = 0;
        if (go && (st = rena_view_session_advance(&r->s, &moved, err)) == RENA_OK && moved) {
            ++*done;
            count_fps(r);
            next_at += period;
            if (next_at < now_s())
                next_at = now_s(); /* slower than real time: no catching up */
        }
        /* standard input that ended cannot reach N frames: stop there */
        int last = a->frames && (*done >= a->frames || r->s.ended);
        rena_image grab = {0, 0, NULL};
        if (st == RENA_OK && (go || dirty || ev.redraw))
            st = draw(r, last && a->screenshot ? &grab : NULL, err);
        dirty = 0;
        if (st == RENA_OK && last && a->screenshot)
            st = rena_png_write(a->screenshot, &grab, err);
        if (last)
            break;
        /* wait for input until the next frame is due; idle when paused */
        wait = a->frames               ? 0
               : r->playing && !r->s.ended ? fmax(0.0, next_at - now_s())
                                           : 0.1;
    }
    return st;
}

static rena_status open_run(view_run *r, rena_error *err)
{
    const view_args *a = r->a;
    rena_viewer_options vo;
    rena_viewer_options_default(&vo);
    vo.title = "rena view";
    /* the window first: without a display nothing else is worth loading */
    rena_status st = rena_viewer_open(&vo, &r->viewer, err);
    rena_view_config cfg = {a->model, a->input,  a->scene, a->camera_target,
                            a->neutral, a->filter, a->seed};
    if (st == RENA_OK)
        st = rena_view_session_open(&r->s, &cfg, r->viewer, err);
    if (st == RENA_OK)
        rena_viewer_reset_camera(r->viewer, r->s.robot.sm, r->s.robot.d);
    return st;
}

int rena_cmd_view(int argc, char **argv)
{
    view_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    view_run r;
    memset(&r, 0, sizeof r);
    r.a = &a;
    r.landmarks = a.landmarks;
    rena_error err;
    rena_error_clear(&err);
    long done = 0;
    rena_status st = open_run(&r, &err);
    double t0 = now_s();
    if (st == RENA_OK)
        st = run(&r, &done, &err);
    double elapsed = now_s() - t0;
    rena_view_kind kind = r.s.kind;
    rena_view_session_close(&r.s);
    rena_viewer_close(r.viewer);
    if (st != RENA_OK)
        return rena_cli_fail(CMD, &err);
    const char *mode = kind == RENA_VIEW_SRC_EXPERT    ? "expert samples"
                       : kind == RENA_VIEW_SRC_NEUTRAL ? "neutral"
                                                   : "mimic loop";
    printf("rena view: %ld frames (%s) in %.2f s: %.1f frames/s%s%s\n", done, mode, elapsed,
           elapsed > 0 ? (double)done / elapsed : 0.0, a.screenshot ? "; wrote " : "",
           a.screenshot ? a.screenshot : "");
    return RENA_EXIT_OK;
}
