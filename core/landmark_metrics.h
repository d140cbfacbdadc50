/* landmark_metrics.h: the landmark distance LD of the paper's eq. 12, the
 * mean Euclidean distance between corresponding facial key points, made
 * comparable between a human face and the robot's face.
 *
 * The two faces differ in size, position in the image and head roll, and
 * eq. 12 alone would score those as expression error. Both point sets are
 * therefore first brought to a common frame (Procrustes):
 *   1. each set is centred on its centroid;
 *   2. each set is scaled to unit RMS radius, sqrt(mean |p_i - c|^2) = 1
 *      (the Procrustes "centroid size" divided by sqrt(n));
 *   3. with RENA_LD_ALIGN_SIMILARITY (the default) the actual set is also
 *      rotated by the angle that minimises the summed squared distances to
 *      the target (never reflected); RENA_LD_ALIGN_SCALE skips this step.
 * LD is then the mean distance over the points, in units of face RMS radius
 * (0 for identical shapes; at most 2, since both sets have unit RMS radius).
 * Why RMS radius rather than inter-ocular distance: it uses every point, so
 * one badly detected eye corner cannot rescale the whole face; it is defined
 * for any subset of points; and it makes LD symmetric in its two arguments.
 * docs/metrics.md has the details. */
#ifndef RENA_LANDMARK_METRICS_H
#define RENA_LANDMARK_METRICS_H

#include "status.h"

typedef enum {
    RENA_LD_ALIGN_SIMILARITY = 0, /* translation, scale and rotation (default) */
    RENA_LD_ALIGN_SCALE = 1       /* translation and scale only */
} rena_ld_align;

typedef struct {
    rena_ld_align align;
    const int *subset; /* indices of the points to use; NULL = all n */
    int n_subset;      /* number of indices in subset */
} rena_ld_options;

/* Defaults: similarity alignment, every point. */
rena_ld_options rena_ld_options_default(void);

/* Landmark distance between two sets of n points, each given as n (x, y)
 * pairs (e.g. &features.landmarks[0][0]). opt may be NULL (defaults).
 * Errors: RENA_ERR_ARG for n < 2 or a subset index outside [0, n), or fewer
 * than 2 selected points; RENA_ERR_RANGE for a non-finite coordinate (the
 * message names "target[i].x" or "actual[i].y") or a set whose points all
 * coincide (no size to normalise by). */
rena_status rena_landmark_distance(const float *target, const float *actual, int n,
                                   const rena_ld_options *opt, double *ld, rena_error *err);

/* The aligned sets the distance is measured on: target_out and actual_out
 * each receive m (x, y) pairs in double, m = the number of selected points
 * (n, or opt->n_subset). Same errors as rena_landmark_distance. */
rena_status rena_landmark_align(const float *target, const float *actual, int n,
                                const rena_ld_options *opt, double *target_out,
                                double *actual_out, rena_error *err);

/* RMS radius of n points about their centroid (the size LD normalises by);
 * sequence metrics use it to make displacements independent of image size.
 * Returns 0 for coincident points, NaN if a coordinate is not finite. */
double rena_landmark_rms_radius(const float *points, int n);

#endif
