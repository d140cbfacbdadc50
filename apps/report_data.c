/* report_data.c: the report's dataset section (what was generated, a grid
 * of sample renders, how much of each servo's range the data covers) and
 * its closing section (the inputs and, from rena demo, the pipeline's
 * steps with their wall times). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "report_page.h"
#include "servo.h"

/* Per-servo standard deviation of the training commands. */
static rena_status coverage_plot(rena_page *p, rena_error *err)
{
    rena_samples train;
    memset(&train, 0, sizeof train);
    rena_status st = rena_dataset_load_split(p->a->data, "train", &train, err);
    if (st != RENA_OK)
        return st;
    double sd[RENA_NUM_SERVOS];
    const char *labels[RENA_NUM_SERVOS];
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        double sum = 0.0, sq = 0.0;
        for (long i = 0; i < train.n; i++) {
            double v = train.commands[i * RENA_NUM_SERVOS + s];
            sum += v;
            sq += v * v;
        }
        double mean = sum / (double)train.n;
        sd[s] = sqrt(fmax(0.0, sq / (double)train.n - mean * mean));
        labels[s] = rena_servos[s].name;
    }
    rena_samples_free(&train);
    char path[4700];
    rena_page_image_path(p, "data-coverage.png", path, sizeof path);
    rena_plot_options o = {"How far each servo moves in the training data", "servo",
                           "standard deviation of the command", 0, 1000, 420};
    st = rena_plot_bars(path, &o, labels, sd, RENA_NUM_SERVOS, err);
    if (st == RENA_OK)
        rena_page_figure(p, "data-coverage.png", "per-servo command spread",
                         "Standard deviation of each servo's normalised command over the "
                         "training split (0: the servo never moves).",
                         820);
    return st;
}

/* Evenly spaced samples of the folder, as rendered by rena generate --images. */
static rena_status sample_grid(rena_page *p, const rena_dataset_meta *m, rena_error *err)
{
    int want = p->a->samples, shown = 0;
    long span = m->end - m->begin;
    if (want <= 0)
        return RENA_OK;
    if (!m->images) {
        rena_html_note(&p->html, "The dataset has no images (it was generated without "
                                 "--images), so no sample renders are shown.");
        return RENA_OK;
    }
    rena_html_grid_begin(&p->html);
    rena_status st = RENA_OK;
    for (int k = 0; st == RENA_OK && k < want && k < span; k++) {
        long index = m->begin + (long)((double)span * k / (want < span ? want : span));
        char src[4600], name[64], caption[96];
        snprintf(src, sizeof src, "%s/images/%06ld.png", p->a->data, index);
        if (!rena_page_is_file(src))
            continue;
        snprintf(name, sizeof name, "sample-%06ld.png", index);
        st = rena_page_copy_png(p, src, name, err);
        snprintf(caption, sizeof caption, "sample %ld", index);
        if (st == RENA_OK) {
            rena_page_figure(p, name, caption, caption, 188);
            shown++;
        }
    }
    rena_html_grid_end(&p->html);
    if (st == RENA_OK && !shown)
        rena_html_note(&p->html, "meta.json says the dataset has images, but none of the "
                                 "chosen files images/NNNNNN.png exists.");
    return st;
}

static const char *feature_list(unsigned f, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s", f & RENA_FEAT_BLENDSHAPES ? "blendshapes " : "",
             f & RENA_FEAT_LANDMARKS ? "landmarks " : "", f & RENA_FEAT_POSE ? "head pose" : "",
             f ? "" : "none (commands and positions only)");
    return buf;
}

