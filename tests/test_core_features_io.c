/* Performer input: CSV and JSON Lines round trips, MediaPipe's JSON shapes,
 * errors that name line and column/field, clamping, and streaming from a
 * pipe on standard input. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "features_io.h"
#include "rng.h"
#include "testutil.h"

static char tmp[512];

static void setup(void)
{
    rena_test_tmpdir(tmp, sizeof tmp);
}

static const char *tmp_path(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", tmp, name);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

static rena_features random_frame(rena_rng *rng, int with_pose)
{
    rena_features f;
    memset(&f, 0, sizeof f);
    f.valid = RENA_FEAT_BLENDSHAPES | (with_pose ? RENA_FEAT_POSE : 0);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        f.blendshapes[k] = (float)rena_rng_uniform(rng);
    f.blendshapes[3] = 0.0f;
    f.blendshapes[4] = 1.0f;
    for (int a = 0; with_pose && a < 3; a++)
        f.head_pose[a] = (float)rena_rng_range(rng, -1.5, 1.5);
    return f;
}

/* Writes frames with the given options, reads them back, compares. */
static void round_trip(const char *name, rena_features_format fmt, int with_ts, int with_pose)
{
    char path[600];
    tmp_path(name, path, sizeof path);
    rena_features_writer_options wo = {fmt, with_ts, with_pose};
    rena_features_writer *w;
    ck_assert_int_eq(rena_features_writer_open(path, &wo, &w, NULL), RENA_OK);
    enum { N = 25 };
    rena_features frames[N];
    double stamps[N];
    rena_rng rng;
    rena_rng_init(&rng, 42, (uint64_t)fmt);
    for (int i = 0; i < N; i++) {
        frames[i] = random_frame(&rng, with_pose);
        stamps[i] = 1712345678.25 + i * (1.0 / 29.97);
        ck_assert_int_eq(rena_features_writer_write(w, &frames[i], stamps[i], NULL), RENA_OK);
    }
    ck_assert_int_eq(rena_features_writer_close(w, NULL), RENA_OK);

    rena_features_reader *r;
    rena_error e;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    for (int i = 0; i < N; i++) {
        rena_features f;
        double ts;
        ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
        ck_assert_uint_eq(f.valid, frames[i].valid);
        ck_assert_mem_eq(f.blendshapes, frames[i].blendshapes, sizeof f.blendshapes);
        if (with_pose)
            ck_assert_mem_eq(f.head_pose, frames[i].head_pose, sizeof f.head_pose);
        if (with_ts)
            ck_assert_double_eq_tol(ts, stamps[i], 1e-6); /* JSON goes through ms */
        else
            ck_assert_double_eq_tol(ts, i / 30.0, 1e-12);
    }
    rena_features f;
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_ERR_NOT_FOUND);
    const rena_features_reader_info *info = rena_features_reader_get_info(r);
    ck_assert_int_eq(info->format, fmt);
    ck_assert_int_eq(info->frames, N);
    ck_assert_int_eq(info->has_timestamps, with_ts);
    ck_assert_int_eq(info->clamped, 0);
    ck_assert_int_eq(info->n_unknown, 0);
    rena_features_reader_close(r);
}

START_TEST(csv_round_trips)
{
    round_trip("full.csv", RENA_FEATURES_CSV, 1, 1);
    round_trip("bare.csv", RENA_FEATURES_CSV, 0, 0);
}
END_TEST

START_TEST(jsonl_round_trips)
{
    round_trip("full.jsonl", RENA_FEATURES_JSONL, 1, 1);
    round_trip("bare.jsonl", RENA_FEATURES_JSONL, 0, 0);
}
END_TEST

