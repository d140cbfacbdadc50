/* `rena view` as a user runs it under Xvfb: the screenshot shows the face
 * (size, not blank, skin in the face region), changes with what the face is
 * told to do, shows the target beside the robot in the mimic loop,
 * refuses photos as input with a pointer to `rena mimic --image`, and
 * without a display the command fails cleanly with exit code 1. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "atomicfile.h"
#include "image.h"
#include "modelfile.h"
#include "testutil.h"

#define WIDTH 1280 /* the window rena view opens */
#define HEIGHT 520
#define XVFB "xvfb-run -a -s '-screen 0 1600x900x24' "

static char dir[512];
static char output[1 << 16];

#define sh(...) rena_test_shell(output, sizeof output, __VA_ARGS__)

static int have_xvfb(void)
{
    static int known = -1;
    if (known < 0) {
        known = system("command -v xvfb-run >/dev/null 2>&1") == 0;
        if (!known)
            fprintf(stderr, "test_apps_view: xvfb-run is not installed (apt-get install xvfb "
                            "xauth): the on-screen tests are skipped\n");
    }
    return known;
}

static void setup(void) { rena_test_tmpdir(dir, sizeof dir); }
static void teardown(void) { rena_remove_tree(dir); }

/* Runs `rena view ARGS --screenshot NAME.png --frames N` under Xvfb and
 * reads the picture. */
static void screenshot(const char *name, int frames, const char *args, rena_image *img)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    int rc = sh(XVFB "\"$R\" view %s --screenshot %s --frames %d", args, path, frames);
    ck_assert_msg(rc == 0, "rena view %s failed (%d):\n%s", args, rc, output);
    ck_assert_msg(strstr(output, "wrote"), "no summary line:\n%s", output);
    rena_error err;
    ck_assert_msg(rena_png_read(path, img, &err) == RENA_OK, "%s: %s", path, err.message);
}

typedef struct {
    int x0, y0, x1, y1; /* pixels, top-left origin, x1/y1 excluded */
} region;

/* The left pane's middle, where the robot's face sits. */
static const region face_region = {WIDTH / 8, HEIGHT / 5, WIDTH * 3 / 8, HEIGHT * 3 / 5};
/* The right pane's middle, where a target face sits. */
static const region target_region = {WIDTH * 5 / 8, HEIGHT / 5, WIDTH * 7 / 8, HEIGHT * 3 / 5};

static const unsigned char *pixel(const rena_image *img, int x, int y)
{
    return img->rgb + ((size_t)y * img->width + x) * 3;
}

/* Skin: red over green over blue, warm (the scene's grey-blue background
 * has more blue than red). Holds for the light and the dark performers. */
static int is_skin(const unsigned char *p)
{
    return p[0] > 90 && p[0] > p[1] + 10 && p[1] > p[2] && p[0] - p[2] > 35;
}

static double skin_share(const rena_image *img, region r)
{
    long skin = 0, all = 0;
    for (int y = r.y0; y < r.y1; y++)
        for (int x = r.x0; x < r.x1; x++, all++)
            skin += is_skin(pixel(img, x, y));
    return (double)skin / (double)all;
}

static double differing_share(const rena_image *a, const rena_image *b, region r)
{
    long diff = 0, all = 0;
    for (int y = r.y0; y < r.y1; y++)
        for (int x = r.x0; x < r.x1; x++, all++) {
            const unsigned char *p = pixel(a, x, y), *q = pixel(b, x, y);
            diff += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]) > 24;
        }
    return (double)diff / (double)all;
}

/* Standard deviation of the luminance over the whole picture. */
static double luminance_sd(const rena_image *img)
{
    double sum = 0, sum2 = 0, n = (double)img->width * img->height;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            const unsigned char *p = pixel(img, x, y);
            double l = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
            sum += l;
            sum2 += l * l;
        }
    double mean = sum / n;
    return sqrt(sum2 / n - mean * mean);
}

static void check_face_picture(const rena_image *img)
{
    ck_assert_int_eq(img->width, WIDTH);
    ck_assert_int_eq(img->height, HEIGHT);
    double sd = luminance_sd(img);
    ck_assert_msg(sd > 10.0, "the picture is blank (luminance sd %.2f)", sd);
    double skin = skin_share(img, face_region);
    ck_assert_msg(skin > 0.3, "only %.1f%% of the face region is skin-coloured", 100 * skin);
}

