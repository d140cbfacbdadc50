#include "oneeuro.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

rena_oneeuro_params rena_oneeuro_params_default(void)
{
    rena_oneeuro_params p = {1.0, 3.0, 1.0};
    return p;
}

rena_status rena_oneeuro_params_check(const rena_oneeuro_params *p, rena_error *err)
{
    if (!p)
        return rena_error_set(err, RENA_ERR_ARG, "one euro filter", "missing parameters");
    if (!isfinite(p->min_cutoff) || !(p->min_cutoff > 0.0))
        return rena_error_set(err, RENA_ERR_ARG, "min_cutoff", "must be finite and > 0 Hz (got %g)",
                              p->min_cutoff);
    if (!isfinite(p->beta) || !(p->beta >= 0.0))
        return rena_error_set(err, RENA_ERR_ARG, "beta", "must be finite and >= 0 (got %g)",
                              p->beta);
    if (!isfinite(p->d_cutoff) || !(p->d_cutoff > 0.0))
        return rena_error_set(err, RENA_ERR_ARG, "d_cutoff", "must be finite and > 0 Hz (got %g)",
                              p->d_cutoff);
    return RENA_OK;
}

rena_status rena_oneeuro_init(rena_oneeuro_state *s, int channels, rena_error *err)
{
    memset(s, 0, sizeof *s);
    if (channels < 1)
        return rena_error_set(err, RENA_ERR_ARG, "one euro filter", "need >= 1 channel, got %d",
                              channels);
    s->x = calloc((size_t)channels, sizeof *s->x);
    s->dx = calloc((size_t)channels, sizeof *s->dx);
    if (!s->x || !s->dx) {
        rena_oneeuro_free(s);
        return rena_error_set(err, RENA_ERR_NOMEM, "one euro filter", "no memory for %d channels",
                              channels);
    }
    s->channels = channels;
    return RENA_OK;
}

void rena_oneeuro_reset(rena_oneeuro_state *s)
{
    if (s)
        s->started = 0;
}

void rena_oneeuro_free(rena_oneeuro_state *s)
{
    if (!s)
        return;
    free(s->x);
    free(s->dx);
    memset(s, 0, sizeof *s);
}

double rena_oneeuro_alpha(double cutoff_hz, double dt)
{
    double tau = 1.0 / (2.0 * M_PI * cutoff_hz);
    return 1.0 / (1.0 + tau / dt);
}

rena_status rena_oneeuro_filter(const rena_oneeuro_params *p, rena_oneeuro_state *s, double dt,
                                const float *in, float *out, rena_error *err)
{
    rena_status st = rena_oneeuro_params_check(p, err);
    if (st != RENA_OK)
        return st;
    if (!s || !s->x || !in || !out)
        return rena_error_set(err, RENA_ERR_ARG, "one euro filter", "state not initialised");
    for (int i = 0; i < s->channels; i++)
        if (!isfinite(in[i]))
            return rena_error_set(err, RENA_ERR_RANGE, "one euro filter",
                                  "input channel %d is not finite", i);
    if (!s->started) {
        for (int i = 0; i < s->channels; i++) {
            s->x[i] = in[i];
            s->dx[i] = 0.0;
            out[i] = in[i];
        }
        s->started = 1;
        return RENA_OK;
    }
    if (!isfinite(dt) || !(dt > 0.0))
        return rena_error_set(err, RENA_ERR_ARG, "one euro filter",
                              "time step must be finite and > 0 s (got %g)", dt);
    double a_d = rena_oneeuro_alpha(p->d_cutoff, dt);
    for (int i = 0; i < s->channels; i++) {
        double speed = (in[i] - s->x[i]) / dt;
        s->dx[i] += a_d * (speed - s->dx[i]);
        double a = rena_oneeuro_alpha(p->min_cutoff + p->beta * fabs(s->dx[i]), dt);
        s->x[i] += a * (in[i] - s->x[i]);
        out[i] = (float)s->x[i];
    }
    return RENA_OK;
}

/* prev + step rounded to float, pulled back towards prev by one ulp at a
 * time if rounding carried it past max_step. */
static float step_within(float prev, double step, float max_step)
{
    float out = (float)((double)prev + step);
    while (fabs((double)out - (double)prev) > (double)max_step)
        out = nextafterf(out, prev);
    return out;
}

rena_status rena_rate_limit(const float *prev, const float *target, int n, float max_step,
                            float *out, int *limited, rena_error *err)
{
    if (!prev || !target || !out || n < 0)
        return rena_error_set(err, RENA_ERR_ARG, "rate limit", "missing commands");
    if (!isfinite(max_step) || !(max_step > 0.0f))
        return rena_error_set(err, RENA_ERR_ARG, "rate limit",
                              "max step must be finite and > 0 (got %g)", (double)max_step);
    for (int i = 0; i < n; i++) {
        if (!isfinite(prev[i]))
            return rena_error_set(err, RENA_ERR_RANGE, "rate limit",
                                  "previous command %d is not finite", i);
        if (!isfinite(target[i]))
            return rena_error_set(err, RENA_ERR_RANGE, "rate limit", "target command %d is not finite",
                                  i);
    }
    int held = 0;
    for (int i = 0; i < n; i++) {
        double d = (double)target[i] - (double)prev[i];
        if (d > max_step || d < -max_step) {
            out[i] = step_within(prev[i], d > 0 ? max_step : -max_step, max_step);
            held++;
        } else {
            out[i] = target[i];
        }
    }
    if (limited)
        *limited = held;
    return RENA_OK;
}
