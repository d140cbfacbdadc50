/* Model files (the head map's among them), the inference API's guarantees
 * and the servo error metrics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelfile.h"
#include "randmodel.h"
#include "rng.h"
#include "servo_error.h"
#include "testutil.h"

static rena_model *random_model(rena_arch arch, uint64_t seed)
{
    rena_model *m = rena_test_random_model(arch, seed);
    m->info.lambda = 0.01f;
    m->info.epochs = 12;
    return m;
}

static rena_features random_features(uint64_t i)
{
    rena_rng rng;
    rena_rng_init(&rng, 77, i);
    rena_features f;
    memset(&f, 0, sizeof f);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        f.blendshapes[k] = (float)rena_rng_uniform(&rng);
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        f.landmarks[k][0] = 300.0f + 80.0f * (float)rena_rng_normal(&rng);
        f.landmarks[k][1] = 240.0f + 80.0f * (float)rena_rng_normal(&rng);
    }
    for (int k = 0; k < 3; k++)
        f.head_pose[k] = (float)rena_rng_range(&rng, -0.5, 0.5);
    f.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    return f;
}

START_TEST(save_load_predict_identical)
{
    char dir[512], path[600];
    rena_test_tmpdir(dir, sizeof dir);
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_model *m = random_model((rena_arch)a, (uint64_t)a);
        snprintf(path, sizeof path, "%s/%s.rena", dir, rena_arch_name((rena_arch)a));
        rena_error err;
        ck_assert_int_eq(rena_model_save(m, path, &err), RENA_OK);
        rena_model *back = NULL;
        ck_assert_msg(rena_model_load(path, &back, &err) == RENA_OK, "%s", err.message);
        ck_assert_int_eq(back->hp.arch, a);
        ck_assert_int_eq(back->n_params, m->n_params);
        ck_assert_int_eq(back->info.epochs, 12);
        rena_workspace *w1 = rena_workspace_create(m), *w2 = rena_workspace_create(back);
        for (uint64_t i = 0; i < 20; i++) {
            rena_features f = random_features(i);
            float c1[RENA_NUM_SERVOS], c2[RENA_NUM_SERVOS];
            ck_assert_int_eq(rena_model_predict(m, w1, &f, c1), RENA_OK);
            ck_assert_int_eq(rena_model_predict(back, w2, &f, c2), RENA_OK);
            ck_assert_int_eq(memcmp(c1, c2, sizeof c1), 0);
        }
        rena_workspace_free(w1);
        rena_workspace_free(w2);
        rena_model_free(m);
        rena_model_free(back);
    }
}
END_TEST

static rena_status load_bytes(const char *path, const unsigned char *data, size_t size,
                              rena_error *err)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, size, f), size);
    fclose(f);
    rena_model *m = NULL;
    rena_status st = rena_model_load(path, &m, err);
    ck_assert(st == RENA_OK ? m != NULL : m == NULL);
    rena_model_free(m);
    return st;
}

static void put_u32_at(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Recomputes the trailing CRC so only the intended defect remains. */
#include <zlib.h>
static void fix_crc(unsigned char *d, size_t size)
{
    put_u32_at(d + size - 4, (uint32_t)crc32(0L, d, (uInt)(size - 4)));
}

