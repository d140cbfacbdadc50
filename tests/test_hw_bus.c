/* The bus driver against the emulator over a real pseudo-terminal: scan,
 * sync write and read back, and every injected fault with the retry or
 * error the driver documents (sts_bus.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emulator.h"
#include "rng.h"
#include "sts_bus.h"
#include "testutil.h"
#include "transport.h"

static rena_emu *emu;
static rena_sts_bus bus;

static void start_opts(const rena_emu_options *eo, const rena_sts_bus_options *bo)
{
    rena_error e;
    ck_assert_msg(rena_emu_start(eo, &emu, &e) == RENA_OK, "%s", e.message);
    ck_assert_msg(rena_sts_bus_open(&bus, rena_emu_port(emu), eo->baud, bo, &e) == RENA_OK, "%s",
                  e.message);
}

static void start_with(const rena_emu_options *eo, int timeout_ms, int retries)
{
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = timeout_ms;
    bo.retries = retries;
    start_opts(eo, &bo);
}

static void start_faulty(const char *faults, int timeout_ms, int retries)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = 20.0;
    rena_error e;
    ck_assert_msg(rena_emu_faults_parse(faults, &eo.faults, &e) == RENA_OK, "%s", e.message);
    start_with(&eo, timeout_ms, retries);
}

static void stop(void)
{
    rena_sts_bus_close(&bus);
    rena_emu_stop(emu);
    emu = NULL;
}

static void all_ids(uint8_t ids[25])
{
    for (int i = 0; i < 25; i++)
        ids[i] = (uint8_t)(i + 1);
}

START_TEST(scan_finds_exactly_the_configured_ids)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    const uint8_t ids[] = {1, 2, 3, 7, 19, 25, 40};
    eo.count = (int)sizeof ids;
    memcpy(eo.ids, ids, sizeof ids);
    start_with(&eo, 20, 0);
    uint8_t found[64];
    size_t n = 0;
    ck_assert_int_eq(rena_sts_bus_scan(&bus, 0, 42, found, &n, NULL), RENA_OK);
    ck_assert_uint_eq(n, sizeof ids);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(found[i], ids[i]);
    rena_sts_servo_state s;
    ck_assert_int_eq(rena_sts_bus_read_state(&bus, 19, &s, NULL), RENA_OK);
    ck_assert_int_eq(s.id, 19);
    ck_assert_int_eq(s.model, RENA_STS_MODEL_STS3032);
    ck_assert_int_eq(s.position, 2048);
    ck_assert_int_eq(s.max_angle, 4095);
    stop();
}
END_TEST

START_TEST(sync_write_then_read_back_converges)
{
    start_faulty("", 20, 2);
    uint8_t ids[25], data[50], torque[25], back[50];
    all_ids(ids);
    memset(torque, 1, sizeof torque);
    ck_assert_int_eq(rena_sts_bus_sync_write(&bus, RENA_STS_REG_TORQUE, 1, ids, 25, torque, NULL),
                     RENA_OK);
    int goal[25];
    rena_rng r;
    rena_rng_init(&r, 7, 0);
    for (int i = 0; i < 25; i++) {
        goal[i] = 1200 + (int)rena_rng_below(&r, 1700);
        rena_sts_put_u16(data + 2 * i, rena_sts_to_sign_magnitude(goal[i], 15));
    }
    ck_assert_int_eq(rena_sts_bus_sync_write(&bus, RENA_STS_REG_GOAL_POSITION, 2, ids, 25, data,
                                             NULL),
                     RENA_OK);
    int converged = 0, reads = 0;
    for (; reads < 400 && !converged; reads++) {
        rena_error e;
        ck_assert_msg(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25, back,
                                             NULL, NULL, &e) == RENA_OK,
                      "%s", e.message);
        converged = 1;
        for (int i = 0; i < 25; i++)
            converged &=
                rena_sts_from_sign_magnitude(rena_sts_get_u16(back + 2 * i), 15) == goal[i];
        usleep(2000);
    }
    ck_assert_msg(converged, "positions did not reach the goals in %d reads", reads);
    ck_assert_int_gt(reads, 1); /* it moved over time, not in one jump */
    ck_assert_int_eq(bus.stats.sync_fallbacks, 0);
    ck_assert_int_eq(bus.stats.timeouts + bus.stats.corrupt, 0);
    stop();
}
END_TEST

