/* cmd_evaluate.c: `rena evaluate`, the paper's comparison of mimicry methods
 * (Sec. V.C): Table II on the closed set (the dataset's test samples
 * re-rendered: ID and LD between the target face and the robot's) and
 * Table III on the simulated performers (ID, LD, Gs, Gt, Gd), written as
 * Markdown and JSON, with an image strip per emotion like Fig. 5.
 * docs/mimic.md explains the protocol. */
#include <cjson/cJSON.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "backend.h"
#include "baselines.h"
#include "cli.h"
#include "commands.h"
#include "evaluate.h"
#include "image.h"
#include "landmark_metrics.h"
#include "mimic.h"
#include "modelfile.h"

#define CMD "evaluate"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena evaluate --model MODEL --data DIR --out DIR [options]\n"
            "\n"
            "Runs every method on the closed set (the test samples of DIR re-rendered; paper\n"
            "Table II: ID, LD) and on every simulated performer sequence (Table III: ID, LD,\n"
            "Gs, Gt, Gd). Methods: RS (random expert commands), NN (nearest training sample\n"
            "in blendshape space), the landmark MLP (Eva, with --landmark-model), MODEL, and\n"
            "MODEL with the temporal filter. Writes DIR/evaluation.md, evaluation.json and\n"
            "strips/<emotion>.png (performer beside robot at the peak).\n"
            "\n"
            "  --model FILE           the model under test (a blendshape architecture)\n"
            "  --landmark-model FILE  a landmark-mlp model (rena train --arch landmark-mlp)\n"
            "  --data DIR             dataset: test split = closed set, train split = NN\n"
            "  --out DIR              report folder (replaced atomically)\n"
            "  --limit N              closed-set samples (default: the whole test split)\n"
            "  --performers LIST      comma-separated performers (default: ana,ben)\n"
            "  --seed S               seed of the RS baseline (default 0)\n"
            "  --no-images            no renders: skips ID and the strips (about 5x faster)\n");
}


static int parse_one(int argc, char **argv, int *i, eval_args *a)
{
    const char *arg = argv[*i], *v;
    if (!strcmp(arg, "--no-images"))
        return a->images = 0, 0;
    static const char *const valued[] = {"--model", "--landmark-model", "--data", "--out",
                                         "--limit", "--performers",     "--seed"};
    int k = 0, n = (int)(sizeof valued / sizeof valued[0]);
    while (k < n && !rena_cli_is_flag(arg, valued[k]))
        k++;
    if (k == n)
        return arg[0] == '-' ? rena_cli_usage_error(CMD, "unknown option '%s'", arg)
                             : rena_cli_usage_error(CMD, "unexpected argument '%s'", arg);
    if (!(v = rena_cli_flag_value(CMD, argc, argv, i, valued[k])))
        return RENA_EXIT_USAGE;
    switch (k) {
    case 0: a->model = v; return 0;
    case 1: a->landmark_model = v; return 0;
    case 2: a->data = v; return 0;
    case 3: a->out = v; return *v ? 0 : rena_cli_usage_error(CMD, "--out needs a folder");
    case 4: return rena_cli_parse_long(CMD, "--limit", v, 1, RENA_DATASET_MAX_SAMPLES, &a->limit);
    case 5: a->performers = v; return 0;
    default: return rena_cli_parse_u64(CMD, "--seed", v, &a->seed);
    }
}

static int parse_args(int argc, char **argv, eval_args *a)
{
    *a = (eval_args){NULL, NULL, NULL, NULL, NULL, 0, 0, 1};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return RENA_EXIT_OK;
        }
        if (parse_one(argc, argv, &i, a) != 0)
            return RENA_EXIT_USAGE;
    }
    if (!a->model || !a->data || !a->out)
        return rena_cli_usage_error(CMD, "--model, --data and --out are required");
    for (const char *s = a->performers; s && *s;) {
        size_t n = strcspn(s, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
        if (!rena_performer_find(name)) {
            char known[256] = "";
            for (int i = 0; i < RENA_NUM_PERFORMERS; i++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                         i ? ", " : "", rena_performers[i].name);
            return rena_cli_usage_error(CMD, "--performers: no performer '%s' (known: %s)", name,
                                        known);
        }
        s += n + (s[n] == ',');
    }
    return -1;
}

