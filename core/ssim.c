#include "ssim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HALF (RENA_SSIM_WINDOW / 2)
#define MOMENTS 5 /* a, b, a*a, b*b, a*b */

/* GCC vectorises these loops only when asked (its -O2 cost model refuses
 * loops that need a scalar epilogue); `omp simd` asks without threading. */
#ifdef _OPENMP
#define RENA_SIMD _Pragma("omp simd")
#else
#define RENA_SIMD
#endif

void rena_ssim_gaussian(double w[RENA_SSIM_WINDOW])
{
    double sum = 0.0;
    for (int k = 0; k < RENA_SSIM_WINDOW; k++) {
        double d = (double)(k - HALF);
        w[k] = exp(-d * d / (2.0 * RENA_SSIM_SIGMA * RENA_SSIM_SIGMA));
        sum += w[k];
    }
    for (int k = 0; k < RENA_SSIM_WINDOW; k++)
        w[k] /= sum;
}

static rena_status too_small(int width, int height, rena_error *err)
{
    return rena_error_set(err, RENA_ERR_ARG, "ssim", "image %dx%d is smaller than the %dx%d window",
                          width, height, RENA_SSIM_WINDOW, RENA_SSIM_WINDOW);
}

rena_status rena_ssim_workspace_init(rena_ssim_workspace *ws, int width, rena_error *err)
{
    memset(ws, 0, sizeof *ws);
    if (width < RENA_SSIM_WINDOW)
        return too_small(width, RENA_SSIM_WINDOW, err);
    size_t ow = (size_t)(width - 2 * HALF);
    ws->ring = malloc(sizeof(float) * MOMENTS * RENA_SSIM_WINDOW * ow);
    ws->column = malloc(sizeof(float) * (MOMENTS + 1) * ow);
    ws->input = malloc(sizeof(float) * MOMENTS * (size_t)width);
    if (!ws->ring || !ws->column || !ws->input) {
        rena_ssim_workspace_free(ws);
        return rena_error_set(err, RENA_ERR_NOMEM, "ssim", "no memory for width %d", width);
    }
    ws->width = width;
    return RENA_OK;
}

void rena_ssim_workspace_free(rena_ssim_workspace *ws)
{
    if (!ws)
        return;
    free(ws->ring);
    free(ws->column);
    free(ws->input);
    memset(ws, 0, sizeof *ws);
}

/* Offset of image row r's slot in one moment's plane of the ring. */
static size_t ring_slot(int r, int ow)
{
    return (size_t)(r % RENA_SSIM_WINDOW) * (size_t)ow;
}

/* Horizontal pass of one image row: the five moments filtered along x, to
 * out[m * plane + x] for the ow valid positions. Pixel values are shifted to
 * [-128, 127] so float squares lose less to cancellation when variances are
 * formed; variances and covariance do not change, means are shifted back. */
static void filter_row(const unsigned char *a, const unsigned char *b, int width,
                       int pixel_stride, const float *g, float *in, float *out, size_t plane)
{
    int ow = width - 2 * HALF;
    float *ia = in, *ib = in + width, *iaa = in + 2 * (size_t)width;
    float *ibb = in + 3 * (size_t)width, *iab = in + 4 * (size_t)width;
    for (int x = 0; x < width; x++) {
        float va = (float)a[(size_t)x * pixel_stride] - 128.0f;
        float vb = (float)b[(size_t)x * pixel_stride] - 128.0f;
        ia[x] = va;
        ib[x] = vb;
        iaa[x] = va * va;
        ibb[x] = vb * vb;
        iab[x] = va * vb;
    }
    for (int m = 0; m < MOMENTS; m++) {
        float *o = out + (size_t)m * plane;
        const float *s = in + (size_t)m * width;
        RENA_SIMD
        for (int x = 0; x < ow; x++)
            o[x] = g[HALF] * s[x + HALF];
        for (int k = 0; k < HALF; k++) {
            float w = g[k];
            RENA_SIMD
            for (int x = 0; x < ow; x++)
                o[x] += w * (s[x + k] + s[x + 2 * HALF - k]);
        }
    }
}

/* Vertical pass for output row y (image rows y .. y+10 are in the ring) and
 * the SSIM map along it; returns the row's sum in double. */
