#include "kan.h"

#include <math.h>
#include <string.h>

#include "activation.h"
#include "vecops.h"

typedef struct {
    const float *wb, *c, *ws;
} kan_params;

/* Per-sample values the backward pass needs. */
typedef struct {
    float *silu, *sig, *u;  /* [n_in] */
    float *span;            /* [n_in] first non-zero basis (small integers, exact) */
    float *basis, *dbasis;  /* [n_in][p+1] non-zero bases and d/du */
    float *mix;             /* [n_in][n_out] sum_k c B_k, before the ws scale */
} kan_cache;

int rena_kan_num_bases(rena_kan_shape s) { return s.grid_size + s.order; }

long rena_kan_param_count(rena_kan_shape s)
{
    return (long)s.n_in * s.n_out * (rena_kan_num_bases(s) + 2);
}

long rena_kan_cache_size(rena_kan_shape s)
{
    return 4L * s.n_in + 2L * s.n_in * (s.order + 1) + (long)s.n_in * s.n_out;
}

long rena_kan_scratch_size(rena_kan_shape s) { return s.n_out; }

static kan_params split_params(rena_kan_shape s, const float *p)
{
    long io = (long)s.n_in * s.n_out;
    kan_params k = {p, p + io, p + io + io * rena_kan_num_bases(s)};
    return k;
}

static kan_cache split_cache(rena_kan_shape s, float *c)
{
    long n = s.n_in, q = s.order + 1;
    kan_cache k = {c, c + n, c + 2 * n, c + 3 * n, c + 4 * n, c + 4 * n + n * q,
                   c + 4 * n + 2 * n * q};
    return k;
}

void rena_kan_init(rena_kan_shape s, float *p, rena_rng *rng)
{
    kan_params k = split_params(s, p);
    long io = (long)s.n_in * s.n_out;
    double bound = 1.0 / sqrt((double)s.n_in);
    double noise = 0.1 / s.grid_size / 2.0;
    for (long i = 0; i < io; i++) {
        ((float *)k.wb)[i] = (float)rena_rng_range(rng, -bound, bound);
        ((float *)k.ws)[i] = (float)rena_rng_range(rng, -bound, bound);
    }
    for (long i = 0; i < io * rena_kan_num_bases(s); i++)
        ((float *)k.c)[i] = (float)rena_rng_range(rng, -noise, noise);
}

/* Cox-de Boor on uniform knots t_m = lo + (m - p) h (The NURBS Book, A2.2):
 * fills the p+1 bases that are non-zero on the span holding u, and their
 * derivatives from the order p-1 bases, B'_i = (B_{i,p-1} - B_{i+1,p-1}) / h.
 * Returns the index of the first of them. u outside [lo,hi] uses the end
 * span's polynomial (callers keep u inside through tanh). */
/* The uniform cubic case in closed form (the layer's default, and 3x
 * faster than the recursion): tau in [0,1] is the position in the span. */
static void cubic_bases(float tau, float h, float *basis, float *dbasis)
{
    float t2 = tau * tau, t3 = t2 * tau, om = 1.0f - tau;
    basis[0] = om * om * om / 6.0f;
    basis[1] = (3.0f * t3 - 6.0f * t2 + 4.0f) / 6.0f;
    basis[2] = (-3.0f * t3 + 3.0f * t2 + 3.0f * tau + 1.0f) / 6.0f;
    basis[3] = t3 / 6.0f;
    dbasis[0] = -0.5f * om * om / h;
    dbasis[1] = (1.5f * t2 - 2.0f * tau) / h;
    dbasis[2] = (-1.5f * t2 + tau + 0.5f) / h;
    dbasis[3] = 0.5f * t2 / h;
}

static int span_bases(rena_kan_shape s, float u, float *basis, float *dbasis)
{
    float h = (s.hi - s.lo) / (float)s.grid_size;
    int p = s.order;
    float pos = (u - s.lo) / h;
    /* truncation is floor for pos >= 0; below, the clamp picks span 0 (and
     * (int) of a huge or NaN value is never reached: u is a tanh) */
    int m = pos >= 0.0f ? (int)pos : 0;
    m = m > s.grid_size - 1 ? s.grid_size - 1 : m;
    if (p == 3) {
        cubic_bases(pos - (float)m, h, basis, dbasis);
        return m;
    }
    m += p; /* knot index of the span's left end */
    float left[RENA_KAN_MAX_ORDER + 1], right[RENA_KAN_MAX_ORDER + 1];
    float lower[RENA_KAN_MAX_ORDER + 1];
    basis[0] = 1.0f;
    for (int j = 1; j <= p; j++) {
        if (j == p)
            memcpy(lower, basis, sizeof(float) * (size_t)p);
        left[j] = u - (s.lo + (float)(m + 1 - j - p) * h);
        right[j] = (s.lo + (float)(m + j - p) * h) - u;
        float saved = 0.0f;
        for (int r = 0; r < j; r++) {
            float temp = basis[r] / (right[r + 1] + left[j - r]);
            basis[r] = saved + right[r + 1] * temp;
            saved = left[j - r] * temp;
        }
        basis[j] = saved;
    }
    if (p == 0)
        dbasis[0] = 0.0f;
    for (int r = 0; r <= p && p > 0; r++) {
        float a = r >= 1 ? lower[r - 1] : 0.0f;
        float b = r < p ? lower[r] : 0.0f;
        dbasis[r] = (a - b) / h;
    }
    return m - p;
}

