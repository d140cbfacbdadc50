/* dataset.c: the reading side of the dataset -- split, meta.json, loading a
 * split. Writing is dataset_write.c, joining shards dataset_merge.c. */
#include "dataset.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "atomicfile.h"
#include "npy.h"
#include "rng.h"

/* Keys the split permutation apart from the sample streams of the same seed. */
#define SPLIT_SALT 0x5350304C49545F31ULL

/* Positions in rena_dataset_files. */
enum { COMMANDS_FILE = 0, POSITIONS_FILE = 1, INDEX_FILE = RENA_DATASET_NUM_FILES - 1 };

const char *const rena_dataset_files[RENA_DATASET_NUM_FILES] = {
    "commands.npy", "positions.npy", "blendshapes.npy", "landmarks.npy", "head_pose.npy",
    "index.npy"};

void rena_dataset_meta_default(rena_dataset_meta *meta)
{
    memset(meta, 0, sizeof *meta);
    meta->total = RENA_DATASET_DEFAULT_SAMPLES;
    meta->test = rena_dataset_default_test(meta->total);
    meta->shard_index = meta->shard_count = 1;
    snprintf(meta->strategy, sizeof meta->strategy, "expert");
    snprintf(meta->backend, sizeof meta->backend, "sim");
}

long rena_dataset_default_test(long total)
{
    long t = (total + 4) / 9;
    if (t > total - 1)
        t = total - 1;
    return t < 1 ? 1 : t;
}

void rena_dataset_shard_range(long total, long index, long count, long *begin, long *end)
{
    /* 128-bit-free but overflow-safe for total < 2^31 and count < 2^31. */
    *begin = (long)((long long)total * (index - 1) / count);
    *end = (long)((long long)total * index / count);
}

rena_status rena_dataset_test_mask(uint64_t seed, long total, long test, unsigned char *is_test,
                                   rena_error *err)
{
    if (total < 1 || total > RENA_DATASET_MAX_SAMPLES || test < 0 || test > total)
        return rena_error_set(err, RENA_ERR_ARG, "split",
                              "test count %ld does not fit %ld samples", test, total);
    long *perm = malloc((size_t)total * sizeof *perm);
    if (!perm)
        return rena_error_set(err, RENA_ERR_NOMEM, "split", "out of memory for %ld samples", total);
    for (long i = 0; i < total; i++)
        perm[i] = i;
    rena_rng r;
    rena_rng_init(&r, seed ^ SPLIT_SALT, (uint64_t)total);
    for (long i = total - 1; i > 0; i--) {
        long j = (long)rena_rng_below(&r, (uint32_t)(i + 1));
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    memset(is_test, 0, (size_t)total);
    for (long k = 0; k < test; k++)
        is_test[perm[k]] = 1;
    free(perm);
    return RENA_OK;
}

/* ---- meta.json -------------------------------------------------------------- */

static rena_status meta_field_error(rena_error *err, const char *file, const char *field,
                                    const char *what)
{
    char where[4400];
    snprintf(where, sizeof where, "%s: %s", file, field);
    return rena_error_set(err, RENA_ERR_FORMAT, where, "%s", what);
}

/* A JSON number as a long in [lo, hi] (both within +-2^53, so exact as
 * doubles): checked while still a double, since converting a double beyond
 * long (1e300) is undefined behaviour. NaN fails every comparison. */
static int whole_in_range(const cJSON *v, long lo, long hi, long *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi) ||
        v->valuedouble != floor(v->valuedouble))
        return 0;
    *out = (long)v->valuedouble;
    return 1;
}

static rena_status get_long(const cJSON *root, const char *file, const char *key, long lo, long hi,
                            long *out, rena_error *err)
{
    if (!whole_in_range(cJSON_GetObjectItemCaseSensitive(root, key), lo, hi, out))
        return meta_field_error(err, file, key, "missing or not a whole number in range");
    return RENA_OK;
}

static rena_status get_string(const cJSON *root, const char *file, const char *key, char *out,
                              size_t size, rena_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
        return meta_field_error(err, file, key, "missing or not a (short enough) string");
    snprintf(out, size, "%s", v->valuestring);
    return RENA_OK;
}

