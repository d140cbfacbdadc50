/* kan_edges.h: what a trained KAN head learned, edge by edge. Each edge of
 * a KAN layer carries its own function of one variable
 *
 *   phi_oi(x) = wb * silu(x) + ws * spline(x)       (core/kan.h)
 *
 * and plotting the strongest of them is the interpretability KANs are known
 * for (Liu et al., "KAN: Kolmogorov-Arnold Networks", 2024, Sec. 2.5). An
 * edge is evaluated by the layer's own forward pass (rena_kan_forward) on a
 * 1x1 layer that holds only that edge's parameters, so what is plotted is
 * exactly what the network computes. */
#ifndef RENA_KAN_EDGES_H
#define RENA_KAN_EDGES_H

#include <stddef.h>

#include "kan.h"
#include "model.h"
#include "status.h"

/* Points, evenly spread over the grid range [lo,hi], at which an edge's
 * strength is measured. */
#define RENA_KAN_EDGE_SAMPLES 64

typedef struct {
    int in, out;  /* input i -> output o of the layer */
    double l1;    /* mean |phi_oi(x)| over RENA_KAN_EDGE_SAMPLES points of [lo,hi] */
} rena_kan_edge;

/* The KAN layer `layer` (0..2) of the model's head and its parameters;
 * NULL if the architecture has no KAN head or layer is out of range. */
const float *rena_kan_edges_layer(const rena_model *m, int layer, rena_kan_shape *shape);

/* y[k] = phi_{out,in}(x[k]) for k < n. RENA_ERR_ARG for an edge outside the
 * shape; RENA_ERR_NOMEM. */
rena_status rena_kan_edge_eval(rena_kan_shape s, const float *params, int in, int out,
                               const double *x, double *y, int n, rena_error *err);

/* The (at most) k edges of the layer with the largest L1, strongest first
 * (ties by input, then output); *found receives how many were filled. */
rena_status rena_kan_edges_strongest(rena_kan_shape s, const float *params, int k,
                                     rena_kan_edge *out, int *found, rena_error *err);

/* What input i of the model's first head layer carries: a blendshape name
 * ("name.k" for value k of its token when the attention passes several per
 * token; for the attention architectures the value comes from the
 * blendshape's token after attention), "yaw", "pitch" or "roll". Later
 * layers' inputs are hidden units "h<layer>.<i>". */
void rena_kan_edges_input_name(const rena_model *m, int layer, int in, char *buf, size_t size);
/* What output o of the layer feeds: "h<layer+1>.<o>" or the servo name of
 * the last layer. */
void rena_kan_edges_output_name(const rena_model *m, int layer, int out, char *buf, size_t size);

#endif
