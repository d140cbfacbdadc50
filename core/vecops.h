/* vecops.h: the few vector kernels every layer is built from (axpy, dot,
 * elementwise multiply-add), written in fixed blocks of 8 so GCC's -O2
 * vectoriser takes them whole. The dot product keeps 8 partial sums in a
 * fixed order, so its result is the same on every machine and run. */
#ifndef RENA_VECOPS_H
#define RENA_VECOPS_H

#include <stddef.h>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define RENA_VEC_HAVE_AVX_PATH 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define RENA_VEC_BLOCK 8

/* y += a * x */
static inline void rena_vec_axpy(int n, float a, const float *restrict x, float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] += a * x[i + k];
    for (; i < n; i++)
        y[i] += a * x[i];
}

/* y += x * z (elementwise) */
static inline void rena_vec_mul_add(int n, const float *restrict x, const float *restrict z,
                                    float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] += x[i + k] * z[i + k];
    for (; i < n; i++)
        y[i] += x[i] * z[i];
}

/* sum x[i] * y[i] */
static inline float rena_vec_dot(int n, const float *restrict x, const float *restrict y)
{
    float acc[RENA_VEC_BLOCK] = {0};
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            acc[k] += x[i + k] * y[i + k];
    float s = 0.0f;
    for (; i < n; i++)
        s += x[i] * y[i];
    /* a fixed pairwise tree: short dependency chains, same order everywhere */
    return s + (((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])));
}

/* y = max(y, x) elementwise */
static inline void rena_vec_max(int n, const float *restrict x, float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] = x[i + k] > y[i + k] ? x[i + k] : y[i + k];
    for (; i < n; i++)
        y[i] = x[i] > y[i] ? x[i] : y[i];
}

/* y += x */
static inline void rena_vec_add(int n, const float *restrict x, float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] += x[i + k];
    for (; i < n; i++)
        y[i] += x[i];
}

/* y = a - x (a a vector too) */
static inline void rena_vec_sub(int n, const float *restrict a, const float *restrict x,
                                float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] = a[i + k] - x[i + k];
    for (; i < n; i++)
        y[i] = a[i] - x[i];
}

/* y *= x elementwise */
static inline void rena_vec_mul(int n, const float *restrict x, float *restrict y)
{
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            y[i + k] *= x[i + k];
    for (; i < n; i++)
        y[i] *= x[i];
}

/* y = a (every element) */
static inline void rena_vec_set(int n, float a, float *restrict y)
{
    for (int i = 0; i < n; i++)
        y[i] = a;
}

/* sum of x, in 8 partial sums */
static inline float rena_vec_sum(int n, const float *restrict x)
{
    float acc[RENA_VEC_BLOCK] = {0};
    int i = 0;
    for (; i + RENA_VEC_BLOCK <= n; i += RENA_VEC_BLOCK)
        for (int k = 0; k < RENA_VEC_BLOCK; k++)
            acc[k] += x[i + k];
    float s = 0.0f;
    for (; i < n; i++)
        s += x[i];
    return s + (((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])));
}

/* y = x */
static inline void rena_vec_copy(int n, const float *restrict x, float *restrict y)
{
    for (int i = 0; i < n; i++)
        y[i] = x[i];
}

/* Rows [r, r+R) x columns [j, j+W) of rena_vec_gemm (R <= 4, W = 8 or 4),
 * accumulating in registers: R independent chains, so the adds do not wait
 * on each other. With SSE2 the accumulators are pinned to registers (GCC
 * keeps a local array in memory otherwise, 3x slower); the portable loop
 * does the same multiplies and adds in the same order, so results agree. */
