/* apps/backend.c (choosing a face by name) and `rena render` as a process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "atomicfile.h"
#include "backend.h"
#include "image.h"
#include "testutil.h"

START_TEST(backend_names_are_parsed_in_one_place)
{
    rena_backend_options opt;
    rena_backend_options_default(&opt);
    opt.sim.render = 0;
    rena_actuator a;
    rena_error e;
    ck_assert_int_eq(rena_backend_open("sim", &opt, &a, &e), RENA_OK);
    ck_assert_str_eq(a.name, "sim");
    rena_actuator_close(&a);

    char scene[512];
    rena_test_source_path("scenes/face.xml", scene, sizeof scene);
    char spec[600];
    snprintf(spec, sizeof spec, "sim:%s", scene);
    ck_assert_int_eq(rena_backend_open(spec, &opt, &a, &e), RENA_OK);
    rena_actuator_close(&a);

    ck_assert_int_eq(rena_backend_open("sim:/no/such/scene.xml", &opt, &a, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, "/no/such/scene.xml");
    ck_assert_int_eq(rena_backend_open("sim:", &opt, &a, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_backend_open("serial:", &opt, &a, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_backend_open("robot", &opt, &a, &e), RENA_ERR_ARG);
    ck_assert_str_eq(e.where, "robot");
    ck_assert_int_eq(rena_backend_open("", NULL, &a, &e), RENA_ERR_ARG);
    ck_assert_ptr_null(a.write);
}
END_TEST

/* Runs `rena ARGS`, stderr to err_path; returns the exit code. */
static int rena(const char *args, const char *err_path)
{
    const char *bin = getenv("RENA_BINARY");
    ck_assert_ptr_nonnull(bin);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null 2>'%s'", bin, args, err_path);
    int st = system(cmd);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int file_contains(const char *path, const char *needle)
{
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(path, &data, &size, NULL), RENA_OK);
    int found = strstr((const char *)data, needle) != NULL;
    free(data);
    return found;
}

static void write_text(const char *path, const char *text)
{
    ck_assert_int_eq(rena_atomic_write(path, text, strlen(text), NULL), RENA_OK);
}

START_TEST(render_command_files_and_their_errors)
{
    char dir[256], out[512], errp[512], cmdf[512], args[2048];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/face.png", dir);
    snprintf(errp, sizeof errp, "%s/stderr.txt", dir);
    snprintf(cmdf, sizeof cmdf, "%s/cmd.json", dir);

    write_text(cmdf, "{\"jaw_l\": 0.8, \"jaw_r\": 0.8}");
    snprintf(args, sizeof args, "render --command '%s' --out '%s' --width 160 --height 120", cmdf,
             out);
    ck_assert_int_eq(rena(args, errp), 0);
    rena_image img;
    ck_assert_int_eq(rena_png_read(out, &img, NULL), RENA_OK);
    ck_assert_int_eq(img.width, 160);
    ck_assert_int_eq(img.height, 120);
    rena_image_free(&img);

    write_text(cmdf, "{\"jaw_left\": 0.8}");
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "cmd.json: jaw_left"));
    write_text(cmdf, "{\"jaw_l\": 1.5}");
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "not in [0,1]"));

    /* 25 numbers in servo order; line numbers in errors */
    snprintf(cmdf, sizeof cmdf, "%s/cmd.txt", dir);
    write_text(cmdf, "# eyes\n0.5 0.5 0.5 0.5\n0 0 0.5 0.5\n0.5,0.5,0.5,0.5\n"
                     "0 0 0 0 0 0 0 0 0 0 0 0 0.5\n");
    snprintf(args, sizeof args, "render --command '%s' --out '%s' --landmarks", cmdf, out);
    ck_assert_int_eq(rena(args, errp), 0);
    write_text(cmdf, "0.5 0.5\n0.5 2\n");
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "cmd.txt:2: value 4 (eye_v_r)"));
    write_text(cmdf, "0.5 0.5 zero\n");
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "cmd.txt:1"));
    write_text(cmdf, "0.5 0.5\n");
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "expected 25 numbers, found 2"));

    /* usage errors */
    snprintf(args, sizeof args, "render --neutral");
    ck_assert_int_eq(rena(args, errp), 2);
    ck_assert(file_contains(errp, "--out"));
    snprintf(args, sizeof args, "render --neutral --out '%s' --set nose=1", out);
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "unknown servo 'nose'"));
    ck_assert_int_eq(rena("render --help", errp), 0);
    snprintf(args, sizeof args, "render --neutral --out '%s' --scene '%s/none.xml'", out, dir);
    ck_assert_int_eq(rena(args, errp), 1);
    ck_assert(file_contains(errp, "none.xml"));
    rena_remove_tree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_render");
    TCase *tc = tcase_create("render");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, backend_names_are_parsed_in_one_place);
    tcase_add_test(tc, render_command_files_and_their_errors);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