START_TEST(absent_servo_times_out_others_answer)
{
    start_faulty("absent=3", 30, 2);
    rena_error e;
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 3, NULL, &e), RENA_ERR_TIMEOUT);
    ck_assert_ptr_nonnull(
        strstr(e.message, "servo 3 did not answer PING (3 tries, 30 ms timeout)"));
    ck_assert_int_eq(bus.stats.timeouts, 3);
    ck_assert_int_eq(bus.stats.retries, 2);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 4, NULL, NULL), RENA_OK);
    uint8_t ids[25], data[50];
    rena_status res[25];
    all_ids(ids);
    ck_assert_int_eq(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25, data,
                                            NULL, res, &e),
                     RENA_ERR_TIMEOUT);
    for (int i = 0; i < 25; i++)
        ck_assert_int_eq(res[i], i == 2 ? RENA_ERR_TIMEOUT : RENA_OK);
    ck_assert_int_eq(bus.stats.sync_fallbacks, 1);
    stop();
}
END_TEST

START_TEST(corrupt_reply_is_a_checksum_error_not_a_timeout)
{
    start_faulty("corrupt=1@2", 30, 2);
    rena_error e;
    uint8_t data[2];
    ck_assert_int_eq(rena_sts_bus_read(&bus, 2, RENA_STS_REG_PRESENT_POSITION, 2, data, NULL, &e),
                     RENA_ERR_CHECKSUM);
    ck_assert_ptr_nonnull(strstr(e.message, "corrupted reply"));
    ck_assert_int_eq(bus.stats.corrupt, 3);
    ck_assert_int_eq(bus.stats.timeouts, 0);
    ck_assert_int_eq(rena_emu_get_stats(emu).corrupted, 3);
    ck_assert_int_eq(rena_sts_bus_read(&bus, 1, RENA_STS_REG_PRESENT_POSITION, 2, data, NULL, &e),
                     RENA_OK);
    /* In a SYNC_READ the parser skips the bad reply and keeps the others. */
    uint8_t ids[25], many[50];
    rena_status res[25];
    all_ids(ids);
    ck_assert_int_eq(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25, many,
                                            NULL, res, &e),
                     RENA_ERR_CHECKSUM);
    for (int i = 0; i < 25; i++)
        ck_assert_int_eq(res[i], i == 1 ? RENA_ERR_CHECKSUM : RENA_OK);
    stop();
}
END_TEST

START_TEST(dropped_replies_are_retried)
{
    start_faulty("drop=0.3,seed=11", 40, 4);
    int ok = 0, failed = 0;
    for (int k = 0; k < 40; k++) {
        uint8_t data[2];
        rena_status st =
            rena_sts_bus_read(&bus, (uint8_t)(1 + k % 25), RENA_STS_REG_PRESENT_POSITION, 2, data,
                              NULL, NULL);
        ck_assert(st == RENA_OK || st == RENA_ERR_TIMEOUT);
        if (st == RENA_OK) {
            ok++;
            ck_assert_int_eq(rena_sts_from_sign_magnitude(rena_sts_get_u16(data), 15), 2048);
        } else {
            failed++;
        }
    }
    rena_emu_stats es = rena_emu_get_stats(emu);
    ck_assert_int_eq(ok + failed, 40);
    ck_assert_int_gt(es.dropped, 0);
    /* every dropped reply cost exactly one timed-out attempt, then a retry */
    ck_assert_int_eq(bus.stats.timeouts, es.dropped);
    ck_assert_int_eq(bus.stats.retries, es.dropped - failed);
    ck_assert_int_eq(bus.stats.transactions, 40 + bus.stats.retries);
    stop();
}
END_TEST

