#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

struct rena_workspace {
    rena_arch arch;
    long n_params, cache_size; /* to refuse a workspace made for another model */
    int nonfinite;
    float *raw, *x, *cache;
};

static rena_status alloc_arrays(rena_model *m, rena_error *err)
{
    m->in_mean = calloc((size_t)m->n_in, sizeof(float));
    m->in_scale = calloc((size_t)m->n_in, sizeof(float));
    m->params = calloc((size_t)m->n_params, sizeof(float));
    m->pe = calloc((size_t)(rena_network_pe_size(&m->net) + 1), sizeof(float));
    if (!m->in_mean || !m->in_scale || !m->params || !m->pe)
        return rena_error_set(err, RENA_ERR_NOMEM, "model", "no memory for %ld parameters",
                              m->n_params);
    rena_network_pe(&m->net, m->pe);
    return RENA_OK;
}

static rena_status model_alloc(const rena_model_hparams *hp, rena_model **out, rena_error *err)
{
    *out = NULL;
    rena_status st = rena_model_hparams_check(hp, err);
    if (st != RENA_OK)
        return st;
    rena_model *m = calloc(1, sizeof *m);
    if (!m)
        return rena_error_set(err, RENA_ERR_NOMEM, "model", "no memory");
    m->hp = *hp;
    rena_network_plan(hp, &m->net);
    m->n_in = m->net.n_in;
    m->n_params = m->net.n_params;
    st = alloc_arrays(m, err);
    if (st != RENA_OK) {
        rena_model_free(m);
        return st;
    }
    *out = m;
    return RENA_OK;
}

rena_status rena_model_create(const rena_model_hparams *hp, uint64_t seed, rena_model **out,
                              rena_error *err)
{
    rena_status st = model_alloc(hp, out, err);
    if (st != RENA_OK)
        return st;
    rena_model *m = *out;
    for (int i = 0; i < m->n_in; i++)
        m->in_scale[i] = 1.0f;
    rena_network_init(&m->net, m->params, seed);
    m->info.seed = seed;
    return RENA_OK;
}

rena_status rena_model_copy(const rena_model *src, rena_model **out, rena_error *err)
{
    rena_status st = model_alloc(&src->hp, out, err);
    if (st != RENA_OK)
        return st;
    rena_model *m = *out;
    m->info = src->info;
    m->has_head_map = src->has_head_map;
    m->head_map = src->head_map;
    memcpy(m->in_mean, src->in_mean, sizeof(float) * (size_t)m->n_in);
    memcpy(m->in_scale, src->in_scale, sizeof(float) * (size_t)m->n_in);
    memcpy(m->params, src->params, sizeof(float) * (size_t)m->n_params);
    return RENA_OK;
}

void rena_model_free(rena_model *m)
{
    if (!m)
        return;
    free(m->in_mean);
    free(m->in_scale);
    free(m->params);
    free(m->pe);
    free(m);
}

/* Landmarks relative to their centroid, in units of their RMS radius. */
static void normalize_landmarks(const float *lm, float *raw)
{
    double cx = 0, cy = 0, r2 = 0;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        cx += lm[2 * k];
        cy += lm[2 * k + 1];
    }
    cx /= RENA_NUM_LANDMARKS;
    cy /= RENA_NUM_LANDMARKS;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++)
        r2 += (lm[2 * k] - cx) * (lm[2 * k] - cx) + (lm[2 * k + 1] - cy) * (lm[2 * k + 1] - cy);
    double r = sqrt(r2 / RENA_NUM_LANDMARKS);
    double inv = r > 1e-9 ? 1.0 / r : 0.0;
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        raw[2 * k] = (float)((lm[2 * k] - cx) * inv);
        raw[2 * k + 1] = (float)((lm[2 * k + 1] - cy) * inv);
    }
}

static void raw_from_parts(rena_arch arch, const float *bs, const float *lm, const float *pose,
                           float *raw)
{
    if (rena_arch_uses_landmarks(arch)) {
        normalize_landmarks(lm, raw);
        return;
    }
    memcpy(raw, bs, sizeof(float) * RENA_NUM_BLENDSHAPES);
    memcpy(raw + RENA_NUM_BLENDSHAPES, pose, 3 * sizeof(float));
}

rena_status rena_model_raw_input(rena_arch arch, const rena_features *f, float *raw,
                                 rena_error *err)
{
    unsigned need = rena_arch_uses_landmarks(arch) ? RENA_FEAT_LANDMARKS : RENA_FEAT_BLENDSHAPES;
    if ((f->valid & need) != need)
        return rena_error_set(err, RENA_ERR_ARG, "features", "%s needs %s but the frame has none",
                              rena_arch_name(arch),
                              need == RENA_FEAT_LANDMARKS ? "landmarks" : "blendshapes");
    raw_from_parts(arch, f->blendshapes, &f->landmarks[0][0], f->head_pose, raw);
    /* no head pose (e.g. a blendshape-only CSV): NaN, which normalisation
     * turns into the training mean and counts */
    if (!rena_arch_uses_landmarks(arch) && !(f->valid & RENA_FEAT_POSE))
        for (int k = 0; k < 3; k++)
            raw[RENA_NUM_BLENDSHAPES + k] = NAN;
    return RENA_OK;
}

