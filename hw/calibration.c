#include "calibration.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

void rena_calibration_default(rena_calibration *cal)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_servo_info *s = &rena_servos[i];
        rena_calibration_servo *c = &cal->servo[i];
        c->id = s->bus_id;
        c->direction = s->tick_max >= s->tick_min ? 1 : -1;
        c->min_ticks = s->tick_min < s->tick_max ? s->tick_min : s->tick_max;
        c->max_ticks = s->tick_min < s->tick_max ? s->tick_max : s->tick_min;
        c->neutral_ticks = rena_servo_to_ticks(i, s->neutral);
    }
}

rena_status rena_calibration_validate(const rena_calibration *cal, const char *where,
                                      rena_error *err)
{
    char field[600];
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_calibration_servo *c = &cal->servo[i];
        const char *name = rena_servos[i].name;
        if (c->id < 0 || c->id > 253) {
            snprintf(field, sizeof field, "%s: %s.id", where, name);
            return rena_error_set(err, RENA_ERR_RANGE, field, "bus ID %d is not in 0..253",
                                  c->id);
        }
        for (int j = 0; j < i; j++)
            if (cal->servo[j].id == c->id) {
                snprintf(field, sizeof field, "%s: %s.id", where, name);
                return rena_error_set(err, RENA_ERR_FORMAT, field,
                                      "duplicate bus ID %d (already used by %s)", c->id,
                                      rena_servos[j].name);
            }
        if (c->direction != 1 && c->direction != -1) {
            snprintf(field, sizeof field, "%s: %s.direction", where, name);
            return rena_error_set(err, RENA_ERR_RANGE, field, "must be 1 or -1, not %d",
                                  c->direction);
        }
        if (c->min_ticks < 0 || c->max_ticks > RENA_STS_TICK_MAX || c->min_ticks >= c->max_ticks) {
            snprintf(field, sizeof field, "%s: %s.min", where, name);
            return rena_error_set(err, RENA_ERR_RANGE, field,
                                  "limits min %d, max %d: need 0 <= min < max <= %d",
                                  c->min_ticks, c->max_ticks, RENA_STS_TICK_MAX);
        }
        if (c->neutral_ticks < c->min_ticks || c->neutral_ticks > c->max_ticks) {
            snprintf(field, sizeof field, "%s: %s.neutral", where, name);
            return rena_error_set(err, RENA_ERR_RANGE, field, "%d is outside min..max (%d..%d)",
                                  c->neutral_ticks, c->min_ticks, c->max_ticks);
        }
    }
    return RENA_OK;
}

/* A whole number in [lo,hi] from a JSON member; errors name the field. */
static rena_status get_int(const cJSON *obj, const char *key, const char *where, int k, long lo,
                           long hi, int *out, rena_error *err)
{
    char field[600];
    snprintf(field, sizeof field, "%s: servos[%d].%s", where, k, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return rena_error_set(err, RENA_ERR_FORMAT, field, "missing");
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || !isfinite(d) || d != floor(d))
        return rena_error_set(err, RENA_ERR_FORMAT, field, "expected a whole number");
    if (d < (double)lo || d > (double)hi)
        return rena_error_set(err, RENA_ERR_RANGE, field, "%.0f is not in %ld..%ld", d, lo, hi);
    *out = (int)d;
    return RENA_OK;
}

