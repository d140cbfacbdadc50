/* The dataset folder: split, writer, loader checks, merging shards. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "atomicfile.h"
#include "dataset.h"
#include "image.h"
#include "npy.h"
#include "testutil.h"

static char root[512];

static void setup(void) { rena_test_tmpdir(root, sizeof root); }
static void teardown(void) { rena_remove_tree(root); }

static const char *in_root(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", root, rel);
    return buf;
}

/* Synthetic sample i, computed independently of the writer. */
static void synth(long i, float cmd[RENA_NUM_SERVOS], rena_features *f)
{
    memset(f, 0, sizeof *f);
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        cmd[k] = (float)fmod(i * 0.37 + k * 0.11, 1.0);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        f->blendshapes[k] = (float)fmod(i * 0.13 + k * 0.07, 1.0);
    for (int p = 0; p < RENA_NUM_LANDMARKS; p++) {
        f->landmarks[p][0] = (float)i + 0.5f * (float)p;
        f->landmarks[p][1] = 480.0f - (float)i - (float)p;
    }
    for (int k = 0; k < 3; k++)
        f->head_pose[k] = 0.001f * (float)(i * (k + 1));
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
}

/* Read-back positions of synthetic sample i: near the command, not equal to
 * it, and sometimes a little past a limit as a pushed horn reads. */
static void synth_positions(long i, float pos[RENA_NUM_SERVOS])
{
    float cmd[RENA_NUM_SERVOS];
    rena_features f;
    synth(i, cmd, &f);
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        pos[k] = cmd[k] + 0.01f * (float)((i + k) % 5 - 2);
}

static void synth_image(long i, rena_image *img, unsigned char *buf)
{
    *img = (rena_image){8, 4, buf};
    for (int k = 0; k < 8 * 4 * 3; k++)
        buf[k] = (unsigned char)(i * 13 + k);
}

static rena_dataset_meta small_meta(long total, long shard, long shards, int images)
{
    rena_dataset_meta m;
    rena_dataset_meta_default(&m);
    m.total = total;
    m.test = rena_dataset_default_test(total);
    m.seed = 11;
    m.shard_index = shard;
    m.shard_count = shards;
    m.images = images;
    m.features = RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE;
    snprintf(m.backend, sizeof m.backend, "fake");
    return m;
}