/* A CSV header with the blendshapes reversed, extras, and a row builder. */
static void csv_with(char *buf, size_t size, const char *extra_header, const char *skip,
                     const char *const *rows, int nrows)
{
    size_t n = (size_t)snprintf(buf, size, "%s", extra_header);
    for (int k = RENA_NUM_BLENDSHAPES - 1; k >= 0; k--)
        if (!skip || !strstr(skip, rena_blendshape_names[k]))
            n += (size_t)snprintf(buf + n, size - n, ",%s", rena_blendshape_names[k]);
    n += (size_t)snprintf(buf + n, size - n, "\n");
    for (int i = 0; i < nrows; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s\n", rows[i]);
}

/* extra columns, then 52 values where value k (header order) is given */
static void csv_row(char *buf, size_t size, const char *extra, int bad_col, const char *bad)
{
    size_t n = (size_t)snprintf(buf, size, "%s", extra);
    for (int c = 0; c < RENA_NUM_BLENDSHAPES; c++)
        n += (size_t)snprintf(buf + n, size - n, ",%s",
                              c == bad_col ? bad : (c == 0 ? "0.75" : "0.01"));
}

START_TEST(csv_any_order_extras_and_timestamp_ms)
{
    char r1[1024], r2[1024], text[8192], path[600];
    csv_row(r1, sizeof r1, "7,1000,x", -1, NULL);
    csv_row(r2, sizeof r2, "8,1033.5,y", -1, NULL);
    const char *rows[] = {r1, r2};
    csv_with(text, sizeof text, "frame,timestamp_ms,", NULL, rows, 2);
    write_text(tmp_path("order.csv", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    const rena_features_reader_info *info = rena_features_reader_get_info(r);
    ck_assert_int_eq(info->n_unknown, 2);
    ck_assert_str_eq(info->unknown[0], "frame");
    ck_assert_str_eq(info->unknown[1], "(unnamed column 3)");
    rena_features f;
    double ts;
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 1.0, 1e-12);
    /* the first blendshape column is the last name, noseSneerRight */
    ck_assert(f.blendshapes[RENA_BS_NOSE_SNEER_RIGHT] == 0.75f);
    ck_assert(f.blendshapes[RENA_BS_JAW_OPEN] == 0.01f);
    ck_assert_uint_eq(f.valid, RENA_FEAT_BLENDSHAPES);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 1.0335, 1e-12);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_ERR_NOT_FOUND);
    rena_features_reader_close(r);
}
END_TEST

START_TEST(csv_missing_columns_are_named)
{
    char text[8192], path[600];
    csv_with(text, sizeof text, "timestamp", "jawOpen mouthClose", NULL, 0);
    write_text(tmp_path("missing.csv", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(e.where, "missing.csv:1"));
    ck_assert_ptr_nonnull(strstr(e.message, "jawOpen"));
    ck_assert_ptr_nonnull(strstr(e.message, "mouthClose"));
    /* partial head pose */
    csv_with(text, sizeof text, "yaw,roll", NULL, NULL, 0);
    write_text(path, text);
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "pitch"));
    /* duplicate column */
    csv_with(text, sizeof text, "jawOpen", NULL, NULL, 0);
    write_text(path, text);
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "jawOpen"));
    write_text(path, "\n\n");
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "empty"));
}
END_TEST

/* Opens a one-bad-row CSV and expects the error on its 3rd line. */
static void expect_row_error(const char *extra_header, const char *extra, const char *bad_extra,
                             int bad_col, const char *bad, rena_status code,
                             const char *in_message)
{
    char good[1024], row[1024], text[8192], path[600];
    csv_row(good, sizeof good, extra, -1, NULL);
    csv_row(row, sizeof row, bad_extra, bad_col, bad);
    const char *rows[] = {good, row};
    csv_with(text, sizeof text, extra_header, NULL, rows, 2);
    write_text(tmp_path("bad.csv", path, sizeof path), text);
    rena_features_reader_options o = rena_features_reader_options_default();
    o.strict = 1;
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    ck_assert_int_eq(rena_features_reader_open(path, &o, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), code);
    ck_assert_ptr_nonnull(strstr(e.where, "bad.csv:3"));
    ck_assert_msg(strstr(e.message, in_message), "'%s' lacks '%s'", e.message, in_message);
    rena_features_reader_close(r);
}

START_TEST(csv_malformed_rows_name_line_and_column)
{
    /* header: ts, yaw, pitch, roll, then 52 blendshapes from noseSneerRight */
    expect_row_error("timestamp,yaw,pitch,roll", "0,0,0,0", "1,0,0,0", 5, "abc", RENA_ERR_FORMAT,
                     "column 10 (mouthStretchLeft): 'abc' is not a number");
}
END_TEST

