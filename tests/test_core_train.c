/* Training on small synthetic data made in memory: a smooth nonlinear map
 * from 52 blendshapes (+ head yaw) to 25 commands, with the eye and brow
 * commands equal left and right as on the robot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "servo_error.h"
#include "testutil.h"
#include "train.h"

typedef struct {
    rena_samples s;
} synth;

/* The hidden map: each servo mixes a few blendshapes through tanh; eye and
 * brow servos share their left's formula unless `asymmetry` > 0, which then
 * adds a term only the left servo sees. */
static void synth_commands(const float *bs, const float *pose, float asymmetry, float *cmd)
{
    for (int k = 0; k < RENA_NUM_SERVOS; k++) {
        int base = rena_servos[k].side == RENA_SIDE_RIGHT && rena_servos[k].region != RENA_REGION_MOUTH
                       ? rena_servos[k].mirror
                       : k;
        int j1 = (base * 7 + 3) % RENA_NUM_BLENDSHAPES, j2 = (base * 11 + 5) % RENA_NUM_BLENDSHAPES;
        double z = 2.0 * bs[j1] - 1.5 * bs[j2] * bs[j1] + 0.8 * sin(3.0 * bs[(base * 5 + 1) % 52]);
        if (asymmetry > 0 && rena_servos[k].side == RENA_SIDE_LEFT &&
            rena_servos[k].region != RENA_REGION_MOUTH)
            z += asymmetry * (2.0 * bs[(k * 13 + 7) % 52] - 1.0);
        if (k == RENA_SERVO_HEAD_YAW)
            z = 3.0 * pose[0];
        double c = 0.5 + 0.45 * tanh(z - 0.3);
        cmd[k] = (float)c;
    }
}

static rena_samples make_samples(long n, uint64_t seed, float asymmetry)
{
    rena_samples s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.commands = calloc((size_t)n * RENA_NUM_SERVOS, sizeof(float));
    s.blendshapes = calloc((size_t)n * RENA_NUM_BLENDSHAPES, sizeof(float));
    s.landmarks = calloc((size_t)n * RENA_NUM_LANDMARKS * 2, sizeof(float));
    s.head_pose = calloc((size_t)n * 3, sizeof(float));
    s.index = calloc((size_t)n, sizeof(int32_t));
    for (long i = 0; i < n; i++) {
        rena_rng rng;
        rena_rng_init(&rng, seed, (uint64_t)i);
        float *bs = s.blendshapes + i * RENA_NUM_BLENDSHAPES, *pose = s.head_pose + i * 3;
        for (int j = 0; j < RENA_NUM_BLENDSHAPES; j++)
            bs[j] = rena_rng_uniform(&rng) < 0.4 ? (float)rena_rng_uniform(&rng) : 0.0f;
        for (int k = 0; k < 3; k++)
            pose[k] = (float)rena_rng_range(&rng, -0.3, 0.3);
        /* landmarks: a face whose shape follows the blendshapes */
        for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
            s.landmarks[(i * RENA_NUM_LANDMARKS + k) * 2] =
                320.0f + 3.0f * (float)k + 20.0f * bs[k % 52] + 40.0f * pose[0];
            s.landmarks[(i * RENA_NUM_LANDMARKS + k) * 2 + 1] =
                240.0f + (float)(k % 9) * 10.0f - 15.0f * bs[(k * 3) % 52];
        }
        s.index[i] = (int32_t)i;
        synth_commands(bs, pose, asymmetry, s.commands + i * RENA_NUM_SERVOS);
    }
    return s;
}

static void free_samples(rena_samples *s)
{
    free(s->commands);
    free(s->blendshapes);
    free(s->landmarks);
    free(s->head_pose);
    free(s->index);
}

static int small(void) { return rena_test_sanitized(); }

static void quick_hparams(rena_arch arch, rena_model_hparams *hp)
{
    rena_model_hparams_default(arch, hp);
    hp->d_model = 4;
    if (rena_arch_has_kan(arch)) {
        hp->hidden[0] = 12;
        hp->hidden[1] = 12;
    } else {
        hp->hidden[0] = 32;
        hp->hidden[1] = 32;
    }
}

static void quick_options(rena_train_options *o, int epochs)
{
    rena_train_options_default(o);
    o->max_epochs = epochs;
    o->batch = 32;
    o->threads = 2;
    o->patience = epochs;
}

