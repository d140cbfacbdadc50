/* evaluate_report.c: the report of `rena evaluate`: Tables II and III as
 * Markdown and JSON, and the image strips (evaluate.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "evaluate.h"
#include "image.h"
#include "sequence_metrics.h"

static double ratio(double sum, long n)
{
    return n > 0 ? sum / (double)n : NAN;
}

static void add_number(cJSON *o, const char *name, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/* ---- figures of one method ----------------------------------------------------- */

typedef struct {
    double ld, ld_sd, ssim, id;                          /* closed set */
    double s_ld, s_ssim, s_id, gs, gt, gd, latency_us;   /* sequences, mean over sequences */
    double a_gd, a_gs, a_gt;                             /* abrupt sequences */
} figures;

static figures figures_of(const rena_evaluate_method *m, int images)
{
    figures f;
    f.ld = ratio(m->ld_sum, m->n);
    f.ld_sd = m->n > 1 ? sqrt(fmax(0.0, (m->ld_sq - m->n * f.ld * f.ld) / (double)(m->n - 1)))
                       : NAN;
    f.ssim = ratio(m->ssim_sum, m->n_ssim);
    f.id = 100.0 * (1.0 - f.ssim);
    f.s_ld = ratio(m->sq_ld, m->seqs);
    f.s_ssim = images ? ratio(m->sq_ssim, m->seqs) : NAN;
    f.s_id = 100.0 * (1.0 - f.s_ssim);
    f.gs = ratio(m->sq_gs, m->seqs);
    f.gt = ratio(m->sq_gt, m->seqs);
    f.gd = ratio(m->sq_gd, m->seqs);
    f.latency_us = 1e6 * ratio(m->latency_s, m->seqs);
    f.a_gd = ratio(m->abrupt_gd, m->abrupt_seqs);
    f.a_gs = ratio(m->abrupt_gs, m->abrupt_seqs);
    f.a_gt = ratio(m->abrupt_gt, m->abrupt_seqs);
    return f;
}

/* ---- JSON ---------------------------------------------------------------------- */

static cJSON *method_json(const rena_evaluate_method *m, const figures *f, int closed)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "method", m->name);
    if (closed) {
        cJSON_AddNumberToObject(o, "samples", (double)m->n);
        add_number(o, "ld", f->ld);
        add_number(o, "ld_sd", f->ld_sd);
        add_number(o, "ssim", f->ssim);
        add_number(o, "id", f->id);
        return o;
    }
    cJSON_AddNumberToObject(o, "sequences", (double)m->seqs);
    cJSON_AddNumberToObject(o, "frames", (double)m->sq_frames);
    add_number(o, "ld", f->s_ld);
    add_number(o, "ssim", f->s_ssim);
    add_number(o, "id", f->s_id);
    add_number(o, "gs", f->gs);
    add_number(o, "gt", f->gt);
    add_number(o, "gd", f->gd);
    cJSON_AddNumberToObject(o, "hops", (double)m->hops);
    add_number(o, "latency_us", f->latency_us);
    cJSON *ab = cJSON_CreateObject();
    cJSON_AddNumberToObject(ab, "sequences", (double)m->abrupt_seqs);
    cJSON_AddNumberToObject(ab, "hops", (double)m->abrupt_hops);
    add_number(ab, "gd", f->a_gd);
    add_number(ab, "gs", f->a_gs);
    add_number(ab, "gt", f->a_gt);
    cJSON_AddItemToObject(o, "abrupt", ab);
    return o;
}

