/* The files vision/ reads: dlib shape predictor files (missing, truncated,
 * foreign, and tiny ones written here in dlib's format with known contents)
 * and photos (PNG through core/image.h, JPEG through dlib's loader). The
 * photos come from python3-skimage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face_detect.h"
#include "image.h"
#include "testutil.h"

static const char *skimage_path(const char *file, char *buf, size_t size)
{
    const char *dir = getenv("RENA_SKIMAGE_DATA");
    snprintf(buf, size, "%s/%s", dir && *dir ? dir : "/usr/lib/python3/dist-packages/skimage/data",
             file);
    return buf;
}

static rena_image read_photo(const char *file)
{
    char path[1024], msg[1200];
    rena_error err;
    rena_image img;
    ck_assert_msg(rena_png_read(skimage_path(file, path, sizeof path), &img, &err) == RENA_OK,
                  "python3-skimage photo: %s", rena_error_format(&err, msg, sizeof msg));
    return img;
}

/* ---- predictor files ---------------------------------------------------- */

START_TEST(missing_predictor_names_the_path)
{
    char dir[512], path[1024];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/no_such_predictor.dat", dir);
    rena_face_detector *d = (rena_face_detector *)&d; /* must be reset to NULL */
    rena_error err;
    ck_assert_int_eq(rena_face_detector_open(path, &d, &err), RENA_ERR_NOT_FOUND);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.where, path);
    ck_assert_ptr_nonnull(strstr(err.message, "libdlib-data"));
}
END_TEST

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, size, f), size);
    ck_assert_int_eq(fclose(f), 0);
}

static rena_status open_status(const char *path, rena_error *err)
{
    rena_face_detector *d = NULL;
    rena_status st = rena_face_detector_open(path, &d, err);
    if (st != RENA_OK)
        ck_assert_ptr_null(d);
    rena_face_detector_close(d);
    return st;
}

START_TEST(truncated_or_foreign_predictor_is_format_error)
{
    char dir[512], path[1024];
    rena_test_tmpdir(dir, sizeof dir);
    rena_error err;

    /* the first 256 KiB of the real model */
    FILE *in = fopen(rena_face_default_predictor_path(), "rb");
    ck_assert_ptr_nonnull(in);
    size_t size = 256 * 1024;
    unsigned char *head = malloc(size);
    ck_assert_uint_eq(fread(head, 1, size, in), size);
    fclose(in);
    snprintf(path, sizeof path, "%s/truncated.dat", dir);
    write_file(path, head, size);
    free(head);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);
    ck_assert_str_eq(err.where, path);

    snprintf(path, sizeof path, "%s/text.dat", dir);
    write_file(path, "hello, not a model\n", 19);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);

    snprintf(path, sizeof path, "%s/empty.dat", dir);
    write_file(path, "", 0);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);
}
END_TEST

/* A tiny predictor in dlib's serialization format (dlib/serialize.h):
 * integers are a control byte (0x80 = negative, low nibble = byte count)
 * then the magnitude little-endian; a float is its integer mantissa then
 * exponent (value = mantissa * 2^exponent); a vector is its size then its
 * items; a column matrix is -rows, -1, then its items. */
typedef struct {
    int nparts;       /* landmarks in the mean shape */
    int ncascades;    /* each holds one depth-1 tree over two pixels */
    float thresh;     /* split threshold: -1000 always takes leaf 0, +1000 leaf 1 */
    int bad_split;    /* a split naming a pixel that does not exist */
    int nan_leaf;     /* a NaN in a leaf */
} tiny_model;

static void put_int(FILE *f, long long v)
{
    unsigned long long a = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
    unsigned char bytes[8];
    int n = 0;
    do {
        bytes[n++] = (unsigned char)(a & 0xFF);
        a >>= 8;
    } while (a);
    fputc((v < 0 ? 0x80 : 0) | n, f);
    fwrite(bytes, 1, (size_t)n, f);
}

