#include "npy.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64          /* numpy's ARRAY_ALIGN */
#define NPY_GROWTH_DIGITS 21  /* numpy's GROWTH_AXIS_MAX_DIGITS */
#define NPY_ITEM_SIZE 4

const char *rena_npy_descr(rena_npy_dtype dtype) { return dtype == RENA_NPY_I32 ? "<i4" : "<f4"; }

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const unsigned char *)&probe == 1;
}

/* Copies n 4-byte items, swapping byte order when the host is big-endian
 * (the files are always little-endian). */
static void copy_le32(void *dst, const void *src, long n)
{
    memcpy(dst, src, (size_t)n * NPY_ITEM_SIZE);
    if (host_is_little_endian())
        return;
    unsigned char *p = dst;
    for (long i = 0; i < n; i++, p += 4) {
        unsigned char t0 = p[0], t1 = p[1];
        p[0] = p[3];
        p[1] = p[2];
        p[2] = t1;
        p[3] = t0;
    }
}

/* Number of elements, or -1 on overflow / negative extents. */
static long shape_count(int ndim, const long *shape)
{
    long n = 1;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] < 0)
            return -1;
        if (shape[d] != 0 && n > LONG_MAX / NPY_ITEM_SIZE / shape[d])
            return -1;
        n *= shape[d];
    }
    return n;
}

/* Python's repr of the shape tuple: "()", "(3,)", "(3, 25)". */
static void shape_repr(int ndim, const long *shape, char *out, size_t size)
{
    size_t len = (size_t)snprintf(out, size, "(");
    for (int d = 0; d < ndim && len < size; d++)
        len += (size_t)snprintf(out + len, size - len, d ? ", %ld" : "%ld", shape[d]);
    if (len < size)
        snprintf(out + len, size - len, ndim == 1 ? ",)" : ")");
}

rena_status rena_npy_encode(const char *where, rena_npy_dtype dtype, int ndim, const long *shape,
                            const void *data, unsigned char **buf, size_t *size, rena_error *err)
{
    *buf = NULL;
    *size = 0;
    if (ndim < 0 || ndim > RENA_NPY_MAX_DIMS || (ndim > 0 && !shape))
        return rena_error_set(err, RENA_ERR_ARG, where, "rank %d is not 0..%d", ndim,
                              RENA_NPY_MAX_DIMS);
    if (dtype != RENA_NPY_F32 && dtype != RENA_NPY_I32)
        return rena_error_set(err, RENA_ERR_ARG, where, "unsupported dtype %d", (int)dtype);
    long count = shape_count(ndim, shape);
    if (count < 0)
        return rena_error_set(err, RENA_ERR_ARG, where, "invalid or too large shape");
    if (count > 0 && !data)
        return rena_error_set(err, RENA_ERR_ARG, where, "no data for %ld elements", count);

    char tuple[RENA_NPY_MAX_DIMS * 24 + 8], header[512];
    shape_repr(ndim, shape, tuple, sizeof tuple);
    int hl = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      rena_npy_descr(dtype), tuple);
    if (ndim > 0) {
        char first[24];
        int spare = NPY_GROWTH_DIGITS - snprintf(first, sizeof first, "%ld", shape[0]);
        hl += snprintf(header + hl, sizeof header - (size_t)hl, "%*s", spare > 0 ? spare : 0, "");
    }
    size_t hlen = (size_t)hl + 1; /* + '\n' */
    size_t pad = NPY_ALIGN - ((NPY_MAGIC_LEN + 2 + 2 + hlen) % NPY_ALIGN);
    size_t head = NPY_MAGIC_LEN + 2 + 2 + hlen + pad;
    size_t total = head + (size_t)count * NPY_ITEM_SIZE;
    unsigned char *b = malloc(total ? total : 1);
    if (!b)
        return rena_error_set(err, RENA_ERR_NOMEM, where, "out of memory encoding %zu bytes", total);
    memcpy(b, NPY_MAGIC, NPY_MAGIC_LEN);
    b[6] = 1;
    b[7] = 0;
    b[8] = (unsigned char)((hlen + pad) & 0xff);
    b[9] = (unsigned char)((hlen + pad) >> 8);
    memcpy(b + 10, header, (size_t)hl);
    memset(b + 10 + hl, ' ', pad);
    b[head - 1] = '\n';
    if (count > 0)
        copy_le32(b + head, data, count);
    *buf = b;
    *size = total;
    return RENA_OK;
}

