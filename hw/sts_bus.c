#include "sts_bus.h"

#include <math.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *instr_name(uint8_t instr)
{
    switch (instr) {
    case RENA_STS_PING: return "PING";
    case RENA_STS_READ: return "READ";
    case RENA_STS_WRITE: return "WRITE";
    case RENA_STS_REG_WRITE: return "REG_WRITE";
    case RENA_STS_ACTION: return "ACTION";
    case RENA_STS_SYNC_READ: return "SYNC_READ";
    case RENA_STS_SYNC_WRITE: return "SYNC_WRITE";
    default: return "instruction";
    }
}

void rena_sts_bus_options_default(rena_sts_bus_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->timeout_ms = 20;
    opt->retries = 2;
    opt->sync_read = 1;
    opt->transport = RENA_TRANSPORT_AUTO;
}

double rena_sts_bus_wire_time(const rena_sts_bus *bus, size_t bytes)
{
    return bus->byte_time_s * (double)bytes;
}

rena_status rena_sts_bus_open(rena_sts_bus *bus, const char *port, long baud,
                              const rena_sts_bus_options *opt, rena_error *err)
{
    memset(bus, 0, sizeof *bus);
    if (opt)
        bus->opt = *opt;
    else
        rena_sts_bus_options_default(&bus->opt);
    if (bus->opt.timeout_ms < 1 || bus->opt.retries < 0)
        return rena_error_set(err, RENA_ERR_ARG, "bus options",
                              "timeout_ms must be >= 1 and retries >= 0");
    rena_status st = rena_transport_open(port, baud, bus->opt.transport, &bus->port, err);
    if (st != RENA_OK)
        return st;
    bus->byte_time_s = 10.0 / (double)baud;
    bus->sync_read_ok = bus->opt.sync_read != 0;
    rena_sts_parser_reset(&bus->parser);
    return RENA_OK;
}

void rena_sts_bus_close(rena_sts_bus *bus)
{
    if (bus)
        rena_transport_close(&bus->port);
}

/* Drops whatever earlier replies left behind, then sends one packet. */
static rena_status bus_send(rena_sts_bus *bus, const uint8_t *pkt, size_t len, rena_error *err)
{
    bus->rx_at = bus->rx_have = 0;
    rena_sts_parser_reset(&bus->parser);
    rena_transport_discard_input(&bus->port);
    rena_status st = rena_transport_write(&bus->port, pkt, len, err);
    if (st == RENA_OK)
        bus->stats.tx_bytes += (long)len;
    return st;
}

typedef enum { GOT_PACKET, GOT_NOTHING, GOT_GARBAGE } next_result;

/* The next framed packet before `deadline`. *saw_bytes is set when any byte
 * arrived, so a caller can tell silence from noise. */
static rena_status bus_next_packet(rena_sts_bus *bus, double deadline, rena_sts_packet *pkt,
                                   next_result *res, int *saw_bytes, rena_error *err)
{
    for (;;) {
        while (bus->rx_at < bus->rx_have) {
            rena_sts_parse_result r =
                rena_sts_parser_feed(&bus->parser, bus->rx[bus->rx_at++], pkt);
            if (r == RENA_STS_PARSE_PACKET) {
                *res = GOT_PACKET;
                return RENA_OK;
            }
            if (r != RENA_STS_PARSE_MORE) {
                *res = GOT_GARBAGE;
                return RENA_OK;
            }
        }
        double left = deadline - now_s();
        if (left <= 0) {
            *res = GOT_NOTHING;
            return RENA_OK;
        }
        size_t got = 0;
        int ms = (int)ceil(left * 1000.0);
        rena_status st = rena_transport_read(&bus->port, bus->rx, sizeof bus->rx, &got, ms, err);
        if (st != RENA_OK)
            return st;
        bus->rx_at = 0;
        bus->rx_have = got;
        bus->stats.rx_bytes += (long)got;
        if (got)
            *saw_bytes = 1;
    }
}

