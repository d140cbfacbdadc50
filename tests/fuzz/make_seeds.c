/* make_seeds.c: writes the seed corpus of every harness with rena's own
 * writers, so the seeds are exactly the files users have, plus a few
 * hand-made variants the writers never produce (MediaPipe's nestings, other
 * PNG colour types, noise on the bus), and a libFuzzer dictionary per
 * harness (the names and keys a mutation would hardly guess). Run it again
 * when a format changes:
 *
 *   build-fuzz/fuzz/make_seeds tests/fuzz    (writes corpus/ and dict/)
 *
 * Deterministic: the same build writes the same bytes. */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "calibration.h"
#include "dataset.h"
#include "features_io.h"
#include "image.h"
#include "model.h"
#include "modelfile.h"
#include "npy.h"
#include "rng.h"
#include "sts_protocol.h"

static const char *root;

static void die(const char *what, const rena_error *err)
{
    char buf[1200];
    fprintf(stderr, "make_seeds: %s: %s\n", what,
            err ? rena_error_format(err, buf, sizeof buf) : "");
    exit(1);
}

static const char *seed_path(const char *corpus, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/corpus/%s", root, corpus);
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        die(buf, NULL);
    snprintf(buf, size, "%s/corpus/%s/%s", root, corpus, name);
    return buf;
}

static void put_bytes(const char *corpus, const char *name, const void *data, size_t size)
{
    char path[4096];
    rena_error err;
    if (rena_atomic_write(seed_path(corpus, name, path, sizeof path), data, size, &err) != RENA_OK)
        die(name, &err);
}

static void put_text(const char *corpus, const char *name, const char *text)
{
    put_bytes(corpus, name, text, strlen(text));
}

/* ---- performer input ----------------------------------------------------- */

static void some_frame(rena_features *f, long i)
{
    rena_rng r;
    rena_rng_init(&r, 7, (uint64_t)i);
    memset(f, 0, sizeof *f);
    f->valid = RENA_FEAT_BLENDSHAPES | RENA_FEAT_POSE;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        f->blendshapes[k] = (float)rena_rng_uniform(&r);
    for (int k = 0; k < 3; k++)
        f->head_pose[k] = (float)rena_rng_range(&r, -0.5, 0.5);
}

static void features_seed(const char *corpus, const char *name, rena_features_format format,
                          int with_timestamps, int with_pose, int frames)
{
    char path[4096];
    rena_features_writer_options opt = {format, with_timestamps, with_pose};
    rena_features_writer *w;
    rena_error err;
    if (rena_features_writer_open(seed_path(corpus, name, path, sizeof path), &opt, &w, &err))
        die(name, &err);
    for (int i = 0; i < frames; i++) {
        rena_features f;
        some_frame(&f, i);
        if (rena_features_writer_write(w, &f, 0.033 * i, &err) != RENA_OK)
            die(name, &err);
    }
    if (rena_features_writer_close(w, &err) != RENA_OK)
        die(name, &err);
}

/* A JSON category list with every blendshape, in MediaPipe's key style. */
static void categories(char *buf, size_t size, const char *name_key, double score)
{
    size_t at = (size_t)snprintf(buf, size, "[");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES && at < size; k++)
        at += (size_t)snprintf(buf + at, size - at,
                               "%s{\"index\": %d, \"%s\": \"%s\", \"score\": %g}", k ? ", " : "",
                               k, name_key, rena_blendshape_names[k], score);
    if (at < size)
        snprintf(buf + at, size - at, "]");
}

