/* features_jsonl.c: parsing and writing performer JSON Lines (see
 * features_jsonl.h). */
#include "features_jsonl.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "features_io_internal.h"

/* The first of the names a, b, c (NULL ends the list) that obj has. */
static const cJSON *member(const cJSON *obj, const char *a, const char *b, const char *c,
                           const char **used)
{
    const char *names[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        const cJSON *v = names[i] ? cJSON_GetObjectItemCaseSensitive(obj, names[i]) : NULL;
        if (v) {
            *used = names[i];
            return v;
        }
    }
    return NULL;
}

/* Descends MediaPipe's nestings (faces, {"categories": [...]}) to the list
 * of category objects; *list is NULL when the frame has no face. `path`
 * tracks the field name for messages. */
static rena_status find_categories(const cJSON *v, char *path, size_t size, const char *where,
                                   const cJSON **list, rena_error *err)
{
    for (int depth = 0; depth < 4; depth++) {
        if (cJSON_IsObject(v)) {
            const cJSON *cats = cJSON_GetObjectItemCaseSensitive(v, "categories");
            if (!cJSON_IsArray(cats))
                break;
            strncat(path, ".categories", size - strlen(path) - 1);
            v = cats;
            continue;
        }
        if (!cJSON_IsArray(v))
            break;
        const cJSON *first = v->child;
        if (!first) {
            *list = NULL;
            return RENA_OK;
        }
        if (cJSON_IsArray(first) ||
            (cJSON_IsObject(first) && cJSON_GetObjectItemCaseSensitive(first, "categories"))) {
            strncat(path, "[0]", size - strlen(path) - 1);
            v = first;
            continue;
        }
        *list = v;
        return RENA_OK;
    }
    return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: expected a list of blendshape categories",
                          path[0] ? path : "line");
}

static rena_status read_categories(rena_features_reader *r, const cJSON *list, const char *path,
                                   const char *where, rena_features *f, rena_error *err)
{
    int seen[RENA_NUM_BLENDSHAPES] = {0}, i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char field[160];
        snprintf(field, sizeof field, "%s[%d]", path, i++);
        const char *key;
        const cJSON *name =
            cJSON_IsObject(item) ? member(item, "category_name", "categoryName", NULL, &key) : NULL;
        if (!cJSON_IsString(name))
            return rena_error_set(err, RENA_ERR_FORMAT, where,
                                  "%s: expected an object with a category_name string", field);
        const cJSON *score = cJSON_GetObjectItemCaseSensitive(item, "score");
        if (!cJSON_IsNumber(score))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s.score: missing or not a number",
                                  field);
        int k = rena_blendshape_index(name->valuestring);
        if (k < 0) {
            rena_features_io_note_unknown(r, name->valuestring);
            continue;
        }
        if (seen[k]++)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: %s appears more than once",
                                  field, name->valuestring);
        snprintf(field + strlen(field), sizeof field - strlen(field), ".score");
        rena_status st =
            rena_features_io_take_score(r, score->valuedouble, where, field, &f->blendshapes[k], err);
        if (st != RENA_OK)
            return st;
    }
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        if (!seen[k]) {
            char msg[400];
            rena_features_io_list_missing(seen, msg, sizeof msg);
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: %s", path[0] ? path : "list",
                                  msg);
        }
    return RENA_OK;
}

static rena_status read_pose(const cJSON *pose, const char *where, rena_features *f,
                             rena_error *err)
{
    static const char *const axes[3] = {"yaw", "pitch", "roll"};
    if (!cJSON_IsObject(pose))
        return rena_error_set(err, RENA_ERR_FORMAT, where, "head_pose: expected an object");
    for (int a = 0; a < 3; a++) {
        char field[32];
        snprintf(field, sizeof field, "head_pose.%s", axes[a]);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(pose, axes[a]);
        if (!cJSON_IsNumber(v))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: missing or not a number", field);
        rena_status st = rena_features_io_take_angle(v->valuedouble, where, field, &f->head_pose[a],
                                                     err);
        if (st != RENA_OK)
            return st;
    }
    f->valid |= RENA_FEAT_POSE;
    return RENA_OK;
}

