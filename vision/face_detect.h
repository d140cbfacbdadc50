/* face_detect.h: faces and their 68 iBUG landmarks in real photos, through
 * dlib's HOG frontal-face detector and its ensemble-of-regression-trees
 * shape predictor (Kazemi and Sullivan 2014). A pure C interface over the
 * one C++ file of vision/; no C++ exception ever crosses it.
 *
 * Landmarks follow the iBUG 68-point convention (docs/vision.md) in
 * continuous image pixels, x right and y down, (0,0) the top-left corner of
 * the image (so pixel (i,j)'s centre is (i+0.5, j+0.5)): the same layout and
 * frame as rena_features.landmarks from the simulated face, so both feed the
 * same perception code. Sub-pixel: dlib's rounding to whole pixels is not
 * applied.
 *
 * A detector holds the loaded model (about 100 MB, read once) and scratch
 * buffers that rena_face_detect reuses: use one detector per thread. */
#ifndef RENA_FACE_DETECT_H
#define RENA_FACE_DETECT_H

/* The core headers carry no C++ guards of their own, so they are included
 * inside this one: their functions keep C linkage when the C++ file of
 * vision/ includes them. */
#ifdef __cplusplus
extern "C" {
#endif

#include "actuator.h"   /* rena_image */
#include "blendshape.h" /* RENA_NUM_LANDMARKS, rena_features */
#include "status.h"

typedef struct rena_face_detector rena_face_detector;

/* One face found in an image. */
typedef struct {
    float x, y, width, height;                /* box: top-left corner and size, pixels */
    float score;                              /* detector confidence; > 0 for every face returned */
    float landmarks[RENA_NUM_LANDMARKS][2];   /* iBUG 68, pixels (x right, y down) */
} rena_face_landmarks;

/* Where the time of one rena_face_detect call went, in seconds. dlib reads
 * the caller's pixels in place, so there is no conversion stage. */
typedef struct {
    double detect_seconds;   /* HOG face detector over the whole image */
    double landmark_seconds; /* shape predictor, summed over the faces returned */
    int faces_found;         /* faces the detector found, before max_faces cut the list */
} rena_face_stats;

/* The model Debian's libdlib-data installs (found when rena was configured). */
const char *rena_face_default_predictor_path(void);

/* Loads a dlib 68-point shape predictor file (NULL = the default above).
 * A missing or unreadable file is RENA_ERR_NOT_FOUND naming the path; a file
 * that is not a 68-point predictor is RENA_ERR_FORMAT. Takes about a second:
 * open once, detect many times. */
rena_status rena_face_detector_open(const char *predictor_path, rena_face_detector **out,
                                    rena_error *err);
/* NULL-safe. */
void rena_face_detector_close(rena_face_detector *d);

/* Finds the upright, roughly frontal faces of at least about 80x80 pixels in
 * img (RGB), largest first (ties: higher score, then top-left first), and
 * fills up to max_faces entries of `faces` with their boxes and landmarks.
 * *nfaces is the number filled; an image without a face gives 0 and
 * RENA_OK. `stats` (may be NULL) receives the timings. Deterministic: the
 * same image gives bit-identical results. */
rena_status rena_face_detect(rena_face_detector *d, const rena_image *img,
                             rena_face_landmarks *faces, int max_faces, int *nfaces,
                             rena_face_stats *stats, rena_error *err);

/* Fits the 68 landmarks inside a box the caller already has (from an
 * earlier frame, or another detector) without running the face detector:
 * reads face->x, y, width, height (rounded to whole pixels; the box may
 * reach past the image edges), writes face->landmarks, leaves face->score.
 * `stats` (may be NULL) gets landmark_seconds only. */
rena_status rena_face_fit_landmarks(rena_face_detector *d, const rena_image *img,
                                    rena_face_landmarks *face, rena_face_stats *stats,
                                    rena_error *err);

/* Reads a PNG (core/image.h) or JPEG (dlib's libjpeg loader) photo as RGB,
 * picking the format from the file's first bytes; free with rena_image_free. */
rena_status rena_face_image_read(const char *path, rena_image *img, rena_error *err);

/* Copies one face's landmarks into a rena_features and marks them valid
 * (blendshapes and head pose are left as they were). */
void rena_face_to_features(const rena_face_landmarks *face, rena_features *features);

#ifdef __cplusplus
}
#endif

#endif
