#include "sts_protocol.h"

#include <stdio.h>
#include <string.h>

uint8_t rena_sts_checksum(const uint8_t *from_id, size_t count)
{
    unsigned sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += from_id[i];
    return (uint8_t)(~sum & 0xFFu);
}

rena_status rena_sts_encode(uint8_t *buf, size_t cap, uint8_t id, uint8_t code,
                            const uint8_t *params, size_t nparams, size_t *len, rena_error *err)
{
    size_t total = rena_sts_packet_size(nparams);
    if (nparams > RENA_STS_MAX_PARAMS)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet",
                              "%zu parameters do not fit one packet (at most %d)", nparams,
                              RENA_STS_MAX_PARAMS);
    if (total > cap)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet",
                              "packet of %zu bytes does not fit a %zu-byte buffer", total, cap);
    buf[0] = RENA_STS_HEADER;
    buf[1] = RENA_STS_HEADER;
    buf[2] = id;
    buf[3] = (uint8_t)(nparams + 2);
    buf[4] = code;
    if (nparams)
        memcpy(buf + 5, params, nparams);
    buf[total - 1] = rena_sts_checksum(buf + 2, total - 3);
    *len = total;
    return RENA_OK;
}

rena_status rena_sts_encode_ping(uint8_t *buf, size_t cap, uint8_t id, size_t *len,
                                 rena_error *err)
{
    return rena_sts_encode(buf, cap, id, RENA_STS_PING, NULL, 0, len, err);
}

rena_status rena_sts_encode_read(uint8_t *buf, size_t cap, uint8_t id, uint8_t addr,
                                 uint8_t count, size_t *len, rena_error *err)
{
    uint8_t p[2] = {addr, count};
    return rena_sts_encode(buf, cap, id, RENA_STS_READ, p, 2, len, err);
}

rena_status rena_sts_encode_write(uint8_t *buf, size_t cap, uint8_t id, uint8_t instr,
                                  uint8_t addr, const uint8_t *data, size_t count, size_t *len,
                                  rena_error *err)
{
    uint8_t p[RENA_STS_MAX_PARAMS];
    if (instr != RENA_STS_WRITE && instr != RENA_STS_REG_WRITE)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet",
                              "instruction 0x%02X is not WRITE or REG_WRITE", instr);
    if (count + 1 > sizeof p)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet", "%zu data bytes are too many",
                              count);
    p[0] = addr;
    if (count)
        memcpy(p + 1, data, count);
    return rena_sts_encode(buf, cap, id, instr, p, count + 1, len, err);
}

rena_status rena_sts_encode_action(uint8_t *buf, size_t cap, uint8_t id, size_t *len,
                                   rena_error *err)
{
    return rena_sts_encode(buf, cap, id, RENA_STS_ACTION, NULL, 0, len, err);
}

rena_status rena_sts_encode_sync_write(uint8_t *buf, size_t cap, uint8_t addr, uint8_t count,
                                       const uint8_t *ids, size_t nids, const uint8_t *data,
                                       size_t *len, rena_error *err)
{
    uint8_t p[RENA_STS_MAX_PARAMS];
    size_t n = 2 + nids * ((size_t)count + 1);
    if (n > sizeof p)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet",
                              "SYNC_WRITE of %zu servos x %u bytes does not fit one packet", nids,
                              count);
    p[0] = addr;
    p[1] = count;
    size_t at = 2;
    for (size_t i = 0; i < nids; i++) {
        p[at++] = ids[i];
        memcpy(p + at, data + i * count, count);
        at += count;
    }
    return rena_sts_encode(buf, cap, RENA_STS_BROADCAST, RENA_STS_SYNC_WRITE, p, n, len, err);
}

rena_status rena_sts_encode_sync_read(uint8_t *buf, size_t cap, uint8_t addr, uint8_t count,
                                      const uint8_t *ids, size_t nids, size_t *len,
                                      rena_error *err)
{
    uint8_t p[RENA_STS_MAX_PARAMS];
    if (nids + 2 > sizeof p)
        return rena_error_set(err, RENA_ERR_ARG, "sts packet",
                              "SYNC_READ of %zu servos does not fit one packet", nids);
    p[0] = addr;
    p[1] = count;
    memcpy(p + 2, ids, nids);
    return rena_sts_encode(buf, cap, RENA_STS_BROADCAST, RENA_STS_SYNC_READ, p, nids + 2, len,
                           err);
}

