#include "perception.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

static const char *const measure_names[RENA_PERCEPTION_NUM_MEASURES] = {
    "lid_up_l",    "lid_up_r",    "lid_lo_l",    "lid_lo_r",     "pupil_x_l",   "pupil_x_r",
    "pupil_y_l",   "pupil_y_r",   "brow_in_l",   "brow_in_r",    "brow_in_mean", "brow_out_l",
    "brow_out_r",  "chin_drop",   "chin_x",      "mouth_x",      "upper_lip_l", "upper_lip_r",
    "lower_lip_l", "lower_lip_r", "corner_y_l",  "corner_y_r",   "corner_x_l",  "corner_x_r",
    "smile_l",     "smile_r",     "lip_gap",     "nose_x",
};

/* Which measure each coefficient reads, and in which direction. */
typedef struct {
    int blendshape, measure, sign;
} source;

static const source sources[] = {
    {RENA_BS_BROW_DOWN_LEFT, RENA_PM_BROW_IN_L, -1},
    {RENA_BS_BROW_DOWN_RIGHT, RENA_PM_BROW_IN_R, -1},
    {RENA_BS_BROW_INNER_UP, RENA_PM_BROW_IN_MEAN, +1},
    {RENA_BS_BROW_OUTER_UP_LEFT, RENA_PM_BROW_OUT_L, +1},
    {RENA_BS_BROW_OUTER_UP_RIGHT, RENA_PM_BROW_OUT_R, +1},
    {RENA_BS_EYE_BLINK_LEFT, RENA_PM_LID_UP_L, -1},
    {RENA_BS_EYE_BLINK_RIGHT, RENA_PM_LID_UP_R, -1},
    {RENA_BS_EYE_LOOK_DOWN_LEFT, RENA_PM_PUPIL_Y_L, -1},
    {RENA_BS_EYE_LOOK_DOWN_RIGHT, RENA_PM_PUPIL_Y_R, -1},
    /* x grows toward the subject's left: the left eye looks in (to the nose)
     * toward -x, the right eye toward +x */
    {RENA_BS_EYE_LOOK_IN_LEFT, RENA_PM_PUPIL_X_L, -1},
    {RENA_BS_EYE_LOOK_IN_RIGHT, RENA_PM_PUPIL_X_R, +1},
    {RENA_BS_EYE_LOOK_OUT_LEFT, RENA_PM_PUPIL_X_L, +1},
    {RENA_BS_EYE_LOOK_OUT_RIGHT, RENA_PM_PUPIL_X_R, -1},
    {RENA_BS_EYE_LOOK_UP_LEFT, RENA_PM_PUPIL_Y_L, +1},
    {RENA_BS_EYE_LOOK_UP_RIGHT, RENA_PM_PUPIL_Y_R, +1},
    {RENA_BS_EYE_SQUINT_LEFT, RENA_PM_LID_LO_L, -1},
    {RENA_BS_EYE_SQUINT_RIGHT, RENA_PM_LID_LO_R, -1},
    /* wide reads the lower lid, which a blink does not move: the upper lid
     * carries the blink, so it cannot also tell how wide the eye is held */
    {RENA_BS_EYE_WIDE_LEFT, RENA_PM_LID_LO_L, +1},
    {RENA_BS_EYE_WIDE_RIGHT, RENA_PM_LID_LO_R, +1},
    {RENA_BS_JAW_LEFT, RENA_PM_CHIN_X, +1},
    {RENA_BS_JAW_OPEN, RENA_PM_CHIN_DROP, +1},
    {RENA_BS_JAW_RIGHT, RENA_PM_CHIN_X, -1},
    {RENA_BS_MOUTH_FROWN_LEFT, RENA_PM_CORNER_Y_L, -1},
    {RENA_BS_MOUTH_FROWN_RIGHT, RENA_PM_CORNER_Y_R, -1},
    {RENA_BS_MOUTH_LEFT, RENA_PM_MOUTH_X, +1},
    {RENA_BS_MOUTH_LOWER_DOWN_LEFT, RENA_PM_LOWER_LIP_L, +1},
    {RENA_BS_MOUTH_LOWER_DOWN_RIGHT, RENA_PM_LOWER_LIP_R, +1},
    {RENA_BS_MOUTH_RIGHT, RENA_PM_MOUTH_X, -1},
    {RENA_BS_MOUTH_SMILE_LEFT, RENA_PM_SMILE_L, +1},
    {RENA_BS_MOUTH_SMILE_RIGHT, RENA_PM_SMILE_R, +1},
    {RENA_BS_MOUTH_STRETCH_LEFT, RENA_PM_CORNER_X_L, +1},
    {RENA_BS_MOUTH_STRETCH_RIGHT, RENA_PM_CORNER_X_R, +1},
    {RENA_BS_MOUTH_UPPER_UP_LEFT, RENA_PM_UPPER_LIP_L, +1},
    {RENA_BS_MOUTH_UPPER_UP_RIGHT, RENA_PM_UPPER_LIP_R, +1},
};

