#include "image.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

/* libpng reports errors through a callback that must not return; we keep the
 * message and longjmp back (png_jmpbuf) to turn it into a rena_status. */
typedef struct {
    char message[256];
} png_failure;

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_failure *f = (png_failure *)png_get_error_ptr(png);
    snprintf(f->message, sizeof f->message, "%s", msg ? msg : "libpng error");
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* warnings (e.g. a bad sRGB chunk) do not stop us and are not printed */
}

static rena_status check_image(const char *path, const rena_image *img, rena_error *err)
{
    if (!img || !img->rgb || img->width <= 0 || img->height <= 0)
        return rena_error_set(err, RENA_ERR_ARG, path ? path : "png", "empty image");
    if (img->width > 65535 || img->height > 65535)
        return rena_error_set(err, RENA_ERR_RANGE, path, "image too large (%dx%d)", img->width,
                              img->height);
    return RENA_OK;
}

/* Kept out of the setjmp frame so no local is clobbered by the longjmp. */
static int write_rows(png_structp png, png_infop info, FILE *fp, const rena_image *img)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, fp);
    /* fast compression: renders are written by the thousand */
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < img->height; y++)
        png_write_row(png, img->rgb + (size_t)y * (size_t)img->width * 3);
    png_write_end(png, NULL);
    return 0;
}

rena_status rena_png_write(const char *path, const rena_image *img, rena_error *err)
{
    rena_status st = check_image(path, img, err);
    if (st != RENA_OK)
        return st;
    rena_atomic_file f;
    st = rena_atomic_open(&f, path, err);
    if (st != RENA_OK)
        return st;
    png_failure failure = {""};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error,
                                              on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        rena_atomic_abort(&f);
        return rena_error_set(err, RENA_ERR_NOMEM, path, "cannot create a PNG writer");
    }
    int rc = write_rows(png, info, f.fp, img);
    png_destroy_write_struct(&png, &info);
    if (rc != 0) {
        rena_atomic_abort(&f);
        return rena_error_set(err, RENA_ERR_IO, path, "PNG encoding failed: %s", failure.message);
    }
    return rena_atomic_commit(&f, err);
}

/* ---- reading ---------------------------------------------------------------
 * libpng allocates what a file announces before reading it: a 65-byte file
 * whose zTXt chunk claims 1.4 GB, a 68-byte file whose IHDR claims
 * 65535x65535 pixels (12.9 GB for rena's buffer). So the file's layout is
 * checked first, against its own size. */

/* Deflate codes at best 258 bytes in 2 bits: one compressed byte never
 * inflates to more than 1032 (zlib's documented maximum ratio). */
#define DEFLATE_MAX_RATIO 1032u

typedef struct {
    uint32_t width, height; /* from IHDR; 0 when the first chunk is no IHDR */
    unsigned bits_per_pixel; /* as stored (bit depth x channels); 0 if invalid */
    uint64_t idat_bytes;    /* compressed pixels: all IDAT chunks together */
} png_layout;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned channels_of(int colour_type)
{
    switch (colour_type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_PALETTE: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 0;
    }
}

/* Walks the chunks up to IEND. Every chunk must end inside the file, so no
 * allocation libpng makes for one can exceed the file's size. */
static rena_status walk_chunks(const char *path, const unsigned char *data, size_t size,
                               png_layout *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t pos = 8; size - pos >= 8;) {
        uint32_t len = be32(data + pos);
        const unsigned char *type = data + pos + 4;
        size_t left = size - pos - 8; /* after length and type */
        if (len > left || left - len < 4) {
            char name[5];
            for (int i = 0; i < 4; i++)
                name[i] = (type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')
                              ? (char)type[i]
                              : '?';
            name[4] = '\0';
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "chunk '%s' at byte %zu announces %lu bytes but the file has "
                                  "%zu left: truncated or damaged",
                                  name, pos, (unsigned long)len, left);
        }
        if (pos == 8 && !memcmp(type, "IHDR", 4) && len >= 13) {
            out->width = be32(type + 4);
            out->height = be32(type + 8);
            out->bits_per_pixel = (unsigned)type[12] * channels_of(type[13]);
        } else if (!memcmp(type, "IDAT", 4)) {
            out->idat_bytes += len;
        } else if (!memcmp(type, "IEND", 4)) {
            break;
        }
        pos += 12 + (size_t)len;
    }
    return RENA_OK;
}

/* Refuses sizes above rena's limits (image.h) and sizes the compressed
 * pixels could not hold, before anything of that size is allocated. A file
 * without a valid IHDR is left to libpng to refuse. */
