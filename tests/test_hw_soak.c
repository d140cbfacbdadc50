/* A soak test of the bus driver (sts_bus.h) against the emulator over a pty:
 * 100,000 control cycles of random commands (NaN, Inf, out of range
 * included) through the safety layer, one SYNC_WRITE of 25 goals and one
 * read-back each, while the emulator drops and corrupts replies, sends noise,
 * answers late, loses a servo and sticks a horn. The driver must never hang,
 * never put a goal outside the calibrated limits on the bus, never report a
 * stale position as read, keep SYNC_READ through the transient faults, and
 * report each fault class; then the emulator is stopped under it and the
 * calls must fail cleanly. The counts per class are printed. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calibration.h"
#include "emulator.h"
#include "rng.h"
#include "safety.h"
#include "sts_bus.h"
#include "testutil.h"

enum {
    TIMEOUT_MS = 4,          /* short, so the injected timeouts do not dominate the run */
    RETRIES = 1,
    CALL_BOUND_MS = 25 * TIMEOUT_MS, /* a failing servo costs 3 timeouts; the rest is slack */
    DELAY_MS = 50 * TIMEOUT_MS, /* the late servo's replies come this late */
    LATE_MS = DELAY_MS + 50, /* so the driver must still expect them this long */
    STRETCH = 60,            /* cycles of each stretch fault */
    STUCK_STRETCH = 300,
    DELAYED_ID = 5, ABSENT_ID = 12, CORRUPT_ID = 17, STUCK_ID = 8,
};

/* Background faults on all the time, at rates low enough that retries hide
 * nearly all of them; the stretches add one servo-specific fault each. */
#define BACKGROUND "drop=0.0001,garbage=0.002"
#define BACKGROUND_CORRUPT ",corrupt=0.0001"

typedef enum { CLS_OK, CLS_TIMEOUT, CLS_CHECKSUM, CLS_ERRBIT, CLS_IO, CLS_OTHER, CLS_N } fault_class;
static const char *class_name[CLS_N] = {"ok", "timeout", "checksum", "servo error bit", "io",
                                        "other"};

typedef enum { PH_BASE, PH_DELAY, PH_ABSENT, PH_CORRUPT, PH_STUCK } phase;

typedef struct {
    long per_servo[CLS_N];    /* read-back result of each servo, each cycle */
    long write_calls[CLS_N];  /* SYNC_WRITE statuses */
    long read_calls[CLS_N];   /* read_many statuses */
    long delayed_timeouts, absent_timeouts, absent_cycles, corrupt_checksums;
    long stuck_overloads, stuck_cycles, errbits_elsewhere;
    long goals_checked, goals_equal;
    long positions_checked;   /* positions read back OK and found true (all servos
                               * every 8th cycle, the late servo every cycle) */
    long late_positions_ok;   /* of those, the late servo's during its stretch */
    double max_call_ms;
} soak_counts;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static fault_class classify(rena_status st, uint8_t errbits)
{
    switch (st) {
    case RENA_OK:
        return errbits ? CLS_ERRBIT : CLS_OK;
    case RENA_ERR_TIMEOUT:
        return CLS_TIMEOUT;
    case RENA_ERR_CHECKSUM:
        return CLS_CHECKSUM;
    case RENA_ERR_IO:
        return CLS_IO;
    default:
        return CLS_OTHER;
    }
}

static phase phase_of(long cycle, long n)
{
    long at[] = {n / 5, 2 * n / 5, 3 * n / 5, 4 * n / 5};
    if (cycle >= at[0] && cycle < at[0] + STRETCH)
        return PH_DELAY;
    if (cycle >= at[1] && cycle < at[1] + STRETCH)
        return PH_ABSENT;
    if (cycle >= at[2] && cycle < at[2] + STRETCH)
        return PH_CORRUPT;
    if (cycle >= at[3] && cycle < at[3] + STUCK_STRETCH)
        return PH_STUCK;
    return PH_BASE;
}

