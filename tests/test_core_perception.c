/* core/perception: geometric blendshapes from hand-made landmark sets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "perception.h"
#include "testutil.h"

/* A frontal face in "face units": eye corners at x = +-25 and +-75 on y = 0
 * (inter-ocular distance 100), nose base 80 below the eye line (the vertical
 * unit), chin at 200. Image coordinates: x right, y down, then shifted. */
typedef struct {
    double lid_up, lid_lo; /* lid heights above/below the corner line */
    double brow_in;        /* inner brow height above the eye line */
    double chin;           /* chin depth */
    double lower_lip;      /* lower lip depth */
    double mouth_shift;    /* whole mouth sideways */
    double nose_shift;     /* nose tip sideways (the head-turn cue) */
} face_shape;

static const face_shape neutral_shape = {10, 8, 40, 200, 142, 0, 0};

static void set(float lm[][2], int k, double x, double y)
{
    lm[k][0] = (float)(x + 320.0);
    lm[k][1] = (float)(y + 200.0);
}

static void make_face(const face_shape *f, float lm[RENA_NUM_LANDMARKS][2])
{
    for (int k = 0; k <= 16; k++) {
        double a = M_PI * (1.0 - k / 16.0);
        set(lm, k, 95 * cos(a), 40 + (f->chin - 40) * sin(a));
    }
    for (int n = 0; n < 5; n++) {
        double height = n == 4 ? f->brow_in : 40; /* 21 is the inner end */
        set(lm, 17 + n, -95 + 15 * n, -height);
        set(lm, 26 - n, 95 - 15 * n, -height); /* 22 inner ... 26 outer */
    }
    for (int n = 0; n < 4; n++)
        set(lm, 27 + n, f->nose_shift * n / 3.0, 15 + 18 * n);
    for (int n = 0; n < 5; n++)
        set(lm, 31 + n, -20 + 10 * n, 80);
    /* right eye (image left): 36 outer, 39 inner; left eye: 42 inner, 45 outer */
    set(lm, 36, -75, 0), set(lm, 37, -60, -f->lid_up), set(lm, 38, -40, -f->lid_up);
    set(lm, 39, -25, 0), set(lm, 40, -40, f->lid_lo), set(lm, 41, -60, f->lid_lo);
    set(lm, 42, 25, 0), set(lm, 43, 40, -f->lid_up), set(lm, 44, 60, -f->lid_up);
    set(lm, 45, 75, 0), set(lm, 46, 60, f->lid_lo), set(lm, 47, 40, f->lid_lo);
    double m = f->mouth_shift;
    set(lm, 48, m - 40, 130), set(lm, 49, m - 25, 122), set(lm, 50, m - 10, 120);
    set(lm, 51, m, 121), set(lm, 52, m + 10, 120), set(lm, 53, m + 25, 122);
    set(lm, 54, m + 40, 130), set(lm, 55, m + 25, 138), set(lm, 56, m + 10, f->lower_lip);
    set(lm, 57, m, f->lower_lip + 1), set(lm, 58, m - 10, f->lower_lip), set(lm, 59, m - 25, 138);
    set(lm, 60, m - 35, 130), set(lm, 61, m - 10, 129), set(lm, 62, m, 129);
    set(lm, 63, m + 10, 129), set(lm, 64, m + 35, 130), set(lm, 65, m + 10, 131);
    set(lm, 66, m, 131), set(lm, 67, m - 10, 131);
}

static void measure(const face_shape *f, float m[RENA_PERCEPTION_NUM_MEASURES])
{
    float lm[RENA_NUM_LANDMARKS][2];
    make_face(f, lm);
    ck_assert_int_eq(rena_perception_measure(lm, NULL, m, NULL), RENA_OK);
}