static void performer_seeds(void)
{
    features_seed("features_csv", "pose_and_time.csv", RENA_FEATURES_CSV, 1, 1, 3);
    features_seed("features_csv", "plain.csv", RENA_FEATURES_CSV, 0, 0, 2);
    features_seed("features_jsonl", "pose_and_time.jsonl", RENA_FEATURES_JSONL, 1, 1, 3);
    features_seed("features_jsonl", "plain.jsonl", RENA_FEATURES_JSONL, 0, 0, 2);

    /* CSV as pandas and spreadsheets write it: BOM, CRLF, an index column,
     * timestamp_ms, quoted fields, a blank line */
    char header[4096], row[4096], text[16384];
    size_t h = (size_t)snprintf(header, sizeof header, "\xEF\xBB\xBF,timestamp_ms");
    size_t r = (size_t)snprintf(row, sizeof row, "0,\"33\"");
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++) {
        h += (size_t)snprintf(header + h, sizeof header - h, ",%s", rena_blendshape_names[k]);
        r += (size_t)snprintf(row + r, sizeof row - r, ",%s", k % 3 ? "0.25" : "1e-7");
    }
    snprintf(text, sizeof text, "%s,yaw,pitch,roll\r\n%s,0.1,-0.2,0.05\r\n\r\n", header, row);
    put_text("features_csv", "pandas_bom_crlf.csv", text);

    char cats[8192], line[16384];
    categories(cats, sizeof cats, "category_name", 0.125);
    snprintf(line, sizeof line, "%s\n{\"timestamp_ms\": 66, \"face_blendshapes\": [%s]}\n"
             "{\"timestamp_ms\": 99, \"face_blendshapes\": []}\n", cats, cats);
    put_text("features_jsonl", "python_nesting.jsonl", line);
    categories(cats, sizeof cats, "categoryName", 0.5);
    snprintf(line, sizeof line,
             "{\"timestampMs\": 100, \"faceBlendshapes\": [{\"headIndex\": 0, \"categories\": %s}],"
             " \"head_pose\": {\"yaw\": 0.1, \"pitch\": 0, \"roll\": -0.1}}\n",
             cats);
    put_text("features_jsonl", "javascript_nesting.jsonl", line);
}

/* ---- .npy and meta.json ---------------------------------------------------- */

static void npy_seed(const char *name, rena_npy_dtype dtype, int ndim, const long *shape)
{
    long count = 1;
    for (int d = 0; d < ndim; d++)
        count *= shape[d];
    float *v = calloc((size_t)(count ? count : 1), 4);
    for (long i = 0; i < count; i++) {
        if (dtype == RENA_NPY_F32)
            v[i] = 0.25f * (float)i - 1.0f;
        else
            ((int32_t *)v)[i] = (int32_t)(i * 7 - 3);
    }
    unsigned char *buf;
    size_t size;
    rena_error err;
    if (rena_npy_encode(name, dtype, ndim, shape, v, &buf, &size, &err) != RENA_OK)
        die(name, &err);
    put_bytes("npy", name, buf, size);
    if (!strcmp(name, "f32_3x4.npy")) {
        /* the same array with a version 2.0 header (4-byte length) */
        unsigned char *v2 = malloc(size + 2);
        memcpy(v2, buf, 8);
        v2[6] = 2;
        unsigned hlen = (unsigned)buf[8] | (unsigned)buf[9] << 8;
        v2[8] = (unsigned char)hlen;
        v2[9] = (unsigned char)(hlen >> 8);
        v2[10] = v2[11] = 0;
        memcpy(v2 + 12, buf + 10, size - 10);
        put_bytes("npy", "f32_3x4_v2.npy", v2, size + 2);
        free(v2);
    }
    free(buf);
    free(v);
}

static void npy_seeds(void)
{
    const long s34[] = {3, 4}, s5[] = {5}, s0[] = {0, 25}, s268[] = {2, 68, 2};
    npy_seed("f32_3x4.npy", RENA_NPY_F32, 2, s34);
    npy_seed("i32_5.npy", RENA_NPY_I32, 1, s5);
    npy_seed("f32_scalar.npy", RENA_NPY_F32, 0, NULL);
    npy_seed("f32_empty_0x25.npy", RENA_NPY_F32, 2, s0);
    npy_seed("f32_landmarks_2x68x2.npy", RENA_NPY_F32, 3, s268);
}