static rena_status write_json(const rena_evaluation *e, const char *dir, rena_error *err)
{
    const eval_args *a = e->a;
    cJSON *o = cJSON_CreateObject(), *closed = cJSON_CreateObject(), *seq = cJSON_CreateObject();
    cJSON *cm = cJSON_CreateArray(), *sm = cJSON_CreateArray(), *k = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", a->model);
    cJSON_AddStringToObject(o, "arch", rena_arch_name(e->model->hp.arch));
    if (a->landmark_model)
        cJSON_AddStringToObject(o, "landmark_model", a->landmark_model);
    cJSON_AddStringToObject(o, "data", a->data);
    cJSON_AddNumberToObject(o, "rs_seed", (double)a->seed);
    for (int i = 0; i < e->nm; i++) {
        figures f = figures_of(&e->m[i], a->images);
        if (e->m[i].closed_set)
            cJSON_AddItemToArray(cm, method_json(&e->m[i], &f, 1));
        cJSON_AddItemToArray(sm, method_json(&e->m[i], &f, 0));
    }
    cJSON_AddNumberToObject(closed, "samples", (double)e->m[0].n);
    cJSON_AddItemToObject(closed, "methods", cm);
    cJSON_AddItemToObject(o, "closed_set", closed);
    cJSON_AddNumberToObject(seq, "sequences", (double)e->m[0].seqs);
    cJSON_AddItemToObject(seq, "methods", sm);
    cJSON_AddItemToObject(seq, "per_sequence", cJSON_Duplicate(e->per_sequence, 1));
    cJSON_AddItemToObject(seq, "identity_floor", cJSON_Duplicate(e->floors, 1));
    cJSON_AddItemToObject(o, "sequences", seq);
    rena_seq_params sp = rena_seq_params_default();
    rena_mimic_options mo;
    rena_mimic_options_default(&mo);
    cJSON_AddNumberToObject(k, "b_s", sp.b_s);
    cJSON_AddNumberToObject(k, "b_t", sp.b_t);
    cJSON_AddNumberToObject(k, "t_d", sp.t_d);
    cJSON_AddNumberToObject(k, "fps", mo.fps);
    cJSON_AddNumberToObject(k, "filter_max_step", mo.max_step);
    cJSON_AddNumberToObject(k, "filter_max_step_growth", mo.max_step_growth);
    cJSON_AddNumberToObject(k, "oneeuro_min_cutoff", mo.oneeuro.min_cutoff);
    cJSON_AddNumberToObject(k, "oneeuro_beta", mo.oneeuro.beta);
    cJSON_AddNumberToObject(k, "oneeuro_d_cutoff", mo.oneeuro.d_cutoff);
    cJSON_AddItemToObject(o, "constants", k);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return rena_error_set(err, RENA_ERR_NOMEM, "evaluation.json", "out of memory");
    char path[4200];
    snprintf(path, sizeof path, "%s/evaluation.json", dir);
    rena_status st = rena_atomic_write(path, text, strlen(text), err);
    free(text);
    return st;
}

/* ---- Markdown ------------------------------------------------------------------ */

static void cell(FILE *fp, const char *fmt, double v)
{
    if (isfinite(v))
        fprintf(fp, fmt, v);
    else
        fprintf(fp, " n/a |");
}

static void table_two(FILE *fp, const rena_evaluation *e)
{
    fprintf(fp, "## Table II: closed set\n\n"
                "The first %ld test samples of the dataset, re-rendered on the robot (target) and "
                "imitated from their features by each method; every face settles fully. ID = "
                "100 (1 - SSIM), LD in face RMS radii (docs/metrics.md); lower is better.\n\n",
            e->m[0].n);
    fprintf(fp, "| Method | ID | SSIM | LD | LD sd |\n|---|---|---|---|---|\n");
    for (int i = 0; i < e->nm; i++) {
        if (!e->m[i].closed_set)
            continue;
        figures f = figures_of(&e->m[i], e->a->images);
        fprintf(fp, "| %s |", e->m[i].name);
        cell(fp, " %.2f |", f.id);
        cell(fp, " %.4f |", f.ssim);
        cell(fp, " %.4f |", f.ld);
        cell(fp, " %.4f |", f.ld_sd);
        fprintf(fp, "\n");
    }
    fprintf(fp, "\nThe temporal filter is left out here: a static face fed frame after frame "
                "converges to the unfiltered command, so its row would repeat the model's.\n\n");
}

