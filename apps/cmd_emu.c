/* cmd_emu.c: `rena emu` serves 25 emulated STS servos on a pseudo-terminal
 * until Ctrl-C, so `rena servo ... --port /dev/pts/N` (or --backend
 * serial:/dev/pts/N) can be tried without hardware from another shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "emulator.h"
#include "sts_protocol.h"

static const char *const CMD = "emu";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena emu [--port-link PATH] [--baud B] [--pace] [--faults SPEC] [options]\n"
            "\n"
            "Emulates a bus of Feetech STS servos on a pseudo-terminal and prints the\n"
            "terminal's path on the first line of stdout; runs until Ctrl-C.\n"
            "\n"
            "  --port-link PATH  also make PATH a symlink to the terminal (removed at exit)\n"
            "  --baud B          the servos' baud rate (default 1000000)\n"
            "  --pace            every byte takes 10 bits / baud, like a real bus\n"
            "  --faults SPEC     inject faults, comma-separated:\n"
            "                      drop=P[@ID] corrupt=P[@ID] garbage=P delay=MS[@ID]\n"
            "                      absent=ID[+ID..] stuck=ID[+ID..] error=ID:BITS\n"
            "                      nosyncread seed=N\n"
            "  --ids FIRST-LAST  servo IDs on the bus (default 1-25)\n"
            "  --speedup X       emulated time runs X times faster (default 1)\n");
}

typedef struct {
    rena_emu_options opt;
    const char *link;
} emu_args;

static int parse_ids(const char *v, rena_emu_options *o)
{
    long first, last;
    char *end;
    first = strtol(v, &end, 10);
    if (*end != '-')
        return -1;
    last = strtol(end + 1, &end, 10);
    if (*end || first < 0 || last > RENA_STS_MAX_ID || first > last ||
        last - first + 1 > RENA_EMU_MAX_SERVOS)
        return -1;
    o->count = (int)(last - first + 1);
    for (int i = 0; i < o->count; i++)
        o->ids[i] = (uint8_t)(first + i);
    return 0;
}

static int parse_args(int argc, char **argv, emu_args *a)
{
    memset(a, 0, sizeof *a);
    rena_emu_options_default(&a->opt);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(o, "--pace")) {
            a->opt.pace = 1;
            continue;
        }
        if (strcmp(o, "--port-link") && strcmp(o, "--baud") && strcmp(o, "--faults") &&
            strcmp(o, "--ids") && strcmp(o, "--speedup"))
            return rena_cli_usage_error(CMD, "unknown option '%s'", o);
        if (i + 1 >= argc)
            return rena_cli_usage_error(CMD, "%s needs a value", o);
        const char *v = argv[++i];
        if (!strcmp(o, "--port-link")) {
            a->link = v;
        } else if (!strcmp(o, "--baud")) {
            if (rena_cli_parse_long(CMD, o, v, 1, 4000000, &a->opt.baud))
                return RENA_EXIT_USAGE;
            if (rena_sts_baud_code(a->opt.baud) < 0)
                return rena_cli_usage_error(CMD, "--baud %ld is not a rate STS servos use "
                                                 "(1000000 500000 250000 128000 115200 76800 "
                                                 "57600 38400)", a->opt.baud);
        } else if (!strcmp(o, "--faults")) {
            rena_error err;
            if (rena_emu_faults_parse(v, &a->opt.faults, &err) != RENA_OK)
                return rena_cli_usage_error(CMD, "%s: %s", err.where, err.message);
        } else if (!strcmp(o, "--ids")) {
            if (parse_ids(v, &a->opt))
                return rena_cli_usage_error(CMD, "--ids expects FIRST-LAST inside 0-253, at most "
                                                 "%d servos, got '%s'", RENA_EMU_MAX_SERVOS, v);
        } else if (rena_cli_parse_double(CMD, o, v, 0.01, 1000.0, &a->opt.speedup)) {
            return RENA_EXIT_USAGE;
        }
    }
    return 0;
}

int rena_cmd_emu(int argc, char **argv)
{
    emu_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? RENA_EXIT_OK : rc;
    a.opt.link_path = a.link;
    rena_emu *emu = NULL;
    rena_error err;
    rena_error_clear(&err);
    if (rena_emu_start(&a.opt, &emu, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    printf("%s\n", rena_emu_port(emu));
    fflush(stdout);
    fprintf(stderr,
            "rena emu: %d STS servos (IDs %u..%u) on %s%s%s at %ld baud%s; Ctrl-C stops\n",
            a.opt.count, a.opt.ids[0], a.opt.ids[a.opt.count - 1], rena_emu_port(emu),
            a.link ? " -> " : "", a.link ? a.link : "", a.opt.baud,
            a.opt.pace ? ", paced" : "");
    struct timespec tick = {0, 50 * 1000 * 1000};
    while (!rena_cli_interrupted())
        nanosleep(&tick, NULL);
    rena_emu_stats st = rena_emu_get_stats(emu);
    rena_emu_stop(emu);
    fprintf(stderr, "rena emu: stopped after %ld instructions, %ld replies (%ld dropped, %ld "
                    "corrupted)\n",
            st.packets, st.replies, st.dropped, st.corrupted);
    return RENA_EXIT_OK;
}
