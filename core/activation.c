#include "activation.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Fixed-length inner blocks let GCC's -O2 "very cheap" vectoriser take the
 * loops whole; the tail runs the same inline code one value at a time. */
#define BLOCK 8

/* exp(-a), a >= 0. The clamp works on the bit pattern (an integer compare
 * cannot trap, so the loop stays branch-free and vectorisable): for
 * non-negative floats the bit patterns order like the values. It stops at
 * exp(-64) ~ 1.6e-28 rather than near FLT_MIN: softmax weights that small,
 * multiplied by activations, would otherwise give denormal numbers, which
 * x86 processes some 100x slower. */
static inline float exp_neg(float a)
{
    int32_t bits;
    memcpy(&bits, &a, sizeof bits);
    bits &= 0x7fffffff; /* exp(-|a|): a NaN of either sign clamps to exp(-64), never reaches the int conversion */
    const int32_t limit = 0x42800000; /* 64.0f */
    bits = bits < limit ? bits : limit;
    memcpy(&a, &bits, sizeof a);
    float x = -a;
    /* k = round(x / ln 2) via the 1.5 * 2^23 trick; r = x - k ln 2 in two parts. */
    float k = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
    float r = x - k * 0.693359375f + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t pbits;
    memcpy(&pbits, &p, sizeof pbits);
    pbits += (int32_t)k * (1 << 23);
    memcpy(&p, &pbits, sizeof p);
    return p;
}

/* sigmoid(x) = 1/(1+e) for x >= 0 and e/(1+e) = 1 - 1/(1+e) below, with
 * e = exp(-|x|); copysign picks the branch without a branch. */
static inline float sigmoid(float x)
{
    float s = 1.0f / (1.0f + exp_neg(fabsf(x)));
    return 0.5f + copysignf(s - 0.5f, x);
}

static inline float tanh_(float x)
{
    float e = exp_neg(2.0f * fabsf(x));
    return copysignf((1.0f - e) / (1.0f + e), x);
}

float rena_act_exp_neg1(float a) { return exp_neg(a); }
float rena_act_sigmoid1(float x) { return sigmoid(x); }
float rena_act_tanh1(float x) { return tanh_(x); }

/* The softmax's 2,704 exponentials are a quarter of a frame; where the CPU
 * has AVX2 a second copy of this loop runs 8 lanes wide (same operations
 * per value, so the same results). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void rena_act_exp_neg(const float *restrict a, float *restrict out, int n)
{
    int i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (int k = 0; k < BLOCK; k++)
            out[i + k] = exp_neg(a[i + k]);
    for (; i < n; i++)
        out[i] = exp_neg(a[i]);
}

void rena_act_sigmoid(const float *restrict x, float *restrict out, int n)
{
    int i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (int k = 0; k < BLOCK; k++)
            out[i + k] = sigmoid(x[i + k]);
    for (; i < n; i++)
        out[i] = sigmoid(x[i]);
}

void rena_act_silu(const float *restrict x, float *restrict out, float *restrict sig, int n)
{
    int i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (int k = 0; k < BLOCK; k++) {
            float s = sigmoid(x[i + k]);
            sig[i + k] = s;
            out[i + k] = x[i + k] * s;
        }
    for (; i < n; i++) {
        float s = sigmoid(x[i]);
        sig[i] = s;
        out[i] = x[i] * s;
    }
}

void rena_act_tanh(const float *restrict x, float *restrict out, int n)
{
    int i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        for (int k = 0; k < BLOCK; k++)
            out[i + k] = tanh_(x[i + k]);
    for (; i < n; i++)
        out[i] = tanh_(x[i]);
}