START_TEST(test_no_display_is_a_clean_error)
{
    char png[700];
    snprintf(png, sizeof png, "%s/none.png", dir);
    int rc = sh("env -u DISPLAY -u WAYLAND_DISPLAY \"$R\" view --screenshot %s", png);
    ck_assert_msg(rc == 1, "exit %d, want 1:\n%s", rc, output);
    ck_assert_msg(strstr(output, "no display: run under xvfb-run or set DISPLAY"), "%s", output);
    struct stat st;
    ck_assert_msg(stat(png, &st) != 0, "a screenshot was written without a display");
    rc = sh("DISPLAY= \"$R\" view --frames 1");
    ck_assert_msg(rc == 1 && strstr(output, "no display"), "empty DISPLAY: %d\n%s", rc, output);
}
END_TEST

START_TEST(test_usage_errors)
{
    ck_assert_int_eq(sh("\"$R\" view --input performer:happiness"), 2);
    ck_assert_msg(strstr(output, "--input needs --model"), "%s", output);
    ck_assert_int_eq(sh("\"$R\" view --frames 0"), 2);
    ck_assert_int_eq(sh("\"$R\" view --target sideways"), 2);
    ck_assert_int_eq(sh("\"$R\" view --help"), 0);
    ck_assert_msg(strstr(output, "--screenshot"), "%s", output);
}
END_TEST

START_TEST(test_screenshot_shows_the_face)
{
    if (!have_xvfb())
        return;
    rena_image expert;
    screenshot("expert", 5, "--seed 1", &expert);
    check_face_picture(&expert);
    ck_assert_msg(strstr(output, "5 frames (expert samples)"), "%s", output);
    if (rena_test_sanitized()) {
        fprintf(stderr, "test_apps_view: sanitized build: one expert screenshot only\n");
        rena_image_free(&expert);
        return;
    }
    /* the same face told something else: neutral, another expert sample */
    rena_image neutral, other;
    screenshot("neutral", 5, "--neutral", &neutral);
    check_face_picture(&neutral);
    screenshot("seed2", 5, "--seed 2", &other);
    double d1 = differing_share(&expert, &neutral, face_region);
    double d2 = differing_share(&expert, &other, face_region);
    ck_assert_msg(d1 > 0.05, "expert sample and neutral look alike (%.2f%% differ)", 100 * d1);
    ck_assert_msg(d2 > 0.05, "two expert samples look alike (%.2f%% differ)", 100 * d2);
    /* and the same run twice is the same picture (nothing random on screen
     * but the frame rate, which sits outside the face region) */
    rena_image again;
    screenshot("again", 5, "--seed 1", &again);
    ck_assert_msg(differing_share(&expert, &again, face_region) < 0.001,
                  "the same run gave another face");
    rena_image_free(&expert);
    rena_image_free(&neutral);
    rena_image_free(&other);
    rena_image_free(&again);
}
END_TEST

static void make_model(const char *path)
{
    rena_model_hparams hp;
    rena_model_hparams_default(RENA_ARCH_MLP, &hp);
    rena_model *m = NULL;
    rena_error err;
    ck_assert_msg(rena_model_create(&hp, 11, &m, &err) == RENA_OK, "%s", err.message);
    ck_assert_msg(rena_model_save(m, path, &err) == RENA_OK, "%s", err.message);
    rena_model_free(m);
}

/* The target pane: ben seen through his camera (an EGL render in the same
 * process as the window's GLX context), then ana as a live face. */
