/* dataset_write.c: the writing side of the dataset (rena_dataset_writer). */
#include "dataset.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "atomicfile.h"
#include "image.h"
#include "npy.h"

#ifndef RENA_VERSION
#define RENA_VERSION "0.1.0"
#endif

#define LM_VALUES (RENA_NUM_LANDMARKS * 2)
/* The float columns, in rena_dataset_files order; index.npy comes last. */
#define N_COLS (RENA_DATASET_NUM_FILES - 1)
#define INDEX_FILE (RENA_DATASET_NUM_FILES - 1)

static void free_rows(rena_dataset_writer *w)
{
    free(w->commands);
    free(w->positions);
    free(w->blendshapes);
    free(w->landmarks);
    free(w->head_pose);
    free(w->features);
    free(w->filled);
    free(w->is_test);
    w->commands = w->positions = w->blendshapes = w->landmarks = w->head_pose = NULL;
    w->features = w->filled = w->is_test = NULL;
}

static rena_status check_meta(const rena_dataset_meta *m, const char *path, rena_error *err)
{
    if (m->total < 2 || m->total > RENA_DATASET_MAX_SAMPLES)
        return rena_error_set(err, RENA_ERR_ARG, path, "samples must be 2..%ld, got %ld",
                              RENA_DATASET_MAX_SAMPLES, m->total);
    if (m->test < 1 || m->test >= m->total)
        return rena_error_set(err, RENA_ERR_ARG, path,
                              "test count must be 1..%ld for %ld samples, got %ld", m->total - 1,
                              m->total, m->test);
    if (m->shard_count < 1 || m->shard_index < 1 || m->shard_index > m->shard_count ||
        m->shard_count > m->total)
        return rena_error_set(err, RENA_ERR_ARG, path, "shard %ld/%ld is not valid for %ld samples",
                              m->shard_index, m->shard_count, m->total);
    if (!m->strategy[0])
        return rena_error_set(err, RENA_ERR_ARG, path, "no strategy named");
    if (!isfinite(m->landmark_noise_px) || m->landmark_noise_px < 0)
        return rena_error_set(err, RENA_ERR_ARG, path, "landmark noise must be >= 0");
    return RENA_OK;
}

/* Replacing a folder is only safe when it is empty or an earlier dataset:
 * `--out ~` must never move a home folder aside. */
static rena_status check_replaceable(const char *path, rena_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return RENA_OK;
    if (!S_ISDIR(st.st_mode))
        return rena_error_set(err, RENA_ERR_IO, path, "exists and is not a folder; not replacing it");
    char meta[4200];
    snprintf(meta, sizeof meta, "%s/meta.json", path);
    if (access(meta, F_OK) == 0)
        return RENA_OK;
    DIR *d = opendir(path);
    if (!d)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot read folder: %s", strerror(errno));
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)) != NULL)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    if (!empty)
        return rena_error_set(err, RENA_ERR_IO, path,
                              "exists and is neither empty nor a rena dataset; not replacing it");
    return RENA_OK;
}

static rena_status make_subdir(const char *tmp, const char *name, rena_error *err)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", tmp, name);
    if (mkdir(dir, 0777) != 0)
        return rena_error_set(err, RENA_ERR_IO, dir, "cannot create folder: %s", strerror(errno));
    return RENA_OK;
}

static rena_status alloc_rows(rena_dataset_writer *w, rena_error *err)
{
    size_t n = (size_t)w->n;
    w->commands = calloc(n * RENA_NUM_SERVOS, sizeof(float));
    w->positions = calloc(n * RENA_NUM_SERVOS, sizeof(float));
    w->blendshapes = calloc(n * RENA_NUM_BLENDSHAPES, sizeof(float));
    w->landmarks = calloc(n * LM_VALUES, sizeof(float));
    w->head_pose = calloc(n * 3, sizeof(float));
    w->features = calloc(n, 1);
    w->filled = calloc(n, 1);
    unsigned char *mask = malloc((size_t)w->meta.total);
    w->is_test = malloc(n);
    rena_status st = RENA_OK;
    if (!w->commands || !w->positions || !w->blendshapes || !w->landmarks || !w->head_pose || !w->features ||
        !w->filled || !mask || !w->is_test)
        st = rena_error_set(err, RENA_ERR_NOMEM, w->path, "out of memory for %ld samples", w->n);
    else
        st = rena_dataset_test_mask(w->meta.seed, w->meta.total, w->meta.test, mask, err);
    if (st == RENA_OK)
        memcpy(w->is_test, mask + w->meta.begin, n);
    free(mask);
    return st;
}