rena_status rena_npy_write(const char *path, rena_npy_dtype dtype, int ndim, const long *shape,
                           const void *data, rena_error *err)
{
    unsigned char *buf;
    size_t size;
    rena_status st = rena_npy_encode(path, dtype, ndim, shape, data, &buf, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_atomic_write(path, buf, size, err);
    free(buf);
    return st;
}

/* ---- header dictionary parsing: a tiny subset of Python literals ---- */

typedef struct {
    const char *p, *end;
    const char *where;
    rena_error *err;
} hparser;

static void skip_space(hparser *h)
{
    while (h->p < h->end && isspace((unsigned char)*h->p))
        h->p++;
}

static int expect_char(hparser *h, char c)
{
    skip_space(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return 1;
    }
    return 0;
}

static rena_status bad_header(hparser *h, const char *what)
{
    return rena_error_set(h->err, RENA_ERR_FORMAT, h->where, "bad .npy header: %s", what);
}

static rena_status parse_string(hparser *h, char *out, size_t size)
{
    skip_space(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return bad_header(h, "expected a quoted string");
    char quote = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != quote) {
        if (n + 1 >= size)
            return bad_header(h, "string too long");
        out[n++] = *h->p++;
    }
    if (h->p >= h->end)
        return bad_header(h, "unterminated string");
    h->p++;
    out[n] = '\0';
    return RENA_OK;
}

static rena_status parse_bool(hparser *h, int *out)
{
    skip_space(h);
    size_t left = (size_t)(h->end - h->p);
    if (left >= 4 && !strncmp(h->p, "True", 4)) {
        h->p += 4;
        *out = 1;
        return RENA_OK;
    }
    if (left >= 5 && !strncmp(h->p, "False", 5)) {
        h->p += 5;
        *out = 0;
        return RENA_OK;
    }
    return bad_header(h, "fortran_order is not True or False");
}

static rena_status parse_shape(hparser *h, int *ndim, long *shape)
{
    if (!expect_char(h, '('))
        return bad_header(h, "shape is not a tuple");
    *ndim = 0;
    for (;;) {
        skip_space(h);
        if (expect_char(h, ')'))
            return RENA_OK;
        if (h->p >= h->end || !isdigit((unsigned char)*h->p))
            return bad_header(h, "shape holds something other than whole numbers");
        if (*ndim >= RENA_NPY_MAX_DIMS)
            return rena_error_set(h->err, RENA_ERR_UNSUPPORTED, h->where,
                                  "arrays of rank > %d are not supported", RENA_NPY_MAX_DIMS);
        long v = 0;
        while (h->p < h->end && isdigit((unsigned char)*h->p)) {
            if (v > (LONG_MAX - 9) / 10)
                return bad_header(h, "shape extent too large");
            v = v * 10 + (*h->p++ - '0');
        }
        shape[(*ndim)++] = v;
        if (!expect_char(h, ',')) {
            if (!expect_char(h, ')'))
                return bad_header(h, "shape tuple is not closed");
            return RENA_OK;
        }
    }
}

static rena_status parse_dtype(hparser *h, const char *descr, rena_npy_dtype *dtype)
{
    if (!strcmp(descr, "<f4")) {
        *dtype = RENA_NPY_F32;
        return RENA_OK;
    }
    if (!strcmp(descr, "<i4")) {
        *dtype = RENA_NPY_I32;
        return RENA_OK;
    }
    return rena_error_set(h->err, RENA_ERR_FORMAT, h->where,
                          "dtype '%s' is not supported (expected '<f4' or '<i4')", descr);
}

static rena_status parse_dict(hparser *h, rena_npy_array *out)
{
    int seen_descr = 0, seen_order = 0, seen_shape = 0, fortran = 0;
    rena_status st;
    if (!expect_char(h, '{'))
        return bad_header(h, "not a dictionary");
    while (!expect_char(h, '}')) {
        char key[32], descr[32];
        if ((st = parse_string(h, key, sizeof key)) != RENA_OK)
            return st;
        if (!expect_char(h, ':'))
            return bad_header(h, "expected ':' after a key");
        if (!strcmp(key, "descr") && !seen_descr++) {
            if ((st = parse_string(h, descr, sizeof descr)) != RENA_OK ||
                (st = parse_dtype(h, descr, &out->dtype)) != RENA_OK)
                return st;
        } else if (!strcmp(key, "fortran_order") && !seen_order++) {
            if ((st = parse_bool(h, &fortran)) != RENA_OK)
                return st;
        } else if (!strcmp(key, "shape") && !seen_shape++) {
            if ((st = parse_shape(h, &out->ndim, out->shape)) != RENA_OK)
                return st;
        } else {
            return rena_error_set(h->err, RENA_ERR_FORMAT, h->where,
                                  "bad .npy header: unexpected or repeated key '%s'", key);
        }
        if (!expect_char(h, ',')) {
            if (!expect_char(h, '}'))
                return bad_header(h, "expected ',' or '}'");
            break;
        }
    }
    skip_space(h);
    if (h->p != h->end)
        return bad_header(h, "text after the dictionary");
    if (!seen_descr || !seen_order || !seen_shape)
        return bad_header(h, "missing 'descr', 'fortran_order' or 'shape'");
    if (fortran)
        return rena_error_set(h->err, RENA_ERR_FORMAT, h->where,
                              "Fortran-order arrays are not supported (save in C order)");
    return RENA_OK;
}

static uint32_t read_le(const unsigned char *p, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

rena_status rena_npy_decode(const char *where, const unsigned char *buf, size_t size,
                            rena_npy_array *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    if (size < 10 || memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "not a .npy file (bad magic)");
    int major = buf[6];
    if (major != 1 && major != 2)
        return rena_error_set(err, RENA_ERR_VERSION, where,
                              ".npy format version %d.%d is not supported (1.0 or 2.0)", major, buf[7]);
    size_t prefix = major == 1 ? 10 : 12;
    if (size < prefix)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "truncated .npy header");
    size_t hlen = read_le(buf + 8, major == 1 ? 2 : 4);
    if (hlen > size - prefix)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "truncated .npy header (%zu bytes announced, %zu present)", hlen,
                              size - prefix);
    const char *text = (const char *)buf + prefix;
    if (hlen == 0 || text[hlen - 1] != '\n')
        return rena_error_set(err, RENA_ERR_FORMAT, where, "bad .npy header: no final newline");
    hparser h = {text, text + hlen - 1, where, err};
    rena_status st = parse_dict(&h, out);
    if (st != RENA_OK)
        return st;
    out->count = shape_count(out->ndim, out->shape);
    if (out->count < 0)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "shape too large");
    size_t have = size - prefix - hlen, want = (size_t)out->count * NPY_ITEM_SIZE;
    if (have != want)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "%s: data holds %zu bytes but the shape needs %zu",
                              have < want ? "truncated" : "extra bytes", have, want);
    out->data = malloc(want ? want : 1);
    if (!out->data)
        return rena_error_set(err, RENA_ERR_NOMEM, where, "out of memory (%zu bytes)", want);
    copy_le32(out->data, buf + prefix + hlen, out->count);
    return RENA_OK;
}

rena_status rena_npy_read(const char *path, rena_npy_array *out, rena_error *err)
{
    unsigned char *buf;
    size_t size;
    memset(out, 0, sizeof *out);
    rena_status st = rena_read_file(path, &buf, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_npy_decode(path, buf, size, out, err);
    free(buf);
    if (st != RENA_OK)
        rena_npy_free(out);
    return st;
}

void rena_npy_free(rena_npy_array *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}
