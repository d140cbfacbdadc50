/* emulator.c: the pty, the serving thread, pacing and fault injection. */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt */

#include "emulator.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"

#define EMU_MAX_LATE 64

typedef struct {
    double due;
    size_t len;
    uint8_t bytes[RENA_STS_MAX_PACKET + 4];
} late_reply;

struct rena_emu {
    rena_emu_options opt;
    char port[64];
    char link[PATH_MAX];
    int master, slave, wake[2];
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    pthread_mutex_t lock;      /* guards bus, faults, rng, stats */
    rena_emu_servos bus;
    rena_emu_faults faults;
    rena_rng rng;
    rena_emu_stats stats;
    double t0;                 /* wall clock at start */
    double bus_free;           /* wall time the paced bus falls silent */
    rena_sts_parser parser;
    rena_emu_reply replies[RENA_EMU_MAX_SERVOS];
    late_reply late[EMU_MAX_LATE]; /* delayed replies waiting for their time */
    int nlate;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_until(double t)
{
    struct timespec ts;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

void rena_emu_options_default(rena_emu_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->count = 25;
    for (int i = 0; i < opt->count; i++)
        opt->ids[i] = (uint8_t)(i + 1);
    opt->baud = 1000000;
    opt->speedup = 1.0;
    opt->max_speed = 3000.0;
    opt->start_position = 2048;
    rena_emu_faults_none(&opt->faults);
}

/* ---- the pty ----------------------------------------------------------- */

static int make_raw(int fd)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0)
        return -1;
    cfmakeraw(&tio);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, &tio);
}

static rena_status open_pty(rena_emu *emu, rena_error *err)
{
    emu->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (emu->master < 0)
        return rena_error_set(err, RENA_ERR_IO, "/dev/ptmx", "posix_openpt failed: %s",
                              strerror(errno));
    if (grantpt(emu->master) != 0 || unlockpt(emu->master) != 0)
        return rena_error_set(err, RENA_ERR_IO, "/dev/ptmx", "grantpt/unlockpt failed: %s",
                              strerror(errno));
    int n = -1;
    if (ioctl(emu->master, TIOCGPTN, &n) != 0) /* ptsname() is not thread-safe */
        return rena_error_set(err, RENA_ERR_IO, "/dev/ptmx", "TIOCGPTN failed: %s",
                              strerror(errno));
    snprintf(emu->port, sizeof emu->port, "/dev/pts/%d", n);
    /* The emulator keeps the slave open itself, so the pty survives while
     * no client has it open (reads of the master would fail with EIO). */
    emu->slave = open(emu->port, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (emu->slave < 0)
        return rena_error_set(err, RENA_ERR_IO, emu->port, "cannot open the pty slave: %s",
                              strerror(errno));
    if (make_raw(emu->slave) != 0 || make_raw(emu->master) != 0)
        return rena_error_set(err, RENA_ERR_IO, emu->port, "cannot set raw mode: %s",
                              strerror(errno));
    int fl = fcntl(emu->master, F_GETFL);
    fcntl(emu->master, F_SETFL, fl | O_NONBLOCK);
    fcntl(emu->master, F_SETFD, FD_CLOEXEC);
    return RENA_OK;
}

static rena_status make_link(rena_emu *emu, const char *path, rena_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISLNK(st.st_mode))
            return rena_error_set(err, RENA_ERR_ARG, path,
                                  "exists and is not a symlink; not replacing it");
        unlink(path);
    }
    if (symlink(emu->port, path) != 0)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot create the link: %s",
                              strerror(errno));
    snprintf(emu->link, sizeof emu->link, "%s", path);
    return RENA_OK;
}

static void remove_link(rena_emu *emu)
{
    char target[PATH_MAX];
    ssize_t n;
    if (!emu->link[0] || (n = readlink(emu->link, target, sizeof target - 1)) < 0)
        return;
    target[n] = '\0';
    if (strcmp(target, emu->port) == 0)
        unlink(emu->link);
}

