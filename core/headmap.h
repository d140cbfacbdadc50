/* headmap.h: the head map, a straight line from the measured head yaw to
 * the head-yaw servo command, fitted at training time.
 *
 * The head-yaw servo is the only one that turns the head, and the head
 * pose in the features measures that turn, so the command is (close to) a
 * linear function of the yaw: command = a + b * yaw. A network fitted to
 * every servo at once can still borrow other inputs for it: kan-attn read
 * asymmetric expressions partly as head turns (docs/mimic.md). The map
 * makes the head-yaw output follow the head pose by construction.
 *
 *   rena_headmap hm;
 *   rena_headmap_fit(yaw, 3, commands + RENA_SERVO_HEAD_YAW, RENA_NUM_SERVOS,
 *                    NULL, n, &hm, &err);
 *   float cmd = rena_headmap_apply(&hm, yaw_of_this_frame);
 *
 * Fitting is ordinary least squares in closed form (double precision,
 * centred sums). When the yaw barely varies (standard deviation below
 * RENA_HEADMAP_MIN_YAW_SD) the slope cannot be told from noise: the map is
 * then the mean command with slope 0, and `degenerate` says so. */
#ifndef RENA_HEADMAP_H
#define RENA_HEADMAP_H

#include <stdint.h>

#include "status.h"

/* Yaw spread (radians, about 0.06 degrees) below which no slope is fitted. */
#define RENA_HEADMAP_MIN_YAW_SD 1e-3

typedef struct {
    float a;         /* command at yaw 0 (facing the camera) */
    float b;         /* command per radian of yaw */
    float rmse;      /* residual RMSE of the fit over its rows, in command units */
    int32_t n;       /* rows fitted */
    int degenerate;  /* 1: the yaw did not vary; a = mean command, b = 0 (not stored
                        in the model file: it is b == 0 with n >= 1) */
} rena_headmap;

/* Fits command = a + b * yaw over n rows: row i reads yaw[r * yaw_stride]
 * and command[r * command_stride] with r = rows[i] (rows NULL: r = i).
 * Fails with RENA_ERR_SHAPE for n < 1 and RENA_ERR_RANGE, naming the row,
 * for a non-finite yaw or a command outside [0,1]. */
rena_status rena_headmap_fit(const float *yaw, long yaw_stride, const float *command,
                             long command_stride, const long *rows, long n, rena_headmap *hm,
                             rena_error *err);

/* The command for one frame's yaw, clamped to [0,1]. A non-finite yaw (no
 * head pose) is taken as 0, facing the camera: the result is always finite. */
float rena_headmap_apply(const rena_headmap *hm, float yaw);

/* RENA_OK when a, b and rmse are finite, rmse >= 0 and n >= 1 (a loaded
 * file's map); RENA_ERR_RANGE naming `where` otherwise. */
rena_status rena_headmap_check(const rena_headmap *hm, const char *where, rena_error *err);

#endif
