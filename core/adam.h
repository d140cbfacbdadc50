/* adam.h: the Adam optimiser (Kingma & Ba), with bias correction, over one
 * flat parameter array. The learning rate is passed per step so the
 * training loop owns the schedule. */
#ifndef RENA_ADAM_H
#define RENA_ADAM_H

#include "status.h"

typedef struct {
    long n;             /* parameters */
    float beta1, beta2; /* moment decay rates (0.9, 0.999) */
    float eps;          /* 1e-8 */
    long t;             /* steps taken */
    float *m, *v;       /* first and second moments [n] */
} rena_adam;

rena_status rena_adam_create(rena_adam *a, long n, rena_error *err);
void rena_adam_free(rena_adam *a);
/* params -= lr * mhat / (sqrt(vhat) + eps), from the gradient grad[n]. */
void rena_adam_step(rena_adam *a, float *params, const float *grad, float lr);

#endif
