/* `rena report` and `rena demo` as users meet them: the KAN edge functions
 * the page plots against a hand evaluation, a page built from small runs
 * (every picture it names exists and is a PNG, missing parts become notes,
 * broken inputs are refused by name and leave the old page), and the quick
 * demo's page rendered in headless Chromium with all its images loaded. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "atomicfile.h"
#include "commands.h"
#include "dataset.h"
#include "image.h"
#include "kan_edges.h"
#include "modelfile.h"
#include "report_html.h"
#include "report_page.h"
#include "rng.h"
#include "servo.h"
#include "synthdata.h"
#include "testutil.h"

static char tmp[512], log_path[600];

/* ---- helpers ----------------------------------------------------------------- */

/* Runs rena as a process with output in log_path; returns the exit code. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    const char *bin = getenv("RENA_BINARY");
    ck_assert_msg(bin && *bin, "RENA_BINARY is not set");
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s > %s 2>&1", bin, args, log_path);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path)
{
    unsigned char *data = NULL;
    size_t size = 0;
    if (rena_read_file(path, &data, &size, NULL) != RENA_OK)
        return NULL;
    return (char *)data;
}

static int log_has(const char *text)
{
    char *s = slurp(log_path);
    int found = s && strstr(s, text);
    free(s);
    return found;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Checks every <img src="..."> of DIR/index.html names a readable PNG in
 * DIR; returns the number of images. */
static int check_images(const char *dir, const char *html)
{
    int n = 0;
    for (const char *p = html; (p = strstr(p, "<img src=\"")); n++) {
        p += 10;
        const char *end = strchr(p, '"');
        ck_assert_ptr_nonnull(end);
        char src[512], path[1200];
        snprintf(src, sizeof src, "%.*s", (int)(end - p), p);
        ck_assert_msg(strncmp(src, "img/", 4) == 0 && !strstr(src, ".."),
                      "image %s is not inside img/", src);
        snprintf(path, sizeof path, "%s/%s", dir, src);
        rena_image img;
        rena_error err;
        ck_assert_msg(rena_png_read(path, &img, &err) == RENA_OK, "%s: %s", path, err.message);
        ck_assert(img.width > 0 && img.height > 0);
        rena_image_free(&img);
    }
    return n;
}

/* No temporary file of an atomic write is left in dir. */
static void no_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)))
        ck_assert_msg(!strstr(e->d_name, ".tmp."), "left behind: %s/%s", dir, e->d_name);
    closedir(d);
}

/* The page is one well-formed-looking HTML document. */
static void check_html_shape(const char *html)
{
    ck_assert_msg(!strncmp(html, "<!DOCTYPE html>", 15), "no doctype");
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    ck_assert_int_eq(count(html, "<table>"), count(html, "</table>"));
    ck_assert_int_eq(count(html, "<figure"), count(html, "</figure>"));
    ck_assert_int_eq(count(html, "<div"), count(html, "</div>"));
    ck_assert_int_eq(count(html, "<dl"), count(html, "</dl>"));
    ck_assert_msg(!strstr(html, "<script") && !strstr(html, "http://") &&
                      !strstr(html, "https://"),
                  "the page must need no scripts and no network");
}

static int call(int (*cmd)(int, char **), const char *a0, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *s = a0; s && argc < 31; s = va_arg(ap, const char *))
        argv[argc++] = (char *)s;
    va_end(ap);
    argv[argc] = NULL;
    return cmd(argc, argv);
}

/* ---- KAN edges ---------------------------------------------------------------- */

static double silu(double x) { return x / (1.0 + exp(-x)); }

/* phi_oi(x) from core/kan.h's formula and layout, in double precision. */
static double hand_phi(rena_kan_shape s, const float *p, int i, int o, double x)
{
    long io = (long)s.n_in * s.n_out;
    int nb = rena_kan_num_bases(s);
    float b[64];
    double u = s.lo + (tanh(x) + 1.0) * 0.5 * (s.hi - s.lo);
    rena_kan_bases(s, (float)u, b);
    double spline = 0.0;
    for (int k = 0; k < nb; k++)
        spline += b[k] * p[io + ((long)i * nb + k) * s.n_out + o];
    return p[(long)i * s.n_out + o] * silu(x) + p[io + io * nb + (long)i * s.n_out + o] * spline;
}

