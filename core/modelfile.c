#include "modelfile.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "atomicfile.h"

static const char MAGIC[8] = {'R', 'E', 'N', 'A', 'M', 'O', 'D', 'L'};
/* magic, version, arch, 6 ints, 2 floats, info (4+8+4+4+4+4), n_in, n_params */
#define HEADER_SIZE (8 + 4 + 4 + 6 * 4 + 2 * 4 + 28 + 4 + 8)
/* version 2: the head map after the weights: f32 a, f32 b, f32 rmse, i32 n */
#define HEAD_MAP_SIZE 16
/* the first version this build reads: version 1 is version 2 without a map */
#define OLDEST_VERSION 1

typedef struct {
    unsigned char *p;
} writer;

static void put_u32(writer *w, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *w->p++ = (unsigned char)(v >> (8 * i));
}

static void put_u64(writer *w, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        *w->p++ = (unsigned char)(v >> (8 * i));
}

static void put_f32(writer *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(w, v);
}

typedef struct {
    const unsigned char *p;
} reader;

static uint32_t get_u32(reader *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)*r->p++ << (8 * i);
    return v;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)*r->p++ << (8 * i);
    return v;
}

static float get_f32(reader *r)
{
    uint32_t v = get_u32(r);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static size_t file_size(uint32_t version, size_t n_in, size_t n_params)
{
    return HEADER_SIZE + 4 * (2 * n_in + n_params) + (version >= 2 ? HEAD_MAP_SIZE : 0) + 4;
}

/* A model without a head map is written as version 1, which every earlier
 * build reads, so the format moves only when there is something new in it. */
static uint32_t version_for(const rena_model *m)
{
    return rena_model_uses_head_map(m) ? RENA_MODELFILE_VERSION : 1;
}

rena_status rena_model_encode(const rena_model *m, unsigned char **data, size_t *size,
                              rena_error *err)
{
    uint32_t version = version_for(m);
    size_t total = file_size(version, (size_t)m->n_in, (size_t)m->n_params);
    unsigned char *buf = malloc(total);
    if (!buf)
        return rena_error_set(err, RENA_ERR_NOMEM, "model", "no memory for %zu bytes", total);
    writer w = {buf};
    memcpy(w.p, MAGIC, 8);
    w.p += 8;
    put_u32(&w, version);
    put_u32(&w, (uint32_t)m->hp.arch);
    int ints[6] = {m->hp.d_model,   m->hp.token_out, m->hp.hidden[0],
                   m->hp.hidden[1], m->hp.grid_size, m->hp.spline_order};
    for (int i = 0; i < 6; i++)
        put_u32(&w, (uint32_t)ints[i]);
    put_f32(&w, m->hp.grid_lo);
    put_f32(&w, m->hp.grid_hi);
    put_f32(&w, m->info.lambda);
    put_u64(&w, m->info.seed);
    put_u32(&w, (uint32_t)m->info.epochs);
    put_u32(&w, (uint32_t)m->info.best_epoch);
    put_f32(&w, m->info.val_loss);
    put_u32(&w, (uint32_t)m->info.n_train);
    put_u32(&w, (uint32_t)m->n_in);
    put_u64(&w, (uint64_t)m->n_params);
    for (int i = 0; i < m->n_in; i++)
        put_f32(&w, m->in_mean[i]);
    for (int i = 0; i < m->n_in; i++)
        put_f32(&w, m->in_scale[i]);
    for (long i = 0; i < m->n_params; i++)
        put_f32(&w, m->params[i]);
    if (version >= 2) {
        put_f32(&w, m->head_map.a);
        put_f32(&w, m->head_map.b);
        put_f32(&w, m->head_map.rmse);
        put_u32(&w, (uint32_t)m->head_map.n);
    }
    put_u32(&w, (uint32_t)crc32(0L, buf, (uInt)(total - 4)));
    *data = buf;
    *size = total;
    return RENA_OK;
}

static rena_status read_header(reader *r, const char *name, uint32_t *version,
                               rena_model_hparams *hp, rena_model_info *info, rena_error *err)
{
    *version = get_u32(r);
    if (*version < OLDEST_VERSION || *version > RENA_MODELFILE_VERSION)
        return rena_error_set(err, RENA_ERR_VERSION, name,
                              "model file format version %u, this build reads versions %d-%d",
                              *version, OLDEST_VERSION, RENA_MODELFILE_VERSION);
    memset(hp, 0, sizeof *hp);
    uint32_t arch = get_u32(r);
    if (arch < RENA_ARCH_FIRST || arch > RENA_ARCH_LAST)
        return rena_error_set(err, RENA_ERR_VERSION, name,
                              "architecture id %u is unknown to this build", arch);
    hp->arch = (rena_arch)arch;
    hp->d_model = (int32_t)get_u32(r);
    hp->token_out = (int32_t)get_u32(r);
    hp->hidden[0] = (int32_t)get_u32(r);
    hp->hidden[1] = (int32_t)get_u32(r);
    hp->grid_size = (int32_t)get_u32(r);
    hp->spline_order = (int32_t)get_u32(r);
    hp->grid_lo = get_f32(r);
    hp->grid_hi = get_f32(r);
    info->lambda = get_f32(r);
    info->seed = get_u64(r);
    info->epochs = (int32_t)get_u32(r);
    info->best_epoch = (int32_t)get_u32(r);
    info->val_loss = get_f32(r);
    info->n_train = (int32_t)get_u32(r);
    return RENA_OK;
}

static rena_status read_head_map(reader *r, uint32_t version, rena_model *m, const char *name,
                                 rena_error *err)
{
    if (version < 2)
        return RENA_OK; /* older files have no map: the network drives the head */
    if (rena_arch_uses_landmarks(m->hp.arch))
        return rena_error_set(err, RENA_ERR_FORMAT, name,
                              "%s reads no head pose, yet the file has a head map",
                              rena_arch_name(m->hp.arch));
    m->head_map.a = get_f32(r);
    m->head_map.b = get_f32(r);
    m->head_map.rmse = get_f32(r);
    m->head_map.n = (int32_t)get_u32(r);
    m->head_map.degenerate = m->head_map.b == 0.0f;
    m->has_head_map = 1;
    return rena_headmap_check(&m->head_map, name, err);
}

static rena_status check_values(const rena_model *m, const char *name, rena_error *err)
{
    for (int i = 0; i < m->n_in; i++)
        if (!isfinite(m->in_mean[i]) || !isfinite(m->in_scale[i]) || !(m->in_scale[i] > 0.0f))
            return rena_error_set(err, RENA_ERR_RANGE, name,
                                  "input normalisation %d is not finite and positive", i);
    for (long i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i]))
            return rena_error_set(err, RENA_ERR_RANGE, name, "weight %ld is not finite", i);
    return RENA_OK;
}