void rena_model_raw_input_sample(rena_arch arch, const rena_samples *s, long i, float *raw)
{
    raw_from_parts(arch, s->blendshapes + i * RENA_NUM_BLENDSHAPES,
                   s->landmarks + i * RENA_NUM_LANDMARKS * 2, s->head_pose + i * 3, raw);
}

int rena_model_normalize(const rena_model *m, const float *raw, float *x)
{
    int bad = 0;
    for (int i = 0; i < m->n_in; i++) {
        if (!isfinite(raw[i])) {
            x[i] = 0.0f;
            bad++;
            continue;
        }
        float v = (raw[i] - m->in_mean[i]) / m->in_scale[i];
        /* a finite but absurd value (1e38) must not overflow the network */
        x[i] = v > 1e4f ? 1e4f : v < -1e4f ? -1e4f : v;
    }
    return bad;
}

rena_workspace *rena_workspace_create(const rena_model *m)
{
    rena_workspace *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->arch = m->hp.arch;
    ws->n_params = m->n_params;
    ws->cache_size = m->net.cache_size;
    ws->raw = calloc((size_t)m->n_in, sizeof(float));
    ws->x = calloc((size_t)m->n_in, sizeof(float));
    ws->cache = calloc((size_t)m->net.cache_size, sizeof(float));
    if (!ws->raw || !ws->x || !ws->cache) {
        rena_workspace_free(ws);
        return NULL;
    }
    return ws;
}

void rena_workspace_free(rena_workspace *ws)
{
    if (!ws)
        return;
    free(ws->raw);
    free(ws->x);
    free(ws->cache);
    free(ws);
}

int rena_workspace_nonfinite(const rena_workspace *ws) { return ws ? ws->nonfinite : 0; }

int rena_model_uses_head_map(const rena_model *m)
{
    return m->has_head_map && !rena_arch_uses_landmarks(m->hp.arch);
}

/* raw is the frame's raw input: its yaw (NaN when the frame has no head
 * pose) drives the head servo through the map. Sigmoid keeps outputs in
 * [0,1] already; sanitising is the last guard against anything a
 * corrupted-but-checksummed weight could do. */
static void finish_commands(const rena_model *m, const float *raw, float *commands)
{
    if (rena_model_uses_head_map(m))
        commands[RENA_SERVO_HEAD_YAW] =
            rena_headmap_apply(&m->head_map, raw[RENA_NUM_BLENDSHAPES]);
    rena_servo_sanitize(commands, commands);
}

rena_status rena_model_predict(const rena_model *m, rena_workspace *ws,
                               const rena_features *features, float commands[RENA_NUM_SERVOS])
{
    if (!m || !ws || !features || ws->arch != m->hp.arch || ws->n_params != m->n_params ||
        ws->cache_size != m->net.cache_size) {
        rena_servo_neutral(commands);
        return RENA_ERR_ARG;
    }
    ws->nonfinite = 0;
    if (rena_model_raw_input(m->hp.arch, features, ws->raw, NULL) != RENA_OK) {
        rena_servo_neutral(commands);
        return RENA_ERR_ARG;
    }
    ws->nonfinite = rena_model_normalize(m, ws->raw, ws->x);
    rena_network_forward(&m->net, m->params, m->pe, ws->x, commands, ws->cache);
    finish_commands(m, ws->raw, commands);
    return RENA_OK;
}

rena_status rena_model_predict_batch(const rena_model *m, rena_workspace *ws,
                                     const rena_features *features, long n, float *commands,
                                     long *nonfinite)
{
    long bad = 0;
    rena_status result = RENA_OK;
    for (long i = 0; i < n; i++) {
        rena_status st = rena_model_predict(m, ws, &features[i], commands + i * RENA_NUM_SERVOS);
        bad += rena_workspace_nonfinite(ws);
        if (st != RENA_OK)
            result = st;
    }
    if (nonfinite)
        *nonfinite = bad;
    return result;
}

static void predict_rows(const rena_model *m, rena_workspace *ws, const rena_samples *s, long lo,
                         long hi, float *commands)
{
    for (long i = lo; i < hi; i++) {
        rena_model_raw_input_sample(m->hp.arch, s, i, ws->raw);
        rena_model_normalize(m, ws->raw, ws->x);
        float *out = commands + i * RENA_NUM_SERVOS;
        rena_network_forward(&m->net, m->params, m->pe, ws->x, out, ws->cache);
        finish_commands(m, ws->raw, out);
    }
}

rena_status rena_model_predict_samples(const rena_model *m, const rena_samples *s, int threads,
                                       float *commands, rena_error *err)
{
    int nt = 1;
#ifdef _OPENMP
    nt = threads > 0 ? threads : omp_get_max_threads();
#else
    (void)threads;
#endif
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(| : failed)
#endif
    {
        int t = 0, team = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        team = omp_get_num_threads();
#endif
        rena_workspace *ws = rena_workspace_create(m);
        if (!ws)
            failed = 1;
        else
            predict_rows(m, ws, s, s->n * t / team, s->n * (t + 1) / team, commands);
        rena_workspace_free(ws);
    }
    if (failed)
        return rena_error_set(err, RENA_ERR_NOMEM, "predict", "no memory for a workspace");
    return RENA_OK;
}