static void set_phase(rena_emu *emu, phase p, unsigned seed)
{
    char spec[256];
    switch (p) {
    case PH_DELAY: /* replies 50x the timeout late: the driver must give up and go on,
                    * and once they come never take one for the answer to a later
                    * request (STS has no sequence numbers) */
        snprintf(spec, sizeof spec, BACKGROUND BACKGROUND_CORRUPT ",delay=%d@%d,seed=%u",
                 DELAY_MS, DELAYED_ID, seed);
        break;
    case PH_ABSENT:
        snprintf(spec, sizeof spec, BACKGROUND BACKGROUND_CORRUPT ",absent=%d,seed=%u", ABSENT_ID,
                 seed);
        break;
    case PH_CORRUPT: /* a servo on a bad line: every reply's checksum is wrong */
        snprintf(spec, sizeof spec, BACKGROUND ",corrupt=1@%d,seed=%u", CORRUPT_ID, seed);
        break;
    case PH_STUCK:
        snprintf(spec, sizeof spec, BACKGROUND BACKGROUND_CORRUPT ",stuck=%d,seed=%u", STUCK_ID,
                 seed);
        break;
    default:
        snprintf(spec, sizeof spec, BACKGROUND BACKGROUND_CORRUPT ",seed=%u", seed);
    }
    rena_emu_faults f;
    rena_error e;
    ck_assert_msg(rena_emu_faults_parse(spec, &f, &e) == RENA_OK, "%s: %s", spec, e.message);
    rena_emu_set_faults(emu, &f);
}

/* Mostly plausible commands, with the garbage a broken upstream can send. */
static void random_commands(rena_rng *r, float cmd[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        double u = rena_rng_uniform(r);
        if (u < 0.05)
            cmd[i] = NAN;
        else if (u < 0.08)
            cmd[i] = INFINITY;
        else if (u < 0.11)
            cmd[i] = -INFINITY;
        else if (u < 0.25)
            cmd[i] = (float)rena_rng_range(r, -5.0, 6.0);
        else
            cmd[i] = (float)rena_rng_uniform(r);
    }
}

static void encode_goals(const rena_calibration *cal, const int ticks[RENA_NUM_SERVOS],
                         uint8_t data[2 * RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        ck_assert_int_ge(ticks[i], cal->servo[i].min_ticks);
        ck_assert_int_le(ticks[i], cal->servo[i].max_ticks);
        rena_sts_put_u16(data + 2 * i, rena_sts_to_sign_magnitude(ticks[i], 15));
    }
}

static void note_call_time(soak_counts *c, double t0)
{
    double ms = now_ms() - t0;
    if (ms > c->max_call_ms)
        c->max_call_ms = ms;
    ck_assert_msg(ms < CALL_BOUND_MS, "a bus call took %.1f ms (bound %d ms)", ms, CALL_BOUND_MS);
}

/* Where the horns stand once the emulator holds this cycle's goals (it
 * handles the SYNC_WRITE on its own thread): from then on each moves
 * straight toward its goal until the next cycle. The late servo every
 * cycle, all of them when `all`; -1 for the others (and an absent servo,
 * which ignores writes). */
static void horns_before_read(rena_emu *emu, const rena_calibration *cal, phase p, int all,
                              const int ticks[RENA_NUM_SERVOS], int before[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int id = cal->servo[i].id;
        before[i] = -1;
        if ((!all && id != DELAYED_ID) || (p == PH_ABSENT && id == ABSENT_ID))
            continue;
        double t0 = now_ms();
        rena_emu_view v;
        for (;;) {
            ck_assert(rena_emu_view_servo(emu, (uint8_t)id, &v));
            if (v.goal == ticks[i])
                break;
            /* the emulator's thread needs the CPU (and the lock) to get there */
            ck_assert_msg(now_ms() - t0 < 5000.0, "the emulator never took the goals");
            sched_yield();
        }
        before[i] = v.position;
    }
}

/* The emulator's goal registers: inside the limits always, and equal to
 * what was sent for every servo that answered this cycle (its answer came
 * after the SYNC_WRITE, which the emulator handles in order). A position
 * read back OK is the true one: between where the horn was before the read
 * and where it is now (it moved monotonically), never a stale reply. */