void rena_kan_bases(rena_kan_shape s, float u, float *basis)
{
    float h = (s.hi - s.lo) / (float)s.grid_size;
    int nb = rena_kan_num_bases(s);
    memset(basis, 0, sizeof(float) * (size_t)nb);
    /* The extended knots span [lo - p h, hi + p h); every basis is zero
     * outside. Inside, find the span among all G + 2p intervals. */
    float t0 = s.lo - (float)s.order * h;
    int m = (int)floorf((u - t0) / h);
    if (!(u >= t0) || m >= s.grid_size + 2 * s.order)
        return;
    /* Recurse from order 0 on the full knot vector: simple and independent
     * of the span-local routine the layer uses. */
    int nk = s.grid_size + 2 * s.order + 1;
    float b[64];
    if (nk - 1 > 64)
        return;
    for (int i = 0; i < nk - 1; i++)
        b[i] = (i == m) ? 1.0f : 0.0f;
    for (int q = 1; q <= s.order; q++)
        for (int i = 0; i < nk - 1 - q; i++) {
            float ti = t0 + (float)i * h, tiq = t0 + (float)(i + q) * h;
            float ti1 = t0 + (float)(i + 1) * h, tiq1 = t0 + (float)(i + q + 1) * h;
            b[i] = (u - ti) / (tiq - ti) * b[i] + (tiq1 - u) / (tiq1 - ti1) * b[i + 1];
        }
    memcpy(basis, b, sizeof(float) * (size_t)nb);
}

/* The spline input: tanh(x) mapped onto [lo,hi]. */
static float spline_input(rena_kan_shape s, float t)
{
    return s.lo + (t + 1.0f) * 0.5f * (s.hi - s.lo);
}

/* The outputs [o, o+8) of the layer, every input folded in, with the sums
 * in registers: mix = sum_r B_r c[first+r] (kept for backward), then
 * y += silu * wb + ws * mix, input after input. The SSE, AVX and portable
 * versions do the same operations in the same order per output. */
typedef struct {
    const kan_params *k;
    const kan_cache *c;
    int n_in, no, nb, q;
} kan_pass;

static void outputs_portable(const kan_pass *ps, int o, int width, float *y)
{
    for (int w = 0; w < width; w++) {
        float acc = 0.0f;
        for (int i = 0; i < ps->n_in; i++) {
            const float *bi = ps->c->basis + (long)i * ps->q;
            const float *ci = ps->k->c + ((long)i * ps->nb + (int)ps->c->span[i]) * ps->no + o + w;
            float m = 0.0f;
            for (int r = 0; r < ps->q; r++)
                m += bi[r] * ci[(long)r * ps->no];
            ps->c->mix[(long)i * ps->no + o + w] = m;
            acc += ps->c->silu[i] * ps->k->wb[(long)i * ps->no + o + w];
            acc += ps->k->ws[(long)i * ps->no + o + w] * m;
        }
        y[o + w] = acc;
    }
}

#ifdef __SSE2__
static void outputs8_sse(const kan_pass *ps, int o, float *y)
{
    __m128 al = _mm_setzero_ps(), ah = _mm_setzero_ps();
    for (int i = 0; i < ps->n_in; i++) {
        const float *bi = ps->c->basis + (long)i * ps->q;
        const float *ci = ps->k->c + ((long)i * ps->nb + (int)ps->c->span[i]) * ps->no + o;
        __m128 ml = _mm_setzero_ps(), mh = _mm_setzero_ps();
        for (int r = 0; r < ps->q; r++) {
            __m128 b = _mm_set1_ps(bi[r]);
            ml = _mm_add_ps(ml, _mm_mul_ps(b, _mm_loadu_ps(ci + (long)r * ps->no)));
            mh = _mm_add_ps(mh, _mm_mul_ps(b, _mm_loadu_ps(ci + (long)r * ps->no + 4)));
        }
        float *mix = ps->c->mix + (long)i * ps->no + o;
        _mm_storeu_ps(mix, ml);
        _mm_storeu_ps(mix + 4, mh);
        const float *wb = ps->k->wb + (long)i * ps->no + o, *ws = ps->k->ws + (long)i * ps->no + o;
        __m128 sv = _mm_set1_ps(ps->c->silu[i]);
        al = _mm_add_ps(al, _mm_mul_ps(sv, _mm_loadu_ps(wb)));
        ah = _mm_add_ps(ah, _mm_mul_ps(sv, _mm_loadu_ps(wb + 4)));
        al = _mm_add_ps(al, _mm_mul_ps(_mm_loadu_ps(ws), ml));
        ah = _mm_add_ps(ah, _mm_mul_ps(_mm_loadu_ps(ws + 4), mh));
    }
    _mm_storeu_ps(y + o, al);
    _mm_storeu_ps(y + o + 4, ah);
}
#endif

