/* The face generator (assets/gen_face.py, assets/gen_performers.py and the
 * assets/facegen package) still reproduces the committed models and textures
 * byte for byte, so the scenes can never drift from the script that is said
 * to make them; and it rejects bad parameters and unwritable outputs with a
 * one-line error instead of a traceback. Needs python3 (standard library only). */
#include <string.h>

#include "testutil.h"

static char output[16384];
#define sh(...) rena_test_shell(output, sizeof output, __VA_ARGS__)

static char src[4096], tmp[4096];

static void setup(void)
{
    rena_test_source_path("", src, sizeof src);
    rena_test_tmpdir(tmp, sizeof tmp);
}

static void teardown(void)
{
    sh("rm -rf '%s'", tmp);
}

/* 0 when <tmp>/rel and the committed <src>/rel are identical */
static int differs(const char *rel)
{
    return sh("cmp '%s/%s' '%s/%s'", tmp, rel, src, rel);
}

START_TEST(robot_face_matches_committed_files)
{
    ck_assert_msg(sh("python3 '%s/assets/gen_face.py' --out '%s'", src, tmp) == 0, "%s", output);
    ck_assert_msg(differs("scenes/face.xml") == 0, "scenes/face.xml drifted: %s", output);
    ck_assert_msg(differs("assets/face_skin.png") == 0, "assets/face_skin.png drifted: %s", output);
    /* atomic writes leave no temporaries behind */
    ck_assert_int_eq(sh("find '%s' -name '*.tmp.*' | wc -l", tmp), 0);
    ck_assert_msg(strcmp(output, "0\n") == 0, "temporaries left: %s", output);
}
END_TEST

START_TEST(performer_faces_match_committed_files)
{
    ck_assert_msg(sh("python3 '%s/assets/gen_performers.py' --out '%s'", src, tmp) == 0, "%s",
                  output);
    const char *files[] = {"scenes/performer_ana.xml", "assets/performer_ana_skin.png",
                           "scenes/performer_ben.xml", "assets/performer_ben_skin.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ck_assert_msg(differs(files[i]) == 0, "%s drifted: %s", files[i], output);
    /* the parameters reach the output: the performers' skins are not the robot's */
    ck_assert_int_ne(sh("cmp -s '%s/assets/face_skin.png' '%s/assets/performer_ana_skin.png'", src,
                        tmp), 0);
}
END_TEST

START_TEST(bad_parameters_name_the_field)
{
    const char *cases[][2] = {
        {"eye_x=float('nan')", "FaceParams.eye_x"},
        {"mouth_half=0.5", "FaceParams.mouth_half"},
        {"jaw_scale=-1", "FaceParams.jaw_scale"},
        {"skin_rgb=(1.5, 0.5, 0.5)", "FaceParams.skin_rgb"},
        {"iris_rgba='0.1 0.2 blue 1'", "FaceParams.iris_rgba"},
        {"scene_file='../face.xml'", "FaceParams.scene_file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = sh("cd '%s' && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH='%s/assets' python3 -c "
                    "\"import facegen; facegen.FaceParams(%s)\"",
                    tmp, src, cases[i][0]);
        ck_assert_msg(rc != 0, "FaceParams(%s) accepted", cases[i][0]);
        ck_assert_msg(strstr(output, cases[i][1]) != NULL, "FaceParams(%s): %s", cases[i][0],
                      output);
    }
}
END_TEST

START_TEST(unwritable_output_fails_cleanly)
{
    /* --out under a regular file: an error line and a non-zero exit, no traceback */
    ck_assert_int_eq(sh("touch '%s/file'", tmp), 0);
    int rc = sh("python3 '%s/assets/gen_face.py' --out '%s/file/out'", src, tmp);
    ck_assert_int_ne(rc, 0);
    ck_assert_msg(strncmp(output, "gen_face.py: ", 13) == 0, "%s", output);
    ck_assert_msg(strstr(output, "Traceback") == NULL, "%s", output);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim_facegen");
    TCase *tc = tcase_create("facegen");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, robot_face_matches_committed_files);
    tcase_add_test(tc, performer_faces_match_committed_files);
    tcase_add_test(tc, bad_parameters_name_the_field);
    tcase_add_test(tc, unwritable_output_fails_cleanly);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
