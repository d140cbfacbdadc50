/* mpi_run.c: generation and training across MPI ranks (see mpi_run.h).
 * Compiled only with -DRENA_MPI=ON. MPI is called from the main thread
 * only (generation workers and OpenMP threads never touch it), so
 * MPI_THREAD_FUNNELED is enough. */
#ifdef RENA_MPI

#include "mpi_run.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "dataset.h"
#include "learn_report.h"
#include "modelfile.h"
#include "train_print.h"

/* Tag of the "a rank failed, stop now" note one rank sends every other. */
#define TAG_STOP 7301

typedef struct {
    int rank, size;
} mpi_world;

int rena_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL;
}

/* Registered with atexit so every return path of a subcommand, in main(),
 * still finalises MPI (mpirun counts a rank that exits without it as
 * crashed). */
static void mpi_stop(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

static mpi_world mpi_start(void)
{
    int started = 0, provided = 0;
    MPI_Initialized(&started);
    if (!started) {
        MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
        atexit(mpi_stop);
    }
    mpi_world w;
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    return w;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* MPI_Allreduce(MIN) of one int that keeps watching for SIGTERM/Ctrl-C:
 * when a rank dies, mpirun sends the others SIGTERM and SIGKILL one second
 * later (odls_base_sigkill_timeout), while they wait here for the dead
 * rank forever. So rank 0 removes `scratch` (may be NULL) at the signal,
 * before the kill, and goes on waiting: if every rank is alive (Ctrl-C),
 * the collective completes as usual. */
static int min_over_ranks(const mpi_world *w, int value, const char *scratch)
{
    int result = value, removed = 0, done = 0;
    MPI_Request req;
    MPI_Iallreduce(&value, &result, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &req);
    struct timespec tick = {0, 1000 * 1000};
    for (MPI_Test(&req, &done, MPI_STATUS_IGNORE); !done;
         MPI_Test(&req, &done, MPI_STATUS_IGNORE)) {
        if (scratch && !removed && w->rank == 0 && rena_cli_interrupted()) {
            rena_remove_tree(scratch);
            removed = 1;
        }
        nanosleep(&tick, NULL);
    }
    return result;
}

/* Collective: every rank learns whether any rank failed and, if so, the
 * error of the lowest such rank, its `where` prefixed with "rank R of P".
 * `minor` marks a failure that only follows another rank's (stopped by a
 * peer), so the rank that failed first is the one reported. scratch: see
 * min_over_ranks. */
static rena_status agree_watching(const mpi_world *w, rena_status st, int minor,
                                  const char *scratch, rena_error *err)
{
    int key = st == RENA_OK ? 2 * w->size : minor ? w->size + w->rank : w->rank;
    int first = min_over_ranks(w, key, scratch);
    if (first == 2 * w->size)
        return RENA_OK;
    int root = first % w->size;
    rena_error e;
    rena_error_clear(&e);
    if (w->rank == root && err)
        e = *err;
    MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, root, MPI_COMM_WORLD);
    if (e.code == RENA_OK)
        e.code = RENA_ERR_BACKEND;
    char where[sizeof e.where];
    snprintf(where, sizeof where, "rank %d of %d: %.480s", root, w->size, e.where);
    rena_error_set(err, e.code, where, "%s", e.message);
    return e.code;
}

static rena_status agree(const mpi_world *w, rena_status st, int minor, rena_error *err)
{
    return agree_watching(w, st, minor, NULL, err);
}

/* ---- fault injection (tests only) ----------------------------------------
 * RENA_MPI_FAULT="R:K" makes rank R fail when it starts its K-th sample
 * (0-based, counted over its workers) or, in training, its K-th gradient
 * step; "R:K:kill" makes it die by SIGKILL there instead, like a crashed
 * node. Documented in docs/cluster.md. */
typedef struct {
    long at;
    int kill;
    atomic_long count;
} fault_plan;

typedef struct {
    rena_actuator inner;
    fault_plan *plan;
} faulty_actuator;

static rena_status faulty_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                                float sent[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_actuator_write(&((faulty_actuator *)ctx)->inner, cmd, sent, err);
}

static rena_status faulty_reset(void *ctx, rena_error *err)
{
    faulty_actuator *f = ctx;
    long k = atomic_fetch_add(&f->plan->count, 1);
    if (k == f->plan->at) {
        if (f->plan->kill)
            raise(SIGKILL);
        return rena_error_set(err, RENA_ERR_BACKEND, "RENA_MPI_FAULT",
                              "injected failure at sample %ld of this rank", k);
    }
    return rena_actuator_reset(&f->inner, err);
}

static rena_status faulty_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    return rena_actuator_read(&((faulty_actuator *)ctx)->inner, pos, err);
}