START_TEST(late_replies_time_out_without_blocking_the_bus)
{
    start_faulty("delay=300@4", 40, 2);
    rena_error e;
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 4, NULL, &e), RENA_ERR_TIMEOUT);
    /* The other servos answer while servo 4's late replies are pending,
     * and those replies (wrong ID) are ignored when they come. */
    for (int k = 0; k < 30; k++) {
        ck_assert_int_eq(rena_sts_bus_ping(&bus, 5, NULL, &e), RENA_OK);
        usleep(10000);
    }
    /* late replies landing between transactions are flushed, not counted */
    ck_assert_int_le(bus.stats.stale, 3);
    ck_assert_int_eq(rena_emu_get_stats(emu).delayed, 3);
    stop();
    /* A delay shorter than the timeout is just a slow servo. */
    start_faulty("delay=5@4", 100, 0);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 4, NULL, &e), RENA_OK);
    stop();
}
END_TEST

START_TEST(error_bits_and_stuck_servo_are_reported)
{
    start_faulty("error=6:4,stuck=8", 20, 2);
    uint8_t bits = 0;
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 6, &bits, NULL), RENA_OK);
    ck_assert_uint_eq(bits, RENA_STS_ERR_OVERHEAT);
    ck_assert_int_eq(rena_sts_bus_write_u16(&bus, 8, RENA_STS_REG_GOAL_POSITION, 2600, NULL),
                     RENA_OK);
    ck_assert_int_eq(rena_sts_bus_write_u8(&bus, 8, RENA_STS_REG_TORQUE, 1, NULL), RENA_OK);
    usleep(50000);
    rena_sts_servo_state s;
    ck_assert_int_eq(rena_sts_bus_read_state(&bus, 8, &s, NULL), RENA_OK);
    ck_assert_int_eq(s.position, 2048);
    ck_assert_int_eq(s.goal_position, 2600);
    ck_assert_uint_eq(s.error_bits, RENA_STS_ERR_OVERLOAD);
    ck_assert_int_eq(s.load, 1000);
    stop();
}
END_TEST

static void set_faults(const char *spec)
{
    rena_emu_faults f;
    rena_error e;
    ck_assert_msg(rena_emu_faults_parse(spec, &f, &e) == RENA_OK, "%s", e.message);
    rena_emu_set_faults(emu, &f);
}

/* One read_many of the 25 present positions (all at 2048, torque off);
 * returns the instructions it put on the bus, not counting repeats after a
 * timeout (a loaded machine can cause one). */
static long read_all_25(void)
{
    uint8_t ids[25], data[50];
    all_ids(ids);
    long before = rena_emu_get_stats(emu).packets, retries = bus.stats.retries;
    rena_error e;
    ck_assert_msg(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25, data,
                                         NULL, NULL, &e) == RENA_OK,
                  "%s", e.message);
    for (int i = 0; i < 25; i++)
        ck_assert_int_eq(rena_sts_get_u16(data + 2 * i), 2048);
    return rena_emu_get_stats(emu).packets - before - (bus.stats.retries - retries);
}

START_TEST(one_silent_sync_read_does_not_turn_it_off)
{
    start_faulty("", 10, 1);
    ck_assert_int_eq(read_all_25(), 1); /* one SYNC_READ answers all */
    /* A transient: one SYNC_READ goes unanswered (as when the machine
     * stalls past the timeout) while READs answer. */
    set_faults("nosyncread");
    ck_assert_int_eq(read_all_25(), 26);
    set_faults("none");
    ck_assert_int_eq(read_all_25(), 1); /* SYNC_READ at once, not 25 READs from now on */
    ck_assert_int_eq(bus.sync_read_ok, 1);
    ck_assert_int_eq(bus.stats.sync_disabled, 0);
    stop();
}
END_TEST

