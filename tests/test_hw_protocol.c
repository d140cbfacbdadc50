/* The STS protocol byte for byte: every instruction against packets worked
 * out by hand in the comments, the checksum and length checks, and the
 * stream parser's resynchronisation after noise. */
#include <string.h>

#include "sts_protocol.h"
#include "testutil.h"

static void assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    ck_assert_uint_eq(got_len, want_len);
    for (size_t i = 0; i < want_len; i++)
        ck_assert_msg(got[i] == want[i], "byte %zu: got 0x%02X, want 0x%02X", i, got[i], want[i]);
}

START_TEST(ping_packet)
{
    /* 1 + 2 + 0x01 = 0x04, ~0x04 = 0xFB */
    const uint8_t want[] = {0xFF, 0xFF, 0x01, 0x02, 0x01, 0xFB};
    uint8_t buf[16];
    size_t len;
    ck_assert_int_eq(rena_sts_encode_ping(buf, sizeof buf, 1, &len, NULL), RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
}
END_TEST

START_TEST(read_packet)
{
    /* READ servo 1, address 56 (0x38), 2 bytes: 1+4+2+0x38+2 = 0x41 -> 0xBE */
    const uint8_t want[] = {0xFF, 0xFF, 0x01, 0x04, 0x02, 0x38, 0x02, 0xBE};
    uint8_t buf[16];
    size_t len;
    ck_assert_int_eq(rena_sts_encode_read(buf, sizeof buf, 1, RENA_STS_REG_PRESENT_POSITION, 2,
                                          &len, NULL),
                     RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
}
END_TEST

START_TEST(write_and_reg_write_packets)
{
    /* WRITE servo 1, goal position (0x2A) = 2048 = 00 08 little-endian:
     * 1+5+3+0x2A+0x00+0x08 = 0x3B -> 0xC4 */
    const uint8_t want_w[] = {0xFF, 0xFF, 0x01, 0x05, 0x03, 0x2A, 0x00, 0x08, 0xC4};
    /* REG_WRITE servo 2, goal 1000 = E8 03: 2+5+4+0x2A+0xE8+0x03 = 0x120 -> 0x20 -> 0xDF */
    const uint8_t want_r[] = {0xFF, 0xFF, 0x02, 0x05, 0x04, 0x2A, 0xE8, 0x03, 0xDF};
    uint8_t buf[16], v[2];
    size_t len;
    rena_sts_put_u16(v, 2048);
    ck_assert_int_eq(rena_sts_encode_write(buf, sizeof buf, 1, RENA_STS_WRITE, 0x2A, v, 2, &len,
                                           NULL),
                     RENA_OK);
    assert_bytes(buf, len, want_w, sizeof want_w);
    rena_sts_put_u16(v, 1000);
    ck_assert_int_eq(rena_sts_encode_write(buf, sizeof buf, 2, RENA_STS_REG_WRITE, 0x2A, v, 2,
                                           &len, NULL),
                     RENA_OK);
    assert_bytes(buf, len, want_r, sizeof want_r);
    ck_assert_int_eq(rena_sts_encode_write(buf, sizeof buf, 2, RENA_STS_READ, 0x2A, v, 2, &len,
                                           NULL),
                     RENA_ERR_ARG);
}
END_TEST

START_TEST(action_packet)
{
    /* ACTION to broadcast: 0xFE+2+5 = 0x105 -> 0x05 -> 0xFA */
    const uint8_t want[] = {0xFF, 0xFF, 0xFE, 0x02, 0x05, 0xFA};
    uint8_t buf[16];
    size_t len;
    ck_assert_int_eq(rena_sts_encode_action(buf, sizeof buf, RENA_STS_BROADCAST, &len, NULL),
                     RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
}
END_TEST

START_TEST(sync_write_packet)
{
    /* Goal 2048 to servo 1 and 1000 to servo 2. LEN = 8 params + 2 = 0x0A.
     * Sum FE+0A+83+2A+02+01+00+08+02+E8+03 = 0x2AD -> 0xAD -> ~ = 0x52 */
    const uint8_t want[] = {0xFF, 0xFF, 0xFE, 0x0A, 0x83, 0x2A, 0x02, 0x01,
                            0x00, 0x08, 0x02, 0xE8, 0x03, 0x52};
    const uint8_t ids[] = {1, 2};
    uint8_t data[4], buf[32];
    size_t len;
    rena_sts_put_u16(data, 2048);
    rena_sts_put_u16(data + 2, 1000);
    ck_assert_int_eq(rena_sts_encode_sync_write(buf, sizeof buf, 0x2A, 2, ids, 2, data, &len, NULL),
                     RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
}
END_TEST

START_TEST(sync_read_packet)
{
    /* Present position (0x38), 2 bytes, from servos 1,2,3. LEN = 5 + 2 = 7.
     * Sum FE+07+82+38+02+01+02+03 = 0x1C7 -> 0xC7 -> ~ = 0x38 */
    const uint8_t want[] = {0xFF, 0xFF, 0xFE, 0x07, 0x82, 0x38, 0x02, 0x01, 0x02, 0x03, 0x38};
    const uint8_t ids[] = {1, 2, 3};
    uint8_t buf[32];
    size_t len;
    ck_assert_int_eq(rena_sts_encode_sync_read(buf, sizeof buf, 0x38, 2, ids, 3, &len, NULL),
                     RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
}
END_TEST

START_TEST(status_packet_round_trip)
{
    /* Reply of servo 1, no error, position 2048: 1+4+0+0+8 = 0x0D -> 0xF2 */
    const uint8_t want[] = {0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2};
    uint8_t buf[16], data[2];
    size_t len;
    rena_sts_put_u16(data, 2048);
    ck_assert_int_eq(rena_sts_encode(buf, sizeof buf, 1, 0, data, 2, &len, NULL), RENA_OK);
    assert_bytes(buf, len, want, sizeof want);
    rena_sts_packet p;
    ck_assert_int_eq(rena_sts_decode(want, sizeof want, &p, NULL), RENA_OK);
    ck_assert_uint_eq(p.id, 1);
    ck_assert_uint_eq(p.code, 0);
    ck_assert_uint_eq(p.nparams, 2);
    ck_assert_uint_eq(rena_sts_get_u16(p.params), 2048);
}
END_TEST

START_TEST(decode_rejects_bad_checksum_and_length)
{
    uint8_t pkt[] = {0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2};
    rena_sts_packet p;
    rena_error e;
    pkt[7] = 0xF3;
    ck_assert_int_eq(rena_sts_decode(pkt, sizeof pkt, &p, &e), RENA_ERR_CHECKSUM);
    pkt[7] = 0xF2;
    pkt[3] = 0x05; /* LEN claims one byte more than there is */
    ck_assert_int_eq(rena_sts_decode(pkt, sizeof pkt, &p, &e), RENA_ERR_FORMAT);
    pkt[3] = 0x04;
    ck_assert_int_eq(rena_sts_decode(pkt, sizeof pkt - 1, &p, &e), RENA_ERR_FORMAT);
    pkt[1] = 0xFE;
    ck_assert_int_eq(rena_sts_decode(pkt, sizeof pkt, &p, &e), RENA_ERR_FORMAT);
}
END_TEST

START_TEST(encode_refuses_oversized_packets)
{
    uint8_t ids[100], data[400], buf[RENA_STS_MAX_PACKET];
    size_t len;
    memset(ids, 1, sizeof ids);
    memset(data, 0, sizeof data);
    /* 2 + 100 * 3 = 302 parameters: more than one LEN byte can count */
    ck_assert_int_eq(
        rena_sts_encode_sync_write(buf, sizeof buf, 0x2A, 2, ids, 100, data, &len, NULL),
        RENA_ERR_ARG);
    ck_assert_int_eq(rena_sts_encode_ping(buf, 5, 1, &len, NULL), RENA_ERR_ARG);
    /* 25 goals of 2 bytes fit: 2 + 25 * 3 = 77 parameters, 83 bytes */
    ck_assert_int_eq(
        rena_sts_encode_sync_write(buf, sizeof buf, 0x2A, 2, ids, 25, data, &len, NULL), RENA_OK);
    ck_assert_uint_eq(len, 83);
}
END_TEST

/* Feeds bytes one by one and collects what the parser reports. */
typedef struct {
    int packets, bad_checksum, bad_length;
    uint8_t ids[16];
} parse_log;

static parse_log feed_all(const uint8_t *bytes, size_t n)
{
    parse_log log;
    memset(&log, 0, sizeof log);
    rena_sts_parser p;
    rena_sts_parser_reset(&p);
    for (size_t i = 0; i < n; i++) {
        rena_sts_packet pkt;
        switch (rena_sts_parser_feed(&p, bytes[i], &pkt)) {
        case RENA_STS_PARSE_PACKET:
            if (log.packets < 16)
                log.ids[log.packets] = pkt.id;
            log.packets++;
            break;
        case RENA_STS_PARSE_BAD_CHECKSUM:
            log.bad_checksum++;
            break;
        case RENA_STS_PARSE_BAD_LENGTH:
            log.bad_length++;
            break;
        default:
            break;
        }
    }
    return log;
}

START_TEST(parser_resyncs_after_noise)
{
    const uint8_t s[] = {
        0x13, 0x37, 0xFF, 0x00,                          /* noise, a lone FF */
        0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2,  /* servo 1 */
        0xFF, 0xFF, 0xFF, 0x02, 0x02, 0x00, 0xFB,        /* FF run, then servo 2 ping reply */
        0xFF, 0xFF, 0x03, 0x02, 0x00, 0x00,              /* servo 3 with a bad checksum */
        0xFF, 0xFF, 0x04, 0x01, 0x00,                    /* LEN 1: not a packet */
        0xFF, 0xFF, 0x05, 0x02, 0x00, 0xF8,              /* servo 5 */
    };
    parse_log log = feed_all(s, sizeof s);
    ck_assert_int_eq(log.packets, 3);
    ck_assert_uint_eq(log.ids[0], 1);
    ck_assert_uint_eq(log.ids[1], 2);
    ck_assert_uint_eq(log.ids[2], 5);
    ck_assert_int_eq(log.bad_checksum, 1);
    ck_assert_int_eq(log.bad_length, 1);
}
END_TEST

START_TEST(parser_holds_partial_packets)
{
    const uint8_t s[] = {0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2};
    rena_sts_parser p;
    rena_sts_parser_reset(&p);
    rena_sts_packet pkt;
    for (size_t i = 0; i + 1 < sizeof s; i++)
        ck_assert_int_eq(rena_sts_parser_feed(&p, s[i], &pkt), RENA_STS_PARSE_MORE);
    ck_assert_uint_eq(rena_sts_parser_pending(&p), sizeof s - 1);
    ck_assert_int_eq(rena_sts_parser_feed(&p, s[sizeof s - 1], &pkt), RENA_STS_PARSE_PACKET);
    ck_assert_uint_eq(rena_sts_parser_pending(&p), 0);
}
END_TEST

START_TEST(sign_magnitude_and_baud_codes)
{
    ck_assert_uint_eq(rena_sts_to_sign_magnitude(100, 15), 0x0064);
    ck_assert_uint_eq(rena_sts_to_sign_magnitude(-100, 15), 0x8064);
    ck_assert_uint_eq(rena_sts_to_sign_magnitude(-1, 15), 0x8001);
    ck_assert_uint_eq(rena_sts_to_sign_magnitude(-5, 10), 0x0405);
    ck_assert_int_eq(rena_sts_from_sign_magnitude(0x8064, 15), -100);
    ck_assert_int_eq(rena_sts_from_sign_magnitude(0x0FFF, 15), 4095);
    ck_assert_int_eq(rena_sts_from_sign_magnitude(0x0405, 10), -5);
    for (int v = -32767; v <= 32767; v += 97)
        ck_assert_int_eq(rena_sts_from_sign_magnitude(rena_sts_to_sign_magnitude(v, 15), 15), v);
    const long rates[8] = {1000000, 500000, 250000, 128000, 115200, 76800, 57600, 38400};
    for (int c = 0; c < 8; c++) {
        ck_assert_int_eq(rena_sts_baud_from_code(c), rates[c]);
        ck_assert_int_eq(rena_sts_baud_code(rates[c]), c);
    }
    ck_assert_int_eq(rena_sts_baud_code(9600), -1);
    ck_assert_int_eq(rena_sts_baud_from_code(8), 0);
    char buf[64];
    ck_assert_str_eq(rena_sts_error_bits_str(RENA_STS_ERR_OVERLOAD | RENA_STS_ERR_OVERHEAT, buf,
                                             sizeof buf),
                     "overheat+overload");
    ck_assert_str_eq(rena_sts_error_bits_str(0, buf, sizeof buf), "none");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_protocol");
    TCase *tc = tcase_create("protocol");
    tcase_add_test(tc, ping_packet);
    tcase_add_test(tc, read_packet);
    tcase_add_test(tc, write_and_reg_write_packets);
    tcase_add_test(tc, action_packet);
    tcase_add_test(tc, sync_write_packet);
    tcase_add_test(tc, sync_read_packet);
    tcase_add_test(tc, status_packet_round_trip);
    tcase_add_test(tc, decode_rejects_bad_checksum_and_length);
    tcase_add_test(tc, encode_refuses_oversized_packets);
    tcase_add_test(tc, parser_resyncs_after_noise);
    tcase_add_test(tc, parser_holds_partial_packets);
    tcase_add_test(tc, sign_magnitude_and_baud_codes);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
