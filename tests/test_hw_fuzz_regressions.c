/* The fuzz seeds and every input that once crashed a servo-side parser
 * (tests/fuzz/regressions/<parser>/), replayed through the fuzz harnesses'
 * own checks in the normal build: calibration files, status packets and
 * the bus driver reading a noisy line. docs/trust.md lists what each checks. */
#define RENA_FUZZ_REPLAY
/* The harnesses are included whole, so a promise is written once and the
 * replay runs exactly what the fuzzer runs. */
#include "fuzz/fuzz_calibration.c"
#include "fuzz/fuzz_sts_bus.c"
#include "fuzz/fuzz_sts_packet.c"
#include "fuzz/replay.h"

static const fuzz_replay_target targets[] = {
    {"calibration", fuzz_calibration_one},
    {"sts_packet", fuzz_sts_packet_one},
    {"sts_bus", fuzz_sts_bus_one},
};

START_TEST(replays_without_a_broken_promise)
{
    fuzz_replay_target_check(&targets[_i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_fuzz_regressions");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, replays_without_a_broken_promise, 0,
                        (int)(sizeof targets / sizeof targets[0]));
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