rena_status rena_sts_decode(const uint8_t *buf, size_t n, rena_sts_packet *pkt, rena_error *err)
{
    if (n < RENA_STS_OVERHEAD || buf[0] != RENA_STS_HEADER || buf[1] != RENA_STS_HEADER)
        return rena_error_set(err, RENA_ERR_FORMAT, "sts packet",
                              "%zu bytes do not start with the FF FF header of a packet", n);
    if (buf[3] < 2 || (size_t)buf[3] + 4 != n)
        return rena_error_set(err, RENA_ERR_FORMAT, "sts packet",
                              "LEN byte %u does not match a %zu-byte packet", buf[3], n);
    if (rena_sts_checksum(buf + 2, n - 3) != buf[n - 1])
        return rena_error_set(err, RENA_ERR_CHECKSUM, "sts packet",
                              "checksum 0x%02X, expected 0x%02X", buf[n - 1],
                              rena_sts_checksum(buf + 2, n - 3));
    pkt->id = buf[2];
    pkt->code = buf[4];
    pkt->nparams = (uint8_t)(buf[3] - 2);
    pkt->params = buf + 5;
    return RENA_OK;
}

void rena_sts_parser_reset(rena_sts_parser *p)
{
    p->have = 0;
    p->skipped = 0;
}

static rena_sts_parse_result parser_hunt(rena_sts_parser *p, uint8_t byte)
{
    if (byte == RENA_STS_HEADER) {
        p->buf[p->have++] = byte;
        return RENA_STS_PARSE_MORE;
    }
    p->skipped += p->have + 1;
    p->have = 0;
    return RENA_STS_PARSE_MORE;
}

rena_sts_parse_result rena_sts_parser_feed(rena_sts_parser *p, uint8_t byte, rena_sts_packet *pkt)
{
    if (p->have < 2)
        return parser_hunt(p, byte);
    if (p->have == 2 && byte == RENA_STS_HEADER) {
        p->skipped++; /* FF FF FF: the first FF was noise, the header moves on */
        return RENA_STS_PARSE_MORE;
    }
    p->buf[p->have++] = byte;
    if (p->have == 4 && p->buf[3] < 2) {
        p->skipped += p->have;
        p->have = 0;
        return RENA_STS_PARSE_BAD_LENGTH;
    }
    if (p->have < 4 || p->have < (size_t)p->buf[3] + 4)
        return RENA_STS_PARSE_MORE;
    size_t n = p->have;
    p->have = 0;
    if (rena_sts_decode(p->buf, n, pkt, NULL) != RENA_OK) {
        p->skipped += n;
        return RENA_STS_PARSE_BAD_CHECKSUM;
    }
    return RENA_STS_PARSE_PACKET;
}

size_t rena_sts_parser_pending(const rena_sts_parser *p) { return p->have > 2 ? p->have : 0; }

void rena_sts_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

uint16_t rena_sts_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

uint16_t rena_sts_to_sign_magnitude(int v, int sign_bit)
{
    unsigned long mag_mask = (1ul << sign_bit) - 1ul;
    long lv = v;
    unsigned long mag = (unsigned long)(lv < 0 ? -lv : lv);
    if (mag > mag_mask)
        mag = mag_mask;
    return (uint16_t)(mag | (v < 0 ? 1ul << sign_bit : 0ul));
}

int rena_sts_from_sign_magnitude(uint16_t raw, int sign_bit)
{
    int mag = (int)(raw & ((1u << sign_bit) - 1u));
    return (raw >> sign_bit) & 1u ? -mag : mag;
}

static const long baud_rates[8] = {1000000, 500000, 250000, 128000, 115200, 76800, 57600, 38400};

long rena_sts_baud_from_code(int code)
{
    return code >= 0 && code < 8 ? baud_rates[code] : 0;
}

int rena_sts_baud_code(long baud)
{
    for (int i = 0; i < 8; i++)
        if (baud_rates[i] == baud)
            return i;
    return -1;
}

const char *rena_sts_error_bits_str(uint8_t bits, char *buf, size_t size)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{RENA_STS_ERR_VOLTAGE, "voltage"},       {RENA_STS_ERR_ANGLE, "angle"},
                 {RENA_STS_ERR_OVERHEAT, "overheat"},     {RENA_STS_ERR_OVERCURRENT, "overcurrent"},
                 {RENA_STS_ERR_OVERLOAD, "overload"},     {16, "bit4"},
                 {64, "bit6"},                            {128, "bit7"}};
    size_t at = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(bits & names[i].bit))
            continue;
        int w = snprintf(buf + at, size - at, "%s%s", at ? "+" : "", names[i].name);
        if (w < 0 || (size_t)w >= size - at)
            break;
        at += (size_t)w;
    }
    if (!bits)
        snprintf(buf, size, "none");
    return buf;
}