static inline void rena_vec_gemm_tile(int R, int W, int inner, int n, const float *restrict a,
                                      long ars, long aks, const float *restrict b,
                                      const float *restrict init, int accumulate,
                                      float *restrict y)
{
#ifdef __SSE2__
    __m128 acc[4][2];
    int halves = W / 4;
    for (int r = 0; r < 4; r++)
        for (int h = 0; h < 2; h++) {
            acc[r][h] = _mm_setzero_ps();
            if (r < R && h < halves) {
                if (accumulate)
                    acc[r][h] = _mm_loadu_ps(y + (long)r * n + 4 * h);
                if (init)
                    acc[r][h] = _mm_add_ps(acc[r][h], _mm_set1_ps(init[r]));
            }
        }
    if (R == 4 && halves == 2) {
        /* the hot case, spelled out so the eight sums stay in registers */
        __m128 c0l = acc[0][0], c0h = acc[0][1], c1l = acc[1][0], c1h = acc[1][1];
        __m128 c2l = acc[2][0], c2h = acc[2][1], c3l = acc[3][0], c3h = acc[3][1];
        for (int k = 0; k < inner; k++) {
            const float *bk = b + (long)k * n;
            __m128 bl = _mm_loadu_ps(bk), bh = _mm_loadu_ps(bk + 4);
            __m128 a0 = _mm_set1_ps(a[k * aks]), a1 = _mm_set1_ps(a[ars + k * aks]);
            __m128 a2 = _mm_set1_ps(a[2 * ars + k * aks]), a3 = _mm_set1_ps(a[3 * ars + k * aks]);
            c0l = _mm_add_ps(c0l, _mm_mul_ps(a0, bl));
            c0h = _mm_add_ps(c0h, _mm_mul_ps(a0, bh));
            c1l = _mm_add_ps(c1l, _mm_mul_ps(a1, bl));
            c1h = _mm_add_ps(c1h, _mm_mul_ps(a1, bh));
            c2l = _mm_add_ps(c2l, _mm_mul_ps(a2, bl));
            c2h = _mm_add_ps(c2h, _mm_mul_ps(a2, bh));
            c3l = _mm_add_ps(c3l, _mm_mul_ps(a3, bl));
            c3h = _mm_add_ps(c3h, _mm_mul_ps(a3, bh));
        }
        acc[0][0] = c0l, acc[0][1] = c0h, acc[1][0] = c1l, acc[1][1] = c1h;
        acc[2][0] = c2l, acc[2][1] = c2h, acc[3][0] = c3l, acc[3][1] = c3h;
    } else {
        for (int k = 0; k < inner; k++) {
            const float *bk = b + (long)k * n;
            for (int h = 0; h < halves; h++) {
                __m128 bv = _mm_loadu_ps(bk + 4 * h);
                for (int r = 0; r < R; r++)
                    acc[r][h] = _mm_add_ps(acc[r][h], _mm_mul_ps(_mm_set1_ps(a[r * ars + k * aks]), bv));
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int h = 0; h < halves; h++)
            _mm_storeu_ps(y + (long)r * n + 4 * h, acc[r][h]);
#else
    float acc[4][8];
    for (int r = 0; r < R; r++)
        for (int q = 0; q < W; q++)
            acc[r][q] = (accumulate ? y[(long)r * n + q] : 0.0f) + (init ? init[r] : 0.0f);
    for (int k = 0; k < inner; k++)
        for (int r = 0; r < R; r++)
            for (int q = 0; q < W; q++)
                acc[r][q] += a[r * ars + k * aks] * b[(long)k * n + q];
    for (int r = 0; r < R; r++)
        for (int q = 0; q < W; q++)
            y[(long)r * n + q] = acc[r][q];
#endif
}

#ifdef RENA_VEC_HAVE_AVX_PATH
/* The 4 x 8 tile with one 256-bit register per row, for CPUs with AVX
 * (checked at run time). Same multiplies and adds per element as the SSE
 * path, and no fused multiply-add, so the results are bit-identical. */
__attribute__((target("avx"))) static void
rena_vec_gemm_tile_avx(int inner, int n, const float *restrict a, long ars, long aks,
                       const float *restrict b, const float *restrict init, int accumulate,
                       float *restrict y)
{
    __m256 c[4];
    for (int r = 0; r < 4; r++) {
        c[r] = accumulate ? _mm256_loadu_ps(y + (long)r * n) : _mm256_setzero_ps();
        if (init)
            c[r] = _mm256_add_ps(c[r], _mm256_set1_ps(init[r]));
    }
    __m256 c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
    for (int k = 0; k < inner; k++) {
        __m256 bv = _mm256_loadu_ps(b + (long)k * n);
        c0 = _mm256_add_ps(c0, _mm256_mul_ps(_mm256_set1_ps(a[k * aks]), bv));
        c1 = _mm256_add_ps(c1, _mm256_mul_ps(_mm256_set1_ps(a[ars + k * aks]), bv));
        c2 = _mm256_add_ps(c2, _mm256_mul_ps(_mm256_set1_ps(a[2 * ars + k * aks]), bv));
        c3 = _mm256_add_ps(c3, _mm256_mul_ps(_mm256_set1_ps(a[3 * ars + k * aks]), bv));
    }
    _mm256_storeu_ps(y, c0);
    _mm256_storeu_ps(y + n, c1);
    _mm256_storeu_ps(y + 2L * n, c2);
    _mm256_storeu_ps(y + 3L * n, c3);
}
#endif

/* y[r][j] (=|+=) init[r] + sum_k a[r*ars + k*aks] * b[k*n + j], for r < rows,
 * j < n: the small matrix products of the attention block and the dense
 * layers. init may be NULL (0); accumulate adds to y. */
static inline void rena_vec_gemm(int rows, int inner, int n, const float *restrict a, long ars,
                                 long aks, const float *restrict b, const float *restrict init,
                                 int accumulate, float *restrict y)
{
    for (int r = 0; r < rows; r += 4) {
        int R = rows - r < 4 ? rows - r : 4;
        const float *ar = a + r * ars, *ir = init ? init + r : NULL;
        float *yr = y + (long)r * n;
        int j = 0;
#ifdef RENA_VEC_HAVE_AVX_PATH
        if (R == 4 && __builtin_cpu_supports("avx"))
            for (; j + 8 <= n; j += 8)
                rena_vec_gemm_tile_avx(inner, n, ar, ars, aks, b + j, ir, accumulate, yr + j);
#endif
        for (; j + 8 <= n; j += 8)
            rena_vec_gemm_tile(R, 8, inner, n, ar, ars, aks, b + j, ir, accumulate, yr + j);
        for (; j + 4 <= n; j += 4)
            rena_vec_gemm_tile(R, 4, inner, n, ar, ars, aks, b + j, ir, accumulate, yr + j);
        for (; j < n; j++)
            for (int rr = 0; rr < R; rr++) {
                float acc = (accumulate ? yr[(long)rr * n + j] : 0.0f) + (ir ? ir[rr] : 0.0f);
                for (int k = 0; k < inner; k++)
                    acc += ar[rr * ars + k * aks] * b[(long)k * n + j];
                yr[(long)rr * n + j] = acc;
            }
    }
}

#endif
