/* Accuracy regression: the face copy must not get worse. A small seeded
 * pipeline runs through the CLI as a user runs it -- `rena generate` (no
 * images) -> `rena train` (one model per training seed) -> `rena eval --json`
 * -> `rena evaluate --no-images` -- and the mean of each metric over the
 * seeds must stay within the bounds committed in
 * benchmarks/accuracy_bounds.json, which also holds the pipeline's options,
 * the measured values and the margins (docs/benchmarks.md explains them).
 * The pipeline is run a second time for the first seed and must give the
 * same files and the same numbers bit for bit. Skipped under the sanitizers:
 * the instrumented binary is many times slower. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "dataset.h"
#include "testutil.h"

#define MAX_ARGS 32
#define MAX_SEEDS 8
#define MAX_METRICS 32
#define PATH_SIZE 1024

typedef struct {
    const char *v[MAX_ARGS];
    int n;
} arglist;

/* One bounded metric; strings point into the bounds file's cJSON tree. */
typedef struct {
    const char *name, *source, *path;
    double measured, bound;
    int is_max; /* 1: value <= bound (lower is better); 0: value >= bound */
} metric_bound;

typedef struct {
    cJSON *root;
    arglist generate, train, eval, evaluate;
    long seeds[MAX_SEEDS];
    int n_seeds;
    metric_bound metrics[MAX_METRICS];
    int n_metrics;
} bounds_file;

static char root_dir[PATH_SIZE];

static void setup(void) { rena_test_tmpdir(root_dir, sizeof root_dir); }
static void teardown(void) { rena_remove_tree(root_dir); }

static cJSON *load_json(const char *path)
{
    unsigned char *data = NULL;
    size_t size = 0;
    rena_error err;
    ck_assert_msg(rena_read_file(path, &data, &size, &err) == RENA_OK, "cannot read %s: %s", path,
                  err.message);
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    free(data);
    ck_assert_msg(j != NULL, "%s is not valid JSON", path);
    return j;
}

/* The node at a '/'-separated path; a segment "key[label]" picks the element
 * of array `key` whose "method" is `label`. NULL when anything is missing. */
static const cJSON *json_at(const cJSON *node, const char *path)
{
    char seg[256];
    while (node && *path) {
        size_t n = strcspn(path, "/");
        if (n == 0 || n >= sizeof seg)
            return NULL;
        memcpy(seg, path, n);
        seg[n] = '\0';
        path += n + (path[n] == '/');
        char *open = strchr(seg, '[');
        if (!open) {
            node = cJSON_GetObjectItemCaseSensitive(node, seg);
            continue;
        }
        char *close = strchr(open, ']');
        if (!close || close[1] != '\0')
            return NULL;
        *open = *close = '\0';
        const cJSON *array = cJSON_GetObjectItemCaseSensitive(node, seg), *item;
        node = NULL;
        cJSON_ArrayForEach(item, array)
        {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "method");
            if (cJSON_IsString(m) && !strcmp(m->valuestring, open + 1)) {
                node = item;
                break;
            }
        }
    }
    return node;
}

static double number_at(const cJSON *root, const char *path)
{
    const cJSON *v = json_at(root, path);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int within_bound(const metric_bound *m, double value)
{
    return isfinite(value) && (m->is_max ? value <= m->bound : value >= m->bound);
}

/* The bound a measured value and a margin give: the margin is taken away
 * from the good side, so a bound is never tighter than the measurement. */
static double derived_bound(double measured, const cJSON *margin, int is_max, const char *name)
{
    const cJSON *rel = cJSON_GetObjectItemCaseSensitive(margin, "relative");
    const cJSON *abs_ = cJSON_GetObjectItemCaseSensitive(margin, "absolute");
    ck_assert_msg(cJSON_IsNumber(rel) != cJSON_IsNumber(abs_),
                  "metric %s: margin needs exactly one of 'relative' and 'absolute'", name);
    double m = cJSON_IsNumber(rel) ? fabs(measured) * rel->valuedouble : abs_->valuedouble;
    ck_assert_msg(m >= 0, "metric %s: negative margin", name);
    return is_max ? measured + m : measured - m;
}

static void read_args(const cJSON *pipeline, const char *key, arglist *a)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(pipeline, key), *it;
    ck_assert_msg(cJSON_IsArray(arr), "accuracy_bounds.json: pipeline.%s is not a list", key);
    a->n = 0;
    cJSON_ArrayForEach(it, arr)
    {
        ck_assert_msg(cJSON_IsString(it) && a->n < MAX_ARGS,
                      "accuracy_bounds.json: pipeline.%s holds a non-string or too many", key);
        a->v[a->n++] = it->valuestring;
    }
}