rena_status rena_dataset_writer_open(rena_dataset_writer *w, const char *path,
                                     const rena_dataset_meta *meta, rena_error *err)
{
    memset(w, 0, sizeof *w);
    if (!path || !*path || strlen(path) >= sizeof w->path - 64)
        return rena_error_set(err, RENA_ERR_ARG, path ? path : "", "empty or too long output path");
    rena_status st = check_meta(meta, path, err);
    if (st != RENA_OK || (st = check_replaceable(path, err)) != RENA_OK)
        return st;
    snprintf(w->path, sizeof w->path, "%s", path);
    w->meta = *meta;
    snprintf(w->meta.rena_version, sizeof w->meta.rena_version, "%s", RENA_VERSION);
    rena_dataset_shard_range(meta->total, meta->shard_index, meta->shard_count, &w->meta.begin,
                             &w->meta.end);
    w->n = w->meta.end - w->meta.begin;
    if ((st = alloc_rows(w, err)) != RENA_OK) {
        free_rows(w);
        return st;
    }
    if ((st = rena_atomic_dir_begin(path, w->tmp, sizeof w->tmp, err)) != RENA_OK) {
        w->tmp[0] = '\0';
        free_rows(w);
        return st;
    }
    if ((st = make_subdir(w->tmp, "train", err)) != RENA_OK ||
        (st = make_subdir(w->tmp, "test", err)) != RENA_OK ||
        (meta->images && (st = make_subdir(w->tmp, "images", err)) != RENA_OK))
        rena_dataset_writer_abort(w);
    return st;
}

static rena_status check_finite(const rena_dataset_writer *w, long index, const char *what,
                                const float *v, int n, rena_error *err)
{
    for (int k = 0; k < n; k++)
        if (!isfinite(v[k]))
            return rena_error_set(err, RENA_ERR_RANGE, what, "sample %ld value %d is not finite (%s)",
                                  index, k, w->path);
    return RENA_OK;
}

static rena_status check_index(const rena_dataset_writer *w, long index, rena_error *err)
{
    if (!w->filled)
        return rena_error_set(err, RENA_ERR_ARG, "dataset writer", "writer is not open");
    if (index < w->meta.begin || index >= w->meta.end)
        return rena_error_set(err, RENA_ERR_ARG, w->path, "sample %ld is outside this shard [%ld,%ld)",
                              index, w->meta.begin, w->meta.end);
    return RENA_OK;
}