static rena_status check_layout(const char *path, const png_layout *l, rena_error *err)
{
    uint64_t w = l->width, h = l->height;
    if (w == 0 || h == 0)
        return RENA_OK;
    if (w > RENA_PNG_MAX_SIDE || h > RENA_PNG_MAX_SIDE || w * h * 3 > RENA_PNG_MAX_RGB_BYTES)
        return rena_error_set(err, RENA_ERR_FORMAT, path,
                              "%lux%lu pixels is too large: rena reads at most %d pixels a side "
                              "and %lu MiB of RGB",
                              (unsigned long)w, (unsigned long)h, RENA_PNG_MAX_SIDE,
                              RENA_PNG_MAX_RGB_BYTES >> 20);
    uint64_t pixel_bytes = w * h * l->bits_per_pixel / 8; /* filter bytes not even counted */
    if (pixel_bytes > DEFLATE_MAX_RATIO * l->idat_bytes)
        return rena_error_set(err, RENA_ERR_FORMAT, path,
                              "%lu bytes of compressed pixels cannot hold %lux%lu pixels (deflate "
                              "expands at most %u times): truncated or damaged",
                              (unsigned long)l->idat_bytes, (unsigned long)w, (unsigned long)h,
                              DEFLATE_MAX_RATIO);
    return RENA_OK;
}

typedef struct {
    const unsigned char *data;
    size_t size, pos;
} mem_reader;

static void read_from_memory(png_structp png, png_bytep out, png_size_t n)
{
    mem_reader *r = (mem_reader *)png_get_io_ptr(png);
    if (n > r->size - r->pos)
        png_error(png, "file ends early (truncated)");
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
}

/* Decodes into *img (rgb malloc'd). Returns 0, or -1 with failure->message set. */
static int decode(png_structp png, png_infop info, mem_reader *src, rena_image *img,
                  png_failure *failure)
{
    unsigned char *volatile rgb = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rgb);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, src, read_from_memory);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
    /* libpng's own limits (set in rena_png_read) refuse larger sides; the
     * product is checked again here whatever the chunk walk saw */
    if (w == 0 || h == 0 || (uint64_t)w * h * 3 > RENA_PNG_MAX_RGB_BYTES) {
        snprintf(failure->message, sizeof failure->message, "unsupported size %ux%u",
                 (unsigned)w, (unsigned)h);
        return -1;
    }
    /* whatever comes in, RGB 8-bit comes out */
    if (depth == 16)
        png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    if (type & PNG_COLOR_MASK_ALPHA)
        png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 3) {
        snprintf(failure->message, sizeof failure->message, "cannot convert to 8-bit RGB");
        return -1;
    }
    rgb = malloc((size_t)w * h * 3);
    rows = malloc(sizeof(png_bytep) * h);
    if (!rgb || !rows) {
        free(rgb);
        free(rows);
        snprintf(failure->message, sizeof failure->message, "out of memory");
        return -1;
    }
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = rgb + (size_t)y * w * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    img->width = (int)w;
    img->height = (int)h;
    img->rgb = rgb;
    return 0;
}

rena_status rena_png_read(const char *path, rena_image *img, rena_error *err)
{
    if (!img)
        return rena_error_set(err, RENA_ERR_ARG, path ? path : "png", "no image to fill");
    memset(img, 0, sizeof *img);
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        free(data);
        return rena_error_set(err, RENA_ERR_FORMAT, path, "not a PNG file (bad signature)");
    }
    png_layout layout;
    if ((st = walk_chunks(path, data, size, &layout, err)) != RENA_OK ||
        (st = check_layout(path, &layout, err)) != RENA_OK) {
        free(data);
        return st;
    }
    png_failure failure = {""};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error,
                                             on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        free(data);
        return rena_error_set(err, RENA_ERR_NOMEM, path, "cannot create a PNG reader");
    }
    png_set_user_limits(png, RENA_PNG_MAX_SIDE, RENA_PNG_MAX_SIDE);
    png_set_chunk_malloc_max(png, RENA_PNG_MAX_CHUNK_BYTES);
    mem_reader src = {data, size, 0};
    int rc = decode(png, info, &src, img, &failure);
    png_destroy_read_struct(&png, &info, NULL);
    free(data);
    if (rc != 0)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "corrupt PNG: %s", failure.message);
    return RENA_OK;
}

void rena_image_free(rena_image *img)
{
    if (!img)
        return;
    free(img->rgb);
    img->rgb = NULL;
    img->width = img->height = 0;
}