rena_status rena_evaluate_copy_image(const rena_image *src, rena_image *dst, rena_error *err)
{
    size_t size = (size_t)src->width * src->height * 3;
    if (!dst->rgb || dst->width != src->width || dst->height != src->height) {
        free(dst->rgb);
        if (!(dst->rgb = malloc(size)))
            return rena_error_set(err, RENA_ERR_NOMEM, CMD, "out of memory for an image");
        dst->width = src->width;
        dst->height = src->height;
    }
    memcpy(dst->rgb, src->rgb, size);
    return RENA_OK;
}

/* ---- opening ------------------------------------------------------------------ */

static void add_method(rena_evaluation *e, const char *name, rena_mimic_policy *p,
                       rena_mimic_filter f, int closed_set)
{
    rena_evaluate_method *m = &e->m[e->nm++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->policy = p;
    m->filter = f;
    m->closed_set = closed_set;
}

static rena_status open_methods(rena_evaluation *e, rena_error *err)
{
    const eval_args *a = e->a;
    rena_status st = rena_model_load(a->model, &e->model, err);
    if (st == RENA_OK && rena_arch_uses_landmarks(e->model->hp.arch))
        st = rena_error_set(err, RENA_ERR_ARG, a->model,
                            "--model must be a blendshape model; give landmark-mlp models "
                            "with --landmark-model");
    if (st == RENA_OK && a->landmark_model &&
        (st = rena_model_load(a->landmark_model, &e->lm_model, err)) == RENA_OK &&
        !rena_arch_uses_landmarks(e->lm_model->hp.arch))
        st = rena_error_set(err, RENA_ERR_ARG, a->landmark_model, "is not a landmark-mlp model");
    rena_dataset_meta meta;
    if (st == RENA_OK && (st = rena_dataset_read_meta(a->data, &meta, err)) == RENA_OK &&
        !(meta.features & RENA_FEAT_BLENDSHAPES))
        st = rena_error_set(err, RENA_ERR_ARG, a->data,
                            "the dataset has no blendshapes (made on a backend without "
                            "perception); the NN baseline needs them");
    if (st == RENA_OK)
        st = rena_dataset_load_split(a->data, "train", &e->train, err);
    if (st == RENA_OK)
        st = rena_dataset_load_split(a->data, "test", &e->test, err);
    if (st == RENA_OK)
        st = rena_baseline_random(a->seed, &e->policies[0], err);
    if (st == RENA_OK)
        st = rena_baseline_nearest(&e->train, &e->policies[1], err);
    if (st == RENA_OK && e->lm_model)
        st = rena_mimic_policy_model(e->lm_model, "landmark-mlp", &e->policies[2], err);
    if (st == RENA_OK)
        st = rena_mimic_policy_model(e->model, NULL, &e->policies[3], err);
    if (st != RENA_OK)
        return st;
    char name[64];
    add_method(e, "RS", &e->policies[0], RENA_MIMIC_FILTER_NONE, 1);
    add_method(e, "NN (blendshapes)", &e->policies[1], RENA_MIMIC_FILTER_NONE, 1);
    if (e->lm_model)
        add_method(e, "Eva (landmark-mlp)", &e->policies[2], RENA_MIMIC_FILTER_NONE, 1);
    e->main_method = e->nm;
    add_method(e, rena_arch_name(e->model->hp.arch), &e->policies[3], RENA_MIMIC_FILTER_NONE, 1);
    snprintf(name, sizeof name, "%s + filter", rena_arch_name(e->model->hp.arch));
    add_method(e, name, &e->policies[3], RENA_MIMIC_FILTER_ONEEURO, 0);
    return RENA_OK;
}

static rena_status open_robots(rena_evaluation *e, rena_error *err)
{
    rena_sim_options so;
    rena_sim_options_default(&so);
    so.render = e->a->images;
    rena_status st = rena_sim_open(&so, &e->still, err);
    so.settle_cap_s = 1.0 / RENA_MIMIC_FPS; /* as rena mimic: one frame period per command */
    return st == RENA_OK ? rena_sim_open(&so, &e->moving, err) : st;
}

static rena_status open_performer(const rena_evaluation *e, const rena_performer *p,
                                  rena_actuator *a, rena_error *err)
{
    char robot[4096], scene[4200];
    snprintf(robot, sizeof robot, "%s", rena_sim_default_scene());
    snprintf(scene, sizeof scene, "%s/%s", dirname(robot), p->scene);
    rena_sim_options so;
    rena_sim_options_default(&so);
    so.scene_path = scene;
    so.render = e->a->images;
    return rena_sim_open(&so, a, err);
}

/* ---- closed set (Table II) ---------------------------------------------------- */

static rena_status show(rena_actuator *face, const float cmd[RENA_NUM_SERVOS], unsigned want,
                        rena_observation *obs, rena_error *err)
{
    rena_status st = rena_actuator_reset(face, err);
    if (st == RENA_OK)
        st = rena_actuator_write(face, cmd, NULL, err);
    return st == RENA_OK ? rena_actuator_observe(face, want, obs, err) : st;
}

static rena_status closed_sample(rena_evaluation *e, long i, rena_ssim_workspace *ws,
                                 rena_image *target_img, rena_error *err)
{
    unsigned want = RENA_OBS_FEATURES | (e->a->images ? RENA_OBS_IMAGE : 0);
    rena_observation obs;
    rena_status st = show(&e->still, e->test.commands + i * RENA_NUM_SERVOS, want, &obs, err);
    if (st == RENA_OK && obs.has_image)
        st = rena_evaluate_copy_image(&obs.image, target_img, err);
    if (st != RENA_OK)
        return st;
    rena_features target = obs.features;
    for (int k = 0; k < e->nm; k++) {
        rena_evaluate_method *m = &e->m[k];
        if (!m->closed_set)
            continue;
        float cmd[RENA_NUM_SERVOS];
        double ld, ssim;
        /* the sample index keys RS, so every sample gets its own random face */
        if ((st = m->policy->predict(m->policy->ctx, &target, i, cmd, err)) ||
            (st = show(&e->still, cmd, want, &obs, err)) ||
            (st = rena_landmark_distance(&target.landmarks[0][0], &obs.features.landmarks[0][0],
                                         RENA_NUM_LANDMARKS, NULL, &ld, err)))
            return st;
        m->n++;
        m->ld_sum += ld;
        m->ld_sq += ld * ld;
        if (obs.has_image && target_img->rgb) {
            if (!ws->width && (st = rena_ssim_workspace_init(ws, target_img->width, err)))
                return st;
            if ((st = rena_ssim_rgb(target_img, &obs.image, ws, &ssim, err)))
                return st;
            m->ssim_sum += ssim;
            m->n_ssim++;
        }
    }
    return RENA_OK;
}

static rena_status run_closed_set(rena_evaluation *e, rena_error *err)
{
    long n = e->a->limit && e->a->limit < e->test.n ? e->a->limit : e->test.n;
    rena_ssim_workspace ws = {0};
    rena_image target = {0, 0, NULL};
    rena_status st = RENA_OK;
    for (long i = 0; st == RENA_OK && i < n; i++) {
        st = closed_sample(e, i, &ws, &target, err);
        rena_progress_report(&e->progress, "closed set", i + 1, n, NULL);
        if (st == RENA_OK && rena_progress_cancelled(&e->progress))
            st = rena_error_set(err, RENA_ERR_INTERRUPTED, CMD, "stopped in the closed set");
    }
    rena_ssim_workspace_free(&ws);
    free(target.rgb);
    return st;
}

/* ---- performer sequences (Table III) ------------------------------------------ */

typedef struct {
    rena_evaluation *e;
    rena_mimic_record rec;
    long peak;         /* frame whose robot image goes into a strip; -1 none */
    rena_image *strip; /* where it goes */
} seq_run;

static rena_status on_seq_frame(void *user, const rena_mimic_tick *t, rena_error *err)
{
    seq_run *s = user;
    rena_status st = rena_mimic_record_add(&s->rec, t, s->e->a->images, err);
    if (st == RENA_OK && s->strip && t->index == s->peak && t->robot && t->robot->has_image)
        st = rena_evaluate_copy_image(&t->robot->image, s->strip, err);
    return st;
}

static void free_frames(rena_mimic_frame *frames, long n)
{
    for (long k = 0; frames && k < n; k++)
        free(frames[k].image.rgb);
    free(frames);
}

/* The performer's frames, each with its own copy of the image. */
static rena_status collect_targets(rena_evaluation *e, const rena_performer *p, int seq,
                                   rena_actuator *face, rena_mimic_frame **out, long *n,
                                   rena_error *err)
{
    long cap = rena_performer_frames(p, seq);
    rena_mimic_frame *frames = calloc((size_t)cap, sizeof *frames);
    rena_mimic_source src;
    if (!frames)
        return rena_error_set(err, RENA_ERR_NOMEM, CMD, "out of memory");
    rena_status st = rena_mimic_source_performer(p, seq, face, e->a->images ? RENA_OBS_IMAGE : 0,
                                                 &src, err);
    long k = 0;
    while (st == RENA_OK && k < cap && (st = src.next(src.ctx, &frames[k], err)) == RENA_OK) {
        rena_image img = frames[k].image;
        frames[k].image = (rena_image){0, 0, NULL};
        if (frames[k].has_image)
            st = rena_evaluate_copy_image(&img, &frames[k].image, err);
        k++;
    }
    rena_mimic_source_close(&src);
    if (st == RENA_ERR_NOT_FOUND || (st == RENA_OK && k == cap))
        st = RENA_OK;
    if (st != RENA_OK) {
        free_frames(frames, cap);
        return st;
    }
    *out = frames;
    *n = k;
    return RENA_OK;
}

static cJSON *scores_json(const char *name, const rena_mimic_scores *s, double latency_us)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "method", name);
    const char *keys[] = {"ld", "ssim", "id", "gs", "gt", "gd"};
    double vals[] = {s->ld, s->ssim, s->id, s->gs, s->gt, s->gd};
    for (int k = 0; k < 6; k++)
        if (isfinite(vals[k]))
            cJSON_AddNumberToObject(o, keys[k], vals[k]);
        else
            cJSON_AddNullToObject(o, keys[k]);
    cJSON_AddNumberToObject(o, "hops", (double)s->hops);
    cJSON_AddNumberToObject(o, "latency_us", latency_us);
    return o;
}