START_TEST(old_firmware_settles_on_read_and_is_probed_again)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = 20.0;
    eo.faults.no_sync_read = 1;
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = 10;
    bo.retries = 1;
    bo.sync_read_give_up = 3;
    bo.sync_read_reprobe = 10;
    start_opts(&eo, &bo);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(bus.sync_read_ok, 1); /* not given up before the third */
        ck_assert_int_eq(read_all_25(), 26);   /* SYNC_READ, silent, then a READ each */
    }
    ck_assert_int_eq(bus.sync_read_ok, 0);
    ck_assert_int_eq(bus.stats.sync_disabled, 1);
    /* READs only, plus one SYNC_READ every 10 calls to see whether it works now */
    long sent = 0;
    for (int k = 0; k < 30; k++)
        sent += read_all_25();
    ck_assert_int_eq(sent, 30 * 25 + 3);
    ck_assert_int_eq(bus.stats.sync_reprobes, 3);
    ck_assert_int_eq(bus.stats.sync_disabled, 1);
    /* new firmware: the next probe finds it and the bus takes it back */
    set_faults("none");
    for (int k = 0; k < 10 && !bus.sync_read_ok; k++)
        read_all_25();
    ck_assert_int_eq(bus.sync_read_ok, 1);
    ck_assert_int_eq(bus.stats.sync_reprobes, 4);
    ck_assert_int_eq(read_all_25(), 1);
    stop();
}
END_TEST

START_TEST(waiting_bytes_are_discarded_and_counted)
{
    start_faulty("delay=50@4", 10, 0);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 4, NULL, NULL), RENA_ERR_TIMEOUT);
    usleep(120000); /* its 6-byte reply has come and waits in the buffer */
    ck_assert_int_eq(rena_emu_get_stats(emu).delayed, 1);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 5, NULL, NULL), RENA_OK);
    ck_assert_int_eq(bus.stats.discarded_bytes, 6);
    ck_assert_int_eq(bus.stats.stale, 0);
    stop();
}
END_TEST

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Reads servo 4's position after moving its horn (torque off, so it stays)
 * to a new place; a reply read back as RENA_OK must be the new place. */
static rena_status read_moved_horn(int k)
{
    int where = 1000 + 37 * (k % 50);
    ck_assert(rena_emu_move_horn(emu, 4, where));
    uint8_t d[2];
    rena_status st = rena_sts_bus_read(&bus, 4, RENA_STS_REG_PRESENT_POSITION, 2, d, NULL, NULL);
    ck_assert_msg(st == RENA_OK || st == RENA_ERR_TIMEOUT, "read %d: status %d", k, st);
    if (st == RENA_OK)
        ck_assert_msg(rena_sts_from_sign_magnitude(rena_sts_get_u16(d), 15) == where,
                      "read %d: a stale reply (%d) taken for the answer (horn at %d)", k,
                      rena_sts_from_sign_magnitude(rena_sts_get_u16(d), 15), where);
    return st;
}

START_TEST(late_reply_is_never_taken_for_a_later_answer)
{
    /* Servo 4 answers 25 ms late and the driver waits 10 ms: the reply to
     * one READ lands inside the window of the READ after next, to the same
     * servo with the same length (STS has no sequence numbers). */
    start_faulty("delay=25@4", 10, 0);
    int timeouts = 0;
    for (int k = 0; k < 15; k++)
        timeouts += read_moved_horn(k) == RENA_ERR_TIMEOUT;
    /* (a process stalled past its deadline may still find its own reply) */
    ck_assert_int_ge(timeouts, 12);
    /* The servo is prompt again while its last late replies are still on
     * their way: the driver recovers, never taking one of them. */
    set_faults("none");
    int ok = 0;
    double t0 = now_s();
    for (int k = 15; ok < 5 && now_s() - t0 < 2.0; k++) {
        ok += read_moved_horn(k) == RENA_OK;
        usleep(2000);
    }
    ck_assert_int_eq(ok, 5);
    /* the late replies were recognised when they came (or dropped unread) */
    ck_assert_int_gt(bus.stats.late_replies + bus.stats.discarded_bytes, 0);
    ck_assert_int_gt(bus.stats.shifted, 0);
    stop();
}
END_TEST

