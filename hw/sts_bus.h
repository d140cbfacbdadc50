/* sts_bus.h: the STS servo bus driver: transactions (send an instruction,
 * wait for the status reply) with timeouts, retries and resynchronisation,
 * on top of a transport (transport.h) and the pure protocol (sts_protocol.h).
 *
 * Failures are told apart: RENA_ERR_TIMEOUT means no byte came back (the
 * servo is absent or unpowered); RENA_ERR_CHECKSUM means bytes came back but
 * no valid reply (bad checksum or length, a truncated packet: noise on the
 * line, wrong baud). Both are retried `retries` times first. A servo that
 * answers with error bits set (overload, overheat...) is a successful
 * transaction; its bits are returned for the caller to judge.
 *
 * Late replies. STS has no sequence numbers, so a reply that comes after
 * its timeout looks exactly like the answer to a later request to the same
 * servo with the same reply length. The driver never lets that happen:
 *  - before each request it drops whatever is waiting in the receive
 *    buffer (counted in stats.discarded_bytes); past a deadline it reads
 *    once more without waiting, so a reply that came while the process was
 *    not running is no timeout;
 *  - each READ or SYNC_READ a servo leaves unanswered is remembered as owed
 *    (servo, reply length) for `late_ms`; while a servo owes a reply of some
 *    length, it is asked for a longer one instead (the same registers plus
 *    1..RENA_STS_MAX_SHIFT neighbours; reads have no side effects), so only
 *    a fresh reply can match; a late reply that comes is recognised, counted
 *    (stats.late_replies) and pays its debt. When every length is owed the
 *    read fails at once with RENA_ERR_TIMEOUT (stats.refused) rather than
 *    trust an answer.
 * A reply later than `late_ms` after its timeout cannot be told apart.
 *
 * SYNC_READ. Servos with older firmware ignore SYNC_READ. The bus gives it up
 * only after `sync_read_give_up` SYNC_READs in a row got no byte at all while
 * the READs after them were answered, and then tries it again every
 * `sync_read_reprobe` read_many calls, so a stall of the machine never costs
 * the bus its speed for good.
 *
 * Not thread-safe: one thread at a time per bus (backend_hw.c locks). */
#ifndef RENA_STS_BUS_H
#define RENA_STS_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "sts_owed.h"
#include "sts_protocol.h"
#include "transport.h"

typedef struct {
    int timeout_ms; /* wait for a reply beyond its time on the wire; default 20 */
    int retries;    /* extra attempts after a timeout or a corrupt reply; default 2 */
    int sync_read;  /* 1: use SYNC_READ while the servos answer it; 0: READ each servo */
    int sync_read_give_up; /* silent SYNC_READs in a row (with READs answered) before the
                            * servos are taken for firmware without it; default 3 */
    int sync_read_reprobe; /* once given up, try SYNC_READ again every this many read_many
                            * calls; default 100; 0: never */
    int late_ms;    /* how long after its timeout a reply is still expected (owed) and
                     * told apart from later answers; default 100 */
    rena_transport_kind transport;
} rena_sts_bus_options;

void rena_sts_bus_options_default(rena_sts_bus_options *opt);

/* Counters since open; the benchmark reads bytes per cycle from them. */
typedef struct {
    long tx_bytes, rx_bytes;
    long transactions;
    long timeouts;      /* attempts that got no byte back */
    long corrupt;       /* attempts that got bytes but no valid reply */
    long retries;       /* attempts repeated after a failure */
    long stale;         /* valid packets not answering the request (other servo or length) */
    long sync_fallbacks;/* servos re-read with READ after a SYNC_READ */
    long sync_disabled; /* times SYNC_READ was given up (servos taken for old firmware) */
    long sync_reprobes; /* SYNC_READs sent while given up, to see whether it works again */
    long discarded_bytes; /* bytes waiting before a request, dropped unread */
    long late_replies;  /* replies recognised as late answers to earlier requests */
    long shifted;       /* reads asked with a longer reply: the usual length was owed */
    long refused;       /* reads not sent: the servo owed replies of every length */
} rena_sts_bus_stats;