static void put_float(FILE *f, float v)
{
    if (isnan(v)) {
        put_int(f, 0);
        put_int(f, 32002); /* dlib's float_details::is_nan */
        return;
    }
    int e;
    double m = frexp(v, &e);
    put_int(f, (long long)ldexp(m, 24));
    put_int(f, e - 24);
}

/* Mean-shape coordinates, exact in binary so the file holds them exactly. */
static float tiny_u(int i) { return (float)(8 + i % 48) / 64.0f; }
static float tiny_v(int i) { return (float)(8 + (i * 5) % 48) / 64.0f; }
static const float tiny_leaf[2] = {1.0f / 16.0f, -1.0f / 32.0f};

static void put_column(FILE *f, int n, float value, int with_nan)
{
    put_int(f, -n);
    put_int(f, -1);
    for (int i = 0; i < n; i++)
        put_float(f, with_nan && i == 3 ? NAN : value);
}

static void write_tiny_model(const char *path, const tiny_model *m)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    int nvalues = 2 * m->nparts;
    put_int(f, 1); /* version */
    put_int(f, -nvalues);
    put_int(f, -1);
    for (int i = 0; i < m->nparts; i++) {
        put_float(f, tiny_u(i));
        put_float(f, tiny_v(i));
    }
    put_int(f, m->ncascades); /* forests */
    for (int c = 0; c < m->ncascades; c++) {
        put_int(f, 1); /* one tree */
        put_int(f, 1); /* one split */
        put_int(f, 0);
        put_int(f, m->bad_split ? 2 : 1);
        put_float(f, m->thresh);
        put_int(f, 2); /* two leaves */
        put_column(f, nvalues, tiny_leaf[0], m->nan_leaf);
        put_column(f, nvalues, tiny_leaf[1], 0);
    }
    put_int(f, m->ncascades); /* anchor_idx: two pixels per cascade */
    for (int c = 0; c < m->ncascades; c++) {
        put_int(f, 2);
        put_int(f, 0);
        put_int(f, m->nparts - 1);
    }
    put_int(f, m->ncascades); /* deltas: the pixels sit on their anchors */
    for (int c = 0; c < m->ncascades; c++) {
        put_int(f, 2);
        for (int k = 0; k < 4; k++)
            put_float(f, 0.0f);
    }
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(predictor_of_wrong_shape_or_values_is_refused)
{
    char dir[512], path[1024];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tiny.dat", dir);
    rena_error err;

    tiny_model five = {5, 1, -1000.0f, 0, 0};
    write_tiny_model(path, &five);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "68-point"));

    tiny_model bad_split = {68, 2, -1000.0f, 1, 0};
    write_tiny_model(path, &bad_split);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "split"));

    tiny_model nan_leaf = {68, 2, -1000.0f, 0, 1};
    write_tiny_model(path, &nan_leaf);
    ck_assert_int_eq(open_status(path, &err), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "leaf"));
}
END_TEST

/* The cascade adds the chosen leaf of every tree to the mean shape, and
 * (0,0)-(1,1) of the shape space are the centres of the box's first and last
 * pixels. Leaf 0 is checked through the detector's box, leaf 1 through a
 * caller's box that is not square. */
