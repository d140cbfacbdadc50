/* PLACEHOLDER: replaced by the owner of 'rena generate'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_generate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena generate: not built yet\n");
    return RENA_EXIT_FAIL;
}
