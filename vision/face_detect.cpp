// face_detect.cpp: the one C++ file of rena. It adapts dlib's HOG face
// detector and its regression-tree shape predictor to the C API of
// face_detect.h; every exception is caught here and becomes a rena_status.
//
// The predictor file is read into our own copy of dlib's model fields
// (same format as dlib::shape_predictor's deserialize) rather than into a
// dlib::shape_predictor, for two reasons: dlib's operator() rounds the
// landmarks to whole pixels, which costs eye- and lip-opening features up to
// half a pixel on a lid gap of a few pixels; and dlib trusts the file (its
// asserts are compiled out in Debian's build), while we check every index so
// a corrupt file is an error instead of a crash. The cascade itself is run
// by dlib's own impl:: pieces, so the result is dlib's shape before rounding.
#include "face_detect.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_io.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include "image.h"
}

#ifndef RENA_DLIB_PREDICTOR_DEFAULT
#define RENA_DLIB_PREDICTOR_DEFAULT "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
#endif

namespace {

// A read-only view of a rena_image that dlib's generic image interface
// accepts, so detection reads the caller's pixels without a copy.
struct rgb_view {
    const rena_image *img;
};

// dlib's generic image interface for rgb_view, found by argument-dependent lookup.
long num_rows(const rgb_view &v) { return v.img->height; }
long num_columns(const rgb_view &v) { return v.img->width; }
long width_step(const rgb_view &v) { return 3L * v.img->width; }
const void *image_data(const rgb_view &v) { return v.img->rgb; }

// The fields of a dlib::shape_predictor, in its serialization order.
struct predictor_model {
    dlib::matrix<float, 0, 1> initial_shape;
    std::vector<std::vector<dlib::impl::regression_tree>> forests;
    std::vector<std::vector<unsigned long>> anchor_idx;
    std::vector<std::vector<dlib::vector<float, 2>>> deltas;
};

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

namespace dlib {
template <>
struct image_traits<rgb_view> {
    typedef rgb_pixel pixel_type;
};
}  // namespace dlib


struct rena_face_detector {
    dlib::frontal_face_detector detector;
    predictor_model model;
    std::vector<dlib::rect_detection> detections; // reused by every call
    std::vector<float> feature_values;             // reused by every call
};

namespace {

// Shape values are in face-box units (the box spans 0..1); dlib's model
// stays within about -1..2. Bounding them keeps every landmark and sampled
// pixel position finite and far inside the range of a long.
const float shape_limit = 100.0f;

bool in_shape_range(float v) { return std::fabs(v) <= shape_limit; } // false for NaN

bool all_in_shape_range(const dlib::matrix<float, 0, 1> &v)
{
    for (long i = 0; i < v.size(); i++)
        if (!in_shape_range(v(i)))
            return false;
    return true;
}

// Why a predictor file is unusable, or "" when every index in it is in range
// and every number finite and bounded (so no NaN can reach a landmark).
std::string predictor_problem(const predictor_model &m)
{
    const long nvalues = m.initial_shape.size();
    if (nvalues != 2 * RENA_NUM_LANDMARKS)
        return "holds " + std::to_string(nvalues / 2) + " landmarks, rena needs the 68-point model";
    if (!all_in_shape_range(m.initial_shape))
        return "mean shape holds a NaN or a value beyond +-100";
    if (m.forests.empty() || m.forests.size() != m.anchor_idx.size() ||
        m.forests.size() != m.deltas.size())
        return "cascade tables of different lengths";
    for (size_t c = 0; c < m.forests.size(); c++) {
        const size_t nfeatures = m.deltas[c].size();
        if (m.anchor_idx[c].size() != nfeatures)
            return "cascade " + std::to_string(c) + ": anchors and deltas differ in length";
        for (unsigned long a : m.anchor_idx[c])
            if (a >= (unsigned long)RENA_NUM_LANDMARKS)
                return "cascade " + std::to_string(c) + ": anchor index out of range";
        for (const auto &delta : m.deltas[c])
            if (!in_shape_range(delta.x()) || !in_shape_range(delta.y()))
                return "cascade " + std::to_string(c) + ": pixel offset is NaN or beyond +-100";
        for (const auto &tree : m.forests[c]) {
            const size_t nleaves = tree.leaf_values.size();
            // dlib's tree walk assumes a full binary tree: 2^k leaves, 2^k - 1 splits.
            if (nleaves == 0 || (nleaves & (nleaves - 1)) != 0 || tree.splits.size() + 1 != nleaves)
                return "cascade " + std::to_string(c) + ": a tree is not a full binary tree";
            for (const auto &s : tree.splits)
                if (s.idx1 >= nfeatures || s.idx2 >= nfeatures || !std::isfinite(s.thresh))
                    return "cascade " + std::to_string(c) + ": split feature index out of range"
                           " or threshold not finite";
            for (const auto &leaf : tree.leaf_values)
                if (leaf.size() != nvalues || !all_in_shape_range(leaf))
                    return "cascade " + std::to_string(c) +
                           ": leaf of the wrong size, or NaN or beyond +-100";
        }
    }
    return "";
}

rena_status load_predictor(const char *path, predictor_model &m, rena_error *err)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, path,
                              "cannot open the dlib shape predictor file: %s (install "
                              "libdlib-data or pass another path)",
                              std::strerror(errno));
    try {
        int version = 0;
        dlib::deserialize(version, in);
        if (version != 1)
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "not a dlib shape predictor (format version %d, expected 1)",
                                  version);
        dlib::deserialize(m.initial_shape, in);
        dlib::deserialize(m.forests, in);
        dlib::deserialize(m.anchor_idx, in);
        dlib::deserialize(m.deltas, in);
    } catch (const dlib::serialization_error &e) {
        return rena_error_set(err, RENA_ERR_FORMAT, path, "not a dlib shape predictor: %s",
                              e.what());
    } catch (const std::length_error &) {
        return rena_error_set(err, RENA_ERR_FORMAT, path,
                              "not a dlib shape predictor: impossible table size");
    }
    std::string problem = predictor_problem(m);
    if (!problem.empty())
        return rena_error_set(err, RENA_ERR_FORMAT, path, "bad shape predictor: %s",
                              problem.c_str());
    return RENA_OK;
}

