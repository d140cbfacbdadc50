#include "generate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "expert.h"
#include "rng.h"

/* Keys the landmark noise apart from the command streams of the same seed. */
#define NOISE_SALT 0x4E4F495345504958ULL

void rena_generate_options_default(rena_generate_options *opt)
{
    memset(opt, 0, sizeof *opt);
    rena_dataset_meta_default(&opt->meta);
    opt->jobs = 1;
}

rena_status rena_generate_command(const char *strategy, uint64_t seed, long index,
                                  float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    if (strategy && !strcmp(strategy, "expert"))
        rena_expert_sample(seed, (uint64_t)index, cmd, NULL);
    else if (strategy && !strcmp(strategy, "random"))
        rena_expert_random(seed, (uint64_t)index, cmd);
    else
        return rena_error_set(err, RENA_ERR_ARG, "strategy",
                              "unknown strategy '%s' (expected expert or random)",
                              strategy ? strategy : "");
    return RENA_OK;
}

void rena_generate_landmark_noise(uint64_t seed, long index, double sigma_px, rena_features *f)
{
    if (sigma_px <= 0.0 || !(f->valid & RENA_FEAT_LANDMARKS))
        return;
    rena_rng r;
    rena_rng_init(&r, seed ^ NOISE_SALT, (uint64_t)index);
    for (int p = 0; p < RENA_NUM_LANDMARKS; p++)
        for (int c = 0; c < 2; c++)
            f->landmarks[p][c] += (float)(sigma_px * rena_rng_normal(&r));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* State shared by the workers of one run. */
typedef struct {
    const rena_generate_options *opt;
    rena_dataset_writer *writer;
    atomic_long next;      /* next sample index to take */
    atomic_long done;      /* samples stored */
    atomic_long adjusted;  /* commands clamped by the backend */
    atomic_int perceives;  /* -1 until the first observation, then 1 if the backend
                              observes blendshapes, 0 if it cannot */
    atomic_int stop;       /* set on the first error or on cancellation */
    pthread_mutex_t lock;  /* guards first_err */
    rena_error first_err;
    int failed;
} run_state;

typedef struct {
    run_state *run;
    int worker;
    const rena_progress *progress; /* only for a worker running on the caller's thread */
} worker_arg;

static void record_error(run_state *run, const rena_error *e)
{
    pthread_mutex_lock(&run->lock);
    if (!run->failed) {
        run->first_err = *e;
        run->failed = 1;
    }
    pthread_mutex_unlock(&run->lock);
    atomic_store(&run->stop, 1);
}

/* A backend either perceives the face for every sample or for none: a
 * dataset whose features vanish for some rows would train on zeros. */
static rena_status agree_on_perception(run_state *run, int perceives, long i, rena_error *err)
{
    int expected = -1;
    if (atomic_compare_exchange_strong(&run->perceives, &expected, perceives) ||
        expected == perceives)
        return RENA_OK;
    return rena_error_set(err, RENA_ERR_BACKEND, run->opt->meta.backend,
                          "sample %ld %s blendshapes but earlier samples %s: the face must be "
                          "observed for every sample or for none",
                          i, perceives ? "has" : "has no", perceives ? "had none" : "had them");
}

/* Observes sample i. A backend without perception (observe unsupported, or
 * no blendshapes) leaves obs->features.valid 0: the row then holds the
 * command and the positions only. */
static rena_status observe_sample(run_state *run, rena_actuator *act, long i,
                                  rena_observation *obs, rena_error *err)
{
    const rena_generate_options *opt = run->opt;
    unsigned want = RENA_OBS_FEATURES | (opt->meta.images ? RENA_OBS_IMAGE : 0);
    memset(obs, 0, sizeof *obs);
    rena_status st = rena_actuator_observe(act, want, obs, err);
    if (st == RENA_ERR_UNSUPPORTED) {
        memset(obs, 0, sizeof *obs);
        rena_error_clear(err);
    } else if (st != RENA_OK) {
        return st;
    }
    if (opt->meta.images && !obs->has_image)
        return rena_error_set(err, RENA_ERR_UNSUPPORTED, opt->meta.backend,
                              "this backend gives no camera image; leave out --images");
    int perceives = (obs->features.valid & RENA_FEAT_BLENDSHAPES) != 0;
    if (!perceives)
        obs->features.valid = 0;
    rena_generate_landmark_noise(opt->meta.seed, i, opt->meta.landmark_noise_px, &obs->features);
    return agree_on_perception(run, perceives, i, err);
}

/* Makes one sample: reset, command, send, read back, observe, store. */
static rena_status make_sample(run_state *run, rena_actuator *act, long i, rena_error *err)
{
    const rena_generate_options *opt = run->opt;
    float cmd[RENA_NUM_SERVOS], sent[RENA_NUM_SERVOS], pos[RENA_NUM_SERVOS];
    rena_observation obs;
    rena_status st = rena_actuator_reset(act, err);
    if (st == RENA_OK)
        st = rena_generate_command(opt->meta.strategy, opt->meta.seed, i, cmd, err);
    if (st != RENA_OK)
        return st;
    /* A backend that leaves `sent` alone still stores a safe command. */
    rena_servo_sanitize(cmd, sent);
    if ((st = rena_actuator_write(act, cmd, sent, err)) != RENA_OK ||
        (st = rena_actuator_read(act, pos, err)) != RENA_OK ||
        (st = observe_sample(run, act, i, &obs, err)) != RENA_OK)
        return st;
    if (memcmp(cmd, sent, sizeof cmd) != 0)
        atomic_fetch_add(&run->adjusted, 1);
    st = rena_dataset_writer_put_sample(run->writer, i, sent, pos, &obs.features, err);
    if (st == RENA_OK && opt->meta.images)
        st = rena_dataset_writer_put_image(run->writer, i, &obs.image, err);
    return st;
}

static void *worker_main(void *p)
{
    worker_arg *a = p;
    run_state *run = a->run;
    rena_actuator act;
    rena_error e;
    rena_error_clear(&e);
    memset(&act, 0, sizeof act);
    rena_status st = run->opt->open_actuator(run->opt->open_user, a->worker, &act, &e);
    while (st == RENA_OK && !atomic_load(&run->stop)) {
        long i = atomic_fetch_add(&run->next, 1);
        if (i >= run->writer->meta.end)
            break;
        st = make_sample(run, &act, i, &e);
        long done = atomic_fetch_add(&run->done, 1) + 1;
        if (a->progress) {
            rena_progress_report(a->progress, "generating", done, run->writer->n, NULL);
            if (rena_progress_cancelled(a->progress))
                atomic_store(&run->stop, 1);
        }
    }
    if (st != RENA_OK)
        record_error(run, &e);
    rena_actuator_close(&act);
    return NULL;
}

/* Watches the workers from the caller's thread, which alone may call the
 * progress callbacks (they are not required to be thread-safe). */
static void monitor(run_state *run, const rena_progress *progress, atomic_int *running)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    while (atomic_load(running) > 0) {
        nanosleep(&tick, NULL);
        rena_progress_report(progress, "generating", atomic_load(&run->done), run->writer->n, NULL);
        if (rena_progress_cancelled(progress))
            atomic_store(&run->stop, 1);
    }
}

