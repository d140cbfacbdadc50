/* fuzz_png.c: PNG reading (core/image.h rena_png_read), which takes a path,
 * so each input goes through a scratch file. libpng checks a CRC-32 on
 * every chunk; an input whose chunks frame correctly is read a second time
 * with those CRCs recomputed, so mutations reach the decoder behind them. */
#include <zlib.h>

#include "fuzz_util.h"
#include "image.h"

rena_status fuzz_png_one(const uint8_t *data, size_t size);

static uint32_t png_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rewrites the CRC of every whole chunk; returns how many it changed. */
static int png_fix_crcs(uint8_t *buf, size_t size)
{
    int changed = 0;
    size_t pos = 8; /* after the signature */
    while (pos <= size && size - pos >= 12) {
        uint32_t len = png_be32(buf + pos);
        if (len > size - pos - 12)
            break;
        uint8_t *crc_at = buf + pos + 8 + len;
        uint32_t crc = (uint32_t)crc32(0L, buf + pos + 4, (uInt)len + 4);
        if (png_be32(crc_at) != crc) {
            for (int i = 0; i < 4; i++)
                crc_at[i] = (uint8_t)(crc >> (24 - 8 * i));
            changed++;
        }
        pos += 12 + (size_t)len;
    }
    return changed;
}

static rena_status png_read_bytes(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_scratch_file("input.png", data, size, path, sizeof path);
    rena_image img;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_png_read(path, &img, &err);
    fuzz_require_status(st, &err);
    if (st == RENA_OK) {
        FUZZ_REQUIRE(img.width >= 1 && img.width <= 65535 && img.height >= 1 &&
                         img.height <= 65535 && img.rgb != NULL,
                     "accepted a %dx%d image", img.width, img.height);
        /* touch the last pixel: the buffer holds width*height*3 bytes */
        size_t last = (size_t)img.width * (size_t)img.height * 3 - 1;
        volatile unsigned char v = img.rgb[last];
        (void)v;
    } else {
        FUZZ_REQUIRE(img.rgb == NULL, "a failed read left pixels behind");
    }
    rena_image_free(&img);
    return st;
}

rena_status fuzz_png_one(const uint8_t *data, size_t size)
{
    rena_status st = png_read_bytes(data, size);
    if (size > 8) {
        uint8_t *copy = fuzz_exact_copy(data, size);
        if (png_fix_crcs(copy, size) > 0)
            st = png_read_bytes(copy, size);
        free(copy);
    }
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_png_one(data, size);
    return 0;
}
#endif