/* A dataset folder written by the real writer; its meta.json is the seed. */
static void meta_seed(const char *scratch, const char *name, long total, long shard, long shards,
                      int images)
{
    char dir[4096], meta_path[4200];
    snprintf(dir, sizeof dir, "%s/%s", scratch, name);
    rena_dataset_meta m;
    rena_dataset_meta_default(&m);
    m.total = total;
    m.test = rena_dataset_default_test(total);
    m.seed = 12345;
    m.shard_index = shard;
    m.shard_count = shards;
    m.images = images;
    snprintf(m.mujoco_version, sizeof m.mujoco_version, "2.2.2");
    rena_dataset_writer w;
    rena_error err;
    if (rena_dataset_writer_open(&w, dir, &m, &err) != RENA_OK)
        die(name, &err);
    for (long i = w.meta.begin; i < w.meta.end; i++) {
        float cmd[RENA_NUM_SERVOS];
        rena_features f;
        rena_servo_neutral(cmd);
        some_frame(&f, i);
        f.valid |= RENA_FEAT_LANDMARKS;
        if (rena_dataset_writer_put(&w, i, cmd, &f, &err) != RENA_OK)
            die(name, &err);
        if (images) {
            unsigned char rgb[4 * 3 * 3] = {0};
            rena_image img = {4, 3, rgb};
            if (rena_dataset_writer_put_image(&w, i, &img, &err) != RENA_OK)
                die(name, &err);
        }
    }
    if (rena_dataset_writer_commit(&w, &err) != RENA_OK)
        die(name, &err);
    unsigned char *text;
    size_t size;
    snprintf(meta_path, sizeof meta_path, "%s/meta.json", dir);
    if (rena_read_file(meta_path, &text, &size, &err) != RENA_OK)
        die(name, &err);
    char seed_name[256];
    snprintf(seed_name, sizeof seed_name, "%s.json", name);
    put_bytes("dataset_meta", seed_name, text, size);
    free(text);
    rena_remove_tree(dir);
}

/* ---- model files ------------------------------------------------------------ */

/* A small model of arch a (layers a few KB wide, so mutations stay cheap). */
static rena_model *small_model(rena_arch a)
{
    rena_model_hparams hp;
    rena_model_hparams_default(a, &hp);
    hp.d_model = 2;
    hp.hidden[0] = hp.hidden[1] = 2;
    hp.grid_size = 2;
    hp.spline_order = 1;
    rena_model *m;
    rena_error err;
    if (rena_model_create(&hp, 99, &m, &err) != RENA_OK)
        die("model", &err);
    for (int i = 0; i < m->n_in; i++) {
        m->in_mean[i] = 0.01f * (float)i;
        m->in_scale[i] = 1.0f + 0.1f * (float)(i % 5);
    }
    return m;
}

static void model_seed(const rena_model *m, const char *name)
{
    unsigned char *buf;
    size_t size;
    rena_error err;
    if (rena_model_encode(m, &buf, &size, &err) != RENA_OK)
        die(name, &err);
    put_bytes("modelfile", name, buf, size);
    free(buf);
}

/* A version-2 file: m with a head map (headmap.h), which the encoder
 * writes after the weights. degenerate: the map of a yaw that did not vary
 * (slope 0), the other case the loader tells apart. */
static void head_map_seed(rena_arch a, int degenerate, const char *name)
{
    rena_model *m = small_model(a);
    m->has_head_map = 1;
    m->head_map = (rena_headmap){degenerate ? 0.5f : 0.47f, degenerate ? 0.0f : 0.62f,
                                 degenerate ? 0.11f : 0.013f, 320, degenerate};
    if (!rena_model_uses_head_map(m))
        die(name, NULL);
    model_seed(m, name);
    rena_model_free(m);
}

static void model_seeds(void)
{
    /* version 1: no head map, as written for --head-map off and landmark-mlp */
    for (int a = RENA_ARCH_FIRST; a <= RENA_ARCH_LAST; a++) {
        rena_model *m = small_model((rena_arch)a);
        char name[64];
        snprintf(name, sizeof name, "%s.rena", rena_arch_name((rena_arch)a));
        model_seed(m, name);
        rena_model_free(m);
    }
    /* version 2 */
    head_map_seed(RENA_ARCH_KAN_ATTN, 0, "kan-attn_head_map.rena");
    head_map_seed(RENA_ARCH_MLP, 1, "mlp_head_map_degenerate.rena");
}

