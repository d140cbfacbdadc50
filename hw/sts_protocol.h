/* sts_protocol.h: the Feetech SCS/STS serial bus protocol as pure functions.
 *
 * Every packet is  FF FF ID LEN INSTR PARAM... CHK  (instruction) or
 * FF FF ID LEN ERR DATA... CHK  (status reply), with LEN = parameters + 2 and
 * CHK = ~(ID + LEN + INSTR/ERR + sum(PARAM)) & 0xFF. ID 0xFE is broadcast.
 * Multi-byte registers are little-endian; position and speed use
 * sign-magnitude with bit 15 as the sign. Nothing here does I/O, so every
 * encoder and the parser are tested byte for byte (tests/test_hw_protocol.c).
 * Register map and instruction set follow Feetech's SMS/STS documentation;
 * docs/hw.md lists them. */
#ifndef RENA_STS_PROTOCOL_H
#define RENA_STS_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define RENA_STS_HEADER 0xFF
#define RENA_STS_BROADCAST 0xFE
#define RENA_STS_MAX_ID 0xFD          /* highest addressable servo ID (253) */
#define RENA_STS_MAX_PARAMS 253       /* LEN is one byte and counts params + 2 */
#define RENA_STS_MAX_PACKET (RENA_STS_MAX_PARAMS + 6)
#define RENA_STS_OVERHEAD 6           /* header 2 + ID + LEN + INSTR/ERR + CHK */
#define RENA_STS_TABLE_SIZE 128       /* control table bytes the emulator models */
#define RENA_STS_MODEL_STS3032 521    /* model number an STS3032 reports (0x0209) */

/* Instructions. */
enum {
    RENA_STS_PING = 0x01,
    RENA_STS_READ = 0x02,
    RENA_STS_WRITE = 0x03,
    RENA_STS_REG_WRITE = 0x04,
    RENA_STS_ACTION = 0x05,
    RENA_STS_SYNC_READ = 0x82,
    RENA_STS_SYNC_WRITE = 0x83
};

/* Control table addresses (STS series). EEPROM below 40, RAM from 40. */
enum {
    RENA_STS_REG_MODEL = 3,           /* 2 bytes, read only */
    RENA_STS_REG_ID = 5,
    RENA_STS_REG_BAUD = 6,            /* baud code 0..7 */
    RENA_STS_REG_MIN_ANGLE = 9,       /* 2 bytes */
    RENA_STS_REG_MAX_ANGLE = 11,      /* 2 bytes */
    RENA_STS_REG_EEPROM_END = 40,     /* first RAM address */
    RENA_STS_REG_TORQUE = 40,         /* 0 off, 1 on */
    RENA_STS_REG_ACCEL = 41,          /* unit 100 ticks/s^2, 0 = none */
    RENA_STS_REG_GOAL_POSITION = 42,  /* 2 bytes, sign-magnitude */
    RENA_STS_REG_GOAL_TIME = 44,      /* 2 bytes */
    RENA_STS_REG_GOAL_SPEED = 46,     /* 2 bytes, ticks/s, 0 = maximum */
    RENA_STS_REG_LOCK = 55,           /* 1 = EEPROM write-protected */
    RENA_STS_REG_PRESENT_POSITION = 56, /* 2 bytes, sign-magnitude, read only from here */
    RENA_STS_REG_PRESENT_SPEED = 58,  /* 2 bytes, sign-magnitude */
    RENA_STS_REG_PRESENT_LOAD = 60,   /* 2 bytes, 0.1 % with sign bit 10 */
    RENA_STS_REG_VOLTAGE = 62,        /* 0.1 V */
    RENA_STS_REG_TEMPERATURE = 63,    /* deg C */
    RENA_STS_REG_MOVING = 66,
    RENA_STS_REG_PRESENT_CURRENT = 69 /* 2 bytes */
};

/* Status error bits. */
enum {
    RENA_STS_ERR_VOLTAGE = 1,
    RENA_STS_ERR_ANGLE = 2,
    RENA_STS_ERR_OVERHEAT = 4,
    RENA_STS_ERR_OVERCURRENT = 8,
    RENA_STS_ERR_OVERLOAD = 32
};

/* One decoded packet. `params` points into the buffer it was decoded from
 * (or into the parser), so it is valid until that buffer changes. For a
 * status reply `code` is the error byte, for an instruction the opcode. */
typedef struct {
    uint8_t id;
    uint8_t code;
    uint8_t nparams;
    const uint8_t *params;
} rena_sts_packet;

/* ---- encoding ---------------------------------------------------------- */

