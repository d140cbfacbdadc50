/* report_page.h: the page `rena report` writes (cmd_report.c), built
 * section by section from what the other commands left behind: the
 * dataset (report_data.c), the training run, test-split errors and the
 * ablation (report_learn.c), the learned KAN edge functions
 * (report_kan.c), and the mimicry evaluation and a performer run
 * (report_mimic.c). Private to those files.
 *
 * Every picture goes to OUT/img/ as a PNG (plots through plot.h, renders
 * copied), every file is written atomically, and index.html is written last
 * so the page never names an image that is not there. A part whose input
 * was not given, or that the given folder lacks, becomes a note; an input
 * that is given but broken is an error naming the file. */
#ifndef RENA_REPORT_PAGE_H
#define RENA_REPORT_PAGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "dataset.h"
#include "model.h"
#include "report_html.h"
#include "status.h"

typedef struct {
    const char *out;      /* report folder (created if missing) */
    const char *data;     /* dataset folder (rena generate) */
    const char *model;    /* model file (rena train) */
    const char *eval;     /* folder of rena eval --out */
    const char *evaluate; /* folder of rena evaluate --out */
    const char *ablation; /* folder of rena ablation --out */
    const char *mimic;    /* folder of rena mimic --out */
    const char *timings;  /* JSON of pipeline steps (rena demo writes one) */
    int samples;          /* sample renders in the dataset grid */
    int edges;            /* KAN edge functions plotted */
    int threads;          /* for recomputed test-split errors; 0 = all cores */
} rena_page_args;

typedef struct {
    const rena_page_args *a;
    rena_html html;
    char img_dir[4096];  /* OUT/img */
    int images;          /* pictures placed on the page */
    rena_model *model;   /* --model, loaded by the training section */
    rena_samples test;   /* --data's test split, loaded on first use */
    int test_loaded;
} rena_page;

/* Builds every section and writes OUT/index.html. */
rena_status rena_page_build(const rena_page_args *a, rena_error *err);

/* ---- shared by the sections (report_page.c) ---------------------------- */

/* OUT/img/<name> into path; the page refers to it as "img/<name>". */
void rena_page_image_path(const rena_page *p, const char *name, char *path, size_t size);
/* Places img/<name> (already written) on the page as a figure. */
void rena_page_figure(rena_page *p, const char *name, const char *alt, const char *caption,
                      int width);
/* Copies a PNG into OUT/img/<name> (atomically). */
rena_status rena_page_copy_png(const rena_page *p, const char *src, const char *name,
                               rena_error *err);
/* 1 if path names an existing regular file. */
int rena_page_is_file(const char *path);
/* The test split of --data, loaded once; *out = NULL when no --data was
 * given. A dataset that is given but does not load is an error. */
rena_status rena_page_test_split(rena_page *p, const rena_samples **out, rena_error *err);

/* Parses a JSON file; errors name it. */
rena_status rena_page_read_json(const char *path, cJSON **out, rena_error *err);
/* A number member, NAN when absent or not a number. */
double rena_page_num(const cJSON *o, const char *key);
/* A string member, "" when absent. */
const char *rena_page_str(const cJSON *o, const char *key);
/* printf of one number, "n/a" when it is not finite. */
void rena_page_fmt(char *buf, size_t size, const char *fmt, double v);

/* A numeric CSV with a header row (curves.csv, commands.csv). */
typedef struct {
    int cols;
    char **names;  /* [cols] */
    long rows;
    double *v;     /* [rows][cols]; "nan" cells are NAN */
} rena_page_csv;
/* Errors name the file and line; rows with another number of cells or a
 * cell that is not a number are refused. */
rena_status rena_page_read_csv(const char *path, rena_page_csv *csv, rena_error *err);
/* Column index by name, -1 if absent. */
int rena_page_csv_col(const rena_page_csv *csv, const char *name);
/* Copies column c into a new array (NULL when out of memory). */
double *rena_page_csv_column(const rena_page_csv *csv, int c);
void rena_page_csv_free(rena_page_csv *csv);

/* ---- the sections ------------------------------------------------------- */
rena_status rena_page_dataset(rena_page *p, rena_error *err);   /* report_data.c */
rena_status rena_page_pipeline(rena_page *p, rena_error *err);  /* report_data.c */
rena_status rena_page_training(rena_page *p, rena_error *err);  /* report_learn.c */
rena_status rena_page_errors(rena_page *p, rena_error *err);    /* report_learn.c */
rena_status rena_page_ablation(rena_page *p, rena_error *err);  /* report_learn.c */
rena_status rena_page_kan(rena_page *p, rena_error *err);       /* report_kan.c */
rena_status rena_page_evaluate(rena_page *p, rena_error *err);  /* report_mimic.c */
rena_status rena_page_mimic(rena_page *p, rena_error *err);     /* report_mimic.c */

#endif
