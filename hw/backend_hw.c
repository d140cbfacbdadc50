/* backend_hw.c: rena_hw_open -> a rena_actuator on the STS bus.
 * One mutex guards the bus and the state below; the watchdog thread takes it
 * too, so it never interleaves packets with a write in progress. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calibration.h"
#include "emulator.h"
#include "hw.h"
#include "safety.h"
#include "sts_bus.h"

typedef struct {
    rena_hw_options opt;
    rena_emu *emu;                  /* with emulate=1 */
    rena_sts_bus bus;
    rena_calibration cal;
    uint8_t ids[RENA_NUM_SERVOS];
    float sent[RENA_NUM_SERVOS];    /* goals last put on the bus, normalised */
    int torque_on;
    double settle_time;
    long cycles, watchdog_fired;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t watchdog;
    int watchdog_started, quit;
    rena_safety_watchdog wd;
} hw_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static const char *servo_label(const hw_ctx *c, int i, char *buf, size_t size)
{
    snprintf(buf, size, "servo %s (ID %d)", rena_servos[i].name, c->cal.servo[i].id);
    return buf;
}

/* ---- bus cycles (lock held) -------------------------------------------- */

static rena_status check_error_bits(hw_ctx *c, const uint8_t *bits, rena_error *err)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        if (!bits[i])
            continue;
        char label[96], names[96];
        return rena_error_set(err, RENA_ERR_BACKEND, c->bus.port.path, "%s reports %s (0x%02X)",
                              servo_label(c, i, label, sizeof label),
                              rena_sts_error_bits_str(bits[i], names, sizeof names), bits[i]);
    }
    return RENA_OK;
}

static rena_status read_ticks(hw_ctx *c, int ticks[RENA_NUM_SERVOS], rena_error *err)
{
    uint8_t data[RENA_NUM_SERVOS * 2], bits[RENA_NUM_SERVOS] = {0};
    rena_status st = rena_sts_bus_read_many(&c->bus, RENA_STS_REG_PRESENT_POSITION, 2, c->ids,
                                            RENA_NUM_SERVOS, data, bits, NULL, err);
    if (st != RENA_OK)
        return st;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ticks[i] = rena_sts_from_sign_magnitude(rena_sts_get_u16(data + 2 * i), 15);
    return check_error_bits(c, bits, err);
}

static rena_status send_goals(hw_ctx *c, const float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    int ticks[RENA_NUM_SERVOS];
    uint8_t data[RENA_NUM_SERVOS * 2];
    rena_safety_ticks(&c->cal, cmd, ticks);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        rena_sts_put_u16(data + 2 * i, rena_sts_to_sign_magnitude(ticks[i], 15));
    rena_status st = rena_sts_bus_sync_write(&c->bus, RENA_STS_REG_GOAL_POSITION, 2, c->ids,
                                             RENA_NUM_SERVOS, data, err);
    if (st == RENA_OK) {
        memcpy(c->sent, cmd, sizeof c->sent);
        c->cycles++;
    }
    return st;
}

static rena_status set_torque(hw_ctx *c, int on, rena_error *err)
{
    uint8_t data[RENA_NUM_SERVOS];
    memset(data, on ? 1 : 0, sizeof data);
    rena_status st = rena_sts_bus_sync_write(&c->bus, RENA_STS_REG_TORQUE, 1, c->ids,
                                             RENA_NUM_SERVOS, data, err);
    if (st == RENA_OK)
        c->torque_on = on;
    return st;
}

/* Goals where the horns stand (inside the limits), then torque on: enabling
 * torque never makes the face jump to a stale goal. */
static rena_status hold_here(hw_ctx *c, rena_error *err)
{
    int ticks[RENA_NUM_SERVOS];
    float here[RENA_NUM_SERVOS];
    rena_status st = read_ticks(c, ticks, err);
    if (st != RENA_OK)
        return st;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        here[i] = rena_calibration_from_ticks(&c->cal, i, ticks[i]);
    rena_safety_sanitize(&c->cal, here, here);
    if ((st = send_goals(c, here, err)) != RENA_OK)
        return st;
    return set_torque(c, 1, err);
}

static rena_status ramp_to(hw_ctx *c, const float target[RENA_NUM_SERVOS], rena_error *err)
{
    float next[RENA_NUM_SERVOS];
    for (;;) {
        int reached = rena_safety_step(&c->cal, c->sent, target, c->opt.max_step, next);
        rena_status st = send_goals(c, next, err);
        if (st != RENA_OK || reached)
            return st;
        sleep_s(c->opt.cycle_s);
    }
}