/* ---- PNG ---------------------------------------------------------------------- */

/* A tiny PNG of any colour type, straight through libpng (rena writes RGB8 only). */
static void png_seed(const char *name, int color, int depth, int interlace)
{
    char path[4096];
    FILE *fp = fopen(seed_path("png", name, path, sizeof path), "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!fp || !png || !info || setjmp(png_jmpbuf(png)))
        die(name, NULL);
    png_init_io(png, fp);
    png_set_IHDR(png, info, 5, 3, depth, color, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (color == PNG_COLOR_TYPE_PALETTE) {
        png_color palette[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
        png_set_PLTE(png, info, palette, 4);
    }
    png_write_info(png, info);
    int passes = png_set_interlace_handling(png); /* 7 for Adam7, else 1 */
    unsigned char row[5 * 4 * 2];
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < 3; y++) {
            for (size_t i = 0; i < sizeof row; i++)
                row[i] = (unsigned char)(color == PNG_COLOR_TYPE_PALETTE ? (i + (size_t)y) % 4
                                                                         : i * 37 + (size_t)y * 11);
            png_write_row(png, row);
        }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(fp);
}

static void png_seeds(void)
{
    unsigned char rgb[6 * 4 * 3];
    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (unsigned char)(i * 13);
    rena_image img = {6, 4, rgb};
    char path[4096];
    rena_error err;
    if (rena_png_write(seed_path("png", "rgb8.png", path, sizeof path), &img, &err) != RENA_OK)
        die("png", &err);
    png_seed("gray1.png", PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE);
    png_seed("palette2.png", PNG_COLOR_TYPE_PALETTE, 2, PNG_INTERLACE_NONE);
    png_seed("gray_alpha8_interlaced.png", PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_ADAM7);
    png_seed("rgba16.png", PNG_COLOR_TYPE_RGBA, 16, PNG_INTERLACE_NONE);
}

/* ---- calibration ----------------------------------------------------------------- */

static void calibration_seeds(void)
{
    /* the example asset is the default face; this one turns every horn round */
    rena_calibration cal;
    rena_calibration_default(&cal);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        cal.servo[i].id = 100 + i;
        cal.servo[i].direction = -cal.servo[i].direction;
    }
    char path[4096];
    rena_error err;
    if (rena_calibration_save(seed_path("calibration", "reversed.json", path, sizeof path), &cal,
                              &err) != RENA_OK)
        die("calibration", &err);
    unsigned char *text;
    size_t size;
    if (rena_read_file(RENA_SOURCE_DIR "/assets/calibration.example.json", &text, &size, &err) !=
        RENA_OK)
        die("calibration", &err);
    put_bytes("calibration", "example.json", text, size);
    free(text);
}

/* ---- the servo bus --------------------------------------------------------------- */

typedef struct {
    uint8_t bytes[2048];
    size_t n;
} wire;

static void reply(wire *w, uint8_t id, uint8_t errbits, const uint8_t *params, size_t nparams)
{
    size_t len;
    rena_error err;
    if (rena_sts_encode(w->bytes + w->n, sizeof w->bytes - w->n, id, errbits, params, nparams,
                        &len, &err) != RENA_OK)
        die("sts", &err);
    w->n += len;
}

static void raw(wire *w, const char *bytes, size_t n)
{
    memcpy(w->bytes + w->n, bytes, n);
    w->n += n;
}

static void sts_seeds(void)
{
    const uint8_t pos[2] = {0x00, 0x08}, state[68] = {[0] = 0x09, [1] = 0x02, [2] = 4};
    wire w = {{0}, 0};
    reply(&w, 1, 0, NULL, 0);
    put_bytes("sts_packet", "ping_reply", w.bytes, w.n);
    w.n = 0;
    reply(&w, 2, RENA_STS_ERR_OVERLOAD | RENA_STS_ERR_OVERHEAT, pos, 2);
    put_bytes("sts_packet", "read_reply_error_bits", w.bytes, w.n);
    w.n = 0;
    raw(&w, "\x13\xFF\x00\xFF\xFF\xFF", 6); /* noise, then a run of FF */
    reply(&w, 3, 0, pos, 2);
    raw(&w, "\xFF\xFF\x01\x01", 4);         /* LEN below 2 */
    raw(&w, "\xFF\xFF\x01\x02\x00\x00", 6); /* bad checksum */
    reply(&w, 4, 0, pos, 2);
    put_bytes("sts_packet", "noise_between_packets", w.bytes, w.n);

    /* the line as the bus harness's transactions expect it: chunk byte, then
     * ping 1, read 2, sync read 1..3, read state 4, scan 1..3 */
    w.n = 0;
    raw(&w, "\x07", 1);
    reply(&w, 1, 0, NULL, 0);
    reply(&w, 2, 0, pos, 2);
    for (uint8_t id = 1; id <= 3; id++)
        reply(&w, id, 0, pos, 2);
    reply(&w, 4, 0, state, sizeof state);
    for (uint8_t id = 1; id <= 3; id++)
        reply(&w, id, 0, NULL, 0);
    put_bytes("sts_bus", "all_answer", w.bytes, w.n);
    /* the same with a stale reply, garbage and a servo missing from SYNC_READ */
    w.n = 0;
    raw(&w, "\x00", 1);
    reply(&w, 9, 0, NULL, 0);
    reply(&w, 1, 0, NULL, 0);
    raw(&w, "\xFF\xFF\x02\x04\x00", 5);
    reply(&w, 2, 0, pos, 2);
    reply(&w, 2, 0, pos, 2);
    reply(&w, 1, 0, pos, 2);
    reply(&w, 3, 0, pos, 2);
    put_bytes("sts_bus", "stale_and_garbage", w.bytes, w.n);
}

/* ---- dictionaries ------------------------------------------------------------ */

static FILE *dict_open(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/dict/%s.dict", root, name);
    FILE *fp = fopen(path, "w");
    if (!fp)
        die(path, NULL);
    fprintf(fp, "# libFuzzer dictionary for fuzz_%s (written by make_seeds.c)\n", name);
    return fp;
}

/* One entry, quoted and escaped as libFuzzer's dictionary format wants. */
static void dict_word(FILE *fp, const char *word, int json_quoted)
{
    fputc('"', fp);
    if (json_quoted)
        fputs("\\\"", fp);
    for (const unsigned char *c = (const unsigned char *)word; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7F)
            fprintf(fp, "\\x%02X", *c);
        else
            fputc(*c, fp);
    }
    if (json_quoted)
        fputs("\\\"", fp);
    fputs("\"\n", fp);
}

