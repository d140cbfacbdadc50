/* PLACEHOLDER: replaced by the owner of 'rena eval'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena eval: not built yet\n");
    return RENA_EXIT_FAIL;
}