static rena_status faulty_observe(void *ctx, unsigned want, rena_observation *obs,
                                  rena_error *err)
{
    return rena_actuator_observe(&((faulty_actuator *)ctx)->inner, want, obs, err);
}

static void faulty_close(void *ctx)
{
    faulty_actuator *f = ctx;
    if (f) {
        rena_actuator_close(&f->inner);
        free(f);
    }
}

typedef struct {
    rena_actuator_open_fn open;
    void *user;
    fault_plan *plan;
} faulty_opener;

static rena_status open_faulty(void *user, int worker, rena_actuator *out, rena_error *err)
{
    faulty_opener *o = user;
    faulty_actuator *f = calloc(1, sizeof *f);
    if (!f)
        return rena_error_set(err, RENA_ERR_NOMEM, "RENA_MPI_FAULT", "no memory");
    rena_status st = o->open(o->user, worker, &f->inner, err);
    if (st != RENA_OK) {
        free(f);
        return st;
    }
    f->plan = o->plan;
    *out = (rena_actuator){f->inner.name, f, faulty_write, faulty_reset, faulty_read,
                           faulty_observe, faulty_close};
    return RENA_OK;
}

/* Parses RENA_MPI_FAULT for this rank; 0 when no fault is planned here. */
static int fault_planned(int rank, fault_plan *plan)
{
    const char *spec = getenv("RENA_MPI_FAULT");
    int r = -1, n = 0;
    long at = -1;
    char how[8] = "";
    if (!spec || sscanf(spec, "%d:%ld%n", &r, &at, &n) != 2 || r != rank || at < 0)
        return 0;
    if (spec[n] == ':')
        snprintf(how, sizeof how, "%s", spec + n + 1);
    plan->at = at;
    plan->kill = !strcmp(how, "kill");
    atomic_init(&plan->count, 0);
    return 1;
}

/* ---- generation ----------------------------------------------------------- */

/* Progress of one rank: rank 0 draws its own shard's line; every rank stops
 * on Ctrl-C/SIGTERM or when another rank says it failed. */
typedef struct {
    rena_progress line;
    int draw;
    int stopped_by_peer;
} rank_progress;

static void rank_report(void *user, const char *stage, long done, long total, const char *detail)
{
    rank_progress *p = user;
    if (p->draw)
        rena_progress_report(&p->line, stage, done, total, detail);
}

static int rank_cancelled(void *user)
{
    rank_progress *p = user;
    int note = 0;
    if (!p->stopped_by_peer) {
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_STOP, MPI_COMM_WORLD, &note, MPI_STATUS_IGNORE);
        p->stopped_by_peer = note;
    }
    return p->stopped_by_peer || rena_cli_interrupted();
}

/* A failed rank tells the others at once so they stop instead of finishing
 * their shards; agree() then reports the failure. */
static void tell_peers_stop(const mpi_world *w, MPI_Request *reqs, int *n_reqs)
{
    static const int note = 1;
    *n_reqs = 0;
    for (int r = 0; r < w->size; r++)
        if (r != w->rank)
            MPI_Isend(&note, 1, MPI_INT, r, TAG_STOP, MPI_COMM_WORLD, &reqs[(*n_reqs)++]);
}

