/* network.h: the five architectures as one composition of layers, with the
 * forward pass that inference and training share and the backward pass.
 *
 *   attention front end (kan-attn, mlp-attn):
 *     52 blendshapes -> tokens t = embed(x) + PE        [52][d]   (embed.h)
 *     h = t + attention(layernorm(t))                   [52][d]   (attention.h)
 *     z_j = h_j Wp + bp, one shared d -> p projection   [52][p]
 *     head input = [z (52 p values), yaw, pitch, roll]
 *   without it (kan, mlp): head input = [52 blendshapes, yaw, pitch, roll];
 *   landmark-mlp: head input = the 136 normalised landmark coordinates.
 *   head: KAN  in -> h1 -> h2 -> 25 (three kan.h layers)
 *         MLP  in -> h1 -> SiLU -> h2 -> SiLU -> 25 (three dense.h layers)
 *   output: sigmoid, so every command lies in [0,1].
 *
 * Blendshapes carry no head rotation, so the head pose joins the head's
 * input directly: it mainly drives the head-yaw servo and needs no mixing
 * with the face tokens.
 *
 * All parameters live in one flat array (layer after layer, in the order
 * above) so Adam, gradient buffers and the model file treat them alike. */
#ifndef RENA_NETWORK_H
#define RENA_NETWORK_H

#include <stdint.h>

#include "attention.h"
#include "dense.h"
#include "embed.h"
#include "kan.h"
#include "layernorm.h"
#include "status.h"

typedef enum {
    RENA_ARCH_KAN_ATTN = 1,    /* the paper's model */
    RENA_ARCH_KAN = 2,         /* KAN without attention */
    RENA_ARCH_MLP_ATTN = 3,    /* MLP after the same attention block */
    RENA_ARCH_MLP = 4,         /* MLP on the blendshapes */
    RENA_ARCH_LANDMARK_MLP = 5 /* Eva-style: MLP on 68 landmarks */
} rena_arch;

#define RENA_ARCH_FIRST RENA_ARCH_KAN_ATTN
#define RENA_ARCH_LAST RENA_ARCH_LANDMARK_MLP

/* "kan-attn", "kan", "mlp-attn", "mlp", "landmark-mlp"; "?" if unknown. */
const char *rena_arch_name(rena_arch arch);
/* Parses a name; returns 0 on success, -1 if unknown. */
int rena_arch_parse(const char *name, rena_arch *arch);
int rena_arch_has_attention(rena_arch arch);
int rena_arch_has_kan(rena_arch arch);
int rena_arch_uses_landmarks(rena_arch arch);

typedef struct {
    rena_arch arch;
    int d_model;      /* token width of the attention block */
    int token_out;    /* values each token passes on to the head (p) */
    int hidden[2];    /* the head's hidden widths h1, h2 */
    int grid_size;    /* KAN: grid intervals G */
    int spline_order; /* KAN: spline order */
    float grid_lo, grid_hi; /* KAN: grid range */
} rena_model_hparams;

/* The documented defaults of each architecture (docs/model.md). */
void rena_model_hparams_default(rena_arch arch, rena_model_hparams *hp);
/* Rejects unknown architectures and sizes outside what the code supports. */
rena_status rena_model_hparams_check(const rena_model_hparams *hp, rena_error *err);
/* Raw inputs the architecture reads: 55 (blendshapes + pose) or 136. */
int rena_model_input_count(rena_arch arch);

typedef struct {
    rena_model_hparams hp;
    int n_in, n_head_in;
    rena_embed_shape embed;
    rena_layernorm_shape norm;
    rena_attention_shape attn;
    rena_dense_shape proj;
    rena_kan_shape kan[3];
    rena_dense_shape mlp[3];
    long off_embed, off_norm, off_attn, off_proj, off_head[3];
    long n_params;
    long cache_size;   /* floats of per-sample activations */
    long scratch_size; /* floats of backward-only scratch */
} rena_network;

/* Lays out the layers of hp (which must pass rena_model_hparams_check). */
void rena_network_plan(const rena_model_hparams *hp, rena_network *net);
/* Random initial weights, deterministic in seed. */
void rena_network_init(const rena_network *net, float *params, uint64_t seed);
/* Positional table for the attention architectures: net->embed.n * d floats. */
long rena_network_pe_size(const rena_network *net);
void rena_network_pe(const rena_network *net, float *pe);

/* x[n_in] normalised inputs -> y[25] in [0,1]. cache holds cache_size floats
 * and keeps every activation the backward pass needs. */
void rena_network_forward(const rena_network *net, const float *params, const float *pe,
                          const float *x, float *y, float *cache);
/* dy = dLoss/dy for the sample whose forward pass filled cache; accumulates
 * dLoss/dparams into dparams. */
void rena_network_backward(const rena_network *net, const float *params, const float *x,
                           const float *cache, const float *dy, float *dparams, float *scratch);

#endif