/* RMSE of the best constant predictor (each servo's mean) on `test`. */
static double constant_rmse(const rena_samples *train, const rena_samples *test)
{
    double mean[RENA_NUM_SERVOS] = {0}, sq = 0;
    for (long i = 0; i < train->n; i++)
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            mean[k] += train->commands[i * RENA_NUM_SERVOS + k] / train->n;
    for (long i = 0; i < test->n; i++)
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            sq += pow(test->commands[i * RENA_NUM_SERVOS + k] - mean[k], 2);
    return sqrt(sq / (test->n * RENA_NUM_SERVOS));
}

static rena_servo_error evaluate(const rena_model *m, const rena_samples *test)
{
    float *pred = malloc(sizeof(float) * (size_t)test->n * RENA_NUM_SERVOS);
    ck_assert_int_eq(rena_model_predict_samples(m, test, 2, pred, NULL), RENA_OK);
    rena_servo_error e;
    ck_assert_int_eq(rena_servo_error_compute(pred, test->commands, test->n, &e, NULL), RENA_OK);
    free(pred);
    return e;
}

START_TEST(training_beats_constant_predictor)
{
    rena_samples train = make_samples(900, 1, 0.0f), test = make_samples(225, 2, 0.0f);
    double floor = constant_rmse(&train, &test);
    rena_arch archs[] = {RENA_ARCH_KAN_ATTN, RENA_ARCH_MLP};
    /* under the sanitizers (several times slower) only the paper's model */
    size_t n_archs = small() ? 1 : sizeof archs / sizeof archs[0];
    for (size_t a = 0; a < n_archs; a++) {
        rena_model_hparams hp;
        quick_hparams(archs[a], &hp);
        rena_train_options o;
        quick_options(&o, 30);
        rena_model *m = NULL;
        rena_train_history h;
        rena_error err;
        ck_assert_msg(rena_train(&hp, &o, &train, &test, &m, &h, NULL, &err) == RENA_OK, "%s",
                      err.message);
        rena_servo_error e = evaluate(m, &test);
        ck_assert_msg(e.rmse < 0.7 * floor, "%s: rmse %.4f vs constant %.4f",
                      rena_arch_name(archs[a]), e.rmse, floor);
        /* the kept weights are those of the best validation epoch */
        double best = INFINITY;
        for (int k = 0; k < h.n_epochs; k++)
            best = fmin(best, h.epochs[k].val_loss);
        ck_assert_double_eq_tol(m->info.val_loss, best, 1e-6);
        ck_assert_double_eq_tol(h.epochs[h.best_epoch - 1].val_loss, best, 1e-12);
        ck_assert_int_eq(h.n_fit + h.n_val, train.n);
        ck_assert(isfinite(h.epochs[0].test_loss));
        ck_assert_double_lt(h.epochs[h.n_epochs - 1].train_loss, h.epochs[0].train_loss);
        rena_train_history_free(&h);
        rena_model_free(m);
    }
    free_samples(&train);
    free_samples(&test);
}
END_TEST

static double pair_disagreement_after(float lambda, const rena_samples *train,
                                      const rena_samples *test)
{
    rena_model_hparams hp;
    quick_hparams(RENA_ARCH_MLP, &hp);
    rena_train_options o;
    quick_options(&o, small() ? 6 : 30);
    o.lambda = lambda;
    rena_model *m = NULL;
    ck_assert_int_eq(rena_train(&hp, &o, train, NULL, &m, NULL, NULL, NULL), RENA_OK);
    double d = evaluate(m, test).pair_disagreement;
    rena_model_free(m);
    return d;
}

START_TEST(consistency_loss_pulls_left_and_right_together)
{
    long n = small() ? 300 : 600;
    /* targets where left and right eyes/brows really differ */
    rena_samples train = make_samples(n, 3, 0.8f), test = make_samples(150, 4, 0.8f);
    double d0 = pair_disagreement_after(0.0f, &train, &test);
    double d1 = pair_disagreement_after(0.05f, &train, &test);
    ck_assert_msg(d1 < 0.6 * d0, "disagreement %.4f with lambda, %.4f without", d1, d0);
    free_samples(&train);
    free_samples(&test);
}
END_TEST

static rena_model *train_once(const rena_samples *train, const rena_samples *test, uint64_t seed,
                              int threads)
{
    rena_model_hparams hp;
    quick_hparams(RENA_ARCH_KAN_ATTN, &hp);
    rena_train_options o;
    quick_options(&o, 3);
    o.seed = seed;
    o.threads = threads;
    rena_model *m = NULL;
    ck_assert_int_eq(rena_train(&hp, &o, train, test, &m, NULL, NULL, NULL), RENA_OK);
    return m;
}