static double ssim_row(const float *ring, size_t plane, int ow, int y, const float *g,
                       float *col)
{
    for (int m = 0; m < MOMENTS; m++) {
        const float *base = ring + (size_t)m * plane;
        float *c = col + (size_t)m * ow;
        const float *mid = base + ring_slot(y + HALF, ow);
        RENA_SIMD
        for (int x = 0; x < ow; x++)
            c[x] = g[HALF] * mid[x];
        for (int k = 0; k < HALF; k++) {
            const float *up = base + ring_slot(y + k, ow);
            const float *dn = base + ring_slot(y + 2 * HALF - k, ow);
            float w = g[k];
            RENA_SIMD
            for (int x = 0; x < ow; x++)
                c[x] += w * (up[x] + dn[x]);
        }
    }
    const float c1 = (float)((RENA_SSIM_K1 * RENA_SSIM_DYNAMIC_RANGE) *
                             (RENA_SSIM_K1 * RENA_SSIM_DYNAMIC_RANGE));
    const float c2 = (float)((RENA_SSIM_K2 * RENA_SSIM_DYNAMIC_RANGE) *
                             (RENA_SSIM_K2 * RENA_SSIM_DYNAMIC_RANGE));
    const float *ma = col, *mb = col + ow, *saa = col + 2 * (size_t)ow;
    const float *sbb = col + 3 * (size_t)ow, *sab = col + 4 * (size_t)ow;
    float *map = col + 5 * (size_t)ow;
    RENA_SIMD
    for (int x = 0; x < ow; x++) {
        float mx = ma[x], my = mb[x];
        float vx = saa[x] - mx * mx;
        float vy = sbb[x] - my * my;
        float cxy = sab[x] - mx * my;
        mx += 128.0f;
        my += 128.0f;
        map[x] = (2.0f * mx * my + c1) * (2.0f * cxy + c2) /
                 ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
    double sum = 0.0;
    for (int x = 0; x < ow; x++)
        sum += map[x];
    return sum;
}

rena_status rena_ssim_channel(const unsigned char *a, const unsigned char *b, int width,
                              int height, int pixel_stride, int row_stride,
                              rena_ssim_workspace *ws, double *ssim, rena_error *err)
{
    if (!a || !b || !ssim || pixel_stride < 1 || row_stride < width * pixel_stride)
        return rena_error_set(err, RENA_ERR_ARG, "ssim", "missing image or bad stride");
    if (width < RENA_SSIM_WINDOW || height < RENA_SSIM_WINDOW)
        return too_small(width, height, err);
    rena_ssim_workspace own = {0};
    if (!ws) {
        rena_status st = rena_ssim_workspace_init(&own, width, err);
        if (st != RENA_OK)
            return st;
        ws = &own;
    } else if (ws->width != width) {
        return rena_error_set(err, RENA_ERR_SHAPE, "ssim",
                              "workspace made for width %d used on a %dx%d image", ws->width,
                              width, height);
    }
    double gd[RENA_SSIM_WINDOW];
    float g[RENA_SSIM_WINDOW];
    rena_ssim_gaussian(gd);
    for (int k = 0; k < RENA_SSIM_WINDOW; k++)
        g[k] = (float)gd[k];

    int ow = width - 2 * HALF, oh = height - 2 * HALF;
    size_t plane = (size_t)RENA_SSIM_WINDOW * ow;
    double sum = 0.0;
    for (int y = 0; y < height; y++) {
        filter_row(a + (size_t)y * row_stride, b + (size_t)y * row_stride, width, pixel_stride,
                   g, ws->input, ws->ring + ring_slot(y, ow), plane);
        if (y >= 2 * HALF)
            sum += ssim_row(ws->ring, plane, ow, y - 2 * HALF, g, ws->column);
    }
    *ssim = sum / ((double)ow * (double)oh);
    rena_ssim_workspace_free(&own);
    return RENA_OK;
}

rena_status rena_ssim_rgb(const rena_image *a, const rena_image *b, rena_ssim_workspace *ws,
                          double *ssim, rena_error *err)
{
    if (!a || !b || !a->rgb || !b->rgb || !ssim)
        return rena_error_set(err, RENA_ERR_ARG, "ssim", "missing image");
    if (a->width != b->width || a->height != b->height)
        return rena_error_set(err, RENA_ERR_SHAPE, "ssim", "image sizes differ: %dx%d vs %dx%d",
                              a->width, a->height, b->width, b->height);
    if (a->width < RENA_SSIM_WINDOW || a->height < RENA_SSIM_WINDOW)
        return too_small(a->width, a->height, err);
    rena_ssim_workspace own = {0};
    if (!ws) {
        rena_status st = rena_ssim_workspace_init(&own, a->width, err);
        if (st != RENA_OK)
            return st;
        ws = &own;
    }
    double total = 0.0;
    rena_status st = RENA_OK;
    for (int c = 0; c < 3 && st == RENA_OK; c++) {
        double s = 0.0;
        st = rena_ssim_channel(a->rgb + c, b->rgb + c, a->width, a->height, 3, a->width * 3, ws,
                               &s, err);
        total += s;
    }
    rena_ssim_workspace_free(&own);
    if (st == RENA_OK)
        *ssim = total / 3.0;
    return st;
}