static void table_three(FILE *fp, const rena_evaluation *e)
{
    fprintf(fp, "## Table III: performer sequences\n\n"
                "Means over %ld sequences (%d per performer: six emotions neutral -> peak -> "
                "neutral and one with abrupt changes) at 30 fps; the robot gets one frame period "
                "(1/30 s) per command. Gs, Gt, Gd in percent (higher is better), ID and LD "
                "between the performer's and the robot's face (lower is better), latency = "
                "features -> command per frame.\n\n",
            e->m[0].seqs, RENA_PERFORMER_NUM_SEQUENCES);
    fprintf(fp, "| Method | Gs | Gt | Gd | servo hops | ID | LD | latency (us) |\n"
                "|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < e->nm; i++) {
        figures f = figures_of(&e->m[i], e->a->images);
        fprintf(fp, "| %s |", e->m[i].name);
        cell(fp, " %.1f |", f.gs);
        cell(fp, " %.1f |", f.gt);
        cell(fp, " %.1f |", f.gd);
        fprintf(fp, " %ld |", e->m[i].hops);
        cell(fp, " %.2f |", f.s_id);
        cell(fp, " %.4f |", f.s_ld);
        cell(fp, " %.1f |", f.latency_us);
        fprintf(fp, "\n");
    }
    fprintf(fp, "\nLD between the neutral performer and the neutral robot (identity alone, the "
                "floor under every LD above):");
    const cJSON *it;
    cJSON_ArrayForEach(it, e->floors)
    {
        fprintf(fp, " %s %.4f;", cJSON_GetObjectItem(it, "performer")->valuestring,
                cJSON_GetObjectItem(it, "ld_neutral")->valuedouble);
    }
    fprintf(fp, "\n\n");
}

static void filter_effect(FILE *fp, const rena_evaluation *e)
{
    rena_mimic_options mo;
    rena_mimic_options_default(&mo);
    fprintf(fp, "## The temporal filter on abrupt transitions\n\n"
                "The abrupt sequences only (%ld). The filter: 1-euro on blendshapes and head pose "
                "(min cutoff %.1f Hz, beta %.1f), then each command's step limited to %.2f per "
                "frame and its growth to %.2f per frame, under the hop threshold T_D = %.2f of "
                "eq. 16.\n\n",
            e->m[e->main_method].abrupt_seqs, mo.oneeuro.min_cutoff, mo.oneeuro.beta,
            (double)mo.max_step, (double)mo.max_step_growth, RENA_SEQ_T_D);
    fprintf(fp, "| Method | servo hops | Gd | Gs | Gt |\n|---|---|---|---|---|\n");
    for (int i = 0; i < e->nm; i++) {
        figures f = figures_of(&e->m[i], e->a->images);
        fprintf(fp, "| %s | %ld |", e->m[i].name, e->m[i].abrupt_hops);
        cell(fp, " %.1f |", f.a_gd);
        cell(fp, " %.1f |", f.a_gs);
        cell(fp, " %.1f |", f.a_gt);
        fprintf(fp, "\n");
    }
    fprintf(fp, "\n");
}

static double item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void per_sequence(FILE *fp, const rena_evaluation *e)
{
    const char *main_name = e->m[e->main_method].name;
    fprintf(fp, "## Per sequence: Gs / Gt / Gd / LD\n\n| Performer | Sequence | frames |");
    for (int i = 0; i < e->nm; i++)
        fprintf(fp, " %s |", e->m[i].name);
    fprintf(fp, "\n|---|---|---|");
    for (int i = 0; i < e->nm; i++)
        fprintf(fp, "---|");
    fprintf(fp, "\n");
    const cJSON *s, *m;
    cJSON_ArrayForEach(s, e->per_sequence)
    {
        fprintf(fp, "| %s | %s | %d |", cJSON_GetObjectItem(s, "performer")->valuestring,
                cJSON_GetObjectItem(s, "sequence")->valuestring,
                cJSON_GetObjectItem(s, "frames")->valueint);
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(s, "methods"))
        {
            fprintf(fp, " %.1f / %.1f / %.1f / %.3f |", item(m, "gs"), item(m, "gt"),
                    item(m, "gd"), item(m, "ld"));
        }
        fprintf(fp, "\n");
    }
    if (e->a->images)
        fprintf(fp, "\nstrips/<emotion>.png: each performer at the peak of the emotion (left) "
                    "beside the robot driven by %s (right), like the paper's Fig. 5.\n",
                main_name);
}

