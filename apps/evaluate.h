/* evaluate.h: what `rena evaluate` (cmd_evaluate.c) collects and its report
 * writer (evaluate_report.c) prints; private to those two files. */
#ifndef RENA_EVALUATE_H
#define RENA_EVALUATE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "actuator.h"
#include "dataset.h"
#include "mimic.h"
#include "progress.h"

#define RENA_EVALUATE_MAX_METHODS 5

typedef struct {
    const char *model, *landmark_model, *data, *out, *performers;
    long limit;
    uint64_t seed;
    int images;
} eval_args;

/* One method and its sums over the closed set and over the sequences. */
typedef struct {
    char name[64];
    rena_mimic_policy *policy;
    rena_mimic_filter filter;
    int closed_set;          /* 0: identical to another method on static frames */
    long n, n_ssim;          /* closed-set samples, of which with images */
    double ld_sum, ld_sq, ssim_sum;
    long seqs, sq_frames, hops;           /* sequences run, their frames and servo hops */
    double sq_ld, sq_ssim, sq_gs, sq_gt, sq_gd, latency_s; /* sums of per-sequence values */
    long abrupt_seqs, abrupt_hops;        /* the same on the abrupt sequences alone */
    double abrupt_gd, abrupt_gs, abrupt_gt;
} rena_evaluate_method;

typedef struct {
    const eval_args *a;
    rena_model *model, *lm_model;
    rena_samples train, test;
    rena_mimic_policy policies[4]; /* rs, nn, landmark, model */
    rena_evaluate_method m[RENA_EVALUATE_MAX_METHODS];
    int nm, main_method;           /* index of MODEL without filter */
    rena_actuator still, moving;   /* robot settling fully / one frame period per command */
    rena_progress progress;
    cJSON *per_sequence, *floors;  /* arrays filled while running */
    /* per emotion and performer: the target and the robot (main method) at the peak */
    rena_image strip[RENA_NUM_EMOTIONS][RENA_NUM_PERFORMERS][2];
} rena_evaluation;

/* Copies an image, (re)allocating dst->rgb as needed. */
rena_status rena_evaluate_copy_image(const rena_image *src, rena_image *dst, rena_error *err);

/* Writes evaluation.md, evaluation.json and strips/ into the folder dir
 * (which exists). */
rena_status rena_evaluate_write_report(const rena_evaluation *e, const char *dir,
                                       rena_error *err);

#endif
