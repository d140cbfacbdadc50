/* fuzz_npy.c: NumPy .npy files (core/npy.h) as a dataset folder holds
 * them. An accepted array must be self-consistent and survive a round trip
 * through the writer unchanged. */
#include "fuzz_util.h"
#include "npy.h"

rena_status fuzz_npy_one(const uint8_t *data, size_t size);

static void npy_check_array(const rena_npy_array *a)
{
    FUZZ_REQUIRE(a->dtype == RENA_NPY_F32 || a->dtype == RENA_NPY_I32, "dtype %d", (int)a->dtype);
    FUZZ_REQUIRE(a->ndim >= 0 && a->ndim <= RENA_NPY_MAX_DIMS, "ndim %d", a->ndim);
    long count = 1;
    for (int d = 0; d < a->ndim; d++) {
        FUZZ_REQUIRE(a->shape[d] >= 0, "shape[%d] = %ld", d, a->shape[d]);
        count *= a->shape[d];
    }
    FUZZ_REQUIRE(a->count == count, "count %ld, shape says %ld", a->count, count);
    FUZZ_REQUIRE(a->data != NULL, "accepted without data");
    /* touch every element so ASan sees an allocation shorter than count */
    const uint32_t *v = a->data;
    uint32_t sum = 0;
    for (long i = 0; i < a->count; i++)
        sum ^= v[i];
    (void)sum;
}

static void npy_check_round_trip(const rena_npy_array *a)
{
    unsigned char *buf = NULL;
    size_t size = 0;
    rena_error err;
    rena_error_clear(&err);
    rena_status st =
        rena_npy_encode("fuzz", a->dtype, a->ndim, a->shape, a->data, &buf, &size, &err);
    fuzz_require_status(st, &err);
    FUZZ_REQUIRE(st == RENA_OK, "an accepted array cannot be written back: %s", err.message);
    rena_npy_array b;
    st = rena_npy_decode("fuzz", buf, size, &b, &err);
    fuzz_require_status(st, &err);
    FUZZ_REQUIRE(st == RENA_OK, "the writer's own output is refused: %s", err.message);
    FUZZ_REQUIRE(b.dtype == a->dtype && b.ndim == a->ndim && b.count == a->count,
                 "round trip changed dtype, rank or count");
    FUZZ_REQUIRE(!memcmp(b.shape, a->shape, sizeof(long) * (size_t)a->ndim),
                 "round trip changed the shape");
    FUZZ_REQUIRE(!memcmp(b.data, a->data, (size_t)a->count * 4), "round trip changed the data");
    rena_npy_free(&b);
    free(buf);
}

rena_status fuzz_npy_one(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_exact_copy(data, size);
    rena_npy_array a;
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_npy_decode("fuzz.npy", copy, size, &a, &err);
    fuzz_require_status(st, &err);
    if (st == RENA_OK) {
        npy_check_array(&a);
        npy_check_round_trip(&a);
    }
    rena_npy_free(&a);
    free(copy);
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_npy_one(data, size);
    return 0;
}
#endif