static rena_model *trained_like_model(rena_arch arch)
{
    rena_model_hparams hp;
    rena_model_hparams_default(arch, &hp);
    rena_model *m = NULL;
    rena_error err;
    ck_assert_msg(rena_model_create(&hp, 7, &m, &err) == RENA_OK, "%s", err.message);
    /* spread the weights so edges differ in strength as after training */
    rena_rng r;
    rena_rng_init(&r, 11, 0);
    for (long k = 0; k < m->n_params; k++)
        m->params[k] *= (float)rena_rng_range(&r, 0.2, 3.0);
    return m;
}

START_TEST(edge_function_matches_hand_evaluation)
{
    rena_model *m = trained_like_model(RENA_ARCH_KAN_ATTN);
    rena_kan_shape s;
    const float *p = rena_kan_edges_layer(m, 0, &s);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(s.n_in, m->net.n_head_in);
    double x[41], y[41];
    for (int k = 0; k < 41; k++)
        x[k] = -3.0 + 0.15 * k; /* beyond the grid range too */
    int edges[4][2] = {{0, 0}, {17, 5}, {s.n_in - 1, s.n_out - 1}, {52, 3}};
    for (int e = 0; e < 4; e++) {
        ck_assert_int_eq(rena_kan_edge_eval(s, p, edges[e][0], edges[e][1], x, y, 41, NULL),
                         RENA_OK);
        for (int k = 0; k < 41; k++) {
            double want = hand_phi(s, p, edges[e][0], edges[e][1], x[k]);
            ck_assert_msg(fabs(y[k] - want) < 1e-5 + 1e-5 * fabs(want),
                          "edge %d->%d at %g: %g vs %g", edges[e][0], edges[e][1], x[k], y[k],
                          want);
        }
    }
    ck_assert_int_eq(rena_kan_edge_eval(s, p, s.n_in, 0, x, y, 1, NULL), RENA_ERR_ARG);
    ck_assert_int_eq(rena_kan_edge_eval(s, p, 0, -1, x, y, 1, NULL), RENA_ERR_ARG);
    rena_model_free(m);
}
END_TEST

/* The layer's output is the sum of its edge functions: y_o = sum_i phi_oi(x_i). */
START_TEST(edges_sum_to_the_layer_output)
{
    rena_model *m = trained_like_model(RENA_ARCH_KAN);
    rena_kan_shape s;
    const float *p = rena_kan_edges_layer(m, 0, &s);
    float *xin = malloc(sizeof(float) * (size_t)s.n_in);
    float *y = malloc(sizeof(float) * (size_t)s.n_out);
    float *cache = malloc(sizeof(float) * (size_t)rena_kan_cache_size(s));
    rena_rng r;
    rena_rng_init(&r, 3, 1);
    for (int i = 0; i < s.n_in; i++)
        xin[i] = (float)rena_rng_range(&r, -2.0, 2.0);
    rena_kan_forward(s, p, xin, y, cache);
    for (int o = 0; o < s.n_out; o++) {
        double sum = 0.0;
        for (int i = 0; i < s.n_in; i++) {
            double xi = xin[i], phi;
            ck_assert_int_eq(rena_kan_edge_eval(s, p, i, o, &xi, &phi, 1, NULL), RENA_OK);
            sum += phi;
        }
        ck_assert_msg(fabs(sum - y[o]) < 1e-4 * (1.0 + fabs(y[o])), "output %d: %g vs %g", o, sum,
                      (double)y[o]);
    }
    free(xin);
    free(y);
    free(cache);
    rena_model_free(m);
}
END_TEST