/* A stream has timestamps on every frame or on none; the first frame decides. */
static rena_status read_timestamp(rena_features_reader *r, const cJSON *root, const char *where,
                                  double *ts, rena_error *err)
{
    const char *key = NULL;
    const cJSON *t = member(root, "timestamp_ms", "timestampMs", "timestamp", &key);
    int first = r->info.frames == 0 && r->info.skipped_no_face == 0;
    if (t && !cJSON_IsNumber(t))
        return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: not a number", key);
    if (first)
        r->info.has_timestamps = t != NULL;
    else if (t && !r->info.has_timestamps)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "%s: earlier frames had no timestamp",
                              key);
    else if (!t && r->info.has_timestamps)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "timestamp_ms: missing, earlier frames had one");
    if (!t)
        return RENA_OK;
    double seconds = strcmp(key, "timestamp") ? t->valuedouble / 1000.0 : t->valuedouble;
    return rena_features_io_take_timestamp(r, seconds, where, key, ts, err);
}

/* The frame-level fields of an object line: timestamp, pose, the list. */
static rena_status read_object(rena_features_reader *r, const cJSON *root, const char *where,
                               rena_features *f, double *ts, const cJSON **list, char *path,
                               size_t size, rena_error *err)
{
    rena_status st = read_timestamp(r, root, where, ts, err);
    const cJSON *pose = cJSON_GetObjectItemCaseSensitive(root, "head_pose");
    if (st == RENA_OK && pose)
        st = read_pose(pose, where, f, err);
    if (st != RENA_OK)
        return st;
    const char *key = NULL;
    const cJSON *bs = member(root, "blendshapes", "face_blendshapes", "faceBlendshapes", &key);
    if (!bs)
        return rena_error_set(err, RENA_ERR_FORMAT, where,
                              "no \"blendshapes\" (or \"face_blendshapes\") list");
    snprintf(path, size, "%s", key);
    return find_categories(bs, path, size, where, list, err);
}

rena_status rena_features_jsonl_next(rena_features_reader *r, rena_features *f, double *ts,
                                     int *got, rena_error *err)
{
    for (;;) {
        rena_status st = rena_features_io_next_line(r, got, err);
        if (st != RENA_OK || !*got)
            return st;
        char where[600], path[128] = "";
        rena_features_io_at_line(r, where, sizeof where);
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithOpts(r->line, &end, 1); /* 1: nothing may follow */
        if (!root)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "not valid JSON (near byte %ld)",
                                  end ? (long)(end - r->line) + 1 : 0L);
        const cJSON *list = NULL;
        *ts = NAN;
        if (cJSON_IsObject(root))
            st = read_object(r, root, where, f, ts, &list, path, sizeof path, err);
        else
            st = find_categories(root, path, sizeof path, where, &list, err);
        if (st == RENA_OK && list)
            st = read_categories(r, list, path, where, f, err);
        cJSON_Delete(root);
        if (st != RENA_OK || list)
            return st;
        r->info.skipped_no_face++; /* a frame without a face: nothing to imitate */
        f->valid &= ~(unsigned)RENA_FEAT_POSE;
    }
}

/* ---- writing ---- */

int rena_features_jsonl_write_line(FILE *fp, const rena_features_writer_options *o,
                                   const rena_features *f, double ts)
{
    int bad = fputc('{', fp) < 0;
    if (o->with_timestamps)
        bad |= fprintf(fp, "\"timestamp_ms\": %.17g, ", ts * 1000.0) < 0;
    bad |= fputs("\"blendshapes\": [", fp) < 0;
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bad |= fprintf(fp, "%s{\"category_name\": \"%s\", \"score\": %.9g}", k ? ", " : "",
                       rena_blendshape_names[k], (double)f->blendshapes[k]) < 0;
    bad |= fputc(']', fp) < 0;
    if (o->with_pose)
        bad |= fprintf(fp, ", \"head_pose\": {\"yaw\": %.9g, \"pitch\": %.9g, \"roll\": %.9g}",
                       (double)f->head_pose[0], (double)f->head_pose[1],
                       (double)f->head_pose[2]) < 0;
    return bad | (fputs("}\n", fp) < 0);
}
