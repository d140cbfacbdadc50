#include "fakeface.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define FAKE_KEY 0xFACEFACEULL /* fixed stream: the map never changes */
#define TWO_PI 6.283185307179586

typedef struct {
    rena_fakeface_options opt;
    rena_fakeface_mode mode;
    float cmd[RENA_NUM_SERVOS];
    long observed;
    unsigned char *rgb;
} fakeface;

/* Weighted sum of three servo deviations picked for output `row` of `table`. */
static double mix(uint64_t table, int row, const float cmd[RENA_NUM_SERVOS])
{
    rena_rng r;
    rena_rng_init(&r, FAKE_KEY ^ table, (uint64_t)row);
    double z = 0.0;
    for (int k = 0; k < 3; k++) {
        int j = (int)rena_rng_below(&r, RENA_NUM_SERVOS);
        z += rena_rng_range(&r, -2.0, 2.0) * (cmd[j] - rena_servos[j].neutral);
    }
    return z;
}

void rena_fakeface_features(const float cmd[RENA_NUM_SERVOS], rena_features *f)
{
    memset(f, 0, sizeof *f);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        double z = mix(1, k, cmd);
        f->blendshapes[k] = (float)(1.0 / (1.0 + exp(-(3.0 * z + z * z - 2.0))));
    }
    for (int p = 0; p < RENA_NUM_LANDMARKS; p++) {
        double a = TWO_PI * p / RENA_NUM_LANDMARKS;
        f->landmarks[p][0] = (float)(320.0 + 120.0 * cos(a) + 25.0 * tanh(mix(2, p, cmd)));
        f->landmarks[p][1] = (float)(240.0 + 150.0 * sin(a) + 25.0 * tanh(mix(3, p, cmd)));
    }
    f->head_pose[0] = 1.2f * (cmd[RENA_SERVO_HEAD_YAW] - 0.5f);
    f->head_pose[1] = (float)(0.2 * sin(cmd[RENA_SERVO_EYE_V_L] - 0.5));
    f->head_pose[2] = 0.0f;
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
}

static void render(fakeface *ff)
{
    int w = ff->opt.width, h = ff->opt.height;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *px = ff->rgb + 3 * ((size_t)y * w + x);
            px[0] = (unsigned char)lrintf(255.0f * ff->cmd[x * RENA_NUM_SERVOS / w]);
            px[1] = (unsigned char)lrintf(255.0f * ff->cmd[y * RENA_NUM_SERVOS / h]);
            px[2] = (unsigned char)((x + y) & 0xff);
        }
}

static rena_status ff_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                            float sent[RENA_NUM_SERVOS], rena_error *err)
{
    (void)err;
    fakeface *ff = ctx;
    rena_servo_sanitize(cmd, ff->cmd);
    if (sent)
        memcpy(sent, ff->cmd, sizeof ff->cmd);
    return RENA_OK;
}

static rena_status ff_reset(void *ctx, rena_error *err)
{
    (void)err;
    rena_servo_neutral(((fakeface *)ctx)->cmd);
    return RENA_OK;
}

static rena_status ff_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    (void)err;
    const fakeface *ff = ctx;
    float lag = ff->mode.position_lag;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        pos[i] = ff->cmd[i] + lag * (rena_servos[i].neutral - ff->cmd[i]);
    return RENA_OK;
}

static rena_status ff_observe(void *ctx, unsigned want, rena_observation *obs, rena_error *err)
{
    fakeface *ff = ctx;
    if (ff->opt.fail_after > 0 && ff->observed >= ff->opt.fail_after)
        return rena_error_set(err, RENA_ERR_BACKEND, "fake face", "camera lost after %ld frames",
                              ff->observed);
    ff->observed++;
    if (ff->mode.no_perception) {
        obs->settle_time = 0.0;
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, "fake face", "no camera, no perception");
    }
    if (!(want & RENA_OBS_FEATURES) && !ff->rgb)
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, "fake face", "no camera");
    if (want & RENA_OBS_FEATURES)
        rena_fakeface_features(ff->cmd, &obs->features);
    if ((want & RENA_OBS_IMAGE) && ff->rgb) {
        render(ff);
        obs->has_image = 1;
        obs->image = (rena_image){ff->opt.width, ff->opt.height, ff->rgb};
    }
    return RENA_OK;
}

static void ff_close(void *ctx)
{
    fakeface *ff = ctx;
    if (ff)
        free(ff->rgb);
    free(ff);
}

rena_status rena_fakeface_open(const rena_fakeface_options *opt, rena_actuator *out,
                               rena_error *err)
{
    return rena_fakeface_open_mode(opt, NULL, out, err);
}

rena_status rena_fakeface_open_mode(const rena_fakeface_options *opt,
                                    const rena_fakeface_mode *mode, rena_actuator *out,
                                    rena_error *err)
{
    memset(out, 0, sizeof *out);
    fakeface *ff = calloc(1, sizeof *ff);
    if (!ff)
        return rena_error_set(err, RENA_ERR_NOMEM, "fake face", "out of memory");
    if (opt)
        ff->opt = *opt;
    if (mode)
        ff->mode = *mode;
    if (ff->opt.width > 0 && ff->opt.height > 0 &&
        !(ff->rgb = malloc((size_t)ff->opt.width * ff->opt.height * 3))) {
        free(ff);
        return rena_error_set(err, RENA_ERR_NOMEM, "fake face", "out of memory");
    }
    rena_servo_neutral(ff->cmd);
    *out = (rena_actuator){"fake", ff, ff_write, ff_reset, ff_read, ff_observe, ff_close};
    return RENA_OK;
}
