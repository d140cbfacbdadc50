/* The generation loop over an actuator (the analytic fake face): content,
 * shards, worker threads, noise, cancellation and failures. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "dataset.h"
#include "expert.h"
#include "fakeface.h"
#include "generate.h"
#include "testutil.h"

static char root[512];

static void setup(void) { rena_test_tmpdir(root, sizeof root); }
static void teardown(void) { rena_remove_tree(root); }

static rena_status open_fake(void *user, int worker, rena_actuator *out, rena_error *err)
{
    (void)worker;
    return rena_fakeface_open(user, out, err);
}

/* The face every worker opens with open_fake_mode. */
typedef struct {
    rena_fakeface_options opt;
    rena_fakeface_mode mode;
} fake_spec;

static rena_status open_fake_mode(void *user, int worker, rena_actuator *out, rena_error *err)
{
    (void)worker;
    const fake_spec *f = user;
    return rena_fakeface_open_mode(&f->opt, &f->mode, out, err);
}

/* Where the fake face's read() puts a servo holding command c with lag l,
 * computed here rather than taken from the fake. */
static float lagged(int servo, float c, float lag)
{
    return c + lag * (rena_servos[servo].neutral - c);
}

static rena_generate_options fake_options(long total, long shard, long shards,
                                          rena_fakeface_options *ff)
{
    rena_generate_options o;
    rena_generate_options_default(&o);
    o.meta.total = total;
    o.meta.test = rena_dataset_default_test(total);
    o.meta.seed = 5;
    o.meta.shard_index = shard;
    o.meta.shard_count = shards;
    o.meta.images = ff->width > 0;
    snprintf(o.meta.backend, sizeof o.meta.backend, "fake");
    o.open_actuator = open_fake;
    o.open_user = ff;
    return o;
}

static void generate_ok(const char *dir, const rena_generate_options *o, rena_generate_stats *stats)
{
    rena_error e;
    rena_error_clear(&e);
    rena_status st = rena_generate(dir, o, NULL, stats, &e);
    ck_assert_msg(st == RENA_OK, "%s: %s", e.where, e.message);
}

static const char *in_root(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", root, rel);
    return buf;
}

static int same_file(const char *a_dir, const char *b_dir, const char *rel)
{
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/%s", a_dir, rel);
    snprintf(b, sizeof b, "%s/%s", b_dir, rel);
    unsigned char *da = NULL, *db = NULL;
    size_t sa = 0, sb = 0;
    int same = rena_read_file(a, &da, &sa, NULL) == RENA_OK &&
               rena_read_file(b, &db, &sb, NULL) == RENA_OK && sa == sb && !memcmp(da, db, sa);
    free(da);
    free(db);
    return same;
}

static void assert_same_dataset(const char *a, const char *b, long total, int images)
{
    char rel[64];
    ck_assert_msg(same_file(a, b, "meta.json"), "meta.json differs");
    for (int split = 0; split < 2; split++)
        for (int f = 0; f < RENA_DATASET_NUM_FILES; f++) {
            snprintf(rel, sizeof rel, "%s/%s", split ? "test" : "train", rena_dataset_files[f]);
            ck_assert_msg(same_file(a, b, rel), "%s differs", rel);
        }
    for (long i = 0; images && i < total; i++) {
        snprintf(rel, sizeof rel, "images/%06ld.png", i);
        ck_assert_msg(same_file(a, b, rel), "%s differs", rel);
    }
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return d ? n : -1;
}

