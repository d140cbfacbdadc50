#include "adam.h"

#include <math.h>
#include <stdlib.h>

rena_status rena_adam_create(rena_adam *a, long n, rena_error *err)
{
    a->n = n;
    a->beta1 = 0.9f;
    a->beta2 = 0.999f;
    a->eps = 1e-8f;
    a->t = 0;
    a->m = calloc((size_t)n, sizeof(float));
    a->v = calloc((size_t)n, sizeof(float));
    if (!a->m || !a->v) {
        rena_adam_free(a);
        return rena_error_set(err, RENA_ERR_NOMEM, "adam", "no memory for %ld moments", n);
    }
    return RENA_OK;
}

void rena_adam_free(rena_adam *a)
{
    free(a->m);
    free(a->v);
    a->m = a->v = NULL;
}

void rena_adam_step(rena_adam *a, float *params, const float *grad, float lr)
{
    a->t++;
    double c1 = 1.0 - pow(a->beta1, (double)a->t), c2 = 1.0 - pow(a->beta2, (double)a->t);
    float step = (float)(lr / c1), rc2 = (float)(1.0 / sqrt(c2));
    for (long i = 0; i < a->n; i++) {
        a->m[i] = a->beta1 * a->m[i] + (1.0f - a->beta1) * grad[i];
        a->v[i] = a->beta2 * a->v[i] + (1.0f - a->beta2) * grad[i] * grad[i];
        params[i] -= step * a->m[i] / (sqrtf(a->v[i]) * rc2 + a->eps);
    }
}