static void dict_words(FILE *fp, const char *const *words, size_t n, int json_quoted)
{
    for (size_t i = 0; i < n; i++)
        dict_word(fp, words[i], json_quoted);
}

static void dict_names(FILE *fp, int json_quoted, int servos, int blendshapes)
{
    for (int i = 0; servos && i < RENA_NUM_SERVOS; i++)
        dict_word(fp, rena_servos[i].name, json_quoted);
    for (int i = 0; blendshapes && i < RENA_NUM_BLENDSHAPES; i++)
        dict_word(fp, rena_blendshape_names[i], json_quoted);
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void write_dicts(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/dict", root);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(dir, NULL);
    static const char *const numbers[] = {"nan", "-inf", "1e308", "1e-320", "-0", "3.1416",
                                          "0x1p-149", "99999999999999999999"};
    static const char *const csv[] = {"timestamp", "timestamp_ms", "yaw", "pitch", "roll",
                                      ",", "\r\n", "\"", "\xEF\xBB\xBF"};
    static const char *const jsonl[] = {"category_name", "categoryName", "score", "blendshapes",
                                        "face_blendshapes", "faceBlendshapes", "categories",
                                        "timestamp_ms", "timestampMs", "timestamp", "head_pose",
                                        "yaw", "pitch", "roll", "index", "display_name"};
    static const char *const json_syntax[] = {"[", "]", "{", "}", ":", ",", "null", "true",
                                              "false", "[]", "{}", "\n"};
    static const char *const npy[] = {"\x93NUMPY\x01", "\x93NUMPY\x02", "'descr'", "'<f4'",
                                      "'<i4'", "'<f8'", "'fortran_order'", "True", "False",
                                      "'shape'", "()", "(0,)", ",)", "{", "}", ": ", "\n"};
    static const char *const meta[] = {"format", "rena-dataset", "format_version",
                                       "rena_version", "mujoco_version", "backend", "strategy",
                                       "expert", "random", "seed", "samples", "test",
                                       "split_method", "shard", "range", "train_rows",
                                       "test_rows", "images", "landmark_noise_px", "features",
                                       "landmarks", "head_pose", "servos", "files", "crc32",
                                       "bytes"};
    static const char *const calib[] = {"format", "rena-calibration", "version", "servos",
                                        "name", "id", "direction", "min", "max", "neutral"};
    static const char *const png[] = {"IHDR", "IDAT", "IEND", "PLTE", "tRNS", "gAMA", "sBIT",
                                      "sRGB", "iCCP", "cHRM", "zTXt", "iTXt", "tEXt", "bKGD",
                                      "pHYs", "sPLT", "hIST", "tIME", "oFFs", "pCAL", "sCAL",
                                      "eXIf", "\x89PNG\r\n\x1A\n"};
    static const char *const sts[] = {"\xFF\xFF", "\xFF\xFF\xFF", "\xFF\xFF\x01\x02",
                                      "\xFE"};
    FILE *fp = dict_open("features_csv");
    dict_words(fp, csv, N_OF(csv), 0);
    dict_words(fp, numbers, N_OF(numbers), 0);
    dict_names(fp, 0, 0, 1);
    fclose(fp);
    fp = dict_open("features_jsonl");
    dict_words(fp, jsonl, N_OF(jsonl), 1);
    dict_words(fp, json_syntax, N_OF(json_syntax), 0);
    dict_words(fp, numbers, N_OF(numbers), 0);
    dict_names(fp, 1, 0, 1);
    fclose(fp);
    fp = dict_open("npy");
    dict_words(fp, npy, N_OF(npy), 0);
    fclose(fp);
    fp = dict_open("dataset_meta");
    dict_words(fp, meta, N_OF(meta), 1);
    dict_words(fp, json_syntax, N_OF(json_syntax), 0);
    dict_words(fp, numbers, N_OF(numbers), 0);
    dict_names(fp, 1, 1, 1);
    fclose(fp);
    fp = dict_open("calibration");
    dict_words(fp, calib, N_OF(calib), 1);
    dict_words(fp, json_syntax, N_OF(json_syntax), 0);
    dict_words(fp, numbers, N_OF(numbers), 0);
    dict_names(fp, 1, 1, 0);
    fclose(fp);
    fp = dict_open("png");
    dict_words(fp, png, N_OF(png), 0);
    fclose(fp);
    fp = dict_open("sts_packet");
    dict_words(fp, sts, N_OF(sts), 0);
    fclose(fp);
    fp = dict_open("sts_bus");
    dict_words(fp, sts, N_OF(sts), 0);
    fclose(fp);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds FUZZ_DIR   (tests/fuzz: writes corpus/ and dict/)\n");
        return 2;
    }
    root = argv[1];
    char corpus[4096];
    snprintf(corpus, sizeof corpus, "%s/corpus", root);
    if (mkdir(corpus, 0777) != 0 && errno != EEXIST)
        die(corpus, NULL);
    char scratch[] = "/tmp/rena-seeds-XXXXXX";
    if (!mkdtemp(scratch))
        die("mkdtemp", NULL);
    performer_seeds();
    npy_seeds();
    meta_seed(scratch, "whole_12", 12, 1, 1, 0);
    meta_seed(scratch, "shard_2_of_3_images", 12, 2, 3, 1);
    model_seeds();
    png_seeds();
    calibration_seeds();
    sts_seeds();
    write_dicts();
    rena_remove_tree(scratch);
    printf("make_seeds: corpus/ and dict/ written in %s\n", root);
    return 0;
}
