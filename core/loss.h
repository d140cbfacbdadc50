/* loss.h: the training objective of paper eqs. 8-10 for one sample,
 *
 *   L = MSE + lambda * L_con
 *   MSE   = mean over the 25 servos of (y - target)^2      (eq. 9)
 *   L_con = sum over rena_servo_consistency_pairs() of |y_left - y_right|
 *                                                          (eq. 8: eyes, brows)
 *
 * A batch's loss is the mean of its samples' losses. MSE is a mean over
 * servos so that sqrt(MSE) is the paper's "servo error rate" (0.0020 -> 4.4%).
 * |.| has no derivative at 0; the subgradient 0 is used there. */
#ifndef RENA_LOSS_H
#define RENA_LOSS_H

#include "servo.h"

typedef struct {
    float lambda;
    int n_pairs;
    int left[RENA_NUM_SERVOS], right[RENA_NUM_SERVOS];
} rena_loss;

/* The paper's pairs (eye and brow servos) with weight lambda. */
void rena_loss_init(rena_loss *l, float lambda);

typedef struct {
    double mse; /* mean squared error over servos */
    double con; /* consistency term, before lambda */
} rena_loss_terms;

/* Loss terms of one sample; when dy is not NULL it receives
 * weight * d(MSE + lambda L_con)/dy (weight = 1/batch size in training). */
rena_loss_terms rena_loss_sample(const rena_loss *l, const float *y, const float *target,
                                 float weight, float *dy);
/* MSE + lambda * L_con. */
double rena_loss_total(const rena_loss *l, rena_loss_terms t);

#endif