START_TEST(strongest_edges_ranked_by_l1)
{
    rena_model *m = trained_like_model(RENA_ARCH_KAN_ATTN);
    rena_kan_shape s;
    const float *p = rena_kan_edges_layer(m, 0, &s);
    rena_kan_edge top[10];
    int found = 0;
    ck_assert_int_eq(rena_kan_edges_strongest(s, p, 10, top, &found, NULL), RENA_OK);
    ck_assert_int_eq(found, 10);
    /* brute force by hand over every edge: the strongest and its L1 */
    double best = -1.0;
    int bi = -1, bo = -1;
    for (int i = 0; i < s.n_in; i++)
        for (int o = 0; o < s.n_out; o++) {
            double l1 = 0.0;
            for (int k = 0; k < RENA_KAN_EDGE_SAMPLES; k++) {
                double x = s.lo + (s.hi - s.lo) * k / (RENA_KAN_EDGE_SAMPLES - 1.0);
                l1 += fabs(hand_phi(s, p, i, o, x));
            }
            l1 /= RENA_KAN_EDGE_SAMPLES;
            if (l1 > best)
                best = l1, bi = i, bo = o;
        }
    ck_assert_int_eq(top[0].in, bi);
    ck_assert_int_eq(top[0].out, bo);
    ck_assert_msg(fabs(top[0].l1 - best) < 1e-5, "%g vs %g", top[0].l1, best);
    for (int k = 1; k < found; k++)
        ck_assert(top[k].l1 <= top[k - 1].l1);
    rena_model_free(m);
    /* an MLP head has no edges to show */
    m = trained_like_model(RENA_ARCH_MLP);
    ck_assert_ptr_null(rena_kan_edges_layer(m, 0, &s));
    rena_model_free(m);
}
END_TEST

START_TEST(edge_inputs_named)
{
    rena_model *m = trained_like_model(RENA_ARCH_KAN_ATTN);
    char buf[64];
    rena_kan_edges_input_name(m, 0, 9, buf, sizeof buf);
    ck_assert_str_eq(buf, "eyeBlinkLeft");
    rena_kan_edges_input_name(m, 0, 52, buf, sizeof buf);
    ck_assert_str_eq(buf, "yaw");
    rena_kan_edges_input_name(m, 0, 54, buf, sizeof buf);
    ck_assert_str_eq(buf, "roll");
    rena_kan_edges_output_name(m, 0, 3, buf, sizeof buf);
    ck_assert_str_eq(buf, "h1.3");
    rena_kan_edges_output_name(m, 2, 24, buf, sizeof buf);
    ck_assert_str_eq(buf, "head_yaw");
    rena_model_free(m);
    /* several values per token: feature-major, value k of token j at k*52 + j */
    rena_model_hparams hp;
    rena_model_hparams_default(RENA_ARCH_KAN_ATTN, &hp);
    hp.token_out = 2;
    ck_assert_int_eq(rena_model_create(&hp, 1, &m, NULL), RENA_OK);
    rena_kan_edges_input_name(m, 0, 52 + 9, buf, sizeof buf);
    ck_assert_str_eq(buf, "eyeBlinkLeft.1");
    rena_kan_edges_input_name(m, 0, 104, buf, sizeof buf);
    ck_assert_str_eq(buf, "yaw");
    rena_model_free(m);
}
END_TEST

/* ---- HTML ----------------------------------------------------------------------- */