START_TEST(rows_hold_the_sent_command_its_positions_and_its_features)
{
    char dir[600];
    fake_spec spec = {{0, 0, 0}, {0, 0.25f}};
    rena_generate_options o = fake_options(45, 1, 1, &spec.opt);
    o.open_actuator = open_fake_mode;
    o.open_user = &spec;
    rena_generate_stats stats;
    generate_ok(in_root("ds", dir, sizeof dir), &o, &stats);
    ck_assert_int_eq(stats.samples, 45);
    ck_assert_int_eq(stats.n_test, 5);
    ck_assert_int_eq(stats.n_train, 40);
    ck_assert_int_eq(stats.adjusted, 0); /* expert commands are always inside [0,1] */
    ck_assert_uint_eq(stats.features, RENA_FEAT_BLENDSHAPES | RENA_FEAT_LANDMARKS | RENA_FEAT_POSE);
    for (int split = 0; split < 2; split++) {
        rena_samples s;
        ck_assert_int_eq(rena_dataset_load_split(dir, split ? "test" : "train", &s, NULL), RENA_OK);
        for (long k = 0; k < s.n; k++) {
            float cmd[RENA_NUM_SERVOS];
            rena_features f;
            rena_expert_sample(5, (uint64_t)s.index[k], cmd, NULL);
            rena_fakeface_features(cmd, &f);
            ck_assert_mem_eq(s.commands + k * RENA_NUM_SERVOS, cmd, sizeof cmd);
            for (int j = 0; j < RENA_NUM_SERVOS; j++)
                ck_assert_float_eq(s.positions[k * RENA_NUM_SERVOS + j], lagged(j, cmd[j], 0.25f));
            ck_assert_mem_eq(s.blendshapes + k * RENA_NUM_BLENDSHAPES, f.blendshapes, sizeof f.blendshapes);
            ck_assert_mem_eq(s.landmarks + k * RENA_NUM_LANDMARKS * 2, f.landmarks, sizeof f.landmarks);
            ck_assert_mem_eq(s.head_pose + k * 3, f.head_pose, sizeof f.head_pose);
        }
        rena_samples_free(&s);
    }
    rena_dataset_meta m;
    ck_assert_int_eq(rena_dataset_read_meta(dir, &m, NULL), RENA_OK);
    ck_assert_str_eq(m.backend, "fake");
    ck_assert_str_eq(m.strategy, "expert");
}
END_TEST

START_TEST(shards_merged_equal_one_run_and_threads_change_nothing)
{
    char whole[600], threaded[600], merged[600], shard[2][600];
    rena_fakeface_options ff = {16, 12, 0};
    long n = 60;
    rena_generate_options o = fake_options(n, 1, 1, &ff);
    o.meta.landmark_noise_px = 2.0;
    generate_ok(in_root("whole", whole, sizeof whole), &o, NULL);
    o.jobs = 3;
    generate_ok(in_root("threaded", threaded, sizeof threaded), &o, NULL);
    assert_same_dataset(whole, threaded, n, 1);
    for (int s = 0; s < 2; s++) {
        rena_generate_options so = fake_options(n, s + 1, 2, &ff);
        so.meta.landmark_noise_px = 2.0;
        so.jobs = s + 1;
        char rel[32];
        snprintf(rel, sizeof rel, "shard%d", s + 1);
        generate_ok(in_root(rel, shard[s], sizeof shard[s]), &so, NULL);
    }
    const char *parts[2] = {shard[0], shard[1]};
    rena_error e;
    ck_assert_int_eq(rena_dataset_merge(in_root("merged", merged, sizeof merged), parts, 2, NULL, &e),
                     RENA_OK);
    assert_same_dataset(whole, merged, n, 1);
}
END_TEST

START_TEST(landmark_noise_is_gaussian_with_the_given_sigma)
{
    char clean[600], noisy[600];
    rena_fakeface_options ff = {0, 0, 0};
    rena_generate_options o = fake_options(40, 1, 1, &ff);
    generate_ok(in_root("clean", clean, sizeof clean), &o, NULL);
    o.meta.landmark_noise_px = 3.0;
    generate_ok(in_root("noisy", noisy, sizeof noisy), &o, NULL);
    rena_samples a, b;
    ck_assert_int_eq(rena_dataset_load_split(clean, "train", &a, NULL), RENA_OK);
    ck_assert_int_eq(rena_dataset_load_split(noisy, "train", &b, NULL), RENA_OK);
    double sum = 0, sum2 = 0;
    long n = a.n * RENA_NUM_LANDMARKS * 2;
    for (long k = 0; k < n; k++) {
        double d = b.landmarks[k] - a.landmarks[k];
        sum += d;
        sum2 += d * d;
    }
    ck_assert_double_lt(fabs(sum / n), 0.15);
    ck_assert_double_lt(fabs(sqrt(sum2 / n) - 3.0), 0.15);
    ck_assert_mem_eq(a.blendshapes, b.blendshapes, (size_t)a.n * RENA_NUM_BLENDSHAPES * sizeof(float));
    rena_samples_free(&a);
    rena_samples_free(&b);
}
END_TEST

START_TEST(random_strategy_babbles)
{
    char dir[600];
    rena_fakeface_options ff = {0, 0, 0};
    rena_generate_options o = fake_options(20, 1, 1, &ff);
    snprintf(o.meta.strategy, sizeof o.meta.strategy, "random");
    generate_ok(in_root("rs", dir, sizeof dir), &o, NULL);
    rena_samples s;
    ck_assert_int_eq(rena_dataset_load_split(dir, "train", &s, NULL), RENA_OK);
    float cmd[RENA_NUM_SERVOS];
    rena_expert_random(5, (uint64_t)s.index[0], cmd);
    ck_assert_mem_eq(s.commands, cmd, sizeof cmd);
    rena_samples_free(&s);
    snprintf(o.meta.strategy, sizeof o.meta.strategy, "chaos");
    rena_error e;
    ck_assert_int_eq(rena_generate(dir, &o, NULL, NULL, &e), RENA_ERR_ARG);
    ck_assert_str_eq(e.where, "strategy");
}
END_TEST