START_TEST(csv_more_row_errors)
{
    const char *h = "timestamp,yaw,pitch,roll";
    expect_row_error(h, "0,0,0,0", "1,0,0,0", 0, "", RENA_ERR_FORMAT, "column 5");
    expect_row_error(h, "0,0,0,0", "1,0,0,0", 2, "1.5", RENA_ERR_RANGE,
                     "column 7 (mouthUpperUpRight)");
    expect_row_error(h, "0,0,0,0", "1,0,0,0", 2, "nan", RENA_ERR_RANGE, "column 7");
    expect_row_error(h, "0,0,0,0", "1,0,x,0", -1, NULL, RENA_ERR_FORMAT, "column 3 (pitch)");
    /* same timestamp twice: not increasing */
    expect_row_error(h, "0,0,0,0", "0,0,0,0", -1, NULL, RENA_ERR_FORMAT,
                     "column 1 (timestamp): timestamp 0.000000 s is not after");
}
END_TEST

START_TEST(csv_row_error_counts_and_degrees)
{
    char good[1024], row[1024], text[8192], path[600];
    csv_row(good, sizeof good, "0,0,0,0", -1, NULL);
    csv_row(row, sizeof row, "1,0,45,0", -1, NULL); /* pitch 45: degrees */
    const char *rows[] = {good, row, "1,2,3"};
    csv_with(text, sizeof text, "timestamp,yaw,pitch,roll", NULL, rows, 3);
    write_text(tmp_path("deg.csv", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert_uint_eq(f.valid, RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.where, "deg.csv:3"));
    ck_assert_ptr_nonnull(strstr(e.message, "column 3 (pitch)"));
    ck_assert_ptr_nonnull(strstr(e.message, "degrees"));
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.where, "deg.csv:4"));
    ck_assert_ptr_nonnull(strstr(e.message, "expected 56 columns, found 3"));
    rena_features_reader_close(r);
}
END_TEST

START_TEST(out_of_range_scores_are_clamped_and_counted)
{
    char row[1024], text[8192], path[600];
    csv_row(row, sizeof row, "", 0, "1.5");
    row[strlen(row) - 4] = '\0'; /* drop the last value ... */
    strcat(row, "-0.2");         /* ... for -0.2 (_neutral, last in header) */
    char row2[1024];
    csv_row(row2, sizeof row2, "", 1, "NaN");
    const char *rows[] = {row, row2};
    csv_with(text, sizeof text, "id", NULL, rows, 2);
    write_text(tmp_path("clamp.csv", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert(f.blendshapes[RENA_BS_NOSE_SNEER_RIGHT] == 1.0f);
    ck_assert(f.blendshapes[RENA_BS_NEUTRAL] == 0.0f);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert(f.blendshapes[RENA_BS_NOSE_SNEER_LEFT] == 0.0f);
    ck_assert_int_eq(rena_features_reader_get_info(r)->clamped, 3);
    rena_features_reader_close(r);
}
END_TEST

/* One MediaPipe-style category list, JSON, with optional tweaks. */
static void categories(char *buf, size_t size, const char *name_key, int drop, int dup,
                       const char *extra)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        if (k == drop)
            continue;
        n += (size_t)snprintf(buf + n, size - n,
                              "%s{\"index\": %d, \"%s\": \"%s\", \"display_name\": \"\", "
                              "\"score\": %g}",
                              n > 1 ? ", " : "", k, name_key, rena_blendshape_names[k],
                              k == RENA_BS_JAW_OPEN ? 0.5 : 0.001 * k);
    }
    if (dup >= 0)
        n += (size_t)snprintf(buf + n, size - n, ", {\"%s\": \"%s\", \"score\": 0.1}", name_key,
                              rena_blendshape_names[dup]);
    if (extra)
        n += (size_t)snprintf(buf + n, size - n, ", %s", extra);
    snprintf(buf + n, size - n, "]");
}