static void check_goals(rena_emu *emu, const rena_calibration *cal, phase p,
                        const int ticks[RENA_NUM_SERVOS], const rena_status res[RENA_NUM_SERVOS],
                        const int before[RENA_NUM_SERVOS], const uint8_t pos[],
                        soak_counts *c)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_emu_view v;
        int id = cal->servo[i].id;
        ck_assert(rena_emu_view_servo(emu, (uint8_t)id, &v));
        ck_assert_msg(v.goal >= cal->servo[i].min_ticks && v.goal <= cal->servo[i].max_ticks,
                      "servo %d goal %d outside [%d,%d]", id, v.goal, cal->servo[i].min_ticks,
                      cal->servo[i].max_ticks);
        c->goals_checked++;
        if (res[i] != RENA_OK)
            continue;
        ck_assert_int_eq(v.goal, ticks[i]);
        c->goals_equal++;
        if (before[i] < 0)
            continue;
        int read = rena_sts_from_sign_magnitude(rena_sts_get_u16(pos + 2 * i), 15);
        int lo = before[i] < v.position ? before[i] : v.position;
        int hi = before[i] < v.position ? v.position : before[i];
        ck_assert_msg(read >= lo && read <= hi,
                      "servo %d read back %d as RENA_OK, but its horn was in [%d,%d]: a stale "
                      "reply taken for the answer",
                      id, read, lo, hi);
        c->positions_checked++;
        c->late_positions_ok += p == PH_DELAY && id == DELAYED_ID;
    }
}

static void tally_reads(const rena_calibration *cal, phase p, const rena_status res[],
                        const uint8_t bits[], soak_counts *c)
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int id = cal->servo[i].id;
        fault_class k = classify(res[i], bits[i]);
        c->per_servo[k]++;
        c->delayed_timeouts += p == PH_DELAY && id == DELAYED_ID && k == CLS_TIMEOUT;
        c->absent_timeouts += p == PH_ABSENT && id == ABSENT_ID && k == CLS_TIMEOUT;
        c->corrupt_checksums += p == PH_CORRUPT && id == CORRUPT_ID && k == CLS_CHECKSUM;
        if (k == CLS_ERRBIT) {
            if (p == PH_STUCK && id == STUCK_ID && (bits[i] & RENA_STS_ERR_OVERLOAD))
                c->stuck_overloads++;
            else
                c->errbits_elsewhere++;
        }
    }
    c->absent_cycles += p == PH_ABSENT;
    c->stuck_cycles += p == PH_STUCK;
}

typedef struct {
    rena_sts_bus bus;
    uint8_t ids[RENA_NUM_SERVOS];
    float prev[RENA_NUM_SERVOS];
    rena_rng rng;
} driver;

/* One control cycle; returns the read-back status (per servo in res). With
 * emu, notes where the horns were before the read (before[]). */
static rena_status cycle(driver *d, const rena_calibration *cal, rena_emu *emu, phase p,
                         int check_all,
                         int ticks[RENA_NUM_SERVOS], rena_status res[RENA_NUM_SERVOS],
                         uint8_t bits[RENA_NUM_SERVOS], int before[RENA_NUM_SERVOS],
                         uint8_t pos[2 * RENA_NUM_SERVOS], rena_status *wst, soak_counts *c)
{
    float target[RENA_NUM_SERVOS], cmd[RENA_NUM_SERVOS];
    uint8_t goals[2 * RENA_NUM_SERVOS];
    random_commands(&d->rng, target);
    rena_safety_step(cal, d->prev, target, 0.25f, cmd);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ck_assert(isfinite(cmd[i]) && cmd[i] >= 0.0f && cmd[i] <= 1.0f);
    memcpy(d->prev, cmd, sizeof cmd);
    rena_safety_ticks(cal, cmd, ticks);
    encode_goals(cal, ticks, goals);
    double t0 = now_ms();
    *wst = rena_sts_bus_sync_write(&d->bus, RENA_STS_REG_GOAL_POSITION, 2, d->ids,
                                   RENA_NUM_SERVOS, goals, NULL);
    note_call_time(c, t0);
    if (emu && *wst == RENA_OK)
        horns_before_read(emu, cal, p, check_all, ticks, before);
    memset(bits, 0, RENA_NUM_SERVOS);
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        res[i] = RENA_ERR_IO;
    t0 = now_ms();
    rena_status st = rena_sts_bus_read_many(&d->bus, RENA_STS_REG_PRESENT_POSITION, 2, d->ids,
                                            RENA_NUM_SERVOS, pos, bits, res, NULL);
    note_call_time(c, t0);
    c->write_calls[classify(*wst, 0)]++;
    c->read_calls[classify(st, 0)]++;
    return st;
}

static void print_counts(const char *title, const long n[CLS_N])
{
    printf("soak: %-22s", title);
    for (int k = 0; k < CLS_N; k++)
        printf(" %s=%ld", class_name[k], n[k]);
    printf("\n");
}