// dlib::shape_predictor::operator() without its final rounding to integers.
// dlib puts pixel centres on whole numbers; rena (like sim/'s projection)
// puts the image's top-left corner at (0,0), so centres sit at +0.5.
void predict_landmarks(const predictor_model &m, const rgb_view &img, const dlib::rectangle &rect,
                       std::vector<float> &features, float out[RENA_NUM_LANDMARKS][2])
{
    dlib::matrix<float, 0, 1> shape = m.initial_shape;
    for (size_t c = 0; c < m.forests.size(); c++) {
        dlib::impl::extract_feature_pixel_values(img, rect, shape, m.initial_shape,
                                                 m.anchor_idx[c], m.deltas[c], features);
        unsigned long leaf;
        for (const auto &tree : m.forests[c])
            shape += tree(features, leaf);
    }
    const dlib::point_transform_affine to_image = dlib::impl::unnormalizing_tform(rect);
    for (int i = 0; i < RENA_NUM_LANDMARKS; i++) {
        const dlib::dpoint p = to_image(dlib::impl::location(shape, i));
        out[i][0] = (float)(p.x() + 0.5);
        out[i][1] = (float)(p.y() + 0.5);
    }
}

// Largest box first; equal boxes by score, then top-left first, so the
// order never depends on the detector's internal scan order.
bool larger_face_first(const dlib::rect_detection &a, const dlib::rect_detection &b)
{
    if (a.rect.area() != b.rect.area())
        return a.rect.area() > b.rect.area();
    if (a.detection_confidence != b.detection_confidence)
        return a.detection_confidence > b.detection_confidence;
    if (a.rect.top() != b.rect.top())
        return a.rect.top() < b.rect.top();
    return a.rect.left() < b.rect.left();
}

// Runs fn, turning any exception into a rena_status naming `where`.
template <typename Fn>
rena_status guarded(rena_error *err, const char *where, Fn fn)
{
    try {
        return fn();
    } catch (const std::bad_alloc &) {
        return rena_error_set(err, RENA_ERR_NOMEM, where, "out of memory");
    } catch (const std::exception &e) {
        return rena_error_set(err, RENA_ERR_BACKEND, where, "dlib: %s", e.what());
    } catch (...) {
        return rena_error_set(err, RENA_ERR_BACKEND, where, "dlib: unknown exception");
    }
}