rena_status rena_dataset_writer_put_sample(rena_dataset_writer *w, long index,
                                           const float cmd[RENA_NUM_SERVOS],
                                           const float pos[RENA_NUM_SERVOS],
                                           const rena_features *f, rena_error *err)
{
    rena_status st = check_index(w, index, err);
    if (st != RENA_OK || (st = check_finite(w, index, "commands", cmd, RENA_NUM_SERVOS, err)) ||
        (pos && (st = check_finite(w, index, "positions", pos, RENA_NUM_SERVOS, err))))
        return st;
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        if (cmd[k] < 0.0f || cmd[k] > 1.0f)
            return rena_error_set(err, RENA_ERR_RANGE, rena_servos[k].name,
                                  "sample %ld: command %g outside [0,1]", index, (double)cmd[k]);
    unsigned valid = f ? f->valid & (RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE) : 0;
    if (((valid & RENA_FEAT_BLENDSHAPES) &&
         (st = check_finite(w, index, "blendshapes", f->blendshapes, RENA_NUM_BLENDSHAPES, err))) ||
        ((valid & RENA_FEAT_LANDMARKS) &&
         (st = check_finite(w, index, "landmarks", &f->landmarks[0][0], LM_VALUES, err))) ||
        ((valid & RENA_FEAT_POSE) && (st = check_finite(w, index, "head_pose", f->head_pose, 3, err))))
        return st;
    long row = index - w->meta.begin;
    memcpy(w->commands + row * RENA_NUM_SERVOS, cmd, RENA_NUM_SERVOS * sizeof(float));
    float *ps = w->positions + row * RENA_NUM_SERVOS;
    if (pos)
        memcpy(ps, pos, RENA_NUM_SERVOS * sizeof(float));
    else
        memset(ps, 0, RENA_NUM_SERVOS * sizeof(float));
    float *bs = w->blendshapes + row * RENA_NUM_BLENDSHAPES, *lm = w->landmarks + row * LM_VALUES;
    float *hp = w->head_pose + row * 3;
    memset(bs, 0, RENA_NUM_BLENDSHAPES * sizeof(float));
    memset(lm, 0, LM_VALUES * sizeof(float));
    memset(hp, 0, 3 * sizeof(float));
    if (valid & RENA_FEAT_BLENDSHAPES)
        memcpy(bs, f->blendshapes, sizeof f->blendshapes);
    if (valid & RENA_FEAT_LANDMARKS)
        memcpy(lm, f->landmarks, sizeof f->landmarks);
    if (valid & RENA_FEAT_POSE)
        memcpy(hp, f->head_pose, sizeof f->head_pose);
    w->features[row] = (unsigned char)valid;
    w->filled[row] = 1;
    return RENA_OK;
}

rena_status rena_dataset_writer_put(rena_dataset_writer *w, long index,
                                    const float cmd[RENA_NUM_SERVOS], const rena_features *f,
                                    rena_error *err)
{
    return rena_dataset_writer_put_sample(w, index, cmd, NULL, f, err);
}

static void image_path(const rena_dataset_writer *w, long index, char *path, size_t size)
{
    snprintf(path, size, "%s/images/%06ld.png", w->tmp, index);
}

rena_status rena_dataset_writer_put_image(rena_dataset_writer *w, long index,
                                          const rena_image *img, rena_error *err)
{
    rena_status st = check_index(w, index, err);
    if (st != RENA_OK)
        return st;
    if (!w->meta.images)
        return rena_error_set(err, RENA_ERR_ARG, w->path, "dataset was opened without images");
    char path[4300];
    image_path(w, index, path, sizeof path);
    return rena_png_write(path, img, err);
}

rena_status rena_dataset_writer_put_image_file(rena_dataset_writer *w, long index,
                                               const char *png_path, rena_error *err)
{
    rena_status st = check_index(w, index, err);
    if (st != RENA_OK)
        return st;
    if (!w->meta.images)
        return rena_error_set(err, RENA_ERR_ARG, w->path, "dataset was opened without images");
    char path[4300];
    image_path(w, index, path, sizeof path);
    if (link(png_path, path) == 0)
        return RENA_OK;
    if (errno == ENOENT)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, png_path, "image is missing");
    unsigned char *data;
    size_t size;
    if ((st = rena_read_file(png_path, &data, &size, err)) != RENA_OK)
        return st;
    st = rena_atomic_write(path, data, size, err);
    free(data);
    return st;
}

/* ---- commit: the .npy files and meta.json ------------------------------------ */

typedef struct {
    long n;
    float *cols[N_COLS]; /* commands, positions, blendshapes, landmarks, head_pose */
    int32_t *index;
} split_rows;

static const long col_width[N_COLS] = {RENA_NUM_SERVOS, RENA_NUM_SERVOS, RENA_NUM_BLENDSHAPES,
                                       LM_VALUES, 3};

static void free_split(split_rows *s)
{
    for (int c = 0; c < N_COLS; c++)
        free(s->cols[c]);
    free(s->index);
}

