/* The head map (core/headmap.h): the least-squares line from head yaw to
 * the head-yaw command, its degenerate cases and its safety; predictions
 * that follow it (core/model.h) and how training fits it (core/train.h).
 * Model files with a map are tested in test_core_model.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "headmap.h"
#include "randmodel.h"
#include "rng.h"
#include "testutil.h"
#include "train.h"

/* Reference fit in long double through the textbook normal equations, a
 * different formula from the centred sums of headmap.c. */
static void reference_fit(const float *x, const float *y, long n, long double *a,
                          long double *b, long double *rmse)
{
    long double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (long i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += (long double)x[i] * x[i];
        sxy += (long double)x[i] * y[i];
    }
    *b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    *a = (sy - *b * sx) / n;
    long double sse = 0;
    for (long i = 0; i < n; i++) {
        long double r = y[i] - (*a + *b * x[i]);
        sse += r * r;
    }
    *rmse = sqrtl(sse / n);
}

static double sse_of(const float *x, const float *y, long n, double a, double b)
{
    double s = 0;
    for (long i = 0; i < n; i++) {
        double r = y[i] - (a + b * x[i]);
        s += r * r;
    }
    return s;
}

START_TEST(fit_recovers_an_exact_line)
{
    enum { N = 200 };
    float yaw[N], cmd[N];
    rena_rng rng;
    rena_rng_init(&rng, 3, 0);
    for (int i = 0; i < N; i++) {
        yaw[i] = (float)rena_rng_range(&rng, -0.7, 0.7);
        cmd[i] = 0.5f + 0.4f * yaw[i];
    }
    rena_headmap hm;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, N, &hm, NULL), RENA_OK);
    ck_assert_float_eq_tol(hm.a, 0.5f, 1e-6f);
    ck_assert_float_eq_tol(hm.b, 0.4f, 1e-6f);
    ck_assert_float_le(hm.rmse, 1e-6f);
    ck_assert_int_eq(hm.n, N);
    ck_assert_int_eq(hm.degenerate, 0);
}
END_TEST

START_TEST(fit_matches_least_squares_on_noisy_data)
{
    enum { N = 5000 };
    float *yaw = malloc(N * sizeof(float)), *cmd = malloc(N * sizeof(float));
    rena_rng rng;
    rena_rng_init(&rng, 11, 0);
    /* the yaw centred away from 0 (a head that mostly looks one way) */
    for (int i = 0; i < N; i++) {
        yaw[i] = (float)rena_rng_range(&rng, 0.2, 0.9);
        double c = 0.47 + 0.41 * yaw[i] + 0.02 * rena_rng_normal(&rng);
        cmd[i] = (float)(c < 0 ? 0 : c > 1 ? 1 : c);
    }
    rena_headmap hm;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, N, &hm, NULL), RENA_OK);
    long double a, b, rmse;
    reference_fit(yaw, cmd, N, &a, &b, &rmse);
    ck_assert_double_eq_tol(hm.a, (double)a, 1e-5);
    ck_assert_double_eq_tol(hm.b, (double)b, 1e-5);
    ck_assert_double_eq_tol(hm.rmse, (double)rmse, 1e-6);
    /* the noise's sd, and the line near the one that made the data */
    ck_assert_double_eq_tol(hm.rmse, 0.02, 0.002);
    ck_assert_double_eq_tol(hm.b, 0.41, 0.01);
    /* least squares: moving either coefficient either way costs */
    double best = sse_of(yaw, cmd, N, hm.a, hm.b);
    const double h = 1e-3;
    ck_assert_double_gt(sse_of(yaw, cmd, N, hm.a + h, hm.b), best);
    ck_assert_double_gt(sse_of(yaw, cmd, N, hm.a - h, hm.b), best);
    ck_assert_double_gt(sse_of(yaw, cmd, N, hm.a, hm.b + h), best);
    ck_assert_double_gt(sse_of(yaw, cmd, N, hm.a, hm.b - h), best);
    /* and its gradient vanishes: central differences of the SSE */
    double da = (sse_of(yaw, cmd, N, hm.a + h, hm.b) - sse_of(yaw, cmd, N, hm.a - h, hm.b)) / (2 * h);
    double db = (sse_of(yaw, cmd, N, hm.a, hm.b + h) - sse_of(yaw, cmd, N, hm.a, hm.b - h)) / (2 * h);
    ck_assert_double_lt(fabs(da), 0.05);
    ck_assert_double_lt(fabs(db), 0.05);
    free(yaw);
    free(cmd);
}
END_TEST