/* Writes all bytes or drops the rest when nobody reads the slave. */
static void write_master(rena_emu *emu, const uint8_t *data, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(emu->master, data + done, n - done);
        if (w > 0) {
            done += (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {emu->master, POLLOUT, 0};
            if (poll(&p, 1, 10) <= 0)
                return;
        } else {
            return;
        }
    }
}

/* ---- serving ----------------------------------------------------------- */

static double byte_time(const rena_emu *emu) { return 10.0 / (double)emu->opt.baud; }

static int fault_hits(rena_emu *emu, double p, int only_id, uint8_t id)
{
    if (p <= 0.0 || (only_id >= 0 && only_id != id))
        return 0;
    return rena_rng_uniform(&emu->rng) < p;
}

/* Faults that live in the servos themselves. Called with the lock held. */
static void apply_servo_faults(rena_emu *emu)
{
    rena_emu_servos *b = &emu->bus;
    b->sync_read = !emu->faults.no_sync_read;
    for (int i = 0; i < b->count; i++) {
        rena_emu_servo *s = &b->servo[i];
        uint8_t id = emu->opt.ids[i];
        s->present = !emu->faults.absent[id];
        s->stuck = emu->faults.stuck[id];
        s->error_bits = emu->faults.error_bits[id];
    }
}

typedef struct {
    int drop, corrupt, garbage;
    double delay_s;
} reply_fate;

static reply_fate decide_fate(rena_emu *emu, uint8_t id)
{
    const rena_emu_faults *f = &emu->faults;
    reply_fate r = {0, 0, 0, 0.0};
    r.drop = fault_hits(emu, f->drop, f->drop_id, id);
    r.corrupt = !r.drop && fault_hits(emu, f->corrupt, f->corrupt_id, id);
    r.garbage = !r.drop && fault_hits(emu, f->garbage, -1, id);
    if (f->delay_ms > 0 && (f->delay_id < 0 || f->delay_id == id))
        r.delay_s = f->delay_ms * 1e-3;
    emu->stats.dropped += r.drop;
    emu->stats.corrupted += r.corrupt;
    emu->stats.garbage += r.garbage;
    emu->stats.delayed += r.delay_s > 0 && !r.drop;
    emu->stats.replies += !r.drop;
    return r;
}

/* Sends the due late replies; returns ms until the next one (or -1). */
static int flush_late(rena_emu *emu)
{
    double now = now_s(), next = -1.0;
    for (int i = 0; i < emu->nlate;) {
        late_reply *l = &emu->late[i];
        if (l->due <= now) {
            write_master(emu, l->bytes, l->len);
            *l = emu->late[--emu->nlate];
            continue;
        }
        if (next < 0 || l->due < next)
            next = l->due;
        i++;
    }
    return next < 0 ? -1 : (int)((next - now) * 1000.0) + 1;
}

static void send_reply(rena_emu *emu, rena_emu_reply *r, const reply_fate *fate)
{
    uint8_t out[RENA_STS_MAX_PACKET + 4];
    size_t n = 0;
    if (fate->garbage) {
        pthread_mutex_lock(&emu->lock);
        n = 1 + rena_rng_below(&emu->rng, 4);
        for (size_t k = 0; k < n; k++)
            out[k] = (uint8_t)rena_rng_below(&emu->rng, 0xFF); /* never 0xFF */
        pthread_mutex_unlock(&emu->lock);
    }
    memcpy(out + n, r->bytes, r->len);
    n += r->len;
    if (fate->corrupt)
        out[n - 1] ^= 0x5A;
    if (fate->delay_s > 0) {
        /* A late servo must not hold up the others: queue it. */
        if (emu->nlate < EMU_MAX_LATE) {
            late_reply *l = &emu->late[emu->nlate++];
            l->due = now_s() + fate->delay_s;
            l->len = n;
            memcpy(l->bytes, out, n);
        }
        return;
    }
    if (emu->opt.pace) {
        /* Replies follow the instruction back to back on the wire; keeping
         * the ideal timeline stops sleep overshoot from adding up. */
        emu->bus_free += byte_time(emu) * (double)n;
        sleep_until(emu->bus_free);
    }
    write_master(emu, out, n);
}