static rena_status wait_settled(hw_ctx *c, rena_error *err)
{
    double t0 = now_s();
    int goal[RENA_NUM_SERVOS], ticks[RENA_NUM_SERVOS];
    rena_safety_ticks(&c->cal, c->sent, goal);
    c->settle_time = 0.0;
    while (c->opt.settle_timeout_s > 0) {
        rena_status st = read_ticks(c, ticks, err);
        if (st != RENA_OK)
            return st;
        int arrived = 1;
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            arrived &= abs(ticks[i] - goal[i]) <= c->opt.settle_ticks;
        c->settle_time = now_s() - t0;
        if (arrived || c->settle_time >= c->opt.settle_timeout_s)
            break;
        sleep_s(0.002);
    }
    return RENA_OK;
}

static rena_status move_to(hw_ctx *c, const float target[RENA_NUM_SERVOS], rena_error *err)
{
    rena_status st = RENA_OK;
    if (!c->torque_on)
        st = hold_here(c, err);
    if (st == RENA_OK)
        st = ramp_to(c, target, err);
    if (st == RENA_OK)
        st = wait_settled(c, err);
    return st;
}

static void neutral_of(const hw_ctx *c, float cmd[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        cmd[i] = rena_calibration_neutral(&c->cal, i);
    rena_safety_sanitize(&c->cal, cmd, cmd);
}

/* Reads the torque register back: 1 when every servo answered 0. */
static int torque_is_off(hw_ctx *c)
{
    uint8_t on[RENA_NUM_SERVOS];
    if (rena_sts_bus_read_many(&c->bus, RENA_STS_REG_TORQUE, 1, c->ids, RENA_NUM_SERVOS, on, NULL,
                               NULL, NULL) != RENA_OK)
        return 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        if (on[i])
            return 0;
    return 1;
}

/* Neutral, then torque off (or kept on with hold). Best effort: torque goes
 * off even when the ease fails, by SYNC_WRITE and by broadcast WRITE, and is
 * read back so "off" is known rather than hoped for. */
static rena_status park(hw_ctx *c, int hold, rena_error *err)
{
    float neutral[RENA_NUM_SERVOS];
    neutral_of(c, neutral);
    rena_status st = RENA_OK;
    if (c->torque_on) {
        st = ramp_to(c, neutral, err);
        if (st == RENA_OK)
            st = wait_settled(c, err);
    }
    if (hold && st == RENA_OK)
        return RENA_OK;
    uint8_t zero = 0;
    int off = 0;
    for (int attempt = 0; attempt < 3 && !off; attempt++) {
        set_torque(c, 0, NULL);
        rena_sts_bus_write(&c->bus, RENA_STS_WRITE, RENA_STS_BROADCAST, RENA_STS_REG_TORQUE, &zero,
                           1, NULL, NULL);
        off = torque_is_off(c);
    }
    c->torque_on = 0;
    if (st == RENA_OK && !off)
        st = rena_error_set(err, RENA_ERR_BACKEND, c->bus.port.path,
                            "could not confirm torque off on every servo");
    return st;
}

/* ---- the watchdog ------------------------------------------------------ */

static void *watchdog_main(void *arg)
{
    hw_ctx *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->quit) {
        double now = now_s();
        if (rena_safety_watchdog_check(&c->wd, now)) {
            park(c, 0, NULL);
            c->watchdog_fired++;
            continue;
        }
        double wait = rena_safety_watchdog_remaining(&c->wd, now);
        wait = wait > 1.0 ? 1.0 : wait < 0.001 ? 0.001 : wait;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts); /* pthread_cond_timedwait's default clock */
        double t = (double)ts.tv_nsec * 1e-9 + wait;
        ts.tv_sec += (time_t)t;
        ts.tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
        pthread_cond_timedwait(&c->wake, &c->lock, &ts);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ---- the actuator interface -------------------------------------------- */

static rena_status hw_write(void *ctx, const float cmd[RENA_NUM_SERVOS],
                            float sent[RENA_NUM_SERVOS], rena_error *err)
{
    hw_ctx *c = ctx;
    float target[RENA_NUM_SERVOS];
    pthread_mutex_lock(&c->lock);
    rena_safety_sanitize(&c->cal, cmd, target);
    rena_status st = move_to(c, target, err);
    rena_safety_watchdog_feed(&c->wd, now_s());
    pthread_mutex_unlock(&c->lock);
    if (sent)
        memcpy(sent, target, sizeof target);
    return st;
}

static rena_status hw_reset(void *ctx, rena_error *err)
{
    hw_ctx *c = ctx;
    float neutral[RENA_NUM_SERVOS];
    pthread_mutex_lock(&c->lock);
    neutral_of(c, neutral);
    rena_status st = move_to(c, neutral, err);
    rena_safety_watchdog_feed(&c->wd, now_s());
    pthread_mutex_unlock(&c->lock);
    return st;
}

static rena_status hw_read(void *ctx, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    hw_ctx *c = ctx;
    int ticks[RENA_NUM_SERVOS];
    pthread_mutex_lock(&c->lock);
    rena_status st = read_ticks(c, ticks, err);
    if (c->wd.armed)
        rena_safety_watchdog_feed(&c->wd, now_s());
    pthread_mutex_unlock(&c->lock);
    if (st != RENA_OK)
        return st;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        pos[i] = rena_calibration_from_ticks(&c->cal, i, ticks[i]);
    return RENA_OK;
}

static rena_status hw_observe(void *ctx, unsigned want, rena_observation *obs, rena_error *err)
{
    hw_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    obs->settle_time = c->settle_time;
    pthread_mutex_unlock(&c->lock);
    obs->has_image = 0;
    obs->features.valid = 0;
    return rena_error_set(err, RENA_ERR_UNSUPPORTED, c->emu ? "emu" : "serial",
                          "the servo bus has no camera or perception (asked for %s%s%s); read "
                          "the present positions instead",
                          want & RENA_OBS_IMAGE ? "images" : "",
                          (want & RENA_OBS_IMAGE) && (want & RENA_OBS_FEATURES) ? " and " : "",
                          want & RENA_OBS_FEATURES ? "features" : "");
}

static void hw_close(void *ctx)
{
    hw_ctx *c = ctx;
    if (!c)
        return;
    if (c->watchdog_started) {
        pthread_mutex_lock(&c->lock);
        c->quit = 1;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->watchdog, NULL);
    }
    if (c->bus.port.ops)
        park(c, c->opt.hold_torque, NULL);
    rena_sts_bus_close(&c->bus);
    rena_emu_stop(c->emu);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* ---- opening ----------------------------------------------------------- */

static rena_status check_options(const rena_hw_options *o, rena_error *err)
{
    if (!o->emulate && (!o->port || !*o->port))
        return rena_error_set(err, RENA_ERR_ARG, "hw options", "no serial port given");
    if (o->baud < 0 || !(o->watchdog_s >= 0) || o->timeout_ms < 1 || o->retries < 0 ||
        !(o->max_step > 0.0f && o->max_step <= 1.0f) || !(o->cycle_s >= 0) ||
        !(o->settle_timeout_s >= 0) || o->settle_ticks < 0 || o->goal_speed < 0 ||
        o->goal_speed > 32767)
        return rena_error_set(err, RENA_ERR_ARG, "hw options",
                              "out of range (baud >= 0, timeout_ms >= 1, retries >= 0, "
                              "0 < max_step <= 1, non-negative times, goal_speed 0..32767)");
    if (o->transport < RENA_TRANSPORT_AUTO || o->transport > RENA_TRANSPORT_TERMIOS)
        return rena_error_set(err, RENA_ERR_ARG, "hw options", "unknown transport %d",
                              o->transport);
    if (o->emulate && !(o->emu_speedup > 0))
        return rena_error_set(err, RENA_ERR_ARG, "hw options", "emu_speedup must be positive");
    return RENA_OK;
}

static rena_status start_emulator(hw_ctx *c, rena_error *err)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    rena_status st = rena_emu_faults_parse(c->opt.emu_faults, &eo.faults, err);
    if (st != RENA_OK)
        return st;
    eo.count = RENA_NUM_SERVOS;
    memcpy(eo.ids, c->ids, sizeof c->ids);
    eo.baud = c->opt.baud;
    eo.pace = c->opt.emu_pace;
    eo.speedup = c->opt.emu_speedup;
    return rena_emu_start(&eo, &c->emu, err);
}

