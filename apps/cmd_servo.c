/* PLACEHOLDER: replaced by the owner of 'rena servo'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_servo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena servo: not built yet\n");
    return RENA_EXIT_FAIL;
}
