/* model.h: a trained blendshape -> servo regressor and the inference API.
 *
 * As MuJoCo's mjModel / mjData: a rena_model holds the weights and is never
 * written during inference, so threads may share one; each thread brings its
 * own rena_workspace (sized once), and rena_model_predict allocates nothing.
 *
 *   rena_model *m; rena_error err;
 *   rena_model_load("face.rena", &m, &err);
 *   rena_workspace *ws = rena_workspace_create(m);
 *   rena_model_predict(m, ws, &features, commands);   // per camera frame
 *
 * Inputs are normalised with the training set's per-feature mean and scale
 * (stored in the model). A non-finite input value is replaced by that mean
 * (normalised 0, the least informative value) and counted in the
 * workspace; the commands are always finite and inside [0,1].
 *
 * A model trained with a head map (headmap.h; every architecture that
 * reads the head pose, by default) takes its head-yaw command from the map
 * applied to the frame's yaw, not from the network: the head turns with the
 * performer's head and with nothing else. A frame without a head pose gets
 * the map at yaw 0, facing the camera. */
#ifndef RENA_MODEL_H
#define RENA_MODEL_H

#include <stdint.h>

#include "blendshape.h"
#include "dataset.h"
#include "headmap.h"
#include "network.h"
#include "servo.h"
#include "status.h"

/* How the weights came about; stored in the model file, informative only. */
typedef struct {
    float lambda;      /* consistency weight used in training */
    uint64_t seed;
    int32_t epochs;    /* epochs run */
    int32_t best_epoch;/* epoch whose weights were kept (1-based) */
    float val_loss;    /* validation loss of the kept weights */
    int32_t n_train;   /* samples fitted (training split minus validation) */
} rena_model_info;

typedef struct {
    rena_model_hparams hp;
    rena_network net;  /* derived from hp */
    rena_model_info info;
    int n_in;          /* raw inputs, rena_model_input_count(hp.arch) */
    float *in_mean;    /* [n_in] */
    float *in_scale;   /* [n_in], > 0: normalised x = (raw - mean) / scale */
    long n_params;
    float *params;     /* [n_params], the layout of network.h */
    float *pe;         /* derived positional table (attention architectures) */
    int has_head_map;  /* 1: head_map overrides the network's head-yaw output; only
                          for architectures that read the head pose */
    rena_headmap head_map;
} rena_model;

typedef struct rena_workspace rena_workspace;

/* A model with initial random weights and identity normalisation. */
rena_status rena_model_create(const rena_model_hparams *hp, uint64_t seed, rena_model **out,
                              rena_error *err);
rena_status rena_model_copy(const rena_model *src, rena_model **out, rena_error *err);
void rena_model_free(rena_model *m);

/* The raw input vector of one frame (rena_model_input_count values): the 52
 * blendshapes then yaw, pitch, roll; or, for landmark-mlp, the 68 landmarks
 * moved to their centroid and divided by their RMS distance from it (so
 * face position and size in the image do not matter). Fails with
 * RENA_ERR_ARG if features lack the blendshapes (or landmarks) the
 * architecture needs; a missing head pose is filled with NaN, which
 * normalisation replaces by the training mean (and counts). */
rena_status rena_model_raw_input(rena_arch arch, const rena_features *f, float *raw,
                                 rena_error *err);
/* Same for row i of a loaded dataset split. */
void rena_model_raw_input_sample(rena_arch arch, const rena_samples *s, long i, float *raw);

/* The per-frame workspace; NULL when out of memory. */
rena_workspace *rena_workspace_create(const rena_model *m);
void rena_workspace_free(rena_workspace *ws);
/* Non-finite input values replaced during the last predict call. */
int rena_workspace_nonfinite(const rena_workspace *ws);

/* One frame -> 25 commands in [0,1]. No allocation. On error (missing
 * features, workspace of another model) commands are set to the neutral
 * face and the status says why. */
rena_status rena_model_predict(const rena_model *m, rena_workspace *ws,
                               const rena_features *features, float commands[RENA_NUM_SERVOS]);
/* n frames -> commands[n][25], one after another on the calling thread;
 * *nonfinite (may be NULL) receives the total of replaced values. */
rena_status rena_model_predict_batch(const rena_model *m, rena_workspace *ws,
                                     const rena_features *features, long n, float *commands,
                                     long *nonfinite);
/* Every row of a dataset split -> commands[n][25], split over `threads`
 * threads (0 = all cores) with one workspace each. */
rena_status rena_model_predict_samples(const rena_model *m, const rena_samples *s, int threads,
                                       float *commands, rena_error *err);

/* 1 when predictions take the head-yaw command from m->head_map: the model
 * has one and its architecture reads the head pose (not landmark-mlp). */
int rena_model_uses_head_map(const rena_model *m);

/* Normalises a raw input vector into x: (raw - mean) / scale, non-finite
 * values replaced by 0 (the training mean), the rest clipped to +-1e4.
 * Returns the number of replaced values. Used by predict and training. */
int rena_model_normalize(const rena_model *m, const float *raw, float *x);

#endif
