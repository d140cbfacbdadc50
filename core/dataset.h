/* dataset.h: the on-disk rena dataset, writing it, joining shards of it, and
 * loading it for training.
 *
 * A dataset is a folder:
 *   meta.json              names (servos, blendshapes), seed, sample counts,
 *                          shard, rena/MuJoCo versions, per-file CRC-32s
 *   train/ and test/       one folder per split, each holding NumPy .npy
 *                          float32 arrays, rows in increasing sample index:
 *     commands.npy         [n,25]    normalised servo commands (what was sent)
 *     positions.npy        [n,25]    normalised positions read back once the
 *                                    face settled (sim: horn angles; bus:
 *                                    present positions)
 *     blendshapes.npy      [n,52]    MediaPipe-order coefficients
 *     landmarks.npy        [n,68,2]  iBUG-68 landmarks, pixels
 *     head_pose.npy        [n,3]     yaw, pitch, roll (radians)
 *     index.npy            [n]       int32 global sample index
 *   images/NNNNNN.png      optional renders, named by global sample index
 *
 * A backend without perception (the servo bus: no camera) still makes a
 * dataset of commands and positions; its blendshapes, landmarks and head
 * pose are zeros and meta.json says "features": false (meta.features == 0).
 *
 * Which split a sample belongs to depends only on (seed, total samples,
 * test count), so shards agree with the single-process run: a Fisher-Yates
 * permutation of 0..total-1 drawn from (seed, total), whose first `test`
 * entries are the test samples. A shard I/N holds the samples
 * [total*(I-1)/N, total*I/N). The format is described in docs/dataset.md. */
#ifndef RENA_DATASET_H
#define RENA_DATASET_H

#include <stdint.h>

#include "actuator.h"
#include "blendshape.h"
#include "progress.h"
#include "servo.h"
#include "status.h"

#define RENA_DATASET_FORMAT_VERSION 1
#define RENA_DATASET_DEFAULT_SAMPLES 9000L
#define RENA_DATASET_MAX_SAMPLES 2147483647L /* sample indices are stored as int32 */
#define RENA_DATASET_NUM_FILES 6

/* The .npy files of each split: "commands.npy", "positions.npy",
 * "blendshapes.npy", "landmarks.npy", "head_pose.npy", "index.npy" (in this
 * order). */
extern const char *const rena_dataset_files[RENA_DATASET_NUM_FILES];

/* Samples of one split, row-major, owned by the struct. */
typedef struct {
    long n;
    float *commands;    /* n x RENA_NUM_SERVOS, within [0,1] */
    float *blendshapes; /* n x RENA_NUM_BLENDSHAPES (zeros without perception) */
    float *landmarks;   /* n x RENA_NUM_LANDMARKS x 2 (zeros without perception) */
    float *head_pose;   /* n x 3 (zeros without perception) */
    int32_t *index;     /* n global sample indices */
    float *positions;   /* n x RENA_NUM_SERVOS read back after the write settled; may lie
                           slightly outside [0,1] (a horn pushed past its limit) */
} rena_samples;

/* What meta.json records. The writer takes the first block from its caller
 * and fills the rest; rena_dataset_read_meta fills everything. */
typedef struct {
    long total;               /* samples in the whole dataset, all shards together */
    long test;                /* of which in the test split */
    uint64_t seed;            /* keys the expert strategy, the split and the noise */
    long shard_index;         /* I of the shard "I/N" this folder holds; 1/1 when whole */
    long shard_count;         /* N */
    int images;               /* 1: images/NNNNNN.png for every sample of the folder */
    char strategy[16];        /* "expert" or "random" */
    char backend[128];        /* backend spec the faces came from ("sim", "emu"...) */
    char mujoco_version[32];  /* "" when no simulator was involved */
    double landmark_noise_px; /* sigma of the Gaussian noise added to landmarks */

    char rena_version[32];    /* filled by the writer */
    unsigned features;        /* RENA_FEAT_* parts holding real values (others are 0);
                                 0 = commands and positions only, meta.json "features":
                                 false (the backend had no perception): not trainable */
    long begin, end;          /* global sample range of this folder */
    long n_train, n_test;     /* rows of each split in this folder */
} rena_dataset_meta;

/* Zeroes meta and sets a whole (1/1) expert dataset of the default size. */
void rena_dataset_meta_default(rena_dataset_meta *meta);

/* The test count used when none is given: total/9 rounded (1000 of 9000),
 * at least 1 and at most total-1. total must be >= 2. */
long rena_dataset_default_test(long total);

