/* PLACEHOLDER: replaced by the owner of 'rena emu'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_emu(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena emu: not built yet\n");
    return RENA_EXIT_FAIL;
}