static rena_status parse_entry(const cJSON *e, const char *where, int k, int *index,
                               rena_calibration_servo *c, rena_error *err)
{
    char field[600];
    snprintf(field, sizeof field, "%s: servos[%d]", where, k);
    if (!cJSON_IsObject(e))
        return rena_error_set(err, RENA_ERR_FORMAT, field, "expected an object");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
    snprintf(field, sizeof field, "%s: servos[%d].name", where, k);
    if (!cJSON_IsString(name))
        return rena_error_set(err, RENA_ERR_FORMAT, field, "missing servo name (e.g. \"jaw_l\")");
    *index = rena_servo_index(name->valuestring);
    if (*index < 0)
        return rena_error_set(err, RENA_ERR_FORMAT, field,
                              "unknown servo '%s' (see docs/servos.md)", name->valuestring);
    rena_status st;
    if ((st = get_int(e, "id", where, k, 0, 253, &c->id, err)) ||
        (st = get_int(e, "direction", where, k, -1, 1, &c->direction, err)) ||
        (st = get_int(e, "min", where, k, 0, RENA_STS_TICK_MAX, &c->min_ticks, err)) ||
        (st = get_int(e, "max", where, k, 0, RENA_STS_TICK_MAX, &c->max_ticks, err)) ||
        (st = get_int(e, "neutral", where, k, 0, RENA_STS_TICK_MAX, &c->neutral_ticks, err)))
        return st;
    if (c->direction == 0) {
        snprintf(field, sizeof field, "%s: servos[%d].direction", where, k);
        return rena_error_set(err, RENA_ERR_RANGE, field, "must be 1 or -1, not 0");
    }
    if (c->min_ticks >= c->max_ticks) {
        snprintf(field, sizeof field, "%s: servos[%d].min", where, k);
        return rena_error_set(err, RENA_ERR_RANGE, field, "min %d is not below max %d",
                              c->min_ticks, c->max_ticks);
    }
    if (c->neutral_ticks < c->min_ticks || c->neutral_ticks > c->max_ticks) {
        snprintf(field, sizeof field, "%s: servos[%d].neutral", where, k);
        return rena_error_set(err, RENA_ERR_RANGE, field, "%d is outside min..max (%d..%d)",
                              c->neutral_ticks, c->min_ticks, c->max_ticks);
    }
    return RENA_OK;
}

static rena_status parse_servos(const cJSON *list, const char *where, rena_calibration *cal,
                                rena_error *err)
{
    int seen_at[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        seen_at[i] = -1;
    char field[600];
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        rena_calibration_servo c;
        int index = -1;
        rena_status st = parse_entry(e, where, k, &index, &c, err);
        if (st != RENA_OK)
            return st;
        if (seen_at[index] >= 0) {
            snprintf(field, sizeof field, "%s: servos[%d].name", where, k);
            return rena_error_set(err, RENA_ERR_FORMAT, field, "servo '%s' already in servos[%d]",
                                  rena_servos[index].name, seen_at[index]);
        }
        for (int j = 0; j < RENA_NUM_SERVOS; j++)
            if (seen_at[j] >= 0 && cal->servo[j].id == c.id) {
                snprintf(field, sizeof field, "%s: servos[%d].id", where, k);
                return rena_error_set(err, RENA_ERR_FORMAT, field,
                                      "duplicate bus ID %d (already used by servos[%d], %s)",
                                      c.id, seen_at[j], rena_servos[j].name);
            }
        seen_at[index] = k++;
        cal->servo[index] = c;
    }
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        if (seen_at[i] < 0) {
            snprintf(field, sizeof field, "%s: servos", where);
            return rena_error_set(err, RENA_ERR_FORMAT, field,
                                  "no entry for servo '%s' (all %d servos are needed)",
                                  rena_servos[i].name, RENA_NUM_SERVOS);
        }
    return RENA_OK;
}

rena_status rena_calibration_parse(const char *json, size_t len, const char *where,
                                   rena_calibration *cal, rena_error *err)
{
    char field[600];
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return rena_error_set(err, RENA_ERR_FORMAT, where, "not valid JSON");
    rena_status st = RENA_OK;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "servos");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, RENA_CALIBRATION_FORMAT) != 0) {
        snprintf(field, sizeof field, "%s: format", where);
        st = rena_error_set(err, RENA_ERR_FORMAT, field, "expected \"%s\"",
                            RENA_CALIBRATION_FORMAT);
    } else if (!cJSON_IsNumber(ver) || ver->valuedouble != RENA_CALIBRATION_VERSION) {
        snprintf(field, sizeof field, "%s: version", where);
        st = rena_error_set(err, RENA_ERR_VERSION, field, "expected %d",
                            RENA_CALIBRATION_VERSION);
    } else if (!cJSON_IsArray(list)) {
        snprintf(field, sizeof field, "%s: servos", where);
        st = rena_error_set(err, RENA_ERR_FORMAT, field, "expected an array of %d servos",
                            RENA_NUM_SERVOS);
    } else {
        rena_calibration tmp;
        rena_calibration_default(&tmp);
        st = parse_servos(list, where, &tmp, err);
        if (st == RENA_OK)
            st = rena_calibration_validate(&tmp, where, err);
        if (st == RENA_OK)
            *cal = tmp;
    }
    cJSON_Delete(root);
    return st;
}

