/* report_page.c: what the report's sections share (inputs, image files) and
 * the page's overall order (report_page.h). */
#include "report_page.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "modelfile.h"

/* ---- files --------------------------------------------------------------- */

void rena_page_image_path(const rena_page *p, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", p->img_dir, name);
}

void rena_page_figure(rena_page *p, const char *name, const char *alt, const char *caption,
                      int width)
{
    char src[600];
    snprintf(src, sizeof src, "img/%s", name);
    rena_html_figure(&p->html, src, alt, caption, width);
    p->images++;
}

rena_status rena_page_copy_png(const rena_page *p, const char *src, const char *name,
                               rena_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(src, &data, &size, err);
    if (st != RENA_OK)
        return st;
    static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size < 8 || memcmp(data, magic, 8) != 0) {
        free(data);
        return rena_error_set(err, RENA_ERR_FORMAT, src, "not a PNG file");
    }
    char path[4700];
    rena_page_image_path(p, name, path, sizeof path);
    st = rena_atomic_write(path, data, size, err);
    free(data);
    return st;
}

int rena_page_is_file(const char *path)
{
    struct stat s;
    return path && stat(path, &s) == 0 && S_ISREG(s.st_mode);
}

rena_status rena_page_test_split(rena_page *p, const rena_samples **out, rena_error *err)
{
    *out = NULL;
    if (!p->a->data)
        return RENA_OK;
    if (!p->test_loaded) {
        rena_status st = rena_dataset_load_split(p->a->data, "test", &p->test, err);
        if (st != RENA_OK)
            return st;
        p->test_loaded = 1;
    }
    *out = &p->test;
    return RENA_OK;
}

/* ---- JSON ------------------------------------------------------------------ */

rena_status rena_page_read_json(const char *path, cJSON **out, rena_error *err)
{
    unsigned char *text = NULL;
    size_t size = 0;
    *out = NULL;
    rena_status st = rena_read_file(path, &text, &size, err);
    if (st != RENA_OK)
        return st;
    *out = cJSON_ParseWithLength((const char *)text, size);
    free(text);
    if (!*out)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "not valid JSON");
    return RENA_OK;
}

double rena_page_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *rena_page_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

void rena_page_fmt(char *buf, size_t size, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, size, fmt, v);
    else
        snprintf(buf, size, "n/a");
}

/* ---- CSV ------------------------------------------------------------------- */

void rena_page_csv_free(rena_page_csv *csv)
{
    for (int c = 0; csv->names && c < csv->cols; c++)
        free(csv->names[c]);
    free(csv->names);
    free(csv->v);
    memset(csv, 0, sizeof *csv);
}

static rena_status csv_header(rena_page_csv *csv, char *line, const char *path, rena_error *err)
{
    csv->cols = 1;
    for (char *s = line; *s; s++)
        csv->cols += *s == ',';
    csv->names = calloc((size_t)csv->cols, sizeof *csv->names);
    if (!csv->names)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    char *save = NULL, *tok = strtok_r(line, ",", &save);
    for (int c = 0; c < csv->cols; c++, tok = strtok_r(NULL, ",", &save)) {
        if (!tok || !(csv->names[c] = strdup(tok)))
            return rena_error_set(err, tok ? RENA_ERR_NOMEM : RENA_ERR_FORMAT, path,
                                  "line 1: bad header");
    }
    return RENA_OK;
}

static rena_status csv_row(rena_page_csv *csv, char *line, long lineno, const char *path,
                           rena_error *err)
{
    double *row = csv->v + csv->rows * csv->cols;
    char *s = line;
    for (int c = 0; c < csv->cols; c++) {
        char *end = NULL;
        errno = 0;
        row[c] = strtod(s, &end);
        if (end == s || errno == ERANGE || (*end != ',' && *end != '\0') ||
            (*end == '\0' && c + 1 < csv->cols) || (*end == ',' && c + 1 == csv->cols))
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "line %ld: expected %d numbers separated by commas", lineno,
                                  csv->cols);
        s = end + 1;
    }
    csv->rows++;
    return RENA_OK;
}

