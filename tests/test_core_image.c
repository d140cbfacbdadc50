/* core/image: PNG round trips and refusal of broken files. */
#include <dirent.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "atomicfile.h"
#include "image.h"
#include "rng.h"
#include "testutil.h"

static rena_image random_image(int w, int h, uint64_t seed)
{
    rena_image img = {w, h, malloc((size_t)w * h * 3)};
    ck_assert_ptr_nonnull(img.rgb);
    rena_rng rng;
    rena_rng_init(&rng, seed, 0);
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        img.rgb[i] = (unsigned char)rena_rng_below(&rng, 256);
    return img;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

START_TEST(round_trip_is_exact)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a.png", dir);
    int sizes[][2] = {{1, 1}, {7, 3}, {64, 48}, {333, 17}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        rena_image img = random_image(sizes[s][0], sizes[s][1], s), back;
        ck_assert_int_eq(rena_png_write(path, &img, NULL), RENA_OK);
        ck_assert_int_eq(rena_png_read(path, &back, NULL), RENA_OK);
        ck_assert_int_eq(back.width, img.width);
        ck_assert_int_eq(back.height, img.height);
        ck_assert_mem_eq(back.rgb, img.rgb, (size_t)img.width * img.height * 3);
        rena_image_free(&back);
        rena_image_free(&img);
    }
    /* written atomically: nothing but the final file is left behind */
    ck_assert_int_eq(count_entries(dir), 1);
    rena_remove_tree(dir);
}
END_TEST

/* A grey+alpha PNG made with libpng directly comes back as RGB, alpha dropped. */
START_TEST(other_colour_types_are_expanded_to_rgb)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/grey.png", dir);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, fp);
    png_set_IHDR(png, info, 4, 2, 8, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char row[8];
    for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 4; x++)
            row[2 * x] = (unsigned char)(40 * x + y), row[2 * x + 1] = 128;
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(fp);
    rena_image img;
    ck_assert_int_eq(rena_png_read(path, &img, NULL), RENA_OK);
    ck_assert_int_eq(img.width, 4);
    ck_assert_int_eq(img.height, 2);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 4; x++)
            for (int c = 0; c < 3; c++)
                ck_assert_int_eq(img.rgb[(y * 4 + x) * 3 + c], 40 * x + y);
    rena_image_free(&img);
    rena_remove_tree(dir);
}
END_TEST

START_TEST(broken_files_are_refused_naming_the_file)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/face.png", dir);
    rena_image img = random_image(40, 30, 9), back;
    ck_assert_int_eq(rena_png_write(path, &img, NULL), RENA_OK);
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(path, &data, &size, NULL), RENA_OK);
    rena_error e;

    /* truncated in the middle of the pixel data */
    ck_assert_int_eq(rena_atomic_write(path, data, size / 2, NULL), RENA_OK);
    ck_assert_int_eq(rena_png_read(path, &back, &e), RENA_ERR_FORMAT);
    ck_assert_str_eq(e.where, path);
    ck_assert_ptr_null(back.rgb);

    /* a flipped byte in the compressed data fails its CRC */
    data[size - 20] ^= 0x5a;
    ck_assert_int_eq(rena_atomic_write(path, data, size, NULL), RENA_OK);
    ck_assert_int_eq(rena_png_read(path, &back, &e), RENA_ERR_FORMAT);
    ck_assert_str_eq(e.where, path);

    /* not a PNG at all */
    ck_assert_int_eq(rena_atomic_write(path, "hello, world", 12, NULL), RENA_OK);
    ck_assert_int_eq(rena_png_read(path, &back, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "signature"));

    snprintf(path, sizeof path, "%s/none.png", dir);
    ck_assert_int_ne(rena_png_read(path, &back, &e), RENA_OK);
    ck_assert_str_eq(e.where, path);

    /* writing into a folder that does not exist fails cleanly */
    snprintf(path, sizeof path, "%s/no/such/dir/x.png", dir);
    ck_assert_int_eq(rena_png_write(path, &img, &e), RENA_ERR_IO);
    rena_image empty = {0, 0, NULL};
    ck_assert_int_eq(rena_png_write(path, &empty, &e), RENA_ERR_ARG);
    free(data);
    rena_image_free(&img);
    rena_remove_tree(dir);
}
END_TEST

static void put_be32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

/* Rewrites the IHDR (always the first chunk) of a PNG in memory to claim
 * w x h pixels, with a matching CRC so only the size is wrong. */
