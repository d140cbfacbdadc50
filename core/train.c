#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "adam.h"
#include "loss.h"
#include "rng.h"

/* Inputs of one split, normalised once, and its targets. */
typedef struct {
    long n;
    float *x;        /* n x n_in */
    const float *y;  /* n x 25 */
} prepared;

/* Per-thread buffers. */
typedef struct {
    float *grad, *cache, *scratch;
    double loss_sum;
    double mse_sum, con_sum;
} worker;

typedef struct {
    const rena_network *net;
    rena_model *model;
    rena_loss loss;
    int nt;
    worker *w;
    float *grad; /* reduced gradient */
} trainer;

void rena_train_options_default(rena_train_options *o)
{
    o->lambda = 0.01f;
    o->max_epochs = 300;
    o->batch = 256;
    o->lr = 2e-2f;
    o->lr_final_ratio = 0.03f;
    o->seed = 1;
    o->threads = 0;
    o->val_fraction = 0.1f;
    o->patience = 40;
    o->head_map = 1;
    memset(&o->parallel, 0, sizeof o->parallel);
}

rena_status rena_train_options_check(const rena_train_options *o, rena_error *err)
{
    if (!(o->lambda >= 0.0f) || !isfinite(o->lambda))
        return rena_error_set(err, RENA_ERR_ARG, "lambda", "must be finite and >= 0, got %g",
                              (double)o->lambda);
    if (o->max_epochs < 1)
        return rena_error_set(err, RENA_ERR_ARG, "epochs", "must be >= 1, got %d", o->max_epochs);
    if (o->batch < 1)
        return rena_error_set(err, RENA_ERR_ARG, "batch", "must be >= 1, got %d", o->batch);
    if (!(o->lr > 0.0f) || !isfinite(o->lr))
        return rena_error_set(err, RENA_ERR_ARG, "lr", "must be finite and > 0, got %g",
                              (double)o->lr);
    if (!(o->lr_final_ratio > 0.0f && o->lr_final_ratio <= 1.0f))
        return rena_error_set(err, RENA_ERR_ARG, "lr_final_ratio", "must be in (0,1]");
    if (o->threads < 0)
        return rena_error_set(err, RENA_ERR_ARG, "threads", "must be >= 0, got %d", o->threads);
    if (!(o->val_fraction > 0.0f && o->val_fraction < 1.0f))
        return rena_error_set(err, RENA_ERR_ARG, "val_fraction", "must be in (0,1), got %g",
                              (double)o->val_fraction);
    if (o->patience < 1)
        return rena_error_set(err, RENA_ERR_ARG, "patience", "must be >= 1, got %d", o->patience);
    if (o->head_map != 0 && o->head_map != 1)
        return rena_error_set(err, RENA_ERR_ARG, "head_map", "must be 0 or 1, got %d",
                              o->head_map);
    if (o->parallel.parts > 1 && (!o->parallel.reduce || o->parallel.part < 0 ||
                                  o->parallel.part >= o->parallel.parts))
        return rena_error_set(err, RENA_ERR_ARG, "parallel",
                              "part %d of %d needs a reduce callback and 0 <= part < parts",
                              o->parallel.part, o->parallel.parts);
    return RENA_OK;
}

