/* activation.h: the element-wise functions of the network (exp, sigmoid,
 * SiLU, tanh) and their derivatives, on float arrays.
 *
 * Why not libm: a softmax over 52 x 52 attention scores calls exp 2,704
 * times per frame, and glibc's expf costs ~4 ns each (10 us, the whole
 * per-frame budget). These versions use a Cephes-style polynomial (relative
 * error < 1e-7) written without branches so the compiler vectorises them at
 * -O2. They are exact functions of their input, so training and inference
 * agree bit for bit wherever they run. Arrays must not overlap. */
#ifndef RENA_ACTIVATION_H
#define RENA_ACTIVATION_H

/* out[i] = exp(-a[i]) for a[i] >= 0 (values above 64 give exp(-64)). */
void rena_act_exp_neg(const float *restrict a, float *restrict out, int n);
/* out[i] = 1 / (1 + exp(-x[i])), always in [0,1]. */
void rena_act_sigmoid(const float *restrict x, float *restrict out, int n);
/* out[i] = x[i] * sigmoid(x[i]); sig[i] receives sigmoid(x[i]) (for backward). */
void rena_act_silu(const float *restrict x, float *restrict out, float *restrict sig, int n);
/* out[i] = tanh(x[i]). */
void rena_act_tanh(const float *restrict x, float *restrict out, int n);

/* Scalar forms of the same functions (identical results). */
float rena_act_exp_neg1(float a);
float rena_act_sigmoid1(float x);
float rena_act_tanh1(float x);

/* Derivatives from the saved forward values. */
static inline float rena_act_silu_grad(float x, float sig) { return sig * (1.0f + x * (1.0f - sig)); }
static inline float rena_act_sigmoid_grad(float s) { return s * (1.0f - s); }
static inline float rena_act_tanh_grad(float t) { return 1.0f - t * t; }

#endif