/* user: {calls so far, calls allowed} */
static int cancel_after(void *user)
{
    int *c = user;
    return ++c[0] > c[1];
}

START_TEST(cancelling_writes_nothing_and_keeps_the_old_dataset)
{
    char dir[600];
    rena_fakeface_options ff = {0, 0, 0};
    rena_generate_options o = fake_options(30, 1, 1, &ff);
    generate_ok(in_root("ds", dir, sizeof dir), &o, NULL);
    o.meta.seed = 77;
    for (int jobs = 1; jobs <= 2; jobs++) {
        int calls[2] = {0, jobs == 1 ? 10 : 1}; /* threads: polled every 20 ms */
        rena_progress p = {NULL, cancel_after, calls};
        rena_error e;
        o.meta.total = 20000; /* long enough that the threads are still busy when cancelled */
        o.meta.test = rena_dataset_default_test(o.meta.total);
        o.jobs = jobs;
        ck_assert_int_eq(rena_generate(dir, &o, &p, NULL, &e), RENA_ERR_INTERRUPTED);
        ck_assert_int_eq(entries(root), 1);
        rena_dataset_meta m;
        ck_assert_int_eq(rena_dataset_read_meta(dir, &m, NULL), RENA_OK);
        ck_assert_uint_eq(m.seed, 5);
    }
}
END_TEST

START_TEST(a_failing_backend_writes_nothing)
{
    char dir[600];
    rena_fakeface_options ff = {0, 0, 8};
    rena_generate_options o = fake_options(30, 1, 1, &ff);
    for (int jobs = 1; jobs <= 3; jobs += 2) {
        rena_error e;
        o.jobs = jobs;
        ck_assert_int_eq(rena_generate(in_root("ds", dir, sizeof dir), &o, NULL, NULL, &e),
                         RENA_ERR_BACKEND);
        ck_assert_str_eq(e.where, "fake face");
        ck_assert_int_eq(entries(root), 0);
    }
    /* a backend without a camera cannot make an image dataset */
    rena_fakeface_options blind = {0, 0, 0};
    o = fake_options(30, 1, 1, &blind);
    o.meta.images = 1;
    rena_error e;
    ck_assert_int_eq(rena_generate(dir, &o, NULL, NULL, &e), RENA_ERR_UNSUPPORTED);
    ck_assert(strstr(e.message, "--images"));
    ck_assert_int_eq(entries(root), 0);
}
END_TEST

static long count_nonzero(const float *v, long n)
{
    long k = 0;
    for (long i = 0; i < n; i++)
        k += v[i] != 0.0f;
    return k;
}

START_TEST(a_backend_without_perception_records_commands_and_positions)
{
    char dir[600], threaded[600], merged[600], shard[2][600];
    fake_spec spec = {{0, 0, 0}, {1, 0.1f}};
    long n = 36;
    rena_generate_options o = fake_options(n, 1, 1, &spec.opt);
    o.open_actuator = open_fake_mode;
    o.open_user = &spec;
    o.meta.landmark_noise_px = 2.0; /* noise never lands on landmarks nobody saw */
    rena_generate_stats stats;
    generate_ok(in_root("ds", dir, sizeof dir), &o, &stats);
    ck_assert_int_eq(stats.samples, n);
    ck_assert_uint_eq(stats.features, 0);
    rena_dataset_meta m;
    ck_assert_int_eq(rena_dataset_read_meta(dir, &m, NULL), RENA_OK);
    ck_assert_uint_eq(m.features, 0);
    for (int split = 0; split < 2; split++) {
        rena_samples s;
        ck_assert_int_eq(rena_dataset_load_split(dir, split ? "test" : "train", &s, NULL), RENA_OK);
        for (long k = 0; k < s.n; k++) {
            float cmd[RENA_NUM_SERVOS];
            rena_expert_sample(5, (uint64_t)s.index[k], cmd, NULL);
            ck_assert_mem_eq(s.commands + k * RENA_NUM_SERVOS, cmd, sizeof cmd);
            for (int j = 0; j < RENA_NUM_SERVOS; j++)
                ck_assert_float_eq(s.positions[k * RENA_NUM_SERVOS + j], lagged(j, cmd[j], 0.1f));
        }
        ck_assert_int_eq(count_nonzero(s.blendshapes, s.n * RENA_NUM_BLENDSHAPES), 0);
        ck_assert_int_eq(count_nonzero(s.landmarks, s.n * RENA_NUM_LANDMARKS * 2), 0);
        ck_assert_int_eq(count_nonzero(s.head_pose, s.n * 3), 0);
        rena_samples_free(&s);
    }
    /* threads and shards change nothing here either */
    o.jobs = 3;
    generate_ok(in_root("threaded", threaded, sizeof threaded), &o, NULL);
    assert_same_dataset(dir, threaded, n, 0);
    for (int k = 0; k < 2; k++) {
        rena_generate_options so = o;
        so.meta.shard_index = k + 1;
        so.meta.shard_count = 2;
        so.jobs = k + 1;
        char rel[32];
        snprintf(rel, sizeof rel, "shard%d", k + 1);
        generate_ok(in_root(rel, shard[k], sizeof shard[k]), &so, NULL);
    }
    const char *parts[2] = {shard[0], shard[1]};
    rena_error e;
    ck_assert_int_eq(rena_dataset_merge(in_root("merged", merged, sizeof merged), parts, 2, NULL, &e),
                     RENA_OK);
    assert_same_dataset(dir, merged, n, 0);
    /* images need a camera */
    char img[600];
    o.meta.images = 1;
    o.jobs = 1;
    ck_assert_int_eq(rena_generate(in_root("img", img, sizeof img), &o, NULL, NULL, &e),
                     RENA_ERR_UNSUPPORTED);
    ck_assert(strstr(e.message, "--images"));
    ck_assert_int_eq(entries(root), 5);
}
END_TEST