/* ~(sum of bytes) & 0xFF over ID, LEN, INSTR/ERR and parameters. */
uint8_t rena_sts_checksum(const uint8_t *from_id, size_t count);

/* Writes one packet into buf (cap bytes) and its length into *len.
 * RENA_ERR_ARG when it would not fit the one-byte LEN or the buffer. */
rena_status rena_sts_encode(uint8_t *buf, size_t cap, uint8_t id, uint8_t code,
                            const uint8_t *params, size_t nparams, size_t *len, rena_error *err);

rena_status rena_sts_encode_ping(uint8_t *buf, size_t cap, uint8_t id, size_t *len,
                                 rena_error *err);
rena_status rena_sts_encode_read(uint8_t *buf, size_t cap, uint8_t id, uint8_t addr,
                                 uint8_t count, size_t *len, rena_error *err);
/* WRITE and REG_WRITE: address then data. */
rena_status rena_sts_encode_write(uint8_t *buf, size_t cap, uint8_t id, uint8_t instr,
                                  uint8_t addr, const uint8_t *data, size_t count, size_t *len,
                                  rena_error *err);
rena_status rena_sts_encode_action(uint8_t *buf, size_t cap, uint8_t id, size_t *len,
                                   rena_error *err);
/* SYNC_WRITE to broadcast: addr, count, then per servo its ID and `count`
 * bytes taken from data[i*count]. */
rena_status rena_sts_encode_sync_write(uint8_t *buf, size_t cap, uint8_t addr, uint8_t count,
                                       const uint8_t *ids, size_t nids, const uint8_t *data,
                                       size_t *len, rena_error *err);
/* SYNC_READ to broadcast: addr, count, then the IDs that answer in order. */
rena_status rena_sts_encode_sync_read(uint8_t *buf, size_t cap, uint8_t addr, uint8_t count,
                                      const uint8_t *ids, size_t nids, size_t *len,
                                      rena_error *err);

/* Bytes on the wire of a packet with n parameters. */
static inline size_t rena_sts_packet_size(size_t nparams) { return nparams + RENA_STS_OVERHEAD; }

/* ---- decoding ---------------------------------------------------------- */

/* Decodes exactly one packet occupying all of buf[0..n). RENA_ERR_FORMAT for
 * a bad header or a LEN that disagrees with n, RENA_ERR_CHECKSUM for a bad
 * checksum. */
rena_status rena_sts_decode(const uint8_t *buf, size_t n, rena_sts_packet *pkt, rena_error *err);

/* A byte-stream parser that finds packets in a stream with noise: it hunts
 * for FF FF (a run of FF is still a header), checks LEN and the checksum, and
 * after a failure hunts for the next header in the bytes that follow. */
typedef enum {
    RENA_STS_PARSE_MORE = 0,     /* need more bytes */
    RENA_STS_PARSE_PACKET,       /* *pkt holds a packet (valid until the next call) */
    RENA_STS_PARSE_BAD_CHECKSUM, /* a framed packet whose checksum did not match */
    RENA_STS_PARSE_BAD_LENGTH    /* LEN below 2: not a packet */
} rena_sts_parse_result;

typedef struct {
    uint8_t buf[RENA_STS_MAX_PACKET]; /* bytes of the packet being framed */
    size_t have;                      /* how many of them are in buf */
    size_t skipped;                   /* noise bytes dropped while hunting (cumulative) */
} rena_sts_parser;

void rena_sts_parser_reset(rena_sts_parser *p);
/* Feeds one byte. */
rena_sts_parse_result rena_sts_parser_feed(rena_sts_parser *p, uint8_t byte, rena_sts_packet *pkt);
/* Bytes held for a packet not yet complete (0 when idle or hunting). */
size_t rena_sts_parser_pending(const rena_sts_parser *p);

/* ---- register values --------------------------------------------------- */

void rena_sts_put_u16(uint8_t *p, uint16_t v);
uint16_t rena_sts_get_u16(const uint8_t *p);
/* Sign-magnitude with the sign in bit `sign_bit` (15 for position/speed). */
uint16_t rena_sts_to_sign_magnitude(int v, int sign_bit);
int rena_sts_from_sign_magnitude(uint16_t raw, int sign_bit);

/* Baud code 0..7 <-> bits per second; -1 / 0 when unknown. */
long rena_sts_baud_from_code(int code);
int rena_sts_baud_code(long baud);

/* "overload+overheat" (or "none") into buf; returns buf. */
const char *rena_sts_error_bits_str(uint8_t bits, char *buf, size_t size);

#endif