START_TEST(jsonl_accepts_mediapipe_shapes)
{
    static char a[8192], b[8192], text[65536];
    char path[600];
    categories(a, sizeof a, "category_name", -1, -1, "{\"category_name\": \"tongueOut\", \"score\": 0.3}");
    categories(b, sizeof b, "categoryName", -1, -1, NULL);
    snprintf(text, sizeof text,
             "%s\n"                                   /* bare list */
             "{\"face_blendshapes\": [%s]}\n"         /* faces: a list of lists */
             "\n"                                     /* blank: skipped */
             "{\"face_blendshapes\": []}\n"           /* no face: skipped */
             "{\"faceBlendshapes\": [{\"headIndex\": 0, \"categories\": %s}],"
             " \"head_pose\": {\"yaw\": 0.1, \"pitch\": -0.2, \"roll\": 0.3}}\n",
             a, b, b);
    write_text(tmp_path("mp.json", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    double ts;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert(f.blendshapes[RENA_BS_JAW_OPEN] == 0.5f);
    ck_assert(f.blendshapes[RENA_BS_NOSE_SNEER_RIGHT] == 0.051f);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert(f.blendshapes[RENA_BS_JAW_OPEN] == 0.5f);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 2.0 / 30.0, 1e-12); /* no timestamps: frame index / 30 fps */
    ck_assert_uint_eq(f.valid, RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE);
    ck_assert(f.head_pose[1] == -0.2f);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_ERR_NOT_FOUND);
    const rena_features_reader_info *info = rena_features_reader_get_info(r);
    ck_assert_int_eq(info->frames, 3);
    ck_assert_int_eq(info->skipped_no_face, 1);
    ck_assert_int_eq(info->n_unknown, 1);
    ck_assert_str_eq(info->unknown[0], "tongueOut");
    rena_features_reader_close(r);
}
END_TEST

/* Two JSON lines, the second bad: expects an error on line 2. */
static void expect_json_error(const char *second, const char *in_message)
{
    static char good[8192], text[32768];
    char path[600];
    categories(good, sizeof good, "category_name", -1, -1, NULL);
    snprintf(text, sizeof text, "{\"timestamp_ms\": 10, \"blendshapes\": %s}\n%s\n", good, second);
    write_text(tmp_path("bad.jsonl", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.where, "bad.jsonl:2"));
    ck_assert_msg(strstr(e.message, in_message), "'%s' lacks '%s'", e.message, in_message);
    rena_features_reader_close(r);
}

START_TEST(jsonl_errors_name_line_and_field)
{
    static char list[8192], line[16384];
    expect_json_error("{\"timestamp_ms\": 20, \"blendshapes\": [", "not valid JSON");
    expect_json_error("{\"timestamp_ms\": 20} trailing", "not valid JSON (near byte 22)");
    categories(list, sizeof list, "category_name", RENA_BS_JAW_OPEN, -1, NULL);
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"blendshapes\": %s}", list);
    expect_json_error(line, "jawOpen");
    categories(list, sizeof list, "category_name", -1, RENA_BS_CHEEK_PUFF, NULL);
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"blendshapes\": %s}", list);
    expect_json_error(line, "blendshapes[52]: cheekPuff appears more than once");
    categories(list, sizeof list, "category_name", -1, -1, "{\"category_name\": \"x\"}");
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"blendshapes\": %s}", list);
    expect_json_error(line, "blendshapes[52].score");
    categories(list, sizeof list, "category_name", -1, -1, "7");
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"blendshapes\": %s}", list);
    expect_json_error(line, "blendshapes[52]: expected an object");
    categories(list, sizeof list, "category_name", -1, -1, NULL);
    snprintf(line, sizeof line, "{\"timestamp_ms\": 5, \"blendshapes\": %s}", list);
    expect_json_error(line, "timestamp_ms: timestamp 0.005000 s is not after");
    snprintf(line, sizeof line, "{\"blendshapes\": %s}", list);
    expect_json_error(line, "timestamp_ms: missing");
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"scores\": %s}", list);
    expect_json_error(line, "no \"blendshapes\"");
    snprintf(line, sizeof line, "{\"timestamp_ms\": 20, \"blendshapes\": %s, \"head_pose\": {\"yaw\": 0}}",
             list);
    expect_json_error(line, "head_pose.pitch");
    expect_json_error("{\"timestamp_ms\": 20, \"blendshapes\": {\"a\": 1}}", "blendshapes: expected a list");
}
END_TEST

