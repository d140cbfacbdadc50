/* servo_error.h: how far predicted commands are from the true ones.
 *
 * Commands are normalised to [0,1], so errors read as fractions of each
 * servo's range; the paper's "servo error rate" is the RMSE over all
 * samples and servos in percent (test MSE 0.0020 -> 4.4%). The CED curve
 * (paper Fig. 7) is the fraction of samples whose own error (RMSE over its
 * 25 servos) is at most each threshold. */
#ifndef RENA_SERVO_ERROR_H
#define RENA_SERVO_ERROR_H

#include "servo.h"
#include "status.h"

#define RENA_NUM_REGIONS 5

typedef struct {
    long n;                              /* samples */
    double rmse, mae, max_abs;           /* over all samples and servos, fractions */
    double servo_rmse[RENA_NUM_SERVOS];
    double servo_mae[RENA_NUM_SERVOS];
    double region_rmse[RENA_NUM_REGIONS];/* by rena_servo_region */
    double region_mae[RENA_NUM_REGIONS];
    double pair_disagreement;            /* mean |left - right| of predictions over the
                                            consistency pairs (eq. 8 pairs) */
} rena_servo_error;

/* pred and truth are n x 25. Fails (RENA_ERR_RANGE, naming the row) on a
 * non-finite value, (RENA_ERR_ARG) for n < 1. */
rena_status rena_servo_error_compute(const float *pred, const float *truth, long n,
                                     rena_servo_error *out, rena_error *err);
/* per_sample[i] = RMSE over the 25 servos of row i. */
void rena_servo_error_per_sample(const float *pred, const float *truth, long n,
                                 double *per_sample);
/* fraction[k] = share of per_sample values <= thresholds[k]. */
rena_status rena_servo_error_ced(const double *per_sample, long n, const double *thresholds,
                                 int nt, double *fraction, rena_error *err);
/* "eyeball", "eyelid", "eyebrow", "mouth", "head". */
const char *rena_servo_region_name(int region);

#endif
