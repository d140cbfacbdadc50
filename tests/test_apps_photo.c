/* `rena mimic --image` on real photos (apps/photo_mimic.h): the output a
 * user looks at (side-by-side PNG, commands.csv), photos without a face,
 * broken files, and the blendshape estimator on a real smile. Photos come
 * from Debian packages (docs/vision.md): python3-skimage's astronaut.png and
 * libdlib19.1's John Simm neutral/smiling pair. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "image.h"
#include "model.h"
#include "modelfile.h"
#include "photo_mimic.h"
#include "sim.h"
#include "testutil.h"

static char root[512];      /* model and scratch photos, shared by every test */
static char model_path[600];
static char output[1 << 16];
static char astronaut[1024], neutral_jpg[1024], smiling_jpg[1024];

/* Runs `sh -c`, "$R" being the binary; stdout+stderr go to output. */
#define sh(...) rena_test_shell(output, sizeof output, __VA_ARGS__)

static int exists(const char *path) { return access(path, R_OK) == 0; }

static void find_photos(void)
{
    const char *sk = getenv("RENA_SKIMAGE_DATA"), *dl = getenv("RENA_DLIB_EXAMPLES");
    snprintf(astronaut, sizeof astronaut, "%s/astronaut.png",
             sk && *sk ? sk : "/usr/lib/python3/dist-packages/skimage/data");
    const char *johns = dl && *dl ? dl : "/usr/share/doc/libdlib19.1/examples";
    snprintf(neutral_jpg, sizeof neutral_jpg, "%s/johns/John_Simm/000306_00470223.jpg", johns);
    snprintf(smiling_jpg, sizeof smiling_jpg, "%s/johns/John_Simm/000305_00470717.jpg", johns);
}

/* The photos or dlib's model missing: say so and skip (returns 1). */
static int missing(const char *photo)
{
    const char *model = rena_face_default_predictor_path();
    const char *gone = !exists(model) ? model : photo && !exists(photo) ? photo : NULL;
    if (gone)
        fprintf(stderr, "SKIP: %s is absent (install libdlib-data, libdlib-dev and "
                        "python3-skimage)\n", gone);
    return gone != NULL;
}

/* An untrained model is enough for the plumbing: its commands are as
 * finite and bounded as a trained one's. */
static void setup(void)
{
    find_photos();
    rena_test_tmpdir(root, sizeof root);
    snprintf(model_path, sizeof model_path, "%s/model.rena", root);
    rena_model_hparams hp;
    rena_model_hparams_default(RENA_ARCH_MLP, &hp);
    rena_model *m = NULL;
    rena_error err;
    if (rena_model_create(&hp, 7, &m, &err) != RENA_OK || rena_model_save(m, model_path, &err))
        abort();
    rena_model_free(m);
}

static void teardown(void) { rena_remove_tree(root); }

static void write_grey_png(const char *path)
{
    rena_image img = {200, 200, malloc(200 * 200 * 3)};
    ck_assert_ptr_nonnull(img.rgb);
    memset(img.rgb, 128, 200 * 200 * 3);
    ck_assert(rena_png_write(path, &img, NULL) == RENA_OK);
    rena_image_free(&img);
}

static void image_size(const char *path, int *w, int *h)
{
    rena_image img;
    rena_error err;
    ck_assert_msg(rena_face_image_read(path, &img, &err) == RENA_OK, "cannot read %s: %s", path,
                  err.message);
    *w = img.width, *h = img.height;
    rena_image_free(&img);
}

/* Rows of commands.csv after the header; row `want` (0-based) parsed into
 * its name and 25 commands. Returns the number of rows. */
static int read_csv_row(const char *path, int want, char *name, size_t name_size,
                        float cmd[RENA_NUM_SERVOS])
{
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp, "no %s", path);
    char line[8192];
    ck_assert(fgets(line, sizeof line, fp));
    ck_assert_msg(!strncmp(line, "photo,", 6), "header: %s", line);
    int rows = 0;
    while (fgets(line, sizeof line, fp)) {
        if (rows++ != want)
            continue;
        char *save = NULL, *tok = strtok_r(line, ",", &save);
        snprintf(name, name_size, "%s", tok);
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            tok = strtok_r(NULL, ",", &save);
            ck_assert_ptr_nonnull(tok);
            cmd[i] = strtof(tok, NULL);
            ck_assert_msg(cmd[i] >= 0.0f && cmd[i] <= 1.0f, "command %d = %s", i, tok);
        }
        for (int k = 0; k < 3; k++) { /* detector, landmark, model milliseconds */
            tok = strtok_r(NULL, ",\n", &save);
            ck_assert_ptr_nonnull(tok);
            ck_assert(strtod(tok, NULL) >= 0.0);
        }
    }
    fclose(fp);
    return rows;
}

