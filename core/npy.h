/* npy.h: NumPy .npy files (format 1.0) holding little-endian float32 ('<f4')
 * or int32 ('<i4') arrays in C order, rank 0..4.
 *
 * The writer lays the header out exactly as numpy.save does (keys in sorted
 * order, 21 spare spaces for growing the first axis, padding to 64 bytes), so
 * a file is byte-for-byte what np.save would write for the same array. The
 * reader accepts versions 1.0 and 2.0 and refuses anything it cannot vouch
 * for: bad magic, other dtypes, Fortran order, and data that is shorter or
 * longer than the shape says. Errors name the file. */
#ifndef RENA_NPY_H
#define RENA_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define RENA_NPY_MAX_DIMS 4

typedef enum { RENA_NPY_F32 = 0, RENA_NPY_I32 = 1 } rena_npy_dtype;

/* An array read from a file; data is malloc'd (ndim 0 = one scalar). */
typedef struct {
    rena_npy_dtype dtype;
    int ndim;
    long shape[RENA_NPY_MAX_DIMS];
    long count;  /* product of shape[0..ndim) */
    void *data;  /* count * 4 bytes, host byte order; float* or int32_t* by dtype */
} rena_npy_array;

/* Encodes an array into a malloc'd buffer (*buf, *size): header + data.
 * `where` names the destination for errors. */
rena_status rena_npy_encode(const char *where, rena_npy_dtype dtype, int ndim, const long *shape,
                            const void *data, unsigned char **buf, size_t *size, rena_error *err);

/* Writes the array to path atomically (core/atomicfile.h). */
rena_status rena_npy_write(const char *path, rena_npy_dtype dtype, int ndim, const long *shape,
                           const void *data, rena_error *err);

/* Parses the bytes of a whole .npy file; `where` names it in errors. */
rena_status rena_npy_decode(const char *where, const unsigned char *buf, size_t size,
                            rena_npy_array *out, rena_error *err);

/* Reads and parses path. */
rena_status rena_npy_read(const char *path, rena_npy_array *out, rena_error *err);

void rena_npy_free(rena_npy_array *a);

/* "'<f4'" style descriptor of a dtype, without quotes: "<f4" or "<i4". */
const char *rena_npy_descr(rena_npy_dtype dtype);

#endif
