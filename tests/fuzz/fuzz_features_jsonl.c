/* fuzz_features_jsonl.c: performer blendshapes as JSON Lines (core/features_io.h),
 * read leniently (clamping) and strictly. */
#include "fuzz_features.h"

rena_status fuzz_features_jsonl_one(const uint8_t *data, size_t size);

rena_status fuzz_features_jsonl_one(const uint8_t *data, size_t size)
{
    rena_status lenient = fuzz_features_read(data, size, RENA_FEATURES_JSONL, 0);
    rena_status strict = fuzz_features_read(data, size, RENA_FEATURES_JSONL, 1);
    /* strict refuses more, never less: if it read to the end, so did lenient */
    FUZZ_REQUIRE(strict != RENA_ERR_NOT_FOUND || lenient == RENA_ERR_NOT_FOUND,
                 "strict read it all (%d) but lenient stopped with %d", (int)strict, (int)lenient);
    return lenient;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_features_jsonl_one(data, size);
    return 0;
}
#endif