START_TEST(damaged_files_refused_with_the_file_named)
{
    char dir[512], path[600];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.rena", dir);
    rena_model *m = random_model(RENA_ARCH_KAN_ATTN, 3);
    unsigned char *d;
    size_t size;
    ck_assert_int_eq(rena_model_encode(m, &d, &size, NULL), RENA_OK);
    unsigned char *copy = malloc(size);
    rena_error err;

    ck_assert_int_eq(load_bytes(path, d, size, &err), RENA_OK);
    /* truncated anywhere */
    size_t cuts[] = {0, 5, 40, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        ck_assert_int_eq(load_bytes(path, d, cuts[i], &err), RENA_ERR_FORMAT);
        ck_assert_ptr_nonnull(strstr(err.where, "bad.rena"));
    }
    /* one flipped bit in the weights */
    memcpy(copy, d, size);
    copy[size - 100] ^= 0x10;
    ck_assert_int_eq(load_bytes(path, copy, size, &err), RENA_ERR_CHECKSUM);
    ck_assert_ptr_nonnull(strstr(err.where, "bad.rena"));
    /* another format version */
    memcpy(copy, d, size);
    put_u32_at(copy + 8, RENA_MODELFILE_VERSION + 1);
    fix_crc(copy, size);
    ck_assert_int_eq(load_bytes(path, copy, size, &err), RENA_ERR_VERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "version"));
    /* an architecture this build does not know */
    memcpy(copy, d, size);
    put_u32_at(copy + 12, 99);
    fix_crc(copy, size);
    ck_assert_int_eq(load_bytes(path, copy, size, &err), RENA_ERR_VERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "architecture"));
    /* a known architecture whose weight count does not match the header's */
    memcpy(copy, d, size);
    put_u32_at(copy + 12, RENA_ARCH_MLP);
    fix_crc(copy, size);
    ck_assert_int_eq(load_bytes(path, copy, size, &err), RENA_ERR_FORMAT);
    /* a NaN weight behind a valid checksum */
    memcpy(copy, d, size);
    float nan = NAN;
    memcpy(copy + size - 8, &nan, 4);
    fix_crc(copy, size);
    ck_assert_int_eq(load_bytes(path, copy, size, &err), RENA_ERR_RANGE);
    /* not a model at all */
    ck_assert_int_eq(load_bytes(path, (const unsigned char *)"hello world", 11, &err),
                     RENA_ERR_FORMAT);
    /* missing file */
    char missing[700];
    snprintf(missing, sizeof missing, "%s/none.rena", dir);
    rena_model *none = NULL;
    ck_assert_int_ne(rena_model_load(missing, &none, &err), RENA_OK);
    ck_assert_ptr_null(none);
    free(copy);
    free(d);
    rena_model_free(m);
}
END_TEST

START_TEST(predict_is_safe_on_bad_input)
{
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_model *m = random_model((rena_arch)a, 5);
        /* large weights push the sigmoid to its ends */
        for (long i = 0; i < m->n_params; i++)
            m->params[i] *= 40.0f;
        rena_workspace *ws = rena_workspace_create(m);
        float c[RENA_NUM_SERVOS];
        float bad[] = {NAN, INFINITY, -INFINITY, 1e38f, -1e38f, 0.0f};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            rena_features f = random_features(b);
            f.blendshapes[3] = bad[b];
            f.blendshapes[40] = bad[b];
            f.head_pose[0] = bad[b];
            f.landmarks[10][0] = bad[b];
            ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_OK);
            for (int k = 0; k < RENA_NUM_SERVOS; k++)
                ck_assert_msg(c[k] >= 0.0f && c[k] <= 1.0f, "%s: servo %d = %g",
                              rena_arch_name((rena_arch)a), k, (double)c[k]);
            int expect = isfinite(bad[b]) ? 0 : (rena_arch_uses_landmarks((rena_arch)a) ? 2 : 3);
            /* a NaN landmark spoils the centroid and so every coordinate */
            if (rena_arch_uses_landmarks((rena_arch)a) && !isfinite(bad[b]))
                ck_assert_int_gt(rena_workspace_nonfinite(ws), 0);
            else
                ck_assert_int_eq(rena_workspace_nonfinite(ws), expect);
        }
        /* no head pose: the training mean stands in, and is counted */
        rena_features np = random_features(2);
        np.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS;
        ck_assert_int_eq(rena_model_predict(m, ws, &np, c), RENA_OK);
        ck_assert_int_eq(rena_workspace_nonfinite(ws),
                         rena_arch_uses_landmarks((rena_arch)a) ? 0 : 3);
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            ck_assert(c[k] >= 0.0f && c[k] <= 1.0f);
        /* missing parts: refused, neutral face returned */
        rena_features f = random_features(1);
        f.valid = 0;
        ck_assert_int_eq(rena_model_predict(m, ws, &f, c), RENA_ERR_ARG);
        float neutral[RENA_NUM_SERVOS];
        rena_servo_neutral(neutral);
        ck_assert_int_eq(memcmp(c, neutral, sizeof c), 0);
        rena_workspace_free(ws);
        rena_model_free(m);
    }
}
END_TEST