void rena_train_history_free(rena_train_history *h)
{
    if (h) {
        free(h->epochs);
        memset(h, 0, sizeof *h);
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static rena_status check_split(const rena_samples *s, const char *name, rena_arch arch,
                               rena_error *err)
{
    if (!s || s->n < 1)
        return rena_error_set(err, RENA_ERR_SHAPE, name, "the split has no samples");
    int n_in = rena_model_input_count(arch);
    float *raw = malloc(sizeof(float) * (size_t)n_in);
    if (!raw)
        return rena_error_set(err, RENA_ERR_NOMEM, name, "no memory");
    rena_status st = RENA_OK;
    for (long i = 0; i < s->n && st == RENA_OK; i++) {
        rena_model_raw_input_sample(arch, s, i, raw);
        for (int k = 0; k < n_in && st == RENA_OK; k++)
            if (!isfinite(raw[k]))
                st = rena_error_set(err, RENA_ERR_RANGE, name, "row %ld: input %d is not finite",
                                    i, k);
        for (int k = 0; k < RENA_NUM_SERVOS && st == RENA_OK; k++) {
            float c = s->commands[i * RENA_NUM_SERVOS + k];
            if (!(c >= 0.0f && c <= 1.0f))
                st = rena_error_set(err, RENA_ERR_RANGE, name,
                                    "row %ld: command %s = %g is outside [0,1]", i,
                                    rena_servos[k].name, (double)c);
        }
    }
    free(raw);
    return st;
}

/* Per-input mean and standard deviation over the fitted rows; a constant
 * input keeps scale 1 so it normalises to 0 instead of dividing by 0. */
static void fit_normalisation(rena_model *m, const rena_samples *s, const long *rows, long n,
                              float *raw)
{
    double *sum = calloc((size_t)m->n_in, sizeof(double));
    double *sum2 = calloc((size_t)m->n_in, sizeof(double));
    for (long r = 0; sum && sum2 && r < n; r++) {
        rena_model_raw_input_sample(m->hp.arch, s, rows[r], raw);
        for (int k = 0; k < m->n_in; k++) {
            sum[k] += raw[k];
            sum2[k] += (double)raw[k] * raw[k];
        }
    }
    for (int k = 0; k < m->n_in; k++) {
        double mean = sum && sum2 ? sum[k] / n : 0.0;
        double var = sum && sum2 ? sum2[k] / n - mean * mean : 1.0;
        double sd = var > 0 ? sqrt(var) : 0.0;
        m->in_mean[k] = (float)mean;
        m->in_scale[k] = sd > 1e-6 ? (float)sd : 1.0f;
    }
    free(sum);
    free(sum2);
}

static rena_status prepare(const rena_model *m, const rena_samples *s, prepared *p, rena_error *err)
{
    p->n = s->n;
    p->y = s->commands;
    p->x = malloc(sizeof(float) * (size_t)(s->n * m->n_in));
    float *raw = malloc(sizeof(float) * (size_t)m->n_in);
    if (!p->x || !raw) {
        free(raw);
        return rena_error_set(err, RENA_ERR_NOMEM, "train", "no memory for %ld samples", s->n);
    }
    for (long i = 0; i < s->n; i++) {
        rena_model_raw_input_sample(m->hp.arch, s, i, raw);
        rena_model_normalize(m, raw, p->x + i * m->n_in);
    }
    free(raw);
    return RENA_OK;
}

static rena_status trainer_create(trainer *t, rena_model *m, float lambda, int threads,
                                  rena_error *err)
{
    memset(t, 0, sizeof *t);
    t->net = &m->net;
    t->model = m;
    rena_loss_init(&t->loss, lambda);
    t->nt = 1;
#ifdef _OPENMP
    t->nt = threads > 0 ? threads : omp_get_max_threads();
#else
    (void)threads;
#endif
    t->w = calloc((size_t)t->nt, sizeof(worker));
    t->grad = calloc((size_t)m->n_params, sizeof(float));
    int ok = t->w && t->grad;
    for (int k = 0; ok && k < t->nt; k++) {
        t->w[k].grad = calloc((size_t)m->n_params, sizeof(float));
        t->w[k].cache = calloc((size_t)m->net.cache_size, sizeof(float));
        t->w[k].scratch = calloc((size_t)m->net.scratch_size, sizeof(float));
        ok = t->w[k].grad && t->w[k].cache && t->w[k].scratch;
    }
    return ok ? RENA_OK : rena_error_set(err, RENA_ERR_NOMEM, "train", "no memory for buffers");
}

static void trainer_free(trainer *t)
{
    for (int k = 0; t->w && k < t->nt; k++) {
        free(t->w[k].grad);
        free(t->w[k].cache);
        free(t->w[k].scratch);
    }
    free(t->w);
    free(t->grad);
}

/* One thread's share of a pass over rows[lo,hi): forward, loss and (when
 * learning) backward into its own gradient buffer. */
static void run_rows(trainer *t, worker *w, const prepared *d, const long *rows, long lo, long hi,
                     float weight, int learn)
{
    const rena_model *m = t->model;
    float y[RENA_NUM_SERVOS], dy[RENA_NUM_SERVOS];
    for (long r = lo; r < hi; r++) {
        long i = rows ? rows[r] : r;
        const float *x = d->x + i * m->n_in;
        rena_network_forward(t->net, m->params, m->pe, x, y, w->cache);
        rena_loss_terms lt = rena_loss_sample(&t->loss, y, d->y + i * RENA_NUM_SERVOS, weight,
                                              learn ? dy : NULL);
        w->mse_sum += lt.mse;
        w->con_sum += lt.con;
        w->loss_sum += rena_loss_total(&t->loss, lt);
        if (learn)
            rena_network_backward(t->net, m->params, x, w->cache, dy, w->grad, w->scratch);
    }
}

/* Runs rows[0,n) over the threads, each a contiguous chunk, and sums the
 * workers' results in thread order, divided by n_norm (n, or the global
 * batch when these rows are one process's share of it). */
static void run_parallel(trainer *t, const prepared *d, const long *rows, long n, long n_norm,
                         int learn, double *loss, double *mse, double *con)
{
    long n_params = t->model->n_params;
    for (int k = 0; k < t->nt; k++) {
        t->w[k].loss_sum = t->w[k].mse_sum = t->w[k].con_sum = 0.0;
        if (learn)
            memset(t->w[k].grad, 0, sizeof(float) * (size_t)n_params);
    }
    float weight = 1.0f / (float)n_norm;
#ifdef _OPENMP
#pragma omp parallel num_threads(t->nt)
#endif
    {
        /* chunk k always goes to worker k, even if the runtime grants fewer
         * threads than asked, so the sums do not depend on scheduling */
        int first = 0, step = 1;
#ifdef _OPENMP
        first = omp_get_thread_num();
        step = omp_get_num_threads();
#endif
        for (int k = first; k < t->nt; k += step)
            run_rows(t, &t->w[k], d, rows, n * k / t->nt, n * (k + 1) / t->nt, weight, learn);
    }
    double ls = 0, ms = 0, cs = 0;
    if (learn)
        memcpy(t->grad, t->w[0].grad, sizeof(float) * (size_t)n_params);
    for (int k = 0; k < t->nt; k++) {
        ls += t->w[k].loss_sum;
        ms += t->w[k].mse_sum;
        cs += t->w[k].con_sum;
        for (long i = 0; learn && k > 0 && i < n_params; i++)
            t->grad[i] += t->w[k].grad[i];
    }
    *loss = ls / n_norm;
    if (mse)
        *mse = ms / n_norm;
    if (con)
        *con = cs / n_norm;
}

static void shuffle(long *a, long n, rena_rng *rng)
{
    for (long i = n - 1; i > 0; i--) {
        long j = (long)rena_rng_below(rng, (uint32_t)(i + 1));
        long tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }
}

static double cosine_lr(const rena_train_options *o, int epoch)
{
    double progress = o->max_epochs > 1 ? (double)epoch / (o->max_epochs - 1) : 1.0;
    double f = o->lr_final_ratio;
    return o->lr * (f + (1.0 - f) * 0.5 * (1.0 + cos(M_PI * progress)));
}

typedef struct {
    long *fit, *val;
    long n_fit, n_val;
} split_rows;

static rena_status carve_validation(long n, const rena_train_options *o, split_rows *s,
                                    rena_error *err)
{
    long *perm = malloc(sizeof(long) * (size_t)n);
    if (!perm)
        return rena_error_set(err, RENA_ERR_NOMEM, "train", "no memory");
    for (long i = 0; i < n; i++)
        perm[i] = i;
    rena_rng rng;
    rena_rng_init(&rng, o->seed, 0x76616c); /* "val" */
    shuffle(perm, n, &rng);
    s->n_val = (long)lround((double)n * o->val_fraction);
    s->n_val = s->n_val < 1 ? 1 : s->n_val;
    s->n_fit = n - s->n_val;
    s->val = perm;
    s->fit = perm + s->n_val;
    if (s->n_fit < 1) {
        free(perm);
        return rena_error_set(err, RENA_ERR_SHAPE, "train",
                              "%ld training samples leave none to fit after holding out "
                              "validation", n);
    }
    return RENA_OK;
}

typedef struct {
    const rena_train_options *opt;
    trainer *t;
    rena_adam *adam;
    prepared fit_data, test_data;
    split_rows rows;
    const rena_progress *progress;
    float *best; /* parameters of the best validation epoch */
    double best_val, best_val_mse;
    int best_epoch;
} session;

/* This process's share of a batch of nb rows at b0, summed over all
 * processes by the reduce hook (train_parallel.h). */
static rena_status batch_gradient(session *s, int epoch, long batch, long b0, long nb,
                                  double *loss, rena_error *err)
{
    const rena_train_parallel *par = &s->opt->parallel;
    int parts = par->parts > 1 ? par->parts : 1, part = parts > 1 ? par->part : 0;
    long lo = nb * part / parts, hi = nb * (part + 1) / parts;
    run_parallel(s->t, &s->fit_data, s->rows.fit + b0 + lo, hi - lo, nb, 1, loss, NULL, NULL);
    if (parts == 1)
        return RENA_OK;
    rena_train_step step = {epoch, batch, s->t->model->params, s->t->grad,
                            s->t->model->n_params, *loss};
    rena_status st = par->reduce(par->user, &step, err);
    *loss = step.loss;
    return st;
}

/* One epoch of mini-batches. Returns RENA_ERR_INTERRUPTED when cancelled. */
static rena_status train_epoch(session *s, int epoch, double lr, double *train_loss,
                               rena_error *err)
{
    rena_rng rng;
    rena_rng_init(&rng, s->opt->seed, 0x65706f6368ULL + (uint64_t)epoch);
    shuffle(s->rows.fit, s->rows.n_fit, &rng);
    double sum = 0.0;
    for (long b0 = 0; b0 < s->rows.n_fit; b0 += s->opt->batch) {
        if (rena_progress_cancelled(s->progress))
            return RENA_ERR_INTERRUPTED;
        long nb = s->rows.n_fit - b0 < s->opt->batch ? s->rows.n_fit - b0 : s->opt->batch;
        double loss;
        rena_status st = batch_gradient(s, epoch, b0 / s->opt->batch, b0, nb, &loss, err);
        if (st != RENA_OK)
            return st;
        rena_adam_step(s->adam, s->t->model->params, s->t->grad, (float)lr);
        sum += loss * nb;
    }
    *train_loss = sum / s->rows.n_fit;
    return RENA_OK;
}

static void report_epoch(const session *s, const rena_train_epoch *e)
{
    char detail[160];
    snprintf(detail, sizeof detail, "train %.5f  val %.5f  best %.5f @%d", e->train_loss,
             e->val_loss, s->best_val, s->best_epoch);
    rena_progress_report(s->progress, "epoch", e->epoch, s->opt->max_epochs, detail);
}

static rena_status run_epochs(session *s, rena_train_history *h, rena_error *err)
{
    rena_model *m = s->t->model;
    int since_best = 0;
    s->best_val = INFINITY;
    for (int e = 0; e < s->opt->max_epochs && since_best < s->opt->patience; e++) {
        double t0 = now_seconds();
        rena_train_epoch *rec = &h->epochs[h->n_epochs];
        rec->epoch = e + 1;
        rec->lr = cosine_lr(s->opt, e);
        rena_status st = train_epoch(s, e, rec->lr, &rec->train_loss, err);
        if (st != RENA_OK)
            return st;
        run_parallel(s->t, &s->fit_data, s->rows.val, s->rows.n_val, s->rows.n_val, 0,
                     &rec->val_loss, &rec->val_mse, NULL);
        rec->test_loss = rec->test_mse = NAN;
        if (s->test_data.n > 0)
            run_parallel(s->t, &s->test_data, NULL, s->test_data.n, s->test_data.n, 0,
                         &rec->test_loss, &rec->test_mse, NULL);
        if (!isfinite(rec->train_loss) || !isfinite(rec->val_loss))
            return RENA_ERR_RANGE;
        if (rec->val_loss < s->best_val) {
            s->best_val = rec->val_loss;
            s->best_val_mse = rec->val_mse;
            s->best_epoch = e + 1;
            memcpy(s->best, m->params, sizeof(float) * (size_t)m->n_params);
            since_best = 0;
        } else {
            since_best++;
        }
        rec->seconds = now_seconds() - t0;
        h->n_epochs++;
        report_epoch(s, rec);
    }
    return RENA_OK;
}

static void session_free(session *s)
{
    free(s->fit_data.x);
    free(s->test_data.x);
    free(s->rows.val);
    free(s->best);
}

/* The head map over the fitted rows, the rows the normalisation sees too;
 * the validation rows stay out of every fit. */
static rena_status fit_head_map(session *s, rena_model *m, const rena_samples *train,
                                rena_error *err)
{
    if (!s->opt->head_map || rena_arch_uses_landmarks(m->hp.arch))
        return RENA_OK;
    rena_status st = rena_headmap_fit(train->head_pose, 3, train->commands + RENA_SERVO_HEAD_YAW,
                                      RENA_NUM_SERVOS, s->rows.fit, s->rows.n_fit,
                                      &m->head_map, err);
    m->has_head_map = st == RENA_OK;
    return st;
}

/* Everything before the first epoch: checks, split, normalisation, head
 * map, buffers. */
static rena_status session_start(session *s, rena_model *m, const rena_samples *train,
                                 const rena_samples *test, rena_error *err)
{
    rena_status st = carve_validation(train->n, s->opt, &s->rows, err);
    if (st != RENA_OK)
        return st;
    float *raw = malloc(sizeof(float) * (size_t)m->n_in);
    s->best = malloc(sizeof(float) * (size_t)m->n_params);
    if (!raw || !s->best) {
        free(raw);
        return rena_error_set(err, RENA_ERR_NOMEM, "train", "no memory");
    }
    fit_normalisation(m, train, s->rows.fit, s->rows.n_fit, raw);
    free(raw);
    st = fit_head_map(s, m, train, err);
    if (st == RENA_OK)
        st = prepare(m, train, &s->fit_data, err);
    if (st == RENA_OK && test)
        st = prepare(m, test, &s->test_data, err);
    return st;
}

rena_status rena_train(const rena_model_hparams *hp, const rena_train_options *opt,
                       const rena_samples *train, const rena_samples *test, rena_model **out,
                       rena_train_history *hist, const rena_progress *progress, rena_error *err)
{
    *out = NULL;
    if (hist)
        memset(hist, 0, sizeof *hist);
    rena_status st = rena_train_options_check(opt, err);
    if (st == RENA_OK)
        st = rena_model_hparams_check(hp, err);
    if (st == RENA_OK)
        st = check_split(train, "train", hp->arch, err);
    if (st == RENA_OK && test)
        st = check_split(test, "test", hp->arch, err);
    if (st == RENA_OK && train->n < 2)
        st = rena_error_set(err, RENA_ERR_SHAPE, "train",
                            "need at least 2 training samples (one is held out), got %ld",
                            train->n);
    if (st != RENA_OK)
        return st;

    double t0 = now_seconds();
    rena_model *m = NULL;
    session s;
    memset(&s, 0, sizeof s);
    s.opt = opt;
    s.progress = progress;
    trainer t;
    memset(&t, 0, sizeof t);
    rena_adam adam;
    memset(&adam, 0, sizeof adam);
    rena_train_history h;
    memset(&h, 0, sizeof h);
    st = rena_model_create(hp, opt->seed, &m, err);
    if (st == RENA_OK)
        st = session_start(&s, m, train, test, err);
    if (st == RENA_OK)
        st = trainer_create(&t, m, opt->lambda, opt->threads, err);
    if (st == RENA_OK)
        st = rena_adam_create(&adam, m->n_params, err);
    if (st == RENA_OK) {
        h.epochs = calloc((size_t)opt->max_epochs, sizeof(rena_train_epoch));
        if (!h.epochs)
            st = rena_error_set(err, RENA_ERR_NOMEM, "train", "no memory");
    }
    if (st == RENA_OK) {
        s.t = &t;
        s.adam = &adam;
        rena_error_clear(err);
        st = run_epochs(&s, &h, err);
        if (st == RENA_ERR_INTERRUPTED)
            rena_error_set(err, st, "train", "interrupted after %d epochs", h.n_epochs);
        else if (st != RENA_OK && err && err->code == RENA_OK)
            rena_error_set(err, st, "train",
                           "the loss became non-finite at epoch %d; try a smaller --lr",
                           h.n_epochs + 1);
    }
    if (st == RENA_OK) {
        memcpy(m->params, s.best, sizeof(float) * (size_t)m->n_params);
        m->info.lambda = opt->lambda;
        m->info.seed = opt->seed;
        m->info.epochs = h.n_epochs;
        m->info.best_epoch = s.best_epoch;
        m->info.val_loss = (float)s.best_val;
        m->info.n_train = (int32_t)s.rows.n_fit;
        h.best_epoch = s.best_epoch;
        h.n_fit = s.rows.n_fit;
        h.n_val = s.rows.n_val;
        h.threads = t.nt;
        h.seconds = now_seconds() - t0;
        *out = m;
        m = NULL;
    }
    if (st == RENA_OK && hist)
        *hist = h;
    else
        free(h.epochs);
    rena_adam_free(&adam);
    trainer_free(&t);
    session_free(&s);
    rena_model_free(m);
    return st;
}