typedef struct {
    worker_arg arg;
    atomic_int *running;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *t = p;
    worker_main(&t->arg);
    atomic_fetch_sub(t->running, 1);
    return NULL;
}

static rena_status run_workers(run_state *run, int jobs, const rena_progress *progress,
                               rena_error *err)
{
    if (jobs == 1) {
        worker_arg a = {run, 0, progress};
        worker_main(&a);
        return RENA_OK;
    }
    pthread_t threads[RENA_GENERATE_MAX_JOBS];
    thread_arg args[RENA_GENERATE_MAX_JOBS];
    atomic_int running = jobs;
    int started = 0;
    for (; started < jobs; started++) {
        args[started] = (thread_arg){{run, started, NULL}, &running};
        if (pthread_create(&threads[started], NULL, thread_main, &args[started]) != 0)
            break;
    }
    if (started < jobs) {
        atomic_store(&run->stop, 1);
        atomic_fetch_sub(&running, jobs - started);
    }
    monitor(run, progress, &running);
    for (int k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    if (started < jobs && !run->failed)
        return rena_error_set(err, RENA_ERR_NOMEM, "generate", "cannot start %d worker threads", jobs);
    return RENA_OK;
}

static rena_status check_options(const rena_generate_options *opt, rena_error *err)
{
    float probe[RENA_NUM_SERVOS];
    if (!opt || !opt->open_actuator)
        return rena_error_set(err, RENA_ERR_ARG, "generate", "no way to open an actuator");
    if (opt->jobs < 1 || opt->jobs > RENA_GENERATE_MAX_JOBS)
        return rena_error_set(err, RENA_ERR_ARG, "jobs", "must be 1..%d, got %d",
                              RENA_GENERATE_MAX_JOBS, opt->jobs);
    return rena_generate_command(opt->meta.strategy, 0, 0, probe, err);
}

rena_status rena_generate(const char *out_dir, const rena_generate_options *opt,
                          const rena_progress *progress, rena_generate_stats *stats,
                          rena_error *err)
{
    double t0 = now_seconds();
    rena_dataset_writer writer;
    rena_status st = check_options(opt, err);
    if (st != RENA_OK || (st = rena_dataset_writer_open(&writer, out_dir, &opt->meta, err)) != RENA_OK)
        return st;
    run_state run;
    memset(&run, 0, sizeof run);
    run.opt = opt;
    run.writer = &writer;
    atomic_init(&run.next, writer.meta.begin);
    atomic_init(&run.done, 0);
    atomic_init(&run.adjusted, 0);
    atomic_init(&run.perceives, -1);
    atomic_init(&run.stop, 0);
    pthread_mutex_init(&run.lock, NULL);
    int jobs = opt->jobs < writer.n ? opt->jobs : (int)writer.n;
    st = run_workers(&run, jobs, progress, err);
    pthread_mutex_destroy(&run.lock);
    if (st == RENA_OK && run.failed) {
        if (err)
            *err = run.first_err;
        st = run.first_err.code != RENA_OK ? run.first_err.code : RENA_ERR_BACKEND;
    }
    if (st == RENA_OK && atomic_load(&run.done) < writer.n)
        st = rena_error_set(err, RENA_ERR_INTERRUPTED, out_dir,
                            "stopped after %ld of %ld samples; nothing was written",
                            atomic_load(&run.done), writer.n);
    if (st != RENA_OK) {
        rena_dataset_writer_abort(&writer);
        return st;
    }
    rena_progress_report(progress, "writing", writer.n, writer.n, out_dir);
    if ((st = rena_dataset_writer_commit(&writer, err)) != RENA_OK)
        return st;
    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->samples = writer.meta.end - writer.meta.begin;
        stats->n_train = writer.meta.n_train;
        stats->n_test = writer.meta.n_test;
        stats->images = writer.meta.images ? stats->samples : 0;
        stats->adjusted = atomic_load(&run.adjusted);
        stats->features = writer.meta.features;
        stats->seconds = now_seconds() - t0;
    }
    return RENA_OK;
}