static const char *string_field(const cJSON *obj, const char *key, const char *what)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ck_assert_msg(cJSON_IsString(v) && *v->valuestring, "accuracy_bounds.json: %s: no '%s'", what,
                  key);
    return v->valuestring;
}

static void read_metric(const cJSON *j, metric_bound *m)
{
    m->name = string_field(j, "name", "a metric");
    m->source = string_field(j, "source", m->name);
    m->path = string_field(j, "path", m->name);
    ck_assert_msg(!strcmp(m->source, "eval") || !strcmp(m->source, "evaluate"),
                  "metric %s: source must be eval or evaluate, not %s", m->name, m->source);
    const cJSON *measured = cJSON_GetObjectItemCaseSensitive(j, "measured");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(j, "max");
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(j, "min");
    ck_assert_msg(cJSON_IsNumber(measured), "metric %s: no measured value", m->name);
    ck_assert_msg(cJSON_IsNumber(max) != cJSON_IsNumber(min),
                  "metric %s: needs exactly one of 'max' and 'min'", m->name);
    m->measured = measured->valuedouble;
    m->is_max = cJSON_IsNumber(max);
    m->bound = m->is_max ? max->valuedouble : min->valuedouble;
    double want = derived_bound(m->measured, cJSON_GetObjectItemCaseSensitive(j, "margin"),
                                m->is_max, m->name);
    ck_assert_msg(fabs(m->bound - want) <= 1e-5 * fmax(1.0, fabs(want)),
                  "metric %s: bound %.8g is not measured %.8g with its margin (%.8g); bounds come "
                  "from measurements, see docs/benchmarks.md",
                  m->name, m->bound, m->measured, want);
}

static void load_bounds(bounds_file *b)
{
    char path[PATH_SIZE];
    memset(b, 0, sizeof *b);
    b->root = load_json(rena_test_source_path("benchmarks/accuracy_bounds.json", path, sizeof path));
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b->root, "pipeline"), *it;
    read_args(p, "generate", &b->generate);
    read_args(p, "train", &b->train);
    read_args(p, "eval", &b->eval);
    read_args(p, "evaluate", &b->evaluate);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(p, "train_seeds"))
    {
        ck_assert_msg(cJSON_IsNumber(it) && it->valuedouble >= 0 && b->n_seeds < MAX_SEEDS,
                      "accuracy_bounds.json: pipeline.train_seeds must be 1..%d seeds", MAX_SEEDS);
        b->seeds[b->n_seeds++] = (long)it->valuedouble;
    }
    ck_assert_msg(b->n_seeds > 0, "accuracy_bounds.json: pipeline.train_seeds is empty");
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(b->root, "metrics"))
    {
        ck_assert_msg(b->n_metrics < MAX_METRICS, "accuracy_bounds.json: too many metrics");
        read_metric(it, &b->metrics[b->n_metrics++]);
    }
    ck_assert_msg(b->n_metrics > 0, "accuracy_bounds.json: no metrics");
}

static const char *binary(void)
{
    const char *b = getenv("RENA_BINARY");
    ck_assert_msg(b && *b, "RENA_BINARY is not set");
    return b;
}

/* The last lines of a log, for failure messages. */
static const char *log_tail(const char *path, char *buf, size_t size)
{
    unsigned char *data = NULL;
    size_t n = 0;
    buf[0] = '\0';
    if (rena_read_file(path, &data, &n, NULL) == RENA_OK) {
        size_t from = n > size - 1 ? n - (size - 1) : 0;
        memcpy(buf, data + from, n - from);
        buf[n - from] = '\0';
    }
    free(data);
    return buf;
}

/* Runs `rena <fixed...> <extra...>` with stdout to `out` and stderr to `log`;
 * fails the test unless it exits 0. */
static void run_rena(const char *const *fixed, const arglist *extra, const char *out,
                     const char *log)
{
    const char *argv[2 * MAX_ARGS + 2];
    int n = 0;
    argv[n++] = binary();
    for (int i = 0; fixed[i]; i++)
        argv[n++] = fixed[i];
    for (int i = 0; extra && i < extra->n; i++)
        argv[n++] = extra->v[i];
    argv[n] = NULL;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char tail[1500];
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "rena %s failed (status %d): %s",
                  fixed[0], status, log_tail(log, tail, sizeof tail));
}