rena_status check_image(const rena_image *img, const char *where, rena_error *err)
{
    if (!img || !img->rgb)
        return rena_error_set(err, RENA_ERR_ARG, where, "image is NULL or has no pixels");
    if (img->width <= 0 || img->height <= 0)
        return rena_error_set(err, RENA_ERR_ARG, where, "image size %dx%d", img->width,
                              img->height);
    return RENA_OK;
}

// A caller's box as dlib's inclusive integer rectangle. Boxes far larger
// than the image, or off it, are refused: they are a caller's bug.
rena_status box_to_rect(const rena_face_landmarks *f, const rena_image *img,
                        dlib::rectangle &rect, rena_error *err)
{
    const char *where = "rena_face_fit_landmarks: face box";
    const float limit = 4.0f * (float)std::max(img->width, img->height);
    if (!std::isfinite(f->x) || !std::isfinite(f->y) || !std::isfinite(f->width) ||
        !std::isfinite(f->height))
        return rena_error_set(err, RENA_ERR_RANGE, where, "box holds a NaN or infinity");
    if (f->width > limit || f->height > limit || std::fabs(f->x) > limit ||
        std::fabs(f->y) > limit)
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "box at (%g, %g) size %gx%g is far outside the %dx%d image", f->x,
                              f->y, f->width, f->height, img->width, img->height);
    const long w = std::lround(f->width), h = std::lround(f->height);
    const long x = std::lround(f->x), y = std::lround(f->y);
    if (w < 2 || h < 2)
        return rena_error_set(err, RENA_ERR_RANGE, where, "box size %gx%g is under 2x2 pixels",
                              f->width, f->height);
    if (x + w <= 0 || y + h <= 0 || x >= img->width || y >= img->height)
        return rena_error_set(err, RENA_ERR_RANGE, where,
                              "box at (%g, %g) size %gx%g misses the %dx%d image", f->x, f->y,
                              f->width, f->height, img->width, img->height);
    rect = dlib::rectangle(x, y, x + w - 1, y + h - 1);
    return RENA_OK;
}

rena_status read_jpeg(const char *path, rena_image *img, rena_error *err)
{
    dlib::array2d<dlib::rgb_pixel> pixels;
    try {
        dlib::load_jpeg(pixels, path);
    } catch (const dlib::image_load_error &e) {
        return rena_error_set(err, RENA_ERR_FORMAT, path, "bad JPEG: %s", e.what());
    }
    if (pixels.nr() <= 0 || pixels.nc() <= 0 || pixels.nr() > 65535 || pixels.nc() > 65535)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "JPEG size %ldx%ld out of range",
                              pixels.nc(), pixels.nr());
    const size_t row_bytes = 3 * (size_t)pixels.nc();
    unsigned char *rgb = (unsigned char *)std::malloc(row_bytes * (size_t)pixels.nr());
    if (!rgb)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory for the JPEG pixels");
    for (long r = 0; r < pixels.nr(); r++) {
        unsigned char *dst = rgb + (size_t)r * row_bytes;
        for (long c = 0; c < pixels.nc(); c++, dst += 3) {
            dst[0] = pixels[r][c].red;
            dst[1] = pixels[r][c].green;
            dst[2] = pixels[r][c].blue;
        }
    }
    img->width = (int)pixels.nc();
    img->height = (int)pixels.nr();
    img->rgb = rgb;
    return RENA_OK;
}

}  // namespace

extern "C" {

const char *rena_face_default_predictor_path(void)
{
    return RENA_DLIB_PREDICTOR_DEFAULT;
}

rena_status rena_face_detector_open(const char *predictor_path, rena_face_detector **out,
                                    rena_error *err)
{
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "rena_face_detector_open", "out is NULL");
    *out = nullptr;
    const char *path = predictor_path ? predictor_path : rena_face_default_predictor_path();
    return guarded(err, path, [&]() {
        rena_face_detector *d = new rena_face_detector();
        rena_status st = load_predictor(path, d->model, err);
        if (st != RENA_OK) {
            delete d;
            return st;
        }
        d->detector = dlib::get_frontal_face_detector();
        *out = d;
        return RENA_OK;
    });
}

