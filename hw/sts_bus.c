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
    /* Three silent SYNC_READs in a row: one stall of the machine past the
     * timeout is rare (0-2 in 100,000 soak cycles) and does not repeat on
     * the next cycle, while old firmware is silent every time, so it costs
     * three timeouts once. */
    opt->sync_read_give_up = 3;
    /* Every 100 calls: old firmware then pays one timeout per 100 cycles of
     * 25 READs (at most 3 % at 1 Mbaud with the 20 ms default), and a wrong
     * verdict lasts at most 100 cycles. */
    opt->sync_read_reprobe = 100;
    /* USB adapters hold bytes up to their latency timer (16 ms on FTDI by
     * default): 100 ms past the timeout covers that several times over. */
    opt->late_ms = 100;
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
    if (bus->opt.sync_read_give_up < 1 || bus->opt.sync_read_reprobe < 0 || bus->opt.late_ms < 0)
        return rena_error_set(err, RENA_ERR_ARG, "bus options",
                              "sync_read_give_up must be >= 1, sync_read_reprobe and late_ms "
                              ">= 0");
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

/* A valid packet that answers nothing asked now: a late reply pays a debt. */
static void unexpected_packet(rena_sts_bus *bus, const rena_sts_packet *p)
{
    bus->stats.stale++;
    if (rena_sts_owed_pay(&bus->owed, p->id, p->nparams))
        bus->stats.late_replies++;
}

static void owe(rena_sts_bus *bus, uint8_t id, size_t nparams)
{
    rena_sts_owed_add(&bus->owed, id, nparams, now_s() + bus->opt.late_ms * 1e-3);
}

/* ---- transactions ------------------------------------------------------ */

/* Drops whatever earlier replies left behind, then sends one packet. Bytes
 * already read are parsed first, so a late reply among them pays its debt. */
static rena_status bus_send(rena_sts_bus *bus, const uint8_t *pkt, size_t len, rena_error *err)
{
    long dropped = (long)(bus->rx_have - bus->rx_at) + (long)rena_sts_parser_pending(&bus->parser);
    while (bus->rx_at < bus->rx_have) {
        rena_sts_packet p;
        if (rena_sts_parser_feed(&bus->parser, bus->rx[bus->rx_at++], &p) ==
            RENA_STS_PARSE_PACKET)
            unexpected_packet(bus, &p);
    }
    bus->rx_at = bus->rx_have = 0;
    bus->late_read_done = 0;
    rena_sts_parser_reset(&bus->parser);
    dropped += rena_transport_discard_input(&bus->port);
    bus->stats.discarded_bytes += dropped;
    rena_status st = rena_transport_write(&bus->port, pkt, len, err);
    if (st == RENA_OK)
        bus->stats.tx_bytes += (long)len;
    return st;
}

typedef enum { GOT_PACKET, GOT_NOTHING, GOT_GARBAGE } next_result;

/* The next framed packet before `deadline`. *saw_bytes is set when any byte
 * arrived, so a caller can tell silence from noise; after GOT_GARBAGE,
 * pkt->id is the ID a framed packet with a bad checksum claimed (else
 * RENA_STS_BROADCAST). Past the deadline the port is read once more without
 * waiting: a reply that came in time while this process was not running is
 * not late. */
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
                pkt->id = r == RENA_STS_PARSE_BAD_CHECKSUM ? bus->parser.buf[2]
                                                           : RENA_STS_BROADCAST;
                *res = GOT_GARBAGE;
                return RENA_OK;
            }
        }
        double left = deadline - now_s();
        int ms = 0;
        if (left > 0) {
            ms = (int)ceil(left * 1000.0);
        } else if (bus->late_read_done) {
            *res = GOT_NOTHING;
            return RENA_OK;
        } else {
            bus->late_read_done = 1;
        }
        size_t got = 0;
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
            unexpected_packet(bus, pkt); /* a valid packet, but a late answer to something else */
            continue;
        }
        return RENA_OK;
    }
}

/* One instruction and the reply it expects; a READ is re-encoded for each
 * attempt (rd set) so that its reply length is one the servo does not owe. */