/* generate (when make_data) -> train -> eval -> evaluate in dir for one
 * training seed; fills one value per metric of the bounds file. */
static void run_pipeline(const bounds_file *b, const char *dir, long seed, int make_data,
                         double *values)
{
    char data[PATH_SIZE], model[PATH_SIZE], out[PATH_SIZE], log[PATH_SIZE], report[PATH_SIZE],
        seed_text[32];
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(out, sizeof out, "%s/stdout.txt", dir);
    if (make_data) {
        const char *gen[] = {"generate", "--out", data, NULL};
        run_rena(gen, &b->generate, out, log);
    }
    snprintf(model, sizeof model, "%s/seed%ld.rena", dir, seed);
    snprintf(seed_text, sizeof seed_text, "%ld", seed);
    const char *train[] = {"train", "--data", data, "--out", model, "--seed", seed_text, NULL};
    run_rena(train, &b->train, out, log);
    char eval_json[PATH_SIZE];
    snprintf(eval_json, sizeof eval_json, "%s/eval%ld.json", dir, seed);
    const char *eval[] = {"eval", "--model", model, "--data", data, "--json", NULL};
    run_rena(eval, &b->eval, eval_json, log);
    snprintf(report, sizeof report, "%s/evaluate%ld", dir, seed);
    const char *evaluate[] = {"evaluate", "--model", model, "--data", data, "--out", report, NULL};
    run_rena(evaluate, &b->evaluate, out, log);
    char evaluation[PATH_SIZE + 32];
    snprintf(evaluation, sizeof evaluation, "%s/evaluation.json", report);
    cJSON *e = load_json(eval_json), *v = load_json(evaluation);
    for (int k = 0; k < b->n_metrics; k++) {
        const metric_bound *m = &b->metrics[k];
        values[k] = number_at(!strcmp(m->source, "eval") ? e : v, m->path);
        ck_assert_msg(isfinite(values[k]), "metric %s: %s has no number at %s", m->name,
                      m->source, m->path);
    }
    cJSON_Delete(e);
    cJSON_Delete(v);
}

static int same_file(const char *a, const char *b)
{
    unsigned char *da = NULL, *db = NULL;
    size_t sa = 0, sb = 0;
    int same = rena_read_file(a, &da, &sa, NULL) == RENA_OK &&
               rena_read_file(b, &db, &sb, NULL) == RENA_OK && sa == sb && !memcmp(da, db, sa);
    free(da);
    free(db);
    return same;
}

static void assert_same_outputs(const char *a, const char *b, long seed)
{
    char fa[PATH_SIZE + 64], fb[PATH_SIZE + 64];
    for (int split = 0; split < 2; split++)
        for (int f = 0; f < RENA_DATASET_NUM_FILES; f++) {
            snprintf(fa, sizeof fa, "%s/data/%s/%s", a, split ? "test" : "train",
                     rena_dataset_files[f]);
            snprintf(fb, sizeof fb, "%s/data/%s/%s", b, split ? "test" : "train",
                     rena_dataset_files[f]);
            ck_assert_msg(same_file(fa, fb), "rena generate is not deterministic: %s differs",
                          fa + strlen(a) + 1);
        }
    snprintf(fa, sizeof fa, "%s/seed%ld.rena", a, seed);
    snprintf(fb, sizeof fb, "%s/seed%ld.rena", b, seed);
    ck_assert_msg(same_file(fa, fb), "rena train --seed %ld is not deterministic: models differ",
                  seed);
}

