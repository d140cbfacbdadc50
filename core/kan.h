/* kan.h: one Kolmogorov-Arnold layer (paper eqs. 5-7, efficient-kan's form).
 * Every edge (input i -> output o) carries its own learned function
 *
 *   phi_oi(x) = wb[i][o] * silu(x) + ws[i][o] * sum_k c[i][k][o] * B_k(tanh(x))
 *
 * and y[o] = sum_i phi_oi(x[i]). B_k are the order-p B-splines on a uniform
 * grid of G intervals over [lo,hi], extended by p knots on each side
 * (efficient-kan's defaults G = 5, p = 3, [-1,1]: 12 knots, G + p = 8 bases).
 *
 * Why tanh: the bases only sum to 1 inside [lo,hi] and vanish beyond the
 * extended knots, so an input that drifts outside would silently lose its
 * spline term. tanh maps every input into (-1,1) smoothly; the SiLU branch
 * still sees the raw input, so large inputs keep a linear-ish path. With a
 * range other than [-1,1], tanh's output is mapped affinely onto [lo,hi].
 *
 * Parameters, input-major so the forward pass is axpys over outputs:
 *   wb[n_in][n_out], c[n_in][G+p][n_out], ws[n_in][n_out]. */
#ifndef RENA_KAN_H
#define RENA_KAN_H

#include "rng.h"

#define RENA_KAN_MAX_ORDER 7

typedef struct {
    int n_in, n_out;
    int grid_size;  /* G, intervals of the grid */
    int order;      /* p, spline order (3 = cubic), 1..RENA_KAN_MAX_ORDER */
    float lo, hi;   /* grid range */
} rena_kan_shape;

/* Number of basis functions per edge, G + p. */
int rena_kan_num_bases(rena_kan_shape s);
long rena_kan_param_count(rena_kan_shape s);
long rena_kan_cache_size(rena_kan_shape s);
long rena_kan_scratch_size(rena_kan_shape s);
/* As efficient-kan: wb and ws uniform in +-1/sqrt(n_in), c small noise. */
void rena_kan_init(rena_kan_shape s, float *p, rena_rng *rng);

/* Values of all G+p bases at u (Cox-de Boor recursion on the extended
 * uniform knots; zero outside them). Exposed for tests and plots. */
void rena_kan_bases(rena_kan_shape s, float u, float *basis);

void rena_kan_forward(rena_kan_shape s, const float *p, const float *x, float *y, float *cache);
/* Accumulates into dp; overwrites dx unless it is NULL. */
void rena_kan_backward(rena_kan_shape s, const float *p, const float *x, const float *cache,
                       const float *dy, float *dx, float *dp, float *scratch);

#endif