START_TEST(test_no_face_and_bad_files)
{
    if (missing(NULL))
        return;
    char grey[1200], folder[700], junk[1200];
    snprintf(folder, sizeof folder, "%s/greys", root);
    ck_assert_int_eq(mkdir(folder, 0777), 0);
    snprintf(grey, sizeof grey, "%s/flat_grey.png", folder);
    write_grey_png(grey);

    int rc = sh("\"$R\" mimic --model %s --image %s --out %s/o1", model_path, grey, root);
    ck_assert_msg(rc != 0, "a photo without a face succeeded:\n%s", output);
    ck_assert_msg(strstr(output, "flat_grey.png") && strstr(output, "no face"), "%s", output);
    snprintf(junk, sizeof junk, "%s/o1", root);
    ck_assert_msg(!exists(junk), "an output folder was left after the failure");

    /* a folder where no photo has a face */
    rc = sh("\"$R\" mimic --model %s --image %s --out %s/o2", model_path, folder, root);
    ck_assert_msg(rc != 0 && strstr(output, "flat_grey.png"), "rc %d:\n%s", rc, output);

    /* a neutral photo without a face */
    rc = sh("\"$R\" mimic --model %s --image %s --neutral-image %s", model_path, grey, grey);
    ck_assert_msg(rc != 0 && strstr(output, "flat_grey.png") && strstr(output, "neutral"),
                  "rc %d:\n%s", rc, output);

    /* missing and corrupt photos are named */
    rc = sh("\"$R\" mimic --model %s --image %s/nowhere.jpg", model_path, root);
    ck_assert_msg(rc != 0 && strstr(output, "nowhere.jpg"), "rc %d:\n%s", rc, output);
    snprintf(junk, sizeof junk, "%s/broken.png", root);
    ck_assert(rena_atomic_write(junk, "\x89PNG\r\n\x1a\nnot really", 18, NULL) == RENA_OK);
    rc = sh("\"$R\" mimic --model %s --image %s", model_path, junk);
    ck_assert_msg(rc != 0 && strstr(output, "broken.png"), "rc %d:\n%s", rc, output);

    /* options that do not go together */
    ck_assert_int_eq(sh("\"$R\" mimic --model %s --image %s --input x.csv", model_path, grey), 2);
    ck_assert_int_eq(sh("\"$R\" mimic --model %s --input x.csv --neutral-image %s", model_path,
                        grey), 2);
}
END_TEST

START_TEST(test_astronaut_side_by_side)
{
    if (missing(astronaut))
        return;
    char folder[700], grey[1200], out[700], pic[1200], csv[1200], name[256];
    snprintf(folder, sizeof folder, "%s/mixed", root);
    ck_assert_int_eq(mkdir(folder, 0777), 0);
    snprintf(grey, sizeof grey, "%s/b_grey.png", folder);
    write_grey_png(grey);
    snprintf(pic, sizeof pic, "%s/a_astronaut.png", folder);
    ck_assert_int_eq(symlink(astronaut, pic), 0);
    snprintf(out, sizeof out, "%s/out", root);

    /* a folder: the photo without a face is skipped with a warning */
    int rc = sh("\"$R\" mimic --model %s --image %s --out %s", model_path, folder, out);
    ck_assert_msg(rc == 0, "rc %d:\n%s", rc, output);
    ck_assert_msg(strstr(output, "warning") && strstr(output, "b_grey.png"), "%s", output);
    ck_assert_msg(strstr(output, "detector") && strstr(output, "landmarks"), "%s", output);

    int pw, ph, w, h;
    image_size(astronaut, &pw, &ph);
    snprintf(pic, sizeof pic, "%s/a_astronaut.png", out);
    image_size(pic, &w, &h);
    rena_sim_options so;
    rena_sim_options_default(&so);
    int rw = so.width ? so.width : 640, rh = so.height ? so.height : 480;
    ck_assert_int_eq(h, rh);
    ck_assert_int_eq(w, (int)lround((double)pw * rh / ph) + rw);
    snprintf(pic, sizeof pic, "%s/b_grey.png", out);
    ck_assert_msg(!exists(pic), "a picture was written for the photo without a face");

    float cmd[RENA_NUM_SERVOS];
    snprintf(csv, sizeof csv, "%s/commands.csv", out);
    ck_assert_int_eq(read_csv_row(csv, 0, name, sizeof name, cmd), 1);
    ck_assert_str_eq(name, "a_astronaut.png");
}
END_TEST

/* The estimator on real faces: calibrated on John Simm's neutral photo, his
 * smile reads as a smile and his neutral face as nothing at all. */
