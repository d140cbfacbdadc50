/* ssim.h: structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004), the
 * image measure ID of the paper's eq. 11.
 *
 * Exactly the reference definition (Wang's ssim_index.m):
 *   - 11x11 Gaussian window, sigma 1.5, weights normalised to sum 1;
 *   - C1 = (K1 L)^2, C2 = (K2 L)^2 with K1 = 0.01, K2 = 0.03, L = 255
 *     (the paper's "0.01 and 0.03" are K1 and K2);
 *   - local means, variances and covariance are window-weighted; the SSIM map
 *     is evaluated only where the whole window fits inside the image ("valid"
 *     region, (W-10) x (H-10) values, no padding) and averaged;
 *   - an RGB image is compared channel by channel on its 0..255 values and
 *     the three mean SSIMs are averaged (no conversion to luma).
 *
 * SSIM is a similarity in [-1, 1], 1 for identical images. docs/metrics.md
 * explains how it is turned into the distance reported like Table II.
 *
 * The window is separable, so each of the five local moments costs two 1-D
 * passes; a workspace made once per image width holds the row buffers, so
 * comparing many pairs allocates nothing. Moments are accumulated in float
 * (on pixel values shifted to [-128, 127]) and the mean in double: results
 * agree with a double-precision direct evaluation to about 1e-5, and an
 * image compared with itself gives exactly 1. A 640x480 RGB pair takes about
 * 10 ms on one core (docs/metrics.md). */
#ifndef RENA_SSIM_H
#define RENA_SSIM_H

#include "actuator.h" /* rena_image */
#include "status.h"

#define RENA_SSIM_WINDOW 11      /* window side, pixels */
#define RENA_SSIM_SIGMA 1.5      /* Gaussian sigma, pixels */
#define RENA_SSIM_K1 0.01
#define RENA_SSIM_K2 0.03
#define RENA_SSIM_DYNAMIC_RANGE 255.0

/* Scratch memory for one image width (any height): a ring of 11 filtered
 * rows, so the working set stays in cache. Plain data; one per thread. */
typedef struct {
    int width;
    float *ring;    /* 5 moments x 11 rows x (width - 10): horizontally filtered */
    float *column;  /* 6 x (width - 10): vertically filtered moments + SSIM row */
    float *input;   /* 5 x width: one input row's moments before filtering */
} rena_ssim_workspace;

/* Allocates a workspace for images of this width (>= RENA_SSIM_WINDOW). */
rena_status rena_ssim_workspace_init(rena_ssim_workspace *ws, int width, rena_error *err);
/* Frees the buffers; the struct may be initialised again. NULL-safe. */
void rena_ssim_workspace_free(rena_ssim_workspace *ws);

/* Mean SSIM of one 8-bit channel. Pixel (x, y) of image a is
 * a[y * row_stride + x * pixel_stride] (same layout for b), so one channel
 * of an interleaved RGB buffer is passed with pixel_stride 3. ws may be NULL
 * (a temporary workspace is allocated) or must have been made for width. */
rena_status rena_ssim_channel(const unsigned char *a, const unsigned char *b, int width,
                              int height, int pixel_stride, int row_stride,
                              rena_ssim_workspace *ws, double *ssim, rena_error *err);

/* Mean SSIM of two RGB images of the same size, averaged over R, G and B.
 * Errors: RENA_ERR_SHAPE when the sizes differ, RENA_ERR_ARG when an image
 * is smaller than the window or has no pixels. */
rena_status rena_ssim_rgb(const rena_image *a, const rena_image *b, rena_ssim_workspace *ws,
                          double *ssim, rena_error *err);

/* The normalised window weights (RENA_SSIM_WINDOW values, sum 1); the 2-D
 * window is the outer product of this vector with itself. */
void rena_ssim_gaussian(double w[RENA_SSIM_WINDOW]);

#endif