/* Collective: receives every stop note sent to this rank and completes its
 * own, so nothing is left in flight at MPI_Finalize. */
static void drain_stop_notes(int sent, MPI_Request *reqs, int n_reqs)
{
    int senders = 0, note;
    MPI_Allreduce(&sent, &senders, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int k = 0; k < senders - sent; k++)
        MPI_Recv(&note, 1, MPI_INT, MPI_ANY_SOURCE, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Waitall(n_reqs, reqs, MPI_STATUSES_IGNORE);
}

/* Rank 0 makes the scratch folder "<out>.mpi-XXXXXX" beside out_dir (same
 * file system, so the merge can hard-link images) and tells every rank. */
static rena_status make_scratch(const mpi_world *w, const char *out_dir, char *scratch,
                                size_t size, rena_error *err)
{
    rena_status st = RENA_OK;
    if (w->rank == 0) {
        size_t n = strlen(out_dir);
        while (n > 1 && out_dir[n - 1] == '/')
            n--;
        if (snprintf(scratch, size, "%.*s.mpi-XXXXXX", (int)n, out_dir) >= (int)size)
            st = rena_error_set(err, RENA_ERR_ARG, out_dir, "path too long");
        else if (!mkdtemp(scratch))
            st = rena_error_set(err, RENA_ERR_IO, scratch, "cannot create the scratch folder: %s",
                                strerror(errno));
    }
    st = agree(w, st, 0, err);
    MPI_Bcast(scratch, (int)size, MPI_CHAR, 0, MPI_COMM_WORLD);
    return st;
}

static void shard_path(const char *scratch, int index, char *out, size_t size)
{
    snprintf(out, size, "%s/shard-%05d", scratch, index);
}

/* Generates this rank's shard into the scratch folder. *minor is set when
 * it stopped only because another rank failed. */
static rena_status generate_shard(const mpi_world *w, const char *scratch,
                                  const rena_generate_options *opt, rank_progress *prog,
                                  rena_generate_stats *stats, rena_error *err)
{
    rena_generate_options mine = *opt;
    mine.meta.shard_index = w->rank + 1;
    mine.meta.shard_count = w->size;
    fault_plan plan;
    faulty_opener opener = {opt->open_actuator, opt->open_user, &plan};
    if (fault_planned(w->rank, &plan)) {
        mine.open_actuator = open_faulty;
        mine.open_user = &opener;
    }
    char dir[4200];
    shard_path(scratch, w->rank + 1, dir, sizeof dir);
    rena_progress p = {rank_report, rank_cancelled, prog};
    return rena_generate(dir, &mine, &p, stats, err);
}

/* Rank 0 joins the shards into out_dir. */
static rena_status merge_shards(const mpi_world *w, const char *scratch, const char *out_dir,
                                rank_progress *prog, rena_error *err)
{
    char **paths = calloc((size_t)w->size, sizeof *paths);
    rena_status st = paths ? RENA_OK : rena_error_set(err, RENA_ERR_NOMEM, "merge", "no memory");
    for (int r = 0; st == RENA_OK && r < w->size; r++) {
        if (!(paths[r] = malloc(4200)))
            st = rena_error_set(err, RENA_ERR_NOMEM, "merge", "no memory");
        else
            shard_path(scratch, r + 1, paths[r], 4200);
    }
    rena_progress p = {rank_report, NULL, prog};
    if (st == RENA_OK)
        st = rena_dataset_merge(out_dir, (const char *const *)paths, w->size, &p, err);
    for (int r = 0; paths && r < w->size; r++)
        free(paths[r]);
    free(paths);
    return st;
}

static rena_status check_generate(const mpi_world *w, const rena_generate_options *opt,
                                  rena_error *err)
{
    if (opt->meta.shard_count > 1)
        return rena_error_set(err, RENA_ERR_ARG, "--shard",
                              "mpirun already gives every rank one shard; leave out --shard");
    if (opt->meta.total < w->size)
        return rena_error_set(err, RENA_ERR_ARG, "--samples",
                              "%ld samples cannot be split over %d ranks", opt->meta.total,
                              w->size);
    return RENA_OK;
}

static void print_generate_summary(const mpi_world *w, const char *out_dir, long jobs,
                                   double seconds, rena_error *err)
{
    rena_dataset_meta m;
    if (rena_dataset_read_meta(out_dir, &m, err) != RENA_OK)
        return;
    printf("rena generate: wrote %ld samples (%ld train, %ld test%s) to %s with %d MPI ranks x "
           "%ld jobs in %.1f s (%.1f samples/s)\n",
           m.total, m.n_train, m.n_test, m.images ? ", with images" : "", out_dir, w->size, jobs,
           seconds, seconds > 0 ? (double)m.total / seconds : 0.0);
}

/* Ends a run on every rank: rank 0 prints the agreed error; all exit alike. */
static int finish(const mpi_world *w, const char *cmd, rena_status st, const rena_error *err)
{
    rena_cli_progress_done();
    if (st == RENA_OK)
        return RENA_EXIT_OK;
    if (w->rank == 0)
        return rena_cli_fail(cmd, err);
    return st == RENA_ERR_INTERRUPTED ? RENA_EXIT_INTERRUPTED : RENA_EXIT_FAIL;
}

int rena_mpi_generate(const char *cmd, const char *out_dir, const rena_generate_options *opt)
{
    mpi_world w = mpi_start();
    double t0 = now_seconds();
    rena_error err;
    rena_error_clear(&err);
    rank_progress prog = {rena_cli_progress(cmd), w.rank == 0, 0};
    rena_status st = agree(&w, check_generate(&w, opt, &err), 0, &err);
    char scratch[4096] = "";
    if (st == RENA_OK && w.size == 1) {
        rena_progress p = {rank_report, rank_cancelled, &prog};
        st = rena_generate(out_dir, opt, &p, NULL, &err);
    } else if (st == RENA_OK && (st = make_scratch(&w, out_dir, scratch, sizeof scratch, &err)) ==
                                    RENA_OK) {
        st = generate_shard(&w, scratch, opt, &prog, NULL, &err);
        int sent = st != RENA_OK && !prog.stopped_by_peer, n_reqs = 0;
        MPI_Request *reqs = calloc((size_t)w.size, sizeof *reqs);
        if (sent && reqs)
            tell_peers_stop(&w, reqs, &n_reqs);
        st = agree_watching(&w, st, prog.stopped_by_peer, scratch, &err);
        drain_stop_notes(sent && reqs, reqs, n_reqs);
        free(reqs);
        /* st is agreed, so every rank takes the same branch of the collective */
        if (st == RENA_OK)
            st = agree(&w, w.rank == 0 ? merge_shards(&w, scratch, out_dir, &prog, &err) : RENA_OK,
                       0, &err);
        if (w.rank == 0)
            rena_remove_tree(scratch);
    }
    rena_cli_progress_done();
    if (st == RENA_OK && w.rank == 0)
        print_generate_summary(&w, out_dir, opt->jobs, now_seconds() - t0, &err);
    return finish(&w, cmd, st, &err);
}

/* ---- training ------------------------------------------------------------- */

typedef struct {
    const mpi_world *w;
    rena_progress line; /* rank 0's epoch line */
    int stop;           /* agreed by all ranks in the last reduction */
    long steps;
    double comm_seconds;
    fault_plan fault;   /* RENA_MPI_FAULT for this rank, when has_fault */
    int has_fault;
    int faulted;        /* this rank's injected failure happened */
    int peer_failed;    /* another rank's did: this rank only follows */
} train_ctx;

/* FNV-1a over the bytes of the weights: equal weights, equal hash. */
static uint64_t weights_hash(const float *params, long n)
{
    const unsigned char *b = (const unsigned char *)params;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < (size_t)n * sizeof(float); i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

/* Collective: RENA_ERR_RANGE naming the step when the ranks' weights differ. */
static rena_status check_same_weights(const mpi_world *w, const float *params, long n,
                                      const char *when, rena_error *err)
{
    uint64_t h = weights_hash(params, n), mine[2] = {h, ~h}, low[2];
    MPI_Allreduce(mine, low, 2, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    if (low[0] == ~low[1])
        return RENA_OK;
    return rena_error_set(err, RENA_ERR_RANGE, when,
                          "the weights differ across the %d ranks (checksums %016llx..%016llx)",
                          w->size, (unsigned long long)low[0], (unsigned long long)~low[1]);
}

/* The rena_train_reduce_fn: sums gradients and losses over the ranks, with
 * the stop flag riding along so every rank cancels at the same batch. */
static rena_status reduce_step(void *user, rena_train_step *s, rena_error *err)
{
    train_ctx *c = user;
    double t0 = now_seconds();
    if (s->batch == 0) {
        char when[64];
        snprintf(when, sizeof when, "epoch %d", s->epoch + 1);
        rena_status st = check_same_weights(c->w, s->params, s->n_params, when, err);
        if (st != RENA_OK)
            return st;
    }
    int fail_here = c->has_fault && c->steps == c->fault.at;
    if (fail_here && c->fault.kill)
        raise(SIGKILL);
    MPI_Allreduce(MPI_IN_PLACE, s->grad, (int)s->n_params, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    /* an injected failure stops every rank through the stop flag, so all
     * leave rena_train at the same batch and the collectives stay paired */
    double small[3] = {s->loss, rena_cli_interrupted() ? 1.0 : 0.0, fail_here ? 1.0 : 0.0};
    MPI_Allreduce(MPI_IN_PLACE, small, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    s->loss = small[0];
    c->stop = small[1] > 0.0 || small[2] > 0.0;
    c->faulted |= fail_here;
    c->peer_failed |= small[2] > 0.0 && !fail_here;
    c->steps++;
    c->comm_seconds += now_seconds() - t0;
    return RENA_OK;
}

static void train_report(void *user, const char *stage, long done, long total, const char *detail)
{
    train_ctx *c = user;
    if (c->w->rank == 0)
        rena_progress_report(&c->line, stage, done, total, detail);
}

static int train_cancelled(void *user)
{
    return ((train_ctx *)user)->stop;
}

/* This rank's result of rena_train once its injected failure happened. */
static rena_status train_fault_status(const train_ctx *c, rena_status st, rena_error *err)
{
    if (!c->faulted)
        return st;
    return rena_error_set(err, RENA_ERR_BACKEND, "RENA_MPI_FAULT",
                          "injected failure at step %ld of this rank", c->fault.at);
}

/* Threads per rank: the node's cores shared among the ranks on it. */
static int threads_per_rank(int asked)
{
    if (asked > 0)
        return asked;
    MPI_Comm node;
    int local = 1;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long t = cores > 0 ? cores / local : 1;
    return t < 1 ? 1 : (int)t;
}

static rena_status load_splits(const char *dir, rena_samples *train, rena_samples *test,
                               rena_error *err)
{
    rena_status st = rena_dataset_load_split(dir, "train", train, err);
    if (st == RENA_OK)
        st = rena_dataset_load_split(dir, "test", test, err);
    return st;
}

/* Rank 0's report, as `rena train` prints it plus the allreduce figures. */
static rena_status print_train_summary(const mpi_world *w, const char *model_path,
                                       const rena_model *m, const rena_train_history *h,
                                       const rena_train_options *o, const rena_samples *test,
                                       const train_ctx *c, rena_error *err)
{
    const rena_train_epoch *best = &h->epochs[h->best_epoch - 1];
    double payload = (double)m->n_params * sizeof(float);
    printf("arch %s, %ld parameters, %ld fitted + %ld validation samples, %d MPI ranks x %d "
           "threads\n",
           rena_arch_name(m->hp.arch), m->n_params, h->n_fit, h->n_val, w->size, o->threads);
    printf("%d epochs in %.1f s (%.3f s/epoch); kept epoch %d: val loss %.6f", h->n_epochs,
           h->seconds, h->seconds / h->n_epochs, h->best_epoch, best->val_loss);
    if (isfinite(best->test_mse))
        printf(", test MSE %.6f (error rate %.2f%%)", best->test_mse, 100.0 * sqrt(best->test_mse));
    printf("\nallreduce: %ld steps, %.0f gradient bytes per step (ring: %.0f sent per rank), "
           "%.3f ms per step, %.1f%% of the run\n",
           c->steps, payload, 2.0 * payload * (w->size - 1) / w->size,
           c->steps ? 1e3 * c->comm_seconds / (double)c->steps : 0.0,
           h->seconds > 0 ? 100.0 * c->comm_seconds / h->seconds : 0.0);
    printf("wrote %s, %s.curves.csv, %s.loss.png\n", model_path, model_path, model_path);
    rena_train_print_head_map(stdout, m, o->head_map);
    return rena_train_print_head_map_test(stdout, m, test, o->threads, err);
}

/* Rank 0 writes the model and its curves. */
static rena_status save_results(const char *model_path, const rena_model *m,
                                const rena_train_history *h, rena_error *err)
{
    rena_status st = rena_model_save(m, model_path, err);
    if (st == RENA_OK)
        st = rena_report_curves(model_path, h, err);
    return st;
}

int rena_mpi_train(const char *cmd, const char *data_dir, const char *model_path,
                   const rena_model_hparams *hp, const rena_train_options *opt)
{
    mpi_world w = mpi_start();
    rena_error err;
    rena_error_clear(&err);
    rena_samples train, test;
    memset(&train, 0, sizeof train);
    memset(&test, 0, sizeof test);
    rena_status st = agree(&w, load_splits(data_dir, &train, &test, &err), 0, &err);
    train_ctx ctx = {.w = &w, .line = rena_cli_progress(cmd)};
    ctx.has_fault = fault_planned(w.rank, &ctx.fault);
    rena_train_options o = *opt;
    o.threads = threads_per_rank(opt->threads);
    o.parallel = (rena_train_parallel){w.rank, w.size, reduce_step, &ctx};
    rena_progress prog = {train_report, train_cancelled, &ctx};
    rena_model *m = NULL;
    rena_train_history h;
    memset(&h, 0, sizeof h);
    if (st == RENA_OK) {
        st = train_fault_status(&ctx, rena_train(hp, &o, &train, &test, &m, &h, &prog, &err),
                                &err);
        st = agree(&w, st, ctx.peer_failed, &err);
    }
    if (st == RENA_OK)
        st = agree(&w, check_same_weights(&w, m->params, m->n_params, "final weights", &err), 0,
                   &err);
    rena_cli_progress_done();
    if (st == RENA_OK)
        st = agree(&w, w.rank == 0 ? save_results(model_path, m, &h, &err) : RENA_OK, 0, &err);
    if (st == RENA_OK) /* collective: every rank learns whether rank 0's report failed */
        st = agree(&w,
                   w.rank == 0 ? print_train_summary(&w, model_path, m, &h, &o, &test, &ctx, &err)
                               : RENA_OK,
                   0, &err);
    if (m)
        rena_train_history_free(&h);
    rena_model_free(m);
    rena_samples_free(&train);
    rena_samples_free(&test);
    return finish(&w, cmd, st, &err);
}

#endif /* RENA_MPI */