START_TEST(measures_match_hand_computation)
{
    float m[RENA_PERCEPTION_NUM_MEASURES];
    measure(&neutral_shape, m);
    /* heights are in eye-to-nose units (80 px), widths in IOD (100 px) */
    ck_assert_float_eq_tol(m[RENA_PM_LID_UP_L], 10.0f / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_LID_LO_R], 8.0f / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_BROW_IN_L], 40.0f / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_CHIN_DROP], 200.0f / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_CORNER_X_L], 40.0f / 100.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_CORNER_Y_R], -130.0f / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_LOWER_LIP_L], (142.0f - 200.0f) / 80.0f, 1e-5f);
    ck_assert_float_eq_tol(m[RENA_PM_LIP_GAP], 2.0f / 80.0f, 1e-5f);
    ck_assert(isnan(m[RENA_PM_PUPIL_X_L]));
}
END_TEST

/* Moving, scaling and turning the whole picture in its plane changes nothing. */
START_TEST(measures_ignore_position_scale_and_in_plane_rotation)
{
    float lm[RENA_NUM_LANDMARKS][2], moved[RENA_NUM_LANDMARKS][2];
    float a[RENA_PERCEPTION_NUM_MEASURES], b[RENA_PERCEPTION_NUM_MEASURES];
    make_face(&neutral_shape, lm);
    double c = cos(0.4), s = sin(0.4), k = 1.7;
    for (int i = 0; i < RENA_NUM_LANDMARKS; i++) {
        double x = lm[i][0] - 320.0, y = lm[i][1] - 200.0;
        moved[i][0] = (float)(k * (c * x - s * y) + 51.0);
        moved[i][1] = (float)(k * (s * x + c * y) + 77.0);
    }
    ck_assert_int_eq(rena_perception_measure(lm, NULL, a, NULL), RENA_OK);
    ck_assert_int_eq(rena_perception_measure(moved, NULL, b, NULL), RENA_OK);
    for (int i = 0; i < RENA_PERCEPTION_NUM_MEASURES; i++)
        if (!isnan(a[i]))
            ck_assert_float_eq_tol(a[i], b[i], 2e-4f);
}
END_TEST

static void calibrate_blink(rena_perception_calib *c)
{
    float n[RENA_PERCEPTION_NUM_MEASURES], closed[RENA_PERCEPTION_NUM_MEASURES];
    measure(&neutral_shape, n);
    face_shape shut = neutral_shape;
    shut.lid_up = -2; /* the upper lid just past the corner line */
    measure(&shut, closed);
    rena_perception_calib_init(c, n);
    ck_assert_int_eq(rena_perception_calib_extreme(c, RENA_BS_EYE_BLINK_LEFT, closed, 0.01f, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_perception_calib_extreme(c, RENA_BS_EYE_BLINK_RIGHT, closed, 0.01f, NULL),
                     RENA_OK);
}

static float blink_of(const rena_perception_calib *c, double lid_up)
{
    face_shape f = neutral_shape;
    f.lid_up = lid_up;
    float lm[RENA_NUM_LANDMARKS][2], bs[RENA_NUM_BLENDSHAPES];
    make_face(&f, lm);
    ck_assert_int_eq(rena_perception_blendshapes(c, lm, NULL, bs, NULL), RENA_OK);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_BLINK_LEFT], bs[RENA_BS_EYE_BLINK_RIGHT], 1e-6f);
    for (int k = 0; k < RENA_NUM_BLENDSHAPES; k++)
        ck_assert(bs[k] >= 0.0f && bs[k] <= 1.0f);
    return bs[RENA_BS_EYE_BLINK_LEFT];
}

START_TEST(open_eye_zero_closed_eye_one_linear_between)
{
    rena_perception_calib c;
    calibrate_blink(&c);
    ck_assert_float_eq_tol(blink_of(&c, 10), 0.0f, 1e-5f);
    ck_assert_float_eq_tol(blink_of(&c, -2), 1.0f, 1e-5f);
    ck_assert_float_eq_tol(blink_of(&c, 4), 0.5f, 1e-4f);  /* (10-4)/(10+2) */
    ck_assert_float_eq_tol(blink_of(&c, -9), 1.0f, 1e-6f); /* clamped */
    ck_assert_float_eq_tol(blink_of(&c, 14), 0.0f, 1e-6f); /* wider is not a blink */
}
END_TEST

