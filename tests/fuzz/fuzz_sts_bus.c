/* fuzz_sts_bus.c: the servo bus driver (hw/sts_bus.h) reading replies from
 * a line that says anything. The driver is given an in-memory transport
 * whose reads return the fuzz input, chunked as a USB adapter would, then
 * report the line dead (RENA_ERR_IO), so no step waits for a timeout.
 * Every transaction must end with a valid status, fill only the bytes it was
 * given, and never claim success for a reply it did not get. */
#include "fuzz_util.h"
#include "sts_bus.h"

rena_status fuzz_sts_bus_one(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t size, pos, chunk;
} bus_line;

static rena_status line_write(void *impl, const uint8_t *data, size_t n, rena_error *err)
{
    (void)impl;
    (void)data;
    (void)n;
    (void)err;
    return RENA_OK;
}

static rena_status line_read(void *impl, uint8_t *buf, size_t cap, size_t *got, int timeout_ms,
                             rena_error *err)
{
    (void)timeout_ms;
    bus_line *l = impl;
    if (l->pos >= l->size)
        return rena_error_set(err, RENA_ERR_IO, "fuzz line", "end of the fuzz input");
    size_t n = l->size - l->pos;
    if (n > l->chunk)
        n = l->chunk;
    if (n > cap)
        n = cap;
    memcpy(buf, l->data + l->pos, n);
    l->pos += n;
    *got = n;
    return RENA_OK;
}

/* the input models what arrives next: nothing is waiting to be dropped */
static long line_discard(void *impl)
{
    (void)impl;
    return 0;
}
static void line_close(void *impl) { (void)impl; }

static const rena_transport_ops line_ops = {line_write, line_read, line_discard, line_close};

static void bus_attach(rena_sts_bus *bus, bus_line *line)
{
    memset(bus, 0, sizeof *bus);
    rena_sts_bus_options_default(&bus->opt);
    /* reads never block, so a generous timeout keeps every run deterministic */
    bus->opt.timeout_ms = 1000;
    bus->opt.retries = 1;
    bus->byte_time_s = 10.0 / 1000000.0;
    bus->sync_read_ok = 1;
    rena_sts_parser_reset(&bus->parser);
    bus->port.kind = RENA_TRANSPORT_TERMIOS;
    snprintf(bus->port.path, sizeof bus->port.path, "fuzz line");
    bus->port.baud = 1000000;
    bus->port.ops = &line_ops;
    bus->port.impl = line;
}

rena_status fuzz_sts_bus_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return RENA_ERR_ARG;
    bus_line line = {data + 1, size - 1, 0, (size_t)(data[0] % 32) + 1};
    rena_sts_bus bus;
    bus_attach(&bus, &line);
    rena_error err;
    uint8_t bits = 0, word[2] = {0, 0};
    rena_error_clear(&err);
    rena_status first = rena_sts_bus_ping(&bus, 1, &bits, &err);
    fuzz_require_status(first, &err);

    rena_error_clear(&err);
    rena_status st =
        rena_sts_bus_read(&bus, 2, RENA_STS_REG_PRESENT_POSITION, 2, word, &bits, &err);
    fuzz_require_status(st, &err);

    /* guard bytes after the buffer: read_many fills exactly n * count */
    const uint8_t ids[3] = {1, 2, 3};
    uint8_t many[3 * 2 + 4], errbits[3];
    rena_status result[3];
    memset(many, 0xA5, sizeof many);
    rena_error_clear(&err);
    st = rena_sts_bus_read_many(&bus, RENA_STS_REG_PRESENT_POSITION, 2, ids, 3, many,
                                            errbits, result, &err);
    fuzz_require_status(st, &err);
    for (int i = 0; i < 4; i++)
        FUZZ_REQUIRE(many[6 + i] == 0xA5, "read_many wrote past its buffer");
    if (st == RENA_OK)
        for (int i = 0; i < 3; i++)
            FUZZ_REQUIRE(result[i] == RENA_OK, "read_many OK but servo %d says %d", i,
                         (int)result[i]);

    rena_sts_servo_state state;
    rena_error_clear(&err);
    fuzz_require_status(rena_sts_bus_read_state(&bus, 4, &state, &err), &err);

    uint8_t found[3];
    size_t nfound = 99;
    rena_error_clear(&err);
    st = rena_sts_bus_scan(&bus, 1, 3, found, &nfound, &err);
    fuzz_require_status(st, &err);
    FUZZ_REQUIRE(nfound <= 3, "scan of 3 IDs found %zu", nfound);
    for (size_t i = 0; i < nfound; i++)
        FUZZ_REQUIRE(found[i] >= 1 && found[i] <= 3 && (i == 0 || found[i] > found[i - 1]),
                     "scan found ID %u", found[i]);

    FUZZ_REQUIRE(bus.stats.rx_bytes >= 0 && (size_t)bus.stats.rx_bytes <= size - 1,
                 "received %ld bytes of %zu", bus.stats.rx_bytes, size - 1);
    rena_sts_bus_close(&bus);
    return first;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sts_bus_one(data, size);
    return 0;
}
#endif
