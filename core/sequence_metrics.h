/* sequence_metrics.h: the paper's sequential indicators (Table III, after
 * Zhu et al.): space similarity Gs (eq. 13), time similarity Gt (eq. 15) and
 * movement smoothness Gd (eqs. 14, 16), reported in percent like Table III.
 *
 * A sequence has `frames` frames t_0 .. t_L (L = frames - 1); t_0 is the
 * "initial moment" every displacement is measured from:
 *   d_i(t)  = |p_i(t) - p_i(t_0)| / r0      (r0: RMS radius of frame t_0,
 *             rena_landmark_rms_radius, so d is independent of image size;
 *             human and robot faces are each normalised by their own r0)
 *   F(x, b) = exp(-x^2 / b)
 *   Gs = 100 * mean_i mean_{k=1..L} F(d^H_i(t_k) - d^R_i(t_k), b_S)
 *   Gt = 100 * mean_i mean_{k=1..L} F(Δd^H_i(t_k) - Δd^R_i(t_k), b_T),
 *        Δd(t_k) = d(t_k) - d(t_{k-1})
 *   G_j(t_k) = 1 if |c_j(t_k) - c_j(t_{k-1})| - |c_j(t_{k-1}) - c_j(t_{k-2})| > T_D
 *   Gd = 100 * (1 - mean_j mean_{k=2..L} G_j(t_k))
 * The paper writes Gd's mean over k = 1..L, but G needs t_{k-2}; it is
 * averaged over the L - 1 frames where it is defined. The paper's L = 30 is
 * one second at 30 fps; here L is the whole sequence given (pass a slice
 * for a window). b_S, b_T and T_D were fixed before any result was seen;
 * docs/metrics.md gives the reasoning. */
#ifndef RENA_SEQUENCE_METRICS_H
#define RENA_SEQUENCE_METRICS_H

#include "status.h"

/* F = 1/e when a displacement differs by sqrt(b_S) = 0.1 face radii. */
#define RENA_SEQ_B_S 0.01
/* F = 1/e when a per-frame displacement change differs by sqrt(b_T) = 0.02
 * face radii (about a fast expression's per-frame motion at 30 fps). */
#define RENA_SEQ_B_T 0.0004
/* A hop: a servo's per-frame step grows by more than 5 % of its range. */
#define RENA_SEQ_T_D 0.05

typedef struct {
    double b_s; /* eq. 13 mapping width, normalised displacement squared (> 0) */
    double b_t; /* eq. 15 mapping width (> 0) */
    double t_d; /* eq. 16 hop threshold, normalised command units (>= 0) */
} rena_seq_params;

/* The documented defaults RENA_SEQ_B_S, RENA_SEQ_B_T, RENA_SEQ_T_D. */
rena_seq_params rena_seq_params_default(void);

/* Normalised displacements of n 2-D points over `frames` frames.
 * points: frames x n x 2 floats (frame-major, e.g. copied from
 * rena_features.landmarks); d: frames x n doubles, d[t*n + i] = d_i(t).
 * Errors: RENA_ERR_ARG for frames < 1 or n < 2, RENA_ERR_RANGE for a
 * non-finite coordinate (message names frame and point) or a degenerate
 * first frame (all points coincide). */
rena_status rena_seq_displacements(const float *points, int frames, int n, double *d,
                                   rena_error *err);

/* Gs and Gt (percent) from displacements of the human (dh) and the robot
 * (dr), each frames x n, frames >= 2. Either output may be NULL.
 * Errors: RENA_ERR_ARG for bad sizes or parameters, RENA_ERR_RANGE for a
 * non-finite displacement. */
rena_status rena_seq_similarity(const double *dh, const double *dr, int frames, int n,
                                const rena_seq_params *p, double *gs, double *gt,
                                rena_error *err);

/* Gd (percent) from servo commands, frames x m floats (frames >= 3), with
 * threshold t_d. hops (may be NULL) receives the number of (servo, frame)
 * pairs where G = 1, so Gd = 100 * (1 - hops / (m * (frames - 2))).
 * Errors: RENA_ERR_ARG for bad sizes or t_d, RENA_ERR_RANGE for a
 * non-finite command (message names frame and servo). */
rena_status rena_seq_smoothness(const float *commands, int frames, int m, double t_d,
                                double *gd, long *hops, rena_error *err);

/* All three indicators for one performance. */
typedef struct {
    double gs, gt, gd; /* percent, as Table III */
    long hops;         /* servo hops counted for Gd */
    int frames;        /* frames evaluated (t_0 .. t_L) */
} rena_seq_metrics;

/* Convenience: displacements of both faces (frames x n x 2 landmarks each),
 * Gs, Gt, and Gd on the commands (frames x m; NULL skips Gd, left at 0).
 * p may be NULL (defaults). frames >= 3 when commands are given, else >= 2. */
rena_status rena_seq_evaluate(const float *human, const float *robot, int n,
                              const float *commands, int m, int frames,
                              const rena_seq_params *p, rena_seq_metrics *out, rena_error *err);

#endif
