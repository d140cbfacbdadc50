/* fuzz_calibration.c: calibration files (hw/calibration.h), parsed from an
 * exact-size buffer that is not NUL-terminated, as a file read would give.
 * An accepted calibration must validate, and map every command, NaN and
 * infinities included, to ticks inside each servo's limits. */
#include <math.h>

#include "calibration.h"
#include "fuzz_util.h"

rena_status fuzz_calibration_one(const uint8_t *data, size_t size);

static void calibration_check(const rena_calibration *cal)
{
    rena_error err;
    rena_error_clear(&err);
    FUZZ_REQUIRE(rena_calibration_validate(cal, "fuzz", &err) == RENA_OK,
                 "accepted a calibration that does not validate: %s", err.message);
    static const float cmds[] = {-INFINITY, -1e30f, -0.0f, 0.0f, 1e-40f,
                                 0.5f,      1.0f,   1.5f,  INFINITY, NAN};
    for (int s = 0; s < RENA_NUM_SERVOS; s++) {
        const rena_calibration_servo *c = &cal->servo[s];
        for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
            int t = rena_calibration_to_ticks(cal, s, cmds[k]);
            FUZZ_REQUIRE(t >= c->min_ticks && t <= c->max_ticks, "servo %d command %g -> %d ticks",
                         s, (double)cmds[k], t);
        }
        float n = rena_calibration_neutral(cal, s);
        FUZZ_REQUIRE(isfinite(n) && n >= 0.0f && n <= 1.0f, "servo %d neutral %g", s, (double)n);
        FUZZ_REQUIRE(rena_calibration_find_id(cal, c->id) == s, "ID %d does not find servo %d",
                     c->id, s);
    }
}

rena_status fuzz_calibration_one(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_exact_copy(data, size);
    rena_calibration cal;
    rena_calibration_default(&cal);
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_calibration_parse((const char *)copy, size, "fuzz.json", &cal, &err);
    fuzz_require_status(st, &err);
    calibration_check(&cal); /* the default when refused, the file's when accepted */
    free(copy);
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_calibration_one(data, size);
    return 0;
}
#endif