START_TEST(workspace_of_another_model_refused)
{
    rena_model *a = random_model(RENA_ARCH_KAN_ATTN, 1), *b = random_model(RENA_ARCH_MLP, 1);
    rena_workspace *wb = rena_workspace_create(b);
    rena_features f = random_features(0);
    float c[RENA_NUM_SERVOS];
    ck_assert_int_eq(rena_model_predict(a, wb, &f, c), RENA_ERR_ARG);
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        ck_assert(c[k] == rena_servos[k].neutral);
    rena_workspace_free(wb);
    rena_model_free(a);
    rena_model_free(b);
}
END_TEST

START_TEST(batched_and_threaded_predictions_match_single)
{
    enum { N = 37 };
    rena_model *m = random_model(RENA_ARCH_KAN_ATTN, 2);
    rena_samples s;
    memset(&s, 0, sizeof s);
    s.n = N;
    s.blendshapes = calloc(N * RENA_NUM_BLENDSHAPES, sizeof(float));
    s.landmarks = calloc(N * RENA_NUM_LANDMARKS * 2, sizeof(float));
    s.head_pose = calloc(N * 3, sizeof(float));
    s.commands = calloc(N * RENA_NUM_SERVOS, sizeof(float));
    rena_features f[N];
    for (int i = 0; i < N; i++) {
        f[i] = random_features((uint64_t)i);
        memcpy(s.blendshapes + i * RENA_NUM_BLENDSHAPES, f[i].blendshapes, sizeof f[i].blendshapes);
        memcpy(s.landmarks + i * RENA_NUM_LANDMARKS * 2, f[i].landmarks, sizeof f[i].landmarks);
        memcpy(s.head_pose + i * 3, f[i].head_pose, sizeof f[i].head_pose);
    }
    float one[N][RENA_NUM_SERVOS], batch[N][RENA_NUM_SERVOS], threaded[N][RENA_NUM_SERVOS];
    rena_workspace *ws = rena_workspace_create(m);
    for (int i = 0; i < N; i++)
        rena_model_predict(m, ws, &f[i], one[i]);
    long nonfinite = -1;
    ck_assert_int_eq(rena_model_predict_batch(m, ws, f, N, &batch[0][0], &nonfinite), RENA_OK);
    ck_assert_int_eq(nonfinite, 0);
    ck_assert_int_eq(rena_model_predict_samples(m, &s, 2, &threaded[0][0], NULL), RENA_OK);
    ck_assert_int_eq(memcmp(one, batch, sizeof one), 0);
    ck_assert_int_eq(memcmp(one, threaded, sizeof one), 0);
    rena_workspace_free(ws);
    free(s.blendshapes);
    free(s.landmarks);
    free(s.head_pose);
    free(s.commands);
    rena_model_free(m);
}
END_TEST

START_TEST(landmark_input_ignores_position_and_scale)
{
    rena_features f = random_features(4), g = f;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        g.landmarks[k][0] = 2.5f * f.landmarks[k][0] + 100.0f;
        g.landmarks[k][1] = 2.5f * f.landmarks[k][1] - 40.0f;
    }
    float a[136], b[136];
    ck_assert_int_eq(rena_model_raw_input(RENA_ARCH_LANDMARK_MLP, &f, a, NULL), RENA_OK);
    ck_assert_int_eq(rena_model_raw_input(RENA_ARCH_LANDMARK_MLP, &g, b, NULL), RENA_OK);
    double r2 = 0;
    for (int k = 0; k < 136; k++) {
        ck_assert_float_eq_tol(a[k], b[k], 1e-4f);
        r2 += (double)a[k] * a[k];
    }
    ck_assert_double_eq_tol(r2 / 68.0, 1.0, 1e-4); /* unit RMS radius */
}
END_TEST