START_TEST(fit_reads_strided_rows_and_a_row_subset)
{
    /* a samples-like layout: pose [n][3], commands [n][25]; rows picks
     * half the rows, whose yaw-command pairs lie on one line while the
     * others lie on another, so reading a wrong row shows */
    enum { N = 40 };
    float pose[N][3], cmd[N][RENA_NUM_SERVOS];
    long rows[N / 2];
    memset(pose, 0, sizeof pose);
    memset(cmd, 0, sizeof cmd);
    for (int i = 0; i < N; i++) {
        pose[i][0] = -0.5f + 0.025f * (float)i;
        pose[i][1] = 9.0f; /* pitch: must not be read */
        cmd[i][RENA_SERVO_HEAD_YAW] = i % 2 ? 0.5f + 0.3f * pose[i][0] : 0.2f;
    }
    for (int k = 0; k < N / 2; k++)
        rows[k] = 2 * k + 1;
    rena_headmap hm;
    ck_assert_int_eq(rena_headmap_fit(&pose[0][0], 3, &cmd[0][RENA_SERVO_HEAD_YAW],
                                      RENA_NUM_SERVOS, rows, N / 2, &hm, NULL),
                     RENA_OK);
    ck_assert_float_eq_tol(hm.a, 0.5f, 1e-6f);
    ck_assert_float_eq_tol(hm.b, 0.3f, 1e-6f);
    ck_assert_int_eq(hm.n, N / 2);
}
END_TEST

START_TEST(degenerate_data_gives_the_mean_command)
{
    enum { N = 50 };
    float yaw[N], cmd[N];
    double mean = 0, var = 0;
    for (int i = 0; i < N; i++) {
        yaw[i] = 0.1f;                       /* the head never turned */
        cmd[i] = 0.3f + 0.004f * (float)i;   /* while the command did */
        mean += cmd[i];
    }
    mean /= N;
    for (int i = 0; i < N; i++)
        var += (cmd[i] - mean) * (cmd[i] - mean);
    rena_headmap hm;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, N, &hm, NULL), RENA_OK);
    ck_assert_int_eq(hm.degenerate, 1);
    ck_assert_float_eq(hm.b, 0.0f);
    ck_assert_double_eq_tol(hm.a, mean, 1e-6);
    ck_assert_double_eq_tol(hm.rmse, sqrt(var / N), 1e-6);
    ck_assert_double_eq_tol(rena_headmap_apply(&hm, 0.6f), mean, 1e-6);

    /* jitter far below a degree is still no head movement */
    for (int i = 0; i < N; i++)
        yaw[i] = 1e-5f * (float)(i % 3);
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, N, &hm, NULL), RENA_OK);
    ck_assert_int_eq(hm.degenerate, 1);
    ck_assert_float_eq(hm.b, 0.0f);

    /* one row: that row's command */
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd + 7, 1, NULL, 1, &hm, NULL), RENA_OK);
    ck_assert_int_eq(hm.degenerate, 1);
    ck_assert_float_eq(hm.a, cmd[7]);
    ck_assert_float_eq(hm.rmse, 0.0f);
}
END_TEST

START_TEST(bad_rows_are_refused_by_row)
{
    float yaw[4] = {0.0f, 0.1f, 0.2f, 0.3f}, cmd[4] = {0.5f, 0.55f, 0.6f, 0.65f};
    rena_headmap hm;
    rena_error err;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, 0, &hm, &err), RENA_ERR_SHAPE);
    yaw[2] = NAN;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, 4, &hm, &err), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "row 2"));
    yaw[2] = 0.2f;
    cmd[3] = 1.5f;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, 4, &hm, &err), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "row 3"));
    cmd[3] = NAN;
    ck_assert_int_eq(rena_headmap_fit(yaw, 1, cmd, 1, NULL, 4, &hm, &err), RENA_ERR_RANGE);
}
END_TEST