START_TEST(same_seed_and_threads_same_weights)
{
    rena_samples train = make_samples(small() ? 120 : 300, 5, 0.0f);
    rena_samples test = make_samples(40, 6, 0.0f), other_test = make_samples(50, 7, 0.0f);
    rena_model *a = train_once(&train, &test, 11, 2), *b = train_once(&train, &test, 11, 2);
    ck_assert_int_eq(memcmp(a->params, b->params, sizeof(float) * (size_t)a->n_params), 0);
    /* the test split is only looked at, never learned from */
    rena_model *c = train_once(&train, &other_test, 11, 2);
    ck_assert_int_eq(memcmp(a->params, c->params, sizeof(float) * (size_t)a->n_params), 0);
    rena_model *d = train_once(&train, &test, 12, 2);
    ck_assert_int_ne(memcmp(a->params, d->params, sizeof(float) * (size_t)a->n_params), 0);
    rena_model *e = train_once(&train, &test, 11, 1), *f = train_once(&train, &test, 11, 1);
    ck_assert_int_eq(memcmp(e->params, f->params, sizeof(float) * (size_t)e->n_params), 0);
    rena_model_free(a);
    rena_model_free(b);
    rena_model_free(c);
    rena_model_free(d);
    rena_model_free(e);
    rena_model_free(f);
    free_samples(&train);
    free_samples(&test);
    free_samples(&other_test);
}
END_TEST

static int cancel_after_three(void *user)
{
    int *calls = user;
    return ++*calls > 3;
}

START_TEST(cancellation_returns_interrupted)
{
    rena_samples train = make_samples(200, 8, 0.0f);
    rena_model_hparams hp;
    quick_hparams(RENA_ARCH_MLP, &hp);
    rena_train_options o;
    quick_options(&o, 50);
    int calls = 0;
    rena_progress p = {NULL, cancel_after_three, &calls};
    rena_model *m = (rena_model *)&calls; /* must be reset to NULL */
    rena_error err;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, &p, &err), RENA_ERR_INTERRUPTED);
    ck_assert_ptr_null(m);
    free_samples(&train);
}
END_TEST

START_TEST(bad_options_and_data_refused)
{
    rena_samples train = make_samples(50, 9, 0.0f);
    rena_model_hparams hp;
    quick_hparams(RENA_ARCH_KAN, &hp);
    rena_train_options o;
    rena_model *m = NULL;
    rena_error err;

    quick_options(&o, 0);
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "epochs");
    quick_options(&o, 2);
    o.batch = 0;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "batch");
    quick_options(&o, 2);
    o.lr = -1;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "lr");

    quick_options(&o, 2);
    train.blendshapes[17 * RENA_NUM_BLENDSHAPES + 4] = NAN;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_RANGE);
    ck_assert_str_eq(err.where, "train");
    ck_assert_ptr_nonnull(strstr(err.message, "row 17"));
    train.blendshapes[17 * RENA_NUM_BLENDSHAPES + 4] = 0.0f;
    train.commands[3 * RENA_NUM_SERVOS + 2] = 1.5f;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "eye_v_l"));
    train.commands[3 * RENA_NUM_SERVOS + 2] = 0.5f;

    long keep = train.n;
    train.n = 0;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_SHAPE);
    train.n = 1;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_SHAPE);
    train.n = keep;
    hp.arch = (rena_arch)42;
    ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, NULL, NULL, &err), RENA_ERR_ARG);
    ck_assert_ptr_null(m);
    free_samples(&train);
}
END_TEST

START_TEST(landmark_and_attention_mlp_train)
{
    rena_samples train = make_samples(small() ? 150 : 400, 10, 0.0f);
    rena_arch archs[] = {RENA_ARCH_LANDMARK_MLP, RENA_ARCH_MLP_ATTN};
    for (size_t a = 0; a < 2; a++) {
        rena_model_hparams hp;
        quick_hparams(archs[a], &hp);
        rena_train_options o;
        quick_options(&o, small() ? 3 : 10);
        rena_model *m = NULL;
        rena_train_history h;
        ck_assert_int_eq(rena_train(&hp, &o, &train, NULL, &m, &h, NULL, NULL), RENA_OK);
        ck_assert_double_lt(h.epochs[h.best_epoch - 1].val_loss, h.epochs[0].val_loss);
        ck_assert(isnan(h.epochs[0].test_loss));
        rena_train_history_free(&h);
        rena_model_free(m);
    }
    free_samples(&train);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_train");
    TCase *tc = tcase_create("train");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, training_beats_constant_predictor);
    tcase_add_test(tc, consistency_loss_pulls_left_and_right_together);
    tcase_add_test(tc, same_seed_and_threads_same_weights);
    tcase_add_test(tc, cancellation_returns_interrupted);
    tcase_add_test(tc, bad_options_and_data_refused);
    tcase_add_test(tc, landmark_and_attention_mlp_train);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