/* ---- head map ------------------------------------------------------------- */

/* The documented layout (docs/model.md), written field by field here so the
 * test does not lean on modelfile.c: version 1, or version 2 with a map. */
static void put_f32_at(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32_at(p, v);
}

static unsigned char *encode_by_hand(const rena_model *m, uint32_t version,
                                     const rena_headmap *map, size_t *size)
{
    size_t n = 8 + 4 + 4 + 6 * 4 + 2 * 4 + 28 + 4 + 8 + 4 * (size_t)(2 * m->n_in + m->n_params) +
               (version >= 2 ? 16 : 0) + 4;
    unsigned char *d = calloc(1, n), *p = d;
    ck_assert_ptr_nonnull(d);
    memcpy(p, "RENAMODL", 8);
    p += 8;
    uint32_t head[] = {version,          (uint32_t)m->hp.arch,  (uint32_t)m->hp.d_model,
                       (uint32_t)m->hp.token_out, (uint32_t)m->hp.hidden[0],
                       (uint32_t)m->hp.hidden[1], (uint32_t)m->hp.grid_size,
                       (uint32_t)m->hp.spline_order};
    for (size_t i = 0; i < 8; i++, p += 4)
        put_u32_at(p, head[i]);
    put_f32_at(p, m->hp.grid_lo), p += 4;
    put_f32_at(p, m->hp.grid_hi), p += 4;
    put_f32_at(p, m->info.lambda), p += 4;
    put_u32_at(p, (uint32_t)m->info.seed), put_u32_at(p + 4, (uint32_t)(m->info.seed >> 32)), p += 8;
    put_u32_at(p, (uint32_t)m->info.epochs), p += 4;
    put_u32_at(p, (uint32_t)m->info.best_epoch), p += 4;
    put_f32_at(p, m->info.val_loss), p += 4;
    put_u32_at(p, (uint32_t)m->info.n_train), p += 4;
    put_u32_at(p, (uint32_t)m->n_in), p += 4;
    put_u32_at(p, (uint32_t)m->n_params), put_u32_at(p + 4, 0), p += 8;
    for (int i = 0; i < m->n_in; i++, p += 4)
        put_f32_at(p, m->in_mean[i]);
    for (int i = 0; i < m->n_in; i++, p += 4)
        put_f32_at(p, m->in_scale[i]);
    for (long i = 0; i < m->n_params; i++, p += 4)
        put_f32_at(p, m->params[i]);
    if (version >= 2) {
        put_f32_at(p, map->a), p += 4;
        put_f32_at(p, map->b), p += 4;
        put_f32_at(p, map->rmse), p += 4;
        put_u32_at(p, (uint32_t)map->n), p += 4;
    }
    ck_assert_uint_eq((size_t)(p - d) + 4, n);
    fix_crc(d, n);
    *size = n;
    return d;
}