START_TEST(calibration_rejects_wrong_direction_and_unknown_coefficient)
{
    float n[RENA_PERCEPTION_NUM_MEASURES], wide[RENA_PERCEPTION_NUM_MEASURES];
    measure(&neutral_shape, n);
    face_shape f = neutral_shape;
    f.lid_up = 14;
    measure(&f, wide);
    rena_perception_calib c;
    rena_perception_calib_init(&c, n);
    rena_error e;
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_BLINK_LEFT, wide, 0.01f, &e),
                     RENA_ERR_RANGE);
    ck_assert_str_eq(e.where, "eyeBlinkLeft");
    ck_assert(c.gain[RENA_BS_EYE_BLINK_LEFT] == 0.0f);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_CHEEK_PUFF, wide, 0.01f, NULL),
                     RENA_ERR_ARG);
    ck_assert_int_lt(rena_perception_source(RENA_BS_MOUTH_PUCKER, NULL), 0);
}
END_TEST

START_TEST(pupil_offsets_drive_eye_look)
{
    float lm[RENA_NUM_LANDMARKS][2], m[RENA_PERCEPTION_NUM_MEASURES];
    make_face(&neutral_shape, lm);
    float centred[2][2] = {{320 + 50, 200}, {320 - 50, 200}};
    ck_assert_int_eq(rena_perception_measure(lm, (const float(*)[2])centred, m, NULL), RENA_OK);
    ck_assert_float_eq_tol(m[RENA_PM_PUPIL_X_L], 0.0f, 1e-6f);
    rena_perception_calib c;
    rena_perception_calib_init(&c, m);
    /* both pupils 10 px toward image right = the subject's left */
    float looking[2][2] = {{320 + 60, 200}, {320 - 40, 200}};
    ck_assert_int_eq(rena_perception_measure(lm, (const float(*)[2])looking, m, NULL), RENA_OK);
    ck_assert_float_eq_tol(m[RENA_PM_PUPIL_X_L], 10.0f / 50.0f, 1e-5f);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_LOOK_OUT_LEFT, m, 0.01f, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_LOOK_IN_RIGHT, m, 0.01f, NULL),
                     RENA_OK);
    float half[2][2] = {{320 + 55, 200}, {320 - 45, 200}}, bs[RENA_NUM_BLENDSHAPES];
    ck_assert_int_eq(rena_perception_blendshapes(&c, lm, (const float(*)[2])half, bs, NULL), RENA_OK);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_LOOK_OUT_LEFT], 0.5f, 1e-4f);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_LOOK_IN_RIGHT], 0.5f, 1e-4f);
    ck_assert(bs[RENA_BS_EYE_LOOK_IN_LEFT] == 0.0f);
    /* without pupils there is no gaze at all */
    ck_assert_int_eq(rena_perception_blendshapes(&c, lm, NULL, bs, NULL), RENA_OK);
    ck_assert(bs[RENA_BS_EYE_LOOK_OUT_LEFT] == 0.0f);
}
END_TEST

