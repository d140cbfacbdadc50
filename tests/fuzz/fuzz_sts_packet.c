/* fuzz_sts_packet.c: servo status packets as they come off the bus
 * (hw/sts_protocol.h): the one-packet decoder on the whole input, and the
 * byte-stream parser that must find packets between noise and resynchronise
 * after garbage. Every byte fed is accounted for: skipped as noise, part of
 * a packet handed back, or held for the packet being framed. */
#include "fuzz_util.h"
#include "sts_protocol.h"

rena_status fuzz_sts_packet_one(const uint8_t *data, size_t size);

/* A packet handed back is exactly what the encoder makes of its fields. */
static void sts_check_reencodes(const rena_sts_packet *pkt, const uint8_t *wire, size_t n)
{
    uint8_t buf[RENA_STS_MAX_PACKET];
    size_t len = 0;
    rena_error err;
    rena_status st = rena_sts_encode(buf, sizeof buf, pkt->id, pkt->code, pkt->params,
                                     pkt->nparams, &len, &err);
    FUZZ_REQUIRE(st == RENA_OK, "a decoded packet cannot be encoded: %s", err.message);
    FUZZ_REQUIRE(len == n && !memcmp(buf, wire, n), "re-encoding a %zu-byte packet differs", n);
}

static rena_status sts_decode_whole(const uint8_t *data, size_t size, rena_sts_packet *pkt)
{
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_sts_decode(data, size, pkt, &err);
    fuzz_require_status(st, &err);
    if (st == RENA_OK) {
        FUZZ_REQUIRE(rena_sts_packet_size(pkt->nparams) == size, "%u params in %zu bytes",
                     pkt->nparams, size);
        FUZZ_REQUIRE(pkt->params == data + 5, "params do not point into the packet");
        sts_check_reencodes(pkt, data, size);
    }
    return st;
}

/* Feeds every byte; returns the number of packets found. *last_end is the
 * byte count after which the last packet completed. */
static int sts_parse_stream(const uint8_t *data, size_t size, rena_sts_packet *last,
                            size_t *last_end)
{
    rena_sts_parser p;
    rena_sts_parser_reset(&p);
    size_t in_packets = 0;
    int found = 0;
    for (size_t i = 0; i < size; i++) {
        rena_sts_packet pkt;
        rena_sts_parse_result r = rena_sts_parser_feed(&p, data[i], &pkt);
        FUZZ_REQUIRE(r >= RENA_STS_PARSE_MORE && r <= RENA_STS_PARSE_BAD_LENGTH, "result %d",
                     (int)r);
        FUZZ_REQUIRE(p.have <= RENA_STS_MAX_PACKET, "holding %zu bytes", p.have);
        if (r == RENA_STS_PARSE_PACKET) {
            size_t n = rena_sts_packet_size(pkt.nparams);
            FUZZ_REQUIRE(n <= i + 1, "a %zu-byte packet after %zu bytes", n, i + 1);
            sts_check_reencodes(&pkt, data + i + 1 - n, n);
            in_packets += n;
            *last = pkt;
            *last_end = i + 1;
            found++;
        }
        FUZZ_REQUIRE(p.skipped + in_packets + p.have == i + 1,
                     "after %zu bytes: %zu skipped + %zu in packets + %zu held", i + 1, p.skipped,
                     in_packets, p.have);
        size_t pending = rena_sts_parser_pending(&p);
        FUZZ_REQUIRE(pending == 0 || pending == p.have, "pending %zu, holding %zu", pending,
                     p.have);
    }
    return found;
}

rena_status fuzz_sts_packet_one(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_exact_copy(data, size);
    rena_sts_packet whole, last;
    rena_status st = sts_decode_whole(copy, size, &whole);
    size_t last_end = 0;
    int found = sts_parse_stream(copy, size, &last, &last_end);
    /* A well-formed packet alone on the line is what the stream parser finds
     * (an ID of 0xFF, which no servo has, reads as one more header byte). */
    if (st == RENA_OK && whole.id != RENA_STS_HEADER)
        FUZZ_REQUIRE(found >= 1 && last_end == size && last.id == whole.id &&
                         last.code == whole.code && last.nparams == whole.nparams,
                     "decoded alone but the stream parser found %d packets", found);
    free(copy);
    return st;
}

#ifndef RENA_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sts_packet_one(data, size);
    return 0;
}
#endif
