/* dataset.h: the on-disk rena dataset, and loading it for training.
 *
 * A dataset is a folder:
 *   meta.json              names (servos, blendshapes), seed, sample counts,
 *                          shard, rena/MuJoCo versions, per-file CRC-32s
 *   train/ and test/       one folder per split, each holding NumPy .npy
 *                          float32 arrays, rows in increasing sample index:
 *     commands.npy         [n,25]    normalised servo commands (what was sent)
 *     blendshapes.npy      [n,52]    MediaPipe-order coefficients
 *     landmarks.npy        [n,68,2]  iBUG-68 landmarks, pixels
 *     head_pose.npy        [n,3]     yaw, pitch, roll (radians)
 *     index.npy            [n]       int32 global sample index
 *   images/NNNNNN.png      optional renders, named by global sample index
 *
 * Which split a sample belongs to depends only on (seed, total samples,
 * test count), so shards agree with the single-process run. */
#ifndef RENA_DATASET_H
#define RENA_DATASET_H

#include <stdint.h>

#include "status.h"

/* Samples of one split, row-major, owned by the struct. */
typedef struct {
    long n;
    float *commands;    /* n x RENA_NUM_SERVOS */
    float *blendshapes; /* n x RENA_NUM_BLENDSHAPES */
    float *landmarks;   /* n x RENA_NUM_LANDMARKS x 2 */
    float *head_pose;   /* n x 3 */
    int32_t *index;     /* n global sample indices */
} rena_samples;

/* Loads DIR/<split>/ ("train" or "test"): checks every shape, that all files
 * agree on n, that n > 0, and that no value is NaN or Inf; errors name the
 * file. */
rena_status rena_dataset_load_split(const char *dir, const char *split, rena_samples *out,
                                    rena_error *err);
void rena_samples_free(rena_samples *s);

#endif