START_TEST(apply_is_finite_and_clamped)
{
    rena_headmap hm = {0.5f, 0.4f, 0.01f, 100, 0};
    ck_assert_float_eq_tol(rena_headmap_apply(&hm, 0.25f), 0.6f, 1e-6f);
    ck_assert_float_eq_tol(rena_headmap_apply(&hm, -0.25f), 0.4f, 1e-6f);
    /* no head pose: facing the camera */
    ck_assert_float_eq(rena_headmap_apply(&hm, NAN), 0.5f);
    ck_assert_float_eq(rena_headmap_apply(&hm, INFINITY), 0.5f);
    ck_assert_float_eq(rena_headmap_apply(&hm, -INFINITY), 0.5f);
    /* far turns stop at the servo's ends */
    ck_assert_float_eq(rena_headmap_apply(&hm, 3.0f), 1.0f);
    ck_assert_float_eq(rena_headmap_apply(&hm, -3.0f), 0.0f);
    ck_assert_float_eq(rena_headmap_apply(&hm, 1e38f), 1.0f);
    ck_assert_float_eq(rena_headmap_apply(&hm, -1e38f), 0.0f);
    /* even a map that went bad cannot pass a NaN on */
    rena_headmap bad = {NAN, 0.4f, 0.0f, 1, 0};
    float v = rena_headmap_apply(&bad, 0.1f);
    ck_assert(v >= 0.0f && v <= 1.0f);
    rena_error err;
    ck_assert_int_eq(rena_headmap_check(&bad, "m.rena", &err), RENA_ERR_RANGE);
    ck_assert_str_eq(err.where, "m.rena");
    ck_assert_int_eq(rena_headmap_check(&hm, "m.rena", &err), RENA_OK);
    rena_headmap none = hm;
    none.n = 0;
    ck_assert_int_eq(rena_headmap_check(&none, "m.rena", &err), RENA_ERR_RANGE);
    rena_headmap neg = hm;
    neg.rmse = -1.0f;
    ck_assert_int_eq(rena_headmap_check(&neg, "m.rena", &err), RENA_ERR_RANGE);
}
END_TEST

/* ---- predictions ------------------------------------------------------------ */

static rena_features random_features(uint64_t i)
{
    rena_rng rng;
    rena_rng_init(&rng, 77, i);
    rena_features f;
    memset(&f, 0, sizeof f);
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        f.landmarks[k][0] = 300.0f + 80.0f * (float)rena_rng_normal(&rng);
        f.landmarks[k][1] = 240.0f + 80.0f * (float)rena_rng_normal(&rng);
    }
    for (int k = 0; k < 3; k++)
        f.head_pose[k] = (float)rena_rng_range(&rng, -0.5, 0.5);
    f.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    return f;
}

static int has_pose(rena_arch a) { return !rena_arch_uses_landmarks(a); }

/* An asymmetric face: one side's smile, squint, brow and sneer, the other
 * side at rest, varied by i. */
static rena_features asymmetric_face(uint64_t i, float yaw)
{
    rena_features f = random_features(i);
    memset(f.blendshapes, 0, sizeof f.blendshapes);
    const char *left[] = {"mouthSmileLeft", "eyeSquintLeft", "browDownLeft", "noseSneerLeft",
                          "mouthStretchLeft", "cheekSquintLeft"};
    const char *right[] = {"mouthSmileRight", "eyeSquintRight", "browDownRight",
                           "noseSneerRight", "mouthStretchRight", "cheekSquintRight"};
    for (int k = 0; k < 6; k++) {
        int j = rena_blendshape_index(i % 2 ? left[k] : right[k]);
        ck_assert_int_ge(j, 0);
        f.blendshapes[j] = 0.3f + 0.7f * (float)((i * 7 + (uint64_t)k * 3) % 10) / 9.0f;
    }
    f.head_pose[0] = yaw;
    return f;
}

static const rena_headmap MAP = {0.5f, 0.4f, 0.01f, 1000, 0};