START_TEST(model_file_keeps_the_head_map)
{
    char dir[512], path[600];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/map.rena", dir);
    rena_model *m = random_model(RENA_ARCH_KAN_ATTN, 23);
    m->info.seed = 0x0123456789abcdefULL;
    m->has_head_map = 1;
    m->head_map = (rena_headmap){0.4931f, 0.6217f, 0.0123f, 7200, 0};
    rena_error err;
    ck_assert_int_eq(rena_model_save(m, path, &err), RENA_OK);
    rena_model *back = NULL;
    ck_assert_msg(rena_model_load(path, &back, &err) == RENA_OK, "%s", err.message);
    ck_assert_int_eq(back->has_head_map, 1);
    ck_assert_int_eq(memcmp(&back->head_map.a, &m->head_map.a, sizeof(float)), 0);
    ck_assert_int_eq(memcmp(&back->head_map.b, &m->head_map.b, sizeof(float)), 0);
    ck_assert_float_eq(back->head_map.rmse, 0.0123f);
    ck_assert_int_eq(back->head_map.n, 7200);
    ck_assert_int_eq(back->head_map.degenerate, 0);
    /* and predicts the same as before saving */
    rena_workspace *w1 = rena_workspace_create(m), *w2 = rena_workspace_create(back);
    for (uint64_t i = 0; i < 10; i++) {
        rena_features f = random_features(i);
        f.head_pose[0] = 0.05f * (float)i - 0.2f;
        float c1[RENA_NUM_SERVOS], c2[RENA_NUM_SERVOS];
        ck_assert_int_eq(rena_model_predict(m, w1, &f, c1), RENA_OK);
        ck_assert_int_eq(rena_model_predict(back, w2, &f, c2), RENA_OK);
        ck_assert_int_eq(memcmp(c1, c2, sizeof c1), 0);
    }
    /* a copy keeps it too */
    rena_model *copy = NULL;
    ck_assert_int_eq(rena_model_copy(m, &copy, NULL), RENA_OK);
    ck_assert_int_eq(copy->has_head_map, 1);
    ck_assert_float_eq(copy->head_map.b, m->head_map.b);

    /* the bytes are the documented version-2 layout, the map after the weights */
    unsigned char *d, *want;
    size_t size, want_size;
    ck_assert_int_eq(rena_model_encode(m, &d, &size, NULL), RENA_OK);
    want = encode_by_hand(m, 2, &m->head_map, &want_size);
    ck_assert_uint_eq(size, want_size);
    ck_assert_int_eq(memcmp(d, want, size), 0);
    ck_assert_int_eq(RENA_MODELFILE_VERSION, 2);
    /* what was loaded saves back to the very same bytes */
    unsigned char *again;
    size_t again_size;
    ck_assert_int_eq(rena_model_encode(back, &again, &again_size, NULL), RENA_OK);
    ck_assert_uint_eq(again_size, size);
    ck_assert_int_eq(memcmp(again, d, size), 0);
    free(again);
    free(d);
    free(want);
    /* a degenerate map (slope 0) reads back as degenerate */
    m->head_map = (rena_headmap){0.52f, 0.0f, 0.2f, 10, 1};
    ck_assert_int_eq(rena_model_save(m, path, &err), RENA_OK);
    rena_model_free(back);
    ck_assert_int_eq(rena_model_load(path, &back, &err), RENA_OK);
    ck_assert_int_eq(back->head_map.degenerate, 1);
    rena_workspace_free(w1);
    rena_workspace_free(w2);
    rena_model_free(copy);
    rena_model_free(back);
    rena_model_free(m);
}
END_TEST

