/* emu_servos.h: the behaviour of a bus of emulated STS servos, without any
 * I/O: a control table per servo (EEPROM below address 40, RAM above),
 * execution of every instruction, and motion of the present position toward
 * the goal at the goal speed in emulated time. emulator.c puts this behind a
 * pseudo-terminal and adds pacing and faults.
 *
 * Behaviour worth knowing (documented in docs/hw.md):
 *  - EEPROM writes (ID, baud, angle limits) only take when LOCK (55) is 0;
 *    the lock starts at 1 as on a real servo.
 *  - Goal positions are clamped to the servo's own angle limits (9/11).
 *  - Goal speed 0 means the servo's maximum speed; acceleration is ignored.
 *  - Broadcast instructions never get a reply; SYNC_READ replies come one
 *    per listed servo, in the listed order.
 *  - A packet that is malformed for its instruction (wrong parameter count,
 *    addresses beyond the table) is ignored, as a servo does. */
#ifndef RENA_EMU_SERVOS_H
#define RENA_EMU_SERVOS_H

#include <stddef.h>
#include <stdint.h>

#include "sts_protocol.h"

#define RENA_EMU_MAX_SERVOS 32

typedef struct {
    uint8_t table[RENA_STS_TABLE_SIZE];
    double position;      /* present position in ticks (fractional while moving) */
    double speed;         /* ticks/s over the last advance */
    int present;          /* 0: not on the bus (never answers, ignores writes) */
    int stuck;            /* the horn cannot move: load 100 %, overload bit while pushed */
    uint8_t error_bits;   /* always reported in its status (injected fault) */
    uint8_t pending[RENA_STS_MAX_PARAMS]; /* REG_WRITE: address then data */
    size_t pending_len;
} rena_emu_servo;

typedef struct {
    int count;
    rena_emu_servo servo[RENA_EMU_MAX_SERVOS];
    double max_speed;     /* ticks/s when the goal speed is 0 */
    double time;          /* emulated seconds of the last advance */
    int sync_read;        /* 0: ignore SYNC_READ (older firmware) */
} rena_emu_servos;

/* One status reply: which servo sends it and its bytes. */
typedef struct {
    uint8_t id;
    size_t len;
    uint8_t bytes[RENA_STS_MAX_PACKET];
} rena_emu_reply;

/* n servos with the given IDs, horns at `position` ticks, torque off. */
void rena_emu_servos_init(rena_emu_servos *b, const uint8_t *ids, int n, int position,
                          double max_speed);
/* The servo answering to id, or NULL. */
rena_emu_servo *rena_emu_servos_find(rena_emu_servos *b, uint8_t id);
/* Moves every horn toward its goal up to emulated time `now` (seconds). */
void rena_emu_servos_advance(rena_emu_servos *b, double now);
/* Executes one instruction packet; writes the replies it causes into out
 * (room for max_out) and returns how many. */
int rena_emu_servos_execute(rena_emu_servos *b, const rena_sts_packet *pkt, rena_emu_reply *out,
                            int max_out);
/* Puts a horn at `ticks` as a hand would (torque off or not). */
void rena_emu_servos_move_horn(rena_emu_servo *s, int ticks);

#endif