/* Waits for the status reply of `id` with `nparams` data bytes. */
static rena_status await_reply(rena_sts_bus *bus, uint8_t id, size_t nparams, double deadline,
                               rena_sts_packet *pkt, int *saw_bytes, int *garbled,
                               rena_error *err)
{
    for (;;) {
        next_result res;
        rena_status st = bus_next_packet(bus, deadline, pkt, &res, saw_bytes, err);
        if (st != RENA_OK)
            return st;
        if (res == GOT_NOTHING)
            return RENA_ERR_TIMEOUT;
        if (res == GOT_GARBAGE) {
            *garbled = 1;
            return RENA_ERR_CHECKSUM;
        }
        if (pkt->id != id || pkt->nparams != nparams) {
            bus->stats.stale++; /* a valid packet, but a late answer to something else */
            continue;
        }
        return RENA_OK;
    }
}

/* One instruction with its reply, retried after a timeout or a bad reply. */
static rena_status transact(rena_sts_bus *bus, const uint8_t *req, size_t len, uint8_t id,
                            size_t reply_params, uint8_t *data, uint8_t *errbits, int retries,
                            rena_error *err)
{
    int garbled_any = 0;
    for (int attempt = 0; attempt <= retries; attempt++) {
        if (attempt)
            bus->stats.retries++;
        bus->stats.transactions++;
        rena_status st = bus_send(bus, req, len, err);
        if (st != RENA_OK)
            return st;
        double wire = rena_sts_bus_wire_time(bus, len + rena_sts_packet_size(reply_params));
        double deadline = now_s() + wire + bus->opt.timeout_ms * 1e-3;
        rena_sts_packet pkt;
        int saw = 0, garbled = 0;
        st = await_reply(bus, id, reply_params, deadline, &pkt, &saw, &garbled, err);
        if (st == RENA_OK) {
            if (data && reply_params)
                memcpy(data, pkt.params, reply_params);
            if (errbits)
                *errbits = pkt.code;
            return RENA_OK;
        }
        if (st != RENA_ERR_TIMEOUT && st != RENA_ERR_CHECKSUM)
            return st;
        /* Noise skipped or a packet cut short: something answered, badly. A
         * valid reply from another servo (stale) is not noise. */
        garbled |= bus->parser.skipped > 0 || rena_sts_parser_pending(&bus->parser) > 0;
        if (garbled) {
            bus->stats.corrupt++;
            garbled_any = 1;
        } else {
            bus->stats.timeouts++;
        }
    }
    if (garbled_any)
        return rena_error_set(err, RENA_ERR_CHECKSUM, bus->port.path,
                              "servo %u answered %s with a corrupted reply (bad checksum or "
                              "length) in all of %d tries: noise on the line or wrong baud?",
                              id, instr_name(req[4]), retries + 1);
    return rena_error_set(err, RENA_ERR_TIMEOUT, bus->port.path,
                          "servo %u did not answer %s (%d tries, %d ms timeout): absent, "
                          "unpowered or on another baud rate",
                          id, instr_name(req[4]), retries + 1, bus->opt.timeout_ms);
}

rena_status rena_sts_bus_ping(rena_sts_bus *bus, uint8_t id, uint8_t *errbits, rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_ping(pkt, sizeof pkt, id, &len, err);
    if (st != RENA_OK)
        return st;
    return transact(bus, pkt, len, id, 0, NULL, errbits, bus->opt.retries, err);
}

rena_status rena_sts_bus_read(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint8_t count,
                              uint8_t *data, uint8_t *errbits, rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    if (id == RENA_STS_BROADCAST)
        return rena_error_set(err, RENA_ERR_ARG, bus->port.path, "READ needs one servo ID");
    rena_status st = rena_sts_encode_read(pkt, sizeof pkt, id, addr, count, &len, err);
    if (st != RENA_OK)
        return st;
    return transact(bus, pkt, len, id, count, data, errbits, bus->opt.retries, err);
}

rena_status rena_sts_bus_write(rena_sts_bus *bus, uint8_t instr, uint8_t id, uint8_t addr,
                               const uint8_t *data, uint8_t count, uint8_t *errbits,
                               rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_write(pkt, sizeof pkt, id, instr, addr, data, count, &len,
                                           err);
    if (st != RENA_OK)
        return st;
    if (id == RENA_STS_BROADCAST) {
        bus->stats.transactions++;
        return bus_send(bus, pkt, len, err);
    }
    return transact(bus, pkt, len, id, 0, NULL, errbits, bus->opt.retries, err);
}