static void write_synth(const char *path, const rena_dataset_meta *m)
{
    rena_dataset_writer w;
    rena_error e;
    ck_assert_int_eq(rena_dataset_writer_open(&w, path, m, &e), RENA_OK);
    for (long i = w.meta.begin; i < w.meta.end; i++) {
        float cmd[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
        rena_features f;
        synth(i, cmd, &f);
        synth_positions(i, pos);
        f.valid = m->features; /* the caller's choice of observed parts */
        ck_assert_int_eq(rena_dataset_writer_put_sample(&w, i, cmd, pos, &f, &e), RENA_OK);
        if (m->images) {
            unsigned char buf[8 * 4 * 3];
            rena_image img;
            synth_image(i, &img, buf);
            ck_assert_int_eq(rena_dataset_writer_put_image(&w, i, &img, &e), RENA_OK);
        }
    }
    ck_assert_msg(rena_dataset_writer_commit(&w, &e) == RENA_OK, "%s: %s", e.where, e.message);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

START_TEST(split_depends_only_on_seed_total_and_test_count)
{
    ck_assert_int_eq(rena_dataset_default_test(9000), 1000);
    ck_assert_int_eq(rena_dataset_default_test(90), 10);
    ck_assert_int_eq(rena_dataset_default_test(2), 1);
    ck_assert_int_eq(rena_dataset_default_test(14), 2);
    enum { N = 900 };
    unsigned char a[N], b[N], c[N], small[N];
    ck_assert_int_eq(rena_dataset_test_mask(5, N, 100, a, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_test_mask(5, N, 100, b, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_test_mask(6, N, 100, c, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_test_mask(5, N, 40, small, NULL), RENA_OK);
    ck_assert_mem_eq(a, b, N);
    int ones = 0, overlap = 0, nested = 1, first_half = 0;
    for (int i = 0; i < N; i++) {
        ones += a[i];
        overlap += a[i] && c[i];
        nested &= !small[i] || a[i]; /* the first 40 of the permutation are among its first 100 */
        first_half += a[i] && i < N / 2;
    }
    ck_assert_int_eq(ones, 100);
    ck_assert_int_lt(overlap, 30); /* ~11 expected by chance */
    ck_assert(nested);
    ck_assert_int_gt(first_half, 30); /* spread over the range, not a block */
    ck_assert_int_lt(first_half, 70);
    ck_assert_int_eq(rena_dataset_test_mask(5, N, N + 1, a, NULL), RENA_ERR_ARG);
    long prev_end = 0;
    for (long s = 1; s <= 7; s++) {
        long b0, e0;
        rena_dataset_shard_range(100, s, 7, &b0, &e0);
        ck_assert_int_eq(b0, prev_end);
        ck_assert_int_ge(e0 - b0, 14);
        prev_end = e0;
    }
    ck_assert_int_eq(prev_end, 100);
}
END_TEST

START_TEST(every_file_round_trips)
{
    char path[600];
    rena_dataset_meta m = small_meta(30, 1, 1, 0);
    m.landmark_noise_px = 1.5;
    snprintf(m.mujoco_version, sizeof m.mujoco_version, "2.2.2");
    write_synth(in_root("ds", path, sizeof path), &m);
    rena_dataset_meta r;
    rena_error e;
    ck_assert_int_eq(rena_dataset_read_meta(path, &r, &e), RENA_OK);
    ck_assert_int_eq(r.total, 30);
    ck_assert_int_eq(r.test, m.test);
    ck_assert_uint_eq(r.seed, 11);
    ck_assert_int_eq(r.n_train + r.n_test, 30);
    ck_assert_int_eq(r.n_test, m.test);
    ck_assert_str_eq(r.backend, "fake");
    ck_assert_str_eq(r.mujoco_version, "2.2.2");
    ck_assert_str_eq(r.strategy, "expert");
    ck_assert(r.landmark_noise_px == 1.5);
    ck_assert_uint_eq(r.features, RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE);
    unsigned char mask[30];
    rena_dataset_test_mask(11, 30, m.test, mask, NULL);
    int seen[30] = {0};
    for (int split = 0; split < 2; split++) {
        rena_samples s;
        ck_assert_int_eq(rena_dataset_load_split(path, split ? "test" : "train", &s, &e), RENA_OK);
        ck_assert_int_eq(s.n, split ? r.n_test : r.n_train);
        for (long k = 0; k < s.n; k++) {
            long i = s.index[k];
            ck_assert(k == 0 || s.index[k - 1] < i);
            ck_assert_int_eq(mask[i], split);
            seen[i]++;
            float cmd[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
            rena_features f;
            synth(i, cmd, &f);
            synth_positions(i, pos);
            ck_assert_mem_eq(s.commands + k * RENA_NUM_SERVOS, cmd, sizeof cmd);
            ck_assert_mem_eq(s.positions + k * RENA_NUM_SERVOS, pos, sizeof pos);
            ck_assert_mem_eq(s.blendshapes + k * RENA_NUM_BLENDSHAPES, f.blendshapes, sizeof f.blendshapes);
            ck_assert_mem_eq(s.landmarks + k * RENA_NUM_LANDMARKS * 2, f.landmarks, sizeof f.landmarks);
            ck_assert_mem_eq(s.head_pose + k * 3, f.head_pose, sizeof f.head_pose);
        }
        rena_samples_free(&s);
    }
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_int_eq(count_entries(root), 1); /* no temporary siblings left */
}
END_TEST

START_TEST(images_are_named_by_global_index)
{
    char path[600], png[700];
    rena_dataset_meta m = small_meta(12, 2, 2, 1);
    write_synth(in_root("ds", path, sizeof path), &m);
    ck_assert_int_eq(count_entries(in_root("ds/images", png, sizeof png)), 6);
    for (long i = 6; i < 12; i++) {
        snprintf(png, sizeof png, "%s/images/%06ld.png", path, i);
        rena_image got, want;
        unsigned char buf[8 * 4 * 3];
        synth_image(i, &want, buf);
        ck_assert_int_eq(rena_png_read(png, &got, NULL), RENA_OK);
        ck_assert_int_eq(got.width, 8);
        ck_assert_int_eq(got.height, 4);
        ck_assert_mem_eq(got.rgb, want.rgb, sizeof buf);
        rena_image_free(&got);
    }
}
END_TEST

/* Edits DIR/meta.json: replaces `key` of the object `parent` ("" for the
 * root, else a key of the root) by `value` (NULL: removes it). */
static void edit_meta(const char *ds, const char *parent, const char *key, cJSON *value)
{
    char meta[700];
    snprintf(meta, sizeof meta, "%s/meta.json", ds);
    unsigned char *text;
    size_t size;
    ck_assert_int_eq(rena_read_file(meta, &text, &size, NULL), RENA_OK);
    cJSON *j = cJSON_ParseWithLength((char *)text, size);
    cJSON *obj = *parent ? cJSON_GetObjectItem(j, parent) : j;
    ck_assert_ptr_nonnull(obj);
    cJSON_DeleteItemFromObject(obj, key);
    if (value)
        cJSON_AddItemToObject(obj, key, value);
    char *out = cJSON_Print(j);
    ck_assert_int_eq(rena_atomic_write(meta, out, strlen(out), NULL), RENA_OK);
    free(out);
    cJSON_Delete(j);
    free(text);
}

/* Rewrites the CRC-32 of `key` in DIR/meta.json to match the file as it now is. */
static void patch_crc(const char *ds, const char *key)
{
    char file[700], crc[16];
    snprintf(file, sizeof file, "%s/%s", ds, key);
    unsigned char *data;
    size_t size;
    ck_assert_int_eq(rena_read_file(file, &data, &size, NULL), RENA_OK);
    snprintf(crc, sizeof crc, "%08lx", crc32(0L, data, (uInt)size));
    free(data);
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddStringToObject(entry, "crc32", crc);
    cJSON_AddNumberToObject(entry, "bytes", (double)size);
    edit_meta(ds, "files", key, entry);
}

static void assert_load_fails(const char *ds, const char *split, const char *file,
                              rena_status code, const char *fragment)
{
    rena_samples s;
    rena_error e;
    rena_error_clear(&e);
    char want_where[700];
    snprintf(want_where, sizeof want_where, "%s/%s", ds, file);
    rena_status st = rena_dataset_load_split(ds, split, &s, &e);
    ck_assert_msg(st == code, "got %s: %s: %s", rena_status_str(st), e.where, e.message);
    ck_assert_str_eq(e.where, want_where);
    ck_assert_msg(strstr(e.message, fragment), "message '%s' lacks '%s'", e.message, fragment);
    ck_assert_ptr_null(s.commands);
}

static void overwrite_npy(const char *ds, const char *key, int ndim, const long *shape,
                          const float *data)
{
    char file[700];
    snprintf(file, sizeof file, "%s/%s", ds, key);
    ck_assert_int_eq(rena_npy_write(file, RENA_NPY_F32, ndim, shape, data, NULL), RENA_OK);
    patch_crc(ds, key);
}

START_TEST(damaged_files_are_refused_naming_the_file)
{
    char ds[600], file[700];
    rena_dataset_meta m = small_meta(27, 1, 1, 0);
    write_synth(in_root("ds", ds, sizeof ds), &m);
    rena_dataset_meta r;
    rena_dataset_read_meta(ds, &r, NULL);

    /* one flipped bit in the data: the CRC catches it */
    snprintf(file, sizeof file, "%s/train/blendshapes.npy", ds);
    unsigned char *d;
    size_t size;
    ck_assert_int_eq(rena_read_file(file, &d, &size, NULL), RENA_OK);
    d[size - 7] ^= 0x10;
    ck_assert_int_eq(rena_atomic_write(file, d, size, NULL), RENA_OK);
    assert_load_fails(ds, "train", "train/blendshapes.npy", RENA_ERR_CHECKSUM, "CRC-32");
    /* truncated: refused by the CRC, and by the shape check once the CRC agrees */
    ck_assert_int_eq(rena_atomic_write(file, d, size - 4, NULL), RENA_OK);
    assert_load_fails(ds, "train", "train/blendshapes.npy", RENA_ERR_CHECKSUM, "CRC-32");
    patch_crc(ds, "train/blendshapes.npy");
    assert_load_fails(ds, "train", "train/blendshapes.npy", RENA_ERR_FORMAT, "truncated");
    free(d);

    long n = r.n_test;
    float *v = calloc((size_t)n * RENA_NUM_LANDMARKS * 2, sizeof(float));
    long wrong[2] = {n, 24};
    overwrite_npy(ds, "test/commands.npy", 2, wrong, v);
    assert_load_fails(ds, "test", "test/commands.npy", RENA_ERR_SHAPE, "shape");
    long fewer[2] = {n - 1, RENA_NUM_SERVOS};
    overwrite_npy(ds, "test/commands.npy", 2, fewer, v);
    assert_load_fails(ds, "test", "test/commands.npy", RENA_ERR_SHAPE, "rows");
    long cmd_shape[2] = {n, RENA_NUM_SERVOS};
    v[RENA_NUM_SERVOS + 3] = 1.5f;
    overwrite_npy(ds, "test/commands.npy", 2, cmd_shape, v);
    assert_load_fails(ds, "test", "test/commands.npy", RENA_ERR_RANGE, "outside [0,1]");
    v[RENA_NUM_SERVOS + 3] = 0.0f;
    overwrite_npy(ds, "test/commands.npy", 2, cmd_shape, v);
    long lm_shape[3] = {n, RENA_NUM_LANDMARKS, 2};
    v[2 * RENA_NUM_LANDMARKS * 2 + 5] = NAN;
    overwrite_npy(ds, "test/landmarks.npy", 3, lm_shape, v);
    assert_load_fails(ds, "test", "test/landmarks.npy", RENA_ERR_RANGE, "row 2");
    free(v);
}
END_TEST

START_TEST(meta_json_problems_are_reported)
{
    char ds[600], meta[700];
    rena_dataset_meta m = small_meta(20, 1, 1, 0);
    write_synth(in_root("ds", ds, sizeof ds), &m);
    snprintf(meta, sizeof meta, "%s/meta.json", ds);
    unsigned char *text;
    size_t size;
    ck_assert_int_eq(rena_read_file(meta, &text, &size, NULL), RENA_OK);
    /* a servo renamed: written by a different servo table */
    char *hit = strstr((char *)text, "\"eye_v_l\"");
    ck_assert_ptr_nonnull(hit);
    memcpy(hit, "\"eye_x_l\"", 9);
    ck_assert_int_eq(rena_atomic_write(meta, text, size, NULL), RENA_OK);
    rena_samples s;
    rena_error e;
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_ERR_VERSION);
    ck_assert(strstr(e.where, "meta.json: servos[2]"));
    ck_assert_int_eq(rena_atomic_write(meta, "{\"format_version\": 1}", 21, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_ERR_FORMAT);
    ck_assert(strstr(e.where, "meta.json"));
    unlink(meta);
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, meta);
    ck_assert_int_eq(rena_dataset_load_split(ds, "validation", &s, &e), RENA_ERR_ARG);
    free(text);
}
END_TEST

START_TEST(an_unfinished_write_leaves_nothing)
{
    char ds[600], old_meta[700];
    rena_dataset_meta m = small_meta(20, 1, 1, 1);
    in_root("ds", ds, sizeof ds);
    rena_dataset_writer w;
    rena_error e;
    float cmd[RENA_NUM_SERVOS];
    rena_features f;
    /* aborted half way: no folder, no temporary sibling */
    ck_assert_int_eq(rena_dataset_writer_open(&w, ds, &m, &e), RENA_OK);
    synth(0, cmd, &f);
    ck_assert_int_eq(rena_dataset_writer_put(&w, 0, cmd, &f, &e), RENA_OK);
    rena_dataset_writer_abort(&w);
    ck_assert_int_eq(count_entries(root), 0);
    /* a commit with a missing row fails and leaves nothing */
    ck_assert_int_eq(rena_dataset_writer_open(&w, ds, &m, &e), RENA_OK);
    ck_assert_int_eq(rena_dataset_writer_commit(&w, &e), RENA_ERR_SHAPE);
    ck_assert(strstr(e.message, "sample 0"));
    ck_assert_int_eq(count_entries(root), 0);
    /* an existing dataset survives an aborted rewrite ... */
    m.images = 0;
    write_synth(ds, &m);
    ck_assert_int_eq(rena_dataset_writer_open(&w, ds, &m, &e), RENA_OK);
    rena_dataset_writer_abort(&w);
    ck_assert_int_eq(rena_dataset_read_meta(ds, &m, &e), RENA_OK);
    ck_assert_uint_eq(m.seed, 11);
    /* ... and is replaced by a committed one */
    m = small_meta(20, 1, 1, 0);
    m.seed = 99;
    write_synth(ds, &m);
    ck_assert_int_eq(rena_dataset_read_meta(ds, &m, &e), RENA_OK);
    ck_assert_uint_eq(m.seed, 99);
    ck_assert_int_eq(count_entries(root), 1);
    snprintf(old_meta, sizeof old_meta, "%s/train", ds);
    ck_assert(exists(old_meta));
}
END_TEST

START_TEST(never_replaces_what_is_not_a_dataset)
{
    char dir[600], file[700];
    rena_dataset_meta m = small_meta(10, 1, 1, 0);
    rena_dataset_writer w;
    rena_error e;
    in_root("stuff", dir, sizeof dir);
    mkdir(dir, 0777);
    snprintf(file, sizeof file, "%s/notes.txt", dir);
    ck_assert_int_eq(rena_atomic_write(file, "keep me", 7, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_writer_open(&w, dir, &m, &e), RENA_ERR_IO);
    ck_assert_str_eq(e.where, dir);
    ck_assert_int_eq(rena_dataset_writer_open(&w, file, &m, &e), RENA_ERR_IO);
    ck_assert(exists(file));
    ck_assert_int_eq(count_entries(root), 1);
    ck_assert_int_eq(rena_dataset_writer_open(&w, "/nonexistent-folder/ds", &m, &e), RENA_ERR_IO);
}
END_TEST

START_TEST(writer_refuses_bad_rows)
{
    char ds[600];
    rena_dataset_meta m = small_meta(10, 2, 2, 0);
    rena_dataset_writer w;
    rena_error e;
    float cmd[RENA_NUM_SERVOS];
    rena_features f;
    ck_assert_int_eq(rena_dataset_writer_open(&w, in_root("ds", ds, sizeof ds), &m, &e), RENA_OK);
    synth(7, cmd, &f);
    ck_assert_int_eq(rena_dataset_writer_put(&w, 4, cmd, &f, &e), RENA_ERR_ARG); /* shard 2/2 is 5..9 */
    f.blendshapes[3] = NAN;
    ck_assert_int_eq(rena_dataset_writer_put(&w, 7, cmd, &f, &e), RENA_ERR_RANGE);
    synth(7, cmd, &f);
    cmd[0] = 1.01f;
    ck_assert_int_eq(rena_dataset_writer_put(&w, 7, cmd, &f, &e), RENA_ERR_RANGE);
    rena_dataset_writer_abort(&w);
    m.test = 10;
    ck_assert_int_eq(rena_dataset_writer_open(&w, ds, &m, &e), RENA_ERR_ARG);
    m = small_meta(10, 3, 2, 0);
    ck_assert_int_eq(rena_dataset_writer_open(&w, ds, &m, &e), RENA_ERR_ARG);
    ck_assert_int_eq(count_entries(root), 0);
}
END_TEST

static void assert_same_file(const char *a_dir, const char *b_dir, const char *rel)
{
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/%s", a_dir, rel);
    snprintf(b, sizeof b, "%s/%s", b_dir, rel);
    unsigned char *da, *db;
    size_t sa, sb;
    ck_assert_msg(rena_read_file(a, &da, &sa, NULL) == RENA_OK, "missing %s", a);
    ck_assert_msg(rena_read_file(b, &db, &sb, NULL) == RENA_OK, "missing %s", b);
    ck_assert_msg(sa == sb && memcmp(da, db, sa) == 0, "%s differs", rel);
    free(da);
    free(db);
}

/* observed: 1 for a dataset with features, 0 for commands and positions only */
static void merge_three_shards(int observed, char *whole, char *merged)
{
    char shard[3][600], rel[64];
    unsigned features = observed ? RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE : 0;
    rena_dataset_meta m = small_meta(40, 1, 1, observed);
    m.features = features;
    snprintf(rel, sizeof rel, "whole%d", observed);
    write_synth(in_root(rel, whole, 600), &m);
    for (int s = 0; s < 3; s++) {
        snprintf(rel, sizeof rel, "shard%d-%d", observed, s + 1);
        m = small_meta(40, s + 1, 3, observed);
        m.features = features;
        write_synth(in_root(rel, shard[s], sizeof shard[s]), &m);
    }
    const char *order[3] = {shard[2], shard[0], shard[1]}; /* any order */
    rena_error e;
    snprintf(rel, sizeof rel, "merged%d", observed);
    ck_assert_int_eq(rena_dataset_merge(in_root(rel, merged, 600), order, 3, NULL, &e), RENA_OK);
}

START_TEST(merged_shards_equal_the_whole_byte_for_byte)
{
    char whole[600], merged[600], rel[64];
    rena_error e;
    merge_three_shards(0, whole, merged); /* no perception: positions and commands only */
    assert_same_file(whole, merged, "meta.json");
    for (int split = 0; split < 2; split++)
        for (int f = 0; f < RENA_DATASET_NUM_FILES; f++) {
            snprintf(rel, sizeof rel, "%s/%s", split ? "test" : "train", rena_dataset_files[f]);
            assert_same_file(whole, merged, rel);
        }
    merge_three_shards(1, whole, merged); /* with features and images */
    assert_same_file(whole, merged, "meta.json");
    for (int split = 0; split < 2; split++)
        for (int f = 0; f < RENA_DATASET_NUM_FILES; f++) {
            snprintf(rel, sizeof rel, "%s/%s", split ? "test" : "train", rena_dataset_files[f]);
            assert_same_file(whole, merged, rel);
        }
    for (long i = 0; i < 40; i++) {
        snprintf(rel, sizeof rel, "images/%06ld.png", i);
        assert_same_file(whole, merged, rel);
    }
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(merged, "test", &s, &e), RENA_OK);
    rena_samples_free(&s);
}
END_TEST

START_TEST(merge_refuses_shards_of_other_datasets)
{
    char a[600], b[600], c[600], out[600];
    rena_dataset_meta m = small_meta(30, 1, 2, 0);
    write_synth(in_root("a", a, sizeof a), &m);
    m = small_meta(30, 2, 2, 0);
    write_synth(in_root("b", b, sizeof b), &m);
    m.seed = 12;
    write_synth(in_root("c", c, sizeof c), &m);
    in_root("out", out, sizeof out);
    rena_error e;
    const char *missing[1] = {a};
    ck_assert_int_eq(rena_dataset_merge(out, missing, 1, NULL, &e), RENA_ERR_SHAPE);
    ck_assert_str_eq(e.where, a);
    const char *twice[2] = {a, a};
    ck_assert_int_eq(rena_dataset_merge(out, twice, 2, NULL, &e), RENA_ERR_SHAPE);
    ck_assert(strstr(e.message, "twice"));
    const char *mixed[2] = {a, c};
    ck_assert_int_eq(rena_dataset_merge(out, mixed, 2, NULL, &e), RENA_ERR_SHAPE);
    ck_assert(strstr(e.where, "seed"));
    m = small_meta(30, 2, 2, 0);
    m.features = 0; /* a shard from a backend without perception */
    write_synth(c, &m);
    ck_assert_int_eq(rena_dataset_merge(out, mixed, 2, NULL, &e), RENA_ERR_SHAPE);
    ck_assert(strstr(e.where, "features"));
    ck_assert(!exists(out));
    const char *good[2] = {b, a};
    ck_assert_int_eq(rena_dataset_merge(out, good, 2, NULL, &e), RENA_OK);
    ck_assert_int_eq(rena_dataset_read_meta(out, &m, &e), RENA_OK);
    ck_assert_int_eq(m.shard_count, 1);
    ck_assert_int_eq(m.end - m.begin, 30);
}
END_TEST

START_TEST(an_empty_split_is_refused_for_training)
{
    char ds[600];
    rena_dataset_meta m = small_meta(20, 1, 10, 0), r;
    unsigned char mask[20];
    rena_dataset_test_mask(m.seed, 20, m.test, mask, NULL);
    /* find a two-sample shard without test samples */
    long shard = 1;
    while (mask[2 * (shard - 1)] || mask[2 * (shard - 1) + 1])
        shard++;
    m.shard_index = shard;
    write_synth(in_root("ds", ds, sizeof ds), &m);
    ck_assert_int_eq(rena_dataset_read_meta(ds, &r, NULL), RENA_OK);
    ck_assert_int_eq(r.n_test, 0);
    rena_samples s;
    rena_error e;
    ck_assert_int_eq(rena_dataset_load_split(ds, "test", &s, &e), RENA_ERR_SHAPE);
    ck_assert(strstr(e.where, "ds/test"));
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_OK);
    ck_assert_int_eq(s.n, 2);
    rena_samples_free(&s);
}
END_TEST

static int all_zero(const float *v, long n)
{
    for (long k = 0; k < n; k++)
        if (v[k] != 0.0f)
            return 0;
    return 1;
}

START_TEST(positions_are_stored_and_checked)
{
    char ds[600], file[700];
    rena_dataset_meta m = small_meta(18, 1, 1, 0);
    rena_dataset_writer w;
    rena_error e;
    float cmd[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    rena_features f;
    /* the writer refuses a non-finite position, naming the array */
    ck_assert_int_eq(rena_dataset_writer_open(&w, in_root("ds", ds, sizeof ds), &m, &e), RENA_OK);
    synth(3, cmd, &f);
    synth_positions(3, pos);
    pos[7] = NAN;
    ck_assert_int_eq(rena_dataset_writer_put_sample(&w, 3, cmd, pos, &f, &e), RENA_ERR_RANGE);
    ck_assert_str_eq(e.where, "positions");
    /* without positions (the plain put) the row holds zeros */
    for (long i = 0; i < 18; i++) {
        synth(i, cmd, &f);
        ck_assert_int_eq(rena_dataset_writer_put(&w, i, cmd, &f, &e), RENA_OK);
    }
    ck_assert_int_eq(rena_dataset_writer_commit(&w, &e), RENA_OK);
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_OK);
    ck_assert(all_zero(s.positions, s.n * RENA_NUM_SERVOS));
    ck_assert(!all_zero(s.commands, s.n * RENA_NUM_SERVOS));
    rena_samples_free(&s);

    /* a horn read past its limit is data, not damage: it loads */
    write_synth(ds, &m);
    ck_assert_int_eq(rena_dataset_load_split(ds, "train", &s, &e), RENA_OK);
    float lo = 1.0f;
    for (long k = 0; k < s.n * RENA_NUM_SERVOS; k++)
        lo = s.positions[k] < lo ? s.positions[k] : lo;
    ck_assert_float_lt(lo, 0.0f);
    long shape[2] = {s.n, RENA_NUM_SERVOS};
    /* ... but a NaN or Inf is refused naming the file and row */
    s.positions[RENA_NUM_SERVOS + 4] = INFINITY;
    overwrite_npy(ds, "train/positions.npy", 2, shape, s.positions);
    assert_load_fails(ds, "train", "train/positions.npy", RENA_ERR_RANGE, "row 1");
    rena_samples_free(&s);

    /* a dataset from before positions.npy: a version problem, not a missing file */
    edit_meta(ds, "files", "train/positions.npy", NULL);
    snprintf(file, sizeof file, "%s/train/positions.npy", ds);
    unlink(file);
    assert_load_fails(ds, "train", "train/positions.npy", RENA_ERR_VERSION, "older rena");
}
END_TEST

START_TEST(a_dataset_without_perception_says_features_false)
{
    char whole[600], meta[700];
    rena_dataset_meta m = small_meta(24, 1, 1, 0), r;
    m.features = 0;
    write_synth(in_root("whole", whole, sizeof whole), &m);
    /* meta.json holds false, not an empty list */
    snprintf(meta, sizeof meta, "%s/meta.json", whole);
    unsigned char *text;
    size_t size;
    ck_assert_int_eq(rena_read_file(meta, &text, &size, NULL), RENA_OK);
    cJSON *j = cJSON_ParseWithLength((char *)text, size);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "features")));
    cJSON_Delete(j);
    free(text);
    rena_error e;
    ck_assert_int_eq(rena_dataset_read_meta(whole, &r, &e), RENA_OK);
    ck_assert_uint_eq(r.features, 0);
    /* it loads: commands and positions as written, features zero */
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(whole, "test", &s, &e), RENA_OK);
    float cmd[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    rena_features f;
    synth(s.index[0], cmd, &f);
    synth_positions(s.index[0], pos);
    ck_assert_mem_eq(s.commands, cmd, sizeof cmd);
    ck_assert_mem_eq(s.positions, pos, sizeof pos);
    ck_assert(all_zero(s.blendshapes, s.n * RENA_NUM_BLENDSHAPES));
    ck_assert(all_zero(s.landmarks, s.n * RENA_NUM_LANDMARKS * 2));
    ck_assert(all_zero(s.head_pose, s.n * 3));
    rena_samples_free(&s);
    /* "features": true means nothing */
    edit_meta(whole, "", "features", cJSON_CreateTrue());
    ck_assert_int_eq(rena_dataset_read_meta(whole, &r, &e), RENA_ERR_FORMAT);
    ck_assert(strstr(e.where, "features"));
}
END_TEST

/* Numbers in meta.json are checked before they become integers: a range
 * entry of 1e300 was once cast to long first (undefined behaviour; input
 * tests/fuzz/regressions/dataset_meta/range_beyond_long.json). */
static void assert_meta_refused(const char *ds, const char *field, const char *fragment)
{
    char want[800];
    snprintf(want, sizeof want, "%s/meta.json: %s", ds, field);
    rena_dataset_meta r;
    rena_error e;
    rena_error_clear(&e);
    rena_status st = rena_dataset_read_meta(ds, &r, &e);
    ck_assert_msg(st == RENA_ERR_FORMAT, "got %s: %s: %s", rena_status_str(st), e.where, e.message);
    ck_assert_str_eq(e.where, want);
    ck_assert_msg(strstr(e.message, fragment), "message '%s' lacks '%s'", e.message, fragment);
}

static cJSON *range_of(double begin, double end)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(begin));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(end));
    return a;
}