const char *rena_perception_measure_name(int measure)
{
    if (measure < 0 || measure >= RENA_PERCEPTION_NUM_MEASURES)
        return NULL;
    return measure_names[measure];
}

int rena_perception_source(int blendshape, int *sign)
{
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        if (sources[i].blendshape == blendshape) {
            if (sign)
                *sign = sources[i].sign;
            return sources[i].measure;
        }
    if (sign)
        *sign = 0;
    return -1;
}

/* ---- normalised landmark frame ------------------------------------------- */

typedef struct {
    double ox, oy;   /* origin: midpoint of the eye centres (pixels) */
    double ex, ey;   /* unit x axis (subject's right eye -> left eye) */
    double sx, sy;   /* pixels per unit: inter-ocular distance, eye-to-nose height */
} face_frame;

/* The midpoint of an eye's two corners: unlike the mean of all six points it
 * does not move when the lids do. */
static void eye_centre(const float lm[RENA_NUM_LANDMARKS][2], int corner_a, int corner_b,
                       double c[2])
{
    c[0] = 0.5 * ((double)lm[corner_a][0] + lm[corner_b][0]);
    c[1] = 0.5 * ((double)lm[corner_a][1] + lm[corner_b][1]);
}

static void to_frame(const face_frame *f, const float p[2], double out[2])
{
    double dx = p[0] - f->ox, dy = p[1] - f->oy;
    /* y axis = x axis turned +90 degrees in image coordinates (y down) */
    out[0] = (dx * f->ex + dy * f->ey) / f->sx;
    out[1] = (-dx * f->ey + dy * f->ex) / f->sy;
}

static rena_status make_frame(const float lm[RENA_NUM_LANDMARKS][2], face_frame *f,
                              rena_error *err)
{
    for (int i = 0; i < RENA_NUM_LANDMARKS; i++)
        if (!isfinite(lm[i][0]) || !isfinite(lm[i][1]))
            return rena_error_set(err, RENA_ERR_RANGE, "landmarks", "landmark %d is not finite", i);
    double r[2], l[2];
    eye_centre(lm, 36, 39, r);
    eye_centre(lm, 42, 45, l);
    double dx = l[0] - r[0], dy = l[1] - r[1];
    double iod = sqrt(dx * dx + dy * dy);
    if (!(iod > 1e-6))
        return rena_error_set(err, RENA_ERR_RANGE, "landmarks",
                              "the two eyes coincide (inter-ocular distance %g)", iod);
    f->ex = dx / iod;
    f->ey = dy / iod;
    f->ox = 0.5 * (l[0] + r[0]);
    f->oy = 0.5 * (l[1] + r[1]);
    f->sx = iod;
    f->sy = 1.0;
    double nose[2];
    to_frame(f, lm[33], nose);
    if (!(nose[1] > 0.05 * iod))
        return rena_error_set(err, RENA_ERR_RANGE, "landmarks",
                              "the nose base (33) is not below the eyes");
    f->sy = nose[1];
    return RENA_OK;
}

/* ---- measures ------------------------------------------------------------- */

typedef struct {
    int corner_a, corner_b, up_a, up_b, lo_a, lo_b; /* landmark indices of one eye */
} eye_points;

static const eye_points left_eye = {42, 45, 43, 44, 46, 47};
static const eye_points right_eye = {36, 39, 37, 38, 40, 41};