START_TEST(jaw_and_head_turn_shares_are_discounted)
{
    float n[RENA_PERCEPTION_NUM_MEASURES], x[RENA_PERCEPTION_NUM_MEASURES];
    float a[RENA_PERCEPTION_NUM_MEASURES], b[RENA_PERCEPTION_NUM_MEASURES];
    measure(&neutral_shape, n);
    rena_perception_calib c;
    rena_perception_calib_init(&c, n);
    /* a jaw that drops the chin 40 px drags the lower lip 30 px with it */
    face_shape jaw = neutral_shape;
    jaw.chin += 40, jaw.lower_lip += 30;
    measure(&jaw, x);
    ck_assert_int_eq(rena_perception_calib_jaw_slope(&c, RENA_PM_LOWER_LIP_L, x, NULL), RENA_OK);
    ck_assert_float_eq_tol(c.jaw_slope[RENA_PM_LOWER_LIP_L], -10.0f / 40.0f, 1e-5f);
    /* a head turn moves the nose tip and, less, the mouth: +-12 px nose, +-3 px mouth */
    face_shape t1 = neutral_shape, t2 = neutral_shape;
    t1.nose_shift = 12, t1.mouth_shift = 3;
    t2.nose_shift = -12, t2.mouth_shift = -3;
    measure(&t1, a);
    measure(&t2, b);
    ck_assert_int_eq(rena_perception_calib_yaw_slope(&c, b, a, NULL), RENA_OK);
    ck_assert_float_eq_tol(c.yaw_slope[RENA_PM_MOUTH_X], 0.25f, 1e-4f);
    /* the lip depressor pulls 10 px on top of the jaw */
    face_shape lip = jaw;
    lip.lower_lip += 10;
    measure(&lip, x);
    ck_assert_int_eq(
        rena_perception_calib_extreme(&c, RENA_BS_MOUTH_LOWER_DOWN_LEFT, x, 0.01f, NULL), RENA_OK);
    face_shape only_mouth = neutral_shape;
    only_mouth.mouth_shift = 10;
    measure(&only_mouth, x);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_MOUTH_LEFT, x, 0.01f, NULL), RENA_OK);

    float lm[RENA_NUM_LANDMARKS][2], bs[RENA_NUM_BLENDSHAPES];
    face_shape test = jaw; /* jaw open, head turned half way: no lip pull, no mouth shift */
    test.nose_shift = 6, test.mouth_shift = 1.5;
    make_face(&test, lm);
    ck_assert_int_eq(rena_perception_blendshapes(&c, lm, NULL, bs, NULL), RENA_OK);
    ck_assert_float_lt(bs[RENA_BS_MOUTH_LOWER_DOWN_LEFT], 1e-3f);
    ck_assert_float_lt(bs[RENA_BS_MOUTH_LEFT], 1e-3f);
    test.lower_lip += 5, test.mouth_shift += 5;
    make_face(&test, lm);
    ck_assert_int_eq(rena_perception_blendshapes(&c, lm, NULL, bs, NULL), RENA_OK);
    ck_assert_float_eq_tol(bs[RENA_BS_MOUTH_LOWER_DOWN_LEFT], 0.5f, 1e-3f);
    ck_assert_float_eq_tol(bs[RENA_BS_MOUTH_LEFT], 0.5f, 1e-3f);
}
END_TEST

/* A face whose lid linkage lifts the upper lid 0.8 px per px the lower lid
 * drops, as the robot's does. */
static face_shape lids(double lid_lo, double blink_px)
{
    face_shape f = neutral_shape;
    f.lid_lo = lid_lo;
    f.lid_up = neutral_shape.lid_up + 0.8 * (lid_lo - neutral_shape.lid_lo) - blink_px;
    return f;
}

static void lid_coefficients(const rena_perception_calib *c, double lid_lo, double blink_px,
                             float *wide, float *squint, float *blink)
{
    face_shape f = lids(lid_lo, blink_px);
    float lm[RENA_NUM_LANDMARKS][2], bs[RENA_NUM_BLENDSHAPES];
    make_face(&f, lm);
    ck_assert_int_eq(rena_perception_blendshapes(c, lm, NULL, bs, NULL), RENA_OK);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_WIDE_LEFT], bs[RENA_BS_EYE_WIDE_RIGHT], 1e-6f);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_SQUINT_LEFT], bs[RENA_BS_EYE_SQUINT_RIGHT], 1e-6f);
    ck_assert_float_eq_tol(bs[RENA_BS_EYE_BLINK_LEFT], bs[RENA_BS_EYE_BLINK_RIGHT], 1e-6f);
    *wide = bs[RENA_BS_EYE_WIDE_LEFT];
    *squint = bs[RENA_BS_EYE_SQUINT_LEFT];
    *blink = bs[RENA_BS_EYE_BLINK_LEFT];
}

