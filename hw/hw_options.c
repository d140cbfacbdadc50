#include <string.h>

#include "hw.h"

void rena_hw_options_default(rena_hw_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->baud = 1000000;
    opt->watchdog_s = 0.5;
}