static rena_status get_seed(const cJSON *root, const char *file, uint64_t *out, rena_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "seed");
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
        v->valuedouble == floor(v->valuedouble)) {
        *out = (uint64_t)v->valuedouble;
        return RENA_OK;
    }
    /* above 2^53 the writer stores the seed as a string of digits */
    char *end = NULL;
    if (cJSON_IsString(v) && v->valuestring[0] >= '0' && v->valuestring[0] <= '9') {
        errno = 0;
        unsigned long long seed = strtoull(v->valuestring, &end, 10);
        if (!*end && errno != ERANGE) {
            *out = seed;
            return RENA_OK;
        }
    }
    return meta_field_error(err, file, "seed", "missing or not a non-negative whole number");
}

static rena_status check_names(const cJSON *root, const char *file, const char *key,
                               const char *const *names, int n, rena_error *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return meta_field_error(err, file, key, "missing or of the wrong length");
    for (int i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsString(s) || strcmp(s->valuestring, names[i]) != 0) {
            char where[4400];
            snprintf(where, sizeof where, "%s: %s[%d]", file, key, i);
            return rena_error_set(err, RENA_ERR_VERSION, where, "expected '%s' (names differ from this rena)",
                                  names[i]);
        }
    }
    return RENA_OK;
}

/* "features" is a list of the observed parts, or false when the backend had
 * no perception (commands and positions only). */
static rena_status get_features(const cJSON *root, const char *file, unsigned *out, rena_error *err)
{
    static const char *const names[] = {"blendshapes", "landmarks", "head_pose"};
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "features"), *s;
    *out = 0;
    if (cJSON_IsFalse(a))
        return RENA_OK;
    if (!cJSON_IsArray(a))
        return meta_field_error(err, file, "features", "missing, or neither a list nor false");
    cJSON_ArrayForEach(s, a)
    {
        int k = 0;
        while (k < 3 && !(cJSON_IsString(s) && !strcmp(s->valuestring, names[k])))
            k++;
        if (k == 3)
            return meta_field_error(err, file, "features", "unknown feature name");
        *out |= 1u << k;
    }
    return RENA_OK;
}

static rena_status parse_shard(const cJSON *root, const char *file, rena_dataset_meta *m,
                               rena_error *err)
{
    char text[64];
    rena_status st = get_string(root, file, "shard", text, sizeof text, err);
    if (st != RENA_OK)
        return st;
    /* strtol, not sscanf: sscanf's %ld is undefined on a number beyond long */
    char *slash = NULL, *end = NULL;
    errno = 0;
    m->shard_index = text[0] >= '0' && text[0] <= '9' ? strtol(text, &slash, 10) : 0;
    if (slash && *slash == '/' && slash[1] >= '0' && slash[1] <= '9')
        m->shard_count = strtol(slash + 1, &end, 10);
    if (!end || *end || errno == ERANGE || m->shard_count < 1 || m->shard_index < 1 ||
        m->shard_index > m->shard_count)
        return meta_field_error(err, file, "shard", "not of the form I/N with 1 <= I <= N");
    return RENA_OK;
}

/* "range": [begin, end], each a sample index (0..RENA_DATASET_MAX_SAMPLES);
 * whether it is the shard's range is check_counts' business. */
static rena_status get_range(const cJSON *root, const char *file, rena_dataset_meta *m,
                             rena_error *err)
{
    const cJSON *rj = cJSON_GetObjectItemCaseSensitive(root, "range");
    if (!cJSON_IsArray(rj) || cJSON_GetArraySize(rj) != 2)
        return meta_field_error(err, file, "range", "missing or not [begin, end]");
    long *ends[2] = {&m->begin, &m->end};
    for (int k = 0; k < 2; k++)
        if (!whole_in_range(cJSON_GetArrayItem(rj, k), 0, RENA_DATASET_MAX_SAMPLES, ends[k])) {
            char what[96];
            snprintf(what, sizeof what, "not a whole number in [0, %ld] (a sample index)",
                     RENA_DATASET_MAX_SAMPLES);
            return meta_field_error(err, file, k ? "range[1]" : "range[0]", what);
        }
    return RENA_OK;
}