static void eye_measures(const double p[RENA_NUM_LANDMARKS][2], const eye_points *e,
                         const float *pupil, const face_frame *f, float *lid_up, float *lid_lo,
                         float *pupil_x, float *pupil_y)
{
    double corner_y = 0.5 * (p[e->corner_a][1] + p[e->corner_b][1]);
    double corner_x = 0.5 * (p[e->corner_a][0] + p[e->corner_b][0]);
    *lid_up = (float)(corner_y - 0.5 * (p[e->up_a][1] + p[e->up_b][1]));
    *lid_lo = (float)(0.5 * (p[e->lo_a][1] + p[e->lo_b][1]) - corner_y);
    double width = fabs(p[e->corner_b][0] - p[e->corner_a][0]);
    if (!pupil || !isfinite(pupil[0]) || !isfinite(pupil[1]) || width < 1e-9) {
        *pupil_x = *pupil_y = NAN;
        return;
    }
    double q[2];
    to_frame(f, pupil, q);
    *pupil_x = (float)((q[0] - corner_x) / width);
    *pupil_y = (float)(corner_y - q[1]);
}

rena_status rena_perception_measure(const float landmarks[RENA_NUM_LANDMARKS][2],
                                    const float pupils[2][2],
                                    float m[RENA_PERCEPTION_NUM_MEASURES], rena_error *err)
{
    face_frame f = {0, 0, 1, 0, 1, 1};
    rena_status st = make_frame(landmarks, &f, err);
    if (st != RENA_OK)
        return st;
    double p[RENA_NUM_LANDMARKS][2];
    for (int i = 0; i < RENA_NUM_LANDMARKS; i++)
        to_frame(&f, landmarks[i], p[i]);

    eye_measures(p, &left_eye, pupils ? pupils[0] : NULL, &f, &m[RENA_PM_LID_UP_L],
                 &m[RENA_PM_LID_LO_L], &m[RENA_PM_PUPIL_X_L], &m[RENA_PM_PUPIL_Y_L]);
    eye_measures(p, &right_eye, pupils ? pupils[1] : NULL, &f, &m[RENA_PM_LID_UP_R],
                 &m[RENA_PM_LID_LO_R], &m[RENA_PM_PUPIL_X_R], &m[RENA_PM_PUPIL_Y_R]);
    /* heights are "up positive": the frame's y points down the face; sideways
     * positions are taken from the nose base, at about the mouth's depth */
    double mid = p[33][0];
    m[RENA_PM_BROW_IN_L] = (float)-p[22][1];
    m[RENA_PM_BROW_IN_R] = (float)-p[21][1];
    m[RENA_PM_BROW_IN_MEAN] = 0.5f * (m[RENA_PM_BROW_IN_L] + m[RENA_PM_BROW_IN_R]);
    m[RENA_PM_BROW_OUT_L] = (float)-p[26][1];
    m[RENA_PM_BROW_OUT_R] = (float)-p[17][1];
    m[RENA_PM_CHIN_DROP] = (float)p[8][1];
    m[RENA_PM_CHIN_X] = (float)(p[8][0] - mid);
    m[RENA_PM_MOUTH_X] = (float)(0.5 * (p[48][0] + p[54][0]) - mid);
    m[RENA_PM_UPPER_LIP_L] = (float)-p[52][1];
    m[RENA_PM_UPPER_LIP_R] = (float)-p[50][1];
    m[RENA_PM_LOWER_LIP_L] = (float)(p[56][1] - p[8][1]);
    m[RENA_PM_LOWER_LIP_R] = (float)(p[58][1] - p[8][1]);
    m[RENA_PM_CORNER_Y_L] = (float)-p[54][1];
    m[RENA_PM_CORNER_Y_R] = (float)-p[48][1];
    m[RENA_PM_CORNER_X_L] = (float)(p[54][0] - mid);
    m[RENA_PM_CORNER_X_R] = (float)(mid - p[48][0]);
    m[RENA_PM_SMILE_L] = m[RENA_PM_CORNER_Y_L] + 0.3f * m[RENA_PM_CORNER_X_L];
    m[RENA_PM_SMILE_R] = m[RENA_PM_CORNER_Y_R] + 0.3f * m[RENA_PM_CORNER_X_R];
    m[RENA_PM_LIP_GAP] = (float)(p[66][1] - p[62][1]);
    m[RENA_PM_NOSE_X] = (float)p[30][0];
    return RENA_OK;
}