/* A fake face whose perception stops after `seeing` observations, as a
 * camera that loses the face would. */
typedef struct {
    rena_actuator face;
    long seen, seeing;
} fading_face;

static rena_status fading_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                                float sent[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_actuator_write(&((fading_face *)ctx)->face, cmd, sent, err);
}

static rena_status fading_reset(void *ctx, rena_error *err)
{
    return rena_actuator_reset(&((fading_face *)ctx)->face, err);
}

static rena_status fading_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_actuator_read(&((fading_face *)ctx)->face, pos, err);
}

static rena_status fading_observe(void *ctx, unsigned want, rena_observation *obs, rena_error *err)
{
    fading_face *f = ctx;
    if (f->seen++ >= f->seeing)
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, "fading face", "face lost");
    return rena_actuator_observe(&f->face, want, obs, err);
}

static void fading_close(void *ctx)
{
    fading_face *f = ctx;
    rena_actuator_close(&f->face);
    free(f);
}

static rena_status open_fading(void *user, int worker, rena_actuator *out, rena_error *err)
{
    (void)worker;
    fading_face *f = calloc(1, sizeof *f);
    if (!f)
        return rena_error_set(err, RENA_ERR_NOMEM, "fading face", "out of memory");
    f->seeing = *(const long *)user;
    rena_status st = rena_fakeface_open(NULL, &f->face, err);
    if (st != RENA_OK) {
        free(f);
        return st;
    }
    *out = (rena_actuator){"fading", f, fading_write, fading_reset, fading_read,
                           fading_observe, fading_close};
    return RENA_OK;
}

START_TEST(perception_must_hold_for_every_sample)
{
    char dir[600];
    rena_fakeface_options ff = {0, 0, 0};
    long seeing = 7;
    rena_generate_options o = fake_options(20, 1, 1, &ff);
    o.open_actuator = open_fading;
    o.open_user = &seeing;
    rena_error e;
    ck_assert_int_eq(rena_generate(in_root("ds", dir, sizeof dir), &o, NULL, NULL, &e),
                     RENA_ERR_BACKEND);
    ck_assert_msg(strstr(e.message, "sample 7 has no blendshapes"), "%s", e.message);
    ck_assert_int_eq(entries(root), 0);
    seeing = 1000; /* never lost: an ordinary dataset */
    generate_ok(dir, &o, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_generate");
    TCase *tc = tcase_create("generate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rows_hold_the_sent_command_its_positions_and_its_features);
    tcase_add_test(tc, a_backend_without_perception_records_commands_and_positions);
    tcase_add_test(tc, perception_must_hold_for_every_sample);
    tcase_add_test(tc, shards_merged_equal_one_run_and_threads_change_nothing);
    tcase_add_test(tc, landmark_noise_is_gaussian_with_the_given_sigma);
    tcase_add_test(tc, random_strategy_babbles);
    tcase_add_test(tc, cancelling_writes_nothing_and_keeps_the_old_dataset);
    tcase_add_test(tc, a_failing_backend_writes_nothing);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