static void *stop_later(void *arg)
{
    usleep(30000);
    rena_emu_stop(arg);
    return NULL;
}

/* The emulator (the "device") goes away while the driver is cycling: every
 * call from then on fails with IO or TIMEOUT within the bound. */
static void disconnect_mid_run(rena_emu *emu, driver *d, const rena_calibration *cal,
                               soak_counts *c)
{
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, stop_later, emu), 0);
    int ticks[RENA_NUM_SERVOS], horns[RENA_NUM_SERVOS];
    rena_status res[RENA_NUM_SERVOS], wst;
    uint8_t bits[RENA_NUM_SERVOS], pos[2 * RENA_NUM_SERVOS];
    long before = 0, after = 0;
    double t0 = now_ms();
    /* Cycle (no emulator views: it is being freed) until the loss shows. */
    while (cycle(d, cal, NULL, PH_BASE, 0, ticks, res, bits, horns, pos, &wst, c) == RENA_OK &&
           wst == RENA_OK) {
        before++;
        ck_assert_msg(now_ms() - t0 < 5000.0, "the disconnect was never noticed");
    }
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    long io = 0;
    for (; after < 50; after++) {
        rena_status st = cycle(d, cal, NULL, PH_BASE, 0, ticks, res, bits, horns, pos, &wst, c);
        ck_assert_msg(st == RENA_ERR_IO || st == RENA_ERR_TIMEOUT, "read after disconnect: %d",
                      st);
        ck_assert_msg(wst == RENA_ERR_IO || wst == RENA_ERR_TIMEOUT,
                      "write after disconnect: %d", wst);
        io += st == RENA_ERR_IO && wst == RENA_ERR_IO;
    }
    /* a closed master is a hang-up, not a silent servo */
    ck_assert_int_gt(io, 0);
    printf("soak: disconnect after %ld good cycles; %ld failing cycles, %ld with IO errors\n",
           before, after, io);
}