START_TEST(tiny_predictor_gives_mean_shape_plus_leaves)
{
    char dir[512], path[1024], msg[1200];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tiny.dat", dir);
    rena_image photo = read_photo("astronaut.png");
    for (int leaf = 0; leaf < 2; leaf++) {
        tiny_model m = {68, 3, leaf == 0 ? -1000.0f : 1000.0f, 0, 0};
        write_tiny_model(path, &m);
        rena_face_detector *d = NULL;
        rena_error err;
        ck_assert_msg(rena_face_detector_open(path, &d, &err) == RENA_OK, "%s",
                      rena_error_format(&err, msg, sizeof msg));
        rena_face_landmarks f;
        if (leaf == 0) {
            int n = 0;
            ck_assert_int_eq(rena_face_detect(d, &photo, &f, 1, &n, NULL, &err), RENA_OK);
            ck_assert_int_eq(n, 1);
        } else {
            f.x = 100.0f;
            f.y = 40.0f;
            f.width = 64.0f;
            f.height = 48.0f;
            ck_assert_int_eq(rena_face_fit_landmarks(d, &photo, &f, NULL, &err), RENA_OK);
        }
        rena_face_detector_close(d);
        for (int i = 0; i < RENA_NUM_LANDMARKS; i++) {
            float u = tiny_u(i) + (float)m.ncascades * tiny_leaf[leaf];
            float v = tiny_v(i) + (float)m.ncascades * tiny_leaf[leaf];
            ck_assert_float_eq_tol(f.landmarks[i][0], f.x + 0.5f + u * (f.width - 1.0f), 1e-3f);
            ck_assert_float_eq_tol(f.landmarks[i][1], f.y + 0.5f + v * (f.height - 1.0f), 1e-3f);
        }
    }
    rena_image_free(&photo);
}
END_TEST

/* ---- photo files -------------------------------------------------------- */

/* Width and height from a JPEG's start-of-frame marker, read independently
 * of libjpeg. */
static void jpeg_size(const char *path, int *width, int *height)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char b[4];
    ck_assert_uint_eq(fread(b, 1, 2, f), 2);
    ck_assert(b[0] == 0xFF && b[1] == 0xD8);
    for (;;) {
        ck_assert_uint_eq(fread(b, 1, 4, f), 4);
        ck_assert_uint_eq(b[0], 0xFF);
        int len = (b[2] << 8) | b[3];
        if (b[1] >= 0xC0 && b[1] <= 0xC3) {
            unsigned char sof[5];
            ck_assert_uint_eq(fread(sof, 1, 5, f), 5);
            *height = (sof[1] << 8) | sof[2];
            *width = (sof[3] << 8) | sof[4];
            break;
        }
        ck_assert_int_eq(fseek(f, len - 2, SEEK_CUR), 0);
    }
    fclose(f);
}

START_TEST(photos_read_as_png_or_jpeg)
{
    char path[1024], dir[512];
    rena_error err;
    rena_image img, png = read_photo("astronaut.png");

    ck_assert_int_eq(rena_face_image_read(skimage_path("astronaut.png", path, sizeof path), &img,
                                          &err),
                     RENA_OK);
    ck_assert_int_eq(img.width, png.width);
    ck_assert_int_eq(img.height, png.height);
    ck_assert_mem_eq(img.rgb, png.rgb, (size_t)img.width * img.height * 3);
    rena_image_free(&img);
    rena_image_free(&png);

    int w = 0, h = 0;
    skimage_path("rocket.jpg", path, sizeof path);
    jpeg_size(path, &w, &h);
    ck_assert_int_eq(rena_face_image_read(path, &img, &err), RENA_OK);
    ck_assert_int_eq(img.width, w);
    ck_assert_int_eq(img.height, h);
    long sum = 0;
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        sum += img.rgb[i];
    ck_assert(sum > 0); /* pixels were decoded, not left blank */
    rena_image_free(&img);

    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/photo.gif", dir);
    write_file(path, "GIF89a......", 12);
    ck_assert_int_eq(rena_face_image_read(path, &img, &err), RENA_ERR_FORMAT);
    ck_assert_str_eq(err.where, path);
    ck_assert_ptr_null(img.rgb);

    snprintf(path, sizeof path, "%s/missing.jpg", dir);
    ck_assert_int_eq(rena_face_image_read(path, &img, &err), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(err.where, path);
}
END_TEST

static Suite *vision_files_suite(void)
{
    Suite *s = suite_create("vision_files");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, missing_predictor_names_the_path);
    tcase_add_test(tc, truncated_or_foreign_predictor_is_format_error);
    tcase_add_test(tc, predictor_of_wrong_shape_or_values_is_refused);
    tcase_add_test(tc, tiny_predictor_gives_mean_shape_plus_leaves);
    tcase_add_test(tc, photos_read_as_png_or_jpeg);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return rena_test_run(vision_files_suite());
}