static rena_status find_all_servos(hw_ctx *c, rena_error *err)
{
    char missing[400] = "";
    size_t at = 0;
    int n = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_error e;
        rena_status st = rena_sts_bus_ping(&c->bus, c->ids[i], NULL, &e);
        if (st == RENA_ERR_TIMEOUT || st == RENA_ERR_CHECKSUM) {
            int w = snprintf(missing + at, sizeof missing - at, "%s%s (ID %d)", n ? ", " : "",
                             rena_servos[i].name, c->ids[i]);
            at = w > 0 && (size_t)w < sizeof missing - at ? at + (size_t)w : sizeof missing - 1;
            n++;
        } else if (st != RENA_OK) {
            return rena_error_set(err, st, e.where, "%s", e.message);
        }
    }
    if (n)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, c->bus.port.path,
                              "%d of %d servos do not answer: %s", n, RENA_NUM_SERVOS, missing);
    return RENA_OK;
}

static rena_status set_goal_speed(hw_ctx *c, rena_error *err)
{
    uint8_t data[RENA_NUM_SERVOS * 2];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        rena_sts_put_u16(data + 2 * i, (uint16_t)c->opt.goal_speed);
    return rena_sts_bus_sync_write(&c->bus, RENA_STS_REG_GOAL_SPEED, 2, c->ids, RENA_NUM_SERVOS,
                                   data, err);
}