START_TEST(format_sniffed_without_extension_bom_and_crlf)
{
    char row[1024], text[8192], path[600];
    csv_row(row, sizeof row, "", -1, NULL);
    strcat(row, "\r");
    const char *rows[] = {row};
    char body[8000];
    csv_with(body, sizeof body, "extra", NULL, rows, 1);
    snprintf(text, sizeof text, "\xEF\xBB\xBF%s", body);
    write_text(tmp_path("perf.txt", path, sizeof path), text);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_get_info(r)->format, RENA_FEATURES_CSV);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    ck_assert(f.blendshapes[RENA_BS_NOSE_SNEER_RIGHT] == 0.75f);
    ck_assert_str_eq(rena_features_reader_get_info(r)->unknown[0], "extra");
    rena_features_reader_close(r);
    static char list[8192];
    categories(list, sizeof list, "category_name", -1, -1, NULL);
    write_text(path, list);
    ck_assert_int_eq(rena_features_reader_open(path, NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_get_info(r)->format, RENA_FEATURES_JSONL);
    ck_assert_int_eq(rena_features_reader_next(r, &f, NULL, &e), RENA_OK);
    rena_features_reader_close(r);
    ck_assert_int_eq(rena_features_reader_open(tmp_path("absent.csv", path, sizeof path), NULL, &r,
                                               &e),
                     RENA_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.where, "absent.csv"));
}
END_TEST

START_TEST(writer_refuses_bad_frames_and_is_atomic)
{
    char path[600];
    tmp_path("w.csv", path, sizeof path);
    rena_features_writer_options wo = {RENA_FEATURES_AUTO, 1, 1};
    rena_features_writer *w;
    rena_error e;
    ck_assert_int_eq(rena_features_writer_open(path, &wo, &w, &e), RENA_OK);
    rena_rng rng;
    rena_rng_init(&rng, 1, 0);
    rena_features f = random_frame(&rng, 1);
    ck_assert_int_eq(rena_features_writer_write(w, &f, 0.0, &e), RENA_OK);
    ck_assert_int_eq(rena_features_writer_write(w, &f, 0.0, &e), RENA_ERR_RANGE); /* same ts */
    f.blendshapes[RENA_BS_JAW_OPEN] = NAN;
    ck_assert_int_eq(rena_features_writer_write(w, &f, 1.0, &e), RENA_ERR_RANGE);
    ck_assert_str_eq(e.where, "frame 1");
    ck_assert_ptr_nonnull(strstr(e.message, "jawOpen"));
    f.blendshapes[RENA_BS_JAW_OPEN] = 0.5f;
    f.valid = RENA_FEAT_BLENDSHAPES;
    ck_assert_int_eq(rena_features_writer_write(w, &f, 1.0, &e), RENA_ERR_ARG);
    ck_assert_int_eq(access(path, F_OK), -1); /* nothing visible before close */
    rena_features_writer_abort(w);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(rena_features_writer_open("/nonexistent-dir/x.csv", &wo, &w, &e), RENA_ERR_IO);
    ck_assert_ptr_nonnull(strstr(e.where, "/nonexistent-dir/x.csv"));
}
END_TEST