static rena_status run_method(rena_evaluation *e, rena_evaluate_method *m,
                              const rena_mimic_frame *frames, long n, const char *name,
                              seq_run *run, cJSON *list, rena_error *err)
{
    rena_mimic_options mo;
    rena_mimic_options_default(&mo);
    mo.filter = m->filter;
    mo.observe = RENA_OBS_FEATURES | (e->a->images ? RENA_OBS_IMAGE : 0);
    rena_mimic *mm = NULL;
    rena_mimic_source src = {0};
    rena_mimic_stats stats;
    rena_mimic_scores sc;
    rena_mimic_record_init(&run->rec);
    rena_status st = rena_mimic_create(&mo, m->policy, &mm, err);
    if (st == RENA_OK)
        st = rena_mimic_source_frames(frames, n, name, &src, err);
    if (st == RENA_OK)
        st = rena_actuator_reset(&e->moving, err);
    if (st == RENA_OK)
        st = rena_mimic_run(mm, &src, &e->moving, on_seq_frame, run, NULL, &stats, err);
    if (st == RENA_OK)
        st = rena_mimic_record_scores(&run->rec, &sc, err);
    if (st == RENA_OK) {
        double latency = stats.frames ? stats.compute_s / (double)stats.frames : 0.0;
        m->seqs++;
        m->sq_ld += sc.ld;
        m->sq_ssim += isfinite(sc.ssim) ? sc.ssim : 0.0;
        m->sq_gs += sc.gs;
        m->sq_gt += sc.gt;
        m->sq_gd += sc.gd;
        m->hops += sc.hops;
        m->sq_frames += sc.frames;
        m->latency_s += latency;
        if (strstr(name, "/abrupt")) {
            m->abrupt_seqs++;
            m->abrupt_hops += sc.hops;
            m->abrupt_gd += sc.gd;
            m->abrupt_gs += sc.gs;
            m->abrupt_gt += sc.gt;
        }
        cJSON_AddItemToArray(list, scores_json(m->name, &sc, 1e6 * latency));
    }
    rena_mimic_record_free(&run->rec);
    rena_mimic_source_close(&src);
    rena_mimic_free(mm);
    return st;
}

