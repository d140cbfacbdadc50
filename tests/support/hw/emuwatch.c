#include "emuwatch.h"

#include <sys/wait.h>
#include <time.h>

#include "calibration.h"
#include "testutil.h"

void rena_test_write_narrow_calibration(const char *path)
{
    rena_calibration c;
    rena_calibration_default(&c);
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        c.servo[i].min_ticks = RENA_TEST_NARROW_MIN;
        c.servo[i].max_ticks = RENA_TEST_NARROW_MAX;
        c.servo[i].neutral_ticks = RENA_TEST_NARROW_NEUTRAL;
    }
    ck_assert_int_eq(rena_calibration_save(path, &c, NULL), RENA_OK);
}

rena_emu *rena_test_start_emulator(double speedup)
{
    rena_emu_options eo;
    rena_emu_options_default(&eo);
    eo.speedup = speedup;
    eo.start_position = RENA_TEST_NARROW_NEUTRAL;
    rena_emu *emu;
    rena_error e;
    ck_assert_msg(rena_emu_start(&eo, &emu, &e) == RENA_OK, "%s", e.message);
    return emu;
}

int rena_test_watch_goals(rena_emu *emu, pid_t pid, int lo[RENA_NUM_SERVOS],
                          int hi[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        lo[i] = 4096, hi[i] = -1;
    int status = 0;
    for (;;) {
        int done = waitpid(pid, &status, WNOHANG) == pid;
        for (int i = 0; i < RENA_NUM_SERVOS; i++) {
            rena_emu_view v;
            ck_assert(rena_emu_view_servo(emu, (uint8_t)(i + 1), &v));
            lo[i] = v.goal < lo[i] ? v.goal : lo[i];
            hi[i] = v.goal > hi[i] ? v.goal : hi[i];
        }
        if (done)
            return status;
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
}
