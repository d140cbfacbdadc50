/* sim model loading: the shipped scene loads; bad scenes are clear errors
 * naming the file, never an exit; MuJoCo's fatal errors come back as status. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "sim.h"
#include "sim_model.h"
#include "testutil.h"

START_TEST(shipped_scene_has_every_servo_landmark_and_camera)
{
    rena_sim_model sm;
    rena_error e;
    ck_assert_int_eq(rena_sim_model_load(rena_sim_default_scene(), &sm, &e), RENA_OK);
    ck_assert_int_eq(sm.m->nu, RENA_NUM_SERVOS);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        ck_assert_str_eq(mj_id2name(sm.m, mjOBJ_ACTUATOR, sm.actuator[i]), rena_servos[i].name);
        /* ctrl in [0,1] and a force limit: the servo's stall torque */
        ck_assert(sm.m->actuator_ctrlrange[2 * sm.actuator[i]] == 0.0);
        ck_assert(sm.m->actuator_ctrlrange[2 * sm.actuator[i] + 1] == 1.0);
        ck_assert(sm.m->actuator_forcelimited[sm.actuator[i]]);
    }
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        double sum = 0;
        for (int j = 0; j < sm.landmark[k].count; j++)
            sum += sm.landmark[k].weight[j];
        ck_assert_double_eq_tol(sum, 1.0, 1e-9);
    }
    ck_assert_int_ge(sm.pupil_site[0], 0);
    ck_assert_int_ge(sm.pupil_site[1], 0);
    ck_assert_int_ge(sm.camera, 0);
    /* no <flex> in 2.2.2: the skin is a <skin>, and the face has several */
    ck_assert_int_ge(sm.m->nskin, 1);
    rena_sim_model_free(&sm);
}
END_TEST

/* The read-back map inverts the actuator: at the joint angle a command
 * settles to, command_of gives that command back. */
START_TEST(command_of_inverts_the_actuator_equilibrium)
{
    rena_sim_model sm;
    ck_assert_int_eq(rena_sim_model_load(rena_sim_default_scene(), &sm, NULL), RENA_OK);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int id = sm.actuator[i];
        const double *g = sm.m->actuator_gainprm + id * mjNGAIN;
        const double *b = sm.m->actuator_biasprm + id * mjNBIAS;
        for (double c = 0.0; c <= 1.0; c += 0.25) {
            /* force kp*c + b0 + b1*L vanishes at L = -(kp*c + b0)/b1 */
            double length = -(g[0] * c + b[0]) / b[1];
            ck_assert_double_eq_tol(rena_sim_model_command_of(&sm, i, length), c, 1e-9);
        }
    }
    rena_sim_model_free(&sm);
}
END_TEST

static void write_text(const char *path, const char *text)
{
    ck_assert_int_eq(rena_atomic_write(path, text, strlen(text), NULL), RENA_OK);
}

START_TEST(bad_scenes_are_errors_naming_the_file)
{
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    opt.render = 0;
    opt.scene_path = path;
    rena_actuator a;
    rena_error e;

    snprintf(path, sizeof path, "%s/missing.xml", dir);
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, path);
    ck_assert_ptr_null(a.ctx);

    snprintf(path, sizeof path, "%s/broken.xml", dir);
    write_text(path, "<mujoco>\n  <worldbody>\n    <body>\n  </worldbody>\n</mujoco>\n");
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_FORMAT);
    ck_assert_str_eq(e.where, path);
    /* MuJoCo's message says where: "Line number=3" (the unclosed <body>) */
    ck_assert_ptr_nonnull(strstr(e.message, "ine"));
    ck_assert_ptr_nonnull(strstr(e.message, "3"));

    snprintf(path, sizeof path, "%s/nofile.xml", dir);
    write_text(path, "<mujoco><asset><texture name=\"t\" type=\"2d\" file=\"gone.png\"/></asset>"
                     "</mujoco>");
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "texture"));

    snprintf(path, sizeof path, "%s/empty.xml", dir);
    write_text(path, "<mujoco><worldbody><body><joint/><geom size=\"0.1\"/></body></worldbody>"
                     "</mujoco>");
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "eye_h_l"));
    rena_remove_tree(dir);
}
END_TEST

static void raise_error(void *arg)
{
    (void)arg;
    mju_error("deliberate failure");
}

static void nested(void *arg)
{
    rena_error *inner = arg;
    ck_assert_int_eq(rena_sim_guard(raise_error, NULL, "inner", inner), RENA_ERR_BACKEND);
    mju_error("outer failure");
}

START_TEST(mujoco_errors_come_back_as_status)
{
    rena_error e, inner;
    ck_assert_int_eq(rena_sim_guard(raise_error, NULL, "here", &e), RENA_ERR_BACKEND);
    ck_assert_str_eq(e.where, "here");
    ck_assert_ptr_nonnull(strstr(e.message, "deliberate failure"));
    /* a guard inside a guard hands back to the right one */
    ck_assert_int_eq(rena_sim_guard(nested, &inner, "outer", &e), RENA_ERR_BACKEND);
    ck_assert_str_eq(inner.where, "inner");
    ck_assert_ptr_nonnull(strstr(e.message, "outer failure"));
}
END_TEST

START_TEST(bad_options_name_the_field)
{
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    opt.render = 0;
    rena_actuator a;
    rena_error e;
    opt.width = -3;
    opt.height = 10;
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.where, "width"));
    rena_sim_options_default(&opt);
    opt.landmark_noise_px = NAN;
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.where, "landmark_noise_px"));
    rena_sim_options_default(&opt);
    opt.settle_cap_s = -1;
    ck_assert_int_eq(rena_sim_open(&opt, &a, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.where, "settle_cap_s"));
    rena_perception_calib c;
    ck_assert_int_eq(rena_sim_perception_calib(&a, &c, &e), RENA_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim_model");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shipped_scene_has_every_servo_landmark_and_camera);
    tcase_add_test(tc, command_of_inverts_the_actuator_equilibrium);
    tcase_add_test(tc, bad_scenes_are_errors_naming_the_file);
    tcase_add_test(tc, mujoco_errors_come_back_as_status);
    tcase_add_test(tc, bad_options_name_the_field);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