/* The lower lid alone says how wide the eye is held; the upper lid, less the
 * share the lower lid drags along, says how far it blinks. */
START_TEST(lower_lid_drives_wide_and_squint_apart_from_blink)
{
    float n[RENA_PERCEPTION_NUM_MEASURES], x[RENA_PERCEPTION_NUM_MEASURES];
    measure(&neutral_shape, n);
    rena_perception_calib c;
    rena_perception_calib_init(&c, n);
    face_shape f = lids(12, 0); /* wide: lower lid 4 px down, upper lid 3.2 px up */
    measure(&f, x);
    ck_assert_int_eq(rena_perception_calib_lid_slope(&c, RENA_PM_LID_UP_L, x, NULL), RENA_OK);
    ck_assert_int_eq(rena_perception_calib_lid_slope(&c, RENA_PM_LID_UP_R, x, NULL), RENA_OK);
    ck_assert_float_eq_tol(c.lid_slope[RENA_PM_LID_UP_L], 0.8f, 1e-5f);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_WIDE_LEFT, x, 0.01f, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_WIDE_RIGHT, x, 0.01f, NULL),
                     RENA_OK);
    f = lids(4, 0); /* squint: lower lid 4 px up */
    measure(&f, x);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_SQUINT_LEFT, x, 0.01f, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_SQUINT_RIGHT, x, 0.01f, NULL),
                     RENA_OK);
    f = lids(8, 12); /* blink: the upper lid 12 px down, to 2 px past the corners */
    measure(&f, x);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_BLINK_LEFT, x, 0.01f, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_perception_calib_extreme(&c, RENA_BS_EYE_BLINK_RIGHT, x, 0.01f, NULL),
                     RENA_OK);

    float wide, squint, blink, prev_wide = -1, prev_squint = 2;
    for (int i = 0; i <= 8; i++) { /* lower lid from squint to wide, no blink */
        double lo = 4 + i;
        lid_coefficients(&c, lo, 0, &wide, &squint, &blink);
        ck_assert_float_eq_tol(wide, lo > 8 ? (lo - 8) / 4 : 0, 1e-4f);
        ck_assert_float_eq_tol(squint, lo < 8 ? (8 - lo) / 4 : 0, 1e-4f);
        ck_assert_float_lt(blink, 1e-4f);
        ck_assert(wide >= prev_wide && squint <= prev_squint);
        prev_wide = wide, prev_squint = squint;
    }
    for (int i = 0; i <= 4; i++) { /* a blink moves neither wide nor squint, at any lower lid */
        double lo = 4 + 2 * i;
        lid_coefficients(&c, lo, 6, &wide, &squint, &blink);
        ck_assert_float_eq_tol(blink, 0.5f, 1e-4f);
        ck_assert_float_eq_tol(wide, lo > 8 ? (lo - 8) / 4 : 0, 1e-4f);
        ck_assert_float_eq_tol(squint, lo < 8 ? (8 - lo) / 4 : 0, 1e-4f);
    }
    lid_coefficients(&c, 16, 30, &wide, &squint, &blink); /* past both extremes: clamped */
    ck_assert(wide == 1.0f && blink == 1.0f && squint == 0.0f);

    rena_error e;
    ck_assert_int_eq(rena_perception_calib_lid_slope(&c, RENA_PM_CHIN_DROP, x, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_perception_calib_lid_slope(&c, RENA_PM_LID_LO_L, x, &e), RENA_ERR_ARG);
    ck_assert_int_eq(rena_perception_calib_lid_slope(&c, RENA_PM_LID_UP_L, x, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "lid_lo_l"));
    ck_assert_float_eq_tol(c.lid_slope[RENA_PM_LID_UP_L], 0.8f, 1e-5f); /* left as it was */
}
END_TEST

