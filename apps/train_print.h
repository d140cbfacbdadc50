/* train_print.h: the head-map lines `rena train` prints after training, for
 * the single-process run (cmd_train.c) and the MPI run (mpi_run.c) alike:
 * the fitted line (core/headmap.h) and the test error with the map and with
 * the network's own head-yaw output. */
#ifndef RENA_TRAIN_PRINT_H
#define RENA_TRAIN_PRINT_H

#include <stdio.h>

#include "dataset.h"
#include "model.h"
#include "status.h"

/* One "head map: ..." line: a = ... b = ... with its residual RMSE, the mean
 * command when the yaw did not vary, "off" when head_map_option (the
 * rena_train_options.head_map the model was trained with) is 0, or "none"
 * for an architecture that reads no head pose. */
void rena_train_print_head_map(FILE *out, const rena_model *m, int head_map_option);

/* When m takes its head-yaw command from its map: one line with the test
 * error rate and head-yaw RMSE of the model as it predicts (with the map)
 * and of the same weights with the network's own head-yaw output. Nothing
 * for a model without a map or an empty test split. threads as
 * rena_model_predict_samples. RENA_ERR_NOMEM or a prediction error
 * otherwise; nothing is printed then. */
rena_status rena_train_print_head_map_test(FILE *out, const rena_model *m,
                                           const rena_samples *test, int threads,
                                           rena_error *err);

#endif