rena_status rena_sts_bus_write_u8(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint8_t v,
                                  rena_error *err)
{
    return rena_sts_bus_write(bus, RENA_STS_WRITE, id, addr, &v, 1, NULL, err);
}

rena_status rena_sts_bus_write_u16(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint16_t v,
                                   rena_error *err)
{
    uint8_t b[2];
    rena_sts_put_u16(b, v);
    return rena_sts_bus_write(bus, RENA_STS_WRITE, id, addr, b, 2, NULL, err);
}

rena_status rena_sts_bus_action(rena_sts_bus *bus, uint8_t id, rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_action(pkt, sizeof pkt, id, &len, err);
    if (st != RENA_OK)
        return st;
    if (id == RENA_STS_BROADCAST) {
        bus->stats.transactions++;
        return bus_send(bus, pkt, len, err);
    }
    return transact(bus, pkt, len, id, 0, NULL, NULL, bus->opt.retries, err);
}

rena_status rena_sts_bus_sync_write(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                    const uint8_t *ids, size_t n, const uint8_t *data,
                                    rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_sync_write(pkt, sizeof pkt, addr, count, ids, n, data, &len,
                                                err);
    if (st != RENA_OK)
        return st;
    bus->stats.transactions++;
    return bus_send(bus, pkt, len, err);
}

static int index_of(const uint8_t *ids, size_t n, uint8_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return (int)i;
    return -1;
}

/* One SYNC_READ: collects the replies that arrive; got[i] marks them. */
static rena_status sync_read_once(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                  const uint8_t *ids, size_t n, uint8_t *data, uint8_t *errbits,
                                  int *got, size_t *ngot, int *saw, rena_error *err)
{
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_sync_read(pkt, sizeof pkt, addr, count, ids, n, &len, err);
    if (st != RENA_OK)
        return st;
    bus->stats.transactions++;
    if ((st = bus_send(bus, pkt, len, err)) != RENA_OK)
        return st;
    double wire = rena_sts_bus_wire_time(bus, len + n * rena_sts_packet_size(count));
    double deadline = now_s() + wire + bus->opt.timeout_ms * 1e-3;
    *ngot = 0;
    while (*ngot < n) {
        rena_sts_packet p;
        next_result res;
        if ((st = bus_next_packet(bus, deadline, &p, &res, saw, err)) != RENA_OK)
            return st;
        if (res == GOT_NOTHING)
            break;
        if (res == GOT_GARBAGE) {
            bus->stats.corrupt++;
            continue; /* the parser hunts for the next servo's header */
        }
        int i = index_of(ids, n, p.id);
        if (i < 0 || got[i] || p.nparams != count) {
            bus->stats.stale++;
            continue;
        }
        memcpy(data + (size_t)i * count, p.params, count);
        if (errbits)
            errbits[i] = p.code;
        got[i] = 1;
        (*ngot)++;
    }
    return RENA_OK;
}

rena_status rena_sts_bus_read_many(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                   const uint8_t *ids, size_t n, uint8_t *data, uint8_t *errbits,
                                   rena_status *result, rena_error *err)
{
    int got[256] = {0};
    size_t ngot = 0;
    int saw = 0;
    if (n > 253)
        return rena_error_set(err, RENA_ERR_ARG, bus->port.path, "%zu servos is too many", n);
    int tried_sync = bus->sync_read_ok && n > 1;
    if (tried_sync) {
        rena_status st =
            sync_read_once(bus, addr, count, ids, n, data, errbits, got, &ngot, &saw, err);
        if (st != RENA_OK)
            return st;
    }
    rena_status first = RENA_OK;
    rena_error first_err;
    rena_error_clear(&first_err);
    int any_read_ok = 0;
    for (size_t i = 0; i < n; i++) {
        rena_status st = RENA_OK;
        if (!got[i]) {
            if (tried_sync)
                bus->stats.sync_fallbacks++;
            rena_error e;
            st = rena_sts_bus_read(bus, ids[i], addr, count, data + i * count,
                                   errbits ? &errbits[i] : NULL, &e);
            if (st == RENA_OK)
                any_read_ok = 1;
            else if (st != RENA_ERR_TIMEOUT && st != RENA_ERR_CHECKSUM)
                return rena_error_set(err, st, e.where, "%s", e.message);
            else if (first == RENA_OK) {
                first = st;
                first_err = e;
            }
        }
        if (result)
            result[i] = st;
    }
    /* Servos that stay silent to SYNC_READ but answer READ (older firmware):
     * stop sending SYNC_READ to this bus. */
    if (tried_sync && ngot == 0 && !saw && any_read_ok)
        bus->sync_read_ok = 0;
    if (first != RENA_OK)
        return rena_error_set(err, first, first_err.where, "%s", first_err.message);
    return RENA_OK;
}