static rena_status write_markdown(const rena_evaluation *e, const char *dir, rena_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/evaluation.md", dir);
    rena_atomic_file f;
    rena_status st = rena_atomic_open(&f, path, err);
    if (st != RENA_OK)
        return st;
    fprintf(f.fp, "# Mimicry evaluation (paper Sec. V.C)\n\n"
                  "Model `%s` (%s)%s%s%s, dataset `%s`, RS seed %llu. Produced by `rena "
                  "evaluate`; docs/mimic.md describes the protocol.\n\n",
            e->a->model, rena_arch_name(e->model->hp.arch),
            e->a->landmark_model ? ", landmark model `" : "",
            e->a->landmark_model ? e->a->landmark_model : "", e->a->landmark_model ? "`" : "",
            e->a->data, (unsigned long long)e->a->seed);
    table_two(f.fp, e);
    table_three(f.fp, e);
    filter_effect(f.fp, e);
    per_sequence(f.fp, e);
    return rena_atomic_commit(&f, err);
}

/* ---- strips --------------------------------------------------------------------- */

/* Pastes img, halved by 2x2 averaging, at (x0, y0) of out. */
static void paste_half(rena_image *out, const rena_image *img, int x0, int y0)
{
    for (int y = 0; y < img->height / 2; y++)
        for (int x = 0; x < img->width / 2; x++)
            for (int c = 0; c < 3; c++) {
                const unsigned char *p = img->rgb + ((size_t)(2 * y) * img->width + 2 * x) * 3 + c;
                size_t row = (size_t)img->width * 3;
                int sum = p[0] + p[3] + p[row] + p[row + 3];
                out->rgb[((size_t)(y0 + y) * out->width + x0 + x) * 3 + c] =
                    (unsigned char)((sum + 2) / 4);
            }
}

static rena_status write_strip(const rena_evaluation *e, int emotion, const char *dir,
                               rena_error *err)
{
    int rows = 0, w = 0, h = 0;
    for (int p = 0; p < RENA_NUM_PERFORMERS; p++)
        if (e->strip[emotion][p][0].rgb && e->strip[emotion][p][1].rgb) {
            rows++;
            w = e->strip[emotion][p][0].width / 2;
            h = e->strip[emotion][p][0].height / 2;
        }
    if (!rows)
        return RENA_OK;
    rena_image out = {2 * w, rows * h, calloc((size_t)2 * w * rows * h, 3)};
    if (!out.rgb)
        return rena_error_set(err, RENA_ERR_NOMEM, "strips", "out of memory");
    for (int p = 0, r = 0; p < RENA_NUM_PERFORMERS; p++)
        if (e->strip[emotion][p][0].rgb && e->strip[emotion][p][1].rgb) {
            for (int k = 0; k < 2; k++)
                paste_half(&out, &e->strip[emotion][p][k], k * w, r * h);
            r++;
        }
    char path[4200];
    snprintf(path, sizeof path, "%s/strips/%s.png", dir, rena_emotion_name((rena_emotion)emotion));
    rena_status st = rena_png_write(path, &out, err);
    free(out.rgb);
    return st;
}

rena_status rena_evaluate_write_report(const rena_evaluation *e, const char *dir,
                                       rena_error *err)
{
    rena_status st = write_json(e, dir, err);
    if (st == RENA_OK)
        st = write_markdown(e, dir, err);
    if (st != RENA_OK || !e->a->images)
        return st;
    char strips[4200];
    snprintf(strips, sizeof strips, "%s/strips", dir);
    if (mkdir(strips, 0777) != 0)
        return rena_error_set(err, RENA_ERR_IO, strips, "cannot create the folder");
    for (int em = 0; st == RENA_OK && em < RENA_NUM_EMOTIONS; em++)
        st = write_strip(e, em, dir, err);
    return st;
}