rena_status rena_page_dataset(rena_page *p, rena_error *err)
{
    rena_html *h = &p->html;
    rena_html_heading(h, 2, "dataset", "Dataset");
    if (!p->a->data) {
        rena_html_note(h, "No dataset given (--data): run rena generate --out DATA --images.");
        return RENA_OK;
    }
    rena_dataset_meta m;
    rena_status st = rena_dataset_read_meta(p->a->data, &m, err);
    if (st != RENA_OK)
        return st;
    char feats[96];
    rena_html_para(h, "Faces made by the %s strategy (paper Algorithm 1) on the %s backend, "
                      "observed by the face's perception: each sample pairs the 25 servo "
                      "commands sent with the blendshapes, landmarks and head pose seen.",
                   m.strategy, m.backend);
    rena_html_facts_begin(h);
    rena_html_fact(h, "folder", "%s", p->a->data);
    rena_html_fact(h, "samples", "%ld (%ld train + %ld test in this folder)", m.total, m.n_train,
                   m.n_test);
    rena_html_fact(h, "split", "%ld test of %ld, Fisher-Yates permutation keyed by the seed",
                   m.test, m.total);
    rena_html_fact(h, "seed", "%llu", (unsigned long long)m.seed);
    rena_html_fact(h, "shard", "%ld/%ld", m.shard_index, m.shard_count);
    rena_html_fact(h, "features", "%s", feature_list(m.features, feats, sizeof feats));
    rena_html_fact(h, "landmark noise", "%g px", m.landmark_noise_px);
    rena_html_fact(h, "images", "%s", m.images ? "yes (640x480 renders)" : "no");
    rena_html_fact(h, "versions", "rena %s, MuJoCo %s", m.rena_version,
                   m.mujoco_version[0] ? m.mujoco_version : "-");
    rena_html_facts_end(h);
    st = sample_grid(p, &m, err);
    if (st == RENA_OK && m.n_train > 0)
        st = coverage_plot(p, err);
    return st;
}

/* ---- how it was made ------------------------------------------------------ */

static void input_facts(rena_page *p)
{
    const rena_page_args *a = p->a;
    const char *names[] = {"--data", "--model", "--eval", "--evaluate", "--ablation", "--mimic",
                           "--timings"};
    const char *values[] = {a->data, a->model, a->eval, a->evaluate, a->ablation, a->mimic,
                            a->timings};
    rena_html_facts_begin(&p->html);
    for (int k = 0; k < 7; k++)
        rena_html_fact(&p->html, names[k], "%s", values[k] ? values[k] : "(not given)");
    rena_html_facts_end(&p->html);
}

static rena_status timings_table(rena_page *p, rena_error *err)
{
    cJSON *root = NULL;
    rena_status st = rena_page_read_json(p->a->timings, &root, err);
    if (st != RENA_OK)
        return st;
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps"), *s;
    if (!cJSON_IsArray(steps)) {
        cJSON_Delete(root);
        return rena_error_set(err, RENA_ERR_FORMAT, p->a->timings, "no \"steps\" array");
    }
    rena_html_heading(&p->html, 3, NULL, "Pipeline steps and wall times");
    static const char *const head[] = {"#", "step", "command", "wall time (s)", "CPU time (s)"};
    rena_html_table_begin(&p->html, head, 5);
    int k = 0;
    cJSON_ArrayForEach(s, steps)
    {
        char num[16], secs[32], cpu[32];
        snprintf(num, sizeof num, "%d", ++k);
        rena_page_fmt(secs, sizeof secs, "%.1f", rena_page_num(s, "seconds"));
        rena_page_fmt(cpu, sizeof cpu, "%.1f", rena_page_num(s, "cpu_seconds"));
        const char *row[] = {num, rena_page_str(s, "step"), rena_page_str(s, "command"), secs, cpu};
        rena_html_table_row(&p->html, row, 5);
    }
    rena_html_table_end(&p->html);
    char total[32], load[32];
    rena_page_fmt(total, sizeof total, "%.1f", rena_page_num(root, "total_seconds"));
    rena_page_fmt(load, sizeof load, "%.2f", rena_page_num(root, "load_average_start"));
    rena_html_para(&p->html, "These steps took %s s of wall time on %d cores (load average %s "
                             "when they started); this page was written right after them. CPU "
                             "time counts every thread of the process: on an idle machine a "
                             "step's wall time is about its CPU time divided by the cores it "
                             "kept busy.",
                   total, (int)fmax(0.0, rena_page_num(root, "cores")), load);
    cJSON_Delete(root);
    return RENA_OK;
}

rena_status rena_page_pipeline(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "pipeline", "How this page was made");
    rena_html_para(&p->html, "Written by rena report from the outputs of rena generate, train, "
                             "eval, ablation, evaluate and mimic; every picture is a PNG in "
                             "img/ next to this page, which needs no network and no scripts.");
    input_facts(p);
    if (!p->a->timings)
        return RENA_OK;
    return timings_table(p, err);
}
