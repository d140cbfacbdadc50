/* photo_mimic.h: `rena mimic --image`, real photos in. Each photo goes
 * dlib face detector -> 68 iBUG landmarks (vision/face_detect.h) -> the same
 * geometric blendshape estimator as the simulated face (core/perception.h)
 * -> model -> 25 commands -> robot face -> render beside the photo
 * (docs/vision.md, "Photos to the robot").
 *
 * Calibration: the gains (what 1.0 means) are the simulated face's; the
 * neutral reference measures are a neutral photo's of the same person when
 * one is given, else the robot's own neutral face, which a person's resting
 * face only approximates. */
#ifndef RENA_PHOTO_MIMIC_H
#define RENA_PHOTO_MIMIC_H

#include "actuator.h"
#include "face_detect.h"
#include "perception.h"

/* Where the time of one photo went, in milliseconds. */
typedef struct {
    double detect_ms;   /* HOG face detector over the whole photo */
    double landmark_ms; /* 68-point shape predictor on the largest face */
    double model_ms;    /* landmarks -> 52 blendshapes (+ model -> 25 commands in the run) */
} rena_photo_timing;

/* One photo read and perceived. */
typedef struct {
    rena_image photo;         /* RGB, owned: free with rena_photo_result_free */
    int found;                /* 1 when a face was found; 0 leaves face and features unset */
    rena_face_landmarks face; /* the largest face */
    rena_features features;   /* its landmarks and 52 blendshapes (no head pose) */
    rena_photo_timing timing; /* model_ms here is the blendshape estimate alone */
} rena_photo_result;

/* The calibration for real photos: gains, jaw and yaw slopes of `sim` (the
 * simulated face's, rena_sim_perception_calib); reference measures from
 * `neutral` (a person's neutral-face measures, NULL = keep sim's; non-finite
 * entries keep sim's). lid_slope is zeroed: it compensates the robot's lower
 * lid dragging its upper lid, a linkage a human eye does not have. */
void rena_photo_calib(const rena_perception_calib *sim,
                      const float neutral[RENA_PERCEPTION_NUM_MEASURES],
                      rena_perception_calib *out);

/* Reads the photo at `path` (PNG or JPEG), finds its largest face, fits the
 * 68 landmarks and estimates the blendshapes with `calib`. A photo without a
 * face is RENA_OK with out->found = 0; a missing or corrupt file is an error
 * naming it. On error out holds nothing to free. */
rena_status rena_photo_perceive_file(rena_face_detector *d, const rena_perception_calib *calib,
                                     const char *path, rena_photo_result *out, rena_error *err);
/* NULL-safe; safe twice. */
void rena_photo_result_free(rena_photo_result *r);

/* rena_photo_calib with the reference measured on the neutral photo at
 * `path`: RENA_ERR_NOT_FOUND naming the photo when it shows no face. */
rena_status rena_photo_calib_from_photo(rena_face_detector *d, const rena_perception_calib *sim,
                                        const char *path, rena_perception_calib *out,
                                        rena_error *err);

/* The photo scaled to the robot render's height with its landmarks drawn
 * as small dots, and the render to its right: width round(photo width x
 * robot height / photo height) + robot width, height the robot's. `robot`
 * NULL (a backend without a camera): the annotated photo alone, unscaled.
 * out->rgb is malloc'd (rena_image_free). */
rena_status rena_photo_side_by_side(const rena_image *photo, const rena_face_landmarks *face,
                                    const rena_image *robot, rena_image *out, rena_error *err);

/* The `rena mimic --image` run, as the CLI calls it. */
typedef struct {
    const char *model;         /* model made by `rena train` */
    const char *image;         /* a photo, or a folder of .png/.jpg/.jpeg photos */
    const char *neutral_image; /* the same person's neutral photo, or NULL */
    const char *out;           /* output folder, or NULL (commands CSV to stdout) */
    const char *backend;       /* backend spec (apps/backend.h); NULL = "sim" */
} rena_photo_mimic_options;

/* Runs it, printing per-photo latency and errors as `rena <cmd>: ...`;
 * returns the process exit code (non-zero when a photo is missing or
 * corrupt, when a single photo has no face, or when no photo of a folder
 * has one). */
int rena_photo_mimic_cli(const char *cmd, const rena_photo_mimic_options *opt);

#endif