/* Global sample range [*begin, *end) of shard `index` (1-based) of `count`. */
void rena_dataset_shard_range(long total, long index, long count, long *begin, long *end);

/* Fills is_test[0..total) with 1 for the test samples, 0 for training. */
rena_status rena_dataset_test_mask(uint64_t seed, long total, long test, unsigned char *is_test,
                                   rena_error *err);

/* Reads and checks DIR/meta.json. */
rena_status rena_dataset_read_meta(const char *dir, rena_dataset_meta *meta, rena_error *err);

/* Loads DIR/<split>/ ("train" or "test"): checks every shape, that all files
 * agree on n, that n > 0, that no value is NaN or Inf (the error names the
 * file and row), that commands lie in [0,1], that the indices belong to the
 * split, and that every file matches its CRC-32 in meta.json
 * (RENA_ERR_CHECKSUM naming the file). A dataset written before
 * positions.npy existed is RENA_ERR_VERSION. Datasets without perception
 * load too (zero features); check meta.features before training on one. */
rena_status rena_dataset_load_split(const char *dir, const char *split, rena_samples *out,
                                    rena_error *err);
/* rena_dataset_load_split for one shard's folder, where a split may be empty
 * (a small shard can hold no test sample). */
rena_status rena_dataset_load_shard_split(const char *dir, const char *split, rena_samples *out,
                                          rena_error *err);
void rena_samples_free(rena_samples *s);

/* ---- writing -------------------------------------------------------------
 * The writer builds the folder under a temporary sibling name and renames it
 * into place on commit, so an interrupted run leaves nothing half-written and
 * an existing dataset at the path survives until the new one is complete.
 * Rows are kept in memory until commit. put/put_image for distinct indices
 * may be called from several threads at once. */
typedef struct {
    rena_dataset_meta meta;   /* as given, plus begin/end */
    char path[4096];          /* final folder */
    char tmp[4096];           /* temporary sibling being built */
    long n;                   /* end - begin */
    float *commands, *positions, *blendshapes, *landmarks, *head_pose; /* n rows each */
    unsigned char *features;  /* n: RENA_FEAT_* valid flags of each row */
    unsigned char *filled;    /* n: 1 once a row was put */
    unsigned char *is_test;   /* n: split of each row */
} rena_dataset_writer;

/* Validates meta (counts, shard, strategy), creates the temporary folder and
 * allocates the rows of the shard's range. */
rena_status rena_dataset_writer_open(rena_dataset_writer *w, const char *path,
                                     const rena_dataset_meta *meta, rena_error *err);
/* Stores sample `index` (global, inside the writer's range): the command
 * sent (within [0,1]), the positions read back (NULL: not measured, stored as
 * zeros) and the observed features (NULL or parts not flagged valid: stored
 * as zeros). Non-finite values are refused. */
rena_status rena_dataset_writer_put_sample(rena_dataset_writer *w, long index,
                                           const float cmd[RENA_NUM_SERVOS],
                                           const float pos[RENA_NUM_SERVOS],
                                           const rena_features *f, rena_error *err);
/* rena_dataset_writer_put_sample without positions (stored as zeros). */
rena_status rena_dataset_writer_put(rena_dataset_writer *w, long index,
                                    const float cmd[RENA_NUM_SERVOS], const rena_features *f,
                                    rena_error *err);
/* Writes images/NNNNNN.png for sample `index` (meta.images must be set). */
rena_status rena_dataset_writer_put_image(rena_dataset_writer *w, long index,
                                          const rena_image *img, rena_error *err);
/* Puts an existing PNG as the image of sample `index` (hard link when the
 * file system allows, else a copy); used when joining shards. */
rena_status rena_dataset_writer_put_image_file(rena_dataset_writer *w, long index,
                                               const char *png_path, rena_error *err);
/* Writes the .npy files and meta.json and renames the folder into place.
 * Every row of the range must have been put. Frees the writer. */
rena_status rena_dataset_writer_commit(rena_dataset_writer *w, rena_error *err);
/* Removes the temporary folder and frees the writer; safe after commit. */
void rena_dataset_writer_abort(rena_dataset_writer *w);

/* Joins the shard folders 1/N..N/N of one dataset (any order) into `out`,
 * byte-identical to what the unsharded run writes. Refuses shards that
 * disagree on seed, sizes, strategy, backend or versions, and missing or
 * repeated shards. Atomic like the writer. */
rena_status rena_dataset_merge(const char *out, const char *const *shards, int n_shards,
                               const rena_progress *progress, rena_error *err);

#endif