START_TEST(bad_landmarks_are_refused)
{
    float lm[RENA_NUM_LANDMARKS][2], m[RENA_PERCEPTION_NUM_MEASURES];
    make_face(&neutral_shape, lm);
    lm[30][1] = NAN;
    rena_error e;
    ck_assert_int_eq(rena_perception_measure(lm, NULL, m, &e), RENA_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(e.message, "30"));
    make_face(&neutral_shape, lm);
    for (int k = 36; k < 48; k++)
        lm[k][0] = lm[k][1] = 5.0f; /* both eyes on one spot */
    ck_assert_int_eq(rena_perception_measure(lm, NULL, m, &e), RENA_ERR_RANGE);
}
END_TEST

START_TEST(calibration_file_round_trip_and_errors)
{
    rena_perception_calib c, back;
    calibrate_blink(&c);
    c.jaw_slope[RENA_PM_LOWER_LIP_R] = -0.125f;
    c.yaw_curve[RENA_PM_CHIN_DROP] = 0.5f;
    c.lid_slope[RENA_PM_LID_UP_R] = 0.75f;
    char dir[256], path[512];
    rena_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/calib.json", dir);
    ck_assert_int_eq(rena_perception_calib_save(path, &c, NULL), RENA_OK);
    ck_assert_int_eq(rena_perception_calib_load(path, &back, NULL), RENA_OK);
    ck_assert_mem_eq(&c, &back, sizeof c);

    /* a file from before lid_slope existed loads with no lid compensation */
    rena_perception_calib old = c;
    memset(old.lid_slope, 0, sizeof old.lid_slope);
    ck_assert_int_eq(rena_perception_calib_save(path, &old, NULL), RENA_OK);
    unsigned char *text = NULL;
    size_t size = 0;
    ck_assert_int_eq(rena_read_file(path, &text, &size, NULL), RENA_OK);
    char *lid = strstr((char *)text, ",\n\t\"lid_slope\"");
    ck_assert_ptr_nonnull(lid);
    strcpy(lid, "\n}");
    ck_assert_int_eq(rena_atomic_write(path, text, strlen((char *)text), NULL), RENA_OK);
    free(text);
    back.lid_slope[RENA_PM_LID_UP_R] = 1.0f;
    ck_assert_int_eq(rena_perception_calib_load(path, &back, NULL), RENA_OK);
    ck_assert_mem_eq(&old, &back, sizeof old);

    const char *bad = "{\"ref\": {}, \"gain\": {}}";
    ck_assert_int_eq(rena_atomic_write(path, bad, strlen(bad), NULL), RENA_OK);
    rena_error e;
    ck_assert_int_eq(rena_perception_calib_load(path, &back, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.where, "ref.lid_up_l"));
    ck_assert_int_eq(rena_atomic_write(path, "{nope", 5, NULL), RENA_OK);
    ck_assert_int_eq(rena_perception_calib_load(path, &back, &e), RENA_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(e.where, "calib.json"));
    snprintf(path, sizeof path, "%s/missing.json", dir);
    ck_assert_int_ne(rena_perception_calib_load(path, &back, &e), RENA_OK);
    rena_remove_tree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_perception");
    TCase *tc = tcase_create("perception");
    tcase_add_test(tc, measures_match_hand_computation);
    tcase_add_test(tc, measures_ignore_position_scale_and_in_plane_rotation);
    tcase_add_test(tc, open_eye_zero_closed_eye_one_linear_between);
    tcase_add_test(tc, calibration_rejects_wrong_direction_and_unknown_coefficient);
    tcase_add_test(tc, pupil_offsets_drive_eye_look);
    tcase_add_test(tc, jaw_and_head_turn_shares_are_discounted);
    tcase_add_test(tc, lower_lid_drives_wide_and_squint_apart_from_blink);
    tcase_add_test(tc, bad_landmarks_are_refused);
    tcase_add_test(tc, calibration_file_round_trip_and_errors);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
