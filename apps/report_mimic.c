/* report_mimic.c: the report's mimicry sections: the comparison of methods
 * from rena evaluate (paper Tables II and III, image strips like Fig. 5)
 * and one performer run from rena mimic (commands over time, frames of the
 * performer beside the robot). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "performer.h"
#include "plot.h"
#include "report_page.h"
#include "servo.h"

#define MAX_METHODS 16
#define TRACE_SERVOS 6
#define FILM_FRAMES 6

/* ---- rena evaluate ------------------------------------------------------------ */

static void table_two(rena_page *p, const cJSON *methods)
{
    static const char *const head[] = {"method", "samples", "ID", "SSIM", "LD", "LD sd"};
    rena_html_table_begin(&p->html, head, 6);
    const cJSON *m;
    cJSON_ArrayForEach(m, methods)
    {
        char c[5][32];
        rena_page_fmt(c[0], 32, "%.0f", rena_page_num(m, "samples"));
        rena_page_fmt(c[1], 32, "%.2f", rena_page_num(m, "id"));
        rena_page_fmt(c[2], 32, "%.4f", rena_page_num(m, "ssim"));
        rena_page_fmt(c[3], 32, "%.4f", rena_page_num(m, "ld"));
        rena_page_fmt(c[4], 32, "%.4f", rena_page_num(m, "ld_sd"));
        const char *row[] = {rena_page_str(m, "method"), c[0], c[1], c[2], c[3], c[4]};
        rena_html_table_row(&p->html, row, 6);
    }
    rena_html_table_end(&p->html);
}

static void table_three(rena_page *p, const cJSON *methods)
{
    static const char *const head[] = {"method", "Gs", "Gt", "Gd", "servo hops", "ID", "LD",
                                       "latency (us)"};
    rena_html_table_begin(&p->html, head, 8);
    const cJSON *m;
    cJSON_ArrayForEach(m, methods)
    {
        char c[7][32];
        rena_page_fmt(c[0], 32, "%.1f", rena_page_num(m, "gs"));
        rena_page_fmt(c[1], 32, "%.1f", rena_page_num(m, "gt"));
        rena_page_fmt(c[2], 32, "%.1f", rena_page_num(m, "gd"));
        rena_page_fmt(c[3], 32, "%.0f", rena_page_num(m, "hops"));
        rena_page_fmt(c[4], 32, "%.2f", rena_page_num(m, "id"));
        rena_page_fmt(c[5], 32, "%.4f", rena_page_num(m, "ld"));
        rena_page_fmt(c[6], 32, "%.1f", rena_page_num(m, "latency_us"));
        const char *row[] = {rena_page_str(m, "method"), c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        rena_html_table_row(&p->html, row, 8);
    }
    rena_html_table_end(&p->html);
}

/* One bar per method of `key` (methods without the value are left out). */
static rena_status method_bars(rena_page *p, const cJSON *methods, const char *key,
                               const char *name, const char *title, const char *ylabel,
                               const char *caption, rena_error *err)
{
    const char *labels[MAX_METHODS];
    double v[MAX_METHODS];
    int n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, methods)
    {
        double x = rena_page_num(m, key);
        if (n < MAX_METHODS && isfinite(x)) {
            labels[n] = rena_page_str(m, "method");
            v[n++] = x;
        }
    }
    if (!n)
        return RENA_OK;
    char path[4700];
    rena_page_image_path(p, name, path, sizeof path);
    rena_plot_options o = {title, "method", ylabel, 0, 820, 440};
    rena_status st = rena_plot_bars(path, &o, labels, v, n, err);
    if (st == RENA_OK)
        rena_page_figure(p, name, title, caption, 575);
    return st;
}

static rena_status strips(rena_page *p, rena_error *err)
{
    int shown = 0;
    rena_status st = RENA_OK;
    rena_html_grid_begin(&p->html);
    for (int e = 0; st == RENA_OK && e < RENA_NUM_EMOTIONS; e++) {
        const char *emotion = rena_emotion_name((rena_emotion)e);
        char src[4400], name[96], caption[160];
        snprintf(src, sizeof src, "%s/strips/%s.png", p->a->evaluate, emotion);
        if (!rena_page_is_file(src))
            continue;
        snprintf(name, sizeof name, "strip-%s.png", emotion);
        snprintf(caption, sizeof caption, "%s: performer (left) beside the robot (right), one "
                                          "row per performer, at the peak of the expression",
                 emotion);
        if ((st = rena_page_copy_png(p, src, name, err)) == RENA_OK) {
            rena_page_figure(p, name, emotion, caption, 400);
            shown++;
        }
    }
    rena_html_grid_end(&p->html);
    if (st == RENA_OK && !shown)
        rena_html_note(&p->html, "No image strips: rena evaluate ran with --no-images.");
    return st;
}

