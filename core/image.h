/* image.h: PNG files (through libpng) for rena_image (RGB, rows top-down). */
#ifndef RENA_IMAGE_H
#define RENA_IMAGE_H

#include "actuator.h"

/* Writes an 8-bit RGB PNG atomically (temp + rename). */
rena_status rena_png_write(const char *path, const rena_image *img, rena_error *err);
/* Reads a PNG (any colour type libpng can expand) as RGB; img->rgb is malloc'd. */
rena_status rena_png_read(const char *path, rena_image *img, rena_error *err);
void rena_image_free(rena_image *img);

#endif