START_TEST(noise_before_replies_is_skipped)
{
    start_faulty("garbage=0.5,seed=3", 100, 0);
    uint8_t ids[25], data[50];
    all_ids(ids);
    for (int k = 0; k < 20; k++)
        ck_assert_int_eq(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25,
                                                data, NULL, NULL, NULL),
                         RENA_OK);
    ck_assert_int_gt(rena_emu_get_stats(emu).garbage, 100);
    ck_assert_int_eq(bus.stats.sync_fallbacks, 0);
    stop();
}
END_TEST

START_TEST(broadcast_torque_reg_write_action_and_eeprom_lock)
{
    start_faulty("", 20, 2);
    uint8_t ids[25], on[25];
    all_ids(ids);
    memset(on, 1, sizeof on);
    ck_assert_int_eq(rena_sts_bus_sync_write(&bus, RENA_STS_REG_TORQUE, 1, ids, 25, on, NULL),
                     RENA_OK);
    uint8_t zero = 0;
    ck_assert_int_eq(rena_sts_bus_write(&bus, RENA_STS_WRITE, RENA_STS_BROADCAST,
                                        RENA_STS_REG_TORQUE, &zero, 1, NULL, NULL),
                     RENA_OK);
    usleep(20000);
    for (uint8_t id = 1; id <= 25; id++) {
        rena_emu_view v;
        ck_assert(rena_emu_view_servo(emu, id, &v));
        ck_assert_int_eq(v.torque, 0);
    }
    uint8_t g[2];
    rena_sts_put_u16(g, 1500);
    ck_assert_int_eq(rena_sts_bus_write(&bus, RENA_STS_REG_WRITE, 9, RENA_STS_REG_GOAL_POSITION,
                                        g, 2, NULL, NULL),
                     RENA_OK);
    rena_emu_view v;
    ck_assert(rena_emu_view_servo(emu, 9, &v));
    ck_assert_int_eq(v.goal, 2048);
    ck_assert_int_eq(rena_sts_bus_action(&bus, RENA_STS_BROADCAST, NULL), RENA_OK);
    usleep(20000);
    ck_assert(rena_emu_view_servo(emu, 9, &v));
    ck_assert_int_eq(v.goal, 1500);
    /* ID is EEPROM: ignored while locked, taken once the lock is open */
    ck_assert_int_eq(rena_sts_bus_write_u8(&bus, 10, RENA_STS_REG_ID, 40, NULL), RENA_OK);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 10, NULL, NULL), RENA_OK);
    ck_assert_int_eq(rena_sts_bus_write_u8(&bus, 10, RENA_STS_REG_LOCK, 0, NULL), RENA_OK);
    ck_assert_int_eq(rena_sts_bus_write_u8(&bus, 10, RENA_STS_REG_ID, 40, NULL), RENA_OK);
    ck_assert_int_eq(rena_sts_bus_ping(&bus, 40, NULL, NULL), RENA_OK);
    stop();
}
END_TEST

