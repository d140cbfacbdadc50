#include "loss.h"

void rena_loss_init(rena_loss *l, float lambda)
{
    l->lambda = lambda;
    l->n_pairs = rena_servo_consistency_pairs(l->left, l->right);
}

static float sign(float v) { return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : 0.0f; }

rena_loss_terms rena_loss_sample(const rena_loss *l, const float *y, const float *target,
                                 float weight, float *dy)
{
    rena_loss_terms t = {0.0, 0.0};
    for (int o = 0; o < RENA_NUM_SERVOS; o++) {
        float e = y[o] - target[o];
        t.mse += (double)e * e;
        if (dy)
            dy[o] = weight * 2.0f * e / (float)RENA_NUM_SERVOS;
    }
    t.mse /= RENA_NUM_SERVOS;
    for (int k = 0; k < l->n_pairs; k++) {
        float diff = y[l->left[k]] - y[l->right[k]];
        t.con += diff < 0.0f ? -diff : diff;
        if (dy && l->lambda != 0.0f) {
            float g = weight * l->lambda * sign(diff);
            dy[l->left[k]] += g;
            dy[l->right[k]] -= g;
        }
    }
    return t;
}

double rena_loss_total(const rena_loss *l, rena_loss_terms t) { return t.mse + l->lambda * t.con; }