rena_status rena_model_decode(const unsigned char *data, size_t size, const char *name,
                              rena_model **out, rena_error *err)
{
    *out = NULL;
    if (size < 8 || memcmp(data, MAGIC, 8) != 0)
        return rena_error_set(err, RENA_ERR_FORMAT, name, "not a rena model file (bad magic)");
    if (size < HEADER_SIZE + 4)
        return rena_error_set(err, RENA_ERR_FORMAT, name,
                              "truncated: %zu bytes, a model header alone needs %d", size,
                              HEADER_SIZE + 4);
    reader r = {data + 8};
    uint32_t version;
    rena_model_hparams hp;
    rena_model_info info;
    rena_status st = read_header(&r, name, &version, &hp, &info, err);
    if (st != RENA_OK)
        return st;
    uint32_t n_in = get_u32(&r);
    uint64_t n_params = get_u64(&r);
    if (n_in > 100000 || n_params > ((uint64_t)1 << 32))
        return rena_error_set(err, RENA_ERR_FORMAT, name, "implausible sizes (%u inputs, %llu weights)",
                              n_in, (unsigned long long)n_params);
    size_t want = file_size(version, n_in, (size_t)n_params);
    if (size != want)
        return rena_error_set(err, RENA_ERR_FORMAT, name,
                              "%s: %zu bytes, the header promises %zu",
                              size < want ? "truncated" : "trailing bytes", size, want);
    uint32_t stored = (uint32_t)data[size - 4] | (uint32_t)data[size - 3] << 8 |
                      (uint32_t)data[size - 2] << 16 | (uint32_t)data[size - 1] << 24;
    if (stored != (uint32_t)crc32(0L, data, (uInt)(size - 4)))
        return rena_error_set(err, RENA_ERR_CHECKSUM, name,
                              "CRC-32 mismatch: the file is corrupted");
    rena_error why;
    if (rena_model_hparams_check(&hp, &why) != RENA_OK)
        return rena_error_set(err, RENA_ERR_FORMAT, name, "bad hyper-parameters: %s: %s",
                              why.where, why.message);
    rena_model *m;
    st = rena_model_create(&hp, 0, &m, err);
    if (st != RENA_OK)
        return st;
    if ((long)n_in != m->n_in || (long)n_params != m->n_params) {
        rena_error_set(err, RENA_ERR_FORMAT, name,
                       "%s with these sizes has %d inputs and %ld weights, the file %u and %llu",
                       rena_arch_name(hp.arch), m->n_in, m->n_params, n_in,
                       (unsigned long long)n_params);
        rena_model_free(m);
        return RENA_ERR_FORMAT;
    }
    m->info = info;
    for (uint32_t i = 0; i < n_in; i++)
        m->in_mean[i] = get_f32(&r);
    for (uint32_t i = 0; i < n_in; i++)
        m->in_scale[i] = get_f32(&r);
    for (uint64_t i = 0; i < n_params; i++)
        m->params[i] = get_f32(&r);
    st = read_head_map(&r, version, m, name, err);
    if (st == RENA_OK)
        st = check_values(m, name, err);
    if (st != RENA_OK) {
        rena_model_free(m);
        return st;
    }
    *out = m;
    return RENA_OK;
}

rena_status rena_model_save(const rena_model *m, const char *path, rena_error *err)
{
    unsigned char *data;
    size_t size;
    rena_status st = rena_model_encode(m, &data, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_atomic_write(path, data, size, err);
    free(data);
    return st;
}

rena_status rena_model_load(const char *path, rena_model **out, rena_error *err)
{
    unsigned char *data;
    size_t size;
    *out = NULL;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_model_decode(data, size, path, out, err);
    free(data);
    return st;
}