static void serve_packet(rena_emu *emu, const rena_sts_packet *pkt, double arrived)
{
    size_t len = rena_sts_packet_size(pkt->nparams);
    if (emu->opt.pace) {
        double start = arrived > emu->bus_free ? arrived : emu->bus_free;
        emu->bus_free = start + byte_time(emu) * (double)len;
        sleep_until(emu->bus_free);
    }
    reply_fate fates[RENA_EMU_MAX_SERVOS];
    pthread_mutex_lock(&emu->lock);
    emu->stats.packets++;
    apply_servo_faults(emu);
    rena_emu_servos_advance(&emu->bus, (now_s() - emu->t0) * emu->opt.speedup);
    int n = rena_emu_servos_execute(&emu->bus, pkt, emu->replies, RENA_EMU_MAX_SERVOS);
    for (int i = 0; i < n; i++)
        fates[i] = decide_fate(emu, emu->replies[i].id);
    pthread_mutex_unlock(&emu->lock);
    for (int i = 0; i < n; i++)
        if (!fates[i].drop)
            send_reply(emu, &emu->replies[i], &fates[i]);
}

static void *serve(void *arg)
{
    rena_emu *emu = arg;
    uint8_t buf[1024];
    while (!atomic_load(&emu->stop)) {
        int wait_ms = flush_late(emu);
        struct pollfd p[2] = {{emu->master, POLLIN, 0}, {emu->wake[0], POLLIN, 0}};
        int r = poll(p, 2, wait_ms < 0 || wait_ms > 100 ? 100 : wait_ms);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0 || (p[1].revents & POLLIN))
            continue;
        ssize_t n = read(emu->master, buf, sizeof buf);
        if (n <= 0)
            continue;
        double arrived = now_s();
        for (ssize_t k = 0; k < n; k++) {
            rena_sts_packet pkt;
            rena_sts_parse_result res = rena_sts_parser_feed(&emu->parser, buf[k], &pkt);
            if (res == RENA_STS_PARSE_PACKET) {
                serve_packet(emu, &pkt, arrived);
            } else if (res != RENA_STS_PARSE_MORE) {
                pthread_mutex_lock(&emu->lock);
                emu->stats.bad_packets++;
                pthread_mutex_unlock(&emu->lock);
            }
        }
    }
    return NULL;
}

/* ---- public API -------------------------------------------------------- */

static rena_status check_options(const rena_emu_options *opt, rena_error *err)
{
    if (opt->count < 1 || opt->count > RENA_EMU_MAX_SERVOS)
        return rena_error_set(err, RENA_ERR_ARG, "emulator", "servo count %d is not in 1..%d",
                              opt->count, RENA_EMU_MAX_SERVOS);
    for (int i = 0; i < opt->count; i++) {
        if (opt->ids[i] > RENA_STS_MAX_ID)
            return rena_error_set(err, RENA_ERR_ARG, "emulator", "servo ID %u is not in 0..253",
                                  opt->ids[i]);
        for (int j = 0; j < i; j++)
            if (opt->ids[j] == opt->ids[i])
                return rena_error_set(err, RENA_ERR_ARG, "emulator", "servo ID %u twice",
                                      opt->ids[i]);
    }
    if (opt->baud <= 0 || !(opt->speedup > 0) || opt->start_position < 0 ||
        opt->start_position > 4095)
        return rena_error_set(err, RENA_ERR_ARG, "emulator",
                              "baud and speedup must be positive, start position in 0..4095");
    return RENA_OK;
}