START_TEST(head_map_drives_head_yaw_whatever_the_face)
{
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_model *m = rena_test_random_model((rena_arch)a, 21);
        for (long i = 0; i < m->n_params; i++)
            m->params[i] *= 8.0f; /* a network whose head yaw swings with the face */
        rena_workspace *ws = rena_workspace_create(m);
        float c[RENA_NUM_SERVOS];
        float net_lo = 1, net_hi = 0;
        for (uint64_t i = 0; i < 24; i++) {
            rena_features f = asymmetric_face(i, 0.0f);
            m->has_head_map = 0;
            ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_OK);
            float net = c[RENA_SERVO_HEAD_YAW];
            net_lo = fminf(net_lo, net);
            net_hi = fmaxf(net_hi, net);
            m->has_head_map = 1;
            m->head_map = MAP;
            ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_OK);
            if (has_pose((rena_arch)a)) {
                ck_assert_float_eq(c[RENA_SERVO_HEAD_YAW], 0.5f); /* the head stays front */
                f.head_pose[0] = 0.25f;
                ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_OK);
                ck_assert_float_eq_tol(c[RENA_SERVO_HEAD_YAW], 0.6f, 1e-6f);
            } else {
                /* landmark-mlp reads no pose: a map on it is ignored */
                ck_assert_int_eq(rena_model_uses_head_map(m), 0);
                ck_assert_float_eq(c[RENA_SERVO_HEAD_YAW], net);
            }
        }
        /* without the map these faces do turn the head: the check above can fail */
        ck_assert_msg(net_hi - net_lo > 0.01f, "%s: network head yaw %g..%g",
                      rena_arch_name((rena_arch)a), (double)net_lo, (double)net_hi);
        rena_workspace_free(ws);
        rena_model_free(m);
    }
}
END_TEST

START_TEST(head_map_without_head_pose_faces_the_camera)
{
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        if (!has_pose((rena_arch)a))
            continue;
        rena_model *m = rena_test_random_model((rena_arch)a, 22);
        m->has_head_map = 1;
        m->head_map = MAP;
        m->head_map.a = 0.47f; /* the robot's front, a little off 0.5 */
        rena_workspace *ws = rena_workspace_create(m);
        float c[RENA_NUM_SERVOS];
        float bad[] = {NAN, INFINITY, -INFINITY};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            rena_features f = asymmetric_face(b, bad[b]);
            ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_OK);
            ck_assert_float_eq(c[RENA_SERVO_HEAD_YAW], 0.47f);
            for (int k = 0; k < RENA_NUM_SERVOS; k++)
                ck_assert(isfinite(c[k]) && c[k] >= 0.0f && c[k] <= 1.0f);
        }
        rena_features np = asymmetric_face(3, 0.4f);
        np.valid &= ~(unsigned)RENA_FEAT_POSE; /* a CSV without pose */
        ck_assert_int_eq(rena_model_predict(m, ws, &np, c), RENA_OK);
        ck_assert_float_eq(c[RENA_SERVO_HEAD_YAW], 0.47f);
        ck_assert_int_eq(rena_workspace_nonfinite(ws), 3);
        rena_workspace_free(ws);
        rena_model_free(m);
    }
}
END_TEST

/* ---- training -------------------------------------------------------------- */

#define TRUE_A 0.48f
#define TRUE_B 0.55f

/* Blendshapes with a left-only (asymmetric) smile that the head-yaw command
 * does not depend on; the command is an exact line of the yaw. */
static rena_samples make_samples(long n, uint64_t seed)
{
    rena_samples s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.commands = calloc((size_t)n * RENA_NUM_SERVOS, sizeof(float));
    s.blendshapes = calloc((size_t)n * RENA_NUM_BLENDSHAPES, sizeof(float));
    s.landmarks = calloc((size_t)n * RENA_NUM_LANDMARKS * 2, sizeof(float));
    s.head_pose = calloc((size_t)n * 3, sizeof(float));
    s.index = calloc((size_t)n, sizeof(int32_t));
    ck_assert(s.commands && s.blendshapes && s.landmarks && s.head_pose && s.index);
    for (long i = 0; i < n; i++) {
        rena_rng rng;
        rena_rng_init(&rng, seed, (uint64_t)i);
        float *bs = s.blendshapes + i * RENA_NUM_BLENDSHAPES, *pose = s.head_pose + i * 3;
        float *cmd = s.commands + i * RENA_NUM_SERVOS;
        for (int j = 0; j < RENA_NUM_BLENDSHAPES; j++)
            bs[j] = (float)rena_rng_uniform(&rng);
        pose[0] = (float)rena_rng_range(&rng, -0.6, 0.6);
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            cmd[k] = 0.2f + 0.6f * bs[(k * 7 + 3) % RENA_NUM_BLENDSHAPES];
        cmd[RENA_SERVO_HEAD_YAW] = TRUE_A + TRUE_B * pose[0];
        for (int k = 0; k < RENA_NUM_LANDMARKS * 2; k++)
            s.landmarks[i * RENA_NUM_LANDMARKS * 2 + k] = (float)(100 + k) + 10.0f * bs[k % 52];
        s.index[i] = (int32_t)i;
    }
    return s;
}

