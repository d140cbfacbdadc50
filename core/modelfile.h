/* modelfile.h: the model file, a versioned little-endian binary:
 *
 *   "RENAMODL"                       8-byte magic
 *   u32 format version               1 or 2 (RENA_MODELFILE_VERSION)
 *   u32 architecture id              rena_arch
 *   i32 d_model, token_out, hidden0, hidden1, grid_size, spline_order
 *   f32 grid_lo, grid_hi
 *   f32 lambda, u64 seed, i32 epochs, i32 best_epoch, f32 val_loss, i32 n_train
 *   u32 n_in, u64 n_params
 *   f32 in_mean[n_in], f32 in_scale[n_in], f32 params[n_params]
 *   version 2 only: the head map (headmap.h)
 *     f32 a, f32 b, f32 residual rmse, i32 rows fitted
 *   u32 CRC-32 (zlib) of every byte before it
 *
 * Version 2 is version 1 plus the head map. A model without a map (trained
 * with --head-map off, landmark-mlp, or made before maps existed) is
 * written as version 1, so earlier builds still read it and a version-1
 * file loads and saves back to the same bytes; version-1 files load as
 * models without a map.
 *
 * Written atomically, so an interrupted save leaves the previous file.
 * Loading refuses, with the file named in the error: other magic
 * (RENA_ERR_FORMAT), format versions other than 1 and 2 or unknown
 * architectures (RENA_ERR_VERSION), truncation or a size that does not
 * match the header (RENA_ERR_FORMAT), a head map on landmark-mlp
 * (RENA_ERR_FORMAT), a CRC mismatch (RENA_ERR_CHECKSUM), and non-finite
 * weights or head map, non-positive scales or a map fitted on no rows
 * (RENA_ERR_RANGE). */
#ifndef RENA_MODELFILE_H
#define RENA_MODELFILE_H

#include <stddef.h>

#include "model.h"

/* the newest format version, written when the model has a head map */
#define RENA_MODELFILE_VERSION 2

rena_status rena_model_save(const rena_model *m, const char *path, rena_error *err);
rena_status rena_model_load(const char *path, rena_model **out, rena_error *err);

/* The same encoding in memory (buffer malloc'd), for tests and tools. */
rena_status rena_model_encode(const rena_model *m, unsigned char **data, size_t *size,
                              rena_error *err);
rena_status rena_model_decode(const unsigned char *data, size_t size, const char *name,
                              rena_model **out, rena_error *err);

#endif
