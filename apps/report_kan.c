/* report_kan.c: the report's KAN section: the learned activation function
 * phi(x) of the strongest edges of the head's first layer as small
 * multiples, and which inputs the layer leans on (kan_edges.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kan_edges.h"
#include "plot.h"
#include "report_page.h"

#define CURVE_POINTS 121
#define TOP_INPUTS 20

/* Sum of the L1 of every edge leaving each input, the top ones as bars. */
static rena_status input_bars(rena_page *p, const rena_kan_edge *all, long n, int n_in,
                              rena_error *err)
{
    double *sum = calloc((size_t)n_in, sizeof *sum);
    int *order = malloc(sizeof(int) * (size_t)n_in);
    char(*names)[64] = malloc(sizeof *names * TOP_INPUTS);
    if (!sum || !order || !names) {
        free(sum);
        free(order);
        free(names);
        return rena_error_set(err, RENA_ERR_NOMEM, "kan", "out of memory");
    }
    for (long e = 0; e < n; e++)
        sum[all[e].in] += all[e].l1;
    for (int i = 0; i < n_in; i++)
        order[i] = i;
    /* selection of the top few: n_in is at most a few hundred */
    int top = n_in < TOP_INPUTS ? n_in : TOP_INPUTS;
    for (int k = 0; k < top; k++)
        for (int j = k + 1; j < n_in; j++)
            if (sum[order[j]] > sum[order[k]]) {
                int t = order[k];
                order[k] = order[j];
                order[j] = t;
            }
    const char *labels[TOP_INPUTS];
    double values[TOP_INPUTS];
    for (int k = 0; k < top; k++) {
        rena_kan_edges_input_name(p->model, 0, order[k], names[k], sizeof names[k]);
        labels[k] = names[k];
        values[k] = sum[order[k]];
    }
    char path[4700];
    rena_page_image_path(p, "kan-inputs.png", path, sizeof path);
    rena_plot_options o = {"Inputs the first KAN layer leans on", "input",
                           "sum of edge L1 (mean |phi|)", 0, 1000, 460};
    rena_status st = rena_plot_bars(path, &o, labels, values, top, err);
    if (st == RENA_OK)
        rena_page_figure(p, "kan-inputs.png", "KAN input strength",
                         "For each input of the head's first KAN layer, the summed strength "
                         "(mean |phi(x)| over the grid range) of its edges; the strongest inputs.",
                         820);
    free(sum);
    free(order);
    free(names);
    return st;
}

static rena_status edge_plot(rena_page *p, rena_kan_shape s, const float *params,
                             const rena_kan_edge *e, int rank, rena_error *err)
{
    double x[CURVE_POINTS], y[CURVE_POINTS];
    for (int k = 0; k < CURVE_POINTS; k++)
        x[k] = s.lo + (s.hi - s.lo) * k / (CURVE_POINTS - 1.0);
    rena_status st = rena_kan_edge_eval(s, params, e->in, e->out, x, y, CURVE_POINTS, err);
    if (st != RENA_OK)
        return st;
    char in[64], out[64], title[160], name[64], caption[200], path[4700];
    rena_kan_edges_input_name(p->model, 0, e->in, in, sizeof in);
    rena_kan_edges_output_name(p->model, 0, e->out, out, sizeof out);
    snprintf(title, sizeof title, "%s -> %s", in, out);
    snprintf(name, sizeof name, "kan-edge-%02d.png", rank + 1);
    rena_page_image_path(p, name, path, sizeof path);
    rena_plot_series series = {NULL, x, y, CURVE_POINTS};
    rena_plot_options o = {title, "x (layer input)", "phi(x)", 0, 380, 280};
    st = rena_plot_lines(path, &o, &series, 1, err);
    snprintf(caption, sizeof caption, "#%d: %s -> %s, L1 %.3g", rank + 1, in, out, e->l1);
    if (st == RENA_OK)
        rena_page_figure(p, name, title, caption, 290);
    return st;
}

rena_status rena_page_kan(rena_page *p, rena_error *err)
{
    rena_html_heading(&p->html, 2, "kan", "Learned KAN activation functions");
    rena_kan_shape s;
    const float *params = p->model ? rena_kan_edges_layer(p->model, 0, &s) : NULL;
    if (!params) {
        if (p->model)
            rena_html_note(&p->html, "The model (%s) has no KAN head: an MLP has no per-edge "
                                     "functions to show.",
                           rena_arch_name(p->model->hp.arch));
        else
            rena_html_note(&p->html, "No model given (--model).");
        return RENA_OK;
    }
    long n = (long)s.n_in * s.n_out;
    rena_kan_edge *all = malloc(sizeof *all * (size_t)n);
    int found = 0;
    rena_status st = all ? rena_kan_edges_strongest(s, params, (int)n, all, &found, err)
                         : rena_error_set(err, RENA_ERR_NOMEM, "kan", "out of memory");
    if (st == RENA_OK) {
        rena_html_para(&p->html, "Every edge of a KAN layer carries its own learned function "
                                 "phi(x) = w_b silu(x) + w_s spline(x), a B-spline of order %d on "
                                 "%d intervals of [%g, %g]. Below: the %d strongest of the %ld "
                                 "edges of the head's first layer (%d inputs -> %d hidden units), "
                                 "ranked by their L1 strength, the mean |phi(x)| over that range.",
                       s.order, s.grid_size, (double)s.lo, (double)s.hi,
                       p->a->edges < found ? p->a->edges : found, n, s.n_in, s.n_out);
        if (rena_arch_has_attention(p->model->hp.arch))
            rena_html_para(&p->html, "Here an input named after a blendshape is that "
                                     "blendshape's token after the attention block, projected to "
                                     "%d value(s) (name.k for value k when there are several).",
                           p->model->hp.token_out);
        rena_html_grid_begin(&p->html);
        for (int k = 0; st == RENA_OK && k < found && k < p->a->edges; k++)
            st = edge_plot(p, s, params, &all[k], k, err);
        rena_html_grid_end(&p->html);
    }
    if (st == RENA_OK)
        st = input_bars(p, all, found, s.n_in, err);
    free(all);
    return st;
}
