/* Adversarial inputs on the command path in core: NaN (both signs), +-Inf,
 * huge, negative, denormal, all-zero and random-bit feature vectors through
 * rena_model_predict for every architecture (with ordinary and with extreme
 * input normalisation), and command vectors through rena_servo_sanitize.
 * Whatever comes in, every command must be finite and inside [0,1]: a servo
 * is never sent to an extreme because a camera frame was garbage.
 *
 * 100,000 vectors per check (model: per architecture and normalisation);
 * under the sanitizers (a -O0 build, where a prediction is some 25 times
 * slower) the model checks use 4,000. The generator is seeded
 * (core/rng.h), so a failure names a vector that can be replayed. The hw
 * safety layer has the same checks in tests/test_hw_adversarial.c. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "rng.h"
#include "servo.h"
#include "testutil.h"

/* ck_assert records a checkpoint (a write to Check's log) on every call;
 * in loops of millions of checks that alone took most of the run. */
#define REQUIRE(cond, ...)                 \
    do {                                   \
        if (!(cond))                       \
            ck_abort_msg(__VA_ARGS__);     \
    } while (0)

#define SEED 0xADF00Du

static long model_vectors(void) { return rena_test_sanitized() ? 4000 : 100000; }

/* ---- the generator ----------------------------------------------------------- */

static const float specials[] = {
    NAN,      -NAN,      INFINITY,  -INFINITY, FLT_MAX,     -FLT_MAX, 1e30f,   -1e30f,
    1e10f,    -1e10f,    FLT_MIN,   -FLT_MIN,  1e-45f,      -1e-45f,  1e-40f,  0.0f,
    -0.0f,    1.0f,      -1.0f,     0.5f,      1.0000001f,  2.0f,     -2.0f,   16777217.0f,
    1e-7f,    -1e-7f,    3.1415927f, 640.0f,   -640.0f,     65504.0f,
};
#define N_SPECIALS ((uint32_t)(sizeof specials / sizeof specials[0]))

static float special(rena_rng *r) { return specials[rena_rng_below(r, N_SPECIALS)]; }