static rena_status run_sequence(rena_evaluation *e, int pi, const rena_performer *p, int seq,
                                rena_actuator *face, rena_error *err)
{
    rena_mimic_frame *frames = NULL;
    long n = 0;
    rena_status st = collect_targets(e, p, seq, face, &frames, &n, err);
    if (st != RENA_OK)
        return st;
    char name[128];
    snprintf(name, sizeof name, "performer:%s/%s", p->name, rena_performer_sequence_name(seq));
    cJSON *entry = cJSON_CreateObject(), *list = cJSON_CreateArray();
    cJSON_AddStringToObject(entry, "performer", p->name);
    cJSON_AddStringToObject(entry, "sequence", rena_performer_sequence_name(seq));
    cJSON_AddNumberToObject(entry, "frames", (double)n);
    cJSON_AddItemToObject(entry, "methods", list);
    cJSON_AddItemToArray(e->per_sequence, entry);
    int emotion = seq < RENA_NUM_EMOTIONS && e->a->images;
    if (emotion && frames[n / 2].has_image)
        st = rena_evaluate_copy_image(&frames[n / 2].image, &e->strip[seq][pi][0], err);
    for (int k = 0; st == RENA_OK && k < e->nm; k++) {
        seq_run run = {e, {0}, -1, NULL};
        if (emotion && k == e->main_method) {
            run.peak = n / 2;
            run.strip = &e->strip[seq][pi][1];
        }
        st = run_method(e, &e->m[k], frames, n, name, &run, list, err);
    }
    free_frames(frames, n);
    return st;
}

