/* oneeuro.h: the 1€ filter (Casiez, Roussel, Vogel, CHI 2012) for noisy
 * per-frame signals (blendshapes from a camera, predicted servo commands),
 * and a per-cycle rate limiter for servo commands.
 *
 * The 1€ filter is an exponential low-pass whose cutoff rises with speed:
 *   alpha(fc, dt) = 1 / (1 + tau / dt),  tau = 1 / (2 pi fc)
 *   dx   = (x - x_prev_filtered) / dt,     dx_hat = lowpass(dx, alpha(d_cutoff))
 *   fc   = min_cutoff + beta |dx_hat|,     x_hat  = lowpass(x,  alpha(fc))
 * Slow motion (jitter) sees min_cutoff and is smoothed; fast motion raises
 * the cutoff so lag stays small. Each channel is filtered independently.
 * Parameters (immutable, shareable) are separate from the state (one per
 * stream); the first sample after init/reset passes through unchanged, and
 * every later sample carries its own dt, so dropped or uneven frames are
 * handled. */
#ifndef RENA_ONEEURO_H
#define RENA_ONEEURO_H

#include "status.h"

typedef struct {
    double min_cutoff; /* Hz, > 0: cutoff when the signal is still */
    double beta;       /* s per unit, >= 0: how fast the cutoff grows with speed */
    double d_cutoff;   /* Hz, > 0: cutoff of the speed estimate */
} rena_oneeuro_params;

/* Starting values for normalised servo commands or blendshapes at 30 fps:
 * min_cutoff 1 Hz, beta 3 s, d_cutoff 1 Hz (docs/metrics.md explains). */
rena_oneeuro_params rena_oneeuro_params_default(void);

/* RENA_ERR_ARG naming the bad field unless every parameter is in range. */
rena_status rena_oneeuro_params_check(const rena_oneeuro_params *p, rena_error *err);

typedef struct {
    int channels;
    int started; /* 0 until the first sample */
    double *x;   /* channels: last filtered value */
    double *dx;  /* channels: last filtered speed, units per second */
} rena_oneeuro_state;

rena_status rena_oneeuro_init(rena_oneeuro_state *s, int channels, rena_error *err);
/* Forgets the history: the next sample passes through unchanged. */
void rena_oneeuro_reset(rena_oneeuro_state *s);
void rena_oneeuro_free(rena_oneeuro_state *s);

/* Filters one sample of s->channels values taken dt seconds after the
 * previous one (dt is ignored for the first sample). out may equal in.
 * Errors (state unchanged): RENA_ERR_ARG for bad parameters or, after the
 * first sample, dt not finite and > 0; RENA_ERR_RANGE for a non-finite input
 * (message names the channel). */
rena_status rena_oneeuro_filter(const rena_oneeuro_params *p, rena_oneeuro_state *s, double dt,
                                const float *in, float *out, rena_error *err);

/* Smoothing factor of a first-order low-pass with this cutoff and step. */
double rena_oneeuro_alpha(double cutoff_hz, double dt);

/* Default largest change of a normalised servo command per control cycle
 * (a full sweep takes 10 cycles, a third of a second at 30 fps). */
#define RENA_RATE_LIMIT_STEP 0.1f

/* Moves each of n commands from prev towards target by at most max_step:
 * out[i] = prev[i] + clamp(target[i] - prev[i], -max_step, max_step), with
 * |out[i] - prev[i]| <= max_step exactly (float rounding included). out may
 * alias prev or target. limited (may be NULL) receives how many channels
 * were held back. Errors: RENA_ERR_ARG for max_step not finite and > 0,
 * RENA_ERR_RANGE for a non-finite prev or target (message names the index). */
rena_status rena_rate_limit(const float *prev, const float *target, int n, float max_step,
                            float *out, int *limited, rena_error *err);

#endif