rena_status rena_sts_bus_scan(rena_sts_bus *bus, int first, int last, uint8_t *found,
                              size_t *nfound, rena_error *err)
{
    *nfound = 0;
    if (first < 0 || last > RENA_STS_MAX_ID || first > last)
        return rena_error_set(err, RENA_ERR_ARG, "scan range",
                              "IDs %d..%d are not inside 0..%d", first, last, RENA_STS_MAX_ID);
    for (int id = first; id <= last; id++) {
        uint8_t pkt[8];
        size_t len;
        rena_sts_encode_ping(pkt, sizeof pkt, (uint8_t)id, &len, NULL);
        rena_error e;
        rena_status st = transact(bus, pkt, len, (uint8_t)id, 0, NULL, NULL, 0, &e);
        if (st == RENA_OK)
            found[(*nfound)++] = (uint8_t)id;
        else if (st != RENA_ERR_TIMEOUT && st != RENA_ERR_CHECKSUM)
            return rena_error_set(err, st, e.where, "%s", e.message);
    }
    return RENA_OK;
}

static int signed_at(const uint8_t *t, int addr, int sign_bit)
{
    return rena_sts_from_sign_magnitude(rena_sts_get_u16(t + addr), sign_bit);
}

rena_status rena_sts_bus_read_state(rena_sts_bus *bus, uint8_t id, rena_sts_servo_state *s,
                                    rena_error *err)
{
    enum { FIRST = RENA_STS_REG_MODEL, LAST = RENA_STS_REG_PRESENT_CURRENT + 1 };
    uint8_t t[LAST + 1] = {0};
    uint8_t bits = 0;
    rena_status st = rena_sts_bus_read(bus, id, FIRST, LAST - FIRST + 1, t + FIRST, &bits, err);
    if (st != RENA_OK)
        return st;
    memset(s, 0, sizeof *s);
    s->id = t[RENA_STS_REG_ID];
    s->model = rena_sts_get_u16(t + RENA_STS_REG_MODEL);
    s->baud_code = t[RENA_STS_REG_BAUD];
    s->min_angle = rena_sts_get_u16(t + RENA_STS_REG_MIN_ANGLE);
    s->max_angle = rena_sts_get_u16(t + RENA_STS_REG_MAX_ANGLE);
    s->torque = t[RENA_STS_REG_TORQUE];
    s->accel = t[RENA_STS_REG_ACCEL];
    s->goal_position = signed_at(t, RENA_STS_REG_GOAL_POSITION, 15);
    s->goal_speed = rena_sts_get_u16(t + RENA_STS_REG_GOAL_SPEED);
    s->lock = t[RENA_STS_REG_LOCK];
    s->position = signed_at(t, RENA_STS_REG_PRESENT_POSITION, 15);
    s->speed = signed_at(t, RENA_STS_REG_PRESENT_SPEED, 15);
    s->load = signed_at(t, RENA_STS_REG_PRESENT_LOAD, 10);
    s->voltage_dv = t[RENA_STS_REG_VOLTAGE];
    s->temperature_c = t[RENA_STS_REG_TEMPERATURE];
    s->moving = t[RENA_STS_REG_MOVING];
    s->current = signed_at(t, RENA_STS_REG_PRESENT_CURRENT, 15);
    s->error_bits = bits;
    return RENA_OK;
}
