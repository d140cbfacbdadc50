/* image.h: PNG files (through libpng) for rena_image (RGB, rows top-down). */
#ifndef RENA_IMAGE_H
#define RENA_IMAGE_H

#include "actuator.h"

/* Limits of rena_png_read, checked before anything of the announced size is
 * allocated (a 68-byte file may claim 65535x65535 pixels). rena renders
 * 640x480; 8K UHD (7680x4320) is 95 MiB of RGB. */
#define RENA_PNG_MAX_SIDE 16384                /* pixels, each way */
#define RENA_PNG_MAX_RGB_BYTES (256UL << 20)   /* width * height * 3 */
#define RENA_PNG_MAX_CHUNK_BYTES (8UL << 20)   /* one ancillary chunk, inflated (zTXt, iCCP) */

/* Writes an 8-bit RGB PNG atomically (temp + rename). */
rena_status rena_png_write(const char *path, const rena_image *img, rena_error *err);
/* Reads a PNG (any colour type libpng can expand) as RGB; img->rgb is malloc'd. */
rena_status rena_png_read(const char *path, rena_image *img, rena_error *err);
void rena_image_free(rena_image *img);

#endif