typedef struct {
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    size_t reply_params; /* data bytes in the reply */
    size_t skip;         /* leading reply bytes the caller did not ask for */
} request;

typedef struct {
    uint8_t addr, count;
} read_spec;

/* Sets req to a READ whose reply the servo does not owe; 0 if none is left. */
static int prepare_read(rena_sts_bus *bus, uint8_t id, const read_spec *rd, request *req)
{
    size_t owing;
    int v = rena_sts_owed_pick_shift(&bus->owed, &id, 1, rd->addr, rd->count, &owing);
    if (owing)
        return 0;
    rena_sts_encode_read(req->pkt, sizeof req->pkt, id, rena_sts_shifted_addr(rd->addr, v),
                         (uint8_t)(rd->count + v), &req->len, NULL);
    req->reply_params = (size_t)rd->count + (size_t)v;
    req->skip = rena_sts_shifted_skip(rd->addr, v);
    bus->stats.shifted += v > 0;
    return 1;
}

static rena_status refuse_read(rena_sts_bus *bus, uint8_t id, rena_error *err)
{
    bus->stats.refused++;
    return rena_error_set(err, RENA_ERR_TIMEOUT, bus->port.path,
                          "servo %u still owes replies to earlier READs of every length the "
                          "driver can ask for (it answers later than the %d ms timeout): not "
                          "asked, so that no late reply is taken for the answer",
                          id, bus->opt.timeout_ms);
}

/* One instruction with its reply, retried after a timeout or a bad reply. */
static rena_status transact(rena_sts_bus *bus, request *req, uint8_t id, const read_spec *rd,
                            uint8_t *data, uint8_t *errbits, int retries, rena_error *err)
{
    int garbled_any = 0;
    for (int attempt = 0; attempt <= retries; attempt++) {
        if (rd && !prepare_read(bus, id, rd, req))
            return refuse_read(bus, id, err);
        if (attempt)
            bus->stats.retries++;
        bus->stats.transactions++;
        rena_status st = bus_send(bus, req->pkt, req->len, err);
        if (st != RENA_OK)
            return st;
        double wire =
            rena_sts_bus_wire_time(bus, req->len + rena_sts_packet_size(req->reply_params));
        double deadline = now_s() + wire + bus->opt.timeout_ms * 1e-3;
        rena_sts_packet pkt;
        int saw = 0, garbled = 0;
        st = await_reply(bus, id, req->reply_params, deadline, &pkt, &saw, &garbled, err);
        if (st == RENA_OK) {
            if (data && rd)
                memcpy(data, pkt.params + req->skip, rd->count);
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
            if (rd) /* its reply may still come: ask for another length next */
                owe(bus, id, req->reply_params);
        }
    }
    if (garbled_any)
        return rena_error_set(err, RENA_ERR_CHECKSUM, bus->port.path,
                              "servo %u answered %s with a corrupted reply (bad checksum or "
                              "length) in all of %d tries: noise on the line or wrong baud?",
                              id, instr_name(req->pkt[4]), retries + 1);
    return rena_error_set(err, RENA_ERR_TIMEOUT, bus->port.path,
                          "servo %u did not answer %s (%d tries, %d ms timeout): absent, "
                          "unpowered or on another baud rate",
                          id, instr_name(req->pkt[4]), retries + 1, bus->opt.timeout_ms);
}

rena_status rena_sts_bus_ping(rena_sts_bus *bus, uint8_t id, uint8_t *errbits, rena_error *err)
{
    request req = {.reply_params = 0};
    rena_status st = rena_sts_encode_ping(req.pkt, sizeof req.pkt, id, &req.len, err);
    if (st != RENA_OK)
        return st;
    return transact(bus, &req, id, NULL, NULL, errbits, bus->opt.retries, err);
}