static float random_bits(rena_rng *r)
{
    uint32_t b = (uint32_t)rena_rng_next(r);
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

typedef enum {
    KIND_SPECIALS,  /* every value from the table above */
    KIND_BITS,      /* every value a random 32-bit pattern */
    KIND_ZERO,      /* all zero */
    KIND_SAME,      /* one special value everywhere */
    KIND_PLAUSIBLE, /* an ordinary frame with a few special values in it */
    KIND_EXTREME,   /* only huge finite values and denormals */
    KIND_COUNT
} vector_kind;

/* Value j of vector i of kind k; `plausible` is the ordinary value there. */
static float adversarial_value(rena_rng *r, vector_kind k, float same, float plausible)
{
    switch (k) {
    case KIND_SPECIALS: return special(r);
    case KIND_BITS: return random_bits(r);
    case KIND_ZERO: return 0.0f;
    case KIND_SAME: return same;
    case KIND_PLAUSIBLE: return rena_rng_below(r, 20) == 0 ? special(r) : plausible;
    default: {
        float mag = rena_rng_below(r, 2) ? (float)rena_rng_range(r, 1e20, 3e38)
                                         : (float)rena_rng_range(r, 1e-45, 1e-38);
        return rena_rng_below(r, 2) ? mag : -mag;
    }
    }
}

/* Frame i: every part filled and flagged valid, so every architecture
 * finds what it reads. */
static void adversarial_frame(long i, rena_features *f)
{
    rena_rng r;
    rena_rng_init(&r, SEED, (uint64_t)i);
    vector_kind k = (vector_kind)(i % KIND_COUNT);
    float same = special(&r);
    memset(f, 0, sizeof *f);
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    for (int j = 0; j < RENA_NUM_BLENDSHAPES; j++)
        f->blendshapes[j] = adversarial_value(&r, k, same, (float)rena_rng_uniform(&r));
    for (int j = 0; j < RENA_NUM_LANDMARKS; j++) {
        f->landmarks[j][0] = adversarial_value(&r, k, same, (float)rena_rng_range(&r, 200, 440));
        f->landmarks[j][1] = adversarial_value(&r, k, same, (float)rena_rng_range(&r, 120, 360));
    }
    for (int j = 0; j < 3; j++)
        f->head_pose[j] = adversarial_value(&r, k, same, (float)rena_rng_range(&r, -0.5, 0.5));
}

/* An ordinary frame, predicted now and then to see that no garbage lingers
 * in the workspace. */
static void ordinary_frame(rena_features *f)
{
    rena_rng r;
    rena_rng_init(&r, SEED + 1, 0);
    memset(f, 0, sizeof *f);
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    for (int j = 0; j < RENA_NUM_BLENDSHAPES; j++)
        f->blendshapes[j] = (float)rena_rng_uniform(&r);
    for (int j = 0; j < RENA_NUM_LANDMARKS; j++) {
        f->landmarks[j][0] = (float)rena_rng_range(&r, 200, 440);
        f->landmarks[j][1] = (float)rena_rng_range(&r, 120, 360);
    }
}

static void assert_commands_safe(const float cmd[RENA_NUM_SERVOS], const char *what, long i)
{
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        REQUIRE(isfinite(cmd[s]) && cmd[s] >= 0.0f && cmd[s] <= 1.0f,
                      "%s, vector %ld (kind %ld): command %d (%s) = %g", what, i, i % KIND_COUNT,
                      s, rena_servos[s].name, (double)cmd[s]);
}

/* ---- rena_model_predict ------------------------------------------------------- */

/* Normalisation a model file may legally hold (finite means, positive
 * finite scales) that turns ordinary inputs into huge or tiny ones. */
static void extreme_normalisation(rena_model *m)
{
    rena_rng r;
    rena_rng_init(&r, SEED + 2, 0);
    static const float means[] = {0.0f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-40f};
    static const float scales[] = {1e-30f, 1e-45f, 1e30f, FLT_MAX, FLT_MIN, 1.0f};
    for (int i = 0; i < m->n_in; i++) {
        m->in_mean[i] = means[rena_rng_below(&r, 6)];
        m->in_scale[i] = scales[rena_rng_below(&r, 6)];
    }
}

static int count_nonfinite(const float *v, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += !isfinite(v[i]);
    return bad;
}

static void check_model(rena_arch arch, int extreme)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_model *m;
    rena_error err;
    ck_assert_int_eq(rena_model_create(&hp, 1, &m, &err), RENA_OK);
    if (extreme)
        extreme_normalisation(m);
    rena_workspace *ws = rena_workspace_create(m), *fresh = rena_workspace_create(m);
    ck_assert_ptr_nonnull(ws);
    ck_assert_ptr_nonnull(fresh);
    char what[96];
    snprintf(what, sizeof what, "%s%s", rena_arch_name(arch),
             extreme ? " (extreme normalisation)" : "");

    rena_features probe;
    float probe_cmd[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS], raw[RENA_NUM_LANDMARKS * 2];
    ordinary_frame(&probe);
    ck_assert_int_eq(rena_model_predict(m, fresh, &probe, probe_cmd), RENA_OK);
    assert_commands_safe(probe_cmd, what, -1);

    long n = model_vectors();
    for (long i = 0; i < n; i++) {
        rena_features f;
        adversarial_frame(i, &f);
        rena_status st = rena_model_predict(m, ws, &f, cmd);
        REQUIRE(st == RENA_OK, "%s, vector %ld: status %d", what, i, (int)st);
        assert_commands_safe(cmd, what, i);
        /* every non-finite value the architecture reads is counted, none more */
        REQUIRE(rena_model_raw_input(arch, &f, raw, NULL) == RENA_OK, "%s: raw input", what);
        REQUIRE(rena_workspace_nonfinite(ws) == count_nonfinite(raw, m->n_in),
                      "%s, vector %ld: %d non-finite inputs reported, %d present", what, i,
                      rena_workspace_nonfinite(ws), count_nonfinite(raw, m->n_in));
        if (i % 1000 == 999) {
            REQUIRE(rena_model_predict(m, ws, &probe, cmd) == RENA_OK, "%s: probe", what);
            REQUIRE(!memcmp(cmd, probe_cmd, sizeof cmd),
                          "%s: after vector %ld an ordinary frame predicts differently", what, i);
        }
    }
    rena_workspace_free(ws);
    rena_workspace_free(fresh);
    rena_model_free(m);
}