START_TEST(version_1_files_load_without_a_map)
{
    char dir[512], path[600];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/old.rena", dir);
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_model *m = random_model((rena_arch)a, 24);
        m->info.best_epoch = 9;
        size_t size;
        unsigned char *old = encode_by_hand(m, 1, NULL, &size);
        ck_assert_int_eq(old[8], 1);
        FILE *f = fopen(path, "wb");
        ck_assert_uint_eq(fwrite(old, 1, size, f), size);
        fclose(f);
        rena_model *back = NULL;
        rena_error err;
        ck_assert_msg(rena_model_load(path, &back, &err) == RENA_OK, "%s", err.message);
        ck_assert_int_eq(back->has_head_map, 0);
        ck_assert_int_eq(back->info.best_epoch, 9);
        ck_assert_int_eq(memcmp(back->params, m->params, sizeof(float) * (size_t)m->n_params), 0);
        /* the network drives the head, as when the file was written */
        rena_workspace *w1 = rena_workspace_create(m), *w2 = rena_workspace_create(back);
        rena_features fr = random_features(1);
        float c1[RENA_NUM_SERVOS], c2[RENA_NUM_SERVOS];
        ck_assert_int_eq(rena_model_predict(m, w1, &fr, c1), RENA_OK);
        ck_assert_int_eq(rena_model_predict(back, w2, &fr, c2), RENA_OK);
        ck_assert_int_eq(memcmp(c1, c2, sizeof c1), 0);
        /* a model without a map is saved as version 1, byte for byte: older
         * builds keep reading it */
        unsigned char *d;
        size_t n;
        ck_assert_int_eq(rena_model_encode(back, &d, &n, NULL), RENA_OK);
        ck_assert_uint_eq(n, size);
        ck_assert_int_eq(memcmp(d, old, n), 0);
        free(d);
        free(old);
        rena_workspace_free(w1);
        rena_workspace_free(w2);
        rena_model_free(back);
        rena_model_free(m);
    }
}
END_TEST

START_TEST(damaged_head_maps_refused)
{
    char dir[512], path[600];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/badmap.rena", dir);
    rena_model *m = random_model(RENA_ARCH_KAN, 25);
    rena_headmap map = {0.5f, 0.4f, 0.01f, 100, 0};
    rena_error err;
    size_t size;
    unsigned char *d = encode_by_hand(m, 2, &map, &size);
    ck_assert_int_eq(load_bytes(path, d, size, &err), RENA_OK);
    /* a NaN slope, or a map fitted on no rows, behind a valid checksum */
    rena_headmap nan_map = map, no_rows = map, neg = map;
    nan_map.b = NAN;
    no_rows.n = 0;
    neg.rmse = -0.5f;
    const rena_headmap *bad[] = {&nan_map, &no_rows, &neg};
    for (int k = 0; k < 3; k++) {
        unsigned char *b = encode_by_hand(m, 2, bad[k], &size);
        ck_assert_int_eq(load_bytes(path, b, size, &err), RENA_ERR_RANGE);
        ck_assert_ptr_nonnull(strstr(err.where, "badmap.rena"));
        free(b);
    }
    /* version 2 claimed, map missing: the size does not match */
    unsigned char *v1 = encode_by_hand(m, 1, NULL, &size);
    put_u32_at(v1 + 8, 2);
    fix_crc(v1, size);
    ck_assert_int_eq(load_bytes(path, v1, size, &err), RENA_ERR_FORMAT);
    free(v1);
    /* landmark-mlp reads no head pose, so a map on it is a bad file */
    rena_model *lm = random_model(RENA_ARCH_LANDMARK_MLP, 25);
    unsigned char *b = encode_by_hand(lm, 2, &map, &size);
    ck_assert_int_eq(load_bytes(path, b, size, &err), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "head map"));
    free(b);
    /* ... and saving one drops it rather than writing such a file */
    lm->has_head_map = 1;
    lm->head_map = map;
    unsigned char *e;
    ck_assert_int_eq(rena_model_encode(lm, &e, &size, NULL), RENA_OK);
    ck_assert_int_eq(e[8], 1);
    ck_assert_int_eq(load_bytes(path, e, size, &err), RENA_OK);
    free(e);
    free(d);
    rena_model_free(lm);
    rena_model_free(m);
}
END_TEST