rena_status rena_sts_bus_read(rena_sts_bus *bus, uint8_t id, uint8_t addr, uint8_t count,
                              uint8_t *data, uint8_t *errbits, rena_error *err)
{
    request req;
    if (id == RENA_STS_BROADCAST)
        return rena_error_set(err, RENA_ERR_ARG, bus->port.path, "READ needs one servo ID");
    rena_status st = rena_sts_encode_read(req.pkt, sizeof req.pkt, id, addr, count, &req.len, err);
    if (st != RENA_OK)
        return st;
    rena_sts_owed_expire(&bus->owed, now_s());
    read_spec rd = {addr, count};
    return transact(bus, &req, id, &rd, data, errbits, bus->opt.retries, err);
}

rena_status rena_sts_bus_write(rena_sts_bus *bus, uint8_t instr, uint8_t id, uint8_t addr,
                               const uint8_t *data, uint8_t count, uint8_t *errbits,
                               rena_error *err)
{
    request req = {.reply_params = 0};
    rena_status st = rena_sts_encode_write(req.pkt, sizeof req.pkt, id, instr, addr, data, count,
                                           &req.len, err);
    if (st != RENA_OK)
        return st;
    if (id == RENA_STS_BROADCAST) {
        bus->stats.transactions++;
        return bus_send(bus, req.pkt, req.len, err);
    }
    return transact(bus, &req, id, NULL, NULL, errbits, bus->opt.retries, err);
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
    request req = {.reply_params = 0};
    rena_status st = rena_sts_encode_action(req.pkt, sizeof req.pkt, id, &req.len, err);
    if (st != RENA_OK)
        return st;
    if (id == RENA_STS_BROADCAST) {
        bus->stats.transactions++;
        return bus_send(bus, req.pkt, req.len, err);
    }
    return transact(bus, &req, id, NULL, NULL, NULL, bus->opt.retries, err);
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

/* One SYNC_READ: the servos asked (sub[j], at index at[j] of the caller's
 * ids), the reply length and what came back. */
typedef struct {
    uint8_t sub[256], garbled[256]; /* garbled[j]: a bad packet claimed sub[j] */
    int at[256];
    size_t m, plen, skip;           /* servos asked; reply length; bytes before addr */
    int sent, saw;                  /* it went out; any byte came back */
    size_t ngot;                    /* servos that answered */
} sync_batch;

/* Collects the replies that arrive before the deadline; got[i] marks them. */
static rena_status collect_sync_replies(rena_sts_bus *bus, sync_batch *b, double deadline,
                                        uint8_t count, uint8_t *data, uint8_t *errbits, int *got,
                                        rena_error *err)
{
    while (b->ngot < b->m) {
        rena_sts_packet p;
        next_result res;
        rena_status st = bus_next_packet(bus, deadline, &p, &res, &b->saw, err);
        if (st != RENA_OK)
            return st;
        if (res == GOT_NOTHING)
            break;
        int j = index_of(b->sub, b->m, p.id);
        if (res == GOT_GARBAGE) {
            bus->stats.corrupt++;
            if (j >= 0)
                b->garbled[j] = 1; /* it answered, badly: no reply is owed */
            continue;              /* the parser hunts for the next servo's header */
        }
        if (j < 0 || got[b->at[j]] || p.nparams != b->plen) {
            unexpected_packet(bus, &p);
            continue;
        }
        memcpy(data + (size_t)b->at[j] * count, p.params + b->skip, count);
        if (errbits)
            errbits[b->at[j]] = p.code;
        got[b->at[j]] = 1;
        b->ngot++;
    }
    return RENA_OK;
}

/* One SYNC_READ of the servos that owe no reply of its length; the length is
 * the asked one, lengthened when that keeps more servos in. Servos that do
 * not answer owe their reply, except after a re-probe that got no byte at
 * all: the bus is already taken not to answer SYNC_READ. */
static rena_status sync_read_once(rena_sts_bus *bus, sync_batch *b, uint8_t addr, uint8_t count,
                                  const uint8_t *ids, size_t n, uint8_t *data, uint8_t *errbits,
                                  int *got, int probe, rena_error *err)
{
    size_t owing;
    int v = rena_sts_owed_pick_shift(&bus->owed, ids, n, addr, count, &owing);
    b->plen = (size_t)count + (size_t)v;
    b->skip = rena_sts_shifted_skip(addr, v);
    for (size_t i = 0; i < n; i++)
        if (!rena_sts_owed_find(&bus->owed, ids[i], b->plen)) {
            b->sub[b->m] = ids[i];
            b->at[b->m++] = (int)i;
        }
    if (b->m < 2)
        return RENA_OK; /* READs do it */
    uint8_t pkt[RENA_STS_MAX_PACKET];
    size_t len;
    rena_status st = rena_sts_encode_sync_read(pkt, sizeof pkt, rena_sts_shifted_addr(addr, v),
                                               (uint8_t)b->plen, b->sub, b->m, &len, err);
    if (st != RENA_OK)
        return st;
    bus->stats.transactions++;
    bus->stats.shifted += v > 0 ? (long)b->m : 0;
    if ((st = bus_send(bus, pkt, len, err)) != RENA_OK)
        return st;
    b->sent = 1;
    double wire = rena_sts_bus_wire_time(bus, len + b->m * rena_sts_packet_size(b->plen));
    st = collect_sync_replies(bus, b, now_s() + wire + bus->opt.timeout_ms * 1e-3, count, data,
                              errbits, got, err);
    if (st != RENA_OK || (probe && !b->saw))
        return st;
    for (size_t j = 0; j < b->m; j++)
        if (!got[b->at[j]] && !b->garbled[j])
            owe(bus, b->sub[j], b->plen);
    return RENA_OK;
}

/* Gives SYNC_READ up after sync_read_give_up silent ones in a row (each
 * with READs answered after it), takes it back when one is answered. */
static void judge_sync_read(rena_sts_bus *bus, const sync_batch *so, int any_read_ok)
{
    if (!so->sent)
        return;
    if (so->ngot > 0) {
        bus->sync_silent = 0;
        bus->sync_read_ok = 1;
        return;
    }
    if (so->saw) {
        bus->sync_silent = 0; /* bytes came: a noisy line, not old firmware */
        return;
    }
    if (!any_read_ok || !bus->sync_read_ok)
        return; /* the whole bus is silent: no evidence about SYNC_READ */
    if (++bus->sync_silent >= bus->opt.sync_read_give_up) {
        bus->sync_read_ok = 0;
        bus->sync_idle = 0;
        bus->stats.sync_disabled++;
    }
}

/* Whether this read_many sends a SYNC_READ; *probe when it is a re-probe. */
static int wants_sync_read(rena_sts_bus *bus, size_t n, int *probe)
{
    *probe = 0;
    if (n < 2 || !bus->opt.sync_read)
        return 0;
    if (bus->sync_read_ok)
        return 1;
    if (bus->opt.sync_read_reprobe <= 0 || ++bus->sync_idle < bus->opt.sync_read_reprobe)
        return 0;
    bus->sync_idle = 0;
    bus->stats.sync_reprobes++;
    *probe = 1;
    return 1;
}

rena_status rena_sts_bus_read_many(rena_sts_bus *bus, uint8_t addr, uint8_t count,
                                   const uint8_t *ids, size_t n, uint8_t *data, uint8_t *errbits,
                                   rena_status *result, rena_error *err)
{
    int got[256] = {0};
    if (n > 253)
        return rena_error_set(err, RENA_ERR_ARG, bus->port.path, "%zu servos is too many", n);
    rena_sts_owed_expire(&bus->owed, now_s());
    sync_batch so;
    memset(&so, 0, sizeof so);
    int probe;
    if (wants_sync_read(bus, n, &probe)) {
        rena_status st =
            sync_read_once(bus, &so, addr, count, ids, n, data, errbits, got, probe, err);
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
            if (so.sent)
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
    judge_sync_read(bus, &so, any_read_ok);
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
        request req = {.reply_params = 0};
        rena_sts_encode_ping(req.pkt, sizeof req.pkt, (uint8_t)id, &req.len, NULL);
        rena_error e;
        rena_status st = transact(bus, &req, (uint8_t)id, NULL, NULL, NULL, 0, &e);
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