/* LD between the performer's neutral face and the robot's: what identity
 * alone costs, the floor under every method's LD on that performer. */
static rena_status identity_floor(rena_evaluation *e, const rena_performer *p, rena_actuator *face,
                                  rena_error *err)
{
    float neutral[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    rena_observation obs;
    rena_features performer;
    double ld;
    rena_status st = show(face, neutral, RENA_OBS_FEATURES, &obs, err);
    if (st == RENA_OK) {
        performer = obs.features;
        st = show(&e->still, neutral, RENA_OBS_FEATURES, &obs, err);
    }
    if (st == RENA_OK)
        st = rena_landmark_distance(&performer.landmarks[0][0], &obs.features.landmarks[0][0],
                                    RENA_NUM_LANDMARKS, NULL, &ld, err);
    if (st == RENA_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "performer", p->name);
        cJSON_AddNumberToObject(o, "ld_neutral", ld);
        cJSON_AddItemToArray(e->floors, o);
    }
    return st;
}

static int performer_selected(const eval_args *a, const char *name)
{
    if (!a->performers)
        return 1;
    size_t n = strlen(name);
    for (const char *s = a->performers; (s = strstr(s, name)); s += n)
        if ((s == a->performers || s[-1] == ',') && (s[n] == '\0' || s[n] == ','))
            return 1;
    return 0;
}

static rena_status run_sequences(rena_evaluation *e, rena_error *err)
{
    long done = 0, total = 0;
    for (int pi = 0; pi < RENA_NUM_PERFORMERS; pi++)
        total += performer_selected(e->a, rena_performers[pi].name) * RENA_PERFORMER_NUM_SEQUENCES;
    rena_status st = RENA_OK;
    for (int pi = 0; st == RENA_OK && pi < RENA_NUM_PERFORMERS; pi++) {
        const rena_performer *p = &rena_performers[pi];
        if (!performer_selected(e->a, p->name))
            continue;
        rena_actuator face;
        if ((st = open_performer(e, p, &face, err)) != RENA_OK)
            return st;
        st = identity_floor(e, p, &face, err);
        for (int seq = 0; st == RENA_OK && seq < RENA_PERFORMER_NUM_SEQUENCES; seq++) {
            st = run_sequence(e, pi, p, seq, &face, err);
            rena_progress_report(&e->progress, "performers", ++done, total, p->name);
            if (st == RENA_OK && rena_progress_cancelled(&e->progress))
                st = rena_error_set(err, RENA_ERR_INTERRUPTED, CMD, "stopped in the sequences");
        }
        rena_actuator_close(&face);
    }
    return st;
}

