/* emu_faults.h: the faults the emulator can inject, and their text form.
 * Fault specs (`rena emu --faults`, comma-separated):
 *    drop=P[@ID]      reply not sent with probability P (only servo ID)
 *    corrupt=P[@ID]   reply's checksum byte flipped with probability P
 *    garbage=P        1..4 noise bytes (never 0xFF) before a reply
 *    delay=MS[@ID]    replies sent MS milliseconds late
 *    absent=ID[+ID..] servos not on the bus at all
 *    stuck=ID[+ID..]  horns that do not move (overload while pushed)
 *    error=ID:BITS    status error byte always has BITS (e.g. 4 overheat)
 *    nosyncread       SYNC_READ is ignored (as by older firmware)
 *    seed=N           random stream of the probabilistic faults
 * "none" or "" means no faults. Probabilistic faults draw from a stream
 * keyed by the seed, so a run is repeatable. Faults address servos by
 * their power-on IDs. */
#ifndef RENA_EMU_FAULTS_H
#define RENA_EMU_FAULTS_H

#include <stdint.h>

#include "status.h"

typedef struct {
    double drop, corrupt, garbage; /* probabilities in [0,1] */
    int drop_id, corrupt_id;       /* -1: any servo */
    double delay_ms;
    int delay_id;                  /* -1: any servo */
    uint8_t absent[256];           /* 1: not on the bus */
    uint8_t stuck[256];            /* 1: horn cannot move */
    uint8_t error_bits[256];       /* injected status error bits */
    int no_sync_read;
    uint64_t seed;
} rena_emu_faults;

void rena_emu_faults_none(rena_emu_faults *f);
/* Parses a spec (see above); errors name the offending item. */
rena_status rena_emu_faults_parse(const char *spec, rena_emu_faults *f, rena_error *err);

#endif