/* Gathers the rows of one split, in increasing sample index. */
static rena_status gather_split(const rena_dataset_writer *w, int test, split_rows *s,
                                rena_error *err)
{
    memset(s, 0, sizeof *s);
    for (long i = 0; i < w->n; i++)
        s->n += w->is_test[i] == test;
    const float *src[N_COLS] = {w->commands, w->positions, w->blendshapes, w->landmarks,
                                w->head_pose};
    int ok = (s->index = malloc((size_t)(s->n ? s->n : 1) * sizeof(int32_t))) != NULL;
    for (int c = 0; c < N_COLS; c++)
        ok &= (s->cols[c] = malloc((size_t)(s->n ? s->n : 1) * col_width[c] * sizeof(float))) != NULL;
    if (!ok) {
        free_split(s);
        return rena_error_set(err, RENA_ERR_NOMEM, w->path, "out of memory");
    }
    long k = 0;
    for (long i = 0; i < w->n; i++) {
        if (w->is_test[i] != test)
            continue;
        for (int c = 0; c < N_COLS; c++)
            memcpy(s->cols[c] + k * col_width[c], src[c] + i * col_width[c],
                   (size_t)col_width[c] * sizeof(float));
        s->index[k++] = (int32_t)(w->meta.begin + i);
    }
    return RENA_OK;
}

static rena_status write_npy(const rena_dataset_writer *w, const char *split, int f, int ndim,
                             const long *shape, const void *data, cJSON *files, rena_error *err)
{
    char key[64], path[4300];
    snprintf(key, sizeof key, "%s/%s", split, rena_dataset_files[f]);
    snprintf(path, sizeof path, "%s/%s", w->tmp, key);
    unsigned char *buf;
    size_t size;
    rena_npy_dtype dtype = f == INDEX_FILE ? RENA_NPY_I32 : RENA_NPY_F32;
    rena_status st = rena_npy_encode(path, dtype, ndim, shape, data, &buf, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_atomic_write(path, buf, size, err);
    char crc[16];
    snprintf(crc, sizeof crc, "%08lx", crc32(0L, buf, (uInt)size));
    free(buf);
    cJSON *entry = cJSON_AddObjectToObject(files, key);
    if (st == RENA_OK && (!entry || !cJSON_AddStringToObject(entry, "crc32", crc) ||
                          !cJSON_AddNumberToObject(entry, "bytes", (double)size)))
        st = rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    return st;
}

static rena_status write_split(const rena_dataset_writer *w, int test, cJSON *files, long *rows,
                               rena_error *err)
{
    const char *split = test ? "test" : "train";
    split_rows s;
    rena_status st = gather_split(w, test, &s, err);
    if (st != RENA_OK)
        return st;
    long shapes[N_COLS][3] = {{s.n, RENA_NUM_SERVOS, 0},
                              {s.n, RENA_NUM_SERVOS, 0},
                              {s.n, RENA_NUM_BLENDSHAPES, 0},
                              {s.n, RENA_NUM_LANDMARKS, 2},
                              {s.n, 3, 0}};
    const int ndim[N_COLS] = {2, 2, 2, 3, 2};
    for (int c = 0; st == RENA_OK && c < N_COLS; c++)
        st = write_npy(w, split, c, ndim[c], shapes[c], s.cols[c], files, err);
    if (st == RENA_OK)
        st = write_npy(w, split, INDEX_FILE, 1, &s.n, s.index, files, err);
    *rows = s.n;
    free_split(&s);
    return st;
}

static void add_names(cJSON *root, const char *key, const char *const *names, int n)
{
    cJSON *a = cJSON_AddArrayToObject(root, key);
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
}

static cJSON *meta_json(const rena_dataset_meta *m)
{
    cJSON *root = cJSON_CreateObject();
    char shard[64];
    snprintf(shard, sizeof shard, "%ld/%ld", m->shard_index, m->shard_count);
    cJSON_AddStringToObject(root, "format", "rena-dataset");
    cJSON_AddNumberToObject(root, "format_version", RENA_DATASET_FORMAT_VERSION);
    cJSON_AddStringToObject(root, "rena_version", m->rena_version);
    cJSON_AddStringToObject(root, "mujoco_version", m->mujoco_version);
    cJSON_AddStringToObject(root, "backend", m->backend);
    cJSON_AddStringToObject(root, "strategy", m->strategy);
    if (m->seed <= (1ULL << 53)) {
        cJSON_AddNumberToObject(root, "seed", (double)m->seed);
    } else {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)m->seed);
        cJSON_AddStringToObject(root, "seed", seed);
    }
    cJSON_AddNumberToObject(root, "samples", (double)m->total);
    cJSON_AddNumberToObject(root, "test", (double)m->test);
    cJSON_AddStringToObject(root, "split_method",
                            "fisher-yates permutation keyed by (seed, samples); first 'test' are test");
    cJSON_AddStringToObject(root, "shard", shard);
    cJSON *range = cJSON_AddArrayToObject(root, "range");
    cJSON_AddItemToArray(range, cJSON_CreateNumber((double)m->begin));
    cJSON_AddItemToArray(range, cJSON_CreateNumber((double)m->end));
    cJSON_AddNumberToObject(root, "train_rows", (double)m->n_train);
    cJSON_AddNumberToObject(root, "test_rows", (double)m->n_test);
    cJSON_AddBoolToObject(root, "images", m->images);
    cJSON_AddNumberToObject(root, "landmark_noise_px", m->landmark_noise_px);
    /* false rather than []: nothing was observed, so the dataset cannot be
     * trained on, and a reader should not have to infer that from a list. */
    static const char *const feats[] = {"blendshapes", "landmarks", "head_pose"};
    if (m->features) {
        cJSON *fa = cJSON_AddArrayToObject(root, "features");
        for (int k = 0; k < 3; k++)
            if (m->features & (1u << k))
                cJSON_AddItemToArray(fa, cJSON_CreateString(feats[k]));
    } else {
        cJSON_AddFalseToObject(root, "features");
    }
    const char *servo_names[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        servo_names[i] = rena_servos[i].name;
    add_names(root, "servos", servo_names, RENA_NUM_SERVOS);
    add_names(root, "blendshapes", rena_blendshape_names, RENA_NUM_BLENDSHAPES);
    return root;
}

