/* generate.h: the dataset generation loop (paper Fig. 3, left): for every
 * sample index of a shard, reset the face, draw the strategy's command, send
 * it, read the positions back, observe the face and store what was sent
 * together with where the servos went and what was seen.
 *
 * A backend without perception (the servo bus: observe is unsupported, or
 * gives no blendshapes) still generates: the rows hold commands and
 * positions, the features are zeros and meta.json says "features": false.
 * Asking such a backend for images is an error.
 *
 * Sample i depends only on (seed, i) and on a face that was reset before it,
 * so shards and worker threads produce exactly the rows one worker would.
 * Each worker thread drives its own actuator, opened by a callback inside
 * that thread (a simulator with its own GL context per thread). */
#ifndef RENA_GENERATE_H
#define RENA_GENERATE_H

#include <stdint.h>

#include "actuator.h"
#include "dataset.h"
#include "progress.h"
#include "status.h"

/* Opens the actuator of worker `worker` (0..jobs-1). Called in the worker's
 * own thread; the loop closes it with rena_actuator_close in that thread. */
typedef rena_status (*rena_actuator_open_fn)(void *user, int worker, rena_actuator *out,
                                             rena_error *err);

#define RENA_GENERATE_MAX_JOBS 256

typedef struct {
    rena_dataset_meta meta; /* total, test, seed, shard, images, strategy, backend,
                               mujoco_version, landmark_noise_px (see dataset.h) */
    int jobs;               /* worker threads (1..RENA_GENERATE_MAX_JOBS; capped at the shard's sample count) */
    rena_actuator_open_fn open_actuator;
    void *open_user;        /* passed to open_actuator */
} rena_generate_options;

/* What a finished run did. */
typedef struct {
    long samples;        /* rows written (the shard's range) */
    long n_train, n_test;
    long images;         /* PNGs written */
    double seconds;      /* wall time of the loop and the writing */
    long adjusted;       /* commands the backend had to clamp before sending */
    unsigned features;   /* RENA_FEAT_* parts observed; 0: commands and positions only */
} rena_generate_stats;

/* Sets meta to rena_dataset_meta_default and jobs to 1. */
void rena_generate_options_default(rena_generate_options *opt);

/* Command of sample `index` under a strategy: "expert" (core/expert.h
 * Algorithm 1) or "random" (uniform babbling). Unknown names are
 * RENA_ERR_ARG. */
rena_status rena_generate_command(const char *strategy, uint64_t seed, long index,
                                  float cmd[RENA_NUM_SERVOS], rena_error *err);

/* Adds Gaussian noise of sigma_px to the landmarks of sample `index`, keyed
 * by (seed, index) so it does not depend on the order samples are made in. */
void rena_generate_landmark_noise(uint64_t seed, long index, double sigma_px, rena_features *f);

/* Generates the shard described by opt->meta into the dataset folder
 * out_dir (written atomically; see rena_dataset_writer). Cancellation through
 * progress returns RENA_ERR_INTERRUPTED and writes nothing. stats may be NULL. */
rena_status rena_generate(const char *out_dir, const rena_generate_options *opt,
                          const rena_progress *progress, rena_generate_stats *stats,
                          rena_error *err);

#endif