START_TEST(servo_error_metrics_by_hand)
{
    enum { N = 4 };
    float pred[N * RENA_NUM_SERVOS], truth[N * RENA_NUM_SERVOS];
    for (int i = 0; i < N * RENA_NUM_SERVOS; i++) {
        truth[i] = 0.5f;
        pred[i] = 0.5f;
    }
    /* sample 0 all off by 0.1; sample 1 only the jaw off by 0.5 */
    for (int s = 0; s < RENA_NUM_SERVOS; s++)
        pred[s] = 0.6f;
    pred[RENA_NUM_SERVOS + RENA_SERVO_JAW_L] = 1.0f;
    rena_servo_error e;
    ck_assert_int_eq(rena_servo_error_compute(pred, truth, N, &e, NULL), RENA_OK);
    double sq = 25 * 0.01 + 0.25;
    ck_assert_double_eq_tol(e.rmse, sqrt(sq / (N * 25)), 1e-6);
    ck_assert_double_eq_tol(e.mae, (25 * 0.1 + 0.5) / (N * 25), 1e-6);
    ck_assert_double_eq_tol(e.max_abs, 0.5, 1e-6);
    ck_assert_double_eq_tol(e.servo_rmse[RENA_SERVO_JAW_L], sqrt((0.01 + 0.25) / N), 1e-6);
    ck_assert_double_eq_tol(e.region_rmse[RENA_REGION_HEAD], sqrt(0.01 / N), 1e-6);
    ck_assert_double_eq_tol(e.region_rmse[RENA_REGION_MOUTH], sqrt((12 * 0.01 + 0.25) / (N * 12.0)),
                            1e-6);
    /* the paper's figure: MSE 0.0020 reads as a 4.4% error rate */
    ck_assert_double_eq_tol(100 * sqrt(0.0020), 4.47, 0.01);

    double per[N], thr[4] = {0.0, 0.05, 0.11, 0.2}, frac[4];
    rena_servo_error_per_sample(pred, truth, N, per);
    ck_assert_double_eq_tol(per[0], 0.1, 1e-6);
    ck_assert_double_eq_tol(per[1], 0.1, 1e-6); /* sqrt(0.25 / 25) */
    ck_assert_double_eq_tol(per[2], 0.0, 1e-9);
    ck_assert_int_eq(rena_servo_error_ced(per, N, thr, 4, frac, NULL), RENA_OK);
    ck_assert_double_eq_tol(frac[0], 0.5, 1e-9);
    ck_assert_double_eq_tol(frac[1], 0.5, 1e-9);
    ck_assert_double_eq_tol(frac[2], 1.0, 1e-9);
    ck_assert_double_eq_tol(frac[3], 1.0, 1e-9);

    pred[7] = NAN;
    rena_error err;
    ck_assert_int_eq(rena_servo_error_compute(pred, truth, N, &e, &err), RENA_ERR_RANGE);
    ck_assert_int_eq(rena_servo_error_compute(pred, truth, 0, &e, &err), RENA_ERR_ARG);
}
END_TEST

START_TEST(arch_names_round_trip)
{
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_arch back;
        ck_assert_int_eq(rena_arch_parse(rena_arch_name((rena_arch)a), &back), 0);
        ck_assert_int_eq(back, a);
    }
    rena_arch x;
    ck_assert_int_eq(rena_arch_parse("transformer", &x), -1);
    rena_model_hparams hp;
    rena_model_hparams_default(RENA_ARCH_KAN, &hp);
    hp.grid_size = 0;
    rena_error err;
    ck_assert_int_eq(rena_model_hparams_check(&hp, &err), RENA_ERR_ARG);
    ck_assert_str_eq(err.where, "grid");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, save_load_predict_identical);
    tcase_add_test(tc, damaged_files_refused_with_the_file_named);
    tcase_add_test(tc, predict_is_safe_on_bad_input);
    tcase_add_test(tc, workspace_of_another_model_refused);
    tcase_add_test(tc, batched_and_threaded_predictions_match_single);
    tcase_add_test(tc, landmark_input_ignores_position_and_scale);
    tcase_add_test(tc, model_file_keeps_the_head_map);
    tcase_add_test(tc, version_1_files_load_without_a_map);
    tcase_add_test(tc, damaged_head_maps_refused);
    tcase_add_test(tc, servo_error_metrics_by_hand);
    tcase_add_test(tc, arch_names_round_trip);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