void rena_face_detector_close(rena_face_detector *d)
{
    delete d;
}

rena_status rena_face_detect(rena_face_detector *d, const rena_image *img,
                             rena_face_landmarks *faces, int max_faces, int *nfaces,
                             rena_face_stats *stats, rena_error *err)
{
    const char *where = "rena_face_detect";
    if (nfaces)
        *nfaces = 0;
    if (stats)
        *stats = rena_face_stats{};
    if (!d || !nfaces)
        return rena_error_set(err, RENA_ERR_ARG, where, "detector or nfaces is NULL");
    if (max_faces < 0 || (max_faces > 0 && !faces))
        return rena_error_set(err, RENA_ERR_ARG, where, "max_faces %d with faces %s", max_faces,
                              faces ? "set" : "NULL");
    rena_status st = check_image(img, where, err);
    if (st != RENA_OK)
        return st;
    return guarded(err, where, [&]() {
        const rgb_view view{img};
        auto t0 = std::chrono::steady_clock::now();
        d->detections.clear();
        d->detector(view, d->detections);
        std::sort(d->detections.begin(), d->detections.end(), larger_face_first);
        const double detect_seconds = seconds_since(t0);

        t0 = std::chrono::steady_clock::now();
        const int n = std::min(max_faces, (int)d->detections.size());
        for (int i = 0; i < n; i++) {
            const dlib::rect_detection &det = d->detections[i];
            rena_face_landmarks *f = &faces[i];
            f->x = (float)det.rect.left();
            f->y = (float)det.rect.top();
            f->width = (float)det.rect.width();
            f->height = (float)det.rect.height();
            f->score = (float)det.detection_confidence;
            predict_landmarks(d->model, view, det.rect, d->feature_values, f->landmarks);
        }
        *nfaces = n;
        if (stats) {
            stats->detect_seconds = detect_seconds;
            stats->landmark_seconds = seconds_since(t0);
            stats->faces_found = (int)d->detections.size();
        }
        return RENA_OK;
    });
}

rena_status rena_face_fit_landmarks(rena_face_detector *d, const rena_image *img,
                                    rena_face_landmarks *face, rena_face_stats *stats,
                                    rena_error *err)
{
    const char *where = "rena_face_fit_landmarks";
    if (stats)
        *stats = rena_face_stats{};
    if (!d || !face)
        return rena_error_set(err, RENA_ERR_ARG, where, "detector or face is NULL");
    rena_status st = check_image(img, where, err);
    if (st != RENA_OK)
        return st;
    dlib::rectangle rect;
    st = box_to_rect(face, img, rect, err);
    if (st != RENA_OK)
        return st;
    return guarded(err, where, [&]() {
        const auto t0 = std::chrono::steady_clock::now();
        predict_landmarks(d->model, rgb_view{img}, rect, d->feature_values, face->landmarks);
        if (stats)
            stats->landmark_seconds = seconds_since(t0);
        return RENA_OK;
    });
}

rena_status rena_face_image_read(const char *path, rena_image *img, rena_error *err)
{
    if (!path || !img)
        return rena_error_set(err, RENA_ERR_ARG, "rena_face_image_read", "path or img is NULL");
    *img = rena_image{};
    unsigned char magic[4] = {0};
    FILE *f = std::fopen(path, "rb");
    if (!f)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, path, "cannot open: %s",
                              std::strerror(errno));
    const size_t got = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
    static const unsigned char png_magic[4] = {0x89, 'P', 'N', 'G'};
    if (got == sizeof magic && std::memcmp(magic, png_magic, sizeof magic) == 0)
        return rena_png_read(path, img, err);
    if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF)
        return guarded(err, path, [&]() { return read_jpeg(path, img, err); });
    return rena_error_set(err, RENA_ERR_FORMAT, path, "neither a PNG nor a JPEG file");
}

void rena_face_to_features(const rena_face_landmarks *face, rena_features *features)
{
    std::memcpy(features->landmarks, face->landmarks, sizeof features->landmarks);
    features->valid |= RENA_FEAT_LANDMARKS;
}

}  // extern "C"