static rena_status write_meta(rena_dataset_writer *w, cJSON *files, rena_error *err)
{
    cJSON *root = meta_json(&w->meta);
    char *text = NULL;
    if (root && cJSON_AddItemReferenceToObject(root, "files", files))
        text = cJSON_Print(root);
    cJSON_Delete(root);
    char path[4300];
    snprintf(path, sizeof path, "%s/meta.json", w->tmp);
    if (!text)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    size_t len = strlen(text);
    text[len] = '\n'; /* cJSON's terminator becomes the final newline */
    rena_status st = rena_atomic_write(path, text, len + 1, err);
    free(text);
    return st;
}

rena_status rena_dataset_writer_commit(rena_dataset_writer *w, rena_error *err)
{
    if (!w->filled)
        return rena_error_set(err, RENA_ERR_ARG, "dataset writer", "writer is not open");
    unsigned features = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    for (long i = 0; i < w->n; i++) {
        if (!w->filled[i]) {
            rena_status st = rena_error_set(err, RENA_ERR_SHAPE, w->path,
                                            "sample %ld was never stored", w->meta.begin + i);
            rena_dataset_writer_abort(w);
            return st;
        }
        features &= w->features[i];
    }
    w->meta.features = features;
    cJSON *files = cJSON_CreateObject();
    rena_status st = files ? RENA_OK : rena_error_set(err, RENA_ERR_NOMEM, w->path, "out of memory");
    if (st == RENA_OK)
        st = write_split(w, 0, files, &w->meta.n_train, err);
    if (st == RENA_OK)
        st = write_split(w, 1, files, &w->meta.n_test, err);
    if (st == RENA_OK)
        st = write_meta(w, files, err);
    cJSON_Delete(files);
    if (st == RENA_OK)
        st = rena_atomic_dir_commit(w->tmp, w->path, err);
    if (st == RENA_OK)
        w->tmp[0] = '\0';
    rena_dataset_writer_abort(w);
    return st;
}

void rena_dataset_writer_abort(rena_dataset_writer *w)
{
    if (!w)
        return;
    if (w->tmp[0])
        rena_remove_tree(w->tmp);
    w->tmp[0] = '\0';
    free_rows(w);
}
