/* bench_bus.c: full control cycles per second on the STS bus emulator
 * (SYNC_WRITE of 25 goals + read-back of 25 present positions), with the
 * emulator pacing bytes at the baud rate and without, as a fraction of the
 * wire limit computed from the bytes one cycle puts on the bus.
 * Peer in the same run: the same cycle with one READ per servo instead of
 * SYNC_READ (what servos without SYNC_READ support cost).
 *
 *   bench_bus [seconds per run, default 2]
 *
 * Prints figures; asserts nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emulator.h"
#include "sts_bus.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    double cycles_per_s;
    double bytes_per_cycle;
    double wire_limit; /* cycles/s the baud rate allows for those bytes */
    long failures;
} bench_result;

static int run(long baud, int pace, int sync_read, double seconds, bench_result *r)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.baud = baud;
    eo.pace = pace;
    eo.faults.no_sync_read = !sync_read;
    rena_emu *emu;
    rena_sts_bus bus;
    rena_error e;
    if (rena_emu_start(&eo, &emu, &e) != RENA_OK) {
        fprintf(stderr, "bench_bus: %s\n", e.message);
        return 1;
    }
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = 50;
    bo.sync_read = sync_read;
    if (rena_sts_bus_open(&bus, rena_emu_port(emu), baud, &bo, &e) != RENA_OK) {
        fprintf(stderr, "bench_bus: %s\n", e.message);
        rena_emu_stop(emu);
        return 1;
    }
    uint8_t ids[25], on[25], goals[50], back[50];
    for (int i = 0; i < 25; i++)
        ids[i] = (uint8_t)(i + 1);
    memset(on, 1, sizeof on);
    rena_sts_bus_sync_write(&bus, RENA_STS_REG_TORQUE, 1, ids, 25, on, NULL);
    memset(&bus.stats, 0, sizeof bus.stats);
    long cycles = 0;
    memset(r, 0, sizeof *r);
    double t0 = now_s(), t = t0;
    while (t - t0 < seconds) {
        for (int i = 0; i < 25; i++) {
            int g = 2048 + (int)lround(300.0 * sin(0.01 * (double)cycles + i));
            rena_sts_put_u16(goals + 2 * i, rena_sts_to_sign_magnitude(g, 15));
        }
        if (rena_sts_bus_sync_write(&bus, RENA_STS_REG_GOAL_POSITION, 2, ids, 25, goals, NULL) !=
                RENA_OK ||
            rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 25, back, NULL,
                                   NULL, NULL) != RENA_OK)
            r->failures++;
        cycles++;
        t = now_s();
    }
    r->cycles_per_s = (double)cycles / (t - t0);
    r->bytes_per_cycle = (double)(bus.stats.tx_bytes + bus.stats.rx_bytes) / (double)cycles;
    r->wire_limit = (double)baud / (10.0 * r->bytes_per_cycle);
    rena_sts_bus_close(&bus);
    rena_emu_stop(emu);
    return 0;
}

static void report(const char *label, const bench_result *r)
{
    printf("%-44s %8.1f cycles/s  %5.0f B/cycle  wire limit %7.1f/s  = %5.1f%%  failures %ld\n",
           label, r->cycles_per_s, r->bytes_per_cycle, r->wire_limit,
           100.0 * r->cycles_per_s / r->wire_limit, r->failures);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (!(seconds > 0)) {
        fprintf(stderr, "usage: bench_bus [seconds per run]\n");
        return 2;
    }
    bench_result sync_paced, read_paced, sync_free;
    if (run(1000000, 1, 1, seconds, &sync_paced) || run(1000000, 1, 0, seconds, &read_paced) ||
        run(1000000, 0, 1, seconds, &sync_free))
        return 1;
    printf("STS bus, 25 servos, one cycle = SYNC_WRITE 25 goals + read 25 positions\n");
    report("paced 1 Mbaud, SYNC_READ", &sync_paced);
    report("paced 1 Mbaud, READ per servo (peer)", &read_paced);
    report("unpaced pty, SYNC_READ", &sync_free);
    printf("SYNC_READ vs READ per servo at 1 Mbaud: %.2fx the cycles/s\n",
           sync_paced.cycles_per_s / read_paced.cycles_per_s);
    printf(
        "unpaced vs paced SYNC_READ: %.1fx (the pty and emulator are not the limit at 1 Mbaud)\n",
        sync_free.cycles_per_s / sync_paced.cycles_per_s);
    return 0;
}