static rena_status evaluation(rena_page *p, const cJSON *root, rena_error *err)
{
    const cJSON *closed = cJSON_GetObjectItemCaseSensitive(root, "closed_set");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(root, "sequences");
    const cJSON *cm = cJSON_GetObjectItemCaseSensitive(closed, "methods");
    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(seq, "methods");
    rena_html_para(&p->html, "Model %s (%s) against the baselines: RS, random expert faces; NN, "
                             "the nearest training sample in blendshape space; Eva, an MLP on "
                             "landmarks (when trained). ID = 100 (1 - SSIM) and LD (landmark "
                             "distance, face radii) between target and robot: lower is better; "
                             "Gs, Gt, Gd (%%): higher is better.",
                   rena_page_str(root, "model"), rena_page_str(root, "arch"));
    rena_html_heading(&p->html, 3, NULL, "Table II: closed set");
    rena_html_para(&p->html, "%.0f test faces of the dataset re-rendered as targets; every method "
                             "imitates them from their features.",
                   rena_page_num(closed, "samples"));
    table_two(p, cm);
    rena_html_heading(&p->html, 3, NULL, "Table III: performer sequences");
    rena_html_para(&p->html, "%.0f sequences of the simulated performers (six emotions and one of "
                             "abrupt changes) at 30 frames per second.",
                   rena_page_num(seq, "sequences"));
    table_three(p, sm);
    rena_html_grid_begin(&p->html);
    rena_status st = method_bars(p, cm, "ld", "mimicry-ld.png", "Closed-set LD (Table II)",
                                 "landmark distance", "Closed set: landmark distance between "
                                 "target and robot, lower is better.", err);
    if (st == RENA_OK)
        st = method_bars(p, sm, "gs", "mimicry-gs.png", "Sequence similarity Gs (Table III)",
                         "Gs (%)", "Performer sequences: expression similarity Gs, higher is "
                                   "better.", err);
    rena_html_grid_end(&p->html);
    rena_html_heading(&p->html, 3, NULL, "Target beside robot");
    return st == RENA_OK ? strips(p, err) : st;
}

rena_status rena_page_evaluate(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "mimicry",
                      "Mimicry against the baselines (paper Tables II, III)");
    if (!p->a->evaluate) {
        rena_html_note(&p->html, "No evaluation given (--evaluate): run rena evaluate --model "
                                 "MODEL --data DATA --out DIR.");
        return RENA_OK;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/evaluation.json", p->a->evaluate);
    cJSON *root = NULL;
    rena_status st = rena_page_read_json(path, &root, err);
    if (st == RENA_OK && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(
                             cJSON_GetObjectItemCaseSensitive(root, "sequences"), "methods")))
        st = rena_error_set(err, RENA_ERR_FORMAT, path, "no sequences.methods array");
    if (st == RENA_OK)
        st = evaluation(p, root, err);
    cJSON_Delete(root);
    return st;
}

/* ---- rena mimic ---------------------------------------------------------------- */

static void run_facts(rena_page *p, const cJSON *s)
{
    char c[6][32];
    rena_page_fmt(c[0], 32, "%.0f", rena_page_num(s, "frames"));
    rena_page_fmt(c[1], 32, "%.1f", rena_page_num(s, "latency_us_mean"));
    rena_page_fmt(c[2], 32, "%.4f", rena_page_num(s, "ld"));
    rena_page_fmt(c[3], 32, "%.1f", rena_page_num(s, "gs"));
    rena_page_fmt(c[4], 32, "%.1f", rena_page_num(s, "gt"));
    rena_page_fmt(c[5], 32, "%.1f", rena_page_num(s, "gd"));
    rena_html_facts_begin(&p->html);
    rena_html_fact(&p->html, "input", "%s", rena_page_str(s, "input"));
    rena_html_fact(&p->html, "model", "%s (%s), filter %s", rena_page_str(s, "model"),
                   rena_page_str(s, "arch"), rena_page_str(s, "filter"));
    rena_html_fact(&p->html, "frames", "%s, features -> command %s us per frame", c[0], c[1]);
    rena_html_fact(&p->html, "scores", "LD %s, Gs %s, Gt %s, Gd %s", c[2], c[3], c[4], c[5]);
    rena_html_facts_end(&p->html);
}

