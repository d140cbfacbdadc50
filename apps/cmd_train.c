/* PLACEHOLDER: replaced by the owner of 'rena train'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_train(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena train: not built yet\n");
    return RENA_EXIT_FAIL;
}