static rena_model *train_small(rena_arch arch, int head_map, const rena_samples *s)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_train_options opt;
    rena_train_options_default(&opt);
    opt.max_epochs = rena_test_sanitized() ? 1 : 3;
    opt.batch = 32;
    opt.threads = 1;
    opt.head_map = head_map;
    rena_model *m = NULL;
    rena_error err;
    rena_status st = rena_train(&hp, &opt, s, NULL, &m, NULL, NULL, &err);
    ck_assert_msg(st == RENA_OK, "%s: %s", err.where, err.message);
    return m;
}

START_TEST(training_fits_the_map_and_leaves_the_network_alone)
{
    rena_samples s = make_samples(rena_test_sanitized() ? 60 : 160, 5);
    rena_model *on = train_small(RENA_ARCH_KAN_ATTN, 1, &s);
    rena_model *off = train_small(RENA_ARCH_KAN_ATTN, 0, &s);
    ck_assert_int_eq(on->has_head_map, 1);
    ck_assert_int_eq(off->has_head_map, 0);
    ck_assert_float_eq_tol(on->head_map.a, TRUE_A, 1e-5f);
    ck_assert_float_eq_tol(on->head_map.b, TRUE_B, 1e-5f);
    ck_assert_float_le(on->head_map.rmse, 1e-5f);
    /* fitted on the training rows minus the validation ones */
    ck_assert_int_eq(on->head_map.n, on->info.n_train);
    /* the map changes predictions, never the weights */
    ck_assert_int_eq(on->n_params, off->n_params);
    ck_assert_int_eq(memcmp(on->params, off->params, sizeof(float) * (size_t)on->n_params), 0);
    ck_assert_int_eq(memcmp(on->in_mean, off->in_mean, sizeof(float) * (size_t)on->n_in), 0);

    /* predictions follow the line, whatever the briefly trained network says */
    rena_samples t = make_samples(30, 6);
    float *pred = malloc(sizeof(float) * 30 * RENA_NUM_SERVOS);
    ck_assert_int_eq(rena_model_predict_samples(on, &t, 1, pred, NULL), RENA_OK);
    for (long i = 0; i < t.n; i++)
        ck_assert_float_eq_tol(pred[i * RENA_NUM_SERVOS + RENA_SERVO_HEAD_YAW],
                               t.commands[i * RENA_NUM_SERVOS + RENA_SERVO_HEAD_YAW], 1e-5f);
    free(pred);
    rena_samples_free(&t);
    rena_model_free(on);
    rena_model_free(off);
    rena_samples_free(&s);
}
END_TEST

START_TEST(landmark_mlp_gets_no_map_and_bad_option_refused)
{
    rena_samples s = make_samples(40, 7);
    rena_model *m = train_small(RENA_ARCH_LANDMARK_MLP, 1, &s);
    ck_assert_int_eq(m->has_head_map, 0);
    ck_assert_int_eq(rena_model_uses_head_map(m), 0);
    rena_model_free(m);

    rena_train_options opt;
    rena_train_options_default(&opt);
    ck_assert_int_eq(opt.head_map, 1); /* on by default */
    opt.head_map = 2;
    rena_error err;
    ck_assert_int_eq(rena_train_options_check(&opt, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "head_map");
    rena_samples_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_headmap");
    TCase *tc = tcase_create("headmap");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fit_recovers_an_exact_line);
    tcase_add_test(tc, fit_matches_least_squares_on_noisy_data);
    tcase_add_test(tc, fit_reads_strided_rows_and_a_row_subset);
    tcase_add_test(tc, degenerate_data_gives_the_mean_command);
    tcase_add_test(tc, bad_rows_are_refused_by_row);
    tcase_add_test(tc, apply_is_finite_and_clamped);
    tcase_add_test(tc, head_map_drives_head_yaw_whatever_the_face);
    tcase_add_test(tc, head_map_without_head_pose_faces_the_camera);
    tcase_add_test(tc, training_fits_the_map_and_leaves_the_network_alone);
    tcase_add_test(tc, landmark_mlp_gets_no_map_and_bad_option_refused);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