START_TEST(numbers_beyond_their_type_are_refused_naming_the_field)
{
    char ds[600], src[600], meta[700];
    in_root("fuzzed", ds, sizeof ds);
    mkdir(ds, 0777);
    snprintf(meta, sizeof meta, "%s/meta.json", ds);
    unsigned char *text;
    size_t size;
    rena_test_source_path("tests/fuzz/regressions/dataset_meta/range_beyond_long.json", src,
                          sizeof src);
    ck_assert_int_eq(rena_read_file(src, &text, &size, NULL), RENA_OK);
    ck_assert_int_eq(rena_atomic_write(meta, text, size, NULL), RENA_OK);
    free(text);
    assert_meta_refused(ds, "range[0]", "whole number");

    rena_dataset_meta m = small_meta(20, 1, 1, 0), r;
    write_synth(in_root("ds", ds, sizeof ds), &m);
    const double bad[][2] = {{1e300, 20}, {-1e300, 20}, {-1, 20}, {2.5, 20}, {0, 1e300},
                             {0, 2147483648.0}, {0, 20.000001}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        edit_meta(ds, "", "range", range_of(bad[k][0], bad[k][1]));
        assert_meta_refused(ds, bad[k][0] == 0 ? "range[1]" : "range[0]", "whole number");
    }
    /* whole and in range, but not this shard's */
    edit_meta(ds, "", "range", range_of(0, 19));
    assert_meta_refused(ds, "range", "does not match");
    edit_meta(ds, "", "range", range_of(0, 20));
    ck_assert_int_eq(rena_dataset_read_meta(ds, &r, NULL), RENA_OK);

    edit_meta(ds, "", "samples", cJSON_CreateNumber(1e300));
    assert_meta_refused(ds, "samples", "whole number");
    edit_meta(ds, "", "samples", cJSON_CreateNumber(20));
    /* a seed written as a string (above 2^53) must fit 64 bits, not saturate */
    edit_meta(ds, "", "seed", cJSON_CreateString("18446744073709551616"));
    assert_meta_refused(ds, "seed", "whole number");
    edit_meta(ds, "", "seed", cJSON_CreateString("18446744073709551615"));
    ck_assert_int_eq(rena_dataset_read_meta(ds, &r, NULL), RENA_OK);
    ck_assert(r.seed == UINT64_MAX);
    edit_meta(ds, "", "shard", cJSON_CreateString("99999999999999999999/1"));
    assert_meta_refused(ds, "shard", "I/N");
    edit_meta(ds, "", "shard", cJSON_CreateString("1/99999999999999999999"));
    assert_meta_refused(ds, "shard", "I/N");
    edit_meta(ds, "", "shard", cJSON_CreateString("1/1"));
    ck_assert_int_eq(rena_dataset_read_meta(ds, &r, NULL), RENA_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_dataset");
    TCase *tc = tcase_create("dataset");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, split_depends_only_on_seed_total_and_test_count);
    tcase_add_test(tc, every_file_round_trips);
    tcase_add_test(tc, images_are_named_by_global_index);
    tcase_add_test(tc, damaged_files_are_refused_naming_the_file);
    tcase_add_test(tc, meta_json_problems_are_reported);
    tcase_add_test(tc, an_unfinished_write_leaves_nothing);
    tcase_add_test(tc, never_replaces_what_is_not_a_dataset);
    tcase_add_test(tc, writer_refuses_bad_rows);
    tcase_add_test(tc, merged_shards_equal_the_whole_byte_for_byte);
    tcase_add_test(tc, merge_refuses_shards_of_other_datasets);
    tcase_add_test(tc, an_empty_split_is_refused_for_training);
    tcase_add_test(tc, positions_are_stored_and_checked);
    tcase_add_test(tc, a_dataset_without_perception_says_features_false);
    tcase_add_test(tc, numbers_beyond_their_type_are_refused_naming_the_field);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