/* ---- main ----------------------------------------------------------------------- */

static void close_evaluation(rena_evaluation *e)
{
    for (int k = 0; k < 4; k++)
        rena_mimic_policy_close(&e->policies[k]);
    rena_model_free(e->model);
    rena_model_free(e->lm_model);
    rena_samples_free(&e->train);
    rena_samples_free(&e->test);
    rena_actuator_close(&e->still);
    rena_actuator_close(&e->moving);
    cJSON_Delete(e->per_sequence);
    cJSON_Delete(e->floors);
    for (int s = 0; s < RENA_NUM_EMOTIONS; s++)
        for (int p = 0; p < RENA_NUM_PERFORMERS; p++)
            for (int k = 0; k < 2; k++)
                free(e->strip[s][p][k].rgb);
}

static rena_status write_outputs(const rena_evaluation *e, rena_error *err)
{
    char tmp[4096];
    rena_status st = rena_atomic_dir_begin(e->a->out, tmp, sizeof tmp, err);
    if (st != RENA_OK)
        return st;
    st = rena_evaluate_write_report(e, tmp, err);
    if (st == RENA_OK)
        st = rena_atomic_dir_commit(tmp, e->a->out, err);
    if (st != RENA_OK)
        rena_remove_tree(tmp);
    return st;
}

/* One column of the console table: "-" where the method has no such figure
 * (the filter is not run on the closed set; no images, no SSIM). */
static void print_cell(double sum, long n, const char *fmt)
{
    if (n > 0)
        printf(fmt, sum / (double)n);
    else
        printf(" %8s", "-");
}

static void print_summary(const rena_evaluation *e)
{
    printf("rena evaluate: %ld closed-set samples, %ld performer sequences\n", e->m[0].n,
           e->m[0].seqs);
    printf("%-22s %8s %8s %8s %8s %8s %8s\n", "method", "SSIM(II)", "LD(II)", "LD(III)", "Gs",
           "Gt", "Gd");
    for (int k = 0; k < e->nm; k++) {
        const rena_evaluate_method *m = &e->m[k];
        printf("%-22s", m->name);
        print_cell(m->ssim_sum, m->n_ssim, " %8.4f");
        print_cell(m->ld_sum, m->n, " %8.4f");
        print_cell(m->sq_ld, m->seqs, " %8.4f");
        print_cell(m->sq_gs, m->seqs, " %8.1f");
        print_cell(m->sq_gt, m->seqs, " %8.1f");
        print_cell(m->sq_gd, m->seqs, " %8.1f");
        printf("\n");
    }
    printf("rena evaluate: wrote %s/evaluation.md, evaluation.json%s\n", e->a->out,
           e->a->images ? " and strips/" : "");
}

int rena_cmd_evaluate(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    rena_evaluation e;
    memset(&e, 0, sizeof e);
    e.a = &a;
    e.per_sequence = cJSON_CreateArray();
    e.floors = cJSON_CreateArray();
    e.progress = rena_cli_progress(CMD);
    rena_error err;
    rena_error_clear(&err);
    rena_status st = e.per_sequence && e.floors
                         ? RENA_OK
                         : rena_error_set(&err, RENA_ERR_NOMEM, CMD, "out of memory");
    if (st == RENA_OK)
        st = open_methods(&e, &err);
    if (st == RENA_OK)
        st = open_robots(&e, &err);
    if (st == RENA_OK)
        st = run_closed_set(&e, &err);
    if (st == RENA_OK)
        st = run_sequences(&e, &err);
    rena_cli_progress_done();
    if (st == RENA_OK)
        st = write_outputs(&e, &err);
    if (st == RENA_OK)
        print_summary(&e);
    close_evaluation(&e);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