rena_status rena_page_read_csv(const char *path, rena_page_csv *csv, rena_error *err)
{
    memset(csv, 0, sizeof *csv);
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    long lines = 0; /* an upper bound of the rows, whichever line ends the file uses */
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';
    char *save = NULL, *line = strtok_r((char *)data, "\r\n", &save);
    if (!line)
        st = rena_error_set(err, RENA_ERR_FORMAT, path, "empty file");
    if (st == RENA_OK)
        st = csv_header(csv, line, path, err);
    size_t cells = (size_t)(lines + 1) * (size_t)csv->cols;
    if (st == RENA_OK && !(csv->v = malloc(sizeof(double) * cells)))
        st = rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory");
    for (long n = 2; st == RENA_OK && (line = strtok_r(NULL, "\r\n", &save)); n++)
        st = csv_row(csv, line, n, path, err);
    free(data);
    if (st != RENA_OK)
        rena_page_csv_free(csv);
    return st;
}

int rena_page_csv_col(const rena_page_csv *csv, const char *name)
{
    for (int c = 0; c < csv->cols; c++)
        if (!strcmp(csv->names[c], name))
            return c;
    return -1;
}

double *rena_page_csv_column(const rena_page_csv *csv, int c)
{
    double *out = malloc(sizeof(double) * (size_t)(csv->rows > 0 ? csv->rows : 1));
    for (long r = 0; out && r < csv->rows; r++)
        out[r] = csv->v[r * csv->cols + c];
    return out;
}

/* ---- the page ---------------------------------------------------------------- */

static rena_status make_dir(const char *dir, rena_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return rena_error_set(err, RENA_ERR_IO, dir, "cannot create the folder: %s",
                              strerror(errno));
    struct stat s;
    if (stat(dir, &s) != 0 || !S_ISDIR(s.st_mode))
        return rena_error_set(err, RENA_ERR_IO, dir, "exists and is not a folder");
    return RENA_OK;
}

static void navigation(rena_html *h)
{
    rena_html_raw(h, "<nav><a href=\"#dataset\">Dataset</a><a href=\"#training\">Training</a>"
                     "<a href=\"#errors\">Servo errors</a><a href=\"#kan\">KAN functions</a>"
                     "<a href=\"#ablation\">Ablation</a><a href=\"#mimicry\">Mimicry</a>"
                     "<a href=\"#performance\">A performance</a>"
                     "<a href=\"#pipeline\">How it was made</a></nav>\n");
}

typedef rena_status (*section_fn)(rena_page *p, rena_error *err);

rena_status rena_page_build(const rena_page_args *a, rena_error *err)
{
    rena_page p;
    memset(&p, 0, sizeof p);
    p.a = a;
    snprintf(p.img_dir, sizeof p.img_dir, "%s/img", a->out);
    rena_html_init(&p.html);
    rena_status st = make_dir(a->out, err);
    if (st == RENA_OK)
        st = make_dir(p.img_dir, err);
    rena_html_begin(&p.html, "rena: robot face mimicry report",
                    "A robot face learns to mimic human expressions (blendshapes -> 25 servos), "
                    "trained and evaluated on its MuJoCo digital twin.");
    navigation(&p.html);
    static const section_fn sections[] = {rena_page_dataset,  rena_page_training,
                                          rena_page_errors,   rena_page_kan,
                                          rena_page_ablation, rena_page_evaluate,
                                          rena_page_mimic,    rena_page_pipeline};
    for (size_t k = 0; st == RENA_OK && k < sizeof sections / sizeof sections[0]; k++)
        st = sections[k](&p, err);
    rena_html_end(&p.html);
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", a->out);
    if (st == RENA_OK)
        st = rena_html_write(&p.html, path, err);
    rena_html_free(&p.html);
    rena_model_free(p.model);
    if (p.test_loaded)
        rena_samples_free(&p.test);
    return st;
}