START_TEST(soak_with_faults_then_disconnect)
{
    /* 100,000 cycles normally; 20,000 under ASan/UBSan, which slow each
     * cycle's bookkeeping (not its waits) several times. */
    const long n = rena_test_sanitized() ? 20000 : 100000;
    rena_calibration cal;
    rena_calibration_default(&cal);
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = 20.0;
    rena_emu *emu = NULL;
    rena_error e;
    ck_assert_msg(rena_emu_start(&eo, &emu, &e) == RENA_OK, "%s", e.message);
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = TIMEOUT_MS;
    bo.retries = RETRIES;
    bo.late_ms = LATE_MS;
    driver d;
    ck_assert_msg(rena_sts_bus_open(&d.bus, rena_emu_port(emu), eo.baud, &bo, &e) == RENA_OK,
                  "%s", e.message);
    uint8_t on[RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        d.ids[i] = (uint8_t)cal.servo[i].id;
        d.prev[i] = rena_calibration_neutral(&cal, i);
        on[i] = 1;
    }
    rena_rng_init(&d.rng, 2024, 0);
    /* torque on, so a stuck horn is pushed and reports overload */
    ck_assert_int_eq(rena_sts_bus_sync_write(&d.bus, RENA_STS_REG_TORQUE, 1, d.ids,
                                             RENA_NUM_SERVOS, on, NULL),
                     RENA_OK);
    soak_counts c;
    memset(&c, 0, sizeof c);
    phase cur = PH_BASE;
    unsigned seeds = 1;
    set_phase(emu, cur, seeds++);
    double start = now_ms();
    for (long k = 0; k < n; k++) {
        phase p = phase_of(k, n);
        if (p != cur)
            set_phase(emu, cur = p, seeds++);
        int ticks[RENA_NUM_SERVOS], horns[RENA_NUM_SERVOS];
        rena_status res[RENA_NUM_SERVOS], wst;
        uint8_t bits[RENA_NUM_SERVOS], pos[2 * RENA_NUM_SERVOS];
        rena_status st = cycle(&d, &cal, emu, p, k % 8 == 0, ticks, res, bits, horns, pos, &wst, &c);
        ck_assert_int_eq(wst, RENA_OK); /* nothing answers a SYNC_WRITE: only IO can fail it */
        ck_assert(st == RENA_OK || st == RENA_ERR_TIMEOUT || st == RENA_ERR_CHECKSUM);
        tally_reads(&cal, p, res, bits, &c);
        check_goals(emu, &cal, p, ticks, res, horns, pos, &c);
    }
    double soak_s = (now_ms() - start) * 1e-3;
    rena_emu_stats es = rena_emu_get_stats(emu);

    printf("soak: %ld cycles in %.1f s (%.0f us/cycle), max call %.2f ms (bound %d ms)\n", n,
           soak_s, soak_s * 1e6 / (double)n, c.max_call_ms, CALL_BOUND_MS);
    printf("soak: injected: dropped=%ld corrupted=%ld garbage=%ld delayed=%ld absent_cycles=%ld "
           "stuck_cycles=%ld (emulator: %ld packets, %ld replies)\n",
           es.dropped, es.corrupted, es.garbage, es.delayed, c.absent_cycles, c.stuck_cycles,
           es.packets, es.replies);
    print_counts("per-servo read-back:", c.per_servo);
    print_counts("read_many calls:", c.read_calls);
    print_counts("sync_write calls:", c.write_calls);
    const rena_sts_bus_stats *bs = &d.bus.stats;
    printf("soak: driver: timeouts=%ld corrupt=%ld retries=%ld stale=%ld sync_fallbacks=%ld\n",
           bs->timeouts, bs->corrupt, bs->retries, bs->stale, bs->sync_fallbacks);
    printf("soak: driver: late_replies=%ld discarded_bytes=%ld shifted=%ld refused=%ld "
           "sync_disabled=%ld sync_reprobes=%ld\n",
           bs->late_replies, bs->discarded_bytes, bs->shifted, bs->refused, bs->sync_disabled,
           bs->sync_reprobes);
    printf("soak: positions read back OK and checked true=%ld (late servo in its stretch=%ld)\n",
           c.positions_checked, c.late_positions_ok);
    printf("soak: reported: delayed servo timeouts=%ld absent servo timeouts=%ld corrupt servo "
           "checksums=%ld stuck servo overloads=%ld; goals checked=%ld, equal to sent=%ld\n",
           c.delayed_timeouts, c.absent_timeouts, c.corrupt_checksums, c.stuck_overloads,
           c.goals_checked, c.goals_equal);

    /* every fault class injected ... */
    ck_assert_int_gt(es.dropped, 0);
    ck_assert_int_gt(es.corrupted, STRETCH);
    ck_assert_int_gt(es.garbage, 0);
    ck_assert_int_gt(es.delayed, 0);
    /* ... and reported: background drops and corrupt replies are retried
     * (re-read with READ after the SYNC_READ), a stretch fault is the
     * servo's status */
    ck_assert_int_gt(d.bus.stats.sync_fallbacks, 0);
    ck_assert_int_gt(d.bus.stats.corrupt, 0);
    ck_assert_int_ge(c.delayed_timeouts, 5);
    ck_assert_int_eq(c.absent_timeouts, c.absent_cycles); /* absent is always a timeout */
    ck_assert_int_gt(c.corrupt_checksums, STRETCH / 2);
    ck_assert_int_gt(c.stuck_overloads, STUCK_STRETCH / 2);
    ck_assert_int_eq(c.errbits_elsewhere, 0);
    ck_assert_int_eq(c.per_servo[CLS_OTHER] + c.per_servo[CLS_IO], 0);
    /* low-rate faults stay rare for the caller: nearly every read succeeds */
    ck_assert_int_gt(c.per_servo[CLS_OK], (long)(0.99 * (double)n * RENA_NUM_SERVOS));
    ck_assert_int_gt(c.goals_equal, (long)(0.99 * (double)n * (RENA_NUM_SERVOS - 1)));
    /* transient faults never cost the bus SYNC_READ; a stale reply was never
     * read back as RENA_OK (check_goals), though the late servo's came */
    ck_assert_int_eq(bs->sync_disabled, 0);
    ck_assert_int_gt(bs->late_replies, 0);
    ck_assert_int_gt(c.positions_checked, c.goals_equal / 9);

    disconnect_mid_run(emu, &d, &cal, &c);
    print_counts("after disconnect, read:", c.read_calls);
    print_counts("after disconnect, write:", c.write_calls);
    printf("soak: max call including the disconnect %.2f ms\n", c.max_call_ms);
    rena_sts_bus_close(&d.bus);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_soak");
    TCase *tc = tcase_create("soak");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, soak_with_faults_then_disconnect);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