START_TEST(test_mimic_shows_the_target_beside_the_robot)
{
    if (!have_xvfb())
        return;
    char model[700], args[1000];
    snprintf(model, sizeof model, "%s/m.rena", dir);
    make_model(model);
    rena_image ana, ben;
    snprintf(args, sizeof args,
             "--model %s --input performer:ben/surprise --target camera --filter oneeuro", model);
    screenshot("ben", 3, args, &ben);
    ck_assert_msg(strstr(output, "3 frames (mimic loop)"), "%s", output);
    check_face_picture(&ben);
    double skin = skin_share(&ben, target_region);
    ck_assert_msg(skin > 0.3, "no performer image on the right (%.1f%% skin)", 100 * skin);
    if (rena_test_sanitized()) {
        fprintf(stderr, "test_apps_view: sanitized build: one mimic screenshot only\n");
        rena_image_free(&ben);
        return;
    }
    snprintf(args, sizeof args, "--model %s --input performer:ana/surprise --landmarks", model);
    screenshot("ana", 3, args, &ana);
    check_face_picture(&ana);
    skin = skin_share(&ana, target_region);
    ck_assert_msg(skin > 0.3, "no performer face on the right (%.1f%% skin)", 100 * skin);
    double d = differing_share(&ana, &ben, target_region);
    ck_assert_msg(d > 0.2, "performers ana and ben look alike (%.1f%% differ)", 100 * d);
    rena_image_free(&ana);
    rena_image_free(&ben);
}
END_TEST

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp && fwrite(bytes, 1, n, fp) == n && fclose(fp) == 0, "cannot write %s", path);
}

/* `rena view --input photo.png` is refused with a pointer to `rena mimic
 * --image` (by extension, any case, or by PNG/JPEG magic bytes), before
 * any frame is drawn; a text file named .csv still goes to the CSV reader. */
START_TEST(test_photo_input_is_refused)
{
    if (!have_xvfb())
        return;
    char model[700], path[700], shot[700];
    snprintf(model, sizeof model, "%s/m.rena", dir);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    make_model(model);
    unsigned char rgb[4 * 4 * 3];
    memset(rgb, 200, sizeof rgb);
    rena_image img = {4, 4, rgb};
    rena_error err;
    snprintf(path, sizeof path, "%s/photo.png", dir);
    ck_assert_msg(rena_png_write(path, &img, &err) == RENA_OK, "%s", err.message);
    const char *jpeg_named = "PHOTO.JPEG", *disguised = "photo.csv";
    static const unsigned char jpeg_head[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'};
    char named[700], hidden[700];
    snprintf(named, sizeof named, "%s/%s", dir, jpeg_named);
    write_bytes(named, "not really a jpeg\n", 18);
    snprintf(hidden, sizeof hidden, "%s/%s", dir, disguised);
    write_bytes(hidden, jpeg_head, sizeof jpeg_head);
    const char *photos[] = {path, named, hidden};
    for (int k = 0; k < 3; k++) {
        int rc = sh(XVFB "\"$R\" view --model %s --input %s --frames 1 --screenshot %s", model,
                    photos[k], shot);
        ck_assert_msg(rc == 2, "%s: exit %d, not 2 (usage):\n%s", photos[k], rc, output);
        char want[1600];
        snprintf(want, sizeof want,
                 "%s is a photo: rena view takes blendshape streams (CSV, JSONL, performer:NAME); "
                 "for photos use rena mimic --image %s",
                 photos[k], photos[k]);
        ck_assert_msg(strstr(output, want), "%s: no clear refusal:\n%s", photos[k], output);
        ck_assert_msg(!strstr(output, "header"), "%s: read as a CSV:\n%s", photos[k], output);
        struct stat st;
        ck_assert_msg(stat(shot, &st) != 0, "%s: a screenshot was written", photos[k]);
    }
    /* a CSV that is not a photo reaches the CSV reader and its own error */
    snprintf(path, sizeof path, "%s/clip.csv", dir);
    write_bytes(path, "not,a,blendshape,header\n", 24);
    int rc = sh(XVFB "\"$R\" view --model %s --input %s --frames 1", model, path);
    ck_assert_msg(rc != 0 && strstr(output, "header") && !strstr(output, "is a photo"),
                  "clip.csv: exit %d:\n%s", rc, output);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("apps_view");
    TCase *tc = tcase_create("view");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_no_display_is_a_clean_error);
    tcase_add_test(tc, test_usage_errors);
    tcase_add_test(tc, test_screenshot_shows_the_face);
    tcase_add_test(tc, test_mimic_shows_the_target_beside_the_robot);
    tcase_add_test(tc, test_photo_input_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return rena_test_run(suite()); }