rena_status rena_emu_start(const rena_emu_options *opt, rena_emu **out, rena_error *err)
{
    *out = NULL;
    rena_status st = check_options(opt, err);
    if (st != RENA_OK)
        return st;
    rena_emu *emu = calloc(1, sizeof *emu);
    if (!emu)
        return rena_error_set(err, RENA_ERR_NOMEM, "emulator", "out of memory");
    emu->opt = *opt;
    emu->opt.link_path = NULL;
    emu->master = emu->slave = emu->wake[0] = emu->wake[1] = -1;
    pthread_mutex_init(&emu->lock, NULL);
    rena_emu_servos_init(&emu->bus, opt->ids, opt->count, opt->start_position, opt->max_speed);
    rena_emu_set_faults(emu, &opt->faults);
    rena_sts_parser_reset(&emu->parser);
    emu->t0 = now_s();
    st = open_pty(emu, err);
    if (st == RENA_OK && pipe(emu->wake) != 0)
        st = rena_error_set(err, RENA_ERR_IO, "emulator", "pipe failed: %s", strerror(errno));
    if (st == RENA_OK && opt->link_path)
        st = make_link(emu, opt->link_path, err);
    if (st == RENA_OK) {
        if (pthread_create(&emu->thread, NULL, serve, emu) != 0)
            st = rena_error_set(err, RENA_ERR_IO, "emulator", "cannot start its thread");
        else
            emu->thread_started = 1;
    }
    if (st != RENA_OK) {
        rena_emu_stop(emu);
        return st;
    }
    *out = emu;
    return RENA_OK;
}

void rena_emu_stop(rena_emu *emu)
{
    if (!emu)
        return;
    atomic_store(&emu->stop, 1);
    if (emu->wake[1] >= 0) {
        ssize_t w = write(emu->wake[1], "x", 1);
        (void)w;
    }
    if (emu->thread_started)
        pthread_join(emu->thread, NULL);
    remove_link(emu);
    int fds[] = {emu->master, emu->slave, emu->wake[0], emu->wake[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    pthread_mutex_destroy(&emu->lock);
    free(emu);
}

const char *rena_emu_port(const rena_emu *emu) { return emu->port; }

void rena_emu_set_faults(rena_emu *emu, const rena_emu_faults *f)
{
    pthread_mutex_lock(&emu->lock);
    emu->faults = *f;
    rena_rng_init(&emu->rng, f->seed, 0);
    apply_servo_faults(emu);
    pthread_mutex_unlock(&emu->lock);
}

rena_emu_stats rena_emu_get_stats(rena_emu *emu)
{
    pthread_mutex_lock(&emu->lock);
    rena_emu_stats s = emu->stats;
    pthread_mutex_unlock(&emu->lock);
    return s;
}

static rena_emu_servo *find_any(rena_emu *emu, uint8_t id)
{
    for (int i = 0; i < emu->bus.count; i++)
        if (emu->bus.servo[i].table[RENA_STS_REG_ID] == id)
            return &emu->bus.servo[i];
    return NULL;
}

int rena_emu_view_servo(rena_emu *emu, uint8_t id, rena_emu_view *v)
{
    pthread_mutex_lock(&emu->lock);
    rena_emu_servos_advance(&emu->bus, (now_s() - emu->t0) * emu->opt.speedup);
    rena_emu_servo *s = find_any(emu, id);
    if (s) {
        const uint8_t *t = s->table;
        v->position = rena_sts_from_sign_magnitude(
            rena_sts_get_u16(t + RENA_STS_REG_PRESENT_POSITION), 15);
        v->goal = rena_sts_from_sign_magnitude(rena_sts_get_u16(t + RENA_STS_REG_GOAL_POSITION),
                                               15);
        v->torque = t[RENA_STS_REG_TORQUE];
        v->moving = t[RENA_STS_REG_MOVING];
    }
    pthread_mutex_unlock(&emu->lock);
    return s != NULL;
}

int rena_emu_move_horn(rena_emu *emu, uint8_t id, int ticks)
{
    pthread_mutex_lock(&emu->lock);
    rena_emu_servos_advance(&emu->bus, (now_s() - emu->t0) * emu->opt.speedup);
    rena_emu_servo *s = find_any(emu, id);
    if (s)
        rena_emu_servos_move_horn(s, ticks);
    pthread_mutex_unlock(&emu->lock);
    return s != NULL;
}