/* The servos that move most in commands.csv, over time. */
static rena_status command_traces(rena_page *p, const char *csv_path, rena_error *err)
{
    rena_page_csv csv;
    rena_status st = rena_page_read_csv(csv_path, &csv, err);
    if (st != RENA_OK)
        return st;
    int ct = rena_page_csv_col(&csv, "timestamp"), col[RENA_NUM_SERVOS], n = 0;
    double range[RENA_NUM_SERVOS];
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        col[n] = rena_page_csv_col(&csv, rena_servos[s].name);
        if (col[n] < 0)
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (long r = 0; r < csv.rows; r++) {
            lo = fmin(lo, csv.v[r * csv.cols + col[n]]);
            hi = fmax(hi, csv.v[r * csv.cols + col[n]]);
        }
        range[n++] = csv.rows ? hi - lo : 0.0;
    }
    rena_plot_series lines[TRACE_SERVOS];
    double *buf[TRACE_SERVOS + 1] = {ct >= 0 ? rena_page_csv_column(&csv, ct) : NULL};
    int shown = 0;
    for (; buf[0] && shown < TRACE_SERVOS && shown < n; shown++) {
        int best = shown; /* selection sort of the first few by range */
        for (int j = shown + 1; j < n; j++)
            if (range[j] > range[best])
                best = j;
        int tc = col[shown];
        double tr = range[shown];
        col[shown] = col[best], range[shown] = range[best];
        col[best] = tc, range[best] = tr;
        buf[shown + 1] = rena_page_csv_column(&csv, col[shown]);
        lines[shown] = (rena_plot_series){csv.names[col[shown]], buf[0], buf[shown + 1],
                                      buf[shown + 1] ? (int)csv.rows : 0};
    }
    char path[4700];
    rena_page_image_path(p, "performance-commands.png", path, sizeof path);
    rena_plot_options o = {"Servo commands during the performance", "time (s)",
                           "normalised command", 0, 900, 440};
    if (!buf[0] || !shown)
        st = rena_error_set(err, RENA_ERR_FORMAT, csv_path,
                            "needs a timestamp column and servo columns");
    if (st == RENA_OK && (st = rena_plot_lines(path, &o, lines, shown, err)) == RENA_OK)
        rena_page_figure(p, "performance-commands.png", "servo commands over time",
                         "The commands of the servos that moved most, frame by frame.", 820);
    for (int k = 0; k <= TRACE_SERVOS; k++)
        free(buf[k]);
    rena_page_csv_free(&csv);
    return st;
}

/* A few frames of the performer (top) and the robot (bottom). */
static rena_status film(rena_page *p, long frames, rena_error *err)
{
    static const char *const who[2] = {"target", "robot"};
    int shown = 0;
    rena_status st = RENA_OK;
    for (int w = 0; w < 2 && st == RENA_OK; w++) {
        rena_html_grid_begin(&p->html);
        for (int k = 0; k < FILM_FRAMES && st == RENA_OK && frames > 0; k++) {
            long f = (long)((double)(frames - 1) * (k + 0.5) / FILM_FRAMES);
            char src[4400], name[64], caption[64];
            snprintf(src, sizeof src, "%s/%s/%06ld.png", p->a->mimic, who[w], f);
            if (!rena_page_is_file(src))
                continue;
            snprintf(name, sizeof name, "performance-%s-%06ld.png", who[w], f);
            snprintf(caption, sizeof caption, "%s, frame %ld", w ? "robot" : "performer", f);
            if ((st = rena_page_copy_png(p, src, name, err)) == RENA_OK) {
                rena_page_figure(p, name, caption, caption, 190);
                shown++;
            }
        }
        rena_html_grid_end(&p->html);
    }
    if (st == RENA_OK && !shown)
        rena_html_note(&p->html, "No frames: rena mimic ran with --no-renders or on hardware.");
    return st;
}

rena_status rena_page_mimic(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "performance", "A performance, frame by frame");
    if (!p->a->mimic) {
        rena_html_note(&p->html, "No performer run given (--mimic): run rena mimic --model MODEL "
                                 "--input performer:ana/happiness --out DIR.");
        return RENA_OK;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", p->a->mimic);
    cJSON *summary = NULL;
    rena_status st = rena_page_read_json(path, &summary, err);
    if (st != RENA_OK)
        return st;
    rena_html_para(&p->html, "The model drives the robot from the performer's features at 30 "
                             "frames per second, one frame period per command.");
    run_facts(p, summary);
    long frames = (long)fmax(0.0, rena_page_num(summary, "frames"));
    cJSON_Delete(summary);
    snprintf(path, sizeof path, "%s/commands.csv", p->a->mimic);
    if (rena_page_is_file(path))
        st = command_traces(p, path, err);
    else
        rena_html_note(&p->html, "%s is missing.", path);
    return st == RENA_OK ? film(p, frames, err) : st;
}