#ifdef RENA_VEC_HAVE_AVX_PATH
__attribute__((target("avx"))) static void outputs8_avx(const kan_pass *ps, int o, float *y)
{
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < ps->n_in; i++) {
        const float *bi = ps->c->basis + (long)i * ps->q;
        const float *ci = ps->k->c + ((long)i * ps->nb + (int)ps->c->span[i]) * ps->no + o;
        __m256 m = _mm256_setzero_ps();
        for (int r = 0; r < ps->q; r++)
            m = _mm256_add_ps(m, _mm256_mul_ps(_mm256_set1_ps(bi[r]),
                                               _mm256_loadu_ps(ci + (long)r * ps->no)));
        _mm256_storeu_ps(ps->c->mix + (long)i * ps->no + o, m);
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(ps->c->silu[i]),
                                               _mm256_loadu_ps(ps->k->wb + (long)i * ps->no + o)));
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(ps->k->ws + (long)i * ps->no + o), m));
    }
    _mm256_storeu_ps(y + o, acc);
}
#endif

void rena_kan_forward(rena_kan_shape s, const float *p, const float *x, float *y, float *cache)
{
    kan_params k = split_params(s, p);
    kan_cache c = split_cache(s, cache);
    int q = s.order + 1;
    rena_act_silu(x, c.silu, c.sig, s.n_in);
    rena_act_tanh(x, c.u, s.n_in);
    for (int i = 0; i < s.n_in; i++)
        c.span[i] = (float)span_bases(s, spline_input(s, c.u[i]), c.basis + (long)i * q,
                                      c.dbasis + (long)i * q);
    kan_pass ps = {&k, &c, s.n_in, s.n_out, rena_kan_num_bases(s), q};
    int o = 0;
#ifdef RENA_VEC_HAVE_AVX_PATH
    if (__builtin_cpu_supports("avx"))
        for (; o + 8 <= s.n_out; o += 8)
            outputs8_avx(&ps, o, y);
#endif
#ifdef __SSE2__
    for (; o + 8 <= s.n_out; o += 8)
        outputs8_sse(&ps, o, y);
#endif
    outputs_portable(&ps, o, s.n_out - o, y);
}

void rena_kan_backward(rena_kan_shape s, const float *p, const float *x, const float *cache,
                       const float *dy, float *dx, float *dp, float *scratch)
{
    kan_params k = split_params(s, p);
    kan_cache c = split_cache(s, (float *)cache);
    long io = (long)s.n_in * s.n_out;
    float *dwb = dp, *dc = dp + io, *dws = dp + io + io * rena_kan_num_bases(s);
    int nb = rena_kan_num_bases(s), q = s.order + 1, no = s.n_out;
    float *g = scratch; /* ws[i] * dy: the gradient reaching the mix */
    /* d spline_input / d tanh */
    float du_dt = 0.5f * (s.hi - s.lo);
    for (int i = 0; i < s.n_in; i++) {
        const float *wsi = k.ws + (long)i * no, *wbi = k.wb + (long)i * no;
        const float *bi = c.basis + (long)i * q, *dbi = c.dbasis + (long)i * q;
        int first = (int)c.span[i];
        rena_vec_axpy(no, c.silu[i], dy, dwb + (long)i * no);
        rena_vec_mul_add(no, c.mix + (long)i * no, dy, dws + (long)i * no);
        for (int o = 0; o < no; o++)
            g[o] = wsi[o] * dy[o];
        float *dci = dc + ((long)i * nb + first) * no;
        const float *ci = k.c + ((long)i * nb + first) * no;
        float dmix_du = 0.0f;
        for (int r = 0; r < q; r++) {
            rena_vec_axpy(no, bi[r], g, dci + (long)r * no);
            if (dx)
                dmix_du += dbi[r] * rena_vec_dot(no, ci + (long)r * no, g);
        }
        if (dx)
            dx[i] = rena_act_silu_grad(x[i], c.sig[i]) * rena_vec_dot(no, wbi, dy) +
                    dmix_du * du_dt * rena_act_tanh_grad(c.u[i]);
    }
}