static void claim_size(unsigned char *png, uint32_t w, uint32_t h)
{
    ck_assert(!memcmp(png + 12, "IHDR", 4));
    put_be32(png + 16, w);
    put_be32(png + 20, h);
    put_be32(png + 29, (uint32_t)crc32(0L, png + 12, 17));
}

static void assert_refused(const char *path, const char *fragment)
{
    rena_image back;
    rena_error e;
    rena_error_clear(&e);
    rena_status st = rena_png_read(path, &back, &e);
    ck_assert_msg(st == RENA_ERR_FORMAT, "%s: got %s: %s", path, rena_status_str(st), e.message);
    ck_assert_str_eq(e.where, path);
    ck_assert_msg(strstr(e.message, fragment), "message '%s' lacks '%s'", e.message, fragment);
    ck_assert_ptr_null(back.rgb);
}

/* Tiny files that once made rena allocate gigabytes
 * (tests/fuzz/regressions/png/): refused from their layout, before libpng or
 * rena allocates what they announce. */
START_TEST(sizes_a_file_cannot_hold_are_refused_before_allocating)
{
    char path[512], dir[256];
    rena_test_source_path("tests/fuzz/regressions/png/ztxt_announcing_1400mb.png", path,
                          sizeof path);
    assert_refused(path, "announces");
    rena_test_source_path("tests/fuzz/regressions/png/ihdr_65535x65535_68_bytes.png", path,
                          sizeof path);
    assert_refused(path, "too large");

    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/face.png", dir);
    rena_image img = random_image(40, 30, 3);
    ck_assert_int_eq(rena_png_write(path, &img, NULL), RENA_OK);
    rena_image_free(&img);
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(path, &data, &size, NULL), RENA_OK);
    /* within every limit, but ~3.6 KB of compressed pixels cannot inflate to 4000x3000 */
    claim_size(data, 4000, 3000);
    ck_assert_int_eq(rena_atomic_write(path, data, size, NULL), RENA_OK);
    assert_refused(path, "cannot hold");
    /* sides within libpng's limit, but more RGB bytes than RENA_PNG_MAX_RGB_BYTES */
    uint32_t side = RENA_PNG_MAX_SIDE;
    ck_assert_uint_gt((uint64_t)side * side * 3, RENA_PNG_MAX_RGB_BYTES);
    claim_size(data, side, side);
    ck_assert_int_eq(rena_atomic_write(path, data, size, NULL), RENA_OK);
    assert_refused(path, "too large");
    claim_size(data, side + 1, 1);
    ck_assert_int_eq(rena_atomic_write(path, data, size, NULL), RENA_OK);
    assert_refused(path, "too large");
    /* a chunk whose length runs past the end of the file */
    claim_size(data, 40, 30);
    put_be32(data + 8, 0x7fffff00u);
    ck_assert_int_eq(rena_atomic_write(path, data, size, NULL), RENA_OK);
    assert_refused(path, "announces");
    free(data);
    rena_remove_tree(dir);
}
END_TEST

/* The compressed-size bound is not too tight: a 1-bit grey image of zeros,
 * compressed as hard as zlib can (near deflate's 1032:1), still reads. */
START_TEST(highly_compressed_images_still_read)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/black.png", dir);
    const int w = 2048, h = 2048;
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, fp);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, w, h, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char row[2048 / 8] = {0};
    for (int y = 0; y < h; y++)
        png_write_row(png, row);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    ck_assert_int_eq(fclose(fp), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    /* the point of the test: pixel bytes / file bytes close to the bound */
    ck_assert_int_gt((long)w * h / 8 / st.st_size, 500);
    rena_image img;
    rena_error e;
    ck_assert_msg(rena_png_read(path, &img, &e) == RENA_OK, "%s", e.message);
    ck_assert_int_eq(img.width, w);
    ck_assert_int_eq(img.height, h);
    ck_assert_int_eq(img.rgb[(size_t)w * h * 3 - 1], 0);
    rena_image_free(&img);
    rena_remove_tree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_image");
    TCase *tc = tcase_create("png");
    tcase_add_test(tc, round_trip_is_exact);
    tcase_add_test(tc, other_colour_types_are_expanded_to_rgb);
    tcase_add_test(tc, broken_files_are_refused_naming_the_file);
    tcase_add_test(tc, sizes_a_file_cannot_hold_are_refused_before_allocating);
    tcase_add_test(tc, highly_compressed_images_still_read);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