typedef struct {
    rena_transport port;
    rena_sts_bus_options opt;
    double byte_time_s;   /* 10 bits at the baud rate: 8N1 */
    int sync_read_ok;     /* cleared when the servos turn out not to answer SYNC_READ */
    int sync_silent;      /* silent SYNC_READs in a row */
    int sync_idle;        /* read_many calls since the last SYNC_READ while given up */
    int late_read_done;   /* this attempt already looked once past its deadline */
    rena_sts_parser parser;
    uint8_t rx[512];      /* bytes read but not yet parsed */
    size_t rx_at, rx_have;
    rena_sts_owed_table owed; /* replies silent servos may still send */
    rena_sts_bus_stats stats;
} rena_sts_bus;

/* Everything a servo reports in one READ (addresses 3..70). */
typedef struct {
    int id, model, baud_code, min_angle, max_angle;
    int torque, accel, goal_position, goal_speed, lock;
    int position, speed, load, voltage_dv, temperature_c, moving, current;
    uint8_t error_bits;
} rena_sts_servo_state;

rena_status rena_sts_bus_open(rena_sts_bus *bus, const char *port, long baud,
                              const rena_sts_bus_options *opt, rena_error *err);
/* NULL-safe; safe to call twice. */
void rena_sts_bus_close(rena_sts_bus *bus);

/* PING: RENA_OK when the servo answered; *errbits (may be NULL) = its error byte. */
rena_status rena_sts_bus_ping(rena_sts_bus *bus, uint8_t id, uint8_t *errbits, rena_error *err);

rena_status rena_sts_bus_read(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint8_t count,
                              uint8_t *data, uint8_t *errbits, rena_error *err);

/* WRITE (instr RENA_STS_WRITE) or REG_WRITE. To RENA_STS_BROADCAST nothing
 * answers, so it returns after sending. */
rena_status rena_sts_bus_write(rena_sts_bus *bus, uint8_t instr, uint8_t id, uint8_t addr,
                               const uint8_t *data, uint8_t count, uint8_t *errbits,
                               rena_error *err);
rena_status rena_sts_bus_write_u8(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint8_t v,
                                  rena_error *err);
rena_status rena_sts_bus_write_u16(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint16_t v,
                                   rena_error *err);

/* ACTION: applies earlier REG_WRITEs (usually to broadcast). */
rena_status rena_sts_bus_action(rena_sts_bus *bus, uint8_t id, rena_error *err);

/* SYNC_WRITE of `count` bytes at addr to n servos: data[i*count] for ids[i]. */
rena_status rena_sts_bus_sync_write(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                    const uint8_t *ids, size_t n, const uint8_t *data,
                                    rena_error *err);

/* Reads `count` bytes at addr from n servos into data[i*count], by SYNC_READ
 * while the bus answers it, else by READ per servo; servos missing from a
 * SYNC_READ answer are asked again with READ. errbits[i] and result[i] (both
 * may be NULL) get each servo's error byte and status. Returns RENA_OK when
 * all answered, else the first failure (message names the servo ID). */
rena_status rena_sts_bus_read_many(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                   const uint8_t *ids, size_t n, uint8_t *data, uint8_t *errbits,
                                   rena_status *result, rena_error *err);

/* Pings every ID in [first,last] once (no retries); fills found[] (room for
 * last-first+1) and *nfound. Fails only on a transport error. */
rena_status rena_sts_bus_scan(rena_sts_bus *bus, int first, int last, uint8_t *found,
                              size_t *nfound, rena_error *err);

/* One READ of addresses 3..70, decoded. */
rena_status rena_sts_bus_read_state(rena_sts_bus *bus, uint8_t id, rena_sts_servo_state *s,
                                    rena_error *err);

/* Seconds the bus needs to carry `bytes` bytes at its baud rate. */
double rena_sts_bus_wire_time(const rena_sts_bus *bus, size_t bytes);

#endif