START_TEST(test_smile_reads_as_smile)
{
    if (missing(neutral_jpg) || missing(smiling_jpg))
        return;
    rena_error err;
    rena_actuator sim;
    rena_sim_options so;
    rena_sim_options_default(&so);
    so.render = 0;
    ck_assert_msg(rena_sim_open(&so, &sim, &err) == RENA_OK, "%s", err.message);
    rena_perception_calib sim_calib, calib;
    ck_assert(rena_sim_perception_calib(&sim, &sim_calib, &err) == RENA_OK);
    rena_actuator_close(&sim);
    rena_face_detector *d;
    ck_assert_msg(rena_face_detector_open(NULL, &d, &err) == RENA_OK, "%s", err.message);
    ck_assert_msg(rena_photo_calib_from_photo(d, &sim_calib, neutral_jpg, &calib, &err) == RENA_OK,
                  "%s", err.message);

    rena_photo_result neutral, smiling;
    ck_assert(rena_photo_perceive_file(d, &calib, neutral_jpg, &neutral, &err) == RENA_OK);
    ck_assert(rena_photo_perceive_file(d, &calib, smiling_jpg, &smiling, &err) == RENA_OK);
    ck_assert(neutral.found && smiling.found);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        ck_assert_msg(neutral.features.blendshapes[k] == 0.0f, "%s = %g on its own neutral",
                      rena_blendshape_names[k], (double)neutral.features.blendshapes[k]);
        float v = smiling.features.blendshapes[k];
        ck_assert_msg(v >= 0.0f && v <= 1.0f, "%s = %g", rena_blendshape_names[k], (double)v);
    }
    float smile_n = neutral.features.blendshapes[RENA_BS_MOUTH_SMILE_LEFT] +
                    neutral.features.blendshapes[RENA_BS_MOUTH_SMILE_RIGHT];
    float smile_s = smiling.features.blendshapes[RENA_BS_MOUTH_SMILE_LEFT] +
                    smiling.features.blendshapes[RENA_BS_MOUTH_SMILE_RIGHT];
    fprintf(stderr, "John Simm: mouthSmileLeft+Right neutral %.3f, smiling %.3f\n",
            (double)smile_n, (double)smile_s);
    ck_assert_msg(smile_s > smile_n + 0.1f, "smile %g vs neutral %g", (double)smile_s,
                  (double)smile_n);

    /* the CLI's commands are the model on exactly these features */
    int rc = sh("\"$R\" mimic --model %s --image %s --neutral-image %s --out %s/john", model_path,
                smiling_jpg, neutral_jpg, root);
    ck_assert_msg(rc == 0, "rc %d:\n%s", rc, output);
    char csv[1200], name[256];
    float cli[RENA_NUM_SERVOS], want[RENA_NUM_SERVOS];
    snprintf(csv, sizeof csv, "%s/john/commands.csv", root);
    ck_assert_int_eq(read_csv_row(csv, 0, name, sizeof name, cli), 1);
    rena_model *m;
    ck_assert(rena_model_load(model_path, &m, &err) == RENA_OK);
    rena_workspace *ws = rena_workspace_create(m);
    ck_assert(rena_model_predict(m, ws, &smiling.features, want) == RENA_OK);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert_msg(fabsf(cli[i] - want[i]) < 2e-6f, "servo %d: %g vs %g", i, (double)cli[i],
                      (double)want[i]);
    rena_workspace_free(ws);
    rena_model_free(m);
    rena_photo_result_free(&neutral);
    rena_photo_result_free(&smiling);
    rena_face_detector_close(d);
}
END_TEST

/* The side-by-side picture against an independent reading of its pixels. */
START_TEST(test_side_by_side_layout)
{
    rena_image photo = {4, 2, calloc(4 * 2 * 3, 1)}, robot = {3, 4, malloc(3 * 4 * 3)};
    ck_assert(photo.rgb && robot.rgb);
    memset(robot.rgb, 200, 3 * 4 * 3);
    for (int i = 0; i < 4 * 2 * 3; i++)
        photo.rgb[i] = 100;
    rena_face_landmarks face;
    memset(&face, 0, sizeof face);
    for (int p = 0; p < RENA_NUM_LANDMARKS; p++)
        face.landmarks[p][0] = 0.5f, face.landmarks[p][1] = 0.5f; /* pixel (0,0) */
    rena_image out;
    ck_assert(rena_photo_side_by_side(&photo, &face, &robot, &out, NULL) == RENA_OK);
    ck_assert_int_eq(out.width, 8 + 3); /* 4x2 scaled to height 4 is 8 wide */
    ck_assert_int_eq(out.height, 4);
    /* the landmarks at photo pixel (0,0)'s centre land at (1,1) at twice the size */
    const unsigned char *px = out.rgb + 3 * (1 * out.width + 1);
    ck_assert(px[1] == 255 && px[0] != 100);
    px = out.rgb + 3 * (3 * out.width + 7); /* far from the dot: the flat photo, unchanged */
    ck_assert(px[0] == 100 && px[1] == 100 && px[2] == 100);
    px = out.rgb + 3 * (2 * out.width + 9);
    ck_assert(px[0] == 200 && px[1] == 200);
    rena_image_free(&out);
    ck_assert(rena_photo_side_by_side(&photo, NULL, NULL, &out, NULL) == RENA_OK);
    ck_assert(out.width == 4 && out.height == 2 && !memcmp(out.rgb, photo.rgb, 4 * 2 * 3));
    rena_image_free(&out);
    rena_image_free(&photo);
    rena_image_free(&robot);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("apps_photo");
    TCase *tc = tcase_create("photo");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_side_by_side_layout);
    tcase_add_test(tc, test_no_face_and_bad_files);
    tcase_add_test(tc, test_astronaut_side_by_side);
    if (!rena_test_sanitized())
        tcase_add_test(tc, test_smile_reads_as_smile);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return rena_test_run(suite()); }
