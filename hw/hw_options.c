#include <string.h>

#include "hw.h"
#include "safety.h"

void rena_hw_options_default(rena_hw_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->baud = 1000000;
    opt->watchdog_s = 0.5;
    opt->timeout_ms = 20;
    opt->retries = 2;
    opt->max_step = RENA_SAFETY_DEFAULT_MAX_STEP;
    opt->cycle_s = 0.01;
    opt->settle_timeout_s = 1.0;
    opt->settle_ticks = 8;
    opt->emu_speedup = 1.0;
}