static rena_status open_ctx(hw_ctx *c, rena_error *err)
{
    rena_status st = RENA_OK;
    if (c->opt.calibration)
        st = rena_calibration_load(c->opt.calibration, &c->cal, err);
    if (st != RENA_OK)
        return st;
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        c->ids[i] = (uint8_t)c->cal.servo[i].id;
    if (c->opt.emulate && (st = start_emulator(c, err)) != RENA_OK)
        return st;
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = c->opt.timeout_ms;
    bo.retries = c->opt.retries;
    bo.transport = (rena_transport_kind)c->opt.transport;
    const char *port = c->emu ? rena_emu_port(c->emu) : c->opt.port;
    if ((st = rena_sts_bus_open(&c->bus, port, c->opt.baud, &bo, err)) != RENA_OK)
        return st;
    if ((st = find_all_servos(c, err)) != RENA_OK || (st = set_goal_speed(c, err)) != RENA_OK ||
        (st = hold_here(c, err)) != RENA_OK)
        return st;
    rena_safety_watchdog_init(&c->wd, c->opt.watchdog_s, now_s());
    if (c->opt.watchdog_s > 0) {
        if (pthread_create(&c->watchdog, NULL, watchdog_main, c) != 0)
            return rena_error_set(err, RENA_ERR_BACKEND, port, "cannot start the watchdog");
        c->watchdog_started = 1;
    }
    return RENA_OK;
}

rena_status rena_hw_open(const rena_hw_options *opt, rena_actuator *out, rena_error *err)
{
    rena_hw_options defaults;
    if (!opt) {
        rena_hw_options_default(&defaults);
        opt = &defaults;
    }
    memset(out, 0, sizeof *out);
    rena_status st = check_options(opt, err);
    if (st != RENA_OK)
        return st;
    hw_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return rena_error_set(err, RENA_ERR_NOMEM, "hw", "out of memory");
    c->opt = *opt;
    if (c->opt.baud == 0)
        c->opt.baud = 1000000;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    rena_calibration_default(&c->cal);
    st = open_ctx(c, err);
    if (st != RENA_OK) {
        /* Servos never told to hold are left exactly as they were. */
        if (!c->torque_on)
            rena_sts_bus_close(&c->bus);
        hw_close(c);
        return st;
    }
    out->name = c->emu ? "emu" : "serial";
    out->ctx = c;
    out->write = hw_write;
    out->reset = hw_reset;
    out->read = hw_read;
    out->observe = hw_observe;
    out->close = hw_close;
    return RENA_OK;
}

rena_status rena_hw_get_stats(const rena_actuator *a, rena_hw_stats *stats, rena_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (!a || a->write != hw_write)
        return rena_error_set(err, RENA_ERR_ARG, "hw stats", "not a hardware actuator");
    hw_ctx *c = a->ctx;
    pthread_mutex_lock(&c->lock);
    stats->watchdog_fired = c->watchdog_fired;
    stats->cycles = c->cycles;
    stats->retries = c->bus.stats.retries;
    stats->timeouts = c->bus.stats.timeouts;
    stats->corrupt = c->bus.stats.corrupt;
    stats->torque_on = c->torque_on;
    stats->port = c->bus.port.path;
    pthread_mutex_unlock(&c->lock);
    return RENA_OK;
}