rena_status rena_calibration_load(const char *path, rena_calibration *cal, rena_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    st = rena_calibration_parse((const char *)data, size, path, cal, err);
    free(data);
    return st;
}

rena_status rena_calibration_save(const char *path, const rena_calibration *cal, rena_error *err)
{
    rena_status st = rena_calibration_validate(cal, path, err);
    if (st != RENA_OK)
        return st;
    rena_atomic_file f;
    if ((st = rena_atomic_open(&f, path, err)) != RENA_OK)
        return st;
    fprintf(f.fp, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"servos\": [\n",
            RENA_CALIBRATION_FORMAT, RENA_CALIBRATION_VERSION);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        const rena_calibration_servo *c = &cal->servo[i];
        fprintf(f.fp,
                "    {\"name\": \"%s\", \"id\": %d, \"direction\": %d, \"min\": %d, \"max\": %d, "
                "\"neutral\": %d}%s\n",
                rena_servos[i].name, c->id, c->direction, c->min_ticks, c->max_ticks,
                c->neutral_ticks, i + 1 < RENA_NUM_SERVOS ? "," : "");
    }
    fprintf(f.fp, "  ]\n}\n");
    return rena_atomic_commit(&f, err);
}

int rena_calibration_to_ticks(const rena_calibration *cal, int servo, float cmd)
{
    const rena_calibration_servo *c = &cal->servo[servo];
    if (!isfinite(cmd))
        return c->neutral_ticks;
    double u = cmd < 0.0f ? 0.0 : cmd > 1.0f ? 1.0 : (double)cmd;
    double span = (double)(c->max_ticks - c->min_ticks);
    long t = c->direction > 0 ? lround(c->min_ticks + u * span) : lround(c->max_ticks - u * span);
    return (int)(t < c->min_ticks ? c->min_ticks : t > c->max_ticks ? c->max_ticks : t);
}

float rena_calibration_from_ticks(const rena_calibration *cal, int servo, int ticks)
{
    const rena_calibration_servo *c = &cal->servo[servo];
    double span = (double)(c->max_ticks - c->min_ticks);
    double u = c->direction > 0 ? (ticks - c->min_ticks) / span : (c->max_ticks - ticks) / span;
    return (float)u;
}

float rena_calibration_neutral(const rena_calibration *cal, int servo)
{
    return rena_calibration_from_ticks(cal, servo, cal->servo[servo].neutral_ticks);
}

int rena_calibration_find_id(const rena_calibration *cal, int id)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        if (cal->servo[i].id == id)
            return i;
    return -1;
}

void rena_calibration_recorder_init(rena_calibration_recorder *r)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        r->min[i] = RENA_STS_TICK_MAX + 1;
        r->max[i] = -1;
        r->last[i] = -1;
    }
    r->samples = 0;
}

void rena_calibration_recorder_add(rena_calibration_recorder *r, const int ticks[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int t = ticks[i] < 0 ? 0 : ticks[i] > RENA_STS_TICK_MAX ? RENA_STS_TICK_MAX : ticks[i];
        r->min[i] = t < r->min[i] ? t : r->min[i];
        r->max[i] = t > r->max[i] ? t : r->max[i];
        r->last[i] = t;
    }
    r->samples++;
}

int rena_calibration_recorder_finish(const rena_calibration_recorder *r,
                                     const rena_calibration *base, int min_span,
                                     rena_calibration *out, int kept[RENA_NUM_SERVOS])
{
    int nkept = 0;
    *out = *base;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_calibration_servo *c = &out->servo[i];
        int swept = r->samples > 0 && r->max[i] - r->min[i] >= (min_span > 1 ? min_span : 1);
        kept[i] = !swept;
        nkept += !swept;
        if (swept) {
            c->min_ticks = r->min[i];
            c->max_ticks = r->max[i];
        }
        int n = r->samples > 0 ? r->last[i] : c->neutral_ticks;
        c->neutral_ticks = n < c->min_ticks ? c->min_ticks : n > c->max_ticks ? c->max_ticks : n;
    }
    return nkept;
}