START_TEST(predict_is_finite_and_in_range_for_every_architecture)
{
    check_model((rena_arch)(RENA_ARCH_FIRST + _i), 0);
}
END_TEST

START_TEST(predict_survives_extreme_normalisation)
{
    check_model((rena_arch)(RENA_ARCH_FIRST + _i), 1);
}
END_TEST

/* A frame without the part an architecture reads is refused and the face
 * is held at neutral, never left with whatever the buffer held. */
START_TEST(predict_without_features_gives_neutral)
{
    rena_arch arch = (rena_arch)(RENA_ARCH_FIRST + _i);
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_model *m;
    ck_assert_int_eq(rena_model_create(&hp, 1, &m, NULL), RENA_OK);
    rena_workspace *ws = rena_workspace_create(m);
    float neutral[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS];
    rena_servo_neutral(neutral);
    /* the head pose is optional (model.h: a missing one counts as NaN) */
    unsigned need = rena_arch_uses_landmarks(arch) ? RENA_FEAT_LANDMARKS : RENA_FEAT_BLENDSHAPES;
    for (unsigned valid = 0; valid < 8; valid++) {
        if ((valid & need) == need)
            continue;
        rena_features f;
        adversarial_frame(valid, &f);
        f.valid = valid;
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            cmd[s] = NAN;
        ck_assert_int_eq(rena_model_predict(m, ws, &f, cmd), RENA_ERR_ARG);
        REQUIRE(!memcmp(cmd, neutral, sizeof cmd), "%s, valid=%u: not the neutral face",
                      rena_arch_name(arch), valid);
    }
    rena_workspace_free(ws);
    rena_model_free(m);
}
END_TEST

/* ---- rena_servo_sanitize ---------------------------------------------------------- */

static void adversarial_command(long i, float cmd[RENA_NUM_SERVOS])
{
    rena_rng r;
    rena_rng_init(&r, SEED + 3, (uint64_t)i);
    vector_kind k = (vector_kind)(i % KIND_COUNT);
    float same = special(&r);
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        cmd[s] = adversarial_value(&r, k, same, (float)rena_rng_uniform(&r));
}

START_TEST(servo_sanitize_always_gives_safe_commands)
{
    for (long i = 0; i < 100000; i++) {
        float in[RENA_NUM_SERVOS], out[RENA_NUM_SERVOS], alias[RENA_NUM_SERVOS];
        adversarial_command(i, in);
        int changed = rena_servo_sanitize(in, out);
        assert_commands_safe(out, "rena_servo_sanitize", i);
        int expect_changed = 0;
        for (int s = 0; s < RENA_NUM_SERVOS; s++) {
            /* NaN/Inf -> the servo's neutral; finite -> clamped; in range -> kept */
            float want = !isfinite(in[s]) ? rena_servos[s].neutral
                         : in[s] < 0.0f   ? 0.0f
                         : in[s] > 1.0f   ? 1.0f
                                          : in[s];
            REQUIRE(out[s] == want, "vector %ld servo %d: %g -> %g, expected %g", i, s,
                          (double)in[s], (double)out[s], (double)want);
            expect_changed += !(want == in[s]); /* NaN compares unequal: changed */
        }
        REQUIRE(changed == expect_changed, "vector %ld: %d changed, %d expected", i, changed,
                expect_changed);
        /* in place gives the same */
        memcpy(alias, in, sizeof alias);
        REQUIRE(rena_servo_sanitize(alias, alias) == changed && !memcmp(alias, out, sizeof out),
                "vector %ld: sanitising in place differs", i);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_adversarial");
    TCase *tc = tcase_create("adversarial");
    tcase_set_timeout(tc, 300);
    int archs = RENA_ARCH_LAST - RENA_ARCH_FIRST + 1;
    tcase_add_loop_test(tc, predict_is_finite_and_in_range_for_every_architecture, 0, archs);
    tcase_add_loop_test(tc, predict_survives_extreme_normalisation, 0, archs);
    tcase_add_loop_test(tc, predict_without_features_gives_neutral, 0, archs);
    tcase_add_test(tc, servo_sanitize_always_gives_safe_commands);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
