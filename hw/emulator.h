/* emulator.h: 25 emulated STS servos behind a pseudo-terminal.
 *
 * rena_emu_start opens the master side of a pty (posix_openpt, grantpt,
 * unlockpt, ptsname; raw mode) and serves it from a thread: the driver opens
 * the slave path (rena_emu_port) like any serial port and talks to it byte
 * for byte. The servos' behaviour is emu_servos.h; this layer adds
 *  - pacing: with `pace`, every byte takes 10 bits / baud on a half-duplex
 *    bus (an instruction, then each reply in turn), so bus timing is real;
 *  - faults: replies dropped, checksums corrupted, noise before replies,
 *    delays, absent servos, error bits, stuck horns, no SYNC_READ support
 *    (emu_faults.h). */
#ifndef RENA_EMULATOR_H
#define RENA_EMULATOR_H

#include <stdint.h>

#include "emu_faults.h"
#include "emu_servos.h"
#include "status.h"

typedef struct {
    int count;                     /* servos on the bus; default 25 */
    uint8_t ids[RENA_EMU_MAX_SERVOS]; /* their IDs; default 1..25 */
    long baud;                     /* default 1000000 */
    int pace;                      /* 1: bytes take 10 bits / baud each */
    double speedup;                /* emulated time runs this much faster; default 1 */
    double max_speed;              /* ticks/s at goal speed 0; default 3000 */
    int start_position;            /* horns at power-on; default 2048 */
    const char *link_path;         /* if set, a symlink to the slave (removed on stop) */
    rena_emu_faults faults;
} rena_emu_options;

typedef struct {
    long packets;        /* instructions parsed */
    long bad_packets;    /* framed but bad checksum/length */
    long replies;        /* status replies sent */
    long dropped, corrupted, garbage, delayed;
} rena_emu_stats;

typedef struct rena_emu rena_emu;

void rena_emu_options_default(rena_emu_options *opt);

rena_status rena_emu_start(const rena_emu_options *opt, rena_emu **out, rena_error *err);
/* Stops the thread, closes the pty, removes the link. NULL-safe. */
void rena_emu_stop(rena_emu *emu);
/* The slave path ("/dev/pts/N") to open as the serial port. */
const char *rena_emu_port(const rena_emu *emu);

/* Replaces the faults while running (a test injects one for a moment). */
void rena_emu_set_faults(rena_emu *emu, const rena_emu_faults *f);
rena_emu_stats rena_emu_get_stats(rena_emu *emu);

/* What a servo's horn is doing: returns 0 when no such servo. */
typedef struct {
    int position, goal, torque, moving;
} rena_emu_view;
int rena_emu_view_servo(rena_emu *emu, uint8_t id, rena_emu_view *v);
/* Moves a horn as a hand would (for calibration tests). */
int rena_emu_move_horn(rena_emu *emu, uint8_t id, int ticks);

#endif
