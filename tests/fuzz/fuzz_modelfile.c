/* fuzz_modelfile.c: model files (core/modelfile.h). Each input is decoded
 * twice: as it is (so the magic, size and CRC checks are exercised) and with
 * its trailing CRC-32 recomputed, so mutations reach the header and weights
 * behind the checksum. An accepted model must predict finite commands in
 * [0,1], let its head map (if any) drive the head-yaw servo, and encode
 * back to the very same bytes. */
#include <math.h>
#include <zlib.h>

#include "fuzz_util.h"
#include "headmap.h"
#include "model.h"
#include "modelfile.h"

rena_status fuzz_modelfile_one(const uint8_t *data, size_t size);

static void model_check_predict(const rena_model *m)
{
    FUZZ_REQUIRE(m->n_in == rena_model_input_count(m->hp.arch), "%d inputs for %s", m->n_in,
                 rena_arch_name(m->hp.arch));
    rena_workspace *ws = rena_workspace_create(m);
    FUZZ_REQUIRE(ws != NULL, "no workspace for an accepted model");
    static const float probes[] = {0.0f, 0.5f, 1.0f, -1e30f, NAN};
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        rena_features f;
        memset(&f, 0, sizeof f);
        f.valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
        for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
            f.blendshapes[k] = probes[p];
        for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
            f.landmarks[k][0] = probes[p] + (float)k; /* not all equal: the RMS is not 0 */
            f.landmarks[k][1] = probes[p] - (float)(k % 7);
        }
        for (int k = 0; k < 3; k++)
            f.head_pose[k] = probes[p];
        float cmd[RENA_NUM_SERVOS];
        rena_status st = rena_model_predict(m, ws, &f, cmd);
        FUZZ_REQUIRE(st == RENA_OK, "predict failed with %d on probe %zu", (int)st, p);
        for (int s = 0; s < RENA_NUM_SERVOS; s++)
            FUZZ_REQUIRE(isfinite(cmd[s]) && cmd[s] >= 0.0f && cmd[s] <= 1.0f,
                         "probe %zu: command %d = %g", p, s, (double)cmd[s]);
        if (rena_model_uses_head_map(m)) {
            float want = rena_headmap_apply(&m->head_map, f.head_pose[0]);
            FUZZ_REQUIRE(cmd[RENA_SERVO_HEAD_YAW] == want,
                         "probe %zu: head yaw %g, but the head map says %g", p,
                         (double)cmd[RENA_SERVO_HEAD_YAW], (double)want);
        }
    }
    rena_workspace_free(ws);
}

static void model_check_round_trip(const rena_model *m, const uint8_t *data, size_t size)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_model_encode(m, &buf, &n, &err);
    FUZZ_REQUIRE(st == RENA_OK, "an accepted model cannot be encoded: %s", err.message);
    FUZZ_REQUIRE(n == size && !memcmp(buf, data, size),
                 "re-encoding changed the file (%zu -> %zu bytes)", size, n);
    free(buf);
}

static rena_status model_decode(const uint8_t *data, size_t size)
{
    rena_model *m = NULL;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_model_decode(data, size, "fuzz.rena", &m, &err);
    fuzz_require_status(st, &err);
    FUZZ_REQUIRE((st == RENA_OK) == (m != NULL), "status %d with model %p", (int)st, (void *)m);
    if (m) {
        model_check_predict(m);
        model_check_round_trip(m, data, size);
    }
    rena_model_free(m);
    return st;
}

rena_status fuzz_modelfile_one(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_exact_copy(data, size);
    rena_status st = model_decode(copy, size);
    if (size >= 4 && st == RENA_ERR_CHECKSUM) {
        uint32_t crc = (uint32_t)crc32(0L, copy, (uInt)(size - 4));
        for (int i = 0; i < 4; i++)
            copy[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
        st = model_decode(copy, size);
        FUZZ_REQUIRE(st != RENA_ERR_CHECKSUM, "CRC still wrong after fixing it");
    }
    free(copy);
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_modelfile_one(data, size);
    return 0;
}
#endif