START_TEST(reads_stdin_pipe_frame_by_frame)
{
    /* The child writes a header and one frame, then waits for the parent to
     * have read that frame before writing the second: a reader that waited
     * for end of input would deadlock (and the alarm would fail the test). */
    int data[2], ack[2];
    ck_assert_int_eq(pipe(data), 0);
    ck_assert_int_eq(pipe(ack), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(data[0]);
        close(ack[1]);
        dup2(data[1], STDOUT_FILENO);
        close(data[1]);
        rena_features_writer_options wo = {RENA_FEATURES_CSV, 1, 0};
        rena_features_writer *w;
        rena_rng rng;
        rena_rng_init(&rng, 5, 0);
        rena_features f = random_frame(&rng, 0);
        char c;
        if (rena_features_writer_open("-", &wo, &w, NULL) != RENA_OK ||
            rena_features_writer_write(w, &f, 0.5, NULL) != RENA_OK || read(ack[0], &c, 1) != 1 ||
            rena_features_writer_write(w, &f, 0.6, NULL) != RENA_OK ||
            rena_features_writer_close(w, NULL) != RENA_OK)
            _exit(1);
        _exit(0);
    }
    close(data[1]);
    close(ack[0]);
    ck_assert_int_ge(dup2(data[0], STDIN_FILENO), 0);
    close(data[0]);
    alarm(20);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    double ts;
    ck_assert_int_eq(rena_features_reader_open("-", NULL, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 0.5, 1e-12);
    ck_assert_int_eq(write(ack[1], "x", 1), 1);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 0.6, 1e-12);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, "<stdin>");
    rena_features_reader_close(r);
    close(ack[1]);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    alarm(0);
}
END_TEST

static void on_alarm(int sig) { (void)sig; }

/* A signal that interrupts the wait for a live producer's next line (Ctrl-C
 * in the CLI) is a stop, not a read error; the stream can be read on. */
START_TEST(signal_while_waiting_is_an_interruption)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    char text[8192], row[1024];
    csv_row(row, sizeof row, "0.5", -1, NULL);
    const char *rows[] = {row};
    csv_with(text, sizeof text, "timestamp", NULL, rows, 1);
    ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    FILE *in = fdopen(fds[0], "r");
    ck_assert_ptr_nonnull(in);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART, as rena_cli_install_interrupt */
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGALRM, &sa, &old), 0);
    rena_features_reader *r;
    rena_error e;
    rena_features f;
    double ts;
    rena_features_reader_options ro = rena_features_reader_options_default();
    ro.format = RENA_FEATURES_CSV;
    ck_assert_int_eq(rena_features_reader_open_stream(in, "live", &ro, &r, &e), RENA_OK);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 0.5, 1e-12);
    alarm(1); /* the producer stalls; the signal ends the wait */
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_ERR_INTERRUPTED);
    ck_assert_str_eq(e.where, "live");
    ck_assert_msg(strstr(e.message, "stopped after 1 frames"), "%s", e.message);
    /* the producer comes back: the next line is read as usual */
    csv_row(row, sizeof row, "0.7", -1, NULL);
    strcat(row, "\n");
    ck_assert_int_eq(write(fds[1], row, strlen(row)), (ssize_t)strlen(row));
    close(fds[1]);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_OK);
    ck_assert_double_eq_tol(ts, 0.7, 1e-12);
    ck_assert_int_eq(rena_features_reader_next(r, &f, &ts, &e), RENA_ERR_NOT_FOUND);
    rena_features_reader_close(r);
    fclose(in);
    sigaction(SIGALRM, &old, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_features_io");
    TCase *tc = tcase_create("features_io");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, csv_round_trips);
    tcase_add_test(tc, jsonl_round_trips);
    tcase_add_test(tc, csv_any_order_extras_and_timestamp_ms);
    tcase_add_test(tc, csv_missing_columns_are_named);
    tcase_add_test(tc, csv_malformed_rows_name_line_and_column);
    tcase_add_test(tc, csv_more_row_errors);
    tcase_add_test(tc, csv_row_error_counts_and_degrees);
    tcase_add_test(tc, out_of_range_scores_are_clamped_and_counted);
    tcase_add_test(tc, jsonl_accepts_mediapipe_shapes);
    tcase_add_test(tc, jsonl_errors_name_line_and_field);
    tcase_add_test(tc, format_sniffed_without_extension_bom_and_crlf);
    tcase_add_test(tc, writer_refuses_bad_frames_and_is_atomic);
    tcase_add_test(tc, reads_stdin_pipe_frame_by_frame);
    tcase_add_test(tc, signal_while_waiting_is_an_interruption);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
