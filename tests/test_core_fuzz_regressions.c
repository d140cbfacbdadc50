/* The fuzz seeds and every input that once crashed a core parser
 * (tests/fuzz/regressions/<parser>/), replayed through the fuzz harnesses'
 * own checks in the normal build: performer CSV and JSON Lines, .npy,
 * meta.json, model files and PNG. docs/trust.md lists what each checks. */
#define RENA_FUZZ_REPLAY
/* The harnesses are included whole, so a promise is written once and the
 * replay runs exactly what the fuzzer runs. */
#include "fuzz/fuzz_dataset_meta.c"
#include "fuzz/fuzz_features_csv.c"
#include "fuzz/fuzz_features_jsonl.c"
#include "fuzz/fuzz_modelfile.c"
#include "fuzz/fuzz_npy.c"
#include "fuzz/fuzz_png.c"
#include "fuzz/replay.h"

static const fuzz_replay_target targets[] = {
    {"features_csv", fuzz_features_csv_one}, {"features_jsonl", fuzz_features_jsonl_one},
    {"npy", fuzz_npy_one},                   {"dataset_meta", fuzz_dataset_meta_one},
    {"modelfile", fuzz_modelfile_one},       {"png", fuzz_png_one},
};

START_TEST(replays_without_a_broken_promise)
{
    fuzz_replay_target_check(&targets[_i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_fuzz_regressions");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, replays_without_a_broken_promise, 0,
                        (int)(sizeof targets / sizeof targets[0]));
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