static rena_status check_counts(const char *file, const rena_dataset_meta *m, rena_error *err)
{
    long begin, end;
    if (m->test < 1 || m->test >= m->total)
        return meta_field_error(err, file, "test", "must be at least 1 and below samples");
    if (m->shard_count > m->total)
        return meta_field_error(err, file, "shard", "more shards than samples");
    rena_dataset_shard_range(m->total, m->shard_index, m->shard_count, &begin, &end);
    if (m->begin != begin || m->end != end)
        return meta_field_error(err, file, "range", "does not match the shard");
    if (m->n_train + m->n_test != end - begin)
        return meta_field_error(err, file, "train_rows", "train_rows + test_rows != range size");
    return RENA_OK;
}

static rena_status parse_meta(const cJSON *root, const char *file, rena_dataset_meta *m,
                              rena_error *err)
{
    rena_status st;
    long version = 0;
    memset(m, 0, sizeof *m);
    if ((st = get_long(root, file, "format_version", 0, 1000000, &version, err)) != RENA_OK)
        return st;
    if (version != RENA_DATASET_FORMAT_VERSION)
        return rena_error_set(err, RENA_ERR_VERSION, file,
                              "dataset format version %ld, this rena reads version %d", version,
                              RENA_DATASET_FORMAT_VERSION);
    if ((st = get_range(root, file, m, err)) != RENA_OK)
        return st;
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(root, "images");
    const cJSON *noise = cJSON_GetObjectItemCaseSensitive(root, "landmark_noise_px");
    if (!cJSON_IsBool(img))
        return meta_field_error(err, file, "images", "missing or not true/false");
    if (!cJSON_IsNumber(noise) || !isfinite(noise->valuedouble) || noise->valuedouble < 0)
        return meta_field_error(err, file, "landmark_noise_px", "missing or not a number >= 0");
    m->images = cJSON_IsTrue(img);
    m->landmark_noise_px = noise->valuedouble;
    if ((st = get_long(root, file, "samples", 2, RENA_DATASET_MAX_SAMPLES, &m->total, err)) ||
        (st = get_long(root, file, "test", 1, RENA_DATASET_MAX_SAMPLES, &m->test, err)) ||
        (st = get_long(root, file, "train_rows", 0, RENA_DATASET_MAX_SAMPLES, &m->n_train, err)) ||
        (st = get_long(root, file, "test_rows", 0, RENA_DATASET_MAX_SAMPLES, &m->n_test, err)) ||
        (st = get_seed(root, file, &m->seed, err)) || (st = parse_shard(root, file, m, err)) ||
        (st = get_string(root, file, "strategy", m->strategy, sizeof m->strategy, err)) ||
        (st = get_string(root, file, "backend", m->backend, sizeof m->backend, err)) ||
        (st = get_string(root, file, "mujoco_version", m->mujoco_version,
                         sizeof m->mujoco_version, err)) ||
        (st = get_string(root, file, "rena_version", m->rena_version, sizeof m->rena_version,
                         err)) ||
        (st = get_features(root, file, &m->features, err)))
        return st;
    const char *servo_names[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        servo_names[i] = rena_servos[i].name;
    if ((st = check_names(root, file, "servos", servo_names, RENA_NUM_SERVOS, err)) ||
        (st = check_names(root, file, "blendshapes", rena_blendshape_names, RENA_NUM_BLENDSHAPES,
                          err)))
        return st;
    return check_counts(file, m, err);
}

/* Parses DIR/meta.json into meta and, if wanted, hands back the JSON tree
 * (for the CRC table). */
static rena_status load_meta(const char *dir, rena_dataset_meta *meta, cJSON **json, rena_error *err)
{
    char file[4200];
    snprintf(file, sizeof file, "%s/meta.json", dir);
    unsigned char *text;
    size_t size;
    rena_status st = rena_read_file(file, &text, &size, err);
    if (st != RENA_OK)
        return st;
    cJSON *root = cJSON_ParseWithLength((const char *)text, size);
    free(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return rena_error_set(err, RENA_ERR_FORMAT, file, "not a JSON object");
    }
    st = parse_meta(root, file, meta, err);
    if (st == RENA_OK && json)
        *json = root;
    else
        cJSON_Delete(root);
    return st;
}

rena_status rena_dataset_read_meta(const char *dir, rena_dataset_meta *meta, rena_error *err)
{
    return load_meta(dir, meta, NULL, err);
}

/* ---- loading a split ---------------------------------------------------------- */

/* Expected trailing dimensions of each file (after n), in rena_dataset_files order. */
static const int file_ndim[RENA_DATASET_NUM_FILES] = {2, 2, 2, 3, 2, 1};
static const long file_cols[RENA_DATASET_NUM_FILES][2] = {
    {RENA_NUM_SERVOS, 0}, {RENA_NUM_SERVOS, 0}, {RENA_NUM_BLENDSHAPES, 0},
    {RENA_NUM_LANDMARKS, 2}, {3, 0}, {0, 0}};

static long row_width(int f)
{
    long w = 1;
    for (int d = 1; d < file_ndim[f]; d++)
        w *= file_cols[f][d - 1];
    return w;
}

/* The entry of split/file f in meta.json's "files" table, or NULL. */
static const cJSON *files_entry(const cJSON *meta_json, const char *split, int f, char *key,
                                size_t size)
{
    snprintf(key, size, "%s/%s", split, rena_dataset_files[f]);
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(meta_json, "files");
    return cJSON_GetObjectItemCaseSensitive(files, key);
}

/* Datasets of the same format version written before positions.npy was
 * added: say so instead of "file not found". */
static rena_status check_has_positions(const cJSON *meta_json, const char *split,
                                       const char *path, rena_error *err)
{
    char key[64];
    if (files_entry(meta_json, split, POSITIONS_FILE, key, sizeof key))
        return RENA_OK;
    return rena_error_set(err, RENA_ERR_VERSION, path,
                          "meta.json lists no %s: the dataset was written by an older rena that "
                          "did not record read-back positions; generate it again",
                          key);
}

static rena_status check_crc(const cJSON *meta_json, const char *split, int f, const char *path,
                             const unsigned char *buf, size_t size, rena_error *err)
{
    char key[64];
    const cJSON *entry = files_entry(meta_json, split, f, key, sizeof key);
    const cJSON *crc = cJSON_GetObjectItemCaseSensitive(entry, "crc32");
    if (!cJSON_IsString(crc))
        return rena_error_set(err, RENA_ERR_FORMAT, path, "meta.json has no CRC-32 for %s", key);
    char have[16];
    snprintf(have, sizeof have, "%08lx", crc32(0L, buf, (uInt)size));
    if (strcmp(have, crc->valuestring) != 0)
        return rena_error_set(err, RENA_ERR_CHECKSUM, path,
                              "CRC-32 is %s but meta.json says %s: the file was changed or "
                              "damaged since it was written",
                              have, crc->valuestring);
    return RENA_OK;
}

static rena_status check_shape(const char *path, int f, const rena_npy_array *a, long n,
                               rena_error *err)
{
    rena_npy_dtype want = f == INDEX_FILE ? RENA_NPY_I32 : RENA_NPY_F32;
    if (a->dtype != want)
        return rena_error_set(err, RENA_ERR_SHAPE, path, "dtype is '%s', expected '%s'",
                              rena_npy_descr(a->dtype), rena_npy_descr(want));
    int ok = a->ndim == file_ndim[f] && a->shape[0] == n;
    for (int d = 1; ok && d < file_ndim[f]; d++)
        ok = a->shape[d] == file_cols[f][d - 1];
    if (!ok) {
        char got[96] = "";
        for (int d = 0; d < a->ndim; d++)
            snprintf(got + strlen(got), sizeof got - strlen(got), d ? ",%ld" : "%ld", a->shape[d]);
        return rena_error_set(err, RENA_ERR_SHAPE, path,
                              "shape is [%s], expected %ld rows of %ld values as meta.json says",
                              got, n, row_width(f));
    }
    return RENA_OK;
}

static rena_status check_values(const char *path, int f, const rena_npy_array *a, rena_error *err)
{
    if (a->dtype != RENA_NPY_F32)
        return RENA_OK;
    const float *v = a->data;
    long w = row_width(f);
    for (long i = 0; i < a->count; i++) {
        if (!isfinite(v[i]))
            return rena_error_set(err, RENA_ERR_RANGE, path, "row %ld, column %ld is %s", i / w,
                                  i % w, isnan(v[i]) ? "NaN" : "infinite");
        if (f == COMMANDS_FILE && (v[i] < 0.0f || v[i] > 1.0f))
            return rena_error_set(err, RENA_ERR_RANGE, path,
                                  "row %ld: command of servo %s is %g, outside [0,1]", i / w,
                                  rena_servos[i % w].name, (double)v[i]);
    }
    return RENA_OK;
}

static rena_status check_indices(const char *path, const rena_dataset_meta *m, int test_split,
                                 const int32_t *idx, long n, rena_error *err)
{
    unsigned char *mask = malloc((size_t)m->total);
    if (!mask)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    rena_status st = rena_dataset_test_mask(m->seed, m->total, m->test, mask, err);
    for (long i = 0; st == RENA_OK && i < n; i++) {
        if (idx[i] < m->begin || idx[i] >= m->end || (i > 0 && idx[i] <= idx[i - 1]))
            st = rena_error_set(err, RENA_ERR_RANGE, path,
                                "row %ld: sample index %d is out of order or outside [%ld,%ld)", i,
                                (int)idx[i], m->begin, m->end);
        else if (mask[idx[i]] != test_split)
            st = rena_error_set(err, RENA_ERR_RANGE, path,
                                "row %ld: sample %d belongs to the other split", i, (int)idx[i]);
    }
    free(mask);
    return st;
}

static float **samples_slot(rena_samples *s, int f)
{
    float **slots[] = {&s->commands, &s->positions, &s->blendshapes, &s->landmarks,
                       &s->head_pose};
    return slots[f];
}

static rena_status load_file(const char *dir, const char *split, int f, const cJSON *json,
                             const rena_dataset_meta *m, long n, rena_samples *out, rena_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/%s", dir, split, rena_dataset_files[f]);
    unsigned char *buf;
    size_t size;
    rena_npy_array a;
    memset(&a, 0, sizeof a);
    rena_status st = f == POSITIONS_FILE ? check_has_positions(json, split, path, err) : RENA_OK;
    if (st != RENA_OK || (st = rena_read_file(path, &buf, &size, err)) != RENA_OK)
        return st;
    if ((st = check_crc(json, split, f, path, buf, size, err)) == RENA_OK &&
        (st = rena_npy_decode(path, buf, size, &a, err)) == RENA_OK &&
        (st = check_shape(path, f, &a, n, err)) == RENA_OK)
        st = check_values(path, f, &a, err);
    free(buf);
    if (st == RENA_OK && f == INDEX_FILE)
        st = check_indices(path, m, !strcmp(split, "test"), a.data, n, err);
    if (st != RENA_OK) {
        rena_npy_free(&a);
        return st;
    }
    if (f == INDEX_FILE)
        out->index = a.data;
    else
        *samples_slot(out, f) = a.data;
    return RENA_OK;
}

static rena_status load_rows(const char *dir, const char *split, int allow_empty,
                             rena_samples *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    if (!split || (strcmp(split, "train") != 0 && strcmp(split, "test") != 0))
        return rena_error_set(err, RENA_ERR_ARG, split ? split : "(null)",
                              "split must be 'train' or 'test'");
    rena_dataset_meta m;
    cJSON *json = NULL;
    rena_status st = load_meta(dir, &m, &json, err);
    if (st != RENA_OK)
        return st;
    long n = strcmp(split, "test") ? m.n_train : m.n_test;
    char where[4200];
    snprintf(where, sizeof where, "%s/%s", dir, split);
    if (n == 0 && !allow_empty)
        st = rena_error_set(err, RENA_ERR_SHAPE, where, "split holds no samples");
    for (int f = 0; st == RENA_OK && f < RENA_DATASET_NUM_FILES; f++)
        st = load_file(dir, split, f, json, &m, n, out, err);
    cJSON_Delete(json);
    if (st != RENA_OK) {
        rena_samples_free(out);
        return st;
    }
    out->n = n;
    return RENA_OK;
}

rena_status rena_dataset_load_split(const char *dir, const char *split, rena_samples *out,
                                    rena_error *err)
{
    return load_rows(dir, split, 0, out, err);
}

rena_status rena_dataset_load_shard_split(const char *dir, const char *split, rena_samples *out,
                                          rena_error *err)
{
    return load_rows(dir, split, 1, out, err);
}

void rena_samples_free(rena_samples *s)
{
    if (!s)
        return;
    free(s->commands);
    free(s->positions);
    free(s->blendshapes);
    free(s->landmarks);
    free(s->head_pose);
    free(s->index);
    memset(s, 0, sizeof *s);
}