/* The lower-lid measure of the eye a measure belongs to, -1 for measures of
 * no single eye and for the lower lids themselves. */
static int lower_lid_of(int k)
{
    switch (k) {
    case RENA_PM_LID_UP_L:
    case RENA_PM_PUPIL_X_L:
    case RENA_PM_PUPIL_Y_L:
        return RENA_PM_LID_LO_L;
    case RENA_PM_LID_UP_R:
    case RENA_PM_PUPIL_X_R:
    case RENA_PM_PUPIL_Y_R:
        return RENA_PM_LID_LO_R;
    default:
        return -1;
    }
}

/* A measure's change from neutral, less what the jaw (measures with a
 * jaw_slope) and a head turn explain. */
static float jaw_turn_corrected_change(const rena_perception_calib *c,
                                       const float m[RENA_PERCEPTION_NUM_MEASURES], int k)
{
    float chin = m[RENA_PM_CHIN_DROP] - c->ref[RENA_PM_CHIN_DROP];
    float nose = m[RENA_PM_NOSE_X] - c->ref[RENA_PM_NOSE_X];
    float change = m[k] - c->ref[k];
    if (isfinite(chin) && c->jaw_slope[k] != 0.0f)
        change -= c->jaw_slope[k] * chin;
    if (isfinite(nose))
        change -= (c->yaw_slope[k] + c->yaw_curve[k] * nose) * nose;
    return change;
}

/* ... and less what the same eye's lower lid explains (measures with a
 * lid_slope). */
static float corrected_change(const rena_perception_calib *c,
                              const float m[RENA_PERCEPTION_NUM_MEASURES], int k)
{
    float change = jaw_turn_corrected_change(c, m, k);
    int lid = lower_lid_of(k);
    if (lid >= 0 && c->lid_slope[k] != 0.0f) {
        float lo = jaw_turn_corrected_change(c, m, lid);
        if (isfinite(lo))
            change -= c->lid_slope[k] * lo;
    }
    return change;
}

void rena_perception_apply(const rena_perception_calib *c,
                           const float m[RENA_PERCEPTION_NUM_MEASURES],
                           float bs[RENA_NUM_BLENDSHAPES])
{
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        bs[k] = 0.0f;
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        const source *s = &sources[i];
        float v = c->gain[s->blendshape] * (float)s->sign * corrected_change(c, m, s->measure);
        if (!isfinite(v) || v < 0.0f)
            v = 0.0f;
        bs[s->blendshape] = v > 1.0f ? 1.0f : v;
    }
}

rena_status rena_perception_blendshapes(const rena_perception_calib *calib,
                                        const float landmarks[RENA_NUM_LANDMARKS][2],
                                        const float pupils[2][2],
                                        float blendshapes[RENA_NUM_BLENDSHAPES], rena_error *err)
{
    float m[RENA_PERCEPTION_NUM_MEASURES];
    rena_status st = rena_perception_measure(landmarks, pupils, m, err);
    if (st != RENA_OK)
        return st;
    rena_perception_apply(calib, m, blendshapes);
    return RENA_OK;
}

/* ---- calibration ---------------------------------------------------------- */

void rena_perception_calib_init(rena_perception_calib *c,
                                const float neutral[RENA_PERCEPTION_NUM_MEASURES])
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < RENA_PERCEPTION_NUM_MEASURES; i++)
        c->ref[i] = neutral[i];
}