START_TEST(json_paths_pick_the_named_method)
{
    cJSON *j = cJSON_Parse("{\"rmse\": 0.05, \"closed_set\": {\"methods\": ["
                           "{\"method\": \"RS\", \"ld\": 0.08},"
                           "{\"method\": \"kan-attn\", \"ld\": 0.013}]}}");
    ck_assert_ptr_nonnull(j);
    ck_assert_double_eq(number_at(j, "rmse"), 0.05);
    ck_assert_double_eq(number_at(j, "closed_set/methods[kan-attn]/ld"), 0.013);
    ck_assert_double_eq(number_at(j, "closed_set/methods[RS]/ld"), 0.08);
    ck_assert(isnan(number_at(j, "closed_set/methods[mlp]/ld")));
    ck_assert(isnan(number_at(j, "closed_set/methods[kan-attn]/gs")));
    ck_assert(isnan(number_at(j, "closed_set/methods[kan-attn")));
    ck_assert(isnan(number_at(j, "closed_set")));
    cJSON_Delete(j);
    metric_bound lower = {"rmse", "eval", "rmse", 0.05, 0.06, 1};
    metric_bound higher = {"gs", "evaluate", "gs", 70.0, 58.0, 0};
    ck_assert(within_bound(&lower, 0.06) && within_bound(&lower, 0.01));
    ck_assert(!within_bound(&lower, 0.0601) && !within_bound(&lower, NAN));
    ck_assert(within_bound(&higher, 58.0) && !within_bound(&higher, 57.9));
    ck_assert(!within_bound(&higher, INFINITY) && !within_bound(&higher, NAN));
}
END_TEST

START_TEST(every_bound_is_a_measured_value_with_its_margin)
{
    bounds_file b;
    load_bounds(&b);
    for (int k = 0; k < b.n_metrics; k++) {
        const metric_bound *m = &b.metrics[k];
        for (int j = 0; j < k; j++)
            ck_assert_msg(strcmp(m->name, b.metrics[j].name), "metric %s is listed twice", m->name);
    }
    cJSON_Delete(b.root);
}
END_TEST

START_TEST(pipeline_stays_within_the_committed_bounds)
{
    if (rena_test_sanitized()) {
        printf("test_apps_accuracy: pipeline skipped under the sanitizers (the instrumented "
               "build is too slow for it); the normal build runs it\n");
        return;
    }
    bounds_file b;
    load_bounds(&b);
    char first[PATH_SIZE + 16], again[PATH_SIZE + 16];
    snprintf(first, sizeof first, "%s/first", root_dir);
    snprintf(again, sizeof again, "%s/again", root_dir);
    ck_assert(mkdir(first, 0755) == 0 && mkdir(again, 0755) == 0);
    double values[MAX_SEEDS][MAX_METRICS], mean[MAX_METRICS] = {0};
    for (int s = 0; s < b.n_seeds; s++) {
        run_pipeline(&b, first, b.seeds[s], s == 0, values[s]);
        for (int k = 0; k < b.n_metrics; k++)
            mean[k] += values[s][k] / b.n_seeds;
    }
    char failures[4096] = "";
    size_t used = 0;
    printf("%-28s %12s %12s %12s\n", "metric (mean over seeds)", "now", "measured", "bound");
    for (int k = 0; k < b.n_metrics; k++) {
        const metric_bound *m = &b.metrics[k];
        printf("%-28s %12.6g %12.6g %s%11.6g\n", m->name, mean[k], m->measured,
               m->is_max ? "<=" : ">=", m->bound);
        if (!within_bound(m, mean[k]) && used < sizeof failures - 200)
            used += (size_t)snprintf(failures + used, sizeof failures - used,
                                     " %s=%.6g (bound %s %.6g, measured %.6g);", m->name, mean[k],
                                     m->is_max ? "<=" : ">=", m->bound, m->measured);
    }
    fflush(stdout);
    ck_assert_msg(used == 0, "the face copy got worse than benchmarks/accuracy_bounds.json allows:%s",
                  failures);

    double repeat[MAX_METRICS];
    run_pipeline(&b, again, b.seeds[0], 1, repeat);
    assert_same_outputs(first, again, b.seeds[0]);
    for (int k = 0; k < b.n_metrics; k++)
        ck_assert_msg(repeat[k] == values[0][k], "metric %s is not deterministic: %.17g then %.17g",
                      b.metrics[k].name, values[0][k], repeat[k]);
    cJSON_Delete(b.root);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("apps_accuracy");
    TCase *fast = tcase_create("bounds");
    tcase_add_test(fast, json_paths_pick_the_named_method);
    tcase_add_test(fast, every_bound_is_a_measured_value_with_its_margin);
    suite_add_tcase(s, fast);
    TCase *slow = tcase_create("pipeline");
    tcase_add_checked_fixture(slow, setup, teardown);
    tcase_set_timeout(slow, 600);
    tcase_add_test(slow, pipeline_stays_within_the_committed_bounds);
    suite_add_tcase(s, slow);
    return s;
}

int main(void) { return rena_test_run(suite()); }