START_TEST(html_escapes_what_it_is_given)
{
    rena_html h;
    rena_html_init(&h);
    rena_html_begin(&h, "a <b> & \"c\"", NULL);
    rena_html_para(&h, "%s", "<script>alert('x')</script>");
    const char *head[] = {"name", "value"}, *row[] = {"x<y", "0.25"};
    rena_html_table_begin(&h, head, 2);
    rena_html_table_row(&h, row, 2);
    rena_html_table_end(&h);
    rena_html_figure(&h, "img/a\"b.png", "alt", "cap", 100);
    rena_html_end(&h);
    ck_assert(!h.failed);
    ck_assert_ptr_null(strstr(h.s, "<script>"));
    ck_assert_ptr_nonnull(strstr(h.s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(h.s, "<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
    ck_assert_ptr_nonnull(strstr(h.s, "<td>x&lt;y</td><td class=\"num\">0.25</td>"));
    ck_assert_ptr_nonnull(strstr(h.s, "src=\"img/a&quot;b.png\""));
    char path[600];
    snprintf(path, sizeof path, "%s/page.html", tmp);
    ck_assert_int_eq(rena_html_write(&h, path, NULL), RENA_OK);
    char *back = slurp(path);
    ck_assert_str_eq(back, h.s);
    free(back);
    no_temporaries(tmp);
    rena_html_free(&h);
}
END_TEST

/* ---- the page from small runs ----------------------------------------------------- */

START_TEST(csv_reader_line_ends_and_bad_rows)
{
    char path[700];
    snprintf(path, sizeof path, "%s/t.csv", tmp);
    const char *good[] = {"a,b\n1,2\n3,nan\n", "a,b\r\n1,2\r\n3,nan", "a,b\r1,2\r3,nan\r"};
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(rena_atomic_write(path, good[k], strlen(good[k]), NULL), RENA_OK);
        rena_page_csv csv;
        rena_error err;
        ck_assert_msg(rena_page_read_csv(path, &csv, &err) == RENA_OK, "%d: %s", k, err.message);
        ck_assert_int_eq(csv.cols, 2);
        ck_assert_int_eq(csv.rows, 2);
        ck_assert_int_eq(rena_page_csv_col(&csv, "b"), 1);
        ck_assert_int_eq(rena_page_csv_col(&csv, "c"), -1);
        ck_assert(csv.v[2] == 3.0 && isnan(csv.v[3]));
        rena_page_csv_free(&csv);
    }
    const char *bad[] = {"a,b\n1\n", "a,b\n1,2,3\n", "a,b\n1,x\n", "a,b\n1,\n", ""};
    for (int k = 0; k < 5; k++) {
        ck_assert_int_eq(rena_atomic_write(path, bad[k], strlen(bad[k]), NULL), RENA_OK);
        rena_page_csv csv;
        rena_error err;
        ck_assert_int_eq(rena_page_read_csv(path, &csv, &err), RENA_ERR_FORMAT);
        ck_assert_msg(strstr(err.where, "t.csv") && (k == 4 || strstr(err.message, "line 2")),
                      "%d: %s: %s", k, err.where, err.message);
    }
}
END_TEST

/* A small dataset with images: smooth commands, a gradient picture each. */
static void make_dataset(const char *dir, long total) { rena_test_make_dataset(dir, total, 1); }

static char data[600], model[600], ev[600], out[600], index_path[700];

/* A dataset, a model trained for two epochs and its rena eval folder. */
static void small_runs(void)
{
    snprintf(data, sizeof data, "%s/data", tmp);
    snprintf(model, sizeof model, "%s/m.rena", tmp);
    snprintf(ev, sizeof ev, "%s/ev", tmp);
    snprintf(out, sizeof out, "%s/report", tmp);
    snprintf(index_path, sizeof index_path, "%s/index.html", out);
    make_dataset(data, 60);
    ck_assert_int_eq(call(rena_cmd_train, "train", "--data", data, "--out", model, "--epochs",
                          "2", "--batch", "16", "--threads", "1", NULL),
                     0);
    ck_assert_int_eq(call(rena_cmd_eval, "eval", "--model", model, "--data", data, "--out", ev,
                          NULL),
                     0);
}

START_TEST(page_from_small_runs)
{
    small_runs();
    ck_assert_int_eq(call(rena_cmd_report, "report", "--out", out, "--data", data, "--model",
                          model, "--eval", ev, "--samples", "5", "--edges", "6", NULL),
                     0);
    char *html = slurp(index_path);
    ck_assert_ptr_nonnull(html);
    check_html_shape(html);
    /* 5 samples, coverage, loss, CED, per-servo, 6 edges, input strengths */
    ck_assert_int_eq(check_images(out, html), 5 + 1 + 1 + 2 + 6 + 1);
    ck_assert_int_eq(count(html, "img/kan-edge-"), 6);
    ck_assert_int_eq(count(html, "img/sample-"), 5);
    ck_assert_ptr_nonnull(strstr(html, "servo error rate"));
    /* the parts that were not given are notes, not errors */
    ck_assert_ptr_nonnull(strstr(html, "No ablation given"));
    ck_assert_ptr_nonnull(strstr(html, "No evaluation given"));
    ck_assert_ptr_nonnull(strstr(html, "No performer run given"));
    no_temporaries(out);
    char img[700];
    snprintf(img, sizeof img, "%s/img", out);
    no_temporaries(img);

    /* without --eval the errors are computed from the model on the test split */
    ck_assert_int_eq(call(rena_cmd_report, "report", "--out", out, "--data", data, "--model",
                          model, NULL),
                     0);
    char *again = slurp(index_path);
    ck_assert_ptr_nonnull(strstr(again, "computed from --model"));
    free(again);

    /* a given but broken input: refused by name, the old page stays */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/metrics.json", ev);
    ck_assert_int_eq(rena_atomic_write(bad, "{\"ced\": [", 9, NULL), RENA_OK);
    char *before = slurp(index_path);
    snprintf(log_path, sizeof log_path, "%s/log.txt", tmp);
    ck_assert_int_eq(run("report --out %s --data %s --model %s --eval %s", out, data, model, ev),
                     1);
    ck_assert(log_has("metrics.json"));
    char *after = slurp(index_path);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(run("report --out %s --model %s/none.rena", out, tmp), 1);
    ck_assert(log_has("none.rena"));
    free(before);
    free(after);
    free(html);
}
END_TEST

/* Writes text to dir/name (dir created if missing). */
static void put_text(const char *dir, const char *name, const char *text)
{
    char path[1200];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(rena_atomic_write(path, text, strlen(text), NULL), RENA_OK);
}

static void put_png(const char *dir, const char *name, int shade)
{
    char path[1200];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    rena_image img = {32, 24, malloc(32 * 24 * 3)};
    for (int k = 0; k < 32 * 24 * 3; k++)
        img.rgb[k] = (unsigned char)(shade + k % 64);
    ck_assert_int_eq(rena_png_write(path, &img, NULL), RENA_OK);
    free(img.rgb);
}

/* Folders shaped like rena ablation, evaluate and mimic leave them. */
static void other_runs(const char *ab, const char *evd, const char *mim)
{
    char dir[900], text[8192];
    snprintf(dir, sizeof dir, "%s/models", ab);
    mkdir(ab, 0777);
    put_text(ab, "ablation.json",
             "[{\"row\": \"kan-attn\", \"arch\": \"kan-attn\", \"params\": 16097, "
             "\"lambda\": 0.01, \"epochs\": 2, \"best_epoch\": 2, \"mse\": 0.0123, "
             "\"error_rate_percent\": 11.09, \"mae\": 0.08, \"pair_disagreement\": 0.01}]");
    unsigned char *bytes = NULL;
    size_t size = 0;
    char from[900], to[1000];
    mkdir(dir, 0777);
    const char *ext[2] = {"", ".curves.csv"};
    for (int k = 0; k < 2; k++) {
        snprintf(from, sizeof from, "%s%s", model, ext[k]);
        snprintf(to, sizeof to, "%s/kan-attn.rena%s", dir, ext[k]);
        ck_assert_int_eq(rena_read_file(from, &bytes, &size, NULL), RENA_OK);
        ck_assert_int_eq(rena_atomic_write(to, bytes, size, NULL), RENA_OK);
        free(bytes);
    }
    put_text(evd, "evaluation.json",
             "{\"model\": \"m.rena\", \"arch\": \"kan-attn\", \"closed_set\": {\"samples\": 3, "
             "\"methods\": [{\"method\": \"RS\", \"samples\": 3, \"ld\": 0.0653, "
             "\"ssim\": 0.92, \"id\": 7.5, \"ld_sd\": 0.01}, {\"method\": \"<NN>\", "
             "\"samples\": 3, \"ld\": 0.0275, \"ssim\": null, \"id\": null}]}, "
             "\"sequences\": {\"sequences\": 7, \"methods\": [{\"method\": \"RS\", "
             "\"gs\": 36.4, \"gt\": 18.9, \"gd\": 78.0, \"hops\": 2423, \"ld\": 0.05, "
             "\"latency_us\": 23.9}, {\"method\": \"kan-attn\", \"gs\": 84.5, \"gt\": 96.4, "
             "\"gd\": 100.0, \"hops\": 0}]}}");
    snprintf(dir, sizeof dir, "%s/strips", evd);
    put_png(dir, "happiness.png", 10);
    put_png(dir, "anger.png", 90);
    put_text(mim, "summary.json",
             "{\"input\": \"performer:ana/happiness\", \"model\": \"m.rena\", "
             "\"arch\": \"kan-attn\", \"filter\": \"oneeuro\", \"frames\": 12, "
             "\"latency_us_mean\": 30.2, \"ld\": 0.074, \"gs\": 75.4, \"gt\": 96.1, \"gd\": 100}");
    int len = snprintf(text, sizeof text, "frame,timestamp");
    for (int k = 0; k < RENA_NUM_SERVOS; k++)
        len += snprintf(text + len, sizeof text - (size_t)len, ",%s", rena_servos[k].name);
    for (int f = 0; f < 12; f++) {
        len += snprintf(text + len, sizeof text - (size_t)len, "\n%d,%.4f", f, f / 30.0);
        for (int k = 0; k < RENA_NUM_SERVOS; k++)
            len += snprintf(text + len, sizeof text - (size_t)len, ",%.3f",
                            0.5 + 0.02 * k * sin(f * 0.3));
    }
    snprintf(text + len, sizeof text - (size_t)len, "\n");
    put_text(mim, "commands.csv", text);
    for (int f = 0; f < 12; f++) {
        char name[32];
        snprintf(name, sizeof name, "%06d.png", f);
        snprintf(dir, sizeof dir, "%s/target", mim);
        put_png(dir, name, 20 + f);
        snprintf(dir, sizeof dir, "%s/robot", mim);
        put_png(dir, name, 120 + f);
    }
}

START_TEST(page_with_every_part)
{
    small_runs();
    char ab[700], evd[700], mim[700], timings[700];
    snprintf(ab, sizeof ab, "%s/ab", tmp);
    snprintf(evd, sizeof evd, "%s/evaluate", tmp);
    snprintf(mim, sizeof mim, "%s/mimic", tmp);
    snprintf(timings, sizeof timings, "%s/timings.json", tmp);
    other_runs(ab, evd, mim);
    const char *steps = "{\"steps\": [{\"step\": \"generate\", \"command\": \"rena generate\", "
                        "\"seconds\": 12.5}], \"total_seconds\": 12.5, \"cores\": 2}";
    ck_assert_int_eq(rena_atomic_write(timings, steps, strlen(steps), NULL), RENA_OK);
    ck_assert_int_eq(call(rena_cmd_report, "report", "--out", out, "--data", data, "--model",
                          model, "--eval", ev, "--ablation", ab, "--evaluate", evd, "--mimic",
                          mim, "--timings", timings, "--samples", "3", "--edges", "2", NULL),
                     0);
    char *html = slurp(index_path);
    ck_assert_ptr_nonnull(html);
    check_html_shape(html);
    /* 3 samples, coverage, loss, CED, per-servo, 2 edges, inputs; ablation loss and CED;
     * LD and Gs bars, 2 strips; command traces, 6 + 6 frames */
    ck_assert_int_eq(check_images(out, html), 3 + 1 + 1 + 2 + 2 + 1 + 2 + 2 + 2 + 1 + 12);
    ck_assert_ptr_nonnull(strstr(html, "<td>kan-attn</td><td>KAN</td><td>yes</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td class=\"num\">11.09</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td>&lt;NN&gt;</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td class=\"num\">84.5</td>"));
    ck_assert_ptr_nonnull(strstr(html, "img/strip-happiness.png"));
    ck_assert_ptr_nonnull(strstr(html, "img/performance-robot-000010.png"));
    ck_assert_ptr_nonnull(strstr(html, "img/performance-target-000000.png"));
    ck_assert_ptr_nonnull(strstr(html, "<td class=\"num\">12.5</td>"));
    ck_assert_ptr_null(strstr(html, "class=\"note\""));
    free(html);
    /* a commands.csv row that is not numbers is refused by file and line */
    put_text(mim, "commands.csv", "frame,timestamp,jaw_l\n0,0.0,0.5\n1,0.03,x\n");
    snprintf(log_path, sizeof log_path, "%s/log.txt", tmp);
    ck_assert_int_eq(run("report --out %s --mimic %s", out, mim), 1);
    ck_assert(log_has("commands.csv: line 3"));
}
END_TEST

START_TEST(bad_flags_refused)
{
    snprintf(log_path, sizeof log_path, "%s/log.txt", tmp);
    ck_assert_int_eq(run("report --data %s", tmp), 2);
    ck_assert(log_has("--out"));
    ck_assert_int_eq(run("report --out %s/r", tmp), 2);
    ck_assert(log_has("nothing to report"));
    ck_assert_int_eq(run("report --out %s/r --data %s --edges -1", tmp, tmp), 2);
    ck_assert(log_has("--edges"));
    ck_assert_int_eq(run("report --out %s/r --colour blue", tmp), 2);
    ck_assert_int_eq(run("demo --samples 5 --out %s/d", tmp), 2);
    ck_assert(log_has("--samples"));
    ck_assert_int_eq(run("demo --fast"), 2);
    ck_assert_int_eq(run("demo --help"), 0);
    ck_assert(log_has("DIR/report/index.html"));
}
END_TEST

/* ---- the quick demo in a browser ----------------------------------------------------- */

static int have_chromium(void)
{
    return system("command -v chromium > /dev/null 2>&1") == 0;
}

static void chromium(const char *url, const char *extra, const char *out_file)
{
    char profile[600], cmd[4096];
    snprintf(profile, sizeof profile, "%s/chromium-profile", tmp);
    snprintf(cmd, sizeof cmd,
             "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic "
             "--no-first-run --disable-background-networking --disable-component-update "
             "--disable-sync --user-data-dir=%s %s '%s' > '%s' 2> '%s/chromium.log'",
             profile, extra, url, out_file, tmp);
    int rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "chromium failed: %s", cmd);
}

/* The page with a script that counts images that did not load, in the
 * title; --dump-dom prints the DOM after the load event. */
static void images_load_in_browser(const char *dir, const char *html, int images)
{
    char check[800], dom[700], url[900];
    snprintf(check, sizeof check, "%s/check.html", dir);
    const char *end = strstr(html, "</body>");
    ck_assert_ptr_nonnull(end);
    FILE *f = fopen(check, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%.*s<script>window.addEventListener('load',function(){var n=0,b=0;"
               "for(var i of document.images){n++;if(!i.complete||i.naturalWidth===0)b++;}"
               "document.title='IMAGES '+n+' BROKEN '+b;});</script>%s",
            (int)(end - html), html, end);
    fclose(f);
    snprintf(dom, sizeof dom, "%s/dom.html", tmp);
    snprintf(url, sizeof url, "file://%s", check);
    chromium(url, "--virtual-time-budget=20000 --dump-dom", dom);
    char *text = slurp(dom), want[96];
    ck_assert_ptr_nonnull(text);
    snprintf(want, sizeof want, "<title>IMAGES %d BROKEN 0</title>", images);
    ck_assert_msg(strstr(text, want), "expected %s in the DOM", want);
    free(text);
}

/* The screenshot is a page, not a blank: many pixels off white, many colours. */
static void screenshot_not_blank(const char *dir)
{
    char shot[700], arg[800], url[800];
    snprintf(shot, sizeof shot, "%s/shot.png", tmp);
    snprintf(arg, sizeof arg, "--screenshot=%s --window-size=1280,2000", shot);
    snprintf(url, sizeof url, "file://%s/index.html", dir);
    char sink[700];
    snprintf(sink, sizeof sink, "%s/shot.log", tmp);
    chromium(url, arg, sink);
    rena_image img;
    ck_assert_int_eq(rena_png_read(shot, &img, NULL), RENA_OK);
    ck_assert_int_eq(img.width, 1280);
    long inked = 0, n = (long)img.width * img.height;
    unsigned char seen[4096] = {0};
    int colours = 0;
    for (long k = 0; k < n; k++) {
        const unsigned char *px = img.rgb + 3 * k;
        inked += px[0] < 235 || px[1] < 235 || px[2] < 235;
        int key = (px[0] >> 4) << 8 | (px[1] >> 4) << 4 | (px[2] >> 4);
        colours += !seen[key];
        seen[key] = 1;
    }
    rena_image_free(&img);
    ck_assert_msg(inked > n / 20, "only %ld of %ld pixels are not white", inked, n);
    ck_assert_msg(colours > 100, "only %d colours: no pictures rendered", colours);
}

/* The demo's step 3 is `rena ablation`: the page's Table I has every row,
 * with the ablation's pictures, and the evaluation's Eva baseline is the
 * ablation's landmark-mlp (the demo trains no other). */
static void demo_has_ablation(const char *html)
{
    const char *sec = strstr(html, "<h2 id=\"ablation\">");
    ck_assert_ptr_nonnull(sec);
    const char *end = strstr(sec + 1, "<h2");
    ck_assert_ptr_nonnull(end);
    char *part = strndup(sec, (size_t)(end - sec));
    ck_assert_ptr_nonnull(part);
    ck_assert_msg(!strstr(part, "No ablation given"), "the demo's report has no Table I");
    ck_assert_int_eq(count(part, "<table>"), 1);
    static const char *const rows[] = {"landmark-mlp", "mlp", "mlp-attn", "kan",
                                       "kan-attn-l0", "kan-attn-l0.1", "kan-attn",
                                       "kan-attn-l0.001"};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        char cell[64];
        snprintf(cell, sizeof cell, "<td>%s</td>", rows[r]);
        ck_assert_msg(strstr(part, cell), "Table I has no row %s", rows[r]);
    }
    ck_assert_ptr_nonnull(strstr(part, "img/ablation-loss.png"));
    ck_assert_ptr_nonnull(strstr(part, "img/ablation-ced.png"));
    free(part);
    ck_assert_ptr_nonnull(strstr(html, "Eva (landmark-mlp)"));
    char path[800];
    struct stat st;
    snprintf(path, sizeof path, "%s/demo/ablation/models/landmark-mlp.rena", tmp);
    ck_assert_int_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/demo/models/landmark-mlp.rena", tmp);
    ck_assert_int_ne(stat(path, &st), 0);
}

START_TEST(quick_demo_renders_in_chromium)
{
    if (rena_test_sanitized()) {
        fprintf(stderr, "test_apps_report: skipping the quick demo under sanitizers (minutes of "
                        "instrumented rendering); the page itself is covered by "
                        "page_from_small_runs\n");
        return;
    }
    snprintf(log_path, sizeof log_path, "%s/demo.log", tmp);
    ck_assert_int_eq(run("demo --quick --samples 240 --out %s/demo", tmp), 0);
    for (int k = 1; k <= 7; k++) {
        char step[16];
        snprintf(step, sizeof step, "[%d/7]", k);
        ck_assert_msg(log_has(step), "step %d not announced", k);
    }
    ck_assert(log_has("[3/7] ablation"));
    ck_assert(log_has("done in"));
    ck_assert(log_has("xdg-open"));
    char dir[700], index[800];
    snprintf(dir, sizeof dir, "%s/demo/report", tmp);
    snprintf(index, sizeof index, "%s/index.html", dir);
    char *html = slurp(index);
    ck_assert_ptr_nonnull(html);
    check_html_shape(html);
    int images = check_images(dir, html);
    ck_assert_int_ge(images, 30);
    ck_assert_ptr_nonnull(strstr(html, "Table II"));
    ck_assert_ptr_nonnull(strstr(html, "Table III"));
    ck_assert_ptr_nonnull(strstr(html, "img/performance-robot-"));
    ck_assert_ptr_nonnull(strstr(html, "img/kan-edge-12.png"));
    ck_assert_ptr_nonnull(strstr(html, "Pipeline steps"));
    demo_has_ablation(html);
    if (!have_chromium()) {
        fprintf(stderr, "test_apps_report: chromium not installed, skipping the browser check "
                        "(apt-get install chromium)\n");
        free(html);
        return;
    }
    images_load_in_browser(dir, html, images);
    screenshot_not_blank(dir);
    free(html);
}
END_TEST

static void setup(void)
{
    rena_test_tmpdir(tmp, sizeof tmp);
    snprintf(log_path, sizeof log_path, "%s/log.txt", tmp);
}

static void teardown(void)
{
    rena_remove_tree(tmp);
}

int main(void)
{
    Suite *s = suite_create("apps_report");
    TCase *kan = tcase_create("kan_edges");
    tcase_add_test(kan, edge_function_matches_hand_evaluation);
    tcase_add_test(kan, edges_sum_to_the_layer_output);
    tcase_add_test(kan, strongest_edges_ranked_by_l1);
    tcase_add_test(kan, edge_inputs_named);
    suite_add_tcase(s, kan);
    TCase *page = tcase_create("page");
    tcase_add_checked_fixture(page, setup, teardown);
    tcase_set_timeout(page, 600);
    tcase_add_test(page, html_escapes_what_it_is_given);
    tcase_add_test(page, csv_reader_line_ends_and_bad_rows);
    tcase_add_test(page, page_from_small_runs);
    tcase_add_test(page, page_with_every_part);
    tcase_add_test(page, bad_flags_refused);
    tcase_add_test(page, quick_demo_renders_in_chromium);
    suite_add_tcase(s, page);
    return rena_test_run(s);
}