rena_status rena_perception_calib_extreme(rena_perception_calib *c, int bs,
                                          const float extreme[RENA_PERCEPTION_NUM_MEASURES],
                                          float min_change, rena_error *err)
{
    int sign = 0;
    int m = bs >= 0 && bs < RENA_NUM_BLENDSHAPES ? rena_perception_source(bs, &sign) : -1;
    if (m < 0)
        return rena_error_set(err, RENA_ERR_ARG, "calibration",
                              "blendshape %d has no geometric formula", bs);
    float change = (float)sign * corrected_change(c, extreme, m);
    if (!isfinite(change) || !(change >= min_change)) {
        c->gain[bs] = 0.0f;
        return rena_error_set(err, RENA_ERR_RANGE, rena_blendshape_names[bs],
                              "measure %s changed by %g at the extreme (need >= %g)",
                              measure_names[m], (double)change, (double)min_change);
    }
    c->gain[bs] = 1.0f / change;
    return RENA_OK;
}

rena_status rena_perception_calib_jaw_slope(rena_perception_calib *c, int measure,
                                            const float jaw_open[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err)
{
    if (measure < 0 || measure >= RENA_PERCEPTION_NUM_MEASURES || measure == RENA_PM_CHIN_DROP)
        return rena_error_set(err, RENA_ERR_ARG, "calibration", "measure %d cannot be compensated",
                              measure);
    float chin = jaw_open[RENA_PM_CHIN_DROP] - c->ref[RENA_PM_CHIN_DROP];
    float slope = (jaw_open[measure] - c->ref[measure]) / chin;
    if (!(chin > 1e-3f) || !isfinite(slope))
        return rena_error_set(err, RENA_ERR_RANGE, "calibration",
                              "the chin did not drop with the jaw open (%g)", (double)chin);
    c->jaw_slope[measure] = slope;
    return RENA_OK;
}

rena_status rena_perception_calib_lid_slope(rena_perception_calib *c, int measure,
                                            const float moved[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err)
{
    int lid = measure >= 0 && measure < RENA_PERCEPTION_NUM_MEASURES ? lower_lid_of(measure) : -1;
    if (lid < 0)
        return rena_error_set(err, RENA_ERR_ARG, "calibration",
                              "measure %d is not one eye's lid or pupil measure", measure);
    float lo = moved[lid] - c->ref[lid];
    float slope = (moved[measure] - c->ref[measure]) / lo;
    if (!(fabsf(lo) > 1e-3f) || !isfinite(slope))
        return rena_error_set(err, RENA_ERR_RANGE, "calibration",
                              "the lower lid (%s) did not move (%g)", measure_names[lid],
                              (double)lo);
    c->lid_slope[measure] = slope;
    return RENA_OK;
}

rena_status rena_perception_calib_yaw_slope(rena_perception_calib *c,
                                            const float a[RENA_PERCEPTION_NUM_MEASURES],
                                            const float b[RENA_PERCEPTION_NUM_MEASURES],
                                            rena_error *err)
{
    /* parabola change = s*n + q*n^2 through (na, da) and (nb, db) */
    double na = a[RENA_PM_NOSE_X] - c->ref[RENA_PM_NOSE_X];
    double nb = b[RENA_PM_NOSE_X] - c->ref[RENA_PM_NOSE_X];
    double det = na * nb * (nb - na);
    if (!(na * nb < 0.0) || !(fabs(det) > 1e-9))
        return rena_error_set(err, RENA_ERR_RANGE, "calibration",
                              "the nose did not move sideways both ways with the head turns");
    for (int k = 0; k < RENA_PERCEPTION_NUM_MEASURES; k++) {
        double da = a[k] - c->ref[k], db = b[k] - c->ref[k];
        double slope = (da * nb * nb - db * na * na) / det;
        double curve = (db * na - da * nb) / det;
        int skip = k == RENA_PM_NOSE_X || !isfinite(slope) || !isfinite(curve);
        c->yaw_slope[k] = skip ? 0.0f : (float)slope;
        c->yaw_curve[k] = skip ? 0.0f : (float)curve;
    }
    return RENA_OK;
}

rena_status rena_perception_calib_save(const char *path, const rena_perception_calib *c,
                                       rena_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *ref = cJSON_AddObjectToObject(root, "ref");
    cJSON *gain = cJSON_AddObjectToObject(root, "gain");
    cJSON *slope = cJSON_AddObjectToObject(root, "jaw_slope");
    cJSON *yaw = cJSON_AddObjectToObject(root, "yaw_slope");
    cJSON *curve = cJSON_AddObjectToObject(root, "yaw_curve");
    cJSON *lid = cJSON_AddObjectToObject(root, "lid_slope");
    if (!root || !ref || !gain || !slope || !yaw || !curve || !lid) {
        cJSON_Delete(root);
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory building JSON");
    }
    for (int i = 0; i < RENA_PERCEPTION_NUM_MEASURES; i++) {
        cJSON_AddNumberToObject(ref, measure_names[i], c->ref[i]);
        cJSON_AddNumberToObject(slope, measure_names[i], c->jaw_slope[i]);
        cJSON_AddNumberToObject(yaw, measure_names[i], c->yaw_slope[i]);
        cJSON_AddNumberToObject(curve, measure_names[i], c->yaw_curve[i]);
        cJSON_AddNumberToObject(lid, measure_names[i], c->lid_slope[i]);
    }
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        cJSON_AddNumberToObject(gain, rena_blendshape_names[k], c->gain[k]);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory printing JSON");
    rena_status st = rena_atomic_write(path, text, strlen(text), err);
    free(text);
    return st;
}

/* `allow_null`: null stands for an unknown value (NaN), as cJSON writes it;
 * a neutral face measured without pupils has unknown pupil references. */
static rena_status read_numbers(const char *path, const cJSON *obj, const char *section,
                                const char *const *names, int count, int allow_null, float *out,
                                rena_error *err)
{
    if (!cJSON_IsObject(obj))
        return rena_error_set(err, RENA_ERR_FORMAT, path, "\"%s\" must be an object", section);
    for (int i = 0; i < count; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, names[i]);
        char where[600];
        snprintf(where, sizeof where, "%s: %s.%s", path, section, names[i]);
        if (!v)
            return rena_error_set(err, RENA_ERR_FORMAT, where, "missing");
        if (allow_null && cJSON_IsNull(v)) {
            out[i] = NAN;
            continue;
        }
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return rena_error_set(err, RENA_ERR_FORMAT, where, "must be a finite number");
        out[i] = (float)v->valuedouble;
    }
    return RENA_OK;
}

rena_status rena_perception_calib_load(const char *path, rena_perception_calib *c,
                                       rena_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    rena_status st = rena_read_file(path, &data, &size, err);
    if (st != RENA_OK)
        return st;
    cJSON *root = cJSON_ParseWithLength((const char *)data, size);
    free(data);
    if (!root)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "not valid JSON");
    rena_perception_calib tmp;
    memset(&tmp, 0, sizeof tmp);
    st = read_numbers(path, cJSON_GetObjectItemCaseSensitive(root, "ref"), "ref", measure_names,
                      RENA_PERCEPTION_NUM_MEASURES, 1, tmp.ref, err);
    if (st == RENA_OK)
        st = read_numbers(path, cJSON_GetObjectItemCaseSensitive(root, "gain"), "gain",
                          rena_blendshape_names, RENA_NUM_BLENDSHAPES, 0, tmp.gain, err);
    if (st == RENA_OK)
        st = read_numbers(path, cJSON_GetObjectItemCaseSensitive(root, "jaw_slope"), "jaw_slope",
                          measure_names, RENA_PERCEPTION_NUM_MEASURES, 0, tmp.jaw_slope, err);
    if (st == RENA_OK)
        st = read_numbers(path, cJSON_GetObjectItemCaseSensitive(root, "yaw_slope"), "yaw_slope",
                          measure_names, RENA_PERCEPTION_NUM_MEASURES, 0, tmp.yaw_slope, err);
    if (st == RENA_OK)
        st = read_numbers(path, cJSON_GetObjectItemCaseSensitive(root, "yaw_curve"), "yaw_curve",
                          measure_names, RENA_PERCEPTION_NUM_MEASURES, 0, tmp.yaw_curve, err);
    /* optional: files written before the lid compensation existed have none */
    const cJSON *lid = cJSON_GetObjectItemCaseSensitive(root, "lid_slope");
    if (st == RENA_OK && lid)
        st = read_numbers(path, lid, "lid_slope", measure_names, RENA_PERCEPTION_NUM_MEASURES, 0,
                          tmp.lid_slope, err);
    cJSON_Delete(root);
    if (st == RENA_OK)
        *c = tmp;
    return st;
}