START_TEST(bad_ports_are_named)
{
    rena_sts_bus b;
    rena_error e;
    ck_assert_int_eq(rena_sts_bus_open(&b, "/dev/rena-no-such-port", 1000000, NULL, &e),
                     RENA_ERR_NOT_FOUND);
    ck_assert_str_eq(e.where, "/dev/rena-no-such-port");
    ck_assert_int_eq(rena_sts_bus_open(&b, "/dev/null", 1000000, NULL, &e), RENA_ERR_IO);
    ck_assert_ptr_nonnull(strstr(e.message, "not a terminal"));
    ck_assert_int_eq(rena_transport_pick("/dev/pts/0"), RENA_TRANSPORT_TERMIOS);
    start_faulty("", 20, 0);
    ck_assert_int_eq(rena_transport_pick(rena_emu_port(emu)), RENA_TRANSPORT_TERMIOS);
    ck_assert_int_eq(rena_sts_bus_open(&b, rena_emu_port(emu), 1000000, NULL, &e), RENA_ERR_IO);
    ck_assert_ptr_nonnull(strstr(e.message, "busy"));
    /* libserialport cannot open a pty: forcing it fails with a hint */
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.transport = RENA_TRANSPORT_SERIALPORT;
    rena_sts_bus_close(&bus);
    ck_assert_int_ne(rena_sts_bus_open(&b, rena_emu_port(emu), 1000000, &bo, &e), RENA_OK);
    rena_emu_stop(emu);
    emu = NULL;
}
END_TEST

START_TEST(paced_bus_takes_wire_time)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.baud = 115200;
    eo.pace = 1;
    start_with(&eo, 20, 0);
    uint8_t ids[25], data[50];
    all_ids(ids);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25,
                                                data, NULL, NULL, NULL),
                         RENA_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    /* 33 request bytes + 25 x 8 reply bytes, 10 bits each, 5 times */
    double wire = 5.0 * (33 + 25 * 8) * 10.0 / 115200.0;
    ck_assert_double_ge(took, wire);
    ck_assert_double_eq_tol(rena_sts_bus_wire_time(&bus, 233), 233 * 10.0 / 115200.0, 1e-12);
    stop();
}
END_TEST

START_TEST(fault_specs_parse_and_reject)
{
    rena_emu_faults f;
    rena_error e;
    ck_assert_int_eq(rena_emu_faults_parse("drop=0.25@7,absent=3+4,error=5:32,nosyncread,seed=9",
                                           &f, &e),
                     RENA_OK);
    ck_assert_double_eq(f.drop, 0.25);
    ck_assert_int_eq(f.drop_id, 7);
    ck_assert(f.absent[3] && f.absent[4] && !f.absent[5]);
    ck_assert_uint_eq(f.error_bits[5], 32);
    ck_assert_int_eq(f.no_sync_read, 1);
    ck_assert_uint_eq(f.seed, 9);
    const char *bad[] = {"drop=2", "absent=300", "error=5", "bogus=1", "delay=-1", "stuck=x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(rena_emu_faults_parse(bad[i], &f, &e), RENA_ERR_ARG);
        ck_assert_str_eq(e.where, "--faults");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_bus");
    TCase *tc = tcase_create("bus");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, scan_finds_exactly_the_configured_ids);
    tcase_add_test(tc, sync_write_then_read_back_converges);
    tcase_add_test(tc, absent_servo_times_out_others_answer);
    tcase_add_test(tc, corrupt_reply_is_a_checksum_error_not_a_timeout);
    tcase_add_test(tc, dropped_replies_are_retried);
    tcase_add_test(tc, late_replies_time_out_without_blocking_the_bus);
    tcase_add_test(tc, error_bits_and_stuck_servo_are_reported);
    tcase_add_test(tc, one_silent_sync_read_does_not_turn_it_off);
    tcase_add_test(tc, late_reply_is_never_taken_for_a_later_answer);
    tcase_add_test(tc, old_firmware_settles_on_read_and_is_probed_again);
    tcase_add_test(tc, waiting_bytes_are_discarded_and_counted);
    tcase_add_test(tc, noise_before_replies_is_skipped);
    tcase_add_test(tc, broadcast_torque_reg_write_action_and_eeprom_lock);
    tcase_add_test(tc, bad_ports_are_named);
    tcase_add_test(tc, paced_bus_takes_wire_time);
    tcase_add_test(tc, fault_specs_parse_and_reject);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
